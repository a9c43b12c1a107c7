// Typed, validated config of the service-chain role. Read once, at the edge.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../lib/errors";
import { ConfigReader, PROJECT } from "../../lib/config-reader";
import { ROUTER_APACHE_LEG, ROUTER_INTERFACES } from "../../lib/interfaces";
import { Route, checkInterfaces, formatRoute, parseRoute } from "../../lib/router-env";
import { VnfConfigError } from "../../lib/vnf-env-syntax";
import { vtyPasswordProblem } from "../../lib/vnf-passwords";
import { cidrContains } from "../../lib/net";
import { imagePinProblem } from "../../lib/image-ref";
import { sshPrivateKeyProblem } from "../../lib/ssh-key";
import { declaredConfigKeys } from "../openstack-config";

export interface ServiceChainConfig {
    k8sStack: string;
    swarmStack: string;
    routerImage: string;
    lbImage: string;
    /** Capabilities NET_ADMIN, NET_RAW, SYS_ADMIN instead of a privileged container. */
    leastPrivilege: boolean;
    /** The router's vty password (secret, already checked); undefined: loopback-only vty, no vty Service. */
    routerVtyPassword: pulumi.Output<string> | undefined;
    /** The router node's interface on the Apache subnet (target of the default route). */
    routerApacheInterface: string;
    /** Interfaces the router manages (its INTERFACES). */
    routerInterfaces: string[];
    /** Extra routes beyond the default one to the Apache network, parsed and checked (syntax, dev, next hop outside its prefix). */
    extraRoutes: Route[];
    routerNamespace: string;
    backendPort: number;
    lbReplicas: number;
    lbPublishMode: "ingress" | "host";
    /** Swarm networks the LB tasks join; empty: the nodes' default bridge. */
    lbNetworks: string[];
    /** Key for the Docker provider's SSH connection (checked to be a private key); unused for unix:// Docker hosts. */
    sshPrivateKey: pulumi.Output<string> | undefined;
}

/** An image reference pinned by a tag other than `latest`, or by digest (the rule the policy pack enforces too). */
export function parseImageRef(key: string, value: string): string {
    const problem = imagePinProblem(value);
    if (problem)
        throw new ConfigError(
            key,
            value,
            `is not pinned (${problem}); use a version tag other than latest, or a @sha256 digest`,
        );
    return value;
}

/** Re-throws a VNF module rejection as a config error naming the stack key and the entry. */
function asConfigError<T>(key: string, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof VnfConfigError) throw new ConfigError(key, e.entry, e.reason);
        throw e;
    }
}

/** routerInterfaces: valid, distinct interface names (the router's INTERFACES). */
export function parseRouterInterfaces(key: string, values: string[]): string[] {
    if (values.length === 0) throw new ConfigError(key, values, "is empty; list the interfaces the router manages");
    for (const v of values) if (v.includes(",")) throw new ConfigError(key, v, "must name one interface per entry");
    return [...asConfigError(key, () => checkInterfaces(values))];
}

/**
 * routes: each entry one `CIDR NEXTHOP` or `CIDR dev IFACE`, parsed once into a Route. A `dev`
 * must be one of the router's interfaces; a next hop must not lie inside its own destination
 * (the router would need this very route to reach it), except for the default route 0.0.0.0/0,
 * whose next hop the reachability check (routerRoutes) places on a connected network; no prefix twice.
 */
export function parseRouteEntries(key: string, values: string[], interfaces: readonly string[]): Route[] {
    const seen = new Set<string>();
    return values.map((entry) => {
        if (entry.includes(",")) throw new ConfigError(key, entry, "must be one route per entry");
        const route = asConfigError(key, () => parseRoute(entry));
        if (route.via.kind === "dev" && !interfaces.includes(route.via.iface)) {
            throw new ConfigError(
                key,
                entry,
                `names interface ${route.via.iface}, which is not one of the router's interfaces (hybrid-vnf:routerInterfaces: ${interfaces.join(", ")})`,
            );
        }
        if (
            route.via.kind === "nexthop" &&
            !route.prefix.endsWith("/0") &&
            cidrContains(route.prefix, route.via.address)
        ) {
            throw new ConfigError(
                key,
                entry,
                `has its next hop ${route.via.address} inside its own destination ${route.prefix}; the router could only reach it through this route`,
            );
        }
        if (seen.has(route.prefix)) throw new ConfigError(key, entry, `duplicate route for ${route.prefix}`);
        seen.add(route.prefix);
        return route;
    });
}

