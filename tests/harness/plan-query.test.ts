// The plan/state queries (harness/plan-query.ts): the same questions of the mock plan of the
// local and dev stacks and of engine state in `pulumi stack export` form, with the same answers.
import * as assert from "assert";
import { SECRET_SIG, SIG_KEY } from "../../harness/engine-values";
import { StackPlan, planStacks, reveal, revealedInputs } from "../../harness/plan";
import {
    HIDDEN_SECRET,
    PlanQueryError,
    RESOURCE_TYPES,
    StackView,
    componentName,
    containerEnv,
    containerImage,
    findOne,
    lbService,
    lbServiceOf,
    podSpec,
    referencedStacks,
    routerWorkload,
    routerWorkloadOf,
    stackOutput,
    stateView,
} from "../../harness/plan-query";
import { LAB_ENV, stacksOf } from "../../lib/stacks";

const STACKS = stacksOf(LAB_ENV);

/**
 * The plan as the engine would write it to state: every resource with its URN, type, parent
 * and inputs, the stack resource with the outputs; secret outputs in the export's secret form.
 */
function asExport(p: StackPlan, showSecrets: boolean): { resources: any[] } {
    const r = reveal(p);
    const wrap = (k: string, v: unknown) =>
        r.secretOutputNames.includes(k)
            ? { [SIG_KEY]: SECRET_SIG, ...(showSecrets ? { plaintext: JSON.stringify(v) } : { ciphertext: "v1:abc" }) }
            : v;
    const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, wrap(k, v)]));
    return {
        resources: p.resources.map((x) => ({
            urn: x.urn,
            type: x.type,
            ...(x.parent ? { parent: x.parent } : {}),
            inputs: revealedInputs(p, x),
            ...(x.type === RESOURCE_TYPES.stack ? { outputs } : {}),
        })),
    };
}

describe("plan/state queries (harness/plan-query.ts)", function () {
    this.timeout(120_000);
    let local: StackPlan[];
    let dev: StackPlan[];
    before(async () => {
        local = await planStacks(Object.values(STACKS));
        dev = await planStacks(Object.values(stacksOf("dev")));
    });

    it("finds the router workload and the LB service in the chain stack, and their parts", () => {
        for (const plans of [local, dev]) {
            const router = routerWorkload(plans);
            assert.strictEqual(router.view.stack, plans.find((p) => p.role === "service-chain")!.stack);
            assert.deepStrictEqual(
                [router.resource.type, router.resource.name],
                ["kubernetes:apps/v1:Deployment", "router-deployment"],
            );
            assert.strictEqual(podSpec(router.resource)?.hostNetwork, true);
            assert.match(containerImage(router.resource)!, /^hybrid-vnf\/router:/);
            assert.strictEqual(componentName(router.view, router.resource, RESOURCE_TYPES.routerComponent), "router");
            const lb = lbService(plans);
            assert.strictEqual(lb.resource.type, "docker:index/service:Service");
            assert.match(containerImage(lb.resource)!, /^hybrid-vnf\/nginx-lb:/);
            assert.strictEqual(componentName(lb.view, lb.resource, RESOURCE_TYPES.lbComponent), "nginx-lb");
            assert.deepStrictEqual(
                referencedStacks(router.view)
                    .map((s) => s.split("-")[0])
                    .sort(),
                ["k8s", "swarm"],
            );
        }
    });

    it("reads a container's env from a Deployment (a list) and a Swarm service (a map), literal values apart from references", () => {
        const env = containerEnv(routerWorkload(local).resource);
        assert.strictEqual(env.literal.ROUTES, "10.100.102.0/24 dev eth1");
        assert.strictEqual(env.literal.INTERFACES, "eth0,eth1");
        assert.deepStrictEqual(env.fromRefs, []);
        assert.strictEqual(
            containerEnv(lbService(local).resource).literal.SERVERS,
            "10.100.102.10:80,10.100.102.11:80",
        );
        const withRef: StackView = {
            stack: "x",
            outputs: {},
            resources: [
                {
                    type: "kubernetes:apps/v1:Deployment",
                    name: "d",
                    inputs: {
                        spec: {
                            template: {
                                spec: {
                                    containers: [
                                        {
                                            env: [
                                                { name: "A", value: "1" },
                                                { name: "P", valueFrom: { secretKeyRef: {} } },
                                            ],
                                        },
                                    ],
                                },
                            },
                        },
                    },
                },
            ],
        };
        assert.deepStrictEqual(containerEnv(withRef.resources[0]), { literal: { A: "1" }, fromRefs: ["P"] });
    });

    it("says which stacks it searched when a resource is missing, and names the duplicates when there are two", () => {
        const clusters = local.filter((p) => p.role !== "service-chain");
        assert.throws(
            () => routerWorkload(clusters),
            (e: Error) =>
                e instanceof PlanQueryError &&
                /no router workload .* in the plan of k8s-local, swarm-local/.test(e.message),
        );
        assert.strictEqual(routerWorkloadOf(clusters[0]), undefined);
        assert.strictEqual(lbServiceOf(clusters[1]), undefined);
        assert.throws(
            () => findOne([...local, ...dev], RESOURCE_TYPES.lbService, "load balancer service"),
            /more than one load balancer service in the plan: nginx-lb-service, nginx-lb-service/,
        );
        assert.throws(() => stackOutput(local, "chain-local", "nope"), /stack chain-local has no output nope/);
        assert.throws(() => stackOutput(local, "chain-prod", "routes"), /the plan has no stack chain-prod/);
    });

    it("answers the same of engine state (pulumi stack export) as of the plan; secrets plain with --show-secrets, else [secret]", () => {
        for (const showSecrets of [true, false]) {
            const state = local.map((p) => stateView(p.stack, asExport(p, showSecrets)));
            const plan = local.map((p) => ({
                ...p,
                resources: p.resources.map((r) => ({ ...r, inputs: revealedInputs(p, r) })),
                outputs: reveal(p).outputs,
            }));
            for (const q of [routerWorkload, lbService]) {
                const [s, p] = [q(state), q(plan)];
                assert.deepStrictEqual(
                    [s.view.stack, s.resource.name, s.resource.urn],
                    [p.view.stack, p.resource.name, p.resource.urn],
                );
                assert.deepStrictEqual(containerEnv(s.resource), containerEnv(p.resource));
                assert.strictEqual(containerImage(s.resource), containerImage(p.resource));
                assert.strictEqual(
                    componentName(s.view, s.resource, RESOURCE_TYPES.routerComponent),
                    componentName(p.view, p.resource, RESOURCE_TYPES.routerComponent),
                );
            }
            for (const key of ["routes", "backends", "loadBalancerUrl"])
                assert.deepStrictEqual(
                    stackOutput(state, STACKS["service-chain"], key),
                    stackOutput(plan, STACKS["service-chain"], key),
                    key,
                );
            assert.deepStrictEqual(
                stackOutput(state, STACKS["k8s-cluster"], "apacheInfo"),
                stackOutput(plan, STACKS["k8s-cluster"], "apacheInfo"),
            );
            const kubeconfig = stackOutput<string>(state, STACKS["k8s-cluster"], "kubeconfig");
            if (showSecrets) assert.strictEqual(kubeconfig, reveal(local[0]).outputs.kubeconfig);
            else assert.strictEqual(kubeconfig, HIDDEN_SECRET);
        }
        assert.deepStrictEqual(stateView("empty", undefined), { stack: "empty", outputs: {}, resources: [] });
    });
});
