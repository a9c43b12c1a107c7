// User-data of the k8s-cluster VMs, built as cloud-config objects and serialized by
// lib/cloud-init (shared with the swarm stack, as is the NIC name pinning the router node uses).
// Pure: the program passes resolved values in (the floating IP, the ports' MACs, the node
// token), so tests can render every document and hand it to the real `cloud-init schema`.
//
// Why k3s: a CNCF-certified conformant Kubernetes in one binary, pinned by an exact release
// (INSTALL_K3S_VERSION, and the installer fetched from the same tag), installed straight from
// cloud-init with nothing else on the VM or the operator's machine (no kubeadm, no Ansible).
//
// Privileged pods: k3s enables the PodSecurity admission plugin with the built-in default
// level "privileged", so a namespace labelled pod-security.kubernetes.io/enforce=privileged
// (as the router VNF's is) admits privileged, hostNetwork pods. We pass no
// pod-security-admission-config-file and no other admission config, so nothing tightens that.
import { stringify } from "yaml";
import { renderApachePage } from "../../lib/apache-page";
import { ROUTER_APACHE_LEG, ROUTER_CLUSTER_LEG } from "../../lib/interfaces";
import {
    applyNetworkd,
    CloudConfig,
    frrCloudConfig,
    NETWORKD_DIR,
    pinInterfaceName,
    serializeCloudConfig,
    waitOnline,
    WriteFile,
} from "../../lib/cloud-init";
import { HostFrrInput, renderHostFrrConfig, renderHostFrrDaemons } from "../../lib/frr-host";

/** Both k3s roles forward packets; the router node forwards the service chain's traffic. */
export const SYSCTL_PATH = "/etc/sysctl.d/90-hybrid-vnf-forwarding.conf";
export const SYSCTL_CONTENT = [
    "# hybrid-vnf: the router VNF forwards between the cluster and Apache networks.",
    "net.ipv4.ip_forward = 1",
    "# Loose reverse-path filtering: replies may come back by the other leg.",
    "net.ipv4.conf.all.rp_filter = 2",
    "net.ipv4.conf.default.rp_filter = 2",
    "",
].join("\n");

export const K3S_CONFIG_PATH = "/etc/rancher/k3s/config.yaml";
export const K3S_INSTALLER_PATH = "/usr/local/bin/k3s-install.sh";
/** Neither is used by the chain; without them nothing listens on the nodes' ports 80/443. */
export const K3S_DISABLED = ["traefik", "servicelb"];

/** The installer of the pinned release, from the same git tag (`+` is %2B in the URL). */
export function k3sInstallerUrl(k3sVersion: string): string {
    if (!/^v[0-9A-Za-z.+-]+$/.test(k3sVersion)) throw new Error(`not a k3s version: ${JSON.stringify(k3sVersion)}`);
    return `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(k3sVersion)}/install.sh`;
}

function k3sInstallScript(k3sVersion: string, role: "server" | "agent"): string {
    return `curl -sfL '${k3sInstallerUrl(k3sVersion)}' -o ${K3S_INSTALLER_PATH} && INSTALL_K3S_VERSION='${k3sVersion}' sh ${K3S_INSTALLER_PATH} ${role}`;
}

/** Files and a first-boot script that must be in place before k3s is installed. */
interface NodeNetworkSetup {
    files: WriteFile[];
    script: string;
}

function k3sNode(
    hostname: string,
    k3sVersion: string,
    role: "server" | "agent",
    k3sConfig: Record<string, unknown>,
    network?: NodeNetworkSetup,
): CloudConfig {
    const install = k3sInstallScript(k3sVersion, role);
    return {
        hostname,
        package_update: true,
        packages: ["curl"],
        write_files: [
            { path: SYSCTL_PATH, owner: "root:root", permissions: "0644", content: SYSCTL_CONTENT },
            // k3s reads its flags from here; 0600 because an agent's file holds the join token.
            {
                path: K3S_CONFIG_PATH,
                owner: "root:root",
                permissions: "0600",
                content: stringify(k3sConfig, { lineWidth: 0 }),
            },
            ...(network?.files ?? []),
        ],
        // With network setup, one `sh -e`: k3s is installed only once the legs have their
        // names (flannel and the node IP bind to them), and a failed rename fails cloud-init,
        // which the kubeconfig read then reports, instead of a router with no eth1.
        runcmd: [
            ["sysctl", "--system"],
            network ? ["sh", "-ec", `${network.script}\n${install}`] : ["sh", "-c", install],
        ],
    };
}

// --- the router node's two legs, named by their ports' MACs ---
// The service chain's router VNF manages INTERFACES eth0,eth1 and routes `<apacheCidr> dev eth1`
// (service-chain config: routerInterfaces, routerApacheInterface); Debian 12 would call them
// ens3/ens4. Port order alone does not fix the names, so each leg is pinned to its port's MAC.
export interface RouterNodeLegs {
    /** MAC of the router node's port on the cluster network. */
    clusterMac: string;
    /** MAC of the router node's port on the Apache subnet. */
    apacheMac: string;
}

export const routerLegNetworkPath = (leg: string) => `${NETWORKD_DIR}/05-hybrid-vnf-${leg}.network`;

/**
 * Both legs take their address from DHCP (Neutron serves each port's fixed IP). UseMTU: these
 * files replace netplan's, which carried the network's MTU (1450 on VXLAN); Neutron's DHCP
 * advertises it, but networkd only applies it when asked.
 */
