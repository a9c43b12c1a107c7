// target: openstack — placeholder until the k8s-cluster OpenStack program lands.
import { K8sClusterOutputs, StackOutputs } from "../../lib/contract";
import { K8sOpenStackConfig } from "./config";

export function openstackK8sCluster(cfg: K8sOpenStackConfig): StackOutputs<K8sClusterOutputs> {
    throw new Error(`target openstack is not built yet (${cfg.clusterCidr})`);
}
