// Names of everything the lab makes: `down` finds it all by these, without the plan.
export const N = {
    label: "org.hybrid-vnf.lab",
    comment: "hvnf-lab",
    swarmNet: "hvnf-lab-swarm",
    swarmNetCfg: "hvnf-lab-swarm-cfg",
    swarmBridge: "hvnf-lab-sw",
    apacheNet: "hvnf-lab-apache",
    apacheBridge: "hvnf-lab-ap",
    node: "hvnf-lab-node",
    router: "hvnf-lab-router",
    apache: (i: number) => `hvnf-lab-apache-${i + 1}`,
    directLb: "hvnf-lab-lb-direct",
    hostClusterIf: "hvnf-lab-cl",
    nodeApachePort: "hvnf-lab-apn",
    /** The node ends of the veth pairs, until they move into the node and take the router's interface names. */
    nodeClusterTmp: "hvnf-lab-cln",
    nodeApacheTmp: "hvnf-lab-apx",
};
/** Protocol number on every host route the lab adds (`ip route show proto 233`). */
export const LAB_ROUTE_PROTO = "233";
export const LABELS = { [N.label]: "1" };
