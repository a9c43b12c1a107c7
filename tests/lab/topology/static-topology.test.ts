// The static lab's topology as data (lab/topology/build-topology.ts with one router node and no
// BGP), built from the real plan of the local stacks: no root, no Docker. What applyTopology makes
// and teardownTopology removes is this.
import * as assert from "assert";
import { cidrContains } from "../../../lib/net";
import { ROUTER_INTERFACES } from "../../../lib/interfaces";
import { planViews, specsFrom } from "../../../lab/specs/stack-views";
import { LabAddressing } from "../../../lab/topology/addressing";
import { LAB_LABELS, LAB_NAMES, LAB_ROUTE_PROTO } from "../../../lab/names";
import { labTopology, namedTeardownTarget } from "../../../lab/topology/build-topology";
import { containerRunArgs, filterArgs, networkCreateArgs, routeArgs } from "../../../lab/topology/host-commands";
import { labRouterNodes } from "../../../lab/topology/router-nodes";
import { LabTopology } from "../../../lab/topology/topology-types";

describe("static lab topology as data (lab/topology/build-topology.ts, one router, no BGP)", function () {
    this.timeout(120_000);
    let a: LabAddressing;
    let t: LabTopology;
    const IMAGE = "hybrid-vnf/apache:0.1.0";
    before(async () => {
        const specs = specsFrom(await planViews(), [...ROUTER_INTERFACES]);
        a = specs.addressing;
        const lbTargetPort = specs.lb.ports.find((p) => p.published === a.lbPort)!.target;
        t = labTopology({
            addressing: a,
            lbTargetPort,
            apacheImage: IMAGE,
            routers: labRouterNodes(a, [a.routerHost]),
        });
    });

    it("makes the lab's supernet unreachable first, covering every lab network, with the lab's route protocol", () => {
        assert.deepStrictEqual(t.safetyRoutes, [{ dst: "10.100.100.0/22", unreachable: true, proto: LAB_ROUTE_PROTO }]);
        for (const n of t.networks) assert.ok(cidrContains(t.safetyRoutes[0].dst, n.subnet.split("/")[0]), n.name);
        assert.ok(cidrContains(t.safetyRoutes[0].dst, a.clusterCidr.split("/")[0]));
        assert.deepStrictEqual(routeArgs(t.safetyRoutes[0]), [
            "unreachable",
            "10.100.100.0/22",
            "proto",
            LAB_ROUTE_PROTO,
        ]);
    });

    it("gives the router node a leg per router interface: the cluster leg in the cluster network, the Apache leg a /32", () => {
        assert.deepStrictEqual(
            t.links.map((l) => l.nodeIf),
            a.nodeIfaces,
        );
        const [cluster, apache] = t.links;
        assert.strictEqual(cluster.nodeAddress, `${a.routerHost}/24`);
        assert.ok(
            "address" in cluster.host && cidrContains(a.clusterCidr, cluster.host.address.split("/")[0]),
            "host leg in the cluster network",
        );
        // A connected /24 on the Apache leg would shadow the static route the router installs.
        assert.strictEqual(apache.nodeAddress, `${a.routerApacheIp}/32`);
        assert.deepStrictEqual(apache.host, { bridge: LAB_NAMES.apacheBridge });
        const nodeDefault = t.routes.find((r) => r.node === LAB_NAMES.routerNode() && r.dst === "default")!;
        assert.strictEqual(nodeDefault.via, a.hostClusterIp);
        assert.strictEqual(nodeDefault.dev, a.nodeIfaces[0]);
    });

    it("sends the host's Apache traffic via the router node, with no host address on the Apache network", () => {
        const hostRoutes = t.routes.filter((r) => !r.node);
        assert.deepStrictEqual(hostRoutes, [
            { dst: a.apacheCidr, via: a.routerHost, dev: LAB_NAMES.hostClusterLeg(), proto: LAB_ROUTE_PROTO },
        ]);
        assert.deepStrictEqual(t.pathChecks, [
            { dst: a.apacheIps[0], via: a.routerHost, dev: LAB_NAMES.hostClusterLeg() },
        ]);
        const apacheNet = t.networks.find((n) => n.subnet === a.apacheCidr)!;
        assert.strictEqual(apacheNet.hostAddress, false);
        assert.strictEqual(apacheNet.gateway, a.routerApacheIp, "the backends' gateway is the router's leg");
        assert.ok(networkCreateArgs(apacheNet, LAB_LABELS)[0].includes("com.docker.network.bridge.inhibit_ipv4=true"));
        const swarm = networkCreateArgs(
            t.networks.find((n) => n.subnet === a.swarmCidr)!,
            LAB_LABELS,
        );
        assert.deepStrictEqual(
            swarm.map((argv) => argv.slice(-1)[0]),
            [LAB_NAMES.swarmNetworkConfig, LAB_NAMES.swarmNetwork],
            "config-only network first, then the swarm-scoped one",
        );
        assert.ok(swarm[0].includes(a.managerIp), "the host is the LB tasks' gateway");
    });

    it("runs one backend per Apache address, named for the page it serves, and the node as a labelled namespace holder", () => {
        assert.deepStrictEqual(
            t.backends.map((b) => [b.name, b.ip, b.env.BACKEND_NAME]),
            a.apacheIps.map((ip, i) => [LAB_NAMES.apacheBackend(i), ip, `apache-${i + 1}`]),
        );
        const node = containerRunArgs(t.nodes[0], t.labels);
        assert.deepStrictEqual(node.slice(0, 5), ["--detach", "--name", LAB_NAMES.routerNode(), "--network", "none"]);
        assert.ok(
            node
                .join(" ")
                .includes(
                    `--sysctl net.ipv4.ip_forward=1 --no-healthcheck --label ${LAB_NAMES.label}=1 --entrypoint sleep ${IMAGE} infinity`,
                ),
            node.join(" "),
        );
        assert.ok(
            containerRunArgs(t.backends[1], t.labels)
                .join(" ")
                .includes(`--network ${LAB_NAMES.apacheNetwork} --ip ${a.apacheIps[1]}`),
        );
    });

    it("marks every filter with the lab's comment; a rule is inserted, checked and deleted with the same words", () => {
        assert.deepStrictEqual(
            t.filters.map((f) => `${f.tool} ${f.table} ${f.chain}`),
            [
                "iptables filter DOCKER-USER",
                "ip6tables filter INPUT",
                "iptables filter OUTPUT",
                "iptables filter INPUT",
                "iptables filter INPUT",
            ],
        );
        for (const f of t.filters) {
            const [insert, check, del] = (["insert", "check", "delete"] as const).map((op) => filterArgs(f, op));
            assert.deepStrictEqual(insert.slice(-4), ["-m", "comment", "--comment", LAB_NAMES.ruleComment]);
            assert.deepStrictEqual(insert.slice(7), check.slice(6), "same rule words");
            assert.deepStrictEqual(check.slice(6), del.slice(6));
        }
        const synHold = t.filters.filter((f) => f.rule.includes("--syn"));
        assert.deepStrictEqual(
            synHold.map((f) => f.chain),
            ["OUTPUT", "INPUT"],
        );
        for (const f of synHold) assert.ok(f.rule.join(" ").includes(`-d ${a.managerIp} -p tcp --dport ${a.lbPort}`));
    });

    it("has one host route to one router node: more than one router without BGP is refused", () => {
        const routers = labRouterNodes(a, [a.routerHost, "10.100.101.3"]);
        const input = { addressing: a, lbTargetPort: 80, apacheImage: IMAGE, routers };
        assert.throws(() => labTopology(input), /static routing has one host route to one router node, not 2/);
        assert.deepStrictEqual(t.bridges, undefined, "one router: a point-to-point leg, no bridge");
        assert.strictEqual(t.daemons, undefined);
    });

    it("names nothing that down without a record would miss", () => {
        const names = namedTeardownTarget();
        // It covers the bgp lab's extra nodes too (bgp-topology.test.ts): the static ones come first.
        assert.deepStrictEqual(
            t.nodes.map((n) => [n.name, n.netns]),
            names.nodes.slice(0, t.nodes.length).map((n) => [n.name, n.netns]),
        );
        assert.deepStrictEqual(
            t.links.map((l) => l.hostIf),
            names.links.slice(0, t.links.length).map((l) => l.hostIf),
        );
        assert.deepStrictEqual(
            t.networks.map((n) => [n.name, n.swarmConfigFrom]),
            names.networks.map((n) => [n.name, n.swarmConfigFrom]),
        );
        // Backends carry the lab's label, host routes its protocol, filters its comment: found without names.
        assert.deepStrictEqual(t.labels, LAB_LABELS);
        for (const r of [...t.safetyRoutes, ...t.routes.filter((x) => !x.node)])
            assert.strictEqual(r.proto, LAB_ROUTE_PROTO);
        // The record `down` reads is the structure itself: JSON in, the same structure out.
        assert.deepStrictEqual(JSON.parse(JSON.stringify(t)), t);
    });
});
