// The boot harness's pure decisions: which guest a planned Instance is (ports, MACs, keys), its
// NoCloud seed, the DHCP server's leases and options, the expectations read from the user-data,
// and the checks' verdicts on outputs seen in real guests. No qemu, no root.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse } from "yaml";
import { PLACEHOLDER_SSH_PUBLIC_KEY, PROJECT_DIR } from "../../harness/stack-files";
import { frrFacts, peersFor } from "../../boot/bgp-peer";
import { renderApachePage } from "../../lib/apache-page";
import { candidateVersions, imageKey, IMAGE_PACKAGES, KERNEL_CMDLINE } from "../../boot/image";
import { parseBootArgs } from "../../boot/cli";
import {
    judgeAddresses,
    judgeCloudInit,
    judgeK3sDownload,
    judgeLinks,
    judgeMtu,
    judgePackage,
    judgePage,
    judgeRoute,
    judgeSysctls,
    checksFor,
    judgeNetworkStack,
    judgeFrrConfig,
    judgeSessions,
    judgeEcmpRoute,
} from "../../boot/checks";
import { expectations } from "../../boot/expectations";
import { bridgesFor, dnsmasqArgs, nftRuleset, tapsFor } from "../../boot/network";
import { plannedWithState } from "../../boot/plan-vms";
import { metaData, networkConfig, seedFiles, vendorData } from "../../boot/seed";
import { copyStackFiles, withPublicKey } from "../../boot/stack-copy";
import { judgeNodeList } from "../../boot/swarm";
import { assignAddresses, PlannedWithState, VmSpec, vmSpec } from "../../boot/vm-spec";

