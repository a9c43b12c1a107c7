// The swarm nodes' ingress rules as data. Egress keeps Neutron's default allow-all, and
// replies to allowed traffic pass because security groups are stateful.
import { BFD_PORTS, Routing } from "../../lib/routing";

export interface SwarmRule {
    /** Resource name suffix, and the rule's description. */
    name: string;
    protocol: "tcp" | "udp";
    port: number;
    /** A CIDR, or "swarm": the swarm security group itself (only swarm nodes). */
    from: string | "swarm";
}

export interface SwarmRuleInputs {
    adminCidr: string;
    clientCidr: string;
    lbPort: number;
}

/**
 * SSH only from the admins; swarm control and data plane only among swarm nodes; the load
 * balancer's published port from clients. The Docker API (2375/2376) is never opened:
 * dockerHost is ssh://, so Docker is reached through SSH.
 */
export function swarmSecurityRules(i: SwarmRuleInputs): SwarmRule[] {
    return [
        { name: "ssh-from-admin", protocol: "tcp", port: 22, from: i.adminCidr },
        { name: "swarm-management", protocol: "tcp", port: 2377, from: "swarm" },
        { name: "swarm-gossip-tcp", protocol: "tcp", port: 7946, from: "swarm" },
        { name: "swarm-gossip-udp", protocol: "udp", port: 7946, from: "swarm" },
        { name: "swarm-overlay-vxlan", protocol: "udp", port: 4789, from: "swarm" },
        { name: "lb-from-clients", protocol: "tcp", port: i.lbPort, from: i.clientCidr },
    ];
}

/** An ingress rule of the nodes' cluster-network leg (eth1), over a port range. */
export interface ClusterLegRule {
    name: string;
    protocol: "udp";
    portMin: number;
    portMax: number;
    /** The k8s stack's cluster network (its CIDR is that stack's output). */
    from: "cluster-network";
}

/**
 * eth1's group has no ingress in static mode (replies only). In bgp mode the nodes open the BGP
 * sessions (the routers listen), so 179 needs no ingress here, but BFD runs both ways: the
 * routers send control packets to the nodes' 3784 from the cluster network, where their legs are.
 */
export function clusterLegRules(routing: Routing): ClusterLegRule[] {
    if (routing.mode !== "bgp") return [];
    return [{ name: "bfd-from-routers", protocol: "udp", portMin: BFD_PORTS.control, portMax: BFD_PORTS.echo, from: "cluster-network" }];
}
