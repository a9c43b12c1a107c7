// The lab's hosts and networks as one data structure, in the manner of a containerlab topology
// file: what the clouds would give the stacks (the swarm hosts' network, the router nodes with
// their two legs, the Apache backends) plus this host's routes and filters. One function builds
// it for a list of router nodes, with or without BGP; apply-topology.ts applies it and
// teardown-topology.ts tears it down again. Pure: no Docker, no I/O.
//
// The data plane, in packet-flow order:
//   client ─► managerIp:lbPort (swarm network, host = managerIp)
//             └► LB task (Swarm service, host-mode port) ─ default via the host
//   host: static: <apacheCidr> via <routerHost> dev <host cluster leg> (proto 233);
//         bgp: <apacheCidr> proto bgp, one ECMP next hop per live router (zebra of the host's FRR,
//         a container with --network host); LB traffic to the Apache network leaves masqueraded
//         to the host's cluster address, as a swarm host's docker_gwbridge does
//   cluster network: one router: a veth pair, the host's end hostClusterIp/24;
//         more: a plain Linux bridge (hostClusterIp/24), one leg per router node
//   router node i netns: cluster leg <clusterIp>/24, default via the host's leg;
//       Apache leg <apacheIp>/32: no connected /24, so the only route to the Apache
//       network is the one zebra installs from ROUTES (proto 196)
//   Apache network (no host address): backends; static: default via the router's Apache leg;
//       bgp: default via an address nobody holds, the cluster network learned by BGP from every
//       router (an FRR sidecar in each backend's namespace), ECMP over the live routers
//
// Why the bgp lab's host FRR runs in the root namespace: the route it installs is the one the
// LB's packets really take, as on a swarm host, so the withdrawal measured is the one that
// matters. What it may touch stays bounded: it imports exactly the Apache network, announces
// nothing, has no TCP vty, its BGP/BFD ports take packets from the cluster network only (filters
// below), and the lab refuses to start it when the host has routes of FRR's protocols.
import { LabAddressing } from "./addressing";
import { LabBgp, labFrrContainers } from "./frr-containers";
import { BGP_LAB_ROUTERS, LabRouterNode, unusedApacheGateway } from "./router-nodes";
import { LabFilter, LabLink, LabNode, LabRoute, LabTopology, TeardownTarget } from "./topology-types";
import { LAB_LABELS, LAB_NAMES, LAB_ROUTE_PROTO } from "../names";
import { BFD_PORTS, BGP_PORT } from "../../lib/ports";
import { HOST_ECMP_SYSCTLS } from "../../lib/frr-host";

export interface LabTopologyInput {
    addressing: LabAddressing;
    /** The LB container's port behind the published one (its filters). */
    lbTargetPort: number;
    /** Runs both the backends and the router nodes' namespace holders. */
    apacheImage: string;
    /** The router nodes (lab/topology/router-nodes.ts); node 0 holds routerHost. */
    routers: LabRouterNode[];
    /** BGP with the host's and the backends' FRR; without it, one router and a static host route. */
    bgp?: LabBgp;
}

const prefixLen = (cidr: string) => cidr.split("/")[1];

