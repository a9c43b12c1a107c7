// Pulumi.yaml is valid for the real CLI, every config key the program reads is declared (in
// Pulumi.yaml or stacks/config-keys.yaml), and every stack sets the keys the engine requires.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import * as prettier from "prettier";
import { create as createTsNode } from "ts-node";
import { parse as parseYaml } from "yaml";
import { ConfigReader, ConfigSource, mapConfigSource } from "../lib/config-reader";
import { readK8sClusterConfig } from "../stacks/k8s-cluster/config";
import { readSwarmClusterConfig } from "../stacks/swarm-cluster/config";
import { readServiceChainConfig } from "../stacks/service-chain/config";
import {
    CONFIG_KEYS_FILE,
    checkRequiredConfig,
    missingConfigMessage,
    readProjectFile,
    readStackFile,
    PROJECT_DIR,
} from "../harness/stack-files";

// Pulumi's published schema, as shared/ beside the checkout holds it; a vendored copy (kept
// identical, see below) lets a clone without shared/ run the same check.
const SHARED_SCHEMA = path.resolve(PROJECT_DIR, "..", "shared", "schemas", "pulumi-project.schema.json");
const VENDORED_SCHEMA = path.join(PROJECT_DIR, "tests", "fixtures", "pulumi-project.schema.json");
const SCHEMA = fs.existsSync(SHARED_SCHEMA) ? SHARED_SCHEMA : VENDORED_SCHEMA;
const STACKS = [
    "k8s-dev",
    "swarm-dev",
    "chain-dev",
    "k8s-local",
    "swarm-local",
    "chain-local",
    "k8s-cloud",
    "swarm-cloud",
];
const STACKS_DIR = path.join(PROJECT_DIR, "stacks");
const CONFIG_KEYS = path.join(STACKS_DIR, CONFIG_KEYS_FILE);
/** Every stack file in stacks/, as the CLI finds them (Pulumi.<stack>.yaml). */
const stackFiles = () => fs.readdirSync(STACKS_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
const loadSchema = () => JSON.parse(fs.readFileSync(SCHEMA, "utf8"));

/** A config source that remembers which keys the loaders asked for. */
function recording(values: Record<string, unknown>): { source: ConfigSource; keys: Set<string> } {
    const inner = mapConfigSource(values);
    const keys = new Set<string>();
    return {
        keys,
        source: {
            get: (k) => (keys.add(k), inner.get(k)),
            getSecret: (k) => (keys.add(k), inner.getSecret(k)),
        },
    };
}

function stackValues(stack: string): Record<string, unknown> {
    const file = readStackFile(stack);
    return Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k.replace(/^hybrid-vnf:/, ""), v]));
}

