// The policy pack runs in a process of its own (policy/package.json, policy/tsconfig.json): the
// lib/ modules it imports must import nothing themselves, or the pack would drag the program in.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const importsOf = (text: string) =>
    [...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gm)].map((m) => m[1]);

describe("policy pack imports", () => {
    const libModules = ["rules.ts", "policies.ts"].flatMap((f) =>
        importsOf(fs.readFileSync(path.join(ROOT, "policy", f), "utf8")).filter((m) => m.startsWith("../lib/")),
    );

    it("takes its facts from lib/ (ports, labels, the pin rule, the secret mark)", () => {
        for (const m of ["../lib/ports", "../lib/labels", "../lib/image-ref", "../lib/secret-mark"]) {
            assert.ok(libModules.includes(m), `${m} not imported: ${libModules.join(", ")}`);
        }
    });

    it("every lib/ module it imports imports nothing", () => {
        for (const m of new Set(libModules)) {
            const text = fs.readFileSync(path.join(ROOT, "policy", `${m}.ts`), "utf8");
            assert.deepStrictEqual(importsOf(text), [], `${m}.ts imports others`);
            assert.doesNotMatch(text, /\brequire\(/, `${m}.ts requires others`);
        }
    });
});
