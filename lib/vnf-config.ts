// The VNF env contract (INTERFACES / ROUTES / SERVERS, the Cloudify seed format) and the
// configs rendered from it. Pure: no Pulumi, no I/O, so components fail at plan time and
// the image start scripts can be held to the same vectors (tests/vectors/vnf-env.json).
import { Address4 } from "ip-address";

export type EnvKey = "INTERFACES" | "ROUTES" | "SERVERS" | "VTY_PASSWORD";
export type Route = {
    prefix: string;
    via: { kind: "nexthop"; address: string } | { kind: "dev"; iface: string };
};
export type Backend = { host: string; port: number };

/** Every rejection names the env variable (or render option) and quotes the bad entry. */
export class VnfConfigError extends Error {
    constructor(readonly key: EnvKey | string, readonly entry: string, reason: string) {
        super(`${key} entry "${entry}": ${reason}`);
        this.name = "VnfConfigError";
    }
}

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

/** Returns a reason, or undefined if `s` is a plain dotted-quad in canonical form. */
function ipv4Problem(s: string): string | undefined {
    if (s.includes("/")) return `"${s}" must be a plain IPv4 address without a /prefix`;
    // ip-address also accepts "a.b.c.d/len"; the "/" check above and the canonical-form
    // comparison below keep the accepted set to exactly what the shell scripts accept.
    if (!Address4.isValid(s) || new Address4(s).correctForm() !== s) {
        return `"${s}" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)`;
    }
    return undefined;
}

