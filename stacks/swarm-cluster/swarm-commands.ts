// Node naming and the shell text of the SSH commands that form and shrink the swarm.
// Every create command is idempotent: re-running `up` never re-initialises or re-joins.
import { SWARM_PORTS } from "../../lib/ports";

export type SwarmRole = "manager" | "worker";

export interface SwarmNode {
    /** Part of every resource name of the node: manager-1, worker-3. */
    key: string;
    /** VM name and hostname, hence the Docker node name: <stack>-manager-1. */
    name: string;
    role: SwarmRole;
}

/** Managers first, then workers, numbered from 1; the first manager initialises the swarm. */
export function swarmNodes(stack: string, managerCount: number, workerCount: number): SwarmNode[] {
    // Stack names may hold . and _, which are not hostname characters.
    const prefix = stack.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
    const numbered = (role: SwarmRole, count: number) =>
        Array.from({ length: count }, (_, i) => ({
            key: `${role}-${i + 1}`,
            name: `${prefix}-${role}-${i + 1}`,
            role,
        }));
    return [...numbered("manager", managerCount), ...numbered("worker", workerCount)];
}

const SWARM_STATE = `sudo docker info --format '{{.Swarm.LocalNodeState}}'`;
/** Docker is installed by cloud-init; SSH comes up before it has finished. */
const WAIT_FOR_CLOUD_INIT = `sudo cloud-init status --wait >/dev/null`;

export function initSwarmCommand(advertiseIp: string): string {
    return [
        `# docker swarm init on ${advertiseIp}, unless this node is already in a swarm`,
        "set -e",
        WAIT_FOR_CLOUD_INIT,
        `if [ "$(${SWARM_STATE})" = active ]; then echo "swarm already formed"; exit 0; fi`,
        `sudo docker swarm init --advertise-addr ${advertiseIp}`,
    ].join("\n");
}

/** Prints only the token; the Command marks stdout secret. */
export function joinTokenCommand(role: SwarmRole): string {
    return `sudo docker swarm join-token -q ${role}`;
}

/** The token arrives on stdin (a secret input), so it never appears in the command text. */
export function joinSwarmCommand(advertiseIp: string, managerIp: string): string {
    const manager = `${managerIp}:${SWARM_PORTS.management}`;
    return [
        `# docker swarm join ${manager} as ${advertiseIp}, unless already in the swarm`,
        "set -e",
        "read -r token",
        WAIT_FOR_CLOUD_INIT,
        `if [ "$(${SWARM_STATE})" = active ]; then echo "already in the swarm"; exit 0; fi`,
        `sudo docker swarm join --token "$token" --advertise-addr ${advertiseIp} ${manager}`,
    ].join("\n");
}

/** Runs on the node being removed; a manager first hands back its vote so the quorum shrinks cleanly. */
export function leaveSwarmCommand(node: SwarmNode): string {
    const demote = node.role === "manager" ? `sudo docker node demote ${node.name} || true\n` : "";
    return `${demote}sudo docker swarm leave --force || true`;
}

/** Runs on the first manager after the node has left: drops it from `docker node ls`. */
export function forgetNodeCommand(node: SwarmNode): string {
    return `sudo docker node demote ${node.name} 2>/dev/null || true\nsudo docker node rm --force ${node.name} || true`;
}

/** Runs on the first manager when the whole swarm is destroyed. */
export const DISBAND_SWARM_COMMAND = "sudo docker swarm leave --force || true";
