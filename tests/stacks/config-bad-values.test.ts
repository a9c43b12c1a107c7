// Issue 15 item 6: every key the OpenStack stacks (k8s-cluster and swarm-cluster, target
// openstack) read, held to what OpenStack, Debian and OpenSSH accept. Each bad value is one
// ConfigError naming the key and the value, raised while the config is read, before any
// resource registers; through `npm run plan` it is the whole message, with no serialization noise.
import * as assert from "assert";
import { generateKeyPairSync } from "crypto";
import { ConfigReader, mapConfigSource } from "../../lib/config-reader";
import { ConfigError } from "../../lib/errors";
import { PLACEHOLDER_SSH_PUBLIC_KEY, SECRET_PLACEHOLDERS } from "../../harness/stack-files";
import * as pulumi from "@pulumi/pulumi";
import { planStacks, reveal } from "../../harness/plan";
import { PlanMocks } from "../../harness/mocks";
import { openstackSwarmCluster } from "../../stacks/swarm-cluster/openstack";
import { readK8sClusterConfig } from "../../stacks/k8s-cluster/config";
import { readSwarmClusterConfig } from "../../stacks/swarm-cluster/config";

const KEY = `${PLACEHOLDER_SSH_PUBLIC_KEY} replace-me@example`;
const vm = {
    externalNetwork: "public",
    adminCidr: "198.51.100.0/24",
    sshPublicKey: KEY,
    sshPrivateKey: SECRET_PLACEHOLDERS.sshPrivateKey,
};
const k8sBase = { role: "k8s-cluster", ...vm };
const swarmBase = {
    role: "swarm-cluster",
    ...vm,
    k8sStack: "organization/hybrid-vnf/k8s-dev",
    clientCidr: "0.0.0.0/0",
};
type Values = Record<string, unknown>;
const k8s = (over: Values, plainText: string[] = []) =>
    readK8sClusterConfig(new ConfigReader(mapConfigSource({ ...k8sBase, ...over }, plainText)));
const swarm = (over: Values, plainText: string[] = []) =>
    readSwarmClusterConfig(new ConfigReader(mapConfigSource({ ...swarmBase, ...over }, plainText)));

/** Fails unless `fn` throws one ConfigError for `key` whose message quotes `shown` and matches `reason`. */
function refuses(fn: () => unknown, key: string, shown: unknown, reason: RegExp): void {
    assert.throws(fn, (e: Error) => {
        assert.ok(e instanceof ConfigError, `a ConfigError, not ${e.name}: ${e.message}`);
        assert.ok(
            e.message.startsWith(`hybrid-vnf:${key}: ${JSON.stringify(shown)} `),
            `names the key and the value: ${e.message}`,
        );
        assert.match(e.message, reason);
        return true;
    });
}

const rsa1024 = generateKeyPairSync("rsa", {
    modulusLength: 1024,
    publicKeyEncoding: { type: "pkcs1", format: "der" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
});
const other = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }) as string;
/** An ssh-rsa line for the 1024-bit key: e and n from its PKCS#1 DER (SEQUENCE { n, e }). */
function rsaLine(der: Buffer): string {
    const ints: Buffer[] = [];
    let at = der[1] & 0x80 ? 2 + (der[1] & 0x7f) : 2;
    while (at < der.length) {
        const lenByte = der[at + 1];
        const lenLen = lenByte & 0x80 ? lenByte & 0x7f : 0;
        const len = lenLen ? der.readUIntBE(at + 2, lenLen) : lenByte;
        ints.push(der.subarray(at + 2 + lenLen, at + 2 + lenLen + len));
        at += 2 + lenLen + len;
    }
    const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
    return `ssh-rsa ${Buffer.concat([str(Buffer.from("ssh-rsa")), str(ints[1]), str(ints[0])]).toString("base64")} small`;
}

