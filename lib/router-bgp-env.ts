// The router's bgp mode in its env (ROUTING=bgp): dynamic eBGP neighbours with BFD. The keys, the
// typed model QuaggaRouter builds (RouterBgp), its env form and the checks of both. The ranges
// are the routing model's (lib/routing.ts), so the config keys and the env agree. The image's
// twin is vnf_parse_routing in images/lib/vnf-env.sh, whose key list and ranges are generated
// from here (images/lib/vnf-facts.sh).
import { cidrProblem } from "./net";
import { BFD_INTERVAL_MS, BFD_MULTIPLIER, BfdTimers, DEFAULT_BFD, isPrivateAsn } from "./routing";
import { VnfConfigError, splitList } from "./vnf-env-syntax";
import { parseBgpPassword, VTY_PASSWORD_ENTRY } from "./vnf-passwords";

/** Hosts that peer from one network: `bgp listen range <listenRange> peer-group <name>`; gets only `announce`. */
export interface BgpPeerGroup {
    name: string;
    listenRange: string;
    announce: string[];
}

export interface RouterBgp {
    /** The router's AS (`router bgp`). */
    asn: number;
    /** The AS every dynamic neighbour must have (`remote-as`), not the router's (eBGP). */
    peerAsn: number;
    groups: BgpPeerGroup[];
    bfd: BfdTimers;
    /** TCP-MD5 password of every session; a secret. */
    password?: string;
}

/** The bgp mode's keys besides ROUTING, in the order they are checked. */
export const ROUTER_BGP_ENV_KEYS = [
    "BGP_ASN",
    "BGP_PEER_ASN",
    "BGP_LISTEN_RANGES",
    "BGP_ANNOUNCE",
    "BFD_INTERVAL_MS",
    "BFD_MULTIPLIER",
    "BGP_PASSWORD",
] as const;
export type RouterBgpEnvKey = "ROUTING" | (typeof ROUTER_BGP_ENV_KEYS)[number];
/** The keys formatRouterBgpEnv writes: ROUTING and every bgp key but the password (a Secret's). */
export type RouterBgpPlainEnvKey = Exclude<RouterBgpEnvKey, "BGP_PASSWORD">;
export const ROUTER_BGP_PLAIN_ENV_KEYS: readonly RouterBgpPlainEnvKey[] = [
    "ROUTING",
    ...ROUTER_BGP_ENV_KEYS.filter((k): k is Exclude<typeof k, "BGP_PASSWORD"> => k !== "BGP_PASSWORD"),
];

const GROUP_NAME = /^[A-Z][A-Z0-9]{0,15}$/;
const GROUP_NAME_RULE = "peer group name must be 1-16 upper-case letters and digits, starting with a letter";
const EBGP_RULE = "must differ from BGP_ASN (eBGP between the router and its peers)";
const PRIVATE_ASN_RULE = "is not a private AS number (RFC 6996: 64512-65534 or 4200000000-4294967294)";
/** The widest numbers the env's decimal forms can carry: an AS of 10 digits, a timer of 6. */
const ASN_DIGITS_MAX = 9_999_999_999;
const TIMER_DIGITS_MAX = 999_999;

function asnProblem(n: number): string | undefined {
    if (!Number.isInteger(n) || n < 1 || n > ASN_DIGITS_MAX) return "is not a decimal AS number";
    return isPrivateAsn(n) ? undefined : PRIVATE_ASN_RULE;
}

function timerProblem(n: number, { min, max }: { min: number; max: number }): string | undefined {
    if (!Number.isInteger(n) || n < 1 || n > TIMER_DIGITS_MAX) return `is not a decimal number ${min}-${max}`;
    return n < min || n > max ? `is out of range ${min}-${max}` : undefined;
}

/** Why `NAME=CIDR` is not a peer group entry, or undefined. */
function groupProblem(name: string, cidr: string): string | undefined {
    return GROUP_NAME.test(name) ? cidrProblem(cidr) : GROUP_NAME_RULE;
}

