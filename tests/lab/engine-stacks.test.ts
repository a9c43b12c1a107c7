// Unit tests of the lab's real-engine pieces that need no root, Docker or control plane:
// the toolchain env file, the shell exports of `npm run lab -- env`, the control plane's
// command lines and kubeconfig, and the node agent's probe and pod-status decisions.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseToolchainEnv } from "../../engine/toolchain";
import { LOCAL_STACKS, shellExports, writeProjectCopy } from "../../lab/engine-stacks";
import { PROJECT_DIR } from "../../harness/stack-files";
import { CONTROL_PLANE_PORTS, componentArgs, renderKubeconfig } from "../../lab/kube/control-plane";
import { accessFromKubeconfig } from "../../lab/kube/kube-api";
import { execProbe, podStatus } from "../../lab/kube/node-agent";

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

describe("lab control plane", () => {
    const args = componentArgs("/lab/cp");
    it("binds every component to loopback and wires the API server to etcd and its certificates", () => {
        assert.ok(args["kube-apiserver"].includes(`--etcd-servers=http://127.0.0.1:${CONTROL_PLANE_PORTS.etcdClient}`));
        assert.ok(args["kube-apiserver"].includes("--bind-address=127.0.0.1"));
        assert.ok(args.etcd.includes(`--listen-client-urls=http://127.0.0.1:${CONTROL_PLANE_PORTS.etcdClient}`));
        for (const c of ["kube-controller-manager", "kube-scheduler"] as const) {
            assert.ok(args[c].includes("--bind-address=127.0.0.1"), c);
            assert.ok(args[c].includes("--kubeconfig=/lab/cp/admin.kubeconfig"), c);
        }
        // Service-account tokens: the API server verifies with the public key the controller signs with.
        assert.ok(args["kube-apiserver"].includes("--service-account-key-file=/lab/cp/pki/sa.pub"));
        assert.ok(args["kube-controller-manager"].includes("--service-account-private-key-file=/lab/cp/pki/sa.key"));
    });
    it("writes a kubeconfig that the lab's API client reads back", () => {
        const kc = renderKubeconfig("https://127.0.0.1:26443", "CA PEM\n", "CERT PEM\n", "KEY PEM\n");
        assert.deepStrictEqual(accessFromKubeconfig(kc), {
            server: "https://127.0.0.1:26443",
            ca: "CA PEM\n",
            cert: "CERT PEM\n",
            key: "KEY PEM\n",
        });
        assert.throws(() => accessFromKubeconfig("apiVersion: v1\nclusters: []\n"), /server/);
    });
});

describe("lab node agent decisions", () => {
    const pod = { spec: { containers: [{ name: "router", image: "hybrid-vnf/router:1" }] }, status: {} };
    it("reads exec probes with the kubelet's defaults", () => {
        assert.deepStrictEqual(execProbe({ exec: { command: ["a"] } }), {
            command: ["a"],
            periodMs: 10_000,
            timeoutMs: 1000,
            failureThreshold: 3,
        });
        assert.deepStrictEqual(
            execProbe({ exec: { command: ["a"] }, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 30 }),
            { command: ["a"], periodMs: 2000, timeoutMs: 5000, failureThreshold: 30 },
        );
        assert.strictEqual(execProbe({ httpGet: { path: "/" } }), undefined);
        assert.strictEqual(execProbe(undefined), undefined);
    });
    it("reports Ready only while the container is ready, with the node's address (hostNetwork)", () => {
        const status = (ready: boolean | undefined) =>
            podStatus(
                pod,
                ready === undefined ? undefined : ({ ready, started: true, restarts: 2, startedAt: "t0" } as any),
                "10.100.101.2",
                "now",
            );
        const cond = (s: any, type: string) => s.conditions.find((c: any) => c.type === type).status;
        const notRunning = status(undefined);
        assert.strictEqual(notRunning.phase, "Pending");
        assert.strictEqual(cond(notRunning, "Ready"), "False");
        assert.deepStrictEqual(notRunning.containerStatuses[0].state, { waiting: { reason: "ContainerCreating" } });
        const notReady = status(false);
        assert.strictEqual(notReady.phase, "Running");
        assert.strictEqual(cond(notReady, "Ready"), "False");
        assert.strictEqual(cond(notReady, "ContainersReady"), "False");
        const ready = status(true);
        assert.strictEqual(cond(ready, "Ready"), "True");
        assert.strictEqual(ready.podIP, "10.100.101.2");
        assert.strictEqual(ready.containerStatuses[0].restartCount, 2);
        assert.strictEqual(ready.containerStatuses[0].ready, true);
    });
});
