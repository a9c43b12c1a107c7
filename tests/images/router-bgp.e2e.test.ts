// The router image's bgp mode for real, without the lab: one router container (ROUTING=bgp,
// least privilege plus NET_BIND_SERVICE, as QuaggaRouter runs it) and one peer FRR container
// from the same image with a hand-written host-side config, on a Docker network of their own.
// Asserts the session reaches Established with BFD up and the TCP-MD5 password, the peer learns
// exactly the announced prefix, the router accepts nothing, and `start.sh --ready` follows the
// session (not ready without a peer, ready once Established, not ready again once the peer dies).
// Needs a Docker Engine: fails, never skips, without one. Builds the router image (cached).
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { FRR_BGP_CAPABILITIES } from "../../lib/frr-capabilities";

const ROOT = path.join(__dirname, "..", "..");
const VERSION = fs.readFileSync(path.join(ROOT, "images", "VERSION"), "utf8").trim();
const IMAGE = `hybrid-vnf/router:${VERSION}`;
const PREFIX = `hvnf-bgp-test-${process.pid}`;
const NETWORK = `${PREFIX}-net`;
const ROUTER = `${PREFIX}-router`;
const PEER = `${PREFIX}-peer`;
const PASSWORD = "Bgp-t3st-md5-secret";
/** Announced by the router (a static route via the gateway, so it is in the RIB). */
const ANNOUNCED = "192.0.2.0/24";
/** Offered by the peer; the router's in-policy must refuse it. */
const OFFERED = "198.51.100.0/24";

type Outcome = { status: number | null; stdout: string; stderr: string };

