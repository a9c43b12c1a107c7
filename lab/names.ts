// The name of everything the lab makes, in both routing modes: `down` finds it all by these,
// without the plan. Router node 0 is the static lab's one node; the bgp lab's node i > 0 takes the
// same names with a number (Linux interface names stay within 15 characters).
const numbered =
    (name: string, sep: string) =>
    (i = 0) =>
        i === 0 ? name : `${name}${sep}${i + 1}`;
const apacheBackend = (i: number) => `hvnf-lab-apache-${i + 1}`;

export const LAB_NAMES = {
    /** Docker label on every lab container and network. */
    label: "org.hybrid-vnf.lab",
    /** Comment on every lab filter rule. */
    ruleComment: "hvnf-lab",
    swarmNetwork: "hvnf-lab-swarm",
    /** The config-only network the swarm-scoped one takes its subnet and options from. */
    swarmNetworkConfig: "hvnf-lab-swarm-cfg",
    swarmBridge: "hvnf-lab-sw",
    apacheNetwork: "hvnf-lab-apache",
    apacheBridge: "hvnf-lab-ap",
    /** The cluster network as a plain Linux bridge, when more than one router node shares it. */
    clusterBridge: "hvnf-lab-clb",
    apacheBackend,
    /** The bench's LB container on the Apache network (the no-router path). */
    directLb: "hvnf-lab-lb-direct",
    /** A router node: its namespace-holding container and its `ip netns` name. */
    routerNode: numbered("hvnf-lab-node", "-"),
    /** The router pod's container, run by the node's agent. */
    routerContainer: numbered("hvnf-lab-router", "-"),
    /** The node agent's process (its pid and log files in .lab/). */
    nodeAgent: numbered("node-agent", "-"),
    /** The host end of a router node's cluster leg. */
    hostClusterLeg: numbered("hvnf-lab-cl", ""),
    /** The host end of a router node's Apache leg (a port of the Apache network's bridge). */
    hostApachePort: numbered("hvnf-lab-apn", ""),
    /** The node ends of the veth pairs, until they move into the node and take the router's interface names. */
    nodeClusterLegTmp: numbered("hvnf-lab-cln", ""),
    nodeApacheLegTmp: numbered("hvnf-lab-apx", ""),
    /** The swarm host's FRR (bgp lab), on the host network. */
    hostFrr: "hvnf-lab-swarm-frr",
    /** A backend's FRR (bgp lab), in the backend's namespace. */
    backendFrr: (i: number) => `${apacheBackend(i)}-frr`,
} as const;

/** Protocol number on every host route the lab adds (`ip route show proto 233`). */
export const LAB_ROUTE_PROTO = "233";
export const LAB_LABELS = { [LAB_NAMES.label]: "1" };