describe("boot: planned Instances as guests", function () {
    this.timeout(120000);
    let planned: PlannedWithState[];
    let manager: VmSpec;
    let worker: VmSpec;
    let router: VmSpec;
    let apache: VmSpec;
    before(async () => {
        planned = await plannedWithState(["k8s-dev", "swarm-dev"]);
        [manager, worker, router, apache] = [
            "swarm-manager-1",
            "swarm-worker-1",
            "k8s-router-node",
            "k8s-apache-1",
        ].map((n) => vmSpec(planned, n));
    });

    it("takes the Instance's exact user-data and its ports' MACs in port order", () => {
        const inst = planned.find((r) => r.name === "swarm-manager-1")!;
        assert.strictEqual(manager.userData, inst.inputs.userData);
        assert.deepStrictEqual(
            manager.nics.map((n) => n.port),
            ["swarm-manager-1-swarm-port", "swarm-manager-1-cluster-port"],
        );
        // The user-data pins eth1 to the cluster port's MAC: the same MAC the guest's second NIC gets.
        assert.ok(manager.userData.includes(`MACAddress=${manager.nics[1].mac}`));
        assert.strictEqual(manager.nics[0].fixedIp, "10.100.100.10");
        assert.strictEqual(manager.nics[1].fixedIp, undefined);
        assert.strictEqual(manager.kind, "swarm-host");
        assert.strictEqual(router.kind, "k3s-server");
        assert.strictEqual(apache.kind, "apache");
    });

    it("gives k8s VMs the stack keypair's public key (Nova's public-keys) and the swarm hosts none", () => {
        assert.deepStrictEqual(apache.publicKeys.length, 1);
        assert.ok(apache.publicKeys[0].startsWith("ssh-ed25519 "));
        assert.deepStrictEqual(manager.publicKeys, []);
    });

    it("names the Instances the plan has when asked for one it lacks", () => {
        assert.throws(
            () => vmSpec(planned, "swarm-manager-9"),
            /no Instance swarm-manager-9 in the plan; it has: .*swarm-manager-1/,
        );
    });

    it("gives unplanned ports distinct pool addresses and keeps planned ones", () => {
        const a = assignAddresses([manager, worker]);
        assert.strictEqual(a.get(manager.nics[0].mac), "10.100.100.10");
        assert.strictEqual(a.get(worker.nics[0].mac), "10.100.100.11");
        const cluster = [a.get(manager.nics[1].mac), a.get(worker.nics[1].mac)];
        assert.ok(cluster.every((ip) => ip?.startsWith("10.100.101.")));
        assert.notStrictEqual(cluster[0], cluster[1]);
    });

    it("seeds meta-data with instance-id and hostname, network-config as DHCP on every port by MAC, the proxy only in vendor-data", () => {
        const meta = parse(metaData(apache));
        assert.strictEqual(meta["instance-id"], apache.instanceId);
        assert.deepStrictEqual(meta["public-keys"], apache.publicKeys);
        const net = parse(networkConfig(router));
        assert.deepStrictEqual(
            net.config.map((c: any) => [c.name, c.mac_address, c.subnets[0].type]),
            [
                ["eth0", router.nics[0].mac, "dhcp4"],
                ["eth1", router.nics[1].mac, "dhcp4"],
            ],
        );
        const seed = seedFiles(manager, "http://10.100.100.1:3142");
        assert.strictEqual(seed["user-data"], manager.userData);
        assert.ok(!seed["user-data"].includes("3142"));
        assert.deepStrictEqual(parse(vendorData("http://10.100.100.1:3142")), {
            apt: { proxy: "http://10.100.100.1:3142" },
        });
    });

    it("serves each planned MAC its address, with MTU 1450, the gateway, and the Apache subnet's host routes", () => {
        const vms = [router, apache];
        const addresses = assignAddresses(vms);
        const bridges = bridgesFor(vms);
        assert.deepStrictEqual(
            bridges.map((b) => [b.name, b.hostIp]),
            [
                ["hvb-net0", "10.100.101.1"],
                ["hvb-net1", "10.100.102.1"],
            ],
        );
        const taps = vms.flatMap((vm, i) => tapsFor(i, vm, bridges, addresses));
        const args = dnsmasqArgs(bridges, taps, { pid: "p", log: "l", leases: "x" });
        assert.ok(args.includes(`--dhcp-host=${apache.nics[0].mac},10.100.102.10`));
        assert.ok(args.includes(`--dhcp-host=${router.nics[1].mac},10.100.102.2`));
        assert.ok(args.includes("--dhcp-option=tag:hvbnet1,option:mtu,1450"));
        assert.ok(
            args.includes(
                "--dhcp-option=tag:hvbnet1,option:classless-static-route,10.100.101.0/24,10.100.102.2,10.100.100.0/24,10.100.102.2,0.0.0.0/0,10.100.102.1",
            ),
        );
        assert.ok(args.includes("--port=0"), "DHCP only, no DNS");
        assert.ok(taps.every((t) => t.name.length <= 15));
    });

    it("reads what to expect from the user-data: pinned eth1, docker.io version and hold, the route", () => {
        const exp = expectations(manager, assignAddresses([manager]));
        assert.deepStrictEqual(exp.pinned, [{ mac: manager.nics[1].mac, name: "eth1" }]);
        assert.strictEqual(exp.hostname, "swarm-dev-manager-1");
        assert.match(exp.pinnedPackages["docker.io"], /^20\.10\./);
        assert.deepStrictEqual(exp.held, ["docker.io"]);
        assert.deepStrictEqual(exp.routes, [{ destination: "10.100.102.0/24", gateway: "10.100.101.10", dev: "eth1" }]);
        const r = expectations(router, assignAddresses([router]));
        assert.strictEqual(r.sysctls["net.ipv4.ip_forward"], "1");
        assert.match(r.k3sDownload ?? "", /^https:\/\/raw\.githubusercontent\.com\/k3s-io\/k3s\/.*\/install\.sh$/);
        assert.ok(checksFor({ kind: router.kind, exp: r, phase: "first boot" }).some((c) => c.name === "k3s download"));
        // As a booted router node showed it: the k3s runcmd failed on first boot, and after the
        // reboot cloud-init ran no per-instance step, so it ended done with no error.
        const cloudInit = (phase: "first boot" | "after reboot") =>
            checksFor({ kind: router.kind, exp: r, phase }).find((c) => c.name === "cloud-init done")!;
        const rebooted = `{"v1": {"errors": []}}\nstatus: done\n`;
        const k3sFailed = `{"v1": {"errors": ["('scripts-user', RuntimeError('Runparts: 1 failures (runcmd) in 1 attempted commands'))"]}}\nstatus: error\n`;
        const verdict = (phase: "first boot" | "after reboot", stdout: string) =>
            cloudInit(phase).judge({ code: 0, stdout, stderr: "" }).verdict;
        assert.deepStrictEqual(
            [
                verdict("first boot", k3sFailed),
                verdict("first boot", rebooted),
                verdict("after reboot", rebooted),
                verdict("after reboot", k3sFailed),
            ],
            ["pass", "fail", "pass", "fail"],
        );
        const a = expectations(apache, assignAddresses([apache]));
        assert.strictEqual(a.page?.content, renderApachePage("k8s-dev-apache-1", "10.100.102.10"));
    });
});

