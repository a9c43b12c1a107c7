// `npm run lab` as a library (the CLI, the E2E tests and the benchmark share it): build the
// hosts and networks the clouds would give (topology.ts), start a Kubernetes control plane and
// the router node's agent, `pulumi up` the local stacks with the real engine, then send requests
// through the chain and report, with the time of every step.
import * as fs from "fs";
import * as path from "path";
import { planStacks, reveal, revealedInputs } from "../harness/plan";
import { stateView } from "../harness/plan-query";
import { LabAddressing, checkLbFits, labAddressing } from "./topology/addressing";
import { buildImages, ensureDocker, ensureSwarm, imageExists, imageTags, undoEngineChanges } from "./docker-engine";
import { LAB_STACKS, LbSpec, PlanView, RouterSpec, chainBackends, chainRoutes, extractLbSpec, extractRouterSpec } from "./specs/workload-specs";
import { LAB_ROUTE_PROTO, Log, N, apacheAnswering, applyTopology, downTopology, lbTask, nodeRoutes, routerDiagnosis, routerTable } from "./topology/apply-topology";
import { labTopology } from "./topology/build-topology";
import { LoadResult, load, summary, timeToOk } from "./bench/http-load";
import { missingRoutes } from "./bench/figures";
import { waitFor } from "./sh";
import { acquireLabLock, releaseLabLock } from "./lock";
import { alivePid, startControlPlane, startDetached, stopControlPlane, stopDetached } from "./kube/control-plane";
import { LAB_PATHS, LOCAL_STACKS, labStateHasStacks, labToolEnv, prepareLabProject, runLabStacks, setLabConfig, exportLabStack } from "./engine-stacks";
import { NodeAgentConfig } from "./kube/node-agent-main";
import { NODE_AGENT_MAIN } from "./kube/node-agent";
import { ROUTER_NODE_SELECTOR } from "../lib/labels";
import { ConfigReader, PROJECT, mapConfigSource } from "../lib/config-reader";
import { readServiceChainConfig } from "../stacks/service-chain/config";
import { readStackFile } from "../harness/stack-files";
import { toolchainEnv } from "../engine/toolchain";
import { BGP_LAB_ROUTERS, BgpLabInput, LabRouting, NB, bgpLabTopology, labRouterNodes } from "./topology/router-nodes";
import { bgpReportLines, checkNoFrrRoutes, hostNextHops, labStackOverrides, waitForHostNextHops } from "./topology/bgp-queries";
import { labOutput } from "./specs/workload-specs";
import type { K8sClusterOutputs } from "../lib/contract";

export { LOCAL_STACKS };

export interface Lab {
    a: LabAddressing;
    router: RouterSpec;
    lb: LbSpec;
    apacheImage: string;
    steps: { name: string; ms: number }[];
    routing: LabRouting;
    /** bgp mode: the router nodes, the routing model and the FRR image (lab/routing-lab.ts). */
    bgp?: BgpLabInput;
}

/** The local stacks' plan, with real (revealed) inputs, as the pure spec module takes it. */
export async function planViews(routing: LabRouting = "static"): Promise<PlanView[]> {
    const plans = await planStacks(LOCAL_STACKS, { overrides: labStackOverrides(routing) });
    return plans.map((p) => ({
        stack: p.stack,
        outputs: reveal(p).outputs,
        resources: p.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent, inputs: revealedInputs(p, r) })),
    }));
}

/** The deployed local stacks, from the engine's state (`pulumi stack export --show-secrets`). */
export async function stateViews(): Promise<PlanView[]> {
    const views: PlanView[] = [];
    for (const stack of LOCAL_STACKS) views.push(stateView(stack, (await exportLabStack(labToolEnv(), stack)).deployment));
    return views;
}

