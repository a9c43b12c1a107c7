// Failover under bounded load (issue 11): kill one router container while clients send requests
// through the chain, and time what follows from this host's side:
//   - withdrawn: the dead router's next hop is gone from this host's kernel route to the Apache
//     network (bgp; polled every pollMs in the root namespace, where the LB's packets are routed);
//   - back: the router container runs again (the lab's node agent restarts it, as a kubelet does);
//   - ready: its readiness probe passes again (start.sh --ready: in bgp mode, sessions Established);
//   - re-added: its next hop is in the host's route again (bgp).
// Static mode has one router and a static host route: nothing is withdrawn or re-added there.
// Every figure is measured from the moment `docker kill` is issued; nothing is judged on time here.
import type { Lab } from "./lab";
import { LoadResult, load } from "./client";
import { hostNextHops } from "./bgp-lab";
import { LabRouting } from "./routing-lab";
import { N } from "./names";
import { markdownTable } from "./measure";
import { out, run, sleep } from "./sh";
import { BfdTimers } from "../lib/routing";

export interface FailoverOptions {
    /** Which router node's container to kill (default the last). */
    victim?: number;
    /** Requests before the fault (ms of steady load), default 2000. */
    warmupMs?: number;
    /** Load keeps running this long after the router is re-added (or ready), default 2000. */
    settleMs?: number;
    /** Bound on everything after the kill, default 60 s. */
    boundMs?: number;
    /** Bound on the number of requests, default 50 000. */
    maxRequests?: number;
    concurrency?: number;
    requestTimeoutMs?: number;
    /** Route polling period, default 10 ms. */
    pollMs?: number;
    log?: (s: string) => void;
}

export interface FailoverRun {
    routing: LabRouting;
    routers: number;
    fault: string;
    victim: string;
    /** bgp: the next hop that must go (the victim's cluster address). */
    deadNextHop?: string;
    bfd?: BfdTimers;
    nextHopsBefore: string[];
    load: Pick<LoadResult, "sent" | "ok" | "failed" | "failures" | "p50ms" | "p99ms" | "maxMs" | "wallMs">;
    /** ms from the kill; null when it did not happen within the bound, or does not apply (see `notes`). */
    withdrawnMs: number | null;
    routerBackMs: number | null;
    readyMs: number | null;
    readdedMs: number | null;
    /** Mean period of the route polls actually achieved (the withdrawal's resolution). */
    pollPeriodMs: number;
    notes: string[];
}

async function runningSince(container: string): Promise<number | undefined> {
    const r = await run(["docker", "inspect", "-f", "{{.State.Running}} {{.State.StartedAt}}", container], { allowFail: true });
    const [running, started] = r.stdout.trim().split(" ");
    return r.code === 0 && running === "true" ? Date.parse(started) : undefined;
}

async function ready(container: string): Promise<boolean> {
    return (await run(["docker", "exec", container, "/usr/local/bin/start.sh", "--ready"], { allowFail: true, timeoutMs: 10_000 })).code === 0;
}

