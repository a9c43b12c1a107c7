// The host-side FRR renderer (lib/frr-host.ts): its input checks, what each config says, and
// every variant through the real `vtysh -C` of Debian's frr 8.4. A missing vtysh fails, never skips.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bgpPasswordProblem, HostFrrInput, renderHostFrrConfig, renderHostFrrDaemons } from "../../lib/frr-host";
import { BgpRouting, DEFAULT_BFD, DEFAULT_HOST_ASN, DEFAULT_ROUTER_ASN } from "../../lib/routing";
import { runTool } from "../fixtures/real-tools";

const ROUTING: BgpRouting = { mode: "bgp", routerAsn: DEFAULT_ROUTER_ASN, hostAsn: DEFAULT_HOST_ASN, bfd: DEFAULT_BFD };

const swarmHost = (over: Partial<HostFrrInput> = {}): HostFrrInput => ({
    hostname: "swarm-dev-manager-1",
    routing: ROUTING,
    routerAddresses: ["10.100.101.5", "10.100.101.6"],
    importPrefixes: ["10.100.102.0/24"],
    ...over,
});

/** `vtysh -C -f` on the text: status and output. */
function vtyshCheck(dir: string, name: string, conf: string): { status: number | null; out: string } {
    const file = path.join(dir, `${name.replace(/[^A-Za-z0-9-]+/g, "_")}.frr.conf`);
    fs.writeFileSync(file, conf);
    return runTool("vtysh", ["-C", "-f", file]);
}

