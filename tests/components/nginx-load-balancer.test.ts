// NginxLoadBalancer alone, under Pulumi's mock runtime: the Swarm service it sends, and its errors.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/docker/provider";
import {
    NginxLoadBalancer,
    NginxLoadBalancerArgs,
    VNF_SERVICE_LABEL_KEY,
    backendsOf,
} from "../../components/nginx-load-balancer";
import { VnfConfigError } from "../../lib/vnf-env-syntax";

import { mockRun, promiseOf, Recorded } from "../fixtures/component-mocks";

const base: NginxLoadBalancerArgs = {
    image: "hybrid-vnf/nginx-lb:0.1.0",
    backends: backendsOf(["10.100.102.10", "10.100.102.11"], 80),
    publishedPort: 8080,
};
const service = (rs: Recorded[]) => {
    const s = rs.filter((r) => r.type === "docker:index/service:Service");
    assert.strictEqual(s.length, 1);
    return s[0].inputs;
};

describe("NginxLoadBalancer", () => {
    it("creates one Swarm service as its child, with the given provider", async () => {
        const { result: lb, resources } = await mockRun(() => {
            const provider = new Provider("swarm", { host: "unix:///var/run/docker.sock" });
            return new NginxLoadBalancer("lb", base, { provider });
        });
        const svc = resources.find((r) => r.type === "docker:index/service:Service")!;
        assert.strictEqual(svc.name, "lb-service");
        assert.match(svc.provider ?? "", /pulumi:providers:docker::swarm::/);
        assert.match(
            await promiseOf(lb.service.urn),
            /hybrid-vnf:index:NginxLoadBalancer\$docker:index\/service:Service::lb-service$/,
        );
        assert.strictEqual(await promiseOf(lb.serviceName), "lb");
    });

    it("sets SERVERS from the backends (validated, seed format) and LISTEN_PORT", async () => {
        const { result: lb, resources } = await mockRun(() => new NginxLoadBalancer("lb", base));
        const spec = service(resources).taskSpec.containerSpec;
        assert.strictEqual(spec.image, "hybrid-vnf/nginx-lb:0.1.0");
        assert.deepStrictEqual(spec.env, { SERVERS: "10.100.102.10:80,10.100.102.11:80", LISTEN_PORT: "80" });
        assert.deepStrictEqual(
            await promiseOf(lb.backends),
            [
                { host: "10.100.102.10", port: 80 },
                { host: "10.100.102.11", port: 80 },
            ],
            "the backends output stays typed",
        );
        assert.deepStrictEqual(await promiseOf(lb.env), spec.env, "the env output is the container env");
    });

    it("publishes the port in ingress mode with 2 replicas by default", async () => {
        const { result: lb, resources } = await mockRun(() => new NginxLoadBalancer("lb", base));
        const s = service(resources);
        assert.deepStrictEqual(s.endpointSpec.ports, [
            { name: "http", protocol: "tcp", targetPort: 80, publishedPort: 8080, publishMode: "ingress" },
        ]);
        assert.deepStrictEqual(s.mode, { replicated: { replicas: 2 } });
        assert.strictEqual(s.taskSpec.placement, undefined);
        assert.strictEqual(await promiseOf(lb.publishedPort), 8080);
    });

    it("rolls updates start-first, one at a time, rolling back on failure; has a rollback config", async () => {
        const { resources } = await mockRun(() => new NginxLoadBalancer("lb", base));
        const s = service(resources);
        assert.strictEqual(s.updateConfig.order, "start-first");
        assert.strictEqual(s.updateConfig.parallelism, 1);
        assert.strictEqual(s.updateConfig.failureAction, "rollback");
        assert.ok(s.updateConfig.monitor, "a monitor window judges the new task");
        assert.strictEqual(s.rollbackConfig.parallelism, 1);
        assert.strictEqual(s.rollbackConfig.order, "start-first");
        assert.ok(["pause", "continue"].includes(s.rollbackConfig.failureAction));
    });

    it("has a health check on /healthz, a restart policy, resources, labels and a graceful stop", async () => {
        const { resources } = await mockRun(() => new NginxLoadBalancer("lb", { ...base, labels: { team: "vnf" } }));
        const s = service(resources);
        const hc = s.taskSpec.containerSpec.healthcheck;
        assert.deepStrictEqual(hc.tests, ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:80/healthz"]);
        assert.ok(hc.interval && hc.timeout && hc.retries > 0);
        assert.strictEqual(s.taskSpec.restartPolicy.condition, "any");
        assert.ok(s.taskSpec.resources.limits.memoryBytes > 0 && s.taskSpec.resources.reservation.memoryBytes > 0);
        const labels = Object.fromEntries(s.labels.map((l: any) => [l.label, l.value]));
        assert.strictEqual(labels[VNF_SERVICE_LABEL_KEY], "nginx-lb");
        assert.strictEqual(labels.team, "vnf");
        assert.strictEqual(s.taskSpec.containerSpec.stopSignal, "SIGQUIT");
        assert.strictEqual(s.name, "lb");
    });

    it("in host mode updates stop-first and places at most one task per node (the port is the node's)", async () => {
        const { resources } = await mockRun(
            () =>
                new NginxLoadBalancer("lb", {
                    ...base,
                    publishMode: "host",
                    replicas: 1,
                    targetPort: 8081,
                    serviceName: "edge",
                }),
        );
        const s = service(resources);
        assert.strictEqual(s.endpointSpec.ports[0].publishMode, "host");
        assert.strictEqual(s.endpointSpec.ports[0].targetPort, 8081);
        assert.strictEqual(s.taskSpec.containerSpec.env.LISTEN_PORT, "8081");
        assert.match(s.taskSpec.containerSpec.healthcheck.tests.join(" "), /127\.0\.0\.1:8081\/healthz/);
        assert.strictEqual(s.updateConfig.order, "stop-first");
        assert.deepStrictEqual(s.taskSpec.placement, { maxReplicas: 1 });
        assert.deepStrictEqual(s.mode, { replicated: { replicas: 1 } });
        assert.strictEqual(s.name, "edge");
        const forced = await mockRun(
            () => new NginxLoadBalancer("lb", { ...base, publishMode: "host", updateOrder: "start-first" }),
        );
        assert.strictEqual(service(forced.resources).updateConfig.order, "start-first");
    });

    it("follows backends given as an Output: another list, another SERVERS", async () => {
        const ips = ["10.100.102.20", "10.100.102.21", "10.100.102.22"];
        const { resources } = await mockRun(
            () =>
                new NginxLoadBalancer("lb", {
                    ...base,
                    backends: pulumi.output(ips).apply((a) => backendsOf(a, 8000)),
                }),
        );
        assert.strictEqual(
            service(resources).taskSpec.containerSpec.env.SERVERS,
            "10.100.102.20:8000,10.100.102.21:8000,10.100.102.22:8000",
        );
    });

    it("fails at plan time on a bad backend, naming SERVERS and the entry", async () => {
        const bad = await mockRun(
            () => new NginxLoadBalancer("lb", { ...base, backends: [{ host: "10.100.102.300", port: 80 }] }),
        );
        await assert.rejects(
            promiseOf(bad.result.backends),
            (e: unknown) => e instanceof VnfConfigError && e.key === "SERVERS" && e.entry === "10.100.102.300:80",
        );
        assert.ok(
            !bad.resources.some((r) => r.type === "docker:index/service:Service"),
            "no service is sent with bad backends",
        );
        const port = await mockRun(
            () => new NginxLoadBalancer("lb", { ...base, backends: [{ host: "10.0.0.1", port: 70000 }] }),
        );
        await assert.rejects(
            promiseOf(port.result.backends),
            /SERVERS entry "10\.0\.0\.1:70000": port 70000 is out of range/,
        );
        const empty = await mockRun(() => new NginxLoadBalancer("lb", { ...base, backends: [] }));
        await assert.rejects(promiseOf(empty.result.backends), /SERVERS.*the list is empty/);
        const dup = await mockRun(
            () => new NginxLoadBalancer("lb", { ...base, backends: backendsOf(["10.0.0.1", "10.0.0.1"], 80) }),
        );
        await assert.rejects(promiseOf(dup.result.backends), /duplicate backend/);
    });

    it("imports the Docker Service module only (no whole-package import)", () => {
        const src = fs.readFileSync(path.join(__dirname, "..", "..", "components", "nginx-load-balancer.ts"), "utf8");
        const from = [...src.matchAll(/from "(@pulumi\/docker[^"]*)"/g)].map((m) => m[1]).sort();
        assert.deepStrictEqual(from, ["@pulumi/docker/service", "@pulumi/docker/types/input"]);
    });

    it("rejects bad numbers and a bad publish mode, naming them", async () => {
        await mockRun(() => {
            assert.throws(() => new NginxLoadBalancer("a", { ...base, replicas: 0 }), /replicas: 0/);
            assert.throws(() => new NginxLoadBalancer("b", { ...base, targetPort: 0 }), /targetPort: 0/);
            assert.throws(
                () => new NginxLoadBalancer("c", { ...base, publishMode: "mesh" as any }),
                /publishMode "mesh"/,
            );
        });
        const port = await mockRun(() => new NginxLoadBalancer("lb", { ...base, publishedPort: 65536 }));
        await assert.rejects(promiseOf(port.result.publishedPort), /publishedPort: 65536/);
    });
});
