// The router and LB workload specs, taken from the program's own plan of the local stacks (or
// the engine's state of them), never written again by hand, in Docker's terms. The resources
// are found by harness/plan-query.ts; the routes and backends come from the chain's outputs,
// never parsed back out of a container's env. Pure: plain objects in, specs out; every refusal
// names the resource and the field, so a wrong spec fails the lab with a clear message.
import { Backend, parseBackend } from "../../lib/lb-env";
import { Route, parseRoute } from "../../lib/router-env";
import type { ServiceChainOutputs } from "../../lib/contract";
import { LAB_ENV, stacksOf } from "../../lib/stacks";
import {
    Found,
    StackView,
    containerEnv,
    describe,
    lbService,
    podSpec,
    routerWorkload,
    serviceContainer,
    stackOutput,
} from "../../harness/plan-query";

/** The lab's stacks by role: k8s-local, swarm-local, chain-local. */
export const LAB_STACKS = stacksOf(LAB_ENV);

export class LabSpecError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LabSpecError";
    }
}

/** What the lab needs of a stack: its outputs and its resources' real inputs (planned or deployed). */
export type PlanView = StackView;

export interface Health {
    cmd: string[]; // exec form
    interval?: string;
    timeout?: string;
    retries?: number;
    startPeriod?: string;
}

/** A container as both Kubernetes and Swarm describe it, in Docker's terms. */
export interface ContainerSpec {
    source: string; // "chain-local: kubernetes:apps/v1:Deployment router-deployment"
    image: string;
    env: Record<string, string>;
    entrypoint?: string[];
    args?: string[];
    capAdd: string[];
    capDrop: string[];
    privileged: boolean;
    noNewPrivileges: boolean;
    readOnly: boolean;
    user?: string;
    health?: Health;
    memory?: string; // docker units: 268435456 or 256m
    cpus?: string;
    stopSignal?: string;
    stopTimeout?: string; // docker run: seconds; service: duration
    /** Fields of the plan this lab does not apply, and why: printed, never silently dropped. */
    notApplied: string[];
}

/** The router: its container, and the interfaces and routes the chain gave it (typed). */
export interface RouterSpec extends ContainerSpec {
    interfaces: string[];
    routes: Route[];
}

export interface PublishedPort {
    target: number;
    published?: number;
    mode: string;
    protocol: string;
}

export interface LbSpec extends ContainerSpec {
    serviceName: string;
    /** Swarm networks the tasks join (taskSpec.networksAdvanceds). */
    networks: string[];
    replicas: number;
    ports: PublishedPort[];
    servers: Backend[];
    /** `docker service create` flags for update/rollback/restart/resources, in plan order. */
    policyFlags: string[];
}

/** The query's "not found" / "more than one" as the lab's own error. */
function one(find: () => Found): Found {
    try {
        return find();
    } catch (e) {
        throw new LabSpecError((e as Error).message);
    }
}

/** A stack output the lab needs, as the lab's error when it is missing. */
export function labOutput<T>(views: PlanView[], stack: string, key: string): T {
    try {
        return stackOutput<T>(views, stack, key);
    } catch (e) {
        throw new LabSpecError((e as Error).message);
    }
}

// The chain's `routes` and `backends` outputs are the contract's entries ("CIDR dev IFACE",
// "HOST:PORT"), each formatted once from the components' typed values; the lab reads each entry
// once, here where it enters, into Route and Backend (never from a container's env).

/** The routes the chain stack gave its router (its `routes` output). */
export function chainRoutes(views: PlanView[]): Route[] {
    return labOutput<ServiceChainOutputs["routes"]>(views, LAB_STACKS["service-chain"], "routes").map((entry) =>
        parseRoute(entry),
    );
}

/** The backends the chain stack gave its LB (its `backends` output). */
export function chainBackends(views: PlanView[]): Backend[] {
    return labOutput<ServiceChainOutputs["backends"]>(views, LAB_STACKS["service-chain"], "backends").map(parseBackend);
}

