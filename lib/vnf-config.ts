// The VNF value model: Route, Backend and interface lists, and the env contract the images read
// (INTERFACES / ROUTES / SERVERS / VTY_PASSWORD, the Cloudify seed format; the router's bgp mode:
// ROUTING, BGP_*, BFD_*). Pure: no Pulumi,
// no I/O. Each value is parsed once, where it enters (a config key, a container env), into
// these types; below that code works on the types, and format* only writes them out.
// The image start scripts keep their own parser, held to the same vectors
// (tests/vectors/vnf-env.json); the address rules come from lib/net.ts.
import { cidrProblem, hostProblem, interfaceNameProblem, ipv4Problem } from "./net";
import { BFD_INTERVAL_MS, BFD_MULTIPLIER, BGP_PASSWORD_MAX_LENGTH, BfdTimers, DEFAULT_BFD, isPrivateAsn } from "./routing";

export type EnvKey = "INTERFACES" | "ROUTES" | "SERVERS" | "VTY_PASSWORD" | RouterBgpEnvKey;
export type Route = {
    prefix: string;
    via: { kind: "nexthop"; address: string } | { kind: "dev"; iface: string };
};
export type Backend = { host: string; port: number };

/** Every rejection names the env variable (or render option) and quotes the bad entry. */
export class VnfConfigError extends Error {
    constructor(
        readonly key: EnvKey | string,
        readonly entry: string,
        readonly reason: string,
    ) {
        super(`${key} entry "${entry}": ${reason}`);
        this.name = "VnfConfigError";
    }
}

// ---- formatting: typed values to the env's text, one entry at a time, never re-parsed ----

/** One ROUTES entry: `CIDR NEXTHOP` or `CIDR dev IFACE`. */
export function formatRoute(r: Route): string {
    return r.via.kind === "dev" ? `${r.prefix} dev ${r.via.iface}` : `${r.prefix} ${r.via.address}`;
}

/** One SERVERS entry: `HOST:PORT`. */
export function formatBackend(b: Backend): string {
    return `${b.host}:${b.port}`;
}

export const formatInterfaces = (interfaces: readonly string[]): string => interfaces.join(",");
export const formatRoutes = (routes: readonly Route[]): string => routes.map(formatRoute).join(",");
export const formatServers = (backends: readonly Backend[]): string => backends.map(formatBackend).join(",");

// ---- checks on typed values (the same rules and reasons as the env parsers below) ----

/** Why `name` cannot be one of INTERFACES, or undefined. */
function interfaceProblem(name: string): string | undefined {
    // Unreachable from the env (it splits at commas), but a typed name must not smuggle a list in.
    if (name.includes(",")) return "interface name must not contain ','";
    return interfaceNameProblem(name);
}

/** Interfaces: a non-empty list of valid, distinct names. Throws the INTERFACES error. */
export function checkInterfaces(interfaces: readonly string[]): readonly string[] {
    if (interfaces.length === 0) throw new VnfConfigError("INTERFACES", "", "the list is empty");
    const seen = new Set<string>();
    for (const name of interfaces) {
        const bad = interfaceProblem(name);
        if (bad) throw new VnfConfigError("INTERFACES", name, bad);
        if (seen.has(name)) throw new VnfConfigError("INTERFACES", name, "duplicate interface");
        seen.add(name);
    }
    return interfaces;
}

/** Why a route is invalid on its own (`interfaces` given: a `dev` must be one of them), or undefined. */
export function routeProblem(r: Route, interfaces?: readonly string[]): string | undefined {
    const badCidr = cidrProblem(r.prefix);
    if (badCidr) return badCidr;
    if (r.via.kind === "dev") {
        const badIface = interfaceProblem(r.via.iface);
        if (badIface) return badIface;
        if (interfaces && !interfaces.includes(r.via.iface)) return `interface ${r.via.iface} is not in INTERFACES (${interfaces.join(",")})`;
        return undefined;
    }
    const badHop = ipv4Problem(r.via.address);
    return badHop ? `next hop ${badHop}` : undefined;
}

/** Routes: a non-empty list, each valid, no prefix twice. Throws the ROUTES error naming the entry. */
export function checkRoutes(routes: readonly Route[], interfaces?: readonly string[]): readonly Route[] {
    if (routes.length === 0) throw new VnfConfigError("ROUTES", "", "the list is empty");
    const seen = new Set<string>();
    for (const r of routes) {
        const bad = routeProblem(r, interfaces);
        if (bad) throw new VnfConfigError("ROUTES", formatRoute(r), bad);
        if (seen.has(r.prefix)) throw new VnfConfigError("ROUTES", formatRoute(r), `duplicate route for ${r.prefix}`);
        seen.add(r.prefix);
    }
    return routes;
}

