// Pure helpers for what the lab measures and prints: latency percentiles, wrk output, report tables.
import { median } from "../../lib/numbers";

/** Nearest-rank percentile of a sample (p in 0..100); NaN for an empty sample. */
export function percentile(values: number[], p: number): number {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[Math.min(rank, sorted.length) - 1];
}

export interface WrkResult {
    requests: number;
    seconds: number;
    rps: number;
    p50ms: number;
    p99ms: number;
    non2xx: number;
    socketErrors: number;
}

function toMs(value: string, unit: string): number {
    const mult: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60000 };
    if (!(unit in mult)) throw new Error(`wrk: unknown time unit ${unit}`);
    return Number(value) * mult[unit];
}

/** Parses `wrk --latency` output. Throws naming the missing line, so a changed wrk fails loudly. */
export function parseWrk(out: string): WrkResult {
    const need = (re: RegExp, what: string): RegExpExecArray => {
        const m = re.exec(out);
        if (!m) throw new Error(`wrk output has no ${what}:\n${out}`);
        return m;
    };
    const total = need(/(\d+) requests in ([\d.]+)(us|ms|s|m),/, "'N requests in T' line");
    const p50 = need(/^\s*50(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$/m, "50% latency line (run with --latency)");
    const p99 = need(/^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$/m, "99% latency line (run with --latency)");
    const rps = need(/Requests\/sec:\s+([\d.]+)/, "Requests/sec line");
    const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    return {
        requests: Number(total[1]),
        seconds: toMs(total[2], total[3]) / 1000,
        rps: Number(rps[1]),
        p50ms: toMs(p50[1], p50[2]),
        p99ms: toMs(p99[1], p99[2]),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        socketErrors: sock ? sock.slice(1, 5).reduce((a, b) => a + Number(b), 0) : 0,
    };
}

/** Field-wise median of several wrk runs of one path (the figures of a noisy shared machine). */
export function medianOf(runs: WrkResult[]): WrkResult {
    const med = (f: (r: WrkResult) => number) => median(runs.map(f));
    const sum = (f: (r: WrkResult) => number) => runs.reduce((n, r) => n + f(r), 0);
    return {
        requests: sum((r) => r.requests),
        seconds: sum((r) => r.seconds),
        rps: med((r) => r.rps),
        p50ms: med((r) => r.p50ms),
        p99ms: med((r) => r.p99ms),
        non2xx: sum((r) => r.non2xx),
        socketErrors: sum((r) => r.socketErrors),
    };
}

export interface BenchRow extends WrkResult {
    path: string;
    /** Requests/s relative to the first row, and p50 latency relative to it. */
    rpsRatio: number;
    p50Ratio: number;
}

export function withRatios(rows: (WrkResult & { path: string })[]): BenchRow[] {
    const base = rows[0];
    return rows.map((r) => ({ ...r, rpsRatio: r.rps / base.rps, p50Ratio: r.p50ms / base.p50ms }));
}

/** A GitHub-flavoured markdown table (the README quotes it). */
export function markdownTable(headers: string[], rows: (string | number)[][]): string {
    const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
    return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}

/** Fixed-width text table for the terminal. */
export function textTable(headers: string[], rows: (string | number)[][]): string {
    const all = [headers, ...rows].map((r) => r.map(String));
    const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    return (
        all
            .map((r) =>
                r
                    .map((c, i) => c.padEnd(widths[i]))
                    .join("  ")
                    .trimEnd(),
            )
            .join("\n") + "\n"
    );
}

export function benchTable(rows: BenchRow[]): { headers: string[]; cells: (string | number)[][] } {
    return {
        headers: ["path", "requests/s", "p50 ms", "p99 ms", "rps vs chain", "p50 vs chain", "errors"],
        cells: rows.map((r) => [
            r.path,
            r.rps.toFixed(0),
            r.p50ms.toFixed(2),
            r.p99ms.toFixed(2),
            `${r.rpsRatio.toFixed(2)}x`,
            `${r.p50Ratio.toFixed(2)}x`,
            r.non2xx + r.socketErrors,
        ]),
    };
}

/** Requests/s of the chain over each reference path: the goals are >= 0.95x and >= 0.45x. */
export function chainRatios(
    chain: WrkResult,
    lbDirect: WrkResult,
    apache: WrkResult,
): { vsLbDirect: number; vsApache: number } {
    return { vsLbDirect: chain.rps / lbDirect.rps, vsApache: chain.rps / apache.rps };
}

export type PathFigures = Pick<WrkResult, "rps" | "p50ms" | "p99ms"> & { path: string };

/** Earlier figures beside the new ones, path by path (paths only in one run are left out). */
export function comparisonTable(
    before: PathFigures[],
    now: PathFigures[],
): { headers: string[]; cells: (string | number)[][] } {
    const cells: (string | number)[][] = [];
    for (const n of now) {
        const b = before.find((r) => r.path === n.path);
        if (!b) continue;
        cells.push([
            n.path,
            b.rps.toFixed(0),
            n.rps.toFixed(0),
            `${(n.rps / b.rps).toFixed(2)}x`,
            b.p50ms.toFixed(2),
            n.p50ms.toFixed(2),
            b.p99ms.toFixed(2),
            n.p99ms.toFixed(2),
        ]);
    }
    return {
        headers: [
            "path",
            "req/s before",
            "req/s now",
            "now/before",
            "p50 ms before",
            "p50 ms now",
            "p99 ms before",
            "p99 ms now",
        ],
        cells,
    };
}

/** Per-backend share of answered requests, e.g. { "apache-1": 0.5, "apache-2": 0.5 }. */
export function shares(counts: Record<string, number>): Record<string, number> {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, total === 0 ? 0 : v / total]));
}