describe("Pulumi.yaml", () => {
    const project = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));

    it("validates against Pulumi's published project schema", () => {
        assert.ok(fs.existsSync(SCHEMA), `schema not found at ${SCHEMA}`);
        const ajv = new Ajv2020({ strict: false, allErrors: true });
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
        assert.ok(validate(project), JSON.stringify(validate.errors, null, 2));
    });

    it("the vendored schema is the shared one, where shared/ is present", () => {
        if (fs.existsSync(SHARED_SCHEMA))
            assert.strictEqual(fs.readFileSync(VENDORED_SCHEMA, "utf8"), fs.readFileSync(SHARED_SCHEMA, "utf8"));
        else assert.strictEqual(SCHEMA, VENDORED_SCHEMA);
    });

    it("the schema check can fail (negative control)", () => {
        const ajv = new Ajv2020({ strict: false });
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
        assert.ok(!validate({ ...project, config: { role: { type: "number" } } }));
        assert.ok(!validate({ name: "hybrid-vnf" }), "runtime is required");
    });

    it("is project hybrid-vnf, nodejs with TypeScript, stack configs in stacks/", () => {
        assert.strictEqual(project.name, "hybrid-vnf");
        assert.deepStrictEqual([project.runtime.name, project.runtime.options.typescript], ["nodejs", true]);
        assert.strictEqual(project.stackConfigDir, "stacks");
    });

    it(`${CONFIG_KEYS_FILE}: each declaration validates against the schema's configTypeDeclaration`, () => {
        const keys = parseYaml(fs.readFileSync(CONFIG_KEYS, "utf8"));
        assert.deepStrictEqual(Object.keys(keys), ["config"], "only a config block");
        const ajv = new Ajv2020({ strict: false, allErrors: true });
        const schema = loadSchema();
        ajv.addSchema(schema);
        const validate = ajv.getSchema(`${schema.$id}#/$defs/configTypeDeclaration`)!;
        assert.ok(validate, "the schema defines configTypeDeclaration");
        assert.ok(Object.keys(keys.config).length >= 30, "the per-role keys are here");
        for (const [key, decl] of Object.entries(keys.config)) {
            assert.ok(validate(decl), `${key}: ${JSON.stringify(validate.errors, null, 2)}`);
        }
        // Negative controls: an unknown type, an array without items, a misspelt field.
        assert.ok(!validate({ type: "number" }));
        assert.ok(!validate({ type: "array" }));
        assert.ok(!validate({ type: "string", descripton: "typo" }));
    });

    it(`each key is declared once, in Pulumi.yaml or ${CONFIG_KEYS_FILE}`, () => {
        const extra = parseYaml(fs.readFileSync(CONFIG_KEYS, "utf8")).config;
        assert.deepStrictEqual(
            Object.keys(extra).filter((k) => k in project.config),
            [],
        );
        assert.deepStrictEqual(Object.keys(readProjectFile().config), [
            ...Object.keys(project.config),
            ...Object.keys(extra),
        ]);
        assert.deepStrictEqual(readProjectFile().config.apacheIps, extra.apacheIps, "the harness reads them unchanged");
    });

    it("declares every key with a type and a description", () => {
        for (const [key, decl] of Object.entries<any>(readProjectFile().config)) {
            assert.ok(decl.type, `${key} has a type`);
            assert.ok(typeof decl.description === "string" && decl.description.length > 10, `${key} has a description`);
        }
    });

    it("marks the private key and the kubeconfig secret", () => {
        const declared = readProjectFile().config;
        assert.strictEqual(declared.sshPrivateKey.secret, true);
        assert.strictEqual(declared.kubeconfig.secret, true);
    });

    it("the runtime does not type-check again: tsconfig sets noCheck, CI runs tsc --noCheck false", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8"));
        assert.strictEqual(tsconfig.compilerOptions.noCheck, true);
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        assert.match(pkg.scripts.typecheck, /tsc --noEmit --noCheck false/);
    });

    it("the runtime transpiles with swc: ts-node, given the options the SDK's run.js passes, takes swc from tsconfig.json", () => {
        // run.js (@pulumi/pulumi/cmd/run) registers ts-node with the project's tsconfig, transpileOnly from noCheck and
        // no transpiler of its own, so tsconfig's "ts-node" block decides.
        const service = createTsNode({
            project: path.join(PROJECT_DIR, "tsconfig.json"),
            transpileOnly: true,
            compilerOptions: {},
        });
        assert.strictEqual(service.options.swc, true);
        assert.ok(require.resolve("@swc/core"), "@swc/core is installed");
        assert.match(
            service.compile("const a: number = 1;\nexport = a;\n", path.join(PROJECT_DIR, "probe.ts")),
            /module\.exports = a/,
        );
    });

    it("every key the role loaders read is declared (none slips past the CLI's type check)", () => {
        const declared = new Set(Object.keys(readProjectFile().config));
        const read = new Set<string>();
        const loaders: [string, (r: ConfigReader) => unknown][] = [
            ["k8s-dev", readK8sClusterConfig],
            ["k8s-local", readK8sClusterConfig],
            ["swarm-dev", readSwarmClusterConfig],
            ["swarm-local", readSwarmClusterConfig],
            ["chain-dev", readServiceChainConfig],
            ["chain-local", readServiceChainConfig],
        ];
        for (const [stack, load] of loaders) {
            const rec = recording(stackValues(stack));
            load(new ConfigReader(rec.source));
            rec.keys.forEach((k) => read.add(k));
        }
        read.add("role");
        const undeclared = [...read].filter((k) => !declared.has(k));
        assert.deepStrictEqual(undeclared, []);
        const unread = [...declared].filter((k) => !read.has(k));
        assert.deepStrictEqual(unread, [], "every declared key is used by some role");
    });
});

