// The VNF images on Docker: build them with images/build.sh, run the same render checks inside
// the images, then real containers (bad env, router routes in FRR and the kernel, apache page, LB
// /healthz and proxying, capabilities, vty, restart). No Docker Engine = these FAIL with what is
// missing, never skip.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { renderNginxMainConfig } from "../reference/nginx-config";
import {
    vectors,
    IMAGES,
    VERSION,
    image,
    ROUTER_HOSTNAME,
    PATH_ENV,
    Env,
    Outcome,
    run,
    expectedRouter,
    expectedLb,
    assertSameAsTs,
    assertVectorRouter,
    assertVectorLb,
    extraRouter,
    extraLb,
} from "./start-script-cases";
import { FRR_CAPABILITIES } from "../../lib/frr-capabilities";

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
        state = dockerOk([
            "inspect",
            "-f",
            "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}",
            name,
        ]);
        if (state === "running healthy") return;
        if (!state.startsWith("running")) break;
        await sleep(500);
    }
    const logs = docker(["logs", name]);
    assert.fail(`${name} is "${state}", not healthy, after ${timeoutMs / 1000}s; logs:\n${logs.stdout}${logs.stderr}`);
}

/** `docker wait` returns when the container exits, with its exit code: awaited, not polled. */
async function waitExited(name: string, timeoutMs = 20000): Promise<number> {
    const r = docker(["wait", name], timeoutMs);
    if (r.status !== 0) assert.fail(`${name} did not exit within ${timeoutMs / 1000}s: ${r.stderr}`);
    return Number(r.stdout.trim());
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
 * What QuaggaRouter's leastPrivilege grants (lib/frr-capabilities.ts; tests/components/quagga-router.test.ts
 * pins the list), run as Kubernetes would: every other capability dropped, no privilege
 * escalation (allowPrivilegeEscalation: false).
 */
const LEAST_PRIVILEGE_CAPS: readonly string[] = FRR_CAPABILITIES;
const CAPS_MASK = "0000000000203000"; // bits 12 (NET_ADMIN), 13 (NET_RAW), 21 (SYS_ADMIN) of /proc/PID/status
const caps = [
    "--cap-drop",
    "ALL",
    ...LEAST_PRIVILEGE_CAPS.flatMap((c) => ["--cap-add", c]),
    "--security-opt",
    "no-new-privileges",
];

/**
 * A telnet-less vty client: connects to host:port, and for each step waits until the text
 * received since the previous step matches `until`, then sends `send` (CRLF added). Telnet
 * option bytes (IAC ...) are dropped. Resolves with everything received (rejects on timeout).
 */
