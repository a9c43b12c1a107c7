// Plans the stacks with harness/plan.ts and keeps, next to each resource's inputs, the mock
// provider's outputs (a port's MAC and fixed IPs), which a StackPlan does not carry.
import { PlanMocks } from "../harness/mocks";
import { planStacks, revealedInputs } from "../harness/plan";
import { PlannedWithState, VmSpec, vmSpec } from "./vm-spec";

export async function plannedWithState(
    stacks: string[],
    configDir?: string,
    overrides?: Record<string, Record<string, unknown>>,
): Promise<PlannedWithState[]> {
    const states = new Map<string, { id: string | undefined; state: Record<string, any> }>();
    const original = PlanMocks.prototype.newResource;
    // Record what the mock returns, keyed by type and name (unique within a stack's run).
    PlanMocks.prototype.newResource = function (this: PlanMocks, args) {
        const out = original.call(this, args);
        states.set(`${args.type}::${args.name}`, out);
        return out;
    };
    try {
        const plans = await planStacks(stacks, { configDir, overrides });
        const all: PlannedWithState[] = [];
        for (const plan of plans) {
            for (const r of plan.resources) {
                const s = states.get(`${r.type}::${r.name}`);
                all.push({
                    stack: plan.stack,
                    type: r.type,
                    name: r.name,
                    id: s?.id ?? "",
                    inputs: revealedInputs(plan, r),
                    state: plainState(s?.state),
                });
            }
        }
        return all;
    } finally {
        PlanMocks.prototype.newResource = original;
    }
}

// Secret outputs are pulumi Outputs in the mock's state; the fields we read are never secret.
function plainState(state: Record<string, any> | undefined): Record<string, any> {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(state ?? {}))
        if (typeof v !== "object" || v === null || Array.isArray(v) || !("__pulumiOutput" in v)) out[k] = v;
    return out;
}

export async function planVms(
    stacks: string[],
    vms: string[],
    configDir?: string,
    overrides?: Record<string, Record<string, unknown>>,
): Promise<VmSpec[]> {
    const resources = await plannedWithState(stacks, configDir, overrides);
    return vms.map((vm) => vmSpec(resources, vm));
}
