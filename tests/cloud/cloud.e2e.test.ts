// End-to-end on the OpenStack all-in-one (npm run cloud): k8s-cloud and swarm-cloud under the
// real engine and the real openstack provider, as the project's member user through an
// application credential. Brings the cloud up if it is not (and takes it down again after),
// leaves out only what needs SSH to a booted guest, and checks everything through the API.
import * as assert from "assert";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { StackPlan, revealedInputs } from "../../harness/plan";
import {
    bootstrap,
    bootstrapRequest,
    cloudDown,
    cloudIsUp,
    cloudUp,
    installedVenv,
    loadSecrets,
} from "../../cloud/cloud";
import { cloudPaths, TENANT } from "../../cloud/layout";
import { engineEnv, engineUrn, prepareEngineProject, UNKNOWN_MARKER } from "../../cloud/engine-stacks";
import {
    describeRun,
    destroyCloudStack,
    previewChanges,
    previewNoChanges,
    refreshNoChanges,
    StackRun,
    upCloudStack,
    upNoChanges,
} from "../../cloud/stack-runs";
import { cloudQuotas, ensureKeyPair, KeyPair, planVariant } from "../../cloud/variants";
import { EXPECTED_REFUSAL, NEGATIVE_CLASSES, negativeProgram } from "../../cloud/negative-controls";
import { programChosenAddresses, ValueMapping } from "../../cloud/user-data";
import { stepper } from "../../cloud/steps";

const log = (s: string) => process.stdout.write(`      ${s}\n`);
const INSTANCE = "openstack:compute/instance:Instance";

interface Inventory {
    tenantRoles: string[];
    servers: { name: string; status: string; userData: string | null }[];
    ports: { name: string; owner: string; binding: string }[];
    networks: string[];
    routers: string[];
    securityGroups: string[];
    floatingIps: string[];
    keypairs: string[];
}

