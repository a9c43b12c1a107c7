// The policy pack (policy/): every policy over the plans of the six example stacks (all pass)
// and over bad variants built from those plans' resources (each caught, message checked).
// The validate functions are called directly with CrossGuard-shaped args; the pack's server
// (policy/index.ts) is never started here.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { PlannedResource, planStacks, revealedInputs, SECRET, StackPlan } from "../../harness/plan";
import { policies, sensitiveValuesSecret, splitSecrets } from "../../policy/policies";
import { imagePinProblem, SECRET_MARK, VNF_NAMESPACE_LABEL } from "../../policy/rules";
import { VNF_NAMESPACE_LABEL_KEY, VNF_NAMESPACE_LABEL_VALUE } from "../../lib/labels";
import { parseImageRef } from "../../stacks/service-chain/config";
// Internal to @pulumi/policy, used here to build properties exactly as its server does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require("@pulumi/policy/deserialize");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy/proxy");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { specialSigKey, specialSecretSig } = require("@pulumi/pulumi/runtime/rpc");

const CHAINS = [
    ["k8s-local", "swarm-local", "chain-local"],
    ["k8s-dev", "swarm-dev", "chain-dev"],
];

/** A planned resource with the values a policy sees, and the printable (secret-marked) inputs. */
interface Res {
    plan: StackPlan;
    r: PlannedResource;
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
    shown: Record<string, any>;
    /** The resource's additionalSecretOutputs, if the plan records them. */
    aso?: string[];
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function resOf(plan: StackPlan, r: PlannedResource): Res {
    const aso = (r as { additionalSecretOutputs?: string[] }).additionalSecretOutputs;
    return {
        plan,
        r,
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: clone(revealedInputs(plan, r)),
        shown: clone(r.inputs),
        aso,
    };
}

/** The engine's wire form of the properties: secret values wrapped in the secret signature. */
function wire(real: any, shown: any): any {
    if (shown === SECRET) return { [specialSigKey]: specialSecretSig, value: real };
    if (Array.isArray(real)) return real.map((x, i) => wire(x, Array.isArray(shown) ? shown[i] : undefined));
    if (real && typeof real === "object") {
        return Object.fromEntries(
            Object.entries(real)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, wire(v, shown?.[k])]),
        );
    }
    return real;
}

/** Properties as @pulumi/policy's server hands them to a hook: proxySecrets false for validations, true for remediations. */
function sdkProps(x: Res, proxySecrets: boolean): Record<string, any> {
    return unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(wire(x.props, x.shown)), proxySecrets));
}

function resourceArgs(x: Res, proxySecrets = false, additionalSecretOutputs: string[] = []): ResourceValidationArgs {
    return {
        type: x.type,
        name: x.name,
        urn: x.urn,
        props: sdkProps(x, proxySecrets),
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs,
        },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`notApplicable ${reason}`);
        },
    };
}

function stackResource(x: Res): PolicyResource {
    return {
        type: x.type,
        name: x.name,
        urn: x.urn,
        props: sdkProps(x, false),
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    };
}

const resourcePolicies = policies.filter(
    (p): p is ResourceValidationPolicy => "validateResource" in p && !("validateStack" in p),
);
const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p);

/**
 * Runs one resource policy the way the server does: the remediation step first (for a
 * "remediate" policy, with secrets as Secret objects), then the validations.
 * `additionalSecretOutputs` undefined: plans do not record resource options, so the resource
 * is judged as if it listed ["stdout"] (the stdout check is exercised by its own tests below).
 */
async function runResourcePolicy(
    p: ResourceValidationPolicy,
    x: Res,
    additionalSecretOutputs?: string[],
): Promise<string[]> {
    const messages: string[] = [];
    if (p.enforcementLevel === "remediate" && p.remediateResource) {
        const args = resourceArgs(x, true, additionalSecretOutputs ?? ["stdout"]);
        const result = await p.remediateResource(args);
        assert.equal(result, undefined, `${p.name} must never change a resource`);
    }
    const validations = [p.validateResource ?? []].flat();
    for (const v of validations)
        await v(resourceArgs(x, false, additionalSecretOutputs ?? ["stdout"]), (m) => messages.push(m));
    return messages;
}

