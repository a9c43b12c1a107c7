// The lab in bgp mode (issue 11): two router nodes, the swarm host's FRR and the Apache
// backends' FRR, as a transformation of the static lab's topology (topology-spec.ts). Pure:
// addressing and config text in, a LabTopology out; lab.ts applies it with the same code.
//
//   client ─► managerIp:lbPort ─► LB task (swarm network) ─► host (root namespace)
//   host: <apacheCidr> proto bgp, one ECMP next hop per live router (zebra of the host's FRR,
//         a container with --network host running lib/frr-host.ts's config); LB traffic to the
//         Apache network leaves masqueraded to the host's cluster-network address, as a real
//         swarm host's docker_gwbridge does, so replies need only the cluster network back
//   cluster network: a plain Linux bridge (hostClusterIp/24), one leg per router node
//   router node i netns: cluster leg routerHosts[i]/24, Apache leg /32 (+ zebra's static route)
//   Apache backends: default via an address nobody holds; the cluster network learned by BGP
//         from every router's Apache leg (an FRR sidecar sharing each backend's namespace, the
//         stand-in for the VM's cloud-init-installed FRR), ECMP over the live routers
//
// Why the host's FRR runs in the root namespace (not a namespace of its own the LB traffic is
// routed through): the route it installs is the one the LB's packets really take, as on a swarm
// host, so the withdrawal measured is the one that matters. What it may touch stays bounded:
// it imports exactly the Apache network (route-map in), announces nothing, has no TCP vty (-P 0),
// its BGP/BFD ports take packets from the cluster network only (filters below), and the lab
// refuses to start it when the host already has routes of FRR's protocols (zebra sweeps those).
import { firstFree } from "./addressing";
import type { LabAddressing } from "./addressing";
import { LabFilter, LabLink, LabNode, LabRoute, LabTopology } from "./build-topology";
import { LAB_ROUTE_PROTO, N } from "../names";
import { BFD_PORTS, BGP_PORT, BgpRouting } from "../../lib/routing";
import { HOST_ECMP_SYSCTLS, renderHostFrrConfig, renderHostFrrDaemons } from "../../lib/frr-host";

export const LAB_ROUTINGS = ["static", "bgp"] as const;
export type LabRouting = (typeof LAB_ROUTINGS)[number];

/** Router nodes of the bgp lab (the two; routerHosts allows up to three). */
export const BGP_LAB_ROUTERS = 2;

/** Names of the bgp lab's extra objects; router node 1 keeps the static lab's names. */
export const NB = {
    clusterBridge: "hvnf-lab-clb",
    node: (i: number) => (i === 0 ? N.node : `${N.node}-${i + 1}`),
    router: (i: number) => (i === 0 ? N.router : `${N.router}-${i + 1}`),
    agent: (i: number) => (i === 0 ? "node-agent" : `node-agent-${i + 1}`),
    hostClusterPort: (i: number) => (i === 0 ? N.hostClusterIf : `${N.hostClusterIf}${i + 1}`),
    hostApachePort: (i: number) => (i === 0 ? N.nodeApachePort : `${N.nodeApachePort}${i + 1}`),
    clusterTmp: (i: number) => (i === 0 ? N.nodeClusterTmp : `${N.nodeClusterTmp}${i + 1}`),
    apacheTmp: (i: number) => (i === 0 ? N.nodeApacheTmp : `${N.nodeApacheTmp}${i + 1}`),
    hostFrr: "hvnf-lab-swarm-frr",
    apacheFrr: (i: number) => `${N.apache(i)}-frr`,
} as const;

/** The stack config the bgp lab adds to k8s-local (the plan's overrides and the project copy's file). */
export function bgpStackConfig(routerHosts: string[]): Record<string, unknown> {
    return { "hybrid-vnf:routing": "bgp", "hybrid-vnf:routerHosts": routerHosts };
}

/** routerHost, then the next free cluster addresses (the host's leg, the first free one, stays free). */
export function labRouterHosts(clusterCidr: string, routerHost: string, count = BGP_LAB_ROUTERS): string[] {
    const hostLeg = firstFree(clusterCidr, [routerHost]);
    const hosts = [routerHost];
    while (hosts.length < count) hosts.push(firstFree(clusterCidr, [...hosts, hostLeg]));
    return hosts;
}

export interface LabRouterNode {
    node: string;
    router: string;
    agent: string;
    clusterIp: string;
    apacheIp: string;
}

