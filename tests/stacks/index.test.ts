// index.ts runs the program of hybrid-vnf:role; a bad role registers nothing.
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PlanMocks } from "../../harness/mocks";
import { planStacks } from "../../harness/plan";
import { PROJECT_DIR } from "../../harness/stack-files";

async function runIndexWith(
    config: Record<string, string>,
): Promise<{ registered: string[]; result: Promise<unknown> }> {
    const registered: string[] = [];
    const mocks = new PlanMocks({ stackOutputs: () => ({ outputs: {}, secretOutputNames: [] }) });
    const counting: pulumi.runtime.Mocks = {
        newResource: (a) => (registered.push(a.type), mocks.newResource(a)),
        call: (a) => mocks.call(a),
    };
    await pulumi.runtime.setMocks(counting, "hybrid-vnf", "dispatch");
    pulumi.runtime.setAllConfig(config);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- index.ts uses `export =`, as Pulumi loads it
    const program = require(path.join(PROJECT_DIR, "index.ts"));
    return { registered, result: program() };
}

describe("role dispatch", () => {
    for (const [role, config] of [
        ["missing", {}],
        ["unknown", { "hybrid-vnf:role": "router" }],
    ] as const) {
        it(`a ${role} role fails, lists the valid roles, and registers no resource`, async () => {
            const run = await runIndexWith(config);
            await assert.rejects(
                run.result,
                /hybrid-vnf:role: .*valid roles: k8s-cluster, swarm-cluster, service-chain/,
            );
            await pulumi.runtime.disconnect(); // waits for the failed program's outstanding RPCs
            assert.deepStrictEqual(run.registered, []);
        });
    }

    it("a bad value of the role's config also fails before any resource", async () => {
        const run = await runIndexWith({ "hybrid-vnf:role": "swarm-cluster", "hybrid-vnf:k8sStack": "k8s-dev" });
        await assert.rejects(run.result, /hybrid-vnf:k8sStack: "k8s-dev"/);
        await pulumi.runtime.disconnect();
        assert.deepStrictEqual(run.registered, []);
    });

    it("each role exports exactly its contract's outputs", async () => {
        const { CONTRACTS } = await import("../../lib/contract");
        const plans = await planStacks(["k8s-local", "swarm-local"]);
        for (const plan of plans) {
            const contract = CONTRACTS[plan.role as keyof typeof CONTRACTS];
            assert.deepStrictEqual(Object.keys(plan.outputs).sort(), Object.keys(contract.outputs).sort(), plan.stack);
        }
    });
});
