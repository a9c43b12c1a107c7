// Negative controls: the four mistakes the issue names, each sent through the real provider to the
// real API as a wrong variant of what the stacks do right. One inline program; `wrong` picks the
// one mistake added on top of the right versions of all four (which must pass the same path).
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/openstack/compute";
import * as networking from "@pulumi/openstack/networking";
import { EXTERNAL } from "./layout";

export const NEGATIVE_CLASSES = [
    "duplicate-rule",
    "pairs-without-port-security",
    "fip-without-router",
    "bad-public-key",
] as const;
export type NegativeClass = (typeof NEGATIVE_CLASSES)[number];

/** The resource each wrong variant adds (its error must name it) and what the API says. */
export const EXPECTED_REFUSAL: Record<NegativeClass, { resource: string; api: RegExp }> = {
    "duplicate-rule": { resource: "neg-ssh-rule-again", api: /409|already exists/i },
    "pairs-without-port-security": { resource: "neg-port-pairs-unsecured", api: /409|Port Security must be enabled/i },
    "fip-without-router": { resource: "neg-fip-unrouted", api: /404|not reachable/i },
    "bad-public-key": { resource: "neg-keypair-garbled", api: /400|Keypair data is invalid|public key/i },
};

/** A valid-looking prefix with a body that is not a key: what a pasted-wrong key looks like. */
export const GARBLED_PUBLIC_KEY =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGarbledGarbledGarbledGarbledGarbled== garbled@example";

export function negativeProgram(o: {
    publicKey: string;
    wrong?: NegativeClass;
}): () => Promise<Record<string, unknown>> {
    return async () => {
        // Right: a group with one rule; a port with port security and address pairs; a floating IP on
        // a port whose subnet has a router to `public`; a keypair of a key that parses.
        const sg = new networking.SecGroup("neg-sg", { description: "negative controls", deleteDefaultRules: false });
        const rule = {
            securityGroupId: sg.id,
            direction: "ingress",
            ethertype: "IPv4",
            protocol: "tcp",
            portRangeMin: 22,
            portRangeMax: 22,
            remoteIpPrefix: "198.51.100.0/24",
        };
        const ssh = new networking.SecGroupRule("neg-ssh-rule", rule);
        const net = new networking.Network("neg-net", { adminStateUp: true });
        const subnet = new networking.Subnet("neg-subnet", { networkId: net.id, cidr: "10.199.0.0/24", ipVersion: 4 });
        const external = networking.getNetworkOutput({ name: EXTERNAL.network, external: true });
        const router = new networking.Router("neg-router", { externalNetworkId: external.id });
        const iface = new networking.RouterInterface("neg-router-iface", { routerId: router.id, subnetId: subnet.id });
        const pairs = [{ ipAddress: "10.199.1.0/24" }];
        const port = new networking.Port("neg-port-pairs", {
            networkId: net.id,
            fixedIps: [{ subnetId: subnet.id }],
            allowedAddressPairs: pairs,
        });
        const fip = new networking.FloatingIp(
            "neg-fip",
            { pool: EXTERNAL.network, portId: port.id },
            { dependsOn: [iface] },
        );
        new compute.Keypair("neg-keypair", { publicKey: o.publicKey });

        // Wrong: exactly one of the four, named so the error can be told apart.
        if (o.wrong === "duplicate-rule") new networking.SecGroupRule("neg-ssh-rule-again", rule, { dependsOn: [ssh] });
        if (o.wrong === "pairs-without-port-security") {
            new networking.Port("neg-port-pairs-unsecured", {
                networkId: net.id,
                fixedIps: [{ subnetId: subnet.id }],
                portSecurityEnabled: false,
                noSecurityGroups: true,
                allowedAddressPairs: pairs,
            });
        }
        if (o.wrong === "fip-without-router") {
            const lonelyNet = new networking.Network("neg-net-unrouted", { adminStateUp: true });
            const lonelySubnet = new networking.Subnet("neg-subnet-unrouted", {
                networkId: lonelyNet.id,
                cidr: "10.199.2.0/24",
                ipVersion: 4,
            });
            const lonelyPort = new networking.Port("neg-port-unrouted", {
                networkId: lonelyNet.id,
                fixedIps: [{ subnetId: lonelySubnet.id }],
            });
            new networking.FloatingIp("neg-fip-unrouted", { pool: EXTERNAL.network, portId: lonelyPort.id });
        }
        if (o.wrong === "bad-public-key") new compute.Keypair("neg-keypair-garbled", { publicKey: GARBLED_PUBLIC_KEY });
        return { fip: fip.address, port: port.id, rule: ssh.id, pulumiProject: pulumi.getProject() };
    };
}
