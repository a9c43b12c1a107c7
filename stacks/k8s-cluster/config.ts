// Typed, validated config of the k8s-cluster role. Read once, at the edge.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../lib/errors";
import { ConfigReader, requireDisjoint } from "../../lib/config-reader";
import { cidrContains } from "../../lib/net";
import {
    BFD_INTERVAL_MS,
    BFD_MULTIPLIER,
    bgpPasswordProblem,
    DEFAULT_BFD,
    DEFAULT_HOST_ASN,
    DEFAULT_ROUTER_ASN,
    isPrivateAsn,
    PRIVATE_ASN_RANGES,
    ROUTER_COUNT,
    Routing,
    ROUTING_MODES,
} from "../../lib/routing";
import { k3sVersionProblem } from "../../lib/vm-values";
import { subnetCapacityProblem, vmNetworkProblem } from "../../lib/vm-networks";
import { apacheAddressPlan } from "./addressing";
import { SWARM_MAX_NODES } from "../swarm-cluster/config";
import {
    declaredConfigKeys,
    DEFAULT_CIDRS,
    OpenStackVmConfig,
    readOpenStackVmConfig,
    TARGETS,
} from "../openstack-config";

/** The routing keys: the same for both targets. */
export interface K8sRoutingConfig {
    routing: Routing;
    /** The BGP sessions' TCP-MD5 password (secret); undefined when unset or in static mode. */
    bgpPassword?: pulumi.Output<string>;
}

export interface K8sOpenStackConfig extends OpenStackVmConfig, K8sRoutingConfig {
    target: "openstack";
    /** Router nodes (each labelled role=router, legs on both networks); more than 1 only with BGP. */
    routerCount: number;
    clusterCidr: string;
    apacheCidr: string;
    /** Only used to open HTTP to the Apache VMs and to route replies back through the router. */
    swarmCidr: string;
    workerCount: number;
    apacheCount: number;
    apacheFlavor: string;
    k3sVersion: string;
}

export interface K8sExistingConfig extends K8sRoutingConfig {
    target: "existing";
    clusterCidr: string;
    apacheCidr: string;
    clusterNetworkId: string;
    kubeconfig: pulumi.Output<string>;
    /** routerHosts[0]. */
    routerHost: string;
    /** Every router node's cluster-network address (default: [routerHost]). */
    routerHosts: string[];
    apacheIps: string[];
}

export type K8sClusterConfig = K8sOpenStackConfig | K8sExistingConfig;

const ASN_RANGES_TEXT = PRIVATE_ASN_RANGES.map(([lo, hi]) => `${lo}-${hi}`).join(" or ");

function readAsn(r: ConfigReader, key: string, fallback: number): number {
    const asn = r.int(key, fallback, 1, 4294967294);
    if (!isPrivateAsn(asn))
        throw new ConfigError(r.name(key), asn, `is not a private AS number (RFC 6996: ${ASN_RANGES_TEXT})`);
    return asn;
}

/**
 * routing and its BGP keys. The BGP keys are checked in both modes (a bad value is a mistake
 * either way) but only shape the stack in bgp mode; static stays the seed's design.
 */
export function readRoutingConfig(r: ConfigReader): K8sRoutingConfig {
    const mode = r.oneOf("routing", ROUTING_MODES, "static");
    const routerAsn = readAsn(r, "bgpRouterAsn", DEFAULT_ROUTER_ASN);
    const hostAsn = readAsn(r, "bgpHostAsn", DEFAULT_HOST_ASN);
    if (routerAsn === hostAsn) {
        throw new ConfigError(
            r.name("bgpHostAsn"),
            hostAsn,
            `equals ${r.name("bgpRouterAsn")}; the routers and the hosts need different AS numbers (eBGP)`,
        );
    }
    const bfd = {
        intervalMs: r.int("bfdIntervalMs", DEFAULT_BFD.intervalMs, BFD_INTERVAL_MS.min, BFD_INTERVAL_MS.max),
        multiplier: r.int("bfdMultiplier", DEFAULT_BFD.multiplier, BFD_MULTIPLIER.min, BFD_MULTIPLIER.max),
    };
    const bgpPassword = r.optionalSecret("bgpPassword", bgpPasswordProblem);
    if (mode === "static") return { routing: { mode } };
    return { routing: { mode, routerAsn, hostAsn, bfd }, bgpPassword };
}

/** More than one router needs BGP: a static route points at one router. */
function requireBgpForRouters(r: ConfigReader, key: string, count: number, value: unknown, routing: Routing): void {
    if (count > 1 && routing.mode === "static") {
        throw new ConfigError(
            r.name(key),
            value,
            `needs ${r.name("routing")} bgp: with static routing the hosts' routes point at one router`,
        );
    }
}