/**
 * A typed RouterBgp checked by the env's rules (the component's inputs, before any object is
 * sent): the verdicts and messages, in the order, that parsing its env would give, without
 * writing it out. Returns it unchanged. Stricter only where the env cannot carry a value: a name
 * or prefix with ',' or '=' in it, or blanks at its ends, is refused here as it is.
 */
export function checkRouterBgp(bgp: RouterBgp): RouterBgp {
    for (const [key, n] of [
        ["BGP_ASN", bgp.asn],
        ["BGP_PEER_ASN", bgp.peerAsn],
    ] as const) {
        const bad = asnProblem(n);
        if (bad) throw new VnfConfigError(key, String(n), bad);
    }
    if (bgp.peerAsn === bgp.asn) {
        throw new VnfConfigError("BGP_PEER_ASN", String(bgp.peerAsn), EBGP_RULE);
    }
    if (bgp.groups.length === 0) throw new VnfConfigError("BGP_LISTEN_RANGES", "", "the list is empty");
    bgp.groups.forEach((g, i) => {
        const fail = (reason: string) => new VnfConfigError("BGP_LISTEN_RANGES", `${g.name}=${g.listenRange}`, reason);
        const bad = groupProblem(g.name, g.listenRange);
        if (bad) throw fail(bad);
        const before = bgp.groups.slice(0, i);
        if (before.some((o) => o.name === g.name)) throw fail(`duplicate peer group ${g.name}`);
        if (before.some((o) => o.listenRange === g.listenRange)) throw fail(`duplicate listen range ${g.listenRange}`);
    });
    if (bgp.groups.every((g) => g.announce.length === 0))
        throw new VnfConfigError("BGP_ANNOUNCE", "", "the list is empty");
    for (const g of bgp.groups) {
        g.announce.forEach((prefix, i) => {
            const fail = (reason: string) => new VnfConfigError("BGP_ANNOUNCE", `${g.name}=${prefix}`, reason);
            const bad = cidrProblem(prefix);
            if (bad) throw fail(bad);
            if (g.announce.indexOf(prefix) < i) throw fail(`duplicate announcement of ${prefix} to ${g.name}`);
        });
    }
    for (const [key, n, range] of [
        ["BFD_INTERVAL_MS", bgp.bfd.intervalMs, BFD_INTERVAL_MS],
        ["BFD_MULTIPLIER", bgp.bfd.multiplier, BFD_MULTIPLIER],
    ] as const) {
        const bad = timerProblem(n, range);
        if (bad) throw new VnfConfigError(key, String(n), bad);
    }
    if (bgp.password !== undefined) parseBgpPassword(bgp.password);
    return bgp;
}

/** `GROUP=CIDR` to its parts, or the error of `key`. */
function groupEntry(key: "BGP_LISTEN_RANGES" | "BGP_ANNOUNCE", entry: string): [string, string] {
    const eq = entry.indexOf("=");
    if (eq < 0) throw new VnfConfigError(key, entry, 'expected "GROUP=CIDR"');
    const [name, cidr] = [entry.slice(0, eq), entry.slice(eq + 1)];
    const bad = groupProblem(name, cidr);
    if (bad) throw new VnfConfigError(key, entry, bad);
    return [name, cidr];
}

/**
 * The bgp mode's keys. ROUTING unset or `static`: none of them may be set. ROUTING=bgp:
 * BGP_ASN and BGP_PEER_ASN private and different; BGP_LISTEN_RANGES `GROUP=CIDR,...` (one
 * range per group, no group or range twice); BGP_ANNOUNCE `GROUP=CIDR,...` (listed groups, no
 * entry twice); BFD_INTERVAL_MS and BFD_MULTIPLIER optional (lib/routing.ts ranges);
 * BGP_PASSWORD optional, a secret. Checked in that order.
 */
