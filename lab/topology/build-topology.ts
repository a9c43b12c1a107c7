// The lab's hosts and networks as one data structure, in the manner of a containerlab topology
// file: what the clouds would give the stacks (the swarm hosts' network, the router node with its
// two legs, the Apache backends) plus this host's routes and filters. Built from the addressing
// the stacks' plan (or state) yields; lab/topology.ts applies it and tears it down again.
// Pure: no Docker, no I/O.
//
// The data plane, in packet-flow order:
//   client ─► managerIp:lbPort (swarm network, host = managerIp)
//             └► LB task (Swarm service, host-mode port) ─ default via the host
//   host: <apacheCidr> via <routerHost> dev <host cluster leg>      (the swarm host's route)
//   router node netns: cluster leg <routerHost>/24, default via the host's leg;
//       Apache leg <routerApacheIp>/32: no connected /24, so the only route to the Apache
//       network is the one zebra installs from ROUTES (proto 196)
//   Apache network (no host address): backends, default gateway <routerApacheIp>
import { LabAddressing } from "./addressing";
import { LABELS, LAB_ROUTE_PROTO, N } from "../names";
import { BGP_LAB_ROUTERS, NB } from "./router-nodes";

/** A Docker network. `hostAddress: false`: the host gets no address (no connected route) on it. */
export interface LabNetwork {
    name: string;
    /** Linux bridge name. */
    bridge: string;
    subnet: string;
    gateway: string;
    /** swarm: a swarm-scoped bridge (the LB tasks join it), made from a config-only network of this name. */
    swarmConfigFrom?: string;
    hostAddress: boolean;
    masquerade: boolean;
}

/** A container: a node's network namespace holder, or a backend. */
export interface LabNode {
    name: string;
    image: string;
    /** Docker network to join with `ip`, or none (its legs are veth links). */
    network?: string;
    ip?: string;
    env: Record<string, string>;
    sysctls: Record<string, string>;
    /** Entrypoint and args instead of the image's (the namespace holder sleeps). */
    command?: string[];
    /** Name under which `ip netns` shows the container's namespace. */
    netns?: string;
    /** The image's health check does not apply (a namespace holder serves nothing). */
    noHealthcheck?: boolean;
    /** Capabilities and security options (the bgp lab's FRR containers: least privilege). */
    capDrop?: string[];
    capAdd?: string[];
    securityOpts?: string[];
}

/** A plain Linux bridge with a host address (bgp lab's cluster network): Docker would isolate its bridges from each other. */
export interface LabBridge {
    name: string;
    /** Host address with prefix length. */
    address: string;
}

/** A veth pair from the host into a node's namespace. */
export interface LabLink {
    node: string;
    /** The interface name inside the node (the router's INTERFACES name). */
    nodeIf: string;
    /** Address with prefix length, inside the node. */
    nodeAddress: string;
    /** The peer's name while it is created on the host, before it moves into the node. */
    peerTmp: string;
    hostIf: string;
    /** The host end: an address on the host, or a port of a Docker network's bridge. */
    host: { address: string } | { bridge: string };
}

/** A route on the host (`node` absent) or in a node's namespace. */
export interface LabRoute {
    node?: string;
    dst: string;
    via?: string;
    dev?: string;
    unreachable?: boolean;
    /** Protocol number on host routes: `down` finds them by it. */
    proto?: string;
}

/** A host filter rule, inserted at position 1 of its chain (so the last one listed ends up first). */
export interface LabFilter {
    tool: "iptables" | "ip6tables";
    table: "filter" | "raw" | "nat";
    chain: string;
    /** Match and target; the comment that marks the lab's rules is added by `filterArgs`. */
    rule: string[];
    /** Skipped when the table is not available (ip6tables on a host without IPv6 filtering). */
    optional?: boolean;
}

/** The host must reach `dst` by this hop (the check after the host routes are in place). */
export interface PathCheck {
    dst: string;
    via: string;
    dev: string;
}

export interface LabTopology {
    labels: Record<string, string>;
    /** Installed before anything else and removed last: the lab's supernet never leaves by the default route. */
    safetyRoutes: LabRoute[];
    networks: LabNetwork[];
    /** The router node (its namespace holder); the router container itself is the node agent's. */
    nodes: LabNode[];
    links: LabLink[];
    routes: LabRoute[];
    pathChecks: PathCheck[];
    backends: LabNode[];
    filters: LabFilter[];
    /** bgp lab (lab/routing-lab.ts): bridges made before the links, routing daemons started after the backends. */
    bridges?: LabBridge[];
    daemons?: LabNode[];
    /** Host (root namespace) sysctls the lab sets; `restore` is recorded when applied and written back by down. */
    hostSysctls?: LabSysctl[];
}

