// The k8s-cluster stack, target openstack, under the mock runtime: the resources and the
// inputs that matter (addresses, security rules, address pairs, host routes, node label,
// Apache pages, secrets), a variant config proving nothing is hard-coded, and the pure
// functions behind them.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse as parseYaml } from "yaml";
import { PlannedResource, reveal, revealedInputs, SECRET, StackPlan } from "../../../harness/plan";
import { mockId, PlanMocks } from "../../../harness/mocks";
import { ConfigReader, mapConfigSource } from "../../../lib/config-reader";
import { k8sClusterContract } from "../../../lib/contract";
import {
    apacheAddressPlan,
    apacheHostRoutes,
    apacheImportPrefixes,
    apacheSubnetHostRoutes,
    dhcpPool,
    routerNodeAddressPairs,
} from "../../../stacks/k8s-cluster/addressing";
import { K3S_CONFIG_PATH, SYSCTL_PATH, vmName } from "../../../stacks/k8s-cluster/cloud-init";
import { ROUTER_APACHE_LEG, ROUTER_CLUSTER_LEG } from "../../../lib/interfaces";
import { ROUTER_NODE_LABEL_ARG } from "../../../lib/labels";
import { renderApachePage } from "../../../lib/apache-page";
import { apiUrl, readAfterCloudInit, rewriteKubeconfigServer } from "../../../stacks/k8s-cluster/kubeconfig";
import { securityGroupSpecs } from "../../../stacks/k8s-cluster/security";
import { STATIC_ROUTING } from "../../../lib/routing";
import { readServiceChainConfig } from "../../../stacks/service-chain/config";
import { K8sPlan, planDefault, planVariant, VARIANT } from "../../fixtures/k8s-plans";
import { named, ofType } from "../../fixtures/plan-lookup";

const T = {
    network: "openstack:networking/network:Network",
    subnet: "openstack:networking/subnet:Subnet",
    router: "openstack:networking/router:Router",
    routerIface: "openstack:networking/routerInterface:RouterInterface",
    group: "openstack:networking/secGroup:SecGroup",
    rule: "openstack:networking/secGroupRule:SecGroupRule",
    port: "openstack:networking/port:Port",
    fip: "openstack:networking/floatingIp:FloatingIp",
    fipAssoc: "openstack:networking/floatingIpAssociate:FloatingIpAssociate",
    instance: "openstack:compute/instance:Instance",
    command: "command:remote:Command",
};

const inputs = (r: PlannedResource) => r.inputs as Record<string, any>;
const id = (type: string, name: string) => mockId(type, name);
const userData = (p: StackPlan, name: string) => String(revealedInputs(p, named(p, name)).userData);
const cloudConfig = (text: string) => {
    assert.ok(text.startsWith("#cloud-config\n"), "user-data starts with #cloud-config");
    return parseYaml(text) as Record<string, any>;
};
const file = (cc: Record<string, any>, path: string) => {
    const f = (cc.write_files ?? []).find((w: any) => w.path === path);
    assert.ok(f, `cloud-config writes ${path}`);
    return f;
};

/** A port's macAddress output, computed by the plan's own mock runtime (it depends on the name only). */
const portMac = (name: string): string =>
    new PlanMocks({ stackOutputs: () => ({ outputs: {}, secretOutputNames: [] }) }).newResource({
        type: T.port,
        name,
        inputs: {},
        custom: true,
    }).state.macAddress;

/** The systemd .link/.network files a cloud-config writes, by file name. */
const networkdFiles = (cc: Record<string, any>): Record<string, string> =>
    Object.fromEntries(
        (cc.write_files ?? [])
            .filter((f: any) => f.path.startsWith("/etc/systemd/network/"))
            .map((f: any) => [f.path.split("/").pop(), f.content]),
    );

/** The ports 22 and 6443 are reachable by a rule when its range covers them or it has none. */
const covers = (rule: Record<string, any>, port: number) =>
    rule.portRangeMin === undefined || (rule.portRangeMin <= port && port <= rule.portRangeMax);

