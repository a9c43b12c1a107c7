// README stays true: the config table matches Pulumi.yaml, documented defaults match the
// loaders, and the commands it shows exist.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { configTable, splitDefault } from "../harness/config-table";
import { PROJECT_DIR, readProjectFile, SECRET_PLACEHOLDERS } from "../harness/stack-files";
import { ConfigReader, mapConfigSource } from "../lib/config-reader";
import { readK8sClusterConfig } from "../stacks/k8s-cluster/config";
import { readSwarmClusterConfig } from "../stacks/swarm-cluster/config";
import { readServiceChainConfig } from "../stacks/service-chain/config";

const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));

describe("README", () => {
    it("holds the config table generated from Pulumi.yaml (npm run docs:config)", () => {
        assert.ok(readme.includes(configTable()), "README config table is stale: run npm run docs:config");
    });

    it("its TypeScript examples type-check against the current components", function () {
        this.timeout(120_000);
        const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
        assert.ok(blocks.length > 0, "README shows a TypeScript example");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-readme-"));
        try {
            // Each example as a file of its own, importing the project by absolute path.
            const files = blocks.map((code, i) => {
                const file = path.join(dir, `example-${i}.ts`);
                fs.writeFileSync(file, code.replace(/from "\.\//g, `from "${PROJECT_DIR}/`));
                return file;
            });
            const tsconfig = { extends: path.join(PROJECT_DIR, "tsconfig.json"), compilerOptions: { noCheck: false, typeRoots: [path.join(PROJECT_DIR, "node_modules", "@types")], baseUrl: PROJECT_DIR, paths: { "*": ["node_modules/*"] } }, include: [], files };
            fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
            const tsc = path.join(PROJECT_DIR, "node_modules", ".bin", "tsc");
            const r = spawnSync(tsc, ["-p", path.join(dir, "tsconfig.json")], { encoding: "utf8" });
            assert.strictEqual(r.status, 0, `README's TypeScript does not type-check:\n${r.stdout}${r.stderr}`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("every npm command it shows is a script of package.json", () => {
        const shown = [...readme.matchAll(/npm run (?:--\S+ )*([a-z][a-z:-]*)/g)].map((m) => m[1]);
        assert.ok(shown.includes("lab") && /npm test/.test(readme));
        for (const s of shown) assert.ok(pkg.scripts[s], `npm run ${s} is in package.json`);
    });

    it("documented defaults are the defaults the loaders apply", () => {
        const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDERPLACEHOLDERPLACEHOLDER00000 me@example";
        const common = { externalNetwork: "public", adminCidr: "198.51.100.0/24", sshPublicKey: key, sshPrivateKey: SECRET_PLACEHOLDERS.sshPrivateKey, k8sStack: "o/p/k", swarmStack: "o/p/s", clientCidr: "0.0.0.0/0" };
        const loaded: Record<string, unknown> = {
            ...readServiceChainConfig(new ConfigReader(mapConfigSource(common))),
            ...readSwarmClusterConfig(new ConfigReader(mapConfigSource(common))),
            ...readK8sClusterConfig(new ConfigReader(mapConfigSource(common))),
        };
        const aliases: Record<string, string> = { workerCount: "" };
        let checked = 0;
        for (const [name, decl] of Object.entries(readProjectFile().config)) {
            const { fallback } = splitDefault(decl.description ?? "");
            if (!fallback || aliases[name] === "" || !(name in loaded)) continue;
            const value = loaded[name];
            const shown = Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
            assert.strictEqual(shown, fallback, `${name}: README says ${fallback}, the loader uses ${shown}`);
            checked++;
        }
        assert.ok(checked >= 15, `checked ${checked} defaults`);
    });
});

describe("README benchmark figures", () => {
    // The figures README quotes are the ones the benchmarks wrote, not retyped numbers.
    for (const [marker, file] of [["bench-lab", "lab.md"], ["bench-plan", "plan.md"], ["bench-failover", "failover.md"]]) {
        it(`quotes bench/results/${file} verbatim`, () => {
            const section = new RegExp(`<!-- ${marker}:start -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`).exec(readme);
            assert.ok(section, `README has the ${marker} markers`);
            const measured = fs.readFileSync(path.join(PROJECT_DIR, "bench", "results", file), "utf8").trim();
            assert.strictEqual(section[1].trim(), measured);
        });
    }
});
