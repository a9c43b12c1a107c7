// Timed steps and the small host actions `up` and `down` share: progress on stderr with each
// step's time, and the commands run with the cloud's venv on PATH.
import * as path from "path";
import { run, RunOptions, RunResult } from "../lab/sh";

export type Log = (s: string) => void;
export const stderrLog: Log = (s) => process.stderr.write(`cloud: ${s}\n`);

export interface StepTime {
    name: string;
    ms: number;
}

export function stepper(log: Log, times: StepTime[] = []) {
    const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        log(`${name} ...`);
        try {
            const v = await f();
            const ms = Date.now() - t0;
            times.push({ name, ms });
            log(`${name}: done in ${(ms / 1000).toFixed(1)} s`);
            return v;
        } catch (e) {
            log(`${name}: FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
            throw e;
        }
    };
    return Object.assign(step, { times });
}
export type Step = ReturnType<typeof stepper>;

export function venvEnv(venv: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${path.join(venv, "bin")}:${process.env.PATH}`, ...extra };
}

/** A service's management command (db sync and friends), failing with its output. */
export function manage(venv: string, argv: string[], o: RunOptions = {}): Promise<RunResult> {
    return run([path.join(venv, "bin", argv[0]), ...argv.slice(1)], { timeoutMs: 600_000, env: venvEnv(venv), ...o });
}

export function fmtSeconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)} s`;
}
