// What `npm run lab` prints once the lab is up: one round of requests through the chain, the
// router's kernel table, the picture of the lab and the time of every step.
import type { Lab } from "./lab";
import { LoadResult, load, summary } from "./bench/http-load";
import { missingRoutes } from "./topology/route-checks";
import { nodeRoutes, routerTable } from "./topology/apply-topology";
import { hostNextHops } from "./topology/bgp-queries";
import { LAB_NAMES, LAB_ROUTE_PROTO } from "./names";

export interface SmokeReport {
    load: LoadResult;
    routerTable: string;
    routeProblems: string[];
    /** bgp mode: this host's next hops for the Apache network. */
    hostNextHops?: string[];
}

export async function smoke(lab: Lab, count = 200): Promise<SmokeReport> {
    const t0 = Date.now();
    const url = lab.addressing.loadBalancerUrl + "/";
    const r = await load({ url, count, concurrency: 4, timeoutMs: 10_000, maxMs: 60_000 });
    lab.steps.push({ name: `${count} requests through the chain`, ms: Date.now() - t0 });
    const hops = lab.bgp ? await hostNextHops(lab.addressing.apacheCidr) : undefined;
    return {
        load: r,
        routerTable: await routerTable(),
        routeProblems: missingRoutes(lab.router.routes, await nodeRoutes()),
        hostNextHops: hops,
    };
}

/** The routers and the Apache network as this mode built them. */
function routingLines(lab: Lab, hops: string[]): string[] {
    const addressing = lab.addressing;
    const backendIps = addressing.apacheIps.join(", ");
    const backends = `Apache backends ${backendIps} on ${LAB_NAMES.apacheBridge} (no host address)`;
    if (lab.bgp) {
        const { routerAsn, hostAsn, bfd } = lab.bgp.routing;
        return [
            `  routing bgp: router AS ${routerAsn}, host AS ${hostAsn}, BFD ${bfd.intervalMs} ms x ${bfd.multiplier}`,
            ...lab.routers.map(
                (n) =>
                    `  router node ${n.node}: cluster ${n.clusterIp}, Apache leg ${n.apacheIp}/32; ` +
                    `router container ${n.router} (agent ${n.agent})`,
            ),
            `  host ${addressing.apacheCidr} next hops (kernel, proto bgp): ${hops.join(", ") || "none"}`,
            `  ${backends}, ${addressing.clusterCidr} learned by BGP from every router`,
        ];
    }
    const [clusterIf, apacheIf] = addressing.nodeIfaces;
    return [
        `  host route ${addressing.apacheCidr} via ${addressing.routerHost} dev ${LAB_NAMES.hostClusterLeg()} ` +
            `(host leg ${addressing.hostClusterIp}; all lab host routes: ip route show proto ${LAB_ROUTE_PROTO})`,
        `  router node netns ${LAB_NAMES.routerNode()}: ` +
            `${clusterIf} ${addressing.routerHost} (cluster ${addressing.clusterCidr}), ` +
            `${apacheIf} ${addressing.routerApacheIp}/32 (Apache ${addressing.apacheCidr}); ` +
            `router container ${LAB_NAMES.routerContainer()}`,
        `  ${backends}, default via ${addressing.routerApacheIp}`,
    ];
}

export function report(lab: Lab, s: SmokeReport): string {
    const addressing = lab.addressing;
    const { router, lb } = lab;
    const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(6);
    const lines = [
        "hybrid-vnf lab: the service chain on this machine",
        `  client -> ${addressing.loadBalancerUrl} (LB Swarm service ${lb.serviceName}, host-mode port on ` +
            `${LAB_NAMES.swarmBridge} ${addressing.swarmCidr}, host = ${addressing.managerIp})`,
        ...routingLines(lab, s.hostNextHops ?? []),
        `  safety: unreachable ${addressing.supernet} on the host`,
        `specs from the plan: router ${router.image} (${router.source}) ROUTES="${router.env.ROUTES}"; ` +
            `LB ${lb.image} (${lb.source}) SERVERS="${lb.env.SERVERS}"`,
        "",
        `requests: ${summary(s.load)}`,
        "",
        `router ${LAB_NAMES.routerNode()} kernel table (ip route):`,
        ...s.routerTable.split("\n").map((l) => `  ${l}`),
        s.routeProblems.length
            ? `ROUTES NOT INSTALLED: ${s.routeProblems.join("; ")}`
            : "  every ROUTES entry is in the kernel as proto 196 (zebra static)",
        "",
        "steps:",
        ...lab.steps.map((x) => `  ${seconds(x.ms)} s  ${x.name}`),
        `  ${seconds(lab.steps.reduce((n, x) => n + x.ms, 0))} s  total`,
    ];
    return lines.join("\n") + "\n";
}
