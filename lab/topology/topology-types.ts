// The lab's topology as data: the types of the structure lab/topology/build-topology.ts builds,
// apply-topology.ts applies and records in .lab/topology.json, and `down` tears down again.

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

/**
 * A plain Linux bridge with a host address (the cluster network shared by several router nodes):
 * Docker would isolate its bridges from each other.
 */
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
    /** The router nodes (the containers holding their namespaces); the router containers are the node agents'. */
    nodes: LabNode[];
    links: LabLink[];
    routes: LabRoute[];
    pathChecks: PathCheck[];
    backends: LabNode[];
    filters: LabFilter[];
    /** Bridges are made before the links, routing daemons (bgp lab) started after the backends. */
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