/** Why a backend is invalid, or undefined. */
export function backendProblem(b: Backend): string | undefined {
    if (/\s/.test(b.host)) return "whitespace inside an entry";
    if (b.host.startsWith("[") || b.host.includes(":")) return "IPv6 backends are not supported";
    if (!Number.isInteger(b.port) || b.port < 1) return `port "${b.port}" is not a decimal number 1-65535`;
    if (b.port > 65535) return `port ${b.port} is out of range 1-65535`;
    return hostProblem(b.host);
}

/** Backends: a non-empty list, each valid, none twice (host names compared case-insensitively). */
export function checkBackends(backends: readonly Backend[]): readonly Backend[] {
    if (backends.length === 0) throw new VnfConfigError("SERVERS", "", "the list is empty");
    const seen = new Set<string>();
    for (const b of backends) {
        const bad = backendProblem(b);
        if (bad) throw new VnfConfigError("SERVERS", formatBackend(b), bad);
        const id = `${b.host.toLowerCase()}:${b.port}`; // DNS names are case-insensitive
        if (seen.has(id)) throw new VnfConfigError("SERVERS", formatBackend(b), `duplicate backend ${b.host}:${b.port}`);
        seen.add(id);
    }
    return backends;
}

// ---- parsing: the env's text to typed values (the container's side, and the lab's) ----

// Only space and tab count as whitespace, so a POSIX shell (IFS) splits entries identically.
const trimWs = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, "");

function splitList(key: EnvKey, s: string): string[] {
    if (trimWs(s) === "") throw new VnfConfigError(key, "", "the list is empty");
    return s.split(",").map((raw) => {
        const entry = trimWs(raw);
        if (entry === "") throw new VnfConfigError(key, "", "empty entry (two commas in a row, or a leading/trailing comma)");
        return entry;
    });
}

export function parseInterfaces(s: string): string[] {
    const names = splitList("INTERFACES", s);
    checkInterfaces(names);
    return names;
}

/** One ROUTES entry's syntax (`CIDR NEXTHOP` or `CIDR dev IFACE`) to a Route; rules unchecked. */
function tokenizeRoute(entry: string): Route {
    const t = entry.split(/[ \t]+/);
    if (t.length === 3 && t[1] === "dev") return { prefix: t[0], via: { kind: "dev", iface: t[2] } };
    if (t.length !== 2 || t[1] === "dev") throw new VnfConfigError("ROUTES", entry, 'expected "CIDR NEXTHOP" or "CIDR dev IFACE"');
    return { prefix: t[0], via: { kind: "nexthop", address: t[1] } };
}

/** One ROUTES entry, checked on its own (`interfaces` given: a `dev` must be one of them). */
export function parseRoute(entry: string, interfaces?: readonly string[]): Route {
    const route = tokenizeRoute(entry);
    const bad = routeProblem(route, interfaces);
    if (bad) throw new VnfConfigError("ROUTES", entry, bad);
    return route;
}

/** `interfaces` given: every `dev IFACE` must be one of them (INTERFACES unset: not checked). */
export function parseRoutes(s: string, interfaces?: readonly string[]): Route[] {
    const seen = new Set<string>();
    return splitList("ROUTES", s).map((entry) => {
        const route = parseRoute(entry, interfaces);
        if (seen.has(route.prefix)) throw new VnfConfigError("ROUTES", entry, `duplicate route for ${route.prefix}`);
        seen.add(route.prefix);
        return route;
    });
}

/** One SERVERS entry `HOST[:PORT]` (port default 80), checked on its own. */
export function parseBackend(entry: string): Backend {
    const fail = (reason: string) => new VnfConfigError("SERVERS", entry, reason);
    if (/\s/.test(entry)) throw fail("whitespace inside an entry");
    if (entry.startsWith("[") || entry.split(":").length > 2) throw fail("IPv6 backends are not supported");
    const colon = entry.indexOf(":");
    const host = colon < 0 ? entry : entry.slice(0, colon);
    let port = 80;
    if (colon >= 0) {
        const portText = entry.slice(colon + 1);
        if (!/^[1-9][0-9]*$/.test(portText)) throw fail(`port "${portText}" is not a decimal number 1-65535`);
        port = Number(portText);
    }
    const bad = backendProblem({ host, port });
    if (bad) throw fail(bad);
    return { host, port };
}

