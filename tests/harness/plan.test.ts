// The mock-runtime plan: real index.ts, recorded resources, chained stacks, redacted secrets.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { planStacks, reveal, StackPlan } from "../../harness/plan";
import { PlanMocks, mockId } from "../../harness/mocks";
import { renderPlan } from "../../harness/render";
import { PROJECT_DIR } from "../../harness/stack-files";

const CLI = ["-r", "ts-node/register/transpile-only", path.join(PROJECT_DIR, "harness", "cli.ts")];
const runCli = (...args: string[]) =>
    spawnSync(process.execPath, [...CLI, ...args], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 60_000 });

describe("plan harness", () => {
    let local: StackPlan[];
    before(async () => {
        local = await planStacks(["k8s-local", "swarm-local"]);
    });

    it("records the stack, role, resources with parents, and outputs", () => {
        const [k8s, swarm] = local;
        assert.deepStrictEqual([k8s.stack, k8s.role, swarm.role], ["k8s-local", "k8s-cluster", "swarm-cluster"]);
        const root = swarm.resources.find((r) => r.type === "pulumi:pulumi:Stack")!;
        assert.strictEqual(root.parent, null);
        const ref = swarm.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
        assert.strictEqual(ref.name, "organization/hybrid-vnf/k8s-local");
        assert.strictEqual(ref.parent, root.urn);
        assert.deepStrictEqual(ref.inputs, { name: "organization/hybrid-vnf/k8s-local" });
    });

    it("shows secrets as [secret] and keeps the real value for the next stack", () => {
        const [k8s] = local;
        assert.strictEqual(k8s.outputs.kubeconfig, "[secret]");
        assert.deepStrictEqual(reveal(k8s).secretOutputNames, ["kubeconfig", "bgpPassword"]);
        assert.match(String(reveal(k8s).outputs.kubeconfig), /kind: Config/);
        assert.doesNotMatch(JSON.stringify(local), /PLACEHOLDER-NOT-A-TOKEN/);
        assert.doesNotMatch(renderPlan(k8s), /PLACEHOLDER-NOT-A-TOKEN/);
    });

    it("chains: a StackReference sees the earlier stack's outputs, secrets still secret", async () => {
        const [k8s] = local;
        const { ContractReference, k8sClusterContract } = await import("../../lib/contract");
        const mocks = new PlanMocks({
            stackOutputs: () => ({ outputs: reveal(k8s).outputs, secretOutputNames: reveal(k8s).secretOutputNames }),
        });
        await pulumi.runtime.setMocks(mocks, "hybrid-vnf", "probe");
        const ref = new ContractReference("organization/hybrid-vnf/k8s-local", k8sClusterContract);
        const kubeconfig = ref.require("kubeconfig");
        assert.strictEqual(await pulumi.isSecret(kubeconfig), true);
        assert.strictEqual(await pulumi.isSecret(ref.require("routerHost")), false);
        assert.strictEqual(await (ref.require("routerHost") as any).promise(), "10.100.101.2");
    });

    it("a missing output is an error that names the stack and the output", async () => {
        const { ContractReference, k8sClusterContract } = await import("../../lib/contract");
        const mocks = new PlanMocks({
            stackOutputs: () => ({ outputs: { routerHost: "10.1.1.1" }, secretOutputNames: [] }),
        });
        await pulumi.runtime.setMocks(mocks, "hybrid-vnf", "probe");
        const ref = new ContractReference("org/hybrid-vnf/k8s-old", k8sClusterContract);
        await assert.rejects((ref.require("apacheInfo") as any).promise(), /apacheInfo.*org\/hybrid-vnf\/k8s-old/);
    });

    it("a malformed output is an error that names the stack, the output and the problem", async () => {
        const { ContractReference, k8sClusterContract } = await import("../../lib/contract");
        const mocks = new PlanMocks({
            stackOutputs: () => ({ outputs: { routerHost: "router.example" }, secretOutputNames: [] }),
        });
        await pulumi.runtime.setMocks(mocks, "hybrid-vnf", "probe");
        const ref = new ContractReference("org/hybrid-vnf/k8s-x", k8sClusterContract);
        await assert.rejects(
            (ref.require("routerHost") as any).promise(),
            /stack org\/hybrid-vnf\/k8s-x \(k8s-cluster\): output routerHost is not an IPv4 address/,
        );
    });

    it("a reference to a stack not planned yet says which to plan first", async () => {
        await assert.rejects(planStacks(["swarm-local"]), /stack swarm-local: .*k8s-local.*not been planned yet/);
    });

    it("overrides change one stack's config and flow to the next", async () => {
        const plans = await planStacks(["k8s-local", "swarm-local"], {
            overrides: { "k8s-local": { "hybrid-vnf:apacheIps": ["10.100.102.20"] } },
        });
        assert.deepStrictEqual((plans[0].outputs.apacheInfo as any).ips, ["10.100.102.20"]);
    });

    it("a cross-stack check fails once the reference resolves (swarmCidr inside the k8s apache network)", async () => {
        await assert.rejects(
            planStacks(["k8s-local", "swarm-local"], {
                overrides: {
                    "swarm-local": {
                        "hybrid-vnf:swarmCidr": "10.100.102.0/25",
                        "hybrid-vnf:managerIp": "10.100.102.2",
                        "hybrid-vnf:nodeIps": ["10.100.102.2"],
                    },
                },
            }),
            /hybrid-vnf:swarmCidr: "10.100.102.0\/25" overlaps apacheInfo.network 10.100.102.0\/24 of stack organization\/hybrid-vnf\/k8s-local/,
        );
    });
});

