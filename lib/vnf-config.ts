// The VNF value model: Route, Backend and interface lists, and the env contract the images read
// (INTERFACES / ROUTES / SERVERS / VTY_PASSWORD, the Cloudify seed format). Pure: no Pulumi,
// no I/O. Each value is parsed once, where it enters (a config key, a container env), into
// these types; below that code works on the types, and format* only writes them out.
// The image start scripts keep their own parser, held to the same vectors
// (tests/vectors/vnf-env.json); the address rules come from lib/net.ts.
import { cidrProblem, hostProblem, interfaceNameProblem, ipv4Problem } from "./net";

export type EnvKey = "INTERFACES" | "ROUTES" | "SERVERS" | "VTY_PASSWORD";
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

/**
 * Parse the router container env; INTERFACES may be unset, ROUTES is required, VTY_PASSWORD
 * is optional (unset: the vty stays on 127.0.0.1; set but empty is an error).
 */
export function parseRouterEnv(env: Readonly<Record<string, string | undefined>>): { interfaces: string[]; routes: Route[]; vtyPassword?: string } {
    const interfaces = env.INTERFACES === undefined ? undefined : parseInterfaces(env.INTERFACES);
    const routes = parseRoutes(env.ROUTES ?? "", interfaces);
    return { interfaces: interfaces ?? [], routes, ...(env.VTY_PASSWORD === undefined ? {} : { vtyPassword: parseVtyPassword(env.VTY_PASSWORD) }) };
}

export function parseLbEnv(env: Readonly<Record<string, string | undefined>>): { backends: Backend[] } {
    return { backends: parseServers(env.SERVERS ?? "") };
}
