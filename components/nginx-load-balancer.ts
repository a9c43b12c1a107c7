// NginxLoadBalancer: the load balancer VNF (nginx) as a Docker Swarm service, env SERVERS
// in the seed's format. SERVERS is an Input: when the backends change (the k8s stack's
// Apache IPs), the next `up` diffs taskSpec and Swarm rolls the tasks with updateConfig.
import * as pulumi from "@pulumi/pulumi";
import { Service } from "@pulumi/docker/service";
import type * as dockerInput from "@pulumi/docker/types/input";
import { Backend, checkBackends, formatServers } from "../lib/lb-env";
import { checkInt as checkIntWith } from "../lib/numbers";

export type PublishMode = "ingress" | "host";
export type UpdateOrder = "start-first" | "stop-first";

import { VNF_SERVICE_LABEL_KEY } from "../lib/labels";

// Defined in lib/labels.ts; re-exported for the component's callers.
export { VNF_SERVICE_LABEL_KEY };

export interface NginxLoadBalancerArgs {
    /** LB image, pinned (a tag other than latest, or a digest). */
    image: pulumi.Input<string>;
    /** Backends (SERVERS); validated with the VNF module, so a bad one fails at plan time. */
    backends: pulumi.Input<Backend[]>;
    /** Port published on the swarm hosts. */
    publishedPort: pulumi.Input<number>;
    /** Port nginx listens on in the container (the image's LISTEN_PORT). Default 80. */
    targetPort?: number;
    /** ingress (routing mesh, default) or host (only on nodes that run a task). */
    publishMode?: PublishMode;
    /** Default 2. */
    replicas?: number;
    /** Swarm service name. Default: the component name. */
    serviceName?: string;
    /**
     * Rolling update order. Default start-first (new task healthy before the old one stops),
     * but stop-first in host mode: a host-mode port is held by the old task, so a start-first
     * replacement on the same node could never start and the update would hang.
     */
    updateOrder?: UpdateOrder;
    /** Container health check command. Default: curl the LB's /healthz on targetPort. */
    healthCheck?: string[];
    /** Extra service labels. */
    labels?: Record<string, string>;
    /**
     * Swarm networks (names or IDs) the tasks join. Default none: tasks use the node's default
     * bridge, and reach the backends through the node's routes.
     */
    networks?: pulumi.Input<string>[];
}

export class NginxLoadBalancer extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    /** The backends, typed (the container gets them as SERVERS, formatted once). */
    readonly backends: pulumi.Output<Backend[]>;
    readonly publishedPort: pulumi.Output<number>;
    /** The container env: SERVERS in the seed's format, LISTEN_PORT. */
    readonly env: pulumi.Output<{ SERVERS: string; LISTEN_PORT: string }>;
    readonly service: Service;

    constructor(name: string, args: NginxLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hybrid-vnf:index:NginxLoadBalancer", name, {}, opts);

        const targetPort = checkInt("targetPort", args.targetPort ?? 80, 1, 65535);
        const replicas = checkInt("replicas", args.replicas ?? 2, 1, 100);
        const publishMode = args.publishMode ?? "ingress";
        if (publishMode !== "ingress" && publishMode !== "host")
            throw new Error(`NginxLoadBalancer ${name}: publishMode "${publishMode}" is not ingress or host`);
        const order: UpdateOrder = args.updateOrder ?? (publishMode === "host" ? "stop-first" : "start-first");
        const publishedPort = pulumi.output(args.publishedPort).apply((p) => checkInt("publishedPort", p, 1, 65535));
        // Typed input is checked, not re-parsed; SERVERS is its one formatting.
        const backends = pulumi.output(args.backends).apply((b) => [...checkBackends(b)]);
        const SERVERS = backends.apply(formatServers);
        const labels: Record<string, string> = {
            ...(args.labels ?? {}),
            [VNF_SERVICE_LABEL_KEY]: "nginx-lb",
            "org.opencontainers.image.title": "hybrid-vnf-nginx-lb",
        };
        const labelList = (l: Record<string, string>) => Object.entries(l).map(([label, value]) => ({ label, value }));

        // One rolling-update policy for updates and for their rollback.
        const rolling = (failureAction: string): dockerInput.ServiceUpdateConfig => ({
            parallelism: 1,
            delay: "5s",
            order,
            failureAction,
            // A task must stay healthy this long to count as updated.
            monitor: "30s",
            maxFailureRatio: "0",
        });

        this.service = new Service(
            `${name}-service`,
            {
                name: args.serviceName ?? name,
                labels: labelList(labels),
                taskSpec: {
                    containerSpec: {
                        image: args.image,
                        // LISTEN_PORT: the image's proxy and /healthz port (default 80 there too).
                        env: { SERVERS, LISTEN_PORT: String(targetPort) },
                        labels: labelList(labels),
                        healthcheck: {
                            tests: args.healthCheck ?? [
                                "CMD",
                                "curl",
                                "-fsS",
                                "-o",
                                "/dev/null",
                                `http://127.0.0.1:${targetPort}/healthz`,
                            ],
                            // As the image's HEALTHCHECK: a new task turns healthy (and a start-first
                            // update moves on) within seconds.
                            interval: "5s",
                            timeout: "3s",
                            startPeriod: "5s",
                            retries: 3,
                        },
                        // nginx finishes in-flight requests on SIGQUIT (graceful shutdown).
                        stopSignal: "SIGQUIT",
                        stopGracePeriod: "15s",
                    },
                    // Durations in Docker's own spelling ("1m", not "60s"): it reports them back that way, and
                    // any other spelling is a diff on every preview.
                    restartPolicy: { condition: "any", delay: "5s", maxAttempts: 0, window: "1m" },
                    resources: {
                        reservation: { memoryBytes: 32 * 1024 * 1024, nanoCpus: 50_000_000 },
                        limits: { memoryBytes: 256 * 1024 * 1024, nanoCpus: 1_000_000_000 },
                    },
                    // Two tasks cannot bind one host-mode port on the same node.
                    ...(publishMode === "host" ? { placement: { maxReplicas: 1 } } : {}),
                    ...(args.networks?.length ? { networksAdvanceds: args.networks.map((name) => ({ name })) } : {}),
                },
                mode: { replicated: { replicas } },
                endpointSpec: {
                    mode: "vip",
                    ports: [{ name: "http", protocol: "tcp", targetPort, publishedPort, publishMode }],
                },
                updateConfig: rolling("rollback"),
                rollbackConfig: rolling("pause"),
                // `up` waits until the tasks run (and fails if they never do).
                convergeConfig: { delay: "5s", timeout: "3m" },
            },
            { parent: this },
        );

        this.serviceName = this.service.name;
        this.backends = backends;
        this.publishedPort = publishedPort;
        this.env = SERVERS.apply((s) => ({ SERVERS: s, LISTEN_PORT: String(targetPort) }));
        this.registerOutputs({
            serviceName: this.serviceName,
            backends: this.backends,
            publishedPort: this.publishedPort,
            env: this.env,
        });
    }
}

function checkInt(key: string, v: number, min: number, max: number): number {
    return checkIntWith(v, min, max, (reason) => new Error(`NginxLoadBalancer ${key}: ${JSON.stringify(v)} ${reason}`));
}

/** The backends of SERVERS from addresses and one port: ["10.0.0.5"], 80 → [{host, port}]. */
export function backendsOf(hosts: readonly string[], port: number): Backend[] {
    return hosts.map((host) => ({ host, port }));
}
