// Applies the lab's topology (build-topology.ts: networks, the router nodes' namespaces and legs,
// routes, backends, host filters), the safety route first, and asks the running lab what it needs
// (a node's kernel routes, the LB task). The structure is recorded in .lab/topology.json before
// anything is made, so `down` (teardown-topology.ts) undoes exactly what a run made.
import * as fs from "fs";
import * as path from "path";
import { KernelRoute } from "./route-checks";
import { LabAddressing } from "./addressing";
import { inNetns, pidOf } from "../docker-engine";
import { out, run, waitFor } from "../sh";
import { LAB_NAMES } from "../names";
import { containerRunArgs, filterArgs, networkCreateArgs, routeArgs } from "./host-commands";
import { LabFilter, LabTopology } from "./topology-types";
import { Step } from "../steps";
import { LAB_PATHS } from "../engine-stacks";

/** Where the applied topology is recorded for `down`. */
export const TOPOLOGY_FILE = path.join(LAB_PATHS.dir, "topology.json");

export function recordedTopology(): LabTopology | undefined {
    try {
        return JSON.parse(fs.readFileSync(TOPOLOGY_FILE, "utf8"));
    } catch {
        return undefined;
    }
}

export async function nodeRoutes(node: string = LAB_NAMES.routerNode()): Promise<KernelRoute[]> {
    return JSON.parse(await out(inNetns(await pidOf(node), ["ip", "-N", "-j", "route", "show", "table", "main"])));
}

export async function routerTable(): Promise<string> {
    return out(inNetns(await pidOf(LAB_NAMES.routerNode()), ["ip", "route", "show", "table", "main"]));
}

/** The ip(6)tables table exists here (ip6tables filter may not, on a host without IPv6 filtering). */
async function filterTableAvailable(f: LabFilter): Promise<boolean> {
    return (await run([f.tool, "-w", "-t", f.table, "-S", f.chain], { allowFail: true })).code === 0;
}

/**
 * Makes the topology, in dependency order, the safety route first. What the clouds would give:
 * the workloads on top (router pod, LB service) are the engine's.
 */
