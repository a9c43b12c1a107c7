// Questions about the stacks' resources: which resource is the router workload, which is the
// LB service, what a container's env and image are, what a stack exports. Asked the same way
// of a mock plan (harness/plan.ts) and of the engine's state (`pulumi stack export`), so the
// lab, the diagram and the tests look resources up here and nowhere else.
// Pure: plain objects in, plain objects out; no Pulumi runtime is loaded.
import { SECRET_SIG, replaceMarked } from "./engine-values";
import { SECRET_MARK } from "../lib/secret-mark";

/** One resource as a query sees it: a planned one (inputs as sent) or a deployed one (state inputs). */
export interface ResourceView {
    type: string;
    name: string;
    urn?: string;
    /** URN of the parent resource. */
    parent?: string | null;
    inputs: Record<string, any>;
}

/** One stack: its outputs and its resources. A StackPlan of harness/plan.ts is one as it is. */
export interface StackView {
    stack: string;
    outputs: Record<string, unknown>;
    resources: ResourceView[];
}

/** The resource types the queries look for (the Pulumi type tokens). */
export const RESOURCE_TYPES = {
    /** The router VNF's workload: the QuaggaRouter component's Deployment (a DaemonSet is admitted too). */
    routerWorkload: ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:DaemonSet"],
    /** The LB VNF: the NginxLoadBalancer component's Swarm service. */
    lbService: ["docker:index/service:Service"],
    routerComponent: "hybrid-vnf:index:QuaggaRouter",
    lbComponent: "hybrid-vnf:index:NginxLoadBalancer",
    stackReference: "pulumi:pulumi:StackReference",
    stack: "pulumi:pulumi:Stack",
} as const;

export class PlanQueryError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanQueryError";
    }
}

export interface Found {
    view: StackView;
    resource: ResourceView;
}

/** "chain-local: kubernetes:apps/v1:Deployment router-deployment": how errors name a resource. */
export function describe(f: Found): string {
    return `${f.view.stack}: ${f.resource.type} ${f.resource.name}`;
}

export function findAll(views: readonly StackView[], types: readonly string[]): Found[] {
    return views.flatMap((view) =>
        view.resources.filter((r) => types.includes(r.type)).map((resource) => ({ view, resource })),
    );
}

/** Exactly one resource of `types` across the stacks; the error names the stacks or the duplicates. */
export function findOne(views: readonly StackView[], types: readonly string[], what: string): Found {
    const hits = findAll(views, types);
    if (hits.length === 0)
        throw new PlanQueryError(
            `no ${what} (${types.join(" or ")}) in the plan of ${views.map((v) => v.stack).join(", ")}`,
        );
    if (hits.length > 1)
        throw new PlanQueryError(`more than one ${what} in the plan: ${hits.map((h) => h.resource.name).join(", ")}`);
    return hits[0];
}

export const routerWorkload = (views: readonly StackView[]): Found =>
    findOne(views, RESOURCE_TYPES.routerWorkload, "router workload");
export const lbService = (views: readonly StackView[]): Found =>
    findOne(views, RESOURCE_TYPES.lbService, "load balancer service");

/** The router workload of one stack, if it has one (the diagram draws what is there). */
export const routerWorkloadOf = (view: StackView): ResourceView | undefined =>
    findAll([view], RESOURCE_TYPES.routerWorkload)[0]?.resource;
export const lbServiceOf = (view: StackView): ResourceView | undefined =>
    findAll([view], RESOURCE_TYPES.lbService)[0]?.resource;

/** The pod spec of a Kubernetes workload (spec.template.spec). */
export function podSpec(workload: ResourceView): Record<string, any> | undefined {
    return workload.inputs?.spec?.template?.spec;
}

/** The container spec of a Swarm service (taskSpec.containerSpec). */
export function serviceContainer(service: ResourceView): Record<string, any> | undefined {
    return service.inputs?.taskSpec?.containerSpec;
}

/** A container's env, literal values only; `fromRefs` names the entries set by reference (valueFrom). */
export interface ContainerEnv {
    literal: Record<string, string>;
    fromRefs: string[];
}

/**
 * The env of the workload's first container (Kubernetes: a list of {name, value|valueFrom}) or
 * of the service's container (Swarm: a map).
 */
export function containerEnv(r: ResourceView): ContainerEnv {
    const raw = RESOURCE_TYPES.lbService.includes(r.type as never)
        ? serviceContainer(r)?.env
        : podSpec(r)?.containers?.[0]?.env;
    const env: ContainerEnv = { literal: {}, fromRefs: [] };
    if (Array.isArray(raw)) {
        for (const e of raw) {
            if (typeof e?.value === "string") env.literal[e.name] = e.value;
            else env.fromRefs.push(e.name);
        }
    } else if (raw && typeof raw === "object") {
        for (const [k, v] of Object.entries(raw)) {
            if (typeof v === "string") env.literal[k] = v;
            else env.fromRefs.push(k);
        }
    }
    return env;
}

/** The image of the workload's first container or of the service's container. */
export function containerImage(r: ResourceView): string | undefined {
    const image = RESOURCE_TYPES.lbService.includes(r.type as never)
        ? serviceContainer(r)?.image
        : podSpec(r)?.containers?.[0]?.image;
    return typeof image === "string" ? image : undefined;
}

/** The name of the component (of `type`) that a resource belongs to, else the resource's own. */
export function componentName(view: StackView, r: ResourceView, type: string): string {
    return view.resources.find((p) => p.urn !== undefined && p.urn === r.parent && p.type === type)?.name ?? r.name;
}

/** The stacks a stack reads through StackReferences (by stack name, the last part). */
export function referencedStacks(view: StackView): string[] {
    return view.resources
        .filter((r) => r.type === RESOURCE_TYPES.stackReference)
        .map((r) =>
            String(r.inputs?.name ?? r.name)
                .split("/")
                .pop()!,
        );
}

/** A stack output that must be there; the error names the stack and the key. */
export function stackOutput<T>(views: readonly StackView[], stack: string, key: string): T {
    const view = views.find((v) => v.stack === stack);
    if (!view) throw new PlanQueryError(`the plan has no stack ${stack}`);
    const value = view.outputs[key];
    if (value === undefined) throw new PlanQueryError(`stack ${stack} has no output ${key}`);
    return value as T;
}

export const HIDDEN_SECRET = SECRET_MARK;

/** State-form values with each secret replaced by its plaintext (a JSON text, with --show-secrets) or HIDDEN_SECRET. */
function decodeState(value: unknown): any {
    return replaceMarked(value, {
        [SECRET_SIG]: (m) => (typeof m.plaintext === "string" ? decodeState(JSON.parse(m.plaintext)) : HIDDEN_SECRET),
    });
}

/**
 * A stack's view from the engine's state: the `deployment` of `pulumi stack export` (or the
 * Automation API's exportStack). Secrets exported with --show-secrets are real values, else "[secret]".
 */
export function stateView(stack: string, deployment: { resources?: any[] } | undefined): StackView {
    const resources: ResourceView[] = [];
    let outputs: Record<string, unknown> = {};
    for (const r of deployment?.resources ?? []) {
        if (typeof r?.urn !== "string" || typeof r.type !== "string") continue;
        if (r.type === RESOURCE_TYPES.stack) outputs = decodeState(r.outputs ?? {});
        resources.push({
            type: r.type,
            name: r.urn.split("::").pop()!,
            urn: r.urn,
            parent: r.parent ?? null,
            inputs: decodeState(r.inputs ?? {}),
        });
    }
    return { stack, outputs, resources };
}
