// The VNF images and their start scripts (images/), held to the same contract as
// lib/vnf-config.ts: the shared vectors, plus the TS module itself as the oracle for
// the full rendered config and the exact error message.
//   1. Host shell, no Docker: every vector through `start.sh --render-only` under dash and bash.
//   2. Docker: build the images with images/build.sh, run the same checks inside the images,
//      then real containers (bad env, router routes in FRR and the kernel, apache page, LB
//      /healthz and proxying). No Docker Engine = these FAIL with what is missing, never skip.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parseLbEnv, parseRouterEnv } from "../lib/vnf-config";
import { renderFrrConfig } from "./reference/frr-config";
import { renderNginxConfig, renderNginxMainConfig, workerProcesses } from "./reference/nginx-config";
import { cpuMaxOf, readNginxVectors } from "./reference/nginx-vectors";
import type { LbVector, RouterVector } from "./vnf-config.test";
import { assertInOrder } from "./reference/vector-asserts";

// Read the JSON directly: importing the other test file would register its tests twice.
const vectors: { router: RouterVector[]; lb: LbVector[] } = JSON.parse(
    fs.readFileSync(path.join(__dirname, "vectors", "vnf-env.json"), "utf8"),
);

const ROOT = path.join(__dirname, "..");
const IMAGES = path.join(ROOT, "images");
const VERSION = fs.readFileSync(path.join(IMAGES, "VERSION"), "utf8").trim();
const image = (name: string) => `hybrid-vnf/${name}:${VERSION}`;
const ROUTER_HOSTNAME = "vnf-router"; // pinned so the script's frr.conf can equal renderFrrConfig's
const PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

type Env = Record<string, string>;
type Outcome = { status: number | null; stdout: string; stderr: string };
type Case = { name: string; env: Env; extraEnv?: Env };

function run(cmd: string, args: string[], opts: { env?: Env; input?: string; timeout?: number } = {}): Outcome {
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
function expectedRouter(env: Env): { conf?: string; error?: string } {
    try {
        // What --render-only prints: the vty password (if any) as the placeholder.
        return { conf: renderFrrConfig({ hostname: ROUTER_HOSTNAME, ...parseRouterEnv(env) }) };
    } catch (e) {
        return { error: (e as Error).message };
    }
}

function expectedLb(env: Env, listenPort?: number): { conf?: string; error?: string } {
    try {
        return { conf: renderNginxConfig({ ...parseLbEnv(env), listenPort }) };
    } catch (e) {
        return { error: (e as Error).message };
    }
}

/** The script's outcome must be the TS module's: same config text, or same message and a non-zero exit. */
function assertSameAsTs(got: Outcome, want: { conf?: string; error?: string }, what: string): void {
    if (want.error !== undefined) {
        assert.notStrictEqual(got.status, 0, `${what}: exited 0 but TS rejects with ${want.error}\nstdout:\n${got.stdout}`);
        assert.strictEqual(got.stderr.trim(), want.error, `${what}: message differs from the TS module's`);
        assert.strictEqual(got.stdout, "", `${what}: printed a config although it rejects`);
    } else {
        assert.strictEqual(got.status, 0, `${what}: exit ${got.status}, stderr: ${got.stderr}`);
        assert.strictEqual(got.stdout, want.conf, `${what}: rendered config differs from the TS renderer's`);
    }
}

/** The lines between `line vty` and the `!` that closes it (as tests/vnf-config.test.ts vtyBlock). */
function vtyBlock(conf: string): string[] {
    const lines = conf.split("\n");
    const start = lines.indexOf("line vty");
    return start < 0 ? [] : lines.slice(start + 1, lines.indexOf("!", start));
}

/** The vty and BGP passwords never appear in what the script prints, accepted or rejected. */
function assertPasswordHidden(env: Env, got: Outcome, what: string): void {
    for (const pw of [env.VTY_PASSWORD?.trim(), env.BGP_PASSWORD?.trim()]) {
        if (!pw || pw.length < 6) continue;
        assert.ok(!got.stdout.includes(pw) && !got.stderr.includes(pw), `${what}: the password was printed:\n${got.stdout}${got.stderr}`);
    }
}

function assertVectorRouter(v: RouterVector, got: Outcome, what: string): void {
    assertPasswordHidden(v.env, got, what);
    if (v.rejects) {
        assert.notStrictEqual(got.status, 0, `${what}: should reject`);
        assert.ok(got.stderr.includes(v.rejects.key), `${what}: stderr ${JSON.stringify(got.stderr)} should name ${v.rejects.key}`);
        assert.ok(got.stderr.includes(`"${v.rejects.entry}"`), `${what}: stderr ${JSON.stringify(got.stderr)} should quote "${v.rejects.entry}"`);
    } else {
        assert.strictEqual(got.status, 0, `${what}: exit ${got.status}, stderr: ${got.stderr}`);
        const lines = got.stdout.split("\n");
        assert.deepStrictEqual(lines.filter((l) => l.startsWith("ip route ")), v.routeLines, `${what}: route lines`);
        assert.deepStrictEqual(lines.filter((l) => l.startsWith("interface ")), v.interfaceLines, `${what}: interface lines`);
        assert.deepStrictEqual(vtyBlock(got.stdout), v.vtyLines ?? [], `${what}: line vty block`);
        assertInOrder(lines, v.bgpLines ?? [], `${what}: bgp lines`);
    }
    assertSameAsTs(got, expectedRouter(v.env), what);
}

function assertVectorLb(v: LbVector, got: Outcome, what: string): void {
    if (v.rejects) {
        assert.notStrictEqual(got.status, 0, `${what}: should reject`);
        assert.ok(got.stderr.includes(v.rejects.key), `${what}: stderr ${JSON.stringify(got.stderr)} should name ${v.rejects.key}`);
        assert.ok(got.stderr.includes(`"${v.rejects.entry}"`), `${what}: stderr ${JSON.stringify(got.stderr)} should quote "${v.rejects.entry}"`);
    } else {
        assert.strictEqual(got.status, 0, `${what}: exit ${got.status}, stderr: ${got.stderr}`);
        const servers = got.stdout.split("\n").filter((l) => /^ +server .* max_fails=/.test(l)).map((l) => l.trim());
        assert.deepStrictEqual(servers, v.serverLines, `${what}: server lines`);
        assert.match(got.stdout, /^upstream vnf_backends \{\n/, `${what}: upstream block`);
    }
    assertSameAsTs(got, expectedLb(v.env), what);
}

// Inputs beyond the vectors where a shell port could plausibly drift from the TS module:
// whitespace kinds, globs, leading zeros, boundaries, case, odd tokens. Compared in full.
const extraRouter: Case[] = [
    { name: "tab between tokens", env: { ROUTES: "10.1.0.0/16\tdev\teth1" } },
    { name: "newline inside an entry is not whitespace", env: { ROUTES: "10.1.0.0/16\n10.0.0.1" } },
    { name: "trailing newline is not trimmed", env: { ROUTES: "10.1.0.0/16 10.0.0.1\n" } },
    { name: "glob characters in an interface name", env: { INTERFACES: "eth*,e?h[0]", ROUTES: "10.1.0.0/16 dev eth*" } },
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
    { name: "duplicate prefix via different forms", env: { INTERFACES: "eth1", ROUTES: "10.1.0.0/16 10.0.0.1,10.1.0.0/16 dev eth1" } },
    { name: "INTERFACES only whitespace", env: { INTERFACES: " \t ", ROUTES: "10.1.0.0/16 10.0.0.1" } },
    { name: "bad INTERFACES and bad ROUTES: INTERFACES reported", env: { INTERFACES: "a/b", ROUTES: "x" } },
    { name: "host bits with /0", env: { ROUTES: "0.0.0.1/0 10.0.0.1" } },
    { name: "VTY_PASSWORD with a tab", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "Extra\tpass" } },
    { name: "VTY_PASSWORD with shell and printf metacharacters", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "a%s\\n$(id)`x`'\"*?" } },
    { name: "VTY_PASSWORD of one digit", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "8" } },
    { name: "VTY_PASSWORD with a glob that matches files", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "*" } },
    { name: "VTY_PASSWORD starting with '#'", env: { ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "#Extrapass" } },
    { name: "VTY_PASSWORD bad and INTERFACES bad: INTERFACES reported", env: { INTERFACES: "a/b", ROUTES: "10.1.0.0/16 10.0.0.1", VTY_PASSWORD: "" } },
    ...bgpExtras(),
];

