// The PR workflow README promises: on pull requests, npm ci, the type-check and npm test, then
// `pulumi preview` of every dev stack with pulumi/actions, commenting on the PR, with the
// backend and credentials from repository secrets and the policy pack on every preview.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { deployOrder } from "../ops/stacks";

const FILE = path.join(__dirname, "..", ".github", "workflows", "preview.yml");

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
        (s.run ?? "").split("\n").some((l) => l.trim() === cmd || new RegExp(`^sudo -E env "PATH=\\$PATH" ${cmd}$`).test(l.trim()));

    it("runs on pull requests and may comment on them", () => {
        assert.ok("pull_request" in wf.on, "on: pull_request");
        assert.equal(wf.permissions["pull-requests"], "write");
    });

    it("test job: checkout, Node 20, npm ci, type-check, npm test, in that order", () => {
        const steps = jobs.test.steps;
        const checkout = index(steps, (s) => /^actions\/checkout@v\d+$/.test(s.uses ?? ""), "actions/checkout");
        const node = index(steps, (s) => /^actions\/setup-node@v\d+$/.test(s.uses ?? ""), "actions/setup-node");
        assert.equal(String(steps[node].with?.["node-version"]), "20");
        const ci = index(steps, runs("npm ci"), "npm ci");
        const tc = index(steps, runs("npm run typecheck"), "npm run typecheck");
        const test = index(steps, runs("npm test"), "npm test");
        assert.ok(checkout < node && node < ci && ci < tc && tc < test, "steps out of order");
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
        assert.ok(fs.existsSync(path.join(__dirname, "..", String(step.with?.policyPacks), "PulumiPolicy.yaml")), "the policy pack path exists");
    });

    it("takes the backend and credentials from repository secrets, never from literals", () => {
        const env = jobs.preview.env ?? {};
        for (const name of ["PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "OS_AUTH_URL", "OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_SECRET", "OS_PASSWORD"]) {
            assert.equal(env[name], `\${{ secrets.${name} }}`, name);
        }
        for (const [k, v] of Object.entries(env)) assert.match(v, /^\$\{\{ secrets\.[A-Z_]+ \}\}$/, `${k} must come from a secret`);
    });
});
