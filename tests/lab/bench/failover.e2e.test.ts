// End-to-end: the lab in bgp mode (two router nodes from the engine's DaemonSet, the
// swarm host's FRR in this host's root namespace, the Apache backends' FRR), then one router
// container killed under bounded load; then the same fault in static mode (one router) as the
// baseline. Asserts behaviour (sessions, ECMP both ways, withdrawal, return), prints the times,
// never passes or fails on them. `npm run bench:failover` writes the figures the README quotes.
// No Docker means FAILED with what is missing, never skipped.
import * as assert from "assert";
import { Lab, labDown, labUp } from "../../../lab/lab";
import { labLeftovers } from "../../../lab/topology/teardown-topology";
import { load, summary } from "../../../lab/bench/http-load";
import { bfdPeers, bgpSessions, hostNextHops, routeGateways } from "../../../lab/topology/bgp-queries";
import { FailoverRun, failoverTable, measureFailover } from "../../../lab/bench/failover-measure";
import { LAB_NAMES } from "../../../lab/names";
import { inNetns, pidOf } from "../../../lab/docker-engine";
import { out, waitFor } from "../../../lab/sh";
import { acquireLabLock, releaseLabLock } from "../../../lab/lock";

const log = (s: string) => process.stdout.write(`      ${s}\n`);

/** Next hops of a backend's kernel route to `prefix` (its namespace is shared with its FRR sidecar). */
async function backendNextHops(backend: string, prefix: string): Promise<string[]> {
    const routes = JSON.parse(
        await out(inNetns(await pidOf(backend), ["ip", "-j", "route", "show", "exact", prefix, "proto", "bgp"])),
    );
    const hops: string[] = [];
    for (const r of routes) hops.push(...(await routeGateways(r)));
    return hops.sort();
}

