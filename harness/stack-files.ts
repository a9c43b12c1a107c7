// Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI does, for the mock-runtime plan:
// every project key must be declared and have the declared type, and every key the engine
// requires (declared in Pulumi.yaml without default or value) must be set by the stack.
// Declarations live in two files: Pulumi.yaml's `config:` block holds only the keys every stack
// must set (the engine requires each one declared there without a default), and
// <stackConfigDir>/config-keys.yaml holds the per-role keys, in the same format, which the CLI
// never reads. The harness reads their union.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Where the declarations the engine does not see live, relative to stackConfigDir. */
export const CONFIG_KEYS_FILE = "config-keys.yaml";

export interface ConfigDeclaration {
    type: "string" | "integer" | "boolean" | "array";
    items?: { type: string };
    description?: string;
    secret?: boolean;
    default?: unknown;
    value?: unknown;
}

export interface StackFile {
    stack: string;
    file: string;
    /** Full keys (`hybrid-vnf:role`, `openstack:region`) to the CLI's string form of the value. */
    config: Record<string, string>;
    /** Keys whose values are secret: `secure:` values in the file, or declared secret. */
    secretKeys: string[];
}

export interface ProjectFile {
    name: string;
    stackConfigDir: string;
    /** Every declared key: Pulumi.yaml's config block, then stacks/config-keys.yaml's. */
    config: Record<string, ConfigDeclaration>;
    /** Keys the engine requires every stack to set: in Pulumi.yaml's config block, in the project's namespace, with no default or value. */
    requiredKeys: string[];
    /** Full keys to the CLI's string form of their Pulumi.yaml default: the CLI passes these to every stack that does not set the key. */
    engineDefaults: Record<string, string>;
}

function configBlock(file: string): Record<string, unknown> {
    const doc = parseYaml(fs.readFileSync(file, "utf8"));
    return doc?.config ?? {};
}

/** Pulumi's rule (sdk/go/common/workspace/config.go, mergeConfig): declared without default or value, in the project's namespace. */
function engineRequires(projectName: string, key: string, decl: unknown): boolean {
    // A bare string, number or boolean is a value (`key: value` shorthand).
    if (typeof decl !== "object" || decl === null) return false;
    const hasDefault =
        (decl as ConfigDeclaration).default !== undefined && (decl as ConfigDeclaration).default !== null;
    const hasValue = (decl as ConfigDeclaration).value !== undefined && (decl as ConfigDeclaration).value !== null;
    const namespace = key.includes(":") ? key.slice(0, key.indexOf(":")) : projectName;
    return !hasDefault && !hasValue && namespace === projectName;
}

export function readProjectFile(dir = PROJECT_DIR): ProjectFile {
    const doc = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    const name: string = doc.name;
    const stackConfigDir: string = doc.stackConfigDir ?? ".";
    const engine: Record<string, unknown> = doc.config ?? {};
    const keysFile = path.join(dir, stackConfigDir, CONFIG_KEYS_FILE);
    const extra = fs.existsSync(keysFile) ? configBlock(keysFile) : {};
    const twice = Object.keys(extra).filter((k) => k in engine);
    if (twice.length > 0)
        throw new Error(
            `${twice.join(", ")}: declared both in Pulumi.yaml and in ${path.join(stackConfigDir, CONFIG_KEYS_FILE)}; keep one`,
        );
    const config = { ...engine, ...extra } as Record<string, ConfigDeclaration>;
    const requiredKeys = Object.entries(engine)
        .filter(([key, decl]) => engineRequires(name, key, decl))
        .map(([key]) => key);
    const engineDefaults: Record<string, string> = {};
    for (const [key, decl] of Object.entries(engine)) {
        const d = typeof decl === "object" && decl !== null ? (decl as ConfigDeclaration).default : undefined;
        if (d !== undefined && d !== null)
            engineDefaults[key.includes(":") ? key : `${name}:${key}`] = typeof d === "string" ? d : JSON.stringify(d);
    }
    return { name, stackConfigDir, config, requiredKeys, engineDefaults };
}

/** Pulumi's own wording (sdk/go/common/workspace/config.go, missingStackConfigurationKeysError). */
export function missingConfigMessage(stack: string, missing: string[]): string {
    const keys = [...missing].sort().map((k) => `'${k}'`);
    const list = keys.length === 1 ? keys[0] : `${keys.slice(0, -1).join(", ")} and ${keys[keys.length - 1]}`;
    return `Stack '${stack}' is missing configuration value${keys.length === 1 ? "" : "s"} ${list}`;
}

/**
 * Fails as `pulumi preview` does, before the program runs, when the stack's config (full keys)
 * lacks a key the engine requires.
 */
