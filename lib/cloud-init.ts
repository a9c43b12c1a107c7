// Cloud-config pieces shared by the VM stacks (k8s-cluster, swarm-cluster): serialization, and
// pinning a NIC's name to its port's MAC. Pure: values in, text out, so tests can render every
// document and hand it to the real `cloud-init schema`. What each VM runs stays in its stack.
//
// Why pin names: the chain names interfaces (the router's `<apacheCidr> dev eth1`, the swarm
// nodes' route `dev eth1`), but Debian 12 cloud images use predictable names (ens3, ens4).
// A port's MAC is known before the VM boots (a Port output), so it identifies the NIC.
import { stringify } from "yaml";
import { DEBIAN_FRR_PACKAGE, DEBIAN_FRR_VERSION, FRR_CONF_PATH, FRR_DAEMONS_PATH, HOST_ECMP_SYSCTLS } from "./frr-host";
import { interfaceNameProblem } from "./net";

export type CloudConfig = Record<string, unknown>;

/** One write_files entry. */
export interface WriteFile {
    path: string;
    owner?: string;
    permissions: string;
    content: string;
    /** Written after packages are installed (cloud-init's final stage). */
    defer?: boolean;
}

export function serializeCloudConfig(config: CloudConfig): string {
    return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

/**
 * systemd's config directory. Our files are named 05-*, so they sort before the 10-netplan-*
 * files netplan generates from cloud-init's network config (Debian 12 cloud images run
 * networkd behind netplan): udev applies the first matching .link file and networkd the first
 * matching .network file, so ours win, on this boot and every later one.
 */
export const NETWORKD_DIR = "/etc/systemd/network";

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** A port's MAC, lower case as `ip` prints it; refused unless it is one (it goes into a script). */
export function parseMac(mac: string): string {
    const m = mac.trim().toLowerCase();
    if (!MAC.test(m)) throw new Error(`not a MAC address: ${JSON.stringify(mac)}`);
    return m;
}

/** A kernel interface name that is safe in a script (lib/net.ts's rule, shell-safe variant). */
export function checkInterfaceName(name: string): string {
    const problem = interfaceNameProblem(name, { shellSafe: true });
    if (problem) throw new Error(`not an interface name: ${JSON.stringify(name)} (${problem})`);
    return name;
}

export interface PinnedInterface {
    name: string;
    mac: string;
    /** The .link file for write_files: udev names the NIC at every boot from the next one on. */
    linkFile: WriteFile;
    /**
     * Shell (for `sh -e`) renaming the NIC now, at first boot, when the .link file was not there
     * yet. Run it before anything uses the name, then applyNetworkd().
     */
    renameScript: string;
}

/** Pins `name` to the NIC with `mac`: a .link file for later boots, a rename for the first. */
export function pinInterfaceName(
    mac: string,
    name: string,
    linkPath = `${NETWORKD_DIR}/05-hybrid-vnf-${name}.link`,
): PinnedInterface {
    const m = parseMac(mac);
    const n = checkInterfaceName(name);
    const content = [`[Match]`, `MACAddress=${m}`, ``, `[Link]`, `Name=${n}`, ``].join("\n");
    // The NIC carries no traffic of ours yet; a rename needs it down. If another NIC already
    // holds the name (kernel ethN names in an unexpected order), `ip` fails and so does boot,
    // loudly, rather than a route going out of the wrong leg.
    const renameScript = [
        `cur=$(ip -o link | awk -F': ' -v mac=${m} '$0 ~ ("link/ether " mac) {print $2; exit}')`,
        `[ -n "$cur" ] || { echo "no NIC with MAC ${m}" >&2; exit 1; }`,
        `if [ "$cur" != ${n} ]; then ip link set "$cur" down && ip link set "$cur" name ${n}; fi`,
    ].join("\n");
    return { name: n, mac: m, linkFile: { path: linkPath, permissions: "0644", content }, renameScript };
}

/** Shell: networkd reads the .network files written at first boot and applies them to `names`. */
export function applyNetworkd(names: string[]): string {
    return [`networkctl reload`, `networkctl reconfigure ${names.map(checkInterfaceName).join(" ")}`].join("\n");
}

/**
 * Shell: wait until each of `names` has a routable address and networkd has finished
 * configuring it (routes included), so the commands after it have the network back.
 */
export function waitOnline(names: string[], timeoutSeconds = 120): string {
    const ifaces = names.map((n) => `-i ${checkInterfaceName(n)}:routable`).join(" ");
    return `/lib/systemd/systemd-networkd-wait-online ${ifaces} --timeout=${timeoutSeconds}`;
}

/** The cloud-config pieces that install and configure FRR on a host (bgp routing mode). */
export interface FrrCloudConfig {
    /** Debian's frr at the pinned version, as a `packages` entry. */
    package: [string, string];
    /** The ECMP sysctl file; the daemons file and frr.conf, deferred so the package's own files never replace them. */
    writeFiles: WriteFile[];
    /** Apply the sysctl file now, hold the pinned version, then restart FRR on our config. */
    runcmd: string[][];
}

/** The host's ECMP settings (HOST_ECMP_SYSCTLS), applied by systemd-sysctl at every boot. */
export const ECMP_SYSCTL_PATH = "/etc/sysctl.d/90-hybrid-vnf-ecmp.conf";
export const ECMP_SYSCTL_CONTENT = Object.entries(HOST_ECMP_SYSCTLS)
    .map(([k, v]) => `${k} = ${v}\n`)
    .join("");

/**
 * FRR from Debian's package, pinned and held, configured by the text of lib/frr-host.ts, on a
 * host whose ECMP routes hash on the 5-tuple. FRR's files are written after the packages are
 * installed (defer) and owned by the package's frr user; 0640 because frr.conf may hold the BGP
 * password.
 */
export function frrCloudConfig(frrConf: string, daemons: string): FrrCloudConfig {
    const file = (path: string, content: string): WriteFile => ({
        path,
        owner: "frr:frr",
        permissions: "0640",
        content,
        defer: true,
    });
    return {
        package: [DEBIAN_FRR_PACKAGE, DEBIAN_FRR_VERSION],
        writeFiles: [
            { path: ECMP_SYSCTL_PATH, owner: "root:root", permissions: "0644", content: ECMP_SYSCTL_CONTENT },
            file(FRR_DAEMONS_PATH, daemons),
            file(FRR_CONF_PATH, frrConf),
        ],
        runcmd: [
            ["sysctl", "--system"],
            ["apt-mark", "hold", DEBIAN_FRR_PACKAGE],
            ["systemctl", "enable", "frr"],
            ["systemctl", "restart", "frr"],
        ],
    };
}
