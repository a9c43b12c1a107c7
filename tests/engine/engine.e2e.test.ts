// End-to-end with the real engine: `npm run lab` has run `pulumi up` of k8s-local, swarm-local
// and chain-local (file backend, passphrase secrets) against the lab's Kubernetes control plane
// and Swarm; these tests drive the real `pulumi` CLI as a user would. Needs root, Docker and the
// engine toolchain (npm run engine); without them it fails saying what is missing.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Lab, labDown, labUp } from "../../lab/lab";
import { planViews, specsFrom, stateViews } from "../../lab/specs/stack-views";
import {
    LAB_PATHS,
    LOCAL_STACKS,
    exportLabStack,
    labToolEnv,
    runLabStacks,
    setLabConfig,
} from "../../lab/engine-stacks";
import { KubeApi, accessFromKubeconfig } from "../../lab/kube/kube-api";
import { LAB_NAMES } from "../../lab/names";
import { drainedUpdate } from "../../lab/topology/lb-front-door";
import { load, summary } from "../../lab/bench/http-load";
import { out, run, waitFor } from "../../lab/sh";
import { acquireLabLock, releaseLabLock } from "../../lab/lock";
import { CONTRACTS, Role } from "../../lib/contract";
import { ROUTER_NODE_LABEL, VNF_SERVICE_LABEL_KEY } from "../../lib/labels";
import { PROJECT_DIR, readStackFile } from "../../harness/stack-files";
import { containerEnv, containerImage, lbService, routerWorkload, stackOutput } from "../../harness/plan-query";
import { LAB_STACKS, chainBackends, chainRoutes } from "../../lab/specs/workload-specs";

const log = (s: string) => process.stdout.write(`      ${s}\n`);
const { "k8s-cluster": K8S, "service-chain": CHAIN } = LAB_STACKS;
const VTY_PASSWORD = "lab-vty-Secret-7f3c";

