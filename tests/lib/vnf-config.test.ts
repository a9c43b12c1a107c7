import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Backend, checkBackends, formatServers, parseLbEnv, parseServers } from "../../lib/lb-env";
import {
    Route,
    checkInterfaces,
    checkRoutes,
    formatInterfaces,
    formatRoutes,
    parseInterfaces,
    parseRouterEnv,
    parseRoutes,
} from "../../lib/router-env";
import { RouterBgp, checkRouterBgp, formatRouterBgpEnv, parseRouterBgpEnv } from "../../lib/router-bgp-env";
import { VnfConfigError } from "../../lib/vnf-env-syntax";
import { parseVtyPassword, VTY_PASSWORD_PLACEHOLDER } from "../../lib/vnf-passwords";
import { renderFrrConfig, renderInterfaceLines, renderRouteLines } from "../reference/frr-config";
import { assertInOrder } from "../reference/vector-asserts";
import { renderNginxConfig, renderUpstreamServerLines } from "../reference/nginx-config";

type Env = Record<string, string>;
type Rejects = { key: string; entry: string };
/** vtyLines: the lines inside `line vty` as printed (absent: none). bgpLines: lines the config has, in this order. */
export type RouterVector = {
    name: string;
    env: Env;
    routeLines?: string[];
    interfaceLines?: string[];
    vtyLines?: string[];
    bgpLines?: string[];
    rejects?: Rejects;
};

/** The lines between `line vty` and the `!` that closes it. */
export function vtyBlock(conf: string): string[] {
    const lines = conf.split("\n");
    const start = lines.indexOf("line vty");
    assert.ok(start >= 0, `no "line vty" in:\n${conf}`);
    return lines.slice(start + 1, lines.indexOf("!", start));
}

/** A password never appears in any output (vector passwords are long enough not to occur by chance). */
export function assertPasswordHidden(env: Env, ...outputs: string[]): void {
    for (const pw of [env.VTY_PASSWORD, env.BGP_PASSWORD]) {
        if (!pw || pw.length < 6) continue;
        for (const out of outputs) assert.ok(!out.includes(pw.trim()), `the password appears in:\n${out}`);
    }
}
export type LbVector = { name: string; env: Env; serverLines?: string[]; rejects?: Rejects };
export const vectors: { router: RouterVector[]; lb: LbVector[] } = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "vectors", "vnf-env.json"), "utf8"),
);

// The contract shell scripts are held to: message names the key and quotes the entry.
function assertRejects(fn: () => unknown, r: Rejects, env: Env = {}): void {
    assert.throws(fn, (e: unknown) => {
        assertPasswordHidden(env, String(e), JSON.stringify(e));
        assert.ok(e instanceof VnfConfigError, `expected VnfConfigError, got ${String(e)}`);
        assert.ok(e.message.includes(r.key), `message ${JSON.stringify(e.message)} should name ${r.key}`);
        assert.ok(e.message.includes(`"${r.entry}"`), `message ${JSON.stringify(e.message)} should quote "${r.entry}"`);
        assert.strictEqual(e.key, r.key);
        assert.strictEqual(e.entry, r.entry);
        return true;
    });
}

