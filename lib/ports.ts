// Every port the chain opens, listens on or guards, written once. No imports, on purpose: the
// policy pack (policy/, run in a process of its own) imports this file as the program does.
// tests/lib/ports.test.ts pins the numbers and keeps this file free of imports.

/** SSH: admin access to every VM, and the only way to the Docker API (dockerHost is ssh://). */
export const SSH_PORT = 22;
/** HTTP: what the Apache backends serve and the router forwards to them. */
export const HTTP_PORT = 80;
/** The Kubernetes API of the k3s server. */
export const KUBE_API_PORT = 6443;
/** The Docker Engine API over TCP, plain and TLS: never opened, always guarded. */
export const DOCKER_API_PORTS = { plain: 2375, tls: 2376 } as const;
/** Docker Swarm among its nodes: management (TCP), gossip (TCP and UDP), overlay VXLAN (UDP). */
export const SWARM_PORTS = { management: 2377, gossip: 7946, overlay: 4789 } as const;

/** BGP (TCP): the routers listen, the hosts connect. */
export const BGP_PORT = 179;
/** Single-hop BFD (UDP, RFC 5881): control 3784, echo 3785; rules open them as one range. */
export const BFD_PORTS = { control: 3784, echo: 3785 } as const;
/** The router's FRR vty (TCP): zebra (kernel routes) and staticd (the static routes). */
export const FRR_VTY_PORTS = { zebra: 2601, staticd: 2616 } as const;

/**
 * Linux's default ephemeral ports (net.ipv4.ip_local_port_range): the client side of the chain's
 * HTTP connections. Above every port k3s and Kubernetes listen on (NodePorts end at 32767).
 */
export const EPHEMERAL_PORTS = { min: 32768, max: 60999 } as const;

/** Ports a swarm host listens on itself, so the load balancer may not publish on them (hybrid-vnf:lbPort). */
export const SWARM_HOST_PORTS: readonly number[] = [
    SSH_PORT,
    BGP_PORT,
    DOCKER_API_PORTS.plain,
    DOCKER_API_PORTS.tls,
    SWARM_PORTS.management,
    SWARM_PORTS.gossip,
    SWARM_PORTS.overlay,
];

/** TCP ports no security rule may open to the whole internet (the policy pack's first rule). */
export const ADMIN_PORTS: readonly { port: number; what: string }[] = [
    { port: SSH_PORT, what: "SSH" },
    { port: KUBE_API_PORT, what: "the Kubernetes API" },
    { port: DOCKER_API_PORTS.plain, what: "the Docker API" },
    { port: DOCKER_API_PORTS.tls, what: "the Docker API (TLS)" },
];
