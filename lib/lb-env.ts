// The load balancer container's env contract: SERVERS, the Apache backends as `HOST[:PORT]`
// (port default 80). Pure, parsed once at the edge like lib/router-env.ts; the image's twin is
// images/lib/vnf-env.sh (vnf_parse_servers), held to tests/vectors/vnf-env.json.
import { hostProblem } from "./net";
import { VnfConfigError, splitList } from "./vnf-env-syntax";

export type Backend = { host: string; port: number };

/** One SERVERS entry: `HOST:PORT`. */
export function formatBackend(b: Backend): string {
    return `${b.host}:${b.port}`;
}

export const formatServers = (backends: readonly Backend[]): string => backends.map(formatBackend).join(",");

/** Why a backend is invalid, or undefined. */
export function backendProblem(b: Backend): string | undefined {
    if (/\s/.test(b.host)) return "whitespace inside an entry";
    if (b.host.startsWith("[") || b.host.includes(":")) return "IPv6 backends are not supported";
    if (!Number.isInteger(b.port) || b.port < 1) return `port "${b.port}" is not a decimal number 1-65535`;
    if (b.port > 65535) return `port ${b.port} is out of range 1-65535`;
    return hostProblem(b.host);
}

/** DNS names are case-insensitive: two backends are the same when this is. */
const backendId = (b: Backend): string => `${b.host.toLowerCase()}:${b.port}`;

/** Backends: a non-empty list, each valid, none twice (host names compared case-insensitively). */
export function checkBackends(backends: readonly Backend[]): readonly Backend[] {
    if (backends.length === 0) throw new VnfConfigError("SERVERS", "", "the list is empty");
    const seen = new Set<string>();
    for (const b of backends) {
        const bad = backendProblem(b);
        if (bad) throw new VnfConfigError("SERVERS", formatBackend(b), bad);
        if (seen.has(backendId(b))) {
            throw new VnfConfigError("SERVERS", formatBackend(b), `duplicate backend ${b.host}:${b.port}`);
        }
        seen.add(backendId(b));
    }
    return backends;
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
        if (seen.has(backendId(b))) throw new VnfConfigError("SERVERS", entry, `duplicate backend ${b.host}:${b.port}`);
        seen.add(backendId(b));
        return b;
    });
}

export function parseLbEnv(env: Readonly<Record<string, string | undefined>>): { backends: Backend[] } {
    return { backends: parseServers(env.SERVERS ?? "") };
}
