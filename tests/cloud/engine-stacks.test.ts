// The cloud stacks' pure decisions under the real engine: which URNs are excluded (the remote
// Commands), what counts as left out, how a variant's config replaces another's, the variants'
// files, and the scale report.
import * as assert from "assert";
import { commandProviderUrn, configChanges, engineUrn, leftOut, sshUrns } from "../../cloud/engine-stacks";
import { variantOverrides } from "../../cloud/variants";
import { scaleReport } from "../../cloud/scale";
import { StackPlan } from "../../harness/plan";

const keys = { publicKey: "ssh-ed25519 AAAA k", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\n", file: "/k" };
const res = (type: string, name: string) => ({
    type,
    name,
    urn: `urn:pulumi:s::hybrid-vnf::${type}::${name}`,
    parent: null,
    inputs: {},
});
const plan: StackPlan = {
    stack: "k8s-cloud",
    role: "k8s-cluster",
    outputs: {},
    resources: [
        res("pulumi:pulumi:Stack", "hybrid-vnf-k8s-cloud"),
        res("openstack:compute/instance:Instance", "k8s-router-node"),
        res("command:remote:Command", "k8s-kubeconfig"),
        res("openstack:compute/instance:Instance", "k8s-worker-1"),
    ],
};

describe("cloud: the stacks under the real engine", () => {
    it("excludes exactly the remote Commands and their default provider (the CLI adds their dependents)", () => {
        assert.deepStrictEqual(sshUrns(plan), [
            commandProviderUrn("k8s-cloud"),
            "urn:pulumi:s::hybrid-vnf::command:remote:Command::k8s-kubeconfig",
        ]);
        assert.deepStrictEqual(
            sshUrns({ ...plan, resources: plan.resources.filter((r) => r.type !== "command:remote:Command") }),
            [],
        );
        assert.strictEqual(
            commandProviderUrn("swarm-cloud", "v4.5.0"),
            "urn:pulumi:swarm-cloud::hybrid-vnf::pulumi:providers:command::default_4_5_0",
        );
        assert.strictEqual(
            commandProviderUrn("swarm-cloud", "4.5.0"),
            "urn:pulumi:swarm-cloud::hybrid-vnf::pulumi:providers:command::default_4_5_0",
        );
    });
    it("calls left out what the plan has and the state lacks, never the stack itself", () => {
        const state = [plan.resources[1].urn];
        assert.deepStrictEqual(
            leftOut(plan, state).map((r) => r.name),
            ["k8s-kubeconfig", "k8s-worker-1"],
        );
    });
    it("reads the mock runtime's URNs of the root stack's children as the engine spells them", () => {
        const mock = "urn:pulumi:k8s-cloud::hybrid-vnf::pulumi:pulumi:Stack$hybrid-vnf:k8s:OpenStackCluster::k8s";
        assert.strictEqual(engineUrn(mock), "urn:pulumi:k8s-cloud::hybrid-vnf::hybrid-vnf:k8s:OpenStackCluster::k8s");
        const component = {
            ...plan,
            resources: [{ ...plan.resources[1], urn: mock, type: "hybrid-vnf:k8s:OpenStackCluster", name: "k8s" }],
        };
        assert.deepStrictEqual(leftOut(component, [engineUrn(mock)]), []);
    });
    it("a variant sets its keys and the key pair (private key secret); another variant's keys are removed", () => {
        const bgp = configChanges("k8s-cloud", "bgp", keys);
        assert.strictEqual(bgp.set["hybrid-vnf:routing"].value, "bgp");
        assert.strictEqual(bgp.set["hybrid-vnf:routerCount"].value, "2");
        assert.strictEqual(bgp.set["hybrid-vnf:sshPrivateKey"].secret, true);
        assert.strictEqual(bgp.set["hybrid-vnf:sshPublicKey"].secret, false);
        assert.ok(bgp.remove.includes("hybrid-vnf:apacheCount"), "the scale variant's apacheCount goes");
        const def = configChanges("k8s-cloud", "default", keys);
        assert.deepStrictEqual(def.remove.sort(), [
            "hybrid-vnf:apacheCount",
            "hybrid-vnf:routerCount",
            "hybrid-vnf:routing",
        ]);
    });
    it("the scale variant is about 70 servers: k8s apacheCount 20, swarm 7 managers and 43 workers", () => {
        const s = variantOverrides("scale");
        assert.deepStrictEqual(s["k8s-cloud"], { "hybrid-vnf:apacheCount": 20 });
        assert.deepStrictEqual(s["swarm-cloud"], { "hybrid-vnf:managerCount": 7, "hybrid-vnf:workerCount": 43 });
    });
    it("the scale report compares up time and time per server", () => {
        const text = scaleReport(
            { variant: "default", servers: 5, upMs: 50_000, destroyMs: 20_000 },
            { variant: "scale", servers: 71, upMs: 400_000, destroyMs: 100_000 },
        );
        assert.match(text, /^default\s+5\s+50\.0 s\s+20\.0 s\s+10\.0 s$/m);
        assert.match(text, /scale\/default: 8\.00x the up time for 14\.2x the servers/);
    });
});
