// Our command plugin (engine/modules/command-provider) through the real engine: `pulumi up`,
// `refresh` and `destroy` of tests/engine/fixtures/command-program against Debian's sshd, run by
// this test on 127.0.0.1 with its own host key, config and authorized key (root, key only).
// Needs root, openssh-server and the engine toolchain (npm run engine); fails saying what is
// missing.
import * as assert from "assert";
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { engineCache, toolchainEnv } from "../../engine/toolchain";
import { PROJECT_DIR } from "../../harness/stack-files";
import { realTool } from "../fixtures/real-tools";

const log = (s: string) => process.stdout.write(`      ${s}\n`);
const lockedCommand: string = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package-lock.json"), "utf8")).packages[
    "node_modules/@pulumi/command"
].version;
const PROGRAM = path.join(PROJECT_DIR, "tests", "engine", "fixtures", "command-program", "index.ts");
const STDIN_SECRET = "stdin-Secret-4b7e19";
const PASSPHRASE = "command-e2e-passphrase";

interface Result {
    code: number;
    out: string;
    ms: number;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
        s.on("error", reject);
    });
}

/** A line of an OpenSSH private key that only this key has (its first lines are the same for every ed25519 key). */
const privateLine = (key: string) => key.split("\n")[3];

/** The command lines of every process on the machine. */
function processList(): string {
    return execFileSync("ps", ["-eo", "args", "--no-headers"], { encoding: "utf8", maxBuffer: 16 << 20 });
}

