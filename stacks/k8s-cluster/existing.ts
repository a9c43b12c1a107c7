// target: existing — bring your own Kubernetes cluster and Apache backends.
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../../lib/errors";
import { exportOutputs, k8sClusterContract, StackOutputs, K8sClusterOutputs } from "../../lib/contract";
import { K8sExistingConfig } from "./config";

/** The API server URL of a kubeconfig's current context (or its only cluster). */
export function kubeconfigServer(kubeconfig: string): string {
    const fail = (reason: string) => ConfigError.secret("hybrid-vnf:kubeconfig", reason);
    let doc: any;
    try {
        doc = parseYaml(kubeconfig);
    } catch (e) {
        throw fail(`is not YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    const clusters: any[] = Array.isArray(doc?.clusters) ? doc.clusters : [];
    const context = (doc?.contexts ?? []).find((c: any) => c?.name === doc?.["current-context"]);
    const cluster =
        clusters.find((c) => c?.name === context?.context?.cluster) ??
        (clusters.length === 1 ? clusters[0] : undefined);
    const server = cluster?.cluster?.server;
    if (typeof server !== "string" || !/^https:\/\/[^/\s]+/.test(server)) {
        throw fail("has no https:// server for its current context");
    }
    return server;
}

export function existingK8sCluster(cfg: K8sExistingConfig): StackOutputs<K8sClusterOutputs> {
    return exportOutputs(k8sClusterContract, {
        kubeconfig: cfg.kubeconfig,
        // The server URL is not sensitive; keep it readable by scripts.
        clusterUrl: pulumi.unsecret(cfg.kubeconfig.apply(kubeconfigServer)),
        clusterNetwork: { id: cfg.clusterNetworkId, cidr: cfg.clusterCidr },
        routerHost: cfg.routerHost,
        apacheInfo: { network: cfg.apacheCidr, ips: cfg.apacheIps },
        routerHosts: cfg.routerHosts,
        routing: cfg.routing,
        bgpPassword: cfg.bgpPassword ?? "",
    });
}
