// What the lab asks of the host's routing in bgp mode: may the host's FRR start (no routes of
// FRR's protocols here), which next hops does this host's kernel have for a prefix, which BGP
// sessions and BFD peers does an FRR container see (from vtysh JSON). The lab, its tests and the
// failover benchmark ask these.
import { out, run, waitFor } from "../sh";

/**
 * Kernel protocol numbers of FRR's routes (zebra 11, babel 42, bgp 186 ... srte 198): zebra sweeps
 * host routes of these at start.
 */
export const FRR_ROUTE_PROTOS = ["11", "42", ...Array.from({ length: 13 }, (_, k) => String(186 + k))];
/** The protocol of the routes the host's zebra installs from BGP (rt_protos: 186). */
export const BGP_ROUTE_PROTO = "bgp";

/**
 * Refuses to start zebra in the root namespace when the host has routes of FRR's protocols (zebra
 * would sweep them).
 */
export async function checkNoFrrRoutes(): Promise<void> {
    const routes: { dst: string; protocol?: string }[] = [];
    for (const family of ["-4", "-6"])
        routes.push(...JSON.parse((await out(["ip", family, "-N", "-j", "route", "show", "table", "all"])) || "[]"));
    const theirs = routes.filter((r) => r.protocol !== undefined && FRR_ROUTE_PROTOS.includes(String(r.protocol)));
    if (theirs.length) {
        const listed = theirs.map((r) => `${r.dst} proto ${r.protocol}`).join(", ");
        throw new Error(
            `this host has routes of FRR's protocols (${listed}); ` +
                "the lab's swarm-host FRR runs in the root namespace and its zebra would sweep them at start: " +
                "remove them or run the lab in static mode",
        );
    }
}

interface JsonRoute {
    dst: string;
    gateway?: string;
    nhid?: number;
    nexthops?: { gateway?: string }[];
}

/** The gateways of a kernel route (a plain route, a multipath one, or a nexthop-group one). */
export async function routeGateways(r: JsonRoute, netns?: string): Promise<string[]> {
    if (r.nexthops) return r.nexthops.map((n) => n.gateway).filter((g): g is string => !!g);
    if (r.gateway) return [r.gateway];
    if (r.nhid === undefined) return [];
    const ip = (args: string[]) => out([...(netns ? ["ip", "-n", netns] : ["ip"]), "-j", ...args]);
    const [group] = JSON.parse(await ip(["nexthop", "show", "id", String(r.nhid)])) as {
        gateway?: string;
        group?: { id: number }[];
    }[];
    if (group?.gateway) return [group.gateway];
    const members: string[] = [];
    for (const m of group?.group ?? []) {
        const [nh] = JSON.parse(await ip(["nexthop", "show", "id", String(m.id)])) as { gateway?: string }[];
        if (nh?.gateway) members.push(nh.gateway);
    }
    return members;
}

/** The next hops this host's kernel (root namespace, main table) has for exactly `prefix`, sorted. */
export async function hostNextHops(prefix: string, proto = BGP_ROUTE_PROTO): Promise<string[]> {
    const routes = JSON.parse(await out(["ip", "-j", "route", "show", "exact", prefix, "proto", proto])) as JsonRoute[];
    const hops: string[] = [];
    for (const r of routes) hops.push(...(await routeGateways(r)));
    return hops.sort();
}

/** BGP neighbours of an FRR container and their state, from `show bgp neighbors json`. */
export async function bgpSessions(container: string): Promise<Record<string, string>> {
    const r = await run(["docker", "exec", container, "vtysh", "-c", "show bgp neighbors json"], {
        allowFail: true,
        timeoutMs: 10_000,
    });
    if (r.code !== 0) return {};
    const json = JSON.parse(r.stdout || "{}") as Record<string, { bgpState?: string }>;
    return Object.fromEntries(
        Object.entries(json)
            .filter(([, v]) => typeof v === "object" && v?.bgpState)
            .map(([k, v]) => [k, v.bgpState!]),
    );
}

/** BFD peers of an FRR container and their status, from `show bfd peers json`. */
export async function bfdPeers(container: string): Promise<Record<string, string>> {
    const r = await run(["docker", "exec", container, "vtysh", "-c", "show bfd peers json"], {
        allowFail: true,
        timeoutMs: 10_000,
    });
    if (r.code !== 0) return {};
    return Object.fromEntries(
        (JSON.parse(r.stdout || "[]") as { peer: string; status: string }[]).map((p) => [p.peer, p.status]),
    );
}

/** Waits until the host's kernel routes `prefix` over exactly `gateways` (ECMP). */
export async function waitForHostNextHops(prefix: string, gateways: string[], timeoutMs: number): Promise<void> {
    const want = [...gateways].sort().join(",");
    await waitFor(
        `${prefix} via ${gateways.join(" and ")} in this host's kernel (proto bgp)`,
        async () => ((await hostNextHops(prefix)).join(",") === want ? true : undefined),
        timeoutMs,
        250,
    );
}