async function runStackPolicy(p: StackValidationPolicy, xs: Res[]): Promise<{ message: string; urn?: string }[]> {
    const out: { message: string; urn?: string }[] = [];
    await p.validateStack(
        {
            resources: xs.map(stackResource),
            stackTags: new Map(),
            getConfig: <T extends object>() => ({}) as T,
            notApplicable: (r?: string): never => {
                throw new Error(String(r));
            },
        },
        (message, urn) => out.push({ message, urn }),
    );
    return out;
}

const byName = (name: string) => {
    const p = policies.find((x) => x.name === name);
    assert.ok(p, `no policy ${name}`);
    return p;
};

describe("policy pack (policy/)", function () {
    this.timeout(120_000);
    const plans = new Map<string, StackPlan>();

    before(async () => {
        for (const chain of CHAINS) for (const p of await planStacks(chain)) plans.set(p.stack, p);
    });

    const all = (stack: string) => plans.get(stack)!.resources.map((r) => resOf(plans.get(stack)!, r));
    const find = (stack: string, type: string, pred: (x: Res) => boolean = () => true) => {
        const x = all(stack).find((r) => r.type === type && pred(r));
        assert.ok(x, `${stack} has no ${type}`);
        return x;
    };

    describe("the pack", () => {
        it("has the five policies, each enforced as mandatory", () => {
            assert.deepEqual(policies.map((p) => p.name).sort(), [
                "docker-provider-no-plain-tcp",
                "images-pinned",
                "no-admin-ports-open-to-the-world",
                "privileged-pods-only-in-vnf-namespaces",
                "sensitive-values-secret",
            ]);
            for (const p of policies) {
                // "remediate" only gives the secrets policy the engine's secret markers; the SDK
                // reports its violations as mandatory (see policy/policies.ts).
                assert.ok(
                    p.enforcementLevel === "mandatory" ||
                        (p === sensitiveValuesSecret && p.enforcementLevel === "remediate"),
                    p.name,
                );
            }
        });

        it("index.ts serves exactly these policies; PulumiPolicy.yaml and package.json are what the CLI needs", () => {
            const dir = path.join(__dirname, "..", "..", "policy");
            const index = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
            assert.match(index, /import \{ policies \} from "\.\/policies";/);
            assert.match(index, /new PolicyPack\("hybrid-vnf", \{[\s\S]*policies,/);
            assert.match(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
            // PolicyPack reads the version from ./package.json of the pack.
            assert.ok(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version);
        });

        it("uses the namespace label QuaggaRouter sets, the plan's secret marker, and the program's notion of a pinned image", () => {
            assert.deepEqual(VNF_NAMESPACE_LABEL, { key: VNF_NAMESPACE_LABEL_KEY, value: VNF_NAMESPACE_LABEL_VALUE });
            assert.equal(SECRET_MARK, SECRET);
            for (const ref of [
                "hybrid-vnf/router:0.1.0",
                "hybrid-vnf/router:latest",
                "hybrid-vnf/router",
                "registry.example:5000/vnf/router",
                "registry.example:5000/vnf/router:1.2",
                `nginx@sha256:${"a".repeat(64)}`,
                `nginx:1.25@sha256:${"b".repeat(64)}`,
                "nginx:",
            ]) {
                let program = true;
                try {
                    parseImageRef("k", ref);
                } catch {
                    program = false;
                }
                assert.equal(imagePinProblem(ref) === undefined, program, ref);
            }
        });
    });

    describe("the six example stacks pass every policy", () => {
        for (const stack of CHAINS.flat()) {
            it(stack, async () => {
                const xs = all(stack);
                const problems: string[] = [];
                for (const p of resourcePolicies)
                    for (const x of xs)
                        problems.push(...(await runResourcePolicy(p, x, x.aso)).map((m) => `${p.name}: ${m}`));
                for (const p of stackPolicies)
                    problems.push(...(await runStackPolicy(p, xs)).map((v) => `${p.name}: ${v.message}`));
                assert.deepEqual(problems, []);
            });
        }

        it("the plans do hold what the policies look at", () => {
            assert.ok(
                all("k8s-dev").filter((x) => x.type === "openstack:networking/secGroupRule:SecGroupRule").length >= 3,
            );
            assert.ok(
                all("swarm-dev").some(
                    (x) => x.type === "command:remote:Command" && /join-token/.test(x.props.create ?? ""),
                ),
            );
            for (const stack of ["chain-dev", "chain-local"]) {
                find(stack, "kubernetes:apps/v1:Deployment", (x) => x.props.spec.template.spec.hostNetwork === true);
                find(stack, "pulumi:providers:docker");
                find(stack, "pulumi:providers:kubernetes", (x) => x.shown.kubeconfig === SECRET);
                find(stack, "docker:index/service:Service");
            }
        });
    });

    describe("no-admin-ports-open-to-the-world", () => {
        const p = () => byName("no-admin-ports-open-to-the-world") as ResourceValidationPolicy;
        const rule = (key: string) =>
            find("k8s-dev", "openstack:networking/secGroupRule:SecGroupRule", (x) => x.name.endsWith(key));

        it("catches SSH opened to 0.0.0.0/0", async () => {
            const x = rule("ssh-admin");
            x.props.remoteIpPrefix = "0.0.0.0/0";
            assert.deepEqual(await runResourcePolicy(p(), x), [
                `security rule ${x.name} opens SSH (22/tcp) to 0.0.0.0/0; allow it only from the admin network (adminCidr) or a security group`,
            ]);
        });

        it("catches the Kubernetes API opened to ::/0", async () => {
            const x = rule("api-admin");
            x.props.remoteIpPrefix = "::/0";
            x.props.ethertype = "IPv6";
            const [m] = await runResourcePolicy(p(), x);
            assert.match(m, /opens the Kubernetes API \(6443\/tcp\) to ::\/0/);
        });

        it("catches a rule with neither remoteIpPrefix nor remoteGroupId (Neutron: anywhere)", async () => {
            const x = rule("ssh-admin");
            delete x.props.remoteIpPrefix;
            delete x.shown.remoteIpPrefix;
            const [m] = await runResourcePolicy(p(), x);
            assert.match(m, /opens SSH \(22\/tcp\) to anywhere \(no remoteIpPrefix or remoteGroupId\)/);
        });

        it("catches the Docker API ports inside a wide port range, and any-protocol rules", async () => {
            const x = find("swarm-dev", "openstack:networking/secGroupRule:SecGroupRule", (r) =>
                r.name.endsWith("lb-from-clients"),
            );
            x.props.portRangeMin = 2000;
            x.props.portRangeMax = 3000;
            assert.match(
                (await runResourcePolicy(p(), x))[0],
                /opens the Docker API \(2375\/tcp\), the Docker API \(TLS\) \(2376\/tcp\) to 0\.0\.0\.0\/0/,
            );
            const y = find("swarm-dev", "openstack:networking/secGroupRule:SecGroupRule", (r) =>
                r.name.endsWith("lb-from-clients"),
            );
            delete y.props.protocol;
            delete y.props.portRangeMin;
            delete y.props.portRangeMax;
            assert.match(
                (await runResourcePolicy(p(), y))[0],
                /opens SSH \(22\/tcp\), the Kubernetes API \(6443\/tcp\), the Docker API \(2375\/tcp\), the Docker API \(TLS\) \(2376\/tcp\) to 0\.0\.0\.0\/0/,
            );
        });

        it("leaves alone: HTTP to the world, UDP 22, egress, and rules limited to a group", async () => {
            const lb = find("swarm-dev", "openstack:networking/secGroupRule:SecGroupRule", (r) =>
                r.name.endsWith("lb-from-clients"),
            );
            assert.equal(lb.props.remoteIpPrefix, "0.0.0.0/0");
            assert.deepEqual(await runResourcePolicy(p(), lb), []);
            const udp = rule("ssh-admin");
            Object.assign(udp.props, { protocol: "udp", remoteIpPrefix: "0.0.0.0/0" });
            assert.deepEqual(await runResourcePolicy(p(), udp), []);
            const egress = rule("ssh-admin");
            Object.assign(egress.props, { direction: "egress", remoteIpPrefix: "0.0.0.0/0" });
            assert.deepEqual(await runResourcePolicy(p(), egress), []);
            assert.deepEqual(await runResourcePolicy(p(), rule("intra-cluster")), []);
        });
    });

    describe("privileged-pods-only-in-vnf-namespaces", () => {
        const p = () => byName("privileged-pods-only-in-vnf-namespaces") as StackValidationPolicy;

        it("catches the router pod moved to the default namespace", async () => {
            const xs = all("chain-dev");
            const d = xs.find((x) => x.type === "kubernetes:apps/v1:Deployment")!;
            d.props.metadata.namespace = "default";
            const v = await runStackPolicy(p(), xs);
            assert.equal(v.length, 1);
            assert.equal(v[0].urn, d.urn);
            assert.equal(
                v[0].message,
                `Deployment ${d.name} runs a pod with hostNetwork, privileged container router in namespace default, which this stack does not create with the label hybrid-vnf/vnf=true; privileged and host-network pods belong only in a VNF namespace (QuaggaRouter creates one)`,
            );
        });

        it("catches a VNF namespace that lost its label (least-privilege pod: hostNetwork still counts)", async () => {
            const xs = all("chain-local");
            const ns = xs.find((x) => x.type === "kubernetes:core/v1:Namespace")!;
            delete ns.props.metadata.labels[VNF_NAMESPACE_LABEL.key];
            const v = await runStackPolicy(p(), xs);
            assert.equal(v.length, 1);
            assert.match(
                v[0].message,
                /runs a pod with hostNetwork in namespace vnf-router, which is not labelled hybrid-vnf\/vnf=true/,
            );
        });

        it("catches a privileged DaemonSet and a bare privileged Pod", async () => {
            const xs = all("chain-dev");
            const d = xs.find((x) => x.type === "kubernetes:apps/v1:Deployment")!;
            const ds: Res = {
                ...d,
                type: "kubernetes:apps/v1:DaemonSet",
                name: "agent",
                urn: d.urn + "-ds",
                props: clone(d.props),
                shown: clone(d.shown),
            };
            ds.props.metadata.namespace = "kube-system";
            delete ds.props.spec.template.spec.hostNetwork;
            const pod: Res = {
                ...d,
                type: "kubernetes:core/v1:Pod",
                name: "debug",
                urn: d.urn + "-pod",
                props: {
                    metadata: { namespace: "default" },
                    spec: { hostNetwork: true, containers: [{ name: "sh", image: "debian:bookworm" }] },
                },
                shown: {},
            };
            const v = await runStackPolicy(p(), [...xs, ds, pod]);
            assert.deepEqual(
                v.map((x) => x.urn),
                [ds.urn, pod.urn],
            );
            assert.match(
                v[0].message,
                /^DaemonSet agent runs a pod with privileged container router in namespace kube-system/,
            );
            assert.match(v[1].message, /^Pod debug runs a pod with hostNetwork in namespace default/);
        });

        it("leaves alone an ordinary pod outside VNF namespaces", async () => {
            const xs = all("chain-dev");
            const d = xs.find((x) => x.type === "kubernetes:apps/v1:Deployment")!;
            const plain: Res = { ...d, name: "web", urn: d.urn + "-web", props: clone(d.props), shown: {} };
            plain.props.metadata.namespace = "default";
            delete plain.props.spec.template.spec.hostNetwork;
            plain.props.spec.template.spec.containers[0].securityContext = { privileged: false };
            assert.deepEqual(await runStackPolicy(p(), [...xs, plain]), []);
        });
    });

    describe("docker-provider-no-plain-tcp", () => {
        const p = () => byName("docker-provider-no-plain-tcp") as ResourceValidationPolicy;
        const provider = () => find("chain-dev", "pulumi:providers:docker");

        it("catches tcp:// without TLS", async () => {
            const x = provider();
            x.props.host = "tcp://203.0.113.10:2375";
            assert.deepEqual(await runResourcePolicy(p(), x), [
                `Docker provider ${x.name} talks to tcp://203.0.113.10:2375 over plain TCP without TLS: anyone who reaches that port owns the host; use ssh://user@host, or TLS (certMaterial, caMaterial, keyMaterial or certPath)`,
            ]);
        });

        it("catches a provider without host when DOCKER_HOST is plain tcp://", async () => {
            const x = provider();
            delete x.props.host;
            const saved = { host: process.env.DOCKER_HOST, cert: process.env.DOCKER_CERT_PATH };
            process.env.DOCKER_HOST = "tcp://10.0.0.5:2375";
            delete process.env.DOCKER_CERT_PATH;
            try {
                assert.match(
                    (await runResourcePolicy(p(), x))[0],
                    /talks to tcp:\/\/10\.0\.0\.5:2375 \(from DOCKER_HOST\) over plain TCP/,
                );
            } finally {
                if (saved.host === undefined) delete process.env.DOCKER_HOST;
                else process.env.DOCKER_HOST = saved.host;
                if (saved.cert !== undefined) process.env.DOCKER_CERT_PATH = saved.cert;
            }
        });

        it("accepts tcp:// with TLS material, ssh:// and unix://", async () => {
            const tls = provider();
            Object.assign(tls.props, {
                host: "tcp://203.0.113.10:2376",
                certMaterial: "CERT",
                caMaterial: "CA",
                keyMaterial: "KEY",
            });
            tls.shown.keyMaterial = SECRET;
            assert.deepEqual(await runResourcePolicy(p(), tls), []);
            assert.deepEqual(await runResourcePolicy(p(), provider()), []);
            assert.deepEqual(await runResourcePolicy(p(), find("chain-local", "pulumi:providers:docker")), []);
        });
    });

    describe("sensitive-values-secret (remediation reads the secret markers, validation reports)", () => {
        const p = () => sensitiveValuesSecret;

        it("catches a kubeconfig given to the Kubernetes provider in plain text", async () => {
            const x = find("chain-dev", "pulumi:providers:kubernetes");
            x.shown.kubeconfig = x.props.kubeconfig; // not marked secret
            const m = await runResourcePolicy(p(), x);
            assert.equal(m.length, 1);
            assert.match(
                m[0],
                /^pulumi:providers:kubernetes router-cluster: kubeconfig (holds a kubeconfig with credentials|is not secret); mark it secret \(pulumi\.secret, or config set --secret\)/,
            );
        });

        it("catches an SSH private key in a command's connection in plain text", async () => {
            const x = find("k8s-dev", "command:remote:Command");
            assert.equal(x.shown.connection, SECRET);
            x.shown.connection = clone(x.props.connection);
            const m = await runResourcePolicy(p(), x);
            assert.deepEqual(m, [
                `command:remote:Command ${x.name}: connection.privateKey holds a private key; mark it secret (pulumi.secret, or config set --secret) so it is encrypted in the state and hidden in logs`,
            ]);
        });

        it("catches a swarm join token passed in plain text", async () => {
            const x = find("swarm-dev", "command:remote:Command", (r) => r.shown.stdin === SECRET);
            assert.match(x.props.stdin, /^SWMTKN-1-/);
            x.shown.stdin = x.props.stdin;
            const m = await runResourcePolicy(p(), x);
            assert.deepEqual(m, [
                `command:remote:Command ${x.name}: stdin holds a Docker Swarm join token; mark it secret (pulumi.secret, or config set --secret) so it is encrypted in the state and hidden in logs`,
            ]);
        });

        it("catches a command printing a join token or kubeconfig without additionalSecretOutputs stdout", async () => {
            const join = find("swarm-dev", "command:remote:Command", (r) =>
                /join-token -q worker/.test(r.props.create ?? ""),
            );
            assert.deepEqual(await runResourcePolicy(p(), join, []), [
                `command:remote:Command ${join.name} prints a Docker Swarm join token on stdout, which the state keeps in plain text; add additionalSecretOutputs: ["stdout"]`,
            ]);
            assert.deepEqual(await runResourcePolicy(p(), join, ["stdout"]), []);
            const kube = find("k8s-dev", "command:remote:Command");
            assert.match((await runResourcePolicy(p(), kube, []))[0], /prints a kubeconfig on stdout/);
        });

        it("without the remediation step (no secret markers) only the stdout check runs", async () => {
            const validate = async (args: ResourceValidationArgs) => {
                const out: string[] = [];
                await [sensitiveValuesSecret.validateResource].flat()[0]!(args, (m) => out.push(m));
                return out;
            };
            const x = find("chain-dev", "pulumi:providers:kubernetes");
            x.shown.kubeconfig = x.props.kubeconfig;
            assert.deepEqual(
                await validate(resourceArgs(x)),
                [],
                "validateResource alone cannot see secretness and must not guess",
            );
            const join = find("swarm-dev", "command:remote:Command", (r) =>
                /join-token -q manager/.test(r.props.create ?? ""),
            );
            assert.match(
                (await validate(resourceArgs(join, false, [])))[0],
                /prints a Docker Swarm join token on stdout/,
            );
        });

        it("splitSecrets reads the SDK's remediation proxies: nested and whole-object secrets", () => {
            const x = find("swarm-dev", "command:remote:Command", (r) => r.shown.stdin === SECRET);
            const { real, shown } = splitSecrets(sdkProps(x, true));
            assert.deepEqual(real, x.props);
            assert.deepEqual(shown, x.shown);
            // and a validation's props carry no markers at all
            assert.deepEqual(splitSecrets(sdkProps(x, false)).shown, x.props);
        });
    });

    describe("images-pinned", () => {
        const p = () => byName("images-pinned") as ResourceValidationPolicy;

        it("catches :latest and untagged images in the router Deployment", async () => {
            const x = find("chain-dev", "kubernetes:apps/v1:Deployment");
            x.props.spec.template.spec.containers[0].image = "hybrid-vnf/router:latest";
            assert.deepEqual(await runResourcePolicy(p(), x), [
                `Deployment ${x.name}, container router: image hybrid-vnf/router:latest uses the tag latest; pin a version tag other than latest, or a @sha256 digest`,
            ]);
            x.props.spec.template.spec.containers[0].image = "registry.example:5000/hybrid-vnf/router";
            assert.match(
                (await runResourcePolicy(p(), x))[0],
                /image registry\.example:5000\/hybrid-vnf\/router has no tag, so it means :latest/,
            );
        });

        it("catches an unpinned init container and a DaemonSet", async () => {
            const x = find("chain-local", "kubernetes:apps/v1:Deployment");
            x.type = "kubernetes:apps/v1:DaemonSet";
            x.props.spec.template.spec.initContainers = [{ name: "sysctl", image: "busybox" }];
            assert.deepEqual(await runResourcePolicy(p(), x), [
                `DaemonSet ${x.name}, container sysctl: image busybox has no tag, so it means :latest; pin a version tag other than latest, or a @sha256 digest`,
            ]);
        });

        it("catches the load balancer service on :latest", async () => {
            const x = find("chain-dev", "docker:index/service:Service");
            x.props.taskSpec.containerSpec.image = "hybrid-vnf/nginx-lb:latest";
            assert.deepEqual(await runResourcePolicy(p(), x), [
                `Swarm service ${x.name}, container nginx-lb: image hybrid-vnf/nginx-lb:latest uses the tag latest; pin a version tag other than latest, or a @sha256 digest`,
            ]);
        });

        it("accepts a digest", async () => {
            const x = find("chain-dev", "docker:index/service:Service");
            x.props.taskSpec.containerSpec.image = `hybrid-vnf/nginx-lb@sha256:${"0".repeat(64)}`;
            assert.deepEqual(await runResourcePolicy(p(), x), []);
        });
    });
});