describe("vnf-config vectors", () => {
    it("is a well-formed vector file (each vector either accepts or rejects)", () => {
        for (const v of vectors.router) assert.ok(!!v.rejects !== !!(v.routeLines && v.interfaceLines), v.name);
        for (const v of vectors.router)
            assert.ok(!v.vtyLines || v.env.VTY_PASSWORD !== undefined, `${v.name}: vtyLines without VTY_PASSWORD`);
        for (const v of vectors.lb) assert.ok(!!v.rejects !== !!v.serverLines, v.name);
        for (const group of [vectors.router, vectors.lb]) {
            const names = group.map((v) => v.name);
            assert.strictEqual(new Set(names).size, names.length, "vector names are unique within a group");
        }
    });

    describe("router", () => {
        for (const v of vectors.router) {
            it(v.name, () => {
                if (v.rejects) return assertRejects(() => parseRouterEnv(v.env), v.rejects, v.env);
                const { interfaces, routes, vtyPassword, bgp } = parseRouterEnv(v.env);
                assert.strictEqual(vtyPassword, v.env.VTY_PASSWORD);
                assert.strictEqual(bgp?.password, v.env.BGP_PASSWORD);
                assert.strictEqual(bgp !== undefined, v.env.ROUTING === "bgp");
                assert.deepStrictEqual(renderRouteLines(routes), v.routeLines);
                assert.deepStrictEqual(renderInterfaceLines(interfaces), v.interfaceLines);
                const conf = renderFrrConfig({ hostname: "router", interfaces, routes, vtyPassword, bgp });
                for (const l of [...v.routeLines!, ...v.interfaceLines!]) assert.ok(conf.split("\n").includes(l), l);
                assert.deepStrictEqual(vtyBlock(conf), v.vtyLines ?? []);
                assertInOrder(conf.split("\n"), v.bgpLines ?? [], v.name);
                if (!bgp) assert.ok(!/^router bgp|^bfd$/m.test(conf), "no bgp section without ROUTING=bgp");
                assertPasswordHidden(v.env, conf);
            });
        }
    });

    describe("lb", () => {
        for (const v of vectors.lb) {
            it(v.name, () => {
                if (v.rejects) return assertRejects(() => parseLbEnv(v.env), v.rejects);
                const { backends } = parseLbEnv(v.env);
                assert.deepStrictEqual(renderUpstreamServerLines(backends), v.serverLines);
                const conf = renderNginxConfig({ backends });
                for (const l of v.serverLines!) assert.ok(conf.includes(`\n    ${l}\n`), l);
            });
        }
    });
});

