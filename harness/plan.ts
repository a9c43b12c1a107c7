// Runs the real index.ts under Pulumi's mock runtime, one stack after another, feeding each
// stack's outputs into the StackReferences of the next. No CLI, no credentials, no network.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_SIG, SECRET_SIG, replaceMarked } from "./engine-values";
import { PlanMocks } from "./mocks";
import { PROJECT_DIR, checkRequiredConfig, readProjectFile, readStackFile } from "./stack-files";
import { SECRET_MARK } from "../lib/secret-mark";

// Internal SDK helpers: wait until every registration RPC is answered.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

export const ORGANIZATION = "organization";
export const SECRET = SECRET_MARK;

export interface PlannedResource {
    type: string;
    name: string;
    /** URN of the parent resource; null only for the stack itself. */
    parent: string | null;
    urn: string;
    /** Inputs as sent to the engine, with secret values shown as "[secret]". */
    inputs: Record<string, unknown>;
}

export interface StackPlan {
    stack: string;
    role: string;
    resources: PlannedResource[];
    /** Stack outputs, secret ones shown as "[secret]". */
    outputs: Record<string, unknown>;
}

interface Revealed {
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
    inputs: Map<PlannedResource, Record<string, unknown>>;
}

// Values behind "[secret]", kept off the printable plan.
const revealed = new WeakMap<StackPlan, Revealed>();

/** The real values of a plan's secret outputs and inputs, for chaining and for tests. */
export function reveal(plan: StackPlan): Revealed {
    const r = revealed.get(plan);
    if (!r) throw new Error(`plan of ${plan.stack} was not made by planStacks`);
    return r;
}

export interface PlanOptions {
    configDir?: string;
    /** Replace or add config values (full keys) on top of the stack files, keyed by stack. */
    overrides?: Record<string, Record<string, unknown>>;
    /** Outputs of stacks planned earlier (for example by another call), keyed by stack name. */
    previous?: StackPlan[];
}

/** Splits engine-form values into a printable copy (secrets redacted) and the real values. */
function unwrap(value: unknown): { shown: any; real: any } {
    const real = (v: unknown): any =>
        replaceMarked(v, { [SECRET_SIG]: (m) => real(m.value), [RESOURCE_SIG]: (m) => m.urn });
    const shown = replaceMarked(value, { [SECRET_SIG]: () => SECRET, [RESOURCE_SIG]: (m) => m.urn });
    return { shown, real: real(value) };
}

async function resolveOutput(value: unknown): Promise<{ value: unknown; secret: boolean }> {
    const out = pulumi.output(value);
    const [v, secret] = await Promise.all([(out as any).promise() as Promise<unknown>, pulumi.isSecret(out)]);
    return { value: v, secret };
}

export async function planStack(stack: string, previous: StackPlan[], opts: PlanOptions = {}): Promise<StackPlan> {
    const project = readProjectFile();
    const file = readStackFile(stack, opts.configDir, project);
    const config = { ...file.config };
    const secretKeys = [...file.secretKeys];
    for (const [k, v] of Object.entries(opts.overrides?.[stack] ?? {})) {
        if (v === undefined) delete config[k];
        else config[k] = typeof v === "string" ? v : JSON.stringify(v);
        // A declared secret is set as `pulumi config set --secret` sets it: the readers refuse plain text.
        if (v !== undefined && project.config[k.replace(`${project.name}:`, "")]?.secret && !secretKeys.includes(k))
            secretKeys.push(k);
    }
    // The engine refuses to run the program without every key Pulumi.yaml requires.
    checkRequiredConfig(stack, config, project);
    const byFullName = new Map(previous.map((p) => [`${ORGANIZATION}/${project.name}/${p.stack}`, p]));
    const floatingInUse = previous
        .flatMap((p) => p.resources)
        .filter((r) => r.type === "openstack:networking/floatingIp:FloatingIp").length;
    const mocks = new PlanMocks(
        {
            stackOutputs(fullName) {
                const p = byFullName.get(fullName) ?? previous.find((x) => fullName.endsWith(`/${x.stack}`));
                if (!p) {
                    throw new Error(
                        `StackReference ${fullName}: that stack has not been planned yet; plan it first (npm run plan -- ${fullName.split("/").pop()} ${stack})`,
                    );
                }
                const r = reveal(p);
                return { outputs: r.outputs, secretOutputNames: r.secretOutputNames };
            },
        },
        floatingInUse,
    );

    const resources: PlannedResource[] = [];
    const inputs = new Map<PlannedResource, Record<string, unknown>>();
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        await pulumi.runtime.setMocks(mocks, project.name, stack, false, ORGANIZATION);
        const monitor = settings.getMonitor();
        // Record what the program sends: registered resources and read ones (StackReferences).
        for (const method of ["registerResource", "readResource"] as const) {
            const original = monitor[method].bind(monitor);
            monitor[method] = (req: any, callback: (err: unknown, resp: any) => void) => {
                // The mock monitor ignores additionalSecretOutputs; the engine honours it, so we do too.
                mocks.secretOutputs = req.getAdditionalsecretoutputsList?.() ?? [];
                return original(req, (err: unknown, resp: any) => {
                    if (!err) {
                        const { shown, real } = unwrap(
                            req.getObject?.()?.toJavaScript() ?? req.getProperties?.()?.toJavaScript() ?? {},
                        );
                        const r: PlannedResource = {
                            type: req.getType(),
                            name: req.getName(),
                            parent: req.getParent() || null,
                            urn: resp.getUrn(),
                            inputs: shown,
                        };
                        resources.push(r);
                        inputs.set(r, real);
                    }
                    callback(err, resp);
                });
            };
        }
        pulumi.runtime.setAllConfig(config, secretKeys);

        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program: () => Promise<Record<string, unknown>> = require(path.join(PROJECT_DIR, "index.ts"));
        let exported: Record<string, unknown> = {};
        await pulumi.runtime.runInPulumiStack(async () => (exported = await program()));
        const outputs: Record<string, unknown> = {};
        const realOutputs: Record<string, unknown> = {};
        const secretOutputNames: string[] = [];
        for (const [key, value] of Object.entries(exported)) {
            const o = await resolveOutput(value);
            realOutputs[key] = o.value;
            outputs[key] = o.secret ? SECRET : o.value;
            if (o.secret) secretOutputNames.push(key);
        }
        await settings.waitForRPCs();
        // Let rejected promises surface before judging the run.
        await new Promise((r) => setImmediate(r));
        if (failures.length > 0) throw failures[0];
        const role = String(config[`${project.name}:role`]);
        const plan: StackPlan = { stack, role, resources, outputs };
        revealed.set(plan, { outputs: realOutputs, secretOutputNames, inputs });
        return plan;
    } catch (e) {
        // Let the failed run's in-flight registrations settle here, not in the next stack's run.
        await settings.waitForRPCs().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 20));
        throw e;
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

/** Plans the stacks in order; a failure names the stack and stops, so no partial plan escapes. */
export async function planStacks(stacks: string[], opts: PlanOptions = {}): Promise<StackPlan[]> {
    const plans: StackPlan[] = [];
    for (const stack of stacks) {
        try {
            plans.push(await planStack(stack, [...(opts.previous ?? []), ...plans], opts));
        } catch (e) {
            const err = e instanceof Error ? e : new Error(String(e));
            err.message = `stack ${stack}: ${err.message}`;
            throw err;
        }
    }
    return plans;
}

/** The real input values of a planned resource (secrets included). */
export function revealedInputs(plan: StackPlan, resource: PlannedResource): Record<string, unknown> {
    return reveal(plan).inputs.get(resource) ?? {};
}
