// The cloud's daemons: each started detached in its own process group, with its pid in
// run/<name>.pid and its output in logs/<name>.log; stopped by that pid alone (its group: gunicorn's
// workers and privsep helpers go with it). A daemon that does not come up is named with its log's tail.
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { sleep } from "../lab/sh";
import { CloudPaths, LOOPBACK } from "./layout";

export const pidFile = (p: CloudPaths, name: string) => path.join(p.run, `${name}.pid`);
export const logFile = (p: CloudPaths, name: string) => path.join(p.logs, `${name}.log`);

export function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** The daemon's pid if its pid file names a live process. */
export function runningPid(p: CloudPaths, name: string): number | undefined {
    const file = pidFile(p, name);
    if (!fs.existsSync(file)) return undefined;
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return pid > 0 && alive(pid) ? pid : undefined;
}

/** The last lines of a log, for the error that names a piece that would not start. */
export function tail(file: string, lines = 15): string {
    if (!fs.existsSync(file)) return `(no log at ${file})`;
    const text = fs.readFileSync(file, "utf8").trimEnd().split("\n");
    return text.slice(-lines).join("\n");
}

export class DaemonFailed extends Error {
    constructor(name: string, why: string, log: string) {
        super(`${name} did not start: ${why}\n--- last lines of ${log} ---\n${tail(log)}`);
        this.name = "DaemonFailed";
    }
}

export function startDaemon(p: CloudPaths, name: string, argv: string[], env: NodeJS.ProcessEnv): number {
    const existing = runningPid(p, name);
    if (existing) return existing;
    fs.mkdirSync(p.logs, { recursive: true });
    fs.mkdirSync(p.run, { recursive: true });
    const out = fs.openSync(logFile(p, name), "a");
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ["ignore", out, out], env, cwd: p.state });
    fs.closeSync(out);
    if (!child.pid) throw new DaemonFailed(name, `could not spawn ${argv[0]}`, logFile(p, name));
    fs.writeFileSync(pidFile(p, name), String(child.pid));
    child.unref();
    return child.pid;
}

export function portOpen(port: number, host = LOOPBACK): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect({ port, host });
        s.setTimeout(1000);
        s.once("connect", () => (s.destroy(), resolve(true)));
        s.once("error", () => resolve(false));
        s.once("timeout", () => (s.destroy(), resolve(false)));
    });
}

/** Waits until `ready` holds, failing at once (with the log) if the daemon dies first. */
export async function waitReady(
    p: CloudPaths,
    name: string,
    ready: () => Promise<boolean>,
    timeoutMs: number,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (!runningPid(p, name)) throw new DaemonFailed(name, "the process exited", logFile(p, name));
        if (await ready().catch(() => false)) return;
        if (Date.now() > deadline)
            throw new DaemonFailed(name, `not ready after ${timeoutMs / 1000} s`, logFile(p, name));
        await sleep(500);
    }
}

/** SIGTERM to the daemon's process group, SIGKILL after the grace time; true if it was running. */
export async function stopDaemon(p: CloudPaths, name: string, graceMs = 15_000): Promise<boolean> {
    const pid = runningPid(p, name);
    fs.rmSync(pidFile(p, name), { force: true });
    if (!pid) return false;
    const signal = (sig: NodeJS.Signals) => {
        try {
            process.kill(-pid, sig);
        } catch {
            try {
                process.kill(pid, sig);
            } catch {
                /* already gone */
            }
        }
    };
    signal("SIGTERM");
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) await sleep(200);
    signal("SIGKILL");
    // The group may outlive its leader briefly (gunicorn workers); give them a moment.
    await sleep(200);
    return true;
}
