// Timing for the start-up benchmarks (bench:plan, bench:engine): each sample is a fresh process,
// timed in wall clock and in CPU, and the cases run in interleaved rounds so a load that comes
// and goes on a shared machine falls on every case alike and the ratios stay comparable.
import { SpawnSyncOptions, spawnSync } from "child_process";
import * as fs from "fs";
import { median } from "../lib/numbers";

/** Clock ticks per second of /proc's CPU times (USER_HZ); undefined off Linux. */
const TICKS_PER_SECOND = (() => {
    const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    const hz = Number(r.stdout);
    return fs.existsSync("/proc/self/stat") && hz > 0 ? hz : undefined;
})();

/**
 * CPU time (user + system, all threads) of the children this process has waited for, in ms,
 * from /proc/self/stat (cutime, cstime). Unlike wall time it barely moves when other work
 * shares the machine's cores.
 */
export function childrenCpuMs(): number {
    if (!TICKS_PER_SECOND) return NaN;
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3 (state)
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

export interface Sample {
    wallMs: number;
    cpuMs: number;
}

/** Runs one command to completion; throws with its output when it fails. */
export function timeCommand(command: string, args: string[], options: SpawnSyncOptions): Sample & { stdout: string } {
    const cpuBefore = childrenCpuMs();
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0)
        throw new Error(`${command} ${args.join(" ")} failed (exit ${r.status}): ${r.stderr}${r.stdout}`.trim());
    return { wallMs, cpuMs: childrenCpuMs() - cpuBefore, stdout: String(r.stdout) };
}

/**
 * Median per case over `runs` rounds, each round running every case once in order, after one
 * warm-up round (file cache, transpile caches, plugin start) that is not counted.
 */
export function measureInterleaved<C>(cases: C[], runOne: (c: C) => Sample, runs: number): Sample[] {
    cases.forEach(runOne);
    const samples: Sample[][] = cases.map(() => []);
    for (let round = 0; round < runs; round++) cases.forEach((c, i) => samples[i].push(runOne(c)));
    return samples.map((xs) => ({ wallMs: median(xs.map((x) => x.wallMs)), cpuMs: median(xs.map((x) => x.cpuMs)) }));
}

/** "1.23x", or "n/a" where the figure could not be measured (CPU time off Linux). */
export function ratioText(value: number, base: number): string {
    return Number.isNaN(value) || Number.isNaN(base) ? "n/a" : `${(value / base).toFixed(2)}x`;
}

export function msText(x: number): string {
    return Number.isNaN(x) ? "n/a" : x.toFixed(0);
}
