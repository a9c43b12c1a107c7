// End-to-end: the real chain on this machine's Docker Engine (npm run lab), with faults.
// Every test asserts numbers and prints them. No Docker means FAILED with what is missing
// (CI installs and starts it first), never skipped.
import * as assert from "assert";
import { Lab, labDown, labUp } from "../../lab/lab";
import { LAB_NAMES } from "../../lab/names";
import { TOPOLOGY_FILE, applyTopology, lbTask, nodeRoutes, routerTable } from "../../lab/topology/apply-topology";
import { labLeftovers } from "../../lab/topology/teardown-topology";
import { labTopology } from "../../lab/topology/build-topology";
import { UpdateResult, rollingUpdate } from "../../lab/topology/lb-front-door";
import { load, summary, timeToOk } from "../../lab/bench/http-load";
import { shares } from "../../lab/bench/figures";
import { missingRoutes } from "../../lab/topology/route-checks";
import * as fs from "fs";
import { lbRunArgs, routerRunArgs } from "../../lab/specs/workload-run-args";
import { KubeApi, accessFromKubeconfig } from "../../lab/kube/kube-api";
import { labToolEnv } from "../../lab/engine-stacks";
import { out, run, sleep, waitFor } from "../../lab/sh";
import { acquireLabLock, releaseLabLock } from "../../lab/lock";

const log = (s: string) => process.stdout.write(`      ${s}\n`);
const ns = (argv: string[]) => ["ip", "netns", "exec", LAB_NAMES.routerNode(), ...argv];

