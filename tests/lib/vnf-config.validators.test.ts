// Real-tool checks: the configs we render must be accepted by the same tools the image
// start scripts use (Debian frr's vtysh -C, nginx -t). Missing tools fail, never skip.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseLbEnv } from "../../lib/lb-env";
import { parseRouterEnv } from "../../lib/router-env";
import { realTool, runTool } from "../fixtures/real-tools";
import { renderFrrConfig } from "../reference/frr-config";
import { renderNginxConfig, renderNginxMainConfig } from "../reference/nginx-config";
import type { LbVector, RouterVector } from "./vnf-config.test";

// Read the JSON directly: importing the other test file would register its tests twice.
const vectors: { router: RouterVector[]; lb: LbVector[] } = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "vectors", "vnf-env.json"), "utf8"),
);

describe("vnf-config real tools", () => {
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vnf-tools-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("vnf-config vs vtysh -C (frr)", () => {
        const check = (name: string, conf: string) => {
            const file = path.join(tmp, `${name}.frr.conf`);
            fs.writeFileSync(file, conf);
            return runTool("vtysh", ["-C", "-f", file]);
        };
        const accepting = vectors.router.filter((v) => !v.rejects);

        it("negative control: vtysh -C rejects a broken config", () => {
            const { interfaces, routes } = parseRouterEnv(accepting[0].env);
            const r = check(
                "broken",
                renderFrrConfig({ hostname: "router", interfaces, routes }) + "ip route 10.0.0.0/33 eth1\n",
            );
            assert.notStrictEqual(r.status, 0, `vtysh accepted a broken config:\n${r.out}`);
        });

        it("negative control: vtysh -C rejects a bgp config with a BFD multiplier out of FRR's range", () => {
            const v = accepting.find((x) => x.env.ROUTING === "bgp")!;
            const parsed = parseRouterEnv(v.env);
            const conf = renderFrrConfig({ hostname: "router", ...parsed }).replace(
                /^ {2}detect-multiplier \d+$/m,
                "  detect-multiplier 300",
            );
            assert.match(conf, /detect-multiplier 300/);
            const r = check("broken-bgp", conf);
            assert.notStrictEqual(r.status, 0, `vtysh accepted a broken bgp config:\n${r.out}`);
        });

        accepting.forEach((v, i) => {
            it(`accepts: ${v.name}`, () => {
                // Both the file the image writes (password revealed) and what it prints (placeholder).
                for (const reveal of [true, false]) {
                    const r = check(
                        `v${i}`,
                        renderFrrConfig({
                            hostname: "vnf-router",
                            ...parseRouterEnv(v.env),
                            revealVtyPassword: reveal,
                            revealBgpPassword: reveal,
                        }),
                    );
                    assert.strictEqual(r.status, 0, r.out);
                }
            });
        });
    });

    describe("vnf-config vs nginx -t", () => {
        // nginx resolves upstream hostnames at load time, so run it in a private mount
        // namespace whose /etc/hosts maps the vector hostnames to TEST-NET (hermetic, needs root).
        let hostsFile: string;
        before(() => {
            const names = new Set(
                vectors.lb
                    .filter((v) => !v.rejects)
                    .flatMap((v) => parseLbEnv(v.env).backends.map((b) => b.host))
                    .filter((h) => !/^[0-9.]+$/.test(h)),
            );
            hostsFile = path.join(tmp, "hosts");
            fs.writeFileSync(
                hostsFile,
                ["127.0.0.1 localhost", ...[...names].map((n) => `192.0.2.1 ${n}`)].join("\n") + "\n",
            );
        });

        const tempPaths = (dir: string) =>
            ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `    ${t}_temp_path ${dir}/${t}_temp;`);
        /** The image's main nginx.conf with its file paths moved into the temp dir (each must be there to move). */
        const mainInTemp = (main: string) => (dir: string) => {
            const moves: [string, string][] = [
                // The user namespace maps only root: workers of www-data could not own the temp dirs.
                ["user www-data;", "user root;"],
                ["pid /run/nginx.pid;", `pid ${dir}/nginx.pid;`],
                ["error_log /var/log/nginx/error.log;", `error_log ${dir}/error.log;`],
                ["include /etc/nginx/modules-enabled/*.conf;", "# the host's dynamic modules are not the image's"],
                ["    access_log /var/log/nginx/access.log;", `    access_log ${dir}/access.log;`],
                [
                    "    include /etc/nginx/conf.d/*.conf;",
                    [...tempPaths(dir), `    include ${dir}/vnf.conf;`].join("\n"),
                ],
            ];
            for (const [from, to] of moves) {
                assert.ok(main.split("\n").includes(from), `main nginx.conf has no line ${JSON.stringify(from)}`);
                main = main.replace(from, to);
            }
            return main;
        };
        const check = (name: string, snippet: string, main?: (dir: string) => string) => {
            const dir = path.join(tmp, `nginx-${name}`);
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "vnf.conf"), snippet);
            // A minimal full nginx.conf around the conf.d snippet; every path stays in the temp dir.
            fs.writeFileSync(
                path.join(dir, "nginx.conf"),
                main
                    ? main(dir)
                    : [
                          "user root;", // the user namespace maps only root (nginx's default, nobody, is unmapped)
                          `pid ${dir}/nginx.pid;`,
                          `error_log ${dir}/error.log;`,
                          "events {",
                          "    worker_connections 64;",
                          "}",
                          "http {",
                          "    access_log off;",
                          ...tempPaths(dir),
                          `    include ${dir}/vnf.conf;`,
                          "}",
                          "",
                      ].join("\n"),
            );
            const nginx = realTool("nginx");
            const cmd = `mount --bind "$1" /etc/hosts && exec "$2" -t -q -p "$3/" -e "$3/error.log" -c "$3/nginx.conf"`;
            // A user namespace (--map-root-user) lets the bind mount work without root; in a network
            // namespace of its own nginx -t may bind port 80 as that root.
            const r = runTool("unshare", [
                "--map-root-user",
                "--mount",
                "--net",
                "sh",
                "-c",
                cmd,
                "sh",
                hostsFile,
                nginx,
                dir,
            ]);
            if (/unshare: |mount: /.test(r.out))
                assert.fail(`cannot set up a private /etc/hosts (needs user namespaces):\n${r.out}`);
            return r;
        };
        const accepting = vectors.lb.filter((v) => !v.rejects);

        it("negative control: nginx -t rejects a broken config", () => {
            const snippet = renderNginxConfig(parseLbEnv(accepting[0].env)).replace(
                "    listen ",
                "    bogus_directive on;\n    listen ",
            );
            const r = check("broken", snippet);
            assert.notStrictEqual(r.status, 0, `nginx accepted a broken config:\n${r.out}`);
            assert.match(r.out, /bogus_directive/);
        });

        accepting.forEach((v, i) => {
            it(`accepts: ${v.name}`, () => {
                const r = check(`v${i}`, renderNginxConfig({ ...parseLbEnv(v.env), listenPort: 8080 }));
                assert.strictEqual(r.status, 0, r.out);
            });
        });

        it("accepts the image's main nginx.conf (workers, rlimit, connections) around the snippet", () => {
            for (const workers of [1, 2, 64]) {
                const r = check(
                    `main-${workers}`,
                    renderNginxConfig(parseLbEnv(accepting[0].env)),
                    mainInTemp(renderNginxMainConfig({ workers })),
                );
                assert.strictEqual(r.status, 0, r.out);
            }
        });

        it("negative control: nginx -t rejects keepalive outside an upstream block", () => {
            const snippet = renderNginxConfig(parseLbEnv(accepting[0].env)).replace(
                "        proxy_http_version 1.1;",
                "        keepalive 32;",
            );
            const r = check("keepalive-misplaced", snippet, mainInTemp(renderNginxMainConfig({ workers: 1 })));
            assert.notStrictEqual(r.status, 0, `nginx accepted keepalive in a location:\n${r.out}`);
            assert.match(r.out, /"keepalive" directive is not allowed here/);
        });

        it("accepts non-default options (ms timeouts where nginx allows them)", () => {
            const r = check(
                "opts",
                renderNginxConfig({
                    ...parseLbEnv(accepting[0].env),
                    maxFails: 1,
                    failTimeout: "1m",
                    nextUpstreamTries: 0,
                    nextUpstreamTimeout: "1m",
                    connectTimeout: "500ms",
                    sendTimeout: "5s",
                    readTimeout: "1h",
                }),
            );
            assert.strictEqual(r.status, 0, r.out);
        });
    });
});
