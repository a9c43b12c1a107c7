// The bgp lab as data (lab/topology/build-topology.ts with two router nodes and BGP), built from
// the real plan of the local stacks with the bgp lab's overrides: no root, no Docker. The static
// lab is checked by static-topology.test.ts.
import * as assert from "assert";
import { spawnSync } from "child_process";
import { cidrContains } from "../../../lib/net";
import { ROUTER_INTERFACES } from "../../../lib/interfaces";
import { labStackOverrides, planViews, specsFrom } from "../../../lab/specs/stack-views";
import { LabAddressing } from "../../../lab/topology/addressing";
import { LAB_NAMES } from "../../../lab/names";
import { labOutput } from "../../../lab/specs/workload-specs";
import { labTopology, namedTeardownTarget } from "../../../lab/topology/build-topology";
import { containerRunArgs } from "../../../lab/topology/host-commands";
import { FRR_HOST_SCRIPT, LabBgp } from "../../../lab/topology/frr-containers";
import { LabRouterNode, labRouterHosts, labRouterNodes, unusedApacheGateway } from "../../../lab/topology/router-nodes";
import { LabTopology } from "../../../lab/topology/topology-types";
import { routeGateways } from "../../../lab/topology/bgp-queries";
import { HOST_PEER_GROUP } from "../../../lib/frr-host";
import { BgpRouting } from "../../../lib/routing";