export function parseRouterBgpEnv(env: Readonly<Record<string, string | undefined>>): RouterBgp | undefined {
    const routing = env.ROUTING ?? "static";
    if (routing !== "static" && routing !== "bgp")
        throw new VnfConfigError("ROUTING", routing, "must be static or bgp");
    if (routing === "static") {
        for (const key of ROUTER_BGP_ENV_KEYS) {
            const v = env[key];
            if (v === undefined) continue;
            throw new VnfConfigError(
                key,
                key === "BGP_PASSWORD" ? VTY_PASSWORD_ENTRY : v,
                "only read with ROUTING=bgp",
            );
        }
        return undefined;
    }
    const asn = (key: "BGP_ASN" | "BGP_PEER_ASN"): number => {
        const s = env[key] ?? "";
        const bad =
            s === ""
                ? "is required with ROUTING=bgp"
                : /^[1-9][0-9]{0,9}$/.test(s)
                  ? asnProblem(Number(s))
                  : "is not a decimal AS number";
        if (bad) throw new VnfConfigError(key, s, bad);
        return Number(s);
    };
    const routerAsn = asn("BGP_ASN");
    const peerAsn = asn("BGP_PEER_ASN");
    if (peerAsn === routerAsn) {
        throw new VnfConfigError("BGP_PEER_ASN", String(peerAsn), EBGP_RULE);
    }
    const groups: BgpPeerGroup[] = [];
    for (const entry of splitList("BGP_LISTEN_RANGES", env.BGP_LISTEN_RANGES ?? "")) {
        const [name, listenRange] = groupEntry("BGP_LISTEN_RANGES", entry);
        const fail = (reason: string) => new VnfConfigError("BGP_LISTEN_RANGES", entry, reason);
        if (groups.some((g) => g.name === name)) throw fail(`duplicate peer group ${name}`);
        if (groups.some((g) => g.listenRange === listenRange)) throw fail(`duplicate listen range ${listenRange}`);
        groups.push({ name, listenRange, announce: [] });
    }
    for (const entry of splitList("BGP_ANNOUNCE", env.BGP_ANNOUNCE ?? "")) {
        const [name, prefix] = groupEntry("BGP_ANNOUNCE", entry);
        const group = groups.find((g) => g.name === name);
        const names = groups.map((g) => g.name).join(",");
        if (!group)
            throw new VnfConfigError(
                "BGP_ANNOUNCE",
                entry,
                `peer group ${name} is not in BGP_LISTEN_RANGES (${names})`,
            );
        if (group.announce.includes(prefix)) {
            throw new VnfConfigError("BGP_ANNOUNCE", entry, `duplicate announcement of ${prefix} to ${name}`);
        }
        group.announce.push(prefix);
    }
    const timer = (
        key: "BFD_INTERVAL_MS" | "BFD_MULTIPLIER",
        range: typeof BFD_INTERVAL_MS | typeof BFD_MULTIPLIER,
        dflt: number,
    ) => {
        const s = env[key];
        if (s === undefined) return dflt;
        const bad = /^[1-9][0-9]{0,5}$/.test(s)
            ? timerProblem(Number(s), range)
            : `is not a decimal number ${range.min}-${range.max}`;
        if (bad) throw new VnfConfigError(key, s, bad);
        return Number(s);
    };
    const bfd = {
        intervalMs: timer("BFD_INTERVAL_MS", BFD_INTERVAL_MS, DEFAULT_BFD.intervalMs),
        multiplier: timer("BFD_MULTIPLIER", BFD_MULTIPLIER, DEFAULT_BFD.multiplier),
    };
    const password = env.BGP_PASSWORD === undefined ? undefined : parseBgpPassword(env.BGP_PASSWORD);
    return { asn: routerAsn, peerAsn, groups, bfd, ...(password === undefined ? {} : { password }) };
}

/** The bgp mode's env without the password (which goes through a Secret): ROUTING=bgp and the BGP_ and BFD_ keys. */
export function formatRouterBgpEnv(bgp: RouterBgp): Record<RouterBgpPlainEnvKey, string> {
    return {
        ROUTING: "bgp",
        BGP_ASN: String(bgp.asn),
        BGP_PEER_ASN: String(bgp.peerAsn),
        BGP_LISTEN_RANGES: bgp.groups.map((g) => `${g.name}=${g.listenRange}`).join(","),
        BGP_ANNOUNCE: bgp.groups.flatMap((g) => g.announce.map((p) => `${g.name}=${p}`)).join(","),
        BFD_INTERVAL_MS: String(bgp.bfd.intervalMs),
        BFD_MULTIPLIER: String(bgp.bfd.multiplier),
    };
}
