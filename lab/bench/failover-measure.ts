// Failover under bounded load: fail one router while clients send requests through
// the chain, and time what follows from this host's side. Two faults:
//   - kill: `docker kill` of the router container. Its daemons die (the TCP sessions close at
//     once), but the routes zebra put in the node's kernel outlive it, so the node keeps forwarding;
//   - partition: the router node falls silent for outageMs (every packet into, out of and through
//     its namespace dropped), as a dead or cut-off VM looks to its peers: only BFD notices.
// What is timed:
//   - withdrawn: the dead router's next hop is gone from this host's kernel route to the Apache
//     network (bgp; polled every pollMs in the root namespace, where the LB's packets are routed);
//   - back: kill: the router container runs again (the lab's node agent restarts it, as a kubelet
//     does); partition: the node is reachable again (the end of the outage);
//   - ready: its readiness probe passes again (start.sh --ready: in bgp mode, sessions Established);
//   - re-added: its next hop is in the host's route again (bgp).
// Static mode has one router and a static host route: nothing is withdrawn or re-added there.
// Every figure is measured from the moment `docker kill` is issued; nothing is judged on time here.
import type { Lab } from "../lab";
import { TimedLoad, timedLoad } from "./http-load";
import { hostNextHops } from "../topology/bgp-queries";
import { LabRouting } from "../topology/router-nodes";
import { markdownTable } from "./figures";
import { out, run, sleep, waitFor } from "../sh";
import { inNetns, pidOf } from "../docker-engine";
import { BfdTimers } from "../../lib/routing";

export const FAULTS = ["kill", "partition"] as const;
export type Fault = (typeof FAULTS)[number];

export const FAULT_TEXT: Record<Fault, (outageMs: number) => string> = {
    kill: () => "router container killed (docker kill)",
    partition: (ms) => `router node silent for ${ms / 1000} s (all its packets dropped)`,
};

/** Every packet into, out of and through a node's namespace dropped (on), or let through again (off). */
export async function silenceNode(node: string, on: boolean): Promise<void> {
    const pid = await pidOf(node);
    for (const chain of ["INPUT", "OUTPUT", "FORWARD"])
        await run(inNetns(pid, ["iptables", "-w", on ? "-I" : "-D", chain, "-j", "DROP"]));
}

/** Packets a node has sent out of its leg `iface` (towards the Apache network on its Apache leg). */
async function txPackets(node: string, iface: string): Promise<number> {
    const [link] = JSON.parse(await out(inNetns(await pidOf(node), ["ip", "-j", "-s", "link", "show", "dev", iface])));
    return Number(link.stats64?.tx?.packets ?? link.stats?.tx?.packets ?? 0);
}

export interface FailoverOptions {
    /** Default kill. */
    fault?: Fault;
    /** partition: how long the node stays silent, default 5000. */
    outageMs?: number;
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
    load: TimedLoad;
    /** ms from the kill; null when it did not happen within the bound, or does not apply (see `notes`). */
    withdrawnMs: number | null;
    routerBackMs: number | null;
    readyMs: number | null;
    readdedMs: number | null;
    /**
     * bgp: the failed router's share of the packets the routers sent to the Apache network during
     * the warm-up, so a fault on a router that carried nothing cannot pass for a clean failover.
     */
    victimShare: number | null;
    /** Mean period of the route polls actually achieved (the withdrawal's resolution). */
    pollPeriodMs: number;
    notes: string[];
}

async function runningSince(container: string): Promise<number | undefined> {
    const r = await run(["docker", "inspect", "-f", "{{.State.Running}} {{.State.StartedAt}}", container], {
        allowFail: true,
    });
    const [running, started] = r.stdout.trim().split(" ");
    return r.code === 0 && running === "true" ? Date.parse(started) : undefined;
}

async function ready(container: string): Promise<boolean> {
    return (
        (
            await run(["docker", "exec", container, "/usr/local/bin/start.sh", "--ready"], {
                allowFail: true,
                timeoutMs: 10_000,
            })
        ).code === 0
    );
}

