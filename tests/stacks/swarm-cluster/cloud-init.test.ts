// Swarm node user-data from plans chained from k8s-dev, checked by Debian's real
// `cloud-init schema`. A missing cloud-init fails, never skips.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { planStacks, revealedInputs, StackPlan } from "../../../harness/plan";
import {
    clusterLegNetwork,
    renderSwarmCloudConfig,
    SwarmNodeCloudConfig,
} from "../../../stacks/swarm-cluster/cloud-init";
import { clusterLegRules } from "../../../stacks/swarm-cluster/security";
import { ECMP_SYSCTL_PATH } from "../../../lib/cloud-init";
import { FRR_CONF_PATH, FRR_DAEMONS_PATH, renderHostFrrConfig } from "../../../lib/frr-host";
import { STATIC_ROUTING } from "../../../lib/routing";
import { cloudInitSchema } from "../../fixtures/real-tools";

function schemaCheck(dir: string, name: string, userData: string): { ok: boolean; out: string } {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, userData);
    return cloudInitSchema(file);
}

const userDataOf = (plan: StackPlan) =>
    plan.resources
        .filter((r) => r.type === "openstack:compute/instance:Instance")
        .map((r) => ({ name: r.name, userData: String(revealedInputs(plan, r).userData) }));

const SAMPLE: SwarmNodeCloudConfig = {
    hostname: "swarm-dev-manager-1",
    sshUser: "debian",
    sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDER test",
    dockerVersion: "20.10.24+dfsg1-1+deb12u1",
    clusterLegMac: "fa:16:3e:00:00:01",
    apacheNetwork: "10.100.102.0/24",
    routerHost: "10.100.101.10",
};

describe("swarm user-data vs cloud-init schema", () => {
    let tmp: string;
    let nodes: { name: string; userData: string }[];
    before(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "swarm-cloud-init-"));
        const [k8s, swarm] = await planStacks(["k8s-dev", "swarm-dev"]);
        const [big] = await planStacks(["swarm-dev"], {
            previous: [k8s],
            overrides: { "swarm-dev": { "hybrid-vnf:managerCount": 3, "hybrid-vnf:workerCount": 5 } },
        });
        nodes = [...userDataOf(swarm), ...userDataOf(big).map((n) => ({ ...n, name: `big-${n.name}` }))];
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("every node's user-data is valid cloud-config", () => {
        assert.strictEqual(nodes.length, 10);
        for (const n of nodes) {
            assert.ok(n.userData.startsWith("#cloud-config\n"), n.name);
            const r = schemaCheck(tmp, n.name, n.userData);
            assert.ok(r.ok, `${n.name}: ${r.out}`);
        }
    });

    it("negative control: the schema check rejects a broken variant of our user-data", () => {
        const doc = parseYaml(nodes[0].userData);
        doc.write_files[0] = { content: doc.write_files[0].content }; // no path
        doc.packages = { "docker.io": SAMPLE.dockerVersion };
        const r = schemaCheck(tmp, "broken", "#cloud-config\n" + JSON.stringify(doc));
        assert.ok(!r.ok, `cloud-init accepted a broken config:\n${r.out}`);
        assert.match(r.out, /path|packages/);
    });
});

describe("swarm cloud-config rendering", () => {
    const doc = parseYaml(renderSwarmCloudConfig(SAMPLE));

    it("installs Debian's docker.io at the pinned version and holds it", () => {
        assert.deepStrictEqual(doc.packages, [["docker.io", "20.10.24+dfsg1-1+deb12u1"]]);
        assert.ok(doc.runcmd.some((c: string[]) => c.join(" ") === "apt-mark hold docker.io"));
        assert.ok(
            doc.runcmd.some((c: string[]) => c.join(" ") === "usermod -aG docker debian"),
            "dockerHost ssh:// needs the user in group docker",
        );
    });

    it("never configures a TCP Docker socket", () => {
        assert.doesNotMatch(JSON.stringify(doc), /tcp:\/\/|2375|2376/);
    });

    it("writes eth1's route to disk (networkd), matched by the port's MAC, default route left on eth0", () => {
        const paths = doc.write_files.map((f: any) => f.path);
        assert.deepStrictEqual(paths, [
            "/etc/systemd/network/05-swarm-eth1.link",
            "/etc/systemd/network/05-swarm-eth1.network",
        ]);
        const network: string = doc.write_files[1].content;
        assert.match(network, /^\[Match\]\nMACAddress=fa:16:3e:00:00:01$/m);
        assert.match(network, /\[Route\]\nDestination=10\.100\.102\.0\/24\nGateway=10\.100\.101\.10\n/);
        assert.match(network, /UseGateway=false/);
        assert.match(network, /UseMTU=true/, "keeps the overlay MTU from DHCP");
        assert.match(doc.write_files[0].content, /MACAddress=fa:16:3e:00:00:01\n\n\[Link\]\nName=eth1/);
        assert.strictEqual(network, clusterLegNetwork(SAMPLE.clusterLegMac, SAMPLE.apacheNetwork, SAMPLE.routerHost));
    });

    it("sets no ECMP hashing (one static route, no multipath)", () => {
        assert.doesNotMatch(JSON.stringify(doc), /fib_multipath_hash_policy|sysctl/);
    });

    it("brings eth1 up at first boot under its pinned name", () => {
        const script = doc.runcmd[0][2] as string;
        assert.match(script, /ip link set "\$cur" name eth1/);
        assert.match(script, /networkctl reconfigure eth1/);
    });
});

