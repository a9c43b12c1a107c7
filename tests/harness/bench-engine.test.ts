// bench:engine's decisions that need no engine: the TypeScript-transpiler variant of the tsconfig,
// the empty program's project (the repository's runtime block), the ratios and the preview
// comparison. The timings themselves are the benchmark's, never a test's.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
    ENGINE_GOALS,
    EngineRow,
    emptyProjectFiles,
    engineRatios,
    previewSteps,
    sourcePositionDifferences,
    typescriptVariant,
} from "../../harness/bench-engine";
import { PROJECT_DIR } from "../../harness/stack-files";

const projectYaml = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
const tsconfigText = fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8");

describe("harness/bench-engine", () => {
    it("the TypeScript variant drops only swc (and any transpiler) from ts-node's options", () => {
        const tsconfig = {
            compilerOptions: { target: "ES2022", noCheck: true },
            "ts-node": { transpileOnly: true, swc: true },
            include: ["*.ts"],
        };
        assert.deepStrictEqual(typescriptVariant(tsconfig), {
            compilerOptions: { target: "ES2022", noCheck: true },
            "ts-node": { transpileOnly: true },
            include: ["*.ts"],
        });
        assert.deepStrictEqual(
            typescriptVariant({ "ts-node": { transpiler: "ts-node/transpilers/swc" } })["ts-node"],
            {},
        );
        assert.deepStrictEqual(typescriptVariant({})["ts-node"], {});
    });

    it("the empty program runs under the repository's runtime block and tsconfig, and only loads the SDK", () => {
        const files = emptyProjectFiles(projectYaml, tsconfigText);
        assert.deepStrictEqual(parse(files["Pulumi.yaml"]).runtime, parse(projectYaml).runtime);
        assert.strictEqual(files["tsconfig.json"], tsconfigText);
        assert.strictEqual(JSON.parse(files["package.json"]).main, "index.ts");
        assert.strictEqual(files["index.ts"].trim(), 'import "@pulumi/pulumi";');
    });

    it("each row's ratio is to the empty program with the same transpiler", () => {
        const rows: EngineRow[] = [
            { program: "empty TypeScript program", transpiler: "swc", wallMs: 2000, cpuMs: 1000 },
            { program: "chain-local", transpiler: "swc", wallMs: 2500, cpuMs: 1500 },
            { program: "empty TypeScript program", transpiler: "typescript", wallMs: 2200, cpuMs: 1100 },
            { program: "chain-local", transpiler: "typescript", wallMs: 3300, cpuMs: 2200 },
        ];
        const r = engineRatios(rows);
        assert.deepStrictEqual(
            r.map((x) => [x.wallRatio, x.cpuRatio]),
            [
                [1, 1],
                [1.25, 1.5],
                [1, 1],
                [1.5, 2],
            ],
        );
        assert.throws(() => engineRatios(rows.slice(1)), /no empty TypeScript program row for swc/);
    });

    it("compares previews by their steps and change summary, not their timing or source positions", () => {
        const step = (op: string, line: number) => ({
            op,
            urn: "u",
            newState: {
                inputs: { a: 1 },
                sourcePosition: `project:///x.ts#${line},1`,
                stackTrace: [{ sourcePosition: `x.ts#${line}` }, {}],
            },
        });
        const a = JSON.stringify({ steps: [step("same", 1)], changeSummary: { same: 1 }, duration: 100 });
        const b = JSON.stringify({ steps: [step("same", 2)], changeSummary: { same: 1 }, duration: 250 });
        const c = JSON.stringify({ steps: [step("update", 1)], changeSummary: { update: 1 }, duration: 100 });
        const d = JSON.stringify({
            steps: [{ ...step("same", 1), newState: { inputs: { a: 2 } } }],
            changeSummary: { same: 1 },
        });
        assert.deepStrictEqual(previewSteps(a), previewSteps(b));
        assert.notDeepStrictEqual(previewSteps(a), previewSteps(c));
        assert.notDeepStrictEqual(previewSteps(a), previewSteps(d), "a changed input is a difference");
        assert.strictEqual(sourcePositionDifferences(a, b), 1);
        assert.strictEqual(sourcePositionDifferences(a, a), 0);
    });

    it("a fresh stack's previews match whatever order the steps come in and whatever names the provider makes up", () => {
        const dep = (name: string) => ({
            op: "create",
            urn: "d",
            newState: { inputs: { metadata: { annotations: { "pulumi.com/autonamed": "true" }, name } } },
        });
        const a = JSON.stringify({
            steps: [{ op: "read", urn: "a" }, dep("router-1a2b3c4d")],
            changeSummary: { create: 1 },
        });
        const b = JSON.stringify({
            steps: [dep("router-9f8e7d6c"), { op: "read", urn: "a" }],
            changeSummary: { create: 1 },
        });
        const named = JSON.stringify({
            steps: [
                { op: "read", urn: "a" },
                { ...dep("x"), newState: { inputs: { metadata: { name: "router-1" } } } },
            ],
            changeSummary: { create: 1 },
        });
        assert.deepStrictEqual(previewSteps(a), previewSteps(b));
        assert.strictEqual(sourcePositionDifferences(a, b), 0);
        assert.notDeepStrictEqual(previewSteps(a), previewSteps(named), "a name given by the program is compared");
    });

    it("measures the two stacks the issue names, with its goals", () => {
        assert.deepStrictEqual(ENGINE_GOALS, { "k8s-local": 1.15, "chain-local": 1.3 });
    });
});
