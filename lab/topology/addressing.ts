// The lab's addresses, derived from the plan outputs of the local stacks (the same contract
// the real stacks exchange), plus the checks that the planned specs fit this topology.
// Pure: no Docker, no I/O.
import { Address4 } from "ip-address";
import { cidrContains, hostAddress } from "../../lib/net";
import { LAB_STACKS, LabSpecError, LbSpec, PlanView, RouterSpec, labOutput } from "../specs/workload-specs";
import { LAB_NAMES } from "../names";
import { ROUTER_CLUSTER_LEG } from "../../lib/interfaces";
import type { K8sClusterOutputs, ServiceChainOutputs, SwarmClusterOutputs } from "../../lib/contract";

export interface LabAddressing {
    swarmCidr: string;
    clusterCidr: string;
    apacheCidr: string;
    /** The swarm host on its own network: managerIp, the gateway of the LB tasks. */
    managerIp: string;
    lbPort: number;
    loadBalancerUrl: string;
    /** The router node on the cluster network (its cluster leg, nodeIfaces[0]). */
    routerHost: string;
    /** This host's leg on the cluster network: the node's default gateway. */
    hostClusterIp: string;
    /** The router node's leg on the Apache network (a /32, see build-topology.ts): the Apache gateway. */
    routerApacheIp: string;
    apacheIps: string[];
    /** Smallest prefix covering the three networks: the `unreachable` safety route. */
    supernet: string;
    /** Node interface names: [cluster leg, Apache leg]. */
    nodeIfaces: [string, string];
    /** An LB instance on the Apache network itself, for the no-router benchmark path. */
    directLbIp: string;
}

/** Smallest CIDR that contains every given CIDR. */
export function supernetOf(cidrs: string[]): string {
    if (cidrs.length === 0) throw new Error("supernetOf: no networks");
    const nets = cidrs.map((c) => new Address4(c));
    const lo = nets.map((n) => n.startAddress().bigInt()).reduce((a, b) => (a < b ? a : b));
    const hi = nets.map((n) => n.endAddress().bigInt()).reduce((a, b) => (a > b ? a : b));
    for (let len = Math.min(...cidrs.map((c) => Number(c.split("/")[1]))); len >= 0; len--) {
        const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(32 - len);
        if ((lo & mask) === (hi & mask)) return `${Address4.fromBigInt(lo & mask).correctForm()}/${len}`;
    }
    return "0.0.0.0/0";
}

/** The first host address of `cidr` that is not in `taken`. */
export function firstFree(cidr: string, taken: string[]): string {
    for (let n = 1; ; n++) {
        const address = hostAddress(cidr, n); // throws when the network is exhausted
        if (!taken.includes(address)) return address;
    }
}

