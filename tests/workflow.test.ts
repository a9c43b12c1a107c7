// The PR workflow README promises: on pull requests, npm ci, the type-check, lint and every test tier, then
// `pulumi preview` of every dev stack with pulumi/actions, commenting on the PR, with the
// backend and credentials from repository secrets and the policy pack on every preview.
// Every workflow is also held to GitHub's workflow schema by action-validator.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { deployOrder } from "../lib/stacks";

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
const FILE = path.join(WORKFLOWS, "preview.yml");

/** action-validator (the npm package's wasm build of the Rust validator; no network) on one file. */
function validate(file: string): { ok: boolean; output: string } {
    const cli = path.join(path.dirname(require.resolve("@action-validator/cli/package.json")), "cli.mjs");
    const r = spawnSync(process.execPath, [cli, file], {
        encoding: "utf8",
        env: { ...process.env, FORCE_COLOR: "0" },
        timeout: 30_000,
    });
    assert.equal(r.error, undefined, `action-validator did not run: ${r.error}`);
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Job {
    needs?: string | string[];
    "runs-on": string;
    steps: Step[];
    env?: Record<string, string>;
    strategy?: { matrix: Record<string, unknown>; "fail-fast"?: boolean };
}

/** The test files mocha's "tests/**\/*.test.ts" finds, relative to the project. */
function testFiles(dir = "tests"): string[] {
    return fs.readdirSync(path.join(__dirname, "..", dir), { withFileTypes: true }).flatMap((e) => {
        const rel = `${dir}/${e.name}`;
        if (e.isDirectory()) return testFiles(rel);
        return e.name.endsWith(".test.ts") ? [rel] : [];
    });
}

/** A mocha spec glob (`*` within a folder, `**\/` any folders) as a regular expression. */
function globRegExp(glob: string): RegExp {
    const body = glob
        .split(/(\*\*\/|\*)/)
        .map((part) =>
            part === "**/" ? "(?:[^/]+/)*" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
    return new RegExp(`^${body}$`);
}

/** The tiers the workflow names as not run on a hosted runner: `#   NAME tier  GLOB  (why)` comment lines. */
function tiersNotRun(text: string): { tier: string; glob: string; why: string }[] {
    return [...text.matchAll(/^\s*#\s+(\w+) tier\s+(\S+\.e2e\.test\.ts)\s+\((.+)\)$/gm)].map((m) => ({
        tier: m[1],
        glob: m[2],
        why: m[3],
    }));
}

/** Steps that run mocha as root on quoted spec globs: the tiers beyond the unit tier. */
function tierSteps(steps: Step[]): { step: Step; at: number; globs: string[] }[] {
    return steps.flatMap((step, at) => {
        const m = /^sudo -E env "PATH=\$PATH" npx mocha((?: "[^"]+")+)$/.exec((step.run ?? "").trim());
        return m ? [{ step, at, globs: [...m[1].matchAll(/"([^"]+)"/g)].map((g) => g[1]) }] : [];
    });
}

describe(".github/workflows/preview.yml", () => {
    const wf = parse(fs.readFileSync(FILE, "utf8"));
    const jobs: Record<string, Job> = wf.jobs;
    const index = (steps: Step[], pred: (s: Step) => boolean, what: string) => {
        const i = steps.findIndex(pred);
        assert.ok(i >= 0, `no step ${what}`);
        return i;
    };
    // A command, alone on its line, possibly run as root (`sudo -E env "PATH=$PATH" npm test`).
    const runs = (cmd: string) => (s: Step) =>
        (s.run ?? "")
            .split("\n")
            .some((l) => l.trim() === cmd || new RegExp(`^sudo -E env "PATH=\\$PATH" ${cmd}$`).test(l.trim()));

    it("runs on pull requests and may comment on them", () => {
        assert.ok("pull_request" in wf.on, "on: pull_request");
        assert.equal(wf.permissions["pull-requests"], "write");
    });

    it("test job: checkout, Node 20, npm ci, type-check, lint, the unit tier, the engine, then the root tiers, in that order", () => {
        const steps = jobs.test.steps;
        const checkout = index(steps, (s) => /^actions\/checkout@v\d+$/.test(s.uses ?? ""), "actions/checkout");
        const node = index(steps, (s) => /^actions\/setup-node@v\d+$/.test(s.uses ?? ""), "actions/setup-node");
        assert.equal(String(steps[node].with?.["node-version"]), "20");
        const order = [
            checkout,
            node,
            ...["npm ci", "npm run typecheck", "npm run lint", "npm run test:unit", "npm run engine"].map((cmd) =>
                index(steps, runs(cmd), cmd),
            ),
        ];
        const tiers = tierSteps(steps);
        assert.ok(tiers.length >= 3, `root tier steps: ${tiers.map((t) => t.step.name).join(", ")}`);
        order.push(...tiers.map((t) => t.at));
        assert.deepEqual(
            [...order].sort((a, b) => a - b),
            order,
            `steps out of order: ${order.join(", ")}`,
        );
    });

    it("every end-to-end test file runs in exactly one named tier step, as root, after the images are built", () => {
        const steps = jobs.test.steps;
        const tiers = tierSteps(steps);
        const images = index(steps, runs("sudo bash images/build.sh"), "images/build.sh");
        const e2e = testFiles().filter((f) => f.endsWith(".e2e.test.ts"));
        assert.ok(e2e.length >= 4, `e2e files found: ${e2e.join(", ")}`);
        const notHere = tiersNotRun(fs.readFileSync(FILE, "utf8"));
        for (const file of e2e) {
            const owners = tiers.filter((t) => t.globs.some((g) => globRegExp(g).test(file)));
            const left = notHere.filter((t) => globRegExp(t.glob).test(file));
            assert.equal(
                owners.length + left.length,
                1,
                `${file} runs in ${owners.length} tier steps (${owners.map((t) => t.step.name).join(", ")}) and is listed as not run in ${left.length} (${left.map((t) => t.tier).join(", ")})`,
            );
        }
        for (const t of tiers) {
            assert.match(
                t.step.name ?? "",
                /^\w+ tier \(.+\)$/,
                "a tier step says which tier it is and what it covers",
            );
            assert.ok(t.at > images, `${t.step.name} runs after the images are built`);
            assert.ok(
                t.globs.every((g) => g.endsWith(".e2e.test.ts")),
                `${t.step.name}: the unit tier has its own step`,
            );
        }
    });

    it("names the tiers it leaves out, each with why", () => {
        const notHere = tiersNotRun(fs.readFileSync(FILE, "utf8"));
        assert.deepEqual(
            notHere.map((t) => t.tier),
            ["boot", "cloud"],
        );
        for (const t of notHere) assert.ok(t.why.length > 10, `${t.tier}: say why`);
    });

    it("the tier globs match as mocha expands them (negative controls)", () => {
        const re = globRegExp("tests/lab/**/*.e2e.test.ts");
        assert.ok(re.test("tests/lab/lab.e2e.test.ts") && re.test("tests/lab/bench/failover.e2e.test.ts"));
        assert.ok(
            !re.test("tests/lab/lab.test.ts") &&
                !re.test("tests/engine/engine.e2e.test.ts") &&
                !re.test("tests/labs/x.e2e.test.ts"),
        );
    });

    it("preview job: after the tests, one preview per dev stack with pulumi/actions (major pinned), commenting on the PR", () => {
        const job = jobs.preview;
        assert.deepEqual([job.needs].flat(), ["test"]);
        assert.deepEqual(job.strategy?.matrix.stack, deployOrder("dev"));
        assert.equal(job.strategy?.["fail-fast"], false);
        const steps = job.steps;
        const ci = index(steps, runs("npm ci"), "npm ci (the program's dependencies)");
        const p = index(steps, (s) => (s.uses ?? "").startsWith("pulumi/actions@"), "pulumi/actions");
        assert.ok(ci < p);
        const step = steps[p];
        assert.match(step.uses!, /^pulumi\/actions@v\d+$/, "pin a major version");
        assert.equal(step.with?.command, "preview");
        assert.equal(step.with?.["stack-name"], "${{ matrix.stack }}");
        assert.equal(step.with?.["work-dir"], ".");
        assert.equal(step.with?.["comment-on-pr"], true);
        assert.equal(step.with?.policyPacks, "policy");
        assert.ok(
            fs.existsSync(path.join(__dirname, "..", String(step.with?.policyPacks), "PulumiPolicy.yaml")),
            "the policy pack path exists",
        );
    });

    it("every .github/workflows/*.yml is valid against the workflow schema (action-validator)", () => {
        const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
        assert.ok(files.includes("preview.yml"), `workflows found: ${files.join(", ")}`);
        const bad = files.map((f) => ({ f, ...validate(path.join(WORKFLOWS, f)) })).filter((r) => !r.ok);
        assert.deepEqual(
            bad.map((r) => r.f),
            [],
            bad.map((r) => `${r.f}:\n${r.output}`).join("\n"),
        );
    });

    it("negative control: the validator rejects preview.yml with a job without runs-on, or with an unknown key", () => {
        const text = fs.readFileSync(FILE, "utf8");
        const broken: Record<string, string> = {
            "no-runs-on.yml": text.replace(/^ {4}runs-on: .*\n/m, ""),
            "unknown-key.yml": text.replace(/^ {4}runs-on: (.*)$/m, "    runs-on: $1\n    run-on: $1"),
        };
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-schema-"));
        try {
            for (const [name, yml] of Object.entries(broken)) {
                assert.notEqual(yml, text, `${name}: the deliberate error was not made`);
                fs.writeFileSync(path.join(dir, name), yml);
                const r = validate(path.join(dir, name));
                assert.equal(r.ok, false, `${name} was accepted`);
                assert.match(
                    r.output,
                    /runs-on|run-on/,
                    `${name}: the validator's output names the error:\n${r.output}`,
                );
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("takes the backend and credentials from repository secrets, never from literals", () => {
        const env = jobs.preview.env ?? {};
        for (const name of [
            "PULUMI_ACCESS_TOKEN",
            "PULUMI_BACKEND_URL",
            "PULUMI_CONFIG_PASSPHRASE",
            "OS_AUTH_URL",
            "OS_APPLICATION_CREDENTIAL_ID",
            "OS_APPLICATION_CREDENTIAL_SECRET",
            "OS_PASSWORD",
        ]) {
            assert.equal(env[name], `\${{ secrets.${name} }}`, name);
        }
        for (const [k, v] of Object.entries(env))
            assert.match(v, /^\$\{\{ secrets\.[A-Z_]+ \}\}$/, `${k} must come from a secret`);
    });
});
