// The swarm stack's view of the k8s-cluster stack, with the cross-stack CIDR check.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../lib/errors";
import { ContractReference, k8sClusterContract, K8sClusterOutputs } from "../../lib/contract";
import { cidrsOverlap } from "../../lib/net";

export interface K8sView {
    ref: ContractReference<K8sClusterOutputs>;
    clusterNetwork: pulumi.Output<K8sClusterOutputs["clusterNetwork"]>;
    routerHost: pulumi.Output<string>;
    apacheNetwork: pulumi.Output<string>;
}

/** Fails, naming the key, when swarmCidr overlaps a network the k8s stack reports. */
export function checkSwarmCidr(swarmCidr: string, k8sStack: string, clusterCidr: string, apacheCidr: string): void {
    for (const [what, cidr] of [
        ["clusterNetwork", clusterCidr],
        ["apacheInfo.network", apacheCidr],
    ]) {
        if (cidrsOverlap(swarmCidr, cidr)) {
            throw new ConfigError("hybrid-vnf:swarmCidr", swarmCidr, `overlaps ${what} ${cidr} of stack ${k8sStack}`);
        }
    }
}

export function readK8sStack(k8sStack: string, swarmCidr: string): K8sView {
    const ref = new ContractReference(k8sStack, k8sClusterContract);
    const clusterNetwork = ref.require("clusterNetwork");
    const apacheInfo = ref.require("apacheInfo");
    // Every value taken from the k8s stack passes through this check first.
    const checked = pulumi.all([clusterNetwork, apacheInfo]).apply(([net, apache]) => {
        checkSwarmCidr(swarmCidr, k8sStack, net.cidr, apache.network);
        return { net, apache };
    });
    return {
        ref,
        clusterNetwork: checked.apply((c) => c.net),
        routerHost: pulumi.all([checked, ref.require("routerHost")]).apply(([, host]) => host),
        apacheNetwork: checked.apply((c) => c.apache.network),
    };
}