export async function applyTopology(t: LabTopology, step: Step): Promise<void> {
    fs.mkdirSync(path.dirname(TOPOLOGY_FILE), { recursive: true });
    fs.writeFileSync(TOPOLOGY_FILE, JSON.stringify(t, null, 2) + "\n");
    // Before any lab packet: the lab's supernet is unreachable from this host except by the
    // more specific routes the lab adds itself, so nothing can leave by the default route.
    await step(
        `safety route: ${t.safetyRoutes.map((r) => routeArgs(r).slice(0, 2).join(" ")).join(", ")}`,
        async () => {
            for (const r of t.safetyRoutes) await run(["ip", "route", "replace", ...routeArgs(r)]);
        },
    );
    if (t.hostSysctls?.length) {
        await step(
            `host sysctls (${t.hostSysctls.map((x) => `${x.key}=${x.value}`).join(", ")}; down restores them)`,
            async () => {
                for (const x of t.hostSysctls ?? []) x.restore ??= await out(["sysctl", "-n", x.key]);
                fs.writeFileSync(TOPOLOGY_FILE, JSON.stringify(t, null, 2) + "\n");
                for (const x of t.hostSysctls ?? []) await run(["sysctl", "-q", "-w", `${x.key}=${x.value}`]);
            },
        );
    }
    const networks = t.networks.map((n) => `${n.name} ${n.subnet}${n.hostAddress ? "" : ", no host address"}`);
    await step(`networks (${networks.join("; ")})`, async () => {
        for (const n of t.networks) for (const argv of networkCreateArgs(n, t.labels)) await run(argv);
    });
    for (const b of t.bridges ?? []) {
        await step(
            `bridge ${b.name} ${b.address} (a plain Linux bridge: Docker isolates its own bridges from each other)`,
            async () => {
                await run(["ip", "link", "add", b.name, "type", "bridge"]);
                await run(["ip", "address", "add", b.address, "dev", b.name]);
                await run(["ip", "link", "set", b.name, "up"]);
            },
        );
    }
    await step(
        `node namespaces and legs (${t.links.map((l) => `${l.node} ${l.nodeIf} ${l.nodeAddress}`).join(", ")})`,
        async () => {
            for (const n of t.nodes) await run(["docker", "run", ...containerRunArgs(n, t.labels)]);
            const pids = new Map<string, number>();
            for (const n of t.nodes) pids.set(n.name, await pidOf(n.name));
            for (const l of t.links) {
                const pid = pids.get(l.node)!;
                await run(["ip", "link", "add", l.hostIf, "type", "veth", "peer", "name", l.peerTmp]);
                await run(["ip", "link", "set", l.peerTmp, "netns", String(pid)]);
                if ("address" in l.host) {
                    await run(["ip", "address", "add", l.host.address, "dev", l.hostIf]);
                    await run(["ip", "link", "set", l.hostIf, "up"]);
                } else {
                    await run(["ip", "link", "set", l.hostIf, "master", l.host.bridge, "up"]);
                }
                const ns = (cmd: string[]) => run(inNetns(pid, cmd));
                await ns(["ip", "link", "set", l.peerTmp, "name", l.nodeIf]);
                await ns(["ip", "address", "add", l.nodeAddress, "dev", l.nodeIf]);
                await ns(["ip", "link", "set", l.nodeIf, "up"]);
            }
            for (const n of t.nodes) {
                await run(inNetns(pids.get(n.name)!, ["ip", "link", "set", "lo", "up"]));
                if (n.netns) await run(["ip", "netns", "attach", n.netns, String(pids.get(n.name))]);
            }
            for (const r of t.routes.filter((x) => x.node))
                await run(inNetns(pids.get(r.node!)!, ["ip", "route", "add", ...routeArgs(r)]));
        },
    );
    await step(
        `host routes (${t.routes
            .filter((r) => !r.node)
            .map((r) => routeArgs(r).join(" "))
            .join("; ")})`,
        async () => {
            for (const r of t.routes.filter((x) => !x.node)) await run(["ip", "route", "replace", ...routeArgs(r)]);
            for (const c of t.pathChecks) {
                const get = await out(["ip", "route", "get", c.dst]);
                if (!get.includes(`via ${c.via} dev ${c.dev}`))
                    throw new Error(`host path to ${c.dst} does not use ${c.via} dev ${c.dev}: ${get}`);
            }
            for (const n of t.networks.filter((x) => !x.hostAddress)) {
                const addr = await out(["ip", "-4", "-o", "address", "show", "dev", n.bridge]);
                if (addr !== "")
                    throw new Error(`the host has an address on ${n.name} (${addr}); packets would bypass the router`);
            }
        },
    );
    await step(`backends (${t.backends.map((b) => `${b.name} ${b.ip}`).join(", ")})`, async () => {
        for (const b of t.backends) await run(["docker", "run", ...containerRunArgs(b, t.labels)]);
    });
    if (t.daemons?.length) {
        await step(`routing daemons (${t.daemons.map((d) => `${d.name} on ${d.network}`).join(", ")})`, async () => {
            for (const d of t.daemons ?? []) await run(["docker", "run", ...containerRunArgs(d, t.labels)]);
        });
    }
    await step("host filters (published port only from this host, SYN hold during LB handoffs)", async () => {
        for (const f of t.filters) {
            if (f.optional && !(await filterTableAvailable(f))) continue;
            await run(filterArgs(f, "insert"));
        }
    });
}

/** Every backend answers from the router node (its replies need the router's routes). */
export async function apacheAnswering(addressing: LabAddressing): Promise<void> {
    const pid = await pidOf(LAB_NAMES.routerNode());
    for (const ip of addressing.apacheIps) {
        await waitFor(
            `apache ${ip} answering (from the node)`,
            async () =>
                (
                    await run(inNetns(pid, ["curl", "-fsS", "-m", "2", "-o", "/dev/null", `http://${ip}/`]), {
                        allowFail: true,
                    })
                ).code === 0
                    ? true
                    : undefined,
            30_000,
        );
    }
}

/** Why the router did not come up: its restarts and its last log lines. */
export async function routerDiagnosis(router: string = LAB_NAMES.routerContainer()): Promise<string> {
    const restarts = await out(
        ["docker", "inspect", "-f", "{{.RestartCount}} restarts, status {{.State.Status}}", router],
        { allowFail: true },
    );
    const logs = await run(["docker", "logs", "--tail", "20", router], { allowFail: true });
    return `router container ${router}: ${restarts}; last log lines:\n${(logs.stdout + logs.stderr).trim()}`;
}

/** The running LB task container's name (one replica in the lab). */
export async function lbTask(service: string): Promise<string> {
    return waitFor(
        "a running LB task",
        async () => {
            const names = await out([
                "docker",
                "ps",
                "--filter",
                `label=com.docker.swarm.service.name=${service}`,
                "--filter",
                "status=running",
                "--format",
                "{{.Names}}",
            ]);
            return names.split("\n").filter(Boolean)[0];
        },
        60_000,
    );
}
