// Issue 11 on the OpenStack side: the routing keys refused at the edge with exact messages, and
// the k8s-cluster and swarm-cluster plans in bgp mode (routerCount 2 and 3) under the mock
// runtime: router nodes, labels, address pairs, security rules, the hosts' FRR by cloud-init.
// Every user-data of these plans goes through the real `cloud-init schema` and every frr.conf
// in them through the real `vtysh -C`; missing tools fail, never skip. Static plans are held
// unchanged by the existing k8s/swarm tests and by the plan comparison in this file.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { planStacks, PlannedResource, reveal, revealedInputs, StackPlan } from "../../harness/plan";
import { mockId } from "../../harness/mocks";
import { PLACEHOLDER_SSH_PUBLIC_KEY, SECRET_PLACEHOLDERS } from "../../harness/stack-files";
import { ConfigReader, mapConfigSource } from "../../lib/config-reader";
import { ECMP_SYSCTL_CONTENT, ECMP_SYSCTL_PATH } from "../../lib/cloud-init";
import { DEBIAN_FRR_VERSION, FRR_CONF_PATH, FRR_DAEMONS_PATH } from "../../lib/frr-host";
import { ROUTER_NODE_LABEL_ARG } from "../../lib/labels";
import { K8sExistingConfig, K8sOpenStackConfig, readK8sClusterConfig } from "../../stacks/k8s-cluster/config";
import { CLUSTER_LEG_NETWORK_FILE } from "../../stacks/swarm-cluster/cloud-init";
import { named, ofType } from "../fixtures/plan-lookup";
import { cloudInitSchema, runTool } from "../fixtures/real-tools";

const KEY = `${PLACEHOLDER_SSH_PUBLIC_KEY} me@example`;
const k8sBase = {
    role: "k8s-cluster",
    externalNetwork: "public",
    adminCidr: "198.51.100.0/24",
    sshPublicKey: KEY,
    sshPrivateKey: SECRET_PLACEHOLDERS.sshPrivateKey,
};
const existingBase = {
    ...k8sBase,
    target: "existing",
    kubeconfig: "k",
    routerHost: "10.100.101.5",
    apacheIps: ["10.100.102.10"],
};
const read = (over: Record<string, unknown>) =>
    readK8sClusterConfig(new ConfigReader(mapConfigSource({ ...k8sBase, ...over })));
const readExisting = (over: Record<string, unknown>) =>
    readK8sClusterConfig(new ConfigReader(mapConfigSource({ ...existingBase, ...over }))) as K8sExistingConfig;
const fails = (fn: () => unknown, message: string) =>
    assert.throws(fn, (e: Error) => (assert.strictEqual(e.message, message), true));

