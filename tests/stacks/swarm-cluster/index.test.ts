// The swarm-cluster stack (target openstack) on plans chained from the real k8s-dev plan:
// the route through the router VNF, secrets, security rules, swarm formation, the CLI wiring,
// and errors that name the key.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "child_process";
import { parse as parseYaml } from "yaml";
import { commandStdout } from "../../../harness/mock-commands";
import { mockId } from "../../../harness/mocks";
import { planStacks, PlannedResource, revealedInputs, SECRET, StackPlan } from "../../../harness/plan";
import { PROJECT_DIR } from "../../../harness/stack-files";
import { apacheRoute, CLUSTER_LEG_NETWORK_FILE } from "../../../stacks/swarm-cluster/cloud-init";
import {
    forgetNodeCommand,
    joinTokenCommand,
    leaveSwarmCommand,
    swarmNodes,
} from "../../../stacks/swarm-cluster/swarm-commands";
import { swarmSecurityRules } from "../../../stacks/swarm-cluster/security";

const K8S = "organization/hybrid-vnf/k8s-dev";
const of = (plan: StackPlan, type: string) =>
    plan.resources.filter((r) => r.type === `openstack:${type}` || r.type === type);
const instances = (plan: StackPlan) => of(plan, "compute/instance:Instance");
const commands = (plan: StackPlan) => of(plan, "command:remote:Command");
const real = (plan: StackPlan, r: PlannedResource) => revealedInputs(plan, r) as Record<string, any>;

/** The [Route] of the eth1 networkd file in a node's user-data. */
function routeOf(userData: string): { destination: string; gateway: string; comment: string } {
    const file = parseYaml(userData).write_files.find((f: any) => f.path === CLUSTER_LEG_NETWORK_FILE);
    assert.ok(file, `no ${CLUSTER_LEG_NETWORK_FILE} in user-data`);
    const text: string = file.content;
    const route = text.slice(text.indexOf("[Route]"));
    return {
        destination: /^Destination=(.+)$/m.exec(route)![1],
        gateway: /^Gateway=(.+)$/m.exec(route)![1],
        comment: /^# ip route: (.+)$/m.exec(text)![1],
    };
}

async function swarmOn(k8s: StackPlan, overrides: Record<string, unknown> = {}): Promise<StackPlan> {
    const [swarm] = await planStacks(["swarm-dev"], { previous: [k8s], overrides: { "swarm-dev": overrides } });
    return swarm;
}

