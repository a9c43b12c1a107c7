// One lab per machine at a time: the lab's names, addresses, host port and swarm are
// machine-wide, so two runs (two `npm test`s, a test and `npm run lab`) would tear down and
// restart each other's containers. An atomic mkdir is the lock; a dead owner's lock is taken over.
import * as fs from "fs";
import * as path from "path";
import { sleep } from "./sh";
import { envValue } from "../lib/env-vars";

export const LOCK_DIR = envValue("labLock") ?? "/run/lock/hvnf-lab.lock";
let depth = 0; // re-entrant within this process

function owner(): number | undefined {
    try {
        return Number(fs.readFileSync(path.join(LOCK_DIR, "pid"), "utf8")) || undefined;
    } catch {
        return undefined;
    }
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

function tryTake(): boolean {
    try {
        fs.mkdirSync(LOCK_DIR);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const pid = owner();
        if (pid === process.pid) return true;
        // Owner gone (or it died between mkdir and writing its pid, seen twice): take over.
        if (pid !== undefined && alive(pid)) return false;
        if (pid === undefined && Date.now() - fs.statSync(LOCK_DIR).mtimeMs < 5000) return false;
        fs.rmSync(LOCK_DIR, { recursive: true, force: true });
        return tryTake();
    }
    fs.writeFileSync(path.join(LOCK_DIR, "pid"), String(process.pid));
    return true;
}

/** Waits (up to waitMs) for the machine-wide lab lock; says who holds it when it gives up. */
export async function acquireLabLock(waitMs: number, log: (s: string) => void = () => undefined): Promise<void> {
    if (depth > 0) {
        depth++;
        return;
    }
    fs.mkdirSync(path.dirname(LOCK_DIR), { recursive: true });
    const deadline = Date.now() + waitMs;
    let told = false;
    while (!tryTake()) {
        if (!told) log(`waiting for the lab lock ${LOCK_DIR} (held by pid ${owner()})`);
        told = true;
        if (Date.now() > deadline)
            throw new Error(`another lab run (pid ${owner()}) holds ${LOCK_DIR}; waited ${waitMs / 1000} s`);
        await sleep(1000);
    }
    depth = 1;
    process.once("exit", releaseNow);
}

function releaseNow(): void {
    if (owner() === process.pid) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
}

export function releaseLabLock(): void {
    if (depth === 0) return;
    depth--;
    if (depth === 0) {
        releaseNow();
        process.off("exit", releaseNow);
    }
}
