// service-chain: the router VNF on the k8s stack's cluster and the LB VNF on the swarm stack's
// swarm, wired from the two stacks' outputs (read only through the contract).
import * as pulumi from "@pulumi/pulumi";
import { Provider as KubernetesProvider } from "@pulumi/kubernetes/provider";
import { QuaggaRouter } from "../../components/quagga-router";
import { NginxLoadBalancer, backendsOf } from "../../components/nginx-load-balancer";
import { formatBackend } from "../../lib/lb-env";
import { formatRoute } from "../../lib/router-env";
import {
    ContractReference,
    exportOutputs,
    k8sClusterContract,
    serviceChainContract,
    ServiceChainOutputs,
    StackOutputs,
    swarmClusterContract,
} from "../../lib/contract";
import { ServiceChainConfig, routerRoutes } from "./config";
import { swarmDockerProvider } from "./docker-provider";

/**
 * Where clients reach the LB: the host of an ssh:// dockerHost (the manager's public address,
 * where the swarm stack opens lbPort to clientCidr), else the manager's swarm address.
 */
export function loadBalancerHost(dockerHost: string, managerIp: string): string {
    const m = /^ssh:\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+)/.exec(dockerHost);
    return m ? m[1] : managerIp;
}

export async function serviceChain(cfg: ServiceChainConfig): Promise<StackOutputs<ServiceChainOutputs>> {
    const k8s = new ContractReference(cfg.k8sStack, k8sClusterContract);
    const swarm = new ContractReference(cfg.swarmStack, swarmClusterContract);
    const apacheInfo = k8s.require("apacheInfo");
    const clusterNetwork = k8s.require("clusterNetwork");

    const kubernetes = new KubernetesProvider("router-cluster", {
        kubeconfig: pulumi.secret(k8s.require("kubeconfig")),
    });
    const docker = swarmDockerProvider("lb-swarm", swarm.require("dockerHost"), cfg.sshPrivateKey);

    // Read as values (getOutputDetails): the routing mode decides which resources exist.
    // The k8s stack decides the routing (its routerCount nodes carry role=router); static
    // sends exactly the objects it always did, bgp one router pod per router node.
    const routing = await k8s.requireNow("routing");
    const bgpArgs =
        routing.mode === "bgp"
            ? {
                  routing,
                  networks: pulumi
                      .all([apacheInfo, clusterNetwork])
                      .apply(([a, c]) => ({ cluster: c.cidr, apache: a.network })),
                  // "" means no password: then no Secret and sessions without TCP-MD5.
                  ...((await k8s.requireNow("bgpPassword")) === ""
                      ? {}
                      : { bgpPassword: pulumi.secret(k8s.require("bgpPassword")) }),
              }
            : {};
    const router = new QuaggaRouter(
        "router",
        {
            image: cfg.routerImage,
            namespace: cfg.routerNamespace,
            interfaces: cfg.routerInterfaces,
            routes: pulumi
                .all([apacheInfo, clusterNetwork])
                .apply(([a, c]) => routerRoutes(cfg, { stack: cfg.k8sStack, cluster: c.cidr, apache: a.network })),
            leastPrivilege: cfg.leastPrivilege,
            vtyPassword: cfg.routerVtyPassword,
            ...bgpArgs,
        },
        { provider: kubernetes },
    );

    // SERVERS follows apacheInfo.ips on every `up`: a changed list is a taskSpec diff,
    // which Swarm rolls out with the component's update config.
    const lb = new NginxLoadBalancer(
        "nginx-lb",
        {
            image: cfg.lbImage,
            backends: apacheInfo.apply((a) => backendsOf(a.ips, cfg.backendPort)),
            publishedPort: swarm.require("lbPort"),
            publishMode: cfg.lbPublishMode,
            replicas: cfg.lbReplicas,
            serviceName: "nginx-lb",
            networks: cfg.lbNetworks,
        },
        // Packet order: the router is in place before the LB sends traffic through it.
        { provider: docker, dependsOn: [router] },
    );

    return exportOutputs(serviceChainContract, {
        loadBalancerUrl: pulumi
            .all([swarm.require("dockerHost"), swarm.require("managerIp"), lb.publishedPort])
            .apply(([host, ip, port]) => `http://${loadBalancerHost(host, ip)}:${port}`),
        // The contract keeps the env's text form for scripts: one entry per route / backend.
        routes: router.routes.apply((rs) => rs.map(formatRoute)),
        backends: lb.backends.apply((bs) => bs.map(formatBackend)),
    });
}