/** ROUTING=bgp inputs where the shell port could drift: globs, case, whitespace, numbers at the edges. */
function bgpExtras(): Case[] {
    const bgp = { ROUTES: "10.1.0.0/16 10.0.0.1", ROUTING: "bgp", BGP_ASN: "64512", BGP_PEER_ASN: "64513", BGP_LISTEN_RANGES: "SWARM=10.0.0.0/24", BGP_ANNOUNCE: "SWARM=10.1.0.0/16" };
    return [
        { name: "bgp: ROUTING in upper case", env: { ...bgp, ROUTING: "BGP" } },
        { name: "bgp: ASN bounds 64512/65534 and 4200000000/4294967294", env: { ...bgp, BGP_ASN: "65534", BGP_PEER_ASN: "4294967294" } },
        { name: "bgp: ASN 64511 and 4294967295", env: { ...bgp, BGP_ASN: "64511" } },
        { name: "bgp: ASN 4294967295 (reserved)", env: { ...bgp, BGP_PEER_ASN: "4294967295" } },
        { name: "bgp: ASN 4199999999", env: { ...bgp, BGP_PEER_ASN: "4199999999" } },
        { name: "bgp: ASN with a sign", env: { ...bgp, BGP_ASN: "+64512" } },
        { name: "bgp: group name with a glob", env: { ...bgp, BGP_LISTEN_RANGES: "S*=10.0.0.0/24" } },
        { name: "bgp: group name of 16 characters, digits after the first", env: { ...bgp, BGP_LISTEN_RANGES: "A234567890123456=10.0.0.0/24", BGP_ANNOUNCE: "A234567890123456=10.1.0.0/16" } },
        { name: "bgp: group name starting with a digit", env: { ...bgp, BGP_LISTEN_RANGES: "1SWARM=10.0.0.0/24" } },
        { name: "bgp: non-ASCII upper-case group", env: { ...bgp, BGP_LISTEN_RANGES: "ÉSWARM=10.0.0.0/24" } },
        { name: "bgp: spaces around '='", env: { ...bgp, BGP_LISTEN_RANGES: "SWARM = 10.0.0.0/24" } },
        { name: "bgp: two '=' in an entry", env: { ...bgp, BGP_ANNOUNCE: "SWARM=10.1.0.0/16=x" } },
        { name: "bgp: entry '=' alone", env: { ...bgp, BGP_ANNOUNCE: "=" } },
        { name: "bgp: announce order differs from group order (networks follow groups)", env: { ...bgp, BGP_LISTEN_RANGES: "A=10.0.0.0/24,B=10.2.0.0/24", BGP_ANNOUNCE: "B=10.2.0.0/24,A=10.1.0.0/16,B=10.1.0.0/16" } },
        { name: "bgp: a group that announces nothing", env: { ...bgp, BGP_LISTEN_RANGES: "SWARM=10.0.0.0/24,QUIET=10.3.0.0/24" } },
        { name: "bgp: BFD_INTERVAL_MS 0 and leading zero", env: { ...bgp, BFD_INTERVAL_MS: "0300" } },
        { name: "bgp: BFD_MULTIPLIER with a tab", env: { ...bgp, BFD_MULTIPLIER: "3\t" } },
        { name: "bgp: BGP_PASSWORD with shell and printf metacharacters", env: { ...bgp, BGP_PASSWORD: "a%s\\n$(id)`x`'\"*?" } },
        { name: "bgp: BGP_PASSWORD of one digit", env: { ...bgp, BGP_PASSWORD: "8" } },
        { name: "bgp: BGP_PASSWORD with a tab", env: { ...bgp, BGP_PASSWORD: "Extra\tmd5pass" } },
        { name: "bgp: VTY and BGP passwords both set", env: { ...bgp, VTY_PASSWORD: "Vty-extra-pw", BGP_PASSWORD: "Bgp-extra-pw" } },
        { name: "static: an empty BGP_ANNOUNCE is still a stray key", env: { ROUTES: "10.1.0.0/16 10.0.0.1", BGP_ANNOUNCE: "" } },
    ];
}
const extraLb: Case[] = [
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

const nginxVectors = readNginxVectors();

/**
 * nginx-lb `--render-main-only` on the host for one workers vector: the cgroup files in a temp
 * dir (VNF_CGROUP_DIR), nproc through OMP_NUM_THREADS (which GNU nproc honours).
 */
function renderMainOnHost(shell: string, v: (typeof nginxVectors.workers)[number]): Outcome {
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
const SHELLS = ["sh", "bash"];

function renderOnHost(shell: string, script: string, env: Env, extraEnv: Env = {}): Outcome {
    return run(shell, [path.join(IMAGES, script, "start.sh"), "--render-only"], {
        env: { PATH: process.env.PATH ?? PATH_ENV, ...env, ...extraEnv },
    });
}

describe("images: start scripts --render-only on the host shell (no Docker)", () => {
    for (const shell of SHELLS) {
        describe(`router/start.sh under ${shell}`, () => {
            for (const v of vectors.router) {
                it(`vector: ${v.name}`, () => {
                    assertVectorRouter(v, renderOnHost(shell, "router", v.env, { ROUTER_HOSTNAME }), v.name);
                });
            }
            for (const c of extraRouter) {
                it(`same as TS: ${c.name}`, () => {
                    assertSameAsTs(renderOnHost(shell, "router", c.env, { ROUTER_HOSTNAME }), expectedRouter(c.env), c.name);
                });
            }
            it("RENDER_ONLY=1 works like --render-only", () => {
                const env = { PATH: process.env.PATH ?? PATH_ENV, ROUTES: "10.1.0.0/16 10.0.0.1", ROUTER_HOSTNAME, RENDER_ONLY: "1" };
                assertSameAsTs(run(shell, [path.join(IMAGES, "router", "start.sh")], { env }), expectedRouter(env), "RENDER_ONLY");
            });
            it("rejects an invalid ROUTER_HOSTNAME naming the key and entry", () => {
                const r = renderOnHost(shell, "router", { ROUTES: "10.1.0.0/16 10.0.0.1", ROUTER_HOSTNAME: "bad_host" });
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /^ROUTER_HOSTNAME entry "bad_host": /);
            });
        });
        describe(`nginx-lb/start.sh under ${shell}`, () => {
            for (const v of vectors.lb) {
                it(`vector: ${v.name}`, () => assertVectorLb(v, renderOnHost(shell, "nginx-lb", v.env), v.name));
            }
            for (const c of extraLb) {
                it(`same as TS: ${c.name}`, () => {
                    const listen = c.extraEnv?.LISTEN_PORT ? Number(c.extraEnv.LISTEN_PORT) : undefined;
                    assertSameAsTs(renderOnHost(shell, "nginx-lb", c.env, c.extraEnv), expectedLb(c.env, listen), c.name);
                });
            }
            it("rejects LISTEN_PORT 0 naming the key and entry", () => {
                const r = renderOnHost(shell, "nginx-lb", { SERVERS: "10.0.0.1" }, { LISTEN_PORT: "0" });
                assert.notStrictEqual(r.status, 0);
                assert.match(r.stderr, /^LISTEN_PORT entry "0": /);
            });
            for (const v of nginxVectors.workers) {
                it(`main nginx.conf, workers vector: ${v.name}`, () => {
                    const got = renderMainOnHost(shell, v);
                    assert.strictEqual(got.status, 0, got.stderr);
                    assert.ok(got.stdout.split("\n").includes(`worker_processes ${v.workers};`), got.stdout);
                    assert.strictEqual(got.stdout, renderNginxMainConfig({ workers: workerProcesses(v.nproc, cpuMaxOf(v)) }));
                });
            }
        });
    }
});

// ---------------------------------------------------------------------------------------------
// Docker

const PREFIX = `hvnf-test-${process.pid}`;
const started: string[] = [];
let network = "";

function docker(args: string[], timeout = 60000): Outcome {
    return run("docker", args, { timeout });
}

function dockerOk(args: string[], timeout = 60000): string {
    const r = docker(args, timeout);
    assert.strictEqual(r.status, 0, `docker ${args.join(" ")} failed (${r.status}):\n${r.stdout}${r.stderr}`);
    return r.stdout.trim();
}

/** `docker run` with a tracked, unique name, so the after hook removes it. */
function dockerRun(name: string, args: string[], timeout = 60000): Outcome {
    const full = `${PREFIX}-${name}`;
    started.push(full);
    return docker(["run", "--name", full, ...args], timeout);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(name: string, timeoutMs = 60000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let state = "";
    while (Date.now() < deadline) {
        state = dockerOk(["inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", name]);
        if (state === "running healthy") return;
        if (!state.startsWith("running")) break;
        await sleep(500);
    }
    const logs = docker(["logs", name]);
    assert.fail(`${name} is "${state}", not healthy, after ${timeoutMs / 1000}s; logs:\n${logs.stdout}${logs.stderr}`);
}

async function waitExited(name: string, timeoutMs = 20000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        const [status, code] = dockerOk(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name]).split(" ");
        if (status === "exited" || status === "dead") return Number(code);
        await sleep(250);
    }
    assert.fail(`${name} still running after ${timeoutMs / 1000}s`);
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { timeout: 5000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
        req.on("error", reject);
    });
}

