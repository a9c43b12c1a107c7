// The router's pod: what QuaggaRouter runs on each router node, the same template for the static
// Deployment and the bgp DaemonSet. Pure: typed options in, the Kubernetes pod template out, with
// the facts it rests on (probe commands, Secret keys, peer groups); the capabilities and ports
// come from lib/frr-capabilities.ts and lib/ports.ts.
import * as pulumi from "@pulumi/pulumi";
import type * as k8sInput from "@pulumi/kubernetes/types/input";
import { RouterBgp, checkRouterBgp } from "../lib/router-bgp-env";
import { BgpRouting } from "../lib/routing";
import { BFD_PORTS, BGP_PORT, FRR_VTY_PORTS } from "../lib/ports";
import { ROUTER_NODE_SELECTOR } from "../lib/labels";
import { FRR_BGP_CAPABILITIES, FRR_CAPABILITIES } from "../lib/frr-capabilities";

/** The key of the vty password in the component's Secret (env VTY_PASSWORD of the container). */
export const VTY_PASSWORD_SECRET_KEY = "password";
/** The key of the BGP password in its Secret (env BGP_PASSWORD of the container). */
export const BGP_PASSWORD_SECRET_KEY = "password";

/** The image's health mode: exit 0 iff every daemon of the mode answers on its vty. */
export const ROUTER_HEALTH_COMMAND = ["/usr/local/bin/start.sh", "--health"];
/** The image's readiness mode: --health, and in bgp mode every BGP session Established (at least one). */
export const ROUTER_READY_COMMAND = ["/usr/local/bin/start.sh", "--ready"];

/** The peer groups of bgp mode: swarm hosts from the cluster network, Apache VMs from the Apache network. */
export const BGP_SWARM_GROUP = "SWARM";
export const BGP_APACHE_GROUP = "APACHE";

/** The networks the router legs are on (the k8s stack's clusterNetwork.cidr and apacheInfo.network). */
export interface RouterNetworks {
    cluster: string;
    apache: string;
}

/**
 * The router's BGP setup: the swarm hosts peer from the cluster network and learn only the
 * Apache network; the Apache VMs peer from the Apache network and learn only the cluster
 * network, which is where the requests come from (the swarm hosts reach the routers over
 * their cluster-network leg, so that is the source address Apache replies to).
 */
export function routerBgp(routing: BgpRouting, nets: RouterNetworks, password?: string): RouterBgp {
    return checkRouterBgp({
        asn: routing.routerAsn,
        peerAsn: routing.hostAsn,
        bfd: { ...routing.bfd },
        groups: [
            { name: BGP_SWARM_GROUP, listenRange: nets.cluster, announce: [nets.apache] },
            { name: BGP_APACHE_GROUP, listenRange: nets.apache, announce: [nets.cluster] },
        ],
        ...(password === undefined ? {} : { password }),
    });
}

export interface RouterPodOptions {
    labels: Record<string, string>;
    image: pulumi.Input<string>;
    /** Default: the router node label (role=router). */
    nodeSelector?: Record<string, string>;
    /** The container env, in order: INTERFACES, ROUTES, then the vty and bgp keys. */
    env: k8sInput.core.v1.EnvVar[];
    /** bgp mode: the BGP and BFD ports, NET_BIND_SERVICE, readiness on Established sessions. */
    bgp: boolean;
    leastPrivilege: boolean;
    resources?: k8sInput.core.v1.ResourceRequirements;
}

export function routerPodTemplate(o: RouterPodOptions): k8sInput.core.v1.PodTemplateSpec {
    const securityContext: k8sInput.core.v1.SecurityContext = o.leastPrivilege
        ? {
              privileged: false,
              allowPrivilegeEscalation: false,
              capabilities: {
                  drop: ["ALL"],
                  // All the router gets: every other capability is dropped.
                  add: [...(o.bgp ? FRR_BGP_CAPABILITIES : FRR_CAPABILITIES)],
              },
          }
        : { privileged: true };

    const probe = (o: Partial<k8sInput.core.v1.Probe>, command = ROUTER_HEALTH_COMMAND): k8sInput.core.v1.Probe => ({
        exec: { command },
        timeoutSeconds: 5,
        ...o,
    });
    return {
        metadata: { labels: o.labels },
        spec: {
            hostNetwork: true,
            // Cluster DNS still resolves from the host network namespace.
            dnsPolicy: "ClusterFirstWithHostNet",
            nodeSelector: o.nodeSelector ?? { ...ROUTER_NODE_SELECTOR },
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
                    image: o.image,
                    imagePullPolicy: "IfNotPresent",
                    env: o.env,
                    // Declared even while the vty is loopback-only: under hostNetwork
                    // they are host ports, so no second router lands on the node.
                    ports: [
                        { name: "zebra-vty", containerPort: FRR_VTY_PORTS.zebra, protocol: "TCP" },
                        { name: "staticd-vty", containerPort: FRR_VTY_PORTS.staticd, protocol: "TCP" },
                        ...(o.bgp
                            ? [
                                  { name: "bgp", containerPort: BGP_PORT, protocol: "TCP" },
                                  { name: "bfd-control", containerPort: BFD_PORTS.control, protocol: "UDP" },
                                  { name: "bfd-echo", containerPort: BFD_PORTS.echo, protocol: "UDP" },
                              ]
                            : []),
                    ],
                    securityContext,
                    // zebra + staticd take a few seconds; liveness starts after this.
                    startupProbe: probe({ periodSeconds: 2, failureThreshold: 30 }),
                    // bgp mode: ready only once the hosts have the routes (sessions Established);
                    // liveness stays "the daemons answer", so a host going away never kills a router.
                    readinessProbe: probe(
                        { periodSeconds: 10, failureThreshold: 3 },
                        o.bgp ? ROUTER_READY_COMMAND : ROUTER_HEALTH_COMMAND,
                    ),
                    livenessProbe: probe({ periodSeconds: 20, failureThreshold: 3 }),
                    resources: o.resources ?? {
                        requests: { cpu: "50m", memory: "64Mi" },
                        limits: { cpu: "500m", memory: "256Mi" },
                    },
                },
            ],
        },
    };
}
