// Typed, validated config of the service-chain role. Read once, at the edge.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../lib/errors";
import { ConfigReader } from "../../lib/config-reader";
import { ROUTER_APACHE_LEG, ROUTER_INTERFACES } from "../../lib/interfaces";
import { Route, VnfConfigError, parseInterfaces, parseRoutes } from "../../lib/vnf-config";

export interface ServiceChainConfig {
    k8sStack: string;
    swarmStack: string;
    routerImage: string;
    lbImage: string;
    /** Capabilities NET_ADMIN, NET_RAW, SYS_ADMIN instead of a privileged container. */
    leastPrivilege: boolean;
    /** The router's vty password (secret); undefined: loopback-only vty, no vty Service. */
    routerVtyPassword: pulumi.Output<string> | undefined;
    /** The router node's interface on the Apache subnet (target of the default route). */
    routerApacheInterface: string;
    /** Interfaces the router manages, in the seed's INTERFACES format. */
    routerInterfaces: string[];
    /** Extra routes beyond the default one to the Apache network, `CIDR NEXTHOP` or `CIDR dev IFACE` (validated). */
    extraRoutes: string[];
    routerNamespace: string;
    backendPort: number;
    lbReplicas: number;
    lbPublishMode: "ingress" | "host";
    /** Swarm networks the LB tasks join; empty: the nodes' default bridge. */
    lbNetworks: string[];
    /** Key for the Docker provider's SSH connection; unused for unix:// Docker hosts. */
    sshPrivateKey: pulumi.Output<string> | undefined;
}

/** An image reference pinned by a tag other than `latest`, or by digest. */
export function parseImageRef(key: string, value: string): string {
    const digest = /@sha256:[a-f0-9]{64}$/.test(value);
    const tag = /^[^@\s]+:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(value.replace(/^[^/]+:\d+\//, ""));
    if (!digest && (!tag || tag[1] === "latest")) {
        throw new ConfigError(key, value, "is not pinned; use a version tag other than latest, or a @sha256 digest");
    }
    return value;
}

/** Re-throws a VNF module rejection as a config error naming the stack key and the entry. */
function asConfigError<T>(key: string, fn: () => T): T {
    try {
        return fn();
    } catch (e) {
        if (e instanceof VnfConfigError) throw new ConfigError(key, e.entry, e.message.slice(`${e.key} entry "${e.entry}": `.length));
        throw e;
    }
}

/** routerInterfaces: valid, distinct interface names (the router's INTERFACES). */
export function parseRouterInterfaces(key: string, values: string[]): string[] {
    if (values.length === 0) throw new ConfigError(key, values, "is empty; list the interfaces the router manages");
    for (const v of values) if (v.includes(",")) throw new ConfigError(key, v, "must name one interface per entry");
    return asConfigError(key, () => parseInterfaces(values.join(",")));
}

/** routes: each entry one `CIDR NEXTHOP` or `CIDR dev IFACE`, dev in `interfaces`, no prefix twice. */
export function parseRouteEntries(key: string, values: string[], interfaces: readonly string[]): Route[] {
    for (const v of values) {
        if (v.includes(",")) throw new ConfigError(key, v, "must be one route per entry");
        asConfigError(key, () => parseRoutes(v, interfaces));
    }
    return values.length === 0 ? [] : asConfigError(key, () => parseRoutes(values.join(","), interfaces));
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Docker's rule for network names (and IDs are hex, which it admits). */
const DOCKER_NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

/** lbNetworks: Docker network names or IDs, each once. */
export function parseNetworkNames(key: string, values: string[]): string[] {
    for (const v of values) if (!DOCKER_NETWORK_NAME.test(v)) throw new ConfigError(key, v, "is not a Docker network name or ID");
    const twice = values.find((v, i) => values.indexOf(v) !== i);
    if (twice) throw new ConfigError(key, twice, "is listed twice");
    return values;
}

export function readServiceChainConfig(r: ConfigReader): ServiceChainConfig {
    const routerNamespace = r.string("routerNamespace", "vnf-router");
    if (!DNS_LABEL.test(routerNamespace)) throw new ConfigError(r.name("routerNamespace"), routerNamespace, "is not a valid Kubernetes namespace name");
    const routerInterfaces = parseRouterInterfaces(r.name("routerInterfaces"), r.list("routerInterfaces", [...ROUTER_INTERFACES]));
    const routerApacheInterface = r.string("routerApacheInterface", ROUTER_APACHE_LEG);
    if (!routerInterfaces.includes(routerApacheInterface)) {
        throw new ConfigError(r.name("routerApacheInterface"), routerApacheInterface, `is not one of hybrid-vnf:routerInterfaces (${routerInterfaces.join(", ")})`);
    }
    // Validated here so a bad route is a plan-time error naming the key and the entry.
    const extraRoutes = r.list("routes");
    parseRouteEntries(r.name("routes"), extraRoutes, routerInterfaces);
    return {
        k8sStack: r.stackName("k8sStack"),
        swarmStack: r.stackName("swarmStack"),
        routerImage: parseImageRef(r.name("routerImage"), r.string("routerImage", "hybrid-vnf/router:0.1.0")),
        lbImage: parseImageRef(r.name("lbImage"), r.string("lbImage", "hybrid-vnf/nginx-lb:0.1.0")),
        leastPrivilege: r.bool("leastPrivilege", false),
        // Checked by QuaggaRouter at plan time (without echoing it).
        routerVtyPassword: r.optionalSecret("routerVtyPassword"),
        routerApacheInterface,
        routerInterfaces,
        extraRoutes,
        routerNamespace,
        backendPort: r.int("backendPort", 80, 1, 65535),
        lbReplicas: r.int("lbReplicas", 2, 1, 20),
        lbPublishMode: r.oneOf("lbPublishMode", ["ingress", "host"] as const, "ingress"),
        lbNetworks: parseNetworkNames(r.name("lbNetworks"), r.list("lbNetworks")),
        sshPrivateKey: r.optionalSecret("sshPrivateKey"),
    };
}