/** The router nodes for the k8s stack's routerHosts: node i's Apache leg is the i-th free Apache address. */
export function labRouterNodes(a: LabAddressing, routerHosts: string[]): LabRouterNode[] {
    if (routerHosts[0] !== a.routerHost) throw new Error(`routerHosts ${routerHosts.join(", ")} does not start with routerHost ${a.routerHost}`);
    const taken = [...a.apacheIps, a.directLbIp];
    return routerHosts.map((clusterIp, i) => {
        const apacheIp = i === 0 ? a.routerApacheIp : firstFree(a.apacheCidr, taken);
        taken.push(apacheIp);
        return { node: NB.node(i), router: NB.router(i), agent: NB.agent(i), clusterIp, apacheIp };
    });
}

/** The Apache network's Docker gateway in bgp mode: held by nobody, so only BGP routes carry replies. */
export function unusedApacheGateway(a: LabAddressing, nodes: LabRouterNode[]): string {
    return firstFree(a.apacheCidr, [...a.apacheIps, a.directLbIp, ...nodes.map((n) => n.apacheIp)]);
}

/** Capabilities of the lab's FRR containers: the router's in bgp mode (QuaggaRouter's leastPrivilege set). */
export const FRR_CAPS = ["NET_ADMIN", "NET_RAW", "SYS_ADMIN", "NET_BIND_SERVICE"];

/**
 * The host-side FRR as a container: frr.conf and daemons from env (lib/frr-host.ts's text),
 * checked by `vtysh -C`, the daemons the daemons file enables (zebra and staticd always) run
 * as root with no TCP vty; SIGTERM stops them so zebra takes its routes out of the kernel.
 */
export const FRR_HOST_SCRIPT = [
    "set -eu",
    "umask 077",
    'printf "%s" "$FRR_CONF" > /etc/frr/frr.conf',
    'printf "%s" "$FRR_DAEMONS" > /etc/frr/daemons',
    "vtysh -C -f /etc/frr/frr.conf >/dev/null",
    ". /etc/frr/daemons",
    'daemons="zebra staticd"',
    '[ "${bfdd:-no}" != yes ] || daemons="$daemons bfdd"',
    '[ "${bgpd:-no}" != yes ] || daemons="$daemons bgpd"',
    "rm -f /run/frr/*.vty /run/frr/*.pid /run/frr/zserv.api",
    "for d in $daemons; do",
    '  eval "opts=\\${${d}_options:-}"',
    "  /usr/lib/frr/$d -d -u root -g root $opts -P 0",
    "  for i in $(seq 100); do [ -S /run/frr/$d.vty ] && break; sleep 0.1; done",
    "done",
    "vtysh -b >/dev/null",
    'stop() { for d in $daemons; do kill "$(cat /run/frr/$d.pid)" 2>/dev/null || true; done; sleep 1; exit 0; }',
    "trap stop TERM INT",
    'echo "frr: $daemons running"',
    "while :; do sleep 1 & wait $! || true; done",
].join("\n");

export interface FrrContainerInput {
    name: string;
    image: string;
    /** "host", or "container:NAME" to share a backend's namespace. */
    network: string;
    conf: string;
    daemons: string;
}

export function frrContainer(i: FrrContainerInput): LabNode {
    return {
        name: i.name,
        image: i.image,
        network: i.network,
        env: { FRR_CONF: i.conf, FRR_DAEMONS: i.daemons },
        sysctls: {},
        command: ["sh", "-c", FRR_HOST_SCRIPT],
        noHealthcheck: true,
        capDrop: ["ALL"],
        capAdd: FRR_CAPS,
        securityOpts: ["no-new-privileges"],
    };
}

export interface BgpLabInput {
    a: LabAddressing;
    nodes: LabRouterNode[];
    routing: BgpRouting;
    /** The k8s stack's bgpPassword ("" for none). */
    password: string;
    /** The router image: the lab's FRR (the VMs' is Debian's package of the same version line). */
    frrImage: string;
}

