// QuaggaRouter: the router VNF (FRRouting, the maintained Quagga fork) on Kubernetes.
// A privileged-labelled namespace, the router pod(s) on the router node(s) with the node's
// network (hostNetwork), env INTERFACES/ROUTES in the seed's format, probes on the daemons,
// and, given a vty password (kept in a Secret), a ClusterIP Service for the vty ports.
// routing static (default): one pod, a Deployment. routing bgp: one pod per router node, a
// DaemonSet, with bgpd + bfdd peering with the hosts (env ROUTING=bgp, BGP_*, BFD_*).
// Invalid routes, BGP settings and passwords fail at plan time.
// The container's frr.conf is rendered from that env by images/router/frr-config.sh (sourced by
// the image's start.sh); tests/reference/frr-config.ts is its TypeScript twin. The env contract:
// lib/router-env.ts, lib/router-bgp-env.ts, lib/vnf-passwords.ts; the pod: ./router-pod.ts.
import * as pulumi from "@pulumi/pulumi";
import { DaemonSet, Deployment } from "@pulumi/kubernetes/apps/v1";
import { Namespace, Secret, Service } from "@pulumi/kubernetes/core/v1";
import { Provider } from "@pulumi/kubernetes/provider";
import type * as k8sInput from "@pulumi/kubernetes/types/input";
import { Route, checkInterfaces, checkRoutes, formatInterfaces, formatRoutes } from "../lib/router-env";
import { ROUTER_BGP_PLAIN_ENV_KEYS, formatRouterBgpEnv } from "../lib/router-bgp-env";
import { parseBgpPassword, parseVtyPassword } from "../lib/vnf-passwords";
import { Routing, STATIC_ROUTING } from "../lib/routing";
import { VNF_NAMESPACE_LABEL_KEY, VNF_NAMESPACE_LABEL_VALUE } from "../lib/labels";
import {
    BGP_PASSWORD_SECRET_KEY,
    RouterNetworks,
    VTY_PASSWORD_SECRET_KEY,
    routerBgp,
    routerPodTemplate,
} from "./router-pod";
import { FRR_VTY_PORTS } from "../lib/ports";

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
    /**
     * static (default): one router pod, static routes only. bgp: one router pod per router
     * node, peering with the hosts (needs `networks`).
     */
    routing?: Routing;
    /** The networks of the router legs: bgp mode's listen ranges and announcements. Required with routing bgp. */
    networks?: pulumi.Input<RouterNetworks>;
    /**
     * bgp mode only: the TCP-MD5 password of every BGP session, kept in a Secret (always a Pulumi
     * secret) and given to the container as env BGP_PASSWORD; checked at plan time without
     * echoing it. Changing it replaces the Secret under a new name, which rolls the pods.
     */
    bgpPassword?: pulumi.Input<string>;
    /** Node selector of the router node(s). Default ROUTER_NODE_SELECTOR (role=router, lib/labels.ts). */
    nodeSelector?: Record<string, string>;
    /** Container resources. Default requests 50m/64Mi, limits 500m/256Mi. */
    resources?: k8sInput.core.v1.ResourceRequirements;
    /** Extra labels on every object. */
    labels?: Record<string, string>;
}

export class QuaggaRouter extends pulumi.ComponentResource {
    /** Name of the router namespace. */
    readonly namespace: pulumi.Output<string>;
    /** Name of the router workload: the Deployment (static) or the DaemonSet (bgp). */
    readonly workloadName: pulumi.Output<string>;
    /** Name of the vty Service; undefined without a vtyPassword (no Service). */
    readonly serviceName: pulumi.Output<string | undefined>;
    /** The routes, typed (the container gets them as ROUTES, formatted once). */
    readonly routes: pulumi.Output<Route[]>;
    /** The container env: INTERFACES and ROUTES in the seed's format; in bgp mode ROUTING and the BGP_/BFD_ keys (never the password). */
    readonly env: pulumi.Output<
        { INTERFACES: string; ROUTES: string } & Partial<ReturnType<typeof formatRouterBgpEnv>>
    >;
    readonly routing: Routing;

    readonly namespaceResource: Namespace;
    /** The router Deployment, in static mode. */
    readonly deployment?: Deployment;
    /** The router DaemonSet, in bgp mode. */
    readonly daemonSet?: DaemonSet;
    /** The Secret holding the BGP password, only in bgp mode with a bgpPassword. */
    readonly bgpSecret?: Secret;
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
        const routing = args.routing ?? STATIC_ROUTING;
        if (routing.mode === "static" && (args.networks !== undefined || args.bgpPassword !== undefined)) {
            throw new Error(`QuaggaRouter ${name}: networks and bgpPassword are only for routing bgp`);
        }
        if (routing.mode === "bgp" && args.networks === undefined)
            throw new Error(`QuaggaRouter ${name}: routing bgp needs the networks of the router legs`);
        // The BGP setup, checked by the env's rules once the networks are known (before any object is sent).
        const bgp =
            routing.mode === "bgp" ? pulumi.output(args.networks!).apply((n) => routerBgp(routing, n)) : undefined;
        const env = bgp
            ? pulumi.all([ROUTES, bgp]).apply(([r, b]) => ({ INTERFACES, ROUTES: r, ...formatRouterBgpEnv(b) }))
            : ROUTES.apply((r) => ({ INTERFACES, ROUTES: r }));
        const labels = {
            "app.kubernetes.io/name": "quagga-router",
            "app.kubernetes.io/instance": name,
            "app.kubernetes.io/part-of": "hybrid-vnf",
        };
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

