// The reference nginx renderers against tests/vectors/nginx-config.json (the shell twin is held
// to the same vectors in tests/images/; nginx -t checks both in tests/lib/vnf-config.validators.test.ts).
import * as assert from "assert";
import { parseServers } from "../../lib/lb-env";
import { renderNginxConfig, renderNginxMainConfig, workerProcesses } from "./nginx-config";
import { cpuMaxOf, readNginxVectors } from "./nginx-vectors";

const vectors = readNginxVectors();

describe("reference nginx config (the nginx-lb start script's twin)", () => {
    describe("workerProcesses", () => {
        for (const v of vectors.workers) {
            it(v.name, () => assert.strictEqual(workerProcesses(v.nproc, cpuMaxOf(v)), v.workers));
        }
    });

    it("the conf.d snippet keeps a keepalive pool, HTTP/1.1 without Connection, and the retries as they were", () => {
        const conf = renderNginxConfig({ backends: parseServers("10.0.0.1,apache-2:8080") }).split("\n");
        const upstream = conf.slice(0, conf.indexOf("}"));
        for (const l of vectors.upstreamLines) assert.ok(upstream.includes(l), `${l} in the upstream block`);
        for (const l of [...vectors.proxyLines, ...vectors.retryLines]) assert.ok(conf.includes(l), l);
        assert.ok(conf.includes("    server 10.0.0.1:80 max_fails=3 fail_timeout=10s;"));
        // HTTP/1.1 and the cleared Connection header come before any retry or header directive.
        assert.ok(conf.indexOf(vectors.proxyLines[1]) < conf.indexOf(vectors.retryLines[0]));
    });

    it("the main nginx.conf sizes workers as told and includes the snippet", () => {
        const main = renderNginxMainConfig({ workers: 3 }).split("\n");
        assert.ok(main.includes("worker_processes 3;"));
        assert.ok(!main.some((l) => /worker_processes auto/.test(l)), "auto counts the host's CPUs");
        for (const l of vectors.mainLines) assert.ok(main.includes(l), l);
        assert.throws(() => renderNginxMainConfig({ workers: 0 }), /workers entry "0"/);
        assert.throws(() => renderNginxMainConfig({ workers: 1.5 }), /workers/);
    });
});
