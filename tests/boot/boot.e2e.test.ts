// The boot tier: the static swarm pair of swarm-dev booted at once under qemu from their exact
// planned user-data, checked, the swarm formed by the stack's own commands, rebooted, checked
// again, and the worker removed. Needs root, qemu, mmdebstrap, dnsmasq and apt-cacher-ng (see
// boot/README.md); takes the lab's lock. The run's own phases carry their timeouts (boot/guest.ts).
import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../../harness/stack-files";

const CLI = path.join(PROJECT_DIR, "boot", "cli.ts");
const TIMEOUT_MS = 40 * 60_000;

function runBoot(args: string[]): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, ...args], {
            cwd: PROJECT_DIR,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        const take = (d: Buffer) => {
            out += d;
            process.stdout.write(d);
        };
        child.stdout.on("data", take);
        child.stderr.on("data", take);
        const timer = setTimeout(() => child.kill("SIGTERM"), TIMEOUT_MS - 60_000);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, out });
        });
    });
}

describe("boot (e2e): the static swarm pair on real Debian guests", function () {
    this.timeout(TIMEOUT_MS);
    after(() => {
        spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", CLI, "down"], {
            cwd: PROJECT_DIR,
            stdio: "inherit",
            timeout: 120_000,
        });
    });

    it("boots swarm-manager-1 and swarm-worker-1, forms the swarm, survives a reboot, and removes the worker", async () => {
        const { code, out } = await runBoot(["k8s-dev", "swarm-dev", "swarm-manager-1", "swarm-worker-1"]);
        const passed = (vm: string, check: string) =>
            new RegExp(`PASS\\s+${vm} ${check.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`).test(out);
        for (const vm of ["swarm-manager-1", "swarm-worker-1"]) {
            for (const check of [
                "cloud-init done",
                "hostname",
                "NIC names pinned by MAC",
                "docker.io pinned and held",
                "route 10.100.102.0/24",
                "MTU from DHCP",
                "netplan renders networkd",
                "same instance-id, no first-boot step rerun",
            ]) {
                assert.ok(passed(vm, check), `${vm}: ${check} did not pass`);
            }
        }
        assert.ok(passed("swarm-manager-1", "swarm formed by the stack's commands"));
        assert.ok(passed("swarm-manager-1", "swarm membership"));
        assert.ok(passed("swarm-worker-1", "removed node leaves the swarm"));
        assert.strictEqual(code, 0, "npm run boot exited non-zero: a check failed");
    });
});