// [what, role, key, value, value as the error shows it, reason]
const BAD: [string, "k8s" | "swarm", string, unknown, unknown, RegExp][] = [
    // counts: decimal integers in range; Number() alone took "0x10", "1e1" and "2.0"
    ["a hexadecimal count", "k8s", "apacheCount", "0x2", "0x2", /not a whole number/],
    ["an exponent", "k8s", "workerCount", "1e1", "1e1", /not a whole number/],
    ["a list where a count goes", "k8s", "apacheCount", [5], "[5]", /not a whole number/],
    ["an empty list where a count goes", "swarm", "workerCount", [], "[]", /not a whole number/],
    ["a float written 2.0", "swarm", "managerCount", "3.0", "3.0", /not a whole number/],
    ["a negative count", "k8s", "apacheCount", -1, -1, /out of range 1-20/],
    ["a count with a sign", "swarm", "lbPort", "+80", "+80", /not a whole number/],
    ["minus zero", "k8s", "workerCount", "-0", "-0", /not a whole number/],
    ["a count with a leading zero", "swarm", "workerCount", "01", "01", /not a whole number/],
    // OpenStack names: 1-255 printable characters, no surrounding whitespace
    ["an empty image", "k8s", "image", "", "", /is empty/],
    ["a flavor with a trailing space", "k8s", "flavor", "m1.medium ", "m1.medium ", /whitespace/],
    ["a network with a tab", "swarm", "externalNetwork", "pub\tlic", "pub\tlic", /control character/],
    ["an apache flavor with a newline", "k8s", "apacheFlavor", "m1.small\n", "m1.small\n", /control character/],
    // a list or map where one value goes (Pulumi passes it as JSON; the CLI checks only Pulumi.yaml's keys' types)
    ["a list where a name goes", "k8s", "externalNetwork", ["public"], '["public"]', /YAML list or map/],
    ["a map where a name goes", "swarm", "flavor", { name: "m1.medium" }, '{"name":"m1.medium"}', /YAML list or map/],
    ["a list where a CIDR goes", "k8s", "adminCidr", ["198.51.100.0/24"], '["198.51.100.0/24"]', /YAML list or map/],
    [
        "a list where the docker version goes",
        "swarm",
        "dockerVersion",
        ["20.10.24+dfsg1-1+deb12u1"],
        '["20.10.24+dfsg1-1+deb12u1"]',
        /YAML list or map/,
    ],
    ["a list where the public key goes", "k8s", "sshPublicKey", [KEY], JSON.stringify([KEY]), /YAML list or map/],
    ["an image name of 256 characters", "swarm", "image", "d".repeat(256), "d".repeat(256), /at most 255/],
    // sshUser: Debian's login-name rule, not a system account
    ["root", "k8s", "sshUser", "root", "root", /system account/],
    ["a system user", "swarm", "sshUser", "www-data", "www-data", /system account/],
    ["an upper-case user", "k8s", "sshUser", "Debian", "Debian", /not a Debian login name/],
    ["a user with a space", "swarm", "sshUser", "deb ian", "deb ian", /not a Debian login name/],
    ["a user with an @", "swarm", "sshUser", "a@b", "a@b", /not a Debian login name/],
    ["a user starting with a digit", "k8s", "sshUser", "1debian", "1debian", /not a Debian login name/],
    ["a user of 33 characters", "k8s", "sshUser", "d".repeat(33), "d".repeat(33), /at most 32/],
    // pinned versions
    ["a k3s version with a leading zero", "k8s", "k3sVersion", "v1.31.06+k3s1", "v1.31.06+k3s1", /pinned k3s release/],
    ["k3s0", "k8s", "k3sVersion", "v1.31.6+k3s0", "v1.31.6+k3s0", /pinned k3s release/],
    ["a k3s release candidate", "k8s", "k3sVersion", "v1.31.6-rc1+k3s1", "v1.31.6-rc1+k3s1", /pinned k3s release/],
    [
        "a shell command as the docker version",
        "swarm",
        "dockerVersion",
        "1.0; rm -rf /",
        "1.0; rm -rf /",
        /Debian package version/,
    ],
    [
        "a docker version not starting with a digit",
        "swarm",
        "dockerVersion",
        "v20.10.24",
        "v20.10.24",
        /Debian Policy 5\.6\.12/,
    ],
    [
        "a docker version ending in a hyphen",
        "swarm",
        "dockerVersion",
        "20.10.24-",
        "20.10.24-",
        /Debian package version/,
    ],
    [
        "a docker version with an underscore",
        "swarm",
        "dockerVersion",
        "20.10_24-1",
        "20.10_24-1",
        /Debian package version/,
    ],
    [
        "a docker version with a non-numeric epoch",
        "swarm",
        "dockerVersion",
        "a:20.10.24-1",
        "a:20.10.24-1",
        /Debian package version/,
    ],
    // networks
    [
        "apacheCidr /32 (the router node's address does not exist)",
        "k8s",
        "apacheCidr",
        "10.100.102.0/32",
        "10.100.102.0/32",
        /0 host addresses.*a \/26/,
    ],
    ["apacheCidr /31", "k8s", "apacheCidr", "10.100.102.0/31", "10.100.102.0/31", /0 host addresses/],
    ["an IPv6 network", "k8s", "clusterCidr", "fd00::/64", "fd00::/64", /is IPv6; .*IPv4 only/],
    ["an IPv6 network with a /32", "swarm", "adminCidr", "2001:db8::/32", "2001:db8::/32", /is IPv6/],
    [
        "clusterCidr too small for the routers, workers and swarm legs",
        "k8s",
        "clusterCidr",
        "10.100.101.0/27",
        "10.100.101.0/27",
        /30 host addresses; .*need 61 .*a \/26/,
    ],
    ["clusterCidr inside k3s' pod network", "k8s", "clusterCidr", "10.42.7.0/24", "10.42.7.0/24", /k3s' pod network/],
    [
        "apacheCidr inside k3s' service network",
        "k8s",
        "apacheCidr",
        "10.43.0.0/24",
        "10.43.0.0/24",
        /k3s' service network/,
    ],
    [
        "clusterCidr on the metadata service's link-local range",
        "k8s",
        "clusterCidr",
        "169.254.0.0/24",
        "169.254.0.0/24",
        /metadata service/,
    ],
    ["swarmCidr (k8s stack) on Docker's bridge", "k8s", "swarmCidr", "172.17.0.0/24", "172.17.0.0/24", /docker0/],
    ["swarmCidr on the swarm's ingress network", "swarm", "swarmCidr", "10.0.0.0/16", "10.0.0.0/16", /ingress/],
    ["swarmCidr multicast", "swarm", "swarmCidr", "224.0.0.0/24", "224.0.0.0/24", /multicast/],
    ["adminCidr /1: half the internet", "k8s", "adminCidr", "0.0.0.0/1", "0.0.0.0/1", /large part of the internet/],
    ["adminCidr loopback", "swarm", "adminCidr", "127.0.0.0/8", "127.0.0.0/8", /loopback/],
    ["adminCidr with host bits", "k8s", "adminCidr", "198.51.100.7/24", "198.51.100.7/24", /host bits/],
    ["clientCidr multicast", "swarm", "clientCidr", "224.0.0.0/4", "224.0.0.0/4", /multicast/],
    ["clientCidr with host bits", "swarm", "clientCidr", "203.0.113.7/24", "203.0.113.7/24", /host bits/],
    // lbPort: the swarm hosts' own ports
    ["lbPort on BGP (FRR on the swarm hosts in bgp mode)", "swarm", "lbPort", 179, 179, /reserved/],
    ["lbPort on swarm gossip", "swarm", "lbPort", 7946, 7946, /reserved/],
    // sshPublicKey: one key OpenSSH 9 and Nova parse
    [
        "the old placeholder key (its body is not base64)",
        "k8s",
        "sshPublicKey",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDERPLACEHOLDERPLACEHOLDER00000 x",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPLACEHOLDERPLACEHOLDERPLACEHOLDER00000 x",
        /not valid base64/,
    ],
    [
        "a 1024-bit RSA key",
        "swarm",
        "sshPublicKey",
        rsaLine(rsa1024.publicKey),
        rsaLine(rsa1024.publicKey),
        /1024-bit RSA key/,
    ],
    ["a DSA key", "k8s", "sshPublicKey", "ssh-dss AAAAB3NzaC1kc3MAAACBAP x", "ssh-dss AAAAB3NzaC1kc3MAAACBAP x", /DSA/],
    ["two keys", "k8s", "sshPublicKey", `${KEY}\n${KEY}`, `${KEY}\n${KEY}`, /more than one line/],
];

describe("bad values of the OpenStack stacks' keys: one ConfigError naming the key and the value", () => {
    it("the dev stacks' values pass (the baseline the table varies)", () => {
        assert.strictEqual(k8s({}).target, "openstack");
        assert.strictEqual(swarm({}).target, "openstack");
    });
    for (const [what, role, key, value, shown, reason] of BAD) {
        it(`${role} ${key}: ${what}`, () =>
            refuses(() => (role === "k8s" ? k8s : swarm)({ [key]: value }), key, shown, reason));
    }
    it("still accepts the edges: apacheCount 20 in a /26, a /26 cluster network, swarm 7+50 in a /26, RSA 2048, an epoch", () => {
        const c = k8s({ apacheCount: 20, apacheCidr: "10.100.102.0/26", clusterCidr: "10.100.101.0/26" });
        assert.ok(c.target === "openstack" && c.apacheCount === 20);
        const s = swarm({
            managerCount: 7,
            workerCount: 50,
            swarmCidr: "10.100.100.0/26",
            dockerVersion: "5:20.10.24~3-0~debian-bookworm",
            lbPort: 8080,
        });
        assert.ok(s.target === "openstack" && s.workerCount === 50 && s.dockerVersion.startsWith("5:"));
    });
    it("swarmCidr too small for its managers and workers names the counts", () =>
        refuses(
            () => swarm({ swarmCidr: "10.100.100.0/28", managerCount: 7, workerCount: 5 }),
            "swarmCidr",
            "10.100.100.0/28",
            /14 host addresses; hybrid-vnf:managerCount 7 and hybrid-vnf:workerCount 5 need 15/,
        ));
});

describe("secrets: checked when read, never quoted", () => {
    it("sshPrivateKey must be the private half of sshPublicKey", () =>
        refuses(
            () => k8s({ sshPrivateKey: other }),
            "sshPrivateKey",
            "[secret]",
            /does not match hybrid-vnf:sshPublicKey \(SHA256:casCP/,
        ));
    it("sshPrivateKey must parse (the old placeholder did not)", () =>
        refuses(
            () =>
                swarm({
                    sshPrivateKey:
                        "-----BEGIN OPENSSH PRIVATE KEY-----\nPLACEHOLDER-NOT-A-KEY\n-----END OPENSSH PRIVATE KEY-----\n",
                }),
            "sshPrivateKey",
            "[secret]",
            /does not decode/,
        ));
    it("sshPrivateKey with a passphrase", () =>
        refuses(
            () =>
                k8s({
                    sshPrivateKey: rsa1024.privateKey.replace(
                        "RSA PRIVATE KEY-----\n",
                        "RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n",
                    ),
                }),
            "sshPrivateKey",
            "[secret]",
            /passphrase/,
        ));
    it("a secret written in plain text in the stack file is refused, naming how to set it", () => {
        refuses(
            () => k8s({}, ["sshPrivateKey"]),
            "sshPrivateKey",
            "[secret]",
            /plain text in the stack file; .*pulumi config set --secret hybrid-vnf:sshPrivateKey/,
        );
        refuses(
            () => k8s({ routing: "bgp", bgpPassword: "Zq9-hunter2" }, ["bgpPassword"]),
            "bgpPassword",
            "[secret]",
            /plain text/,
        );
    });
    it("a private key pasted into sshPublicKey is not quoted back", () => {
        assert.throws(
            () => k8s({ sshPublicKey: SECRET_PLACEHOLDERS.sshPrivateKey }),
            (e: Error) => {
                assert.strictEqual(
                    e.message,
                    'hybrid-vnf:sshPublicKey: "[secret]" is a private key; give the public key (the .pub file), and remove this one from the stack file',
                );
                return true;
            },
        );
    });
});

describe("undeclared keys: the CLI passes them through, the readers refuse them", () => {
    it("a typo names the key it resembles", () => {
        refuses(
            () => k8s({ apacheCout: 3 }, ["apacheCout"]),
            "apacheCout",
            "3",
            /not a key of this project.*did you mean hybrid-vnf:apacheCount\?/,
        );
        refuses(
            () => swarm({ ManagerCount: 3 }, ["ManagerCount"]),
            "ManagerCount",
            "3",
            /did you mean hybrid-vnf:managerCount\?/,
        );
    });
    it("an unknown secret key is not quoted", () =>
        refuses(
            () => swarm({ sshPrivateKy: "x" }),
            "sshPrivateKy",
            "[secret]",
            /did you mean hybrid-vnf:sshPrivateKey\?/,
        ));
    it("a key with no near name gets no guess", () =>
        assert.throws(
            () => k8s({ frobnicate: "1" }, ["frobnicate"]),
            (e: Error) =>
                !e.message.includes("did you mean") && /hybrid-vnf:frobnicate: "1" is not a key/.test(e.message),
        ));
});

describe("through npm run plan: the whole message, no serialization noise", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
        [
            "k8s-dev",
            { "hybrid-vnf:clusterCidr": "10.100.101.0/29" },
            /^stack k8s-dev: hybrid-vnf:clusterCidr: "10\.100\.101\.0\/29" has 6 host addresses/,
        ],
        [
            "k8s-dev",
            { "hybrid-vnf:apacheCidr": "10.100.102.0/32" },
            /^stack k8s-dev: hybrid-vnf:apacheCidr: "10\.100\.102\.0\/32" has 0 host addresses/,
        ],
        [
            "k8s-dev",
            { "hybrid-vnf:sshPrivateKey": other },
            /^stack k8s-dev: hybrid-vnf:sshPrivateKey: "\[secret\]" does not match/,
        ],
    ];
    for (const [stack, overrides, expected] of cases) {
        it(`${stack} ${JSON.stringify(overrides).slice(0, 60)}`, async () => {
            await assert.rejects(planStacks([stack], { overrides: { [stack]: overrides } }), (e: Error) => {
                assert.match(e.message, expected);
                assert.doesNotMatch(e.message, /error serializing|mock:/);
                return true;
            });
            // A failed program's outstanding RPCs drain before the next plan starts.
            await pulumi.runtime.disconnect();
        });
    }
});

