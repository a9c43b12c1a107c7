// Plan start-up: under ts-node every .ts file of the program is transpiled again on every run, and
// that was most of a plan's time beyond loading the SDK. This keeps each file's transpiled output
// on disk, keyed by its source, the TypeScript and ts-node versions and the compiler options, so a
// repeated plan transpiles only the files that changed. Type-checking runs are never cached: they
// must report errors on every run.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { REGISTER_INSTANCE, Service, VERSION as TS_NODE_VERSION } from "ts-node";
import { envValue } from "../lib/env-vars";

/** Under node_modules, so `npm ci` clears it and git never sees it; HYBRID_VNF_TRANSPILE_CACHE moves it. */
export const TRANSPILE_CACHE_DIR =
    envValue("transpileCache") || path.resolve(__dirname, "..", "node_modules", ".cache", "hybrid-vnf", "transpiled");

interface CacheEntry {
    key: string;
    output: string;
}

/** What a transpiled output depends on besides its file name: any change makes a new key. */
export function transpileKey(source: string, compiler: string, options: unknown): string {
    return crypto
        .createHash("sha256")
        .update(JSON.stringify([source, compiler, TS_NODE_VERSION, options]))
        .digest("hex");
}

/** The compiler a ts-node instance transpiles with, and its version: swc's output is not TypeScript's. */
export function transpilerId(service: Pick<Service, "options" | "ts">): string {
    const { swc, transpiler } = service.options;
    if (swc) return `@swc/core@${packageVersion("@swc/core")}`;
    if (transpiler) {
        const name = typeof transpiler === "string" ? transpiler : transpiler[0];
        return `${name}@${packageVersion(name)}`;
    }
    return `typescript@${service.ts.version}`;
}

function packageVersion(name: string): string {
    try {
        return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string })
            .version;
    } catch {
        return "unknown";
    }
}

/**
 * Wraps a ts-node instance (by default the one this process registered) so transpiled files come
 * from `dir` when unchanged. One entry per source file (a changed file overwrites its entry),
 * written by rename so a concurrent run never reads half a file. Returns false, changing nothing,
 * when there is no ts-node instance or it type-checks.
 */
export function cacheTranspiledOutput(
    service: Service | undefined = process[REGISTER_INSTANCE],
    dir = TRANSPILE_CACHE_DIR,
): boolean {
    if (!service || service.options.typeCheck === true || service.options.transpileOnly !== true) return false;
    const compile = service.compile.bind(service);
    const compiler = transpilerId(service);
    const options = service.config.options;
    service.compile = (code: string, fileName: string, lineOffset?: number): string => {
        if (lineOffset) return compile(code, fileName, lineOffset);
        const key = transpileKey(code, compiler, options);
        const file = path.join(dir, crypto.createHash("sha1").update(fileName).digest("hex") + ".json");
        try {
            const entry = JSON.parse(fs.readFileSync(file, "utf8")) as CacheEntry;
            if (entry.key === key) return entry.output;
        } catch {
            // No entry yet, or an unreadable one: transpile and (re)write it.
        }
        const output = compile(code, fileName);
        try {
            fs.mkdirSync(dir, { recursive: true });
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, JSON.stringify({ key, output } satisfies CacheEntry));
            fs.renameSync(tmp, file);
        } catch {
            // A read-only tree still plans, only slower.
        }
        return output;
    };
    return true;
}