export interface LabSysctl {
    key: string;
    value: string;
    restore?: string;
}

const prefixLen = (cidr: string) => cidr.split("/")[1];

/** The comment every lab filter rule carries. */
export const FILTER_COMMENT = ["-m", "comment", "--comment", N.comment];

/** `iptables` arguments for a rule: insert (apply), check (-C) or delete (-D). */
export function filterArgs(f: LabFilter, op: "insert" | "check" | "delete"): string[] {
    const where = op === "insert" ? ["-I", f.chain, "1"] : [op === "check" ? "-C" : "-D", f.chain];
    return [f.tool, "-w", "-t", f.table, ...where, ...f.rule, ...FILTER_COMMENT];
}

/** `ip route` arguments (after `ip route <verb>`) for a route. */
export function routeArgs(r: LabRoute): string[] {
    const a = r.unreachable ? ["unreachable", r.dst] : [r.dst];
    if (r.via) a.push("via", r.via);
    if (r.dev) a.push("dev", r.dev);
    if (r.proto) a.push("proto", r.proto);
    return a;
}

export const labelFlags = (labels: Record<string, string>) => Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);

/** `docker run` arguments (after `run`) for a node or backend container. */
export function containerRunArgs(n: LabNode, labels: Record<string, string>): string[] {
    const a = ["--detach", "--name", n.name, "--network", n.network ?? "none"];
    if (n.ip) a.push("--ip", n.ip);
    for (const [k, v] of Object.entries(n.sysctls)) a.push("--sysctl", `${k}=${v}`);
    for (const [k, v] of Object.entries(n.env)) a.push("--env", `${k}=${v}`);
    if (n.noHealthcheck) a.push("--no-healthcheck");
    for (const c of n.capDrop ?? []) a.push("--cap-drop", c);
    for (const c of n.capAdd ?? []) a.push("--cap-add", c);
    for (const o of n.securityOpts ?? []) a.push("--security-opt", o);
    a.push(...labelFlags(labels));
    if (n.command) a.push("--entrypoint", n.command[0]);
    return [...a, n.image, ...(n.command?.slice(1) ?? [])];
}

/** The `docker network create` command lines of a network (a swarm-scoped one takes two). */
export function networkCreateArgs(n: LabNetwork, labels: Record<string, string>): string[][] {
    const opts = ["-o", `com.docker.network.bridge.name=${n.bridge}`, "-o", `com.docker.network.bridge.enable_ip_masquerade=${n.masquerade}`];
    if (!n.hostAddress) opts.push("-o", "com.docker.network.bridge.inhibit_ipv4=true");
    const create = ["docker", "network", "create"];
    const addressing = ["--subnet", n.subnet, "--gateway", n.gateway, ...opts, ...labelFlags(labels)];
    // A swarm-scoped bridge takes its subnet, options and labels from a config-only network.
    if (n.swarmConfigFrom) {
        return [
            [...create, "--config-only", ...addressing, n.swarmConfigFrom],
            [...create, "--driver", "bridge", "--scope", "swarm", "--config-from", n.swarmConfigFrom, n.name],
        ];
    }
    return [[...create, "--driver", "bridge", ...addressing, n.name]];
}

/**
 * The lab for the given addressing: `lbTargetPort` is the LB container's port behind the
 * published one (its filters), `apacheImage` runs both the backends and the node's namespace holder.
 */
