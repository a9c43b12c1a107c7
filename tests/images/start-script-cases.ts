// The start scripts' cases and oracles, shared by the host-shell tests (no Docker) and the
// container tests: the shared vectors, the TS reference renderers as the oracle for the full
// rendered config and the exact error message, and the extra cases beyond the vectors.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseLbEnv } from "../../lib/lb-env";
import { parseRouterEnv } from "../../lib/router-env";
import { renderFrrConfig } from "../reference/frr-config";
import { renderNginxConfig } from "../reference/nginx-config";
import { readNginxVectors } from "../reference/nginx-vectors";
import type { LbVector, RouterVector } from "../lib/vnf-config.test";
import { assertInOrder } from "../reference/vector-asserts";

// Read the JSON directly: importing the other test file would register its tests twice.
export const vectors: { router: RouterVector[]; lb: LbVector[] } = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "vectors", "vnf-env.json"), "utf8"),
);

export const ROOT = path.join(__dirname, "..", "..");
export const IMAGES = path.join(ROOT, "images");
export const VERSION = fs.readFileSync(path.join(IMAGES, "VERSION"), "utf8").trim();
export const image = (name: string) => `hybrid-vnf/${name}:${VERSION}`;
export const ROUTER_HOSTNAME = "vnf-router"; // pinned so the script's frr.conf can equal renderFrrConfig's
export const PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export type Env = Record<string, string>;
export type Outcome = { status: number | null; stdout: string; stderr: string };
export type Case = { name: string; env: Env; extraEnv?: Env };

