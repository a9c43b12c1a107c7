// The router's Kubernetes objects, exactly as the plans send them, validated against the real
// Kubernetes OpenAPI schema models of the `kubernetes-models` package. (Unknown field names are
// tsc's job: the component is written against @pulumi/kubernetes' typed inputs.)
import * as assert from "assert";
import { planStacks, PlannedResource, revealedInputs, StackPlan } from "../../harness/plan";

// kubernetes-models is ESM-only; a real dynamic import (not transpiled into require).
const esmImport = new Function("s", "return import(s)") as (s: string) => Promise<any>;

interface Models {
    Namespace: any;
    Deployment: any;
    Service: any;
    Secret: any;
    DaemonSet: any;
}

const KINDS: Record<string, keyof Models> = {
    "kubernetes:core/v1:Namespace": "Namespace",
    "kubernetes:apps/v1:Deployment": "Deployment",
    "kubernetes:core/v1:Service": "Service",
    "kubernetes:core/v1:Secret": "Secret",
    "kubernetes:apps/v1:DaemonSet": "DaemonSet",
};

/** The object as the provider would send it: the inputs, with an auto-name where none was given. */
function manifest(plan: StackPlan, r: PlannedResource): Record<string, any> {
    const obj = structuredClone(revealedInputs(plan, r)) as Record<string, any>;
    obj.metadata = { name: `${r.name}-0a1b2c3d`, ...(obj.metadata ?? {}) };
    return obj;
}

function k8sObjects(plan: StackPlan): { r: PlannedResource; obj: Record<string, any>; kind: keyof Models }[] {
    return plan.resources.filter((r) => KINDS[r.type]).map((r) => ({ r, obj: manifest(plan, r), kind: KINDS[r.type] }));
}

