// The host side of BGP routing: the FRR config of a host that peers with the router VNFs (a
// swarm host over its cluster-network leg, an Apache VM over the Apache network). Pure: typed
// input in, the text of /etc/frr/frr.conf and /etc/frr/daemons out. The VM stacks write them
// with cloud-init; the lab writes the same text into its swarm host and Apache backends.
//
// What a host does: eBGP to every router (ROUTERS peer-group, remote-as the routers' AS), BFD
// on every session (the typed timers), ECMP over the routers (`maximum-paths`), import only the
// prefixes it expects, announce nothing. The routers listen for hosts (dynamic neighbours), so
// the hosts open the sessions; a short connect timer re-opens one soon after a router is back.
import { isCidr, isIpv4 } from "./net";
import { wholeNumberProblem } from "./numbers";
import {
    BFD_INTERVAL_MS,
    BFD_MULTIPLIER,
    BfdTimers,
    BgpRouting,
    bfdDetectionMs,
    bgpPasswordProblem,
    isPrivateAsn,
    ROUTER_COUNT,
} from "./routing";

// Re-exported: the renderer checks passwords by the rule the config reader applies.
export { bgpPasswordProblem } from "./routing";

/** Debian 12's FRR at the version the images and tests use; apt installs exactly this, then it is held. */
export const DEBIAN_FRR_PACKAGE = "frr";
export const DEBIAN_FRR_VERSION = "8.4.4-1.1~deb12u2";

export const FRR_CONF_PATH = "/etc/frr/frr.conf";
export const FRR_DAEMONS_PATH = "/etc/frr/daemons";

/**
 * Kernel settings of a host with ECMP routes over the routers: hash multipath routes on the
 * 5-tuple (policy 1). Linux's default (0) hashes on the addresses only, so all of the LB's flows
 * to one backend would ride one router and the other routers none.
 */
export const MULTIPATH_HASH_POLICY = "net.ipv4.fib_multipath_hash_policy";
export const HOST_ECMP_SYSCTLS: Readonly<Record<string, string>> = { [MULTIPATH_HASH_POLICY]: "1" };

/** Names in the rendered config; the lab and tests look for them in `show` output. */
export const HOST_PEER_GROUP = "ROUTERS";
export const HOST_BFD_PROFILE = "ROUTERS";
export const HOST_IMPORT_LIST = "FROM-ROUTERS";
export const HOST_ROUTE_MAP_IN = "ROUTERS-IN";
export const HOST_ROUTE_MAP_OUT = "ROUTERS-OUT";

/** BGP keepalive/hold (s): BFD detects failures; these only bound a silent peer without BFD. */
export const HOST_BGP_TIMERS = { keepalive: 3, hold: 9 } as const;
/** Seconds between the host's attempts to (re)open a session: how soon a returning router is re-added. */
export const HOST_CONNECT_RETRY_S = 2;

export interface HostFrrInput {
    hostname: string;
    /** The typed BGP model (ASNs and BFD timers) from the k8s-cluster stack's `routing` output. */
    routing: BgpRouting;
    /** The routers' addresses on this host's network: one session per router. */
    routerAddresses: readonly string[];
    /** The only prefixes accepted from the routers (exact match), e.g. the Apache network. */
    importPrefixes: readonly string[];
    /** TCP-MD5 on every session; absent or "" for none. Makes the rendered text secret. */
    password?: string;
    /** The host's own address on the peering network, as BGP router-id (unique in the logs). */
    routerId?: string;
}

const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Throws on input the renderer would write into a broken or unsafe config. */
export function checkHostFrrInput(i: HostFrrInput): void {
    const fail = (what: string) => {
        throw new Error(`host FRR config: ${what}`);
    };
    if (!HOSTNAME.test(i.hostname)) fail(`hostname ${JSON.stringify(i.hostname)} is not a hostname`);
    for (const [name, asn] of [
        ["routerAsn", i.routing.routerAsn],
        ["hostAsn", i.routing.hostAsn],
    ] as const) {
        if (!isPrivateAsn(asn)) fail(`${name} ${asn} is not a private AS number`);
    }
    if (i.routing.routerAsn === i.routing.hostAsn)
        fail(`routerAsn and hostAsn are both ${i.routing.hostAsn}; the sessions are eBGP`);
    const { intervalMs, multiplier } = i.routing.bfd;
    const intervalProblem = wholeNumberProblem(intervalMs, BFD_INTERVAL_MS.min, BFD_INTERVAL_MS.max);
    if (intervalProblem) fail(`BFD interval ${intervalMs} ms ${intervalProblem}`);
    const multiplierProblem = wholeNumberProblem(multiplier, BFD_MULTIPLIER.min, BFD_MULTIPLIER.max);
    if (multiplierProblem) fail(`BFD multiplier ${multiplier} ${multiplierProblem}`);
    const n = i.routerAddresses.length;
    if (n < ROUTER_COUNT.min || n > ROUTER_COUNT.max)
        fail(`${n} router addresses; ${ROUTER_COUNT.min}-${ROUTER_COUNT.max} expected`);
    for (const a of i.routerAddresses)
        if (!isIpv4(a)) fail(`router address ${JSON.stringify(a)} is not an IPv4 address`);
    if (new Set(i.routerAddresses).size !== i.routerAddresses.length)
        fail(`router addresses ${i.routerAddresses.join(", ")} list one twice`);
    if (i.importPrefixes.length < 1) fail("no prefix to import");
    for (const p of i.importPrefixes) if (!isCidr(p)) fail(`import prefix ${JSON.stringify(p)} is not a CIDR`);
    if (i.routerId !== undefined && !isIpv4(i.routerId))
        fail(`router-id ${JSON.stringify(i.routerId)} is not an IPv4 address`);
    if (i.password) {
        const problem = bgpPasswordProblem(i.password);
        if (problem) fail(`the BGP password ${problem}`);
    }
}

