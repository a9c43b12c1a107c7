// One operation of a cloud stack under the real engine, with the SSH-bound resources left out by
// the CLI's own targeting (--exclude of every remote Command, --exclude-dependents), timed.
import { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { StackPlan } from "../harness/plan";
import { CloudPaths } from "./layout";
import { configure, enginePaths, leftOut, openStack, sshUrns } from "./engine-stacks";
import { CloudStack, KeyPair, Overrides, Variant } from "./variants";

export interface StackRun {
    stack: CloudStack;
    ms: number;
    /** Resource changes by kind (create, same, update, replace, delete). */
    changes: Record<string, number>;
    leftOut: { type: string; name: string }[];
    outputs: OutputMap;
    stateUrns: string[];
}

function targeting(plan: StackPlan) {
    return { exclude: sshUrns(plan), excludeDependents: true };
}

async function stateUrns(s: Stack): Promise<string[]> {
    const d = await s.exportStack();
    return ((d.deployment?.resources ?? []) as { urn: string }[]).map((r) => r.urn);
}

export async function upCloudStack(
    p: CloudPaths,
    stack: CloudStack,
    variant: Variant,
    keys: KeyPair,
    plan: StackPlan,
    extra: Overrides = {},
): Promise<StackRun> {
    const s = await openStack(p, stack);
    await configure(s, stack, variant, keys, extra);
    const t0 = Date.now();
    const r = await s.up({ ...targeting(plan), policyPacks: [enginePaths(p).policyPack], color: "never" });
    const ms = Date.now() - t0;
    const urns = await stateUrns(s);
    return {
        stack,
        ms,
        changes: (r.summary.resourceChanges ?? {}) as Record<string, number>,
        leftOut: leftOut(plan, urns),
        outputs: r.outputs,
        stateUrns: urns,
    };
}

/** `preview --expect-no-changes` with the same targeting: throws (with the CLI's diff) on any change. */
export async function previewNoChanges(
    p: CloudPaths,
    stack: CloudStack,
    plan: StackPlan,
): Promise<Record<string, number>> {
    const s = await openStack(p, stack);
    const r = await s.preview({
        ...targeting(plan),
        expectNoChanges: true,
        policyPacks: [enginePaths(p).policyPack],
        color: "never",
        diff: true,
    });
    return r.changeSummary as Record<string, number>;
}

/** `up --expect-no-changes` with the same targeting: for a stack whose preview cannot run (see the e2e test). */
export async function upNoChanges(p: CloudPaths, stack: CloudStack, plan: StackPlan): Promise<Record<string, number>> {
    const s = await openStack(p, stack);
    const r = await s.up({
        ...targeting(plan),
        expectNoChanges: true,
        policyPacks: [enginePaths(p).policyPack],
        color: "never",
    });
    return (r.summary.resourceChanges ?? {}) as Record<string, number>;
}

/** `refresh --expect-no-changes`: the provider reads every resource back and finds it as stored. */
export async function refreshNoChanges(p: CloudPaths, stack: CloudStack): Promise<Record<string, number>> {
    const s = await openStack(p, stack);
    const r = await s.refresh({ expectNoChanges: true, color: "never" });
    return (r.summary.resourceChanges ?? {}) as Record<string, number>;
}

/** The changes an up would make now (no --expect-no-changes): for Day 2's "exactly one server and one port". */
export async function previewChanges(
    p: CloudPaths,
    stack: CloudStack,
    variant: Variant,
    keys: KeyPair,
    plan: StackPlan,
    extra: Overrides = {},
): Promise<{ summary: Record<string, number>; stdout: string }> {
    const s = await openStack(p, stack);
    await configure(s, stack, variant, keys, extra);
    const r = await s.preview({
        ...targeting(plan),
        policyPacks: [enginePaths(p).policyPack],
        color: "never",
        diff: true,
    });
    return { summary: r.changeSummary as Record<string, number>, stdout: r.stdout };
}

export async function destroyCloudStack(p: CloudPaths, stack: CloudStack): Promise<number> {
    const s = await openStack(p, stack);
    const t0 = Date.now();
    await s.destroy({ color: "never" });
    return Date.now() - t0;
}

export function describeRun(r: StackRun): string {
    const changes = Object.entries(r.changes)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
    const out = [`${r.stack}: up in ${(r.ms / 1000).toFixed(1)} s (${changes})`];
    if (r.leftOut.length)
        out.push(
            `  left out (SSH to a booted guest, or depends on it): ${r.leftOut.map((x) => `${x.name} (${x.type})`).join(", ")}`,
        );
    out.push(`  outputs: ${Object.keys(r.outputs).sort().join(", ") || "(none)"}`);
    return out.join("\n");
}