export function readK8sClusterConfig(r: ConfigReader): K8sClusterConfig {
    r.refuseUndeclaredKeys(declaredConfigKeys());
    const target = r.oneOf("target", TARGETS, "openstack");
    const clusterCidr = r.cidr("clusterCidr", DEFAULT_CIDRS.clusterCidr);
    const apacheCidr = r.cidr("apacheCidr", DEFAULT_CIDRS.apacheCidr);
    const routingConfig = readRoutingConfig(r);

    if (target === "existing") {
        requireDisjoint({ [r.name("clusterCidr")]: clusterCidr, [r.name("apacheCidr")]: apacheCidr });
        const listed =
            r.optionalString("routerHosts") === undefined
                ? undefined
                : r.ipv4List("routerHosts", ROUTER_COUNT.min, ROUTER_COUNT.max);
        const routerHost =
            listed === undefined || r.optionalString("routerHost") !== undefined ? r.ipv4("routerHost") : listed[0];
        if (!cidrContains(clusterCidr, routerHost)) {
            throw new ConfigError(
                r.name("routerHost"),
                routerHost,
                `is not inside ${r.name("clusterCidr")} ${clusterCidr}`,
            );
        }
        const routerHosts = listed ?? [routerHost];
        for (const ip of routerHosts) {
            if (!cidrContains(clusterCidr, ip))
                throw new ConfigError(
                    r.name("routerHosts"),
                    ip,
                    `is not inside ${r.name("clusterCidr")} ${clusterCidr}`,
                );
        }
        if (routerHosts[0] !== routerHost) {
            throw new ConfigError(
                r.name("routerHosts"),
                routerHosts,
                `does not start with ${r.name("routerHost")} ${routerHost} (routerHost is the first router)`,
            );
        }
        requireBgpForRouters(r, "routerHosts", routerHosts.length, routerHosts, routingConfig.routing);
        const apacheIps = r.ipv4List("apacheIps", 1, 20);
        for (const ip of apacheIps) {
            if (!cidrContains(apacheCidr, ip))
                throw new ConfigError(r.name("apacheIps"), ip, `is not inside ${r.name("apacheCidr")} ${apacheCidr}`);
        }
        return {
            target,
            clusterCidr,
            apacheCidr,
            clusterNetworkId: r.string("clusterNetworkId", "existing"),
            kubeconfig: r.requireSecret("kubeconfig"),
            routerHost,
            routerHosts,
            apacheIps,
            ...routingConfig,
        };
    }

    const swarmCidr = r.cidr("swarmCidr", DEFAULT_CIDRS.swarmCidr);
    requireDisjoint({
        [r.name("clusterCidr")]: clusterCidr,
        [r.name("apacheCidr")]: apacheCidr,
        [r.name("swarmCidr")]: swarmCidr,
    });
    for (const [key, cidr] of [
        ["clusterCidr", clusterCidr],
        ["apacheCidr", apacheCidr],
        ["swarmCidr", swarmCidr],
    ]) {
        const problem = vmNetworkProblem(cidr);
        if (problem) throw new ConfigError(r.name(key), cidr, problem);
    }
    const k3sVersion = r.checkedString("k3sVersion", k3sVersionProblem, "v1.31.6+k3s1");
    const routerCount = r.int("routerCount", ROUTER_COUNT.fallback, ROUTER_COUNT.min, ROUTER_COUNT.max);
    requireBgpForRouters(r, "routerCount", routerCount, routerCount, routingConfig.routing);
    const workerCount = r.int("workerCount", 0, 0, 10);
    const apacheCount = r.int("apacheCount", 2, 1, 20);
    // The fixed addresses must fit now, not when Neutron runs out of them halfway through `up`.
    apacheAddressPlan(apacheCidr, apacheCount, routerCount);
    // The swarm stack's nodes join this network too (one eth1 each), and this stack cannot know
    // how many: leave room for the most it allows.
    const clusterPorts = routerCount + workerCount + SWARM_MAX_NODES;
    const clusterProblem = subnetCapacityProblem(
        clusterCidr,
        clusterPorts,
        `${r.name("routerCount")} ${routerCount}, ${r.name("workerCount")} ${workerCount} and up to ${SWARM_MAX_NODES} swarm nodes' eth1`,
    );
    if (clusterProblem) throw new ConfigError(r.name("clusterCidr"), clusterCidr, clusterProblem);
    return {
        target,
        ...readOpenStackVmConfig(r),
        ...routingConfig,
        routerCount,
        clusterCidr,
        apacheCidr,
        swarmCidr,
        workerCount,
        apacheCount,
        apacheFlavor: r.openstackName("apacheFlavor", "m1.small"),
        k3sVersion,
    };
}
