// README and docs/ stay true: the config table matches Pulumi.yaml, documented defaults match the
// loaders, the TypeScript examples type-check, the commands they show exist, and the benchmark
// tables are the ones the benchmarks wrote. (Links and paths: tests/docs.test.ts.)
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
/** README.md and every docs/*.md, as [name, text]. */
const pages: [string, string][] = [
    ["README.md", readme],
    ...fs
        .readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f): [string, string] => [`docs/${f}`, fs.readFileSync(path.join(PROJECT_DIR, "docs", f), "utf8")]),
];
const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));

describe("README", () => {
    it("holds the config table generated from Pulumi.yaml (npm run docs:config)", () => {
        assert.ok(readme.includes(configTable()), "README config table is stale: run npm run docs:config");
    });

    it("the TypeScript examples of README and docs/ type-check against the current components", function () {
        this.timeout(120_000);
        const blocks = pages.flatMap(([, text]) => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]));
        assert.ok(
            blocks.some((b) => b.includes("new QuaggaRouter(") && b.includes("new NginxLoadBalancer(")),
            "README or docs/ show both components in a TypeScript example",
        );
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-readme-"));
        try {
            // Each example as a file of its own, importing the project by absolute path.
            const files = blocks.map((code, i) => {
                const file = path.join(dir, `example-${i}.ts`);
                fs.writeFileSync(file, code.replace(/from "\.\//g, `from "${PROJECT_DIR}/`));
                return file;
            });
            const tsconfig = {
                extends: path.join(PROJECT_DIR, "tsconfig.json"),
                compilerOptions: {
                    noCheck: false,
                    typeRoots: [path.join(PROJECT_DIR, "node_modules", "@types")],
                    baseUrl: PROJECT_DIR,
                    paths: { "*": ["node_modules/*"] },
                },
                include: [],
                files,
            };
            fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
            const tsc = path.join(PROJECT_DIR, "node_modules", ".bin", "tsc");
            const r = spawnSync(tsc, ["-p", path.join(dir, "tsconfig.json")], { encoding: "utf8" });
            assert.strictEqual(
                r.status,
                0,
                `a TypeScript example in README or docs/ does not type-check:\n${r.stdout}${r.stderr}`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("every npm command README and docs/ show is a script of package.json", () => {
        assert.ok(/npm run lab\b/.test(readme) && /npm test\b/.test(readme), "README shows the two commands");
        for (const [name, text] of pages) {
            for (const m of text.matchAll(/npm run (?:--\S+ )*([a-z][a-z:-]*)/g)) {
                assert.ok(pkg.scripts[m[1]], `${name} shows npm run ${m[1]}, which is not a script of package.json`);
            }
        }
    });

    it("documented defaults are the defaults the loaders apply", () => {
        const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIObLdnoVivk48PPE8KdMadECaru7KaKk++Wqv6nVYem9 me@example";
        const common = {
            externalNetwork: "public",
            adminCidr: "198.51.100.0/24",
            sshPublicKey: key,
            sshPrivateKey: SECRET_PLACEHOLDERS.sshPrivateKey,
            k8sStack: "o/p/k",
            swarmStack: "o/p/s",
            clientCidr: "0.0.0.0/0",
        };
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

describe("docs/benchmarks.md figures", () => {
    // The figures the docs quote are the ones the benchmarks wrote, not retyped numbers.
    const benchmarks = fs.readFileSync(path.join(PROJECT_DIR, "docs", "benchmarks.md"), "utf8");
    for (const [marker, file] of [
        ["bench-lab", "lab.md"],
        ["bench-plan", "plan.md"],
        ["bench-failover", "failover.md"],
        ["bench-engine", "engine.md"],
    ]) {
        it(`quotes bench/results/${file} verbatim`, () => {
            const section = new RegExp(`<!-- ${marker}:start -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`).exec(
                benchmarks,
            );
            assert.ok(section, `docs/benchmarks.md has the ${marker} markers`);
            const measured = fs.readFileSync(path.join(PROJECT_DIR, "bench", "results", file), "utf8").trim();
            assert.strictEqual(section[1].trim(), measured);
        });
    }
});