/** The router's interfaces, as the chain stack's config reader reads them from its stack file (typed). */
export function chainRouterInterfaces(): string[] {
    const prefix = `${PROJECT}:`;
    const file = readStackFile(LAB_STACKS["service-chain"]).config;
    const values = Object.fromEntries(Object.entries(file).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    return readServiceChainConfig(new ConfigReader(mapConfigSource(values))).routerInterfaces;
}

/** The router and LB specs and the lab's addressing, from the stacks' plan or state. */
export function specsFrom(views: PlanView[], routerInterfaces: string[] = chainRouterInterfaces()): Pick<Lab, "a" | "router" | "lb"> {
    const router = extractRouterSpec(views, { interfaces: routerInterfaces, routes: chainRoutes(views) });
    const lb = extractLbSpec(views, chainBackends(views));
    const a = labAddressing(views, router);
    checkLbFits(lb, a);
    return { a, router, lb };
}

function stepper(steps: Lab["steps"], log: Log) {
    return async <T>(name: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        log(`… ${name}`);
        const v = await f();
        steps.push({ name, ms: Date.now() - t0 });
        log(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        return v;
    };
}

export interface UpOptions {
    /** Install docker.io / start dockerd when missing (the CLI as root on Debian); tests say what is missing instead. */
    install: boolean;
    /** Run images/build.sh (default true). */
    build?: boolean;
    /** Set hybrid-vnf:routerVtyPassword (secret) on chain-local: a Secret and a vty Service too. */
    vtyPassword?: string;
    /** static (default, the seed's design) or bgp: two router nodes, the host's and the backends' FRR (lab/routing-lab.ts). */
    routing?: LabRouting;
    /** How long to wait for another lab run on this machine to finish (default 10 min). */
    lockWaitMs?: number;
    log?: Log;
}

export async function labUp(o: UpOptions): Promise<Lab> {
    const log = o.log ?? ((s: string) => process.stderr.write(`lab: ${s}\n`));
    await acquireLabLock(o.lockWaitMs ?? 600_000, log);
    try {
        return await labUpLocked(o, log);
    } finally {
        releaseLabLock();
    }
}

async function labUpLocked(o: UpOptions, log: Log): Promise<Lab> {
    const steps: Lab["steps"] = [];
    const step = stepper(steps, log);
    await step("Docker Engine", async () => log(`Docker ${await ensureDocker({ install: o.install, log })}`));
    await step("engine toolchain (npm run engine)", async () => log(`PULUMI_HOME=${toolchainEnv().PULUMI_HOME}`));
    const routing = o.routing ?? "static";
    const views = await step(`plan k8s-local, swarm-local, chain-local (routing ${routing})`, () => planViews(routing));
    const { a, router, lb } = await step("take the router and LB specs", async () => specsFrom(views));
    const k8sOut = <K extends keyof K8sClusterOutputs>(key: K) => labOutput<K8sClusterOutputs[K]>(views, LOCAL_STACKS[0], key);
    const model = k8sOut("routing");
    const bgp: BgpLabInput | undefined = routing === "bgp" && model.mode === "bgp"
        ? { a, nodes: labRouterNodes(a, k8sOut("routerHosts")), routing: model, password: k8sOut("bgpPassword"), frrImage: router.image }
        : undefined;
    if (routing === "bgp" && !bgp) throw new Error(`${LOCAL_STACKS[0]}: planned with routing bgp but its routing output is ${JSON.stringify(model)}`);
    const nodes = bgp?.nodes ?? [{ node: N.node, router: N.router, agent: NB.agent(0), clusterIp: a.routerHost, apacheIp: a.routerApacheIp }];
    await step("clear leftovers of an earlier lab", () => downLocked(log));
    if (o.build !== false) await step("images (bootstrap base, build)", () => buildImages(log));
    const apacheImage = imageTags().find((t) => t.startsWith("hybrid-vnf/apache:"))!;
    await step("planned images present", async () => {
        for (const [what, img] of [[router.source, router.image], [lb.source, lb.image], ["apache backends", apacheImage]]) {
            if (!(await imageExists(img))) throw new Error(`${what}: image ${img} is not built here (images/build.sh builds hybrid-vnf/*:$(cat images/VERSION))`);
        }
    });
    await step("swarm mode", async () => log(await ensureSwarm()));
    if (bgp) await step("no routes of FRR's protocols on this host (the swarm host's zebra runs in its root namespace)", checkNoFrrRoutes);
    // The hosts and networks the clouds would give, the safety route first (before any lab packet).
    const base = labTopology(a, lb.ports.find((p) => p.published === a.lbPort)!.target, apacheImage);
    await applyTopology(bgp ? bgpLabTopology(base, bgp) : base, step);
    const cp = await step("Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler)", () =>
        startControlPlane(LAB_PATHS.controlPlane, log));
    await step(`router nodes ${nodes.map((n) => n.node).join(", ")} in the API (labelled ${JSON.stringify(ROUTER_NODE_SELECTOR)}), one node agent each`, async () => {
        for (const n of nodes) {
            const config: NodeAgentConfig = {
                kubeconfigPath: cp.kubeconfigPath,
                nodeName: n.node,
                nodeLabels: { ...ROUTER_NODE_SELECTOR },
                nodeIp: n.clusterIp,
                netnsContainer: n.node,
                containerName: n.router,
                containerLabels: { [N.label]: "1" },
            };
            startDetached(LAB_PATHS.dir, n.agent, [process.execPath, "-r", "ts-node/register/transpile-only", NODE_AGENT_MAIN, JSON.stringify(config)]);
        }
    });
    const env = labToolEnv(cp.kubeconfigPath);
    await step("project copy in .lab/project, kubeconfig as the secret hybrid-vnf:kubeconfig of k8s-local", async () => {
        prepareLabProject();
        await setLabConfig(env, LOCAL_STACKS[0], "hybrid-vnf:kubeconfig", cp.kubeconfig, true);
        if (o.vtyPassword !== undefined) await setLabConfig(env, LOCAL_STACKS[2], "hybrid-vnf:routerVtyPassword", o.vtyPassword, true);
        // The same overrides the plan above used (bgp: routing and routerHosts of k8s-local).
        for (const [stack, values] of Object.entries(labStackOverrides(routing))) {
            for (const [key, value] of Object.entries(values)) await setLabConfig(env, stack, key, typeof value === "string" ? value : JSON.stringify(value), false);
        }
    });
    await step(`pulumi up ${LOCAL_STACKS.join(", ")} (real engine, policy pack hybrid-vnf)`, () => runLabStacks("deploy", env, log));
    await step(`router pods' ROUTES in ${nodes.length === 1 ? "the node's" : "every node's"} kernel table (proto 196)`, async () => {
        for (const n of nodes) {
            try {
                await waitFor(`the router's ROUTES in ${n.node}'s kernel table (proto 196)`, async () =>
                    missingRoutes(router.routes, await nodeRoutes(n.node)).length === 0 ? true : undefined, 30_000);
            } catch (e) {
                throw new Error(`${(e as Error).message}\n${await routerDiagnosis(n.router)}`);
            }
        }
        await apacheAnswering(a);
    });
    if (bgp) {
        await step(`this host's ${a.apacheCidr}: one ECMP next hop per router (BGP from ${bgp.nodes.length} routers)`, () =>
            waitForHostNextHops(a.apacheCidr, bgp.nodes.map((n) => n.clusterIp), 60_000));
    }
    await step("LB Swarm service (made by the docker provider) answering on loadBalancerUrl", async () => {
        await timeToOk(`${a.loadBalancerUrl}/healthz`, 90_000, { intervalMs: 250 });
        log(`LB task ${await lbTask(lb.serviceName)} answers on ${a.loadBalancerUrl}`);
    });
    for (const x of [...router.notApplied.map((s) => `router: ${s}`), ...lb.notApplied.map((s) => `lb: ${s}`)]) log(`not applied: ${x}`);
    return { a, router, lb, apacheImage, steps, routing, bgp };
}

/** pulumi destroy (chain, swarm, k8s), then the agent, the control plane and the topology. */
async function downLocked(log: Log): Promise<void> {
    if (labStateHasStacks()) {
        if (alivePid(path.join(LAB_PATHS.controlPlane, "kube-apiserver.pid")) === undefined) {
            log("the lab's state holds stacks but its control plane is gone: the state is dropped (its objects went with the control plane)");
        } else {
            // A destroy that fails (an object removed behind the engine's back) must not leave the
            // lab stuck: everything the stacks made lives in the lab's control plane, removed next,
            // or is a Swarm service carrying the VNF label, which downTopology removes.
            await runLabStacks("destroy", labToolEnv(), log).catch((e: Error) =>
                log(`${e.message.split("\n")[0]}; the state is dropped and the stacks' objects are removed with the control plane and by label`));
        }
    }
    for (let i = 0; i < BGP_LAB_ROUTERS; i++) if (await stopDetached(LAB_PATHS.dir, NB.agent(i))) log(`node agent ${NB.agent(i)} stopped`);
    await stopControlPlane(LAB_PATHS.controlPlane, log);
    fs.rmSync(LAB_PATHS.state, { recursive: true, force: true });
    fs.rmSync(LAB_PATHS.project, { recursive: true, force: true });
    await downTopology(log);
}

export async function labDown(o: { log?: Log; engine?: boolean } = {}): Promise<void> {
    const log = o.log ?? ((s: string) => process.stderr.write(`lab: ${s}\n`));
    await acquireLabLock(600_000, log);
    try {
        await downLocked(log);
        if (o.engine !== false) await undoEngineChanges(log);
    } finally {
        releaseLabLock();
    }
}

export interface SmokeReport {
    load: LoadResult;
    routerTable: string;
    routeProblems: string[];
    /** bgp mode: this host's next hops for the Apache network. */
    hostNextHops?: string[];
}

export async function smoke(lab: Lab, count = 200): Promise<SmokeReport> {
    const t0 = Date.now();
    const r = await load({ url: lab.a.loadBalancerUrl + "/", count, concurrency: 4, timeoutMs: 10_000, maxMs: 60_000 });
    lab.steps.push({ name: `${count} requests through the chain`, ms: Date.now() - t0 });
    const hops = lab.bgp ? await hostNextHops(lab.a.apacheCidr) : undefined;
    return { load: r, routerTable: await routerTable(), routeProblems: missingRoutes(lab.router.routes, await nodeRoutes()), hostNextHops: hops };
}

export function report(lab: Lab, s: SmokeReport): string {
    const a = lab.a;
    const lines = [
        "hybrid-vnf lab: the service chain on this machine",
        `  client -> ${a.loadBalancerUrl} (LB Swarm service ${lab.lb.serviceName}, host-mode port on ${N.swarmBridge} ${a.swarmCidr}, host = ${a.managerIp})`,
        ...(lab.bgp
            ? [...bgpReportLines(lab.bgp, s.hostNextHops ?? []), `  Apache backends ${a.apacheIps.join(", ")} on ${N.apacheBridge} (no host address), ${a.clusterCidr} learned by BGP from every router`]
            : [
                  `  host route ${a.apacheCidr} via ${a.routerHost} dev ${N.hostClusterIf} (host leg ${a.hostClusterIp}; all lab host routes: ip route show proto ${LAB_ROUTE_PROTO})`,
                  `  router node netns ${N.node}: ${a.nodeIfaces[0]} ${a.routerHost} (cluster ${a.clusterCidr}), ${a.nodeIfaces[1]} ${a.routerApacheIp}/32 (Apache ${a.apacheCidr}); router container ${N.router}`,
                  `  Apache backends ${a.apacheIps.join(", ")} on ${N.apacheBridge} (no host address), default via ${a.routerApacheIp}`,
              ]),
        `  safety: unreachable ${a.supernet} on the host`,
        `specs from the plan: router ${lab.router.image} (${lab.router.source}) ROUTES="${lab.router.env.ROUTES}"; LB ${lab.lb.image} (${lab.lb.source}) SERVERS="${lab.lb.env.SERVERS}"`,
        "",
        `requests: ${summary(s.load)}`,
        "",
        `router ${N.node} kernel table (ip route):`,
        ...s.routerTable.split("\n").map((l) => `  ${l}`),
        s.routeProblems.length ? `ROUTES NOT INSTALLED: ${s.routeProblems.join("; ")}` : "  every ROUTES entry is in the kernel as proto 196 (zebra static)",
        "",
        "steps:",
        ...lab.steps.map((x) => `  ${(x.ms / 1000).toFixed(1).padStart(6)} s  ${x.name}`),
        `  ${(lab.steps.reduce((n, x) => n + x.ms, 0) / 1000).toFixed(1).padStart(6)} s  total`,
    ];
    return lines.join("\n") + "\n";
}