describe("boot: verdicts", () => {
    const resultJson = (errors: string[]) => JSON.stringify({ v1: { datasource: "DataSourceNoCloud", errors } });
    it("cloud-init: done and no errors passes; an error fails; only the k3s step's error passes for a k3s node", () => {
        assert.strictEqual(judgeCloudInit(`${resultJson([])}\nstatus: done\n`, false).verdict, "pass");
        assert.strictEqual(
            judgeCloudInit(`${resultJson(["('locale', ...)"])}\nstatus: error\n`, false).verdict,
            "fail",
        );
        assert.strictEqual(
            judgeCloudInit(
                `${resultJson(["('scripts_user', RuntimeError('Runparts: 1 failures'))"])}\nstatus: error\n`,
                true,
            ).verdict,
            "pass",
        );
        assert.strictEqual(
            judgeCloudInit(`${resultJson([])}\nstatus: done\n`, true).verdict,
            "fail",
            "k3s cannot have installed here",
        );
    });
    it("NIC names, addresses, MTU", () => {
        const links =
            "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\\    link/ether fa:16:3e:b1:36:21 brd ff:ff:ff:ff:ff:ff\n3: eth1: <BROADCAST> mtu 1500 qdisc x\\    link/ether fa:16:3e:ed:01:85 brd ff:ff:ff:ff:ff:ff";
        assert.strictEqual(judgeLinks(links, [{ mac: "fa:16:3e:ed:01:85", name: "eth1" }]).verdict, "pass");
        assert.strictEqual(judgeLinks(links, [{ mac: "fa:16:3e:ed:01:85", name: "eth0" }]).verdict, "fail");
        assert.strictEqual(judgeMtu(`${links}\nMTU=1450\n`, ["eth0", "eth1"], 1450).verdict, "fail", "eth1 has 1500");
        assert.strictEqual(
            judgeMtu(`${links.replace("mtu 1500", "mtu 1450")}\nMTU=1450\nMTU=1450\n`, ["eth0", "eth1"], 1450).verdict,
            "pass",
        );
        const addrs = "2: eth0    inet 10.100.100.10/24 metric 1024 brd 10.100.100.255 scope global dynamic eth0";
        assert.strictEqual(judgeAddresses(addrs, [{ name: "eth0", ip: "10.100.100.10" }]).verdict, "pass");
        assert.strictEqual(judgeAddresses(addrs, [{ name: "eth1", ip: "10.100.100.10" }]).verdict, "fail");
    });
    it("package pin and hold, route, page, sysctls, swarm node list", () => {
        assert.strictEqual(
            judgePackage(
                "docker.io\t20.10.24+dfsg1-1+deb12u1\n--holds--\ndocker.io\n",
                "docker.io",
                "20.10.24+dfsg1-1+deb12u1",
                true,
            ).verdict,
            "pass",
        );
        assert.strictEqual(
            judgePackage(
                "docker.io\t20.10.24+dfsg1-1+deb12u1\n--holds--\n",
                "docker.io",
                "20.10.24+dfsg1-1+deb12u1",
                true,
            ).verdict,
            "fail",
        );
        const route = { destination: "10.100.102.0/24", gateway: "10.100.101.10", dev: "eth1" };
        assert.strictEqual(
            judgeRoute("10.100.102.0/24 via 10.100.101.10 dev eth1 proto static\n", route).verdict,
            "pass",
        );
        assert.strictEqual(judgeRoute("", route).verdict, "fail");
        assert.strictEqual(
            judgePage(renderApachePage("k8s-dev-apache-1", "10.100.102.10"), "k8s-dev-apache-1", "10.100.102.10")
                .verdict,
            "pass",
        );
        assert.strictEqual(judgePage("<html>It works!</html>", "k8s-dev-apache-1", "10.100.102.10").verdict, "fail");
        assert.strictEqual(judgeSysctls("net.ipv4.ip_forward = 1\n", { "net.ipv4.ip_forward": "1" }).verdict, "pass");
        assert.strictEqual(judgeSysctls("net.ipv4.ip_forward = 0\n", { "net.ipv4.ip_forward": "1" }).verdict, "fail");
        assert.strictEqual(judgeNodeList("m Ready Leader\nw Ready \n", ["m", "w"]).verdict, "pass");
        assert.strictEqual(judgeNodeList("m Ready Leader\nw Down \n", ["m"]).verdict, "fail");
    });
    it("k3s: a failed download is 'needs the internet'; a k3s binary or another failure is a failure", () => {
        const url = "https://raw.githubusercontent.com/k3s-io/k3s/v1.31.4%2Bk3s1/install.sh";
        assert.strictEqual(judgeK3sDownload("Exit code: 6\n", url).verdict, "needs-internet");
        assert.strictEqual(judgeK3sDownload("k3s-present\nExit code: 6\n", url).verdict, "fail");
        assert.strictEqual(
            judgeK3sDownload("resolves\nExit code: 6\n", url).verdict,
            "fail",
            "a name that resolves is not a missing internet",
        );
        assert.strictEqual(judgeK3sDownload("Exit code: 1\n", url).verdict, "fail", "another step's failure");
        assert.strictEqual(judgeK3sDownload("", url).verdict, "fail");
    });
});

