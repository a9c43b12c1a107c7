// Does a router node's kernel hold the routes the chain gave its router (ROUTES), as zebra's
// static routes? Pure: the planned routes and `ip -N -j route` output in, findings out.
import { Route } from "../../lib/router-env";

/** zebra installs staticd's routes with protocol RTPROT_ZSTATIC (196); `ip -N -j route` prints it numerically. */
export const ZEBRA_STATIC_PROTO = "196";

export interface KernelRoute {
    dst: string;
    dev?: string;
    gateway?: string;
    protocol?: string;
    type?: string;
}

/**
 * Which ROUTES entries the kernel table does not hold as zebra static routes. A connected
 * (proto kernel) route for the same prefix is a finding too: it would shadow the static one.
 */
export function missingRoutes(routes: Route[], table: KernelRoute[]): string[] {
    const problems: string[] = [];
    for (const r of routes) {
        const want = r.via.kind === "dev" ? `${r.prefix} dev ${r.via.iface}` : `${r.prefix} via ${r.via.address}`;
        const hit = table.find(
            (k) =>
                k.dst === r.prefix &&
                k.protocol === ZEBRA_STATIC_PROTO &&
                (r.via.kind === "dev" ? k.dev === r.via.iface : k.gateway === r.via.address),
        );
        if (!hit) problems.push(`${want} is not in the kernel table as proto ${ZEBRA_STATIC_PROTO} (zebra static)`);
        const connected = table.find((k) => k.dst === r.prefix && k.protocol === "2");
        if (connected)
            problems.push(`${r.prefix} is also a connected route on ${connected.dev}, which shadows the static route`);
    }
    return problems;
}
