// The lab's front door for the LB: what the routing mesh or an external load balancer does
// in a real multi-node deployment, and a one-node swarm with a host-mode port lacks.
//  - The host-mode port listens on every address: only this host's own processes may use it.
//  - SYN hold: while the port has no listener (a task restarting), SYNs are dropped instead of
//    refused, so clients retransmit ~1 s later instead of failing.
//  - Drain: a stop-first rolling update stops the old task while new connections still arrive;
//    nginx closing its listener resets connections queued in it (measured: 1 in ~24,000 during
//    an update). Like the mesh deregistering a task before stopping it, the lab holds new
//    connections for the handoff and lets them through once the new task answers.
import { LabAddressing } from "./addressing";
import { LbSpec } from "../specs/workload-specs";
import { LAB_NAMES } from "../names";
import { spawn } from "child_process";
import { out, run, waitFor } from "../sh";
import { request } from "../bench/http-load";
import { FILTER_COMMENT } from "./host-commands";

/**
 * Every [tool, table, chain] the lab adds rules to: the topology's filters (build-topology.ts) and
 * the drain rules below; all carry the lab's rule comment.
 */
export const FILTER_CHAINS: [string, string, string][] = [
    ["iptables", "filter", "INPUT"],
    ["iptables", "filter", "OUTPUT"],
    ["iptables", "filter", "DOCKER-USER"],
    ["iptables", "raw", "OUTPUT"],
    ["iptables", "raw", "PREROUTING"],
    ["iptables", "nat", "POSTROUTING"],
    ["ip6tables", "filter", "INPUT"],
];

const comment = FILTER_COMMENT;

/** Packets held by the SYN-hold filters so far (handoff moments the clients did not see). */
export async function heldPackets(): Promise<number> {
    let n = 0;
    for (const [table, chain] of [
        ["filter", "INPUT"],
        ["filter", "OUTPUT"],
        ["raw", "OUTPUT"],
        ["raw", "PREROUTING"],
    ]) {
        const s = await out(["iptables", "-w", "-t", table, "-nvxL", chain]);
        n += s
            .split("\n")
            .filter((l) => l.includes(LAB_NAMES.ruleComment))
            .reduce((k, l) => k + Number(l.trim().split(/\s+/)[0]), 0);
    }
    return n;
}

/** Raw-table rules: before conntrack, so a held SYN leaves no connection state behind. */
function drainRules(addressing: LabAddressing): string[][] {
    return ["OUTPUT", "PREROUTING"].map((chain) => [
        "-t",
        "raw",
        chain,
        "-d",
        addressing.managerIp,
        "-p",
        "tcp",
        "--dport",
        String(addressing.lbPort),
        "--syn",
        ...comment,
        "-j",
        "DROP",
    ]);
}

async function taskIps(service: string): Promise<Map<string, string>> {
    const ids = (
        await out([
            "docker",
            "ps",
            "-q",
            "--filter",
            `label=com.docker.swarm.service.name=${service}`,
            "--filter",
            "status=running",
        ])
    )
        .split("\n")
        .filter(Boolean);
    const m = new Map<string, string>();
    for (const id of ids) {
        const [env, ip] = (
            await out([
                "docker",
                "inspect",
                "-f",
                `{{json .Config.Env}}|{{(index .NetworkSettings.Networks "${LAB_NAMES.swarmNetwork}").IPAddress}}`,
                id,
            ])
        ).split("|");
        m.set(ip, env);
    }
    return m;
}

export interface UpdateResult {
    updateMs: number;
    /** How long new connections were held at the front, and how many SYNs were held. */
    drainMs: number;
    heldSyns: number;
}

/** Resolves when Docker reports an update of `service` (its spec changed): the handoff begins. */
function serviceUpdated(service: string): { seen: Promise<void>; stop: () => void } {
    const events = spawn("docker", [
        "events",
        "--filter",
        "type=service",
        "--filter",
        `service=${service}`,
        "--filter",
        "event=update",
        "--format",
        "{{.Action}}",
    ]);
    const seen = new Promise<void>((resolve, reject) => {
        events.stdout.on("data", () => resolve());
        events.on("error", reject);
    });
    return { seen, stop: () => events.kill() };
}

/**
 * A rolling update of the LB service, drained at the front: new connections wait until a new
 * task whose env has `expectEnv` (KEY=VALUE) answers on its own address. The hold starts just
 * before `update` (`docker service update`: the update is the command), or, for an update that
 * first evaluates a program (`pulumi up`), when Docker reports the service's spec changed, so the
 * program's run is not part of the hold (a SYN held past ~7 s waits for its 15 s retransmission).
 */
export async function drainedUpdate(
    addressing: LabAddressing,
    lb: LbSpec,
    expectEnv: string,
    update: () => Promise<unknown>,
    o: { holdFrom?: "start" | "service-update" } = {},
): Promise<UpdateResult> {
    const target = lb.ports.find((p) => p.published === addressing.lbPort)?.target ?? 80;
    const t = Date.now();
    const held0 = await heldPackets();
    let holdAt: number | undefined;
    const hold = async () => {
        for (const r of drainRules(addressing))
            await run(["iptables", "-w", "-I", r[2], "1", ...r.slice(0, 2), ...r.slice(3)]);
        holdAt = Date.now();
    };
    const watch = o.holdFrom === "service-update" ? serviceUpdated(lb.serviceName) : undefined;
    const holding = watch ? watch.seen.then(hold) : hold();
    if (!watch) await holding;
    let drainMs = 0;
    let held = 0;
    const updating = update();
    const settled = updating.then(
        () => undefined,
        () => undefined,
    ); // its error is rethrown below
    try {
        await Promise.race([
            settled,
            waitFor(
                `a task with ${expectEnv} answering`,
                async () => {
                    for (const [ip, env] of await taskIps(lb.serviceName)) {
                        if (
                            env.includes(JSON.stringify(expectEnv)) &&
                            (await request(`http://${ip}:${target}/healthz`, 500)).ok
                        )
                            return true;
                    }
                    return undefined;
                },
                240_000,
                50,
            ),
        ]);
    } finally {
        watch?.stop();
        if (holdAt !== undefined || !watch) await holding.catch(() => undefined);
        held = await heldPackets(); // before the drain rules (and their counters) go
        for (const r of drainRules(addressing))
            await run(["iptables", "-w", "-D", r[2], ...r.slice(0, 2), ...r.slice(3)], { allowFail: true });
        drainMs = holdAt === undefined ? 0 : Date.now() - holdAt;
    }
    await updating;
    return { updateMs: Date.now() - t, drainMs, heldSyns: held - held0 };
}

/** `docker service update --env-add KEY=VALUE` with the service's update policy, drained at the front. */
export function rollingUpdate(
    addressing: LabAddressing,
    lb: LbSpec,
    envAdd: string,
    timeoutMs = 170_000,
): Promise<UpdateResult> {
    return drainedUpdate(addressing, lb, envAdd, () =>
        run(
            [
                "docker",
                "service",
                "update",
                "--detach=false",
                "--no-resolve-image",
                "--env-add",
                envAdd,
                lb.serviceName,
            ],
            { timeoutMs },
        ),
    );
}
