// The one shape of a security-group ingress rule, for the tables of both cluster stacks
// (stacks/k8s-cluster/security.ts, stacks/swarm-cluster/security.ts), and how such a rule
// becomes the arguments of an OpenStack SecGroupRule. Pure: the stacks create the resources.
// Every group keeps OpenStack's default egress (allow all out); Neutron's groups are stateful,
// so replies to allowed traffic need no rule of their own.

/** Absent on a rule: every protocol. */
export type RuleProtocol = "tcp" | "udp" | "icmp";

/**
 * One ingress rule. `Group`: the keys of the stack's own groups a rule may name as its source.
 * `Cidr`: how the source network is known (a string, or a Pulumi output when it comes from
 * another stack).
 */
export interface IngressRule<Group extends string = never, Cidr = string> {
    /** Short name, the end of the rule's resource name. */
    key: string;
    /** What OpenStack shows for the rule; absent: the key. */
    description?: string;
    protocol?: RuleProtocol;
    /** Absent: every port. */
    port?: number;
    /** The last port of a range starting at `port`; absent for one port. */
    portMax?: number;
    /** Exactly one of remoteIpPrefix and remoteGroup. */
    remoteIpPrefix?: Cidr;
    remoteGroup?: Group;
}

/** A rule as openstack.networking.SecGroupRule's arguments; `groupId` resolves a remoteGroup. */
export function ingressRuleArgs<Group extends string, Cidr, Id>(
    rule: IngressRule<Group, Cidr>,
    securityGroupId: Id,
    groupId: (group: Group) => Id,
) {
    return {
        securityGroupId,
        description: rule.description ?? rule.key,
        direction: "ingress",
        ethertype: "IPv4",
        protocol: rule.protocol,
        portRangeMin: rule.port,
        portRangeMax: rule.portMax ?? rule.port,
        remoteIpPrefix: rule.remoteIpPrefix,
        remoteGroupId: rule.remoteGroup === undefined ? undefined : groupId(rule.remoteGroup),
    };
}
