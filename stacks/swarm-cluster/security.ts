// Security groups of the swarm-cluster stack as a plain table, in the rule shape both cluster
// stacks share (lib/security-rule.ts); the ports come from lib/ports.ts. A rule without a
// description is described by its key.
import { Routing } from "../../lib/routing";
import { BFD_PORTS, SSH_PORT, SWARM_PORTS } from "../../lib/ports";
import type { IngressRule } from "../../lib/security-rule";

/** The nodes' own group: swarm traffic comes only from swarm nodes. */
export const SWARM_GROUP = "swarm";

export interface SwarmRuleInputs {
    adminCidr: string;
    clientCidr: string;
    lbPort: number;
}

/**
 * The nodes' eth0 group. SSH only from the admins; swarm control and data plane only among swarm
 * nodes; the load balancer's published port from clients. The Docker API (2375/2376) is never
 * opened: dockerHost is ssh://, so Docker is reached through SSH.
 */
export function swarmSecurityRules(i: SwarmRuleInputs): IngressRule<typeof SWARM_GROUP>[] {
    const amongNodes = { remoteGroup: SWARM_GROUP } as const;
    return [
        { key: "ssh-from-admin", protocol: "tcp", port: SSH_PORT, remoteIpPrefix: i.adminCidr },
        { key: "swarm-management", protocol: "tcp", port: SWARM_PORTS.management, ...amongNodes },
        { key: "swarm-gossip-tcp", protocol: "tcp", port: SWARM_PORTS.gossip, ...amongNodes },
        { key: "swarm-gossip-udp", protocol: "udp", port: SWARM_PORTS.gossip, ...amongNodes },
        { key: "swarm-overlay-vxlan", protocol: "udp", port: SWARM_PORTS.overlay, ...amongNodes },
        { key: "lb-from-clients", protocol: "tcp", port: i.lbPort, remoteIpPrefix: i.clientCidr },
    ];
}

/**
 * The nodes' cluster-network leg (eth1): no ingress in static mode (replies only). In bgp mode the
 * nodes open the BGP sessions (the routers listen), so 179 needs no ingress here, but BFD runs
 * both ways: the routers send control packets to the nodes' 3784 from the cluster network, where
 * their legs are. `clusterCidr` is the k8s stack's output, so it may be a Pulumi output.
 */
export function clusterLegRules<Cidr>(routing: Routing, clusterCidr: Cidr): IngressRule<never, Cidr>[] {
    if (routing.mode !== "bgp") return [];
    const bfd = { protocol: "udp", port: BFD_PORTS.control, portMax: BFD_PORTS.echo } as const;
    return [{ key: "bfd-from-routers", ...bfd, remoteIpPrefix: clusterCidr }];
}
