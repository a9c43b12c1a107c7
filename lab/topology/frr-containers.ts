// The bgp lab's routing daemons: the swarm host's FRR (on the host network) and each Apache
// backend's FRR (in the backend's namespace, the stand-in for the VM's cloud-init-installed FRR),
// all with lib/frr-host.ts's config. Pure: addresses and config in, containers out.
import { LabAddressing } from "./addressing";
import { LabRouterNode } from "./router-nodes";
import { LabNode } from "./topology-types";
import { LAB_NAMES } from "../names";
import { BgpRouting } from "../../lib/routing";
import { renderHostFrrConfig, renderHostFrrDaemons } from "../../lib/frr-host";
import { FRR_BGP_CAPABILITIES } from "../../lib/frr-capabilities";

/** What BGP needs beyond the router nodes: the model, the password and the FRR image. */
export interface LabBgp {
    routing: BgpRouting;
    /** The k8s stack's bgpPassword ("" for none). */
    password: string;
    /** The router image: the lab's FRR (the VMs' is Debian's package of the same version line). */
    frrImage: string;
}

/**
 * The host-side FRR as a container: frr.conf and daemons from env (lib/frr-host.ts's text),
 * checked by `vtysh -C`, the daemons the daemons file enables (zebra and staticd always) run
 * as root with no TCP vty; SIGTERM stops them so zebra takes its routes out of the kernel.
 */
export const FRR_HOST_SCRIPT = [
    "set -eu",
    "umask 077",
    'printf "%s" "$FRR_CONF" > /etc/frr/frr.conf',
    'printf "%s" "$FRR_DAEMONS" > /etc/frr/daemons',
    "vtysh -C -f /etc/frr/frr.conf >/dev/null",
    ". /etc/frr/daemons",
    'daemons="zebra staticd"',
    '[ "${bfdd:-no}" != yes ] || daemons="$daemons bfdd"',
    '[ "${bgpd:-no}" != yes ] || daemons="$daemons bgpd"',
    "rm -f /run/frr/*.vty /run/frr/*.pid /run/frr/zserv.api",
    "for d in $daemons; do",
    '  eval "opts=\\${${d}_options:-}"',
    "  /usr/lib/frr/$d -d -u root -g root $opts -P 0",
    "  for i in $(seq 100); do [ -S /run/frr/$d.vty ] && break; sleep 0.1; done",
    "done",
    "vtysh -b >/dev/null",
    'stop() { for d in $daemons; do kill "$(cat /run/frr/$d.pid)" 2>/dev/null || true; done; sleep 1; exit 0; }',
    "trap stop TERM INT",
    'echo "frr: $daemons running"',
    "while :; do sleep 1 & wait $! || true; done",
].join("\n");

export interface FrrContainerInput {
    name: string;
    image: string;
    /** "host", or "container:NAME" to share a backend's namespace. */
    network: string;
    conf: string;
    daemons: string;
}

export function frrContainer(i: FrrContainerInput): LabNode {
    return {
        name: i.name,
        image: i.image,
        network: i.network,
        env: { FRR_CONF: i.conf, FRR_DAEMONS: i.daemons },
        sysctls: {},
        command: ["sh", "-c", FRR_HOST_SCRIPT],
        noHealthcheck: true,
        capDrop: ["ALL"],
        // The router's capabilities in bgp mode (QuaggaRouter's leastPrivilege set).
        capAdd: [...FRR_BGP_CAPABILITIES],
        securityOpts: ["no-new-privileges"],
    };
}

/** The host's and the Apache backends' FRR containers, with lib/frr-host.ts's config. */
export function labFrrContainers(addressing: LabAddressing, routers: LabRouterNode[], bgp: LabBgp): LabNode[] {
    const { apacheCidr, apacheIps, clusterCidr, swarmCidr, hostClusterIp } = addressing;
    const { routing, password, frrImage: image } = bgp;
    const daemons = renderHostFrrDaemons();
    const host = frrContainer({
        name: LAB_NAMES.hostFrr,
        image,
        network: "host",
        daemons,
        conf: renderHostFrrConfig({
            hostname: "swarm-host",
            routing,
            routerAddresses: routers.map((n) => n.clusterIp),
            importPrefixes: [apacheCidr],
            password,
            routerId: hostClusterIp,
        }),
    });
    // Replies go to the cluster network (the masqueraded LB traffic) and, as on the VMs, the swarm network.
    const backends = apacheIps.map((ip, b) =>
        frrContainer({
            name: LAB_NAMES.backendFrr(b),
            image,
            network: `container:${LAB_NAMES.apacheBackend(b)}`,
            daemons,
            conf: renderHostFrrConfig({
                hostname: `apache-${b + 1}`,
                routing,
                routerAddresses: routers.map((n) => n.apacheIp),
                importPrefixes: [clusterCidr, swarmCidr],
                password,
                routerId: ip,
            }),
        }),
    );
    return [host, ...backends];
}