describe("host FRR config (lib/frr-host)", () => {
    it("peers with every router in one peer-group: eBGP, BFD with the typed timers, ECMP, policy in and out", () => {
        const conf = renderHostFrrConfig(
            swarmHost({ routing: { ...ROUTING, bfd: { intervalMs: 150, multiplier: 4 } } }),
        );
        assert.match(conf, /^router bgp 64513$/m);
        assert.match(conf, /^ neighbor ROUTERS remote-as 64512$/m);
        assert.match(conf, /^ neighbor 10\.100\.101\.5 peer-group ROUTERS$/m);
        assert.match(conf, /^ neighbor 10\.100\.101\.6 peer-group ROUTERS$/m);
        assert.match(conf, /^ neighbor ROUTERS bfd profile ROUTERS$/m);
        assert.match(conf, /^ {2}detect-multiplier 4$/m);
        assert.match(conf, /^ {2}receive-interval 150$/m);
        assert.match(conf, /^ {2}transmit-interval 150$/m);
        assert.match(conf, /^ {2}maximum-paths 2$/m);
        assert.match(conf, /^ip prefix-list FROM-ROUTERS seq 5 permit 10\.100\.102\.0\/24$/m);
        assert.strictEqual(conf.match(/^ip prefix-list/gm)?.length, 1, "imports exactly the listed prefixes");
        assert.match(conf, /^route-map ROUTERS-OUT deny 10$/m);
        assert.match(conf, /^ {2}neighbor ROUTERS route-map ROUTERS-IN in$/m);
        assert.match(conf, /^ {2}neighbor ROUTERS route-map ROUTERS-OUT out$/m);
        assert.doesNotMatch(conf, /password/);
        assert.doesNotMatch(conf, /^ *network /m, "a host announces nothing");
    });

    it("sets the password on the peer-group only when one is given", () => {
        assert.match(renderHostFrrConfig(swarmHost({ password: "Zq9-x!y" })), /^ neighbor ROUTERS password Zq9-x!y$/m);
        assert.doesNotMatch(renderHostFrrConfig(swarmHost({ password: "" })), /password/);
    });

    it("the daemons file turns on bgpd and bfdd and keeps the management sockets on loopback", () => {
        const d = renderHostFrrDaemons();
        assert.match(d, /^bgpd=yes$/m);
        assert.match(d, /^bfdd=yes$/m);
        assert.match(d, /^ospfd=no$/m);
        assert.strictEqual(d.match(/=yes$/gm)?.length, 3, "bgpd, bfdd, vtysh_enable");
    });

    const bad: [string, Partial<HostFrrInput>, RegExp][] = [
        ["a public AS", { routing: { ...ROUTING, hostAsn: 65000 - 1000 } }, /hostAsn 64000 is not a private AS number/],
        [
            "the same AS both sides",
            { routing: { ...ROUTING, hostAsn: DEFAULT_ROUTER_ASN } },
            /both 64512; the sessions are eBGP/,
        ],
        [
            "a BFD interval too short",
            { routing: { ...ROUTING, bfd: { intervalMs: 5, multiplier: 3 } } },
            /BFD interval 5 ms is out of range 10-60000/,
        ],
        [
            "a BFD multiplier of 1",
            { routing: { ...ROUTING, bfd: { intervalMs: 300, multiplier: 1 } } },
            /BFD multiplier 1 is out of range 2-255/,
        ],
        ["no router", { routerAddresses: [] }, /0 router addresses; 1-3 expected/],
        [
            "four routers",
            { routerAddresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"] },
            /4 router addresses; 1-3 expected/,
        ],
        ["a router listed twice", { routerAddresses: ["10.0.0.1", "10.0.0.1"] }, /list one twice/],
        [
            "a bad router address",
            { routerAddresses: ["10.0.0.300"] },
            /router address "10\.0\.0\.300" is not an IPv4 address/,
        ],
        ["a bad prefix", { importPrefixes: ["10.0.0.1/24"] }, /import prefix "10\.0\.0\.1\/24" is not a CIDR/],
        ["no prefix", { importPrefixes: [] }, /no prefix to import/],
        ["a hostname with a newline", { hostname: "a\nrouter bgp 1" }, /is not a hostname/],
        [
            "a password with a space",
            { password: "two words" },
            /the BGP password must be printable ASCII without spaces/,
        ],
    ];
    for (const [what, over, message] of bad) {
        it(`refuses ${what}`, () => assert.throws(() => renderHostFrrConfig(swarmHost(over)), message));
    }

    it("bgpPasswordProblem: length and characters", () => {
        assert.strictEqual(bgpPasswordProblem("a".repeat(80)), undefined);
        assert.match(bgpPasswordProblem("a".repeat(81)) ?? "", /1-80 characters/);
        assert.match(bgpPasswordProblem("") ?? "", /1-80 characters/);
        assert.match(bgpPasswordProblem("tab\there") ?? "", /printable ASCII/);
    });

    describe("vtysh -C (Debian frr 8.4)", () => {
        let tmp: string;
        before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "frr-host-"))));
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));

        it("negative control: vtysh -C rejects a broken host config", () => {
            const r = vtyshCheck(
                tmp,
                "broken",
                renderHostFrrConfig(swarmHost()).replace("maximum-paths 2", "maximum-paths many"),
            );
            assert.notStrictEqual(r.status, 0, `vtysh accepted a broken config:\n${r.out}`);
        });

        const variants: [string, HostFrrInput][] = [
            ["swarm host, 2 routers", swarmHost()],
            [
                "swarm host, 1 router, router-id",
                swarmHost({ routerAddresses: ["10.100.101.5"], routerId: "10.100.101.40" }),
            ],
            [
                "swarm host, 3 routers, password",
                swarmHost({ routerAddresses: ["10.100.101.5", "10.100.101.6", "10.100.101.7"], password: "s3cr#t!x~" }),
            ],
            [
                "Apache VM, 3 routers, two prefixes, 4-byte ASNs, fast BFD",
                {
                    hostname: "k8s-dev-apache-1",
                    routing: {
                        mode: "bgp",
                        routerAsn: 4200000001,
                        hostAsn: 4200000002,
                        bfd: { intervalMs: 10, multiplier: 255 },
                    },
                    routerAddresses: ["10.100.102.2", "10.100.102.3", "10.100.102.4"],
                    importPrefixes: ["10.100.101.0/24", "10.100.100.0/24"],
                    routerId: "10.100.102.10",
                    password: "p",
                },
            ],
        ];
        for (const [name, input] of variants) {
            it(`accepts: ${name}`, () => {
                const r = vtyshCheck(tmp, name, renderHostFrrConfig(input));
                assert.strictEqual(r.status, 0, r.out);
            });
        }
    });
});
