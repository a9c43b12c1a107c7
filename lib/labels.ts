// Labels that several parts of the chain must spell identically: the k8s stack puts the router
// node label on a node, the router component selects it, the lab's node agent registers it, the
// diagram draws it. One home, so a rename cannot leave one of them behind.

/** The node label of the router node: the k8s-cluster stack sets it, the router pod selects it. */
export const ROUTER_NODE_LABEL = { key: "role", value: "router" } as const;
/** The same label as a nodeSelector. */
export const ROUTER_NODE_SELECTOR: Readonly<Record<string, string>> = {
    [ROUTER_NODE_LABEL.key]: ROUTER_NODE_LABEL.value,
};
/** The same label as k3s `node-label` and kubectl write it: `role=router`. */
export const ROUTER_NODE_LABEL_ARG = `${ROUTER_NODE_LABEL.key}=${ROUTER_NODE_LABEL.value}`;

/** Namespaces carrying this label may run privileged / hostNetwork pods (the policy pack checks it). */
export const VNF_NAMESPACE_LABEL_KEY = "hybrid-vnf/vnf";
export const VNF_NAMESPACE_LABEL_VALUE = "true";

/** Docker label on the LB service and its containers naming the VNF (the lab and policies find it by it). */
export const VNF_SERVICE_LABEL_KEY = "hybrid-vnf.vnf";