describe("swarm-cluster on OpenStack, chained from k8s-dev", () => {
    let k8s: StackPlan;
    let swarm: StackPlan;
    before(async () => {
        [k8s, swarm] = await planStacks(["k8s-dev", "swarm-dev"]);
    });

    it("reads the k8s stack through a StackReference named by k8sStack", () => {
        const refs = of(swarm, "pulumi:pulumi:StackReference");
        assert.deepStrictEqual(
            refs.map((r) => r.inputs.name),
            [K8S],
        );
    });

    it("every node's user-data routes the k8s stack's Apache network via its routerHost on eth1", () => {
        const { routerHost, apacheInfo } = k8s.outputs as any;
        const nodes = instances(swarm);
        assert.strictEqual(nodes.length, 2, "swarm-dev: 1 manager + 1 worker");
        for (const node of nodes) {
            const route = routeOf(real(swarm, node).userData);
            assert.deepStrictEqual([route.destination, route.gateway], [apacheInfo.network, routerHost], node.name);
            assert.strictEqual(route.comment, `${apacheInfo.network} via ${routerHost} dev eth1`);
        }
    });

    it("changing the k8s stack's apacheCidr changes the swarm route", async () => {
        const [k8sMoved, swarmMoved] = await planStacks(["k8s-dev", "swarm-dev"], {
            overrides: { "k8s-dev": { "hybrid-vnf:apacheCidr": "10.100.120.0/24" } },
        });
        assert.strictEqual((k8sMoved.outputs as any).apacheInfo.network, "10.100.120.0/24");
        for (const node of instances(swarmMoved)) {
            assert.strictEqual(routeOf(real(swarmMoved, node).userData).destination, "10.100.120.0/24");
        }
        assert.notDeepStrictEqual(
            instances(swarmMoved).map((n) => n.inputs.userData),
            instances(swarm).map((n) => n.inputs.userData),
        );
    });

    it("each node has eth0 on the swarm network and eth1 on the k8s cluster network, without address pairs", () => {
        const clusterNetworkId = (k8s.outputs as any).clusterNetwork.id;
        const swarmNetId = mockId(
            "openstack:networking/network:Network",
            of(swarm, "networking/network:Network")[0].name,
        );
        const ports = of(swarm, "networking/port:Port");
        const portById = (id: string) => ports.find((p) => mockId(p.type, p.name) === id)!;
        for (const node of instances(swarm)) {
            const [eth0, eth1] = (node.inputs.networks as { port: string }[]).map((n) => portById(n.port));
            assert.strictEqual(eth0.inputs.networkId, swarmNetId, `${node.name} eth0`);
            assert.strictEqual(eth1.inputs.networkId, clusterNetworkId, `${node.name} eth1`);
            // eth1 only sends from its own address, and replies are addressed to it.
            assert.strictEqual(eth1.inputs.allowedAddressPairs, undefined, `${node.name} eth1 pairs`);
        }
    });

    it("the join tokens and the private key are secret in every command, and never printed", () => {
        const shown = JSON.stringify(swarm);
        assert.doesNotMatch(shown, /SWMTKN-|PRIVATE KEY/);
        for (const cmd of commands(swarm)) {
            assert.strictEqual(cmd.inputs.connection, SECRET, `${cmd.name} connection`);
            assert.match(real(swarm, cmd).connection.privateKey, /BEGIN OPENSSH PRIVATE KEY/);
        }
        const joins = commands(swarm).filter((c) => c.name.endsWith("-join"));
        assert.ok(joins.length > 0);
        for (const join of joins) {
            assert.strictEqual(join.inputs.stdin, SECRET, `${join.name} stdin`);
            assert.match(real(swarm, join).stdin, /^SWMTKN-1-/);
            assert.doesNotMatch(real(swarm, join).create, /SWMTKN/, "the token is not in the command text");
        }
    });

    it("no security rule opens 2375/2376, or SSH to 0.0.0.0/0; swarm ports only among swarm nodes", () => {
        const rules = of(swarm, "networking/secGroupRule:SecGroupRule").map((r) => r.inputs as Record<string, any>);
        assert.ok(rules.length >= 6);
        const covers = (r: Record<string, any>, port: number) =>
            (r.portRangeMin ?? 1) <= port && port <= (r.portRangeMax ?? 65535);
        for (const r of rules) {
            assert.ok(!covers(r, 2375) && !covers(r, 2376), `rule opens the Docker API: ${JSON.stringify(r)}`);
            assert.ok(
                r.remoteIpPrefix || r.remoteGroupId,
                `rule without a source opens to everyone: ${JSON.stringify(r)}`,
            );
            if (covers(r, 22)) assert.strictEqual(r.remoteIpPrefix, "198.51.100.0/24", "SSH only from adminCidr");
            if ([2377, 7946, 4789].some((p) => covers(r, p))) {
                assert.strictEqual(
                    r.remoteGroupId,
                    r.securityGroupId,
                    "swarm ports: remote group is the swarm group itself",
                );
                assert.strictEqual(r.remoteIpPrefix, undefined);
            }
        }
        assert.ok(
            rules.some((r) => covers(r, 80) && r.remoteIpPrefix === "0.0.0.0/0"),
            "lbPort from clientCidr",
        );
    });

    it("the Docker API is reached over SSH via the first manager's floating IP", () => {
        const out = swarm.outputs as any;
        assert.match(out.dockerHost, /^ssh:\/\/debian@203\.0\.113\.\d+$/);
        assert.deepStrictEqual(out.swarmNetwork, { cidr: "10.100.100.0/24" });
        assert.strictEqual(out.managerIp, out.nodeIps[0]);
        assert.strictEqual(out.nodeIps.length, 2);
        assert.strictEqual(out.lbPort, 80);
    });

    it("init is guarded so `up` never re-initialises a formed swarm", () => {
        const init = commands(swarm).filter((c) => /docker swarm init/.test(String(c.inputs.create)));
        assert.strictEqual(init.length, 1);
        const create = String(init[0].inputs.create);
        assert.ok(
            create.indexOf("LocalNodeState") < create.lastIndexOf("sudo docker swarm init"),
            "the state check comes first",
        );
        assert.match(create, /--advertise-addr 10\.100\.100\.10$/);
    });

    it("3 managers + 5 workers: one init, 2 manager joins with the manager token, 5 worker joins with the worker token", async () => {
        const big = await swarmOn(k8s, { "hybrid-vnf:managerCount": 3, "hybrid-vnf:workerCount": 5 });
        assert.strictEqual(instances(big).length, 8);
        const cmds = commands(big);
        assert.strictEqual(cmds.filter((c) => /docker swarm init/.test(String(c.inputs.create))).length, 1);
        const tokenOf = (role: "manager" | "worker") => commandStdout({ create: joinTokenCommand(role) });
        const joins = cmds.filter((c) => /docker swarm join --token/.test(String(c.inputs.create)));
        const withToken = (role: "manager" | "worker") =>
            joins.filter((j) => real(big, j).stdin.trim() === tokenOf(role)).map((j) => j.name);
        assert.deepStrictEqual(withToken("manager"), ["swarm-manager-2-join", "swarm-manager-3-join"]);
        assert.deepStrictEqual(
            withToken("worker"),
            [1, 2, 3, 4, 5].map((i) => `swarm-worker-${i}-join`),
        );
        const managerIp = (big.outputs as any).managerIp;
        for (const j of joins)
            assert.match(String(j.inputs.create), new RegExp(`${managerIp.replace(/\./g, "\\.")}:2377$`));
        // Removal: the node leaves (a manager demotes itself first), the first manager forgets it.
        const leaveOf = (name: string) => joins.find((j) => j.name === name)!.inputs.delete;
        assert.match(
            String(leaveOf("swarm-manager-2-join")),
            /docker node demote swarm-dev-manager-2[\s\S]*docker swarm leave/,
        );
        assert.match(String(leaveOf("swarm-worker-5-join")), /docker swarm leave/);
        const forgets = cmds.filter((c) => /docker node rm/.test(String(c.inputs.delete)));
        assert.strictEqual(forgets.length, 7);
        assert.deepStrictEqual((big.outputs as any).nodeIps.length, 8);
    });

    it("`npm run plan -- k8s-dev swarm-dev --json` shows the wiring", () => {
        const r = spawnSync("npm", ["run", "--silent", "plan", "--", "k8s-dev", "swarm-dev", "--json"], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            timeout: 120000,
        });
        assert.strictEqual(r.status, 0, r.stderr);
        const [k8sJson, swarmJson] = JSON.parse(r.stdout) as StackPlan[];
        assert.deepStrictEqual(
            [k8sJson.stack, swarmJson.stack, swarmJson.role],
            ["k8s-dev", "swarm-dev", "swarm-cluster"],
        );
        assert.ok(swarmJson.resources.some((x) => x.type === "pulumi:pulumi:StackReference" && x.inputs.name === K8S));
        const { routerHost, apacheInfo } = k8sJson.outputs as any;
        const nodes = swarmJson.resources.filter((x) => x.type === "openstack:compute/instance:Instance");
        assert.strictEqual(nodes.length, 2);
        for (const node of nodes) {
            assert.strictEqual(
                routeOf(node.inputs.userData as string).comment,
                apacheRoute(apacheInfo.network, routerHost),
            );
        }
        const clusterPorts = swarmJson.resources.filter(
            (x) =>
                x.type === "openstack:networking/port:Port" &&
                x.inputs.networkId === (k8sJson.outputs as any).clusterNetwork.id,
        );
        assert.strictEqual(clusterPorts.length, 2, "one eth1 port per node on the k8s cluster network");
        assert.doesNotMatch(r.stdout, /SWMTKN-|PRIVATE KEY/);
    });

    describe("bad input names the key", () => {
        let k8sMoved: StackPlan;
        before(async () => {
            // Planned before any failing plan: a failed program's late rejections can reach the next plan.
            [k8sMoved] = await planStacks(["k8s-dev"], {
                overrides: {
                    "k8s-dev": {
                        "hybrid-vnf:apacheCidr": "10.100.200.0/24",
                        "hybrid-vnf:swarmCidr": "10.100.199.0/24",
                    },
                },
            });
        });
        // A failed program's outstanding RPCs drain before the next plan starts.
        const settle = () => pulumi.runtime.disconnect();
        const fails = async (overrides: Record<string, unknown>, pattern: RegExp, on?: StackPlan) => {
            await assert.rejects(swarmOn(on ?? k8s, overrides), pattern);
            await settle();
        };

        it("an even managerCount", () => fails({ "hybrid-vnf:managerCount": 2 }, /hybrid-vnf:managerCount: 2 is even/));
        it("counts out of range", async () => {
            await fails({ "hybrid-vnf:managerCount": 9 }, /hybrid-vnf:managerCount: 9 is out of range 1-7/);
            await fails({ "hybrid-vnf:workerCount": 51 }, /hybrid-vnf:workerCount: 51 is out of range 0-50/);
        });
        it("swarmCidr overlapping the k8s stack's cluster or Apache network, once the reference resolves", async () => {
            await fails(
                { "hybrid-vnf:swarmCidr": "10.100.101.128/25" },
                /hybrid-vnf:swarmCidr: "10\.100\.101\.128\/25" overlaps clusterNetwork 10\.100\.101\.0\/24 of stack organization\/hybrid-vnf\/k8s-dev/,
            );
            await fails(
                { "hybrid-vnf:swarmCidr": "10.100.0.0/16" },
                /hybrid-vnf:swarmCidr: .* overlaps clusterNetwork/,
            );
            // What the k8s stack reports decides: its Apache network moved onto the swarm's.
            await fails(
                { "hybrid-vnf:swarmCidr": "10.100.200.0/24" },
                /hybrid-vnf:swarmCidr: "10\.100\.200\.0\/24" overlaps apacheInfo\.network 10\.100\.200\.0\/24/,
                k8sMoved,
            );
        });
        it("an lbPort that would expose the Docker API or SSH", () =>
            fails({ "hybrid-vnf:lbPort": 2375 }, /hybrid-vnf:lbPort: 2375 is reserved/));
        it("a malformed dockerHost (target existing)", async () => {
            const existing = {
                "hybrid-vnf:target": "existing",
                "hybrid-vnf:managerIp": "10.100.100.2",
                "hybrid-vnf:nodeIps": ["10.100.100.2"],
            };
            await fails(
                { ...existing, "hybrid-vnf:dockerHost": "tcp://10.100.100.2:2375" },
                /hybrid-vnf:dockerHost: "tcp:\/\/10\.100\.100\.2:2375" is a TCP Docker socket/,
            );
            await fails(
                { ...existing, "hybrid-vnf:dockerHost": "ssh://nouser" },
                /hybrid-vnf:dockerHost: "ssh:\/\/nouser" is not ssh:\/\/user@host/,
            );
        });
    });
});