export async function measureFailover(lab: Lab, o: FailoverOptions = {}): Promise<FailoverRun> {
    const log = o.log ?? (() => undefined);
    const nodes = lab.bgp?.nodes ?? [{ router: N.router, clusterIp: lab.a.routerHost }];
    const victim = nodes[o.victim ?? nodes.length - 1];
    const bgp = lab.bgp !== undefined;
    const prefix = lab.a.apacheCidr;
    const pollMs = o.pollMs ?? 10;
    const boundMs = o.boundMs ?? 60_000;
    const notes: string[] = [];
    const nextHopsBefore = bgp ? await hostNextHops(prefix) : [];
    if (bgp && !nextHopsBefore.includes(victim.clusterIp)) throw new Error(`the host's ${prefix} has next hops [${nextHopsBefore.join(", ")}], not ${victim.clusterIp}: not a steady state to fail over from`);
    if (!(await ready(victim.router))) throw new Error(`router ${victim.router} is not ready before the fault`);

    let stopLoad = false;
    const loading = load({
        url: lab.a.loadBalancerUrl + "/",
        count: o.maxRequests ?? 50_000,
        concurrency: o.concurrency ?? 4,
        timeoutMs: o.requestTimeoutMs ?? 5000,
        maxMs: boundMs + (o.warmupMs ?? 2000) + (o.settleMs ?? 2000) + 10_000,
        stop: () => stopLoad,
    });
    await sleep(o.warmupMs ?? 2000);

    const t0 = Date.now();
    const since = () => Date.now() - t0;
    await run(["docker", "kill", victim.router]);
    log(`killed ${victim.router} (docker kill took ${since()} ms)`);
    let withdrawnMs: number | null = null;
    let readdedMs: number | null = null;
    let polls = 0;
    const pollStart = Date.now();
    // The route watcher: the dead next hop's withdrawal, then its return.
    const watchRoutes = async () => {
        if (!bgp) return;
        while (since() < boundMs && readdedMs === null) {
            const hops = await hostNextHops(prefix);
            polls++;
            if (withdrawnMs === null && !hops.includes(victim.clusterIp)) {
                withdrawnMs = since();
                log(`${victim.clusterIp} withdrawn from ${prefix} after ${withdrawnMs} ms (next hops: ${hops.join(", ") || "none"})`);
            } else if (withdrawnMs !== null && hops.includes(victim.clusterIp)) {
                readdedMs = since();
                log(`${victim.clusterIp} re-added after ${readdedMs} ms`);
            }
            await sleep(pollMs);
        }
    };
    let routerBackMs: number | null = null;
    let readyMs: number | null = null;
    // The container watcher: running again (restarted by the agent), then ready.
    const watchRouter = async () => {
        while (since() < boundMs && readyMs === null) {
            if (routerBackMs === null) {
                const started = await runningSince(victim.router);
                if (started !== undefined && started >= t0 - 1000) {
                    routerBackMs = since();
                    log(`${victim.router} running again after ${routerBackMs} ms`);
                }
            } else if (await ready(victim.router)) {
                readyMs = since();
                log(`${victim.router} ready after ${readyMs} ms`);
            }
            await sleep(100);
        }
    };
    await Promise.all([watchRoutes(), watchRouter()]);
    const pollPeriodMs = polls ? (Date.now() - pollStart) / polls : NaN;
    await sleep(o.settleMs ?? 2000);
    stopLoad = true;
    const r = await loading;
    if (!bgp) notes.push("static: the host's route to the Apache network is static (via the one router), so nothing is withdrawn or re-added");
    if (bgp && withdrawnMs === null) notes.push(`the dead next hop was not withdrawn within ${boundMs / 1000} s`);
    const hopsAfter = bgp ? await hostNextHops(prefix) : [];
    if (bgp && hopsAfter.join(",") !== nextHopsBefore.join(",")) notes.push(`next hops after: ${hopsAfter.join(", ")}`);
    const containerLog = await out(["docker", "logs", "--tail", "3", victim.router], { allowFail: true });
    log(`${victim.router} log tail: ${containerLog.replace(/\n/g, " | ")}`);
    return {
        routing: lab.routing,
        routers: nodes.length,
        fault: "router container killed (docker kill)",
        victim: victim.router,
        deadNextHop: bgp ? victim.clusterIp : undefined,
        bfd: lab.bgp?.routing.bfd,
        nextHopsBefore,
        load: { sent: r.sent, ok: r.ok, failed: r.failed, failures: r.failures, p50ms: r.p50ms, p99ms: r.p99ms, maxMs: r.maxMs, wallMs: r.wallMs },
        withdrawnMs,
        routerBackMs,
        readyMs,
        readdedMs,
        pollPeriodMs,
        notes,
    };
}

const ms = (v: number | null, absent: string) => (v === null ? absent : `${v}`);

/** The README's failover table: one row per run, static first. */
export function failoverTable(runs: FailoverRun[]): string {
    const rows = runs.map((x) => [
        x.routing === "bgp" ? `BGP+BFD (${x.bfd!.intervalMs} ms x ${x.bfd!.multiplier}), ${x.routers} routers` : `static, ${x.routers} router`,
        x.load.sent,
        x.load.failed,
        x.load.maxMs.toFixed(0),
        x.routing === "bgp" ? ms(x.withdrawnMs, "not within the bound") : "n/a (static route)",
        ms(x.routerBackMs, "not within the bound"),
        ms(x.readyMs, "not within the bound"),
        x.routing === "bgp" ? ms(x.readdedMs, "not within the bound") : "n/a",
    ]);
    return markdownTable(["routing", "requests", "failed", "longest request ms", "dead next hop withdrawn ms", "router running again ms", "router ready ms", "next hop re-added ms"], rows);
}