/** The networks the router node is connected to, from the k8s stack's outputs. */
export interface RouterNetworks {
    /** The k8s stack (org/project/stack) that reported them, for messages. */
    stack: string;
    /** clusterNetwork.cidr: the router's cluster leg. */
    cluster: string;
    /** apacheInfo.network: the router's Apache leg. */
    apache: string;
}

/**
 * The router's routes: the original design's `<apacheNetwork> dev <routerApacheInterface>`,
 * then the extra routes. Runs once the k8s stack's networks are known; an extra route that
 * repeats the Apache route, or whose next hop is on none of the router's networks, is a config
 * error naming hybrid-vnf:routes and the entry.
 */
export function routerRoutes(
    cfg: Pick<ServiceChainConfig, "routerApacheInterface" | "extraRoutes">,
    nets: RouterNetworks,
): Route[] {
    const key = `${PROJECT}:routes`;
    for (const r of cfg.extraRoutes) {
        if (r.prefix === nets.apache) {
            throw new ConfigError(
                key,
                formatRoute(r),
                `repeats the default route to apacheInfo.network ${nets.apache} of stack ${nets.stack}`,
            );
        }
        if (
            r.via.kind === "nexthop" &&
            !cidrContains(nets.cluster, r.via.address) &&
            !cidrContains(nets.apache, r.via.address)
        ) {
            throw new ConfigError(
                key,
                formatRoute(r),
                `has next hop ${r.via.address}, which is on none of the router's networks (clusterNetwork.cidr ${nets.cluster}, apacheInfo.network ${nets.apache} of stack ${nets.stack})`,
            );
        }
    }
    return [{ prefix: nets.apache, via: { kind: "dev", iface: cfg.routerApacheInterface } }, ...cfg.extraRoutes];
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Docker's rule for network names (and IDs are hex, which it admits). */
const DOCKER_NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** lbNetworks: Docker network names or IDs, each once. */
export function parseNetworkNames(key: string, values: string[]): string[] {
    for (const v of values)
        if (!DOCKER_NETWORK_NAME.test(v)) throw new ConfigError(key, v, "is not a Docker network name or ID");
    const twice = values.find((v, i) => values.indexOf(v) !== i);
    if (twice) throw new ConfigError(key, twice, "is listed twice");
    return values;
}

export function readServiceChainConfig(r: ConfigReader): ServiceChainConfig {
    r.refuseUndeclaredKeys(declaredConfigKeys());
    const routerNamespace = r.string("routerNamespace", "vnf-router");
    if (!DNS_LABEL.test(routerNamespace))
        throw new ConfigError(r.name("routerNamespace"), routerNamespace, "is not a valid Kubernetes namespace name");
    const routerInterfaces = parseRouterInterfaces(
        r.name("routerInterfaces"),
        r.list("routerInterfaces", [...ROUTER_INTERFACES]),
    );
    const routerApacheInterface = r.string("routerApacheInterface", ROUTER_APACHE_LEG);
    if (!routerInterfaces.includes(routerApacheInterface)) {
        throw new ConfigError(
            r.name("routerApacheInterface"),
            routerApacheInterface,
            `is not one of hybrid-vnf:routerInterfaces (${routerInterfaces.join(", ")})`,
        );
    }
    return {
        k8sStack: r.stackName("k8sStack"),
        swarmStack: r.stackName("swarmStack"),
        routerImage: parseImageRef(r.name("routerImage"), r.string("routerImage", "hybrid-vnf/router:0.1.0")),
        lbImage: parseImageRef(r.name("lbImage"), r.string("lbImage", "hybrid-vnf/nginx-lb:0.1.0")),
        leastPrivilege: r.bool("leastPrivilege", false),
        routerVtyPassword: r.optionalSecret("routerVtyPassword", vtyPasswordProblem),
        routerApacheInterface,
        routerInterfaces,
        extraRoutes: parseRouteEntries(r.name("routes"), r.list("routes"), routerInterfaces),
        routerNamespace,
        backendPort: r.int("backendPort", 80, 1, 65535),
        lbReplicas: r.int("lbReplicas", 2, 1, 20),
        lbPublishMode: r.oneOf("lbPublishMode", ["ingress", "host"] as const, "ingress"),
        lbNetworks: parseNetworkNames(r.name("lbNetworks"), r.list("lbNetworks")),
        sshPrivateKey: r.optionalSecret("sshPrivateKey", sshPrivateKeyProblem),
    };
}