describe("vnf-config unit", () => {
    describe("router bgp env", () => {
        const bgp: RouterBgp = {
            asn: 64512,
            peerAsn: 64513,
            bfd: { intervalMs: 300, multiplier: 3 },
            groups: [
                { name: "SWARM", listenRange: "10.100.101.0/24", announce: ["10.100.102.0/24"] },
                { name: "APACHE", listenRange: "10.100.102.0/24", announce: ["10.100.101.0/24"] },
            ],
        };
        it("formats the typed model as the env and parses it back unchanged", () => {
            const env = formatRouterBgpEnv(bgp);
            assert.deepStrictEqual(env, {
                ROUTING: "bgp",
                BGP_ASN: "64512",
                BGP_PEER_ASN: "64513",
                BGP_LISTEN_RANGES: "SWARM=10.100.101.0/24,APACHE=10.100.102.0/24",
                BGP_ANNOUNCE: "SWARM=10.100.102.0/24,APACHE=10.100.101.0/24",
                BFD_INTERVAL_MS: "300",
                BFD_MULTIPLIER: "3",
            });
            assert.deepStrictEqual(parseRouterBgpEnv(env), bgp);
            assert.deepStrictEqual(parseRouterBgpEnv({ ...env, BGP_PASSWORD: "Md5-unit-pw" }), {
                ...bgp,
                password: "Md5-unit-pw",
            });
            assert.ok(!Object.keys(env).includes("BGP_PASSWORD"), "the password never goes into the plain env");
        });
        it("defaults the BFD timers to 300 ms x 3 (lib/routing.ts DEFAULT_BFD)", () => {
            const env: Record<string, string> = { ...formatRouterBgpEnv(bgp) };
            delete env.BFD_INTERVAL_MS;
            delete env.BFD_MULTIPLIER;
            assert.deepStrictEqual(parseRouterBgpEnv(env)?.bfd, { intervalMs: 300, multiplier: 3 });
        });
        it("checkRouterBgp refuses a typed model the env would refuse, with the env's error", () => {
            assert.strictEqual(checkRouterBgp(bgp), bgp);
            assertRejects(() => checkRouterBgp({ ...bgp, peerAsn: 64512 }), { key: "BGP_PEER_ASN", entry: "64512" });
            assertRejects(() => checkRouterBgp({ ...bgp, asn: 65000.5 }), { key: "BGP_ASN", entry: "65000.5" });
            assertRejects(() => checkRouterBgp({ ...bgp, bfd: { intervalMs: 5, multiplier: 3 } }), {
                key: "BFD_INTERVAL_MS",
                entry: "5",
            });
            assertRejects(
                () => checkRouterBgp({ ...bgp, groups: [{ ...bgp.groups[0], listenRange: "10.100.101.1/24" }] }),
                { key: "BGP_LISTEN_RANGES", entry: "SWARM=10.100.101.1/24" },
            );
            const pw = "bad md5 password";
            assertRejects(
                () => checkRouterBgp({ ...bgp, password: pw }),
                { key: "BGP_PASSWORD", entry: "[hidden]" },
                { BGP_PASSWORD: pw },
            );
        });
    });

    it("round-trips routes and servers through format/parse", () => {
        const routes: Route[] = [
            { prefix: "10.100.102.0/24", via: { kind: "dev", iface: "eth1" } },
            { prefix: "0.0.0.0/0", via: { kind: "nexthop", address: "10.100.101.1" } },
        ];
        const s = formatRoutes(routes);
        assert.strictEqual(s, "10.100.102.0/24 dev eth1,0.0.0.0/0 10.100.101.1");
        assert.deepStrictEqual(parseRoutes(s, ["eth0", "eth1"]), routes);
        const backends: Backend[] = [
            { host: "10.100.102.10", port: 80 },
            { host: "apache-2", port: 8080 },
        ];
        assert.strictEqual(formatServers(backends), "10.100.102.10:80,apache-2:8080");
        assert.deepStrictEqual(parseServers(formatServers(backends)), backends);
        assert.deepStrictEqual(parseInterfaces(formatInterfaces(["eth0", "eth1"])), ["eth0", "eth1"]);
        // every accepting vector round-trips too
        for (const v of vectors.router.filter((x) => !x.rejects)) {
            const { routes: r } = parseRouterEnv(v.env);
            assert.deepStrictEqual(parseRoutes(formatRoutes(r)), r, v.name);
        }
        for (const v of vectors.lb.filter((x) => !x.rejects)) {
            const b = parseServers(v.env.SERVERS);
            assert.deepStrictEqual(parseServers(formatServers(b)), b, v.name);
        }
    });

    it("check* rejects bad typed input with the env error, without a string round trip", () => {
        assertRejects(() => checkRoutes([{ prefix: "10.0.0.1/24", via: { kind: "dev", iface: "eth1" } }]), {
            key: "ROUTES",
            entry: "10.0.0.1/24 dev eth1",
        });
        assertRejects(() => checkRoutes([{ prefix: "10.0.0.0/24", via: { kind: "dev", iface: "eth7" } }], ["eth0"]), {
            key: "ROUTES",
            entry: "10.0.0.0/24 dev eth7",
        });
        assertRejects(() => checkRoutes([]), { key: "ROUTES", entry: "" });
        assertRejects(() => checkBackends([{ host: "a", port: 0 }]), { key: "SERVERS", entry: "a:0" });
        assertRejects(() => checkBackends([{ host: "a", port: 1.5 }]), { key: "SERVERS", entry: "a:1.5" });
        assertRejects(() => checkBackends([]), { key: "SERVERS", entry: "" });
        assertRejects(
            () =>
                checkBackends([
                    { host: "A", port: 80 },
                    { host: "a", port: 80 },
                ]),
            { key: "SERVERS", entry: "a:80" },
        );
        assertRejects(() => checkInterfaces(["eth0,eth1"]), { key: "INTERFACES", entry: "eth0,eth1" });
        assertRejects(() => checkInterfaces(["eth0", "eth0"]), { key: "INTERFACES", entry: "eth0" });
        // format* only writes: an invalid value is formatted as given (validation is at the edge).
        assert.strictEqual(formatServers([{ host: "a", port: 0 }]), "a:0");
    });

    it("check* and the env parsers give the same message for every rejecting ROUTES/SERVERS vector with a typed form", () => {
        let compared = 0;
        const typedRoute = (e: string): Route | undefined => {
            const t = e.trim().split(/[ \t]+/);
            if (t.length === 3 && t[1] === "dev") return { prefix: t[0], via: { kind: "dev", iface: t[2] } };
            return t.length === 2 && t[1] !== "dev"
                ? { prefix: t[0], via: { kind: "nexthop", address: t[1] } }
                : undefined;
        };
        for (const v of vectors.router.filter(
            (x) =>
                x.rejects?.key === "ROUTES" &&
                x.env.ROUTES !== undefined &&
                x.env.ROUTES.trim() !== "" &&
                !x.env.ROUTES.split(",").some((e) => e.trim() === ""),
        )) {
            const routes = v.env.ROUTES.split(",").map(typedRoute);
            if (routes.some((r) => r === undefined)) continue; // a syntax error has no typed form
            const interfaces = v.env.INTERFACES === undefined ? undefined : parseInterfaces(v.env.INTERFACES);
            assert.throws(
                () => checkRoutes(routes as Route[], interfaces),
                (e: Error) => {
                    assert.throws(() => parseRoutes(v.env.ROUTES, interfaces), { message: e.message }, v.name);
                    return true;
                },
                v.name,
            );
            compared++;
        }
        for (const v of vectors.lb.filter(
            (x) => x.rejects?.key === "SERVERS" && /^[^\s,]+:[1-9][0-9]*(,[^\s,]+:[1-9][0-9]*)*$/.test(x.env.SERVERS),
        )) {
            const backends = v.env.SERVERS.split(",").map((e) => ({
                host: e.slice(0, e.lastIndexOf(":")),
                port: Number(e.slice(e.lastIndexOf(":") + 1)),
            }));
            assert.throws(
                () => checkBackends(backends),
                (e: Error) => {
                    assert.throws(() => parseServers(v.env.SERVERS), { message: e.message }, v.name);
                    return true;
                },
                v.name,
            );
            compared++;
        }
        assert.ok(compared >= 10, `only ${compared} vectors compared`);
    });

    it("VnfConfigError carries key, entry and the documented message", () => {
        try {
            parseRoutes("10.0.0.0/33 dev eth1", ["eth0", "eth1"]);
            assert.fail("should throw");
        } catch (e) {
            assert.ok(e instanceof VnfConfigError && e instanceof Error);
            assert.strictEqual(e.key, "ROUTES");
            assert.strictEqual(e.entry, "10.0.0.0/33 dev eth1");
            assert.strictEqual(e.message, 'ROUTES entry "10.0.0.0/33 dev eth1": prefix length 33 is out of range 0-32');
        }
    });

    it("suggests the network address when host bits are set", () => {
        assert.throws(() => parseRoutes("10.100.102.5/24 dev eth1"), /use the network address 10\.100\.102\.0\/24/);
    });

    it("is stricter than ip-address on its own (explicit checks)", () => {
        assert.throws(() => parseRoutes("10.0.0.0 10.0.0.1"), /not a CIDR/); // ip-address accepts no prefix
        assert.throws(() => parseRoutes("10.0.0.0/24 10.0.0.1/32"), /without a \/prefix/);
        assert.throws(() => parseServers("010.0.0.1"), /no leading zeros/);
        assert.throws(() => parseServers("10.0.0.1/32"), /SERVERS entry/);
    });

    it("renders a full frr.conf with the standard header", () => {
        const conf = renderFrrConfig({
            hostname: "vnf-router",
            interfaces: ["eth0"],
            routes: parseRoutes("10.1.0.0/16 dev eth0"),
        });
        for (const l of [
            "frr defaults traditional",
            "hostname vnf-router",
            "log stdout",
            "service integrated-vtysh-config",
            "ip forwarding",
            "interface eth0",
            "ip route 10.1.0.0/16 eth0",
            "line vty",
        ]) {
            assert.ok(conf.split("\n").includes(l), l);
        }
        assert.ok(conf.endsWith("\n"));
        assert.throws(
            () => renderFrrConfig({ hostname: "bad host", interfaces: [], routes: [] }),
            /hostname entry "bad host"/,
        );
    });

    it("renders the vty password as REDACTED unless asked to reveal it, and never quotes it in errors", () => {
        const o = { hostname: "vnf-router", interfaces: [], routes: parseRoutes("10.1.0.0/16 dev eth0") };
        assert.deepStrictEqual(vtyBlock(renderFrrConfig(o)), []);
        assert.deepStrictEqual(vtyBlock(renderFrrConfig({ ...o, vtyPassword: "s3cret-Pw" })), [
            ` password ${VTY_PASSWORD_PLACEHOLDER}`,
        ]);
        assert.deepStrictEqual(vtyBlock(renderFrrConfig({ ...o, vtyPassword: "s3cret-Pw", revealVtyPassword: true })), [
            " password s3cret-Pw",
        ]);
        assert.strictEqual(VTY_PASSWORD_PLACEHOLDER, "REDACTED");
        assert.strictEqual(
            parseVtyPassword(VTY_PASSWORD_PLACEHOLDER),
            "REDACTED",
            "the placeholder is itself a password FRR takes",
        );
        assert.throws(
            () => renderFrrConfig({ ...o, vtyPassword: "s3cret Pw", revealVtyPassword: true }),
            (e: unknown) =>
                e instanceof VnfConfigError &&
                e.message ===
                    'VTY_PASSWORD entry "[hidden]": the password must be printable ASCII without spaces or newlines',
        );
        assert.throws(
            () => parseVtyPassword("-s3cret"),
            /^VnfConfigError: VTY_PASSWORD entry "\[hidden\]": the password must start with a letter or digit/,
        );
        assert.throws(() => parseVtyPassword(""), /VTY_PASSWORD entry "": the password is empty/);
    });

    it("renders the nginx snippet deterministically with retries and healthz", () => {
        const conf = renderNginxConfig({
            backends: parseServers("10.0.0.1,10.0.0.2:8080"),
            listenPort: 8080,
            maxFails: 2,
            failTimeout: "5s",
            nextUpstreamTries: 2,
        });
        assert.strictEqual(
            conf,
            renderNginxConfig({
                backends: parseServers("10.0.0.1,10.0.0.2:8080"),
                listenPort: 8080,
                maxFails: 2,
                failTimeout: "5s",
                nextUpstreamTries: 2,
            }),
        );
        for (const l of [
            "upstream vnf_backends {",
            "    server 10.0.0.1:80 max_fails=2 fail_timeout=5s;",
            "    listen 8080;",
            "        proxy_pass http://vnf_backends;",
            "        proxy_next_upstream error timeout http_502 http_503 http_504;",
            "        proxy_next_upstream_tries 2;",
            "        proxy_connect_timeout 2s;",
            "    location = /healthz {",
        ]) {
            assert.ok(conf.split("\n").includes(l), l);
        }
        assert.throws(() => renderNginxConfig({ backends: [] }), /SERVERS entry ""/);
        assert.throws(() => renderNginxConfig({ backends: parseServers("a"), listenPort: 0 }), /listenPort/);
        assert.throws(() => renderUpstreamServerLines(parseServers("a"), { failTimeout: "10 s" }), /failTimeout/);
        assert.throws(() => renderUpstreamServerLines(parseServers("a"), { failTimeout: "500ms" }), /failTimeout/);
    });
});
