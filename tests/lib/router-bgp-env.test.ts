// checkRouterBgp checks the typed model directly; its verdicts and messages must stay those of
// writing the model out as env and parsing it back (what it did before). The round trip is kept
// here as the oracle, over the vectors' bgp envs that have a typed form and over edge models.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    ROUTER_BGP_ENV_KEYS,
    ROUTER_BGP_PLAIN_ENV_KEYS,
    RouterBgp,
    checkRouterBgp,
    formatRouterBgpEnv,
    parseRouterBgpEnv,
} from "../../lib/router-bgp-env";
import { DEFAULT_BFD } from "../../lib/routing";
import type { RouterVector } from "./vnf-config.test";

type Env = Record<string, string>;
type Outcome = { accepted: true } | { message: string; key: string; entry: string };

const vectors: { router: RouterVector[] } = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "vectors", "vnf-env.json"), "utf8"),
);

function outcome(fn: () => unknown): Outcome {
    try {
        fn();
        return { accepted: true };
    } catch (e) {
        const { message, key, entry } = e as { message: string; key: string; entry: string };
        return { message, key, entry };
    }
}

const envOf = (b: RouterBgp): Env => ({
    ...formatRouterBgpEnv(b),
    ...(b.password === undefined ? {} : { BGP_PASSWORD: b.password }),
});
/** The old checkRouterBgp: format the model as env and parse it back. */
const viaEnv = (b: RouterBgp) => parseRouterBgpEnv(envOf(b));

/** The model a bgp env holds, unchecked, when writing it back gives the same env (BFD defaults filled in). */
function typedFormOf(env: Env): RouterBgp | undefined {
    if (env.ROUTING !== "bgp") return undefined;
    const group = (e: string) => ({ name: e.slice(0, e.indexOf("=")), cidr: e.slice(e.indexOf("=") + 1) });
    const groups = (env.BGP_LISTEN_RANGES ?? "")
        .split(",")
        .map(group)
        .map((g) => ({ name: g.name, listenRange: g.cidr, announce: [] as string[] }));
    for (const a of (env.BGP_ANNOUNCE ?? "").split(",").map(group)) {
        const g = groups.find((x) => x.name === a.name);
        if (!g) return undefined;
        g.announce.push(a.cidr);
    }
    const bfd = {
        intervalMs: Number(env.BFD_INTERVAL_MS ?? DEFAULT_BFD.intervalMs),
        multiplier: Number(env.BFD_MULTIPLIER ?? DEFAULT_BFD.multiplier),
    };
    const b: RouterBgp = {
        asn: Number(env.BGP_ASN),
        peerAsn: Number(env.BGP_PEER_ASN),
        groups,
        bfd,
        ...(env.BGP_PASSWORD === undefined ? {} : { password: env.BGP_PASSWORD }),
    };
    const held = Object.fromEntries(
        Object.entries(env).filter(([k]) => k === "ROUTING" || (ROUTER_BGP_ENV_KEYS as readonly string[]).includes(k)),
    );
    const want = {
        BFD_INTERVAL_MS: String(DEFAULT_BFD.intervalMs),
        BFD_MULTIPLIER: String(DEFAULT_BFD.multiplier),
        ...held,
    };
    try {
        assert.deepStrictEqual(envOf(b), want);
        return b;
    } catch {
        return undefined;
    }
}

const BASE: RouterBgp = {
    asn: 64512,
    peerAsn: 64513,
    bfd: { intervalMs: 300, multiplier: 3 },
    groups: [
        { name: "SWARM", listenRange: "10.100.101.0/24", announce: ["10.100.102.0/24"] },
        { name: "APACHE", listenRange: "10.100.102.0/24", announce: ["10.100.101.0/24"] },
    ],
};
const [SWARM, APACHE] = BASE.groups;
const NUMBERS = [
    0,
    -1,
    1,
    1.5,
    NaN,
    Infinity,
    9,
    10,
    255,
    256,
    60000,
    60001,
    999999,
    1000000,
    64511,
    64512,
    65534,
    65535,
];
const ASNS = [...NUMBERS, 4199999999, 4200000000, 4294967294, 4294967295, 9999999999, 10000000000, 1e21];

