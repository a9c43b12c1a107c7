// A --config-dir copy of the stack files in which every stack that sets sshPublicKey authorises
// the harness's key pair instead (sshPublicKey, and sshPrivateKey, which the config readers
// require to be its private half), so the booted guests let the harness in. The plan harness
// reads stack files from any directory; nothing else in them changes.
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

/** The stack file's text with the key pair replaced; unchanged when the stack sets no sshPublicKey. */
export function withKeyPair(stackFileText: string, key: KeyPair): string {
    const doc = parseDocument(stackFileText);
    if (!doc.hasIn(["config", SSH_PUBLIC_KEY])) return stackFileText;
    doc.setIn(["config", SSH_PUBLIC_KEY], key.publicKey);
    doc.setIn(["config", SSH_PRIVATE_KEY], key.privateKey);
    return doc.toString();
}

export function copyStackFiles(fromDir: string, key: KeyPair): string {
    // 0700: the copy holds the harness's private key.
    const to = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-boot-stacks-"));
    for (const name of fs.readdirSync(fromDir)) {
        const file = path.join(fromDir, name);
        if (!fs.statSync(file).isFile()) continue;
        const text = fs.readFileSync(file, "utf8");
        fs.writeFileSync(path.join(to, name), /^Pulumi\..+\.ya?ml$/.test(name) ? withKeyPair(text, key) : text);
    }
    return to;
}