describe("boot: image, CLI and stack copy", () => {
    it("keys the image by package versions: a new version is a new image", () => {
        const policy = (v: string) =>
            IMAGE_PACKAGES.map(
                (p) => `${p}:\n  Installed: (none)\n  Candidate: ${p === "cloud-init" ? v : "1.0"}\n`,
            ).join("");
        const k1 = imageKey("r", candidateVersions(policy("22.4.2-1+deb12u4"), IMAGE_PACKAGES));
        const k2 = imageKey("r", candidateVersions(policy("22.4.2-1+deb12u5"), IMAGE_PACKAGES));
        assert.notStrictEqual(k1, k2);
        assert.throws(
            () => candidateVersions("cloud-init:\n  Candidate: (none)\n", ["cloud-init"]),
            /no candidate for cloud-init/,
        );
        assert.ok(
            IMAGE_PACKAGES.includes("netplan.io") &&
                IMAGE_PACKAGES.includes("systemd-resolved") &&
                IMAGE_PACKAGES.includes("locales"),
        );
        assert.match(KERNEL_CMDLINE, /net\.ifnames=0/);
    });
    it("tells stacks from VMs and knows down", () => {
        const isStack = (n: string) => n.endsWith("-dev");
        assert.deepStrictEqual(
            parseBootArgs(["k8s-dev", "swarm-dev", "swarm-manager-1", "--config-dir", "d"], isStack),
            {
                down: false,
                stacks: ["k8s-dev", "swarm-dev"],
                vms: ["swarm-manager-1"],
                configDir: "d",
                reboot: true,
                keep: false,
            },
        );
        assert.strictEqual(parseBootArgs(["down"], isStack).down, true);
        assert.throws(() => parseBootArgs(["k8s-dev"], isStack), /usage/);
    });
    it("the stack copy authorises the harness's key, its private half goes to the plan as an override", () => {
        const text = `config:\n  hybrid-vnf:role: k8s-cluster\n  hybrid-vnf:sshPublicKey: ${PLACEHOLDER_SSH_PUBLIC_KEY} x\n`;
        assert.deepStrictEqual(parse(withPublicKey(text, "ssh-ed25519 AAAA h")!).config, {
            "hybrid-vnf:role": "k8s-cluster",
            "hybrid-vnf:sshPublicKey": "ssh-ed25519 AAAA h",
        });
        assert.strictEqual(withPublicKey("config:\n  hybrid-vnf:role: service-chain\n", "k"), undefined);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boot-test-"));
        fs.writeFileSync(path.join(dir, "Pulumi.a.yaml"), text);
        fs.writeFileSync(path.join(dir, "Pulumi.b.yaml"), "config:\n  hybrid-vnf:role: service-chain\n");
        const copy = copyStackFiles(dir, { publicKey: "ssh-ed25519 AAAA h", privateKey: "PRIV\n" });
        assert.deepStrictEqual(copy.overrides, { a: { "hybrid-vnf:sshPrivateKey": "PRIV\n" } });
        assert.ok(!fs.readFileSync(path.join(copy.dir, "Pulumi.a.yaml"), "utf8").includes("PRIV"));
        fs.rmSync(dir, { recursive: true });
        fs.rmSync(copy.dir, { recursive: true });
        assert.match(nftRuleset(), /iifname "hvb\*" drop/);
    });
    it("networkd behind netplan: both must be seen", () => {
        const list =
            "  1 lo   loopback carrier    unmanaged\n  2 eth0 ether    routable   configured\n  3 eth1 ether    routable   configured\n";
        assert.strictEqual(judgeNetworkStack(`50-cloud-init.yaml\n${list}`, ["eth0", "eth1"]).verdict, "pass");
        assert.strictEqual(judgeNetworkStack(list, ["eth0"]).verdict, "fail");
        assert.strictEqual(
            judgeNetworkStack(`50-cloud-init.yaml\n${list.replace("routable   configured", "off unmanaged")}`, ["eth0"])
                .verdict,
            "fail",
        );
    });
});

