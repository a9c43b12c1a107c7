// One guest's life: seed and overlay, qemu, ssh up, cloud-init done, reboot, and the evidence
// kept when a check fails (serial log and `cloud-init collect-logs`).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { Expectations } from "./expectations";
import { GuestImage } from "./image";
import { RUN_DIR, recordPid } from "./host";
import { TapSpec } from "./network";
import { createOverlay, GuestFiles, guestFiles, startQemu } from "./qemu";
import { seedFiles, writeSeedImage } from "./seed";
import { ssh, sshArgs, waitFor } from "./ssh";
import { VmSpec } from "./vm-spec";

/** Debian's cloud.cfg default user, and the stacks' sshUser default. */
export const LOGIN_USER = "debian";
export const FAILURE_DIR = path.join(os.homedir(), ".cache", "hybrid-vnf", "boot-failures");

export const TIMEOUTS = {
    sshMs: 8 * 60_000,
    cloudInitMs: 20 * 60_000,
    rebootDownMs: 3 * 60_000,
};

export interface Guest {
    vm: VmSpec;
    exp: Expectations;
    taps: TapSpec[];
    files: GuestFiles;
    /** Where the host reaches it: its first NIC's address. */
    host: string;
}

export function prepareGuest(
    vm: VmSpec,
    exp: Expectations,
    taps: TapSpec[],
    image: GuestImage,
    aptProxy: string,
): Guest {
    const files = guestFiles(RUN_DIR, vm.resource);
    createOverlay(image, files);
    writeSeedImage(files.dir, seedFiles(vm, aptProxy));
    return { vm, exp, taps, files, host: exp.addresses[0].ip };
}

export function start(g: Guest, image: GuestImage): void {
    recordPid(startQemu(image, g.files, g.taps));
}

export const run = (g: Guest, script: string, opts: { stdin?: string; timeoutMs?: number } = {}) =>
    ssh(LOGIN_USER, g.host, script, opts);

export async function waitSsh(g: Guest): Promise<void> {
    await waitFor(LOGIN_USER, g.host, "true", TIMEOUTS.sshMs, `${g.vm.resource}: ssh on ${g.host}`);
}

/** cloud-init writes result.json when its last stage ends (the leads found it reliable). */
export async function waitCloudInit(g: Guest): Promise<void> {
    await waitFor(
        LOGIN_USER,
        g.host,
        "test -e /run/cloud-init/result.json",
        TIMEOUTS.cloudInitMs,
        `${g.vm.resource}: /run/cloud-init/result.json`,
    );
}

/**
 * Asks `cloud-init status --wait` as the product does, and whether result.json existed the
 * moment it returned: "done" before result.json means it returned early.
 */
export async function probeStatusWait(g: Guest): Promise<string> {
    const r = await run(
        g,
        'cloud-init status --wait >/dev/null 2>&1; rc=$?; if test -e /run/cloud-init/result.json; then echo "rc=$rc result.json present"; else echo "rc=$rc result.json ABSENT"; fi',
        { timeoutMs: TIMEOUTS.cloudInitMs },
    );
    return (r.stdout.trim() || r.stderr.trim()).split("\n").pop() ?? "";
}

/** cloud-init's per-instance semaphores with their times: unchanged across a reboot means nothing first-boot ran again. */
export const SEMAPHORES_SCRIPT =
    'sudo cat /var/lib/cloud/data/instance-id; sudo sh -c \'cd /var/lib/cloud/instance/sem && for f in *; do echo "$f $(stat -c %Y "$f")"; done\'';

export async function reboot(g: Guest): Promise<void> {
    await run(g, "sudo systemctl reboot", { timeoutMs: 15000 });
    // Down first, so the next ssh is the new boot's.
    const deadline = Date.now() + TIMEOUTS.rebootDownMs;
    while (Date.now() < deadline) {
        const r = await run(g, "test -e /run/cloud-init/result.json && echo up", { timeoutMs: 8000 });
        if (r.code !== 0 || !r.stdout.includes("up")) return;
        await new Promise((res) => setTimeout(res, 2000));
    }
    throw new Error(`${g.vm.resource}: still up ${TIMEOUTS.rebootDownMs / 1000} s after reboot`);
}

/** Keeps the serial log and cloud-init's logs out of the run directory, which `down` removes. */
export async function keepEvidence(g: Guest): Promise<string> {
    const dir = path.join(FAILURE_DIR, `${new Date().toISOString().replace(/[:.]/g, "-")}-${g.vm.resource}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(g.files.dir).filter((n) => n.startsWith("serial.log")))
        fs.copyFileSync(path.join(g.files.dir, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, "user-data"), g.vm.userData);
    const r = await run(
        g,
        "sudo cloud-init collect-logs -t /tmp/cloud-init-logs.tar.gz >/dev/null 2>&1 && sudo chmod 644 /tmp/cloud-init-logs.tar.gz",
        { timeoutMs: 120000 },
    );
    if (r.code === 0) {
        try {
            const args = sshArgs(LOGIN_USER, g.host);
            const target = args.pop()!;
            execFileSync(
                "scp",
                [...args, `${target}:/tmp/cloud-init-logs.tar.gz`, path.join(dir, "cloud-init-logs.tar.gz")],
                { stdio: "ignore", timeout: 60000 },
            );
        } catch {
            fs.writeFileSync(path.join(dir, "collect-logs.txt"), "scp of collect-logs failed\n");
        }
    } else fs.writeFileSync(path.join(dir, "collect-logs.txt"), `collect-logs failed: ${r.stderr}\n`);
    return dir;
}
