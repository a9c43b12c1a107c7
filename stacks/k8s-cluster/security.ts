// Security groups of the k8s-cluster stack as a plain table, so the policy can be read and
// tested without a cloud. Each group gets no ingress but what is listed here, in the rule shape
// both cluster stacks share (lib/security-rule.ts); the ports come from lib/ports.ts.
import { Routing } from "../../lib/routing";
import { BFD_PORTS, BGP_PORT, EPHEMERAL_PORTS, HTTP_PORT, KUBE_API_PORT, SSH_PORT } from "../../lib/ports";
import type { IngressRule as SharedIngressRule } from "../../lib/security-rule";

/** The groups, by the key used in resource names. */
export type GroupKey = "nodes" | "router-transit" | "router-apache-leg" | "apache";

/** A rule of this stack: its source is a CIDR or one of its groups. */
export type IngressRule = SharedIngressRule<GroupKey>;

export interface SecurityGroupSpec {
    key: GroupKey;
    description: string;
    ingress: IngressRule[];
}

export interface SecurityInputs {
    adminCidr: string;
    clusterCidr: string;
    swarmCidr: string;
    routing: Routing;
}

/** Single-hop BFD: control and echo ports, as one range. */
const bfdPorts = { protocol: "udp", port: BFD_PORTS.control, portMax: BFD_PORTS.echo } as const;

/**
 * bgp mode only. The hosts open the BGP sessions (the routers listen for dynamic neighbours), so
 * 179/tcp is opened on the routers' legs only, from the hosts' side; BFD runs both ways (each
 * side sends control packets to the other's 3784), so it is opened on both sides.
 * - router-transit (router, cluster leg): BGP and BFD from the cluster network, where the swarm
 *   hosts' eth1 legs are (their security group is the swarm stack's, so a CIDR here).
 * - router-apache-leg: BGP and BFD from the apache group (the return path's sessions), and the
 *   HTTP replies: with ECMP on both sides a reply may come back by another router than the one
 *   its request took, and that router's port never saw the connection, so Neutron's stateful
 *   groups would drop it. Only towards the ephemeral ports, so the Apache VMs still cannot open
 *   a connection to anything that listens on a router node.
 * - apache: BFD from the routers' Apache legs.
 */
export function bgpIngress(key: GroupKey, s: SecurityInputs): IngressRule[] {
    if (s.routing.mode !== "bgp") return [];
    switch (key) {
        case "router-transit":
            return [
                {
                    key: "bgp-cluster",
                    description: "BGP from the swarm hosts' legs on the cluster network",
                    protocol: "tcp",
                    port: BGP_PORT,
                    remoteIpPrefix: s.clusterCidr,
                },
                {
                    key: "bfd-cluster",
                    description: "BFD from the swarm hosts' legs on the cluster network",
                    ...bfdPorts,
                    remoteIpPrefix: s.clusterCidr,
                },
            ];
        case "router-apache-leg":
            return [
                {
                    key: "bgp-apache",
                    description: "BGP from the Apache VMs (return path)",
                    protocol: "tcp",
                    port: BGP_PORT,
                    remoteGroup: "apache",
                },
                {
                    key: "bfd-apache",
                    description: "BFD from the Apache VMs (return path)",
                    ...bfdPorts,
                    remoteGroup: "apache",
                },
                {
                    key: "replies-apache",
                    description: "HTTP replies from the Apache VMs returning by another router than the request (ECMP)",
                    protocol: "tcp",
                    port: EPHEMERAL_PORTS.min,
                    portMax: EPHEMERAL_PORTS.max,
                    remoteGroup: "apache",
                },
            ];
        case "apache":
            return [
                {
                    key: "bfd-routers",
                    description: "BFD from the router nodes' Apache legs",
                    ...bfdPorts,
                    remoteGroup: "router-apache-leg",
                },
            ];
        default:
            return [];
    }
}

