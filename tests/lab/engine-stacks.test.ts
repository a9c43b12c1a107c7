// Unit tests of the lab's real-engine pieces that need no root, Docker or control plane: the
// toolchain env file, and what `npm run lab -- env` prints and where it leaves the shell.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseToolchainEnv } from "../../engine/toolchain";
import { LOCAL_STACKS, shellExports, writeProjectCopy } from "../../lab/engine-stacks";
import { PROJECT_DIR } from "../../harness/stack-files";

describe("engine toolchain env (engine/build.sh writes, the lab reads)", () => {
    it("expands $PATH from the caller and keeps the other exports", () => {
        const text = [
            "# comment",
            'export PATH="/c/bin:$PATH"',
            'export PULUMI_HOME="/c/home"',
            "export PULUMI_SKIP_UPDATE_CHECK=true",
            "echo nope",
        ].join("\n");
        assert.deepStrictEqual(parseToolchainEnv(text, "/usr/bin:/bin"), {
            PATH: "/c/bin:/usr/bin:/bin",
            PULUMI_HOME: "/c/home",
            PULUMI_SKIP_UPDATE_CHECK: "true",
        });
    });
});

describe("npm run lab -- env", () => {
    it("prints exports a POSIX shell evaluates to the same values, then cd into the project copy", () => {
        const env = { PATH: "/a b/bin:/usr/bin:/bin", PULUMI_CONFIG_PASSPHRASE_FILE: "/x/it's", KUBECONFIG: "/k" };
        const script =
            shellExports(env, "/tmp") + 'printf "%s\\n" "$PATH" "$PULUMI_CONFIG_PASSPHRASE_FILE" "$KUBECONFIG" "$PWD"';
        const out = execFileSync("sh", ["-c", script], { encoding: "utf8" }).trim().split("\n");
        assert.deepStrictEqual(out, ["/a b/bin:/usr/bin:/bin", "/x/it's", "/k", "/tmp"]);
    });

    it("leaves the shell where the docs' commands work: the stacks' files, the program and `--policy-pack policy`", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-lab-env-"));
        try {
            const project = path.join(dir, "project");
            writeProjectCopy(project);
            // What `pulumi ... --policy-pack policy` and the program need, seen from where the env leaves the shell.
            const script = [
                shellExports({}, project),
                "test -f policy/PulumiPolicy.yaml",
                'node -e \'require.resolve("@pulumi/policy", { paths: [require("fs").realpathSync("policy")] })\'',
                `test -f "$(sed -n 's/^main: //p' Pulumi.yaml)/index.ts"`,
                ...LOCAL_STACKS.map((s) => `ls stacks/Pulumi.${s}.yaml >/dev/null`),
                "readlink -f policy",
            ].join("\n");
            const out = execFileSync("sh", ["-ec", script], { encoding: "utf8" }).trim();
            assert.strictEqual(out, fs.realpathSync(path.join(PROJECT_DIR, "policy")));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
