// The lab's router nodes: one in static mode (the seed's design), one per routerHosts entry in
// bgp mode. Each is a network namespace with a cluster leg and an Apache leg, a router
// container the node's agent runs, and the agent itself. Pure: addresses in, nodes out.
import { LabAddressing, firstFree } from "./addressing";
import { LAB_NAMES } from "../names";

export const LAB_ROUTINGS = ["static", "bgp"] as const;
export type LabRouting = (typeof LAB_ROUTINGS)[number];

/** Router nodes of the bgp lab (the two; routerHosts allows up to three). */
export const BGP_LAB_ROUTERS = 2;

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

/**
 * The router nodes for the k8s stack's routerHosts (static: just routerHost). Node 0 is the
 * static lab's node (routerHost, routerApacheIp); node i's Apache leg is the next free Apache address.
 */
export function labRouterNodes(addressing: LabAddressing, routerHosts: string[]): LabRouterNode[] {
    if (routerHosts[0] !== addressing.routerHost) {
        throw new Error(
            `routerHosts ${routerHosts.join(", ")} does not start with routerHost ${addressing.routerHost}`,
        );
    }
    const taken = [...addressing.apacheIps, addressing.directLbIp];
    return routerHosts.map((clusterIp, i) => {
        const apacheIp = i === 0 ? addressing.routerApacheIp : firstFree(addressing.apacheCidr, taken);
        taken.push(apacheIp);
        const node = LAB_NAMES.routerNode(i);
        return { node, router: LAB_NAMES.routerContainer(i), agent: LAB_NAMES.nodeAgent(i), clusterIp, apacheIp };
    });
}

/** The Apache network's Docker gateway in bgp mode: held by nobody, so only BGP routes carry replies. */
export function unusedApacheGateway(addressing: LabAddressing, routers: LabRouterNode[]): string {
    const { apacheCidr, apacheIps, directLbIp } = addressing;
    return firstFree(apacheCidr, [...apacheIps, directLbIp, ...routers.map((n) => n.apacheIp)]);
}
