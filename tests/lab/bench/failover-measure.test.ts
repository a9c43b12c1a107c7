// The failover report's pure parts (lab/bench/failover-measure.ts, failover-bench.ts): no lab needed.
import * as assert from "assert";
import { FailoverRun, failoverTable } from "../../../lab/bench/failover-measure";
import { longestGap } from "../../../lab/bench/http-load";
import { failoverMarkdown } from "../../../lab/bench/failover-bench";

const base: Omit<FailoverRun, "routing" | "routers" | "fault"> = {
    victim: "hvnf-lab-router",
    nextHopsBefore: [],
    load: {
        sent: 100,
        ok: 97,
        failed: 3,
        failures: { ETIMEDOUT: 3 },
        p50ms: 2,
        p99ms: 900,
        maxMs: 1234.4,
        wallMs: 9000,
        longestGapMs: 5010.6,
    },
    withdrawnMs: null,
    victimShare: null,
    routerBackMs: 700,
    readyMs: 1200,
    readdedMs: null,
    pollPeriodMs: 18.2,
    notes: [],
};
const staticRun: FailoverRun = {
    ...base,
    routing: "static",
    routers: 1,
    fault: "router container killed (docker kill)",
};
const bgpRun: FailoverRun = {
    ...base,
    routing: "bgp",
    routers: 2,
    fault: "router node silent for 5 s (all its packets dropped)",
    bfd: { intervalMs: 300, multiplier: 3 },
    deadNextHop: "10.100.101.3",
    withdrawnMs: 850,
    victimShare: 0.4789,
    readdedMs: null,
    notes: ["next hops after: 10.100.101.2"],
};

describe("failover report (lab/bench/failover-measure.ts)", () => {
    it("has one row per run, static rows without withdrawal figures, missing events said as such", () => {
        const lines = failoverTable([staticRun, bgpRun]).trim().split("\n");
        assert.strictEqual(lines.length, 4);
        assert.strictEqual(
            lines[0],
            "| routing | fault | traffic via the failed router before | requests | failed | longest request ms | longest time without a success ms | dead next hop withdrawn ms | router back ms | router ready ms | next hop re-added ms |",
        );
        assert.strictEqual(
            lines[2],
            "| static, 1 router | router container killed (docker kill) | all (the only router) | 100 | 3 | 1234 | 5011 | n/a (static route) | 700 | 1200 | n/a |",
        );
        assert.strictEqual(
            lines[3],
            "| BGP+BFD (300 ms x 3), 2 routers | router node silent for 5 s (all its packets dropped) | 48% | 100 | 3 | 1234 | 5011 | 850 | 700 | 1200 | not within the bound |",
        );
    });

    it("finds the longest time without a success, the run's start and end included", () => {
        assert.strictEqual(longestGap([], 1000, 1500), 500);
        assert.strictEqual(longestGap([1100, 1050, 2100, 2200], 1000, 2300), 1000);
        assert.strictEqual(longestGap([1100], 1000, 1150), 100);
    });

    it("states the load, the machine, the poll resolution, the notes and the goals, and judges nothing", () => {
        const md = failoverMarkdown([staticRun, bgpRun], "2026-11-30", { cpus: 2, kernel: "6.1", docker: "20.10" });
        assert.match(md, /4 clients each send one request at a time/);
        assert.match(
            md,
            /One machine \(2 CPUs, kernel 6\.1, Docker 20\.10\), both modes in one run\. The host's route was polled every 18 ms or faster/,
        );
        assert.match(
            md,
            /- bgp, router node silent for 5 s \(all its packets dropped\): next hops after: 10\.100\.101\.2/,
        );
        assert.match(
            md,
            /Goals in bgp mode: the dead next hop withdrawn within 1 s, 0 requests failed\. Printed, not judged\.\n$/,
        );
    });
});
