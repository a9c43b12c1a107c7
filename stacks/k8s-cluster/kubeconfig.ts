// What we read from the k3s server over SSH, and how the kubeconfig is made usable from outside.
import { parse as parseYaml, stringify } from "yaml";
import { KUBE_API_PORT } from "../../lib/ports";

export const K3S_KUBECONFIG_PATH = "/etc/rancher/k3s/k3s.yaml";
export const K3S_NODE_TOKEN_PATH = "/var/lib/rancher/k3s/server/node-token";

export function apiUrl(host: string): string {
    return `https://${host}:${KUBE_API_PORT}`;
}

/**
 * Waits for cloud-init to finish (k3s is installed by it), then prints a root-only file.
 * `cloud-init status --wait` exits 2 on "degraded" (recoverable warnings) in newer releases;
 * only a hard failure stops us, printing cloud-init's long status for the operator.
 */
export function readAfterCloudInit(path: string): string {
    return [
        "cloud-init status --wait >/dev/null; rc=$?",
        'if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then cloud-init status --long >&2; exit "$rc"; fi',
        // runcmd (the k3s install) runs once per instance: after a reboot cloud-init reports done
        // even when that install failed on the first boot, so say why the file is missing.
        `sudo test -f ${path} || { echo "${path} is missing: cloud-init is done but its k3s install (runcmd, run once per instance) did not finish; see /var/log/cloud-init-output.log" >&2; exit 1; }`,
        `sudo cat ${path}`,
    ].join("\n");
}

/**
 * k3s writes its kubeconfig for use on the node (server https://127.0.0.1:6443). Point every
 * cluster entry at the address we reach the API by; the certificate covers it because the
 * server runs with --tls-san <that address>.
 */
export function rewriteKubeconfigServer(kubeconfig: string, serverUrl: string): string {
    if (!/^https:\/\/[^/\s]+$/.test(serverUrl))
        throw new Error(`not an https:// API URL: ${JSON.stringify(serverUrl)}`);
    const doc = parseYaml(kubeconfig);
    const clusters: any[] = Array.isArray(doc?.clusters) ? doc.clusters : [];
    if (clusters.length === 0 || clusters.some((c) => typeof c?.cluster?.server !== "string")) {
        throw new Error("the k3s kubeconfig has no cluster with a server URL (was k3s installed?)");
    }
    for (const c of clusters) c.cluster.server = serverUrl;
    return stringify(doc, { lineWidth: 0 });
}
