// The lab's spec extraction and addressing, without Docker: against the real plan of the
// local stacks, and against small hand-made plans for each refusal.
import * as assert from "assert";
import { planViews, specsFrom } from "../../../lab/specs/stack-views";
import { dockerPlan } from "../../../lab/docker-engine";
import { checkLbFits, firstFree, labAddressing, supernetOf } from "../../../lab/topology/addressing";
import {
    LAB_STACKS,
    LabSpecError,
    PlanView,
    chainBackends,
    chainRoutes,
    extractLbSpec,
    extractRouterSpec,
    k8sCpu,
    k8sMemory,
} from "../../../lab/specs/workload-specs";
import { ROUTER_INTERFACES } from "../../../lib/interfaces";
import { Route } from "../../../lib/router-env";
import { lbRunArgs, routerRunArgs, shellQuote } from "../../../lab/specs/workload-run-args";
import { lbService } from "../../../harness/plan-query";

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const routes: Route[] = [
    { prefix: "10.100.102.0/24", via: { kind: "dev", iface: "eth1" } },
    { prefix: "10.9.0.0/16", via: { kind: "nexthop", address: "10.100.101.1" } },
];
const routing = { interfaces: [...ROUTER_INTERFACES], routes };

function routerPlan(patch: (c: any, pod: any) => void = () => undefined): PlanView[] {
    const container = {
        name: "router",
        image: "hybrid-vnf/router:0.1.0",
        env: [
            { name: "INTERFACES", value: "eth0,eth1" },
            { name: "ROUTES", value: "10.100.102.0/24 dev eth1,10.9.0.0/16 10.100.101.1" },
        ],
        securityContext: {
            privileged: false,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"] },
        },
        livenessProbe: {
            exec: { command: ["/usr/local/bin/start.sh", "--health"] },
            periodSeconds: 20,
            timeoutSeconds: 5,
            failureThreshold: 3,
        },
        startupProbe: {
            exec: { command: ["/usr/local/bin/start.sh", "--health"] },
            periodSeconds: 2,
            failureThreshold: 30,
        },
        resources: { limits: { cpu: "500m", memory: "256Mi" } },
    };
    const pod = { hostNetwork: true, containers: [container], terminationGracePeriodSeconds: 15 };
    patch(container, pod);
    return [
        {
            stack: LAB_STACKS["service-chain"],
            outputs: {},
            resources: [
                {
                    type: "kubernetes:apps/v1:Deployment",
                    name: "router-deployment",
                    inputs: { spec: { template: { spec: pod } } },
                },
            ],
        },
    ];
}