export function labAddressing(plans: PlanView[], router: RouterSpec): LabAddressing {
    const { "k8s-cluster": k8s, "swarm-cluster": swarm, "service-chain": chain } = LAB_STACKS;
    const k8sOut = <K extends keyof K8sClusterOutputs>(key: K) => labOutput<K8sClusterOutputs[K]>(plans, k8s, key);
    const swarmOut = <K extends keyof SwarmClusterOutputs>(key: K) =>
        labOutput<SwarmClusterOutputs[K]>(plans, swarm, key);
    const clusterCidr = k8sOut("clusterNetwork").cidr;
    const apache = k8sOut("apacheInfo");
    const routerHost = k8sOut("routerHost");
    const swarmCidr = swarmOut("swarmNetwork").cidr;
    const managerIp = swarmOut("managerIp");
    const lbPort = swarmOut("lbPort");
    const loadBalancerUrl = labOutput<ServiceChainOutputs["loadBalancerUrl"]>(plans, chain, "loadBalancerUrl");
    // The Apache leg is the interface of the chain's route to the Apache network (`dev IFACE`);
    // the cluster leg is the router's other interface.
    const apacheRoute = router.routes.find((r) => r.prefix === apache.network);
    if (!apacheRoute) throw new LabSpecError(`${chain}: routes has no route for the Apache network ${apache.network}`);
    if (apacheRoute.via.kind !== "dev") {
        throw new LabSpecError(
            `${chain}: routes reaches ${apache.network} via ${apacheRoute.via.address}; ` +
                `the lab expects "${apache.network} dev IFACE" (the node's leg on it)`,
        );
    }
    const apacheIf = apacheRoute.via.iface;
    const clusterIf = router.interfaces.find((i) => i !== apacheIf) ?? ROUTER_CLUSTER_LEG;
    if (clusterIf === apacheIf)
        throw new LabSpecError(
            `${router.source}: the router has no interface besides ${apacheIf} for the cluster network`,
        );
    if (!cidrContains(clusterCidr, routerHost))
        throw new LabSpecError(`routerHost ${routerHost} is not in the cluster network ${clusterCidr}`);
    if (!cidrContains(swarmCidr, managerIp))
        throw new LabSpecError(`managerIp ${managerIp} is not in the swarm network ${swarmCidr}`);
    const routerApacheIp = firstFree(apache.network, apache.ips);
    return {
        swarmCidr,
        clusterCidr,
        apacheCidr: apache.network,
        managerIp,
        lbPort,
        loadBalancerUrl,
        routerHost,
        hostClusterIp: firstFree(clusterCidr, [routerHost]),
        routerApacheIp,
        apacheIps: apache.ips,
        supernet: supernetOf([swarmCidr, clusterCidr, apache.network]),
        nodeIfaces: [clusterIf, apacheIf],
        directLbIp: firstFree(apache.network, [...apache.ips, routerApacheIp]),
    };
}

/** The planned LB must fit the lab: it publishes lbPort, its backends are the Apache VMs on port 80. */
export function checkLbFits(lb: LbSpec, addressing: LabAddressing): void {
    const fail = (msg: string) => new LabSpecError(`${lb.source}: ${msg}`);
    const port = lb.ports.find((p) => p.published === addressing.lbPort);
    if (!port) throw fail(`publishes no port ${addressing.lbPort} (the swarm stack's lbPort)`);
    // No IPVS here, so no routing mesh: only host-mode publishing reaches the task.
    if (port.mode !== "host")
        throw fail(
            `publishes ${addressing.lbPort} in ${port.mode} mode; this machine has no IPVS for the routing mesh, ` +
                "set hybrid-vnf:lbPublishMode: host",
        );
    // The swarm hosts' stand-in network: the tasks' gateway is the host (managerIp), as on a swarm host.
    if (!lb.networks.includes(LAB_NAMES.swarmNetwork))
        throw fail(
            `joins networks [${lb.networks.join(", ")}], not the lab's ${LAB_NAMES.swarmNetwork}; ` +
                `set hybrid-vnf:lbNetworks: [${LAB_NAMES.swarmNetwork}] in ${LAB_STACKS["service-chain"]}`,
        );
    const order = /--update-order\s(\S+)/.exec(lb.policyFlags.join(" "))?.[1];
    if (order === "start-first") {
        throw fail(
            "update order start-first with a host-mode port on a one-node swarm never places the new task " +
                '("host-mode port already in use"); use stop-first',
        );
    }
    const backendIps = addressing.apacheIps.join(", ");
    for (const b of lb.servers) {
        if (!addressing.apacheIps.includes(b.host))
            throw fail(`SERVERS entry ${b.host}:${b.port} is not one of the Apache backends ${backendIps}`);
        if (b.port !== 80) throw fail(`SERVERS entry ${b.host}:${b.port}: the apache image listens on port 80`);
    }
    if (`http://${addressing.managerIp}:${addressing.lbPort}` !== addressing.loadBalancerUrl.replace(/\/$/, "")) {
        throw new LabSpecError(
            `${LAB_STACKS["service-chain"]}: loadBalancerUrl ${addressing.loadBalancerUrl} ` +
                `is not http://${addressing.managerIp}:${addressing.lbPort} (managerIp:lbPort)`,
        );
    }
}
