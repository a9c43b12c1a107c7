// The rules of the hybrid-vnf policy pack as pure functions over a resource's type, name and
// properties, so tests run them on plans without the policy server. policy/policies.ts wraps
// them as CrossGuard policies; policy/index.ts serves them as the pack.
// No imports from the program's components or stacks (the pack runs in its own process); only
// from import-free lib/ modules that hold a fact or rule once: the labels, the ports (ADMIN_PORTS:
// the ones never open to the world) and the pinning rule.
import { VNF_NAMESPACE_LABEL_KEY, VNF_NAMESPACE_LABEL_VALUE } from "../lib/labels";
import { ADMIN_PORTS } from "../lib/ports";
import { imagePinProblem } from "../lib/image-ref";
import { SECRET_MARK } from "../lib/secret-mark";

export { imagePinProblem, SECRET_MARK };

/** A resource as a rule sees it. `props` are its inputs (validateResource) or outputs (validateStack). */
export interface RuleResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
}

export interface Violation {
    message: string;
    urn?: string;
}

// ---------------------------------------------------------------------------------------------
// 1. Admin ports never open to the world.

const ANYWHERE = new Set(["0.0.0.0/0", "::/0", "0.0.0.0", "::"]);

function isAnywhere(prefix: unknown, remoteGroup: unknown): boolean {
    const p = typeof prefix === "string" ? prefix.trim() : "";
    // Neutron: no remote_ip_prefix and no remote_group_id matches every source.
    if (p === "") return !remoteGroup;
    return ANYWHERE.has(p) || /\/0$/.test(p);
}

/** TCP ports a rule covers: [min, max], or undefined when the rule is not for TCP. */
function tcpRange(protocol: unknown, min: unknown, max: unknown): [number, number] | undefined {
    const proto = typeof protocol === "string" ? protocol.trim().toLowerCase() : "";
    // No protocol (or "any") means every protocol, every port. "6" is TCP's protocol number.
    if (proto !== "" && proto !== "any" && proto !== "tcp" && proto !== "6") return undefined;
    if (proto === "" || proto === "any") return [1, 65535];
    const lo = Number(min) || 0;
    const hi = Number(max) || 0;
    if (lo <= 0 && hi <= 0) return [1, 65535];
    return [lo > 0 ? lo : 1, hi > 0 ? hi : lo];
}

function portsOpened(range: [number, number]): string[] {
    return ADMIN_PORTS.filter((p) => p.port >= range[0] && p.port <= range[1]).map((p) => `${p.what} (${p.port}/tcp)`);
}

export function openAdminPortViolations(r: RuleResource): Violation[] {
    const out: Violation[] = [];
    const say = (source: string, opened: string[]) =>
        out.push({
            urn: r.urn,
            message: `security rule ${r.name} opens ${opened.join(", ")} to ${source}; allow it only from the admin network (adminCidr) or a security group`,
        });
    if (r.type === "openstack:networking/secGroupRule:SecGroupRule") {
        const p = r.props;
        if (String(p.direction ?? "ingress").toLowerCase() !== "ingress") return out;
        if (!isAnywhere(p.remoteIpPrefix, p.remoteGroupId)) return out;
        const range = tcpRange(p.protocol, p.portRangeMin, p.portRangeMax);
        const opened = range ? portsOpened(range) : [];
        if (opened.length)
            say(p.remoteIpPrefix ? String(p.remoteIpPrefix) : "anywhere (no remoteIpPrefix or remoteGroupId)", opened);
    } else if (r.type === "openstack:compute/secGroup:SecGroup") {
        // The legacy Nova security group with inline rules.
        for (const rule of (r.props.rules ?? []) as Record<string, unknown>[]) {
            if (!isAnywhere(rule.cidr, rule.fromGroupId ?? rule.self)) continue;
            const range = tcpRange(rule.ipProtocol, rule.fromPort, rule.toPort);
            const opened = range ? portsOpened(range) : [];
            if (opened.length) say(rule.cidr ? String(rule.cidr) : "anywhere", opened);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// 2. Privileged or host-network pods only in namespaces labelled for VNFs.

/** The namespace label QuaggaRouter sets (lib/labels.ts). */
export const VNF_NAMESPACE_LABEL = { key: VNF_NAMESPACE_LABEL_KEY, value: VNF_NAMESPACE_LABEL_VALUE } as const;

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

function dig(obj: any, path: string[]): any {
    return path.reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), obj);
}

export function podSpecOf(r: Pick<RuleResource, "type" | "props">): Record<string, any> | undefined {
    const path = POD_SPEC_PATHS[r.type];
    return path ? dig(r.props, path) : undefined;
}

function kindOf(type: string): string {
    if (type === "docker:index/service:Service") return "Swarm service";
    if (type === "docker:index/container:Container") return "Docker container";
    return type.split(":").pop() ?? type;
}

/** What makes a pod need a VNF namespace: privileged containers, hostNetwork. */
export function podPrivileges(spec: Record<string, any>): string[] {
    const why: string[] = [];
    if (spec.hostNetwork === true) why.push("hostNetwork");
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        if (c?.securityContext?.privileged === true) why.push(`privileged container ${c.name ?? "?"}`);
    }
    return why;
}

