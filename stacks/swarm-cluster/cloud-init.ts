// Cloud-config of a swarm node: pinned Docker Engine, and the cluster-network leg (eth1) with
// the route to the Apache network through the router VNF, written to disk so it survives a reboot
// (static routing), or FRR learning that route from every router by BGP (bgp routing).
// Serialization, the NIC name pinning and FRR's install are shared with the k8s stack (lib/cloud-init).
import { SWARM_NODE_CLUSTER_LEG } from "../../lib/interfaces";
import {
    applyNetworkd,
    frrCloudConfig,
    NETWORKD_DIR,
    pinInterfaceName,
    serializeCloudConfig,
} from "../../lib/cloud-init";
import { HostFrrInput, renderHostFrrConfig, renderHostFrrDaemons } from "../../lib/frr-host";

export interface SwarmNodeCloudConfig {
    hostname: string;
    sshUser: string;
    sshPublicKey: string;
    /** Debian's docker.io package version, e.g. 20.10.24+dfsg1-1+deb12u1. */
    dockerVersion: string;
    /** MAC of the node's port on the k8s cluster network; identifies eth1 whatever the kernel named it. */
    clusterLegMac: string;
    /** apacheInfo.network of the k8s stack. */
    apacheNetwork: string;
    /** routerHost of the k8s stack: the router VNF's address on the cluster network. */
    routerHost: string;
    /**
     * bgp routing: FRR peers over eth1 with every router and installs the Apache network with
     * one ECMP next hop per live router; then there is no static route (it would outlive its router).
     */
    frr?: HostFrrInput;
}

export const CLUSTER_LEG = SWARM_NODE_CLUSTER_LEG;
/** Sorts before netplan's generated 10-netplan-*.network, so networkd uses ours for eth1. */
export const CLUSTER_LEG_NETWORK_FILE = `${NETWORKD_DIR}/05-swarm-${CLUSTER_LEG}.network`;
export const CLUSTER_LEG_LINK_FILE = `${NETWORKD_DIR}/05-swarm-${CLUSTER_LEG}.link`;

/** The original design's route, as `ip route` spells it. */
export function apacheRoute(apacheNetwork: string, routerHost: string): string {
    return `${apacheNetwork} via ${routerHost} dev ${CLUSTER_LEG}`;
}

/**
 * systemd-networkd config of eth1 (Debian 12 cloud images run networkd behind netplan).
 * DHCP gives the address; the default route stays on eth0 (floating IPs are NATed there),
 * and the only route via eth1 is the one to the Apache network through the router VNF.
 */
export function clusterLegNetwork(mac: string, apacheNetwork: string, routerHost: string | undefined): string {
    const route =
        routerHost === undefined ? [] : [`[Route]`, `Destination=${apacheNetwork}`, `Gateway=${routerHost}`, ``];
    return [
        routerHost === undefined
            ? `# ${apacheNetwork}: learned by BGP from the routers (FRR), no static route`
            : `# ip route: ${apacheRoute(apacheNetwork, routerHost)}`,
        `[Match]`,
        `MACAddress=${mac}`,
        ``,
        `[Network]`,
        `DHCP=ipv4`,
        ``,
        `[DHCPv4]`,
        `UseGateway=false`,
        `UseDNS=false`,
        // Our file replaces netplan's, which carried the overlay's MTU (1450 on VXLAN); networkd
        // ignores the DHCP MTU option unless asked, and a 1500 MTU would black-hole large replies.
        `UseMTU=true`,
        ``,
        ...route,
    ].join("\n");
}

export function renderSwarmCloudConfig(c: SwarmNodeCloudConfig): string {
    const clusterLeg = pinInterfaceName(c.clusterLegMac, CLUSTER_LEG, CLUSTER_LEG_LINK_FILE);
    const frr = c.frr && frrCloudConfig(renderHostFrrConfig(c.frr), renderHostFrrDaemons());
    return serializeCloudConfig({
        hostname: c.hostname,
        ssh_authorized_keys: [c.sshPublicKey],
        package_update: true,
        // Debian's own packages at pinned versions: no third-party apt repository to trust.
        packages: [["docker.io", c.dockerVersion], ...(frr ? [frr.package] : [])],
        write_files: [
            clusterLeg.linkFile,
            {
                path: CLUSTER_LEG_NETWORK_FILE,
                permissions: "0644",
                content: clusterLegNetwork(clusterLeg.mac, c.apacheNetwork, frr ? undefined : c.routerHost),
            },
            ...(frr?.writeFiles ?? []),
        ],
        runcmd: [
            // First boot: eth1 under its pinned name, then networkd applies the .network file.
            ["sh", "-ec", [clusterLeg.renameScript, applyNetworkd([CLUSTER_LEG])].join("\n")],
            // A pinned engine stays pinned: unattended upgrades must not move it under the swarm.
            ["apt-mark", "hold", "docker.io"],
            // dockerHost (ssh://user@host) runs `docker system dial-stdio` as this user.
            ["usermod", "-aG", "docker", c.sshUser],
            ["systemctl", "enable", "--now", "docker"],
            // After eth1 is up: FRR's sessions go out of it.
            ...(frr?.runcmd ?? []),
        ],
    });
}