describe("swarm-cluster pure decisions", () => {
    it("names nodes managers first, as valid hostnames", () => {
        assert.deepStrictEqual(
            swarmNodes("swarm_dev.1", 1, 2).map((n) => [n.key, n.name, n.role]),
            [
                ["manager-1", "swarm-dev-1-manager-1", "manager"],
                ["worker-1", "swarm-dev-1-worker-1", "worker"],
                ["worker-2", "swarm-dev-1-worker-2", "worker"],
            ],
        );
    });

    it("a worker leaves without demoting; the manager forgets by hostname", () => {
        const [, worker] = swarmNodes("s", 1, 1);
        assert.doesNotMatch(leaveSwarmCommand(worker), /demote/);
        assert.match(forgetNodeCommand(worker), /docker node rm --force s-worker-1/);
    });

    it("the rule table opens lbPort to clientCidr and SSH to adminCidr only", () => {
        const rules = swarmSecurityRules({ adminCidr: "192.0.2.0/24", clientCidr: "0.0.0.0/0", lbPort: 8080 });
        const fromCidrs = rules.filter((r) => r.remoteGroup === undefined).map((r) => [r.port, r.remoteIpPrefix]);
        assert.deepStrictEqual(fromCidrs, [
            [22, "192.0.2.0/24"],
            [8080, "0.0.0.0/0"],
        ]);
    });
});
