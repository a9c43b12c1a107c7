// The shared facts reach the images through generated files; these fail when one is stale or
// when the shell and TS renderings of the Apache page differ.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { APACHE_PAGE_SH, VNF_FACTS, VNF_FACTS_SH, renderApachePageSh, renderVnfFactsSh } from "../../lib/image-facts";
import { backendOf, renderApachePage } from "../../lib/apache-page";

const START = path.join(__dirname, "..", "..", "images", "apache", "start.sh");

function renderOnly(shell: string, env: Record<string, string>) {
    return spawnSync(shell, [START, "--render-only"], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    });
}

describe("image facts: generated shell files", () => {
    it("images/lib/apache-page.sh is what lib/image-facts.ts generates now (regenerate: node -r ts-node/register/transpile-only lib/image-facts.ts)", () => {
        assert.strictEqual(fs.readFileSync(APACHE_PAGE_SH, "utf8"), renderApachePageSh());
    });

    it("images/lib/vnf-facts.sh is what lib/image-facts.ts generates now (regenerate as above)", () => {
        assert.strictEqual(fs.readFileSync(VNF_FACTS_SH, "utf8"), renderVnfFactsSh());
    });

    for (const shell of ["dash", "bash"]) {
        it(`vnf-facts.sh under ${shell} sets every fact to its lib/ value`, () => {
            const names = VNF_FACTS.map(([, name]) => name);
            const script = `. "$1"; ${names.map((n) => `printf '%s\\n' "$${n}"`).join("; ")}`;
            const r = spawnSync(shell, ["-c", script, shell, VNF_FACTS_SH], { encoding: "utf8" });
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(
                r.stdout.split("\n").slice(0, -1),
                VNF_FACTS.map(([, , value]) => String(value)),
            );
        });
    }

    for (const shell of ["dash", "bash"]) {
        it(`apache start.sh --render-only under ${shell} prints renderApachePage byte for byte, and backendOf reads the name back`, () => {
            const r = renderOnly(shell, { BACKEND_NAME: "apache-2.lab_x", BACKEND_IP: "10.100.102.11" });
            assert.strictEqual(r.status, 0, r.stderr);
            assert.strictEqual(r.stdout, renderApachePage("apache-2.lab_x", "10.100.102.11"));
            assert.strictEqual(backendOf(r.stdout), "apache-2.lab_x");
        });
    }

    it("apache start.sh and renderApachePage refuse the same bad name", () => {
        const r = renderOnly("sh", { BACKEND_NAME: "a b", BACKEND_IP: "10.0.0.1" });
        assert.strictEqual(r.status, 2);
        assert.strictEqual(r.stderr.trim(), 'BACKEND_NAME: invalid entry "a b" (allowed: letters, digits, . _ -)');
        assert.throws(() => renderApachePage("a b", "10.0.0.1"), { message: r.stderr.trim() });
    });

    it("backendOf: undefined for a body without the marker, or with a name outside the allowed set", () => {
        assert.strictEqual(backendOf("<p>nginx error</p>"), undefined);
        assert.strictEqual(backendOf("Served by <b>a b</b>"), undefined);
    });
});
