// QuaggaRouter: the router VNF (FRRouting, the maintained Quagga fork) on Kubernetes.
// A privileged-labelled namespace, one router pod pinned to the router node with the node's
// network (hostNetwork), env INTERFACES/ROUTES in the seed's format, probes on the daemons,
// and, given a vty password (kept in a Secret), a ClusterIP Service for the vty ports.
// Invalid routes and passwords fail at plan time.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Namespace, Secret, Service } from "@pulumi/kubernetes/core/v1";
import { Provider } from "@pulumi/kubernetes/provider";
import type * as k8sInput from "@pulumi/kubernetes/types/input";
import { Route, checkInterfaces, checkRoutes, formatInterfaces, formatRoutes, parseVtyPassword } from "../lib/vnf-config";
import { ROUTER_NODE_SELECTOR, VNF_NAMESPACE_LABEL_KEY, VNF_NAMESPACE_LABEL_VALUE } from "../lib/labels";

// Defined in lib/labels.ts; re-exported because the component's callers use them with it.
export { ROUTER_NODE_SELECTOR, VNF_NAMESPACE_LABEL_KEY, VNF_NAMESPACE_LABEL_VALUE };

/**
 * All the router gets with leastPrivilege, every other capability dropped: set routes
 * (NET_ADMIN), raw sockets (NET_RAW), and SYS_ADMIN, without which zebra refuses to start.
 * The image needs nothing more: it prepares file ownership at build time and runs the daemons
 * as root without a user switch (no CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID); each of the
 * three left out ends the container at start (tests/images.test.ts runs it with exactly these).
 */
export const ROUTER_NET_CAPABILITIES = ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"] as const;

/** FRR vty TCP ports: zebra (kernel routes, `show ip route`) and staticd (the static routes). */
export const ZEBRA_VTY_PORT = 2601;
export const STATICD_VTY_PORT = 2616;

/** The key of the vty password in the component's Secret (env VTY_PASSWORD of the container). */
export const VTY_PASSWORD_SECRET_KEY = "password";

/** The image's health mode: exit 0 iff zebra and staticd both answer on their vty. */
export const ROUTER_HEALTH_COMMAND = ["/usr/local/bin/start.sh", "--health"];

export interface QuaggaRouterArgs {
    /** Router image, pinned (a tag other than latest, or a digest). */
    image: pulumi.Input<string>;
    /** Name of the dedicated namespace the component creates. Default: the component name. */
    namespace?: string;
    /** Interfaces the router manages (INTERFACES); every `dev` route must use one of them. */
    interfaces: string[];
    /** Static routes (ROUTES), typed; from text: parseRoutes("10.0.0.0/24 dev eth1"). */
    routes: pulumi.Input<Route[]>;
    /** Run with only NET_ADMIN, NET_RAW and SYS_ADMIN (ALL others dropped) instead of `privileged: true`. Default false. */
    leastPrivilege?: boolean;
    /**
     * Password of the FRR vty (telnet to 2601 zebra, 2616 staticd). FRR refuses TCP logins
     * without one, so the image then keeps the vty on 127.0.0.1 and no Service is created. Given
     * one: a Secret holds it (always stored as a Pulumi secret), the container gets it as env
     * VTY_PASSWORD from that Secret, the vty listens on the node's addresses, and a ClusterIP
     * Service exposes both ports. The login grants full (enable) access, in clear text: for
     * in-cluster operators only. Printable ASCII, no spaces, first character a letter or digit,
     * at most 128 (checked at plan time, without echoing it). Changing it replaces the Secret
     * under a new name, which rolls the pod, so the new password takes effect.
     */
    vtyPassword?: pulumi.Input<string>;
    /** Node selector of the router node. Default ROUTER_NODE_SELECTOR (role=router, lib/labels.ts). */
    nodeSelector?: Record<string, string>;
    /** Container resources. Default requests 50m/64Mi, limits 500m/256Mi. */
    resources?: k8sInput.core.v1.ResourceRequirements;
    /** Extra labels on every object. */
    labels?: Record<string, string>;
}