describe("the swarm stack's cross-stack check runs before any resource registers", () => {
    /** PlanMocks that remember every resource type registered. */
    class RecordingMocks extends PlanMocks {
        readonly types: string[] = [];
        newResource(args: pulumi.runtime.MockResourceArgs) {
            this.types.push(args.type);
            return super.newResource(args);
        }
    }
    it("swarmCidr overlapping the k8s stack's cluster network: the error, and no swarm network created first", async () => {
        const [k8sPlan] = await planStacks(["k8s-dev"]);
        const mocks = new RecordingMocks({
            stackOutputs: () => ({ outputs: reveal(k8sPlan).outputs, secretOutputNames: [] }),
        });
        await pulumi.runtime.setMocks(mocks, "hybrid-vnf", "swarm-dev", false);
        const cfg = swarm({ swarmCidr: "10.100.101.0/24", clientCidr: "198.51.100.0/24" });
        assert.ok(cfg.target === "openstack");
        await assert.rejects(openstackSwarmCluster(cfg), {
            message:
                'hybrid-vnf:swarmCidr: "10.100.101.0/24" overlaps clusterNetwork 10.100.101.0/24 of stack organization/hybrid-vnf/k8s-dev',
        });
        assert.deepStrictEqual(mocks.types, ["pulumi:pulumi:StackReference"], "only the StackReference was read");
        await pulumi.runtime.disconnect();
    });
});
