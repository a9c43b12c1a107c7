// target: openstack — placeholder until the swarm-cluster OpenStack program lands.
import { StackOutputs, SwarmClusterOutputs } from "../../lib/contract";
import { SwarmOpenStackConfig } from "./config";

export function openstackSwarmCluster(cfg: SwarmOpenStackConfig): StackOutputs<SwarmClusterOutputs> {
    throw new Error(`target openstack is not built yet (${cfg.swarmCidr})`);
}
