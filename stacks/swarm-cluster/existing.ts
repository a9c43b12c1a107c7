// target: existing — bring your own Docker host (a swarm manager, or this machine for the lab).
import { exportOutputs, StackOutputs, swarmClusterContract, SwarmClusterOutputs } from "../../lib/contract";
import { SwarmExistingConfig } from "./config";
import { readK8sStack } from "./k8s-reference";

export function existingSwarmCluster(cfg: SwarmExistingConfig): StackOutputs<SwarmClusterOutputs> {
    const k8s = readK8sStack(cfg.k8sStack, cfg.swarmCidr);
    return exportOutputs(swarmClusterContract, {
        dockerHost: cfg.dockerHost,
        managerIp: cfg.managerIp,
        // Passing through the checked view makes the CIDR check part of this output.
        swarmNetwork: k8s.apacheNetwork.apply(() => ({ cidr: cfg.swarmCidr })),
        nodeIps: cfg.nodeIps,
        lbPort: cfg.lbPort,
    });
}
