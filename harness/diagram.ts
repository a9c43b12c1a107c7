// A picture of the service chain from plans: Graphviz DOT with the stacks as clusters, the
// networks with their CIDRs, the VNFs with their images, the backends, the route through the
// router VNF and the published port. `npm run plan -- <stacks...> --diagram chain.svg`.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { StackPlan } from "./plan";
import {
    RESOURCE_TYPES,
    componentName,
    containerEnv,
    containerImage,
    lbServiceOf,
    podSpec,
    referencedStacks,
    routerWorkloadOf,
} from "./plan-query";
import { ROUTER_APACHE_LEG, ROUTER_CLUSTER_LEG, SWARM_NODE_CLUSTER_LEG, SWARM_NODE_SWARM_LEG } from "../lib/interfaces";
import { ROUTER_NODE_LABEL_ARG } from "../lib/labels";

type Obj = Record<string, any>;

/** HTML-label text: escaped. */
function h(text: unknown): string {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function id(...parts: string[]): string {
    return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

/** A node label: a bold title, then lines. */
function label(title: string, lines: string[], small: string[] = []): string {
    const body = [`<B>${h(title)}</B>`, ...lines.map(h), ...small.map((s) => `<FONT POINT-SIZE="8">${h(s)}</FONT>`)];
    return `<${body.join("<BR/>")}>`;
}

function attrs(a: Record<string, string | number | undefined>): string {
    const parts = Object.entries(a)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) =>
            typeof v === "string" && v.startsWith("<") && v.endsWith(">")
                ? `${k}=${v}`
                : `${k}="${String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
        );
    return parts.length ? ` [${parts.join(", ")}]` : "";
}

const COLORS = {
    network: "#e3f2fd",
    host: "#f5f5f5",
    vnf: "#fff3e0",
    backend: "#e8f5e9",
    client: "#ffffff",
};

interface RouterVnf {
    name: string;
    image: string;
    namespace?: string;
    routes: string[];
    interfaces?: string;
    security: string;
}

interface LbVnf {
    name: string;
    image: string;
    replicas?: number;
    servers: string[];
    publishedPort?: number;
    targetPort?: number;
    publishMode?: string;
}

/** A list output of entries (the chain's `routes`, `backends`: the contract's text entries). */
function entries(v: unknown): string[] | undefined {
    return Array.isArray(v) ? v.map(String) : undefined;
}

export function routerVnfOf(plan: StackPlan): RouterVnf | undefined {
    const r = routerWorkloadOf(plan);
    if (!r) return undefined;
    const spec: Obj = podSpec(r) ?? {};
    const sc: Obj = spec.containers?.[0]?.securityContext ?? {};
    const security = [
        spec.hostNetwork ? "hostNetwork" : "",
        sc.privileged
            ? "privileged"
            : sc.capabilities?.add
              ? `caps ${(sc.capabilities.add as string[]).filter((x) => x.startsWith("NET_") || x === "SYS_ADMIN").join(", ")}`
              : "",
    ]
        .filter(Boolean)
        .join(", ");
    const env = containerEnv(r).literal;
    return {
        name: componentName(plan, r, RESOURCE_TYPES.routerComponent),
        image: containerImage(r) ?? "?",
        namespace: r.inputs.metadata?.namespace,
        // The chain's routes output; the container's ROUTES entries for a plan without one.
        routes: entries(plan.outputs.routes) ?? env.ROUTES?.split(",") ?? [],
        interfaces: env.INTERFACES,
        security,
    };
}

export function lbVnfOf(plan: StackPlan): LbVnf | undefined {
    const r = lbServiceOf(plan);
    if (!r) return undefined;
    const i = r.inputs as Obj;
    const port: Obj = i.endpointSpec?.ports?.[0] ?? {};
    return {
        name: componentName(plan, r, RESOURCE_TYPES.lbComponent),
        image: containerImage(r) ?? "?",
        replicas: i.mode?.replicated?.replicas,
        servers: entries(plan.outputs.backends) ?? containerEnv(r).literal.SERVERS?.split(",") ?? [],
        publishedPort: port.publishedPort,
        targetPort: port.targetPort,
        publishMode: port.publishMode,
    };
}

function stackCluster(plan: StackPlan, body: string[]): string[] {
    return [
        `  subgraph ${id("cluster", plan.stack)} {`,
        `    label=<<B>stack ${h(plan.stack)}</B>  <FONT POINT-SIZE="9">(${h(plan.role)})</FONT>>;`,
        `    style="rounded,dashed"; color="#90a4ae"; fontname="Helvetica"; fontsize=11; labeljust=l;`,
        ...body.map((l) => `    ${l}`),
        "  }",
    ];
}

function targetOf(plan: StackPlan): string {
    return plan.resources.some((r) => r.type.startsWith("openstack:")) ? "OpenStack VMs" : "existing hosts";
}

/**
 * DOT for the plans. Each service-chain plan is drawn with the k8s-cluster and swarm-cluster
 * plans it references (when given); cluster plans without a chain are drawn on their own.
 */
export function renderDiagram(plans: StackPlan[]): string {
    const out: string[] = [
        "digraph hybrid_vnf {",
        '  graph [rankdir=LR, fontname="Helvetica", nodesep=0.35, ranksep=0.7, pad=0.3, newrank=true];',
        '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#607d8b"];',
        '  edge [fontname="Helvetica", fontsize=9, color="#455a64"];',
    ];
    const byStack = new Map(plans.map((p) => [p.stack, p]));
    const drawn = new Set<string>();
    const edges: string[] = [];

    const drawK8s = (p: StackPlan) => {
        if (drawn.has(p.stack)) return;
        drawn.add(p.stack);
        const o = p.outputs as Obj;
        const s = p.stack;
        const body: string[] = [];
        body.push(
            `${id(s, "net_cluster")}${attrs({ label: label("cluster network", [o.clusterNetwork?.cidr ?? "?"]), fillcolor: COLORS.network, shape: "box" })};`,
        );
        body.push(
            `${id(s, "net_apache")}${attrs({ label: label("Apache network", [o.apacheInfo?.network ?? "?"]), fillcolor: COLORS.network })};`,
        );
        body.push(
            `${id(s, "router_node")}${attrs({ label: label("router node", [`routerHost ${o.routerHost ?? "?"}`], [`label ${ROUTER_NODE_LABEL_ARG}, ${targetOf(p)}`]), fillcolor: COLORS.host, shape: "box3d" })};`,
        );
        const ips: string[] = o.apacheInfo?.ips ?? [];
        ips.forEach((ip, n) => {
            body.push(
                `${id(s, "apache", String(n))}${attrs({ label: label(`Apache backend ${n + 1}`, [ip], ["page names itself"]), fillcolor: COLORS.backend, shape: "box3d" })};`,
            );
        });
        body.push(`{ rank=same; ${id(s, "net_cluster")}; }`);
        out.push(...stackCluster(p, body));
        edges.push(
            `${id(s, "router_node")} -> ${id(s, "net_cluster")}${attrs({ style: "dotted", arrowhead: "none", label: ROUTER_CLUSTER_LEG })};`,
        );
        edges.push(
            `${id(s, "router_node")} -> ${id(s, "net_apache")}${attrs({ style: "dotted", arrowhead: "none", label: ROUTER_APACHE_LEG })};`,
        );
        ips.forEach((_, n) =>
            edges.push(
                `${id(s, "apache", String(n))} -> ${id(s, "net_apache")}${attrs({ style: "dotted", arrowhead: "none" })};`,
            ),
        );
    };

    const drawSwarm = (p: StackPlan, k8s?: StackPlan) => {
        if (drawn.has(p.stack)) return;
        drawn.add(p.stack);
        const o = p.outputs as Obj;
        const s = p.stack;
        const nodes: string[] = o.nodeIps ?? [];
        const lines = nodes.map((ip) => (ip === o.managerIp ? `${ip} (manager)` : ip));
        const body = [
            `${id(s, "net_swarm")}${attrs({ label: label("swarm network", [o.swarmNetwork?.cidr ?? "?"]), fillcolor: COLORS.network })};`,
            `${id(s, "nodes")}${attrs({ label: label(`swarm nodes (${nodes.length})`, lines, [`Docker API ${o.dockerHost ?? "?"}`, targetOf(p)]), fillcolor: COLORS.host, shape: "box3d" })};`,
        ];
        out.push(...stackCluster(p, body));
        edges.push(
            `${id(s, "nodes")} -> ${id(s, "net_swarm")}${attrs({ style: "dotted", arrowhead: "none", label: SWARM_NODE_SWARM_LEG })};`,
        );
        if (k8s)
            edges.push(
                `${id(s, "nodes")} -> ${id(k8s.stack, "net_cluster")}${attrs({ style: "dotted", arrowhead: "none", label: SWARM_NODE_CLUSTER_LEG })};`,
            );
    };

    for (const chain of plans.filter((p) => p.role === "service-chain")) {
        const refs = referencedStacks(chain)
            .map((n) => byStack.get(n))
            .filter((x): x is StackPlan => !!x);
        const k8s = refs.find((r) => r.role === "k8s-cluster");
        const swarm = refs.find((r) => r.role === "swarm-cluster");
        if (k8s) drawK8s(k8s);
        if (swarm) drawSwarm(swarm, k8s);
        const s = chain.stack;
        const router = routerVnfOf(chain);
        const lb = lbVnfOf(chain);
        const body: string[] = [];
        if (lb) {
            body.push(
                `${id(s, "lb")}${attrs({
                    label: label(
                        `LB VNF ${lb.name}`,
                        [`image ${lb.image}`, `Swarm service, ${lb.replicas ?? "?"} replica(s)`],
                        [`SERVERS ${lb.servers.join(",")}`],
                    ),
                    fillcolor: COLORS.vnf,
                    shape: "component",
                })};`,
            );
        }
        if (router) {
            body.push(
                `${id(s, "router")}${attrs({
                    label: label(
                        `router VNF ${router.name}`,
                        [`image ${router.image}`, `Deployment in ${router.namespace ?? "?"}`, router.security],
                        [`INTERFACES ${router.interfaces ?? "?"}`, `ROUTES ${router.routes.join(",")}`],
                    ),
                    fillcolor: COLORS.vnf,
                    shape: "component",
                })};`,
            );
        }
        out.push(...stackCluster(chain, body));

        const client = id(s, "client");
        out.push(
            `  ${client}${attrs({ label: label("clients", [String((chain.outputs as Obj).loadBalancerUrl ?? "")]), shape: "oval", fillcolor: COLORS.client })};`,
        );
        const flow = { penwidth: 2, color: "#e65100", fontcolor: "#bf360c" };
        if (lb) {
            const port = lb.publishedPort ?? (swarm?.outputs as Obj | undefined)?.lbPort;
            edges.push(
                `${client} -> ${id(s, "lb")}${attrs({ ...flow, label: `published port ${port}/tcp (${lb.publishMode ?? "ingress"}) -> ${lb.targetPort ?? "?"}` })};`,
            );
            if (swarm)
                edges.push(
                    `${id(s, "lb")} -> ${id(swarm.stack, "nodes")}${attrs({ style: "dashed", arrowhead: "none", label: "runs on", color: "#90a4ae" })};`,
                );
        }
        const ko = k8s?.outputs as Obj | undefined;
        if (lb && router) {
            const route = ko
                ? `route ${ko.apacheInfo?.network} via ${ko.routerHost} dev ${SWARM_NODE_CLUSTER_LEG}`
                : "route via routerHost";
            edges.push(
                `${id(s, "lb")} -> ${id(s, "router")}${attrs({ ...flow, label: `${route}\n(on the swarm hosts)` })};`,
            );
        }
        if (router && k8s) {
            edges.push(
                `${id(s, "router")} -> ${id(k8s.stack, "router_node")}${attrs({ style: "dashed", arrowhead: "none", label: "runs on (hostNetwork)", color: "#90a4ae" })};`,
            );
            ((ko?.apacheInfo?.ips as string[]) ?? []).forEach((_, n) =>
                edges.push(
                    `${id(s, "router")} -> ${id(k8s.stack, "apache", String(n))}${attrs({ ...flow, label: n === 0 ? router.routes.join("\n") : undefined })};`,
                ),
            );
        }
    }
    for (const p of plans) {
        if (p.role === "k8s-cluster") drawK8s(p);
        if (p.role === "swarm-cluster")
            drawSwarm(
                p,
                referencedStacks(p)
                    .map((n) => byStack.get(n))
                    .find((x) => x?.role === "k8s-cluster"),
            );
    }
    out.push(...edges.map((e) => `  ${e}`), "}", "");
    return out.join("\n");
}

export type DotRunner = (format: "svg" | "png", dot: string, file: string) => Promise<void>;

export const runDot: DotRunner = (format, dot, file) =>
    new Promise((resolve, reject) => {
        const child = execFile("dot", [`-T${format}`, "-o", file], (err, _stdout, stderr) =>
            err ? reject(Object.assign(err, { stderr })) : resolve(),
        );
        child.stdin?.end(dot);
    });

/**
 * Writes the picture: FILE.svg / FILE.png rendered by Graphviz `dot` when it is installed,
 * else the DOT source next to it (FILE.dot); any other name gets the DOT source. Returns the path written.
 */
export async function writeDiagram(
    plans: StackPlan[],
    file: string,
    render: DotRunner = runDot,
): Promise<{ file: string; rendered: boolean; note?: string }> {
    const dot = renderDiagram(plans);
    const ext = path.extname(file).toLowerCase();
    if (ext === ".svg" || ext === ".png") {
        try {
            await render(ext.slice(1) as "svg" | "png", dot, file);
            return { file, rendered: true };
        } catch (e) {
            const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
            const dotFile = file.slice(0, -ext.length) + ".dot";
            fs.writeFileSync(dotFile, dot);
            const why = missing
                ? "Graphviz `dot` is not installed (apt-get install graphviz)"
                : `dot failed: ${String((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`;
            return { file: dotFile, rendered: false, note: `${why}; wrote the DOT source instead` };
        }
    }
    fs.writeFileSync(file, dot);
    return { file, rendered: false };
}
