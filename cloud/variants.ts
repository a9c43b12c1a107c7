// The cloud stacks (k8s-cloud, swarm-cloud), their variants (cloud/variants/<name>/overrides.yaml)
// and the SSH key pair they run with. A variant is config on top of the stack files; the same
// overrides go to the mock-runtime plan (quotas, planned user-data) and to the real engine.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { run } from "../lab/sh";
import { planStacks, StackPlan } from "../harness/plan";
import { PROJECT } from "../lib/config-reader";
import { addQuotas, PlannedUse, Quotas, quotasFor } from "./quotas";

export const CLOUD_STACKS = ["k8s-cloud", "swarm-cloud"] as const;
export type CloudStack = (typeof CLOUD_STACKS)[number];
export const VARIANTS = ["default", "bgp", "scale"] as const;
export type Variant = (typeof VARIANTS)[number];

export type Overrides = Record<string, Record<string, unknown>>;

export const variantDir = (v: Exclude<Variant, "default">) => path.join(__dirname, "variants", v);

/** A variant's config overrides by stack (none for default); only the cloud stacks and the project's keys. */
export function variantOverrides(v: Variant): Overrides {
    if (v === "default") return {};
    const doc = parse(fs.readFileSync(path.join(variantDir(v), "overrides.yaml"), "utf8")) ?? {};
    for (const [stack, keys] of Object.entries<Record<string, unknown>>(doc)) {
        if (!(CLOUD_STACKS as readonly string[]).includes(stack))
            throw new Error(`variant ${v}: ${stack} is not one of ${CLOUD_STACKS.join(", ")}`);
        for (const k of Object.keys(keys))
            if (!k.startsWith(`${PROJECT}:`))
                throw new Error(`variant ${v}: ${stack} key ${k} is not in the ${PROJECT} namespace`);
    }
    return doc;
}

export interface KeyPair {
    publicKey: string;
    privateKey: string;
    file: string;
}

/** The stacks' key pair, made once per cloud state with ssh-keygen (ed25519, no passphrase). */
export async function ensureKeyPair(dir: string): Promise<KeyPair> {
    const file = path.join(dir, "id_ed25519");
    if (!fs.existsSync(file)) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "hybrid-vnf-cloud", "-f", file]);
    }
    return {
        publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim(),
        privateKey: fs.readFileSync(file, "utf8"),
        file,
    };
}

/** The key pair as config, merged into every cloud stack's overrides. */
export function withKeys(o: Overrides, keys: KeyPair): Overrides {
    const out: Overrides = {};
    for (const s of CLOUD_STACKS)
        out[s] = {
            ...(o[s] ?? {}),
            [`${PROJECT}:sshPublicKey`]: keys.publicKey,
            [`${PROJECT}:sshPrivateKey`]: keys.privateKey,
        };
    return out;
}

/** The mock-runtime plan of both cloud stacks under a variant. */
export function planVariant(v: Variant, keys: KeyPair, extra: Overrides = {}): Promise<StackPlan[]> {
    const o = withKeys(variantOverrides(v), keys);
    for (const [s, kv] of Object.entries(extra)) o[s] = { ...(o[s] ?? {}), ...kv };
    return planStacks([...CLOUD_STACKS], { overrides: o });
}

export function plannedUses(plans: StackPlan[]): PlannedUse[] {
    return plans.flatMap((p) =>
        p.resources.map((r) => ({ type: r.type, flavor: (r.inputs as { flavorName?: string }).flavorName })),
    );
}

/** What the project must hold: the scale variant and the default stacks standing at once. */
export async function cloudQuotas(keys: KeyPair): Promise<Quotas> {
    return addQuotas(
        quotasFor(plannedUses(await planVariant("scale", keys))),
        quotasFor(plannedUses(await planVariant("default", keys))),
    );
}