/**
 * What QuaggaRouter's leastPrivilege grants (ROUTER_NET_CAPABILITIES; tests/quagga-router.test.ts
 * pins the same list), run as Kubernetes would: every other capability dropped, no privilege
 * escalation (allowPrivilegeEscalation: false).
 */
const LEAST_PRIVILEGE_CAPS = ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"];
const CAPS_MASK = "0000000000203000"; // bits 12 (NET_ADMIN), 13 (NET_RAW), 21 (SYS_ADMIN) of /proc/PID/status
const caps = ["--cap-drop", "ALL", ...LEAST_PRIVILEGE_CAPS.flatMap((c) => ["--cap-add", c]), "--security-opt", "no-new-privileges"];

/**
 * A telnet-less vty client: connects to host:port, and for each step waits until the text
 * received since the previous step matches `until`, then sends `send` (CRLF added). Telnet
 * option bytes (IAC ...) are dropped. Resolves with everything received (rejects on timeout).
 */
function vtySession(host: string, port: number, steps: { until: RegExp; send?: string }[], timeoutMs = 10000): Promise<string> {
    return new Promise((resolve, reject) => {
        const sock = net.connect({ host, port });
        let all = "";
        let since = "";
        let i = 0;
        const timer = setTimeout(() => {
            sock.destroy();
            reject(new Error(`vty ${host}:${port}: step ${i} (${steps[i]?.until}) not seen within ${timeoutMs}ms; got:\n${all}`));
        }, timeoutMs);
        const done = () => {
            clearTimeout(timer);
            sock.destroy();
            resolve(all);
        };
        sock.on("data", (buf: Buffer) => {
            // IAC (255) + command + option: telnet negotiation, not text.
            const text = buf.toString("latin1").replace(/\xff[\xfb-\xfe]./gs, "").replace(/\xff./gs, "");
            all += text;
            since += text;
            while (i < steps.length && steps[i].until.test(since)) {
                since = "";
                if (steps[i].send !== undefined) sock.write(`${steps[i].send}\r\n`);
                i++;
            }
            if (i === steps.length) done();
        });
        sock.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        sock.on("close", () => (i === steps.length ? done() : undefined));
    });
}