/** The lab for the given addressing and router nodes. */
export function labTopology(input: LabTopologyInput): LabTopology {
    const { addressing, routers, bgp, apacheImage } = input;
    if (routers.length === 0) throw new Error("the lab needs at least one router node");
    if (!bgp && routers.length > 1) {
        throw new Error(`static routing has one host route to one router node, not ${routers.length}`);
    }
    const [clusterIf, apacheIf] = addressing.nodeIfaces;
    const clusterLen = prefixLen(addressing.clusterCidr);
    const hostClusterAddress = `${addressing.hostClusterIp}/${clusterLen}`;
    // Several router nodes share the cluster network on a bridge; one takes a point-to-point leg.
    const sharedCluster = routers.length > 1;
    const links: LabLink[] = routers.flatMap((n, i) => [
        {
            node: n.node,
            nodeIf: clusterIf,
            nodeAddress: `${n.clusterIp}/${clusterLen}`,
            peerTmp: LAB_NAMES.nodeClusterLegTmp(i),
            hostIf: LAB_NAMES.hostClusterLeg(i),
            host: sharedCluster ? { bridge: LAB_NAMES.clusterBridge } : { address: hostClusterAddress },
        },
        // A /32, not a /24: a connected Apache route would shadow the static route from ROUTES.
        {
            node: n.node,
            nodeIf: apacheIf,
            nodeAddress: `${n.apacheIp}/32`,
            peerTmp: LAB_NAMES.nodeApacheLegTmp(i),
            hostIf: LAB_NAMES.hostApachePort(i),
            host: { bridge: LAB_NAMES.apacheBridge },
        },
    ]);
    const nodeRoutes: LabRoute[] = routers.map((n) => ({
        node: n.node,
        dst: "default",
        via: addressing.hostClusterIp,
        dev: clusterIf,
    }));
    // Static: the host reaches the Apache network by one route via the router node. With BGP none:
    // a stale static route would black-hole traffic.
    const staticHop = bgp ? undefined : { via: routers[0].clusterIp, dev: LAB_NAMES.hostClusterLeg(0) };
    const hostRoutes: LabRoute[] = staticHop
        ? [{ dst: addressing.apacheCidr, ...staticHop, proto: LAB_ROUTE_PROTO }]
        : [];
    const topology: LabTopology = {
        labels: { ...LAB_LABELS },
        safetyRoutes: [{ dst: addressing.supernet, unreachable: true, proto: LAB_ROUTE_PROTO }],
        networks: [
            {
                name: LAB_NAMES.swarmNetwork,
                bridge: LAB_NAMES.swarmBridge,
                subnet: addressing.swarmCidr,
                gateway: addressing.managerIp,
                swarmConfigFrom: LAB_NAMES.swarmNetworkConfig,
                hostAddress: true,
                masquerade: false,
            },
            // The host has no address on the Apache network. Static: its gateway is the router
            // node's leg, so the backends' replies go back through the router; bgp: nobody holds it.
            {
                name: LAB_NAMES.apacheNetwork,
                bridge: LAB_NAMES.apacheBridge,
                subnet: addressing.apacheCidr,
                gateway: bgp ? unusedApacheGateway(addressing, routers) : routers[0].apacheIp,
                hostAddress: false,
                masquerade: false,
            },
        ],
        nodes: routers.map((n) => namespaceHolder(n.node, apacheImage)),
        links,
        routes: [...nodeRoutes, ...hostRoutes],
        pathChecks: staticHop ? addressing.apacheIps.slice(0, 1).map((ip) => ({ dst: ip, ...staticHop })) : [],
        backends: addressing.apacheIps.map((ip, i) => ({
            name: LAB_NAMES.apacheBackend(i),
            image: apacheImage,
            network: LAB_NAMES.apacheNetwork,
            ip,
            env: { BACKEND_NAME: `apache-${i + 1}`, BACKEND_IP: ip },
            // ECMP by the 5-tuple, here and on the host: with the default (source and destination
            // address only) the LB's traffic to each backend would ride one router and the other none.
            sysctls: bgp ? { ...HOST_ECMP_SYSCTLS } : {},
        })),
        filters: [...lbFilters(addressing, input.lbTargetPort), ...(bgp ? bgpFilters(addressing) : [])],
    };
    if (!bgp) return topology;
    return {
        ...topology,
        bridges: sharedCluster ? [{ name: LAB_NAMES.clusterBridge, address: hostClusterAddress }] : [],
        daemons: labFrrContainers(addressing, routers, bgp),
        hostSysctls: Object.entries(HOST_ECMP_SYSCTLS).map(([key, value]) => ({ key, value })),
    };
}

/** A router node's network namespace, held by a container that sleeps (the router container is the agent's). */
function namespaceHolder(name: string, image: string): LabNode {
    return {
        name,
        image,
        env: {},
        sysctls: { "net.ipv4.ip_forward": "1" },
        command: ["sleep", "infinity"],
        netns: name,
        noHealthcheck: true,
    };
}

