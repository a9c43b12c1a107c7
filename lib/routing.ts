// How the swarm hosts and the Apache VMs reach the router VNFs: static routes to one router (the
// seed's design, the default) or BGP with BFD to every router. The typed model all three roles
// share; the k8s-cluster stack reads it from config and exports it through the contract.

export const ROUTING_MODES = ["static", "bgp"] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** Single-hop BFD (RFC 5881): a peer is down after `multiplier` missed packets `intervalMs` apart. */
export interface BfdTimers {
    intervalMs: number;
    multiplier: number;
}

export interface BgpRouting {
    mode: "bgp";
    /** The routers' AS (one AS for all router VNFs). */
    routerAsn: number;
    /** The AS of the hosts that peer with the routers: swarm hosts and Apache VMs. */
    hostAsn: number;
    bfd: BfdTimers;
}

export type Routing = { mode: "static" } | BgpRouting;

export const STATIC_ROUTING: Routing = { mode: "static" };

export const DEFAULT_BFD: BfdTimers = { intervalMs: 300, multiplier: 3 };
export const DEFAULT_ROUTER_ASN = 64512;
export const DEFAULT_HOST_ASN = 64513;

/** BGP's TCP port and single-hop BFD's UDP ports (control 3784, echo 3785). */
export const BGP_PORT = 179;
export const BFD_PORTS = { control: 3784, echo: 3785 } as const;

/** Private AS ranges (RFC 6996): 2-byte 64512-65534, 4-byte 4200000000-4294967294. */
export const PRIVATE_ASN_RANGES: readonly (readonly [number, number])[] = [
    [64512, 65534],
    [4200000000, 4294967294],
];

export function isPrivateAsn(n: number): boolean {
    return Number.isInteger(n) && PRIVATE_ASN_RANGES.some(([lo, hi]) => n >= lo && n <= hi);
}

/** Milliseconds until BFD declares a silent peer down. */
export function bfdDetectionMs(t: BfdTimers): number {
    return t.intervalMs * t.multiplier;
}