describe("routing keys at the edge", () => {
    it("defaults: static routing, one router, nothing else", () => {
        const c = read({}) as K8sOpenStackConfig;
        assert.deepStrictEqual([c.routing, c.routerCount, c.bgpPassword], [{ mode: "static" }, 1, undefined]);
    });

    it("bgp: typed ASNs and BFD timers, defaults 64512/64513 and 300 ms x 3", () => {
        const c = read({ routing: "bgp", routerCount: 3 }) as K8sOpenStackConfig;
        assert.deepStrictEqual(c.routing, {
            mode: "bgp",
            routerAsn: 64512,
            hostAsn: 64513,
            bfd: { intervalMs: 300, multiplier: 3 },
        });
        assert.strictEqual(c.routerCount, 3);
        const d = read({
            routing: "bgp",
            bgpRouterAsn: 4200000000,
            bgpHostAsn: 65534,
            bfdIntervalMs: 50,
            bfdMultiplier: 5,
        }) as K8sOpenStackConfig;
        assert.deepStrictEqual(d.routing, {
            mode: "bgp",
            routerAsn: 4200000000,
            hostAsn: 65534,
            bfd: { intervalMs: 50, multiplier: 5 },
        });
    });

    it("bgpPassword comes back as a secret Output in bgp mode, and is dropped in static mode", async () => {
        const c = read({ routing: "bgp", bgpPassword: "Zq9-secret" }) as K8sOpenStackConfig;
        assert.ok(c.bgpPassword && (await pulumi.isSecret(c.bgpPassword)));
        assert.strictEqual(read({ bgpPassword: "Zq9-secret" }).bgpPassword, undefined);
    });

    const bad: [string, Record<string, unknown>, string][] = [
        ["routing ospf", { routing: "ospf" }, 'hybrid-vnf:routing: "ospf" is not one of: static, bgp'],
        ["routerCount 0", { routing: "bgp", routerCount: 0 }, "hybrid-vnf:routerCount: 0 is out of range 1-3"],
        ["routerCount 4", { routing: "bgp", routerCount: 4 }, "hybrid-vnf:routerCount: 4 is out of range 1-3"],
        [
            "routerCount two",
            { routing: "bgp", routerCount: "two" },
            'hybrid-vnf:routerCount: "two" is not a whole number',
        ],
        [
            "routerCount 2 with static routing",
            { routerCount: 2 },
            "hybrid-vnf:routerCount: 2 needs hybrid-vnf:routing bgp: with static routing the hosts' routes point at one router",
        ],
        [
            "a public router AS",
            { routing: "bgp", bgpRouterAsn: 65535 },
            "hybrid-vnf:bgpRouterAsn: 65535 is not a private AS number (RFC 6996: 64512-65534 or 4200000000-4294967294)",
        ],
        [
            "a public host AS",
            { routing: "bgp", bgpHostAsn: 13335 },
            "hybrid-vnf:bgpHostAsn: 13335 is not a private AS number (RFC 6996: 64512-65534 or 4200000000-4294967294)",
        ],
        [
            "an AS beyond 32 bits",
            { bgpHostAsn: 4294967295 },
            "hybrid-vnf:bgpHostAsn: 4294967295 is out of range 1-4294967294",
        ],
        [
            "an AS that is no number",
            { bgpRouterAsn: "AS64512" },
            'hybrid-vnf:bgpRouterAsn: "AS64512" is not a whole number',
        ],
        [
            "the same AS both sides",
            { routing: "bgp", bgpRouterAsn: 64600, bgpHostAsn: 64600 },
            "hybrid-vnf:bgpHostAsn: 64600 equals hybrid-vnf:bgpRouterAsn; the routers and the hosts need different AS numbers (eBGP)",
        ],
        ["BFD interval 9", { bfdIntervalMs: 9 }, "hybrid-vnf:bfdIntervalMs: 9 is out of range 10-60000"],
        ["BFD interval 60001", { bfdIntervalMs: 60001 }, "hybrid-vnf:bfdIntervalMs: 60001 is out of range 10-60000"],
        ["BFD interval 0.5", { bfdIntervalMs: 0.5 }, 'hybrid-vnf:bfdIntervalMs: "0.5" is not a whole number'],
        ["BFD multiplier 1", { bfdMultiplier: 1 }, "hybrid-vnf:bfdMultiplier: 1 is out of range 2-255"],
        ["BFD multiplier 256", { bfdMultiplier: 256 }, "hybrid-vnf:bfdMultiplier: 256 is out of range 2-255"],
    ];
    for (const [what, over, message] of bad) it(`refuses ${what}`, () => fails(() => read(over), message));

    describe("bgpPassword: the key and the reason, never the value", () => {
        const secretCases: [string, string][] = [
            ["two words", "must be printable ASCII without spaces (one word in FRR's config)"],
            ["x".repeat(81), "must be 1-80 characters (Linux TCP-MD5 key length)"],
            ["-leading-dash", "must start with a letter or digit"],
        ];
        for (const [value, reason] of secretCases) {
            it(`refuses a password that ${reason}`, () =>
                assert.throws(
                    () => read({ routing: "bgp", bgpPassword: value }),
                    (e: Error) => (
                        assert.strictEqual(e.message, `hybrid-vnf:bgpPassword: "[secret]" ${reason}`),
                        assert.ok(!e.message.includes(value)),
                        true
                    ),
                ));
        }
    });

    describe("existing target: routerHosts", () => {
        it("defaults to [routerHost]", () => assert.deepStrictEqual(readExisting({}).routerHosts, ["10.100.101.5"]));
        it("lists every router, routerHost first; routerHost may be left out", () => {
            const c = readExisting({
                routing: "bgp",
                routerHost: undefined,
                routerHosts: ["10.100.101.7", "10.100.101.8"],
            });
            assert.deepStrictEqual([c.routerHost, c.routerHosts], ["10.100.101.7", ["10.100.101.7", "10.100.101.8"]]);
        });
        const bads: [string, Record<string, unknown>, string][] = [
            [
                "outside clusterCidr",
                { routing: "bgp", routerHosts: ["10.100.101.5", "10.9.9.9"] },
                'hybrid-vnf:routerHosts: "10.9.9.9" is not inside hybrid-vnf:clusterCidr 10.100.101.0/24',
            ],
            [
                "four routers",
                { routing: "bgp", routerHosts: ["10.100.101.5", "10.100.101.6", "10.100.101.7", "10.100.101.8"] },
                'hybrid-vnf:routerHosts: ["10.100.101.5","10.100.101.6","10.100.101.7","10.100.101.8"] must list 1-3 addresses',
            ],
            [
                "a malformed address",
                { routing: "bgp", routerHosts: ["10.100.101.5", "10.100.101.256"] },
                'hybrid-vnf:routerHosts: "10.100.101.256" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)',
            ],
            [
                "not starting with routerHost",
                { routing: "bgp", routerHosts: ["10.100.101.6", "10.100.101.5"] },
                'hybrid-vnf:routerHosts: ["10.100.101.6","10.100.101.5"] does not start with hybrid-vnf:routerHost 10.100.101.5 (routerHost is the first router)',
            ],
            [
                "two routers with static routing",
                { routerHosts: ["10.100.101.5", "10.100.101.6"] },
                'hybrid-vnf:routerHosts: ["10.100.101.5","10.100.101.6"] needs hybrid-vnf:routing bgp: with static routing the hosts\' routes point at one router',
            ],
        ];
        for (const [what, over, message] of bads)
            it(`refuses routerHosts ${what}`, () => fails(() => readExisting(over), message));
    });
});

