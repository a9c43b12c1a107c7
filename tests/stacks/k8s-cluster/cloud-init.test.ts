// Every VM's user-data in the k8s-cluster plans, validated by the real `cloud-init schema`
// (Debian package cloud-init). A missing tool fails the test, never skips it; a broken
// document is shown to be rejected, so a passing run means the validator really looked.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { revealedInputs } from "../../../harness/plan";
import { backendOf, renderApachePage } from "../../../lib/apache-page";
import { ECMP_SYSCTL_PATH, serializeCloudConfig } from "../../../lib/cloud-init";
import {
    k3sInstallerUrl,
    APACHE_PAGE_PATH,
    renderApacheUserData,
    renderK3sAgentUserData,
    renderK3sServerUserData,
    routerLegNetwork,
    routerLegNetworkPath,
    SYSCTL_CONTENT,
} from "../../../stacks/k8s-cluster/cloud-init";
import { planDefault, planVariant } from "../../fixtures/k8s-plans";
import { cloudInitSchema } from "../../fixtures/real-tools";

const LEGS = { clusterMac: "fa:16:3e:00:00:0a", apacheMac: "fa:16:3e:00:00:0b" };

describe("cloud-init user-data of the k8s-cluster VMs", () => {
    let tmp: string;
    let n = 0;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-cloud-init-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const schema = (text: string) => {
        const file = path.join(tmp, `user-data-${n++}.yaml`);
        fs.writeFileSync(file, text, { mode: 0o600 });
        return cloudInitSchema(file);
    };
    const assertValid = (label: string, text: string) => {
        const r = schema(text);
        assert.strictEqual(
            r.status,
            0,
            `${label}: cloud-init schema rejected it:\n${r.out}\n--- user-data ---\n${text}`,
        );
        assert.match(r.out, /Valid cloud-config/, `${label}: ${r.out}`);
        assert.doesNotMatch(r.out, /deprecations?:[ \t]*\S/i, `${label}: uses deprecated keys:\n${r.out}`);
    };

    it("negative control: cloud-init schema rejects a broken cloud-config", () => {
        const broken = serializeCloudConfig({
            packages: { apache2: true },
            write_files: [{ content: "no path" }],
            runcmd: "not a list",
        });
        const r = schema(broken);
        assert.notStrictEqual(r.status, 0, `cloud-init accepted a broken document:\n${r.out}`);
        assert.match(r.out, /schema errors/i);
    });

    for (const [label, planOf] of [
        ["example stack k8s-dev", planDefault],
        ["variant (1 worker, 3 Apache)", planVariant],
    ] as const) {
        it(`${label}: every VM's user-data is valid cloud-config`, async function () {
            const { plan } = await planOf();
            const vms = plan.resources.filter((r) => r.type === "openstack:compute/instance:Instance");
            assert.ok(vms.length >= 3, `found ${vms.length} VMs`);
            for (const vm of vms) {
                // Secret user-data (the workers' join token) is validated by its real value.
                const text = String(revealedInputs(plan, vm).userData);
                assert.ok(text.startsWith("#cloud-config\n"), `${vm.name}: starts with #cloud-config`);
                assertValid(vm.name, text);
            }
        });
    }

    it("the renderers alone produce valid cloud-config", () => {
        const common = { hostname: "h", k3sVersion: "v1.31.6+k3s1", nodeLabels: ["role=router"] };
        assertValid("server", renderK3sServerUserData({ ...common, tlsSans: ["203.0.113.5"], legs: LEGS }));
        assertValid(
            "agent",
            renderK3sAgentUserData({ ...common, serverUrl: "https://10.0.0.5:6443", token: "K10abc::server:def" }),
        );
        assertValid("apache", renderApacheUserData({ hostname: "web-1", ip: "10.0.2.10" }));
        assertValid(
            "router agent",
            renderK3sAgentUserData({
                ...common,
                serverUrl: "https://10.0.0.5:6443",
                token: "K10abc::server:def",
                legs: LEGS,
            }),
        );
        assertValid("apache with FRR", renderApacheUserData({ hostname: "web-1", ip: "10.0.2.10", frr: APACHE_FRR }));
    });
});

const APACHE_FRR = {
    hostname: "web-1",
    routing: { mode: "bgp" as const, routerAsn: 64512, hostAsn: 64513, bfd: { intervalMs: 300, multiplier: 3 } },
    routerAddresses: ["10.0.2.2", "10.0.2.3"],
    importPrefixes: ["10.0.1.0/24", "10.0.0.0/24"],
    routerId: "10.0.2.10",
    password: "Zq9-md5",
};

