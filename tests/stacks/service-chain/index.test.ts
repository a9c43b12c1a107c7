// The service-chain stack on chained plans of the local and the dev stacks: the router and LB
// wired from the k8s/swarm outputs, the explicit providers, the rolling LB update when the
// Apache IPs change, the least-privilege variant, and bad input that names the key.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planStacks, PlannedResource, revealedInputs, reveal, SECRET, StackPlan } from "../../../harness/plan";
import { SECRET_PLACEHOLDERS } from "../../../harness/stack-files";
import { SSH_KEY_DIR_ENV, dockerSshOpts, writeSshKeyFile } from "../../../stacks/service-chain/docker-provider";
import { loadBalancerHost } from "../../../stacks/service-chain";
import { routerRoutes } from "../../../stacks/service-chain/config";
import { Route } from "../../../lib/router-env";
import { ROUTER_NODE_SELECTOR } from "../../../lib/labels";

const one = (plan: StackPlan, type: string): PlannedResource => {
    const found = plan.resources.filter((r) => r.type === type);
    assert.strictEqual(found.length, 1, `${plan.stack}: one ${type}`);
    return found[0];
};
const real = (plan: StackPlan, type: string) => revealedInputs(plan, one(plan, type)) as Record<string, any>;
const lbService = (chain: StackPlan) => real(chain, "docker:index/service:Service");
const routerContainer = (chain: StackPlan) =>
    real(chain, "kubernetes:apps/v1:Deployment").spec.template.spec.containers[0];
const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));

/** Leaf paths where two JSON values differ. */
function diffPaths(a: any, b: any, at = ""): string[] {
    if (a === b) return [];
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return [at || "."];
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths(a[k], b[k], `${at}.${k}`));
}

/** The Docker provider writes the ssh key file; keep a suite's away from the user's tmp dir. */
function privateSshDir(): { dir: () => string } {
    let dir = "";
    let saved: string | undefined;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hybrid-vnf-test-ssh-"));
        saved = process.env[SSH_KEY_DIR_ENV];
        process.env[SSH_KEY_DIR_ENV] = path.join(dir, "keys");
    });
    after(() => {
        if (saved === undefined) delete process.env[SSH_KEY_DIR_ENV];
        else process.env[SSH_KEY_DIR_ENV] = saved;
        fs.rmSync(dir, { recursive: true, force: true });
    });
    return { dir: () => dir };
}

