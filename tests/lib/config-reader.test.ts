// Every bad input is refused at the edge with an error that names the key and the value.
import * as assert from "assert";
import { ConfigReader, mapConfigSource } from "../../lib/config-reader";
import { readK8sClusterConfig } from "../../stacks/k8s-cluster/config";
import { readSwarmClusterConfig } from "../../stacks/swarm-cluster/config";
import { readServiceChainConfig, routerRoutes } from "../../stacks/service-chain/config";
import { ConfigError } from "../../lib/errors";
import * as pulumi from "@pulumi/pulumi";
import { readRole } from "../../stacks";
import { PLACEHOLDER_SSH_PUBLIC_KEY, SECRET_PLACEHOLDERS } from "../../harness/stack-files";

const KEY = `${PLACEHOLDER_SSH_PUBLIC_KEY} me@example`;
const k8sBase = {
    role: "k8s-cluster",
    externalNetwork: "public",
    adminCidr: "198.51.100.0/24",
    sshPublicKey: KEY,
    sshPrivateKey: SECRET_PLACEHOLDERS.sshPrivateKey,
};
const swarmBase = { ...k8sBase, role: "swarm-cluster", k8sStack: "org/hybrid-vnf/k8s-dev", clientCidr: "0.0.0.0/0" };
const chainBase = { role: "service-chain", k8sStack: "org/hybrid-vnf/k8s-dev", swarmStack: "org/hybrid-vnf/swarm-dev" };

const reader = (values: Record<string, unknown>) => new ConfigReader(mapConfigSource(values));
const k8s = (over: Record<string, unknown>) => readK8sClusterConfig(reader({ ...k8sBase, ...over }));
const swarm = (over: Record<string, unknown>) => readSwarmClusterConfig(reader({ ...swarmBase, ...over }));
const chain = (over: Record<string, unknown>) => readServiceChainConfig(reader({ ...chainBase, ...over }));

/** Asserts the call fails with a message naming the full key and the (JSON) value. */
function rejects(fn: () => unknown, key: string, value: unknown, reason?: RegExp): void {
    assert.throws(fn, (e: Error) => {
        assert.ok(e.message.includes(`hybrid-vnf:${key}`), `message names the key: ${e.message}`);
        assert.ok(
            e.message.includes(JSON.stringify(value)),
            `message names the value ${JSON.stringify(value)}: ${e.message}`,
        );
        if (reason) assert.match(e.message, reason);
        return true;
    });
}

