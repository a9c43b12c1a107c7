// npm run bench:plan — how long a plan of each example stack takes, next to the floor of any
// Pulumi TypeScript program (a bare require of @pulumi/pulumi), as ratios. Each sample is a fresh
// process, as `pulumi up` would start one. It reports; it never passes or fails on time.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEV_ENV, LAB_ENV, deployOrder, stackName, stackWithDependencies } from "../lib/stacks";
import { Sample, measureInterleaved, msText, ratioText, timeCommand } from "./bench-timing";
import { PROJECT_DIR } from "./stack-files";
import { ENV_VARS } from "../lib/env-vars";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Each stack is planned after the stacks it references, as `npm run plan` requires. */
const CHAINS: string[][] = [DEV_ENV, LAB_ENV].flatMap((env) =>
    deployOrder(env).map((stack) => stackWithDependencies(stack)!),
);
const K8S_DEV = stackName("k8s-cluster", DEV_ENV);
const DEV_CHAIN = deployOrder(DEV_ENV);

function timeMs(args: string[], env: NodeJS.ProcessEnv = {}): Sample {
    const { wallMs, cpuMs } = timeCommand(process.execPath, args, {
        cwd: PROJECT_DIR,
        env: { ...process.env, ...env },
    });
    return { wallMs, cpuMs };
}

/** One row of the table: a command, and whether each sample starts with an empty transpile cache. */
interface Case {
    what: string;
    args: string[];
    env?: NodeJS.ProcessEnv;
    coldCache?: boolean;
    goal?: number;
}

function timeCase(c: Case): Sample {
    if (!c.coldCache) return timeMs(c.args, c.env);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-transpile-"));
    try {
        return timeMs(c.args, { ...c.env, [ENV_VARS.transpileCache]: dir });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Issue 10's goals, as ratios to the bare require measured in the same run. */
const GOALS: Record<string, number> = {
    [K8S_DEV]: 2.0,
    [stackName("k8s-cluster", LAB_ENV)]: 2.0,
    [DEV_CHAIN.join(" ")]: 3.0,
};

function main(): void {
    const plan = ["-r", "ts-node/register/transpile-only", path.join("harness", "cli.ts")];
    const cases: Case[] = [
        { what: "node -e \"require('@pulumi/pulumi')\"", args: ["-e", "require('@pulumi/pulumi')"] },
        ...CHAINS.map((chain) => ({
            what: `plan ${chain.join(" ")}`,
            args: [...plan, ...chain, "--json"],
            goal: GOALS[chain.join(" ")],
        })),
        // A first run, or one after every file changed: ts-node transpiles the whole program.
        {
            what: `plan ${K8S_DEV}, transpile cache empty (first run)`,
            args: [...plan, K8S_DEV, "--json"],
            coldCache: true,
        },
        {
            what: `plan ${DEV_CHAIN.join(" ")}, transpile cache empty`,
            args: [...plan, ...DEV_CHAIN, "--json"],
            coldCache: true,
        },
        // What the defaults would cost: ts-node type-checking the program on every run.
        {
            what: `plan ${K8S_DEV}, type-checking on every run (the runtime default)`,
            args: ["-r", "ts-node/register", path.join("harness", "cli.ts"), K8S_DEV, "--json"],
            env: { TS_NODE_TYPE_CHECK: "true", TS_NODE_COMPILER_OPTIONS: JSON.stringify({ noCheck: false }) },
        },
        {
            what: "ts-node (transpile-only) + require('@pulumi/pulumi')",
            args: ["-r", "ts-node/register/transpile-only", "-e", "require('@pulumi/pulumi')"],
        },
        // Why the program imports provider submodules only: the whole-package cost, for comparison.
        {
            what: "require @pulumi/openstack (whole package)",
            args: ["-e", "require('@pulumi/openstack').networking.Network"],
        },
        {
            what: "require @pulumi/openstack/networking only",
            args: ["-e", "require('@pulumi/openstack/networking').Network"],
        },
    ];
    const loadBefore = os.loadavg()[0];
    const medians = measureInterleaved(cases, timeCase, RUNS);
    const baseline = medians[0];
    const rows = cases.map((c, i) => ({ ...c, ...medians[i] }));
    const ratio = ratioText;
    const ms = msText;

    const lines = [
        `bench:plan — median of ${RUNS} fresh processes each, in interleaved rounds, node ${process.version}, ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString()}`,
        "",
        "| command | wall ms | wall ratio to bare require | CPU ms | CPU ratio to bare require | goal |",
        "|---|---:|---:|---:|---:|---:|",
        ...rows.map(
            (r) =>
                `| ${r.what} | ${ms(r.wallMs)} | ${ratio(r.wallMs, baseline.wallMs)} | ${ms(r.cpuMs)} | ${ratio(r.cpuMs, baseline.cpuMs)} | ${r.goal ? `<= ${r.goal.toFixed(1)}x` : ""} |`,
        ),
        "",
    ];
    process.stdout.write(lines.join("\n"));
    const out = path.join(PROJECT_DIR, "bench", "results");
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, "plan.md"), lines.join("\n"));
}

if (require.main === module) main();