describe("cloud-init renderers in bgp mode", () => {
    it("a router node after the first joins as an agent with both legs pinned before k3s is installed", () => {
        const doc = parseYaml(
            renderK3sAgentUserData({
                hostname: "r2",
                k3sVersion: "v1.31.6+k3s1",
                nodeLabels: ["role=router"],
                serverUrl: "https://10.0.0.5:6443",
                token: "t",
                legs: LEGS,
            }),
        );
        const paths = doc.write_files.map((f: any) => f.path);
        assert.ok(
            paths.includes("/etc/systemd/network/05-hybrid-vnf-eth0.link") &&
                paths.includes("/etc/systemd/network/05-hybrid-vnf-eth1.link"),
            paths.join(", "),
        );
        assert.match(doc.runcmd[1][2], /name eth1[\s\S]*k3s-install\.sh agent/);
    });

    it("an Apache VM gets FRR (pinned, deferred, held, restarted) besides Apache, and the page stays first", () => {
        const doc = parseYaml(renderApacheUserData({ hostname: "web-1", ip: "10.0.2.10", frr: APACHE_FRR }));
        assert.deepStrictEqual(doc.packages, ["apache2", ["frr", "8.4.4-1.1~deb12u2"]]);
        assert.deepStrictEqual(
            doc.write_files.map((f: any) => f.path),
            ["/var/www/html/index.html", ECMP_SYSCTL_PATH, "/etc/frr/daemons", "/etc/frr/frr.conf"],
        );
        assert.strictEqual(
            doc.write_files[1].content,
            "net.ipv4.fib_multipath_hash_policy = 1\n",
            "replies spread over the routers by the 5-tuple",
        );
        const conf: string = doc.write_files[3].content;
        assert.match(conf, /^ neighbor 10\.0\.2\.2 peer-group ROUTERS$/m);
        assert.match(conf, /^ neighbor ROUTERS password Zq9-md5$/m);
        assert.deepStrictEqual(
            doc.runcmd.map((c: string[]) => c.join(" ")),
            [
                "systemctl enable --now apache2",
                "sysctl --system",
                "apt-mark hold frr",
                "systemctl enable frr",
                "systemctl restart frr",
            ],
        );
    });

    it("without FRR the Apache user-data is what it always was", () => {
        const doc = parseYaml(renderApacheUserData({ hostname: "web-1", ip: "10.0.2.10" }));
        assert.deepStrictEqual(
            [doc.packages, doc.write_files.length, doc.runcmd],
            [["apache2"], 1, [["systemctl", "enable", "--now", "apache2"]]],
        );
        assert.doesNotMatch(
            JSON.stringify(doc),
            /fib_multipath_hash_policy|sysctl/,
            "no ECMP hashing without ECMP routes",
        );
    });
});