describe("lab E2E, routing bgp: two routers, BGP+BFD to the swarm host and the Apache backends, failover under load", function () {
    this.timeout(180_000);
    let lab: Lab;
    const runs: FailoverRun[] = [];
    let t0 = 0;

    before(async function () {
        this.timeout(1_500_000);
        t0 = Date.now();
        await acquireLabLock(900_000, log);
        // labUp installs the unreachable route for the lab's supernet before any lab packet.
        lab = await labUp({ install: false, routing: "bgp", log });
    });

    after(async function () {
        this.timeout(300_000);
        try {
            await labDown({ log, engine: false });
            const left = await labLeftovers();
            assert.deepStrictEqual(left, [], `left behind: ${left.join("; ")}`);
        } finally {
            releaseLabLock();
        }
        if (runs.length) log(`\n${failoverTable(runs)}`);
        log(`failover E2E wall time: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    it("runs one router pod per labelled node, each with Established sessions to the swarm host and both backends", async () => {
        assert.ok(lab.bgp, "bgp mode");
        assert.strictEqual(lab.routers.length, 2);
        const want = [lab.addressing.hostClusterIp, ...lab.addressing.apacheIps].sort();
        for (const n of lab.routers) {
            const sessions = await bgpSessions(n.router);
            log(`${n.router}: ${JSON.stringify(sessions)}; BFD ${JSON.stringify(await bfdPeers(n.router))}`);
            assert.deepStrictEqual(Object.keys(sessions).sort(), want, `${n.router}'s dynamic neighbours`);
            for (const [peer, state] of Object.entries(sessions))
                assert.strictEqual(state, "Established", `${n.router} -> ${peer}`);
            const bfd = await bfdPeers(n.router);
            for (const peer of want) assert.strictEqual(bfd[peer], "up", `${n.router}: BFD with ${peer}`);
        }
    });

    it("gives the swarm host the Apache network with one ECMP next hop per router, and the backends the cluster network back", async () => {
        const hops = await hostNextHops(lab.addressing.apacheCidr);
        log(`host ${lab.addressing.apacheCidr} via ${hops.join(", ")}`);
        assert.deepStrictEqual(hops, lab.routers.map((n) => n.clusterIp).sort());
        // Nothing else was imported: the host's only BGP route is the Apache network.
        const all = JSON.parse(await out(["ip", "-j", "route", "show", "proto", "bgp"])) as { dst: string }[];
        assert.deepStrictEqual(
            all.map((r) => r.dst),
            [lab.addressing.apacheCidr],
        );
        for (const [i] of lab.addressing.apacheIps.entries()) {
            const back = await backendNextHops(LAB_NAMES.apacheBackend(i), lab.addressing.clusterCidr);
            log(`${LAB_NAMES.apacheBackend(i)} ${lab.addressing.clusterCidr} via ${back.join(", ")}`);
            assert.deepStrictEqual(back, lab.routers.map((n) => n.apacheIp).sort());
        }
    });

    it("serves requests through both routers' paths with no static host route to the Apache network", async () => {
        const statics = await out(["ip", "route", "show", "exact", lab.addressing.apacheCidr, "proto", "233"]);
        assert.strictEqual(statics, "", "a static host route would outlive its router");
        const r = await load({
            url: lab.addressing.loadBalancerUrl + "/",
            count: 200,
            concurrency: 4,
            timeoutMs: 10_000,
            maxMs: 60_000,
        });
        log(summary(r));
        assert.strictEqual(r.failed, 0, JSON.stringify(r.failures));
        assert.deepStrictEqual(Object.keys(r.byBackend).sort(), ["apache-1", "apache-2"]);
    });

    it("kill one router under load: its next hop is withdrawn, the agent restarts it, it is re-added", async function () {
        this.timeout(240_000);
        const r = await measureFailover(lab, { log });
        runs.push(r);
        log(`${summary({ ...r.load, byBackend: {} })}`);
        log(
            `withdrawn ${r.withdrawnMs} ms, running again ${r.routerBackMs} ms, ready ${r.readyMs} ms, re-added ${r.readdedMs} ms (polls every ${r.pollPeriodMs.toFixed(1)} ms); ` +
                `longest time without a success ${r.load.longestGapMs.toFixed(0)} ms; the victim carried ${((r.victimShare ?? 0) * 100).toFixed(0)}% before`,
        );
        assert.ok(
            (r.victimShare ?? 0) > 0,
            "the killed router carried traffic before the fault (ECMP hashes on the 5-tuple)",
        );
        assert.notStrictEqual(r.withdrawnMs, null, "the dead next hop was withdrawn");
        assert.notStrictEqual(r.routerBackMs, null, "the node agent restarted the router");
        assert.notStrictEqual(r.readyMs, null, "the router's sessions came back (ready)");
        assert.notStrictEqual(r.readdedMs, null, "its next hop came back");
        assert.ok(r.withdrawnMs! < r.readdedMs!);
        assert.deepStrictEqual(await hostNextHops(lab.addressing.apacheCidr), r.nextHopsBefore, "both next hops again");
        assert.ok(r.load.sent > 0 && r.load.ok > 0);
    });

    it("one router node silent for 5 s under load: BFD withdraws its next hop on both sides, and it is re-added once it answers", async function () {
        this.timeout(240_000);
        const victim = lab.routers[lab.routers.length - 1];
        // The backends' side too: watched while the fault runs.
        let backendWithdrawn = false;
        const measuring = measureFailover(lab, { fault: "partition", outageMs: 5000, log });
        while (
            !backendWithdrawn &&
            (await Promise.race([
                measuring.then(() => true),
                new Promise<false>((r) => setTimeout(() => r(false), 50)),
            ])) === false
        ) {
            backendWithdrawn = !(
                await backendNextHops(LAB_NAMES.apacheBackend(0), lab.addressing.clusterCidr)
            ).includes(victim.apacheIp);
        }
        const r = await measuring;
        runs.push(r);
        log(`${summary({ ...r.load, byBackend: {} })}`);
        log(
            `withdrawn ${r.withdrawnMs} ms, reachable again ${r.routerBackMs} ms, ready ${r.readyMs} ms, re-added ${r.readdedMs} ms; ` +
                `longest time without a success ${r.load.longestGapMs.toFixed(0)} ms; the victim carried ${((r.victimShare ?? 0) * 100).toFixed(0)}% before`,
        );
        assert.ok((r.victimShare ?? 0) > 0, "the silent router carried traffic before the fault");
        assert.notStrictEqual(r.withdrawnMs, null, "BFD took the silent router's next hop away on the swarm host");
        assert.ok(
            backendWithdrawn,
            `${LAB_NAMES.apacheBackend(0)} dropped ${victim.apacheIp} from its route back to the cluster network`,
        );
        assert.ok(
            r.routerBackMs !== null && r.withdrawnMs! < r.routerBackMs,
            "withdrawn while the node was silent, not after",
        );
        assert.notStrictEqual(r.readdedMs, null, "re-added once the node answered again");
        assert.deepStrictEqual(await hostNextHops(lab.addressing.apacheCidr), r.nextHopsBefore);
        assert.deepStrictEqual(
            await backendNextHops(LAB_NAMES.apacheBackend(0), lab.addressing.clusterCidr),
            lab.routers.map((n) => n.apacheIp).sort(),
        );
    });

    it("the same faults in static mode (one router, the baseline): the router comes back", async function () {
        this.timeout(1_200_000);
        await labDown({ log, engine: false });
        lab = await labUp({ install: false, routing: "static", build: false, log });
        assert.strictEqual(lab.bgp, undefined);
        assert.strictEqual(await out(["ip", "route", "show", "proto", "bgp"]), "", "no BGP route in static mode");
        assert.ok(
            (await labLeftovers()).every((l) => !l.includes(LAB_NAMES.hostFrr)),
            "no host FRR in static mode",
        );
        const r = await measureFailover(lab, { log });
        runs.push(r);
        log(
            `static: ${summary({ ...r.load, byBackend: {} })}; running again ${r.routerBackMs} ms, ready ${r.readyMs} ms`,
        );
        assert.strictEqual(r.withdrawnMs, null);
        assert.notStrictEqual(r.routerBackMs, null, "the node agent restarted the router");
        assert.notStrictEqual(r.readyMs, null);
        const p = await measureFailover(lab, { fault: "partition", outageMs: 5000, log });
        runs.push(p);
        log(
            `static, silent node: ${summary({ ...p.load, byBackend: {} })}; reachable again ${p.routerBackMs} ms, ready ${p.readyMs} ms`,
        );
        assert.notStrictEqual(p.routerBackMs, null);
        // nginx may still hold the backends as failed for its fail_timeout: the chain answers again within a minute.
        await waitFor(
            "the chain answering 20 of 20 again",
            async () => {
                const after = await load({
                    url: lab.addressing.loadBalancerUrl + "/",
                    count: 20,
                    concurrency: 2,
                    timeoutMs: 10_000,
                    maxMs: 30_000,
                });
                return after.failed === 0 ? true : undefined;
            },
            60_000,
            500,
        );
    });
});
