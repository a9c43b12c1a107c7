// tests/vectors/nginx-config.json, typed: the nginx-lb start script and its TS twin are held to it.
// A module of its own so test files can share it without importing (and re-registering) a test file.
import * as fs from "fs";
import * as path from "path";

/** cpuMax: cgroup v2 cpu.max text; cfs: cgroup v1 [cfs_quota_us, cfs_period_us]; neither: no cgroup files. */
export type WorkersVector = { name: string; nproc: number; cpuMax?: string; cfs?: [string, string]; workers: number };
export type NginxVectors = {
    workers: WorkersVector[];
    upstreamLines: string[];
    proxyLines: string[];
    retryLines: string[];
    mainLines: string[];
};

export function readNginxVectors(): NginxVectors {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "vectors", "nginx-config.json"), "utf8"));
}

/** cgroup v1's cfs files as the script reads them: cpu.max's form, quota -1 = max. */
export function cpuMaxOf(v: WorkersVector): string | undefined {
    return v.cfs ? `${v.cfs[0] === "-1" ? "max" : v.cfs[0]} ${v.cfs[1]}` : v.cpuMax;
}