/** Shell-quote for the POSIX sh script run inside a container. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `start.sh --render-only` for many envs inside one container of the image (one
 * `docker run` instead of one per vector), through the image's own entrypoint script and
 * shebang, with a clean environment per case. Returns one outcome per case.
 */
function renderInImage(name: string, cases: Env[]): Outcome[] {
    const script = cases.map((env, i) => {
        const assigns = Object.entries(env).map(([k, v]) => q(`${k}=${v}`)).join(" ");
        return [
            `env -i PATH=${PATH_ENV} ${assigns} /usr/local/bin/start.sh --render-only >/tmp/out 2>/tmp/err; s=$?`,
            `printf '@@@CASE ${i} %s\\n' "$s"; cat /tmp/out; printf '@@@ERR\\n'; cat /tmp/err; printf '@@@END\\n'`,
        ].join("\n");
    }).join("\n");
    const res = run("docker", ["run", "--rm", "-i", "--network", "none", "--entrypoint", "sh", image(name), "-s"], { input: script, timeout: 120000 });
    assert.strictEqual(res.status, 0, `render run in ${image(name)} failed:\n${res.stderr}`);
    const out: Outcome[] = [];
    const re = /@@@CASE (\d+) (\d+)\n([\s\S]*?)@@@ERR\n([\s\S]*?)@@@END\n/g;
    for (const m of res.stdout.matchAll(re)) out[Number(m[1])] = { status: Number(m[2]), stdout: m[3], stderr: m[4] };
    assert.strictEqual(out.filter(Boolean).length, cases.length, `expected ${cases.length} results from ${image(name)}:\n${res.stdout}`);
    return out;
}