describe("cloud E2E: the OpenStack stacks on a real OpenStack API (npm run cloud, fake compute driver)", function () {
    this.timeout(900_000);
    const p = cloudPaths();
    const step = stepper(log);
    let broughtUp = false;
    let keys: KeyPair;
    let plans: StackPlan[];
    const runs: Record<string, StackRun> = {};
    let t0 = 0;
    const inventory = () => bootstrap<Inventory>(installedVenv(), "inventory", bootstrapRequest(loadSecrets(p)), log);

    before(async function () {
        this.timeout(1_800_000); // cold: the venv, the migrations
        t0 = Date.now();
        keys = await ensureKeyPair(path.join(p.state, "ssh"));
        if (!cloudIsUp()) {
            broughtUp = true;
            await step("npm run cloud -- up (it was not up)", () => cloudUp({ log, quotas: cloudQuotas(keys), step }));
        }
        prepareEngineProject(p);
        Object.assign(process.env, { PATH: engineEnv(p).PATH });
        plans = await step("plan k8s-cloud, swarm-cloud (mock runtime, the same config)", () =>
            planVariant("default", keys),
        );
    });

    after(async function () {
        this.timeout(600_000);
        for (const stack of ["swarm-cloud", "k8s-cloud"] as const)
            await destroyCloudStack(p, stack).catch((e) =>
                log(`destroy ${stack}: ${(e as Error).message.split("\n")[0]}`),
            );
        if (broughtUp) await step("npm run cloud -- down", () => cloudDown(log));
        for (const t of step.times) log(`${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.name}`);
        log(`cloud E2E wall time: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    it("the stacks' user holds only the member role, and so does their application credential", async () => {
        assert.deepStrictEqual((await inventory()).tenantRoles, [TENANT.role]);
    });

    it("k8s-cloud then swarm-cloud come up; only the remote Commands and their dependents are left out", async () => {
        for (const [i, stack] of (["k8s-cloud", "swarm-cloud"] as const).entries()) {
            runs[stack] = await step(`pulumi up ${stack} (default)`, () =>
                upCloudStack(p, stack, "default", keys, plans[i]),
            );
            log(describeRun(runs[stack]));
        }
        const k8s = runs["k8s-cloud"];
        const k8sLeft = k8s.leftOut.map((x) => x.name);
        assert.ok(k8sLeft.includes("k8s-kubeconfig"), `kubeconfig command left out: ${k8sLeft}`);
        assert.ok(
            k8sLeft.every((n) => /kubeconfig|node-token/.test(n)),
            `k8s-cloud left out only the SSH reads: ${k8sLeft}`,
        );
        // Everything swarm-cloud reads was exported; the kubeconfig needs SSH, so it is not there.
        for (const key of ["clusterNetwork", "routerHost", "apacheInfo", "routing", "routerHosts", "clusterUrl"])
            assert.ok(key in k8s.outputs, `k8s-cloud output ${key}`);
        // kubeconfig is the kubeconfig Command's stdout: excluded, the engine stores Pulumi's unknown marker in its place.
        log(`k8s-cloud kubeconfig output after the targeted up: ${JSON.stringify(k8s.outputs.kubeconfig?.value)}`);
        assert.strictEqual(k8s.outputs.kubeconfig?.value, UNKNOWN_MARKER);
        const swarmLeft = runs["swarm-cloud"].leftOut;
        assert.ok(
            swarmLeft.length > 0 && swarmLeft.every((x) => x.type === "command:remote:Command"),
            `swarm-cloud left out: ${JSON.stringify(swarmLeft)}`,
        );
        const inv = await inventory();
        assert.deepStrictEqual(
            inv.servers.map((s) => s.status).filter((s) => s !== "ACTIVE"),
            [],
            "every server ACTIVE",
        );
        const unbound = inv.ports.filter((x) => x.owner.startsWith("compute:") && x.binding !== "macvtap");
        assert.deepStrictEqual(unbound, [], "every server port bound by the macvtap agent");
    });

    it("preview --expect-no-changes and refresh find nothing to change (swarm-cloud: up --expect-no-changes, see why)", async () => {
        const pv = await step("preview --expect-no-changes k8s-cloud", () =>
            previewNoChanges(p, "k8s-cloud", plans[0]),
        );
        log(`k8s-cloud preview: ${JSON.stringify(pv)}`);
        // k8s-cloud's kubeconfig output holds Pulumi's unknown marker (its Command was left out). In a
        // preview the SDK then takes the StackReference's whole outputs as unknown, so swarm-cloud's
        // requireNow("routing") reads undefined and the program stops: no preview of swarm-cloud can run
        // until the kubeconfig exists. An update is not a dry run and reads the real values.
        // (Seen once: that preview failed after 150 s with "stack organization/hybrid-vnf/k8s-cloud
        // (k8s-cluster): output routing is not an object: undefined"; docs/cloud.md.)
        const same = await step("up --expect-no-changes swarm-cloud", () => upNoChanges(p, "swarm-cloud", plans[1]));
        log(`swarm-cloud up --expect-no-changes: ${JSON.stringify(same)}`);
        for (const stack of ["k8s-cloud", "swarm-cloud"] as const) {
            const rf = await step(`refresh --expect-no-changes ${stack}`, () => refreshNoChanges(p, stack));
            log(`${stack} refresh: ${JSON.stringify(rf)}`);
        }
    });

    it("each server's user_data, read back from Nova, is the plan's with the cloud's values in", async () => {
        const inv = await inventory();
        const planned = plans.flatMap((plan) =>
            plan.resources
                .filter((r) => r.type === INSTANCE)
                .map((r) => ({ plan, r, inputs: revealedInputs(plan, r) })),
        );
        const mapping = new ValueMapping(
            new Set(
                plans.flatMap((plan) => [
                    ...programChosenAddresses(
                        plan.resources.map((r) => ({ type: r.type, inputs: revealedInputs(plan, r) })),
                    ),
                ]),
            ),
        );
        const problems: string[] = [];
        let compared = 0;
        for (const { inputs } of planned) {
            const name = String(inputs.name);
            const server = inv.servers.find((s) => s.name === name);
            if (!server) continue; // left out with its dependents (checked above)
            compared++;
            problems.push(...mapping.compare(name, String(inputs.userData), server.userData ?? ""));
        }
        log(`compared the user_data of ${compared} servers of ${planned.length} planned`);
        assert.ok(compared >= 5);
        assert.deepStrictEqual(problems, []);
    });

    /** The four negative controls on their own stack; independent of the cloud stacks, so they run alongside Day 2 and bgp. */
    async function negativeControls(): Promise<void> {
        const env = engineEnv(p);
        const projectSettings = {
            name: "hybrid-vnf-negative",
            runtime: "nodejs" as const,
            backend: { url: env.PULUMI_BACKEND_URL },
        };
        const open = (wrong?: (typeof NEGATIVE_CLASSES)[number]) =>
            LocalWorkspace.createOrSelectStack(
                {
                    stackName: "negative-controls",
                    projectName: projectSettings.name,
                    program: negativeProgram({ publicKey: keys.publicKey, wrong }),
                },
                { envVars: env, projectSettings },
            );
        try {
            await step("negative controls: the right variants", async () => (await open()).up({ color: "never" }));
            for (const c of NEGATIVE_CLASSES) {
                const err = await step(`negative control ${c}`, async () => {
                    try {
                        await (await open(c)).up({ color: "never" });
                    } catch (e) {
                        return (e as Error).message;
                    }
                    return undefined;
                });
                assert.ok(err, `${c}: the API accepted the wrong variant`);
                const want = EXPECTED_REFUSAL[c];
                const line = err.split("\n").find((l) => l.includes(want.resource) && /error/i.test(l)) ?? "";
                log(
                    `${c}: ${line
                        .trim()
                        .replace(/^.*?(neg-[\w-]+ creating)/, "$1")
                        .slice(0, 700)}`,
                );
                assert.ok(err.includes(want.resource), `${c}: the error names ${want.resource}`);
                assert.match(err, want.api);
            }
        } finally {
            await step("negative controls: destroy", async () => (await open()).destroy({ color: "never" }));
        }
    }
    let negatives: Promise<void> | undefined;

    it("Day 2: apacheCount 2 -> 3 creates exactly one server and one port", async () => {
        negatives = negativeControls();
        negatives.catch(() => undefined); // awaited (and judged) in its own test below
        const plan3 = (await planVariant("default", keys, { "k8s-cloud": { "hybrid-vnf:apacheCount": 3 } }))[0];
        const extra = { "k8s-cloud": { "hybrid-vnf:apacheCount": 3 } };
        const pv = await step("preview k8s-cloud apacheCount 3", () =>
            previewChanges(p, "k8s-cloud", "default", keys, plan3, extra),
        );
        const creates = pv.stdout.split("\n").filter((l) => /^\s*\+\s+openstack:/.test(l) || /^\s*\+ .*create/.test(l));
        log(`preview: ${JSON.stringify(pv.summary)}\n${creates.join("\n")}`);
        assert.strictEqual(pv.summary.create, 2, "one Instance and one Port");
        const r = await step("pulumi up k8s-cloud apacheCount 3", () =>
            upCloudStack(p, "k8s-cloud", "default", keys, plan3, extra),
        );
        log(describeRun(r));
        assert.strictEqual(r.changes.create, 2);
        const inv = await inventory();
        assert.ok(
            inv.servers.some((s) => /apache-3$/.test(s.name)),
            "the third Apache VM exists",
        );
    });

    it("bgp variant (routing bgp, routerCount 2): its networks, ports and BGP/BFD rules are accepted", async () => {
        const bgpPlans = await planVariant("bgp", keys);
        for (const [i, stack] of (["k8s-cloud", "swarm-cloud"] as const).entries()) {
            const r = await step(`pulumi up ${stack} (bgp)`, () => upCloudStack(p, stack, "bgp", keys, bgpPlans[i]));
            log(describeRun(r));
            const planned = bgpPlans[i].resources
                .filter((x) => /secGroupRule|port:Port|network:Network/.test(x.type))
                .map((x) => x.urn);
            const missing = planned.map(engineUrn).filter((u) => !r.stateUrns.includes(u));
            assert.deepStrictEqual(missing, [], `${stack}: every planned network, port and rule exists`);
            if (stack === "k8s-cloud") {
                const left = r.leftOut.map((x) => x.name);
                assert.ok(
                    left.includes("k8s-router-2"),
                    `the second router carries the node token in its user-data: ${left}`,
                );
                assert.ok(
                    bgpPlans[i].resources.some((x) => /bgp|bfd/i.test(x.name) && x.type.includes("secGroupRule")),
                    "the bgp plan has BGP/BFD rules",
                );
            }
        }
    });

    it("negative controls: the real API refuses each wrong variant, naming the resource; the right ones pass", async () => {
        await (negatives ?? negativeControls());
    });

    it("destroy leaves nothing of the stacks: no server, port, network, router, security group, floating IP or keypair", async () => {
        for (const stack of ["swarm-cloud", "k8s-cloud"] as const) {
            const ms = await step(`pulumi destroy ${stack}`, () => destroyCloudStack(p, stack));
            log(`${stack}: destroyed in ${(ms / 1000).toFixed(1)} s`);
        }
        const inv = await inventory();
        assert.deepStrictEqual(
            {
                servers: inv.servers,
                ports: inv.ports,
                networks: inv.networks,
                routers: inv.routers,
                securityGroups: inv.securityGroups,
                floatingIps: inv.floatingIps,
                keypairs: inv.keypairs,
            },
            { servers: [], ports: [], networks: [], routers: [], securityGroups: [], floatingIps: [], keypairs: [] },
        );
    });
});