// --- plans in bgp mode ---

const T = {
    port: "openstack:networking/port:Port",
    rule: "openstack:networking/secGroupRule:SecGroupRule",
    group: "openstack:networking/secGroup:SecGroup",
    subnet: "openstack:networking/subnet:Subnet",
    instance: "openstack:compute/instance:Instance",
};
const real = (p: StackPlan, r: PlannedResource) => revealedInputs(p, r) as Record<string, any>;
const cloudConfigOf = (p: StackPlan, name: string) =>
    parseYaml(String(real(p, named(p, name)).userData)) as Record<string, any>;
const fileOf = (cc: Record<string, any>, p: string): string | undefined =>
    (cc.write_files ?? []).find((f: any) => f.path === p)?.content;
/** The security rules of a plan, by the name suffix after `<stack prefix>-sg-`. */
const rulesOf = (p: StackPlan, prefix: string) =>
    Object.fromEntries(ofType(p, T.rule).map((r) => [r.name.slice(`${prefix}-sg-`.length), real(p, r)])) as Record<
        string,
        Record<string, any>
    >;

/** The rules of the static k8s-dev plan, by name: bgp mode only adds. */
const STATIC_RULES = [
    "nodes-ssh-admin",
    "nodes-api-admin",
    "nodes-intra-cluster",
    "router-transit-http-swarm",
    "router-transit-http-cluster",
    "apache-http-cluster",
    "apache-http-swarm",
];

const BGP2 = { "hybrid-vnf:routing": "bgp", "hybrid-vnf:routerCount": 2 };
const BGP3 = {
    "hybrid-vnf:routing": "bgp",
    "hybrid-vnf:routerCount": 3,
    "hybrid-vnf:bgpPassword": "Zq9-md5-key",
    "hybrid-vnf:bfdIntervalMs": 100,
    "hybrid-vnf:bfdMultiplier": 4,
    "hybrid-vnf:workerCount": 1,
};