describe("command plugin E2E: command:remote:Command through the real engine against a real sshd", function () {
    this.timeout(600_000);
    let tmp: string;
    let env: NodeJS.ProcessEnv;
    let port: number;
    let sshd: ChildProcess | undefined;
    const keys = { good: "", wrong: "" };
    let logs = ""; // everything the CLI printed, searched for secrets at the end

    const sshdConfig = () => path.join(tmp, "sshd_config");
    function startSshd(): void {
        sshd = spawn(realTool("sshd", "openssh-server"), ["-D", "-e", "-f", sshdConfig()], {
            stdio: ["ignore", "ignore", "pipe"],
        });
        sshd.stderr!.on("data", (d) => fs.appendFileSync(path.join(tmp, "sshd.log"), d));
    }
    async function stopSshd(): Promise<void> {
        if (!sshd || sshd.exitCode !== null) return;
        const exited = new Promise((r) => sshd!.once("exit", r));
        sshd.kill("SIGTERM");
        await exited;
        sshd = undefined;
    }

    /** A pulumi command in the project; `during` runs while it does; `input` is its stdin. */
    async function pulumi(
        args: string[],
        during?: (running: () => boolean) => Promise<void>,
        input?: string,
    ): Promise<Result> {
        const t0 = Date.now();
        const p = spawn("pulumi", [...args, "--non-interactive", "--color", "never"], {
            cwd: path.join(tmp, "project"),
            env,
        });
        p.stdin.end(input ?? "");
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        let running = true;
        const exited = new Promise<number>((r) =>
            p.on("close", (code) => {
                running = false;
                r(code ?? -1);
            }),
        );
        if (during) await during(() => running);
        const code = await exited;
        logs += out;
        return { code, out, ms: Date.now() - t0 };
    }
    /** pulumi config set, the value on stdin (never in a command line). */
    async function config(key: string, value: string, secret = false): Promise<void> {
        const r = await pulumi(["config", "set", secret ? "--secret" : "--plaintext", key], undefined, value);
        assert.strictEqual(r.code, 0, `config set ${key}: ${r.out}`);
    }
    const file = (name: string) => path.join(tmp, "host", name);

    before(async function () {
        this.timeout(120_000);
        assert.strictEqual(process.getuid?.(), 0, "needs root: sshd runs as root and the test logs in as root");
        const installed = path.join(engineCache(), "pulumi-home", "plugins", `resource-command-v${lockedCommand}`);
        assert.ok(
            fs.existsSync(installed),
            `no command plugin ${lockedCommand} in ${installed}: build it with ENGINE_ONLY=command-provider npm run engine`,
        );
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-command-e2e-"));
        fs.mkdirSync(path.join(tmp, "host"));
        fs.mkdirSync(path.join(tmp, "project"));
        fs.mkdirSync(path.join(tmp, "state"));
        const keygen = realTool("ssh-keygen", "openssh-client");
        for (const k of ["host_key", "good", "wrong"])
            execFileSync(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", k, "-f", path.join(tmp, k)]);
        keys.good = fs.readFileSync(path.join(tmp, "good"), "utf8");
        keys.wrong = fs.readFileSync(path.join(tmp, "wrong"), "utf8");
        fs.copyFileSync(path.join(tmp, "good.pub"), path.join(tmp, "authorized_keys"));
        port = await freePort();
        fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // sshd's privilege separation directory
        fs.writeFileSync(
            sshdConfig(),
            [
                `Port ${port}`,
                "ListenAddress 127.0.0.1",
                `HostKey ${path.join(tmp, "host_key")}`,
                `AuthorizedKeysFile ${path.join(tmp, "authorized_keys")}`,
                `PidFile ${path.join(tmp, "sshd.pid")}`,
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no", // the temp folder is not root's home
                "",
            ].join("\n"),
        );
        fs.writeFileSync(
            path.join(tmp, "project", "Pulumi.yaml"),
            `name: command-e2e\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: ${path.relative(path.join(tmp, "project"), PROGRAM)}\n`,
        );
        env = {
            ...process.env,
            ...toolchainEnv(),
            PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            // The retry bound while the host boots (the plugin's default is 10 min).
            HYBRID_VNF_SSH_DIAL_TIMEOUT: "60s",
        };
        // The language host finds @pulumi/pulumi from the project folder: the repository's modules.
        assert.ok(fs.existsSync(path.join(PROJECT_DIR, "node_modules", "@pulumi", "command")), "npm ci first");
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(tmp, "project", "node_modules"));
        const init = await pulumi(["stack", "init", "organization/command-e2e/test"]);
        assert.strictEqual(init.code, 0, init.out);
        for (const [k, v] of Object.entries({
            host: "127.0.0.1",
            port: String(port),
            dir: path.join(tmp, "host"),
            trigger: "1",
            pause: "3",
        }))
            await config(k, v);
        await config("privateKey", keys.good, true);
        await config("stdin", STDIN_SECRET, true);
        startSshd();
    });

    after(async function () {
        this.timeout(120_000);
        await stopSshd();
        if (tmp) {
            await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("create: runs the command on the host with stdin and the environment; stdout and stderr are outputs; stdin and the key appear in no process list", async () => {
        let seen = "";
        let polls = 0;
        const r = await pulumi(["up", "--yes", "--skip-preview"], async (running) => {
            // Every process's command line, until up ends (the create command sleeps 3 s).
            while (running()) {
                seen += processList();
                polls++;
                await new Promise((res) => setTimeout(res, 300));
            }
        });
        log(`pulumi up: exit ${r.code} in ${r.ms} ms; ps read ${polls} times while it ran`);
        assert.strictEqual(r.code, 0, r.out);
        assert.match(seen, /sleep 3; cat > .*created-\$TRIGGER/, "the process list was read while the command ran");
        assert.strictEqual(fs.readFileSync(file("created-1"), "utf8"), STDIN_SECRET, "stdin reached the command");
        const outputs = JSON.parse((await pulumi(["stack", "output", "--json", "--show-secrets"])).out);
        assert.deepStrictEqual(outputs, { stdout: "created 1\n", stderr: "to-stderr\n" });
        assert.ok(!seen.includes(STDIN_SECRET), "stdin in a process list");
        assert.ok(!seen.includes(privateLine(keys.good)), "the private key in a process list");
    });

    it("the state holds stdin, the connection and the key only as ciphertext; a second preview and a refresh change nothing", async () => {
        const exported = (await pulumi(["stack", "export"])).out;
        const stateFiles = (fs.readdirSync(path.join(tmp, "state"), { recursive: true }) as string[])
            .map((f) => path.join(tmp, "state", f))
            .filter((f) => fs.statSync(f).isFile());
        for (const text of [exported, ...stateFiles.map((f) => fs.readFileSync(f, "utf8"))]) {
            assert.ok(!text.includes(STDIN_SECRET), "stdin in plaintext");
            assert.ok(!text.includes(privateLine(keys.good)), "the key in plaintext");
        }
        const cmd = JSON.parse(exported).deployment.resources.find(
            (r: { type: string }) => r.type === "command:remote:Command",
        );
        const sig = "4dabf18193072939515e22adb298388d"; // the engine's secret signature
        for (const k of ["stdin", "connection"]) {
            for (const side of ["inputs", "outputs"]) {
                assert.strictEqual(cmd[side][k][sig], "1b47061264138c4ac30d75fd1eb44270", `${side}.${k} is a secret`);
                assert.ok(cmd[side][k].ciphertext, `${side}.${k} is ciphertext`);
            }
        }
        const preview = await pulumi(["preview", "--expect-no-changes"]);
        assert.strictEqual(preview.code, 0, preview.out);
        const refresh = await pulumi(["refresh", "--yes", "--skip-preview"]);
        assert.strictEqual(refresh.code, 0, refresh.out);
        const again = await pulumi(["preview", "--expect-no-changes"]);
        assert.strictEqual(again.code, 0, again.out);
        log(
            `stack export and ${stateFiles.length} state files: stdin and key as ciphertext only; preview, refresh, preview: no changes`,
        );
    });

    it("a changed trigger replaces it; while the host is still booting (its port drops connections until the plugin has tried 3 times, then sshd starts), the dial is retried", async () => {
        await stopSshd();
        await config("trigger", "2");
        // A booting guest: the port accepts and closes at once (sshd not up yet), then sshd answers.
        let attempts = 0;
        const booting = net.createServer((socket) => {
            attempts++;
            socket.destroy();
        });
        await new Promise<void>((res) => booting.listen(port, "127.0.0.1", res));
        let bootedAfterMs = 0;
        // With the engine's and the plugins' most verbose logs, searched for secrets at the end.
        const r = await pulumi(
            ["up", "--yes", "--skip-preview", "--logtostderr", "--logflow", "-v=9"],
            async (running) => {
                const t0 = Date.now();
                while (attempts < 3 && running()) await new Promise((res) => setTimeout(res, 100));
                await new Promise((res) => booting.close(res));
                bootedAfterMs = Date.now() - t0;
                startSshd();
            },
        );
        log(
            `booting host: up exit ${r.code} in ${r.ms} ms; the plugin dialled ${attempts} times before sshd started (${bootedAfterMs} ms into up)`,
        );
        assert.strictEqual(r.code, 0, r.out.slice(-3000));
        assert.ok(attempts >= 3, `the plugin dialled ${attempts} times`);
        assert.match(r.out, /marker\s+(creating )?replace/, "the trigger's change is a replacement");
        assert.strictEqual(fs.readFileSync(file("created-2"), "utf8"), STDIN_SECRET, "the new one was created");
        assert.strictEqual(
            fs.readFileSync(file("deleted-1"), "utf8"),
            "created 1\n",
            "the old one's delete ran, with its stdout in PULUMI_COMMAND_STDOUT",
        );
    });

    it("a wrong key or a wrong host fails naming the host and the cause, and leaves the state as it was", async () => {
        await config("privateKey", keys.wrong, true);
        await config("trigger", "3");
        const badKey = await pulumi(["up", "--yes", "--skip-preview"]);
        await config("privateKey", keys.good, true);
        await config("host", "nowhere.invalid");
        const badHost = await pulumi(["up", "--yes", "--skip-preview"]);
        await config("host", "127.0.0.1");
        await config("trigger", "2");
        const line = (r: Result, re: RegExp) =>
            r.out
                .split("\n")
                .find((l) => re.test(l))
                ?.trim();
        log(`wrong key: exit ${badKey.code} in ${badKey.ms} ms: ${line(badKey, /ssh to/)}`);
        log(`wrong host: exit ${badHost.code} in ${badHost.ms} ms: ${line(badHost, /ssh to/)}`);
        assert.notStrictEqual(badKey.code, 0);
        assert.match(badKey.out, new RegExp(`ssh to root@127\\.0\\.0\\.1:${port}: .*unable to authenticate`));
        assert.ok(badKey.ms < 45_000, "an authentication failure is not retried until the bound");
        assert.notStrictEqual(badHost.code, 0);
        assert.match(badHost.out, new RegExp(`ssh to root@nowhere\\.invalid:${port}: .*lookup nowhere\\.invalid`));
        assert.ok(!fs.existsSync(file("created-3")));
        const preview = await pulumi(["preview", "--expect-no-changes"]);
        assert.strictEqual(preview.code, 0, preview.out);
    });

    it("destroy runs the delete command; no secret was ever in the CLI's output or its -v=9 logs", async () => {
        const r = await pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.strictEqual(r.code, 0, r.out);
        assert.strictEqual(fs.readFileSync(file("deleted-2"), "utf8"), "created 2\n");
        for (const [what, value] of Object.entries({
            stdin: STDIN_SECRET,
            "private key": privateLine(keys.good),
            passphrase: PASSPHRASE,
        })) {
            assert.ok(!logs.includes(value), `${what} in the CLI's output`);
        }
        log(`destroy: exit ${r.code} in ${r.ms} ms; ${logs.length} characters of CLI output hold no secret`);
    });
});