describe("lab E2E: client -> Nginx LB (Swarm) -> FRR router (node netns) -> Apache", function () {
    this.timeout(180_000);
    let lab: Lab;
    let url: string;
    let t0 = 0;
    const through = (count: number, extra: Partial<Parameters<typeof load>[0]> = {}) =>
        load({ url, count, concurrency: 4, timeoutMs: 10_000, maxMs: 90_000, ...extra });
    /** Both backends back in rotation (nginx forgets a failed peer after its fail_timeout). */
    const bothAnswer = () =>
        waitFor(
            "both backends in rotation",
            async () => {
                const r = await through(20);
                return r.failed === 0 && Object.keys(r.byBackend).length === 2 ? true : undefined;
            },
            60_000,
            1000,
        );

    before(async function () {
        this.timeout(1_500_000); // a first image build on a fresh machine takes minutes
        t0 = Date.now();
        // The whole suite holds the machine-wide lab lock: a concurrent run would kill our tasks.
        await acquireLabLock(900_000, log);
        lab = await labUp({ install: false, log });
        url = lab.addressing.loadBalancerUrl + "/";
    });

    after(async function () {
        this.timeout(300_000);
        try {
            await labDown({ log });
        } finally {
            releaseLabLock();
        }
        log(`lab E2E wall time (up, tests, down): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    it("200 requests through the LB: both backends answer, each at least 30%", async () => {
        const r = await through(200);
        log(summary(r));
        assert.strictEqual(r.failed, 0, JSON.stringify(r.failures));
        assert.strictEqual(r.ok, 200);
        const s = shares(r.byBackend);
        assert.deepStrictEqual(Object.keys(s).sort(), ["apache-1", "apache-2"]);
        for (const [b, share] of Object.entries(s))
            assert.ok(share >= 0.3, `${b} answered ${(share * 100).toFixed(0)}%`);
    });

    it("the router's kernel table holds the ROUTES routes (proto 196, zebra static) and the host reaches Apache only via the router", async () => {
        const table = await nodeRoutes();
        log(`router table:\n${(await routerTable()).replace(/^/gm, "        ")}`);
        assert.deepStrictEqual(missingRoutes(lab.router.routes, table), []);
        const apacheRoutes = table.filter((r) => r.dst === lab.addressing.apacheCidr);
        assert.deepStrictEqual(
            apacheRoutes.map((r) => [r.protocol, r.dev]),
            [["196", lab.addressing.nodeIfaces[1]]],
            "one Apache route, zebra's",
        );
        const get = await out(["ip", "route", "get", lab.addressing.apacheIps[0]]);
        assert.match(
            get,
            new RegExp(`via ${lab.addressing.routerHost.replace(/\./g, "\\.")} dev ${LAB_NAMES.hostClusterLeg()}`),
        );
        assert.strictEqual(
            await out(["ip", "-4", "-o", "address", "show", "dev", LAB_NAMES.apacheBridge]),
            "",
            "no host address on the Apache bridge",
        );
        const backendRoute = await out(["docker", "exec", LAB_NAMES.apacheBackend(0), "cat", "/proc/net/route"]);
        // Default route (destination 00000000) of the backend points at the router's Apache leg.
        const gw =
            backendRoute
                .split("\n")
                .find((l) => l.split(/\s+/)[1] === "00000000")
                ?.split(/\s+/)[2] ?? "";
        const gwIp = gw
            .match(/../g)!
            .reverse()
            .map((h) => parseInt(h, 16))
            .join(".");
        assert.strictEqual(gwIp, lab.addressing.routerApacheIp, "the backend's replies go to the router");
    });

    it("zebra puts back an Apache route deleted behind its back", async () => {
        await run(ns(["ip", "route", "del", lab.addressing.apacheCidr]));
        const t = Date.now();
        await waitFor(
            "zebra to reinstall the route",
            async () => (missingRoutes(lab.router.routes, await nodeRoutes()).length === 0 ? true : undefined),
            10_000,
            20,
        );
        log(`kernel route deleted with ip route del: back (proto 196) after ${Date.now() - t} ms`);
        const r = await through(20);
        assert.strictEqual(r.failed, 0);
    });

    it("the path crosses the router: without its route requests fail; after a router restart routes and requests recover in < 10 s", async () => {
        const [routeLine] = lab.router.routes
            .filter((r) => r.prefix === lab.addressing.apacheCidr)
            .map((r) => `ip route ${r.prefix} ${r.via.kind === "dev" ? r.via.iface : r.via.address}`);
        const direct = `http://${lab.addressing.apacheIps[0]}/`;
        const removeRoute = async () => {
            await run([
                "docker",
                "exec",
                LAB_NAMES.routerContainer(),
                "vtysh",
                "-c",
                "configure terminal",
                "-c",
                `no ${routeLine}`,
            ]);
            await waitFor(
                "the route to leave the kernel",
                async () => ((await nodeRoutes()).some((r) => r.dst === lab.addressing.apacheCidr) ? undefined : true),
                5000,
                20,
            );
            const d = await run(["curl", "-s", "-m", "2", "-o", "/dev/null", direct], { allowFail: true });
            assert.notStrictEqual(d.code, 0, "the host's own path to Apache goes through the router too");
        };
        const recovery = async (how: string, restart: () => Promise<unknown>) => {
            const t = Date.now();
            await restart();
            const restartMs = Date.now() - t;
            await waitFor(
                "ROUTES back in the kernel",
                async () => (missingRoutes(lab.router.routes, await nodeRoutes()).length === 0 ? true : undefined),
                30_000,
                20,
            );
            const routesMs = Date.now() - t;
            await timeToOk(direct, 30_000, { intervalMs: 50 });
            const directMs = Date.now() - t;
            await waitFor(
                "20 requests in a row through the LB",
                async () => ((await through(20)).failed === 0 ? true : undefined),
                30_000,
                100,
            );
            const lbMs = Date.now() - t;
            log(
                `${how}: command ${restartMs} ms, ROUTES in kernel ${routesMs} ms, host->Apache ${directMs} ms, 20 ok through the LB ${lbMs} ms`,
            );
            return { how, ms: Math.max(routesMs, directMs, lbMs) };
        };

        await removeRoute();
        const failed = await through(20, { timeoutMs: 15_000 });
        log(`router without "${routeLine}": ${summary(failed)}`);
        assert.strictEqual(failed.ok, 0, "no request may reach Apache without the router's route");
        // nginx's passive health check keeps failed peers out for fail_timeout (10 s); let it
        // lapse so the recovery below measures the router, not nginx's memory of the outage.
        await sleep(11_000);
        // Docker's restart keeps the container's filesystem (as --restart always does after a crash).
        const restarted = await recovery("docker restart (same container)", () =>
            run(["docker", "restart", LAB_NAMES.routerContainer()]),
        );
        await removeRoute();
        // The pod deleted through the API: the ReplicaSet makes a new one, the scheduler binds it
        // to the router node, and the node agent runs it from the spec it reads back.
        const recreated = await recovery("pod deleted via the API (ReplicaSet, scheduler, node agent)", async () => {
            const api = new KubeApi(accessFromKubeconfig(fs.readFileSync(labToolEnv().KUBECONFIG, "utf8")));
            try {
                const [pod] = (await api.get("/api/v1/pods?labelSelector=app.kubernetes.io%2Fname%3Dquagga-router"))
                    .items;
                await api.remove(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`);
                await waitFor(
                    "a new router pod's container",
                    async () => {
                        const uid = await out(
                            [
                                "docker",
                                "inspect",
                                "-f",
                                '{{index .Config.Labels "io.kubernetes.pod.uid"}}',
                                LAB_NAMES.routerContainer(),
                            ],
                            { allowFail: true },
                        );
                        return uid !== "" && uid !== pod.metadata.uid ? true : undefined;
                    },
                    60_000,
                    100,
                );
            } finally {
                api.close();
            }
        });
        assert.ok(restarted.ms < 10_000, `${restarted.how}: recovery took ${restarted.ms} ms`);
        // A new pod goes through the controllers, the scheduler and the agent's startup probe.
        assert.ok(recreated.ms < 30_000, `${recreated.how}: recovery took ${recreated.ms} ms`);
    });

    it("one Apache backend stopped: 0 client-visible failures over 200 requests", async () => {
        // Paced so the stop lands mid-run: requests before, during and after apache-2 goes away.
        const loading = through(200, { pauseMs: 20 });
        await sleep(300);
        const t = Date.now();
        await run(["docker", "stop", LAB_NAMES.apacheBackend(1)]);
        const stopMs = Date.now() - t;
        const r = await loading;
        const after = await through(50);
        log(`apache-2 stopped (docker stop ${stopMs} ms) during 200 requests: ${summary(r)}; then ${summary(after)}`);
        assert.strictEqual(r.failed + after.failed, 0, JSON.stringify({ ...r.failures, ...after.failures }));
        assert.strictEqual(r.ok, 200);
        assert.ok(r.wallMs > 300 + stopMs, "the stop happened while the client ran");
        assert.deepStrictEqual(Object.keys(after.byBackend), ["apache-1"], "only the running backend answers");
        await run(["docker", "start", LAB_NAMES.apacheBackend(1)]);
        await bothAnswer();
    });

    it("the LB task killed: Swarm reschedules it (time to recovery measured)", async () => {
        const before = await lbTask(lab.lb.serviceName);
        const t = Date.now();
        await run(["docker", "kill", before]);
        await waitFor(
            "the killed task to be down",
            async () =>
                (await out(["docker", "inspect", "-f", "{{.State.Running}}", before])) === "false" ? true : undefined,
            10_000,
            50,
        );
        await timeToOk(url, 60_000, { intervalMs: 100, requestTimeoutMs: 1000 });
        const ms = Date.now() - t;
        const afterTask = await lbTask(lab.lb.serviceName);
        log(
            `LB task ${before} killed: Swarm started ${afterTask}, requests answered again after ${ms} ms (restart delay from the plan: ${/--restart-delay (\S+)/.exec(lab.lb.policyFlags.join(" "))?.[1]})`,
        );
        assert.notStrictEqual(afterTask, before, "a new task");
        const r = await through(50);
        assert.strictEqual(r.failed, 0);
    });

    it("SERVERS changed with a rolling update: 0 failed requests during the update", async () => {
        const update = async (servers: string) => {
            let done = false;
            // The client runs for the whole update, bounded in time and count, 2 connections.
            const loading = through(200_000, { stop: () => done, maxMs: 170_000, concurrency: 2, pauseMs: 2 });
            let u: UpdateResult;
            try {
                u = await rollingUpdate(lab.addressing, lab.lb, `SERVERS=${servers}`);
            } finally {
                done = true;
            }
            return { ...u, r: await loading };
        };
        const order = /--update-order (\S+)/.exec(lab.lb.policyFlags.join(" "))?.[1];
        const one = `${lab.addressing.apacheIps[1]}:80`;
        const u1 = await update(one);
        const only = await through(40);
        log(
            `update to SERVERS=${one} (order ${order}) took ${u1.updateMs} ms, new connections held ${u1.drainMs} ms (${u1.heldSyns} SYNs): ${summary(u1.r)}`,
        );
        assert.strictEqual(u1.r.failed, 0, JSON.stringify(u1.r.failures));
        assert.ok(u1.r.ok > 50, "the client really ran during the update");
        assert.deepStrictEqual(Object.keys(only.byBackend), ["apache-2"], "the new SERVERS is in effect");
        const u2 = await update(lab.lb.env.SERVERS);
        log(
            `update back to SERVERS=${lab.lb.env.SERVERS} took ${u2.updateMs} ms, held ${u2.drainMs} ms (${u2.heldSyns} SYNs): ${summary(u2.r)}`,
        );
        assert.strictEqual(u2.r.failed, 0, JSON.stringify(u2.r.failures));
        await bothAnswer();
    });

    it("bad ROUTES / SERVERS env: the container exits non-zero naming the bad entry", async () => {
        const badRoute = "10.100.102.0/33 dev eth1";
        const router = await run(
            [
                "docker",
                "run",
                ...routerRunArgs(lab.router, {
                    name: "hvnf-lab-badenv-router",
                    labels: { [LAB_NAMES.label]: "1" },
                    env: { ROUTES: `${lab.router.env.ROUTES},${badRoute}` },
                    detach: false,
                }),
            ],
            { allowFail: true, timeoutMs: 60_000 },
        );
        const badServer = "10.100.102.10:99999";
        const lb = await run(
            [
                "docker",
                "run",
                ...lbRunArgs(lab.lb, {
                    name: "hvnf-lab-badenv-lb",
                    network: "none",
                    labels: { [LAB_NAMES.label]: "1" },
                    env: { SERVERS: `${lab.lb.env.SERVERS},${badServer}` },
                    detach: false,
                }),
            ],
            { allowFail: true, timeoutMs: 60_000 },
        );
        log(`router ROUTES+="${badRoute}": exit ${router.code}: ${router.stderr.trim()}`);
        log(`LB SERVERS+="${badServer}": exit ${lb.code}: ${lb.stderr.trim()}`);
        assert.notStrictEqual(router.code, 0);
        assert.ok(router.stderr.includes(badRoute) && router.stderr.includes("ROUTES"), router.stderr);
        assert.notStrictEqual(lb.code, 0);
        assert.ok(lb.stderr.includes(badServer) && lb.stderr.includes("SERVERS"), lb.stderr);
    });

    it('after eval "$(npm run --silent lab -- env)", the docs\' commands work as written, the policy pack too', async () => {
        // docs/lab.md's block, plus the policy pack by its relative path (docs/operations.md).
        const commands = [
            "pulumi stack ls",
            "pulumi stack output -s chain-local loadBalancerUrl",
            "pulumi preview -s chain-local --policy-pack policy",
            "kubectl get pods -A -o wide",
            "docker service ls",
        ];
        const script = ['eval "$(npm run --silent lab -- env)"', "set -e", ...commands, "pwd"].join("\n");
        const r = await run(["bash", "-c", script], { timeoutMs: 170_000, allowFail: true });
        log(r.stdout.trim().split("\n").slice(-3).join(" | "));
        assert.strictEqual(r.code, 0, `${r.stderr}\n${r.stdout}`.trim().split("\n").slice(-20).join("\n"));
        assert.ok(r.stdout.includes(lab.addressing.loadBalancerUrl), "stack output printed the URL");
        assert.match(r.stdout, /hybrid-vnf@v[\d.]+ \(local: /, "the preview ran the policy pack");
        assert.ok(r.stdout.trim().endsWith("/.lab/project"), "the env leaves the shell in the project copy");
    });

    it("down removes every container, service, network, namespace, route and rule, and is idempotent", async () => {
        for (const round of [1, 2]) {
            const t = Date.now();
            await labDown({ log, engine: false });
            const left = await labLeftovers();
            log(`down #${round}: ${Date.now() - t} ms, left: ${left.length ? left.join("; ") : "nothing"}`);
            assert.deepStrictEqual(left, []);
        }
    });

    it("down after a partial apply removes what was made, from the record and, without it, by the lab's names", async () => {
        const lbTargetPort = lab.lb.ports.find((p) => p.published === lab.addressing.lbPort)!.target;
        const { addressing, apacheImage, routers } = lab;
        const topology = labTopology({ addressing, lbTargetPort, apacheImage, routers });
        for (const record of [true, false]) {
            // A run that stops after its third step (safety route, networks, node and legs).
            let steps = 0;
            const partial = applyTopology(topology, async (name, f) => {
                if (++steps > 3) throw new Error(`stopped before: ${name}`);
                return f();
            });
            await assert.rejects(partial, /stopped before: host routes/);
            assert.ok((await labLeftovers()).length >= 4, "the partial apply made things");
            if (!record) fs.rmSync(TOPOLOGY_FILE);
            const t = Date.now();
            await labDown({ log, engine: false });
            const left = await labLeftovers();
            log(
                `partial apply (${steps - 1} steps), down ${record ? "from the record" : "without a record"}: ${Date.now() - t} ms, left: ${left.length ? left.join("; ") : "nothing"}`,
            );
            assert.deepStrictEqual(left, []);
        }
    });
});