export function run(cmd: string, args: string[], opts: { env?: Env; input?: string; timeout?: number } = {}): Outcome {
    const r = spawnSync(cmd, args, {
        encoding: "utf8",
        env: opts.env ?? process.env,
        input: opts.input,
        timeout: opts.timeout ?? 30000,
        maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What the TS module says for this env: the rendered config, or the exact error message. */
export function expectedRouter(env: Env): { conf?: string; error?: string } {
    try {
        // What --render-only prints: the vty password (if any) as the placeholder.
        return { conf: renderFrrConfig({ hostname: ROUTER_HOSTNAME, ...parseRouterEnv(env) }) };
    } catch (e) {
        return { error: (e as Error).message };
    }
}

export function expectedLb(env: Env, listenPort?: number): { conf?: string; error?: string } {
    try {
        return { conf: renderNginxConfig({ ...parseLbEnv(env), listenPort }) };
    } catch (e) {
        return { error: (e as Error).message };
    }
}

/** The script's outcome must be the TS module's: same config text, or same message and a non-zero exit. */
export function assertSameAsTs(got: Outcome, want: { conf?: string; error?: string }, what: string): void {
    if (want.error !== undefined) {
        assert.notStrictEqual(
            got.status,
            0,
            `${what}: exited 0 but TS rejects with ${want.error}\nstdout:\n${got.stdout}`,
        );
        assert.strictEqual(got.stderr.trim(), want.error, `${what}: message differs from the TS module's`);
        assert.strictEqual(got.stdout, "", `${what}: printed a config although it rejects`);
    } else {
        assert.strictEqual(got.status, 0, `${what}: exit ${got.status}, stderr: ${got.stderr}`);
        assert.strictEqual(got.stdout, want.conf, `${what}: rendered config differs from the TS renderer's`);
    }
}

/** The lines between `line vty` and the `!` that closes it (as tests/lib/vnf-config.test.ts vtyBlock). */
export function vtyBlock(conf: string): string[] {
    const lines = conf.split("\n");
    const start = lines.indexOf("line vty");
    return start < 0 ? [] : lines.slice(start + 1, lines.indexOf("!", start));
}

/** The vty and BGP passwords never appear in what the script prints, accepted or rejected. */
export function assertPasswordHidden(env: Env, got: Outcome, what: string): void {
    for (const pw of [env.VTY_PASSWORD?.trim(), env.BGP_PASSWORD?.trim()]) {
        if (!pw || pw.length < 6) continue;
        assert.ok(
            !got.stdout.includes(pw) && !got.stderr.includes(pw),
            `${what}: the password was printed:\n${got.stdout}${got.stderr}`,
        );
    }
}

export function assertVectorRouter(v: RouterVector, got: Outcome, what: string): void {
    assertPasswordHidden(v.env, got, what);
    if (v.rejects) {
        assert.notStrictEqual(got.status, 0, `${what}: should reject`);
        assert.ok(
            got.stderr.includes(v.rejects.key),
            `${what}: stderr ${JSON.stringify(got.stderr)} should name ${v.rejects.key}`,
        );
        assert.ok(
            got.stderr.includes(`"${v.rejects.entry}"`),
            `${what}: stderr ${JSON.stringify(got.stderr)} should quote "${v.rejects.entry}"`,
        );
    } else {
        assert.strictEqual(got.status, 0, `${what}: exit ${got.status}, stderr: ${got.stderr}`);
        const lines = got.stdout.split("\n");
        assert.deepStrictEqual(
            lines.filter((l) => l.startsWith("ip route ")),
            v.routeLines,
            `${what}: route lines`,
        );
        assert.deepStrictEqual(
            lines.filter((l) => l.startsWith("interface ")),
            v.interfaceLines,
            `${what}: interface lines`,
        );
        assert.deepStrictEqual(vtyBlock(got.stdout), v.vtyLines ?? [], `${what}: line vty block`);
        assertInOrder(lines, v.bgpLines ?? [], `${what}: bgp lines`);
    }
    assertSameAsTs(got, expectedRouter(v.env), what);
}

export function assertVectorLb(v: LbVector, got: Outcome, what: string): void {
    if (v.rejects) {
        assert.notStrictEqual(got.status, 0, `${what}: should reject`);
        assert.ok(
            got.stderr.includes(v.rejects.key),
            `${what}: stderr ${JSON.stringify(got.stderr)} should name ${v.rejects.key}`,
        );
        assert.ok(
            got.stderr.includes(`"${v.rejects.entry}"`),
            `${what}: stderr ${JSON.stringify(got.stderr)} should quote "${v.rejects.entry}"`,
        );
    } else {
        assert.strictEqual(got.status, 0, `${what}: exit ${got.status}, stderr: ${got.stderr}`);
        const servers = got.stdout
            .split("\n")
            .filter((l) => /^ +server .* max_fails=/.test(l))
            .map((l) => l.trim());
        assert.deepStrictEqual(servers, v.serverLines, `${what}: server lines`);
        assert.match(got.stdout, /^upstream vnf_backends \{\n/, `${what}: upstream block`);
    }
    assertSameAsTs(got, expectedLb(v.env), what);
}

// Inputs beyond the vectors where a shell port could plausibly drift from the TS module:
// whitespace kinds, globs, leading zeros, boundaries, case, odd tokens. Compared in full.
export const extraRouter: Case[] = [
    { name: "tab between tokens", env: { ROUTES: "10.1.0.0/16\tdev\teth1" } },
    { name: "newline inside an entry is not whitespace", env: { ROUTES: "10.1.0.0/16\n10.0.0.1" } },
    { name: "trailing newline is not trimmed", env: { ROUTES: "10.1.0.0/16 10.0.0.1\n" } },
    {
        name: "glob characters in an interface name",
        env: { INTERFACES: "eth*,e?h[0]", ROUTES: "10.1.0.0/16 dev eth*" },
    },
    { name: "interface . and ..", env: { INTERFACES: "..", ROUTES: "10.1.0.0/16 10.0.0.1" } },
    { name: "interface with tab inside", env: { INTERFACES: "eth\t1", ROUTES: "10.1.0.0/16 10.0.0.1" } },
    { name: "non-ASCII interface name", env: { INTERFACES: "ethé", ROUTES: "10.1.0.0/16 10.0.0.1" } },
    { name: "prefix length 01", env: { ROUTES: "10.0.0.0/01 10.0.0.1" } },
    { name: "prefix length 0 on a non-zero address", env: { ROUTES: "10.0.0.0/0 10.0.0.1" } },
    { name: "prefix length 32 host route and /31", env: { ROUTES: "10.0.0.1/32 10.0.0.2,10.0.0.2/31 10.0.0.9" } },
    { name: "two slashes", env: { ROUTES: "10.0.0.0/8/8 10.0.0.1" } },
    { name: "empty prefix length", env: { ROUTES: "10.0.0.0/ 10.0.0.1" } },
    { name: "next hop 0.0.0.0 and 255.255.255.255", env: { ROUTES: "10.0.0.0/8 0.0.0.0,10.1.0.0/16 255.255.255.255" } },
    { name: "five-octet next hop", env: { ROUTES: "10.0.0.0/8 1.2.3.4.5" } },
    { name: "dev as the only token after the prefix twice", env: { ROUTES: "10.0.0.0/8 dev dev" } },
    { name: "dev with a 16-char interface", env: { ROUTES: "10.0.0.0/8 dev abcdefghijklmnop" } },
    {
        name: "duplicate prefix via different forms",
        env: { INTERFACES: "eth1", ROUTES: "10.1.0.0/16 10.0.0.1,10.1.0.0/16 dev eth1" },
    },
    { name: "INTERFACES only whitespace", env: { INTERFACES: " \t ", ROUTES: "10.1.0.0/16 10.0.0.1" } },
    { name: "bad INTERFACES and bad ROUTES: INTERFACES reported", env: { INTERFACES: "a/b", ROUTES: "x" } },
    { name: "host bits with /0", env: { ROUTES: "0.0.0.1/0 10.0.0.1" } },
    { name: "VTY_PASSWORD with a tab", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "Extra\tpass" } },
    {
        name: "VTY_PASSWORD with shell and printf metacharacters",
        env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "a%s\\n$(id)`x`'\"*?" },
    },
    { name: "VTY_PASSWORD of one digit", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "8" } },
    { name: "VTY_PASSWORD with a glob that matches files", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "*" } },
    { name: "VTY_PASSWORD starting with '#'", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "#Extrapass" } },
    {
        name: "VTY_PASSWORD bad and INTERFACES bad: INTERFACES reported",
        env: { INTERFACES: "a/b", ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "" },
    },
    ...bgpExtras(),
];