/** The host filters of the LB's front door (lab/topology/lb-front-door.ts). */
function lbFilters(addressing: LabAddressing, lbTargetPort: number): LabFilter[] {
    const lbPort = String(addressing.lbPort);
    const bridge = LAB_NAMES.swarmBridge;
    return [
        // The published port only from this host: nothing from outside reaches the swarm network...
        {
            tool: "iptables",
            table: "filter",
            chain: "DOCKER-USER",
            rule: ["-o", bridge, "!", "-i", bridge, "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP"],
        },
        // ...nor the host-mode port over IPv6.
        {
            tool: "ip6tables",
            table: "filter",
            chain: "INPUT",
            rule: ["!", "-i", "lo", "-p", "tcp", "--dport", lbPort, "-j", "DROP"],
            optional: true,
        },
        // SYN hold (1): no DNAT rule yet/anymore, so SYNs to managerIp:lbPort pass nat unchanged.
        // Drop them before conntrack confirms the connection (OUTPUT for this host's clients,
        // INPUT for others), else the retransmitted SYN would keep the no-DNAT decision for good.
        ...["OUTPUT", "INPUT"].map((chain): LabFilter => ({
            tool: "iptables",
            table: "filter",
            chain,
            rule: ["-d", addressing.managerIp, "-p", "tcp", "--dport", lbPort, "--syn", "-j", "DROP"],
        })),
        // SYN hold (2): the task exists but nginx is not listening: drop its RST if it is the first
        // reply; conntrack sees it, so the retransmitted SYN is NATed afresh.
        {
            tool: "iptables",
            table: "filter",
            chain: "INPUT",
            rule: [
                ...["-i", bridge, "-s", addressing.swarmCidr, "-p", "tcp", "--sport", String(lbTargetPort)],
                ...["--tcp-flags", "SYN,RST,ACK", "RST,ACK", "-m", "connbytes", "--connbytes", "1:1"],
                ...["--connbytes-dir", "reply", "--connbytes-mode", "packets", "-j", "DROP"],
            ],
        },
    ];
}

/** bgp: the LB's traffic to the Apache network masqueraded, the host's BGP and BFD ports kept to the cluster. */
function bgpFilters(addressing: LabAddressing): LabFilter[] {
    const fromClusterOnly = (proto: string, port: string): LabFilter => ({
        tool: "iptables",
        table: "filter",
        chain: "INPUT",
        rule: ["!", "-s", addressing.clusterCidr, "-p", proto, "--dport", port, "-j", "DROP"],
    });
    return [
        {
            tool: "iptables",
            table: "nat",
            chain: "POSTROUTING",
            rule: ["-s", addressing.swarmCidr, "-d", addressing.apacheCidr, "-j", "MASQUERADE"],
        },
        fromClusterOnly("tcp", String(BGP_PORT)),
        fromClusterOnly("udp", `${BFD_PORTS.control}:${BFD_PORTS.echo}`),
    ];
}

/**
 * What `down` removes when no topology was recorded (a run that failed before recording it,
 * or a lab of an older version): every name the lab gives, for as many router nodes as either
 * mode makes. Host routes and filters are then found by the lab's route protocol and rule
 * comment, containers by the lab's label.
 */
export function namedTeardownTarget(): TeardownTarget {
    const routerIndexes = Array.from({ length: BGP_LAB_ROUTERS }, (_, i) => i);
    return {
        safetyRoutes: [],
        networks: [
            { name: LAB_NAMES.swarmNetwork, swarmConfigFrom: LAB_NAMES.swarmNetworkConfig },
            { name: LAB_NAMES.apacheNetwork },
        ],
        nodes: routerIndexes.map((i) => ({ name: LAB_NAMES.routerNode(i), netns: LAB_NAMES.routerNode(i) })),
        links: routerIndexes.flatMap((i) => [
            { hostIf: LAB_NAMES.hostClusterLeg(i) },
            { hostIf: LAB_NAMES.hostApachePort(i) },
        ]),
        routes: [],
        backends: [],
        filters: [],
        bridges: [{ name: LAB_NAMES.clusterBridge }],
        daemons: [],
    };
}