/** Kubernetes quantities to Docker flags: cpu "500m" -> "0.5", memory "256Mi" -> "256m". */
export function k8sCpu(q: string): string {
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q);
    if (!m) throw new LabSpecError(`cpu quantity "${q}" is not understood`);
    return String(m[2] === "m" ? Number(m[1]) / 1000 : Number(m[1]));
}

export function k8sMemory(q: string): string {
    const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(q);
    if (!m) throw new LabSpecError(`memory quantity "${q}" is not understood`);
    const mult: Record<string, number> = { "": 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 };
    return String(Number(m[1]) * mult[m[2] ?? ""]);
}

/** The router's interfaces and routes, typed, as the chain stack gave them to its QuaggaRouter. */
export interface RouterRouting {
    interfaces: string[];
    routes: Route[];
}

/** The router container of the planned (or deployed) workload, with the chain's routing. */
export function extractRouterSpec(views: PlanView[], routing: RouterRouting): RouterSpec {
    const found = one(() => routerWorkload(views));
    const source = describe(found);
    const pod = podSpec(found.resource);
    if (!pod) throw new LabSpecError(`${source}: has no spec.template.spec`);
    const env = containerEnv(found.resource);
    if (env.fromRefs.includes("ROUTES"))
        throw new LabSpecError(`${source}: env ROUTES has no literal value (valueFrom is not supported by the lab)`);
    const spec = { ...routerSpecFromPod(source, pod, env.literal), ...routing };
    // A reference (the vty password's secretKeyRef) is resolved from the API by the node agent.
    for (const name of env.fromRefs)
        spec.notApplied.push(`env ${name} (valueFrom: the node agent resolves it from the API)`);
    return spec;
}

/**
 * The router container of a pod spec (planned, or read from the API by the node agent), in
 * Docker's terms; `env` is the container's env with every value resolved.
 */
export function routerSpecFromPod(source: string, pod: any, env: Record<string, string>): ContainerSpec {
    const fail = (msg: string) => new LabSpecError(`${source}: ${msg}`);
    // The router must own the node's network namespace, as the design's hostNetwork pod does.
    if (pod.hostNetwork !== true)
        throw fail("spec.template.spec.hostNetwork is not true; the router must run in the node's network namespace");
    const containers: any[] = pod.containers ?? [];
    if (containers.length !== 1)
        throw fail(`has ${containers.length} containers; the lab runs exactly one router container`);
    const c = containers[0];
    if (typeof c.image !== "string" || c.image === "") throw fail("container has no image");
    if (env.ROUTES === undefined) throw fail("container env has no ROUTES");
    const sc = c.securityContext ?? {};
    const notApplied: string[] = [];
    const probe = c.livenessProbe;
    let health: Health | undefined;
    if (probe?.exec?.command) {
        // Docker has one health check: liveness is the check, the startup probe its grace period.
        const s = c.startupProbe;
        health = {
            cmd: probe.exec.command,
            interval: `${probe.periodSeconds ?? 10}s`,
            timeout: `${probe.timeoutSeconds ?? 1}s`,
            retries: probe.failureThreshold ?? 3,
            startPeriod: s ? `${(s.periodSeconds ?? 10) * (s.failureThreshold ?? 3)}s` : undefined,
        };
    }
    if (c.ports?.length)
        notApplied.push(
            `ports ${c.ports.map((p: any) => p.containerPort).join(",")} (host ports of the node namespace)`,
        );
    return {
        source,
        image: c.image,
        env,
        entrypoint: c.command,
        args: c.args,
        capAdd: sc.capabilities?.add ?? [],
        capDrop: sc.capabilities?.drop ?? [],
        privileged: sc.privileged === true,
        noNewPrivileges: sc.allowPrivilegeEscalation === false,
        readOnly: sc.readOnlyRootFilesystem === true,
        user: sc.runAsUser === undefined ? undefined : String(sc.runAsUser),
        health,
        memory: c.resources?.limits?.memory ? k8sMemory(c.resources.limits.memory) : undefined,
        cpus: c.resources?.limits?.cpu ? k8sCpu(String(c.resources.limits.cpu)) : undefined,
        stopTimeout:
            pod.terminationGracePeriodSeconds === undefined ? undefined : String(pod.terminationGracePeriodSeconds),
        notApplied,
    };
}

