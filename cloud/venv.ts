// The services' venv: one per lock file, cached outside the clone and named by the lock's hash,
// so a changed lock makes a new venv and an unchanged one is reused as it is.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { run } from "../lab/sh";

export const LOCK_FILE = path.join(__dirname, "requirements.lock");
/** Written last: a venv without it is a broken install and is made again. */
const COMPLETE = ".hybrid-vnf-complete";

export function lockKey(lockText: string): string {
    return crypto.createHash("sha256").update(lockText).digest("hex").slice(0, 16);
}

export function venvDir(cache: string, lockText: string): string {
    return path.join(cache, `venv-${lockKey(lockText)}`);
}

/** Every requirement pinned with `==` and at least one sha256 hash (what --require-hashes insists on). */
export function lockProblems(lockText: string): string[] {
    const entries = lockText
        .replace(/\\\n/g, " ")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"));
    const problems: string[] = [];
    for (const e of entries) {
        const req = e.split(/\s+/)[0];
        if (!/^[A-Za-z0-9._-]+==[^=\s]+$/.test(req)) problems.push(`${req}: not pinned with ==`);
        if (!/--hash=sha256:[0-9a-f]{64}/.test(e)) problems.push(`${req}: no sha256 hash`);
    }
    if (entries.length === 0) problems.push("no requirements");
    return problems;
}

/** The venv for the lock file, installed if missing; returns its folder and whether it was reused. */
export async function ensureVenv(
    cache: string,
    log: (s: string) => void,
    lockFile = LOCK_FILE,
): Promise<{ dir: string; reused: boolean }> {
    const lock = fs.readFileSync(lockFile, "utf8");
    const problems = lockProblems(lock);
    if (problems.length) throw new Error(`${lockFile}: ${problems.slice(0, 5).join("; ")}`);
    const dir = venvDir(cache, lock);
    if (fs.existsSync(path.join(dir, COMPLETE))) return { dir, reused: true };
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(cache, { recursive: true });
    log(`creating ${dir} from ${path.basename(lockFile)} (pip --require-hashes; a few minutes)`);
    await run(["python3", "-m", "venv", dir], { timeoutMs: 300_000 });
    await run([path.join(dir, "bin", "pip"), "install", "-q", "--require-hashes", "--no-deps", "-r", lockFile], {
        timeoutMs: 1_800_000,
    });
    await run([path.join(dir, "bin", "pip"), "check"], { timeoutMs: 300_000 });
    fs.writeFileSync(path.join(dir, COMPLETE), lockKey(lock) + "\n");
    return { dir, reused: false };
}
