// Human-readable plan: each stack's resource tree and its outputs.
import { StackPlan, PlannedResource } from "./plan";

/** The most telling inputs of a resource, for one line of the tree. */
function summary(r: PlannedResource): string {
    const i = r.inputs as Record<string, any>;
    const parts: string[] = [];
    for (const key of ["cidr", "name", "flavorName", "image", "remoteIpPrefix", "portRangeMin", "create"]) {
        const v = i[key];
        if (v === undefined || v === null || v === "" || (key === "name" && v === r.name)) continue;
        const text = typeof v === "string" ? v.split("\n")[0] : JSON.stringify(v);
        parts.push(`${key}=${text.length > 60 ? text.slice(0, 57) + "..." : text}`);
    }
    return parts.length ? `  (${parts.join(", ")})` : "";
}

export function renderTree(plan: StackPlan): string {
    const children = new Map<string | null, PlannedResource[]>();
    for (const r of plan.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines: string[] = [];
    const walk = (parent: string | null, indent: string) => {
        for (const r of children.get(parent) ?? []) {
            lines.push(`${indent}${r.type}  ${r.name}${summary(r)}`);
            walk(r.urn, indent + "    ");
        }
    };
    walk(null, "  ");
    return lines.join("\n");
}

export function renderPlan(plan: StackPlan): string {
    const outputs = Object.entries(plan.outputs).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
    const count = plan.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length;
    return [
        `Stack ${plan.stack} (role ${plan.role}): ${count} resources`,
        renderTree(plan),
        "  Outputs:",
        ...outputs,
        "",
    ].join("\n");
}
