// lib/security-rule.ts: the one rule shape both cluster stacks use, and its SecGroupRule arguments.
import * as assert from "assert";
import { IngressRule, ingressRuleArgs } from "../../lib/security-rule";

type Group = "web" | "db";
const groupId = (g: Group) => `id-of-${g}`;

describe("lib/security-rule.ts ingressRuleArgs", () => {
    it("one port from a CIDR: min = max, no remote group, described by the key when it has no description", () => {
        const rule: IngressRule<Group> = { key: "ssh", protocol: "tcp", port: 22, remoteIpPrefix: "192.0.2.0/24" };
        assert.deepStrictEqual(ingressRuleArgs(rule, "sg-1", groupId), {
            securityGroupId: "sg-1",
            description: "ssh",
            direction: "ingress",
            ethertype: "IPv4",
            protocol: "tcp",
            portRangeMin: 22,
            portRangeMax: 22,
            remoteIpPrefix: "192.0.2.0/24",
            remoteGroupId: undefined,
        });
    });

    it("a range from a group: the group resolved by the caller, the description kept", () => {
        const udp = { protocol: "udp", port: 3784, portMax: 3785 } as const;
        const rule: IngressRule<Group> = { key: "bfd", description: "BFD", ...udp, remoteGroup: "db" };
        const args = ingressRuleArgs(rule, "sg-2", groupId);
        assert.deepStrictEqual(
            [args.description, args.portRangeMin, args.portRangeMax, args.remoteIpPrefix, args.remoteGroupId],
            ["BFD", 3784, 3785, undefined, "id-of-db"],
        );
    });

    it("no protocol and no port: every protocol and port (left unset for OpenStack)", () => {
        const rule: IngressRule<Group> = { key: "all", remoteGroup: "web" };
        const args = ingressRuleArgs(rule, "sg", groupId);
        const unset = [args.protocol, args.portRangeMin, args.portRangeMax];
        assert.deepStrictEqual(unset, [undefined, undefined, undefined]);
    });
});
