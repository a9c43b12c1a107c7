// The one IPv4 / CIDR / interface-name / host validation core, and the address math built on
// it. ip-address does the parsing; the strictness rules are ours: canonical form only (no
// leading zeros, in the address or the prefix length), no host bits in a network. The VNF env
// parsers (lib/router-env.ts, lib/lb-env.ts), the config readers and the contract all decide
// with these, and the image start scripts are held to the same rules through
// tests/vectors/vnf-env.json.
//
// The *Problem functions return a reason sentence (the exact wording the vectors hold) or
// undefined when the value is fine. Pure (no Pulumi): the config readers (lib/config-reader.ts)
// turn a reason into a ConfigError naming the key.
import { Address4 } from "ip-address";

/** Why `s` is not a plain dotted-quad IPv4 address in canonical form, or undefined. */
export function ipv4Problem(s: string): string | undefined {
    if (s.includes("/")) return `"${s}" must be a plain IPv4 address without a /prefix`;
    // ip-address also accepts "a.b.c.d/len" and other spellings; the "/" check above and the
    // canonical-form comparison keep the accepted set to exactly what the shell scripts accept.
    if (!Address4.isValid(s) || new Address4(s).correctForm() !== s) {
        return `"${s}" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)`;
    }
    return undefined;
}

/** Why `s` is not a canonical IPv4 network `ADDRESS/LENGTH` (no leading zeros, no host bits), or undefined. */
export function cidrProblem(s: string): string | undefined {
    const parts = s.split("/");
    if (parts.length !== 2) return `"${s}" is not a CIDR (expected ADDRESS/LENGTH, e.g. 10.100.102.0/24)`;
    const [addr, lenText] = parts;
    if (!/^(0|[1-9][0-9]?)$/.test(lenText)) return `prefix length "${lenText}" is not a decimal number 0-32`;
    const len = Number(lenText);
    if (len > 32) return `prefix length ${len} is out of range 0-32`;
    const bad = ipv4Problem(addr);
    if (bad) return bad;
    const network = new Address4(s).startAddress().correctForm();
    if (network !== addr) return `${s} has host bits set; use the network address ${network}/${len}`;
    return undefined;
}

/**
 * Why `name` is not an interface name, or undefined. The kernel's rule (1-15 characters, no
 * whitespace, '/' or ':'), narrowed to printable ASCII (non-ASCII names would be fragile in
 * frr.conf). `shellSafe`: only letters, digits, '_' and '-', for names written into scripts.
 */
export function interfaceNameProblem(name: string, opts: { shellSafe?: boolean } = {}): string | undefined {
    if (name.length < 1 || name.length > 15) return `interface name must be 1-15 characters (got ${name.length})`;
    if (/[\s/:]/.test(name)) return "interface name must not contain whitespace, '/' or ':'";
    if (!/^[\x21-\x7e]+$/.test(name)) return "interface name must be printable ASCII";
    if (name === "." || name === "..") return `"${name}" is not a valid interface name`;
    if (opts.shellSafe && !/^[A-Za-z0-9_-]+$/.test(name))
        return "interface name must be letters, digits, '_' and '-' only (it is written into a script)";
    return undefined;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `host` is neither an RFC-1123 hostname nor a canonical IPv4, or undefined. A name whose last label is numeric must be an IPv4. */
export function hostProblem(host: string): string | undefined {
    const labels = host.split(".");
    if (/^[0-9]+$/.test(labels[labels.length - 1])) return ipv4Problem(host);
    if (host.length > 253) return "hostname is longer than 253 characters";
    if (!labels.every((l) => HOST_LABEL.test(l))) {
        return `"${host}" is not an IPv4 address or RFC-1123 hostname (labels of letters, digits and inner '-', 1-63 chars)`;
    }
    return undefined;
}

export const isIpv4 = (value: string): boolean => ipv4Problem(value) === undefined;
export const isCidr = (value: string): boolean => cidrProblem(value) === undefined;

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
