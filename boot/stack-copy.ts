// A --config-dir copy of the stack files in which every stack that sets sshPublicKey authorises
// the harness's key instead, so the booted guests let the harness in. The private half, which
// the config readers require to match, goes to the plan as a config override: a stack file may
// not hold a secret in plain text. Nothing else changes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDocument } from "yaml";

export const SSH_PUBLIC_KEY = "hybrid-vnf:sshPublicKey";
export const SSH_PRIVATE_KEY = "hybrid-vnf:sshPrivateKey";

export interface KeyPair {
    publicKey: string;
    privateKey: string;
}

/** The stack file's text with sshPublicKey replaced; undefined when the stack sets none. */
export function withPublicKey(stackFileText: string, publicKey: string): string | undefined {
    const doc = parseDocument(stackFileText);
    if (!doc.hasIn(["config", SSH_PUBLIC_KEY])) return undefined;
    doc.setIn(["config", SSH_PUBLIC_KEY], publicKey);
    return doc.toString();
}

export interface StackCopy {
    dir: string;
    /** Per stack: the private key, for planStacks' overrides. */
    overrides: Record<string, Record<string, unknown>>;
}

export function copyStackFiles(fromDir: string, key: KeyPair): StackCopy {
    const to = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-boot-stacks-"));
    const overrides: StackCopy["overrides"] = {};
    for (const name of fs.readdirSync(fromDir)) {
        const file = path.join(fromDir, name);
        if (!fs.statSync(file).isFile()) continue;
        const text = fs.readFileSync(file, "utf8");
        const stack = /^Pulumi\.(.+)\.ya?ml$/.exec(name)?.[1];
        const changed = stack ? withPublicKey(text, key.publicKey) : undefined;
        if (stack && changed !== undefined) overrides[stack] = { [SSH_PRIVATE_KEY]: key.privateKey };
        fs.writeFileSync(path.join(to, name), changed ?? text);
    }
    return { dir: to, overrides };
}