describe("mock provider outputs are computed, not echoed", () => {
    const mocks = new PlanMocks({ stackOutputs: () => ({ outputs: {}, secretOutputNames: [] }) });
    const subnet = mocks.newResource({
        type: "openstack:networking/subnet:Subnet",
        name: "s",
        inputs: { cidr: "172.20.2.0/24", networkId: "n1" },
    });

    it("subnets get a gateway, ports get the next free fixed IP from their subnet", () => {
        assert.strictEqual(subnet.state.gatewayIp, "172.20.2.1");
        const a = mocks.newResource({
            type: "openstack:networking/port:Port",
            name: "a",
            inputs: { fixedIps: [{ subnetId: subnet.id }] },
        });
        const b = mocks.newResource({
            type: "openstack:networking/port:Port",
            name: "b",
            inputs: { fixedIps: [{ subnetId: subnet.id }] },
        });
        const fixed = mocks.newResource({
            type: "openstack:networking/port:Port",
            name: "c",
            inputs: { fixedIps: [{ subnetId: subnet.id, ipAddress: "172.20.2.4" }] },
        });
        assert.deepStrictEqual(
            [a.state.allFixedIps, b.state.allFixedIps, fixed.state.allFixedIps],
            [["172.20.2.10"], ["172.20.2.11"], ["172.20.2.4"]],
        );
        const vm = mocks.newResource({
            type: "openstack:compute/instance:Instance",
            name: "vm",
            inputs: { networks: [{ port: a.id }] },
        });
        assert.strictEqual(vm.state.accessIpV4, "172.20.2.10");
    });

    it("refuses a fixed IP outside the subnet or already taken, as Neutron would", () => {
        assert.throws(
            () =>
                mocks.newResource({
                    type: "openstack:networking/port:Port",
                    name: "x",
                    inputs: { fixedIps: [{ subnetId: subnet.id, ipAddress: "10.0.0.4" }] },
                }),
            /outside/,
        );
        assert.throws(
            () =>
                mocks.newResource({
                    type: "openstack:networking/port:Port",
                    name: "y",
                    inputs: { fixedIps: [{ subnetId: subnet.id, ipAddress: "172.20.2.4" }] },
                }),
            /in use/,
        );
    });

    it("instances on a network get an address from its subnet; floating IPs come from a documentation range", () => {
        const vm = mocks.newResource({
            type: "openstack:compute/instance:Instance",
            name: "vm2",
            inputs: { networks: [{ uuid: "n1" }] },
        });
        assert.match(vm.state.accessIpV4, /^172\.20\.2\.\d+$/);
        const fip = mocks.newResource({
            type: "openstack:networking/floatingIp:FloatingIp",
            name: "f",
            inputs: { pool: "public" },
        });
        assert.match(fip.state.address, /^203\.0\.113\.\d+$/);
    });

    it("outputs named in additionalSecretOutputs come back secret, as the engine makes them", async () => {
        mocks.secretOutputs = ["stdout"];
        const cmd = mocks.newResource({
            type: "command:remote:Command",
            name: "token",
            inputs: { create: "docker swarm join-token -q worker" },
        });
        assert.strictEqual(await pulumi.isSecret(cmd.state.stdout), true);
        const plain = mocks.newResource({
            type: "command:remote:Command",
            name: "plain",
            inputs: { create: "docker swarm join-token -q worker" },
        });
        assert.match(plain.state.stdout, /^SWMTKN-1-/);
    });

    it("ids are stable and uuid-shaped", () => {
        assert.strictEqual(mockId("t", "n"), mockId("t", "n"));
        assert.match(mockId("t", "n"), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });
});

describe("npm run plan (the CLI)", () => {
    it("--json prints one JSON array and nothing else on stdout", () => {
        const r = runCli("k8s-local", "swarm-local", "--json");
        assert.strictEqual(r.status, 0, r.stderr);
        const plans = JSON.parse(r.stdout);
        assert.deepStrictEqual(
            plans.map((p: any) => p.stack),
            ["k8s-local", "swarm-local"],
        );
        for (const p of plans) {
            assert.deepStrictEqual(Object.keys(p).sort(), ["outputs", "resources", "role", "stack"]);
            for (const res of p.resources)
                for (const k of ["type", "name", "parent", "inputs"]) assert.ok(k in res, `${k} in resource`);
        }
        assert.strictEqual(plans[0].outputs.kubeconfig, "[secret]");
    });

    it("prints a resource tree and outputs for people", () => {
        const r = runCli("k8s-local", "swarm-local");
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /Stack swarm-local \(role swarm-cluster\)/);
        assert.match(r.stdout, /pulumi:pulumi:StackReference {2}organization\/hybrid-vnf\/k8s-local/);
        assert.match(r.stdout, /kubeconfig: "\[secret\]"/);
    });

    it("a bad config exits non-zero with the error and prints no partial plan", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-plan-"));
        try {
            fs.copyFileSync(
                path.join(PROJECT_DIR, "stacks", "Pulumi.k8s-local.yaml"),
                path.join(dir, "Pulumi.k8s-local.yaml"),
            );
            fs.writeFileSync(
                path.join(dir, "Pulumi.bad.yaml"),
                "config:\n  hybrid-vnf:role: k8s-cluster\n  hybrid-vnf:externalNetwork: public\n  hybrid-vnf:adminCidr: 0.0.0.0/0\n",
            );
            const r = runCli("k8s-local", "bad", "--config-dir", dir, "--json");
            assert.notStrictEqual(r.status, 0);
            assert.strictEqual(r.stdout, "");
            assert.match(r.stderr, /stack bad: hybrid-vnf:adminCidr: "0.0.0.0\/0"/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a stack file without a key the engine requires fails as pulumi preview does, before the program runs", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-req-"));
        try {
            // k8s-local without its role: the CLI stops with "validating stack config: ...".
            const local = fs.readFileSync(path.join(PROJECT_DIR, "stacks", "Pulumi.k8s-local.yaml"), "utf8");
            const noRole = local.replace(/^ {2}hybrid-vnf:role: .*\n/m, "");
            assert.notStrictEqual(noRole, local);
            fs.writeFileSync(path.join(dir, "Pulumi.norole.yaml"), noRole);
            await assert.rejects(planStacks(["norole"], { configDir: dir }), (e: Error) => {
                assert.strictEqual(
                    e.message,
                    "stack norole: validating stack config: Stack 'norole' is missing configuration value 'role'",
                );
                return true;
            });
            // Removing it with an override (pulumi config rm) is refused the same way.
            fs.writeFileSync(path.join(dir, "Pulumi.k8s-local.yaml"), local);
            await assert.rejects(
                planStacks(["k8s-local"], {
                    configDir: dir,
                    overrides: { "k8s-local": { "hybrid-vnf:role": undefined } },
                }),
                /Stack 'k8s-local' is missing configuration value 'role'/,
            );
            // Per-role keys (declared in stacks/config-keys.yaml) are not required: the same dir plans.
            const [plan] = await planStacks(["k8s-local"], { configDir: dir });
            assert.strictEqual(plan.role, "k8s-cluster");
            const r = runCli("norole", "--config-dir", dir);
            assert.notStrictEqual(r.status, 0);
            assert.strictEqual(r.stdout, "");
            assert.match(r.stderr, /Stack 'norole' is missing configuration value 'role'/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("usage errors are explained", () => {
        assert.match(runCli().stderr, /name at least one stack/);
        assert.match(runCli("k8s-local", "--yaml").stderr, /unknown option --yaml/);
    });
});
