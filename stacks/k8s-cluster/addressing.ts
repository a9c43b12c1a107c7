// Address plan of the k8s-cluster stack on OpenStack: which fixed IPs the router node and the
// Apache VMs get, the DHCP pools that keep clear of them, the Apache subnet's host routes and
// the router node's allowed address pairs. Pure: config in, plain values out.
import { ConfigError } from "../../lib/errors";
import { hostAddress, hostCount } from "../../lib/net";
import { Routing } from "../../lib/routing";

/** Host numbers inside a subnet. 1 is the OpenStack router (the subnet gateway); router node i (0-based) is 2 + i. */
export const ROUTER_NODE_APACHE_HOST = 2;
export const FIRST_APACHE_HOST = 10;
/** apacheCount is at most 20, so hosts 10-29 are reserved for Apache whatever the count. */
export const MAX_APACHE = 20;
export const FIRST_DHCP_HOST = FIRST_APACHE_HOST + MAX_APACHE;

export interface AllocationPool {
    start: string;
    end: string;
}

export interface ApacheAddressPlan {
    /** The subnet gateway: the OpenStack router, for package installs (SNAT). */
    gateway: string;
    /** The (first) router node's leg on the Apache subnet: next hop of the static host routes. */
    routerNodeIp: string;
    /** Every router node's leg on the Apache subnet, first router first: the Apache VMs' BGP peers. */
    routerNodeIps: string[];
    /** Apache VM i (0-based) has apacheIps[i]. */
    apacheIps: string[];
    /** DHCP (Neutron's own ports, e.g. the DHCP agent) stays above the fixed addresses. */
    allocationPool: AllocationPool;
}

/**
 * Fixed addresses on the Apache subnet. Fixed, not DHCP, so the router's routes, the page each
 * Apache VM serves and the exported backend list are known before any VM boots, and so the
 * DHCP agent's port can never take the router node's address.
 */
export function apacheAddressPlan(apacheCidr: string, apacheCount: number, routerCount = 1): ApacheAddressPlan {
    if (!Number.isInteger(apacheCount) || apacheCount < 1 || apacheCount > MAX_APACHE) {
        throw new ConfigError("hybrid-vnf:apacheCount", apacheCount, `is out of range 1-${MAX_APACHE}`);
    }
    if (
        !Number.isInteger(routerCount) ||
        routerCount < 1 ||
        ROUTER_NODE_APACHE_HOST + routerCount > FIRST_APACHE_HOST
    ) {
        throw new ConfigError(
            "hybrid-vnf:routerCount",
            routerCount,
            `is out of range 1-${FIRST_APACHE_HOST - ROUTER_NODE_APACHE_HOST}`,
        );
    }
    // Size first: in a /31 or /32 the router nodes' host numbers do not exist either.
    const hosts = hostCount(apacheCidr);
    if (hosts < FIRST_DHCP_HOST + 1) {
        throw new ConfigError(
            "hybrid-vnf:apacheCidr",
            apacheCidr,
            `has ${hosts} host addresses; it needs at least ${FIRST_DHCP_HOST + 1} (a /26 or larger)`,
        );
    }
    const routerNodeIps = Array.from({ length: routerCount }, (_, i) =>
        hostAddress(apacheCidr, ROUTER_NODE_APACHE_HOST + i),
    );
    return {
        gateway: hostAddress(apacheCidr, 1),
        routerNodeIp: routerNodeIps[0],
        routerNodeIps,
        apacheIps: Array.from({ length: apacheCount }, (_, i) => hostAddress(apacheCidr, FIRST_APACHE_HOST + i)),
        allocationPool: dhcpPool(apacheCidr),
    };
}

/** The DHCP allocation pool of a subnet: from host FIRST_DHCP_HOST to the last host. */
export function dhcpPool(cidr: string): AllocationPool {
    return { start: hostAddress(cidr, FIRST_DHCP_HOST), end: hostAddress(cidr, hostCount(cidr)) };
}

export interface HostRoute {
    destinationCidr: string;
    nextHop: string;
}

/**
 * The Apache subnet's host routes (DHCP option 121): traffic back to the cluster and swarm
 * networks goes via the router node, so replies cross the router VNF just like the requests
 * did, instead of leaving by the subnet gateway (which would break the chain and, with
 * stateful security groups, drop the replies).
 */
export function apacheHostRoutes(routerNodeIp: string, clusterCidr: string, swarmCidr: string): HostRoute[] {
    return [clusterCidr, swarmCidr].map((destinationCidr) => ({ destinationCidr, nextHop: routerNodeIp }));
}

/**
 * In bgp mode the Apache subnet has no host routes: each Apache VM learns the cluster and swarm
 * networks by BGP from every live router (ECMP); a DHCP route via one router would outlive it.
 */
export function apacheSubnetHostRoutes(
    routing: Routing,
    routerNodeIp: string,
    clusterCidr: string,
    swarmCidr: string,
): HostRoute[] {
    return routing.mode === "bgp" ? [] : apacheHostRoutes(routerNodeIp, clusterCidr, swarmCidr);
}

/** What an Apache VM imports from the routers in bgp mode: the networks its replies go back to. */
export function apacheImportPrefixes(clusterCidr: string, swarmCidr: string): string[] {
    return [clusterCidr, swarmCidr];
}

export interface RouterNodeAddressPairs {
    clusterPort: { ipAddress: string }[];
    apachePort: { ipAddress: string }[];
}

/**
 * Allowed address pairs of the router node's two ports.
 *
 * Neutron port security is anti-spoofing on what LEAVES a VM: a packet sent out of a port must
 * carry that port's own fixed IP (and MAC) as its source, unless an allowed address pair
 * covers the source. Destinations are never checked. A forwarding VM sends packets whose
 * source is somebody else's address:
 *
 * - requests: swarm (swarmCidr) or cluster-network hosts (clusterCidr, e.g. a swarm host's
 *   eth1 leg) -> arrive on the cluster-side port (dst in apacheCidr: no check) -> LEAVE by the
 *   Apache-side port with src in swarmCidr/clusterCidr. So the Apache-side port needs pairs
 *   for swarmCidr and clusterCidr.
 * - replies: Apache (src apacheCidr) -> arrive on the Apache-side port (host routes send them
 *   here) -> LEAVE by the cluster-side port with src in apacheCidr. So the cluster-side port
 *   needs a pair for apacheCidr.
 *
 * Nothing else: the router node never needs to send from any other address.
 */
export function routerNodeAddressPairs(
    clusterCidr: string,
    apacheCidr: string,
    swarmCidr: string,
): RouterNodeAddressPairs {
    return {
        clusterPort: [{ ipAddress: apacheCidr }],
        apachePort: [{ ipAddress: swarmCidr }, { ipAddress: clusterCidr }],
    };
}
