// `npm run lab` as a library (the CLI, the E2E tests and the benchmarks share it): build what is
// missing (engine toolchain, images), the hosts and networks the clouds would give (topology/),
// start a Kubernetes control plane and the router nodes' agents (kube/), `pulumi up` the local
// stacks with the real engine, and wait until the chain answers, with the time of every step.
import * as fs from "fs";
import * as path from "path";
import { LabAddressing } from "./topology/addressing";
import { ensureDocker, ensureSwarm, undoEngineChanges } from "./docker-engine";
import { imageExists, provision, provisionFacts, vnfImageTags } from "./provision";
import { LbSpec, RouterSpec, labOutput } from "./specs/workload-specs";
import { labStackOverrides, planViews, specsFrom } from "./specs/stack-views";
import { apacheAnswering, applyTopology, lbTask, nodeRoutes, routerDiagnosis } from "./topology/apply-topology";
import { downTopology } from "./topology/teardown-topology";
import { labTopology } from "./topology/build-topology";
import { LabBgp } from "./topology/frr-containers";
import { BGP_LAB_ROUTERS, LabRouterNode, LabRouting, labRouterNodes } from "./topology/router-nodes";
import { checkNoFrrRoutes, waitForHostNextHops } from "./topology/bgp-queries";
import { timeToOk } from "./bench/http-load";
import { missingRoutes } from "./topology/route-checks";
import { waitFor } from "./sh";
import { Log, Step, TimedStep, stderrLog, stepper } from "./steps";
import { acquireLabLock, releaseLabLock } from "./lock";
import { alivePid, startControlPlane, startDetached, stopControlPlane, stopDetached } from "./kube/control-plane";
import { LAB_PATHS, LOCAL_STACKS, labStateHasStacks, labToolEnv, prepareLabProject } from "./engine-stacks";
import { runLabStacks, setLabConfig } from "./engine-stacks";
import { NodeAgentConfig } from "./kube/node-agent-main";
import { NODE_AGENT_MAIN } from "./kube/node-agent";
import { LAB_NAMES } from "./names";
import { ROUTER_NODE_SELECTOR } from "../lib/labels";
import { toolchainEnv } from "../engine/toolchain";
import type { K8sClusterOutputs } from "../lib/contract";

export interface Lab {
    addressing: LabAddressing;
    router: RouterSpec;
    lb: LbSpec;
    apacheImage: string;
    steps: TimedStep[];
    routing: LabRouting;
    /** The router nodes: one in static mode, one per routerHosts entry in bgp mode. */
    routers: LabRouterNode[];
    /** bgp mode: the routing model, password and FRR image (lab/topology/frr-containers.ts). */
    bgp?: LabBgp;
}

export interface UpOptions {
    /**
     * Install or build what is missing (the CLI, as root on Debian): docker.io and dockerd, the
     * engine toolchain; the tests say what is missing instead.
     */
    install: boolean;
    /** Run images/build.sh even when the images are present (default true); missing ones are always built. */
    build?: boolean;
    /** Set hybrid-vnf:routerVtyPassword (secret) on chain-local: a Secret and a vty Service too. */
    vtyPassword?: string;
    /** static (default, the seed's design) or bgp: two router nodes, the host's and the backends' FRR. */
    routing?: LabRouting;
    /** How long to wait for another lab run on this machine to finish (default 10 min). */
    lockWaitMs?: number;
    log?: Log;
}

export async function labUp(o: UpOptions): Promise<Lab> {
    const log = o.log ?? stderrLog;
    await acquireLabLock(o.lockWaitMs ?? 600_000, log);
    try {
        return await labUpLocked(o, log);
    } finally {
        releaseLabLock();
    }
}

