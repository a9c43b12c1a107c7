// A small client of the Kubernetes API for the lab's node agent and checks: JSON over HTTPS with
// the client certificate of the kubeconfig the lab wrote itself (lab/kube/control-plane.ts). The lab
// owns that kubeconfig's shape (one cluster, one user, inline PEM data), so a full kubeconfig
// loader (@kubernetes/client-node and its dependency tree) would buy nothing here.
import * as https from "https";
import { parse } from "yaml";

export interface KubeAccess {
    server: string; // https://127.0.0.1:6443
    ca: string;
    cert: string;
    key: string;
}

/** The one cluster and user of a kubeconfig with inline data (what the lab writes). */
export function accessFromKubeconfig(text: string): KubeAccess {
    const kc = parse(text);
    const cluster = kc?.clusters?.[0]?.cluster;
    const user = kc?.users?.[0]?.user;
    const b64 = (s: unknown, what: string) => {
        if (typeof s !== "string" || s === "") throw new Error(`kubeconfig has no ${what}`);
        return Buffer.from(s, "base64").toString();
    };
    if (typeof cluster?.server !== "string") throw new Error("kubeconfig has no clusters[0].cluster.server");
    return {
        server: cluster.server,
        ca: b64(cluster["certificate-authority-data"], "certificate-authority-data"),
        cert: b64(user?.["client-certificate-data"], "client-certificate-data"),
        key: b64(user?.["client-key-data"], "client-key-data"),
    };
}

export class KubeError extends Error {
    constructor(
        readonly status: number,
        readonly method: string,
        readonly path: string,
        body: string,
    ) {
        super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 300)}`);
        this.name = "KubeError";
    }
}

export type PatchType = "merge" | "strategic" | "json";
const PATCH_CONTENT: Record<PatchType, string> = {
    merge: "application/merge-patch+json",
    strategic: "application/strategic-merge-patch+json",
    json: "application/json-patch+json",
};

export class KubeApi {
    private readonly agent: https.Agent;
    private readonly url: URL;

    constructor(access: KubeAccess) {
        this.url = new URL(access.server);
        this.agent = new https.Agent({
            ca: access.ca,
            cert: access.cert,
            key: access.key,
            keepAlive: true,
            maxSockets: 4,
        });
    }

    close(): void {
        this.agent.destroy();
    }

    request<T = any>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<T> {
        const data = body === undefined ? undefined : JSON.stringify(body);
        return new Promise<T>((resolve, reject) => {
            const req = https.request(
                {
                    agent: this.agent,
                    hostname: this.url.hostname,
                    port: this.url.port,
                    method,
                    path,
                    timeout: 15_000,
                    headers: {
                        accept: "application/json",
                        ...(data === undefined
                            ? {}
                            : { "content-type": contentType, "content-length": Buffer.byteLength(data) }),
                    },
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const text = Buffer.concat(chunks).toString();
                        if ((res.statusCode ?? 0) >= 300)
                            return reject(new KubeError(res.statusCode ?? 0, method, path, text));
                        const json = /json/.test(String(res.headers["content-type"] ?? ""));
                        resolve((json && text ? JSON.parse(text) : text) as T);
                    });
                },
            );
            req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
            req.on("error", reject);
            req.end(data);
        });
    }

    get<T = any>(path: string): Promise<T> {
        return this.request<T>("GET", path);
    }

    /** The object, or undefined when it does not exist. */
    async find<T = any>(path: string): Promise<T | undefined> {
        try {
            return await this.get<T>(path);
        } catch (e) {
            if (e instanceof KubeError && e.status === 404) return undefined;
            throw e;
        }
    }

    create<T = any>(path: string, body: unknown): Promise<T> {
        return this.request<T>("POST", path, body);
    }

    patch<T = any>(path: string, body: unknown, type: PatchType = "merge"): Promise<T> {
        return this.request<T>("PATCH", path, body, PATCH_CONTENT[type]);
    }

    /** Deletes; a missing object is not an error. */
    async remove(path: string, body?: unknown): Promise<void> {
        try {
            await this.request("DELETE", path, body);
        } catch (e) {
            if (!(e instanceof KubeError && e.status === 404)) throw e;
        }
    }
}