describe("images: Docker (build, then run the real containers)", function () {
    this.timeout(10 * 60 * 1000);
    let gateway = "";

    before(function () {
        const cli = spawnSync("docker", ["version", "--format", "{{.Client.Version}}"], { encoding: "utf8" });
        if (cli.error) {
            assert.fail(`the docker CLI is not installed (${cli.error.message}): these tests need a Docker Engine ` +
                "(apt-get install docker.io; CI installs Docker). They fail rather than skip.");
        }
        const info = docker(["info", "--format", "{{.ServerVersion}}"]);
        if (info.status !== 0) {
            assert.fail(`the Docker Engine is not reachable (docker info: ${info.stderr.trim()}); start it ` +
                "(e.g. dockerd >/var/log/dockerd.log 2>&1 &). These tests fail rather than skip.");
        }
        const build = run("sh", [path.join(IMAGES, "build.sh")], { timeout: 9 * 60 * 1000 });
        assert.strictEqual(build.status, 0, `images/build.sh failed:\n${build.stdout}${build.stderr}`);
        process.stdout.write(build.stderr.split("\n").filter(Boolean).map((l) => `      ${l}\n`).join(""));
        process.stdout.write(build.stdout.split("\n").filter(Boolean).map((l) => `      ${l}\n`).join(""));
        // An internal network: containers reach each other and this host, nothing beyond.
        network = `${PREFIX}-net`;
        dockerOk(["network", "create", "--internal", network]);
        gateway = dockerOk(["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", network]);
        assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/, "test network gateway");
    });

    after(function () {
        if (started.length > 0) docker(["rm", "-f", "-v", ...started]);
        if (network) docker(["network", "rm", network]);
    });

    it("built every image with the version tag from images/VERSION", () => {
        for (const n of ["router", "nginx-lb", "apache"]) {
            const v = dockerOk(["image", "inspect", "-f", '{{index .Config.Labels "org.opencontainers.image.version"}}', image(n)]);
            assert.strictEqual(v, VERSION, image(n));
        }
    });

    it("router image: --render-only matches every vector and the TS module", () => {
        const cases = [...vectors.router.map((v) => v.env), ...extraRouter.map((c) => c.env)];
        const got = renderInImage("router", cases.map((env) => ({ ...env, ROUTER_HOSTNAME })));
        vectors.router.forEach((v, i) => assertVectorRouter(v, got[i], `in image: ${v.name}`));
        extraRouter.forEach((c, i) => assertSameAsTs(got[vectors.router.length + i], expectedRouter(c.env), `in image: ${c.name}`));
    });

    it("nginx-lb image: --render-only matches every vector and the TS module", () => {
        const cases = [...vectors.lb.map((v) => v.env), ...extraLb.map((c) => ({ ...c.env, ...c.extraEnv }))];
        const got = renderInImage("nginx-lb", cases);
        vectors.lb.forEach((v, i) => assertVectorLb(v, got[i], `in image: ${v.name}`));
        extraLb.forEach((c, i) => {
            const listen = c.extraEnv?.LISTEN_PORT ? Number(c.extraEnv.LISTEN_PORT) : undefined;
            assertSameAsTs(got[vectors.lb.length + i], expectedLb(c.env, listen), `in image: ${c.name}`);
        });
    });

    it("nginx-lb image: worker_processes follows the container's CPU quota and cpuset, not the host's CPUs", () => {
        const hostCpus = Number(run("nproc", []).stdout.trim());
        const cases: [string[], number][] = [
            [[], hostCpus],
            [["--cpus", "0.5"], 1],
            [["--cpus", "1.5"], Math.min(2, hostCpus)],
            [["--cpuset-cpus", "0"], 1],
        ];
        for (const [flags, workers] of cases) {
            const r = docker(["run", "--rm", "--network", "none", ...flags, image("nginx-lb"), "--render-main-only"]);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.strictEqual(r.stdout, renderNginxMainConfig({ workers }), `docker run ${flags.join(" ")}`);
        }
    });

    it("router container with a bad ROUTES entry exits non-zero naming it", () => {
        const r = dockerRun("router-bad", ["--network", "none", "-e", "INTERFACES=eth0,eth1", "-e", "ROUTES=10.0.0.0/33 dev eth1", image("router")]);
        assert.notStrictEqual(r.status, 0, `exited 0:\n${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /ROUTES entry "10\.0\.0\.0\/33 dev eth1": /);
    });

    it("nginx-lb container with a bad SERVERS entry exits non-zero naming it", () => {
        const r = dockerRun("lb-bad", ["--network", "none", "-e", "SERVERS=10.0.0.1,10.0.0.1:70000", image("nginx-lb")]);
        assert.notStrictEqual(r.status, 0, `exited 0:\n${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /SERVERS entry "10\.0\.0\.1:70000": /);
    });

    it("nginx-lb container whose backend name does not resolve fails nginx -t and exits", () => {
        // --network none: the lookup fails at once instead of waiting for a DNS timeout.
        const r = dockerRun("lb-unresolvable", ["--network", "none", "-e", "SERVERS=hvnf-no-such-backend", image("nginx-lb")]);
        assert.strictEqual(r.status, 3, `${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /nginx -t/);
        assert.match(r.stderr, /host not found in upstream "hvnf-no-such-backend:80"/);
    });

    describe("router container with good env, least privilege: only NET_ADMIN, NET_RAW, SYS_ADMIN", () => {
        const name = `${PREFIX}-router`;
        before(async () => {
            // eth0 is the container's leg on the test network; the next hop is the network's gateway.
            const r = dockerRun("router", ["-d", "--network", network, ...caps, "-e", "INTERFACES=eth0",
                "-e", `ROUTES=10.100.102.0/24 dev eth0,192.168.250.0/24 ${gateway}`, image("router")]);
            assert.strictEqual(r.status, 0, r.stderr);
            await waitHealthy(name);
        });

        it("runs with no capability but those three (Docker has dropped all others) and as root", () => {
            const hc = JSON.parse(dockerOk(["inspect", "-f", "{{json .HostConfig}}", name]));
            assert.deepStrictEqual(hc.CapDrop, ["ALL"]);
            assert.deepStrictEqual(hc.CapAdd.map((c: string) => c.replace(/^CAP_/, "")).sort(), [...LEAST_PRIVILEGE_CAPS].sort());
            assert.strictEqual(hc.Privileged, false);
            // The bounding set of every process, the daemons included, is exactly the three.
            const status = dockerOk(["exec", name, "sh", "-c", "for p in 1 $(cat /run/frr/zebra.pid) $(cat /run/frr/staticd.pid); do grep -E '^(Uid|CapBnd|CapPrm):' /proc/$p/status; done"]);
            const bnd = [...status.matchAll(/^CapBnd:\s+([0-9a-f]+)$/gm)].map((m) => m[1]);
            assert.deepStrictEqual(bnd, [CAPS_MASK, CAPS_MASK, CAPS_MASK], status);
            for (const m of status.matchAll(/^CapPrm:\s+([0-9a-f]+)$/gm)) assert.strictEqual(BigInt(`0x${m[1]}`) & ~BigInt(`0x${CAPS_MASK}`), 0n, status);
            for (const m of status.matchAll(/^Uid:\s+(.*)$/gm)) assert.match(m[1], /^0\s+0\s+0\s+0$/, "the daemons run as root (no user switch)");
        });

        it("without VTY_PASSWORD the vty listens on 127.0.0.1 only: nothing answers on the container's address", async () => {
            const listening = dockerOk(["exec", name, "ss", "-Hltn"]);
            for (const port of [2601, 2616]) {
                assert.match(listening, new RegExp(`127\\.0\\.0\\.1:${port}\\b`), listening);
                assert.doesNotMatch(listening, new RegExp(`(0\\.0\\.0\\.0|\\*|\\[::\\]):${port}\\b`), listening);
            }
            const ip = dockerOk(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name]);
            await assert.rejects(vtySession(ip, 2601, [{ until: /Password:/ }], 3000), /ECONNREFUSED/);
            assert.match(docker(["logs", name]).stdout, /router: vty \(TCP 2601 zebra, 2616 staticd\) on 127\.0\.0\.1 only \(no VTY_PASSWORD\)/);
        });

        it("logs the rendered route lines at start", () => {
            const logs = docker(["logs", name]);
            assert.match(logs.stdout, /router: {3}ip route 10\.100\.102\.0\/24 eth0\n/);
            assert.ok(logs.stdout.includes(`router:   ip route 192.168.250.0/24 ${gateway}\n`), logs.stdout);
        });

        it("vtysh shows both static routes selected and installed", () => {
            const out = dockerOk(["exec", name, "vtysh", "-c", "show ip route static"]);
            assert.match(out, /^S>\* 10\.100\.102\.0\/24 \[1\/0\] is directly connected, eth0/m, out);
            assert.ok(new RegExp(`^S>\\* 192\\.168\\.250\\.0/24 \\[1/0\\] via ${gateway.replace(/\./g, "\\.")}, eth0`, "m").test(out), out);
            assert.match(dockerOk(["exec", name, "vtysh", "-c", "show ip route"]), /192\.168\.250\.0\/24/);
        });

        it("the kernel has the routes with FRR's static protocol (196, shown as 'proto static')", () => {
            // `ip route show proto static` filters on the kernel's own RTPROT_STATIC (4): iproute2
            // resolves the name "static" to 4 first, although it prints FRR's 196 as "static" too.
            const out = dockerOk(["exec", name, "ip", "route", "show", "proto", "196"]);
            assert.match(out, /^10\.100\.102\.0\/24 .*dev eth0/m, out);
            assert.ok(out.includes(`192.168.250.0/24 nhid`) && out.includes(`via ${gateway} dev eth0`), out);
            assert.match(dockerOk(["exec", name, "ip", "route"]), /^192\.168\.250\.0\/24 .*proto static/m);
        });

        it("the running config is the rendered frr.conf", () => {
            const out = dockerOk(["exec", name, "vtysh", "-c", "show running-config"]);
            assert.match(out, /^ip route 10\.100\.102\.0\/24 eth0$/m);
            assert.match(out, /^service integrated-vtysh-config$/m);
        });

        it("a dead daemon ends the container (staticd killed -> non-zero exit)", async () => {
            dockerOk(["exec", name, "sh", "-c", "kill -9 $(cat /var/run/frr/staticd.pid)"]);
            const code = await waitExited(name);
            assert.notStrictEqual(code, 0);
            assert.match(docker(["logs", name]).stderr, /a daemon exited with status 137/);
        });
    });

    for (const missing of LEAST_PRIVILEGE_CAPS) {
        it(`router container without ${missing} (only the other two) fails at start, naming what it needs`, () => {
            const others = LEAST_PRIVILEGE_CAPS.filter((c) => c !== missing);
            const r = dockerRun(`router-no-${missing.toLowerCase().replace("_", "-")}`, ["--network", network, "--cap-drop", "ALL",
                ...others.flatMap((c) => ["--cap-add", c]), "-e", `ROUTES=192.168.250.0/24 ${gateway}`, image("router")], 60000);
            assert.notStrictEqual(r.status, 0, `exited 0 without ${missing}:\n${r.stdout}${r.stderr}`);
            assert.match(r.stderr, /cap_set_proc failed/, r.stderr);
            assert.match(r.stderr, /router: zebra died during startup \(it needs the NET_ADMIN, NET_RAW and SYS_ADMIN capabilities\)/, r.stderr);
        });
    }

    describe("router container with VTY_PASSWORD (least privilege): the vty answers on the network", () => {
        const name = `${PREFIX}-router-vty`;
        const password = "Vty-t3st!pw{x}";
        let ip = "";
        before(async () => {
            const r = dockerRun("router-vty", ["-d", "--network", network, ...caps, "-e", "INTERFACES=eth0",
                "-e", "ROUTES=10.100.102.0/24 dev eth0", "-e", `VTY_PASSWORD=${password}`, image("router")]);
            assert.strictEqual(r.status, 0, r.stderr);
            await waitHealthy(name);
            ip = dockerOk(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name]);
        });

        it("zebra (2601) and staticd (2616) listen on all addresses and ask for the password", async () => {
            const listening = dockerOk(["exec", name, "ss", "-Hltn"]);
            for (const port of [2601, 2616]) {
                assert.match(listening, new RegExp(`0\\.0\\.0\\.0:${port}\\b`), listening);
                const banner = await vtySession(ip, port, [{ until: /Password: ?$/ }]);
                assert.match(banner, /User Access Verification/, banner);
            }
        });

        it("a TCP login with the password works (show ip route static); a wrong one is refused", async () => {
            const out = await vtySession(ip, 2601, [
                { until: /Password: ?$/, send: password },
                { until: /> ?$/, send: "show ip route static" },
                { until: /10\.100\.102\.0\/24[^\n]*\n[\s\S]*> ?$/, send: "exit" },
            ]);
            assert.match(out, /^S>\* 10\.100\.102\.0\/24 \[1\/0\] is directly connected, eth0/m, out);
            const wrong = await vtySession(ip, 2601, [{ until: /Password: ?$/, send: "not-the-password" }, { until: /Password: ?$/ }]);
            assert.doesNotMatch(wrong, /> ?$/, "no prompt after a wrong password");
        });

        it("vtysh in the container still works (unix sockets, no password)", () => {
            const out = dockerOk(["exec", name, "vtysh", "-c", "show ip route static"]);
            assert.match(out, /^S>\* 10\.100\.102\.0\/24 /m, out);
            assert.match(dockerOk(["exec", name, "ip", "route", "show", "proto", "196"]), /^10\.100\.102\.0\/24 .*dev eth0/m);
        });

        it("never prints the password: not in the logs, not in --render-only (REDACTED), not in the daemons' env", () => {
            const logs = docker(["logs", name]);
            assert.ok(!`${logs.stdout}${logs.stderr}`.includes(password), `the logs hold the password:\n${logs.stdout}${logs.stderr}`);
            assert.match(logs.stdout, /router: vty \(TCP 2601 zebra, 2616 staticd\) on all addresses, login with VTY_PASSWORD/);
            const rendered = dockerOk(["exec", name, "/usr/local/bin/start.sh", "--render-only"]);
            assert.ok(!rendered.includes(password), rendered);
            assert.match(rendered, /^line vty\n password REDACTED\n!$/m, rendered);
            const environ = dockerOk(["exec", name, "sh", "-c", "cat /proc/$(cat /run/frr/zebra.pid)/environ /proc/$(cat /run/frr/staticd.pid)/environ | tr '\\0' '\\n'"]);
            assert.doesNotMatch(environ, /VTY_PASSWORD/, "the daemons do not inherit VTY_PASSWORD");
        });

        it("frr.conf holds the password under line vty, readable by root only", () => {
            assert.strictEqual(dockerOk(["exec", name, "stat", "-c", "%a %U:%G", "/etc/frr/frr.conf"]), "600 root:root");
            const conf = dockerOk(["exec", name, "cat", "/etc/frr/frr.conf"]);
            assert.ok(conf.split("\n").includes(` password ${password}`), "the file the daemons load has the real password");
        });
    });

    it("router container with a bad VTY_PASSWORD exits 2 without printing it", () => {
        const r = dockerRun("router-bad-vty", ["--network", "none", ...caps, "-e", "ROUTES=10.1.0.0/16 dev eth0", "-e", "VTY_PASSWORD=Bad password!", image("router")]);
        assert.strictEqual(r.status, 2, `${r.stdout}${r.stderr}`);
        assert.strictEqual(r.stderr.trim(), 'VTY_PASSWORD entry "[hidden]": the password must be printable ASCII without spaces or newlines');
        assert.ok(!`${r.stdout}${r.stderr}`.includes("Bad password"));
    });

    it("router container comes back with its routes after docker restart (stale sockets are not taken for ready daemons)", async () => {
        const name = `${PREFIX}-router-restart`;
        const r = dockerRun("router-restart", ["-d", "--network", network, ...caps, "-e", "INTERFACES=eth0",
            "-e", `ROUTES=10.100.102.0/24 dev eth0,192.168.250.0/24 ${gateway}`, image("router")]);
        assert.strictEqual(r.status, 0, r.stderr);
        await waitHealthy(name);
        // Take a route away first, so only a correct restart brings it back.
        dockerOk(["exec", name, "vtysh", "-c", "configure terminal", "-c", "no ip route 10.100.102.0/24 eth0"]);
        dockerOk(["restart", "-t", "10", name]);
        await waitHealthy(name);
        const deadline = Date.now() + 10000;
        let routes = "";
        while (Date.now() < deadline) {
            routes = dockerOk(["exec", name, "ip", "route", "show", "proto", "196"]);
            if (/^10\.100\.102\.0\/24 /m.test(routes) && routes.includes("192.168.250.0/24")) break;
            await sleep(200);
        }
        assert.match(routes, /^10\.100\.102\.0\/24 .*dev eth0/m, `after the restart:\n${routes}\n${docker(["logs", name]).stdout}`);
        assert.ok(routes.includes(`192.168.250.0/24 nhid`), routes);
    });

    it("router container stops cleanly on docker stop (signal forwarded to the daemons)", async () => {
        const name = `${PREFIX}-router-stop`;
        const r = dockerRun("router-stop", ["-d", "--network", network, "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW",
            "--cap-add", "SYS_ADMIN", "-e", `ROUTES=192.168.250.0/24 ${gateway}`, image("router")]);
        assert.strictEqual(r.status, 0, r.stderr);
        await waitHealthy(name);
        const t0 = Date.now();
        dockerOk(["stop", "-t", "10", name]);
        assert.ok(Date.now() - t0 < 5000, "stop took the full timeout: SIGTERM was not handled");
        assert.strictEqual(await waitExited(name), 0);
    });

    describe("apache backends behind the nginx-lb container", () => {
        const apache = `${PREFIX}-apache1`;
        const lb = `${PREFIX}-lb`;
        let apacheIp = "";
        let lbIp = "";
        before(async () => {
            let r = dockerRun("apache1", ["-d", "--network", network, "-e", "BACKEND_NAME=hvnf-apache-1", image("apache")]);
            assert.strictEqual(r.status, 0, r.stderr);
            r = dockerRun("lb", ["-d", "--network", network, "-e", `SERVERS=${apache}`, image("nginx-lb")]);
            assert.strictEqual(r.status, 0, r.stderr);
            await waitHealthy(apache);
            await waitHealthy(lb);
            const ip = (n: string) => dockerOk(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", n]);
            apacheIp = ip(apache);
            lbIp = ip(lb);
        });

        it("apache serves a page naming BACKEND_NAME and its IP", async () => {
            const res = await httpGet(`http://${apacheIp}/`);
            assert.strictEqual(res.status, 200);
            assert.match(res.body, /Backend hvnf-apache-1/);
            assert.ok(res.body.includes(apacheIp), res.body);
        });

        it("nginx-lb answers /healthz", async () => {
            const res = await httpGet(`http://${lbIp}/healthz`);
            assert.deepStrictEqual(res, { status: 200, body: "ok\n" });
        });

        it("nginx-lb proxies / to the backend", async () => {
            const res = await httpGet(`http://${lbIp}/`);
            assert.strictEqual(res.status, 200);
            assert.match(res.body, /Backend hvnf-apache-1/);
        });

        it("nginx-lb reuses its upstream connections (keepalive): fewer connections than requests", async () => {
            for (let i = 0; i < 10; i++) assert.strictEqual((await httpGet(`http://${lbIp}/`)).status, 200);
            // Apache's side of the TCP table: ESTABLISHED (01) connections on port 80 (0050) from the LB.
            // Without keepalive nginx closes each one after its response, and none stays.
            const hex = lbIp.split(".").map((o) => Number(o).toString(16).padStart(2, "0").toUpperCase()).reverse().join("");
            const table = dockerOk(["exec", apache, "cat", "/proc/net/tcp"]).split("\n").slice(1).map((l) => l.trim().split(/\s+/));
            const fromLb = table.filter((f) => f[1]?.endsWith(":0050") && f[2]?.startsWith(`${hex}:`) && f[3] === "01");
            assert.ok(fromLb.length >= 1 && fromLb.length < 10, `${fromLb.length} established LB connections at Apache after 10 requests`);
            assert.match(dockerOk(["logs", lb]), /nginx-lb: config checked with nginx -t; \d+ worker processes/);
        });
    });
});
