// The router container's env contract: INTERFACES and ROUTES (the Cloudify seed's format), the
// optional VTY_PASSWORD, and the bgp mode's keys (lib/router-bgp-env.ts). Pure: no Pulumi, no
// I/O. Each value is parsed once, where it enters (a config key, a container env), into these
// types; below that, code works on the types, and format* only writes them out (never
// re-parsed). The image's twin is images/lib/vnf-env.sh, held to tests/vectors/vnf-env.json.
import { cidrProblem, interfaceNameProblem, ipv4Problem } from "./net";
import { RouterBgp, parseRouterBgpEnv } from "./router-bgp-env";
import { VnfConfigError, splitList } from "./vnf-env-syntax";
import { parseVtyPassword } from "./vnf-passwords";

export type Route = {
    prefix: string;
    via: { kind: "nexthop"; address: string } | { kind: "dev"; iface: string };
};

/** One ROUTES entry: `CIDR NEXTHOP` or `CIDR dev IFACE`. */
export function formatRoute(r: Route): string {
    return r.via.kind === "dev" ? `${r.prefix} dev ${r.via.iface}` : `${r.prefix} ${r.via.address}`;
}

export const formatInterfaces = (interfaces: readonly string[]): string => interfaces.join(",");
export const formatRoutes = (routes: readonly Route[]): string => routes.map(formatRoute).join(",");

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
        if (interfaces && !interfaces.includes(r.via.iface)) {
            return `interface ${r.via.iface} is not in INTERFACES (${interfaces.join(",")})`;
        }
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

export function parseInterfaces(s: string): string[] {
    const names = splitList("INTERFACES", s);
    checkInterfaces(names);
    return names;
}

/** One ROUTES entry's syntax (`CIDR NEXTHOP` or `CIDR dev IFACE`) to a Route; rules unchecked. */
function tokenizeRoute(entry: string): Route {
    const t = entry.split(/[ \t]+/);
    if (t.length === 3 && t[1] === "dev") return { prefix: t[0], via: { kind: "dev", iface: t[2] } };
    if (t.length !== 2 || t[1] === "dev") {
        throw new VnfConfigError("ROUTES", entry, 'expected "CIDR NEXTHOP" or "CIDR dev IFACE"');
    }
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
    return {
        interfaces: interfaces ?? [],
        routes,
        ...(vtyPassword === undefined ? {} : { vtyPassword }),
        ...(bgp ? { bgp } : {}),
    };
}
