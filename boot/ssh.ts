// SSH into a guest with the harness's key (the one the stack files' copy authorises), every
// call bounded by a timeout.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync, spawn } from "child_process";

export const KEY_DIR = path.join(os.homedir(), ".cache", "hybrid-vnf", "boot-key");
export const KEY_FILE = path.join(KEY_DIR, "id_ed25519");

/** The harness's key pair, made once. */
export function ensureKey(): { publicKey: string; privateKey: string } {
    if (!fs.existsSync(KEY_FILE)) {
        fs.mkdirSync(KEY_DIR, { recursive: true, mode: 0o700 });
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "hvnf-boot-harness", "-f", KEY_FILE]);
    }
    return {
        publicKey: fs.readFileSync(`${KEY_FILE}.pub`, "utf8").trim(),
        privateKey: fs.readFileSync(KEY_FILE, "utf8"),
    };
}

export function sshArgs(user: string, host: string): string[] {
    return [
        "-i",
        KEY_FILE,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "ConnectTimeout=5",
        "-o",
        "BatchMode=yes",
        "-o",
        "ServerAliveInterval=5",
        "-o",
        "ServerAliveCountMax=6",
        `${user}@${host}`,
    ];
}

export interface SshResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

export function ssh(
    user: string,
    host: string,
    script: string,
    opts: { stdin?: string; timeoutMs?: number } = {},
): Promise<SshResult> {
    return new Promise((resolve) => {
        const child = spawn("ssh", [...sshArgs(user, host), "sh -c " + shellQuote(script)], {
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => {
            stderr += `\n[harness] timed out after ${(opts.timeoutMs ?? 60000) / 1000} s`;
            child.kill("SIGKILL");
        }, opts.timeoutMs ?? 60000);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
        // ssh may exit (refused, timed out) before reading its stdin: that is an answer, not a crash.
        child.stdin.on("error", () => undefined);
        child.stdin.end(opts.stdin ?? "");
    });
}

export function shellQuote(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `script` exits 0 over SSH; throws with the last answer after `timeoutMs`. */
export async function waitFor(
    user: string,
    host: string,
    script: string,
    timeoutMs: number,
    what: string,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: SshResult | undefined;
    while (Date.now() < deadline) {
        last = await ssh(user, host, script, { timeoutMs: 20000 });
        if (last.code === 0) return;
        await sleep(3000);
    }
    throw new Error(
        `${what}: not within ${timeoutMs / 1000} s (last: exit ${last?.code}, ${(last?.stderr || last?.stdout || "").trim().slice(-300)})`,
    );
}