async function labUpLocked(o: UpOptions, log: Log): Promise<Lab> {
    const steps: TimedStep[] = [];
    const step = stepper(steps, log);
    await step("Docker Engine", async () => log(`Docker ${await ensureDocker({ install: o.install, log })}`));
    const facts = await step("what is built (engine toolchain, images)", () =>
        provisionFacts({ install: o.install, rebuild: o.build !== false }),
    );
    await provision(facts, step, log);
    log(`engine toolchain: PULUMI_HOME=${toolchainEnv().PULUMI_HOME}`);
    const routing = o.routing ?? "static";
    const views = await step(`plan ${LOCAL_STACKS.join(", ")} (routing ${routing})`, () => planViews(routing));
    const { addressing, router, lb } = await step("take the router and LB specs", async () => specsFrom(views));
    const k8sOut = <K extends keyof K8sClusterOutputs>(key: K) =>
        labOutput<K8sClusterOutputs[K]>(views, LOCAL_STACKS[0], key);
    const model = k8sOut("routing");
    if (routing === "bgp" && model.mode !== "bgp") {
        throw new Error(
            `${LOCAL_STACKS[0]}: planned with routing bgp but its routing output is ${JSON.stringify(model)}`,
        );
    }
    const bgp: LabBgp | undefined =
        routing === "bgp" && model.mode === "bgp"
            ? { routing: model, password: k8sOut("bgpPassword"), frrImage: router.image }
            : undefined;
    const routers = labRouterNodes(addressing, bgp ? k8sOut("routerHosts") : [addressing.routerHost]);
    await step("clear leftovers of an earlier lab", () => downLocked(log));
    const apacheImage = vnfImageTags().apache;
    await step("planned images present", async () => {
        for (const [what, img] of [
            [router.source, router.image],
            [lb.source, lb.image],
            ["apache backends", apacheImage],
        ]) {
            if (!(await imageExists(img))) {
                const build = "images/build.sh builds hybrid-vnf/*:$(cat images/VERSION)";
                throw new Error(`${what}: image ${img} is not built here (${build})`);
            }
        }
    });
    await step("swarm mode", async () => log(await ensureSwarm()));
    if (bgp) {
        await step(
            "no routes of FRR's protocols on this host (the swarm host's zebra runs in its root namespace)",
            checkNoFrrRoutes,
        );
    }
    // The hosts and networks the clouds would give, the safety route first (before any lab packet).
    const lbTargetPort = lb.ports.find((p) => p.published === addressing.lbPort)!.target;
    await applyTopology(labTopology({ addressing, lbTargetPort, apacheImage, routers, bgp }), step);
    await deployStacks({ routers, routing, vtyPassword: o.vtyPassword }, step, log);
    await step(
        `router pods' ROUTES in ${routers.length === 1 ? "the node's" : "every node's"} kernel table (proto 196)`,
        async () => {
            for (const n of routers) {
                try {
                    await waitFor(
                        `the router's ROUTES in ${n.node}'s kernel table (proto 196)`,
                        async () =>
                            missingRoutes(router.routes, await nodeRoutes(n.node)).length === 0 ? true : undefined,
                        30_000,
                    );
                } catch (e) {
                    throw new Error(`${(e as Error).message}\n${await routerDiagnosis(n.router)}`);
                }
            }
            await apacheAnswering(addressing);
        },
    );
    if (bgp) {
        const hops = routers.map((n) => n.clusterIp);
        await step(
            `this host's ${addressing.apacheCidr}: one ECMP next hop per router (BGP from ${routers.length} routers)`,
            () => waitForHostNextHops(addressing.apacheCidr, hops, 60_000),
        );
    }
    await step("LB Swarm service (made by the docker provider) answering on loadBalancerUrl", async () => {
        await timeToOk(`${addressing.loadBalancerUrl}/healthz`, 90_000, { intervalMs: 250 });
        log(`LB task ${await lbTask(lb.serviceName)} answers on ${addressing.loadBalancerUrl}`);
    });
    for (const x of [...router.notApplied.map((s) => `router: ${s}`), ...lb.notApplied.map((s) => `lb: ${s}`)]) {
        log(`not applied: ${x}`);
    }
    return { addressing, router, lb, apacheImage, steps, routing, routers, bgp };
}

