// The router and LB workload specs, taken from the program's own plan of the local stacks
// (never written again by hand), and turned into `docker run` / `docker service create`
// arguments. Pure: plain plan objects in, argument lists out; every refusal names the
// resource and the field, so a wrong spec fails the lab with a clear message.
import { Backend, Route, parseLbEnv, parseRouterEnv } from "../lib/vnf-config";

export class LabSpecError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "LabSpecError";
    }
}

/** What the lab needs of a planned stack: its outputs and its resources' real inputs. */
export interface PlanView {
    stack: string;
    outputs: Record<string, unknown>;
    resources: { type: string; name: string; inputs: Record<string, any> }[];
}

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

const ROUTER_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:DaemonSet"];
const LB_TYPE = "docker:index/service:Service";

function findOne(plans: PlanView[], types: string[], what: string): { plan: PlanView; r: PlanView["resources"][number] } {
    const hits = plans.flatMap((plan) => plan.resources.filter((r) => types.includes(r.type)).map((r) => ({ plan, r })));
    if (hits.length === 0) {
        throw new LabSpecError(`no ${what} (${types.join(" or ")}) in the plan of ${plans.map((p) => p.stack).join(", ")}`);
    }
    if (hits.length > 1) throw new LabSpecError(`more than one ${what} in the plan: ${hits.map((h) => h.r.name).join(", ")}`);
    return hits[0];
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

export function extractRouterSpec(plans: PlanView[]): RouterSpec {
    const { plan, r } = findOne(plans, ROUTER_TYPES, "router workload");
    const source = `${plan.stack}: ${r.type} ${r.name}`;
    const pod = r.inputs?.spec?.template?.spec;
    if (!pod) throw new LabSpecError(`${source}: has no spec.template.spec`);
    const env: Record<string, string> = {};
    for (const e of pod.containers?.[0]?.env ?? []) {
        if (typeof e.value !== "string") throw new LabSpecError(`${source}: env ${e.name} has no literal value (valueFrom is not supported by the lab)`);
        env[e.name] = e.value;
    }
    return routerSpecFromPod(source, pod, env);
}

/**
 * The router container of a pod spec (planned, or read from the API by the node agent), in
 * Docker's terms; `env` is the container's env with every value resolved.
 */
export function routerSpecFromPod(source: string, pod: any, env: Record<string, string>): RouterSpec {
    const fail = (msg: string) => new LabSpecError(`${source}: ${msg}`);
    // The router must own the node's network namespace, as the design's hostNetwork pod does.
    if (pod.hostNetwork !== true) throw fail("spec.template.spec.hostNetwork is not true; the router must run in the node's network namespace");
    const containers: any[] = pod.containers ?? [];
    if (containers.length !== 1) throw fail(`has ${containers.length} containers; the lab runs exactly one router container`);
    const c = containers[0];
    if (typeof c.image !== "string" || c.image === "") throw fail("container has no image");
    if (env.ROUTES === undefined) throw fail("container env has no ROUTES");
    let parsed: { interfaces: string[]; routes: Route[] };
    try {
        parsed = parseRouterEnv(env);
    } catch (e) {
        throw fail(`container env: ${(e as Error).message}`);
    }
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
    if (c.ports?.length) notApplied.push(`ports ${c.ports.map((p: any) => p.containerPort).join(",")} (host ports of the node namespace)`);
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
        stopTimeout: pod.terminationGracePeriodSeconds === undefined ? undefined : String(pod.terminationGracePeriodSeconds),
        notApplied,
        interfaces: parsed.interfaces,
        routes: parsed.routes,
    };
}

export function extractLbSpec(plans: PlanView[]): LbSpec {
    const { plan, r } = findOne(plans, [LB_TYPE], "load balancer service");
    const source = `${plan.stack}: ${r.type} ${r.name}`;
    const fail = (msg: string) => new LabSpecError(`${source}: ${msg}`);
    const i = r.inputs;
    const cs = i.taskSpec?.containerSpec;
    if (!cs || typeof cs.image !== "string") throw fail("has no taskSpec.containerSpec.image");
    const env: Record<string, string> = { ...(cs.env ?? {}) };
    if (env.SERVERS === undefined) throw fail("containerSpec.env has no SERVERS");
    let servers: Backend[];
    try {
        servers = parseLbEnv(env).backends;
    } catch (e) {
        throw fail(`containerSpec.env: ${(e as Error).message}`);
    }
    if (i.mode?.global) throw fail("mode global: the lab expects a replicated service");
    const replicas = i.mode?.replicated?.replicas ?? 1;
    const ports: PublishedPort[] = (i.endpointSpec?.ports ?? []).map((p: any) => ({
        target: p.targetPort,
        published: p.publishedPort,
        mode: p.publishMode ?? "ingress",
        protocol: p.protocol ?? "tcp",
    }));
    const flags: string[] = [];
    const add = (flag: string, v: unknown) => v !== undefined && v !== null && v !== "" && flags.push(`--${flag}`, String(v));
    for (const [kind, c] of [["update", i.updateConfig], ["rollback", i.rollbackConfig]] as const) {
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
        else if (hc.tests[0] === "CMD" || hc.tests[0] === "CMD-SHELL") health = { cmd: hc.tests, interval: hc.interval, timeout: hc.timeout, retries: hc.retries, startPeriod: hc.startPeriod };
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