export class QuaggaRouter extends pulumi.ComponentResource {
    /** Name of the router namespace. */
    readonly namespace: pulumi.Output<string>;
    /** Name of the router Deployment. */
    readonly workloadName: pulumi.Output<string>;
    /** Name of the vty Service; undefined without a vtyPassword (no Service). */
    readonly serviceName: pulumi.Output<string | undefined>;
    /** The routes, typed (the container gets them as ROUTES, formatted once). */
    readonly routes: pulumi.Output<Route[]>;
    /** The container env: INTERFACES and ROUTES in the seed's format. */
    readonly env: pulumi.Output<{ INTERFACES: string; ROUTES: string }>;

    readonly namespaceResource: Namespace;
    readonly deployment: Deployment;
    /** The vty Service, only with a vtyPassword. */
    readonly service?: Service;
    /** The Secret holding the vty password, only with a vtyPassword. */
    readonly vtySecret?: Secret;

    constructor(name: string, args: QuaggaRouterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hybrid-vnf:index:QuaggaRouter", name, {}, opts);

        // Typed inputs are checked, not re-parsed: plain ones now (a synchronous error at
        // construction), routes that depend on other stacks once known, still before any change.
        const INTERFACES = formatInterfaces(checkInterfaces(args.interfaces));
        const routes = pulumi.output(args.routes).apply((rs) => [...checkRoutes(rs, args.interfaces)]);
        const ROUTES = routes.apply(formatRoutes);
        const env = ROUTES.apply((r) => ({ INTERFACES, ROUTES: r }));
        const labels = { "app.kubernetes.io/name": "quagga-router", "app.kubernetes.io/instance": name, "app.kubernetes.io/part-of": "hybrid-vnf" };
        const allLabels = { ...(args.labels ?? {}), ...labels };

        this.namespaceResource = new Namespace(
            `${name}-namespace`,
            {
                metadata: {
                    name: args.namespace ?? name,
                    labels: {
                        ...allLabels,
                        // hostNetwork + NET_ADMIN/privileged is only admitted at the privileged level.
                        "pod-security.kubernetes.io/enforce": "privileged",
                        "pod-security.kubernetes.io/audit": "privileged",
                        "pod-security.kubernetes.io/warn": "privileged",
                        [VNF_NAMESPACE_LABEL_KEY]: VNF_NAMESPACE_LABEL_VALUE,
                    },
                },
            },
            { parent: this },
        );
        const namespace = this.namespaceResource.metadata.name;

        const securityContext: k8sInput.core.v1.SecurityContext = args.leastPrivilege
            ? {
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  capabilities: {
                      drop: ["ALL"],
                      add: [...ROUTER_NET_CAPABILITIES],
                  },
              }
            : { privileged: true };

        if (args.vtyPassword !== undefined) {
            // Secret whatever the caller passed; checked without ever putting it in a message.
            const password = pulumi.secret(args.vtyPassword).apply(parseVtyPassword);
            this.vtySecret = new Secret(
                `${name}-vty`,
                {
                    // Auto-named (router-vty-xxxxxxxx): a new password replaces the Secret under a
                    // new name, which changes the pod template, so the pod restarts and reads it.
                    metadata: { namespace, labels: allLabels },
                    type: "Opaque",
                    stringData: { [VTY_PASSWORD_SECRET_KEY]: password },
                },
                { parent: this, replaceOnChanges: ["stringData"] },
            );
        }
        const vtyEnv: k8sInput.core.v1.EnvVar[] = this.vtySecret
            ? [{ name: "VTY_PASSWORD", valueFrom: { secretKeyRef: { name: this.vtySecret.metadata.name, key: VTY_PASSWORD_SECRET_KEY } } }]
            : [];

        const probe = (o: Partial<k8sInput.core.v1.Probe>): k8sInput.core.v1.Probe => ({
            exec: { command: ROUTER_HEALTH_COMMAND },
            timeoutSeconds: 5,
            ...o,
        });

        // A Deployment with replicas 1 and the Recreate strategy, not a DaemonSet: the swarm
        // hosts route the Apache network via ONE routerHost, so the chain wants exactly one
        // router, however many nodes carry role=router. With hostNetwork two router pods on
        // one node would fight over the kernel routes and the vty ports; Recreate stops the
        // old pod before the new one starts (a DaemonSet would also run one per labelled node,
        // which is the wrong cardinality here). The declared ports become host ports under
        // hostNetwork, so the scheduler too refuses to place two on one node.
        this.deployment = new Deployment(
            `${name}-deployment`,
            {
                metadata: { namespace, labels: allLabels },
                spec: {
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: labels },
                    template: {
                        metadata: { labels: allLabels },
                        spec: {
                            hostNetwork: true,
                            // Cluster DNS still resolves from the host network namespace.
                            dnsPolicy: "ClusterFirstWithHostNet",
                            nodeSelector: args.nodeSelector ?? { ...ROUTER_NODE_SELECTOR },
                            // The router node may be the only (control-plane) node.
                            tolerations: [
                                { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
                                { key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule" },
                            ],
                            terminationGracePeriodSeconds: 15,
                            automountServiceAccountToken: false,
                            containers: [
                                {
                                    name: "router",
                                    image: args.image,
                                    imagePullPolicy: "IfNotPresent",
                                    env: [
                                        { name: "INTERFACES", value: INTERFACES },
                                        { name: "ROUTES", value: ROUTES },
                                        ...vtyEnv,
                                    ],
                                    // Declared even while the vty is loopback-only: under hostNetwork
                                    // they are host ports, so no second router lands on the node.
                                    ports: [
                                        { name: "zebra-vty", containerPort: ZEBRA_VTY_PORT, protocol: "TCP" },
                                        { name: "staticd-vty", containerPort: STATICD_VTY_PORT, protocol: "TCP" },
                                    ],
                                    securityContext,
                                    // zebra + staticd take a few seconds; liveness starts after this.
                                    startupProbe: probe({ periodSeconds: 2, failureThreshold: 30 }),
                                    readinessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }),
                                    livenessProbe: probe({ periodSeconds: 20, failureThreshold: 3 }),
                                    resources: args.resources ?? {
                                        requests: { cpu: "50m", memory: "64Mi" },
                                        limits: { cpu: "500m", memory: "256Mi" },
                                    },
                                },
                            ],
                        },
                    },
                },
            },
            { parent: this },
        );

