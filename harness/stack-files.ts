// Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI does, for the mock-runtime plan:
// every project key must be declared in Pulumi.yaml and have the declared type.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface ConfigDeclaration {
    type: "string" | "integer" | "boolean" | "array";
    description?: string;
    secret?: boolean;
}

export interface ProjectFile {
    name: string;
    stackConfigDir: string;
    config: Record<string, ConfigDeclaration>;
}

export interface StackFile {
    stack: string;
    file: string;
    /** Full keys (`hybrid-vnf:role`, `openstack:region`) to the CLI's string form of the value. */
    config: Record<string, string>;
    /** Keys whose values are secret: `secure:` values in the file, or declared secret. */
    secretKeys: string[];
}

export function readProjectFile(dir = PROJECT_DIR): ProjectFile {
    const doc = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
    return { name: doc.name, stackConfigDir: doc.stackConfigDir ?? ".", config: doc.config ?? {} };
}

/**
 * Values for secret keys that an example stack leaves out (they are set with
 * `pulumi config set --secret`). Obvious placeholders, never real keys.
 */
export const SECRET_PLACEHOLDERS: Record<string, string> = {
    sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nPLACEHOLDER-NOT-A-KEY\n-----END OPENSSH PRIVATE KEY-----\n",
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
            if (!decl) throw new Error(`${path.basename(file)}: ${key} is not declared in Pulumi.yaml (a typo?)`);
            const actual = isSecure ? "string" : typeOf(value);
            if (actual !== decl.type) {
                throw new Error(`${path.basename(file)}: ${key}: ${JSON.stringify(value)} is not of the declared type ${decl.type}`);
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
    for (const [name, decl] of Object.entries(project.config)) {
        const key = prefix + name;
        if (decl.secret && !(key in config) && SECRET_PLACEHOLDERS[name]) {
            config[key] = SECRET_PLACEHOLDERS[name];
            secretKeys.push(key);
        }
    }
    return { stack, file, config, secretKeys };
}
