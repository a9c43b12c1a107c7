// Cloud-config of a swarm node: pinned Docker Engine, and the cluster-network leg (eth1) with
// the route to the Apache network through the router VNF, written to disk so it survives a reboot.
import { stringify } from "yaml";

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
}

export const CLUSTER_LEG = "eth1";
/** Sorts before netplan's generated 10-netplan-*.network, so networkd uses ours for eth1. */
export const CLUSTER_LEG_NETWORK_FILE = `/etc/systemd/network/05-swarm-${CLUSTER_LEG}.network`;
export const CLUSTER_LEG_LINK_FILE = `/etc/systemd/network/05-swarm-${CLUSTER_LEG}.link`;

/** The original design's route, as `ip route` spells it. */
export function apacheRoute(apacheNetwork: string, routerHost: string): string {
    return `${apacheNetwork} via ${routerHost} dev ${CLUSTER_LEG}`;
}

/** Pins the name eth1 to the cluster-network port's MAC (applied by udev at boot). */
export function clusterLegLink(mac: string): string {
    return [`[Match]`, `MACAddress=${mac}`, ``, `[Link]`, `Name=${CLUSTER_LEG}`, ``].join("\n");
}

/**
 * systemd-networkd config of eth1 (Debian 12 cloud images run networkd behind netplan).
 * DHCP gives the address; the default route stays on eth0 (floating IPs are NATed there),
 * and the only route via eth1 is the one to the Apache network through the router VNF.
 */
export function clusterLegNetwork(mac: string, apacheNetwork: string, routerHost: string): string {
    return [
        `# ip route: ${apacheRoute(apacheNetwork, routerHost)}`,
        `[Match]`,
        `MACAddress=${mac}`,
        ``,
        `[Network]`,
        `DHCP=ipv4`,
        ``,
        `[DHCPv4]`,
        `UseGateway=false`,
        `UseDNS=false`,
        ``,
        `[Route]`,
        `Destination=${apacheNetwork}`,
        `Gateway=${routerHost}`,
        ``,
    ].join("\n");
}

/**
 * First boot only: the .link file names the NIC eth1 from the next boot on; rename it now
 * (it carries no traffic yet), then let networkd apply the .network file.
 */
function bringUpClusterLeg(mac: string): string {
    return [
        `cur=$(ip -o link | awk -F': ' -v mac=${mac} '$0 ~ ("link/ether " mac) {print $2; exit}')`,
        `[ -n "$cur" ] || { echo "no NIC with MAC ${mac}" >&2; exit 1; }`,
        `if [ "$cur" != ${CLUSTER_LEG} ]; then ip link set "$cur" down && ip link set "$cur" name ${CLUSTER_LEG}; fi`,
        `networkctl reload`,
        `networkctl reconfigure ${CLUSTER_LEG}`,
    ].join("\n");
}

export function renderSwarmCloudConfig(c: SwarmNodeCloudConfig): string {
    const config = {
        hostname: c.hostname,
        ssh_authorized_keys: [c.sshPublicKey],
        package_update: true,
        // Debian's own package at a pinned version: no third-party apt repository to trust.
        packages: [["docker.io", c.dockerVersion]],
        write_files: [
            { path: CLUSTER_LEG_LINK_FILE, permissions: "0644", content: clusterLegLink(c.clusterLegMac) },
            { path: CLUSTER_LEG_NETWORK_FILE, permissions: "0644", content: clusterLegNetwork(c.clusterLegMac, c.apacheNetwork, c.routerHost) },
        ],
        runcmd: [
            ["sh", "-ec", bringUpClusterLeg(c.clusterLegMac)],
            // A pinned engine stays pinned: unattended upgrades must not move it under the swarm.
            ["apt-mark", "hold", "docker.io"],
            // dockerHost (ssh://user@host) runs `docker system dial-stdio` as this user.
            ["usermod", "-aG", "docker", c.sshUser],
            ["systemctl", "enable", "--now", "docker"],
        ],
    };
    return "#cloud-config\n" + stringify(config, { lineWidth: 0 });
}
