// A --config-dir copy of the stack files in which every stack that sets sshPublicKey authorises
// the harness's key instead, so the booted guests let the harness in (the plan harness reads
// stack files from any directory; nothing else in them changes).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDocument } from "yaml";

export const SSH_PUBLIC_KEY = "hybrid-vnf:sshPublicKey";

/** The stack file's text with sshPublicKey replaced; unchanged when the stack does not set it. */
export function withPublicKey(stackFileText: string, publicKey: string): string {
    const doc = parseDocument(stackFileText);
    if (!doc.hasIn(["config", SSH_PUBLIC_KEY])) return stackFileText;
    doc.setIn(["config", SSH_PUBLIC_KEY], publicKey);
    return doc.toString();
}

export function copyStackFiles(fromDir: string, publicKey: string): string {
    const to = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-boot-stacks-"));
    for (const name of fs.readdirSync(fromDir)) {
        const file = path.join(fromDir, name);
        if (!fs.statSync(file).isFile()) continue;
        const text = fs.readFileSync(file, "utf8");
        fs.writeFileSync(path.join(to, name), /^Pulumi\..+\.ya?ml$/.test(name) ? withPublicKey(text, publicKey) : text);
    }
    return to;
}