export function parseServers(s: string): Backend[] {
    const seen = new Set<string>();
    return splitList("SERVERS", s).map((entry) => {
        const b = parseBackend(entry);
        const id = `${b.host.toLowerCase()}:${b.port}`; // DNS names are case-insensitive
        if (seen.has(id)) throw new VnfConfigError("SERVERS", entry, `duplicate backend ${b.host}:${b.port}`);
        seen.add(id);
        return b;
    });
}

// ---- VTY_PASSWORD: the vty login password. A secret: never quoted, never printed. ----

/** How errors quote a rejected VTY_PASSWORD (the value itself never appears). */
export const VTY_PASSWORD_ENTRY = "[hidden]";
/**
 * What printed frr.conf text shows in place of the vty password: `start.sh --render-only`, and
 * the reference renderer (tests/reference/frr-config.ts) unless asked to reveal it. FRR accepts
 * it as a password, so the printed config still passes `vtysh -C` and can be loaded.
 */
export const VTY_PASSWORD_PLACEHOLDER = "REDACTED";
export const VTY_PASSWORD_MAX_LENGTH = 128;

/** Why `s` is not a vty password FRR takes, or undefined. The reason never contains the value. */
export function vtyPasswordProblem(s: string): string | undefined {
    if (s === "") return "the password is empty (leave VTY_PASSWORD unset for a vty on 127.0.0.1 only)";
    if (!/^[\x21-\x7e]+$/.test(s)) return "the password must be printable ASCII without spaces or newlines";
    if (!/^[A-Za-z0-9]/.test(s)) return "the password must start with a letter or digit (FRR refuses others)";
    if (s.length > VTY_PASSWORD_MAX_LENGTH) return `the password is longer than ${VTY_PASSWORD_MAX_LENGTH} characters`;
    return undefined;
}

/**
 * A password FRR takes on `password WORD` and at the vty login prompt: printable ASCII without
 * whitespace (a trailing newline from a file is an error, not silently part of it), starting
 * with a letter or digit (FRR refuses other first characters, and `vtysh -C` does not notice),
 * at most 128 characters.
 */
export function parseVtyPassword(s: string): string {
    const bad = vtyPasswordProblem(s);
    if (bad) throw new VnfConfigError("VTY_PASSWORD", s === "" ? "" : VTY_PASSWORD_ENTRY, bad);
    return s;
}

/** The router container env, parsed: bgp is present iff ROUTING=bgp. */
export interface RouterEnv {
    interfaces: string[];
    routes: Route[];
    vtyPassword?: string;
    bgp?: RouterBgp;
}

/**
 * Parse the router container env; INTERFACES may be unset, ROUTES is required, VTY_PASSWORD
 * is optional (unset: the vty stays on 127.0.0.1; set but empty is an error). ROUTING unset or
 * static: no BGP key may be set; ROUTING=bgp: see parseRouterBgpEnv. Checked in this order.
 */
export function parseRouterEnv(env: Readonly<Record<string, string | undefined>>): RouterEnv {
    const interfaces = env.INTERFACES === undefined ? undefined : parseInterfaces(env.INTERFACES);
    const routes = parseRoutes(env.ROUTES ?? "", interfaces);
    const vtyPassword = env.VTY_PASSWORD === undefined ? undefined : parseVtyPassword(env.VTY_PASSWORD);
    const bgp = parseRouterBgpEnv(env);
    return { interfaces: interfaces ?? [], routes, ...(vtyPassword === undefined ? {} : { vtyPassword }), ...(bgp ? { bgp } : {}) };
}

// ---- the router's bgp mode (ROUTING=bgp): dynamic eBGP neighbours with BFD ----

/** Hosts that peer from one network: `bgp listen range <listenRange> peer-group <name>`; gets only `announce`. */
export interface BgpPeerGroup {
    name: string;
    listenRange: string;
    announce: string[];
}

export interface RouterBgp {
    /** The router's AS (`router bgp`). */
    asn: number;
    /** The AS every dynamic neighbour must have (`remote-as`), not the router's (eBGP). */
    peerAsn: number;
    groups: BgpPeerGroup[];
    bfd: BfdTimers;
    /** TCP-MD5 password of every session; a secret. */
    password?: string;
}

