// QuaggaRouter alone, under Pulumi's mock runtime: the objects it sends, and its plan-time errors.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";
import { QuaggaRouter, QuaggaRouterArgs } from "../../components/quagga-router";
import { VTY_PASSWORD_SECRET_KEY } from "../../components/router-pod";
import { FRR_CAPABILITIES } from "../../lib/frr-capabilities";
import { secretMarked } from "../../harness/engine-values";
import { ROUTER_NODE_SELECTOR, VNF_NAMESPACE_LABEL_KEY, VNF_NAMESPACE_LABEL_VALUE } from "../../lib/labels";
import { BgpRouting, DEFAULT_BFD } from "../../lib/routing";
import { VnfConfigError } from "../../lib/vnf-env-syntax";
import { parseRoutes } from "../../lib/router-env";
import { mockRun, promiseOf, Recorded } from "../fixtures/component-mocks";

const base: QuaggaRouterArgs = {
    image: "hybrid-vnf/router:0.1.0",
    namespace: "vnf-router",
    interfaces: ["eth0", "eth1"],
    routes: parseRoutes("10.100.102.0/24 dev eth1,192.0.2.0/24 10.100.101.1"),
};
const byType = (rs: Recorded[], type: string) => {
    const found = rs.filter((r) => r.type === type);
    assert.strictEqual(found.length, 1, `one ${type}`);
    return found[0];
};
const container = (rs: Recorded[]) =>
    byType(rs, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0];

