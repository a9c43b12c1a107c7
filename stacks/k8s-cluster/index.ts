import { K8sClusterOutputs, StackOutputs } from "../../lib/contract";
import { K8sClusterConfig } from "./config";
import { existingK8sCluster } from "./existing";
import { openstackK8sCluster } from "./openstack";

export function k8sCluster(cfg: K8sClusterConfig): StackOutputs<K8sClusterOutputs> {
    return cfg.target === "existing" ? existingK8sCluster(cfg) : openstackK8sCluster(cfg);
}
