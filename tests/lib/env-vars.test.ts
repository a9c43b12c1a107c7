// lib/env-vars.ts: one prefix, the old names still read, and engine/build.sh (bash, which cannot
// import it) reading the same name for the engine cache.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ENV_PREFIX, ENV_VARS, OLD_ENV_VARS, envValue } from "../../lib/env-vars";

describe("lib/env-vars.ts", () => {
    it("every variable has the HYBRID_VNF_ prefix, and each name is used once", () => {
        const names = Object.values(ENV_VARS);
        assert.strictEqual(ENV_PREFIX, "HYBRID_VNF_");
        for (const name of names) assert.ok(name.startsWith(ENV_PREFIX), name);
        assert.strictEqual(new Set(names).size, names.length);
    });

    it("reads the new name first, then the old one; an empty value counts as unset", () => {
        assert.strictEqual(envValue("labLock", { HYBRID_VNF_LAB_LOCK: "/new", HVNF_LAB_LOCK: "/old" }), "/new");
        assert.strictEqual(envValue("labLock", { HVNF_LAB_LOCK: "/old" }), "/old");
        assert.strictEqual(
            envValue("transpileCache", { HYBRID_VNF_TRANSPILE_CACHE: "", HVNF_TRANSPILE_CACHE: "/o" }),
            "/o",
        );
        assert.strictEqual(envValue("engineCache", { HYBRID_VNF_ENGINE_CACHE: "" }), undefined);
        assert.strictEqual(envValue("sshDir", {}), undefined);
    });

    it("keeps the old names only where there were old names (HVNF_)", () => {
        assert.deepStrictEqual(OLD_ENV_VARS, { transpileCache: "HVNF_TRANSPILE_CACHE", labLock: "HVNF_LAB_LOCK" });
    });

    it("engine/build.sh reads the engine cache under the same name", () => {
        const build = fs.readFileSync(path.join(__dirname, "..", "..", "engine", "build.sh"), "utf8");
        assert.ok(
            build.includes(`\${${ENV_VARS.engineCache}:-`),
            `engine/build.sh does not read ${ENV_VARS.engineCache}`,
        );
    });
});