describe("k8s-cluster stack (openstack) under the mock runtime", () => {
    const cases: [string, () => Promise<K8sPlan>, Record<string, any>][] = [
        [
            "example stack k8s-dev",
            planDefault,
            {
                clusterCidr: "10.100.101.0/24",
                apacheCidr: "10.100.102.0/24",
                swarmCidr: "10.100.100.0/24",
                adminCidr: "198.51.100.0/24",
                apacheCount: 2,
                workerCount: 0,
                k3sVersion: "v1.31.6+k3s1",
            },
        ],
        [
            "variant (other CIDRs, 3 Apache, 1 worker)",
            planVariant,
            Object.fromEntries(Object.entries(VARIANT).map(([k, v]) => [k.split(":")[1], v])),
        ],
    ];

    for (const [label, planOf, c] of cases) {
        describe(label, () => {
            let p: StackPlan;
            let secretOutputs: Map<string, string[]>;
            before(async () => ({ plan: p, secretOutputs } = await planOf()));
            const apache = () => apacheAddressPlan(c.apacheCidr, c.apacheCount);

            it("creates the expected resources (counts by type)", () => {
                const count = (t: string) => ofType(p, t).length;
                assert.strictEqual(count(T.network), 2);
                assert.strictEqual(count(T.subnet), 2);
                assert.strictEqual(count(T.router), 1);
                assert.strictEqual(count(T.routerIface), 2);
                assert.strictEqual(count(T.group), 4);
                assert.strictEqual(count(T.instance), 1 + c.workerCount + c.apacheCount);
                assert.strictEqual(count(T.port), 2 + c.workerCount + c.apacheCount);
                assert.strictEqual(count(T.fip), 1, "one floating IP: the router node's, nothing else is exposed");
                assert.strictEqual(count(T.command), c.workerCount > 0 ? 2 : 1);
                for (const r of p.resources.filter(
                    (x) => x.type.startsWith("openstack:") || x.type.startsWith("command:"),
                )) {
                    assert.ok(r.name.startsWith("k8s-"), `${r.name} is named <component>-suffix`);
                    assert.strictEqual(r.parent, named(p, "k8s").urn, `${r.name} is a child of the component`);
                }
            });

            it("has the cluster and Apache subnets on the configured CIDRs; the router is gatewayed to the external network and joins both", () => {
                const cluster = inputs(named(p, "k8s-cluster-subnet"));
                const ap = inputs(named(p, "k8s-apache-subnet"));
                assert.strictEqual(cluster.cidr, c.clusterCidr);
                assert.strictEqual(ap.cidr, c.apacheCidr);
                assert.strictEqual(ap.gatewayIp, apache().gateway);
                assert.deepStrictEqual(ap.allocationPools, [apache().allocationPool]);
                assert.strictEqual(inputs(named(p, "k8s-router")).externalNetworkId, id("external-network", "public"));
                const ifaces = ofType(p, T.routerIface)
                    .map((r) => inputs(r).subnetId)
                    .sort();
                assert.deepStrictEqual(
                    ifaces,
                    [id(T.subnet, "k8s-cluster-subnet"), id(T.subnet, "k8s-apache-subnet")].sort(),
                );
            });

            it("routes the Apache subnet's replies to the cluster and swarm networks via the router node's Apache-side IP", () => {
                assert.deepStrictEqual(inputs(named(p, "k8s-apache-subnet")).hostRoutes, [
                    { destinationCidr: c.clusterCidr, nextHop: apache().routerNodeIp },
                    { destinationCidr: c.swarmCidr, nextHop: apache().routerNodeIp },
                ]);
            });

            it("opens SSH and the API only to adminCidr, never to 0.0.0.0/0; HTTP to Apache only from the cluster and swarm networks", () => {
                const rules = ofType(p, T.rule).map(inputs);
                const nodes = id(T.group, "k8s-sg-nodes");
                for (const r of rules) {
                    assert.strictEqual(r.direction, "ingress");
                    assert.strictEqual(r.ethertype, "IPv4");
                    assert.ok(
                        (r.remoteIpPrefix === undefined) !== (r.remoteGroupId === undefined),
                        `rule has one remote: ${JSON.stringify(r)}`,
                    );
                    assert.ok(
                        !String(r.remoteIpPrefix ?? "").endsWith("/0"),
                        `rule open to the world: ${JSON.stringify(r)}`,
                    );
                    for (const port of [22, 6443]) {
                        if (!covers(r, port)) continue;
                        const ok =
                            r.remoteIpPrefix === c.adminCidr ||
                            (r.remoteGroupId === nodes && r.securityGroupId === nodes);
                        assert.ok(
                            ok,
                            `port ${port} reachable from something else than adminCidr or the nodes themselves: ${JSON.stringify(r)}`,
                        );
                    }
                }
                const from = (group: string, port: number) =>
                    rules
                        .filter(
                            (r) =>
                                r.securityGroupId === id(T.group, group) &&
                                r.portRangeMin === port &&
                                r.protocol === "tcp",
                        )
                        .map((r) => r.remoteIpPrefix)
                        .sort();
                assert.deepStrictEqual(from("k8s-sg-nodes", 22), [c.adminCidr]);
                assert.deepStrictEqual(from("k8s-sg-nodes", 6443), [c.adminCidr]);
                assert.deepStrictEqual(from("k8s-sg-apache", 80), [c.clusterCidr, c.swarmCidr].sort());
                assert.deepStrictEqual(
                    from("k8s-sg-router-transit", 80),
                    [c.clusterCidr, c.swarmCidr].sort(),
                    "forwarded HTTP enters the router node",
                );
                assert.strictEqual(
                    rules.filter((r) => r.securityGroupId === id(T.group, "k8s-sg-router-apache-leg")).length,
                    0,
                );
                assert.strictEqual(
                    rules.filter((r) => r.securityGroupId === id(T.group, "k8s-sg-apache")).length,
                    2,
                    "Apache: HTTP and nothing else",
                );
                for (const g of ofType(p, T.group))
                    assert.strictEqual(inputs(g).deleteDefaultRules, false, "default egress kept");
            });

            it("gives the router node a cluster-side port and a second port on the Apache subnet, with allowed address pairs for forwarded traffic", () => {
                const cport = inputs(named(p, "k8s-router-cluster-port"));
                const aport = inputs(named(p, "k8s-router-apache-port"));
                assert.strictEqual(cport.networkId, id(T.network, "k8s-cluster-net"));
                assert.deepStrictEqual(cport.securityGroupIds, [
                    id(T.group, "k8s-sg-nodes"),
                    id(T.group, "k8s-sg-router-transit"),
                ]);
                assert.deepStrictEqual(
                    cport.allowedAddressPairs,
                    [{ ipAddress: c.apacheCidr }],
                    "replies leave the cluster side with Apache sources",
                );
                assert.strictEqual(aport.networkId, id(T.network, "k8s-apache-net"));
                assert.deepStrictEqual(aport.fixedIps, [
                    { subnetId: id(T.subnet, "k8s-apache-subnet"), ipAddress: apache().routerNodeIp },
                ]);
                assert.deepStrictEqual(aport.securityGroupIds, [id(T.group, "k8s-sg-router-apache-leg")]);
                assert.deepStrictEqual(
                    aport.allowedAddressPairs,
                    [{ ipAddress: c.swarmCidr }, { ipAddress: c.clusterCidr }],
                    "requests leave the Apache side with swarm/cluster sources",
                );
                const node = inputs(named(p, "k8s-router-node"));
                assert.deepStrictEqual(node.networks, [
                    { port: id(T.port, "k8s-router-cluster-port") },
                    { port: id(T.port, "k8s-router-apache-port") },
                ]);
                assert.strictEqual(node.name, vmName("k8s-dev", "router"));
                assert.deepStrictEqual(
                    inputs(named(p, "k8s-router-fip-assoc")).portId,
                    id(T.port, "k8s-router-cluster-port"),
                );
            });

            it("installs pinned k3s on the router node, labelled role=router, with the floating IP in the certificate and IP forwarding on", () => {
                const cc = cloudConfig(userData(p, "k8s-router-node"));
                const k3s = parseYaml(file(cc, K3S_CONFIG_PATH).content);
                assert.deepStrictEqual(k3s["node-label"], [ROUTER_NODE_LABEL_ARG]);
                const fip = new URL(String(p.outputs.clusterUrl)).hostname;
                assert.deepStrictEqual(k3s["tls-san"], [fip]);
                assert.ok(
                    !Object.keys(k3s).some((k) => /pod-security|admission/.test(k)),
                    "nothing restricts privileged pods",
                );
                assert.match(file(cc, SYSCTL_PATH).content, /^net\.ipv4\.ip_forward = 1$/m);
                const install = JSON.stringify(cc.runcmd);
                assert.ok(install.includes(`INSTALL_K3S_VERSION='${c.k3sVersion}'`), install);
                assert.ok(install.includes(encodeURIComponent(c.k3sVersion)), "installer from the same tag");
                assert.ok(install.includes("install.sh server"), install);
            });

            it("pins the router node's legs by its ports' MACs, eth0 the cluster port and eth1 the Apache port; the Apache leg takes no gateway or routes from DHCP", () => {
                const files = networkdFiles(cloudConfig(userData(p, "k8s-router-node")));
                const clusterMac = portMac("k8s-router-cluster-port");
                const apacheMac = portMac("k8s-router-apache-port");
                assert.match(clusterMac, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
                assert.notStrictEqual(clusterMac, apacheMac);
                assert.deepStrictEqual(Object.keys(files).sort(), [
                    "05-hybrid-vnf-eth0.link",
                    "05-hybrid-vnf-eth0.network",
                    "05-hybrid-vnf-eth1.link",
                    "05-hybrid-vnf-eth1.network",
                ]);
                assert.strictEqual(
                    files["05-hybrid-vnf-eth0.link"],
                    `[Match]\nMACAddress=${clusterMac}\n\n[Link]\nName=eth0\n`,
                );
                assert.strictEqual(
                    files["05-hybrid-vnf-eth1.link"],
                    `[Match]\nMACAddress=${apacheMac}\n\n[Link]\nName=eth1\n`,
                );
                const eth0 = files["05-hybrid-vnf-eth0.network"];
                const eth1 = files["05-hybrid-vnf-eth1.network"];
                assert.match(eth0, new RegExp(`^\\[Match\\]\\nMACAddress=${clusterMac}$`, "m"));
                assert.doesNotMatch(eth0, /UseGateway|UseRoutes/, "eth0 keeps the default route");
                assert.match(eth1, new RegExp(`^\\[Match\\]\\nMACAddress=${apacheMac}$`, "m"));
                assert.match(eth1, /^UseGateway=false$/m);
                assert.match(
                    eth1,
                    /^UseRoutes=false$/m,
                    "the subnet's host routes (via this node itself) are for the Apache VMs",
                );
                assert.match(eth1, /^DHCP=ipv4$/m);
                for (const vm of ofType(p, T.instance).filter((r) => r.name !== "k8s-router-node")) {
                    assert.deepStrictEqual(
                        networkdFiles(cloudConfig(userData(p, vm.name))),
                        {},
                        `${vm.name}: one NIC, left to the image`,
                    );
                }
            });

            it("gives every Apache VM a fixed IP and a page naming itself and its IP", () => {
                const ips = apache().apacheIps;
                assert.deepStrictEqual(reveal(p).outputs.apacheInfo, { network: c.apacheCidr, ips });
                ips.forEach((ip, i) => {
                    const port = inputs(named(p, `k8s-apache-${i + 1}-port`));
                    assert.deepStrictEqual(port.fixedIps, [
                        { subnetId: id(T.subnet, "k8s-apache-subnet"), ipAddress: ip },
                    ]);
                    assert.deepStrictEqual(port.securityGroupIds, [id(T.group, "k8s-sg-apache")]);
                    const vm = inputs(named(p, `k8s-apache-${i + 1}`));
                    assert.strictEqual(vm.name, `k8s-dev-apache-${i + 1}`);
                    assert.deepStrictEqual(vm.networks, [{ port: id(T.port, `k8s-apache-${i + 1}-port`) }]);
                    const cc = cloudConfig(String(vm.userData));
                    assert.deepStrictEqual(cc.packages, ["apache2"]);
                    const page = file(cc, "/var/www/html/index.html");
                    assert.strictEqual(page.content, renderApachePage(vm.name, ip));
                    assert.strictEqual(page.defer, true, "written after apache2 is installed");
                });
            });

            it("joins workers to the router node's cluster address with the node token, in secret user-data", () => {
                const workers = ofType(p, T.instance).filter((r) => /^k8s-worker-\d+$/.test(r.name));
                assert.strictEqual(workers.length, c.workerCount);
                const routerHost = String(p.outputs.routerHost);
                for (const w of workers) {
                    assert.strictEqual(inputs(w).userData, SECRET, "the join token makes the user-data secret");
                    const cc = cloudConfig(String(revealedInputs(p, w).userData));
                    const k3s = parseYaml(file(cc, K3S_CONFIG_PATH).content);
                    assert.strictEqual(k3s.server, `https://${routerHost}:6443`);
                    assert.match(k3s.token, /^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/);
                    assert.strictEqual(file(cc, K3S_CONFIG_PATH).permissions, "0600");
                    assert.ok(JSON.stringify(cc.runcmd).includes("install.sh agent"));
                }
                if (c.workerCount > 0) {
                    const token = named(p, "k8s-node-token");
                    assert.match(String(inputs(token).create), /cloud-init status --wait[\s\S]*node-token/);
                    assert.deepStrictEqual(secretOutputs.get("k8s-node-token"), ["stdout"]);
                }
            });

            it("reads the kubeconfig over SSH after cloud-init, as a secret, pointed at the floating IP", () => {
                const cmd = named(p, "k8s-kubeconfig");
                assert.match(
                    String(inputs(cmd).create),
                    /^cloud-init status --wait[\s\S]*sudo cat \/etc\/rancher\/k3s\/k3s\.yaml$/,
                );
                assert.strictEqual(inputs(cmd).connection, SECRET, "the connection holds the private key");
                const conn = revealedInputs(p, cmd).connection as Record<string, string>;
                assert.strictEqual(conn.host, new URL(String(p.outputs.clusterUrl)).hostname);
                assert.match(conn.privateKey, /PRIVATE KEY/);
                assert.deepStrictEqual(
                    secretOutputs.get("k8s-kubeconfig"),
                    ["stdout"],
                    "the command's stdout is a secret output",
                );
                assert.strictEqual(p.outputs.kubeconfig, SECRET);
                assert.ok(reveal(p).secretOutputNames.includes("kubeconfig"));
                assert.match(String(p.outputs.clusterUrl), /^https:\/\/203\.0\.113\.\d+:6443$/);
                const kc = parseYaml(String(reveal(p).outputs.kubeconfig));
                assert.strictEqual(kc.clusters[0].cluster.server, p.outputs.clusterUrl);
            });

            it("exports every contract output in its shape, the cluster network and routerHost on clusterCidr", () => {
                const out = reveal(p).outputs;
                for (const [key, spec] of Object.entries(k8sClusterContract.outputs)) {
                    assert.strictEqual(spec.check(out[key]), undefined, `${key}: ${JSON.stringify(out[key])}`);
                }
                assert.deepStrictEqual(out.clusterNetwork, {
                    id: id(T.network, "k8s-cluster-net"),
                    cidr: c.clusterCidr,
                });
                assert.ok(String(out.routerHost).startsWith(c.clusterCidr.split(".").slice(0, 3).join(".") + "."));
            });
        });
    }

    it("variant: no 10.100. address anywhere in its inputs or outputs", async () => {
        const { plan } = await planVariant();
        const everything = JSON.stringify([plan.resources.map((r) => revealedInputs(plan, r)), reveal(plan).outputs]);
        assert.ok(!everything.includes("10.100."), "a default CIDR leaked into the variant");
        assert.ok(!everything.includes("198.51.100."), "the example adminCidr leaked into the variant");
    });
});

describe("k8s-cluster and service-chain agree on the router node's interface names", () => {
    // The chain routes `<apacheCidr> dev <routerApacheInterface>` and manages routerInterfaces;
    // the router node must have those names, on the right ports, or the route goes nowhere.
    const chain = readServiceChainConfig(
        new ConfigReader(
            mapConfigSource({ k8sStack: "org/hybrid-vnf/k8s-dev", swarmStack: "org/hybrid-vnf/swarm-dev" }),
        ),
    );

    it("the chain's default routerApacheInterface is the name pinned to the router node's Apache port, routerInterfaces its two legs", () => {
        assert.strictEqual(chain.routerApacheInterface, ROUTER_APACHE_LEG);
        assert.deepStrictEqual(chain.routerInterfaces, [ROUTER_CLUSTER_LEG, ROUTER_APACHE_LEG]);
    });

    it("in the k8s-dev plan, the router node's user-data gives the Apache port's MAC that name", async () => {
        const { plan } = await planDefault();
        const files = networkdFiles(cloudConfig(userData(plan, "k8s-router-node")));
        const link = files[`05-hybrid-vnf-${chain.routerApacheInterface}.link`];
        assert.ok(link, `a .link file for ${chain.routerApacheInterface}; have ${Object.keys(files).join(", ")}`);
        assert.match(
            link,
            new RegExp(
                `^MACAddress=${portMac("k8s-router-apache-port")}\\n[\\s\\S]*^Name=${chain.routerApacheInterface}$`,
                "m",
            ),
        );
    });
});

describe("k8s-cluster pure functions", () => {
    it("apacheAddressPlan: gateway .1, router node .2, Apache from .10, DHCP above the reserved block", () => {
        assert.deepStrictEqual(apacheAddressPlan("10.100.102.0/24", 2), {
            gateway: "10.100.102.1",
            routerNodeIp: "10.100.102.2",
            routerNodeIps: ["10.100.102.2"],
            apacheIps: ["10.100.102.10", "10.100.102.11"],
            allocationPool: { start: "10.100.102.30", end: "10.100.102.254" },
        });
        assert.deepStrictEqual(apacheAddressPlan("172.20.2.0/26", 20).apacheIps.slice(-1), ["172.20.2.29"]);
        assert.deepStrictEqual(dhcpPool("172.20.2.0/26"), { start: "172.20.2.30", end: "172.20.2.62" });
        assert.throws(
            () => apacheAddressPlan("10.0.0.0/27", 1),
            /hybrid-vnf:apacheCidr: "10.0.0.0\/27" has 30 host addresses/,
        );
        assert.throws(() => apacheAddressPlan("10.0.0.0/24", 0), /apacheCount.*out of range/);
        assert.throws(() => apacheAddressPlan("10.0.0.0/24", 21), /apacheCount.*out of range/);
        assert.deepStrictEqual(apacheAddressPlan("10.100.102.0/24", 2, 3).routerNodeIps, [
            "10.100.102.2",
            "10.100.102.3",
            "10.100.102.4",
        ]);
        assert.throws(() => apacheAddressPlan("10.0.0.0/24", 1, 9), /hybrid-vnf:routerCount: 9 is out of range 1-8/);
    });

    it("apacheHostRoutes and routerNodeAddressPairs", () => {
        assert.deepStrictEqual(apacheHostRoutes("10.1.2.2", "10.1.1.0/24", "10.1.0.0/24"), [
            { destinationCidr: "10.1.1.0/24", nextHop: "10.1.2.2" },
            { destinationCidr: "10.1.0.0/24", nextHop: "10.1.2.2" },
        ]);
        assert.deepStrictEqual(routerNodeAddressPairs("10.1.1.0/24", "10.1.2.0/24", "10.1.0.0/24"), {
            clusterPort: [{ ipAddress: "10.1.2.0/24" }],
            apachePort: [{ ipAddress: "10.1.0.0/24" }, { ipAddress: "10.1.1.0/24" }],
        });
    });

    it("securityGroupSpecs: SSH and API from adminCidr only, no world-open rule", () => {
        const specs = securityGroupSpecs({
            adminCidr: "192.0.2.0/28",
            clusterCidr: "10.1.1.0/24",
            swarmCidr: "10.1.0.0/24",
            routing: STATIC_ROUTING,
        });
        const rules = specs.flatMap((s) => s.ingress.map((r) => ({ group: s.key, ...r })));
        for (const r of rules) {
            assert.ok(!r.remoteIpPrefix?.endsWith("/0"));
            if (r.port === 22 || r.port === 6443) assert.strictEqual(r.remoteIpPrefix, "192.0.2.0/28");
            if (r.port === undefined)
                assert.deepStrictEqual([r.group, r.remoteGroup, r.remoteIpPrefix], ["nodes", "nodes", undefined]);
        }
        assert.deepStrictEqual(
            specs.map((s) => s.key),
            ["nodes", "router-transit", "router-apache-leg", "apache"],
        );
    });

    it("securityGroupSpecs in bgp mode: BGP and BFD on the routers' legs, BFD on the Apache VMs, ECMP replies to ephemeral ports, nothing else added", () => {
        const base = { adminCidr: "192.0.2.0/28", clusterCidr: "10.1.1.0/24", swarmCidr: "10.1.0.0/24" };
        const stat = securityGroupSpecs({ ...base, routing: STATIC_ROUTING });
        const bgp = securityGroupSpecs({
            ...base,
            routing: { mode: "bgp", routerAsn: 64512, hostAsn: 64513, bfd: { intervalMs: 300, multiplier: 3 } },
        });
        const added = bgp.flatMap((g) =>
            g.ingress
                .filter((r) => !stat.find((s) => s.key === g.key)!.ingress.some((x) => x.key === r.key))
                .map((r) => [g.key, r.key, r.protocol, r.port, r.portMax, r.remoteIpPrefix ?? r.remoteGroup]),
        );
        assert.deepStrictEqual(added, [
            ["router-transit", "bgp-cluster", "tcp", 179, undefined, "10.1.1.0/24"],
            ["router-transit", "bfd-cluster", "udp", 3784, 3785, "10.1.1.0/24"],
            ["router-apache-leg", "bgp-apache", "tcp", 179, undefined, "apache"],
            ["router-apache-leg", "bfd-apache", "udp", 3784, 3785, "apache"],
            ["router-apache-leg", "replies-apache", "tcp", 32768, 60999, "apache"],
            ["apache", "bfd-routers", "udp", 3784, 3785, "router-apache-leg"],
        ]);
        for (const g of stat)
            assert.ok(
                g.ingress.every((r) => r.port !== 179 && r.port !== 3784),
                `static ${g.key}: no BGP/BFD`,
            );
    });

    it("apacheSubnetHostRoutes: the static host routes via the first router, none in bgp mode", () => {
        assert.deepStrictEqual(
            apacheSubnetHostRoutes(STATIC_ROUTING, "10.1.2.2", "10.1.1.0/24", "10.1.0.0/24"),
            apacheHostRoutes("10.1.2.2", "10.1.1.0/24", "10.1.0.0/24"),
        );
        assert.deepStrictEqual(
            apacheSubnetHostRoutes(
                { mode: "bgp", routerAsn: 64512, hostAsn: 64513, bfd: { intervalMs: 300, multiplier: 3 } },
                "10.1.2.2",
                "10.1.1.0/24",
                "10.1.0.0/24",
            ),
            [],
        );
        assert.deepStrictEqual(apacheImportPrefixes("10.1.1.0/24", "10.1.0.0/24"), ["10.1.1.0/24", "10.1.0.0/24"]);
    });

    it("the contract checks routing, routerHosts and bgpPassword", () => {
        const o = k8sClusterContract.outputs;
        assert.strictEqual(o.routing.check({ mode: "static" }), undefined);
        assert.strictEqual(
            o.routing.check({ mode: "bgp", routerAsn: 64512, hostAsn: 64513, bfd: { intervalMs: 300, multiplier: 3 } }),
            undefined,
        );
        assert.match(o.routing.check({ mode: "ospf" })!, /mode "ospf"/);
        assert.match(
            o.routing.check({ mode: "bgp", routerAsn: 100, hostAsn: 64513, bfd: { intervalMs: 300, multiplier: 3 } })!,
            /routerAsn 100/,
        );
        assert.match(
            o.routing.check({
                mode: "bgp",
                routerAsn: 64512,
                hostAsn: 64512,
                bfd: { intervalMs: 300, multiplier: 3 },
            })!,
            /equal/,
        );
        assert.match(o.routing.check({ mode: "bgp", routerAsn: 64512, hostAsn: 64513 })!, /bfd/);
        assert.strictEqual(o.routerHosts.check(["10.0.0.1", "10.0.0.2"]), undefined);
        assert.match(o.routerHosts.check([])!, /1-3/);
        assert.match(o.routerHosts.check(["x"])!, /IPv4/);
        assert.deepStrictEqual(
            [o.bgpPassword.secret, o.bgpPassword.check(""), o.bgpPassword.check(1)],
            [true, undefined, "is not a string"],
        );
    });

    it("rewriteKubeconfigServer points every cluster at the reachable URL and keeps the rest", () => {
        const k3s = [
            "apiVersion: v1",
            "clusters:",
            "- cluster:",
            "    certificate-authority-data: Q0E=",
            "    server: https://127.0.0.1:6443",
            "  name: default",
            "users:",
            "- name: default",
            "  user: {client-key-data: S0VZ}",
            "",
        ].join("\n");
        const out = parseYaml(rewriteKubeconfigServer(k3s, "https://203.0.113.7:6443"));
        assert.strictEqual(out.clusters[0].cluster.server, "https://203.0.113.7:6443");
        assert.strictEqual(out.clusters[0].cluster["certificate-authority-data"], "Q0E=");
        assert.strictEqual(out.users[0].user["client-key-data"], "S0VZ");
        assert.throws(() => rewriteKubeconfigServer(k3s, "http://203.0.113.7:6443"), /not an https/);
        assert.throws(() => rewriteKubeconfigServer("apiVersion: v1\n", "https://h:6443"), /no cluster with a server/);
        assert.strictEqual(apiUrl("203.0.113.7"), "https://203.0.113.7:6443");
    });

    it("readAfterCloudInit waits for cloud-init, tolerates only 'degraded', then reads the file as root", () => {
        const s = readAfterCloudInit("/x/y");
        assert.match(s, /^cloud-init status --wait/);
        assert.match(s, /-ne 2/);
        assert.match(s, /sudo cat \/x\/y$/);
    });

    it("readAfterCloudInit, run by sh: prints the file, stops on cloud-init's error, and names a file cloud-init never wrote", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "read-after-cloud-init-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "sudo"), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
        const runWith = (cloudInitRc: number, file: string) => {
            fs.writeFileSync(
                path.join(bin, "cloud-init"),
                `#!/bin/sh\n[ "$1 $2" = "status --long" ] && echo "status: error"\nexit ${cloudInitRc}\n`,
                { mode: 0o755 },
            );
            return spawnSync("sh", ["-c", readAfterCloudInit(file)], {
                encoding: "utf8",
                env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
            });
        };
        const kubeconfig = path.join(dir, "k3s.yaml");
        fs.writeFileSync(kubeconfig, "apiVersion: v1\n");
        try {
            const ok = runWith(0, kubeconfig);
            assert.deepStrictEqual([ok.status, ok.stdout], [0, "apiVersion: v1\n"]);
            assert.strictEqual(runWith(2, kubeconfig).status, 0, "degraded is tolerated");
            const failed = runWith(1, kubeconfig);
            assert.deepStrictEqual([failed.status, failed.stdout, failed.stderr], [1, "", "status: error\n"]);
            // After a reboot: cloud-init is done, but the first boot's k3s install never wrote the file.
            const missing = runWith(0, path.join(dir, "absent.yaml"));
            assert.strictEqual(missing.status, 1);
            assert.match(
                missing.stderr,
                /absent\.yaml is missing: cloud-init is done but its k3s install \(runcmd, run once per instance\) did not finish/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true });
        }
    });

    it("vmName makes valid hostnames from stack names", () => {
        assert.strictEqual(vmName("k8s-dev", "apache", 3), "k8s-dev-apache-3");
        assert.strictEqual(vmName("My_Stack.prod", "router"), "my-stack-prod-router");
        assert.ok(vmName("x".repeat(80), "router").length <= 63);
    });
});