function cidrProblem(s: string): string | undefined {
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

function ifaceProblem(name: string): string | undefined {
    if (name.length < 1 || name.length > 15) return `interface name must be 1-15 characters (got ${name.length})`;
    if (/[\s/:]/.test(name)) return "interface name must not contain whitespace, '/' or ':'";
    // Stricter than the kernel (it allows any byte): non-ASCII names would be fragile in frr.conf.
    if (!/^[\x21-\x7e]+$/.test(name)) return "interface name must be printable ASCII";
    if (name === "." || name === "..") return `"${name}" is not a valid interface name`;
    return undefined;
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** RFC-1123 hostname or canonical IPv4; a name whose last label is numeric must be an IPv4. */
function hostProblem(host: string): string | undefined {
    const labels = host.split(".");
    if (/^[0-9]+$/.test(labels[labels.length - 1])) return ipv4Problem(host);
    if (host.length > 253) return "hostname is longer than 253 characters";
    if (!labels.every((l) => LABEL.test(l))) {
        return `"${host}" is not an IPv4 address or RFC-1123 hostname (labels of letters, digits and inner '-', 1-63 chars)`;
    }
    return undefined;
}

export function parseInterfaces(s: string): string[] {
    const seen = new Set<string>();
    return splitList("INTERFACES", s).map((name) => {
        const bad = ifaceProblem(name);
        if (bad) throw new VnfConfigError("INTERFACES", name, bad);
        if (seen.has(name)) throw new VnfConfigError("INTERFACES", name, "duplicate interface");
        seen.add(name);
        return name;
    });
}

/** `interfaces` given: every `dev IFACE` must be one of them (INTERFACES unset: not checked). */
export function parseRoutes(s: string, interfaces?: readonly string[]): Route[] {
    const seen = new Set<string>();
    return splitList("ROUTES", s).map((entry): Route => {
        const fail = (reason: string) => new VnfConfigError("ROUTES", entry, reason);
        const t = entry.split(/[ \t]+/);
        const isDev = t.length === 3 && t[1] === "dev";
        if (!isDev && (t.length !== 2 || t[1] === "dev")) {
            throw fail('expected "CIDR NEXTHOP" or "CIDR dev IFACE"');
        }
        const prefix = t[0];
        const badCidr = cidrProblem(prefix);
        if (badCidr) throw fail(badCidr);
        let route: Route;
        if (isDev) {
            const iface = t[2];
            const badIface = ifaceProblem(iface);
            if (badIface) throw fail(badIface);
            if (interfaces && !interfaces.includes(iface)) {
                throw fail(`interface ${iface} is not in INTERFACES (${interfaces.join(",")})`);
            }
            route = { prefix, via: { kind: "dev", iface } };
        } else {
            const badHop = ipv4Problem(t[1]);
            if (badHop) throw fail(`next hop ${badHop}`);
            route = { prefix, via: { kind: "nexthop", address: t[1] } };
        }
        if (seen.has(prefix)) throw fail(`duplicate route for ${prefix}`);
        seen.add(prefix);
        return route;
    });
}

export function parseServers(s: string): Backend[] {
    const seen = new Set<string>();
    return splitList("SERVERS", s).map((entry): Backend => {
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
            if (port > 65535) throw fail(`port ${port} is out of range 1-65535`);
        }
        const badHost = hostProblem(host);
        if (badHost) throw fail(badHost);
        const id = `${host.toLowerCase()}:${port}`; // DNS names are case-insensitive
        if (seen.has(id)) throw fail(`duplicate backend ${host}:${port}`);
        seen.add(id);
        return { host, port };
    });
}

// ---- VTY_PASSWORD: the vty login password. A secret: never quoted, never printed. ----

/** How errors quote a rejected VTY_PASSWORD (the value itself never appears). */
export const VTY_PASSWORD_ENTRY = "[hidden]";
/**
 * What printed frr.conf text shows in place of the vty password: `start.sh --render-only`, and
 * renderFrrConfig unless asked to reveal it. FRR accepts it as a password, so the printed
 * config still passes `vtysh -C` and can be loaded.
 */
export const VTY_PASSWORD_PLACEHOLDER = "REDACTED";
export const VTY_PASSWORD_MAX_LENGTH = 128;

/**
 * A password FRR takes on `password WORD` and at the vty login prompt: printable ASCII without
 * whitespace (a trailing newline from a file is an error, not silently part of it), starting
 * with a letter or digit (FRR refuses other first characters, and `vtysh -C` does not notice),
 * at most 128 characters.
 */
export function parseVtyPassword(s: string): string {
    if (s === "") throw new VnfConfigError("VTY_PASSWORD", "", "the password is empty (leave VTY_PASSWORD unset for a vty on 127.0.0.1 only)");
    const fail = (reason: string) => new VnfConfigError("VTY_PASSWORD", VTY_PASSWORD_ENTRY, reason);
    if (!/^[\x21-\x7e]+$/.test(s)) throw fail("the password must be printable ASCII without spaces or newlines");
    if (!/^[A-Za-z0-9]/.test(s)) throw fail("the password must start with a letter or digit (FRR refuses others)");
    if (s.length > VTY_PASSWORD_MAX_LENGTH) throw fail(`the password is longer than ${VTY_PASSWORD_MAX_LENGTH} characters`);
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

// The format* functions build env values from typed input and re-parse them, so a bad
// typed value fails with the same error the container would give.
export function formatInterfaces(interfaces: readonly string[]): string {
    const s = interfaces.join(",");
    parseInterfaces(s);
    return s;
}

export function formatRoutes(routes: readonly Route[], interfaces?: readonly string[]): string {
    const s = routes
        .map((r) => (r.via.kind === "dev" ? `${r.prefix} dev ${r.via.iface}` : `${r.prefix} ${r.via.address}`))
        .join(",");
    parseRoutes(s, interfaces);
    return s;
}

export function formatServers(backends: readonly Backend[]): string {
    const s = backends.map((b) => `${b.host}:${b.port}`).join(",");
    parseServers(s);
    return s;
}

export function renderInterfaceLines(interfaces: readonly string[]): string[] {
    return interfaces.map((i) => `interface ${i}`);
}

export function renderRouteLines(routes: readonly Route[]): string[] {
    return routes.map((r) => `ip route ${r.prefix} ${r.via.kind === "dev" ? r.via.iface : r.via.address}`);
}

/**
 * A full frr.conf (integrated config) for zebra/staticd. With `vtyPassword`, `line vty` gets
 * ` password VTY_PASSWORD_PLACEHOLDER` (what `--render-only` prints); only
 * `revealVtyPassword: true` renders the password itself (the file the image writes).
 */
export function renderFrrConfig(o: {
    hostname: string;
    interfaces: readonly string[];
    routes: readonly Route[];
    vtyPassword?: string;
    revealVtyPassword?: boolean;
}): string {
    const badHost = hostProblem(o.hostname);
    if (badHost) throw new VnfConfigError("hostname", o.hostname, badHost);
    const password = o.vtyPassword === undefined ? undefined : parseVtyPassword(o.vtyPassword);
    const lines = [
        "frr defaults traditional",
        `hostname ${o.hostname}`,
        "log stdout",
        "service integrated-vtysh-config",
        "!",
        "ip forwarding",
        "!",
        ...o.interfaces.flatMap((i) => [`interface ${i}`, "exit", "!"]),
        ...renderRouteLines(o.routes),
        "!",
        "line vty",
        ...(password === undefined ? [] : [` password ${o.revealVtyPassword ? password : VTY_PASSWORD_PLACEHOLDER}`]),
        "!",
    ];
    return lines.join("\n") + "\n";
}
