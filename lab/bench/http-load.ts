// A bounded HTTP client for the lab's checks: a fixed number of requests (or until told to
// stop, never past a time limit), a fresh connection per request as a new client would
// open, each with its own timeout. It never retries: every failure it sees is counted.
import * as http from "http";
import { backendOf } from "../../lib/apache-page";
import { percentile } from "./figures";

export interface Outcome {
    ok: boolean;
    status?: number;
    backend?: string;
    ms: number;
    error?: string;
}

export function request(url: string, timeoutMs: number): Promise<Outcome> {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    return new Promise((resolve) => {
        const req = http.get(url, { agent: false, timeout: timeoutMs, headers: { Connection: "close" } }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => {
                const status = res.statusCode ?? 0;
                resolve({ ok: status >= 200 && status < 300, status, backend: backendOf(body), ms: ms() });
            });
            res.on("error", (e) => resolve({ ok: false, status: res.statusCode, ms: ms(), error: e.message }));
        });
        req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
        req.on("error", (e: NodeJS.ErrnoException) => resolve({ ok: false, ms: ms(), error: e.code ?? e.message }));
    });
}

export interface LoadOptions {
    url: string;
    /** Stop after this many requests (the bound). */
    count: number;
    concurrency?: number; // default 4
    timeoutMs?: number; // per request, default 5000
    /** Hard time limit for the whole run, default 60 s. */
    maxMs?: number;
    /** Stop early when this returns true (checked before each request). */
    stop?: () => boolean;
    /** Pause between requests of one worker, default 0. */
    pauseMs?: number;
}

export interface LoadResult {
    sent: number;
    ok: number;
    failed: number;
    byBackend: Record<string, number>;
    /** Failure kinds with counts, e.g. { "502": 3, "ECONNREFUSED": 1 }. */
    failures: Record<string, number>;
    p50ms: number;
    p99ms: number;
    maxMs: number;
    wallMs: number;
}

export async function load(o: LoadOptions): Promise<LoadResult> {
    const t0 = Date.now();
    const maxMs = o.maxMs ?? 60_000;
    const r: LoadResult = {
        sent: 0,
        ok: 0,
        failed: 0,
        byBackend: {},
        failures: {},
        p50ms: NaN,
        p99ms: NaN,
        maxMs: 0,
        wallMs: 0,
    };
    const latencies: number[] = [];
    const worker = async () => {
        while (r.sent < o.count && Date.now() - t0 < maxMs && !(o.stop?.() ?? false)) {
            r.sent++;
            const x = await request(o.url, o.timeoutMs ?? 5000);
            latencies.push(x.ms);
            if (x.ok) {
                r.ok++;
                const b = x.backend ?? "(unnamed)";
                r.byBackend[b] = (r.byBackend[b] ?? 0) + 1;
            } else {
                r.failed++;
                const kind = x.error ?? String(x.status);
                r.failures[kind] = (r.failures[kind] ?? 0) + 1;
            }
            if (o.pauseMs) await new Promise((res) => setTimeout(res, o.pauseMs));
        }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 4 }, worker));
    r.p50ms = percentile(latencies, 50);
    r.p99ms = percentile(latencies, 99);
    r.maxMs = latencies.length ? Math.max(...latencies) : 0;
    r.wallMs = Date.now() - t0;
    return r;
}

/** Milliseconds until `url` answers 2xx (probing every intervalMs), or throws after timeoutMs. */
export async function timeToOk(
    url: string,
    timeoutMs: number,
    o: { intervalMs?: number; requestTimeoutMs?: number } = {},
): Promise<number> {
    const t0 = Date.now();
    for (;;) {
        const x = await request(url, o.requestTimeoutMs ?? 1000);
        if (x.ok) return Date.now() - t0;
        if (Date.now() - t0 > timeoutMs)
            throw new Error(`${url} did not answer 2xx within ${timeoutMs} ms (last: ${x.error ?? x.status})`);
        await new Promise((res) => setTimeout(res, o.intervalMs ?? 100));
    }
}

export function summary(r: LoadResult): string {
    const backends = Object.entries(r.byBackend)
        .map(([b, n]) => `${b} ${n} (${((100 * n) / Math.max(1, r.ok)).toFixed(0)}%)`)
        .join(", ");
    const fails = Object.entries(r.failures)
        .map(([k, n]) => `${k} x${n}`)
        .join(", ");
    const latency = `p50 ${r.p50ms.toFixed(1)} ms, p99 ${r.p99ms.toFixed(1)} ms, max ${r.maxMs.toFixed(0)} ms`;
    const failed = `${r.failed} failed${fails ? ` (${fails})` : ""}`;
    const answered = backends || "no backend answered";
    return `${r.sent} requests in ${r.wallMs} ms: ${r.ok} ok, ${failed}; ${answered}; ${latency}`;
}

export interface TimedLoad extends Pick<
    LoadResult,
    "sent" | "ok" | "failed" | "failures" | "p50ms" | "p99ms" | "maxMs" | "wallMs"
> {
    /** Longest time (ms) in which no request completed successfully. */
    longestGapMs: number;
}

/** The longest time between consecutive successful completions (start and end count as edges). */
export function longestGap(okAt: number[], start: number, end: number): number {
    const t = [start, ...[...okAt].sort((a, b) => a - b), end];
    let gap = 0;
    for (let k = 1; k < t.length; k++) gap = Math.max(gap, t[k] - t[k - 1]);
    return gap;
}

/**
 * Closed-loop load like load()'s (fresh connection per request, no retries), which also
 * notes when each success completed: with a few clients stuck in timeouts, the failure count alone
 * would understate an outage, the longest gap without a success does not.
 */
export function timedLoad(
    url: string,
    concurrency: number,
    timeoutMs: number,
    maxCount: number,
    maxMs: number,
    stop: () => boolean,
): Promise<TimedLoad> {
    const t0 = Date.now();
    const r = { sent: 0, ok: 0, failed: 0, failures: {} as Record<string, number> };
    const latencies: number[] = [];
    const okAt: number[] = [];
    const worker = async () => {
        while (r.sent < maxCount && Date.now() - t0 < maxMs && !stop()) {
            r.sent++;
            const x = await request(url, timeoutMs);
            latencies.push(x.ms);
            if (x.ok) {
                r.ok++;
                okAt.push(Date.now());
            } else {
                r.failed++;
                const kind = x.error ?? String(x.status);
                r.failures[kind] = (r.failures[kind] ?? 0) + 1;
            }
        }
    };
    return Promise.all(Array.from({ length: concurrency }, worker)).then(() => ({
        ...r,
        p50ms: percentile(latencies, 50),
        p99ms: percentile(latencies, 99),
        maxMs: latencies.length ? Math.max(...latencies) : 0,
        wallMs: Date.now() - t0,
        longestGapMs: longestGap(okAt, t0, Date.now()),
    }));
}
