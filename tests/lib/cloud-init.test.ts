// The cloud-config pieces both VM stacks share (lib/cloud-init): serialization, NIC name
// pinning by MAC, and the networkd first-boot commands. The rename script is also run for real
// by /bin/sh against a fake `ip`, so what it does is tested, not only how it reads.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import {
    applyNetworkd,
    ECMP_SYSCTL_CONTENT,
    frrCloudConfig,
    NETWORKD_DIR,
    parseMac,
    pinInterfaceName,
    serializeCloudConfig,
    waitOnline,
} from "../../lib/cloud-init";

const MAC = "fa:16:3e:12:34:56";

describe("lib/cloud-init", () => {
    it("frrCloudConfig: 5-tuple ECMP hashing set and applied, Debian's frr pinned, config files deferred past the install and readable by frr only, then hold and restart", () => {
        const f = frrCloudConfig("frr.conf text\n", "bgpd=yes\n");
        assert.deepStrictEqual(f.package, ["frr", "8.4.4-1.1~deb12u2"]);
        assert.deepStrictEqual(
            f.writeFiles.map((w) => [w.path, w.owner, w.permissions, w.defer, w.content]),
            [
                [
                    "/etc/sysctl.d/90-hybrid-vnf-ecmp.conf",
                    "root:root",
                    "0644",
                    undefined,
                    "net.ipv4.fib_multipath_hash_policy = 1\n",
                ],
                ["/etc/frr/daemons", "frr:frr", "0640", true, "bgpd=yes\n"],
                ["/etc/frr/frr.conf", "frr:frr", "0640", true, "frr.conf text\n"],
            ],
        );
        assert.deepStrictEqual(f.runcmd, [
            ["sysctl", "--system"],
            ["apt-mark", "hold", "frr"],
            ["systemctl", "enable", "frr"],
            ["systemctl", "restart", "frr"],
        ]);
    });

    it("ECMP_SYSCTL_CONTENT: sysctl.d lines naming a key this kernel has (read only, never written here)", () => {
        const lines = ECMP_SYSCTL_CONTENT.split("\n").filter(Boolean);
        assert.deepStrictEqual(lines, ["net.ipv4.fib_multipath_hash_policy = 1"]);
        for (const line of lines) {
            const key = line.split(" = ")[0];
            const r = spawnSync("sysctl", ["-n", key], { encoding: "utf8" });
            assert.strictEqual(r.status, 0, `${key}: ${r.stderr}`);
        }
    });

    it("serializeCloudConfig: #cloud-config header, YAML that round-trips, long lines never folded", () => {
        const long = "x".repeat(300);
        const text = serializeCloudConfig({
            hostname: "h",
            runcmd: [["echo", long]],
            write_files: [{ path: "/p", content: "a\nb\n" }],
        });
        assert.ok(text.startsWith("#cloud-config\n"));
        assert.deepStrictEqual(parseYaml(text), {
            hostname: "h",
            runcmd: [["echo", long]],
            write_files: [{ path: "/p", content: "a\nb\n" }],
        });
        assert.ok(text.includes(long), "one line, not folded");
    });

    it("pinInterfaceName: a .link file matching the MAC, naming the NIC, in /etc/systemd/network before netplan's", () => {
        const pin = pinInterfaceName(MAC, "eth1");
        assert.deepStrictEqual(pin.linkFile, {
            path: "/etc/systemd/network/05-hybrid-vnf-eth1.link",
            permissions: "0644",
            content: "[Match]\nMACAddress=fa:16:3e:12:34:56\n\n[Link]\nName=eth1\n",
        });
        assert.ok(path.basename(pin.linkFile.path) < "10-netplan-ens3.link", "sorts before netplan's generated files");
        assert.strictEqual(
            pinInterfaceName(MAC, "eth0", `${NETWORKD_DIR}/05-x.link`).linkFile.path,
            "/etc/systemd/network/05-x.link",
        );
        assert.deepStrictEqual([pin.name, pin.mac], ["eth1", MAC]);
    });

    it("pinInterfaceName: normalizes the MAC to lower case (as `ip` prints it) and refuses anything that is not a MAC or an interface name", () => {
        assert.strictEqual(pinInterfaceName("FA:16:3E:12:34:56", "eth0").mac, MAC);
        assert.strictEqual(parseMac(" fa:16:3e:12:34:56 "), MAC);
        for (const bad of [
            "",
            "fa:16:3e:12:34",
            "fa:16:3e:12:34:56:78",
            "fa-16-3e-12-34-56",
            "fa:16:3e:12:34:5g",
            "x'; reboot; '",
        ]) {
            assert.throws(() => pinInterfaceName(bad, "eth0"), /not a MAC address/, bad);
        }
        for (const bad of ["", "eth 0", "a".repeat(16), "eth0;reboot", "../eth0"]) {
            assert.throws(() => pinInterfaceName(MAC, bad), /not an interface name/, bad);
        }
    });

    it("applyNetworkd and waitOnline: reload, reconfigure the named links, wait for them to be routable", () => {
        assert.strictEqual(applyNetworkd(["eth0", "eth1"]), "networkctl reload\nnetworkctl reconfigure eth0 eth1");
        assert.strictEqual(
            waitOnline(["eth0", "eth1"], 90),
            "/lib/systemd/systemd-networkd-wait-online -i eth0:routable -i eth1:routable --timeout=90",
        );
        assert.throws(() => applyNetworkd(["eth0;x"]), /not an interface name/);
    });

    describe("the rename script, run by /bin/sh -e against a fake `ip`", () => {
        let bin: string;
        before(() => {
            bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ip-"));
            // Prints `ip -o link` from $LINKS ("name mac" per line); logs every other call.
            fs.writeFileSync(
                path.join(bin, "ip"),
                [
                    "#!/bin/sh",
                    'if [ "$1 $2" = "-o link" ]; then',
                    '  n=1; echo "$LINKS" | while read -r name mac; do [ -n "$name" ] && printf \'%s: %s: <BROADCAST,MULTICAST,UP> mtu 1450 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\\\    link/ether %s brd ff:ff:ff:ff:ff:ff\\n\' "$n" "$name" "$mac" && n=$((n+1)); done',
                    "  exit 0",
                    "fi",
                    'echo "ip $*" >> "$LOG"',
                    'case "$*" in *"name"*) for w in $LINKS; do [ "$w" = "$5" ] && { echo "RTNETLINK answers: File exists" >&2; exit 2; }; done;; esac',
                    "exit 0",
                    "",
                ].join("\n"),
                { mode: 0o755 },
            );
        });
        after(() => fs.rmSync(bin, { recursive: true, force: true }));

        const run = (script: string, links: string) => {
            const log = path.join(bin, `log-${Math.random().toString(36).slice(2)}`);
            fs.writeFileSync(log, "");
            const r = spawnSync("/bin/sh", ["-ec", script], {
                encoding: "utf8",
                env: { PATH: `${bin}:/usr/bin:/bin`, LINKS: links, LOG: log },
            });
            return {
                status: r.status,
                stderr: r.stderr,
                calls: fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean),
            };
        };

        it("renames the NIC with the MAC (taking it down first), whatever the kernel called it", () => {
            const r = run(pinInterfaceName(MAC, "eth1").renameScript, `ens3 fa:16:3e:00:00:01\nens4 ${MAC}`);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(r.calls, ["ip link set ens4 down", "ip link set ens4 name eth1"]);
        });

        it("leaves a NIC that already has the name alone", () => {
            const r = run(pinInterfaceName(MAC, "eth1").renameScript, `eth0 fa:16:3e:00:00:01\neth1 ${MAC}`);
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(r.calls, []);
        });

        it("fails when no NIC has the MAC", () => {
            const r = run(pinInterfaceName(MAC, "eth1").renameScript, "ens3 fa:16:3e:00:00:01");
            assert.notStrictEqual(r.status, 0);
            assert.match(r.stderr, /no NIC with MAC fa:16:3e:12:34:56/);
        });

        it("fails, rather than mis-naming, when another NIC already holds the name", () => {
            const r = run(pinInterfaceName(MAC, "eth1").renameScript, `eth1 fa:16:3e:00:00:01\neth0 ${MAC}`);
            assert.notStrictEqual(r.status, 0, "a swapped pair must not pass silently");
            assert.match(r.stderr, /File exists/);
        });
    });
});
