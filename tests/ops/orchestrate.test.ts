// Ordered deploy/destroy over an environment's stacks, with a fake StackRunner: these tests
// check the ordering, the stop-on-first-failure and the messages. Nothing is deployed here;
// the real runner (ops/automation.ts) needs the Pulumi CLI and a backend.
import { strict as assert } from "assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { OnProgress, runStacks, StackOutcome, StackRunError, StackRunner, Operation } from "../../ops/orchestrate";
import { deployOrder, destroyOrder } from "../../lib/stacks";
import { describeUrn, formatProgress, ProgressTracker } from "../../ops/progress";
import { INSTALL_INSTRUCTIONS, requirePulumiCli } from "../../ops/pulumi-cli";
import { main, parseOpsArgs, progressPrinter } from "../../ops/main";
import { passedEnv } from "../../ops/automation";

type Call = { op: Operation; stack: string };

class FakeRunner implements StackRunner {
    calls: Call[] = [];
    constructor(private readonly failAt?: { stack: string; resource?: string; detail: string }) {}
    private async go(op: Operation, stack: string, onProgress: OnProgress): Promise<StackOutcome> {
        this.calls.push({ op, stack });
        onProgress({ stack, operation: op, done: 0, total: 3, elapsedMs: 0 });
        if (this.failAt?.stack === stack) throw new StackRunError(stack, op, this.failAt.resource, this.failAt.detail);
        onProgress({ stack, operation: op, done: 3, total: 3, elapsedMs: 6000 });
        return { stack, operation: op, elapsedMs: 6000, changes: { create: 3 } };
    }
    up(stack: string, p: OnProgress) {
        return this.go("up", stack, p);
    }
    preview(stack: string, p: OnProgress) {
        return this.go("preview", stack, p);
    }
    destroy(stack: string, p: OnProgress, opts?: { previewOnly?: boolean }) {
        return this.go(opts?.previewOnly ? "preview-destroy" : "destroy", stack, p);
    }
}

const sink = () => {
    const s = { text: "", isTTY: false, write: (t: string) => ((s.text += t), true) };
    return s;
};
const cliPresent = async () => "v3.170.0";

describe("deploy/destroy order", () => {
    it("deploys k8s, then swarm, then chain; destroys in reverse", () => {
        assert.deepEqual(deployOrder("dev"), ["k8s-dev", "swarm-dev", "chain-dev"]);
        assert.deepEqual(destroyOrder("dev"), ["chain-dev", "swarm-dev", "k8s-dev"]);
    });

    it("rejects an environment that is not a simple name", () => {
        assert.throws(() => deployOrder("Dev Stack"), /not a name like dev/);
        assert.throws(() => deployOrder(""), /not a name like dev/);
    });

    it("runs up on each stack in deploy order", async () => {
        const r = new FakeRunner();
        const report = await runStacks("deploy", "dev", r);
        assert.deepEqual(r.calls, [
            { op: "up", stack: "k8s-dev" },
            { op: "up", stack: "swarm-dev" },
            { op: "up", stack: "chain-dev" },
        ]);
        assert.equal(report.failure, undefined);
        assert.equal(report.completed.length, 3);
    });

    it("runs destroy on each stack in reverse order", async () => {
        const r = new FakeRunner();
        await runStacks("destroy", "staging", r);
        assert.deepEqual(
            r.calls.map((c) => `${c.op} ${c.stack}`),
            ["destroy chain-staging", "destroy swarm-staging", "destroy k8s-staging"],
        );
    });

    it("--preview only previews, in the same orders", async () => {
        const d = new FakeRunner();
        await runStacks("deploy", "dev", d, { preview: true });
        assert.deepEqual(
            d.calls.map((c) => c.op),
            ["preview", "preview", "preview"],
        );
        const x = new FakeRunner();
        await runStacks("destroy", "dev", x, { preview: true });
        assert.deepEqual(
            x.calls.map((c) => `${c.op} ${c.stack}`),
            ["preview-destroy chain-dev", "preview-destroy swarm-dev", "preview-destroy k8s-dev"],
        );
    });

    it("stops at the first failure and says which stack and resource", async () => {
        const r = new FakeRunner({
            stack: "swarm-dev",
            resource: "command:remote:Command swarm-init",
            detail: "Process exited with status 1",
        });
        const report = await runStacks("deploy", "dev", r);
        assert.deepEqual(
            r.calls.map((c) => c.stack),
            ["k8s-dev", "swarm-dev"],
            "chain-dev must not run after swarm-dev failed",
        );
        assert.equal(report.failure?.stack, "swarm-dev");
        assert.equal(report.failure?.resource, "command:remote:Command swarm-init");
        assert.deepEqual(report.skipped, ["chain-dev"]);
        assert.match(
            report.failure!.message,
            /up of stack swarm-dev failed at command:remote:Command swarm-init: Process exited with status 1/,
        );
    });

    it("a destroy failure stops before the stacks the failed one depends on", async () => {
        const r = new FakeRunner({ stack: "chain-dev", detail: "boom" });
        const report = await runStacks("destroy", "dev", r);
        assert.deepEqual(
            r.calls.map((c) => c.stack),
            ["chain-dev"],
        );
        assert.deepEqual(report.skipped, ["swarm-dev", "k8s-dev"]);
    });

    it("wraps an unexpected runner error with the stack name", async () => {
        const r: StackRunner = {
            up: async () => {
                throw new Error("backend unreachable");
            },
            preview: async () => ({ stack: "", operation: "preview", elapsedMs: 0 }),
            destroy: async () => ({ stack: "", operation: "destroy", elapsedMs: 0 }),
        };
        const report = await runStacks("deploy", "dev", r);
        assert.equal(report.failure?.stack, "k8s-dev");
        assert.match(report.failure!.message, /up of stack k8s-dev failed: backend unreachable/);
    });
});