/** ROUTING=bgp inputs where the shell port could drift: globs, case, whitespace, numbers at the edges. */
export function bgpExtras(): Case[] {
    const bgp = {
        ROUTES: "10.1.0.0/16 10.0.0.1",
        ROUTING: "bgp",
        BGP_ASN: "64512",
        BGP_PEER_ASN: "64513",
        BGP_LISTEN_RANGES: "SWARM=10.0.0.0/24",
        BGP_ANNOUNCE: "SWARM=10.1.0.0/16",
    };
    return [
        { name: "bgp: ROUTING in upper case", env: { ...bgp, ROUTING: "BGP" } },
        {
            name: "bgp: ASN bounds 64512/65534 and 4200000000/4294967294",
            env: { ...bgp, BGP_ASN: "65534", BGP_PEER_ASN: "4294967294" },
        },
        { name: "bgp: ASN 64511 and 4294967295", env: { ...bgp, BGP_ASN: "64511" } },
        { name: "bgp: ASN 4294967295 (reserved)", env: { ...bgp, BGP_PEER_ASN: "4294967295" } },
        { name: "bgp: ASN 4199999999", env: { ...bgp, BGP_PEER_ASN: "4199999999" } },
        { name: "bgp: ASN with a sign", env: { ...bgp, BGP_ASN: "+64512" } },
        { name: "bgp: group name with a glob", env: { ...bgp, BGP_LISTEN_RANGES: "S*=10.0.0.0/24" } },
        {
            name: "bgp: group name of 16 characters, digits after the first",
            env: {
                ...bgp,
                BGP_LISTEN_RANGES: "A234567890123456=10.0.0.0/24",
                BGP_ANNOUNCE: "A234567890123456=10.1.0.0/16",
            },
        },
        { name: "bgp: group name starting with a digit", env: { ...bgp, BGP_LISTEN_RANGES: "1SWARM=10.0.0.0/24" } },
        { name: "bgp: non-ASCII upper-case group", env: { ...bgp, BGP_LISTEN_RANGES: "ÉSWARM=10.0.0.0/24" } },
        { name: "bgp: spaces around '='", env: { ...bgp, BGP_LISTEN_RANGES: "SWARM = 10.0.0.0/24" } },
        { name: "bgp: two '=' in an entry", env: { ...bgp, BGP_ANNOUNCE: "SWARM=10.1.0.0/16=x" } },
        { name: "bgp: entry '=' alone", env: { ...bgp, BGP_ANNOUNCE: "=" } },
        {
            name: "bgp: announce order differs from group order (networks follow groups)",
            env: {
                ...bgp,
                BGP_LISTEN_RANGES: "A=10.0.0.0/24,B=10.2.0.0/24",
                BGP_ANNOUNCE: "B=10.2.0.0/24,A=10.1.0.0/16,B=10.1.0.0/16",
            },
        },
        {
            name: "bgp: a group that announces nothing",
            env: { ...bgp, BGP_LISTEN_RANGES: "SWARM=10.0.0.0/24,QUIET=10.3.0.0/24" },
        },
        { name: "bgp: BFD_INTERVAL_MS 0 and leading zero", env: { ...bgp, BFD_INTERVAL_MS: "0300" } },
        { name: "bgp: BFD_MULTIPLIER with a tab", env: { ...bgp, BFD_MULTIPLIER: "3\t" } },
        {
            name: "bgp: BGP_PASSWORD with shell and printf metacharacters",
            env: { ...bgp, BGP_PASSWORD: "a%s\\n$(id)`x`'\"*?" },
        },
        { name: "bgp: BGP_PASSWORD of one digit", env: { ...bgp, BGP_PASSWORD: "8" } },
        { name: "bgp: BGP_PASSWORD with a tab", env: { ...bgp, BGP_PASSWORD: "Extra\tmd5pass" } },
        {
            name: "bgp: VTY and BGP passwords both set",
            env: { ...bgp, VTY_PASSWORD: "Vty-extra-pw", BGP_PASSWORD: "Bgp-extra-pw" },
        },
        {
            name: "static: an empty BGP_ANNOUNCE is still a stray key",
            env: { ROUTES: "10.1.0.0/16 10.0.0.1", BGP_ANNOUNCE: "" },
        },
    ];
}
export const extraLb: Case[] = [
    { name: "hostname duplicates differ only in case", env: { SERVERS: "Apache1,apache1:80" } },
    { name: "port 65536", env: { SERVERS: "10.0.0.1:65536" } },
    { name: "port 6 digits", env: { SERVERS: "10.0.0.1:100000" } },
    { name: "port with sign", env: { SERVERS: "10.0.0.1:+80" } },
    { name: "host empty", env: { SERVERS: ":80" } },
    { name: "label of 63 and of 64 characters", env: { SERVERS: `${"a".repeat(63)}.lab,${"b".repeat(64)}.lab` } },
    { name: "hostname longer than 253", env: { SERVERS: Array(64).fill("abc").join(".") } },
    { name: "numeric last label that is not an IPv4", env: { SERVERS: "abc.123" } },
    { name: "five-octet address", env: { SERVERS: "1.2.3.4.5" } },
    { name: "trailing dot", env: { SERVERS: "apache.lab." } },
    { name: "label ending in a dash", env: { SERVERS: "apache-.lab" } },
    { name: "tab inside an entry", env: { SERVERS: "10.0.0.1\t:80" } },
    { name: "tabs around entries are trimmed", env: { SERVERS: "\t10.0.0.1\t,10.0.0.2:81\t" } },
    { name: "two colons", env: { SERVERS: "10.0.0.1:80:81" } },
    { name: "glob characters", env: { SERVERS: "*" } },
    { name: "LISTEN_PORT 8080", env: { SERVERS: "10.0.0.1" }, extraEnv: { LISTEN_PORT: "8080" } },
];