describe("QuaggaRouter", () => {
    it("creates a namespace and a Deployment as its children, with the given provider; no vty Service without a password", async () => {
        const { result: router, resources } = await mockRun(() => {
            const provider = new Provider("k8s", { kubeconfig: "apiVersion: v1" });
            return new QuaggaRouter("router", base, { provider });
        });
        assert.deepStrictEqual(resources.map((r) => r.type).sort(), [
            "hybrid-vnf:index:QuaggaRouter",
            "kubernetes:apps/v1:Deployment",
            "kubernetes:core/v1:Namespace",
            "pulumi:providers:kubernetes",
        ]);
        for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.match(
                r.provider ?? "",
                /pulumi:providers:kubernetes::k8s::/,
                `${r.name} uses the explicit provider`,
            );
        }
        assert.deepStrictEqual(
            resources
                .filter((r) => r.type.startsWith("kubernetes:"))
                .map((r) => r.name)
                .sort(),
            ["router-deployment", "router-namespace"],
        );
        const urn = await promiseOf(router.deployment!.urn);
        assert.match(
            urn,
            /hybrid-vnf:index:QuaggaRouter\$kubernetes:apps\/v1:Deployment::router-deployment$/,
            "the Deployment is a child of the component",
        );
        assert.strictEqual(router.service, undefined);
        assert.strictEqual(router.vtySecret, undefined);
        assert.strictEqual(await promiseOf(router.serviceName), undefined);
        assert.ok(
            !container(resources).env.some((e: any) => e.name === "VTY_PASSWORD"),
            "no VTY_PASSWORD: the image keeps the vty on 127.0.0.1",
        );
    });

    it("labels the namespace for Pod Security privileged and as a VNF namespace", async () => {
        const { resources } = await mockRun(() => new QuaggaRouter("router", base));
        const ns = byType(resources, "kubernetes:core/v1:Namespace").inputs;
        assert.strictEqual(ns.metadata.name, "vnf-router");
        for (const mode of ["enforce", "audit", "warn"])
            assert.strictEqual(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`], "privileged");
        assert.strictEqual(ns.metadata.labels[VNF_NAMESPACE_LABEL_KEY], VNF_NAMESPACE_LABEL_VALUE);
    });

    it("pins one Recreate-strategy pod to the router node, on the host network", async () => {
        const { resources } = await mockRun(() => new QuaggaRouter("router", base));
        const d = byType(resources, "kubernetes:apps/v1:Deployment").inputs;
        assert.strictEqual(d.metadata.namespace, "vnf-router");
        assert.strictEqual(d.spec.replicas, 1);
        assert.deepStrictEqual(d.spec.strategy, { type: "Recreate" });
        const pod = d.spec.template.spec;
        assert.strictEqual(pod.hostNetwork, true);
        assert.strictEqual(pod.dnsPolicy, "ClusterFirstWithHostNet");
        assert.deepStrictEqual(pod.nodeSelector, ROUTER_NODE_SELECTOR);
        const tolerated = pod.tolerations.map((t: any) => `${t.key}:${t.operator}:${t.effect}`).sort();
        assert.deepStrictEqual(tolerated, [
            "node-role.kubernetes.io/control-plane:Exists:NoSchedule",
            "node-role.kubernetes.io/master:Exists:NoSchedule",
        ]);
        // The selector picks the pod template's labels.
        for (const [k, v] of Object.entries(d.spec.selector.matchLabels))
            assert.strictEqual(d.spec.template.metadata.labels[k], v);
    });

    it("sets INTERFACES and ROUTES in the seed's format, and exposes them as outputs", async () => {
        const { result: router, resources } = await mockRun(() => new QuaggaRouter("router", base));
        assert.deepStrictEqual(container(resources).env, [
            { name: "INTERFACES", value: "eth0,eth1" },
            { name: "ROUTES", value: "10.100.102.0/24 dev eth1,192.0.2.0/24 10.100.101.1" },
        ]);
        assert.deepStrictEqual(
            await promiseOf(router.routes),
            parseRoutes("10.100.102.0/24 dev eth1,192.0.2.0/24 10.100.101.1"),
            "the routes output stays typed",
        );
        assert.deepStrictEqual(await promiseOf(router.env), {
            INTERFACES: "eth0,eth1",
            ROUTES: "10.100.102.0/24 dev eth1,192.0.2.0/24 10.100.101.1",
        });
        assert.strictEqual(await promiseOf(router.namespace), "vnf-router");
        assert.strictEqual(await promiseOf(router.workloadName), "router-deployment");
    });

    it("takes routes as an Output (from another stack)", async () => {
        const { result: router, resources } = await mockRun(
            () =>
                new QuaggaRouter("router", {
                    ...base,
                    routes: pulumi.output("10.9.0.0/16").apply((n) => parseRoutes(`${n} dev eth1`)),
                }),
        );
        assert.deepStrictEqual(await promiseOf(router.routes), [
            { prefix: "10.9.0.0/16", via: { kind: "dev", iface: "eth1" } },
        ]);
        assert.strictEqual(container(resources).env[1].value, "10.9.0.0/16 dev eth1");
    });

    it("runs privileged by default", async () => {
        const { resources } = await mockRun(() => new QuaggaRouter("router", base));
        assert.deepStrictEqual(container(resources).securityContext, { privileged: true });
    });

    it("with leastPrivilege drops ALL and adds exactly NET_ADMIN, NET_RAW, SYS_ADMIN", async () => {
        const { resources } = await mockRun(() => new QuaggaRouter("router", { ...base, leastPrivilege: true }));
        const sc = container(resources).securityContext;
        assert.deepStrictEqual(sc, {
            privileged: false,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"] },
        });
        assert.deepStrictEqual([...FRR_CAPABILITIES], ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"]);
    });

    it("probes the routing daemons (startup, readiness, liveness) and sets requests and limits", async () => {
        const { resources } = await mockRun(() => new QuaggaRouter("router", base));
        const c = container(resources);
        for (const p of ["startupProbe", "readinessProbe", "livenessProbe"]) {
            assert.deepStrictEqual(c[p].exec.command, ["/usr/local/bin/start.sh", "--health"], p);
            assert.ok(c[p].periodSeconds > 0 && c[p].failureThreshold > 0 && c[p].timeoutSeconds > 0, p);
        }
        assert.deepStrictEqual(Object.keys(c.resources.requests).sort(), ["cpu", "memory"]);
        assert.deepStrictEqual(Object.keys(c.resources.limits).sort(), ["cpu", "memory"]);
        assert.strictEqual(c.image, "hybrid-vnf/router:0.1.0");
    });

    it("declares the vty ports on the container (host ports under hostNetwork) with or without a password", async () => {
        const { resources } = await mockRun(() => new QuaggaRouter("router", base));
        assert.deepStrictEqual(
            container(resources).ports.map((p: any) => p.containerPort),
            [2601, 2616],
        );
    });

    describe("with a vtyPassword", () => {
        const password = "Unit-t3st-vty!pw";

        it("keeps the password in a Secret in the router namespace, a child of the component", async () => {
            const { result: router, resources } = await mockRun(
                () => new QuaggaRouter("router", { ...base, vtyPassword: password }),
            );
            const secret = byType(resources, "kubernetes:core/v1:Secret");
            assert.strictEqual(secret.name, "router-vty");
            assert.strictEqual(secret.inputs.metadata.namespace, "vnf-router");
            assert.strictEqual(secret.inputs.metadata.name, undefined, "auto-named, so a new password rolls the pod");
            assert.strictEqual(secret.inputs.type, "Opaque");
            // The engine's secret wrapper: stringData is encrypted in the state and "[secret]" in plans,
            // although the password was passed in plain text.
            assert.deepStrictEqual(secret.inputs.stringData, secretMarked({ [VTY_PASSWORD_SECRET_KEY]: password }));
            assert.match(
                await promiseOf(router.vtySecret!.urn),
                /hybrid-vnf:index:QuaggaRouter\$kubernetes:core\/v1:Secret::router-vty$/,
            );
        });

        it("gives the container VTY_PASSWORD from the Secret (secretKeyRef), never as a value", async () => {
            const { resources } = await mockRun(
                () => new QuaggaRouter("router", { ...base, vtyPassword: pulumi.output(password) }),
            );
            const env = container(resources).env;
            assert.deepStrictEqual(
                env.find((e: any) => e.name === "VTY_PASSWORD"),
                {
                    name: "VTY_PASSWORD",
                    valueFrom: { secretKeyRef: { name: "router-vty", key: "password" } },
                },
            );
            const d = byType(resources, "kubernetes:apps/v1:Deployment").inputs;
            assert.ok(!JSON.stringify(d).includes(password), "the Deployment does not carry the password");
        });

        it("exposes zebra (2601) and staticd (2616) through a ClusterIP Service selecting the router pod", async () => {
            const { result: router, resources } = await mockRun(
                () => new QuaggaRouter("router", { ...base, vtyPassword: password }),
            );
            const svc = byType(resources, "kubernetes:core/v1:Service").inputs;
            assert.strictEqual(svc.spec.type, "ClusterIP");
            assert.strictEqual(svc.metadata.namespace, "vnf-router");
            assert.deepStrictEqual(
                svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
                [
                    ["zebra-vty", 2601, 2601],
                    ["staticd-vty", 2616, 2616],
                ],
            );
            const d = byType(resources, "kubernetes:apps/v1:Deployment").inputs;
            assert.deepStrictEqual(svc.spec.selector, d.spec.selector.matchLabels);
            assert.strictEqual(await promiseOf(router.serviceName), "router-vty");
        });

        it("fails at plan time on a password FRR would refuse, without echoing it", async () => {
            const bad = "bad pw-with-space";
            const {
                result: router,
                resources,
                rejections,
            } = await mockRun(() => new QuaggaRouter("router", { ...base, vtyPassword: bad }));
            assert.ok(
                !resources.some((r) => r.type === "kubernetes:core/v1:Secret"),
                "no Secret is sent with a bad password",
            );
            assert.ok(rejections.length > 0, "the failure reaches the engine");
            const messages = rejections.map((e) => String(e)).join("\n");
            assert.match(
                messages,
                /VTY_PASSWORD entry "\[hidden\]": the password must be printable ASCII without spaces or newlines/,
            );
            assert.ok(!messages.includes(bad), messages);
            void router;
        });
    });

    it("fails at plan time on a route whose dev is not in INTERFACES, naming the entry", async () => {
        const {
            result: router,
            resources,
            rejections,
        } = await mockRun(
            () => new QuaggaRouter("router", { ...base, routes: parseRoutes("10.100.102.0/24 dev eth7") }),
        );
        await assert.rejects(
            promiseOf(router.routes),
            (e: unknown) => e instanceof VnfConfigError && e.key === "ROUTES" && e.entry === "10.100.102.0/24 dev eth7",
        );
        assert.ok(
            !resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"),
            "no Deployment is sent with bad routes",
        );
        assert.ok(rejections.length > 0, "the failure reaches the engine");
    });

    it("fails at plan time on an empty route list and on duplicate prefixes", async () => {
        const empty = await mockRun(() => new QuaggaRouter("router", { ...base, routes: [] }));
        await assert.rejects(promiseOf(empty.result.routes), /ROUTES.*the list is empty/);
        const dup = await mockRun(
            () =>
                new QuaggaRouter("router", {
                    ...base,
                    routes: [...parseRoutes("10.1.0.0/16 dev eth1"), ...parseRoutes("10.1.0.0/16 10.0.0.1")],
                }),
        );
        await assert.rejects(
            promiseOf(dup.result.routes),
            /ROUTES entry "10\.1\.0\.0\/16 10\.0\.0\.1": duplicate route/,
        );
    });

    it("imports only the Kubernetes modules it uses (no whole-package import)", () => {
        const src = fs.readFileSync(path.join(__dirname, "..", "..", "components", "quagga-router.ts"), "utf8");
        const from = [...src.matchAll(/from "(@pulumi\/kubernetes[^"]*)"/g)].map((m) => m[1]).sort();
        assert.deepStrictEqual(from, [
            "@pulumi/kubernetes/apps/v1",
            "@pulumi/kubernetes/core/v1",
            "@pulumi/kubernetes/provider",
            "@pulumi/kubernetes/types/input",
        ]);
    });

    it("rejects a bad interface name at construction", async () => {
        await mockRun(() => {
            assert.throws(
                () => new QuaggaRouter("router", { ...base, interfaces: ["eth0", "bad name"] }),
                /INTERFACES entry "bad name"/,
            );
            assert.throws(
                () => new QuaggaRouter("router2", { ...base, interfaces: [] }),
                /INTERFACES.*the list is empty/,
            );
        });
    });

    describe("routing bgp", () => {
        const routing: BgpRouting = { mode: "bgp", routerAsn: 64512, hostAsn: 64513, bfd: { ...DEFAULT_BFD } };
        const networks = { cluster: "10.100.101.0/24", apache: "10.100.102.0/24" };
        const bgpBase: QuaggaRouterArgs = { ...base, routing, networks };
        const daemonSet = (rs: Recorded[]) => byType(rs, "kubernetes:apps/v1:DaemonSet").inputs;

        it("runs a DaemonSet on the role=router nodes (host network), no Deployment", async () => {
            const { result: router, resources } = await mockRun(() => new QuaggaRouter("router", bgpBase));
            assert.ok(!resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"), "no Deployment in bgp mode");
            const ds = daemonSet(resources);
            assert.strictEqual(ds.metadata.namespace, "vnf-router");
            assert.deepStrictEqual(ds.spec.updateStrategy, {
                type: "RollingUpdate",
                rollingUpdate: { maxUnavailable: 1 },
            });
            const pod = ds.spec.template.spec;
            assert.strictEqual(pod.hostNetwork, true);
            assert.deepStrictEqual(pod.nodeSelector, ROUTER_NODE_SELECTOR);
            for (const [k, v] of Object.entries(ds.spec.selector.matchLabels))
                assert.strictEqual(ds.spec.template.metadata.labels[k], v);
            assert.strictEqual(await promiseOf(router.workloadName), "router-daemonset");
            assert.strictEqual(router.deployment, undefined);
            assert.match(
                await promiseOf(router.daemonSet!.urn),
                /QuaggaRouter\$kubernetes:apps\/v1:DaemonSet::router-daemonset$/,
            );
        });

        it("gives the container the bgp env: swarm hosts learn the Apache network, Apache VMs the cluster network", async () => {
            const { result: router, resources } = await mockRun(() => new QuaggaRouter("router", bgpBase));
            const env = daemonSet(resources).spec.template.spec.containers[0].env;
            const bgpEnv = {
                ROUTING: "bgp",
                BGP_ASN: "64512",
                BGP_PEER_ASN: "64513",
                BGP_LISTEN_RANGES: "SWARM=10.100.101.0/24,APACHE=10.100.102.0/24",
                BGP_ANNOUNCE: "SWARM=10.100.102.0/24,APACHE=10.100.101.0/24",
                BFD_INTERVAL_MS: "300",
                BFD_MULTIPLIER: "3",
            };
            assert.deepStrictEqual(env, [
                { name: "INTERFACES", value: "eth0,eth1" },
                { name: "ROUTES", value: "10.100.102.0/24 dev eth1,192.0.2.0/24 10.100.101.1" },
                ...Object.entries(bgpEnv).map(([name, value]) => ({ name, value })),
            ]);
            assert.deepStrictEqual(await promiseOf(router.env), {
                INTERFACES: "eth0,eth1",
                ROUTES: "10.100.102.0/24 dev eth1,192.0.2.0/24 10.100.101.1",
                ...bgpEnv,
            });
        });

        it("readiness waits for Established sessions (--ready); startup and liveness stay --health; BGP and BFD ports declared", async () => {
            const { resources } = await mockRun(() => new QuaggaRouter("router", bgpBase));
            const c = daemonSet(resources).spec.template.spec.containers[0];
            assert.deepStrictEqual(c.readinessProbe.exec.command, ["/usr/local/bin/start.sh", "--ready"]);
            assert.deepStrictEqual(c.livenessProbe.exec.command, ["/usr/local/bin/start.sh", "--health"]);
            assert.deepStrictEqual(c.startupProbe.exec.command, ["/usr/local/bin/start.sh", "--health"]);
            assert.deepStrictEqual(
                c.ports.map((p: any) => `${p.name}:${p.containerPort}/${p.protocol}`),
                [
                    "zebra-vty:2601/TCP",
                    "staticd-vty:2616/TCP",
                    "bgp:179/TCP",
                    "bfd-control:3784/UDP",
                    "bfd-echo:3785/UDP",
                ],
            );
        });

        it("with leastPrivilege adds NET_BIND_SERVICE (bgpd and bfdd bind ports below 1024)", async () => {
            const { resources } = await mockRun(() => new QuaggaRouter("router", { ...bgpBase, leastPrivilege: true }));
            assert.deepStrictEqual(
                daemonSet(resources).spec.template.spec.containers[0].securityContext.capabilities.add,
                ["NET_ADMIN", "NET_RAW", "SYS_ADMIN", "NET_BIND_SERVICE"],
            );
        });

        it("keeps the BGP password in its own Secret (a Pulumi secret) and passes it by secretKeyRef", async () => {
            const password = "Unit-md5-s3cret";
            const { result: router, resources } = await mockRun(
                () => new QuaggaRouter("router", { ...bgpBase, bgpPassword: password }),
            );
            const secret = byType(resources, "kubernetes:core/v1:Secret");
            assert.strictEqual(secret.name, "router-bgp");
            assert.deepStrictEqual(secret.inputs.stringData, secretMarked({ password }));
            const env = daemonSet(resources).spec.template.spec.containers[0].env;
            assert.deepStrictEqual(
                env.find((e: any) => e.name === "BGP_PASSWORD"),
                { name: "BGP_PASSWORD", valueFrom: { secretKeyRef: { name: "router-bgp", key: "password" } } },
            );
            assert.ok(
                !JSON.stringify(daemonSet(resources)).includes(password),
                "the DaemonSet does not carry the password",
            );
            assert.ok(!JSON.stringify(await promiseOf(router.env)).includes(password), "nor the env output");
        });

        it("fails at plan time on a bad BGP password without echoing it, and sends no Secret", async () => {
            const bad = "bad md5 with spaces";
            const { resources, rejections } = await mockRun(
                () => new QuaggaRouter("router", { ...bgpBase, bgpPassword: bad }),
            );
            assert.ok(!resources.some((r) => r.type === "kubernetes:core/v1:Secret"));
            const messages = rejections.map(String).join("\n");
            assert.match(messages, /BGP_PASSWORD entry "\[hidden\]": the password must be printable ASCII/);
            assert.ok(!messages.includes(bad), messages);
        });

        it("fails at plan time on BGP settings the image would refuse (same ASN both sides)", async () => {
            const { resources, rejections } = await mockRun(
                () => new QuaggaRouter("router", { ...bgpBase, routing: { ...routing, hostAsn: 64512 } }),
            );
            assert.ok(
                !resources.some((r) => r.type === "kubernetes:apps/v1:DaemonSet"),
                "no DaemonSet with bad settings",
            );
            assert.match(rejections.map(String).join("\n"), /BGP_PEER_ASN entry "64512": must differ from BGP_ASN/);
        });

        it("refuses bgp without networks, and a bgpPassword or networks in static mode", async () => {
            await mockRun(() => {
                assert.throws(() => new QuaggaRouter("r1", { ...base, routing }), /routing bgp needs the networks/);
                assert.throws(
                    () => new QuaggaRouter("r2", { ...base, bgpPassword: "Abc-12345" }),
                    /only for routing bgp/,
                );
                assert.throws(
                    () => new QuaggaRouter("r3", { ...base, routing: { mode: "static" }, networks }),
                    /only for routing bgp/,
                );
            });
        });
    });
});