describe("bgp lab topology as data (lab/topology/build-topology.ts, two routers, BGP)", function () {
    this.timeout(120_000);
    let a: LabAddressing;
    let base: LabTopology;
    let t: LabTopology;
    let routers: LabRouterNode[];
    let bgp: LabBgp;
    const IMAGE = "hybrid-vnf/apache:0.1.0";
    const FRR = "hybrid-vnf/router:0.1.0";
    before(async () => {
        const views = await planViews("bgp");
        const specs = specsFrom(views, [...ROUTER_INTERFACES]);
        a = specs.addressing;
        bgp = { routing: labOutput<BgpRouting>(views, "k8s-local", "routing"), password: "", frrImage: FRR };
        routers = labRouterNodes(a, labOutput<string[]>(views, "k8s-local", "routerHosts"));
        const lbTargetPort = specs.lb.ports.find((p) => p.published === a.lbPort)!.target;
        // The static lab: the same function with the first router and no BGP.
        base = labTopology({ addressing: a, lbTargetPort, apacheImage: IMAGE, routers: routers.slice(0, 1) });
        t = labTopology({ addressing: a, lbTargetPort, apacheImage: IMAGE, routers, bgp });
    });

    it("adds config only in bgp mode: static plans exactly as before", () => {
        assert.deepStrictEqual(labStackOverrides("static"), {});
        assert.deepStrictEqual(labStackOverrides("bgp"), {
            "k8s-local": { "hybrid-vnf:routing": "bgp", "hybrid-vnf:routerHosts": ["10.100.101.2", "10.100.101.3"] },
        });
        assert.strictEqual(bgp.routing.mode, "bgp");
    });

    it("gives two router nodes distinct cluster and Apache addresses, none taken by the host leg, a backend or the direct LB", () => {
        assert.deepStrictEqual(labRouterHosts("10.100.101.0/24", "10.100.101.2"), ["10.100.101.2", "10.100.101.3"]);
        assert.deepStrictEqual(
            routers.map((n) => [n.node, n.router, n.agent]),
            [
                ["hvnf-lab-node", "hvnf-lab-router", "node-agent"],
                ["hvnf-lab-node-2", "hvnf-lab-router-2", "node-agent-2"],
            ],
        );
        const used = [...a.apacheIps, a.directLbIp];
        const legs = routers.map((n) => n.apacheIp);
        assert.strictEqual(new Set(legs).size, 2);
        for (const ip of legs) assert.ok(!used.includes(ip) && cidrContains(a.apacheCidr, ip), ip);
        assert.ok(!routers.map((n) => n.clusterIp).includes(a.hostClusterIp));
        const gw = unusedApacheGateway(a, routers);
        assert.ok(![...used, ...legs].includes(gw));
        assert.strictEqual(
            t.networks.find((n) => n.bridge === LAB_NAMES.apacheBridge)!.gateway,
            gw,
            "the backends' default route reaches no router",
        );
    });

    it("keeps the safety route first and has no static host route to the Apache network", () => {
        assert.deepStrictEqual(t.safetyRoutes, base.safetyRoutes);
        assert.ok(!t.routes.some((r) => r.dst === a.apacheCidr), JSON.stringify(t.routes));
        assert.deepStrictEqual(
            t.routes.filter((r) => r.node).map((r) => [r.node, r.dst, r.via]),
            routers.map((n) => [n.node, "default", a.hostClusterIp]),
        );
    });

    it("puts both nodes' cluster legs on one plain bridge with the host's address, the Apache legs as /32s", () => {
        assert.deepStrictEqual(t.bridges, [{ name: LAB_NAMES.clusterBridge, address: `${a.hostClusterIp}/24` }]);
        assert.deepStrictEqual(
            t.links.map((l) => [l.node, l.nodeIf, l.nodeAddress, l.host]),
            routers.flatMap((n) => [
                [n.node, a.nodeIfaces[0], `${n.clusterIp}/24`, { bridge: LAB_NAMES.clusterBridge }],
                [n.node, a.nodeIfaces[1], `${n.apacheIp}/32`, { bridge: LAB_NAMES.apacheBridge }],
            ]),
        );
        for (const name of t.links.flatMap((l) => [l.hostIf, l.peerTmp]))
            assert.ok(name.length <= 15, `${name}: Linux interface names are at most 15 characters`);
    });

    it("runs the swarm host's FRR on the host network and each backend's FRR in its namespace, least privilege, lib/frr-host.ts's config", () => {
        const [host, ...apache] = t.daemons!;
        assert.strictEqual(host.network, "host");
        for (const ip of routers.map((n) => n.clusterIp))
            assert.match(
                host.env.FRR_CONF,
                new RegExp(` neighbor ${ip.replace(/\./g, "\\.")} peer-group ${HOST_PEER_GROUP}`),
            );
        assert.match(host.env.FRR_CONF, new RegExp(`permit ${a.apacheCidr.replace(/\./g, "\\.")}\\n`));
        assert.deepStrictEqual(
            apache.map((d) => d.network),
            a.apacheIps.map((_, i) => `container:${LAB_NAMES.apacheBackend(i)}`),
        );
        for (const d of apache)
            for (const ip of routers.map((n) => n.apacheIp))
                assert.ok(d.env.FRR_CONF.includes(` neighbor ${ip} peer-group ${HOST_PEER_GROUP}`));
        const args = containerRunArgs(host, t.labels).join(" ");
        assert.match(
            args,
            /--network host [\s\S]*--cap-drop ALL --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN --cap-add NET_BIND_SERVICE --security-opt no-new-privileges/,
        );
        assert.ok(!args.includes("--privileged"));
        const syntax = spawnSync("sh", ["-n", "-c", FRR_HOST_SCRIPT]);
        assert.strictEqual(syntax.status, 0, String(syntax.stderr));
    });

    it("masquerades the LB's traffic to the Apache network and keeps the host's BGP and BFD ports to the cluster network", () => {
        const added = t.filters.slice(base.filters.length).map((f) => `${f.table} ${f.chain} ${f.rule.join(" ")}`);
        assert.deepStrictEqual(added, [
            `nat POSTROUTING -s ${a.swarmCidr} -d ${a.apacheCidr} -j MASQUERADE`,
            `filter INPUT ! -s ${a.clusterCidr} -p tcp --dport 179 -j DROP`,
            `filter INPUT ! -s ${a.clusterCidr} -p udp --dport 3784:3785 -j DROP`,
        ]);
    });

    it("hashes ECMP on the 5-tuple on the host and the backends, so both routers carry traffic", () => {
        assert.deepStrictEqual(t.hostSysctls, [{ key: "net.ipv4.fib_multipath_hash_policy", value: "1" }]);
        for (const b of t.backends) assert.strictEqual(b.sysctls["net.ipv4.fib_multipath_hash_policy"], "1", b.name);
        assert.strictEqual(base.hostSysctls, undefined, "static mode leaves the host's sysctls alone");
    });

    it("names nothing that down without a record would miss", () => {
        const names = namedTeardownTarget();
        for (const n of t.nodes)
            assert.ok(
                names.nodes.some((x) => x.name === n.name && x.netns === n.netns),
                n.name,
            );
        for (const l of t.links)
            assert.ok(
                names.links.some((x) => x.hostIf === l.hostIf),
                l.hostIf,
            );
        assert.deepStrictEqual(names.bridges, [{ name: LAB_NAMES.clusterBridge }]);
        // FRR containers carry the lab's label: removed by it without a record.
        assert.deepStrictEqual(t.labels, base.labels);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(t)), t);
    });

    it("reads a kernel route's gateways in its plain and multipath forms", async () => {
        assert.deepStrictEqual(await routeGateways({ dst: "x", gateway: "10.0.0.1" }), ["10.0.0.1"]);
        assert.deepStrictEqual(
            await routeGateways({ dst: "x", nexthops: [{ gateway: "10.0.0.1" }, { gateway: "10.0.0.2" }] }),
            ["10.0.0.1", "10.0.0.2"],
        );
        assert.deepStrictEqual(await routeGateways({ dst: "x" }), []);
    });
});