describe("config validation", () => {
    it("accepts the defaults and types the result", () => {
        const c = k8s({});
        assert.strictEqual(c.target, "openstack");
        if (c.target !== "openstack") return;
        assert.deepStrictEqual(
            [c.clusterCidr, c.apacheCidr, c.swarmCidr],
            ["10.100.101.0/24", "10.100.102.0/24", "10.100.100.0/24"],
        );
        assert.deepStrictEqual([c.workerCount, c.apacheCount], [0, 2]);
    });

    describe("malformed CIDRs", () => {
        for (const bad of [
            "10.100.101.0",
            "10.100.101.0/33",
            "10.100.256.0/24",
            "10.100.101.0/24/1",
            "010.100.101.0/24",
            "banana",
        ]) {
            it(`clusterCidr ${bad}`, () => rejects(() => k8s({ clusterCidr: bad }), "clusterCidr", bad));
        }
        it("host bits set names the network address", () =>
            rejects(
                () => k8s({ apacheCidr: "10.100.102.7/24" }),
                "apacheCidr",
                "10.100.102.7/24",
                /10\.100\.102\.0\/24/,
            ));
    });

    describe("overlapping networks", () => {
        it("cluster and apache", () =>
            rejects(
                () => k8s({ apacheCidr: "10.100.101.128/25" }),
                "clusterCidr",
                "10.100.101.0/24",
                /overlaps hybrid-vnf:apacheCidr/,
            ));
        it("apache and swarm", () =>
            rejects(
                () => k8s({ swarmCidr: "10.100.0.0/16" }),
                "clusterCidr",
                "10.100.101.0/24",
                /overlaps hybrid-vnf:swarmCidr/,
            ));
        it("existing target: cluster and apache", () =>
            rejects(
                () =>
                    k8s({
                        target: "existing",
                        apacheCidr: "10.100.0.0/16",
                        kubeconfig: "x",
                        routerHost: "10.100.101.2",
                        apacheIps: ["10.100.102.10"],
                    }),
                "clusterCidr",
                "10.100.101.0/24",
            ));
    });

    describe("counts out of range", () => {
        it("apacheCount 0", () => rejects(() => k8s({ apacheCount: 0 }), "apacheCount", 0, /1-20/));
        it("apacheCount 21", () => rejects(() => k8s({ apacheCount: 21 }), "apacheCount", 21, /1-20/));
        it("apacheCount 2.5", () => rejects(() => k8s({ apacheCount: 2.5 }), "apacheCount", "2.5", /whole number/));
        it("k8s workerCount 11", () => rejects(() => k8s({ workerCount: 11 }), "workerCount", 11, /0-10/));
        it("swarm workerCount 51", () => rejects(() => swarm({ workerCount: 51 }), "workerCount", 51, /0-50/));
        it("managerCount 9", () => rejects(() => swarm({ managerCount: 9 }), "managerCount", 9, /1-7/));
        it("managerCount even", () => rejects(() => swarm({ managerCount: 4 }), "managerCount", 4, /odd/));
        it("lbReplicas 0", () => rejects(() => chain({ lbReplicas: 0 }), "lbReplicas", 0));
    });

    describe("adminCidr", () => {
        it("0.0.0.0/0 is refused", () =>
            rejects(() => k8s({ adminCidr: "0.0.0.0/0" }), "adminCidr", "0.0.0.0/0", /whole internet/));
        it("is required", () => rejects(() => k8s({ adminCidr: undefined }), "adminCidr", null, /required/));
        it("swarm too", () => rejects(() => swarm({ adminCidr: "0.0.0.0/0" }), "adminCidr", "0.0.0.0/0"));
    });

    describe("stack reference names", () => {
        for (const bad of [
            "k8s-dev",
            "hybrid-vnf/k8s-dev",
            "org/hybrid-vnf/k8s-dev/extra",
            "org//k8s-dev",
            "org/hybrid vnf/k8s-dev",
        ]) {
            it(`k8sStack ${bad}`, () =>
                rejects(() => swarm({ k8sStack: bad }), "k8sStack", bad, /org\/project\/stack/));
        }
        it("swarmStack", () => rejects(() => chain({ swarmStack: "swarm-dev" }), "swarmStack", "swarm-dev"));
    });

    describe("targets and roles", () => {
        it("unknown target", () => rejects(() => k8s({ target: "aws" }), "target", "aws", /openstack, existing/));
        it("unknown role lists the valid roles", () =>
            rejects(
                () => readRole(reader({ role: "k8s" })),
                "role",
                "k8s",
                /k8s-cluster, swarm-cluster, service-chain/,
            ));
        it("missing role lists the valid roles", () =>
            rejects(() => readRole(reader({})), "role", null, /not set.*k8s-cluster, swarm-cluster, service-chain/));
    });

    describe("other values", () => {
        it("ssh public key", () => rejects(() => k8s({ sshPublicKey: "not a key" }), "sshPublicKey", "not a key"));
        it("k3s version must be pinned", () => rejects(() => k8s({ k3sVersion: "latest" }), "k3sVersion", "latest"));
        it("private key is required and the hint says --secret", () =>
            rejects(() => k8s({ sshPrivateKey: undefined }), "sshPrivateKey", null, /--secret/));
        it("existing: routerHost outside clusterCidr", () =>
            rejects(
                () =>
                    k8s({ target: "existing", kubeconfig: "x", routerHost: "10.9.9.9", apacheIps: ["10.100.102.10"] }),
                "routerHost",
                "10.9.9.9",
            ));
        it("existing: apache IP malformed", () =>
            rejects(
                () =>
                    k8s({
                        target: "existing",
                        kubeconfig: "x",
                        routerHost: "10.100.101.2",
                        apacheIps: ["10.100.102.300"],
                    }),
                "apacheIps",
                "10.100.102.300",
            ));
        it("existing: dockerHost over TCP is refused", () =>
            rejects(
                () =>
                    swarm({
                        target: "existing",
                        dockerHost: "tcp://10.0.0.1:2375",
                        managerIp: "10.100.100.2",
                        nodeIps: ["10.100.100.2"],
                    }),
                "dockerHost",
                "tcp://10.0.0.1:2375",
                /ssh:\/\//,
            ));
        it("existing: malformed dockerHost", () =>
            rejects(
                () =>
                    swarm({
                        target: "existing",
                        dockerHost: "ssh://host-without-user",
                        managerIp: "10.100.100.2",
                        nodeIps: ["10.100.100.2"],
                    }),
                "dockerHost",
                "ssh://host-without-user",
            ));
        it("unpinned image", () =>
            rejects(
                () => chain({ lbImage: "hybrid-vnf/nginx-lb:latest" }),
                "lbImage",
                "hybrid-vnf/nginx-lb:latest",
                /pinned/,
            ));
        it("untagged image", () =>
            rejects(() => chain({ routerImage: "hybrid-vnf/router" }), "routerImage", "hybrid-vnf/router"));
        it("digest-pinned image is fine", () => {
            const ref = `hybrid-vnf/router@sha256:${"a".repeat(64)}`;
            assert.strictEqual(chain({ routerImage: ref }).routerImage, ref);
        });
        it("registry with port and a tag is fine", () =>
            assert.strictEqual(chain({ lbImage: "registry.local:5000/lb:1.2" }).lbImage, "registry.local:5000/lb:1.2"));
        it("boolean", () => rejects(() => chain({ leastPrivilege: "yes" }), "leastPrivilege", "yes", /true or false/));
        it("publish mode", () =>
            rejects(() => chain({ lbPublishMode: "dnsrr" }), "lbPublishMode", "dnsrr", /ingress, host/));
    });
});

