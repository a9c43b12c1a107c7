// The swarm formed by the stack's own remote.Command scripts (stacks/swarm-cluster/
// swarm-commands.ts), run over ssh with the same command text and stdin as the Commands:
// init on the first manager, the join token read from it, the join with the token on stdin,
// and on removal the leave and the forget. Judged by what `docker node ls` says.
import {
    forgetNodeCommand,
    initSwarmCommand,
    joinSwarmCommand,
    joinTokenCommand,
    leaveSwarmCommand,
    SwarmNode,
    SwarmRole,
} from "../stacks/swarm-cluster/swarm-commands";
import { Judgement } from "./checks";
import { Guest, run } from "./guest";

/** The SwarmNode of a planned swarm host: swarm-worker-1 is key worker-1, role worker, named after its server. */
export function swarmNodeOf(g: Guest): SwarmNode {
    const m = /(manager|worker)-(\d+)$/.exec(g.vm.resource);
    if (!m) throw new Error(`${g.vm.resource} is not a swarm manager or worker resource`);
    return { key: `${m[1]}-${m[2]}`, name: g.vm.serverName, role: m[1] as SwarmRole };
}

/** `docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'` against the names wanted. */
export function judgeNodeList(stdout: string, wanted: string[]): Judgement {
    const rows = stdout.trim().split("\n").filter(Boolean);
    const ready = rows.filter((r) => / Ready\b/.test(r)).map((r) => r.split(" ")[0]);
    const extra = rows.map((r) => r.split(" ")[0]).filter((n) => !wanted.includes(n));
    const ok = wanted.every((n) => ready.includes(n)) && extra.length === 0;
    return { verdict: ok ? "pass" : "fail", evidence: rows.join("; ") || "no nodes" };
}

export const NODE_LIST = "sudo docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'";

const must = async (g: Guest, what: string, script: string, stdin?: string) => {
    const r = await run(g, script, { stdin, timeoutMs: 10 * 60_000 });
    if (r.code !== 0)
        throw new Error(`${what} on ${g.vm.resource} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-400)}`);
    return r.stdout;
};

export async function formSwarm(manager: Guest, others: Guest[]): Promise<Judgement> {
    await must(manager, "swarm init", initSwarmCommand(manager.host));
    const tokens: Partial<Record<SwarmRole, string>> = {};
    for (const g of others) {
        const role = swarmNodeOf(g).role;
        tokens[role] ??= (await must(manager, `join-token ${role}`, joinTokenCommand(role))).trim();
        await must(g, "swarm join", joinSwarmCommand(g.host, manager.host), `${tokens[role]}\n`);
    }
    const r = await run(manager, NODE_LIST);
    return judgeNodeList(
        r.stdout,
        [manager, ...others].map((g) => g.vm.serverName),
    );
}

export async function swarmMembership(manager: Guest, all: Guest[]): Promise<Judgement> {
    const r = await run(manager, NODE_LIST);
    return judgeNodeList(
        r.stdout,
        all.map((g) => g.vm.serverName),
    );
}

/** The Commands' delete steps: the node leaves, then the manager forgets it. */
export async function removeNode(manager: Guest, node: Guest, remaining: Guest[]): Promise<Judgement> {
    const n = swarmNodeOf(node);
    await run(node, leaveSwarmCommand(n), { timeoutMs: 120000 });
    await run(manager, forgetNodeCommand(n), { timeoutMs: 120000 });
    const state = (await run(node, "sudo docker info --format '{{.Swarm.LocalNodeState}}'")).stdout.trim();
    const list = await swarmMembership(manager, remaining);
    const ok = state === "inactive" && list.verdict === "pass";
    return {
        verdict: ok ? "pass" : "fail",
        evidence: `${n.name} swarm state ${state}; manager lists ${list.evidence}`,
    };
}