describe("keys the engine requires", () => {
    // Pulumi requires every key declared in Pulumi.yaml's config block without a default or value,
    // for every stack, before the program runs. Computed here from the raw file, not by the harness.
    const project = parseYaml(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    const withoutDefault = Object.entries<any>(project.config ?? {})
        .filter(([, d]) => typeof d === "object" && d !== null && d.default === undefined && d.value === undefined)
        .map(([k]) => k);

    it("are the keys of Pulumi.yaml's config block without a default: role only", () => {
        assert.deepStrictEqual(withoutDefault, ["role"]);
        assert.deepStrictEqual(readProjectFile().requiredKeys, withoutDefault);
    });

    it("the example stacks are all the stack files in stacks/", () => {
        assert.deepStrictEqual(stackFiles().sort(), STACKS.map((s) => `Pulumi.${s}.yaml`).sort());
    });

    it("every stack file in stacks/ sets every key Pulumi.yaml declares without a default", () => {
        const files = stackFiles();
        assert.ok(files.length >= 6);
        for (const file of files) {
            const config = parseYaml(fs.readFileSync(path.join(STACKS_DIR, file), "utf8"))?.config ?? {};
            const missing = withoutDefault.filter((k) => config[`${project.name}:${k}`] === undefined);
            assert.deepStrictEqual(
                missing,
                [],
                `${file} leaves out keys the engine requires; give them a default or move their declaration to stacks/${CONFIG_KEYS_FILE}`,
            );
            const stack = file.replace(/^Pulumi\.(.+)\.yaml$/, "$1");
            assert.doesNotThrow(() => checkRequiredConfig(stack, readStackFile(stack).config));
        }
    });

    it("the harness words a missing key as Pulumi does", () => {
        assert.strictEqual(missingConfigMessage("s", ["role"]), "Stack 's' is missing configuration value 'role'");
        assert.strictEqual(
            missingConfigMessage("s", ["c", "a", "b"]),
            "Stack 's' is missing configuration values 'a', 'b' and 'c'",
        );
        assert.throws(
            () => checkRequiredConfig("k8s-local", { "hybrid-vnf:target": "existing" }),
            /^Error: validating stack config: Stack 'k8s-local' is missing configuration value 'role'$/,
        );
    });

    it("a temp project whose Pulumi.yaml declares per-role keys without defaults is caught (negative control)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-req-"));
        try {
            fs.mkdirSync(path.join(dir, "stacks"));
            fs.writeFileSync(
                path.join(dir, "Pulumi.yaml"),
                "name: hybrid-vnf\nruntime: nodejs\nstackConfigDir: stacks\nconfig:\n  role: {type: string}\n  apacheCount: {type: integer}\n  lbPort: {type: integer, default: 80}\n  aws:region: {type: string}\n",
            );
            fs.writeFileSync(path.join(dir, "stacks", CONFIG_KEYS_FILE), "config:\n  routerImage: {type: string}\n");
            const p = readProjectFile(dir);
            assert.deepStrictEqual(
                p.requiredKeys,
                ["role", "apacheCount"],
                "defaulted, other-namespace and config-keys.yaml keys are not required",
            );
            assert.deepStrictEqual(Object.keys(p.config), [
                "role",
                "apacheCount",
                "lbPort",
                "aws:region",
                "routerImage",
            ]);
            assert.throws(
                () => checkRequiredConfig("x", { "hybrid-vnf:role": "k8s-cluster" }, p),
                /Stack 'x' is missing configuration value 'apacheCount'/,
            );
            assert.throws(
                () => checkRequiredConfig("x", {}, p),
                /Stack 'x' is missing configuration values 'apacheCount' and 'role'/,
            );
            fs.writeFileSync(path.join(dir, "stacks", CONFIG_KEYS_FILE), "config:\n  role: {type: string}\n");
            assert.throws(
                () => readProjectFile(dir),
                /role: declared both in Pulumi.yaml and in stacks\/config-keys.yaml/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("example stacks", () => {
    for (const stack of STACKS) {
        it(`${stack}: keys declared, values of the declared types, no real secrets`, () => {
            const file = readStackFile(stack);
            const text = fs.readFileSync(file.file, "utf8");
            assert.doesNotMatch(text, /BEGIN [A-Z ]*PRIVATE KEY/);
            assert.doesNotMatch(text, /SWMTKN-|client-key-data/);
            assert.ok(file.config["hybrid-vnf:role"]);
        });
    }

    it("a typo'd key is refused, naming the file and key", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.typo.yaml"),
            "config:\n  hybrid-vnf:role: k8s-cluster\n  hybrid-vnf:apacheCuont: 3\n",
        );
        assert.throws(() => readStackFile("typo", dir), /Pulumi\.typo\.yaml: hybrid-vnf:apacheCuont is not declared/);
        fs.writeFileSync(
            path.join(dir, "Pulumi.typed.yaml"),
            "config:\n  hybrid-vnf:role: k8s-cluster\n  hybrid-vnf:apacheCount: three\n",
        );
        assert.throws(
            () => readStackFile("typed", dir),
            /hybrid-vnf:apacheCount: "three" is not of the declared type integer/,
        );
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("provider imports", () => {
    // Whole-provider imports load every resource module; start-up time is the users' complaint.
    const WHOLE =
        /from\s+["']@pulumi\/(openstack|kubernetes|docker|command)["']|require\(["']@pulumi\/(openstack|kubernetes|docker|command)["']\)/;
    const sources = (dir: string): string[] =>
        fs.existsSync(dir)
            ? fs
                  .readdirSync(dir, { withFileTypes: true })
                  .flatMap((e) =>
                      e.isDirectory()
                          ? sources(path.join(dir, e.name))
                          : e.name.endsWith(".ts")
                            ? [path.join(dir, e.name)]
                            : [],
                  )
            : [];

    it("the program imports provider submodules only", () => {
        const files = [
            "index.ts",
            ...["stacks", "components", "lib"].flatMap((d) => sources(path.join(PROJECT_DIR, d))),
        ];
        const offenders = files.filter((f) =>
            WHOLE.test(fs.readFileSync(path.isAbsolute(f) ? f : path.join(PROJECT_DIR, f), "utf8")),
        );
        assert.deepStrictEqual(offenders, []);
    });
});

// prettier formats the code; it must leave alone what tests compare byte for byte (the generated
// Markdown blocks, the JSON vectors) and what other tools write (stack YAML, the npm lock).
describe("formatter (prettier)", () => {
    const info = (file: string) =>
        prettier.getFileInfo(path.join(PROJECT_DIR, file), {
            ignorePath: [path.join(PROJECT_DIR, ".prettierignore"), path.join(PROJECT_DIR, ".gitignore")],
        });

    it("formats the code and the hand-written JSON configs, at 120 columns", async () => {
        for (const file of [
            "index.ts",
            "lib/net.ts",
            "tests/project.test.ts",
            "eslint.config.mjs",
            "tsconfig.json",
            "package.json",
        ]) {
            assert.strictEqual((await info(file)).ignored, false, `${file} is formatted`);
        }
        assert.strictEqual((await prettier.resolveConfig(path.join(PROJECT_DIR, "index.ts")))?.printWidth, 120);
    });

    it("leaves Markdown, YAML, test vectors, fixtures, benchmark results and the npm lock alone", async () => {
        const kept = [
            "README.md",
            "docs/x.md",
            "Pulumi.yaml",
            "stacks/Pulumi.k8s-dev.yaml",
            ".github/workflows/preview.yml",
            "tests/vectors/vnf-env.json",
            "tests/fixtures/pulumi-project.schema.json",
            "bench/results/lab.json",
            "package-lock.json",
        ];
        for (const file of kept) assert.strictEqual((await info(file)).ignored, true, `${file} is not formatted`);
    });
});

// npm test alone on a fresh machine: its script loads the global setup that builds what the
// Docker, lab and engine tiers lack; the unit tier needs none of it and must not pay for it.
describe("npm test's setup", () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts as Record<
        string,
        string
    >;
    const SETUP = "tests/fixtures/test-prerequisites.ts";

    it("npm test loads the setup, after ts-node (mocha requires the command line's modules before .mocharc's)", () => {
        const requires = [...scripts.test.matchAll(/--require (\S+)/g)].map((m) => m[1]);
        assert.deepStrictEqual(requires, ["ts-node/register/transpile-only", SETUP]);
        assert.ok(fs.existsSync(path.join(PROJECT_DIR, SETUP)));
    });

    it("the setup is a mocha global setup; npm run test:unit does not load it", async () => {
        const setup = await import(path.join(PROJECT_DIR, SETUP));
        assert.strictEqual(typeof setup.mochaGlobalSetup, "function");
        assert.ok(!scripts["test:unit"].includes(SETUP), scripts["test:unit"]);
    });
});
