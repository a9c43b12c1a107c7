import { StackOutputs, SwarmClusterOutputs } from "../../lib/contract";
import { SwarmClusterConfig } from "./config";
import { existingSwarmCluster } from "./existing";
import { openstackSwarmCluster } from "./openstack";

export function swarmCluster(
    cfg: SwarmClusterConfig,
): StackOutputs<SwarmClusterOutputs> | Promise<StackOutputs<SwarmClusterOutputs>> {
    return cfg.target === "existing" ? existingSwarmCluster(cfg) : openstackSwarmCluster(cfg);
}