describe("k8s-cluster and swarm-cluster plans in bgp mode", () => {
    const variants: [string, Record<string, unknown>, number][] = [
        ["routerCount 2", BGP2, 2],
        ["routerCount 3, password, 100 ms x 4, one worker", BGP3, 3],
    ];
    const plans: { label: string; k8s: StackPlan; swarm: StackPlan; count: number }[] = [];
    before(async () => {
        for (const [label, over, count] of variants) {
            const [k8s] = await planStacks(["k8s-dev"], { overrides: { "k8s-dev": over } });
            const [swarm] = await planStacks(["swarm-dev"], { previous: [k8s] });
            plans.push({ label, k8s, swarm, count });
        }
    });

    for (const [vi, [label, over, count]] of variants.entries()) {
        describe(label, () => {
            const k8s = () => plans[vi].k8s;
            const swarm = () => plans[vi].swarm;
            const routerNodes = () => [
                named(k8s(), "k8s-router-node"),
                ...Array.from({ length: count - 1 }, (_, i) => named(k8s(), `k8s-router-${i + 2}`)),
            ];
            const clusterPortName = (i: number) =>
                i === 0 ? "k8s-router-cluster-port" : `k8s-router-${i + 1}-cluster-port`;
            const apachePortName = (i: number) =>
                i === 0 ? "k8s-router-apache-port" : `k8s-router-${i + 1}-apache-port`;
            const apacheLegs = () => Array.from({ length: count }, (_, i) => `10.100.102.${2 + i}`);

            it(`${count} router nodes, each labelled ${ROUTER_NODE_LABEL_ARG} by k3s, with legs on both networks`, () => {
                const nodes = routerNodes();
                assert.strictEqual(nodes.length, count);
                for (const [i, node] of nodes.entries()) {
                    const inputs = real(k8s(), node);
                    assert.deepStrictEqual(
                        inputs.networks.map((n: any) => n.port),
                        [mockId(T.port, clusterPortName(i)), mockId(T.port, apachePortName(i))],
                        `${node.name}: cluster leg first, then Apache leg`,
                    );
                    const cc = parseYaml(String(inputs.userData));
                    const k3s = parseYaml(fileOf(cc, "/etc/rancher/k3s/config.yaml")!);
                    assert.deepStrictEqual(k3s["node-label"], [ROUTER_NODE_LABEL_ARG], node.name);
                    if (i > 0)
                        assert.strictEqual(
                            k3s.server,
                            `https://${k8s().outputs.routerHost}:6443`,
                            `${node.name} joins the first router`,
                        );
                    assert.ok(
                        Object.keys(cc.write_files.reduce((a: any, f: any) => ({ ...a, [f.path]: 1 }), {})).some((p) =>
                            p.endsWith("-eth1.link"),
                        ),
                        `${node.name} pins eth1`,
                    );
                }
                const workers = ofType(k8s(), T.instance).filter((r) => /worker/.test(r.name));
                for (const w of workers)
                    assert.deepStrictEqual(
                        parseYaml(fileOf(parseYaml(String(real(k8s(), w).userData)), "/etc/rancher/k3s/config.yaml")!)[
                            "node-label"
                        ],
                        ["role=worker"],
                    );
            });

            it("every router's ports carry the forwarding address pairs; Apache legs are .2, .3, .4 in order", () => {
                for (let i = 0; i < count; i++) {
                    const c = real(k8s(), named(k8s(), clusterPortName(i)));
                    const a = real(k8s(), named(k8s(), apachePortName(i)));
                    assert.deepStrictEqual(c.allowedAddressPairs, [{ ipAddress: "10.100.102.0/24" }]);
                    assert.deepStrictEqual(a.allowedAddressPairs, [
                        { ipAddress: "10.100.100.0/24" },
                        { ipAddress: "10.100.101.0/24" },
                    ]);
                    assert.strictEqual(a.fixedIps[0].ipAddress, apacheLegs()[i]);
                }
            });

            it("exports routerHosts (routerHost first), the typed routing, and the password as a secret", () => {
                const out = k8s().outputs as Record<string, any>;
                assert.strictEqual(out.routerHosts.length, count);
                assert.strictEqual(out.routerHosts[0], out.routerHost);
                assert.strictEqual(new Set(out.routerHosts).size, count);
                assert.deepStrictEqual(out.routing, {
                    mode: "bgp",
                    routerAsn: 64512,
                    hostAsn: 64513,
                    bfd: {
                        intervalMs: Number(over["hybrid-vnf:bfdIntervalMs"] ?? 300),
                        multiplier: Number(over["hybrid-vnf:bfdMultiplier"] ?? 3),
                    },
                });
                assert.strictEqual(out.bgpPassword, "[secret]");
                assert.strictEqual(reveal(k8s()).outputs.bgpPassword, over["hybrid-vnf:bgpPassword"] ?? "");
            });

            it("opens BGP 179/tcp and BFD 3784-3785/udp exactly where the sessions run", () => {
                const rules = rulesOf(k8s(), "k8s");
                const routing = Object.entries(rules).filter(
                    ([, r]) => r.portRangeMin === 179 || r.portRangeMin === 3784,
                );
                const compact = Object.fromEntries(
                    routing.map(([k, r]) => [
                        k,
                        [
                            r.protocol,
                            r.portRangeMin,
                            r.portRangeMax,
                            r.remoteIpPrefix ?? `group:${r.remoteGroupId}`,
                            r.securityGroupId,
                        ],
                    ]),
                );
                const g = (key: string) => mockId(T.group, `k8s-sg-${key}`);
                assert.deepStrictEqual(compact, {
                    "router-transit-bgp-cluster": ["tcp", 179, 179, "10.100.101.0/24", g("router-transit")],
                    "router-transit-bfd-cluster": ["udp", 3784, 3785, "10.100.101.0/24", g("router-transit")],
                    "router-apache-leg-bgp-apache": ["tcp", 179, 179, `group:${g("apache")}`, g("router-apache-leg")],
                    "router-apache-leg-bfd-apache": ["udp", 3784, 3785, `group:${g("apache")}`, g("router-apache-leg")],
                    "apache-bfd-routers": ["udp", 3784, 3785, `group:${g("router-apache-leg")}`, g("apache")],
                });
                // ECMP may return a reply by another router than its request: its Apache leg admits replies to the ephemeral ports only.
                const replies = rules["router-apache-leg-replies-apache"];
                assert.deepStrictEqual(
                    [replies.protocol, replies.portRangeMin, replies.portRangeMax, replies.remoteGroupId],
                    ["tcp", 32768, 60999, g("apache")],
                );
                const added = Object.keys(rules).filter((k) => !STATIC_RULES.includes(k));
                assert.deepStrictEqual(
                    added.sort(),
                    [...Object.keys(compact), "router-apache-leg-replies-apache"].sort(),
                    "no other rule than these",
                );
                const swarmRules = rulesOf(swarm(), "swarm");
                const swarmRouting = Object.entries(swarmRules).filter(
                    ([, r]) => r.portRangeMin === 179 || r.portRangeMin === 3784,
                );
                assert.deepStrictEqual(
                    swarmRouting.map(([k, r]) => [
                        k,
                        r.protocol,
                        r.portRangeMin,
                        r.portRangeMax,
                        r.remoteIpPrefix,
                        r.securityGroupId,
                    ]),
                    [
                        [
                            "cluster-leg-bfd-from-routers",
                            "udp",
                            3784,
                            3785,
                            "10.100.101.0/24",
                            mockId(T.group, "swarm-sg-cluster-leg"),
                        ],
                    ],
                );
            });

            it("the Apache subnet has no host route via one router; each Apache VM runs FRR peering with every router's Apache leg", () => {
                assert.deepStrictEqual(real(k8s(), named(k8s(), "k8s-apache-subnet")).hostRoutes ?? [], []);
                for (const vm of ofType(k8s(), T.instance).filter((r) => /apache/.test(r.name))) {
                    const cc = cloudConfigOf(k8s(), vm.name);
                    assert.deepStrictEqual(cc.packages, ["apache2", ["frr", DEBIAN_FRR_VERSION]]);
                    const conf = fileOf(cc, FRR_CONF_PATH)!;
                    assert.match(fileOf(cc, FRR_DAEMONS_PATH)!, /^bfdd=yes$/m);
                    assert.deepStrictEqual(
                        [...conf.matchAll(/^ neighbor (\S+) peer-group ROUTERS$/gm)].map((m) => m[1]),
                        apacheLegs(),
                    );
                    assert.deepStrictEqual(
                        [...conf.matchAll(/^ip prefix-list FROM-ROUTERS seq \d+ permit (\S+)$/gm)].map((m) => m[1]),
                        ["10.100.101.0/24", "10.100.100.0/24"],
                    );
                    assert.match(conf, new RegExp(`^  maximum-paths ${count}$`, "m"));
                    assert.ok(
                        vm.inputs.userData === "[secret]" || over["hybrid-vnf:bgpPassword"] === undefined,
                        "user-data with the password is secret",
                    );
                    assert.strictEqual(
                        fileOf(cc, ECMP_SYSCTL_PATH),
                        ECMP_SYSCTL_CONTENT,
                        "replies hash over the routers by the 5-tuple",
                    );
                }
            });

            it("swarm hosts: FRR over eth1 to every routerHosts address, the Apache network only, no static route", () => {
                const out = k8s().outputs as Record<string, any>;
                for (const node of ofType(swarm(), T.instance)) {
                    assert.strictEqual(node.inputs.userData, "[secret]", "user-data in bgp mode may hold the password");
                    const cc = cloudConfigOf(swarm(), node.name);
                    assert.deepStrictEqual(
                        cc.packages.map((p: string[]) => p[0]),
                        ["docker.io", "frr"],
                    );
                    assert.doesNotMatch(fileOf(cc, CLUSTER_LEG_NETWORK_FILE)!, /^\[Route\]$|^Gateway=/m);
                    const conf = fileOf(cc, FRR_CONF_PATH)!;
                    assert.deepStrictEqual(
                        [...conf.matchAll(/^ neighbor (\S+) peer-group ROUTERS$/gm)].map((m) => m[1]),
                        out.routerHosts,
                    );
                    assert.deepStrictEqual(
                        [...conf.matchAll(/^ip prefix-list FROM-ROUTERS seq \d+ permit (\S+)$/gm)].map((m) => m[1]),
                        ["10.100.102.0/24"],
                    );
                    assert.match(conf, new RegExp(`^  maximum-paths ${count}$`, "m"));
                    const password = over["hybrid-vnf:bgpPassword"];
                    if (password) assert.match(conf, new RegExp(`^ neighbor ROUTERS password ${password}$`, "m"));
                    else assert.doesNotMatch(conf, /password/);
                    assert.ok(cc.runcmd.some((c: string[]) => c.join(" ") === "apt-mark hold frr"));
                    assert.strictEqual(
                        fileOf(cc, ECMP_SYSCTL_PATH),
                        ECMP_SYSCTL_CONTENT,
                        "the LB's flows hash over the routers by the 5-tuple",
                    );
                    assert.ok(cc.runcmd.some((c: string[]) => c.join(" ") === "sysctl --system"));
                }
            });
        });
    }

    describe("real tools on every rendered document of the bgp plans", () => {
        let tmp: string;
        let n = 0;
        before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "routing-bgp-"))));
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));
        const write = (text: string) => {
            const f = path.join(tmp, `doc-${n++}`);
            fs.writeFileSync(f, text, { mode: 0o600 });
            return f;
        };

        it("negative controls: the tools reject a broken user-data and a broken frr.conf", () => {
            assert.notStrictEqual(cloudInitSchema(write("#cloud-config\npackages: {frr: yes}\n")).status, 0);
            assert.notStrictEqual(
                runTool("vtysh", ["-C", "-f", write("router bgp 64513\n neighbor ROUTERS bfd profile\n")]).status,
                0,
            );
        });

        it("cloud-init schema accepts every user-data, vtysh -C every frr.conf in them", () => {
            let users = 0;
            let frrs = 0;
            for (const p of plans.flatMap((x) => [x.k8s, x.swarm])) {
                for (const vm of ofType(p, T.instance)) {
                    const text = String(real(p, vm).userData);
                    const r = cloudInitSchema(write(text));
                    assert.strictEqual(r.status, 0, `${p.stack} ${vm.name}: ${r.out}`);
                    assert.doesNotMatch(r.out, /deprecations?:[ \t]*\S/i, `${vm.name}: ${r.out}`);
                    users++;
                    const conf = fileOf(parseYaml(text), FRR_CONF_PATH);
                    if (conf === undefined) continue;
                    const v = runTool("vtysh", ["-C", "-f", write(conf)]);
                    assert.strictEqual(v.status, 0, `${p.stack} ${vm.name} frr.conf: ${v.out}`);
                    frrs++;
                }
            }
            // routerCount 2: 2 routers + 2 Apache; routerCount 3: 3 routers + 1 worker + 2 Apache; 2 swarm nodes each.
            assert.deepStrictEqual([users, frrs], [4 + 6 + 2 * 2, 4 + 4]);
        });
    });
});