describe("lab spec extraction (pure)", () => {
    it("takes the router container from the Deployment: image, env, capabilities, probes, limits; the routing as given, typed", () => {
        const r = extractRouterSpec(routerPlan(), routing);
        assert.strictEqual(r.image, "hybrid-vnf/router:0.1.0");
        assert.deepStrictEqual(r.interfaces, ROUTER_INTERFACES);
        assert.strictEqual(r.routes, routes, "the chain's Route objects, not a parse of the env");
        assert.deepStrictEqual([r.capDrop, r.capAdd], [["ALL"], ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"]]);
        assert.strictEqual(r.noNewPrivileges, true);
        assert.deepStrictEqual(r.health, {
            cmd: ["/usr/local/bin/start.sh", "--health"],
            interval: "20s",
            timeout: "5s",
            retries: 3,
            startPeriod: "60s",
        });
        const args = routerRunArgs(r, { name: "rt", node: "nd", labels: { l: "1" } });
        const joined = args.join(" ");
        assert.ok(joined.includes("--network container:nd"), joined);
        assert.ok(joined.includes("--cap-drop ALL --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN"), joined);
        assert.ok(
            joined.includes("--security-opt no-new-privileges --memory 268435456 --cpus 0.5 --stop-timeout 15"),
            joined,
        );
        assert.ok(args.includes("ROUTES=10.100.102.0/24 dev eth1,10.9.0.0/16 10.100.101.1"));
        assert.strictEqual(args[args.length - 1], "hybrid-vnf/router:0.1.0");
    });

    it("refuses a router spec the lab cannot run, naming the resource and field", () => {
        const cases: [string, (c: any, pod: any) => void, RegExp][] = [
            [
                "no hostNetwork",
                (_c, pod) => (pod.hostNetwork = false),
                /router-deployment: spec.template.spec.hostNetwork is not true/,
            ],
            ["no ROUTES", (c) => (c.env = [{ name: "INTERFACES", value: "eth0" }]), /has no ROUTES/],
            [
                "valueFrom",
                (c) => (c.env[1] = { name: "ROUTES", valueFrom: { configMapKeyRef: {} } }),
                /env ROUTES has no literal value/,
            ],
            ["two containers", (c, pod) => pod.containers.push(clone(c)), /has 2 containers/],
        ];
        for (const [what, patch, re] of cases)
            assert.throws(
                () => extractRouterSpec(routerPlan(patch), routing),
                (e: Error) => e instanceof LabSpecError && re.test(e.message),
                what,
            );
        assert.throws(
            () => extractRouterSpec([{ stack: "chain-local", outputs: {}, resources: [] }], routing),
            (e: Error) => e instanceof LabSpecError && /no router workload/.test(e.message),
        );
        const withSecret = extractRouterSpec(
            routerPlan((c) =>
                c.env.push({ name: "VTY_PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }),
            ),
            routing,
        );
        assert.strictEqual(withSecret.env.VTY_PASSWORD, undefined, "a reference is not the lab's to resolve");
        assert.deepStrictEqual(withSecret.notApplied, [
            "env VTY_PASSWORD (valueFrom: the node agent resolves it from the API)",
        ]);
        const privileged = extractRouterSpec(
            routerPlan((c) => (c.securityContext = { privileged: true })),
            routing,
        );
        assert.throws(
            () => routerRunArgs(privileged, { name: "r", node: "n", labels: {} }),
            /privileged is true.*leastPrivilege: true/,
        );
    });

    it("converts Kubernetes quantities to Docker flags", () => {
        assert.deepStrictEqual(
            [k8sCpu("500m"), k8sCpu("2"), k8sMemory("256Mi"), k8sMemory("1Gi"), k8sMemory("1000")],
            ["0.5", "2", "268435456", "1073741824", "1000"],
        );
        assert.throws(() => k8sCpu("lots"), /cpu quantity "lots"/);
    });

    it("quotes exec-form health checks for --health-cmd", () => {
        assert.strictEqual(
            shellQuote(["curl", "-fsS", "http://127.0.0.1:80/healthz"]),
            "curl -fsS http://127.0.0.1:80/healthz",
        );
        assert.strictEqual(shellQuote(["sh", "-c", "echo 'hi' there"]), `sh -c 'echo '\\''hi'\\'' there'`);
    });
});

describe("lab specs from the real plan of k8s-local, swarm-local, chain-local", function () {
    this.timeout(120_000);
    let views: PlanView[];
    before(async () => {
        views = await planViews();
    });

    it("takes image, env, command, security and published port from the plan, not from the lab", () => {
        const { addressing: a, router, lb } = specsFrom(views);
        assert.match(router.image, /^hybrid-vnf\/router:\d+\.\d+\.\d+$/);
        assert.strictEqual(router.env.ROUTES, "10.100.102.0/24 dev eth1");
        assert.deepStrictEqual(
            router.routes,
            [{ prefix: "10.100.102.0/24", via: { kind: "dev", iface: "eth1" } }],
            "the chain's routes output",
        );
        assert.deepStrictEqual(
            router.interfaces,
            ROUTER_INTERFACES,
            "the chain's routerInterfaces (its config reader's default)",
        );
        assert.deepStrictEqual(
            lb.servers,
            [
                { host: "10.100.102.10", port: 80 },
                { host: "10.100.102.11", port: 80 },
            ],
            "the chain's backends output",
        );
        assert.strictEqual(router.privileged, false, "chain-local asks for least privilege");
        assert.ok(router.capAdd.includes("NET_ADMIN"));
        assert.match(lb.image, /^hybrid-vnf\/nginx-lb:/);
        assert.strictEqual(lb.env.SERVERS, "10.100.102.10:80,10.100.102.11:80");
        assert.deepStrictEqual(lb.ports, [{ target: 80, published: 8080, mode: "host", protocol: "tcp" }]);
        assert.match(lb.policyFlags.join(" "), /--update-order stop-first/);
        assert.strictEqual(lb.stopSignal, "SIGQUIT");
        assert.ok(lb.health?.cmd.length, "the planned health check");
        assert.ok(
            lbRunArgs(lb, { name: "x", labels: {}, env: { SERVERS: "bad" } }).includes("SERVERS=bad"),
            "an env override replaces the planned value",
        );
        assert.deepStrictEqual(
            {
                supernet: a.supernet,
                host: a.hostClusterIp,
                routerApacheIp: a.routerApacheIp,
                ifaces: a.nodeIfaces,
                url: a.loadBalancerUrl,
            },
            {
                supernet: "10.100.100.0/22",
                host: "10.100.101.1",
                routerApacheIp: "10.100.102.1",
                ifaces: ["eth0", "eth1"],
                url: "http://10.100.100.2:8080",
            },
        );
    });

    it("fails the lab when the planned LB does not fit: ingress mode, start-first on a host port, a foreign backend", () => {
        const router = extractRouterSpec(views, { interfaces: [...ROUTER_INTERFACES], routes: chainRoutes(views) });
        const a = labAddressing(views, router);
        const withLb = (patch: (i: any, outputs: Record<string, unknown>) => void) => {
            const v = clone(views);
            const chain = v.find((p) => p.stack === LAB_STACKS["service-chain"])!;
            patch(lbService(v).resource.inputs, chain.outputs);
            return extractLbSpec(v, chainBackends(v));
        };
        assert.throws(
            () =>
                checkLbFits(
                    withLb((i) => (i.endpointSpec.ports[0].publishMode = "ingress")),
                    a,
                ),
            /in ingress mode; this machine has no IPVS/,
        );
        assert.throws(
            () =>
                checkLbFits(
                    withLb((i) => (i.updateConfig.order = "start-first")),
                    a,
                ),
            /start-first with a host-mode port/,
        );
        assert.throws(
            () =>
                checkLbFits(
                    withLb((_i, o) => (o.backends = ["10.100.102.99:80"])),
                    a,
                ),
            /10.100.102.99:80 is not one of the Apache backends/,
        );
        assert.throws(
            () =>
                checkLbFits(
                    withLb((i) => (i.endpointSpec.ports[0].publishedPort = 9090)),
                    a,
                ),
            /publishes no port 8080/,
        );
    });
});

describe("lab addressing (pure)", () => {
    it("finds the smallest covering prefix for the unreachable safety route", () => {
        assert.strictEqual(supernetOf(["10.100.100.0/24", "10.100.101.0/24", "10.100.102.0/24"]), "10.100.100.0/22");
        assert.strictEqual(supernetOf(["10.100.101.0/24"]), "10.100.101.0/24");
        assert.strictEqual(supernetOf(["10.0.0.0/24", "10.0.1.0/24"]), "10.0.0.0/23");
        assert.strictEqual(supernetOf(["10.0.1.0/24", "10.0.2.0/24"]), "10.0.0.0/22");
        assert.strictEqual(supernetOf(["192.168.0.0/24", "10.0.0.0/8"]), "0.0.0.0/0");
    });

    it("picks free host addresses, and says when a network is full", () => {
        assert.strictEqual(firstFree("10.100.102.0/24", ["10.100.102.1", "10.100.102.2"]), "10.100.102.3");
        assert.throws(() => firstFree("10.0.0.0/30", ["10.0.0.1", "10.0.0.2"]), /has no host number 3/);
    });
});

describe("lab Docker preflight (pure)", () => {
    const ok = { root: true, debian: true, cli: true, dockerd: true, engine: true };
    it("installs and starts Docker only when asked (npm run lab), as root on Debian", () => {
        assert.deepStrictEqual(dockerPlan(ok, false), { actions: [] });
        assert.deepStrictEqual(dockerPlan({ ...ok, cli: false, dockerd: false, engine: false }, true), {
            actions: ["install", "start"],
        });
        assert.deepStrictEqual(dockerPlan({ ...ok, engine: false }, true), { actions: ["start"] });
    });
    it("says exactly what is missing otherwise (the tests fail with it, never skip)", () => {
        const missing = (f: Partial<typeof ok>, install: boolean) =>
            (dockerPlan({ ...ok, ...f }, install) as { missing: string }).missing;
        assert.match(missing({ root: false }, true), /needs root/);
        assert.match(
            missing({ cli: false, dockerd: false, engine: false }, false),
            /no docker CLI.*apt-get install -y docker.io/,
        );
        assert.match(missing({ cli: false, dockerd: false, engine: false, debian: false }, true), /not installed/);
        assert.match(missing({ engine: false }, false), /does not answer on \/var\/run\/docker.sock.*dockerd/);
    });
});
