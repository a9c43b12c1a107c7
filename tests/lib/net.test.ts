// lib/net.ts: the one IPv4 / CIDR / interface / host rule set, and its use by the config readers.
import * as assert from "assert";
import { cidrProblem, hostProblem, interfaceNameProblem, ipv4Problem, isCidr, isIpv4 } from "../../lib/net";
import { parseCidr, parseIpv4 } from "../../lib/config-reader";

describe("lib/net: strict canonical forms", () => {
    it("IPv4: canonical dotted quads only", () => {
        for (const ok of ["0.0.0.0", "10.100.101.1", "255.255.255.255"])
            assert.strictEqual(ipv4Problem(ok), undefined, ok);
        assert.strictEqual(
            ipv4Problem("010.0.0.1"),
            '"010.0.0.1" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)',
        );
        assert.strictEqual(
            ipv4Problem("10.0.0.256"),
            '"10.0.0.256" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)',
        );
        assert.strictEqual(ipv4Problem("10.0.0.1/32"), '"10.0.0.1/32" must be a plain IPv4 address without a /prefix');
        assert.ok(!isIpv4("10.0.1") && !isIpv4(" 10.0.0.1") && !isIpv4("1e1.0.0.1"));
    });

    it("CIDR: no leading zeros in the length either, no host bits", () => {
        assert.strictEqual(cidrProblem("10.0.0.0/8"), undefined);
        assert.strictEqual(cidrProblem("0.0.0.0/0"), undefined);
        assert.strictEqual(cidrProblem("10.0.0.0/08"), 'prefix length "08" is not a decimal number 0-32');
        assert.strictEqual(cidrProblem("10.0.0.0/33"), "prefix length 33 is out of range 0-32");
        assert.strictEqual(
            cidrProblem("10.0.0.1/24"),
            "10.0.0.1/24 has host bits set; use the network address 10.0.0.0/24",
        );
        assert.strictEqual(
            cidrProblem("10.0.0.0"),
            '"10.0.0.0" is not a CIDR (expected ADDRESS/LENGTH, e.g. 10.100.102.0/24)',
        );
        assert.ok(!isCidr("010.0.0.0/8") && !isCidr("10.0.0.0/8/1"));
    });

    it("interface names: the kernel's rule, and a shell-safe variant for scripts", () => {
        assert.strictEqual(interfaceNameProblem("eth0"), undefined);
        assert.strictEqual(interfaceNameProblem("vlan.10@x"), undefined);
        assert.strictEqual(
            interfaceNameProblem("vlan.10@x", { shellSafe: true }),
            "interface name must be letters, digits, '_' and '-' only (it is written into a script)",
        );
        assert.strictEqual(
            interfaceNameProblem("a-very-long-name0"),
            "interface name must be 1-15 characters (got 17)",
        );
        assert.strictEqual(interfaceNameProblem("eth 0"), "interface name must not contain whitespace, '/' or ':'");
    });

    it("hosts: RFC-1123 names, or an IPv4 when the last label is numeric", () => {
        assert.strictEqual(hostProblem("apache-1.lab"), undefined);
        assert.strictEqual(
            hostProblem("abc.123"),
            '"abc.123" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)',
        );
        assert.strictEqual(
            hostProblem("a_b"),
            `"a_b" is not an IPv4 address or RFC-1123 hostname (labels of letters, digits and inner '-', 1-63 chars)`,
        );
    });
});

describe("config readers: the core's reasons, naming the key and the value once", () => {
    it("parseCidr refuses 10.0.0.0/08 (lib/net.ts once accepted it) and host bits", () => {
        assert.throws(() => parseCidr("hybrid-vnf:clusterCidr", "10.0.0.0/08"), {
            message:
                'hybrid-vnf:clusterCidr: "10.0.0.0/08" is invalid: prefix length "08" is not a decimal number 0-32',
        });
        assert.throws(() => parseCidr("hybrid-vnf:apacheCidr", "10.100.102.7/24"), {
            message:
                'hybrid-vnf:apacheCidr: "10.100.102.7/24" has host bits set; use the network address 10.100.102.0/24',
        });
        assert.throws(() => parseCidr("hybrid-vnf:swarmCidr", "banana"), {
            message: 'hybrid-vnf:swarmCidr: "banana" is not a CIDR (expected ADDRESS/LENGTH, e.g. 10.100.102.0/24)',
        });
        assert.strictEqual(parseCidr("k", "10.100.101.0/24"), "10.100.101.0/24");
    });

    it("parseIpv4", () => {
        assert.throws(() => parseIpv4("hybrid-vnf:routerHost", "10.100.101.02"), {
            message:
                'hybrid-vnf:routerHost: "10.100.101.02" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)',
        });
        assert.throws(() => parseIpv4("hybrid-vnf:routerHost", 7), {
            message: "hybrid-vnf:routerHost: 7 is not an IPv4 address like 10.100.101.10",
        });
        assert.strictEqual(parseIpv4("k", "10.100.101.2"), "10.100.101.2");
    });
});