/** FRR's `bfd` block with one profile of the typed timers (the routers' and the hosts' configs share it). */
export function bfdProfileLines(profile: string, t: BfdTimers): string[] {
    return [
        "bfd",
        ` profile ${profile}`,
        `  detect-multiplier ${t.multiplier}`,
        `  receive-interval ${t.intervalMs}`,
        `  transmit-interval ${t.intervalMs}`,
        " exit",
        " !",
        "exit",
        "!",
    ];
}

/**
 * /etc/frr/frr.conf of a host. Accepted by `vtysh -C` (tests/lib/frr-host.test.ts). Policy both
 * ways, as FRR 8's `bgp ebgp-requires-policy` wants: in, exactly `importPrefixes`; out, nothing.
 */
export function renderHostFrrConfig(i: HostFrrInput): string {
    checkHostFrrInput(i);
    const { routing } = i;
    const g = HOST_PEER_GROUP;
    const lines = [
        "frr version 8.4",
        "frr defaults traditional",
        `hostname ${i.hostname}`,
        "log syslog informational",
        "service integrated-vtysh-config",
        "!",
        ...i.importPrefixes.map((p, n) => `ip prefix-list ${HOST_IMPORT_LIST} seq ${(n + 1) * 5} permit ${p}`),
        "!",
        `route-map ${HOST_ROUTE_MAP_IN} permit 10`,
        ` match ip address prefix-list ${HOST_IMPORT_LIST}`,
        "exit",
        "!",
        // A host announces nothing: its own networks reach the routers as connected routes.
        `route-map ${HOST_ROUTE_MAP_OUT} deny 10`,
        "exit",
        "!",
        ...bfdProfileLines(HOST_BFD_PROFILE, routing.bfd),
        `router bgp ${routing.hostAsn}`,
        ...(i.routerId ? [` bgp router-id ${i.routerId}`] : []),
        ` timers bgp ${HOST_BGP_TIMERS.keepalive} ${HOST_BGP_TIMERS.hold}`,
        ` neighbor ${g} peer-group`,
        ` neighbor ${g} remote-as ${routing.routerAsn}`,
        ` neighbor ${g} bfd`,
        ` neighbor ${g} bfd profile ${HOST_BFD_PROFILE}`,
        ` neighbor ${g} timers connect ${HOST_CONNECT_RETRY_S}`,
        ...(i.password ? [` neighbor ${g} password ${i.password}`] : []),
        ...i.routerAddresses.map((a) => ` neighbor ${a} peer-group ${g}`),
        " !",
        " address-family ipv4 unicast",
        // One path per router: the routers share one AS, so their paths tie and all are used (ECMP).
        `  maximum-paths ${i.routerAddresses.length}`,
        `  neighbor ${g} route-map ${HOST_ROUTE_MAP_IN} in`,
        `  neighbor ${g} route-map ${HOST_ROUTE_MAP_OUT} out`,
        " exit-address-family",
        "exit",
        "!",
        "",
    ];
    return lines.join("\n");
}

/** /etc/frr/daemons: bgpd and bfdd besides zebra, mgmt and staticd (which watchfrr always starts). */
export function renderHostFrrDaemons(): string {
    return [
        "# hybrid-vnf: BGP with BFD to the router VNFs; every other protocol daemon off.",
        "bgpd=yes",
        "ospfd=no",
        "ospf6d=no",
        "ripd=no",
        "ripngd=no",
        "isisd=no",
        "pimd=no",
        "ldpd=no",
        "nhrpd=no",
        "eigrpd=no",
        "babeld=no",
        "sharpd=no",
        "pbrd=no",
        "bfdd=yes",
        "fabricd=no",
        "vrrpd=no",
        "pathd=no",
        "vtysh_enable=yes",
        // Management sockets on loopback only: nothing outside the host talks to the daemons.
        'zebra_options="  -A 127.0.0.1 -s 90000000"',
        'bgpd_options="   -A 127.0.0.1"',
        'staticd_options="-A 127.0.0.1"',
        'bfdd_options="   -A 127.0.0.1"',
        "",
    ].join("\n");
}

/** Milliseconds a host takes to drop a dead router's next hop (BFD detection). */
export function hostWithdrawalMs(routing: BgpRouting): number {
    return bfdDetectionMs(routing.bfd);
}