describe("boot: FRR verdicts", () => {
    it("the rendered config must be running, each session Established with BFD up", () => {
        const frr = { routerBgp: "router bgp 64513", neighbors: ["10.100.102.2"], accepted: ["10.100.101.0/24"] };
        assert.strictEqual(
            judgeFrrConfig("router bgp 64513\n neighbor 10.100.102.2 peer-group ROUTERS\n", frr).verdict,
            "pass",
        );
        assert.strictEqual(judgeFrrConfig("router bgp 64513\n", frr).verdict, "fail");
        const up = `{"peers":{"10.100.102.2":{"state":"Established"}}}--bfd--[{"peer":"10.100.102.2","status":"up"}]`;
        assert.strictEqual(judgeSessions(up, frr.neighbors).verdict, "pass");
        assert.strictEqual(judgeSessions(up.replace('"up"', '"down"'), frr.neighbors).verdict, "fail");
        assert.strictEqual(
            judgeSessions(`{"peers":{"10.100.102.2":{"state":"Active"}}}--bfd--[]`, frr.neighbors).verdict,
            "fail",
        );
    });
});

describe("boot: ECMP over the routers", () => {
    // As a booted bgp Apache VM showed it (FRR 8.4.4, iproute2 6.1), two routers at .2 and .3.
    const seen = [
        "10.100.101.0/24 nhid 12 proto bgp metric 20 ",
        "\tnexthop via 10.100.102.2 dev eth0 weight 1 ",
        "\tnexthop via 10.100.102.3 dev eth0 weight 1 ",
    ].join("\n");
    const routers = ["10.100.102.2", "10.100.102.3"];
    it("passes a BGP route with a next hop via every router", () => {
        assert.strictEqual(judgeEcmpRoute(seen, "10.100.101.0/24", routers).verdict, "pass");
    });
    it("fails one next hop short, a static route, or none", () => {
        const one = "10.100.101.0/24 via 10.100.102.2 dev eth0 proto bgp metric 20 ";
        assert.strictEqual(judgeEcmpRoute(one, "10.100.101.0/24", ["10.100.102.2"]).verdict, "pass");
        assert.match(judgeEcmpRoute(one, "10.100.101.0/24", routers).evidence, /no next hop via 10\.100\.102\.3/);
        assert.strictEqual(
            judgeEcmpRoute(seen.replace("proto bgp", "proto static"), "10.100.101.0/24", routers).verdict,
            "fail",
        );
        assert.strictEqual(judgeEcmpRoute("", "10.100.101.0/24", routers).verdict, "fail");
        // 10.100.102.20 is not the router at 10.100.102.2.
        assert.strictEqual(
            judgeEcmpRoute(seen.replace("via 10.100.102.2 ", "via 10.100.102.20 "), "10.100.101.0/24", routers).verdict,
            "fail",
        );
    });
});

const BGP_VARIANT = path.join(PROJECT_DIR, "boot", "variants", "bgp");