export function checkRequiredConfig(stack: string, config: Record<string, unknown>, project = readProjectFile()): void {
    const fullKey = (k: string) => (k.includes(":") ? k : `${project.name}:${k}`);
    const missing = project.requiredKeys.filter((k) => config[fullKey(k)] === undefined);
    if (missing.length > 0) throw new Error(`validating stack config: ${missingConfigMessage(stack, missing)}`);
}

/**
 * The example stacks' SSH key pair, for plans only: the config readers parse sshPrivateKey and
 * require it to be the private half of sshPublicKey, so the stand-in is a real, throwaway
 * Ed25519 pair (comment hybrid-vnf-plan-placeholder), public in this repository and authorised
 * nowhere. The dev stacks' sshPublicKey is PLACEHOLDER_SSH_PUBLIC_KEY + " replace-me@example".
 */
export const PLACEHOLDER_SSH_PUBLIC_KEY =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIObLdnoVivk48PPE8KdMadECaru7KaKk++Wqv6nVYem9";

/**
 * Values for secret keys that an example stack leaves out (they are set with
 * `pulumi config set --secret`). Obvious placeholders, never keys in use.
 */
export const SECRET_PLACEHOLDERS: Record<string, string> = {
    sshPrivateKey: [
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        "QyNTUxOQAAACDmy3Z6FYr5OPDzxPCnTGnRAmq7uymipPvlqr+p1WHpvQAAAKAzBFR7MwRU",
        "ewAAAAtzc2gtZWQyNTUxOQAAACDmy3Z6FYr5OPDzxPCnTGnRAmq7uymipPvlqr+p1WHpvQ",
        "AAAED+hT0Fyc3yNDcysVSI6prhuUDAQua5q+onYvuwtFhcoObLdnoVivk48PPE8KdMadEC",
        "aru7KaKk++Wqv6nVYem9AAAAG2h5YnJpZC12bmYtcGxhbi1wbGFjZWhvbGRlcgEC",
        "-----END OPENSSH PRIVATE KEY-----",
        "",
    ].join("\n"),
    kubeconfig: [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: placeholder, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}]",
        "users: [{name: placeholder, user: {token: PLACEHOLDER-NOT-A-TOKEN}}]",
        "contexts: [{name: placeholder, context: {cluster: placeholder, user: placeholder}}]",
        "current-context: placeholder",
        "",
    ].join("\n"),
};

function typeOf(value: unknown): ConfigDeclaration["type"] | "other" {
    if (Array.isArray(value)) return "array";
    if (typeof value === "boolean") return "boolean";
    if (typeof value === "number" && Number.isInteger(value)) return "integer";
    if (typeof value === "string") return "string";
    return "other";
}

export function readStackFile(stack: string, configDir?: string, project = readProjectFile()): StackFile {
    const dir = configDir ?? path.join(PROJECT_DIR, project.stackConfigDir);
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`stack ${stack}: no stack file ${file}`);
    const raw: Record<string, unknown> = parseYaml(fs.readFileSync(file, "utf8"))?.config ?? {};
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const prefix = `${project.name}:`;
    for (const [key, value] of Object.entries(raw)) {
        const isSecure = typeof value === "object" && value !== null && "secure" in value;
        if (key.startsWith(prefix)) {
            const decl = project.config[key.slice(prefix.length)];
            if (!decl)
                throw new Error(
                    `${path.basename(file)}: ${key} is not declared in Pulumi.yaml or ${path.join(project.stackConfigDir, CONFIG_KEYS_FILE)} (a typo?)`,
                );
            const actual = isSecure ? "string" : typeOf(value);
            if (actual !== decl.type) {
                throw new Error(
                    `${path.basename(file)}: ${key}: ${JSON.stringify(value)} is not of the declared type ${decl.type}`,
                );
            }
        }
        if (isSecure) {
            // The CLI would decrypt this; the plan cannot, so it stands in a marked placeholder.
            config[key] = SECRET_PLACEHOLDERS[key.slice(prefix.length)] ?? `[secure value of ${key}]`;
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    // Like the CLI: a key declared in Pulumi.yaml with a default has that value unless the stack sets it.
    for (const [key, value] of Object.entries(project.engineDefaults)) {
        if (!(key in config)) config[key] = value;
    }
    for (const [name, decl] of Object.entries(project.config)) {
        const key = prefix + name;
        if (decl.secret && !(key in config) && SECRET_PLACEHOLDERS[name]) {
            config[key] = SECRET_PLACEHOLDERS[name];
            secretKeys.push(key);
        }
    }
    return { stack, file, config, secretKeys };
}