/** The control plane, one node agent per router node, the project copy, then `pulumi up` of the stacks. */
async function deployStacks(
    o: { routers: LabRouterNode[]; routing: LabRouting; vtyPassword?: string },
    step: Step,
    log: Log,
): Promise<void> {
    const cp = await step(
        "Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler)",
        () => startControlPlane(LAB_PATHS.controlPlane, log),
    );
    const nodeNames = o.routers.map((n) => n.node).join(", ");
    const selector = JSON.stringify(ROUTER_NODE_SELECTOR);
    await step(`router nodes ${nodeNames} in the API (labelled ${selector}), one node agent each`, async () => {
        for (const n of o.routers) {
            const config: NodeAgentConfig = {
                kubeconfigPath: cp.kubeconfigPath,
                nodeName: n.node,
                nodeLabels: { ...ROUTER_NODE_SELECTOR },
                nodeIp: n.clusterIp,
                netnsContainer: n.node,
                containerName: n.router,
                containerLabels: { [LAB_NAMES.label]: "1" },
            };
            const argv = [
                process.execPath,
                "-r",
                "ts-node/register/transpile-only",
                NODE_AGENT_MAIN,
                JSON.stringify(config),
            ];
            startDetached(LAB_PATHS.dir, n.agent, argv);
        }
    });
    const env = labToolEnv(cp.kubeconfigPath);
    await step(
        "project copy in .lab/project, kubeconfig as the secret hybrid-vnf:kubeconfig of k8s-local",
        async () => {
            prepareLabProject();
            await setLabConfig(env, LOCAL_STACKS[0], "hybrid-vnf:kubeconfig", cp.kubeconfig, true);
            if (o.vtyPassword !== undefined) {
                await setLabConfig(env, LOCAL_STACKS[2], "hybrid-vnf:routerVtyPassword", o.vtyPassword, true);
            }
            // The same overrides the plan used (bgp: routing and routerHosts of k8s-local).
            for (const [stack, values] of Object.entries(labStackOverrides(o.routing))) {
                for (const [key, value] of Object.entries(values)) {
                    await setLabConfig(
                        env,
                        stack,
                        key,
                        typeof value === "string" ? value : JSON.stringify(value),
                        false,
                    );
                }
            }
        },
    );
    await step(`pulumi up ${LOCAL_STACKS.join(", ")} (real engine, policy pack hybrid-vnf)`, () =>
        runLabStacks("deploy", env, log),
    );
}

/** pulumi destroy (chain, swarm, k8s), then the agents, the control plane and the topology. */
async function downLocked(log: Log): Promise<void> {
    if (labStateHasStacks()) {
        if (alivePid(path.join(LAB_PATHS.controlPlane, "kube-apiserver.pid")) === undefined) {
            log(
                "the lab's state holds stacks but its control plane is gone: the state is dropped " +
                    "(its objects went with the control plane)",
            );
        } else {
            // A destroy that fails (an object removed behind the engine's back) must not leave the
            // lab stuck: everything the stacks made lives in the lab's control plane, removed next,
            // or is a Swarm service carrying the VNF label, which downTopology removes.
            await runLabStacks("destroy", labToolEnv(), log).catch((e: Error) =>
                log(
                    `${e.message.split("\n")[0]}; the state is dropped and the stacks' objects are removed ` +
                        "with the control plane and by label",
                ),
            );
        }
    }
    for (let i = 0; i < BGP_LAB_ROUTERS; i++) {
        if (await stopDetached(LAB_PATHS.dir, LAB_NAMES.nodeAgent(i)))
            log(`node agent ${LAB_NAMES.nodeAgent(i)} stopped`);
    }
    await stopControlPlane(LAB_PATHS.controlPlane, log);
    fs.rmSync(LAB_PATHS.state, { recursive: true, force: true });
    fs.rmSync(LAB_PATHS.project, { recursive: true, force: true });
    await downTopology(log);
}

export async function labDown(o: { log?: Log; engine?: boolean } = {}): Promise<void> {
    const log = o.log ?? stderrLog;
    await acquireLabLock(600_000, log);
    try {
        await downLocked(log);
        if (o.engine !== false) await undoEngineChanges(log);
    } finally {
        releaseLabLock();
    }
}