/** Over all resources of a stack: every privileged/host-network pod sits in a namespace of this stack labelled for VNFs. */
export function privilegedPodViolations(resources: RuleResource[]): Violation[] {
    const vnfNamespaces = new Set<string>();
    const otherNamespaces = new Set<string>();
    for (const r of resources) {
        if (r.type !== "kubernetes:core/v1:Namespace") continue;
        const name = r.props.metadata?.name;
        if (typeof name !== "string") continue;
        if (r.props.metadata?.labels?.[VNF_NAMESPACE_LABEL.key] === VNF_NAMESPACE_LABEL.value) vnfNamespaces.add(name);
        else otherNamespaces.add(name);
    }
    const out: Violation[] = [];
    for (const r of resources) {
        const spec = podSpecOf(r);
        if (!spec) continue;
        const why = podPrivileges(spec);
        if (why.length === 0) continue;
        const ns = r.props.metadata?.namespace ?? "default";
        if (vnfNamespaces.has(ns)) continue;
        const where = otherNamespaces.has(ns)
            ? `namespace ${ns}, which is not labelled ${VNF_NAMESPACE_LABEL.key}=${VNF_NAMESPACE_LABEL.value}`
            : `namespace ${ns}, which this stack does not create with the label ${VNF_NAMESPACE_LABEL.key}=${VNF_NAMESPACE_LABEL.value}`;
        out.push({
            urn: r.urn,
            message: `${kindOf(r.type)} ${r.name} runs a pod with ${why.join(", ")} in ${where}; privileged and host-network pods belong only in a VNF namespace (QuaggaRouter creates one)`,
        });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// 3. No Docker provider on plain tcp:// without TLS.

const DOCKER_TLS_FIELDS = ["certMaterial", "caMaterial", "keyMaterial", "certPath"] as const;

/**
 * `env` is the environment the provider will run in (the policy pack runs with the CLI's
 * environment): a provider without `host` uses DOCKER_HOST, and DOCKER_CERT_PATH for TLS.
 */
export function dockerTlsViolations(r: RuleResource, env: Record<string, string | undefined> = {}): Violation[] {
    if (r.type !== "pulumi:providers:docker") return [];
    const fromEnv = r.props.host === undefined || r.props.host === null || r.props.host === "";
    const host = String(fromEnv ? (env.DOCKER_HOST ?? "") : r.props.host).trim();
    if (!/^(tcp|http):\/\//i.test(host)) return [];
    const tls =
        DOCKER_TLS_FIELDS.some((k) => typeof r.props[k] === "string" && r.props[k] !== "") ||
        (fromEnv && !!env.DOCKER_CERT_PATH);
    if (tls) return [];
    return [
        {
            urn: r.urn,
            message: `Docker provider ${r.name} talks to ${host}${fromEnv ? " (from DOCKER_HOST)" : ""} over plain TCP without TLS: anyone who reaches that port owns the host; use ssh://user@host, or TLS (certMaterial, caMaterial, keyMaterial or certPath)`,
        },
    ];
}

// ---------------------------------------------------------------------------------------------
// 4. Kubeconfigs, private keys and join tokens are secret.

/** Inputs that always carry credentials, by resource type (dotted paths). */
export const SENSITIVE_INPUTS: Record<string, string[]> = {
    "pulumi:providers:kubernetes": ["kubeconfig"],
    "pulumi:providers:docker": ["keyMaterial"],
    "command:remote:Command": [
        "connection.privateKey",
        "connection.password",
        "connection.proxy.privateKey",
        "connection.proxy.password",
    ],
    "command:remote:CopyToRemote": ["connection.privateKey", "connection.password"],
    "command:remote:CopyFile": ["connection.privateKey", "connection.password"],
};

/** Credentials recognised by their content, wherever they appear in the inputs (and kubeconfigs with users and credentials). */
export const SENSITIVE_PATTERNS: { what: string; re: RegExp }[] = [
    { what: "a private key", re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/ },
    { what: "a Docker Swarm join token", re: /\bSWMTKN-1-[0-9a-z]{20,}/i },
    { what: "a k3s join token", re: /\bK10[0-9a-f]{32,}::/ },
];

/** Commands whose stdout is a credential; their state must hold it as a secret (additionalSecretOutputs). */
export const SECRET_STDOUT_COMMANDS: { what: string; re: RegExp }[] = [
    { what: "a Docker Swarm join token", re: /\bswarm\s+join-token\b/ },
    {
        what: "a kubeconfig",
        re: /\/etc\/rancher\/k3s\/k3s\.yaml|\/etc\/kubernetes\/admin\.conf|\bkubectl\s+config\s+view\b.*--raw/,
    },
    { what: "a k3s join token", re: /\/var\/lib\/rancher\/k3s\/server\/(node-)?token/ },
];

function isKubeconfigWithCredentials(s: string): boolean {
    return (
        /\bkind:\s*Config\b/.test(s) &&
        /\busers:/.test(s) &&
        /(client-key-data|client-certificate-data|\btoken|password):\s*\S/.test(s)
    );
}

function looksSensitive(s: string): string | undefined {
    for (const p of SENSITIVE_PATTERNS) if (p.re.test(s)) return p.what;
    return isKubeconfigWithCredentials(s) ? "a kubeconfig with credentials" : undefined;
}

/**
 * Sensitive values of a resource that are not secret.
 * `real` holds the values; `shown` is the same tree with every secret value (or subtree)
 * replaced by SECRET_MARK — the plan's printable inputs, or what policies.ts builds from the
 * engine's secret markers. `additionalSecretOutputs` undefined means "not known" (plans do not
 * record resource options), and skips the stdout check.
 */
export function plaintextSecretViolations(
    r: { type: string; name: string; urn: string },
    real: Record<string, any>,
    shown: Record<string, any> | typeof SECRET_MARK,
    additionalSecretOutputs?: string[],
): Violation[] {
    const found: string[] = [];
    const walk = (v: any, s: any, path: string) => {
        if (s === SECRET_MARK) return;
        if (typeof v === "string") {
            const what = looksSensitive(v);
            if (what) found.push(`${path} holds ${what}`);
        } else if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, Array.isArray(s) ? s[i] : undefined, `${path}[${i}]`));
        } else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v))
                walk(x, s && typeof s === "object" ? s[k] : undefined, path ? `${path}.${k}` : k);
        }
    };
    walk(real, shown, "");
    for (const path of SENSITIVE_INPUTS[r.type] ?? []) {
        const keys = path.split(".");
        const v = dig(real, keys);
        if (v === undefined || v === null || v === "") continue;
        // Secret if the value or any object above it is marked secret.
        const marked = keys.some((_, i) => dig(shown, keys.slice(0, i + 1)) === SECRET_MARK);
        if (!marked && !found.some((f) => f.startsWith(path + " "))) found.push(`${path} is not secret`);
    }
    const out: Violation[] = found.map((f) => ({
        urn: r.urn,
        message: `${r.type} ${r.name}: ${f}; mark it secret (pulumi.secret, or config set --secret) so it is encrypted in the state and hidden in logs`,
    }));
    if (
        r.type === "command:remote:Command" &&
        additionalSecretOutputs !== undefined &&
        !additionalSecretOutputs.includes("stdout")
    ) {
        const create = typeof real.create === "string" ? real.create : "";
        const hit = SECRET_STDOUT_COMMANDS.find((c) => c.re.test(create));
        if (hit) {
            out.push({
                urn: r.urn,
                message: `command:remote:Command ${r.name} prints ${hit.what} on stdout, which the state keeps in plain text; add additionalSecretOutputs: ["stdout"]`,
            });
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// 5. Images pinned: a tag other than latest, or a digest.

/** [container name, image] of every container a resource would run. */
export function imagesOf(r: Pick<RuleResource, "type" | "props">): [string, unknown][] {
    const spec = podSpecOf(r);
    if (spec)
        return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: any) => [c?.name ?? "?", c?.image]);
    if (r.type === "docker:index/service:Service")
        return [[r.props.name ?? "service", dig(r.props, ["taskSpec", "containerSpec", "image"])]];
    if (r.type === "docker:index/container:Container") return [[r.props.name ?? "container", r.props.image]];
    return [];
}

export function unpinnedImageViolations(r: RuleResource): Violation[] {
    return imagesOf(r).flatMap(([container, image]) => {
        const problem = imagePinProblem(image);
        return problem
            ? [
                  {
                      urn: r.urn,
                      message: `${kindOf(r.type)} ${r.name}, container ${container}: ${problem}; pin a version tag other than latest, or a @sha256 digest`,
                  },
              ]
            : [];
    });
}
