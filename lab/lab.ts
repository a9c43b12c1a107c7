// `npm run lab` as a library (the CLI, the E2E tests and the benchmark share it): plan the
// local stacks in-process, take the router and LB specs from the plan, build the topology,
// send requests through the chain and report, with the time of every step.
import { planStacks, reveal, revealedInputs } from "../harness/plan";
import { LabAddressing, checkLbFits, labAddressing } from "./addressing";
import { buildImages, ensureDocker, ensureSwarm, imageExists, imageTags, undoEngineChanges } from "./docker";
import { LbSpec, PlanView, RouterSpec, extractLbSpec, extractRouterSpec } from "./spec";
import { LAB_ROUTE_PROTO, Log, N, downTopology, installSafetyRoute, nodeRoutes, routerTable, up } from "./topology";
import { LoadResult, load, summary } from "./client";
import { missingRoutes } from "./measure";
import { acquireLabLock, releaseLabLock } from "./lock";

export const LOCAL_STACKS = ["k8s-local", "swarm-local", "chain-local"];

export interface Lab {
    a: LabAddressing;
    router: RouterSpec;
    lb: LbSpec;
    apacheImage: string;
    steps: { name: string; ms: number }[];
}

/** The local stacks' plan, with real (revealed) inputs, as the pure spec module takes it. */
export async function planViews(): Promise<PlanView[]> {
    const plans = await planStacks(LOCAL_STACKS);
    return plans.map((p) => ({
        stack: p.stack,
        outputs: reveal(p).outputs,
        resources: p.resources.map((r) => ({ type: r.type, name: r.name, inputs: revealedInputs(p, r) })),
    }));
}

export function specsFrom(views: PlanView[]): Pick<Lab, "a" | "router" | "lb"> {
    const router = extractRouterSpec(views);
    const lb = extractLbSpec(views);
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
    const { a, router, lb } = await step("plan k8s-local, swarm-local, chain-local; take the router and LB specs", async () => specsFrom(await planViews()));
    await step("clear leftovers of an earlier lab", () => downTopology(log));
    // Before any lab packet: the lab's supernet is unreachable from this host except by the
    // more specific routes the lab adds itself, so nothing can leave by the default route.
    await step(`safety route: unreachable ${a.supernet}`, () => installSafetyRoute(a.supernet));
    if (o.build !== false) await step("images (bootstrap base, build)", () => buildImages(log));
    const apacheImage = imageTags().find((t) => t.startsWith("hybrid-vnf/apache:"))!;
    await step("planned images present", async () => {
        for (const [what, img] of [[router.source, router.image], [lb.source, lb.image], ["apache backends", apacheImage]]) {
            if (!(await imageExists(img))) throw new Error(`${what}: image ${img} is not built here (images/build.sh builds hybrid-vnf/*:$(cat images/VERSION))`);
        }
    });
    await step("swarm mode", async () => log(await ensureSwarm()));
    await up(a, router, lb, apacheImage, step, log);
    for (const x of [...router.notApplied.map((s) => `router: ${s}`), ...lb.notApplied.map((s) => `lb: ${s}`)]) log(`not applied from the plan: ${x}`);
    return { a, router, lb, apacheImage, steps };
}

export async function labDown(o: { log?: Log; engine?: boolean } = {}): Promise<void> {
    const log = o.log ?? ((s: string) => process.stderr.write(`lab: ${s}\n`));
    await acquireLabLock(600_000, log);
    try {
        await downTopology(log);
        if (o.engine !== false) await undoEngineChanges(log);
    } finally {
        releaseLabLock();
    }
}

export interface SmokeReport {
    load: LoadResult;
    routerTable: string;
    routeProblems: string[];
}

export async function smoke(lab: Lab, count = 200): Promise<SmokeReport> {
    const t0 = Date.now();
    const r = await load({ url: lab.a.loadBalancerUrl + "/", count, concurrency: 4, timeoutMs: 10_000, maxMs: 60_000 });
    lab.steps.push({ name: `${count} requests through the chain`, ms: Date.now() - t0 });
    return { load: r, routerTable: await routerTable(), routeProblems: missingRoutes(lab.router.routes, await nodeRoutes()) };
}

export function report(lab: Lab, s: SmokeReport): string {
    const a = lab.a;
    const lines = [
        "hybrid-vnf lab: the service chain on this machine",
        `  client -> ${a.loadBalancerUrl} (LB Swarm service ${N.lbService}, host-mode port on ${N.swarmBridge} ${a.swarmCidr}, host = ${a.managerIp})`,
        `  host route ${a.apacheCidr} via ${a.routerHost} dev ${N.hostClusterIf} (host leg ${a.hostClusterIp}; all lab host routes: ip route show proto ${LAB_ROUTE_PROTO})`,
        `  router node netns ${N.node}: ${a.nodeIfaces[0]} ${a.routerHost} (cluster ${a.clusterCidr}), ${a.nodeIfaces[1]} ${a.routerApacheIp}/32 (Apache ${a.apacheCidr}); router container ${N.router}`,
        `  Apache backends ${a.apacheIps.join(", ")} on ${N.apacheBridge} (no host address), default via ${a.routerApacheIp}`,
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