export function labTopology(a: LabAddressing, lbTargetPort: number, apacheImage: string): LabTopology {
    const [clusterIf, apacheIf] = a.nodeIfaces;
    const lbPort = String(a.lbPort);
    return {
        labels: { ...LABELS },
        safetyRoutes: [{ dst: a.supernet, unreachable: true, proto: LAB_ROUTE_PROTO }],
        networks: [
            { name: N.swarmNet, bridge: N.swarmBridge, subnet: a.swarmCidr, gateway: a.managerIp, swarmConfigFrom: N.swarmNetCfg, hostAddress: true, masquerade: false },
            // The host has no address on the Apache network; its gateway is the router node's leg,
            // so the backends' replies go back through the router.
            { name: N.apacheNet, bridge: N.apacheBridge, subnet: a.apacheCidr, gateway: a.routerApacheIp, hostAddress: false, masquerade: false },
        ],
        nodes: [{ name: N.node, image: apacheImage, env: {}, sysctls: { "net.ipv4.ip_forward": "1" }, command: ["sleep", "infinity"], netns: N.node, noHealthcheck: true }],
        links: [
            { node: N.node, nodeIf: clusterIf, nodeAddress: `${a.routerHost}/${prefixLen(a.clusterCidr)}`, peerTmp: N.nodeClusterTmp, hostIf: N.hostClusterIf, host: { address: `${a.hostClusterIp}/${prefixLen(a.clusterCidr)}` } },
            // A /32, not a /24: a connected Apache route would shadow the static route from ROUTES.
            { node: N.node, nodeIf: apacheIf, nodeAddress: `${a.routerApacheIp}/32`, peerTmp: N.nodeApacheTmp, hostIf: N.nodeApachePort, host: { bridge: N.apacheBridge } },
        ],
        routes: [
            { node: N.node, dst: "default", via: a.hostClusterIp, dev: clusterIf },
            { dst: a.apacheCidr, via: a.routerHost, dev: N.hostClusterIf, proto: LAB_ROUTE_PROTO },
        ],
        pathChecks: a.apacheIps.slice(0, 1).map((ip) => ({ dst: ip, via: a.routerHost, dev: N.hostClusterIf })),
        backends: a.apacheIps.map((ip, i) => ({
            name: N.apache(i),
            image: apacheImage,
            network: N.apacheNet,
            ip,
            env: { BACKEND_NAME: `apache-${i + 1}`, BACKEND_IP: ip },
            sysctls: {},
        })),
        filters: [
            // The published port only from this host: nothing from outside reaches the swarm network...
            { tool: "iptables", table: "filter", chain: "DOCKER-USER", rule: ["-o", N.swarmBridge, "!", "-i", N.swarmBridge, "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"] },
            // ...nor the host-mode port over IPv6.
            { tool: "ip6tables", table: "filter", chain: "INPUT", rule: ["!", "-i", "lo", "-p", "tcp", "--dport", lbPort, "-j", "DROP"], optional: true },
            // SYN hold (1): no DNAT rule yet/anymore, so SYNs to managerIp:lbPort pass nat unchanged.
            // Drop them before conntrack confirms the connection (OUTPUT for this host's clients,
            // INPUT for others), else the retransmitted SYN would keep the no-DNAT decision for good.
            ...["OUTPUT", "INPUT"].map((chain): LabFilter => ({ tool: "iptables", table: "filter", chain, rule: ["-d", a.managerIp, "-p", "tcp", "--dport", lbPort, "--syn", "-j", "DROP"] })),
            // SYN hold (2): the task exists but nginx is not listening: drop its RST if it is the first
            // reply; conntrack sees it, so the retransmitted SYN is NATed afresh.
            {
                tool: "iptables", table: "filter", chain: "INPUT",
                rule: ["-i", N.swarmBridge, "-s", a.swarmCidr, "-p", "tcp", "--sport", String(lbTargetPort), "--tcp-flags", "SYN,RST,ACK", "RST,ACK",
                    "-m", "connbytes", "--connbytes", "1:1", "--connbytes-dir", "reply", "--connbytes-mode", "packets", "-j", "DROP"],
            },
        ],
    };
}

/** What tearing down needs of a topology: names, and the exact routes and filters. */
export interface TeardownTarget {
    safetyRoutes: LabRoute[];
    networks: Pick<LabNetwork, "name" | "swarmConfigFrom">[];
    nodes: Pick<LabNode, "name" | "netns">[];
    links: Pick<LabLink, "hostIf">[];
    routes: LabRoute[];
    backends: Pick<LabNode, "name">[];
    filters: LabFilter[];
    bridges?: Pick<LabBridge, "name">[];
    daemons?: Pick<LabNode, "name">[];
    hostSysctls?: LabSysctl[];
}

/**
 * What `down` removes when no topology was recorded (a run that failed before recording it,
 * or a lab of an older version): every name the lab gives. Host routes and filters are then
 * found by the lab's route protocol and rule comment, containers by the lab's label.
 */
export function labNames(): TeardownTarget {
    // The bgp lab's router nodes beyond the first (lab/routing-lab.ts), whatever mode ran.
    const extraRouterNodes = Array.from({ length: BGP_LAB_ROUTERS - 1 }, (_, k) => k + 1);
    return {
        safetyRoutes: [],
        networks: [{ name: N.swarmNet, swarmConfigFrom: N.swarmNetCfg }, { name: N.apacheNet }],
        nodes: [{ name: N.node, netns: N.node }, ...extraRouterNodes.map((i) => ({ name: NB.node(i), netns: NB.node(i) }))],
        links: [{ hostIf: N.hostClusterIf }, { hostIf: N.nodeApachePort }, ...extraRouterNodes.flatMap((i) => [{ hostIf: NB.hostClusterPort(i) }, { hostIf: NB.hostApachePort(i) }])],
        routes: [],
        backends: [],
        filters: [],
        bridges: [{ name: NB.clusterBridge }],
        daemons: [],
    };
}
