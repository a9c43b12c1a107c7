// k8s-cloud and swarm-cloud under the real engine, on the all-in-one: a file backend and a
// passphrase secrets provider in the cloud's state folder, a copy of the project there (the CLI
// writes the salt and secure values into stack files; the repository stays untouched), the policy
// pack, and the CLI's own targeting to leave out what needs SSH to a booted guest.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PROJECT_DIR, readProjectFile } from "../harness/stack-files";
import { StackPlan } from "../harness/plan";
import { toolchainEnv } from "../engine/toolchain";
import { CloudPaths } from "./layout";
import { cloudEnv } from "./cloud";
import {
    CLOUD_STACKS,
    CloudStack,
    KeyPair,
    Overrides,
    Variant,
    VARIANTS,
    variantOverrides,
    withKeys,
} from "./variants";
import { PROJECT } from "../lib/config-reader";

export const REMOTE_COMMAND = "command:remote:Command";
/** What the engine stores for an output whose resource a targeted up left out (Pulumi's unknown value). */
export const UNKNOWN_MARKER = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function enginePaths(p: CloudPaths) {
    const dir = path.join(p.state, "pulumi");
    return {
        dir,
        backend: path.join(dir, "backend"),
        passphrase: path.join(dir, "passphrase"),
        project: path.join(dir, "project"),
        policyPack: path.join(PROJECT_DIR, "policy"),
    };
}

export function engineEnv(p: CloudPaths): Record<string, string> {
    const e = enginePaths(p);
    return {
        ...toolchainEnv(),
        PULUMI_BACKEND_URL: `file://${e.backend}`,
        PULUMI_CONFIG_PASSPHRASE_FILE: e.passphrase,
        ...cloudEnv(p),
    };
}

/** The project copy: Pulumi.yaml with `main` pointing back at the repository, and the cloud stack files. */
export function prepareEngineProject(p: CloudPaths): void {
    const e = enginePaths(p);
    const project = readProjectFile();
    fs.mkdirSync(e.backend, { recursive: true });
    if (!fs.existsSync(e.passphrase))
        fs.writeFileSync(e.passphrase, crypto.randomBytes(24).toString("base64url") + "\n", { mode: 0o600 });
    const stacksDir = path.join(e.project, project.stackConfigDir);
    fs.mkdirSync(stacksDir, { recursive: true });
    const doc = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    doc.main = path.relative(e.project, PROJECT_DIR);
    fs.writeFileSync(path.join(e.project, "Pulumi.yaml"), stringify(doc));
    for (const stack of CLOUD_STACKS) {
        const dest = path.join(stacksDir, `Pulumi.${stack}.yaml`);
        // An existing copy holds the stack's encryption salt: keep it, the config is set below.
        if (!fs.existsSync(dest))
            fs.copyFileSync(path.join(PROJECT_DIR, project.stackConfigDir, `Pulumi.${stack}.yaml`), dest);
    }
}

/** The default provider the engine makes for the Commands: it serves nothing else, so it goes with them. */
export function commandProviderUrn(stack: string, sdkVersion: string = COMMAND_SDK_VERSION): string {
    // The SDK's package.json spells it "v4.5.0"; the engine names the provider default_4_5_0.
    return `urn:pulumi:${stack}::${PROJECT}::pulumi:providers:command::default_${sdkVersion.replace(/^v/, "").replace(/\./g, "_")}`;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const COMMAND_SDK_VERSION: string = require("@pulumi/command/package.json").version;

/** The URNs to leave out: every remote Command and their provider (the CLI adds their dependents with --exclude-dependents). */
export function sshUrns(plan: StackPlan): string[] {
    const commands = plan.resources.filter((r) => r.type === REMOTE_COMMAND).map((r) => engineUrn(r.urn));
    return commands.length ? [commandProviderUrn(plan.stack), ...commands] : [];
}

/**
 * A plan URN as the engine spells it: the mock runtime puts the root stack's type in front of its
 * direct children's (`pulumi:pulumi:Stack$hybrid-vnf:k8s:OpenStackCluster::k8s`), the engine does not.
 */
export function engineUrn(planUrn: string): string {
    return planUrn.replace(/::pulumi:pulumi:Stack\$/, "::");
}

/** Planned resources the engine did not create: the excluded Commands and their dependents. */
export function leftOut(plan: StackPlan, stateUrns: string[]): { type: string; name: string }[] {
    const have = new Set(stateUrns);
    return plan.resources
        .filter((r) => !have.has(engineUrn(r.urn)) && r.type !== "pulumi:pulumi:Stack")
        .map((r) => ({ type: r.type, name: r.name }));
}

/** The config of a stack under a variant: keys any variant sets are removed unless this one sets them. */
export function configChanges(
    stack: CloudStack,
    variant: Variant,
    keys: KeyPair,
): { set: Record<string, { value: string; secret: boolean }>; remove: string[] } {
    const all = new Set(VARIANTS.flatMap((v) => Object.keys(variantOverrides(v)[stack] ?? {})));
    const mine = withKeys(variantOverrides(variant), keys)[stack];
    const set: Record<string, { value: string; secret: boolean }> = {};
    for (const [k, v] of Object.entries(mine))
        set[k] = { value: typeof v === "string" ? v : JSON.stringify(v), secret: k === `${PROJECT}:sshPrivateKey` };
    return { set, remove: [...all].filter((k) => !(k in mine)) };
}

export async function openStack(p: CloudPaths, stack: CloudStack): Promise<Stack> {
    const env = engineEnv(p);
    Object.assign(process.env, { PATH: env.PATH });
    const workDir = enginePaths(p).project;
    return LocalWorkspace.createOrSelectStack({ stackName: stack, workDir }, { workDir, envVars: env });
}

export async function configure(
    s: Stack,
    stack: CloudStack,
    variant: Variant,
    keys: KeyPair,
    extra: Overrides = {},
): Promise<void> {
    const c = configChanges(stack, variant, keys);
    for (const [k, v] of Object.entries(extra[stack] ?? {}))
        c.set[k] = { value: typeof v === "string" ? v : JSON.stringify(v), secret: false };
    c.remove = c.remove.filter((k) => !(k in c.set));
    if (c.remove.length) await s.removeAllConfig(c.remove);
    await s.setAllConfig(c.set);
}