/** Models at every rule's edges, each representable as env (no ',' or '=' in a name or prefix). */
const EDGE_MODELS: RouterBgp[] = [
    BASE,
    ...ASNS.flatMap((n) => [
        { ...BASE, asn: n },
        { ...BASE, peerAsn: n },
    ]),
    ...NUMBERS.flatMap((n) => [
        { ...BASE, bfd: { ...BASE.bfd, intervalMs: n } },
        { ...BASE, bfd: { ...BASE.bfd, multiplier: n } },
    ]),
    { ...BASE, groups: [] },
    { ...BASE, asn: 1, groups: [] },
    {
        ...BASE,
        groups: [
            { ...SWARM, announce: [] },
            { ...APACHE, announce: [] },
        ],
    },
    { ...BASE, asn: 7, groups: [{ ...SWARM, announce: [] }] },
    {
        ...BASE,
        groups: [
            { ...SWARM, listenRange: "10.100.101.0/33" },
            { ...APACHE, name: "bad" },
        ],
    },
    ...["swarm", "S", "A234567890123456", "A2345678901234567", "1A", "ÉA", ""].map((name) => ({
        ...BASE,
        groups: [{ ...SWARM, name }],
    })),
    ...["10.100.101.1/24", "10.100.101.0/33", "x", "10.100.101.0"].map((listenRange) => ({
        ...BASE,
        groups: [{ ...SWARM, listenRange }],
    })),
    { ...BASE, groups: [SWARM, { ...APACHE, name: "SWARM" }] },
    { ...BASE, groups: [SWARM, { ...APACHE, listenRange: SWARM.listenRange }] },
    { ...BASE, groups: [{ ...SWARM, announce: ["10.100.102.1/24"] }, APACHE] },
    { ...BASE, groups: [{ ...SWARM, announce: ["10.100.102.0/24", "10.100.102.0/24"] }, APACHE] },
    { ...BASE, groups: [{ ...SWARM, announce: ["10.100.102.0/24", "10.100.101.0/24"] }, APACHE] },
    { ...BASE, groups: [SWARM, { ...APACHE, announce: [] }], bfd: { intervalMs: 5, multiplier: 1 } },
    ...["", "a b", "#pw", "p".repeat(80), "p".repeat(81), "Md5-pw", "pw\n"].map((password) => ({ ...BASE, password })),
    { ...BASE, bfd: { intervalMs: 5, multiplier: 3 }, password: "" },
];

describe("lib/router-bgp-env.ts", () => {
    it("checkRouterBgp gives the env round trip's verdict and message for every vector with a typed form", () => {
        let compared = 0;
        for (const v of vectors.router) {
            const b = typedFormOf(v.env);
            if (!b) continue;
            assert.deepStrictEqual(
                outcome(() => checkRouterBgp(b)),
                outcome(() => viaEnv(b)),
                v.name,
            );
            compared++;
        }
        assert.ok(compared >= 10, `only ${compared} vectors have a typed form`);
    });

    it("checkRouterBgp gives the env round trip's verdict and message on models at every rule's edges", () => {
        const verdicts = new Set<string>();
        for (const b of EDGE_MODELS) {
            const got = outcome(() => checkRouterBgp(b));
            assert.deepStrictEqual(
                got,
                outcome(() => viaEnv(b)),
                JSON.stringify(b),
            );
            verdicts.add("key" in got ? `${got.key}: ${got.message.replace(/^.*": /, "")}` : "accepted");
        }
        // The edges reach every key and most reasons, so an agreement here means something.
        assert.ok(verdicts.size >= 20, [...verdicts].join("\n"));
    });

    it("checkRouterBgp returns the model itself, and refuses only where the env could not carry a value", () => {
        assert.strictEqual(checkRouterBgp(BASE), BASE);
        const comma = { ...BASE, groups: [{ ...SWARM, name: "A,B" }] };
        assert.throws(() => checkRouterBgp(comma), {
            message: /^BGP_LISTEN_RANGES entry "A,B=10.100.101.0\/24": peer group name/,
        });
        const blank = { ...BASE, groups: [{ ...SWARM, listenRange: "10.100.101.0/24 " }] };
        assert.throws(() => checkRouterBgp(blank), /BGP_LISTEN_RANGES/);
        assert.doesNotThrow(() => viaEnv(blank), "the env trims the blank away, so the round trip let it through");
    });

    it("the plain env keys are ROUTING and the bgp keys but the password, in the order formatRouterBgpEnv writes them", () => {
        assert.deepStrictEqual([...ROUTER_BGP_PLAIN_ENV_KEYS], Object.keys(formatRouterBgpEnv(BASE)));
        assert.deepStrictEqual(
            [...ROUTER_BGP_PLAIN_ENV_KEYS, "BGP_PASSWORD"],
            ["ROUTING", ...ROUTER_BGP_ENV_KEYS.filter((k) => k !== "BGP_PASSWORD"), "BGP_PASSWORD"],
        );
    });
});