describe("cloud-init renderers", () => {
    it("serialize objects with the #cloud-config header and round-trip through YAML", () => {
        const text = renderK3sServerUserData({
            hostname: "r",
            k3sVersion: "v1.31.6+k3s1",
            tlsSans: ["203.0.113.5"],
            nodeLabels: ["role=router"],
            legs: LEGS,
        });
        assert.ok(text.startsWith("#cloud-config\n"));
        const doc = parseYaml(text);
        assert.strictEqual(doc.hostname, "r");
        const k3s = parseYaml(doc.write_files.find((f: any) => f.path === "/etc/rancher/k3s/config.yaml").content);
        assert.deepStrictEqual(k3s, {
            "write-kubeconfig-mode": "0600",
            "tls-san": ["203.0.113.5"],
            "node-label": ["role=router"],
            disable: ["traefik", "servicelb"],
        });
        assert.strictEqual(
            doc.write_files.find((f: any) => f.path.startsWith("/etc/sysctl.d/")).content,
            SYSCTL_CONTENT,
        );
        assert.deepStrictEqual(
            doc.runcmd[0],
            ["sysctl", "--system"],
            "forwarding is on before k3s starts and persists in sysctl.d",
        );
    });

    it("pin the router node's legs by MAC: eth0 the cluster port, eth1 the Apache port, before k3s is installed", () => {
        const doc = parseYaml(
            renderK3sServerUserData({
                hostname: "r",
                k3sVersion: "v1.31.6+k3s1",
                tlsSans: [],
                nodeLabels: [],
                legs: LEGS,
            }),
        );
        const content = (p: string) => doc.write_files.find((f: any) => f.path === p)?.content;
        assert.strictEqual(
            content("/etc/systemd/network/05-hybrid-vnf-eth0.link"),
            "[Match]\nMACAddress=fa:16:3e:00:00:0a\n\n[Link]\nName=eth0\n",
        );
        assert.strictEqual(
            content("/etc/systemd/network/05-hybrid-vnf-eth1.link"),
            "[Match]\nMACAddress=fa:16:3e:00:00:0b\n\n[Link]\nName=eth1\n",
        );
        assert.strictEqual(content(routerLegNetworkPath("eth0")), routerLegNetwork("cluster", LEGS.clusterMac));
        assert.strictEqual(content(routerLegNetworkPath("eth1")), routerLegNetwork("apache", LEGS.apacheMac));
        // One script: rename both, apply, wait, then install; `sh -e`, so a failed rename stops it.
        const last = doc.runcmd[doc.runcmd.length - 1];
        assert.deepStrictEqual(last.slice(0, 2), ["sh", "-ec"]);
        const steps = [
            /name eth0/,
            /name eth1/,
            /networkctl reload/,
            /networkctl reconfigure eth0 eth1/,
            /wait-online -i eth0:routable -i eth1:routable/,
            /install\.sh server$/,
        ];
        let at = -1;
        for (const step of steps) {
            const i = last[2].search(step);
            assert.ok(i > at, `${step} comes after the step before it in:\n${last[2]}`);
            at = i;
        }
        assert.throws(
            () =>
                renderK3sServerUserData({
                    hostname: "r",
                    k3sVersion: "v1.31.6+k3s1",
                    tlsSans: [],
                    nodeLabels: [],
                    legs: { clusterMac: LEGS.clusterMac, apacheMac: LEGS.clusterMac },
                }),
            /same MAC/,
        );
        assert.throws(
            () =>
                renderK3sServerUserData({
                    hostname: "r",
                    k3sVersion: "v1.31.6+k3s1",
                    tlsSans: [],
                    nodeLabels: [],
                    legs: { ...LEGS, apacheMac: "eth1" },
                }),
            /not a MAC/,
        );
    });

    it("keep the Apache leg's DHCP to the address: no gateway, no host routes, no DNS; the cluster leg takes them; both take the MTU", () => {
        const section = (text: string, name: string) => {
            const m = new RegExp(`^\\[${name}\\]\\n((?:[^\\[\\n].*\\n)*)`, "m").exec(text);
            assert.ok(m, `[${name}] in:\n${text}`);
            return m[1]
                .trim()
                .split("\n")
                .filter((l) => l && !l.startsWith("#"));
        };
        const apache = routerLegNetwork("apache", LEGS.apacheMac);
        assert.deepStrictEqual(section(apache, "Match"), ["MACAddress=fa:16:3e:00:00:0b"]);
        assert.deepStrictEqual(section(apache, "Network"), ["DHCP=ipv4"]);
        assert.deepStrictEqual(section(apache, "DHCPv4").sort(), [
            "UseDNS=false",
            "UseGateway=false",
            "UseMTU=true",
            "UseRoutes=false",
        ]);
        assert.doesNotMatch(apache, /^\[Route\]/m, "no static route either");
        const cluster = routerLegNetwork("cluster", LEGS.clusterMac);
        assert.deepStrictEqual(section(cluster, "Match"), ["MACAddress=fa:16:3e:00:00:0a"]);
        assert.deepStrictEqual(
            section(cluster, "DHCPv4"),
            ["UseMTU=true"],
            "gateway, routes and DNS from DHCP (networkd's defaults)",
        );
    });

    it("leave the agents' and Apache VMs' network to the image: no .link or .network files, no rename", () => {
        const agent = parseYaml(
            renderK3sAgentUserData({
                hostname: "w",
                k3sVersion: "v1.31.6+k3s1",
                serverUrl: "https://10.0.0.5:6443",
                token: "t",
                nodeLabels: [],
            }),
        );
        const apache = parseYaml(renderApacheUserData({ hostname: "a", ip: "10.0.2.10" }));
        for (const doc of [agent, apache]) {
            assert.ok(!doc.write_files.some((f: any) => f.path.startsWith("/etc/systemd/network/")));
            assert.doesNotMatch(JSON.stringify(doc.runcmd), /networkctl|ip link/);
        }
        assert.deepStrictEqual(agent.runcmd[1][1], "-c", "the agents' install command is unchanged");
    });

    it("pin the installer to the k3s tag and refuse non-versions", () => {
        assert.strictEqual(
            k3sInstallerUrl("v1.31.6+k3s1"),
            "https://raw.githubusercontent.com/k3s-io/k3s/v1.31.6%2Bk3s1/install.sh",
        );
        assert.throws(() => k3sInstallerUrl("latest; rm -rf /"), /not a k3s version/);
    });

    it("keep the agent's token only in the 0600 k3s config, not on a command line", () => {
        const text = renderK3sAgentUserData({
            hostname: "w",
            k3sVersion: "v1.31.6+k3s1",
            serverUrl: "https://10.0.0.5:6443",
            token: "K10secret::server:tok",
            nodeLabels: [],
        });
        const doc = parseYaml(text);
        assert.ok(!JSON.stringify(doc.runcmd).includes("K10secret"));
        const cfg = doc.write_files.find((f: any) => f.path === "/etc/rancher/k3s/config.yaml");
        assert.strictEqual(cfg.permissions, "0600");
        assert.strictEqual(parseYaml(cfg.content).token, "K10secret::server:tok");
    });

    it("write the Apache image's page (lib/apache-page.ts) naming the VM, which backendOf reads back", () => {
        const page = parseYaml(renderApacheUserData({ hostname: "web-1", ip: "10.0.2.10" })).write_files.find(
            (f: any) => f.path === APACHE_PAGE_PATH,
        );
        assert.strictEqual(page.content, renderApachePage("web-1", "10.0.2.10"));
        assert.strictEqual(backendOf(page.content), "web-1");
        assert.throws(
            () => renderApacheUserData({ hostname: "<b>", ip: "10.0.2.10" }),
            /BACKEND_NAME: invalid entry "<b>"/,
        );
    });
});
