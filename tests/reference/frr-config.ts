// The reference twin of images/router/start.sh's frr.conf. Only the tests use it
// (tests/images.test.ts and tests/vnf-config*.test.ts hold the script to it and to
// `vtysh -C`), so it lives with them rather than in lib/.
import { Route, VnfConfigError, VTY_PASSWORD_PLACEHOLDER, parseVtyPassword } from "../../lib/vnf-config";
import { hostProblem } from "../../lib/net";

/**
 * A full frr.conf (integrated config) for zebra/staticd. With `vtyPassword`, `line vty` gets
 * ` password VTY_PASSWORD_PLACEHOLDER` (what `--render-only` prints); only
 * `revealVtyPassword: true` renders the password itself (the file the image writes).
 */
export function renderFrrConfig(o: {
    hostname: string;
    interfaces: readonly string[];
    routes: readonly Route[];
    vtyPassword?: string;
    revealVtyPassword?: boolean;
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
