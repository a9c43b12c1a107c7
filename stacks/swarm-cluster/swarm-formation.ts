// Forms the swarm over SSH: init on the first manager, join tokens read as secrets, every other
// node joins, and a removed node leaves and is dropped from the node list.
import * as pulumi from "@pulumi/pulumi";
import * as remote from "@pulumi/command/remote";
import {
    DISBAND_SWARM_COMMAND,
    forgetNodeCommand,
    initSwarmCommand,
    joinSwarmCommand,
    joinTokenCommand,
    leaveSwarmCommand,
    SwarmNode,
    SwarmRole,
} from "./swarm-commands";

/** A node as the formation sees it: reachable over SSH, with its address on the swarm network. */
export interface ReachableNode {
    node: SwarmNode;
    /** Floating IP: SSH from adminCidr. @pulumi/command 4.5 has no jump host, so every node has one. */
    sshHost: pulumi.Output<string>;
    swarmIp: pulumi.Output<string>;
    /** The VM (and its floating IP): commands wait for them, and are deleted before them. */
    ready: pulumi.Resource[];
}

export interface SshLogin {
    user: string;
    privateKey: pulumi.Output<string>;
}

export function formSwarm(
    prefix: string,
    nodes: ReachableNode[],
    login: SshLogin,
    parent: pulumi.Resource,
): remote.Command[] {
    const [first, ...others] = nodes;
    const connect = (n: ReachableNode) => ({ host: n.sshHost, user: login.user, privateKey: login.privateKey });

    const init = new remote.Command(
        `${prefix}-init`,
        { connection: connect(first), create: first.swarmIp.apply(initSwarmCommand), delete: DISBAND_SWARM_COMMAND },
        { parent, dependsOn: first.ready },
    );
    const tokens = {} as Record<SwarmRole, pulumi.Output<string>>;
    for (const role of ["manager", "worker"] as const) {
        const read = new remote.Command(
            `${prefix}-${role}-join-token`,
            { connection: connect(first), create: joinTokenCommand(role) },
            { parent, dependsOn: [init], additionalSecretOutputs: ["stdout"] },
        );
        // additionalSecretOutputs protects the state; pulumi.secret keeps it secret downstream, also under mocks.
        tokens[role] = pulumi.secret(read.stdout.apply((s) => s.trim()));
    }

    const joins = others.map((n) => {
        // Created before the join, so deleted after it: the node leaves first, then the manager forgets it.
        const forget = new remote.Command(
            `${prefix}-${n.node.key}-forget`,
            { connection: connect(first), delete: forgetNodeCommand(n.node) },
            { parent, dependsOn: [init] },
        );
        return new remote.Command(
            `${prefix}-${n.node.key}-join`,
            {
                connection: connect(n),
                create: pulumi
                    .all([n.swarmIp, first.swarmIp])
                    .apply(([ip, managerIp]) => joinSwarmCommand(ip, managerIp)),
                stdin: pulumi.interpolate`${tokens[n.node.role]}\n`,
                delete: leaveSwarmCommand(n.node),
            },
            { parent, dependsOn: [...n.ready, forget] },
        );
    });
    return [init, ...joins];
}
