// Running host commands for the lab. Asynchronous on purpose: the client load loops keep
// running while `docker service update` and friends wait. Every call has a time limit.
import { execFile, spawn } from "child_process";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

export class CommandError extends Error {
    constructor(
        readonly argv: string[],
        readonly result: RunResult,
    ) {
        super(`command failed (exit ${result.code}): ${argv.join(" ")}\n${(result.stderr || result.stdout).trim()}`);
        this.name = "CommandError";
    }
}

export interface RunOptions {
    /** Default 120 s. */
    timeoutMs?: number;
    /** Return the result instead of throwing on a non-zero exit. */
    allowFail?: boolean;
    /** Print the command before running it. */
    verbose?: boolean;
    /** Environment (default: this process's) and working directory. */
    env?: NodeJS.ProcessEnv;
    cwd?: string;
}

export function run(argv: string[], o: RunOptions = {}): Promise<RunResult> {
    if (o.verbose) process.stderr.write(`lab$ ${argv.join(" ")}\n`);
    return new Promise((resolve, reject) => {
        execFile(
            argv[0],
            argv.slice(1),
            {
                timeout: o.timeoutMs ?? 120_000,
                maxBuffer: 64 * 1024 * 1024,
                killSignal: "SIGKILL",
                env: o.env,
                cwd: o.cwd,
            },
            (err, stdout, stderr) => {
                const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
                if (e && typeof e.code === "string") {
                    // The program itself could not be started (ENOENT, EACCES).
                    reject(
                        new Error(`cannot run ${argv[0]}: ${e.code}${e.code === "ENOENT" ? " (not installed?)" : ""}`),
                    );
                    return;
                }
                const code = e ? (e.killed ? 124 : typeof e.code === "number" ? e.code : 1) : 0;
                const result = {
                    code,
                    stdout: String(stdout),
                    stderr: String(stderr) + (e?.killed ? `\n(killed after ${o.timeoutMs ?? 120_000} ms)` : ""),
                };
                if (code !== 0 && !o.allowFail) reject(new CommandError(argv, result));
                else resolve(result);
            },
        );
    });
}

/**
 * Runs a long command (a build) and hands each line of its output to `onLine` as it comes, for
 * progress; throws with the last lines when it fails or runs past its time limit.
 */
export function runStreaming(argv: string[], onLine: (line: string) => void, o: RunOptions = {}): Promise<void> {
    const timeoutMs = o.timeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
        const child = spawn(argv[0], argv.slice(1), { env: o.env, cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
        const tail: string[] = [];
        const lines = (stream: NodeJS.ReadableStream) => {
            let rest = "";
            stream.setEncoding("utf8");
            stream.on("data", (d: string) => {
                const parts = (rest + d).split("\n");
                rest = parts.pop() ?? "";
                for (const l of parts) {
                    tail.push(l);
                    if (tail.length > 30) tail.shift();
                    onLine(l);
                }
            });
            stream.on("end", () => rest && onLine(rest));
        };
        lines(child.stdout!);
        lines(child.stderr!);
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(new Error(`cannot run ${argv[0]}: ${e.message}`));
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            if (code === 0) return resolve();
            const why = signal
                ? `killed (${signal}${signal === "SIGKILL" ? `, after ${timeoutMs} ms` : ""})`
                : `exit ${code}`;
            reject(new Error(`${argv.join(" ")} failed (${why}):\n${tail.join("\n")}`));
        });
    });
}

/** stdout of a command that must succeed, trimmed. */
export async function out(argv: string[], o: RunOptions = {}): Promise<string> {
    return (await run(argv, o)).stdout.trim();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function waitFor<T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs: number,
    intervalMs = 200,
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > deadline) {
            throw new Error(
                `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`,
            );
        }
        await sleep(intervalMs);
    }
}