export const nginxVectors = readNginxVectors();

/**
 * nginx-lb `--render-main-only` on the host for one workers vector: the cgroup files in a temp
 * dir (VNF_CGROUP_DIR), nproc through OMP_NUM_THREADS (which GNU nproc honours).
 */
export function renderMainOnHost(shell: string, v: (typeof nginxVectors.workers)[number]): Outcome {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-cgroup-"));
    try {
        if (v.cpuMax !== undefined) fs.writeFileSync(path.join(dir, "cpu.max"), v.cpuMax);
        if (v.cfs) {
            fs.mkdirSync(path.join(dir, "cpu"));
            fs.writeFileSync(path.join(dir, "cpu", "cpu.cfs_quota_us"), `${v.cfs[0]}\n`);
            fs.writeFileSync(path.join(dir, "cpu", "cpu.cfs_period_us"), `${v.cfs[1]}\n`);
        }
        return run(shell, [path.join(IMAGES, "nginx-lb", "start.sh"), "--render-main-only"], {
            env: { PATH: process.env.PATH ?? PATH_ENV, VNF_CGROUP_DIR: dir, OMP_NUM_THREADS: String(v.nproc) },
        });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The scripts' shells: dash is what `sh` is in the images; bash runs the router image. */
export const SHELLS = ["sh", "bash"];

export function renderOnHost(shell: string, script: string, env: Env, extraEnv: Env = {}): Outcome {
    return run(shell, [path.join(IMAGES, script, "start.sh"), "--render-only"], {
        env: { PATH: process.env.PATH ?? PATH_ENV, ...env, ...extraEnv },
    });
}
