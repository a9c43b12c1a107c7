// The lab's Kubernetes control plane, from the engine toolchain: etcd, kube-apiserver,
// kube-controller-manager (garbage collection, namespace deletion, ReplicaSets, service-account
// tokens) and kube-scheduler, all on 127.0.0.1, with their state, certificates and logs under
// .lab/control-plane. Processes run detached (the lab stays up after `npm run lab` returns) and
// are found again by their pid files, so `down` stops them from any later process.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { toolPath } from "../../engine/toolchain";
import { KubeApi, accessFromKubeconfig } from "./kube-api";
import { run, sleep, waitFor } from "../sh";

export const CONTROL_PLANE_PORTS = {
    etcdClient: 23791,
    etcdPeer: 23801,
    apiserver: 26443,
    controllerManager: 26257,
    scheduler: 26259,
};
/** Service ClusterIPs are API objects only here: no kube-proxy, no traffic. */
export const SERVICE_CIDR = "10.96.0.0/16";
export const COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;
type Component = (typeof COMPONENTS)[number];

export interface ControlPlane {
    dir: string;
    kubeconfigPath: string;
    kubeconfig: string;
    server: string;
}

const p = (dir: string, ...parts: string[]) => path.join(dir, ...parts);

/** The command line of each component (pure: paths in, argv out). */
export function componentArgs(dir: string): Record<Component, string[]> {
    const pki = (f: string) => p(dir, "pki", f);
    const P = CONTROL_PLANE_PORTS;
    const kubeconfig = p(dir, "admin.kubeconfig");
    return {
        etcd: [
            "--name=lab",
            `--data-dir=${p(dir, "etcd")}`,
            `--listen-client-urls=http://127.0.0.1:${P.etcdClient}`,
            `--advertise-client-urls=http://127.0.0.1:${P.etcdClient}`,
            `--listen-peer-urls=http://127.0.0.1:${P.etcdPeer}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${P.etcdPeer}`,
            `--initial-cluster=lab=http://127.0.0.1:${P.etcdPeer}`,
            "--log-level=warn",
        ],
        "kube-apiserver": [
            `--etcd-servers=http://127.0.0.1:${P.etcdClient}`,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            `--secure-port=${P.apiserver}`,
            // A loopback advertise address needs this; no pod here talks to the kubernetes Service.
            "--endpoint-reconciler-type=none",
            `--tls-cert-file=${pki("apiserver.crt")}`,
            `--tls-private-key-file=${pki("apiserver.key")}`,
            `--client-ca-file=${pki("ca.crt")}`,
            `--service-cluster-ip-range=${SERVICE_CIDR}`,
            "--service-account-issuer=https://kubernetes.default.svc",
            `--service-account-key-file=${pki("sa.pub")}`,
            `--service-account-signing-key-file=${pki("sa.key")}`,
            "--authorization-mode=Node,RBAC",
            // The router pod may ask for privileged: true (the design's default).
            "--allow-privileged=true",
        ],
        "kube-controller-manager": [
            `--kubeconfig=${kubeconfig}`,
            `--authentication-kubeconfig=${kubeconfig}`,
            `--authorization-kubeconfig=${kubeconfig}`,
            "--bind-address=127.0.0.1",
            `--secure-port=${P.controllerManager}`,
            "--leader-elect=false",
            `--service-account-private-key-file=${pki("sa.key")}`,
            `--root-ca-file=${pki("ca.crt")}`,
            "--use-service-account-credentials=false",
            "--controllers=*",
        ],
        "kube-scheduler": [
            `--kubeconfig=${kubeconfig}`,
            `--authentication-kubeconfig=${kubeconfig}`,
            `--authorization-kubeconfig=${kubeconfig}`,
            "--bind-address=127.0.0.1",
            `--secure-port=${P.scheduler}`,
            "--leader-elect=false",
        ],
    };
}