/** The host's and the Apache backends' FRR containers, with lib/frr-host.ts's config. */
export function labFrrContainers(i: BgpLabInput): LabNode[] {
    const { a, nodes, routing, password } = i;
    const daemons = renderHostFrrDaemons();
    const host = frrContainer({
        name: NB.hostFrr,
        image: i.frrImage,
        network: "host",
        daemons,
        conf: renderHostFrrConfig({ hostname: "swarm-host", routing, routerAddresses: nodes.map((n) => n.clusterIp), importPrefixes: [a.apacheCidr], password, routerId: a.hostClusterIp }),
    });
    // Replies go to the cluster network (the masqueraded LB traffic) and, as on the VMs, the swarm network.
    const apache = a.apacheIps.map((ip, b) =>
        frrContainer({
            name: NB.apacheFrr(b),
            image: i.frrImage,
            network: `container:${N.apache(b)}`,
            daemons,
            conf: renderHostFrrConfig({ hostname: `apache-${b + 1}`, routing, routerAddresses: nodes.map((n) => n.apacheIp), importPrefixes: [a.clusterCidr, a.swarmCidr], password, routerId: ip }),
        }),
    );
    return [host, ...apache];
}

const len = (cidr: string) => cidr.split("/")[1];

/**
 * The bgp lab from the static one: a cluster bridge instead of the point-to-point host leg, one
 * namespace and two legs per router node, no static host route to the Apache network, the
 * FRR containers, the masquerade, and filters that keep the host's BGP/BFD ports to the lab.
 */
export function bgpLabTopology(base: LabTopology, i: BgpLabInput): LabTopology {
    const { a, nodes } = i;
    const [clusterIf, apacheIf] = a.nodeIfaces;
    const holder = base.nodes[0];
    const links: LabLink[] = nodes.flatMap((n, k) => [
        { node: n.node, nodeIf: clusterIf, nodeAddress: `${n.clusterIp}/${len(a.clusterCidr)}`, peerTmp: NB.clusterTmp(k), hostIf: NB.hostClusterPort(k), host: { bridge: NB.clusterBridge } },
        // A /32 as in static mode: zebra's static route from ROUTES reaches the Apache network.
        { node: n.node, nodeIf: apacheIf, nodeAddress: `${n.apacheIp}/32`, peerTmp: NB.apacheTmp(k), hostIf: NB.hostApachePort(k), host: { bridge: N.apacheBridge } },
    ]);
    const nodeRoutes: LabRoute[] = nodes.map((n) => ({ node: n.node, dst: "default", via: a.hostClusterIp, dev: clusterIf }));
    const fromCluster = (proto: string, port: string): LabFilter => ({
        tool: "iptables", table: "filter", chain: "INPUT",
        rule: ["!", "-s", a.clusterCidr, "-p", proto, "--dport", port, "-j", "DROP"],
    });
    return {
        ...base,
        networks: base.networks.map((net) => (net.bridge === N.apacheBridge ? { ...net, gateway: unusedApacheGateway(a, nodes) } : net)),
        bridges: [{ name: NB.clusterBridge, address: `${a.hostClusterIp}/${len(a.clusterCidr)}` }],
        nodes: nodes.map((n) => ({ ...holder, name: n.node, netns: n.node })),
        links,
        // No static host route to the Apache network: a stale one would black-hole traffic.
        routes: [...nodeRoutes, ...base.routes.filter((r) => r.node === undefined && r.dst !== a.apacheCidr)],
        pathChecks: [],
        daemons: labFrrContainers(i),
        // ECMP by the 5-tuple, here and on the backends: with the default (source and destination
        // address only) the LB's traffic to each backend would ride one router and the other none.
        hostSysctls: Object.entries(HOST_ECMP_SYSCTLS).map(([key, value]) => ({ key, value })),
        backends: base.backends.map((b) => ({ ...b, sysctls: { ...b.sysctls, ...HOST_ECMP_SYSCTLS } })),
        filters: [
            ...base.filters,
            { tool: "iptables", table: "nat", chain: "POSTROUTING", rule: ["-s", a.swarmCidr, "-d", a.apacheCidr, "-j", "MASQUERADE"] },
            fromCluster("tcp", String(BGP_PORT)),
            fromCluster("udp", `${BFD_PORTS.control}:${BFD_PORTS.echo}`),
        ],
    };
}

/** Kernel protocol numbers of FRR's routes (zebra 11, babel 42, bgp 186 ... srte 198): zebra sweeps host routes of these at start. */
export const FRR_ROUTE_PROTOS = ["11", "42", ...Array.from({ length: 13 }, (_, k) => String(186 + k))];
/** The protocol number of the routes the host's zebra installs from BGP (rt_protos: 186). */
export const BGP_ROUTE_PROTO = "bgp";

export { LAB_ROUTE_PROTO };