describe("static plans keep today's design", () => {
    it("k8s-dev and swarm-dev: one router node, the Apache host routes and eth1 static route, no BGP/BFD rule, no FRR", async () => {
        const [k8s, swarm] = await planStacks(["k8s-dev", "swarm-dev"]);
        assert.deepStrictEqual(
            ofType(k8s, T.instance)
                .filter((r) => /router/.test(r.name))
                .map((r) => r.name),
            ["k8s-router-node"],
        );
        assert.deepStrictEqual(
            real(k8s, named(k8s, "k8s-apache-subnet")).hostRoutes.map((h: any) => h.nextHop),
            ["10.100.102.2", "10.100.102.2"],
        );
        for (const p of [k8s, swarm]) {
            assert.ok(
                !ofType(p, T.rule).some((r) => [179, 3784].includes(real(p, r).portRangeMin)),
                `${p.stack}: no BGP/BFD rule`,
            );
            for (const vm of ofType(p, T.instance))
                assert.doesNotMatch(String(real(p, vm).userData), /frr|fib_multipath_hash_policy/, vm.name);
        }
        for (const node of ofType(swarm, T.instance))
            assert.match(fileOf(cloudConfigOf(swarm, node.name), CLUSTER_LEG_NETWORK_FILE)!, /^\[Route\]$/m);
        assert.deepStrictEqual((k8s.outputs as any).routing, { mode: "static" });
    });
});