describe("router Kubernetes objects against the Kubernetes schema (kubernetes-models)", () => {
    let models: Models;
    const plans: Record<string, StackPlan> = {};
    before(async () => {
        const [core, apps] = await Promise.all([
            esmImport("kubernetes-models/v1"),
            esmImport("kubernetes-models/apps/v1"),
        ]);
        models = {
            Namespace: core.Namespace,
            Service: core.Service,
            Secret: core.Secret,
            Deployment: apps.Deployment,
            DaemonSet: apps.DaemonSet,
        };
        const [k8sLocal, swarmLocal, chainLocal] = await planStacks(["k8s-local", "swarm-local", "chain-local"]);
        plans["chain-local (least privilege)"] = chainLocal;
        [plans["chain-local privileged"]] = await planStacks(["chain-local"], {
            previous: [k8sLocal, swarmLocal],
            overrides: {
                "chain-local": {
                    "hybrid-vnf:leastPrivilege": false,
                    "hybrid-vnf:routes": ["192.0.2.0/24 10.100.101.1"],
                },
            },
        });
        const [k8sDev, swarmDev, chainDev] = await planStacks(["k8s-dev", "swarm-dev", "chain-dev"]);
        plans["chain-dev"] = chainDev;
        [plans["chain-dev with a vty password"]] = await planStacks(["chain-dev"], {
            previous: [k8sDev, swarmDev],
            overrides: { "chain-dev": { "hybrid-vnf:routerVtyPassword": "Schema-t3st-pw" } },
        });
        // bgp mode, least privilege, with a BGP password and a vty password: every object kind at once.
        [, , plans["chain-local bgp with passwords"]] = await planStacks(["k8s-local", "swarm-local", "chain-local"], {
            overrides: {
                "k8s-local": { "hybrid-vnf:routing": "bgp", "hybrid-vnf:bgpPassword": "Schema-bgp-pw" },
                "chain-local": { "hybrid-vnf:routerVtyPassword": "Schema-t3st-pw" },
            },
        });
    });

    // Without a vty password there is no Secret and no Service (the vty is loopback-only).
    const expectedKinds: Record<string, (keyof Models)[]> = {
        "chain-local (least privilege)": ["Deployment", "Namespace"],
        "chain-local privileged": ["Deployment", "Namespace"],
        "chain-dev": ["Deployment", "Namespace"],
        "chain-dev with a vty password": ["Deployment", "Namespace", "Secret", "Service"],
        "chain-local bgp with passwords": ["DaemonSet", "Namespace", "Secret", "Secret", "Service"],
    };
    for (const [variant, kinds] of Object.entries(expectedKinds)) {
        it(`${variant}: ${kinds.join(", ")} validate`, () => {
            const objs = k8sObjects(plans[variant]);
            assert.deepStrictEqual(objs.map((o) => o.kind).sort(), kinds);
            for (const { kind, obj } of objs) {
                assert.strictEqual(obj.apiVersion, models[kind].apiVersion, `${kind} apiVersion`);
                assert.strictEqual(obj.kind, kind);
                // validate() throws with the failing path when the object does not fit the schema.
                new models[kind](obj).validate();
            }
        });
    }

    describe("negative controls: the same objects, broken, are refused", () => {
        const broken =
            (kind: keyof Models, mutate: (o: any) => void, variant = "chain-local (least privilege)") =>
            () => {
                const { obj } = k8sObjects(plans[variant]).find((o) => o.kind === kind)!;
                mutate(obj);
                assert.throws(() => new models[kind](obj).validate(), /must be|must have/);
            };
        it(
            "a port given as a string",
            broken("Deployment", (d) => (d.spec.template.spec.containers[0].ports[0].containerPort = "2601")),
        );
        it(
            "capabilities.add as a string, not a list",
            broken(
                "Deployment",
                (d) => (d.spec.template.spec.containers[0].securityContext.capabilities.add = "NET_ADMIN"),
            ),
        );
        it(
            "hostNetwork as a string",
            broken("Deployment", (d) => (d.spec.template.spec.hostNetwork = "true")),
        );
        it(
            "a Deployment without a selector",
            broken("Deployment", (d) => delete d.spec.selector),
        );
        it(
            "a container without a name",
            broken("Deployment", (d) => delete d.spec.template.spec.containers[0].name),
        );
        it(
            "an env var without a name",
            broken("Deployment", (d) => (d.spec.template.spec.containers[0].env = [{ value: "10.0.0.0/8 dev eth1" }])),
        );
        it(
            "a probe command as a string",
            broken(
                "Deployment",
                (d) => (d.spec.template.spec.containers[0].livenessProbe.exec.command = "start.sh --health"),
            ),
        );
        it(
            "a Service port without a port number",
            broken("Service", (s) => delete s.spec.ports[0].port, "chain-dev with a vty password"),
        );
        it(
            "Secret stringData that is not a map of strings",
            broken("Secret", (s) => (s.stringData = { password: 42 }), "chain-dev with a vty password"),
        );
        it(
            "an env var from a secretKeyRef without a key",
            broken(
                "Deployment",
                (d) =>
                    delete d.spec.template.spec.containers[0].env.find((e: any) => e.valueFrom).valueFrom.secretKeyRef
                        .key,
                "chain-dev with a vty password",
            ),
        );
        it(
            "a DaemonSet updateStrategy maxUnavailable as an object",
            broken(
                "DaemonSet",
                (d) => (d.spec.updateStrategy.rollingUpdate.maxUnavailable = { n: 1 }),
                "chain-local bgp with passwords",
            ),
        );
        it(
            "a DaemonSet UDP port given as a string",
            broken(
                "DaemonSet",
                (d) => (d.spec.template.spec.containers[0].ports[3].containerPort = "3784"),
                "chain-local bgp with passwords",
            ),
        );
        it(
            "namespace labels that are not strings",
            broken("Namespace", (n) => (n.metadata.labels["hybrid-vnf/vnf"] = true)),
        );
    });
});