export const ROUTER_BGP_ENV_KEYS = ["BGP_ASN", "BGP_PEER_ASN", "BGP_LISTEN_RANGES", "BGP_ANNOUNCE", "BFD_INTERVAL_MS", "BFD_MULTIPLIER", "BGP_PASSWORD"] as const;
export type RouterBgpEnvKey = "ROUTING" | (typeof ROUTER_BGP_ENV_KEYS)[number];
// The ranges and the password length are the routing model's (lib/routing.ts): the keys and the env agree.
export const BFD_INTERVAL_MS_RANGE = [BFD_INTERVAL_MS.min, BFD_INTERVAL_MS.max] as const;
export const BFD_MULTIPLIER_RANGE = [BFD_MULTIPLIER.min, BFD_MULTIPLIER.max] as const;
export { BGP_PASSWORD_MAX_LENGTH };
const GROUP_NAME = /^[A-Z][A-Z0-9]{0,15}$/;
const GROUP_NAME_RULE = "peer group name must be 1-16 upper-case letters and digits, starting with a letter";

function asnProblem(s: string): string | undefined {
    if (!/^[1-9][0-9]{0,9}$/.test(s)) return "is not a decimal AS number";
    if (!isPrivateAsn(Number(s))) return "is not a private AS number (RFC 6996: 64512-65534 or 4200000000-4294967294)";
    return undefined;
}

function rangedProblem(s: string, [lo, hi]: readonly [number, number]): string | undefined {
    if (!/^[1-9][0-9]{0,5}$/.test(s)) return `is not a decimal number ${lo}-${hi}`;
    return Number(s) < lo || Number(s) > hi ? `is out of range ${lo}-${hi}` : undefined;
}

/** Why `s` is not a BGP session password, or undefined; never contains the value. */
export function bgpPasswordProblem(s: string): string | undefined {
    if (s === "") return "the password is empty (leave BGP_PASSWORD unset for sessions without TCP-MD5)";
    if (!/^[\x21-\x7e]+$/.test(s)) return "the password must be printable ASCII without spaces or newlines";
    if (!/^[A-Za-z0-9]/.test(s)) return "the password must start with a letter or digit (FRR refuses others)";
    if (s.length > BGP_PASSWORD_MAX_LENGTH) return `the password is longer than ${BGP_PASSWORD_MAX_LENGTH} characters`;
    return undefined;
}

/** `GROUP=CIDR` to its parts, or the syntax error. */
function groupEntry(key: RouterBgpEnvKey, entry: string): [string, string] {
    const eq = entry.indexOf("=");
    if (eq < 0) throw new VnfConfigError(key, entry, 'expected "GROUP=CIDR"');
    const [name, cidr] = [entry.slice(0, eq), entry.slice(eq + 1)];
    if (!GROUP_NAME.test(name)) throw new VnfConfigError(key, entry, GROUP_NAME_RULE);
    const bad = cidrProblem(cidr);
    if (bad) throw new VnfConfigError(key, entry, bad);
    return [name, cidr];
}

/**
 * The bgp mode's keys. ROUTING unset or `static`: none of them may be set. ROUTING=bgp:
 * BGP_ASN and BGP_PEER_ASN private and different; BGP_LISTEN_RANGES `GROUP=CIDR,...` (one
 * range per group, no group or range twice); BGP_ANNOUNCE `GROUP=CIDR,...` (listed groups, no
 * entry twice); BFD_INTERVAL_MS (10-60000) and BFD_MULTIPLIER (2-255) optional; BGP_PASSWORD
 * optional, a secret. Checked in that order.
 */
