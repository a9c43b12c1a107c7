// The swarm nodes' ingress rules as data. Egress keeps Neutron's default allow-all, and
// replies to allowed traffic pass because security groups are stateful.

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