describe("boot: the bgp variant (boot/variants/bgp)", function () {
    this.timeout(120000);
    it("is the dev stack files with the README's two bgp lines uncommented, nothing else", () => {
        for (const f of fs.readdirSync(BGP_VARIANT).filter((n) => n.endsWith(".yaml"))) {
            const dev = fs
                .readFileSync(path.join(PROJECT_DIR, "stacks", f), "utf8")
                .replace("  # hybrid-vnf:routing: bgp", "  hybrid-vnf:routing: bgp")
                .replace("  # hybrid-vnf:routerCount: 2", "  hybrid-vnf:routerCount: 2");
            assert.strictEqual(
                fs.readFileSync(path.join(BGP_VARIANT, f), "utf8"),
                dev,
                `${f} drifted from stacks/${f}`,
            );
        }
        assert.match(
            fs.readFileSync(path.join(BGP_VARIANT, "Pulumi.k8s-dev.yaml"), "utf8"),
            /^ {2}hybrid-vnf:routing: bgp$/m,
        );
    });

    it("gives the Apache VM the router image as peer at each router's address, with the frr.conf's AS numbers, BFD timers and accepted prefixes", async () => {
        const apache = vmSpec(await plannedWithState(["k8s-dev"], BGP_VARIANT), "k8s-apache-1");
        assert.strictEqual(apache.bgp, true);
        const conf = parse(apache.userData).write_files.find((f: any) => f.path === "/etc/frr/frr.conf").content;
        const facts = frrFacts(conf);
        assert.deepStrictEqual(
            [facts.hostAsn, facts.peerAsn, facts.neighbors],
            ["64513", "64512", ["10.100.102.2", "10.100.102.3"]],
        );
        const peers = peersFor([facts], bridgesFor([apache]));
        assert.deepStrictEqual(
            peers.map((p) => [
                p.name,
                p.ip,
                p.bridge.subnet.cidr,
                p.env.BGP_ASN,
                p.env.BGP_PEER_ASN,
                p.env.BGP_LISTEN_RANGES,
            ]),
            [
                ["hvb-peer0", "10.100.102.2", "10.100.102.0/24", "64512", "64513", "HOSTS=10.100.102.0/24"],
                ["hvb-peer1", "10.100.102.3", "10.100.102.0/24", "64512", "64513", "HOSTS=10.100.102.0/24"],
            ],
        );
        assert.strictEqual(peers[0].env.BGP_ANNOUNCE, "HOSTS=10.100.101.0/24,HOSTS=10.100.100.0/24");
        const exp = expectations(apache, assignAddresses([apache]));
        assert.deepStrictEqual(exp.frr, {
            routerBgp: "router bgp 64513",
            neighbors: ["10.100.102.2", "10.100.102.3"],
            accepted: ["10.100.101.0/24", "10.100.100.0/24"],
        });
        assert.deepStrictEqual(
            checksFor({ kind: apache.kind, exp, phase: "first boot" })
                .map((c) => c.name)
                .filter((n) => n.startsWith("ECMP")),
            ["ECMP route 10.100.101.0/24 over every router", "ECMP route 10.100.100.0/24 over every router"],
        );
        assert.strictEqual(exp.sysctls["net.ipv4.fib_multipath_hash_policy"], "1");
        assert.deepStrictEqual(exp.routes, [], "a bgp guest has no static route to expect");
        const sessions = checksFor({ kind: apache.kind, exp, phase: "first boot" }).find(
            (c) => c.name === "BGP sessions Established, BFD up",
        );
        assert.ok(sessions?.settleMs, "the session check waits for BGP and BFD to converge");
        assert.throws(
            () => peersFor([{ ...facts, neighbors: ["192.0.2.9"] }], bridgesFor([apache])),
            /192\.0\.2\.9 is on none of the harness's bridges/,
        );
    });
});

describe("boot: the pinned packages exist in Debian's archive", function () {
    this.timeout(120000);
    it("every [name, version] the planned user-data installs is a version apt can install (a stale pin fails cloud-init on every host)", async () => {
        const manager = vmSpec(await plannedWithState(["k8s-dev", "swarm-dev"]), "swarm-manager-1");
        const pins = expectations(manager, assignAddresses([manager])).pinnedPackages;
        assert.ok(Object.keys(pins).includes("docker.io"));
        for (const [pkg, version] of Object.entries(pins)) {
            const r = spawnSync("apt-cache", ["madison", pkg], { encoding: "utf8" });
            const versions = (r.stdout ?? "")
                .split("\n")
                .map((l) => l.split("|")[1]?.trim())
                .filter(Boolean);
            assert.ok(
                versions.length > 0,
                `apt-cache madison ${pkg} lists nothing: run apt-get update with Debian bookworm sources`,
            );
            assert.ok(
                versions.includes(version),
                `${pkg}=${version} is not in the archive; apt has ${versions.join(", ")}`,
            );
        }
    });
});