export function parseRouterBgpEnv(env: Readonly<Record<string, string | undefined>>): RouterBgp | undefined {
    const routing = env.ROUTING ?? "static";
    if (routing !== "static" && routing !== "bgp") throw new VnfConfigError("ROUTING", routing, "must be static or bgp");
    if (routing === "static") {
        for (const key of ROUTER_BGP_ENV_KEYS) {
            const v = env[key];
            if (v !== undefined) throw new VnfConfigError(key, key === "BGP_PASSWORD" ? VTY_PASSWORD_ENTRY : v, "only read with ROUTING=bgp");
        }
        return undefined;
    }
    const asn = (key: "BGP_ASN" | "BGP_PEER_ASN"): number => {
        const s = env[key] ?? "";
        const bad = s === "" ? "is required with ROUTING=bgp" : asnProblem(s);
        if (bad) throw new VnfConfigError(key, s, bad);
        return Number(s);
    };
    const routerAsn = asn("BGP_ASN");
    const peerAsn = asn("BGP_PEER_ASN");
    if (peerAsn === routerAsn) throw new VnfConfigError("BGP_PEER_ASN", String(peerAsn), "must differ from BGP_ASN (eBGP between the router and its peers)");

    const groups: BgpPeerGroup[] = [];
    for (const entry of splitList("BGP_LISTEN_RANGES", env.BGP_LISTEN_RANGES ?? "")) {
        const [name, listenRange] = groupEntry("BGP_LISTEN_RANGES", entry);
        if (groups.some((g) => g.name === name)) throw new VnfConfigError("BGP_LISTEN_RANGES", entry, `duplicate peer group ${name}`);
        if (groups.some((g) => g.listenRange === listenRange)) throw new VnfConfigError("BGP_LISTEN_RANGES", entry, `duplicate listen range ${listenRange}`);
        groups.push({ name, listenRange, announce: [] });
    }
    for (const entry of splitList("BGP_ANNOUNCE", env.BGP_ANNOUNCE ?? "")) {
        const [name, prefix] = groupEntry("BGP_ANNOUNCE", entry);
        const group = groups.find((g) => g.name === name);
        if (!group) throw new VnfConfigError("BGP_ANNOUNCE", entry, `peer group ${name} is not in BGP_LISTEN_RANGES (${groups.map((g) => g.name).join(",")})`);
        if (group.announce.includes(prefix)) throw new VnfConfigError("BGP_ANNOUNCE", entry, `duplicate announcement of ${prefix} to ${name}`);
        group.announce.push(prefix);
    }
    const ranged = (key: "BFD_INTERVAL_MS" | "BFD_MULTIPLIER", range: readonly [number, number], dflt: number): number => {
        const s = env[key];
        if (s === undefined) return dflt;
        const bad = rangedProblem(s, range);
        if (bad) throw new VnfConfigError(key, s, bad);
        return Number(s);
    };
    const bfd = { intervalMs: ranged("BFD_INTERVAL_MS", BFD_INTERVAL_MS_RANGE, DEFAULT_BFD.intervalMs), multiplier: ranged("BFD_MULTIPLIER", BFD_MULTIPLIER_RANGE, DEFAULT_BFD.multiplier) };
    const password = env.BGP_PASSWORD;
    if (password !== undefined) {
        const bad = bgpPasswordProblem(password);
        if (bad) throw new VnfConfigError("BGP_PASSWORD", password === "" ? "" : VTY_PASSWORD_ENTRY, bad);
    }
    return { asn: routerAsn, peerAsn, groups, bfd, ...(password === undefined ? {} : { password }) };
}

/**
 * A typed RouterBgp checked by the env's rules (the component's inputs, before any object is
 * sent): the same errors as parsing its env would give. Returns it unchanged.
 */
export function checkRouterBgp(bgp: RouterBgp): RouterBgp {
    parseRouterBgpEnv({ ...formatRouterBgpEnv(bgp), ...(bgp.password === undefined ? {} : { BGP_PASSWORD: bgp.password }) });
    return bgp;
}

/** The bgp mode's env without the password (which goes through a Secret): ROUTING=bgp and the BGP_ and BFD_ keys. */
export function formatRouterBgpEnv(bgp: RouterBgp): Record<"ROUTING" | "BGP_ASN" | "BGP_PEER_ASN" | "BGP_LISTEN_RANGES" | "BGP_ANNOUNCE" | "BFD_INTERVAL_MS" | "BFD_MULTIPLIER", string> {
    return {
        ROUTING: "bgp",
        BGP_ASN: String(bgp.asn),
        BGP_PEER_ASN: String(bgp.peerAsn),
        BGP_LISTEN_RANGES: bgp.groups.map((g) => `${g.name}=${g.listenRange}`).join(","),
        BGP_ANNOUNCE: bgp.groups.flatMap((g) => g.announce.map((p) => `${g.name}=${p}`)).join(","),
        BFD_INTERVAL_MS: String(bgp.bfd.intervalMs),
        BFD_MULTIPLIER: String(bgp.bfd.multiplier),
    };
}

export function parseLbEnv(env: Readonly<Record<string, string | undefined>>): { backends: Backend[] } {
    return { backends: parseServers(env.SERVERS ?? "") };
}
