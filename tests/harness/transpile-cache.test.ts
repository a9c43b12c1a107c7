// The plan CLI's transpile cache: a hit skips ts-node's compile, any change to what the output
// depends on misses, type-checking instances are left alone, and the CLI plans the same with it.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Service } from "ts-node";
import { cacheTranspiledOutput, transpileKey, transpilerId } from "../../harness/transpile-cache";
import { PROJECT_DIR } from "../../harness/stack-files";

/** Just the parts of a ts-node service the cache touches; `compiled` counts real transpiles. */
function fakeService(options: { transpileOnly?: boolean; typeCheck?: boolean }) {
    const fake = {
        compiled: [] as string[],
        options,
        ts: { version: "5.0.0-test" },
        config: { options: { target: 9 } },
        compile(code: string, fileName: string): string {
            fake.compiled.push(fileName);
            return `/* from ${fileName} */ ${code.toUpperCase()}`;
        },
    };
    return fake;
}

describe("harness/transpile-cache", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-transpile-test-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keys on the source, the compiler and the options", () => {
        const base = transpileKey("let a = 1;", "typescript@5.9.3", { target: 9 });
        assert.strictEqual(transpileKey("let a = 1;", "typescript@5.9.3", { target: 9 }), base);
        assert.notStrictEqual(transpileKey("let a = 2;", "typescript@5.9.3", { target: 9 }), base);
        assert.notStrictEqual(transpileKey("let a = 1;", "typescript@5.9.2", { target: 9 }), base);
        assert.notStrictEqual(transpileKey("let a = 1;", "typescript@5.9.3", { target: 7 }), base);
    });

    it("names the transpiler in the key: swc's output is not TypeScript's, so neither serves the other's", () => {
        const ts = { version: "5.9.3" };
        const swc = transpilerId({ options: { swc: true }, ts } as unknown as Service);
        assert.match(swc, /^@swc\/core@\d+\.\d+\.\d+$/);
        assert.strictEqual(transpilerId({ options: {}, ts } as unknown as Service), "typescript@5.9.3");
        assert.notStrictEqual(
            transpileKey("let a = 1;", swc, { target: 9 }),
            transpileKey("let a = 1;", "typescript@5.9.3", { target: 9 }),
        );
    });

    it("transpiles a file once, then serves the same output until its source changes", () => {
        const fake = fakeService({ transpileOnly: true });
        assert.strictEqual(cacheTranspiledOutput(fake as unknown as Service, dir), true);
        const first = fake.compile("let a = 1;", "/p/a.ts");
        assert.strictEqual(fake.compile("let a = 1;", "/p/a.ts"), first);
        assert.deepStrictEqual(fake.compiled, ["/p/a.ts"]);
        assert.strictEqual(fake.compile("let b = 1;", "/p/b.ts"), "/* from /p/b.ts */ LET B = 1;");
        assert.strictEqual(fake.compile("let a = 2;", "/p/a.ts"), "/* from /p/a.ts */ LET A = 2;");
        assert.deepStrictEqual(fake.compiled, ["/p/a.ts", "/p/b.ts", "/p/a.ts"]);
        // A changed file overwrites its entry: one entry per file, no temporary files left.
        assert.deepStrictEqual(fs.readdirSync(dir).length, 2);
    });

    it("a new process (a new wrapper) reads what an earlier one wrote", () => {
        const earlier = fakeService({ transpileOnly: true });
        cacheTranspiledOutput(earlier as unknown as Service, dir);
        const output = earlier.compile("let a = 1;", "/p/a.ts");
        const later = fakeService({ transpileOnly: true });
        cacheTranspiledOutput(later as unknown as Service, dir);
        assert.strictEqual(later.compile("let a = 1;", "/p/a.ts"), output);
        assert.deepStrictEqual(later.compiled, []);
    });

    it("leaves type-checking instances alone, so they report errors on every run", () => {
        for (const options of [{ typeCheck: true, transpileOnly: true }, { transpileOnly: false }, {}]) {
            const fake = fakeService(options);
            const compile = fake.compile;
            assert.strictEqual(cacheTranspiledOutput(fake as unknown as Service, dir), false);
            assert.strictEqual(fake.compile, compile);
        }
        assert.deepStrictEqual(fs.readdirSync(dir), []);
    });

    it("the plan CLI prints the same plan with an empty cache and a full one", () => {
        const run = () =>
            spawnSync(
                process.execPath,
                [
                    "-r",
                    "ts-node/register/transpile-only",
                    path.join("harness", "cli.ts"),
                    "k8s-local",
                    "swarm-local",
                    "--json",
                ],
                {
                    cwd: PROJECT_DIR,
                    encoding: "utf8",
                    env: { ...process.env, HVNF_TRANSPILE_CACHE: dir },
                    timeout: 60_000,
                },
            );
        const cold = run();
        assert.strictEqual(cold.status, 0, cold.stderr);
        const entries = fs.readdirSync(dir);
        assert.ok(
            entries.some((f) => f.endsWith(".json")) && !entries.some((f) => f.endsWith(".tmp")),
            `cache entries: ${entries.join(", ")}`,
        );
        const warm = run();
        assert.strictEqual(warm.status, 0, warm.stderr);
        assert.strictEqual(warm.stdout, cold.stdout);
        assert.strictEqual(JSON.parse(warm.stdout)[1].stack, "swarm-local");
    });
});