describe("service-chain lbNetworks", () => {
    it("defaults to none and keeps the given names in order", () => {
        assert.deepStrictEqual(chain({}).lbNetworks, []);
        assert.deepStrictEqual(chain({ lbNetworks: ["lb-net", "0a1b2c3d"] }).lbNetworks, ["lb-net", "0a1b2c3d"]);
    });
    it("refuses a name Docker would refuse, and a name listed twice", () => {
        rejects(() => chain({ lbNetworks: ["bad name"] }), "lbNetworks", "bad name", /not a Docker network name/);
        rejects(() => chain({ lbNetworks: ["-x"] }), "lbNetworks", "-x");
        rejects(() => chain({ lbNetworks: ["a", "a"] }), "lbNetworks", "a", /twice/);
    });
});

describe("secret keys are checked when read: the key, never the value", () => {
    const pw = "-hunter2-vty-secret";
    it("routerVtyPassword: a password FRR refuses is a plain ConfigError, not an Output failure", () => {
        assert.throws(
            () => chain({ routerVtyPassword: pw }),
            (e: Error) => {
                assert.ok(e instanceof ConfigError, String(e));
                assert.strictEqual(
                    e.message,
                    'hybrid-vnf:routerVtyPassword: "[secret]" the password must start with a letter or digit (FRR refuses others)',
                );
                assert.ok(!`${e.message}${e.stack}${JSON.stringify(e)}`.includes("hunter2"), "the value leaks");
                return true;
            },
        );
        assert.throws(() => chain({ routerVtyPassword: "has space" }), {
            message:
                'hybrid-vnf:routerVtyPassword: "[secret]" the password must be printable ASCII without spaces or newlines',
        });
    });
    it("routerVtyPassword: a good one comes back as a secret Output; unset stays undefined", async () => {
        const c = chain({ routerVtyPassword: "Good-pw-1" });
        assert.ok(c.routerVtyPassword && (await pulumi.isSecret(c.routerVtyPassword)));
        assert.strictEqual(chain({}).routerVtyPassword, undefined);
    });
    it("sshPrivateKey: a public key given by mistake, or no PEM block at all", () => {
        assert.throws(() => chain({ sshPrivateKey: "ssh-ed25519 AAAA hunter2" }), {
            message:
                'hybrid-vnf:sshPrivateKey: "[secret]" is a public key; give the private key file (e.g. ~/.ssh/id_ed25519, not the .pub)',
        });
        assert.throws(() => chain({ sshPrivateKey: "hunter2" }), {
            message:
                'hybrid-vnf:sshPrivateKey: "[secret]" is not a private key (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----, nothing around it)',
        });
    });
});