describe("npm run deploy / destroy (ops/main.ts)", () => {
    it("parses <env>, --preview and --policy-pack", () => {
        assert.deepEqual(parseOpsArgs(["deploy", "dev", "--preview", "--policy-pack", "policy"]), {
            command: "deploy",
            env: "dev",
            preview: true,
            policyPacks: ["policy"],
        });
        assert.throws(() => parseOpsArgs(["deploy"]), /name the environment/);
        assert.throws(() => parseOpsArgs(["deploy", "dev", "prod"]), /one environment at a time/);
        assert.throws(() => parseOpsArgs(["destroy", "dev", "--force"]), /unknown option --force/);
    });

    it("without a Pulumi CLI fails at once with install instructions, touching no stack", async () => {
        const r = new FakeRunner();
        const err = sink();
        const missing = async () => {
            throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
        };
        const code = await main(["deploy", "dev"], { probe: missing, runner: r, stdout: sink(), stderr: err, env: {} });
        assert.equal(code, 1);
        assert.equal(r.calls.length, 0);
        assert.ok(err.text.includes(INSTALL_INSTRUCTIONS));
        assert.match(err.text, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
        assert.match(err.text, /`pulumi` is not on PATH/);
    });

    it("requirePulumiCli returns the version and rejects garbage", async () => {
        assert.equal(await requirePulumiCli(cliPresent), "v3.170.0");
        await assert.rejects(
            requirePulumiCli(async () => "command not found"),
            /not a version/,
        );
    });

    it("prints progress and a summary naming the failed stack and resource, exit 1", async () => {
        const r = new FakeRunner({
            stack: "chain-dev",
            resource: "docker:index/service:Service lb",
            detail: "image not found",
        });
        const out = sink();
        const err = sink();
        const code = await main(["deploy", "dev"], {
            probe: cliPresent,
            runner: r,
            stdout: out,
            stderr: err,
            env: { PULUMI_BACKEND_URL: "file:///tmp/state" },
        });
        assert.equal(code, 1);
        assert.match(err.text, /using PULUMI_BACKEND_URL=file:\/\/\/tmp\/state/);
        assert.match(err.text, /PULUMI_CONFIG_PASSPHRASE/);
        assert.match(err.text, /\[k8s-dev\] up {2}3\/3 resources {2}00:06/);
        assert.match(out.text, /✓ k8s-dev: up done in 00:06 \(create 3\)/);
        assert.match(out.text, /✗ chain-dev: up failed at docker:index\/service:Service lb\n {4}image not found/);
    });

    it("exit 0 when every stack succeeds; usage error exit 2", async () => {
        assert.equal(
            await main(["destroy", "dev", "--preview"], {
                probe: cliPresent,
                runner: new FakeRunner(),
                stdout: sink(),
                stderr: sink(),
                env: {},
            }),
            0,
        );
        assert.equal(
            await main(["deploy"], {
                probe: cliPresent,
                runner: new FakeRunner(),
                stdout: sink(),
                stderr: sink(),
                env: {},
            }),
            2,
        );
    });

    it("passes the backend, passphrase and cloud credentials through to the CLI", () => {
        const env = passedEnv({
            PULUMI_BACKEND_URL: "file://~/state",
            PULUMI_CONFIG_PASSPHRASE: "x",
            OS_AUTH_URL: "https://keystone",
            HOME: "/root",
        });
        assert.deepEqual(env, {
            PULUMI_BACKEND_URL: "file://~/state",
            PULUMI_CONFIG_PASSPHRASE: "x",
            OS_AUTH_URL: "https://keystone",
        });
    });

    it("on a CI log prints a progress line only when the count moves, at most every 5 s", () => {
        const out = sink();
        const p = progressPrinter(out);
        p({ stack: "k8s-dev", operation: "up", done: 0, total: 4, elapsedMs: 0 });
        p({ stack: "k8s-dev", operation: "up", done: 1, total: 4, elapsedMs: 1000 });
        p({ stack: "k8s-dev", operation: "up", done: 2, total: 4, elapsedMs: 6000 });
        p({ stack: "k8s-dev", operation: "up", done: 2, total: 4, elapsedMs: 12000 });
        assert.equal(out.text, "[k8s-dev] up  0/4 resources  00:00\n[k8s-dev] up  2/4 resources  00:06\n");
    });
});

describe("progress from engine events", () => {
    const urn = (type: string, name: string) => `urn:pulumi:dev::hybrid-vnf::hybrid-vnf:index:Thing$${type}::${name}`;
    const meta = (op: string, type: string, name: string) => ({ op, type, urn: urn(type, name) }) as never;
    const ev = (e: Partial<EngineEvent>): EngineEvent => ({ sequence: 0, timestamp: 0, ...e });

    it("names a resource by its type and name", () => {
        assert.equal(
            describeUrn(urn("openstack:compute/instance:Instance", "k8s-node-0")),
            "openstack:compute/instance:Instance k8s-node-0",
        );
    });

    it("counts resources started and finished, and the elapsed time", () => {
        let t = 1000;
        const tr = new ProgressTracker("k8s-dev", "up", () => t);
        tr.handle(ev({ resourcePreEvent: { metadata: meta("create", "pulumi:pulumi:Stack", "hybrid-vnf-k8s-dev") } }));
        tr.handle(
            ev({ resourcePreEvent: { metadata: meta("create", "openstack:networking/network:Network", "cluster") } }),
        );
        tr.handle(
            ev({ resourcePreEvent: { metadata: meta("create", "openstack:networking/subnet:Subnet", "cluster") } }),
        );
        tr.handle(
            ev({ resOutputsEvent: { metadata: meta("create", "openstack:networking/network:Network", "cluster") } }),
        );
        t = 66_000;
        const p = tr.progress();
        assert.deepEqual([p.done, p.total, p.elapsedMs], [1, 2, 65_000]);
        assert.equal(p.current, "create openstack:networking/subnet:Subnet cluster");
        assert.equal(
            formatProgress(p),
            "[k8s-dev] up  1/2 resources  01:05  create openstack:networking/subnet:Subnet cluster",
        );
    });

    it("uses the known resource count of the stack as the total until more are seen", () => {
        const tr = new ProgressTracker("chain-dev", "destroy", () => 0);
        tr.expect(7);
        tr.handle(ev({ resourcePreEvent: { metadata: meta("delete", "kubernetes:core/v1:Namespace", "ns") } }));
        assert.equal(tr.progress().total, 7);
    });

    it("ignores the planning pass of events", () => {
        const tr = new ProgressTracker("k8s-dev", "up", () => 0);
        tr.handle(
            ev({
                resourcePreEvent: {
                    metadata: meta("create", "openstack:networking/network:Network", "a"),
                    planning: true,
                },
            }),
        );
        assert.equal(tr.progress().total, 0);
    });

    it("reports the failing resource with the engine's error message", () => {
        const tr = new ProgressTracker("swarm-dev", "up", () => 0);
        const failing = urn("command:remote:Command", "swarm-join-1");
        tr.handle(
            ev({
                diagnosticEvent: {
                    urn: urn("pulumi:pulumi:Stack", "x"),
                    message: "update failed",
                    color: "never",
                    severity: "error",
                },
            }),
        );
        tr.handle(
            ev({
                diagnosticEvent: {
                    urn: failing,
                    message: "\u001b[31mProcess exited with status 1: token invalid\u001b[0m\n",
                    color: "never",
                    severity: "error",
                },
            }),
        );
        tr.handle(
            ev({
                resOpFailedEvent: {
                    metadata: meta("create", "command:remote:Command", "swarm-join-1"),
                    status: 1,
                    steps: 1,
                },
            }),
        );
        assert.deepEqual(tr.failure("CommandError: code 255"), {
            resource: "command:remote:Command swarm-join-1",
            message: "Process exited with status 1: token invalid",
        });
    });

    it("names the policy when a mandatory policy stops the run", () => {
        const tr = new ProgressTracker("k8s-dev", "preview", () => 0);
        tr.handle(
            ev({
                policyEvent: {
                    resourceUrn: urn("openstack:networking/secGroupRule:SecGroupRule", "ssh"),
                    message: "opens SSH to 0.0.0.0/0",
                    color: "never",
                    policyName: "no-admin-ports-open-to-the-world",
                    policyPackName: "hybrid-vnf",
                    policyPackVersion: "0.1.0",
                    policyPackVersionTag: "0.1.0",
                    enforcementLevel: "mandatory",
                },
            }),
        );
        const f = tr.failure();
        assert.equal(f.resource, "openstack:networking/secGroupRule:SecGroupRule ssh");
        assert.match(f.message, /policy hybrid-vnf\/no-admin-ports-open-to-the-world: opens SSH/);
    });

    it("falls back to the tail of the CLI's error text when no event said why", () => {
        const tr = new ProgressTracker("k8s-dev", "up", () => 0);
        const f = tr.failure("code: 255\n stdout: \n stderr: error: no stack named 'k8s-dev' found\n");
        assert.equal(f.resource, undefined);
        assert.match(f.message, /no stack named 'k8s-dev' found/);
    });
});