function docker(args: string[], timeout = 60000): Outcome {
    const r = spawnSync("docker", args, { encoding: "utf8", timeout, maxBuffer: 16 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function dockerOk(args: string[], timeout = 60000): string {
    const r = docker(args, timeout);
    assert.strictEqual(r.status, 0, `docker ${args.join(" ")} failed:\n${r.stderr}`);
    return r.stdout.trim();
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined), at most `timeoutMs`; fails with `what` and the last state. */
async function until<T>(
    what: string,
    timeoutMs: number,
    probe: () => T | undefined,
    state: () => string,
): Promise<{ value: T; ms: number }> {
    const t0 = Date.now();
    for (;;) {
        const value = probe();
        if (value !== undefined) return { value, ms: Date.now() - t0 };
        if (Date.now() - t0 > timeoutMs) assert.fail(`${what} not within ${timeoutMs / 1000}s; ${state()}`);
        await sleep(100);
    }
}

const ready = () => docker(["exec", ROUTER, "/usr/local/bin/start.sh", "--ready"]);
const vtyJson = (name: string, cmd: string) => JSON.parse(dockerOk(["exec", name, "vtysh", "-c", cmd]));

/** The host side: FRR peering with the router (what a swarm host or an Apache VM runs). */
function peerConfig(routerIp: string): string {
    return [
        "frr defaults traditional",
        "hostname peer",
        "log stdout",
        "service integrated-vtysh-config",
        `ip route ${OFFERED} Null0`,
        `ip prefix-list FROM-ROUTER seq 5 permit ${ANNOUNCED}`,
        `ip prefix-list TO-ROUTER seq 5 permit ${OFFERED}`,
        "route-map FROM-ROUTER permit 10",
        " match ip address prefix-list FROM-ROUTER",
        "exit",
        "route-map TO-ROUTER permit 10",
        " match ip address prefix-list TO-ROUTER",
        "exit",
        "bfd",
        " profile ROUTERS",
        "  detect-multiplier 3",
        "  receive-interval 300",
        "  transmit-interval 300",
        " exit",
        "exit",
        "router bgp 64513",
        " neighbor ROUTERS peer-group",
        " neighbor ROUTERS remote-as 64512",
        " neighbor ROUTERS bfd profile ROUTERS",
        ` neighbor ROUTERS password ${PASSWORD}`,
        ` neighbor ${routerIp} peer-group ROUTERS`,
        " address-family ipv4 unicast",
        `  network ${OFFERED}`,
        "  neighbor ROUTERS route-map FROM-ROUTER in",
        "  neighbor ROUTERS route-map TO-ROUTER out",
        " exit-address-family",
        "exit",
        "",
    ].join("\n");
}

/** Starts the peer's daemons from $CONF in the foreground of a shell (the image's FRR, another config). */
const PEER_SCRIPT = [
    "set -e",
    'printf "%s" "$CONF" > /etc/frr/frr.conf',
    "vtysh -C -f /etc/frr/frr.conf",
    "for d in zebra staticd bfdd bgpd; do /usr/lib/frr/$d -d -u root -g root -A 127.0.0.1; for i in $(seq 100); do [ -S /run/frr/$d.vty ] && break; sleep 0.1; done; done",
    "vtysh -b",
    "echo peer: up",
    "exec sleep infinity",
].join("\n");

// As QuaggaRouter runs it with leastPrivilege in bgp mode (FRR_BGP_CAPABILITIES); the peer too.
const CAPS = [
    "--cap-drop",
    "ALL",
    ...FRR_BGP_CAPABILITIES.flatMap((c) => ["--cap-add", c]),
    "--security-opt",
    "no-new-privileges",
];

describe("router image in bgp mode against a peer FRR (Docker, no lab)", function () {
    this.timeout(5 * 60 * 1000);
    let routerIp = "";
    let peerIp = "";

    before(() => {
        const info = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" });
        if (info.error || info.status !== 0)
            assert.fail(`these tests need a running Docker Engine: ${info.error?.message ?? info.stderr}`);
        const build = spawnSync("sh", [path.join(ROOT, "images", "build.sh"), "router"], {
            encoding: "utf8",
            timeout: 10 * 60 * 1000,
        });
        assert.strictEqual(build.status, 0, `images/build.sh router failed:\n${build.stderr}`);
        dockerOk(["network", "create", "--label", PREFIX, NETWORK]);
        const subnet = dockerOk(["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", NETWORK]);
        const gateway = dockerOk(["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", NETWORK]);
        const env = {
            INTERFACES: "eth0",
            ROUTES: `${ANNOUNCED} ${gateway}`,
            ROUTING: "bgp",
            BGP_ASN: "64512",
            BGP_PEER_ASN: "64513",
            BGP_LISTEN_RANGES: `SWARM=${subnet}`,
            BGP_ANNOUNCE: `SWARM=${ANNOUNCED}`,
            BGP_PASSWORD: PASSWORD,
        };
        dockerOk([
            "run",
            "-d",
            "--name",
            ROUTER,
            "--label",
            PREFIX,
            "--network",
            NETWORK,
            ...CAPS,
            ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
            IMAGE,
        ]);
        routerIp = dockerOk(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", ROUTER]);
    });

    after(() => {
        for (const c of [ROUTER, PEER]) docker(["rm", "-f", c]);
        docker(["network", "rm", NETWORK]);
        const left = dockerOk(["ps", "-aq", "--filter", `label=${PREFIX}`]);
        assert.strictEqual(left, "", "containers left behind");
    });

    it("runs zebra, staticd, bfdd and bgpd and is healthy (liveness) but not ready without a peer", async () => {
        await until(
            "router healthy",
            60000,
            () => (dockerOk(["inspect", "-f", "{{.State.Health.Status}}", ROUTER]) === "healthy" ? true : undefined),
            () => docker(["logs", ROUTER]).stdout + docker(["logs", ROUTER]).stderr,
        );
        const logs = docker(["logs", ROUTER]);
        assert.match(
            logs.stdout,
            /router: zebra \(pid \d+\) staticd \(pid \d+\) bfdd \(pid \d+\) bgpd \(pid \d+\) running with/,
        );
        assert.match(logs.stdout, /router: BGP AS 64512, dynamic neighbours of AS 64513, BFD 300ms x 3:/);
        const r = ready();
        assert.notStrictEqual(r.status, 0, "ready without any BGP session");
        assert.match(r.stdout + r.stderr, /router: no BGP session yet/);
    });

    it("never prints the BGP password (logs, --render-only) and keeps it out of the daemons' env", () => {
        const logs = docker(["logs", ROUTER]);
        assert.ok(!(logs.stdout + logs.stderr).includes(PASSWORD));
        const rendered = dockerOk(["exec", ROUTER, "sh", "-c", "/usr/local/bin/start.sh --render-only"]);
        assert.ok(!rendered.includes(PASSWORD) && rendered.includes(" neighbor SWARM password REDACTED"), rendered);
        const environ = dockerOk([
            "exec",
            ROUTER,
            "sh",
            "-c",
            "cat /proc/$(cat /run/frr/bgpd.pid)/environ | tr '\\0' '\\n'",
        ]);
        assert.ok(!environ.includes(PASSWORD), "bgpd inherited BGP_PASSWORD");
    });

    it("reaches Established with the peer (password set on both sides, BFD up) and --ready flips to ready", async () => {
        dockerOk([
            "run",
            "-d",
            "--name",
            PEER,
            "--label",
            PREFIX,
            "--network",
            NETWORK,
            ...CAPS,
            "-e",
            `CONF=${peerConfig(routerIp)}`,
            "--entrypoint",
            "sh",
            IMAGE,
            "-c",
            PEER_SCRIPT,
        ]);
        peerIp = dockerOk(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", PEER]);
        const { ms } = await until(
            "router --ready",
            60000,
            () => (ready().status === 0 ? true : undefined),
            () =>
                `--ready: ${JSON.stringify(ready())}\npeer logs: ${docker(["logs", PEER]).stdout}${docker(["logs", PEER]).stderr}`,
        );
        process.stdout.write(`      (ready ${ms} ms after the peer started)\n`);
        assert.match(ready().stdout, /router: 1 BGP sessions Established/);
        const neighbors = vtyJson(ROUTER, "show bgp neighbors json");
        assert.deepStrictEqual(Object.keys(neighbors), [peerIp], "the peer is a dynamic neighbour of the listen range");
        assert.strictEqual(neighbors[peerIp].bgpState, "Established");
        assert.strictEqual(neighbors[peerIp].peerGroup, "SWARM");
        const bfd = await until(
            "BFD up on the router",
            20000,
            () => {
                const peers = vtyJson(ROUTER, "show bfd peers json") as {
                    peer: string;
                    status: string;
                    "detect-multiplier": number;
                    "receive-interval": number;
                    "transmit-interval": number;
                }[];
                const p = peers.find((x) => x.peer === peerIp);
                return p?.status === "up" ? p : undefined;
            },
            () => dockerOk(["exec", ROUTER, "vtysh", "-c", "show bfd peers"]),
        );
        assert.strictEqual(bfd.value["detect-multiplier"], 3);
        assert.strictEqual(bfd.value["receive-interval"], 300);
        assert.strictEqual(bfd.value["transmit-interval"], 300);
    });

    it("the peer learns exactly the announced prefix via the router; the router accepts nothing", () => {
        const peerRib = vtyJson(PEER, "show bgp ipv4 unicast json").routes as Record<
            string,
            { nexthops: { ip: string }[]; valid: boolean }[]
        >;
        assert.deepStrictEqual(
            Object.keys(peerRib).sort(),
            [ANNOUNCED, OFFERED].sort(),
            "the peer's own prefix and the announced one",
        );
        assert.strictEqual(peerRib[ANNOUNCED][0].nexthops[0].ip, routerIp);
        const routerRib = vtyJson(ROUTER, "show bgp ipv4 unicast json").routes as Record<string, unknown>;
        assert.deepStrictEqual(
            Object.keys(routerRib),
            [ANNOUNCED],
            `the router took nothing from the peer: ${JSON.stringify(routerRib)}`,
        );
        const sent = vtyJson(PEER, `show bgp ipv4 unicast neighbors ${routerIp} advertised-routes json`);
        assert.ok(
            OFFERED in (sent.advertisedRoutes ?? {}),
            `negative control: the peer did offer ${OFFERED}, which the router's in-policy refused: ${JSON.stringify(sent)}`,
        );
    });

    it("a dead peer makes the router not ready again (the session is gone), while it stays live", async () => {
        dockerOk(["rm", "-f", PEER]);
        const { ms } = await until(
            "router not ready",
            30000,
            () => (ready().status !== 0 ? true : undefined),
            () => JSON.stringify(ready()),
        );
        process.stdout.write(`      (not ready ${ms} ms after the peer was removed)\n`);
        assert.strictEqual(
            docker(["exec", ROUTER, "/usr/local/bin/start.sh", "--health"]).status,
            0,
            "liveness stays ok",
        );
    });

    it("a dead bgpd ends the container", async () => {
        dockerOk(["exec", ROUTER, "sh", "-c", "kill -9 $(cat /run/frr/bgpd.pid)"]);
        const { value: code } = await until(
            "router exited",
            20000,
            () => {
                const [status, c] = dockerOk(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", ROUTER]).split(
                    " ",
                );
                return status === "exited" ? Number(c) : undefined;
            },
            () => dockerOk(["inspect", "-f", "{{.State.Status}}", ROUTER]),
        );
        assert.notStrictEqual(code, 0);
        assert.match(docker(["logs", ROUTER]).stderr, /a daemon exited with status 137/);
    });
});