describe("ConfigError", () => {
    it("drops the SDK's serialization prefixes (a config problem, not a property's) but keeps other prefixes", () => {
        const e = new ConfigError("hybrid-vnf:routes", "x", "is bad");
        e.message = `error serializing property "spec": error serializing property "env": ${e.message}`;
        assert.strictEqual(e.message, 'hybrid-vnf:routes: "x" is bad');
        e.message = `stack chain-dev: ${e.message}`;
        assert.strictEqual(e.message, 'stack chain-dev: hybrid-vnf:routes: "x" is bad');
    });
    it("ConfigError.secret shows [secret], and holds no value to serialize", () => {
        const e = ConfigError.secret("hybrid-vnf:k", "is bad");
        assert.strictEqual(e.message, 'hybrid-vnf:k: "[secret]" is bad');
        assert.strictEqual(e.value, "[secret]");
    });
});

describe("service-chain routes: parsed once into typed routes, checked for meaning", () => {
    it("typed Route[] from the stack config", () => {
        assert.deepStrictEqual(
            chain({ routes: ["192.0.2.0/24 10.100.101.1", "198.51.100.0/24 dev eth0"] }).extraRoutes,
            [
                { prefix: "192.0.2.0/24", via: { kind: "nexthop", address: "10.100.101.1" } },
                { prefix: "198.51.100.0/24", via: { kind: "dev", iface: "eth0" } },
            ],
        );
    });
    it("a next hop inside its own destination is refused; the default route is not", () => {
        rejects(
            () => chain({ routes: ["10.0.0.0/8 10.100.101.1"] }),
            "routes",
            "10.0.0.0/8 10.100.101.1",
            /has its next hop 10\.100\.101\.1 inside its own destination 10\.0\.0\.0\/8/,
        );
        assert.strictEqual(chain({ routes: ["0.0.0.0/0 10.100.101.1"] }).extraRoutes.length, 1);
    });
    it("a dev route must name one of the router's interfaces", () => {
        rejects(
            () => chain({ routes: ["192.0.2.0/24 dev eth2"] }),
            "routes",
            "192.0.2.0/24 dev eth2",
            /which is not one of the router's interfaces \(hybrid-vnf:routerInterfaces: eth0, eth1\)$/,
        );
        assert.strictEqual(
            chain({ routerInterfaces: ["eth0", "eth1", "eth2"], routes: ["192.0.2.0/24 dev eth2"] }).extraRoutes.length,
            1,
        );
    });
    it("routerRoutes: a next hop must be on the cluster or the Apache network", () => {
        const nets = { stack: "o/hybrid-vnf/k8s-dev", cluster: "10.100.101.0/24", apache: "10.100.102.0/24" };
        const cfg = (routes: string[]) => chain({ routes });
        assert.strictEqual(routerRoutes(cfg(["192.0.2.0/24 10.100.102.9"]), nets).length, 2);
        assert.throws(() => routerRoutes(cfg(["192.0.2.0/24 10.100.100.1"]), nets), {
            message: `hybrid-vnf:routes: "192.0.2.0/24 10.100.100.1" has next hop 10.100.100.1, which is on none of the router's networks (clusterNetwork.cidr 10.100.101.0/24, apacheInfo.network 10.100.102.0/24 of stack o/hybrid-vnf/k8s-dev)`,
        });
        assert.throws(() => routerRoutes(cfg(["10.100.102.0/24 dev eth0"]), nets), {
            message:
                'hybrid-vnf:routes: "10.100.102.0/24 dev eth0" repeats the default route to apacheInfo.network 10.100.102.0/24 of stack o/hybrid-vnf/k8s-dev',
        });
    });
});
