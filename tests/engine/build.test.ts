// engine/build.sh's decisions that need no Go build: a suitable `pulumi` already on PATH (a
// workstation's) is used and nothing is built; an older one is not taken.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../harness/stack-files";
import { parseToolchainEnv } from "../../engine/toolchain";

const lockedSdk: string = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8")).packages[
    "node_modules/@pulumi/pulumi"
].version;

describe("engine/build.sh with a pulumi already installed", function () {
    this.timeout(60_000);
    let tmp: string;
    beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-engine-"))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** A fake pulumi printing `version`, with a language host beside it. */
    function fakePulumi(version: string): string {
        const bin = path.join(tmp, "installed", "bin");
        fs.mkdirSync(bin, { recursive: true });
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\n[ "$1" = version ] && echo v${version}\n`, {
            mode: 0o755,
        });
        fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\n", { mode: 0o755 });
        return bin;
    }

    const build = (bin: string) =>
        spawnSync("bash", [path.join(PROJECT_DIR, "engine", "build.sh")], {
            env: {
                ...process.env,
                PATH: `${bin}:${process.env.PATH}`,
                HYBRID_VNF_ENGINE_CACHE: path.join(tmp, "cache"),
                ENGINE_ONLY: "pulumi",
            },
            encoding: "utf8",
            timeout: 30_000,
        });

    it("uses a pulumi at or above the locked SDK's version and builds nothing", () => {
        const [maj, min] = lockedSdk.split(".").map(Number);
        const bin = fakePulumi(`${maj}.${min + 5}.0`);
        const r = build(bin);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /using the installed .*pulumi .*nothing built/);
        assert.doesNotMatch(r.stdout, /building/);
        const cache = path.join(tmp, "cache");
        assert.strictEqual(
            fs.realpathSync(path.join(cache, "bin", "pulumi")),
            fs.realpathSync(path.join(bin, "pulumi")),
        );
        const env = parseToolchainEnv(fs.readFileSync(path.join(cache, "toolchain.env"), "utf8"), "/usr/bin");
        assert.strictEqual(env.PATH, `${path.join(fs.realpathSync(tmp), "cache", "bin")}:/usr/bin`);
        assert.strictEqual(env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, "true");
        // Idempotent: the same again.
        assert.strictEqual(build(bin).status, 0);
    });

    it("does not take a pulumi older than the locked SDK (it would build one instead)", () => {
        const bin = fakePulumi("3.1.0");
        const out = execFileSync(
            "bash",
            [
                "-c",
                `source ${path.join(PROJECT_DIR, "engine", "build.sh")} >/dev/null 2>&1 || true; installed_pulumi && echo FOUND || echo NONE`,
            ],
            {
                env: {
                    ...process.env,
                    PATH: `${bin}:${process.env.PATH}`,
                    HYBRID_VNF_ENGINE_CACHE: path.join(tmp, "cache"),
                    ENGINE_ONLY: "none",
                },
                encoding: "utf8",
            },
        );
        assert.match(out, /NONE/);
    });
});
