// target: openstack — the cluster network, the Apache network, an OpenStack router, security
// groups, a k3s cluster (the router node plus workers) and the Apache VMs; the kubeconfig is
// read over SSH. The decisions live in pure modules (addressing, security, cloud-init,
// kubeconfig); this file only wires resources.
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/openstack/compute";
import * as networking from "@pulumi/openstack/networking";
import * as remote from "@pulumi/command/remote";
import { exportOutputs, K8sClusterOutputs, k8sClusterContract, StackOutputs } from "../../lib/contract";
import { apacheAddressPlan, apacheImportPrefixes, apacheSubnetHostRoutes, routerNodeAddressPairs } from "./addressing";
import {
    K3sAgentOptions,
    renderApacheUserData,
    renderK3sAgentUserData,
    renderK3sServerUserData,
    vmName,
} from "./cloud-init";
import { K8sOpenStackConfig } from "./config";
import {
    apiUrl,
    K3S_KUBECONFIG_PATH,
    K3S_NODE_TOKEN_PATH,
    readAfterCloudInit,
    rewriteKubeconfigServer,
} from "./kubeconfig";
import { GroupKey, securityGroupSpecs } from "./security";
import { ingressRuleArgs } from "../../lib/security-rule";
import { ROUTER_NODE_LABEL_ARG } from "../../lib/labels";