        // Without a password the vty is on 127.0.0.1 only (FRR refuses TCP logins without
        // one), so a Service would reach nothing: there is none.
        if (this.vtySecret) {
            this.service = new Service(
                `${name}-vty`,
                {
                    metadata: { namespace, labels: allLabels },
                    spec: {
                        type: "ClusterIP",
                        selector: labels,
                        ports: [
                            { name: "zebra-vty", port: ZEBRA_VTY_PORT, targetPort: ZEBRA_VTY_PORT, protocol: "TCP" },
                            { name: "staticd-vty", port: STATICD_VTY_PORT, targetPort: STATICD_VTY_PORT, protocol: "TCP" },
                        ],
                    },
                },
                { parent: this },
            );
        }

        this.namespace = namespace;
        this.workloadName = this.deployment.metadata.name;
        this.serviceName = this.service ? this.service.metadata.name : pulumi.output(undefined);
        this.routes = routes;
        this.env = env;
        this.registerOutputs({
            namespace: this.namespace,
            workloadName: this.workloadName,
            serviceName: this.serviceName,
            routes: this.routes,
            env: this.env,
        });
    }
}

/** For callers that hold a kubeconfig: a provider to pass as `{ provider }`. */
export function kubernetesProvider(name: string, kubeconfig: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): Provider {
    return new Provider(name, { kubeconfig: pulumi.secret(kubeconfig) }, opts);
}
