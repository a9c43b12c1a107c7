// npm run bench:engine — how long `pulumi preview` of the lab's k8s-local and chain-local takes
// under the real engine, next to an empty TypeScript program under the same engine, runtime
// options and tsconfig, as ratios within one interleaved run. Each program runs twice over: with
// the tsconfig as it is (ts-node's swc transpiler) and with TypeScript's transpiler (the same
// tsconfig without swc, through PULUMI_NODEJS_TSCONFIG_PATH, which the SDK's run.js reads), so
// the before and after sit in one table. The two transpilers' previews must be step for step the
// same. Brings the lab up (npm run lab) and takes it down again, holding the lab lock throughout;
// with --no-cluster, the same stacks run in a backend of their own with no cluster at all.
// Writes bench/results/engine.md. It reports; it never passes or fails on time.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { LAB_PATHS, LOCAL_STACKS, labToolEnv, writeProjectCopy } from "../lab/engine-stacks";
import { toolchainEnv } from "../engine/toolchain";
import { labDown, labUp } from "../lab/lab";
import { acquireLabLock, releaseLabLock } from "../lab/lock";
import { LAB_ENV, stackName } from "../lib/stacks";
import { Sample, measureInterleaved, msText, ratioText, timeCommand } from "./bench-timing";
import { PROJECT_DIR } from "./stack-files";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const EMPTY = "empty TypeScript program";
const EMPTY_STACK = "bench-empty";

/** Issue 17's goals: the preview's time as a ratio to the empty program's, same engine and transpiler. */
export const ENGINE_GOALS: Record<string, number> = {
    [stackName("k8s-cluster", LAB_ENV)]: 1.15,
    [stackName("service-chain", LAB_ENV)]: 1.3,
};

export type Transpiler = "swc" | "typescript";

/** The tsconfig with ts-node on TypeScript's transpiler instead of swc; everything else kept. */
export function typescriptVariant(
    tsconfig: { "ts-node"?: Record<string, unknown> } & Record<string, unknown>,
): Record<string, unknown> {
    const tsNode = Object.fromEntries(
        Object.entries(tsconfig["ts-node"] ?? {}).filter(([k]) => k !== "swc" && k !== "transpiler"),
    );
    return { ...tsconfig, "ts-node": tsNode };
}

/**
 * The empty program's project: the repository's Pulumi.yaml runtime block and tsconfig, an
 * index.ts that only loads the SDK, no config. File name -> contents.
 */
export function emptyProjectFiles(projectYaml: string, tsconfig: string): Record<string, string> {
    const { runtime } = parse(projectYaml);
    return {
        "Pulumi.yaml": stringify({ name: EMPTY_STACK, runtime }),
        "package.json": JSON.stringify({ name: EMPTY_STACK, private: true, main: "index.ts" }, null, 2) + "\n",
        "tsconfig.json": tsconfig,
        "index.ts": 'import "@pulumi/pulumi";\n',
    };
}

export interface EngineRow extends Sample {
    program: string;
    transpiler: Transpiler;
}

/** Each row's ratio to the empty program measured with the same transpiler in the same run. */
export function engineRatios(rows: EngineRow[]): (EngineRow & { wallRatio: number; cpuRatio: number })[] {
    return rows.map((r) => {
        const base = rows.find((b) => b.program === EMPTY && b.transpiler === r.transpiler);
        if (!base) throw new Error(`no ${EMPTY} row for ${r.transpiler}`);
        return { ...r, wallRatio: r.wallMs / base.wallMs, cpuRatio: r.cpuMs / base.cpuMs };
    });
}

/** Where in the program a resource was registered: metadata the engine records, not a resource input. */
const SOURCE_KEYS = new Set(["sourcePosition", "stackTrace"]);

function withoutSourcePositions(x: unknown): unknown {
    if (Array.isArray(x)) return x.map(withoutSourcePositions);
    if (x === null || typeof x !== "object") return x;
    return Object.fromEntries(
        Object.entries(x)
            .filter(([k]) => !SOURCE_KEYS.has(k))
            .map(([k, v]) => [k, withoutSourcePositions(v)]),
    );
}

/**
 * What two previews of one stack must share: the steps (operation, URN, inputs, outputs,
 * dependencies) and the change summary. Source positions are left out: they come from the
 * transpiler's source maps, which name some anonymous callbacks differently (swc's maps name them).
 */
