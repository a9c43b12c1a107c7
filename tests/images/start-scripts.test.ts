// The images' start scripts on the host shell, no Docker: every vector and extra case through
// `start.sh --render-only` (and the LB's main config) under dash and bash, against the TS oracle.
import * as assert from "assert";
import * as path from "path";
import { renderNginxMainConfig, workerProcesses } from "../reference/nginx-config";
import { cpuMaxOf } from "../reference/nginx-vectors";
import {
    vectors,
    IMAGES,
    ROUTER_HOSTNAME,
    PATH_ENV,
    run,
    expectedRouter,
    expectedLb,
    assertSameAsTs,
    assertVectorRouter,
    assertVectorLb,
    extraRouter,
    extraLb,
    nginxVectors,
    renderMainOnHost,
    SHELLS,
    renderOnHost,
} from "./start-script-cases";

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
                    assertSameAsTs(
                        renderOnHost(shell, "router", c.env, { ROUTER_HOSTNAME }),
                        expectedRouter(c.env),
                        c.name,
                    );
                });
            }
            it("RENDER_ONLY=1 works like --render-only", () => {
                const env = {
                    PATH: process.env.PATH ?? PATH_ENV,
                    ROUTES: "10.1.0.0/16 10.0.0.1",
                    ROUTER_HOSTNAME,
                    RENDER_ONLY: "1",
                };
                assertSameAsTs(
                    run(shell, [path.join(IMAGES, "router", "start.sh")], { env }),
                    expectedRouter(env),
                    "RENDER_ONLY",
                );
            });
            it("rejects an invalid ROUTER_HOSTNAME naming the key and entry", () => {
                const r = renderOnHost(shell, "router", {
                    ROUTES: "10.1.0.0/16 10.0.0.1",
                    ROUTER_HOSTNAME: "bad_host",
                });
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
                    assertSameAsTs(
                        renderOnHost(shell, "nginx-lb", c.env, c.extraEnv),
                        expectedLb(c.env, listen),
                        c.name,
                    );
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
                    assert.strictEqual(
                        got.stdout,
                        renderNginxMainConfig({ workers: workerProcesses(v.nproc, cpuMaxOf(v)) }),
                    );
                });
            }
        });
    }
});
