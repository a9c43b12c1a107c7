// The local stacks under the real Pulumi engine: the same ordered Automation API run as
// `npm run deploy -- local` (ops/), against a file backend in the lab's own folder, with a
// passphrase secrets provider. The CLI writes an encryption salt and secure values into a stack's
// config file, so the lab runs on a copy of the project (.lab/project: Pulumi.yaml pointing its
// `main` back at the repository, the local stack files, and `policy` linked to the repository's
// pack so `--policy-pack policy` works there as in the repository); the repository stays untouched.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { Deployment, LocalWorkspace } from "@pulumi/pulumi/automation";
import { AutomationRunner } from "../ops/automation";
import { Command, RunReport, runStacks } from "../ops/orchestrate";
import { LAB_ENV, deployOrder } from "../lib/stacks";
import { describeReport } from "../ops/main";
import { toolchainEnv } from "../engine/toolchain";
import { PROJECT_DIR, readProjectFile } from "../harness/stack-files";

export const LOCAL_STACKS = deployOrder(LAB_ENV);
const LAB_DIR = path.join(PROJECT_DIR, ".lab");
export const LAB_PATHS = {
    dir: LAB_DIR,
    state: path.join(LAB_DIR, "state"),
    passphrase: path.join(LAB_DIR, "passphrase"),
    project: path.join(LAB_DIR, "project"),
    controlPlane: path.join(LAB_DIR, "control-plane"),
    policyPack: path.join(PROJECT_DIR, "policy"),
};
export const DOCKER_HOST = "unix:///var/run/docker.sock";

/** Everything the real tools need to act on the lab (also what `npm run lab -- env` prints). */
export function labToolEnv(
    kubeconfigPath = path.join(LAB_PATHS.controlPlane, "admin.kubeconfig"),
): Record<string, string> {
    return {
        ...toolchainEnv(),
        PULUMI_BACKEND_URL: `file://${LAB_PATHS.state}`,
        PULUMI_CONFIG_PASSPHRASE_FILE: LAB_PATHS.passphrase,
        KUBECONFIG: kubeconfigPath,
        DOCKER_HOST,
    };
}

/** Shell lines for `eval`: the exports, then into the project copy (where the stacks' config is). */
export function shellExports(env: Record<string, string>, projectDir = LAB_PATHS.project): string {
    const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    return [...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`), `cd ${q(projectDir)}`].join("\n") + "\n";
}

/** A fresh state folder, passphrase and project copy. */
export function prepareLabProject(): void {
    fs.mkdirSync(LAB_PATHS.state, { recursive: true });
    if (!fs.existsSync(LAB_PATHS.passphrase)) {
        const passphrase = crypto.randomBytes(24).toString("base64url") + "\n";
        fs.writeFileSync(LAB_PATHS.passphrase, passphrase, { mode: 0o600 });
    }
    writeProjectCopy(LAB_PATHS.project);
}

/**
 * The project copy in `projectDir`: Pulumi.yaml with `main` pointing back at the repository, the
 * local stacks' files, and the policy pack linked under the same relative path as in the
 * repository (Node resolves the link, so the pack's imports find the repository's node_modules).
 */
export function writeProjectCopy(projectDir: string): void {
    const project = readProjectFile();
    fs.rmSync(projectDir, { recursive: true, force: true });
    const stacksDir = path.join(projectDir, project.stackConfigDir);
    fs.mkdirSync(stacksDir, { recursive: true });
    const doc = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    doc.main = path.relative(projectDir, PROJECT_DIR);
    fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), stringify(doc));
    for (const stack of LOCAL_STACKS) {
        const file = `Pulumi.${stack}.yaml`;
        fs.copyFileSync(path.join(PROJECT_DIR, project.stackConfigDir, file), path.join(stacksDir, file));
    }
    const policyLink = path.join(projectDir, path.relative(PROJECT_DIR, LAB_PATHS.policyPack));
    fs.symlinkSync(LAB_PATHS.policyPack, policyLink, "dir");
}

/** True when the lab's backend still holds stacks (an earlier lab not taken down). */
export function labStateHasStacks(): boolean {
    const dir = path.join(LAB_PATHS.state, ".pulumi", "stacks");
    return fs.existsSync(dir) && fs.readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(".json"));
}

export function labRunner(env: Record<string, string>, policyPacks = [LAB_PATHS.policyPack]): AutomationRunner {
    return new AutomationRunner({ workDir: LAB_PATHS.project, env: { ...process.env, ...env }, policyPacks });
}

/** The Automation API finds `pulumi` on this process's PATH: the toolchain's first. */
function useToolEnv(env: Record<string, string>): void {
    Object.assign(process.env, env);
}

/** Sets a config value (secret or not) of a lab stack in the project copy. */
export async function setLabConfig(
    env: Record<string, string>,
    stack: string,
    key: string,
    value: string,
    secret: boolean,
): Promise<void> {
    useToolEnv(env);
    const s = await LocalWorkspace.createOrSelectStack(
        { stackName: stack, workDir: LAB_PATHS.project },
        { workDir: LAB_PATHS.project, envVars: env },
    );
    await s.setConfig(key, { value, secret });
}

/** A lab stack's state as `pulumi stack export --show-secrets` gives it (harness/plan-query.ts reads it). */
export async function exportLabStack(env: Record<string, string>, stack: string): Promise<Deployment> {
    useToolEnv(env);
    const s = await LocalWorkspace.selectStack(
        { stackName: stack, workDir: LAB_PATHS.project },
        { workDir: LAB_PATHS.project, envVars: env },
    );
    return s.exportStack();
}

/** `pulumi up` (deploy) or `pulumi destroy` of k8s-local, swarm-local, chain-local, in order. */
export async function runLabStacks(
    command: Command,
    env: Record<string, string>,
    log: (s: string) => void,
): Promise<RunReport> {
    useToolEnv(env);
    const report = await runStacks(command, LAB_ENV, labRunner(env, command === "deploy" ? undefined : []), {
        preview: false,
        onProgress: () => undefined,
        onStackDone: () => undefined,
    });
    for (const line of describeReport(report).trimEnd().split("\n")) log(line);
    if (report.failure)
        throw new Error(
            `pulumi ${command} of the local stacks failed at ${report.failure.stack}: ${report.failure.detail}`,
        );
    return report;
}