/** The LB service of the plan (or state), with the backends the chain gave it (typed). */
export function extractLbSpec(views: PlanView[], servers: Backend[]): LbSpec {
    const found = one(() => lbService(views));
    const r = found.resource;
    const source = describe(found);
    const fail = (msg: string) => new LabSpecError(`${source}: ${msg}`);
    const i = r.inputs;
    const cs = serviceContainer(r);
    if (!cs || typeof cs.image !== "string") throw fail("has no taskSpec.containerSpec.image");
    const env = containerEnv(r).literal;
    if (env.SERVERS === undefined) throw fail("containerSpec.env has no SERVERS");
    if (i.mode?.global) throw fail("mode global: the lab expects a replicated service");
    const replicas = i.mode?.replicated?.replicas ?? 1;
    const ports: PublishedPort[] = (i.endpointSpec?.ports ?? []).map((p: any) => ({
        target: p.targetPort,
        published: p.publishedPort,
        mode: p.publishMode ?? "ingress",
        protocol: p.protocol ?? "tcp",
    }));
    const flags: string[] = [];
    const add = (flag: string, v: unknown) =>
        v !== undefined && v !== null && v !== "" && flags.push(`--${flag}`, String(v));
    for (const [kind, c] of [
        ["update", i.updateConfig],
        ["rollback", i.rollbackConfig],
    ] as const) {
        add(`${kind}-parallelism`, c?.parallelism);
        add(`${kind}-delay`, c?.delay);
        add(`${kind}-order`, c?.order);
        add(`${kind}-failure-action`, c?.failureAction);
        add(`${kind}-monitor`, c?.monitor);
        add(`${kind}-max-failure-ratio`, c?.maxFailureRatio);
    }
    const rp = i.taskSpec?.restartPolicy;
    add("restart-condition", rp?.condition);
    add("restart-delay", rp?.delay);
    add("restart-max-attempts", rp?.maxAttempts);
    add("restart-window", rp?.window);
    const res = i.taskSpec?.resources;
    add("limit-memory", res?.limits?.memoryBytes);
    add("limit-cpu", res?.limits?.nanoCpus === undefined ? undefined : res.limits.nanoCpus / 1e9);
    add("reserve-memory", res?.reservation?.memoryBytes);
    add("reserve-cpu", res?.reservation?.nanoCpus === undefined ? undefined : res.reservation.nanoCpus / 1e9);
    add("endpoint-mode", i.endpointSpec?.mode);
    for (const c of i.taskSpec?.placement?.constraints ?? []) add("constraint", c);
    const notApplied: string[] = [];
    const hc = cs.healthcheck;
    let health: Health | undefined;
    if (hc?.tests?.length) {
        if (hc.tests[0] === "NONE") health = { cmd: [] };
        else if (hc.tests[0] === "CMD" || hc.tests[0] === "CMD-SHELL")
            health = {
                cmd: hc.tests,
                interval: hc.interval,
                timeout: hc.timeout,
                retries: hc.retries,
                startPeriod: hc.startPeriod,
            };
        else throw fail(`healthcheck.tests must start with CMD, CMD-SHELL or NONE (got ${hc.tests[0]})`);
    }
    return {
        source,
        image: cs.image,
        env,
        entrypoint: cs.commands,
        args: cs.args,
        capAdd: cs.capAdds ?? [],
        capDrop: cs.capDrops ?? [],
        privileged: false,
        noNewPrivileges: false,
        readOnly: cs.readOnly === true,
        user: cs.user,
        health,
        stopSignal: cs.stopSignal,
        stopTimeout: cs.stopGracePeriod,
        notApplied,
        serviceName: i.name ?? r.name,
        networks: (i.taskSpec?.networksAdvanceds ?? []).map((n: { name: string }) => n.name),
        replicas,
        ports,
        servers,
        policyFlags: flags,
    };
}
