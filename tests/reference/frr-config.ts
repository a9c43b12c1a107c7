// The router's frr.conf, the TypeScript twin of images/router/frr-config.sh (which the image's
// start.sh sources). Only the tests use it: tests/images/ hold the shell renderer to it, and
// tests/lib/vnf-config*.test.ts hold both to the vectors and to `vtysh -C`. So it lives with the
// tests, not in lib/, and the shell file stays in the image's build context; the shared name is
// what pairs them. The BFD block is lib/frr-host.ts's, which the hosts' configs use too.
import { Route } from "../../lib/router-env";
import { RouterBgp, checkRouterBgp } from "../../lib/router-bgp-env";
import { VnfConfigError } from "../../lib/vnf-env-syntax";
import { VTY_PASSWORD_PLACEHOLDER, parseVtyPassword } from "../../lib/vnf-passwords";
import { bfdProfileLines } from "../../lib/frr-host";
import { hostProblem } from "../../lib/net";

/**
 * A full frr.conf (integrated config) for zebra/staticd, and with `bgp` for bgpd/bfdd too.
 * With `vtyPassword`, `line vty` gets ` password VTY_PASSWORD_PLACEHOLDER` (what `--render-only`
 * prints); only `revealVtyPassword: true` renders the password itself (the file the image
 * writes). The BGP password likewise, with `revealBgpPassword`.
 */
export function renderFrrConfig(o: {
    hostname: string;
    interfaces: readonly string[];
    routes: readonly Route[];
    vtyPassword?: string;
    revealVtyPassword?: boolean;
    bgp?: RouterBgp;
    revealBgpPassword?: boolean;
}): string {
    const badHost = hostProblem(o.hostname);
    if (badHost) throw new VnfConfigError("hostname", o.hostname, badHost);
    const password = o.vtyPassword === undefined ? undefined : parseVtyPassword(o.vtyPassword);
    const lines = [
        "frr defaults traditional",
        `hostname ${o.hostname}`,
        "log stdout",
        "service integrated-vtysh-config",
        "!",
        "ip forwarding",
        "!",
        ...o.interfaces.flatMap((i) => [`interface ${i}`, "exit", "!"]),
        ...renderRouteLines(o.routes),
        "!",
        ...(o.bgp ? renderBgpLines(checkRouterBgp(o.bgp), o.revealBgpPassword ?? false) : []),
        "line vty",
        ...(password === undefined ? [] : [` password ${o.revealVtyPassword ? password : VTY_PASSWORD_PLACEHOLDER}`]),
        "!",
    ];
    return lines.join("\n") + "\n";
}

/** `interface IFACE` lines of frr.conf (the image's start.sh writes the same). */
export function renderInterfaceLines(interfaces: readonly string[]): string[] {
    return interfaces.map((i) => `interface ${i}`);
}

/** `ip route PREFIX NEXTHOP|IFACE` lines of frr.conf (the image's start.sh writes the same). */
export function renderRouteLines(routes: readonly Route[]): string[] {
    return routes.map((r) => `ip route ${r.prefix} ${r.via.kind === "dev" ? r.via.iface : r.via.address}`);
}

/** The BFD profile every BGP session uses. */
export const BFD_PROFILE = "ROUTERS";

/**
 * frr.conf's bgp mode, each block closed by "!": prefix-lists (in: deny any; out: permit
 * exactly the announced prefixes, then deny any), route-maps over them (FRR 8 drops eBGP routes
 * without a policy: `bgp ebgp-requires-policy` stays on), the BFD profile, and `router bgp`
 * with one peer-group per listen range, `network` for every announced prefix.
 */
export function renderBgpLines(bgp: RouterBgp, revealPassword: boolean): string[] {
    const prefixLists = bgp.groups.flatMap((g) => [
        `ip prefix-list ${g.name}-IN seq 5 deny any`,
        ...g.announce.map((p, i) => `ip prefix-list ${g.name}-OUT seq ${5 * (i + 1)} permit ${p}`),
        `ip prefix-list ${g.name}-OUT seq ${5 * (g.announce.length + 1)} deny any`,
    ]);
    const routeMaps = bgp.groups.flatMap((g) =>
        ["IN", "OUT"].flatMap((dir) => [
            `route-map ${g.name}-${dir} permit 10`,
            ` match ip address prefix-list ${g.name}-${dir}`,
            "exit",
            "!",
        ]),
    );
    const password = bgp.password === undefined ? undefined : revealPassword ? bgp.password : VTY_PASSWORD_PLACEHOLDER;
    const networks = [...new Set(bgp.groups.flatMap((g) => g.announce))];
    return [
        ...prefixLists,
        "!",
        ...routeMaps,
        ...bfdProfileLines(BFD_PROFILE, bgp.bfd),
        `router bgp ${bgp.asn}`,
        ...bgp.groups.flatMap((g) => [
            ` neighbor ${g.name} peer-group`,
            ` neighbor ${g.name} remote-as ${bgp.peerAsn}`,
            ` neighbor ${g.name} bfd`,
            ` neighbor ${g.name} bfd profile ${BFD_PROFILE}`,
            ...(password === undefined ? [] : [` neighbor ${g.name} password ${password}`]),
            ` bgp listen range ${g.listenRange} peer-group ${g.name}`,
        ]),
        " !",
        " address-family ipv4 unicast",
        ...networks.map((p) => `  network ${p}`),
        ...bgp.groups.flatMap((g) => [
            `  neighbor ${g.name} route-map ${g.name}-IN in`,
            `  neighbor ${g.name} route-map ${g.name}-OUT out`,
        ]),
        " exit-address-family",
        "exit",
        "!",
    ];
}