export function routerLegNetwork(leg: "cluster" | "apache", mac: string): string {
    const common = [`[Match]`, `MACAddress=${mac}`, ``, `[Network]`, `DHCP=ipv4`, ``, `[DHCPv4]`, `UseMTU=true`];
    if (leg === "cluster")
        return [`# ${ROUTER_CLUSTER_LEG}: the node's address, default route and DNS.`, ...common, ``].join("\n");
    // The Apache subnet's DHCP offers the host routes meant for the Apache VMs (the cluster and
    // swarm networks via this node's own Apache address) and, with them, a default route via
    // the subnet gateway (the OpenStack router). Taken here: a second default route, so the
    // node's own traffic (SSH and the API over the floating IP, k3s, apt) could leave by this
    // leg, outside the floating IP's NAT; and routes via itself, the cluster one at the same
    // metric as eth0's connected route (seen with networkd 252). So: the address and the
    // connected /24 only (the Apache VMs are on-link); eth0 keeps the only default route, and
    // routing beyond is the router VNF's.
    return [
        `# ${ROUTER_APACHE_LEG}: the address only; no gateway, routes or DNS from the Apache subnet's DHCP.`,
        ...common,
        `UseGateway=false`,
        `UseRoutes=false`,
        `UseDNS=false`,
        ``,
    ].join("\n");
}

/** The .link and .network files of both legs, and the first-boot rename that applies them. */
export function routerNodeNetwork(legs: RouterNodeLegs): NodeNetworkSetup {
    const cluster = pinInterfaceName(legs.clusterMac, ROUTER_CLUSTER_LEG);
    const apache = pinInterfaceName(legs.apacheMac, ROUTER_APACHE_LEG);
    if (cluster.mac === apache.mac) throw new Error(`the router node's legs have the same MAC ${cluster.mac}`);
    const network = (pin: typeof cluster, leg: "cluster" | "apache"): WriteFile => ({
        path: routerLegNetworkPath(pin.name),
        owner: "root:root",
        permissions: "0644",
        content: routerLegNetwork(leg, pin.mac),
    });
    const names = [cluster.name, apache.name];
    return {
        files: [cluster.linkFile, apache.linkFile, network(cluster, "cluster"), network(apache, "apache")],
        // Renaming takes the legs down for a moment; k3s is not installed yet, and the wait
        // holds the install until DHCP has given eth0 its address and default route back.
        script: [cluster.renameScript, apache.renameScript, applyNetworkd(names), waitOnline(names)].join("\n"),
    };
}

export interface K3sServerOptions {
    hostname: string;
    k3sVersion: string;
    /** Extra names/addresses in the API certificate: the floating IP the kubeconfig points at. */
    tlsSans: string[];
    nodeLabels: string[];
    /** The router node's ports: pinned to eth0 (cluster) and eth1 (Apache). */
    legs: RouterNodeLegs;
}

/** The k3s config of the server (the router node). */
export function k3sServerConfig(o: K3sServerOptions): Record<string, unknown> {
    return {
        "write-kubeconfig-mode": "0600",
        "tls-san": o.tlsSans,
        "node-label": o.nodeLabels,
        disable: K3S_DISABLED,
    };
}

export function renderK3sServerUserData(o: K3sServerOptions): string {
    return serializeCloudConfig(
        k3sNode(o.hostname, o.k3sVersion, "server", k3sServerConfig(o), routerNodeNetwork(o.legs)),
    );
}

export interface K3sAgentOptions {
    hostname: string;
    k3sVersion: string;
    /** https://<server's cluster-network IP>:6443 */
    serverUrl: string;
    /** The server's node token: secret, so the rendered user-data is secret too. */
    token: string;
    nodeLabels: string[];
    /** A router node that joins as an agent (routerCount > 1): its ports, pinned to eth0 and eth1. */
    legs?: RouterNodeLegs;
}

export function k3sAgentConfig(o: K3sAgentOptions): Record<string, unknown> {
    return { server: o.serverUrl, token: o.token, "node-label": o.nodeLabels };
}

export function renderK3sAgentUserData(o: K3sAgentOptions): string {
    return serializeCloudConfig(
        k3sNode(o.hostname, o.k3sVersion, "agent", k3sAgentConfig(o), o.legs && routerNodeNetwork(o.legs)),
    );
}

/** Where an Apache VM's page goes: lib/apache-page.ts's page, the one the image serves, so the lab's and bench's backendOf reads either. */
export const APACHE_PAGE_PATH = "/var/www/html/index.html";

export interface ApacheUserDataOptions {
    hostname: string;
    ip: string;
    /** bgp routing: the return path. FRR peers with every router's Apache leg and learns the cluster and swarm networks. */
    frr?: HostFrrInput;
}

export function renderApacheUserData(o: ApacheUserDataOptions): string {
    const frr = o.frr && frrCloudConfig(renderHostFrrConfig(o.frr), renderHostFrrDaemons());
    return serializeCloudConfig({
        hostname: o.hostname,
        package_update: true,
        packages: frr ? ["apache2", frr.package] : ["apache2"],
        write_files: [
            // defer: written after the packages are installed, so the package's own default
            // page can never replace ours.
            {
                path: APACHE_PAGE_PATH,
                owner: "root:root",
                permissions: "0644",
                content: renderApachePage(o.hostname, o.ip),
                defer: true,
            },
            ...(frr?.writeFiles ?? []),
        ],
        runcmd: [["systemctl", "enable", "--now", "apache2"], ...(frr?.runcmd ?? [])],
    });
}

/** A VM's name and hostname: `<stack>-<role>[-<n>]`, reduced to what a hostname may hold. */
export function vmName(stack: string, role: string, n?: number): string {
    const base = `${stack}-${role}${n === undefined ? "" : `-${n}`}`
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    return base.slice(0, 63).replace(/-+$/, "");
}