export async function measureFailover(lab: Lab, o: FailoverOptions = {}): Promise<FailoverRun> {
    const log = o.log ?? (() => undefined);
    const fault = o.fault ?? "kill";
    const outageMs = o.outageMs ?? 5000;
    const nodes = lab.routers;
    const victim = nodes[o.victim ?? nodes.length - 1];
    const bgp = lab.bgp !== undefined;
    const prefix = lab.addressing.apacheCidr;
    const pollMs = o.pollMs ?? 10;
    const boundMs = o.boundMs ?? 60_000;
    const notes: string[] = [];
    // A steady state first (an earlier fault's router may still be coming back): ready, every next hop in.
    const want = bgp
        ? nodes
              .map((n) => n.clusterIp)
              .sort()
              .join(",")
        : "";
    await waitFor(
        `router ${victim.router} ready${bgp ? ` and ${prefix} via ${want}` : ""} before the fault`,
        async () =>
            (await ready(victim.router)) && (!bgp || (await hostNextHops(prefix)).join(",") === want)
                ? true
                : undefined,
        60_000,
        250,
    );
    const nextHopsBefore = bgp ? await hostNextHops(prefix) : [];

    let stopLoad = false;
    const loading = timedLoad(
        lab.addressing.loadBalancerUrl + "/",
        o.concurrency ?? 4,
        o.requestTimeoutMs ?? 5000,
        o.maxRequests ?? 50_000,
        boundMs + (o.warmupMs ?? 2000) + (o.settleMs ?? 2000) + 10_000,
        () => stopLoad,
    );
    const apacheLeg = lab.addressing.nodeIfaces[1];
    const counts = async () => Promise.all(nodes.map((n) => txPackets(n.node, apacheLeg)));
    const before = bgp ? await counts() : [];
    await sleep(o.warmupMs ?? 2000);
    const sent = bgp ? (await counts()).map((c, k) => c - before[k]) : [];
    const total = sent.reduce((x, y) => x + y, 0);
    const victimShare = bgp && total > 0 ? sent[nodes.indexOf(victim)] / total : null;
    if (bgp) {
        const share = victimShare === null ? "n/a" : victimShare.toFixed(2);
        log(
            `packets to the Apache network during the warm-up, by router: ${sent.join(", ")} (victim's share ${share})`,
        );
    }

    const t0 = Date.now();
    const since = () => Date.now() - t0;
    let routerBackMs: number | null = null;
    let readyMs: number | null = null;
    let outage: Promise<void> = Promise.resolve();
    if (fault === "kill") {
        await run(["docker", "kill", victim.router]);
        log(`killed ${victim.router} (docker kill took ${since()} ms)`);
    } else {
        await silenceNode(victim.node, true);
        log(`${victim.node} silent (took ${since()} ms)`);
        outage = sleep(outageMs - since()).then(async () => {
            await silenceNode(victim.node, false);
            routerBackMs = since();
            log(`${victim.node} reachable again after ${routerBackMs} ms`);
        });
    }
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
                const left = hops.join(", ") || "none";
                log(`${victim.clusterIp} withdrawn from ${prefix} after ${withdrawnMs} ms (next hops: ${left})`);
            } else if (withdrawnMs !== null && hops.includes(victim.clusterIp)) {
                readdedMs = since();
                log(`${victim.clusterIp} re-added after ${readdedMs} ms`);
            }
            await sleep(pollMs);
        }
    };
    // The router watcher: back (kill: running again, restarted by the agent), then ready.
    const watchRouter = async () => {
        while (since() < boundMs && readyMs === null) {
            if (routerBackMs === null) {
                if (fault === "partition") {
                    await sleep(50);
                    continue;
                }
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
    await Promise.all([watchRoutes(), watchRouter(), outage]);
    const pollPeriodMs = polls ? (Date.now() - pollStart) / polls : NaN;
    await sleep(o.settleMs ?? 2000);
    stopLoad = true;
    const r = await loading;

    if (bgp && withdrawnMs === null) notes.push(`the dead next hop was not withdrawn within ${boundMs / 1000} s`);
    const hopsAfter = bgp ? await hostNextHops(prefix) : [];
    if (bgp && hopsAfter.join(",") !== nextHopsBefore.join(",")) notes.push(`next hops after: ${hopsAfter.join(", ")}`);
    const containerLog = await out(["docker", "logs", "--tail", "3", victim.router], { allowFail: true });
    log(`${victim.router} log tail: ${containerLog.replace(/\n/g, " | ")}`);
    return {
        routing: lab.routing,
        routers: nodes.length,
        fault: FAULT_TEXT[fault](outageMs),
        victim: victim.router,
        deadNextHop: bgp ? victim.clusterIp : undefined,
        bfd: lab.bgp?.routing.bfd,
        nextHopsBefore,
        load: r,
        withdrawnMs,
        victimShare,
        routerBackMs,
        readyMs,
        readdedMs,
        pollPeriodMs,
        notes,
    };
}

const ms = (v: number | null, absent: string) => (v === null ? absent : `${v}`);

/** The README's failover table: one row per run, in run order. */
export function failoverTable(runs: FailoverRun[]): string {
    const rows = runs.map((x) => [
        x.routing === "bgp"
            ? `BGP+BFD (${x.bfd!.intervalMs} ms x ${x.bfd!.multiplier}), ${x.routers} routers`
            : `static, ${x.routers} router`,
        x.fault,
        x.victimShare === null ? "all (the only router)" : `${(x.victimShare * 100).toFixed(0)}%`,
        x.load.sent,
        x.load.failed,
        x.load.maxMs.toFixed(0),
        x.load.longestGapMs.toFixed(0),
        x.routing === "bgp" ? ms(x.withdrawnMs, "not within the bound") : "n/a (static route)",
        ms(x.routerBackMs, "not within the bound"),
        ms(x.readyMs, "not within the bound"),
        x.routing === "bgp" ? ms(x.readdedMs, "not within the bound") : "n/a",
    ]);
    return markdownTable(
        [
            "routing",
            "fault",
            "traffic via the failed router before",
            "requests",
            "failed",
            "longest request ms",
            "longest time without a success ms",
            "dead next hop withdrawn ms",
            "router back ms",
            "router ready ms",
            "next hop re-added ms",
        ],
        rows,
    );
}
