// npm run deploy  -- <env> [--preview] [--policy-pack DIR]
// npm run destroy -- <env> [--preview]
// Deploy: up on k8s-<env>, swarm-<env>, chain-<env>, in that order. Destroy: the reverse.
// --preview only previews (destroy: a preview of the destroy). Stops at the first failure,
// naming the stack and the resource. Uses the backend the Pulumi CLI would use
// (PULUMI_BACKEND_URL, e.g. file://~/.pulumi-state, or `pulumi login`).
import { AutomationRunner } from "./automation";
import { Command, Progress, RunReport, runStacks, StackRunner } from "./orchestrate";
import { formatDuration, formatProgress } from "./progress";
import { requirePulumiCli, VersionProbe } from "./pulumi-cli";
import { PROJECT_DIR } from "../harness/stack-files";

export interface OpsArgs {
    command: Command;
    env: string;
    preview: boolean;
    policyPacks: string[];
}

const USAGE =
    "usage: npm run deploy -- <env> [--preview] [--policy-pack DIR]   |   npm run destroy -- <env> [--preview]";

export function parseOpsArgs(argv: string[]): OpsArgs {
    const [command, ...rest] = argv;
    if (command !== "deploy" && command !== "destroy") throw new Error(USAGE);
    const args: OpsArgs = { command, env: "", preview: false, policyPacks: [] };
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--preview") args.preview = true;
        else if (a === "--policy-pack" && command === "deploy") {
            const dir = rest[++i];
            if (!dir) throw new Error("--policy-pack needs a directory, e.g. --policy-pack policy");
            args.policyPacks.push(dir);
        } else if (a.startsWith("-")) throw new Error(`unknown option ${a}\n${USAGE}`);
        else if (args.env) throw new Error(`one environment at a time (got ${args.env} and ${a})\n${USAGE}`);
        else args.env = a;
    }
    if (!args.env) throw new Error(`name the environment, e.g. dev\n${USAGE}`);
    return args;
}

/** Progress on one rewritten line on a terminal; on CI logs, a line when the count moves (at most every 5 s). */
export function progressPrinter(
    out: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): unknown },
): (p: Progress) => void {
    let lastKey = "";
    let lastAt = -Infinity;
    return (p) => {
        const line = formatProgress(p);
        if (out.isTTY) {
            const cols = (out as NodeJS.WriteStream).columns ?? 120;
            out.write(`\r\u001b[K${line.slice(0, cols - 1)}`);
            return;
        }
        const key = `${p.stack}:${p.done}/${p.total}`;
        if (key !== lastKey && p.elapsedMs - lastAt >= 5000) {
            out.write(line + "\n");
            lastKey = key;
            lastAt = p.elapsedMs;
        }
    };
}

export function describeReport(r: RunReport): string {
    const lines: string[] = [];
    for (const o of r.completed) {
        const changes = o.changes
            ? Object.entries(o.changes)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(", ")
            : "";
        lines.push(
            `✓ ${o.stack}: ${o.operation} done in ${formatDuration(o.elapsedMs)}${changes ? ` (${changes})` : ""}`,
        );
    }
    if (r.failure) {
        const f = r.failure;
        lines.push(`✗ ${f.stack}: ${f.operation} failed${f.resource ? ` at ${f.resource}` : ""}`);
        lines.push(...f.detail.split("\n").map((l) => `    ${l}`));
        if (r.skipped.length) lines.push(`  not run: ${r.skipped.join(", ")}`);
    }
    return lines.join("\n") + "\n";
}

export interface MainDeps {
    probe?: VersionProbe;
    runner?: StackRunner;
    env?: NodeJS.ProcessEnv;
    stdout?: { write(s: string): unknown };
    stderr?: { isTTY?: boolean; write(s: string): unknown };
}

/** Returns the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
    const stdout = deps.stdout ?? process.stdout;
    const stderr = deps.stderr ?? process.stderr;
    const env = deps.env ?? process.env;
    let args: OpsArgs;
    try {
        args = parseOpsArgs(argv);
    } catch (e) {
        stderr.write(`${(e as Error).message}\n`);
        return 2;
    }
    // Before anything else: without the CLI nothing below can work.
    let version: string;
    try {
        version = await requirePulumiCli(deps.probe);
    } catch (e) {
        stderr.write(`${(e as Error).message}\n`);
        return 1;
    }
    const backend = env.PULUMI_BACKEND_URL
        ? `PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL}`
        : "the backend of `pulumi login`";
    stderr.write(
        `pulumi ${version}; ${args.command}${args.preview ? " (preview only)" : ""} of ${args.env} using ${backend}\n`,
    );
    if (
        env.PULUMI_BACKEND_URL &&
        !env.PULUMI_BACKEND_URL.startsWith("https://") &&
        !env.PULUMI_CONFIG_PASSPHRASE &&
        !env.PULUMI_CONFIG_PASSPHRASE_FILE
    ) {
        stderr.write(
            "note: a self-managed backend encrypts secrets with a passphrase; set PULUMI_CONFIG_PASSPHRASE (or _FILE) if the CLI asks for one\n",
        );
    }
    const runner = deps.runner ?? new AutomationRunner({ workDir: PROJECT_DIR, env, policyPacks: args.policyPacks });
    const print = progressPrinter(stderr);
    const report = await runStacks(args.command, args.env, runner, {
        preview: args.preview,
        onProgress: print,
        onStackDone: () => stderr.isTTY && stderr.write("\n"),
    });
    if (stderr.isTTY && report.failure) stderr.write("\n");
    stdout.write(describeReport(report));
    return report.failure ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: Error) => {
            process.stderr.write(`${e.stack ?? e.message}\n`);
            process.exit(1);
        },
    );
}