describe("real engine E2E: pulumi up, preview, stack output, policy and destroy of the local stacks", function () {
    this.timeout(600_000);
    let lab: Lab;
    let env: Record<string, string>;
    let api: KubeApi;
    let gitStatusBefore = "";
    // The files `pulumi config set` and the CLI's salt would write: the project file and the local
    // stacks' files (not the whole tree: others may edit it while this runs).
    const gitStatus = () =>
        out(
            [
                "git",
                "status",
                "--porcelain",
                "--",
                "Pulumi.yaml",
                ...LOCAL_STACKS.map((s) => `stacks/Pulumi.${s}.yaml`),
            ],
            { cwd: PROJECT_DIR },
        );
    const pulumi = (args: string[], o: { allowFail?: boolean } = {}) =>
        run(["pulumi", ...args, "--non-interactive", "--color", "never"], {
            env: { ...process.env, ...env },
            cwd: LAB_PATHS.project,
            timeoutMs: 300_000,
            allowFail: o.allowFail,
        });
    /** stdout of a pulumi command that must succeed. */
    const pulumiOut = async (args: string[]) => (await pulumi(args)).stdout.trim();
    const roleOf = (stack: string) => readStackFile(stack).config["hybrid-vnf:role"] as Role;

    before(async function () {
        this.timeout(1_500_000);
        await acquireLabLock(900_000, log);
        gitStatusBefore = await gitStatus();
        lab = await labUp({ install: false, log, vtyPassword: VTY_PASSWORD });
        env = labToolEnv();
        api = new KubeApi(accessFromKubeconfig(fs.readFileSync(env.KUBECONFIG, "utf8")));
    });

    after(async function () {
        this.timeout(300_000);
        api?.close();
        try {
            await labDown({ log });
        } finally {
            releaseLabLock();
        }
    });

    it("a second look changes nothing: pulumi preview --expect-no-changes passes for each stack", async () => {
        for (const stack of LOCAL_STACKS) {
            const r = await pulumi(["preview", "-s", stack, "--expect-no-changes", "--diff"], { allowFail: true });
            log(`${stack}: preview --expect-no-changes exit ${r.code}`);
            assert.strictEqual(r.code, 0, `${stack}:\n${r.stdout}\n${r.stderr}`);
        }
    });

    it("a refresh changes nothing: pulumi refresh, then preview --expect-no-changes, for each stack (the LB's networks stay named)", async () => {
        for (const stack of LOCAL_STACKS) {
            const refresh = await pulumi(["refresh", "-s", stack, "--yes", "--skip-preview", "--diff"], {
                allowFail: true,
            });
            assert.strictEqual(refresh.code, 0, `${stack} refresh:\n${refresh.stdout}\n${refresh.stderr}`);
            assert.doesNotMatch(
                refresh.stdout + refresh.stderr,
                /Use the id attribute/,
                `${stack}: the provider warns about the network name`,
            );
            const r = await pulumi(["preview", "-s", stack, "--expect-no-changes", "--diff"], { allowFail: true });
            log(`${stack}: refresh exit ${refresh.code}, then preview --expect-no-changes exit ${r.code}`);
            assert.strictEqual(r.code, 0, `${stack} after refresh:\n${r.stdout}\n${r.stderr}`);
        }
        const service = (await exportLabStack(env, CHAIN)).deployment.resources.find(
            (r: { type: string }) => r.type === "docker:index/service:Service",
        );
        for (const side of ["inputs", "outputs"])
            assert.deepStrictEqual(
                service[side].taskSpec.networksAdvanceds.map((n: { name?: string }) => n.name),
                [LAB_NAMES.swarmNetwork],
                `the state's ${side} name the network as the program does`,
            );
    });

    it("the engine's state answers the lab's queries as the plan did: the same router workload, LB service, env, routes and backends", async () => {
        const [plan, state] = [await planViews(), await stateViews()];
        for (const q of [routerWorkload, lbService]) {
            const [p, s] = [q(plan), q(state)];
            log(
                `${s.view.stack}: ${s.resource.type} ${s.resource.name} (${s.resource.urn}), image ${containerImage(s.resource)}`,
            );
            assert.deepStrictEqual(
                [s.view.stack, s.resource.type, s.resource.name, s.resource.urn],
                [p.view.stack, p.resource.type, p.resource.name, p.resource.urn],
            );
            assert.strictEqual(containerImage(s.resource), containerImage(p.resource));
            assert.deepStrictEqual(containerEnv(s.resource).literal, containerEnv(p.resource).literal);
        }
        assert.deepStrictEqual(chainRoutes(state), chainRoutes(plan));
        assert.deepStrictEqual(chainBackends(state), chainBackends(plan));
        assert.strictEqual(
            stackOutput(state, LAB_STACKS["k8s-cluster"], "kubeconfig"),
            fs.readFileSync(env.KUBECONFIG, "utf8"),
            "a secret output, real with --show-secrets",
        );
        assert.deepStrictEqual(
            specsFrom(state).addressing,
            lab.addressing,
            "npm run lab -- status (from the state) addresses the lab as up did",
        );
    });

    it("the lab left the repository's files untouched (stack config, salt and secrets live in .lab/project)", async () => {
        assert.strictEqual(await gitStatus(), gitStatusBefore);
        assert.match(
            fs.readFileSync(path.join(LAB_PATHS.project, "stacks", `Pulumi.${K8S}.yaml`), "utf8"),
            /encryptionsalt:/,
        );
        assert.doesNotMatch(
            fs.readFileSync(path.join(PROJECT_DIR, "stacks", `Pulumi.${K8S}.yaml`), "utf8"),
            /encryptionsalt|secure:/,
        );
    });

    it("the control plane reports the Kubernetes release it was built from", async () => {
        const want = /^KUBERNETES_VERSION=(\S+)$/m.exec(
            fs.readFileSync(path.join(PROJECT_DIR, "engine", "versions.env"), "utf8"),
        )![1];
        const version = await api.get("/version");
        log(`kube-apiserver /version: ${version.gitVersion} (${version.goVersion})`);
        assert.strictEqual(version.gitVersion, `v${want}`);
    });

    it("pulumi stack output --json has exactly the contract's keys and shapes; secrets stay [secret] without --show-secrets", async () => {
        for (const stack of LOCAL_STACKS) {
            const contract = CONTRACTS[roleOf(stack)];
            const shown = JSON.parse(await pulumiOut(["stack", "output", "-s", stack, "--json", "--show-secrets"]));
            const hidden = JSON.parse(await pulumiOut(["stack", "output", "-s", stack, "--json"]));
            assert.deepStrictEqual(Object.keys(shown).sort(), Object.keys(contract.outputs).sort(), stack);
            for (const [key, spec] of Object.entries(contract.outputs)) {
                assert.strictEqual(spec.check(shown[key]), undefined, `${stack}.${key}`);
                if (spec.secret) assert.strictEqual(hidden[key], "[secret]", `${stack}.${key} is a secret`);
                else assert.deepStrictEqual(hidden[key], shown[key], `${stack}.${key}`);
            }
            log(`${stack}: ${Object.keys(shown).join(", ")}`);
        }
        const url = await pulumiOut(["stack", "output", "-s", CHAIN, "loadBalancerUrl"]);
        assert.strictEqual(url, lab.addressing.loadBalancerUrl);
    });

    it("the real scheduler bound the router pod to the node labelled role=router; its Ready comes from the container's probes", async () => {
        const node = await api.get(`/api/v1/nodes/${LAB_NAMES.routerNode()}`);
        assert.strictEqual(node.metadata.labels[ROUTER_NODE_LABEL.key], ROUTER_NODE_LABEL.value);
        const pods = (await api.get("/api/v1/pods?labelSelector=app.kubernetes.io%2Fname%3Dquagga-router")).items;
        assert.strictEqual(pods.length, 1);
        const pod = pods[0];
        assert.strictEqual(
            pod.spec.nodeName,
            LAB_NAMES.routerNode(),
            "bound by kube-scheduler (the Deployment has no nodeName)",
        );
        const ready = pod.status.conditions.find((c: any) => c.type === "Ready");
        assert.strictEqual(ready.status, "True");
        const uid = await out([
            "docker",
            "inspect",
            "-f",
            '{{index .Config.Labels "io.kubernetes.pod.uid"}}',
            LAB_NAMES.routerContainer(),
        ]);
        assert.strictEqual(uid, pod.metadata.uid, "the running container is that pod's");
        // The vty password reached the container from the API's Secret, never from the plan.
        const env = await out(["docker", "inspect", "-f", "{{json .Config.Env}}", LAB_NAMES.routerContainer()]);
        assert.ok(env.includes(`VTY_PASSWORD=${VTY_PASSWORD}`));
        // Readiness follows the container: zebra stopped -> not Ready, and back.
        // zebra stopped (SIGSTOP from the host: the image has no pkill), so the probes time out.
        const zebra = (await out(["docker", "top", LAB_NAMES.routerContainer(), "-eo", "pid,comm"]))
            .split("\n")
            .map((l) => l.trim().split(/\s+/))
            .find((f) => f[1] === "zebra");
        assert.ok(zebra, "zebra runs in the router container");
        const t = Date.now();
        process.kill(Number(zebra[0]), "SIGSTOP");
        try {
            await waitFor(
                "the pod to turn not Ready",
                async () => {
                    const p = await api.get(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`);
                    return p.status.conditions.find((c: any) => c.type === "Ready").status === "False"
                        ? true
                        : undefined;
                },
                120_000,
                500,
            );
        } finally {
            try {
                process.kill(Number(zebra[0]), "SIGCONT");
            } catch {
                // the container was restarted (liveness) meanwhile: that zebra is gone
            }
        }
        const notReadyMs = Date.now() - t;
        await waitFor(
            "the pod to be Ready again",
            async () => {
                const p = await api.get(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`);
                return p.status.conditions.find((c: any) => c.type === "Ready").status === "True" ? true : undefined;
            },
            60_000,
            500,
        );
        log(
            `pod ${pod.metadata.name} on ${pod.spec.nodeName}; zebra stopped: not Ready after ${notReadyMs} ms, Ready again after ${Date.now() - t} ms`,
        );
    });

    it("the backend's state files hold no plaintext secret (kubeconfig key, vty password, passphrase)", () => {
        const kubeconfig = fs.readFileSync(env.KUBECONFIG, "utf8");
        const keyData = /client-key-data: (\S+)/.exec(kubeconfig)![1];
        const secrets = {
            "kubeconfig client key (base64)": keyData,
            "kubeconfig client key (PEM)": Buffer.from(keyData, "base64").toString().split("\n")[1],
            "vty password": VTY_PASSWORD,
            passphrase: fs.readFileSync(LAB_PATHS.passphrase, "utf8").trim(),
        };
        const files = (fs.readdirSync(LAB_PATHS.state, { recursive: true }) as string[])
            .map((f) => path.join(LAB_PATHS.state, f))
            .filter((f) => fs.statSync(f).isFile());
        assert.ok(
            files.some((f) => f.endsWith(`${CHAIN}.json`)),
            "the chain's state is there to search",
        );
        for (const f of files) {
            const text = fs.readFileSync(f, "utf8");
            for (const [what, value] of Object.entries(secrets)) assert.ok(!text.includes(value), `${what} in ${f}`);
        }
        log(`${files.length} state files searched for ${Object.keys(secrets).join(", ")}: none found`);
    });

    it("the policy pack runs inside the engine: previews pass; a privileged pod outside a VNF namespace fails naming the rule", async () => {
        for (const stack of LOCAL_STACKS) {
            const r = await pulumi(["preview", "-s", stack, "--policy-pack", LAB_PATHS.policyPack], {
                allowFail: true,
            });
            assert.strictEqual(r.code, 0, `${stack}:\n${r.stdout}\n${r.stderr}`);
            assert.match(r.stdout, /hybrid-vnf@v[\d.]+ \(local: /, `${stack}: the pack ran`);
        }
        // The stacks' own config checks refuse what the policy would (an unpinned image is a
        // config error first), so the bad variant is a program of its own, previewed only.
        const dir = fs.mkdtempSync(path.join(LAB_PATHS.dir, "policy-bad-"));
        try {
            const fixture = path.join(PROJECT_DIR, "tests", "fixtures", "policy-bad-variant");
            fs.writeFileSync(
                path.join(dir, "Pulumi.yaml"),
                fs.readFileSync(path.join(fixture, "Pulumi.yaml"), "utf8") +
                    `main: ${path.relative(dir, path.join(fixture, "index.ts"))}\n`,
            );
            const inDir = (args: string[]) =>
                run(["pulumi", ...args, "--non-interactive", "--color", "never"], {
                    env: { ...process.env, ...env },
                    cwd: dir,
                    timeoutMs: 300_000,
                    allowFail: true,
                });
            await inDir(["stack", "init", "organization/policy-bad-variant/bad"]);
            await inDir(["config", "set", "--secret", "kubeconfig", fs.readFileSync(env.KUBECONFIG, "utf8")]);
            const bad = await inDir(["preview", "--policy-pack", LAB_PATHS.policyPack]);
            const text = bad.stdout + bad.stderr;
            log(
                `privileged pod in namespace default: preview exit ${bad.code}, ${/.*privileged-pods-only-in-vnf-namespaces.*/.exec(text)?.[0].trim() ?? "(rule not named)"}`,
            );
            assert.notStrictEqual(bad.code, 0);
            assert.match(text, /privileged-pods-only-in-vnf-namespaces/);
            assert.match(text, /mandatory/);
            await inDir(["stack", "rm", "--yes", "--force"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("missing references fail pulumi preview by name: a stack that does not exist, a producer without the output", async () => {
        const k8sStack = readStackFile(CHAIN).config["hybrid-vnf:k8sStack"];
        const tryRef = async (ref: string) => {
            await setLabConfig(env, CHAIN, "hybrid-vnf:k8sStack", ref, false);
            const r = await pulumi(["preview", "-s", CHAIN], { allowFail: true });
            return { code: r.code, text: r.stdout + r.stderr };
        };
        // A producer stack that exists but exports nothing (as before its first `up`).
        await pulumi(["stack", "init", "organization/hybrid-vnf/k8s-empty"]);
        try {
            const missingStack = await tryRef("organization/hybrid-vnf/k8s-nowhere");
            const missingOutput = await tryRef("organization/hybrid-vnf/k8s-empty");
            log(
                `k8sStack=k8s-nowhere: exit ${missingStack.code}, ${missingStack.text
                    .split("\n")
                    .filter((l) => /error/i.test(l) && l.includes("k8s-nowhere"))
                    .pop()
                    ?.trim()}`,
            );
            log(
                `k8sStack=k8s-empty: exit ${missingOutput.code}, ${/.*(required output|output \w+).*k8s-empty.*/i.exec(missingOutput.text)?.[0].trim()}`,
            );
            assert.notStrictEqual(missingStack.code, 0);
            assert.match(missingStack.text, /k8s-nowhere/);
            assert.notStrictEqual(missingOutput.code, 0);
            assert.match(missingOutput.text, /k8s-empty/);
            assert.match(missingOutput.text, /output '?(apacheInfo|kubeconfig)/i);
        } finally {
            await setLabConfig(env, CHAIN, "hybrid-vnf:k8sStack", k8sStack, false);
            await pulumi(["stack", "rm", "-s", "organization/hybrid-vnf/k8s-empty", "--yes"], { allowFail: true });
        }
    });

    it("day 2 under load: a third Apache backend in k8s-local, then up k8s-local and chain-local; the docker provider rolls SERVERS with 0 failed requests", async () => {
        const ip = lab.addressing.apacheIps.length === 2 ? "10.100.102.12" : assert.fail("expected two backends");
        await run([
            "docker",
            "run",
            "--detach",
            "--name",
            LAB_NAMES.apacheBackend(2),
            "--network",
            LAB_NAMES.apacheNetwork,
            "--ip",
            ip,
            "--env",
            "BACKEND_NAME=apache-3",
            "--env",
            `BACKEND_IP=${ip}`,
            "--label",
            `${LAB_NAMES.label}=1`,
            lab.apacheImage,
        ]);
        await pulumi(["config", "set", "-s", K8S, "--path", "hybrid-vnf:apacheIps[2]", ip]);
        const up = (stack: string) => pulumi(["up", "-s", stack, "--yes", "--skip-preview"]);
        await up(K8S);
        const servers = [...lab.addressing.apacheIps, ip].map((h) => `${h}:80`).join(",");
        let done = false;
        const loading = load({
            url: lab.addressing.loadBalancerUrl + "/",
            count: 200_000,
            concurrency: 2,
            timeoutMs: 10_000,
            maxMs: 240_000,
            pauseMs: 2,
            stop: () => done,
        });
        let u;
        try {
            u = await drainedUpdate(lab.addressing, lab.lb, `SERVERS=${servers}`, () => up(CHAIN), {
                holdFrom: "service-update",
            });
        } finally {
            done = true;
        }
        const r = await loading;
        log(
            `pulumi up chain-local rolled SERVERS=${servers} in ${u.updateMs} ms (new connections held ${u.drainMs} ms, ${u.heldSyns} SYNs): ${summary(r)}`,
        );
        assert.strictEqual(r.failed, 0, JSON.stringify(r.failures));
        assert.ok(r.ok > 50, "the client ran during the update");
        const after = await waitFor(
            "all three backends answering",
            async () => {
                const x = await load({
                    url: lab.addressing.loadBalancerUrl + "/",
                    count: 60,
                    concurrency: 2,
                    timeoutMs: 5000,
                    maxMs: 30_000,
                });
                return x.failed === 0 && Object.keys(x.byBackend).length === 3 ? x : undefined;
            },
            60_000,
            1000,
        );
        log(`after: ${summary(after)}`);
        // The chain's backends output, from the engine's state, typed.
        assert.deepStrictEqual(
            chainBackends(await stateViews()),
            [...lab.addressing.apacheIps, ip].map((host) => ({ host, port: 80 })),
        );
    });

    it("pulumi destroy (chain, swarm, k8s) leaves no object of the stacks in the API and no service in Swarm", async () => {
        const ns = (await api.get("/api/v1/pods?labelSelector=app.kubernetes.io%2Fname%3Dquagga-router")).items[0]
            .metadata.namespace;
        await runLabStacks("destroy", env, log);
        await waitFor(
            `namespace ${ns} gone (the namespace controller's finalizer)`,
            async () => ((await api.find(`/api/v1/namespaces/${ns}`)) ? undefined : true),
            120_000,
            500,
        );
        const left = (await api.get("/api/v1/pods?labelSelector=app.kubernetes.io%2Fpart-of%3Dhybrid-vnf")).items;
        assert.deepStrictEqual(
            left.map((p: any) => p.metadata.name),
            [],
        );
        assert.strictEqual(
            await out(["docker", "service", "ls", "-q", "--filter", `label=${VNF_SERVICE_LABEL_KEY}`]),
            "",
        );
        assert.strictEqual(
            await out(["docker", "ps", "-aq", "--filter", `name=^${LAB_NAMES.routerContainer()}$`]),
            "",
            "the node agent stopped the router's container",
        );
        for (const stack of LOCAL_STACKS) {
            const r = await pulumi(["stack", "output", "-s", stack, "--json"], { allowFail: true });
            assert.ok(r.code !== 0 || r.stdout.trim() === "{}", `${stack} has no outputs left`);
        }
    });
});