function vtySession(
    host: string,
    port: number,
    steps: { until: RegExp; send?: string }[],
    timeoutMs = 10000,
): Promise<string> {
    return new Promise((resolve, reject) => {
        const sock = net.connect({ host, port });
        let all = "";
        let since = "";
        let i = 0;
        const timer = setTimeout(() => {
            sock.destroy();
            reject(
                new Error(
                    `vty ${host}:${port}: step ${i} (${steps[i]?.until}) not seen within ${timeoutMs}ms; got:\n${all}`,
                ),
            );
        }, timeoutMs);
        const done = () => {
            clearTimeout(timer);
            sock.destroy();
            resolve(all);
        };
        sock.on("data", (buf: Buffer) => {
            // IAC (255) + command + option: telnet negotiation, not text.
            const text = buf
                .toString("latin1")
                .replace(/\xff[\xfb-\xfe]./gs, "")
                .replace(/\xff./gs, "");
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
    const script = cases
        .map((env, i) => {
            const assigns = Object.entries(env)
                .map(([k, v]) => q(`${k}=${v}`))
                .join(" ");
            return [
                `env -i PATH=${PATH_ENV} ${assigns} /usr/local/bin/start.sh --render-only >/tmp/out 2>/tmp/err; s=$?`,
                `printf '@@@CASE ${i} %s\\n' "$s"; cat /tmp/out; printf '@@@ERR\\n'; cat /tmp/err; printf '@@@END\\n'`,
            ].join("\n");
        })
        .join("\n");
    const res = run("docker", ["run", "--rm", "-i", "--network", "none", "--entrypoint", "sh", image(name), "-s"], {
        input: script,
        timeout: 120000,
    });
    assert.strictEqual(res.status, 0, `render run in ${image(name)} failed:\n${res.stderr}`);
    const out: Outcome[] = [];
    const re = /@@@CASE (\d+) (\d+)\n([\s\S]*?)@@@ERR\n([\s\S]*?)@@@END\n/g;
    for (const m of res.stdout.matchAll(re)) out[Number(m[1])] = { status: Number(m[2]), stdout: m[3], stderr: m[4] };
    assert.strictEqual(
        out.filter(Boolean).length,
        cases.length,
        `expected ${cases.length} results from ${image(name)}:\n${res.stdout}`,
    );
    return out;
}

describe("images: Docker (build, then run the real containers)", function () {
    this.timeout(10 * 60 * 1000);
    let gateway = "";

    before(function () {
        const cli = spawnSync("docker", ["version", "--format", "{{.Client.Version}}"], { encoding: "utf8" });
        if (cli.error) {
            assert.fail(
                `the docker CLI is not installed (${cli.error.message}): these tests need a Docker Engine ` +
                    "(apt-get install docker.io; CI installs Docker). They fail rather than skip.",
            );
        }
        const info = docker(["info", "--format", "{{.ServerVersion}}"]);
        if (info.status !== 0) {
            assert.fail(
                `the Docker Engine is not reachable (docker info: ${info.stderr.trim()}); start it ` +
                    "(e.g. dockerd >/var/log/dockerd.log 2>&1 &). These tests fail rather than skip.",
            );
        }
        const build = run("sh", [path.join(IMAGES, "build.sh")], { timeout: 9 * 60 * 1000 });
        assert.strictEqual(build.status, 0, `images/build.sh failed:\n${build.stdout}${build.stderr}`);
        process.stdout.write(
            build.stderr
                .split("\n")
                .filter(Boolean)
                .map((l) => `      ${l}\n`)
                .join(""),
        );
        process.stdout.write(
            build.stdout
                .split("\n")
                .filter(Boolean)
                .map((l) => `      ${l}\n`)
                .join(""),
        );
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
            const v = dockerOk([
                "image",
                "inspect",
                "-f",
                '{{index .Config.Labels "org.opencontainers.image.version"}}',
                image(n),
            ]);
            assert.strictEqual(v, VERSION, image(n));
        }
    });

    it("router image: --render-only matches every vector and the TS module", () => {
        const cases = [...vectors.router.map((v) => v.env), ...extraRouter.map((c) => c.env)];
        const got = renderInImage(
            "router",
            cases.map((env) => ({ ...env, ROUTER_HOSTNAME })),
        );
        vectors.router.forEach((v, i) => assertVectorRouter(v, got[i], `in image: ${v.name}`));
        extraRouter.forEach((c, i) =>
            assertSameAsTs(got[vectors.router.length + i], expectedRouter(c.env), `in image: ${c.name}`),
        );
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
        const r = dockerRun("router-bad", [
            "--network",
            "none",
            "-e",
            "INTERFACES=eth0,eth1",
            "-e",
            "ROUTES=10.0.0.0/33 dev eth1",
            image("router"),
        ]);
        assert.notStrictEqual(r.status, 0, `exited 0:\n${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /ROUTES entry "10\.0\.0\.0\/33 dev eth1": /);
    });

    it("nginx-lb container with a bad SERVERS entry exits non-zero naming it", () => {
        const r = dockerRun("lb-bad", [
            "--network",
            "none",
            "-e",
            "SERVERS=10.0.0.1,10.0.0.1:70000",
            image("nginx-lb"),
        ]);
        assert.notStrictEqual(r.status, 0, `exited 0:\n${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /SERVERS entry "10\.0\.0\.1:70000": /);
    });

    it("nginx-lb container whose backend name does not resolve fails nginx -t and exits", () => {
        // --network none: the lookup fails at once instead of waiting for a DNS timeout.
        const r = dockerRun("lb-unresolvable", [
            "--network",
            "none",
            "-e",
            "SERVERS=hvnf-no-such-backend",
            image("nginx-lb"),
        ]);
        assert.strictEqual(r.status, 3, `${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /nginx -t/);
        assert.match(r.stderr, /host not found in upstream "hvnf-no-such-backend:80"/);
    });

    describe("router container with good env, least privilege: only NET_ADMIN, NET_RAW, SYS_ADMIN", () => {
        const name = `${PREFIX}-router`;
        before(async () => {
            // eth0 is the container's leg on the test network; the next hop is the network's gateway.
            const r = dockerRun("router", [
                "-d",
                "--network",
                network,
                ...caps,
                "-e",
                "INTERFACES=eth0",
                "-e",
                `ROUTES=10.100.102.0/24 dev eth0,192.168.250.0/24 ${gateway}`,
                image("router"),
            ]);
            assert.strictEqual(r.status, 0, r.stderr);
            await waitHealthy(name);
        });

        it("runs with no capability but those three (Docker has dropped all others) and as root", () => {
            const hc = JSON.parse(dockerOk(["inspect", "-f", "{{json .HostConfig}}", name]));
            assert.deepStrictEqual(hc.CapDrop, ["ALL"]);
            assert.deepStrictEqual(
                hc.CapAdd.map((c: string) => c.replace(/^CAP_/, "")).sort(),
                [...LEAST_PRIVILEGE_CAPS].sort(),
            );
            assert.strictEqual(hc.Privileged, false);
            // The bounding set of every process, the daemons included, is exactly the three.
            const status = dockerOk([
                "exec",
                name,
                "sh",
                "-c",
                "for p in 1 $(cat /run/frr/zebra.pid) $(cat /run/frr/staticd.pid); do grep -E '^(Uid|CapBnd|CapPrm):' /proc/$p/status; done",
            ]);
            const bnd = [...status.matchAll(/^CapBnd:\s+([0-9a-f]+)$/gm)].map((m) => m[1]);
            assert.deepStrictEqual(bnd, [CAPS_MASK, CAPS_MASK, CAPS_MASK], status);
            for (const m of status.matchAll(/^CapPrm:\s+([0-9a-f]+)$/gm))
                assert.strictEqual(BigInt(`0x${m[1]}`) & ~BigInt(`0x${CAPS_MASK}`), 0n, status);
            for (const m of status.matchAll(/^Uid:\s+(.*)$/gm))
                assert.match(m[1], /^0\s+0\s+0\s+0$/, "the daemons run as root (no user switch)");
        });

        it("without VTY_PASSWORD the vty listens on 127.0.0.1 only: nothing answers on the container's address", async () => {
            const listening = dockerOk(["exec", name, "ss", "-Hltn"]);
            for (const port of [2601, 2616]) {
                assert.match(listening, new RegExp(`127\\.0\\.0\\.1:${port}\\b`), listening);
                assert.doesNotMatch(listening, new RegExp(`(0\\.0\\.0\\.0|\\*|\\[::\\]):${port}\\b`), listening);
            }
            const ip = dockerOk(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name]);
            await assert.rejects(vtySession(ip, 2601, [{ until: /Password:/ }], 3000), /ECONNREFUSED/);
            assert.match(
                docker(["logs", name]).stdout,
                /router: vty \(TCP 2601 zebra, 2616 staticd\) on 127\.0\.0\.1 only \(no VTY_PASSWORD\)/,
            );
        });

        it("logs the rendered route lines at start", () => {
            const logs = docker(["logs", name]);
            assert.match(logs.stdout, /router: {3}ip route 10\.100\.102\.0\/24 eth0\n/);
            assert.ok(logs.stdout.includes(`router:   ip route 192.168.250.0/24 ${gateway}\n`), logs.stdout);
        });

        it("vtysh shows both static routes selected and installed", () => {
            const out = dockerOk(["exec", name, "vtysh", "-c", "show ip route static"]);
            assert.match(out, /^S>\* 10\.100\.102\.0\/24 \[1\/0\] is directly connected, eth0/m, out);
            assert.ok(
                new RegExp(
                    `^S>\\* 192\\.168\\.250\\.0/24 \\[1/0\\] via ${gateway.replace(/\./g, "\\.")}, eth0`,
                    "m",
                ).test(out),
                out,
            );
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
            const r = dockerRun(
                `router-no-${missing.toLowerCase().replace("_", "-")}`,
                [
                    "--network",
                    network,
                    "--cap-drop",
                    "ALL",
                    ...others.flatMap((c) => ["--cap-add", c]),
                    "-e",
                    `ROUTES=192.168.250.0/24 ${gateway}`,
                    image("router"),
                ],
                60000,
            );
            assert.notStrictEqual(r.status, 0, `exited 0 without ${missing}:\n${r.stdout}${r.stderr}`);
            assert.match(r.stderr, /cap_set_proc failed/, r.stderr);
            assert.match(
                r.stderr,
                /router: zebra died during startup \(it needs the NET_ADMIN, NET_RAW and SYS_ADMIN capabilities\)/,
                r.stderr,
            );
        });
    }

    describe("router container with VTY_PASSWORD (least privilege): the vty answers on the network", () => {
        const name = `${PREFIX}-router-vty`;
        const password = "Vty-t3st!pw{x}";
        let ip = "";
        before(async () => {
            const r = dockerRun("router-vty", [
                "-d",
                "--network",
                network,
                ...caps,
                "-e",
                "INTERFACES=eth0",
                "-e",
                "ROUTES=10.100.102.0/24 dev eth0",
                "-e",
                `VTY_PASSWORD=${password}`,
                image("router"),
            ]);
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
            const wrong = await vtySession(ip, 2601, [
                { until: /Password: ?$/, send: "not-the-password" },
                { until: /Password: ?$/ },
            ]);
            assert.doesNotMatch(wrong, /> ?$/, "no prompt after a wrong password");
        });

        it("vtysh in the container still works (unix sockets, no password)", () => {
            const out = dockerOk(["exec", name, "vtysh", "-c", "show ip route static"]);
            assert.match(out, /^S>\* 10\.100\.102\.0\/24 /m, out);
            assert.match(
                dockerOk(["exec", name, "ip", "route", "show", "proto", "196"]),
                /^10\.100\.102\.0\/24 .*dev eth0/m,
            );
        });

        it("never prints the password: not in the logs, not in --render-only (REDACTED), not in the daemons' env", () => {
            const logs = docker(["logs", name]);
            assert.ok(
                !`${logs.stdout}${logs.stderr}`.includes(password),
                `the logs hold the password:\n${logs.stdout}${logs.stderr}`,
            );
            assert.match(
                logs.stdout,
                /router: vty \(TCP 2601 zebra, 2616 staticd\) on all addresses, login with VTY_PASSWORD/,
            );
            const rendered = dockerOk(["exec", name, "/usr/local/bin/start.sh", "--render-only"]);
            assert.ok(!rendered.includes(password), rendered);
            assert.match(rendered, /^line vty\n password REDACTED\n!$/m, rendered);
            const environ = dockerOk([
                "exec",
                name,
                "sh",
                "-c",
                "cat /proc/$(cat /run/frr/zebra.pid)/environ /proc/$(cat /run/frr/staticd.pid)/environ | tr '\\0' '\\n'",
            ]);
            assert.doesNotMatch(environ, /VTY_PASSWORD/, "the daemons do not inherit VTY_PASSWORD");
        });

        it("frr.conf holds the password under line vty, readable by root only", () => {
            assert.strictEqual(
                dockerOk(["exec", name, "stat", "-c", "%a %U:%G", "/etc/frr/frr.conf"]),
                "600 root:root",
            );
            const conf = dockerOk(["exec", name, "cat", "/etc/frr/frr.conf"]);
            assert.ok(
                conf.split("\n").includes(` password ${password}`),
                "the file the daemons load has the real password",
            );
        });
    });

    it("router container with a bad VTY_PASSWORD exits 2 without printing it", () => {
        const r = dockerRun("router-bad-vty", [
            "--network",
            "none",
            ...caps,
            "-e",
            "ROUTES=10.1.0.0/16 dev eth0",
            "-e",
            "VTY_PASSWORD=Bad password!",
            image("router"),
        ]);
        assert.strictEqual(r.status, 2, `${r.stdout}${r.stderr}`);
        assert.strictEqual(
            r.stderr.trim(),
            'VTY_PASSWORD entry "[hidden]": the password must be printable ASCII without spaces or newlines',
        );
        assert.ok(!`${r.stdout}${r.stderr}`.includes("Bad password"));
    });

    it("router container comes back with its routes after docker restart (stale sockets are not taken for ready daemons)", async () => {
        const name = `${PREFIX}-router-restart`;
        const r = dockerRun("router-restart", [
            "-d",
            "--network",
            network,
            ...caps,
            "-e",
            "INTERFACES=eth0",
            "-e",
            `ROUTES=10.100.102.0/24 dev eth0,192.168.250.0/24 ${gateway}`,
            image("router"),
        ]);
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
        assert.match(
            routes,
            /^10\.100\.102\.0\/24 .*dev eth0/m,
            `after the restart:\n${routes}\n${docker(["logs", name]).stdout}`,
        );
        assert.ok(routes.includes(`192.168.250.0/24 nhid`), routes);
    });

    it("router container stops cleanly on docker stop (signal forwarded to the daemons)", async () => {
        const name = `${PREFIX}-router-stop`;
        const r = dockerRun("router-stop", [
            "-d",
            "--network",
            network,
            "--cap-add",
            "NET_ADMIN",
            "--cap-add",
            "NET_RAW",
            "--cap-add",
            "SYS_ADMIN",
            "-e",
            `ROUTES=192.168.250.0/24 ${gateway}`,
            image("router"),
        ]);
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
            let r = dockerRun("apache1", [
                "-d",
                "--network",
                network,
                "-e",
                "BACKEND_NAME=hvnf-apache-1",
                image("apache"),
            ]);
            assert.strictEqual(r.status, 0, r.stderr);
            r = dockerRun("lb", ["-d", "--network", network, "-e", `SERVERS=${apache}`, image("nginx-lb")]);
            assert.strictEqual(r.status, 0, r.stderr);
            await waitHealthy(apache);
            await waitHealthy(lb);
            const ip = (n: string) =>
                dockerOk(["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", n]);
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
            const hex = lbIp
                .split(".")
                .map((o) => Number(o).toString(16).padStart(2, "0").toUpperCase())
                .reverse()
                .join("");
            const table = dockerOk(["exec", apache, "cat", "/proc/net/tcp"])
                .split("\n")
                .slice(1)
                .map((l) => l.trim().split(/\s+/));
            const fromLb = table.filter((f) => f[1]?.endsWith(":0050") && f[2]?.startsWith(`${hex}:`) && f[3] === "01");
            assert.ok(
                fromLb.length >= 1 && fromLb.length < 10,
                `${fromLb.length} established LB connections at Apache after 10 requests`,
            );
            assert.match(dockerOk(["logs", lb]), /nginx-lb: config checked with nginx -t; \d+ worker processes/);
        });
    });
});
