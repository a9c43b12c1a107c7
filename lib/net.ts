// IPv4 address math for config validation, host-route planning and the mock runtime.
// ip-address does the parsing; the strictness rules (canonical form, no host bits) are ours.
import { Address4 } from "ip-address";
import { ConfigError } from "./errors";

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(value: string): boolean {
    return DOTTED_QUAD.test(value) && Address4.isValid(value);
}

/** Parses `a.b.c.d/n`, rejecting leading zeros, prefix lengths outside 0-32 and set host bits. */
export function parseCidr(key: string, value: unknown): string {
    if (typeof value !== "string") throw new ConfigError(key, value, "is not a CIDR string like 10.100.101.0/24");
    const [addr, len, ...rest] = value.trim().split("/");
    if (rest.length > 0 || len === undefined || !/^\d{1,2}$/.test(len) || !isIpv4(addr)) {
        throw new ConfigError(key, value, "is not a CIDR like 10.100.101.0/24");
    }
    if (Number(len) > 32) throw new ConfigError(key, value, `has prefix length ${len}, outside 0-32`);
    const network = new Address4(`${addr}/${len}`).startAddress().correctForm();
    if (network !== addr) {
        throw new ConfigError(key, value, `has host bits set; the network address is ${network}/${len}`);
    }
    return `${addr}/${len}`;
}

export function parseIpv4(key: string, value: unknown): string {
    if (typeof value !== "string" || !isIpv4(value.trim())) {
        throw new ConfigError(key, value, "is not an IPv4 address like 10.100.101.10");
    }
    return value.trim();
}

export function cidrsOverlap(a: string, b: string): boolean {
    const x = new Address4(a);
    const y = new Address4(b);
    return x.isInSubnet(y) || y.isInSubnet(x);
}

export function cidrContains(cidr: string, ip: string): boolean {
    return new Address4(ip).isInSubnet(new Address4(cidr));
}

/** The n-th address of a network (n = 1 is the first host). Throws if it falls outside. */
export function hostAddress(cidr: string, n: number): string {
    const net = new Address4(cidr);
    const addr = Address4.fromBigInt(net.startAddress().bigInt() + BigInt(n));
    if (n < 1 || addr.bigInt() >= net.endAddress().bigInt()) {
        throw new Error(`${cidr} has no host number ${n}`);
    }
    return addr.correctForm();
}

/** Number of usable host addresses (network and broadcast excluded). */
export function hostCount(cidr: string): number {
    const len = Number(cidr.split("/")[1]);
    return Math.max(0, 2 ** (32 - len) - 2);
}

/** Fails with the two keys and values when any two of the named networks overlap. */
export function requireDisjoint(networks: Record<string, string>): void {
    const entries = Object.entries(networks);
    for (let i = 0; i < entries.length; i++) {
        for (let j = i + 1; j < entries.length; j++) {
            const [ka, a] = entries[i];
            const [kb, b] = entries[j];
            if (cidrsOverlap(a, b)) throw new ConfigError(ka, a, `overlaps ${kb} (${JSON.stringify(b)})`);
        }
    }
}
