// Which IPv4 networks the OpenStack stacks may create, and where admins and clients may come
// from: the ranges the VMs themselves use (the metadata service, k3s, Docker), the ranges no host
// can have, and whether a subnet holds the ports planned on it. Pure; lib/net.ts parses the
// CIDRs first, the config readers name the key.
import { cidrsOverlap, hostCount } from "./net";

/** Ranges that cannot hold a host network or a source address (RFC 6890's special-purpose blocks). */
export const SPECIAL_PURPOSE_RANGES: Readonly<Record<string, string>> = {
    "0.0.0.0/8": "'this network' (RFC 1122)",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local, where cloud-init reaches the metadata service at 169.254.169.254",
    "224.0.0.0/4": "multicast",
    "240.0.0.0/4": "reserved (and the broadcast address)",
};

/**
 * Networks the VMs already route elsewhere: k3s' default pod and service networks on the router
 * node and workers (the k3s config sets neither), Docker's default bridge and the swarm's ingress
 * network on the swarm hosts. A VM network inside one would be shadowed by those routes.
 */
export const VM_INTERNAL_RANGES: Readonly<Record<string, string>> = {
    "10.42.0.0/16": "k3s' pod network (cluster-cidr)",
    "10.43.0.0/16": "k3s' service network (service-cidr)",
    "172.17.0.0/16": "Docker's default bridge (docker0) on the swarm hosts",
    "10.0.0.0/24": "the swarm's ingress network (docker swarm init's first overlay subnet)",
};

/** Why `cidr` cannot be a network the stacks create (or route to), or undefined. */
export function vmNetworkProblem(cidr: string): string | undefined {
    for (const [range, what] of Object.entries({ ...SPECIAL_PURPOSE_RANGES, ...VM_INTERNAL_RANGES })) {
        if (cidrsOverlap(cidr, range)) return `overlaps ${range}, ${what}; choose another private range`;
    }
    return undefined;
}

/** Why `cidr` cannot be where SSH or client traffic comes from, or undefined. */
export function sourceNetworkProblem(cidr: string): string | undefined {
    if (cidr.endsWith("/0")) return undefined; // the whole internet: the callers decide
    for (const [range, what] of Object.entries(SPECIAL_PURPOSE_RANGES)) {
        if (cidrsOverlap(cidr, range)) return `overlaps ${range} (${what}); no packet from there reaches a floating IP`;
    }
    return undefined;
}

/** The shortest admin prefix: /0 is refused outright, and a /1 is half the internet all the same. */
export const ADMIN_PREFIX_MIN = 8;

/**
 * Host addresses Neutron takes on every subnet we create besides the planned ports: the gateway
 * (the OpenStack router's interface) and up to two DHCP or metadata ports (one per DHCP agent
 * with the default dhcp_agents_per_network 1, HA setups two; OVN one metadata port).
 */
export const NEUTRON_OWN_PORTS = 3;

/** Why a subnet `cidr` cannot hold `ports` VM ports besides Neutron's own, or undefined. */
export function subnetCapacityProblem(cidr: string, ports: number, what: string): string | undefined {
    const hosts = hostCount(cidr);
    const needed = ports + NEUTRON_OWN_PORTS;
    if (hosts >= needed) return undefined;
    const prefix = 32 - Math.ceil(Math.log2(needed + 2));
    return `has ${hosts} host addresses; ${what} need ${needed} with the gateway and Neutron's DHCP ports (a /${prefix} or larger)`;
}