export function previewSteps(json: string): unknown {
    const preview = JSON.parse(json) as { steps?: { urn?: string }[]; changeSummary?: unknown };
    // Steps in URN order: the engine registers independent resources in whatever order they arrive.
    const steps = [...(preview.steps ?? [])].sort((a, b) => String(a.urn).localeCompare(String(b.urn)));
    return withoutSourcePositions(withoutAutoNames({ steps, changeSummary: preview.changeSummary }));
}

/** A Kubernetes name the provider made up (random suffix, new on each preview of a resource not yet created). */
function withoutAutoNames(x: unknown): unknown {
    if (Array.isArray(x)) return x.map(withoutAutoNames);
    if (x === null || typeof x !== "object") return x;
    const o = x as Record<string, any>;
    const auto = o.metadata?.annotations?.["pulumi.com/autonamed"] === "true";
    const out = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withoutAutoNames(v)]));
    return auto ? { ...out, metadata: { ...(out.metadata as object), name: "(autonamed)" } } : out;
}

/** How many steps of two previews differ only in source positions (reported, not judged). */
export function sourcePositionDifferences(a: string, b: string): number {
    const steps = (json: string) =>
        ((JSON.parse(json) as { steps?: { urn?: string }[] }).steps ?? [])
            .sort((p, q) => String(p.urn).localeCompare(String(q.urn)))
            .map((s) => JSON.stringify(withoutAutoNames(s)));
    const [x, y] = [steps(a), steps(b)];
    return x.filter((s, i) => s !== y[i]).length;
}

function writeProject(dir: string, files: Record<string, string>): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    // The repository's packages (SDK, ts-node, TypeScript, swc), as the program sees them.
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
}

/** Where the local stacks' previews run: their project folder, the environment, and how to leave. */
interface StacksTarget {
    what: string;
    projectDir: string;
    env: NodeJS.ProcessEnv;
    close(): Promise<void>;
}

/** The lab, brought up with its stacks deployed (npm run lab), holding the lab lock until close. */
async function labTarget(log: (s: string) => void): Promise<StacksTarget> {
    await acquireLabLock(600_000, log);
    try {
        await labUp({ install: true, log });
    } catch (e) {
        releaseLabLock();
        throw e;
    }
    return {
        what: "the lab's deployed stacks (npm run lab)",
        projectDir: LAB_PATHS.project,
        env: { ...process.env, ...labToolEnv() },
        close: async () => {
            await labDown({ log }).catch((e: Error) => log(`lab down failed: ${e.message}`));
            releaseLabLock();
        },
    };
}

/** A kubeconfig whose API server refuses at once: the kubernetes provider previews offline. */
export const UNREACHABLE_KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "clusters: [{name: none, cluster: {server: 'https://127.0.0.1:1'}}]",
    "contexts: [{name: none, context: {cluster: none, user: none}}]",
    "current-context: none",
    "users: [{name: none, user: {token: none}}]",
    "",
].join("\n");

/**
 * --no-cluster: the same local stacks (the lab's project copy) in a backend of their own, with no
 * cluster: k8s-local and swarm-local (target existing, outputs from config) are deployed, and
 * chain-local previews against their outputs, the kubernetes provider offline. The program, its
 * modules and the plugins it starts are the lab's; the engine finds no cluster to ask.
 */
function noClusterTarget(work: string): StacksTarget {
    const projectDir = path.join(work, "project");
    writeProjectCopy(projectDir);
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...toolchainEnv(),
        PULUMI_BACKEND_URL: `file://${work}`,
        PULUMI_CONFIG_PASSPHRASE: "bench",
    };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    const pulumi = (args: string[], input?: string) =>
        timeCommand("pulumi", [...args, "--non-interactive"], { cwd: projectDir, env, input });
    for (const stack of LOCAL_STACKS) pulumi(["stack", "init", stack]);
    pulumi(["config", "set", "--secret", "hybrid-vnf:kubeconfig", "--stack", LOCAL_STACKS[0]], UNREACHABLE_KUBECONFIG);
    for (const stack of LOCAL_STACKS.slice(0, 2)) pulumi(["up", "--yes", "--stack", stack]);
    return {
        what: "the local stacks in a backend of their own, no cluster (--no-cluster)",
        projectDir,
        env,
        close: async () => undefined,
    };
}

