// The network legs' interface names. The VM stacks pin them (cloud-init matches the ports'
// MACs and renames), the router VNF routes by them (INTERFACES, `<apacheCidr> dev eth1`), the
// lab builds them and the diagram labels them; all read them from here.

/** Router node: its leg on the Kubernetes cluster network (default route, routerHost). */
export const ROUTER_CLUSTER_LEG = "eth0";
/** Router node: its leg on the Apache network (target of the chain's `dev` route). */
export const ROUTER_APACHE_LEG = "eth1";
/** The interfaces the router VNF manages by default (INTERFACES), cluster leg first. */
export const ROUTER_INTERFACES: readonly string[] = [ROUTER_CLUSTER_LEG, ROUTER_APACHE_LEG];

/** Swarm node: its leg on the swarm network (default route, floating IP). */
export const SWARM_NODE_SWARM_LEG = "eth0";
/** Swarm node: its leg on the Kubernetes cluster network (route to the Apache network via routerHost). */
export const SWARM_NODE_CLUSTER_LEG = "eth1";
