// Typed, validated config of the swarm-cluster role. Read once, at the edge.
import { ConfigError } from "../../lib/errors";
import { ConfigReader } from "../../lib/config-reader";
import { cidrContains } from "../../lib/net";
import { SWARM_HOST_PORTS } from "../../lib/ports";
import { debianVersionProblem } from "../../lib/vm-values";
import { sourceNetworkProblem, subnetCapacityProblem, vmNetworkProblem } from "../../lib/vm-networks";
import {
    declaredConfigKeys,
    DEFAULT_CIDRS,
    OpenStackVmConfig,
    readOpenStackVmConfig,
    TARGETS,
} from "../openstack-config";

interface SwarmCommon {
    /** The k8s-cluster stack (org/project/stack); its networks are checked against swarmCidr. */
    k8sStack: string;
    swarmCidr: string;
    lbPort: number;
}

export interface SwarmOpenStackConfig extends SwarmCommon, OpenStackVmConfig {
    target: "openstack";
    managerCount: number;
    workerCount: number;
    clientCidr: string;
    dockerVersion: string;
}

export interface SwarmExistingConfig extends SwarmCommon {
    target: "existing";
    dockerHost: string;
    managerIp: string;
    nodeIps: string[];
}

export type SwarmClusterConfig = SwarmOpenStackConfig | SwarmExistingConfig;

/** Swarm managers (odd, for Raft) and workers on OpenStack; every node also has a leg on the k8s stack's cluster network. */
export const SWARM_MANAGERS = { fallback: 1, min: 1, max: 7 } as const;
export const SWARM_WORKERS = { fallback: 1, min: 0, max: 50 } as const;
export const SWARM_MAX_NODES = SWARM_MANAGERS.max + SWARM_WORKERS.max;

/** Docker API access over SSH, or a local socket; never an unauthenticated TCP socket. */
const DOCKER_HOST = /^(ssh:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d{1,5})?|unix:\/\/\/[^\s]+)$/;

export function parseDockerHost(key: string, value: string): string {
    if (value.startsWith("tcp://")) {
        throw new ConfigError(
            key,
            value,
            "is a TCP Docker socket; use ssh://user@host (the Docker API is never exposed over TCP)",
        );
    }
    if (!DOCKER_HOST.test(value))
        throw new ConfigError(key, value, "is not ssh://user@host[:port] or unix:///path/to/docker.sock");
    return value;
}

export function readSwarmClusterConfig(r: ConfigReader): SwarmClusterConfig {
    r.refuseUndeclaredKeys(declaredConfigKeys());
    const target = r.oneOf("target", TARGETS, "openstack");
    const common: SwarmCommon = {
        k8sStack: r.stackName("k8sStack"),
        swarmCidr: r.cidr("swarmCidr", DEFAULT_CIDRS.swarmCidr),
        lbPort: r.int("lbPort", 80, 1, 65535),
    };
    // The swarm hosts use these themselves: SSH, the Docker API, the swarm's own ports, and BGP
    // (FRR's bgpd in bgp mode). Opening one to clients would expose it, and the ingress mesh
    // would take its traffic from the host's own listener.
    if (SWARM_HOST_PORTS.includes(common.lbPort)) {
        throw new ConfigError(
            r.name("lbPort"),
            common.lbPort,
            `is reserved (SSH, BGP, Docker API or swarm: ${SWARM_HOST_PORTS.join(", ")}); publish the load balancer elsewhere`,
        );
    }
    if (target === "existing") {
        const managerIp = r.ipv4("managerIp");
        const nodeIps = r.ipv4List("nodeIps", 1, SWARM_MAX_NODES);
        if (!nodeIps.includes(managerIp))
            throw new ConfigError(r.name("nodeIps"), nodeIps, `does not include managerIp ${managerIp}`);
        for (const ip of nodeIps) {
            if (!cidrContains(common.swarmCidr, ip))
                throw new ConfigError(
                    r.name("nodeIps"),
                    ip,
                    `is not inside ${r.name("swarmCidr")} ${common.swarmCidr}`,
                );
        }
        return {
            target,
            ...common,
            dockerHost: parseDockerHost(r.name("dockerHost"), r.string("dockerHost")),
            managerIp,
            nodeIps,
        };
    }
    const managerCount = r.int("managerCount", SWARM_MANAGERS.fallback, SWARM_MANAGERS.min, SWARM_MANAGERS.max);
    if (managerCount % 2 === 0) {
        throw new ConfigError(
            r.name("managerCount"),
            managerCount,
            "is even; Raft needs an odd number of managers (1, 3, 5 or 7) to keep a quorum",
        );
    }
    const workerCount = r.int("workerCount", SWARM_WORKERS.fallback, SWARM_WORKERS.min, SWARM_WORKERS.max);
    const swarmProblem =
        vmNetworkProblem(common.swarmCidr) ??
        subnetCapacityProblem(
            common.swarmCidr,
            managerCount + workerCount,
            `${r.name("managerCount")} ${managerCount} and ${r.name("workerCount")} ${workerCount}`,
        );
    if (swarmProblem) throw new ConfigError(r.name("swarmCidr"), common.swarmCidr, swarmProblem);
    const clientCidr = r.cidr("clientCidr");
    const clientProblem = sourceNetworkProblem(clientCidr);
    if (clientProblem) throw new ConfigError(r.name("clientCidr"), clientCidr, clientProblem);
    return {
        target,
        ...common,
        ...readOpenStackVmConfig(r),
        managerCount,
        workerCount,
        clientCidr,
        // bookworm carries the binNMU +b6 only: apt cannot install the bare deb12u1 (seen booting the user-data, docs/boot.md).
        dockerVersion: r.checkedString("dockerVersion", debianVersionProblem, "20.10.24+dfsg1-1+deb12u1+b6"),
    };
}