/**
 * - nodes: every Kubernetes node's cluster-side port. SSH and the API only from adminCidr; node
 *   to node everything (flannel VXLAN 8472/udp, kubelet 10250, agents -> API 6443), matched by
 *   group membership, not by a CIDR, so no other host on the cluster network gets in.
 * - router-transit: also on the router node's cluster-side port. Security groups apply to
 *   packets a VM forwards, too: a request from the swarm to an Apache VM enters the router node
 *   by this port, and Neutron checks it against this port's ingress rules by source address. So
 *   HTTP from swarmCidr and clusterCidr (the swarm hosts' leg on the cluster network) must be
 *   allowed here, or the chain breaks at the router. Nothing listens on port 80 on the node
 *   itself (k3s runs without traefik/servicelb).
 * - router-apache-leg: the router node's Apache-side port. No ingress rules: the requests leave
 *   by this port (egress, allowed) and the Apache replies that come back in match the
 *   connection tracked on the way out. Apache VMs cannot open connections to the router node.
 * - apache: HTTP only from the cluster and swarm networks (after the router VNF the source is
 *   still the original client, the router does not NAT).
 */
export function securityGroupSpecs(s: SecurityInputs): SecurityGroupSpec[] {
    return staticSecurityGroupSpecs(s).map((g) => {
        const bgp = bgpIngress(g.key, s);
        if (bgp.length === 0) return g;
        // The router's Apache leg is no longer ingress-free: say so where operators look.
        const description =
            g.key === "router-apache-leg"
                ? "Router node, Apache side: BGP and BFD from the Apache VMs, and replies that return by another router (ECMP)"
                : g.description;
        return { ...g, description, ingress: [...g.ingress, ...bgp] };
    });
}

function staticSecurityGroupSpecs(s: SecurityInputs): SecurityGroupSpec[] {
    return [
        {
            key: "nodes",
            description: "Kubernetes nodes: SSH and API from the admin network, all traffic between nodes",
            ingress: [
                {
                    key: "ssh-admin",
                    description: "SSH from the admin network",
                    protocol: "tcp",
                    port: SSH_PORT,
                    remoteIpPrefix: s.adminCidr,
                },
                {
                    key: "api-admin",
                    description: "Kubernetes API from the admin network",
                    protocol: "tcp",
                    port: KUBE_API_PORT,
                    remoteIpPrefix: s.adminCidr,
                },
                {
                    key: "intra-cluster",
                    description: "All traffic between Kubernetes nodes (flannel, kubelet, API)",
                    remoteGroup: "nodes",
                },
            ],
        },
        {
            key: "router-transit",
            description:
                "Router node, cluster side: HTTP forwarded from the swarm and cluster networks to the Apache network",
            ingress: [
                {
                    key: "http-swarm",
                    description: "HTTP from the swarm network, forwarded to Apache",
                    protocol: "tcp",
                    port: HTTP_PORT,
                    remoteIpPrefix: s.swarmCidr,
                },
                {
                    key: "http-cluster",
                    description: "HTTP from the cluster network, forwarded to Apache",
                    protocol: "tcp",
                    port: HTTP_PORT,
                    remoteIpPrefix: s.clusterCidr,
                },
            ],
        },
        {
            key: "router-apache-leg",
            description: "Router node, Apache side: no ingress; replies pass as tracked connections",
            ingress: [],
        },
        {
            key: "apache",
            description: "Apache VMs: HTTP from the cluster and swarm networks only",
            ingress: [
                {
                    key: "http-cluster",
                    description: "HTTP from the cluster network (via the router VNF)",
                    protocol: "tcp",
                    port: HTTP_PORT,
                    remoteIpPrefix: s.clusterCidr,
                },
                {
                    key: "http-swarm",
                    description: "HTTP from the swarm network (via the router VNF)",
                    protocol: "tcp",
                    port: HTTP_PORT,
                    remoteIpPrefix: s.swarmCidr,
                },
            ],
        },
    ];
}
