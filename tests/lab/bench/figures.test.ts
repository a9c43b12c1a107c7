// The lab's measuring and reporting helpers, without Docker.
import * as assert from "assert";
import { limitRunFlags, parseBenchArgs } from "../../../lab/bench/throughput-bench";
import {
    benchTable,
    chainRatios,
    comparisonTable,
    markdownTable,
    medianOf,
    parseWrk,
    percentile,
    shares,
    withRatios,
} from "../../../lab/bench/figures";

const WRK = `Running 5s test @ http://10.100.100.2:8080/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.02ms  21.55ms   88.10%
    Req/Sec     1.95k   180.22     2.30k    71.00%
  Latency Distribution
     50%    1.88ms
     75%    2.40ms
     90%    3.10ms
     99%  612.00us
  19412 requests in 5.01s, 9.28MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   3874.65
Transfer/sec:      1.85MB
`;

describe("lab measure helpers", () => {
    it("computes nearest-rank percentiles", () => {
        const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
        assert.deepStrictEqual(
            [percentile(xs, 50), percentile(xs, 99), percentile(xs, 100), percentile([7], 99)],
            [50, 99, 100, 7],
        );
        assert.ok(Number.isNaN(percentile([], 50)));
    });

    it("parses wrk --latency output, units included", () => {
        const r = parseWrk(WRK);
        assert.deepStrictEqual(r, {
            requests: 19412,
            seconds: 5.01,
            rps: 3874.65,
            p50ms: 1.88,
            p99ms: 0.612,
            non2xx: 4,
            socketErrors: 3,
        });
        assert.throws(() => parseWrk(WRK.replace(/ {5}50%.*\n/, "")), /no 50% latency line/);
    });

    it("builds the benchmark table with ratios to the chain", () => {
        const base = parseWrk(WRK);
        const rows = withRatios([
            { ...base, path: "chain" },
            { ...base, path: "direct", rps: base.rps * 2, p50ms: base.p50ms / 2 },
        ]);
        assert.deepStrictEqual(
            rows.map((r) => [r.rpsRatio, r.p50Ratio]),
            [
                [1, 1],
                [2, 0.5],
            ],
        );
        const t = benchTable(rows);
        const md = markdownTable(t.headers, t.cells);
        assert.ok(md.startsWith("| path | requests/s |"), md);
        assert.ok(md.includes("| direct | 7749 | 0.94 | 0.61 | 2.00x | 0.50x | 7 |"), md);
    });

    it("gives the chain's requests/s over the LB without the router hop and over Apache", () => {
        const base = parseWrk(WRK);
        const r = chainRatios({ ...base, rps: 900 }, { ...base, rps: 1000 }, { ...base, rps: 2000 });
        assert.deepStrictEqual(r, { vsLbDirect: 0.9, vsApache: 0.45 });
    });

    it("puts earlier figures beside new ones by path, leaving out paths only one run has", () => {
        const before = [
            { path: "chain", rps: 3432, p50ms: 2.27, p99ms: 8.79 },
            { path: "gone", rps: 1, p50ms: 1, p99ms: 1 },
        ];
        const now = [
            { path: "chain", rps: 6864, p50ms: 1.1, p99ms: 4 },
            { path: "new", rps: 1, p50ms: 1, p99ms: 1 },
        ];
        const t = comparisonTable(before, now);
        assert.strictEqual(t.headers.length, t.cells[0].length);
        assert.deepStrictEqual(t.cells, [["chain", "3432", "6864", "2.00x", "2.27", "1.10", "8.79", "4.00"]]);
    });

    it("takes the field-wise median of rounds, and sums counts and errors", () => {
        const base = parseWrk(WRK);
        const m = medianOf([
            { ...base, rps: 100, p50ms: 3 },
            { ...base, rps: 300, p50ms: 1 },
            { ...base, rps: 200, p50ms: 2 },
        ]);
        assert.deepStrictEqual([m.rps, m.p50ms, m.requests, m.non2xx], [200, 2, 3 * 19412, 12]);
        assert.strictEqual(
            medianOf([
                { ...base, rps: 100 },
                { ...base, rps: 200 },
            ]).rps,
            150,
        );
    });

    it("computes per-backend shares", () => {
        assert.deepStrictEqual(shares({ a: 30, b: 70 }), { a: 0.3, b: 0.7 });
        assert.deepStrictEqual(shares({}), {});
    });

    it("gives the LB without the router hop the Swarm task's CPU and memory limits", () => {
        const flags = [
            "--update-order",
            "stop-first",
            "--limit-memory",
            "268435456",
            "--limit-cpu",
            "1",
            "--reserve-cpu",
            "0.05",
        ];
        assert.deepStrictEqual(limitRunFlags(flags), ["--memory", "268435456", "--cpus", "1"]);
        assert.deepStrictEqual(limitRunFlags(["--reserve-cpu", "0.05"]), []);
    });

    it("keeps the benchmark load bounded", () => {
        assert.deepStrictEqual(parseBenchArgs([]), { duration: 5, connections: 8, threads: 2, rounds: 3, keep: false });
        assert.strictEqual(parseBenchArgs(["--duration", "10", "--keep"]).duration, 10);
        assert.throws(() => parseBenchArgs(["--duration", "600"]), /--duration must be an integer 1-30/);
        assert.throws(() => parseBenchArgs(["--url", "http://example.com"]), /unknown argument --url/);
    });
});
