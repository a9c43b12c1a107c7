// The guests' networks as decisions: one bridge per planned subnet with the host on the
// subnet's gateway address, a tap per NIC, the DHCP server's arguments (planned fixed IP per MAC,
// MTU, the subnet's gateway and host routes, as Neutron's DHCP gives them) and the firewall that
// keeps every guest packet on the bridges. Pure.
import { SubnetSpec, VmSpec } from "./vm-spec";

/** Every link the harness makes starts with this; `down` removes them by it. */
export const LINK_PREFIX = "hvb";
export const NFT_TABLE = "hvnf_boot";
export const APT_PROXY_PORT = 3142;

export interface BridgeSpec {
    name: string;
    subnet: SubnetSpec;
    /** The host's address on the bridge: the subnet's gateway (where Neutron's router would be). */
    hostIp: string;
    prefixLength: number;
}

export interface TapSpec {
    name: string;
    bridge: string;
    mac: string;
    ip: string;
}

export function bridgesFor(vms: readonly VmSpec[]): BridgeSpec[] {
    const subnets = new Map<string, SubnetSpec>();
    for (const nic of vms.flatMap((v) => v.nics)) subnets.set(nic.subnet.cidr, nic.subnet);
    return [...subnets.values()]
        .sort((a, b) => a.cidr.localeCompare(b.cidr))
        .map((subnet, i) => {
            if (!subnet.gateway)
                throw new Error(
                    `subnet ${subnet.name} (${subnet.cidr}) has no gateway: the harness needs one for the host's address`,
                );
            return {
                name: `${LINK_PREFIX}-net${i}`,
                subnet,
                hostIp: subnet.gateway,
                prefixLength: Number(subnet.cidr.split("/")[1]),
            };
        });
}

/** Tap names fit IFNAMSIZ: hvb-vm<vm index>-<nic index>. */
export function tapsFor(
    vmIndex: number,
    vm: VmSpec,
    bridges: readonly BridgeSpec[],
    addresses: Map<string, string>,
): TapSpec[] {
    return vm.nics.map((nic) => {
        const bridge = bridges.find((b) => b.subnet.cidr === nic.subnet.cidr);
        const ip = addresses.get(nic.mac);
        if (!bridge || !ip) throw new Error(`${vm.resource}: no bridge or address for ${nic.port}`);
        return { name: `${LINK_PREFIX}-vm${vmIndex}-${nic.index}`, bridge: bridge.name, mac: nic.mac, ip };
    });
}

function netmask(prefix: number): string {
    const m = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join(".");
}

/** dnsmasq as DHCP only (port=0: no DNS), bound to the bridges, static leases only. */
export function dnsmasqArgs(
    bridges: readonly BridgeSpec[],
    taps: readonly TapSpec[],
    files: { pid: string; log: string; leases: string },
): string[] {
    const args = [
        "--conf-file=/dev/null",
        "--port=0",
        "--bind-interfaces",
        "--except-interface=lo",
        "--no-hosts",
        "--no-resolv",
        "--dhcp-authoritative",
        `--pid-file=${files.pid}`,
        `--log-facility=${files.log}`,
        "--log-dhcp",
        `--dhcp-leasefile=${files.leases}`,
    ];
    for (const b of bridges) {
        const tag = b.name.replace(/-/g, "");
        const network = b.subnet.cidr.split("/")[0];
        args.push(`--interface=${b.name}`, `--dhcp-range=set:${tag},${network},static,${netmask(b.prefixLength)},12h`);
        args.push(`--dhcp-option=tag:${tag},option:mtu,${b.subnet.mtu}`);
        if (b.subnet.hostRoutes.length > 0) {
            // RFC 3442: a client given classless routes ignores the router option, so the default goes in too (Neutron does the same).
            const routes = [
                ...b.subnet.hostRoutes.map((r) => `${r.destination},${r.nextHop}`),
                `0.0.0.0/0,${b.hostIp}`,
            ];
            args.push(`--dhcp-option=tag:${tag},option:classless-static-route,${routes.join(",")}`);
        }
        args.push(`--dhcp-option=tag:${tag},option:router,${b.hostIp}`);
    }
    for (const t of taps) args.push(`--dhcp-host=${t.mac},${t.ip}`);
    return args;
}

/**
 * The guests reach the host for DHCP and the apt proxy only, and nothing is routed to or from
 * the bridges (guest to guest on one bridge is switched, not routed).
 */
export function nftRuleset(): string {
    const hv = `"${LINK_PREFIX}*"`;
    return [
        `table inet ${NFT_TABLE} {`,
        "  chain input {",
        "    type filter hook input priority -10; policy accept;",
        `    iifname ${hv} ct state established,related accept`,
        `    iifname ${hv} udp dport 67 accept`,
        `    iifname ${hv} tcp dport ${APT_PROXY_PORT} accept`,
        `    iifname ${hv} icmp type echo-request accept`,
        `    iifname ${hv} drop`,
        "  }",
        "  chain forward {",
        "    type filter hook forward priority -10; policy accept;",
        `    iifname ${hv} oifname ${hv} accept`,
        `    iifname ${hv} drop`,
        `    oifname ${hv} drop`,
        "  }",
        "}",
        "",
    ].join("\n");
}

/** Docker's iptables FORWARD policy is DROP and br_netfilter sends bridged frames through it. */
export const DOCKER_USER_RULE = ["-i", `${LINK_PREFIX}+`, "-o", `${LINK_PREFIX}+`, "-j", "ACCEPT"];