describe("swarm cloud-config in bgp mode", () => {
    const frr = {
        hostname: SAMPLE.hostname,
        routing: { mode: "bgp" as const, routerAsn: 64512, hostAsn: 64513, bfd: { intervalMs: 300, multiplier: 3 } },
        routerAddresses: ["10.100.101.10", "10.100.101.11"],
        importPrefixes: [SAMPLE.apacheNetwork],
        routerId: "10.100.101.40",
    };
    const text = renderSwarmCloudConfig({ ...SAMPLE, frr });
    const doc = parseYaml(text);
    let tmp: string;
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "swarm-bgp-cloud-init-"))));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("is valid cloud-config", () => {
        const r = schemaCheck(tmp, "bgp", text);
        assert.ok(r.ok, r.out);
    });

    it("installs Debian's FRR pinned next to docker.io, writes frr.conf and daemons after the packages, holds and restarts it", () => {
        assert.deepStrictEqual(doc.packages, [
            ["docker.io", SAMPLE.dockerVersion],
            ["frr", "8.4.4-1.1~deb12u2"],
        ]);
        const conf = doc.write_files.find((f: any) => f.path === FRR_CONF_PATH);
        assert.deepStrictEqual([conf.owner, conf.permissions, conf.defer], ["frr:frr", "0640", true]);
        assert.strictEqual(conf.content, renderHostFrrConfig(frr));
        assert.ok(doc.write_files.some((f: any) => f.path === FRR_DAEMONS_PATH && f.defer));
        const cmds = doc.runcmd.map((c: string[]) => c.join(" "));
        assert.ok(cmds.indexOf("apt-mark hold frr") > cmds.indexOf("systemctl enable --now docker"));
        assert.strictEqual(cmds[cmds.length - 1], "systemctl restart frr");
    });

    it("hashes its ECMP routes on the 5-tuple (sysctl.d, applied before FRR installs them), so the LB's flows spread over the routers", () => {
        const sysctl = doc.write_files.find((f: any) => f.path === ECMP_SYSCTL_PATH);
        assert.deepStrictEqual(
            [sysctl.owner, sysctl.permissions, sysctl.content],
            ["root:root", "0644", "net.ipv4.fib_multipath_hash_policy = 1\n"],
        );
        const cmds = doc.runcmd.map((c: string[]) => c.join(" "));
        assert.ok(
            cmds.includes("sysctl --system") && cmds.indexOf("sysctl --system") < cmds.indexOf("systemctl restart frr"),
            cmds.join("; "),
        );
    });

    it("eth1 keeps its address and MTU but has no static route to the Apache network", () => {
        const network: string = doc.write_files[1].content;
        assert.doesNotMatch(network, /^\[Route\]$|^Destination=|^Gateway=/m);
        assert.match(network, /^UseMTU=true$/m);
        assert.match(network, /learned by BGP/);
    });

    it("eth1's security group admits BFD from the cluster network in bgp mode only", () => {
        assert.deepStrictEqual(clusterLegRules(STATIC_ROUTING, "10.100.101.0/24"), []);
        assert.deepStrictEqual(clusterLegRules(frr.routing, "10.100.101.0/24"), [
            { key: "bfd-from-routers", protocol: "udp", port: 3784, portMax: 3785, remoteIpPrefix: "10.100.101.0/24" },
        ]);
    });
});