describe("service-chain on the local stacks (k8s-local → swarm-local → chain-local)", () => {
    let k8s: StackPlan;
    let swarm: StackPlan;
    let chain: StackPlan;
    const chainWith = async (overrides: Record<string, unknown>) =>
        (await planStacks(["chain-local"], { previous: [k8s, swarm], overrides: { "chain-local": overrides } }))[0];
    before(async () => {
        [k8s, swarm, chain] = await planStacks(["k8s-local", "swarm-local", "chain-local"]);
    });

    it("reads both stacks through StackReferences named by k8sStack and swarmStack", () => {
        const refs = chain.resources
            .filter((r) => r.type === "pulumi:pulumi:StackReference")
            .map((r) => r.name)
            .sort();
        assert.deepStrictEqual(refs, ["organization/hybrid-vnf/k8s-local", "organization/hybrid-vnf/swarm-local"]);
    });

    it("SERVERS is the k8s stack's Apache IPs with the backend port", () => {
        const { apacheInfo } = k8s.outputs as any;
        const env = lbService(chain).taskSpec.containerSpec.env;
        assert.strictEqual(env.SERVERS, apacheInfo.ips.map((ip: string) => `${ip}:80`).join(","));
        assert.deepStrictEqual(chain.outputs.backends, ["10.100.102.10:80", "10.100.102.11:80"]);
    });

    it("ROUTES carries the k8s stack's Apache network via the router's Apache interface", () => {
        const env = envOf(routerContainer(chain));
        assert.strictEqual(env.ROUTES, `${(k8s.outputs as any).apacheInfo.network} dev eth1`);
        assert.strictEqual(env.INTERFACES, "eth0,eth1");
        assert.deepStrictEqual(chain.outputs.routes, ["10.100.102.0/24 dev eth1"]);
    });

    it("exports the contract: loadBalancerUrl on the manager and the swarm stack's lbPort", () => {
        assert.deepStrictEqual(Object.keys(chain.outputs).sort(), ["backends", "loadBalancerUrl", "routes"]);
        assert.strictEqual(
            chain.outputs.loadBalancerUrl,
            `http://${(swarm.outputs as any).managerIp}:${(swarm.outputs as any).lbPort}`,
        );
        assert.strictEqual(lbService(chain).endpointSpec.ports[0].publishedPort, (swarm.outputs as any).lbPort);
    });

    it("builds the Kubernetes provider from the kubeconfig output, kept secret", () => {
        const provider = one(chain, "pulumi:providers:kubernetes");
        assert.strictEqual(provider.inputs.kubeconfig, SECRET);
        assert.strictEqual(revealedInputs(chain, provider).kubeconfig, reveal(k8s).outputs.kubeconfig);
    });

    it("builds the Docker provider from dockerHost; a unix:// host needs no key", () => {
        const provider = real(chain, "pulumi:providers:docker");
        assert.strictEqual(provider.host, "unix:///var/run/docker.sock");
        assert.deepStrictEqual(JSON.parse(provider.sshOpts), []);
    });

    it("puts the router and LB under their components, the LB after the router", () => {
        const router = one(chain, "hybrid-vnf:index:QuaggaRouter");
        const lb = one(chain, "hybrid-vnf:index:NginxLoadBalancer");
        for (const t of ["kubernetes:core/v1:Namespace", "kubernetes:apps/v1:Deployment"])
            assert.strictEqual(one(chain, t).parent, router.urn, t);
        assert.strictEqual(one(chain, "docker:index/service:Service").parent, lb.urn);
    });

    it("chain-local (the lab) runs the router least-privileged and the LB host-published", () => {
        const sc = routerContainer(chain).securityContext;
        assert.strictEqual(sc.privileged, false);
        assert.strictEqual(sc.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(sc.capabilities.drop, ["ALL"]);
        assert.deepStrictEqual(
            sc.capabilities.add,
            ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"],
            "exactly these three, nothing else",
        );
        const s = lbService(chain);
        assert.strictEqual(s.endpointSpec.ports[0].publishMode, "host");
        assert.strictEqual(s.updateConfig.order, "stop-first", "host mode: the old task holds the port");
    });

    it("leastPrivilege false runs the router privileged", async () => {
        const privileged = await chainWith({ "hybrid-vnf:leastPrivilege": false });
        assert.deepStrictEqual(routerContainer(privileged).securityContext, { privileged: true });
    });

    it("the lab can take complete workload specs from the plan (image, env, security, ports)", () => {
        const c = routerContainer(chain);
        assert.strictEqual(c.image, "hybrid-vnf/router:0.1.0");
        assert.ok(c.securityContext && c.ports.length === 2 && c.env.length === 2);
        const s = lbService(chain);
        assert.strictEqual(s.taskSpec.containerSpec.image, "hybrid-vnf/nginx-lb:0.1.0");
        assert.deepStrictEqual(Object.keys(s.taskSpec.containerSpec.env).sort(), ["LISTEN_PORT", "SERVERS"]);
        assert.deepStrictEqual(s.endpointSpec.ports[0], {
            name: "http",
            protocol: "tcp",
            targetPort: 80,
            publishedPort: 8080,
            publishMode: "host",
        });
    });

    it("changed Apache IPs change only SERVERS: the next `up` rolls the service start-first, not a replace", async () => {
        const ingress = { "hybrid-vnf:lbPublishMode": "ingress" };
        const [k8sBefore, swarmBefore, before] = await planStacks(["k8s-local", "swarm-local", "chain-local"], {
            overrides: { "chain-local": ingress },
        });
        const [, , after] = await planStacks(["k8s-local", "swarm-local", "chain-local"], {
            overrides: {
                "k8s-local": { "hybrid-vnf:apacheIps": ["10.100.102.20", "10.100.102.21", "10.100.102.22"] },
                "chain-local": ingress,
            },
        });
        assert.ok(k8sBefore && swarmBefore);
        const a = lbService(before);
        const b = lbService(after);
        assert.strictEqual(a.taskSpec.containerSpec.env.SERVERS, "10.100.102.10:80,10.100.102.11:80");
        assert.strictEqual(b.taskSpec.containerSpec.env.SERVERS, "10.100.102.20:80,10.100.102.21:80,10.100.102.22:80");
        // Same service (name), only the task spec's env differs: a Swarm service update, which
        // Swarm applies task by task with the update config below.
        assert.deepStrictEqual(diffPaths(a, b), [".taskSpec.containerSpec.env.SERVERS"]);
        assert.strictEqual(a.name, b.name);
        assert.deepStrictEqual(
            {
                order: b.updateConfig.order,
                parallelism: b.updateConfig.parallelism,
                failureAction: b.updateConfig.failureAction,
            },
            { order: "start-first", parallelism: 1, failureAction: "rollback" },
        );
        assert.deepStrictEqual(after.outputs.backends, ["10.100.102.20:80", "10.100.102.21:80", "10.100.102.22:80"]);
        // The router is untouched: its routes depend on the Apache network only.
        assert.deepStrictEqual(
            diffPaths(real(before, "kubernetes:apps/v1:Deployment"), real(after, "kubernetes:apps/v1:Deployment")),
            [],
        );
    });

    it("a default route via a next hop on the cluster network is accepted (0.0.0.0/0 holds every next hop)", async () => {
        const plan = await chainWith({ "hybrid-vnf:routes": ["0.0.0.0/0 10.100.101.1", "10.200.0.0/16 10.100.102.1"] });
        assert.strictEqual(
            envOf(routerContainer(plan)).ROUTES,
            "10.100.102.0/24 dev eth1,0.0.0.0/0 10.100.101.1,10.200.0.0/16 10.100.102.1",
        );
        assert.deepStrictEqual(plan.outputs.routes, [
            "10.100.102.0/24 dev eth1",
            "0.0.0.0/0 10.100.101.1",
            "10.200.0.0/16 10.100.102.1",
        ]);
    });

    it("extra routes follow the default one; backendPort reaches SERVERS", async () => {
        const plan = await chainWith({
            "hybrid-vnf:routes": ["192.0.2.0/24 10.100.101.1", "198.51.100.0/24 dev eth0"],
            "hybrid-vnf:backendPort": 8080,
        });
        assert.strictEqual(
            envOf(routerContainer(plan)).ROUTES,
            "10.100.102.0/24 dev eth1,192.0.2.0/24 10.100.101.1,198.51.100.0/24 dev eth0",
        );
        assert.strictEqual(lbService(plan).taskSpec.containerSpec.env.SERVERS, "10.100.102.10:8080,10.100.102.11:8080");
    });

    describe("bad input fails the plan, naming the key and the value", () => {
        const cases: [string, Record<string, unknown>, RegExp][] = [
            [
                "a route with a bad prefix length",
                { "hybrid-vnf:routes": ["10.0.0.0/33 dev eth1"] },
                /hybrid-vnf:routes: "10\.0\.0\.0\/33 dev eth1" prefix length 33 is out of range/,
            ],
            [
                "a route with a bad next hop",
                { "hybrid-vnf:routes": ["10.7.0.0/16 10.0.0.256"] },
                /hybrid-vnf:routes: "10\.7\.0\.0\/16 10\.0\.0\.256" next hop/,
            ],
            [
                "a route that is not CIDR NEXTHOP / CIDR dev IFACE",
                { "hybrid-vnf:routes": ["10.7.0.0/16 via 10.0.0.1"] },
                /hybrid-vnf:routes: "10\.7\.0\.0\/16 via 10\.0\.0\.1" expected/,
            ],
            [
                "a route whose dev is not in routerInterfaces",
                { "hybrid-vnf:routes": ["10.7.0.0/16 dev eth9"] },
                /^stack chain-local: hybrid-vnf:routes: "10\.7\.0\.0\/16 dev eth9" names interface eth9, which is not one of the router's interfaces \(hybrid-vnf:routerInterfaces: eth0, eth1\)$/,
            ],
            [
                "a route whose next hop is inside its own destination",
                { "hybrid-vnf:routes": ["10.100.101.0/25 10.100.101.1"] },
                /^stack chain-local: hybrid-vnf:routes: "10\.100\.101\.0\/25 10\.100\.101\.1" has its next hop 10\.100\.101\.1 inside its own destination 10\.100\.101\.0\/25; the router could only reach it through this route$/,
            ],
            // Only known once the k8s stack's networks are: checked inside an Output, still a clean config error.
            [
                "a route whose next hop is on none of the router's networks",
                { "hybrid-vnf:routes": ["192.0.2.0/24 10.100.100.1"] },
                /^stack chain-local: hybrid-vnf:routes: "192\.0\.2\.0\/24 10\.100\.100\.1" has next hop 10\.100\.100\.1, which is on none of the router's networks \(clusterNetwork\.cidr 10\.100\.101\.0\/24, apacheInfo\.network 10\.100\.102\.0\/24 of stack organization\/hybrid-vnf\/k8s-local\)$/,
            ],
            [
                "a route with a next hop in canonical form only",
                { "hybrid-vnf:routes": ["192.0.2.0/24 10.100.101.01"] },
                /^stack chain-local: hybrid-vnf:routes: "192\.0\.2\.0\/24 10\.100\.101\.01" next hop "10\.100\.101\.01" is not a valid IPv4 address \(four decimal octets 0-255, no leading zeros\)$/,
            ],
            [
                "two routes for one prefix",
                { "hybrid-vnf:routes": ["10.7.0.0/16 dev eth0", "10.7.0.0/16 10.100.101.1"] },
                /hybrid-vnf:routes: "10\.7\.0\.0\/16 10\.100\.101\.1" duplicate route/,
            ],
            [
                "a route repeating the default route to the Apache network",
                { "hybrid-vnf:routes": ["10.100.102.0/24 10.100.101.1"] },
                /^stack chain-local: hybrid-vnf:routes: "10\.100\.102\.0\/24 10\.100\.101\.1" repeats the default route to apacheInfo\.network 10\.100\.102\.0\/24 of stack organization\/hybrid-vnf\/k8s-local/,
            ],
            [
                "two routes in one entry",
                { "hybrid-vnf:routes": ["10.7.0.0/16 dev eth0,10.8.0.0/16 dev eth0"] },
                /hybrid-vnf:routes: "10\.7\.0\.0\/16 dev eth0,10\.8\.0\.0\/16 dev eth0" must be one route per entry/,
            ],
            [
                "routerApacheInterface not in routerInterfaces",
                { "hybrid-vnf:routerApacheInterface": "eth2" },
                /hybrid-vnf:routerApacheInterface: "eth2" is not one of hybrid-vnf:routerInterfaces \(eth0, eth1\)/,
            ],
            [
                "a duplicate router interface",
                { "hybrid-vnf:routerInterfaces": ["eth0", "eth1", "eth0"] },
                /hybrid-vnf:routerInterfaces: "eth0" duplicate interface/,
            ],
            [
                "a bad router interface name",
                { "hybrid-vnf:routerInterfaces": ["eth0", "eth1", "a very long interface"] },
                /hybrid-vnf:routerInterfaces: "a very long interface"/,
            ],
            [
                "the router image on latest",
                { "hybrid-vnf:routerImage": "hybrid-vnf/router:latest" },
                /hybrid-vnf:routerImage: "hybrid-vnf\/router:latest" is not pinned/,
            ],
            ["an untagged LB image", { "hybrid-vnf:lbImage": "nginx" }, /hybrid-vnf:lbImage: "nginx" is not pinned/],
            [
                "a backend port out of range",
                { "hybrid-vnf:backendPort": 70000 },
                /hybrid-vnf:backendPort: 70000 is out of range/,
            ],
            [
                "an unknown publish mode",
                { "hybrid-vnf:lbPublishMode": "mesh" },
                /hybrid-vnf:lbPublishMode: "mesh" is not one of: ingress, host/,
            ],
            ["too many LB replicas", { "hybrid-vnf:lbReplicas": 50 }, /hybrid-vnf:lbReplicas: 50 is out of range/],
        ];
        for (const [what, overrides, message] of cases) {
            it(what, async () => {
                await assert.rejects(chainWith(overrides), (e: Error) => {
                    assert.match(e.message, /^stack chain-local: /);
                    assert.match(e.message, message);
                    return true;
                });
            });
        }
    });
});

describe("service-chain on the dev stacks (k8s-dev → swarm-dev → chain-dev)", () => {
    privateSshDir();
    let k8s: StackPlan;
    let swarm: StackPlan;
    let chain: StackPlan;
    before(async () => {
        [k8s, swarm, chain] = await planStacks(["k8s-dev", "swarm-dev", "chain-dev"]);
    });

    it("SERVERS equals the k8s-dev Apache IPs with port 80", () => {
        const { apacheInfo } = k8s.outputs as any;
        assert.ok(apacheInfo.ips.length >= 1);
        assert.strictEqual(
            lbService(chain).taskSpec.containerSpec.env.SERVERS,
            apacheInfo.ips.map((ip: string) => `${ip}:80`).join(","),
        );
        assert.deepStrictEqual(
            chain.outputs.backends,
            apacheInfo.ips.map((ip: string) => `${ip}:80`),
        );
    });

    it("ROUTES carries the k8s-dev Apache network; the router runs privileged by default", () => {
        const { apacheInfo } = k8s.outputs as any;
        const c = routerContainer(chain);
        assert.strictEqual(envOf(c).ROUTES, `${apacheInfo.network} dev eth1`);
        assert.deepStrictEqual(chain.outputs.routes, [`${apacheInfo.network} dev eth1`]);
        assert.deepStrictEqual(c.securityContext, { privileged: true });
    });

    it("with leastPrivilege the router has only capabilities, ALL dropped", async () => {
        const [lp] = await planStacks(["chain-dev"], {
            previous: [k8s, swarm],
            overrides: { "chain-dev": { "hybrid-vnf:leastPrivilege": true } },
        });
        const sc = routerContainer(lp).securityContext;
        assert.strictEqual(sc.privileged, false);
        assert.deepStrictEqual(sc.capabilities.drop, ["ALL"]);
        assert.deepStrictEqual(sc.capabilities.add, ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"]);
        assert.strictEqual(sc.allowPrivilegeEscalation, false);
    });

    it("the LB publishes swarm-dev's lbPort in ingress mode with 2 replicas and a start-first roll", () => {
        const s = lbService(chain);
        assert.strictEqual(s.endpointSpec.ports[0].publishedPort, (swarm.outputs as any).lbPort);
        assert.strictEqual(s.endpointSpec.ports[0].publishMode, "ingress");
        assert.deepStrictEqual(s.mode, { replicated: { replicas: 2 } });
        assert.strictEqual(s.updateConfig.order, "start-first");
    });

    it("the Docker provider reaches ssh://dockerHost with the secret key from a 0600 file, the key itself nowhere in the plan", () => {
        const provider = real(chain, "pulumi:providers:docker");
        assert.strictEqual(provider.host, (swarm.outputs as any).dockerHost);
        assert.match(provider.host, /^ssh:\/\//);
        const opts: string[] = JSON.parse(provider.sshOpts);
        const keyFile = opts[opts.indexOf("-i") + 1];
        assert.ok(
            opts.includes("-i") && keyFile.startsWith(process.env[SSH_KEY_DIR_ENV]!),
            `key file ${keyFile} in the configured directory`,
        );
        assert.ok(opts.includes("StrictHostKeyChecking=accept-new") && opts.includes("BatchMode=yes"));
        assert.strictEqual(fs.statSync(keyFile).mode & 0o777, 0o600);
        assert.strictEqual(fs.statSync(path.dirname(keyFile)).mode & 0o777, 0o700);
        assert.strictEqual(fs.readFileSync(keyFile, "utf8"), SECRET_PLACEHOLDERS.sshPrivateKey);
        // The key's base64 body: a line of the PEM block that only the key itself contains.
        const keyBody = SECRET_PLACEHOLDERS.sshPrivateKey.split("\n")[1];
        assert.ok(keyBody.length > 40, "the placeholder key has a body line to look for");
        assert.ok(!JSON.stringify(chain).includes(keyBody), "the private key is nowhere in the plan");
        const providerInputs = JSON.stringify(revealedInputs(chain, one(chain, "pulumi:providers:docker")));
        assert.ok(!providerInputs.includes(keyBody), "the private key is in none of the provider's inputs");
    });

    it("loadBalancerUrl is the swarm manager's public address (from dockerHost) and lbPort", () => {
        const { dockerHost, lbPort } = swarm.outputs as any;
        assert.strictEqual(chain.outputs.loadBalancerUrl, `http://${/@([^:/]+)/.exec(dockerHost)![1]}:${lbPort}`);
    });

    it("without routerVtyPassword (the stack files): no vty Secret, no vty Service, no VTY_PASSWORD", () => {
        for (const t of ["kubernetes:core/v1:Secret", "kubernetes:core/v1:Service"])
            assert.ok(!chain.resources.some((r) => r.type === t), t);
        assert.ok(!routerContainer(chain).env.some((e: any) => e.name === "VTY_PASSWORD"));
    });

    describe("with routerVtyPassword (pulumi config set --secret hybrid-vnf:routerVtyPassword)", () => {
        const password = "Chain-t3st-vty!pw";
        let vty: StackPlan;
        before(async () => {
            [vty] = await planStacks(["chain-dev"], {
                previous: [k8s, swarm],
                overrides: { "chain-dev": { "hybrid-vnf:routerVtyPassword": password } },
            });
        });

        it("a Secret in the router namespace holds it, shown only as [secret] in the plan", () => {
            const router = one(vty, "hybrid-vnf:index:QuaggaRouter");
            const secret = one(vty, "kubernetes:core/v1:Secret");
            assert.strictEqual(secret.parent, router.urn);
            assert.strictEqual((secret.inputs as any).metadata.namespace, "vnf-router");
            assert.strictEqual((secret.inputs as any).stringData, SECRET);
            assert.deepStrictEqual(revealedInputs(vty, secret).stringData, { password });
        });

        it("the router gets VTY_PASSWORD from that Secret; the password appears in no plain input or output", () => {
            const env = routerContainer(vty).env.find((e: any) => e.name === "VTY_PASSWORD");
            assert.deepStrictEqual(env, {
                name: "VTY_PASSWORD",
                valueFrom: { secretKeyRef: { name: "router-vty", key: "password" } },
            });
            // Everything the plan shows (inputs with secrets as [secret], outputs) is free of it.
            assert.ok(!JSON.stringify(vty).includes(password), "the printable plan holds the password");
        });

        it("a ClusterIP Service exposes the vty ports of the router pod", () => {
            const svc = real(vty, "kubernetes:core/v1:Service");
            assert.strictEqual(svc.spec.type, "ClusterIP");
            assert.deepStrictEqual(
                svc.spec.ports.map((p: any) => p.port),
                [2601, 2616],
            );
            assert.deepStrictEqual(
                svc.spec.selector,
                real(vty, "kubernetes:apps/v1:Deployment").spec.selector.matchLabels,
            );
            assert.strictEqual(
                one(vty, "kubernetes:core/v1:Service").parent,
                one(vty, "hybrid-vnf:index:QuaggaRouter").urn,
            );
        });

        it("a password FRR would refuse fails the plan, naming the key but not the value", async () => {
            await assert.rejects(
                planStacks(["chain-dev"], {
                    previous: [k8s, swarm],
                    overrides: { "chain-dev": { "hybrid-vnf:routerVtyPassword": "-hunter2-vty" } },
                }),
                (e: Error) => {
                    // Checked when the config is read: the key, no value, no serialization noise.
                    assert.strictEqual(
                        e.message,
                        'stack chain-dev: hybrid-vnf:routerVtyPassword: "[secret]" the password must start with a letter or digit (FRR refuses others)',
                    );
                    assert.doesNotMatch(JSON.stringify(e) + String(e.stack), /hunter2/);
                    return true;
                },
            );
        });
    });

    it("a malformed sshPrivateKey fails, naming the key but not its value", async () => {
        await assert.rejects(
            planStacks(["chain-dev"], {
                previous: [k8s, swarm],
                overrides: { "chain-dev": { "hybrid-vnf:sshPrivateKey": "hunter2-not-a-key" } },
            }),
            (e: Error) => {
                assert.match(e.message, /hybrid-vnf:sshPrivateKey: "\[secret\]" is not a private key/);
                assert.doesNotMatch(e.message, /hunter2/);
                return true;
            },
        );
    });

    it("an undeclared key (a typo of lbReplicas) fails naming it and the key it resembles", async () => {
        await assert.rejects(
            planStacks(["chain-dev"], {
                previous: [k8s, swarm],
                overrides: { "chain-dev": { "hybrid-vnf:lbReplica": "3" } },
            }),
            /hybrid-vnf:lbReplica: "3" is not a key of this project.*did you mean hybrid-vnf:lbReplicas\?/,
        );
    });
});

describe("service-chain helpers", () => {
    const ssh = privateSshDir();
    it("routerRoutes: the Apache route first, then the extra routes (typed, not re-parsed)", () => {
        const cfg = {
            routerApacheInterface: "eth1",
            extraRoutes: [{ prefix: "192.0.2.0/24", via: { kind: "nexthop", address: "10.0.0.1" } } as Route],
        };
        assert.deepStrictEqual(
            routerRoutes(cfg, { stack: "o/p/k", cluster: "10.0.0.0/24", apache: "10.100.102.0/24" }),
            [
                { prefix: "10.100.102.0/24", via: { kind: "dev", iface: "eth1" } },
                { prefix: "192.0.2.0/24", via: { kind: "nexthop", address: "10.0.0.1" } },
            ],
        );
    });

    it("loadBalancerHost: the host of ssh://user@host[:port], else the manager IP", () => {
        assert.strictEqual(loadBalancerHost("ssh://debian@203.0.113.10", "10.0.0.2"), "203.0.113.10");
        assert.strictEqual(loadBalancerHost("ssh://203.0.113.11:2222", "10.0.0.2"), "203.0.113.11");
        assert.strictEqual(loadBalancerHost("unix:///var/run/docker.sock", "10.0.0.2"), "10.0.0.2");
    });

    it("writeSshKeyFile: idempotent, 0600, refuses a directory others can read", () => {
        const dir = path.join(ssh.dir(), "helper");
        const key = SECRET_PLACEHOLDERS.sshPrivateKey.trim();
        const f1 = writeSshKeyFile(key, dir);
        const f2 = writeSshKeyFile(key + "\n", dir);
        assert.strictEqual(f1, f2, "same key, same path: no provider diff run to run");
        assert.strictEqual(fs.readFileSync(f1, "utf8"), key + "\n");
        assert.strictEqual(fs.statSync(f1).mode & 0o777, 0o600);
        const open = path.join(ssh.dir(), "open");
        fs.mkdirSync(open, { mode: 0o755 });
        fs.chmodSync(open, 0o755);
        assert.throws(() => writeSshKeyFile(key, open), /is not a directory of this user with mode 0700/);
        assert.throws(
            () => writeSshKeyFile("ssh-ed25519 AAAA public", dir),
            /hybrid-vnf:sshPrivateKey: "\[secret\]" is a public key; give the private key file/,
        );
        assert.deepStrictEqual(dockerSshOpts().slice(0, 2), ["-o", "StrictHostKeyChecking=accept-new"]);
    });
});

describe("service-chain with routing bgp (the k8s stack's routing and bgpPassword outputs)", () => {
    privateSshDir();
    const password = "Chain-bgp-md5-pw";
    let k8s: StackPlan;
    let chain: StackPlan;
    let chainNoPassword: StackPlan;
    before(async () => {
        const bgp = { "hybrid-vnf:routing": "bgp", "hybrid-vnf:bfdIntervalMs": 100, "hybrid-vnf:bfdMultiplier": 4 };
        let swarm: StackPlan;
        [k8s, swarm, chain] = await planStacks(["k8s-local", "swarm-local", "chain-local"], {
            overrides: { "k8s-local": { ...bgp, "hybrid-vnf:bgpPassword": password } },
        });
        void swarm;
        const [k8s2, swarm2] = await planStacks(["k8s-local", "swarm-local"], { overrides: { "k8s-local": bgp } });
        [chainNoPassword] = await planStacks(["chain-local"], { previous: [k8s2, swarm2] });
    });

    it("runs the router as a DaemonSet on role=router with the bgp env from the k8s stack's networks and timers", () => {
        assert.ok(
            !chain.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"),
            "no Deployment in bgp mode",
        );
        const ds = real(chain, "kubernetes:apps/v1:DaemonSet");
        assert.deepStrictEqual(ds.spec.template.spec.nodeSelector, ROUTER_NODE_SELECTOR);
        const c = ds.spec.template.spec.containers[0];
        const outputs = k8s.outputs as Record<string, any>; // plain ones: routing, clusterNetwork, apacheInfo
        const [cluster, apache] = [outputs.clusterNetwork.cidr, outputs.apacheInfo.network];
        assert.deepStrictEqual(
            { ...envOf(c), BGP_PASSWORD: undefined },
            {
                INTERFACES: "eth0,eth1",
                ROUTES: `${apache} dev eth1`,
                ROUTING: "bgp",
                BGP_ASN: String(outputs.routing.routerAsn),
                BGP_PEER_ASN: String(outputs.routing.hostAsn),
                BGP_LISTEN_RANGES: `SWARM=${cluster},APACHE=${apache}`,
                BGP_ANNOUNCE: `SWARM=${apache},APACHE=${cluster}`,
                BFD_INTERVAL_MS: "100",
                BFD_MULTIPLIER: "4",
                BGP_PASSWORD: undefined,
            },
        );
        assert.deepStrictEqual(c.readinessProbe.exec.command, ["/usr/local/bin/start.sh", "--ready"]);
    });

    it("keeps the k8s stack's bgpPassword in a Secret (secret in state), never in the DaemonSet", () => {
        const secret = one(chain, "kubernetes:core/v1:Secret");
        assert.strictEqual(
            JSON.stringify(secret.inputs).includes(password),
            false,
            "the Secret's inputs are stored encrypted (secret)",
        );
        assert.deepStrictEqual(real(chain, "kubernetes:core/v1:Secret").stringData, { password });
        const env = real(chain, "kubernetes:apps/v1:DaemonSet").spec.template.spec.containers[0].env;
        assert.deepStrictEqual(env.find((e: any) => e.name === "BGP_PASSWORD").valueFrom.secretKeyRef.key, "password");
        assert.ok(!JSON.stringify(real(chain, "kubernetes:apps/v1:DaemonSet")).includes(password));
    });

    it('without a bgpPassword (the output is "") there is no Secret and no BGP_PASSWORD', () => {
        assert.ok(!chainNoPassword.resources.some((r) => r.type === "kubernetes:core/v1:Secret"));
        const env = real(chainNoPassword, "kubernetes:apps/v1:DaemonSet").spec.template.spec.containers[0].env;
        assert.ok(!env.some((e: any) => e.name === "BGP_PASSWORD"));
    });
});
