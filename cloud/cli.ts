// npm run cloud -- up|down|status|env|scale
//   up:     the OpenStack all-in-one (docs/cloud.md), every step timed; idempotent.
//   scale:  on a cloud that is up: the default stacks, then the ~70-server scale variant, timed
//           side by side in the same run (each destroyed after).
//   down:   stop every daemon by its pid, remove the bridge, the route and the state.
//   status: each daemon: pid and port.
//   env:    exports for `eval "$(npm run --silent cloud -- env)"`: OS_CLIENT_CONFIG_FILE, OS_CLOUD.
import * as path from "path";
import { cloudDown, cloudEnv, cloudIsUp, cloudStatus, cloudUp } from "./cloud";
import { runScale, scaleReport } from "./scale";
import { cloudPaths } from "./layout";
import { fmtSeconds, stderrLog, stepper } from "./steps";
import { cloudQuotas, ensureKeyPair } from "./variants";
import { shellExports } from "../lab/engine-stacks";

async function main(argv: string[]): Promise<void> {
    const cmd = argv[0] ?? "up";
    if (!["up", "down", "status", "env", "scale"].includes(cmd) || argv.length > 1)
        throw new Error(`usage: npm run cloud -- up|down|status|env|scale (got ${argv.join(" ")})`);
    const p = cloudPaths();
    if (cmd === "env") {
        process.stdout.write(`# hybrid-vnf cloud: the OpenStack CLI and the stacks' provider against the all-in-one\n`);
        process.stdout.write(shellExports(cloudEnv(p), process.cwd()));
        return;
    }
    if (cmd === "status") {
        process.stdout.write(`${await cloudStatus()}\n`);
        return;
    }
    if (cmd === "down") {
        await cloudDown(stderrLog);
        process.stdout.write("cloud: down\n");
        return;
    }
    if (cmd === "scale") {
        if (!cloudIsUp()) throw new Error("the cloud is not up: npm run cloud -- up");
        const { base, scale } = await runScale(stderrLog);
        process.stdout.write(`${scaleReport(base, scale)}\n`);
        return;
    }
    const t0 = Date.now();
    const step = stepper(stderrLog);
    const keys = await step("SSH key pair of the stacks (ssh-keygen)", () => ensureKeyPair(path.join(p.state, "ssh")));
    // The plan runs alongside the venv and the daemons; up waits for it only to set the quotas.
    const quotas = step("quotas the stacks need (plan of the scale and default variants)", () => cloudQuotas(keys));
    quotas.catch(() => undefined);
    await cloudUp({ log: stderrLog, quotas, step });
    process.stdout.write(
        `cloud: up in ${fmtSeconds(Date.now() - t0)}; eval "$(npm run --silent cloud -- env)" to use it\n`,
    );
    for (const t of step.times) process.stdout.write(`  ${fmtSeconds(t.ms).padStart(8)}  ${t.name}\n`);
}

main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(
        `cloud failed: ${e.message}\n(what was started stays for inspection: npm run cloud -- status; remove it with: npm run cloud -- down)\n`,
    );
    process.exit(1);
});