export class K8sOpenStackCluster extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<K8sClusterOutputs>;

    constructor(name: string, cfg: K8sOpenStackConfig, stack: string, opts?: pulumi.ComponentResourceOptions) {
        super("hybrid-vnf:k8s:OpenStackCluster", name, {}, opts);
        const parent = { parent: this };
        const apachePlan = apacheAddressPlan(cfg.apacheCidr, cfg.apacheCount, cfg.routerCount);

        // --- networks and the OpenStack router (gateway, SNAT for installs, floating IPs) ---
        const clusterNet = new networking.Network(`${name}-cluster-net`, { adminStateUp: true }, parent);
        const clusterSubnet = new networking.Subnet(
            `${name}-cluster-subnet`,
            { networkId: clusterNet.id, cidr: cfg.clusterCidr, ipVersion: 4 },
            parent,
        );
        const apacheNet = new networking.Network(`${name}-apache-net`, { adminStateUp: true }, parent);
        const apacheSubnet = new networking.Subnet(
            `${name}-apache-subnet`,
            {
                networkId: apacheNet.id,
                cidr: cfg.apacheCidr,
                ipVersion: 4,
                gatewayIp: apachePlan.gateway,
                allocationPools: [apachePlan.allocationPool],
                hostRoutes: apacheSubnetHostRoutes(
                    cfg.routing,
                    apachePlan.routerNodeIp,
                    cfg.clusterCidr,
                    cfg.swarmCidr,
                ),
            },
            parent,
        );
        const external = networking.getNetworkOutput({ name: cfg.externalNetwork, external: true }, parent);
        const router = new networking.Router(`${name}-router`, { externalNetworkId: external.id }, parent);
        const clusterIface = new networking.RouterInterface(
            `${name}-router-cluster`,
            { routerId: router.id, subnetId: clusterSubnet.id },
            parent,
        );
        const apacheIface = new networking.RouterInterface(
            `${name}-router-apache`,
            { routerId: router.id, subnetId: apacheSubnet.id },
            parent,
        );

        // --- security groups, from the rule table ---
        const specs = securityGroupSpecs(cfg);
        const groups = {} as Record<GroupKey, networking.SecGroup>;
        for (const spec of specs) {
            groups[spec.key] = new networking.SecGroup(
                `${name}-sg-${spec.key}`,
                { description: spec.description, deleteDefaultRules: false },
                parent,
            );
        }
        for (const spec of specs) {
            for (const rule of spec.ingress) {
                const args = ingressRuleArgs(rule, groups[spec.key].id, (g) => groups[g].id);
                new networking.SecGroupRule(`${name}-sg-${spec.key}-${rule.key}`, args, parent);
            }
        }

        const keyPair = new compute.Keypair(`${name}-keypair`, { publicKey: cfg.sshPublicKey }, parent);

        // --- the router node: k3s server, legs on both networks, floating IP ---
        // The floating IP is allocated before the VM so its address can go into the API
        // certificate (--tls-san) and the kubeconfig can verify it.
        const fip = new networking.FloatingIp(
            `${name}-router-fip`,
            { pool: cfg.externalNetwork, description: "k3s API and SSH of the router node" },
            parent,
        );
        const pairs = routerNodeAddressPairs(cfg.clusterCidr, cfg.apacheCidr, cfg.swarmCidr);
        // Every router node has the same two legs; the first keeps the names it always had.
        const routerLegs = (i: number) => {
            const prefix = i === 0 ? `${name}-router` : `${name}-router-${i + 1}`;
            const clusterPort = new networking.Port(
                `${prefix}-cluster-port`,
                {
                    networkId: clusterNet.id,
                    fixedIps: [{ subnetId: clusterSubnet.id }],
                    securityGroupIds: [groups.nodes.id, groups["router-transit"].id],
                    allowedAddressPairs: pairs.clusterPort,
                },
                parent,
            );
            const apachePort = new networking.Port(
                `${prefix}-apache-port`,
                {
                    networkId: apacheNet.id,
                    fixedIps: [{ subnetId: apacheSubnet.id, ipAddress: apachePlan.routerNodeIps[i] }],
                    securityGroupIds: [groups["router-apache-leg"].id],
                    allowedAddressPairs: pairs.apachePort,
                },
                parent,
            );
            return { prefix, clusterPort, apachePort };
        };
        const { clusterPort, apachePort } = routerLegs(0);
        const fipAssoc = new networking.FloatingIpAssociate(
            `${name}-router-fip-assoc`,
            { floatingIp: fip.address, portId: clusterPort.id },
            { parent: this, dependsOn: [clusterIface] },
        );
        const routerName = vmName(stack, "router");
        const routerNode = new compute.Instance(
            `${name}-router-node`,
            {
                name: routerName,
                imageName: cfg.image,
                flavorName: cfg.flavor,
                keyPair: keyPair.name,
                // Cluster leg first: it carries the default route, k3s' node IP and the API.
                // (The names come from the MACs in the user-data, not from this order.)
                networks: [{ port: clusterPort.id }, { port: apachePort.id }],
                // The ports' MACs pin the legs' names (eth0, eth1) that the router VNF routes by.
                userData: pulumi
                    .all([fip.address, clusterPort.macAddress, apachePort.macAddress])
                    .apply(([address, clusterMac, apacheMac]) =>
                        renderK3sServerUserData({
                            hostname: routerName,
                            k3sVersion: cfg.k3sVersion,
                            tlsSans: [address],
                            nodeLabels: [ROUTER_NODE_LABEL_ARG],
                            legs: { clusterMac, apacheMac },
                        }),
                    ),
            },
            { parent: this, dependsOn: [clusterIface, apacheIface] },
        );
        const routerHost = clusterPort.allFixedIps.apply((ips) => ips[0]);

        const connection = { host: fip.address, user: cfg.sshUser, privateKey: cfg.sshPrivateKey };
        const readFromServer = (suffix: string, path: string) =>
            new remote.Command(
                `${name}-${suffix}`,
                { connection, create: readAfterCloudInit(path), triggers: [routerNode.id] },
                { parent: this, dependsOn: [routerNode, fipAssoc], additionalSecretOutputs: ["stdout"] },
            );

        // Agents (workers, and router nodes after the first) join the server with its node
        // token, read over SSH as a secret.
        const token =
            cfg.workerCount > 0 || cfg.routerCount > 1
                ? pulumi.secret(readFromServer("node-token", K3S_NODE_TOKEN_PATH).stdout.apply((s) => s.trim()))
                : undefined;
        const agentUserData = (o: Omit<K3sAgentOptions, "k3sVersion" | "serverUrl" | "token">) =>
            // Holds the join token, so it is secret as a whole.
            pulumi.secret(
                pulumi
                    .all([token!, routerHost])
                    .apply(([t, host]) =>
                        renderK3sAgentUserData({ ...o, k3sVersion: cfg.k3sVersion, serverUrl: apiUrl(host), token: t }),
                    ),
            );

        // --- more router nodes (bgp routing): k3s agents labelled role=router, legs on both networks ---
        const routerHosts: pulumi.Output<string>[] = [routerHost];
        for (let i = 1; i < cfg.routerCount; i++) {
            const legs = routerLegs(i);
            const hostname = vmName(stack, "router", i + 1);
            new compute.Instance(
                legs.prefix,
                {
                    name: hostname,
                    imageName: cfg.image,
                    flavorName: cfg.flavor,
                    keyPair: keyPair.name,
                    networks: [{ port: legs.clusterPort.id }, { port: legs.apachePort.id }],
                    userData: pulumi
                        .all([legs.clusterPort.macAddress, legs.apachePort.macAddress])
                        .apply(([clusterMac, apacheMac]) =>
                            agentUserData({
                                hostname,
                                nodeLabels: [ROUTER_NODE_LABEL_ARG],
                                legs: { clusterMac, apacheMac },
                            }),
                        ),
                },
                { parent: this, dependsOn: [clusterIface, apacheIface] },
            );
            routerHosts.push(legs.clusterPort.allFixedIps.apply((ips) => ips[0]));
        }

        // --- workers ---
        for (let i = 0; i < cfg.workerCount; i++) {
            const hostname = vmName(stack, "worker", i + 1);
            const port = new networking.Port(
                `${name}-worker-${i + 1}-port`,
                {
                    networkId: clusterNet.id,
                    fixedIps: [{ subnetId: clusterSubnet.id }],
                    securityGroupIds: [groups.nodes.id],
                },
                parent,
            );
            new compute.Instance(
                `${name}-worker-${i + 1}`,
                {
                    name: hostname,
                    imageName: cfg.image,
                    flavorName: cfg.flavor,
                    keyPair: keyPair.name,
                    networks: [{ port: port.id }],
                    userData: agentUserData({ hostname, nodeLabels: ["role=worker"] }),
                },
                { parent: this, dependsOn: [clusterIface] },
            );
        }

        // --- Apache VMs: fixed addresses, a page naming each one; in bgp mode FRR peers with every router ---
        const apacheIps = apachePlan.apacheIps.map((ip, i) => {
            const hostname = vmName(stack, "apache", i + 1);
            const port = new networking.Port(
                `${name}-apache-${i + 1}-port`,
                {
                    networkId: apacheNet.id,
                    fixedIps: [{ subnetId: apacheSubnet.id, ipAddress: ip }],
                    securityGroupIds: [groups.apache.id],
                },
                parent,
            );
            new compute.Instance(
                `${name}-apache-${i + 1}`,
                {
                    name: hostname,
                    imageName: cfg.image,
                    flavorName: cfg.apacheFlavor,
                    keyPair: keyPair.name,
                    networks: [{ port: port.id }],
                    userData: apacheUserData(cfg, hostname, ip, apachePlan.routerNodeIps),
                },
                // The gateway interface must exist for apt to reach the mirrors at first boot.
                { parent: this, dependsOn: [apacheIface] },
            );
            return port.allFixedIps.apply((ips) => ips[0]);
        });

        // --- the kubeconfig, pointed at the floating IP ---
        const clusterUrl = fip.address.apply(apiUrl);
        const kubeconfigCommand = readFromServer("kubeconfig", K3S_KUBECONFIG_PATH);
        const kubeconfig = pulumi.secret(
            pulumi.all([kubeconfigCommand.stdout, clusterUrl]).apply(([k, url]) => rewriteKubeconfigServer(k, url)),
        );

        this.outputs = exportOutputs(k8sClusterContract, {
            kubeconfig,
            clusterUrl,
            clusterNetwork: pulumi.output({ id: clusterNet.id, cidr: cfg.clusterCidr }),
            routerHost,
            apacheInfo: pulumi.output({ network: cfg.apacheCidr, ips: pulumi.all(apacheIps) }),
            routerHosts: pulumi.all(routerHosts),
            routing: cfg.routing,
            bgpPassword: cfg.bgpPassword ?? "",
        });
        this.registerOutputs(this.outputs);
    }
}

/** An Apache VM's user-data; in bgp mode with FRR (secret when it holds the BGP password). */
function apacheUserData(
    cfg: K8sOpenStackConfig,
    hostname: string,
    ip: string,
    routerAddresses: string[],
): pulumi.Input<string> {
    const routing = cfg.routing;
    if (routing.mode !== "bgp") return renderApacheUserData({ hostname, ip });
    const render = (password?: string) =>
        renderApacheUserData({
            hostname,
            ip,
            frr: {
                hostname,
                routing,
                routerAddresses,
                importPrefixes: apacheImportPrefixes(cfg.clusterCidr, cfg.swarmCidr),
                password,
                routerId: ip,
            },
        });
    return cfg.bgpPassword ? pulumi.secret(cfg.bgpPassword.apply(render)) : render();
}

export function openstackK8sCluster(cfg: K8sOpenStackConfig): StackOutputs<K8sClusterOutputs> {
    return new K8sOpenStackCluster("k8s", cfg, pulumi.getStack()).outputs;
}
