// The engine toolchain as the lab and ops use it: what `npm run engine` (engine/build.sh) left in
// its cache. The cache folder rule is build.sh's; the exports come from the toolchain.env it writes.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { envValue } from "../lib/env-vars";

export function engineCache(env: NodeJS.ProcessEnv = process.env): string {
    return (
        envValue("engineCache", env) ??
        path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "hybrid-vnf", "engine")
    );
}

export class ToolchainMissing extends Error {
    constructor(what: string) {
        super(`${what}; build the engine toolchain first: npm run engine`);
        this.name = "ToolchainMissing";
    }
}

/** `export K="V"` lines of toolchain.env, with $PATH in a value expanded from `basePath`. */
export function parseToolchainEnv(text: string, basePath: string): Record<string, string> {
    const vars: Record<string, string> = {};
    for (const line of text.split("\n")) {
        const m = /^export ([A-Z_][A-Z0-9_]*)=(?:"([^"]*)"|(\S*))$/.exec(line.trim());
        if (m) vars[m[1]] = (m[2] ?? m[3]).replace(/\$PATH\b|\$\{PATH\}/g, basePath);
    }
    return vars;
}

/** The variables that put the toolchain first: PATH, PULUMI_HOME and the offline switches. */
export function toolchainEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
    const file = path.join(engineCache(env), "toolchain.env");
    if (!fs.existsSync(file)) throw new ToolchainMissing(`no ${file}`);
    return parseToolchainEnv(fs.readFileSync(file, "utf8"), env.PATH ?? "");
}

/** Path of a toolchain binary (pulumi, etcd, kube-apiserver, ...). */
export function toolPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
    const p = path.join(engineCache(env), "bin", name);
    if (!fs.existsSync(p)) throw new ToolchainMissing(`no ${name} in ${path.dirname(p)}`);
    return p;
}
