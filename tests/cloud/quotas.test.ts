// The quota arithmetic `npm run cloud -- up` raises the project by: counts of planned resources
// to Nova's and Neutron's quota keys, including what Neutron adds on its own (default rules).
import * as assert from "assert";
import { addQuotas, quotasFor, quotaTable } from "../../cloud/quotas";

const T = (t: string, flavor?: string) => ({ type: `openstack:${t}`, flavor });

describe("cloud: quotas", () => {
    const uses = [
        T("compute/instance:Instance", "m1.medium"),
        T("compute/instance:Instance", "m1.small"),
        T("compute/instance:Instance", "m1.small"),
        T("compute/keypair:Keypair"),
        T("networking/network:Network"),
        T("networking/subnet:Subnet"),
        T("networking/router:Router"),
        T("networking/routerInterface:RouterInterface"),
        T("networking/routerInterface:RouterInterface"),
        T("networking/port:Port"),
        T("networking/port:Port"),
        T("networking/floatingIp:FloatingIp"),
        T("networking/secGroup:SecGroup"),
        T("networking/secGroup:SecGroup"),
        T("networking/secGroupRule:SecGroupRule"),
        T("networking/secGroupRule:SecGroupRule"),
        T("networking/secGroupRule:SecGroupRule"),
    ];
    it("counts servers, cores and RAM by flavor, interfaces as ports, and the rules Neutron adds to every group", () => {
        assert.deepStrictEqual(quotasFor(uses), {
            compute: { instances: 3, cores: 2 + 1 + 1, ram: 4096 + 2048 + 2048, key_pairs: 1 },
            // groups: 2 + the project's default; rules: 3 + 2 egress per new group + 4 of default.
            network: {
                networks: 1,
                subnets: 1,
                routers: 1,
                ports: 2 + 2,
                floating_ips: 1,
                security_groups: 3,
                security_group_rules: 3 + 4 + 4,
            },
        });
    });
    it("refuses an instance whose flavor the cloud does not create", () => {
        assert.throws(
            () => quotasFor([T("compute/instance:Instance", "m1.huge")]),
            /flavor "m1\.huge", which the cloud does not create \(m1\.small, m1\.medium\)/,
        );
    });
    it("adds the needs of stacks standing at once, key by key", () => {
        const q = quotasFor(uses);
        const two = addQuotas(q, q);
        assert.strictEqual(two.compute.instances, 6);
        assert.strictEqual(two.network.security_group_rules, 2 * q.network.security_group_rules);
    });
    it("prints before, needed and after for every key", () => {
        const q = quotasFor(uses);
        const lines = quotaTable(q, q, q).split("\n");
        assert.strictEqual(lines.length, 1 + 4 + 7);
        assert.match(
            lines.find((l) => l.startsWith("network.floating_ips"))!,
            /\s1\s+1\s+1$/,
        );
    });
});