async function main(): Promise<void> {
    const log = (s: string) => process.stderr.write(`bench:engine: ${s}\n`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-bench-engine-"));
    let target: StacksTarget | undefined;
    try {
        target = process.argv.includes("--no-cluster") ? noClusterTarget(work) : await labTarget(log);
        const { env, projectDir, what } = target;
        const tsconfigText = fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8");
        const tsVariant = path.join(work, "tsconfig.typescript.json");
        fs.writeFileSync(tsVariant, JSON.stringify(typescriptVariant(JSON.parse(tsconfigText)), null, 2));
        const emptyDir = path.join(work, "empty");
        writeProject(
            emptyDir,
            emptyProjectFiles(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"), tsconfigText),
        );
        // A backend of its own (the lab's holds only the lab's stacks), the same passphrase settings.
        const emptyEnv = { ...env, PULUMI_BACKEND_URL: `file://${path.join(work, "empty-state")}` };
        fs.mkdirSync(path.join(work, "empty-state"));
        timeCommand("pulumi", ["stack", "init", EMPTY_STACK, "--non-interactive"], { cwd: emptyDir, env: emptyEnv });

        const programs = [
            { program: EMPTY, cwd: emptyDir, env: emptyEnv, stack: EMPTY_STACK },
            ...Object.keys(ENGINE_GOALS).map((stack) => ({ program: stack, cwd: projectDir, env, stack })),
        ];
        const cases = (["swc", "typescript"] as Transpiler[]).flatMap((transpiler) =>
            programs.map((p) => ({ ...p, transpiler })),
        );
        const previews = new Map<string, string>();
        const runOne = (c: (typeof cases)[number]): Sample => {
            const tsEnv = c.transpiler === "typescript" ? { PULUMI_NODEJS_TSCONFIG_PATH: tsVariant } : {};
            const r = timeCommand("pulumi", ["preview", "--stack", c.stack, "--json", "--non-interactive"], {
                cwd: c.cwd,
                env: { ...c.env, ...tsEnv },
            });
            previews.set(`${c.program} ${c.transpiler}`, r.stdout);
            log(
                `${c.program}, ${c.transpiler}: ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU`,
            );
            return r;
        };
        const loadBefore = os.loadavg()[0];
        const medians = measureInterleaved(cases, runOne, RUNS);
        const positionNotes: string[] = [];
        for (const p of programs) {
            const [swc, ts] = [previews.get(`${p.program} swc`)!, previews.get(`${p.program} typescript`)!];
            if (JSON.stringify(previewSteps(swc)) !== JSON.stringify(previewSteps(ts))) {
                throw new Error(
                    `${p.program}: the swc and TypeScript previews differ:\n${JSON.stringify(previewSteps(swc))}\n${JSON.stringify(previewSteps(ts))}`,
                );
            }
            const n = sourcePositionDifferences(swc, ts);
            if (n > 0) positionNotes.push(`${p.program}: ${n} of ${(JSON.parse(swc).steps ?? []).length} steps`);
        }
        const rows = engineRatios(
            cases.map((c, i) => ({ program: c.program, transpiler: c.transpiler, ...medians[i] })),
        );
        const lines = [
            `bench:engine — \`pulumi preview\` under the real engine (${timeCommand("pulumi", ["version"], { env }).stdout.trim()}) on ${what}, median of ${RUNS} in interleaved rounds after a warm-up round, node ${process.version}, ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString()}`,
            "",
            "Ratios are to the empty TypeScript program under the same engine, runtime options and transpiler. swc: the tsconfig as it is; typescript: the same tsconfig without swc.",
            `Each program's previews with both transpilers had the same steps, inputs and change summary; source positions (engine metadata from the source maps, not inputs) differed in ${positionNotes.length ? positionNotes.join(", ") : "none"}.`,
            "",
            "| program | transpiler | wall ms | wall ratio | CPU ms | CPU ratio | goal |",
            "|---|---|---:|---:|---:|---:|---:|",
            ...rows.map((r) => {
                const goal = ENGINE_GOALS[r.program];
                return `| ${r.program} | ${r.transpiler} | ${msText(r.wallMs)} | ${ratioText(r.wallRatio, 1)} | ${msText(r.cpuMs)} | ${ratioText(r.cpuRatio, 1)} | ${goal ? `<= ${goal.toFixed(2)}x` : ""} |`;
            }),
            "",
        ];
        process.stdout.write(lines.join("\n"));
        const out = path.join(PROJECT_DIR, "bench", "results");
        fs.mkdirSync(out, { recursive: true });
        fs.writeFileSync(path.join(out, "engine.md"), lines.join("\n"));
    } finally {
        await target?.close();
        fs.rmSync(work, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main().catch((e: Error) => {
        process.stderr.write(`bench:engine failed: ${e.message}\n`);
        process.exit(1);
    });
}
