// What remote commands print in the mock runtime, recognised by what they run.
import * as crypto from "crypto";

const token = (seed: string) => crypto.createHash("sha256").update(seed).digest("hex");

const K3S_KUBECONFIG = (seed: string) =>
    [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- cluster:",
        `    certificate-authority-data: ${Buffer.from(`mock-ca-${seed}`).toString("base64")}`,
        "    server: https://127.0.0.1:6443",
        "  name: default",
        "contexts:",
        "- context:",
        "    cluster: default",
        "    user: default",
        "  name: default",
        "current-context: default",
        "users:",
        "- name: default",
        "  user:",
        `    client-certificate-data: ${Buffer.from(`mock-cert-${seed}`).toString("base64")}`,
        `    client-key-data: ${Buffer.from(`mock-key-${seed}`).toString("base64")}`,
        "",
    ].join("\n");

/** Patterns in the `create` command, most specific first. */
const OUTPUTS: [RegExp, (cmd: string) => string][] = [
    [/k3s\.yaml/, (cmd) => K3S_KUBECONFIG(token(cmd).slice(0, 12))],
    // k3s server node token: K10<ca hash>::server:<secret>, with a trailing newline like `cat`.
    [/k3s\/server\/node-token/, (cmd) => `K10${token(`ca${cmd}`)}::server:${token(`n${cmd}`).slice(0, 32)}\n`],
    [
        /join-token\b.*\bworker|join-token -q worker/,
        (cmd) => `SWMTKN-1-${token(`s${cmd}`).slice(0, 50)}-${token(`w${cmd}`).slice(0, 25)}`,
    ],
    [
        /join-token\b.*\bmanager|join-token -q manager/,
        (cmd) => `SWMTKN-1-${token(`s${cmd}`).slice(0, 50)}-${token(`m${cmd}`).slice(0, 25)}`,
    ],
];

export function commandStdout(inputs: Record<string, any>): string {
    const cmd = String(inputs.create ?? "");
    const hit = OUTPUTS.find(([pattern]) => pattern.test(cmd));
    return hit ? hit[1](cmd) : "";
}
