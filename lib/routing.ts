// How the swarm hosts and the Apache VMs reach the router VNFs: static routes to one router (the
// seed's design, the default) or BGP with BFD to every router. The typed model all three roles
// share; the k8s-cluster stack reads it from config and exports it through the contract.
import { wholeNumberProblem } from "./numbers";

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

/** Private AS ranges (RFC 6996): 2-byte 64512-65534, 4-byte 4200000000-4294967294. */
export const PRIVATE_ASN_RANGES: readonly (readonly [number, number])[] = [
    [64512, 65534],
    [4200000000, 4294967294],
];

export function isPrivateAsn(n: number): boolean {
    return Number.isInteger(n) && PRIVATE_ASN_RANGES.some(([lo, hi]) => n >= lo && n <= hi);
}

/** hybrid-vnf:routerCount's range: the router nodes of the k8s-cluster stack. */
export const ROUTER_COUNT = { min: 1, max: 3, fallback: 1 } as const;
/** hybrid-vnf:bfdIntervalMs and bfdMultiplier ranges (FRR's bfdd accepts these). */
export const BFD_INTERVAL_MS = { min: 10, max: 60000 } as const;
export const BFD_MULTIPLIER = { min: 2, max: 255 } as const;

/** Linux's TCP-MD5 key limit (TCP_MD5SIG_MAXKEYLEN). */
export const BGP_PASSWORD_MAX_LENGTH = 80;

/** Why a BGP session password cannot be used, or undefined. FRR takes one word; Linux TCP-MD5 keys are at most 80 bytes. */
export function bgpPasswordProblem(password: string): string | undefined {
    if (password.length < 1 || password.length > BGP_PASSWORD_MAX_LENGTH)
        return `must be 1-${BGP_PASSWORD_MAX_LENGTH} characters (Linux TCP-MD5 key length)`;
    if (!/^[\x21-\x7e]+$/.test(password)) return "must be printable ASCII without spaces (one word in FRR's config)";
    // The router's env model (lib/vnf-passwords.ts) refuses others, so the key does too.
    if (!/^[A-Za-z0-9]/.test(password)) return "must start with a letter or digit";
    return undefined;
}

/** Why a value is not a Routing (the contract's shape check across stacks), or undefined. */
export function routingProblem(v: unknown): string | undefined {
    if (typeof v !== "object" || v === null) return "is not an object";
    const r = v as Record<string, unknown>;
    if (r.mode === "static") return undefined;
    if (r.mode !== "bgp") return `has mode ${JSON.stringify(r.mode)}, not one of: ${ROUTING_MODES.join(", ")}`;
    for (const k of ["routerAsn", "hostAsn"])
        if (!isPrivateAsn(r[k] as number)) return `has ${k} ${JSON.stringify(r[k])}, not a private AS number`;
    if (r.routerAsn === r.hostAsn) return "has routerAsn equal to hostAsn";
    const bfd = r.bfd as Record<string, unknown> | undefined;
    const inRange = (x: unknown, b: { min: number; max: number }) => wholeNumberProblem(x, b.min, b.max) === undefined;
    if (!bfd || !inRange(bfd.intervalMs, BFD_INTERVAL_MS) || !inRange(bfd.multiplier, BFD_MULTIPLIER))
        return "has no valid bfd timers";
    return undefined;
}

/** Milliseconds until BFD declares a silent peer down. */
export function bfdDetectionMs(t: BfdTimers): number {
    return t.intervalMs * t.multiplier;
}