/** A kubeconfig with one cluster and one user, certificates inline (what `accessFromKubeconfig` reads). */
export function renderKubeconfig(server: string, caPem: string, certPem: string, keyPem: string): string {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: hvnf-lab",
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority-data: ${b64(caPem)}`,
        "users:",
        "- name: hvnf-lab-admin",
        "  user:",
        `    client-certificate-data: ${b64(certPem)}`,
        `    client-key-data: ${b64(keyPem)}`,
        "contexts:",
        "- name: hvnf-lab",
        "  context: {cluster: hvnf-lab, user: hvnf-lab-admin}",
        "current-context: hvnf-lab",
        "",
    ].join("\n");
}

/** CA, API server serving cert, admin client cert (system:masters), service-account key pair. */
async function makePki(dir: string): Promise<void> {
    const pki = p(dir, "pki");
    if (fs.existsSync(p(pki, "admin.crt"))) return;
    fs.mkdirSync(pki, { recursive: true, mode: 0o700 });
    const ssl = (...a: string[]) => run(["openssl", ...a], { timeoutMs: 60_000 });
    const key = (f: string) =>
        ssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p(pki, f));
    await key("ca.key");
    await ssl(
        "req",
        "-x509",
        "-new",
        "-key",
        p(pki, "ca.key"),
        "-subj",
        "/CN=hvnf-lab-ca",
        "-days",
        "30",
        "-out",
        p(pki, "ca.crt"),
    );
    const sign = async (name: string, subj: string, ext: string) => {
        await key(`${name}.key`);
        await ssl("req", "-new", "-key", p(pki, `${name}.key`), "-subj", subj, "-out", p(pki, `${name}.csr`));
        fs.writeFileSync(p(pki, `${name}.ext`), ext);
        await ssl(
            "x509",
            "-req",
            "-in",
            p(pki, `${name}.csr`),
            "-CA",
            p(pki, "ca.crt"),
            "-CAkey",
            p(pki, "ca.key"),
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            p(pki, `${name}.ext`),
            "-out",
            p(pki, `${name}.crt`),
        );
    };
    const kubernetesIp = SERVICE_CIDR.replace(/0\/\d+$/, "1");
    await sign(
        "apiserver",
        "/CN=kube-apiserver",
        `subjectAltName=IP:127.0.0.1,DNS:localhost,IP:${kubernetesIp},` +
            "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
    );
    await sign("admin", "/O=system:masters/CN=hvnf-lab-admin", "extendedKeyUsage=clientAuth\n");
    await ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", p(pki, "sa.key"));
    await ssl("pkey", "-in", p(pki, "sa.key"), "-pubout", "-out", p(pki, "sa.pub"));
}

const pidFile = (dir: string, c: string) => p(dir, `${c}.pid`);

export function alivePid(file: string): number | undefined {
    if (!fs.existsSync(file)) return undefined;
    const pid = Number(fs.readFileSync(file, "utf8"));
    try {
        process.kill(pid, 0);
        return pid;
    } catch {
        return undefined;
    }
}

/** Starts a detached process logging to dir/<name>.log, recorded in dir/<name>.pid. */
export function startDetached(
    dir: string,
    name: string,
    argv: string[],
    env: NodeJS.ProcessEnv = process.env,
): ChildProcess {
    const log = fs.openSync(p(dir, `${name}.log`), "a");
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ["ignore", log, log], env });
    fs.closeSync(log);
    fs.writeFileSync(pidFile(dir, name), String(child.pid));
    child.unref();
    return child;
}

/** Stops a process started by startDetached (SIGTERM, then SIGKILL after graceMs); idempotent. */
export async function stopDetached(dir: string, name: string, graceMs = 10_000): Promise<boolean> {
    const file = pidFile(dir, name);
    const pid = alivePid(file);
    if (pid !== undefined) {
        process.kill(pid, "SIGTERM");
        const deadline = Date.now() + graceMs;
        while (alivePid(file) !== undefined && Date.now() < deadline) await sleep(100);
        if (alivePid(file) !== undefined) process.kill(pid, "SIGKILL");
        while (alivePid(file) !== undefined) await sleep(50);
    }
    fs.rmSync(file, { force: true });
    return pid !== undefined;
}

function tailOf(dir: string, name: string): string {
    const f = p(dir, `${name}.log`);
    return fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").slice(-15).join("\n") : "(no log)";
}

/** Starts (or finds running) the four components and waits until the API server is ready. */
export async function startControlPlane(dir: string, log: (s: string) => void): Promise<ControlPlane> {
    fs.mkdirSync(dir, { recursive: true });
    await makePki(dir);
    const pem = (f: string) => fs.readFileSync(p(dir, "pki", f), "utf8");
    const server = `https://127.0.0.1:${CONTROL_PLANE_PORTS.apiserver}`;
    const kubeconfig = renderKubeconfig(server, pem("ca.crt"), pem("admin.crt"), pem("admin.key"));
    const kubeconfigPath = p(dir, "admin.kubeconfig");
    fs.writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
    const args = componentArgs(dir);
    const api = new KubeApi(accessFromKubeconfig(kubeconfig));
    try {
        for (const c of COMPONENTS) {
            if (alivePid(pidFile(dir, c)) !== undefined) continue;
            const child = startDetached(dir, c, [toolPath(c), ...args[c]]);
            log(`${c} started (pid ${child.pid}, log ${p(dir, `${c}.log`)})`);
            if (c === "kube-apiserver") {
                try {
                    await waitFor(
                        "the API server's /readyz",
                        async () => ((await api.request("GET", "/readyz")) !== undefined ? true : undefined),
                        90_000,
                        250,
                    );
                } catch (e) {
                    const logs = `kube-apiserver log:\n${tailOf(dir, c)}\netcd log:\n${tailOf(dir, "etcd")}`;
                    throw new Error(`${(e as Error).message}\n${logs}`);
                }
            }
        }
        // The namespace "default" and its ServiceAccount come from the controllers: proof they run.
        await waitFor(
            "the default ServiceAccount (controller-manager at work)",
            async () => ((await api.find("/api/v1/namespaces/default/serviceaccounts/default")) ? true : undefined),
            60_000,
            250,
        );
    } finally {
        api.close();
    }
    return { dir, kubeconfigPath, kubeconfig, server };
}

/** Stops the components (reverse order) and removes their state; idempotent. */
export async function stopControlPlane(dir: string, log: (s: string) => void): Promise<void> {
    for (const c of [...COMPONENTS].reverse()) if (await stopDetached(dir, c)) log(`${c} stopped`);
    fs.rmSync(dir, { recursive: true, force: true });
}