        // Each password in an auto-named Secret (router-vty-xxxxxxxx): a new password replaces the
        // Secret under a new name, which changes the pod template, so the pod restarts and reads it.
        // Secret whatever the caller passed; checked without ever putting it in a message.
        const passwordSecret = (suffix: string, key: string, password: pulumi.Output<string>): Secret =>
            new Secret(
                `${name}-${suffix}`,
                { metadata: { namespace, labels: allLabels }, type: "Opaque", stringData: { [key]: password } },
                { parent: this, replaceOnChanges: ["stringData"] },
            );
        const fromSecret = (env: string, secret: Secret, key: string): k8sInput.core.v1.EnvVar => ({
            name: env,
            valueFrom: { secretKeyRef: { name: secret.metadata.name, key } },
        });

        if (args.vtyPassword !== undefined) {
            this.vtySecret = passwordSecret(
                "vty",
                VTY_PASSWORD_SECRET_KEY,
                pulumi.secret(args.vtyPassword).apply(parseVtyPassword),
            );
        }
        const vtyEnv = this.vtySecret ? [fromSecret("VTY_PASSWORD", this.vtySecret, VTY_PASSWORD_SECRET_KEY)] : [];

        // bgp mode: the session password in a Secret of its own, like the vty's.
        if (bgp && args.bgpPassword !== undefined) {
            const password = pulumi.secret(args.bgpPassword).apply(parseBgpPassword);
            this.bgpSecret = passwordSecret("bgp", BGP_PASSWORD_SECRET_KEY, password);
        }
        const bgpEnv: k8sInput.core.v1.EnvVar[] = bgp
            ? [
                  ...ROUTER_BGP_PLAIN_ENV_KEYS.map((key) => ({
                      name: key,
                      value: bgp.apply((b) => formatRouterBgpEnv(b)[key]),
                  })),
                  ...(this.bgpSecret ? [fromSecret("BGP_PASSWORD", this.bgpSecret, BGP_PASSWORD_SECRET_KEY)] : []),
              ]
            : [];

        const podTemplate = routerPodTemplate({
            labels: allLabels,
            image: args.image,
            nodeSelector: args.nodeSelector,
            env: [{ name: "INTERFACES", value: INTERFACES }, { name: "ROUTES", value: ROUTES }, ...vtyEnv, ...bgpEnv],
            bgp: bgp !== undefined,
            leastPrivilege: args.leastPrivilege ?? false,
            resources: args.resources,
        });

        if (!bgp) {
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
                        template: podTemplate,
                    },
                },
                { parent: this },
            );
        } else {
            // bgp mode: a DaemonSet on the role=router nodes, not a Deployment with anti-affinity.
            // The cardinality follows the labelled nodes (routerCount of the k8s stack) by itself;
            // hostNetwork needs exactly one speaker per node kernel (two would fight over 179 and
            // the kernel routes); a Deployment would need its replicas kept equal to routerCount
            // and would leave a Pending pod while a node is down, where a DaemonSet simply runs
            // one pod fewer. Rolling updates take one router at a time, and the next only once
            // the new one is ready (its sessions Established), so the hosts always keep a path.
            this.daemonSet = new DaemonSet(
                `${name}-daemonset`,
                {
                    metadata: { namespace, labels: allLabels },
                    spec: {
                        selector: { matchLabels: labels },
                        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                        template: podTemplate,
                    },
                },
                { parent: this },
            );
        }

        // Without a password the vty is on 127.0.0.1 only (FRR refuses TCP logins without
        // one), so a Service would reach nothing: there is none.
        if (this.vtySecret) {
            const { zebra, staticd } = FRR_VTY_PORTS;
            this.service = new Service(
                `${name}-vty`,
                {
                    metadata: { namespace, labels: allLabels },
                    spec: {
                        type: "ClusterIP",
                        selector: labels,
                        ports: [
                            { name: "zebra-vty", port: zebra, targetPort: zebra, protocol: "TCP" },
                            { name: "staticd-vty", port: staticd, targetPort: staticd, protocol: "TCP" },
                        ],
                    },
                },
                { parent: this },
            );
        }

        this.namespace = namespace;
        this.workloadName = (this.deployment ?? this.daemonSet)!.metadata.name;
        this.routing = routing;
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
export function kubernetesProvider(
    name: string,
    kubeconfig: pulumi.Input<string>,
    opts?: pulumi.CustomResourceOptions,
): Provider {
    return new Provider(name, { kubeconfig: pulumi.secret(kubeconfig) }, opts);
}
