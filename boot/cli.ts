// npm run boot -- <stack>... <vm>... [--config-dir DIR] [--no-reboot] [--keep]
// npm run boot -- down
// npm run boot -- image        (builds the guest image if missing and prints where it is)
// Boots the planned Instances' exact user-data under qemu on the harness's bridges and checks
// what each guest did. Stack names are the ones with a Pulumi.<stack>.yaml; every other word is
// an Instance's resource name. Exits non-zero when any check fails.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../harness/stack-files";
import { acquireLabLock, releaseLabLock } from "../lab/lock";
import { hostDown } from "./host";
import { ensureImage } from "./image";
import { boot, BootReport } from "./run";
import { ensureKey } from "./ssh";
import { copyStackFiles } from "./stack-copy";

export interface BootArgs {
    down: boolean;
    image?: boolean;
    stacks: string[];
    vms: string[];
    configDir?: string;
    reboot: boolean;
    keep: boolean;
}

export function parseBootArgs(argv: string[], isStack: (name: string, configDir?: string) => boolean): BootArgs {
    const a: BootArgs = { down: false, stacks: [], vms: [], reboot: true, keep: false };
    const words: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const w = argv[i];
        if (w === "--config-dir") {
            a.configDir = argv[++i];
            if (!a.configDir) throw new Error("--config-dir needs a directory");
        } else if (w === "--no-reboot") a.reboot = false;
        else if (w === "--keep") a.keep = true;
        else if (w.startsWith("--")) throw new Error(`unknown option ${w}`);
        else words.push(w);
    }
    if (words.length === 1 && words[0] === "down") return { ...a, down: true };
    if (words.length === 1 && words[0] === "image") return { ...a, image: true };
    for (const w of words) (isStack(w, a.configDir) ? a.stacks : a.vms).push(w);
    if (a.stacks.length === 0 || a.vms.length === 0)
        throw new Error(
            "usage: npm run boot -- <stack>... <vm>... [--config-dir DIR], e.g. npm run boot -- k8s-dev swarm-dev swarm-manager-1 swarm-worker-1",
        );
    return a;
}

const stackDir = (configDir?: string) => configDir ?? path.join(PROJECT_DIR, "stacks");
const isStack = (name: string, configDir?: string) =>
    fs.existsSync(path.join(stackDir(configDir), `Pulumi.${name}.yaml`));

export function summary(report: BootReport): string {
    const failed = report.results.filter((r) => r.verdict === "fail");
    const lines = [
        "phases: " + report.phases.map((p) => `${p.phase} ${p.seconds} s`).join(", "),
        `checks: ${report.results.length}, passed ${report.results.filter((r) => r.verdict === "pass").length}, failed ${failed.length}, needs the internet ${report.results.filter((r) => r.verdict === "needs-internet").length}`,
        ...failed.map((r) => `FAILED ${r.vm} (${r.phase}) ${r.check}: ${r.evidence}`),
        ...report.evidenceDirs.map((d) => `kept serial log and cloud-init collect-logs in ${d}`),
    ];
    return lines.join("\n");
}

async function main(): Promise<number> {
    const args = parseBootArgs(process.argv.slice(2), isStack);
    const log = (s: string) => process.stdout.write(`${s}\n`);
    if (args.image) {
        const t0 = Date.now();
        const image = ensureImage(log);
        log(`image ${image.key}: ${image.dir} (${Math.round((Date.now() - t0) / 1000)} s)`);
        return 0;
    }
    await acquireLabLock(45 * 60_000, log);
    try {
        if (args.down) {
            hostDown(log);
            return 0;
        }
        // The guests must authorise a key the harness holds: a copy of the stack files carries it.
        const copy = copyStackFiles(stackDir(args.configDir), ensureKey());
        let report: BootReport | undefined;
        try {
            report = await boot({
                stacks: args.stacks,
                vms: args.vms,
                configDir: copy.dir,
                overrides: copy.overrides,
                reboot: args.reboot,
                log,
            });
        } finally {
            fs.rmSync(copy.dir, { recursive: true, force: true });
            if (!args.keep || !report) hostDown(() => undefined);
        }
        log(summary(report));
        if (args.keep) log("guests left running (--keep): npm run boot -- down removes them");
        return report.results.some((r) => r.verdict === "fail") ? 1 : 0;
    } finally {
        releaseLabLock();
    }
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (e: Error) => {
            process.stderr.write(`boot failed: ${e.message}\n`);
            process.exit(1);
        },
    );
}
