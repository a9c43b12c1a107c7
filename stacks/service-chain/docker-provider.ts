// The Docker provider for the swarm stack's dockerHost. The provider shells out to the system
// `ssh` for ssh:// hosts, so a key from secret config has to be a file: it is written, 0600,
// into a 0700 directory of this user, named by a hash of the key (stable path, so no provider
// diff run to run). The file is kept: `pulumi destroy` and `refresh` reuse the provider config
// from the state without running this program, and need the file then. On a fresh machine run
// `pulumi preview` once first (it rewrites the file), or leave sshPrivateKey unset and use ssh-agent.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/docker/provider";
import { ConfigError } from "../../lib/errors";
import { sshPrivateKeyProblem } from "../../lib/ssh-key";
import { ENV_VARS, envValue } from "../../lib/env-vars";

export const SSH_KEY_DIR_ENV = ENV_VARS.sshDir;
const KEY_NAME = "hybrid-vnf:sshPrivateKey";

export function sshKeyDir(): string {
    return envValue("sshDir") ?? path.join(os.tmpdir(), `hybrid-vnf-ssh-${process.getuid?.() ?? "user"}`);
}

/** Writes the key (idempotently) and returns its path. Refuses a directory others can read. */
export function writeSshKeyFile(key: string, dir = sshKeyDir()): string {
    // readServiceChainConfig checks the key; this guards direct callers with the same rule.
    const problem = sshPrivateKeyProblem(key);
    if (problem) throw ConfigError.secret(KEY_NAME, problem);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
        throw new Error(
            `${dir} is not a directory of this user with mode 0700; refusing to write the SSH key there (set ${SSH_KEY_DIR_ENV})`,
        );
    }
    const content = key.trim() + "\n"; // ssh rejects a key without the final newline
    const file = path.join(dir, `id-${crypto.createHash("sha256").update(content).digest("hex").slice(0, 16)}`);
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== content) {
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, content, { mode: 0o600, flag: "w" });
        fs.renameSync(tmp, file);
    }
    fs.chmodSync(file, 0o600);
    return file;
}

/** ssh options for the provider: the key (if any) and no interactive prompts. */
export function dockerSshOpts(keyFile?: string): string[] {
    return [
        ...(keyFile ? ["-i", keyFile, "-o", "IdentitiesOnly=yes"] : []),
        // Trust the host key on first use (the VM was just built), refuse a changed one later.
        "-o",
        "StrictHostKeyChecking=accept-new",
        "-o",
        "BatchMode=yes",
        "-o",
        "ConnectTimeout=15",
        "-o",
        "ServerAliveInterval=15",
    ];
}

/** A Docker provider for `ssh://user@host` (key from secret config, else ssh-agent) or `unix://` (no key). */
export function swarmDockerProvider(
    name: string,
    dockerHost: pulumi.Input<string>,
    sshPrivateKey: pulumi.Input<string> | undefined,
    opts?: pulumi.CustomResourceOptions,
): Provider {
    const host = pulumi.output(dockerHost);
    const sshOpts = pulumi.all([host, sshPrivateKey]).apply(([h, key]) => {
        if (/^tcp:\/\//.test(h)) throw new Error(`dockerHost ${h}: plain tcp:// is not allowed; use ssh:// or unix://`);
        if (!h.startsWith("ssh://")) return [];
        return dockerSshOpts(key === undefined ? undefined : writeSshKeyFile(key));
    });
    // The options hold a file path, not the key: keep them readable in the provider config.
    return new Provider(name, { host, sshOpts: pulumi.unsecret(sshOpts) }, opts);
}
