// target: openstack — the swarm network with its own router (floating IPs), security groups,
// manager and worker VMs with a second leg on the k8s stack's cluster network, and the swarm
// formed over SSH. Decisions live in pure modules (cloud-init, swarm-commands, security);
// this file only wires resources.
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/openstack/compute";
import * as networking from "@pulumi/openstack/networking";
import { exportOutputs, StackOutputs, swarmClusterContract, SwarmClusterOutputs } from "../../lib/contract";
import { renderSwarmCloudConfig } from "./cloud-init";
import { SwarmOpenStackConfig } from "./config";
import { checkSwarmCidr, K8sView, readK8sStack } from "./k8s-reference";
import { clusterLegRules, swarmSecurityRules } from "./security";
import { ingressRuleArgs } from "../../lib/security-rule";
import { HostFrrInput } from "../../lib/frr-host";
import { Routing } from "../../lib/routing";
import { formSwarm, ReachableNode } from "./swarm-formation";
import { SwarmNode, swarmNodes } from "./swarm-commands";

export class SwarmOpenStackCluster extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<SwarmClusterOutputs>;

    /** `k8s` and `routing` come from the k8s stack: read before the component, as the routing decides which resources exist. */
    constructor(
        name: string,
        cfg: SwarmOpenStackConfig,
        stack: string,
        k8s: K8sView,
        routing: Routing,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("hybrid-vnf:swarm:OpenStackCluster", name, {}, opts);
        const parent = { parent: this };

        // --- the swarm network and its own router: the k8s stack exports no router, and a
        // separate one keeps the two stacks' lifecycles apart (destroying the swarm leaves k8s alone) ---
        const network = new networking.Network(`${name}-net`, { adminStateUp: true }, parent);
        const subnet = new networking.Subnet(
            `${name}-subnet`,
            { networkId: network.id, cidr: cfg.swarmCidr, ipVersion: 4 },
            parent,
        );
        const external = networking.getNetworkOutput({ name: cfg.externalNetwork, external: true }, parent);
        const router = new networking.Router(`${name}-router`, { externalNetworkId: external.id }, parent);
        const routerIface = new networking.RouterInterface(
            `${name}-router-swarm`,
            { routerId: router.id, subnetId: subnet.id },
            parent,
        );

        // --- security groups: eth0 gets the rule table; eth1 (cluster leg) only accepts replies ---
        const nodesSg = new networking.SecGroup(
            `${name}-sg-nodes`,
            {
                description: "swarm nodes: SSH from admins, swarm ports among nodes, LB port from clients",
                deleteDefaultRules: false,
            },
            parent,
        );
        for (const rule of swarmSecurityRules(cfg)) {
            const args = ingressRuleArgs(rule, nodesSg.id, () => nodesSg.id);
            new networking.SecGroupRule(`${name}-sg-nodes-${rule.key}`, args, parent);
        }
        // No ingress rules: the nodes only start connections to the Apache network over eth1, and
        // security groups are stateful, so the replies pass.
        const clusterLegSg = new networking.SecGroup(
            `${name}-sg-cluster-leg`,
            { description: "swarm nodes' leg on the k8s cluster network: replies only", deleteDefaultRules: false },
            parent,
        );
        for (const rule of clusterLegRules(
            routing,
            k8s.clusterNetwork.apply((n) => n.cidr),
        )) {
            const args = ingressRuleArgs(rule, clusterLegSg.id, () => clusterLegSg.id);
            new networking.SecGroupRule(`${name}-sg-cluster-leg-${rule.key}`, args, parent);
        }

        const nodes = swarmNodes(stack, cfg.managerCount, cfg.workerCount).map((node) =>
            this.node(name, node, cfg, k8s, routing, { subnet, nodesSg, clusterLegSg, routerIface }),
        );
        formSwarm(name, nodes, { user: cfg.sshUser, privateKey: cfg.sshPrivateKey }, this);

        const first = nodes[0];
        this.outputs = exportOutputs(swarmClusterContract, {
            // The Docker API only through SSH: no TCP socket is ever opened (see security.ts).
            dockerHost: pulumi.interpolate`ssh://${cfg.sshUser}@${first.sshHost}`,
            managerIp: first.swarmIp,
            // Passing through the checked view makes the CIDR check part of this output.
            swarmNetwork: pulumi
                .all([subnet.cidr, k8s.apacheNetwork])
                .apply(([cidr]) => ({ cidr: cidr ?? cfg.swarmCidr })),
            nodeIps: pulumi.all(nodes.map((n) => n.swarmIp)),
            lbPort: cfg.lbPort,
        });
        this.registerOutputs(this.outputs);
    }

    private node(
        name: string,
        node: SwarmNode,
        cfg: SwarmOpenStackConfig,
        k8s: K8sView,
        routing: Routing,
        net: {
            subnet: networking.Subnet;
            nodesSg: networking.SecGroup;
            clusterLegSg: networking.SecGroup;
            routerIface: networking.RouterInterface;
        },
    ): ReachableNode {
        const parent = { parent: this };
        const prefix = `${name}-${node.key}`;
        const swarmPort = new networking.Port(
            `${prefix}-swarm-port`,
            {
                networkId: net.subnet.networkId,
                fixedIps: [{ subnetId: net.subnet.id }],
                securityGroupIds: [net.nodesSg.id],
            },
            parent,
        );
        // No allowedAddressPairs: packets leave eth1 with the node's own eth1 address as source
        // (Docker masquerades container traffic), and replies from the Apache network are
        // addressed to it; port security only checks what the VM sends. The pairs belong on the
        // router VNF's ports, which forward other hosts' packets (the k8s stack's concern).
        const clusterPort = new networking.Port(
            `${prefix}-cluster-port`,
            { networkId: k8s.clusterNetwork.apply((n) => n.id), securityGroupIds: [net.clusterLegSg.id] },
            parent,
        );
        const floatingIp = new networking.FloatingIp(
            `${prefix}-fip`,
            { pool: cfg.externalNetwork, portId: swarmPort.id, description: `SSH to ${node.name} from adminCidr` },
            { parent: this, dependsOn: [net.routerIface] },
        );
        const render = (mac: string, apacheNetwork: string, routerHost: string, frr?: HostFrrInput) =>
            renderSwarmCloudConfig({
                hostname: node.name,
                sshUser: cfg.sshUser,
                sshPublicKey: cfg.sshPublicKey,
                dockerVersion: cfg.dockerVersion,
                clusterLegMac: mac,
                apacheNetwork,
                routerHost,
                frr,
            });
        // bgp: FRR peers over eth1 with every router; secret as a whole, as it may hold the BGP password.
        const userData =
            routing.mode === "bgp"
                ? pulumi
                      .all([
                          clusterPort.macAddress,
                          k8s.apacheNetwork,
                          k8s.routerHost,
                          k8s.ref.require("routerHosts"),
                          k8s.ref.require("bgpPassword"),
                          clusterPort.allFixedIps,
                      ])
                      .apply(([mac, apacheNetwork, routerHost, routerAddresses, password, ips]) =>
                          render(mac, apacheNetwork, routerHost, {
                              hostname: node.name,
                              routing,
                              routerAddresses,
                              importPrefixes: [apacheNetwork],
                              password: password || undefined,
                              routerId: ips[0],
                          }),
                      )
                : pulumi
                      .all([clusterPort.macAddress, k8s.apacheNetwork, k8s.routerHost])
                      .apply(([mac, apacheNetwork, routerHost]) => render(mac, apacheNetwork, routerHost));
        const instance = new compute.Instance(
            prefix,
            {
                name: node.name,
                imageName: cfg.image,
                flavorName: cfg.flavor,
                // Order fixes the names: eth0 on the swarm network, eth1 on the cluster network.
                networks: [{ port: swarmPort.id }, { port: clusterPort.id }],
                userData,
            },
            // The gateway must exist for apt to reach the mirrors at first boot.
            { parent: this, dependsOn: [net.routerIface] },
        );
        return {
            node,
            sshHost: floatingIp.address,
            swarmIp: swarmPort.allFixedIps.apply((ips) => ips[0]),
            ready: [instance, floatingIp],
        };
    }
}

export async function openstackSwarmCluster(cfg: SwarmOpenStackConfig): Promise<StackOutputs<SwarmClusterOutputs>> {
    const k8s = readK8sStack(cfg.k8sStack, cfg.swarmCidr);
    const routing = await k8s.ref.requireNow("routing");
    // swarmCidr against the k8s stack's networks now, before any resource registers: the check
    // inside the Outputs would fail only once the swarm network and subnet existed.
    const [clusterNetwork, apacheInfo] = await Promise.all([
        k8s.ref.requireNow("clusterNetwork"),
        k8s.ref.requireNow("apacheInfo"),
    ]);
    checkSwarmCidr(cfg.swarmCidr, cfg.k8sStack, clusterNetwork.cidr, apacheInfo.network);
    return new SwarmOpenStackCluster("swarm", cfg, pulumi.getStack(), k8s, routing).outputs;
}
