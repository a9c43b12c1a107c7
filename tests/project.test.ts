// Pulumi.yaml is valid for the real CLI, and every config key the program reads is declared.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import { parse as parseYaml } from "yaml";
import { ConfigReader, ConfigSource, mapConfigSource } from "../lib/config-reader";
import { readK8sClusterConfig } from "../stacks/k8s-cluster/config";
import { readSwarmClusterConfig } from "../stacks/swarm-cluster/config";
import { readServiceChainConfig } from "../stacks/service-chain/config";
import { readProjectFile, readStackFile, PROJECT_DIR } from "../harness/stack-files";

// Pulumi's published schema, as shared/ beside the checkout holds it; a vendored copy (kept
// identical, see below) lets a clone without shared/ run the same check.
const SHARED_SCHEMA = path.resolve(PROJECT_DIR, "..", "shared", "schemas", "pulumi-project.schema.json");
const VENDORED_SCHEMA = path.join(PROJECT_DIR, "tests", "fixtures", "pulumi-project.schema.json");
const SCHEMA = fs.existsSync(SHARED_SCHEMA) ? SHARED_SCHEMA : VENDORED_SCHEMA;
const STACKS = ["k8s-dev", "swarm-dev", "chain-dev", "k8s-local", "swarm-local", "chain-local"];

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
        if (fs.existsSync(SHARED_SCHEMA)) assert.strictEqual(fs.readFileSync(VENDORED_SCHEMA, "utf8"), fs.readFileSync(SHARED_SCHEMA, "utf8"));
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

    it("declares every key with a type and a description", () => {
        for (const [key, decl] of Object.entries<any>(project.config)) {
            assert.ok(decl.type, `${key} has a type`);
            assert.ok(typeof decl.description === "string" && decl.description.length > 10, `${key} has a description`);
        }
    });

    it("marks the private key and the kubeconfig secret", () => {
        assert.strictEqual(project.config.sshPrivateKey.secret, true);
        assert.strictEqual(project.config.kubeconfig.secret, true);
    });

    it("the runtime does not type-check again: tsconfig sets noCheck, CI runs tsc --noCheck false", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8"));
        assert.strictEqual(tsconfig.compilerOptions.noCheck, true);
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        assert.match(pkg.scripts.typecheck, /tsc --noEmit --noCheck false/);
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
        fs.writeFileSync(path.join(dir, "Pulumi.typo.yaml"), "config:\n  hybrid-vnf:role: k8s-cluster\n  hybrid-vnf:apacheCuont: 3\n");
        assert.throws(() => readStackFile("typo", dir), /Pulumi\.typo\.yaml: hybrid-vnf:apacheCuont is not declared/);
        fs.writeFileSync(path.join(dir, "Pulumi.typed.yaml"), "config:\n  hybrid-vnf:role: k8s-cluster\n  hybrid-vnf:apacheCount: three\n");
        assert.throws(() => readStackFile("typed", dir), /hybrid-vnf:apacheCount: "three" is not of the declared type integer/);
    });
});

describe("provider imports", () => {
    // Whole-provider imports load every resource module; start-up time is the users' complaint.
    const WHOLE = /from\s+["']@pulumi\/(openstack|kubernetes|docker|command)["']|require\(["']@pulumi\/(openstack|kubernetes|docker|command)["']\)/;
    const sources = (dir: string): string[] =>
        fs.existsSync(dir)
            ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
                  e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
              )
            : [];

    it("the program imports provider submodules only", () => {
        const files = ["index.ts", ...["stacks", "components", "lib"].flatMap((d) => sources(path.join(PROJECT_DIR, d)))];
        const offenders = files.filter((f) => WHOLE.test(fs.readFileSync(path.isAbsolute(f) ? f : path.join(PROJECT_DIR, f), "utf8")));
        assert.deepStrictEqual(offenders, []);
    });
});
