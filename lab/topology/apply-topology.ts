// Applies the lab's topology (build-topology.ts: networks, the router nodes' namespaces and legs,
// routes, backends, host filters) and tears it down again from the same structure. The structure
// is recorded in .lab/topology.json before anything is made, so `down` undoes exactly what a run
// made, even a partial one; without a record it removes the lab's names, label, route protocol
// (233) and rule comment. Only `down` removes the safety route.
import * as fs from "fs";
import * as path from "path";
import { KernelRoute } from "../bench/figures";
import { LabAddressing } from "./addressing";
import { REPO, inNetns, pidOf } from "../docker-engine";
import { NODE_AGENT_MAIN } from "../kube/node-agent";
import { RunResult, out, run, sleep, waitFor } from "../sh";
import { FILTER_CHAINS } from "./lb-front-door";
import { LAB_NAMES, LAB_ROUTE_PROTO } from "../names";
import { namedTeardownTarget } from "./build-topology";
import { containerRunArgs, filterArgs, networkCreateArgs, routeArgs } from "./host-commands";
import { LabFilter, LabTopology, TeardownTarget } from "./topology-types";
import { Log, Step } from "../steps";
import { LAB_PATHS } from "../engine-stacks";
import { cidrContains } from "../../lib/net";
import { VNF_SERVICE_LABEL_KEY } from "../../components/nginx-load-balancer";

/** The NginxLoadBalancer's service (and its tasks' containers) carry this label. */
const LB_SERVICE_FILTER = `label=${VNF_SERVICE_LABEL_KEY}`;

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
export async function apacheAnswering(a: LabAddressing): Promise<void> {
    const pid = await pidOf(LAB_NAMES.routerNode());
    for (const ip of a.apacheIps) {
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

const soft = (argv: string[]): Promise<RunResult> => run(argv, { allowFail: true, timeoutMs: 60_000 });

/** A swarm-scoped network lets go of its config-only network asynchronously: retry while in use. */
async function removeNetwork(name: string): Promise<boolean> {
    for (let i = 0; i < 40; i++) {
        const r = await soft(["docker", "network", "rm", name]);
        if (r.code === 0) return true;
        if (/not found|No such network/i.test(r.stderr)) return false;
        await sleep(500);
    }
    return false;
}

/**
 * Removes what `t` describes, in the reverse order of applyTopology; every step tolerates
 * "already gone", so it runs after a partial apply and any number of times.
 */
export async function teardownTopology(t: TeardownTarget, log: Log): Promise<void> {
    // `docker rm --force` succeeds for a missing container too: remove (and report) those present.
    let present = new Set((await soft(["docker", "ps", "-a", "--format", "{{.Names}}"])).stdout.split("\n"));
    // Routing daemons first and gracefully (SIGTERM): the host's zebra takes its routes out of the kernel.
    const daemons = (t.daemons ?? []).map((d) => d.name).filter((d) => present.has(d));
    if (daemons.length) {
        await soft(["docker", "stop", "--time", "5", ...daemons]);
        await soft(["docker", "rm", "--force", ...daemons]);
        log(`stopped routing daemons ${daemons.join(", ")}`);
        present = new Set((await soft(["docker", "ps", "-a", "--format", "{{.Names}}"])).stdout.split("\n"));
    }
    // Whatever a killed zebra left: BGP routes into the lab's supernet only.
    for (const s of t.safetyRoutes) {
        const left = JSON.parse((await soft(["ip", "-j", "route", "show", "proto", "bgp"])).stdout || "[]") as {
            dst: string;
        }[];
        for (const r of left.filter((x) => x.dst !== "default" && cidrContains(s.dst, x.dst.split("/")[0]))) {
            if ((await soft(["ip", "route", "del", r.dst, "proto", "bgp"])).code === 0)
                log(`removed host route ${r.dst} proto bgp`);
        }
    }
    const containers = [...t.backends, ...t.nodes].map((c) => c.name).filter((c) => present.has(c));
    if (containers.length && (await soft(["docker", "rm", "--force", ...containers])).code === 0)
        log(`removed containers ${containers.join(", ")}`);
    for (const n of t.nodes) if (n.netns) await soft(["ip", "netns", "delete", n.netns]);
    for (const l of t.links) await soft(["ip", "link", "delete", l.hostIf]);
    for (const b of t.bridges ?? [])
        if ((await soft(["ip", "link", "delete", b.name])).code === 0) log(`removed bridge ${b.name}`);
    for (const n of [...t.networks].reverse()) {
        for (const name of [n.name, n.swarmConfigFrom])
            if (name && (await removeNetwork(name))) log(`removed network ${name}`);
    }
    for (const f of t.filters) {
        // A rule inserted twice (an apply repeated) is deleted twice.
        while ((await soft(filterArgs(f, "check"))).code === 0) await soft(filterArgs(f, "delete"));
    }
    for (const x of t.hostSysctls ?? []) {
        if (x.restore !== undefined && (await soft(["sysctl", "-q", "-w", `${x.key}=${x.restore}`])).code === 0)
            log(`restored ${x.key}=${x.restore}`);
    }
    // Last: the host routes, the unreachable safety route the very last.
    for (const r of [...t.routes.filter((x) => !x.node), ...t.safetyRoutes]) {
        if ((await soft(["ip", "route", "del", ...routeArgs(r)])).code === 0)
            log(`removed host route ${routeArgs(r).join(" ")}`);
    }
}

/**
 * Lab containers that `t` does not name (a day-2 backend, the bench's direct LB), removed before
 * the networks they sit on.
 */
async function removeOtherContainers(t: TeardownTarget, log: Log): Promise<void> {
    const known = new Set([...t.backends, ...t.nodes, ...(t.daemons ?? [])].map((c) => c.name));
    const names = (
        await out(["docker", "ps", "-a", "--filter", `label=${LAB_NAMES.label}`, "--format", "{{.Names}}"], {
            allowFail: true,
        })
    )
        .split("\n")
        .filter((n) => n && !known.has(n));
    if (names.length) {
        await soft(["docker", "rm", "--force", ...names]);
        log(`removed other lab containers ${names.join(", ")}`);
    }
}

/** Rules carrying the lab's comment and routes with its protocol that no topology listed. */
async function removeMarkedRulesAndRoutes(log: Log): Promise<void> {
    for (const [tool, table, chain] of FILTER_CHAINS) {
        const rules = (await soft([tool, "-w", "-t", table, "-S", chain])).stdout
            .split("\n")
            .filter((l) => l.includes(`--comment ${LAB_NAMES.ruleComment}`));
        for (const rule of rules)
            await soft([
                tool,
                "-w",
                "-t",
                table,
                ...rule
                    .replace(/^-A /, "-D ")
                    .split(" ")
                    .map((w) => w.replace(/^"|"$/g, "")),
            ]);
        if (rules.length) log(`removed ${rules.length} ${tool} ${table} ${chain} rules`);
    }
    const routes = (await soft(["ip", "route", "show", "proto", LAB_ROUTE_PROTO])).stdout.trim();
    if (routes) {
        await soft(["ip", "route", "flush", "proto", LAB_ROUTE_PROTO]);
        log(`removed host routes: ${routes.split("\n").join("; ")}`);
    }
}

/**
 * Removes every lab object: the LB services a failed destroy left, then the recorded topology
 * (or, without a record, the lab's names), then anything else carrying the lab's label, rule
 * comment or route protocol. Idempotent.
 */
export async function downTopology(log: Log): Promise<void> {
    // `pulumi destroy` removes the LB service; one left by a failed destroy goes here, before its network.
    const services = (await soft(["docker", "service", "ls", "-q", "--filter", LB_SERVICE_FILTER])).stdout
        .split("\n")
        .filter(Boolean);
    if (services.length && (await soft(["docker", "service", "rm", ...services])).code === 0)
        log(`removed LB services ${services.join(", ")}`);
    await waitFor(
        "LB task containers to go",
        async () =>
            (await out(["docker", "ps", "-aq", "--filter", LB_SERVICE_FILTER], { allowFail: true })) === ""
                ? true
                : undefined,
        60_000,
    ).catch(() => undefined);
    const recorded = recordedTopology();
    if (!recorded)
        log("no recorded topology: removing the lab's objects by name, label, rule comment and route protocol");
    const target = recorded ?? namedTeardownTarget();
    await removeOtherContainers(target, log);
    await teardownTopology(target, log);
    await removeMarkedRulesAndRoutes(log);
    fs.rmSync(TOPOLOGY_FILE, { force: true });
}

/** Anything of the lab still on this host (empty after `down`). */
export async function labLeftovers(): Promise<string[]> {
    const soft = async (argv: string[]) => (await run(argv, { allowFail: true })).stdout.trim();
    const found: string[] = [];
    const add = (what: string, s: string) => s && found.push(`${what}: ${s.split("\n").join(", ")}`);
    add(
        "containers",
        await soft(["docker", "ps", "-a", "--filter", `label=${LAB_NAMES.label}`, "--format", "{{.Names}}"]),
    );
    add("services", await soft(["docker", "service", "ls", "--filter", LB_SERVICE_FILTER, "--format", "{{.Name}}"]));
    add("networks", await soft(["docker", "network", "ls", "--filter", "name=hvnf-lab", "--format", "{{.Name}}"]));
    add(
        "links",
        (await soft(["ip", "-o", "link", "show"]))
            .split("\n")
            .map((l) => l.split(": ")[1]?.split("@")[0] ?? "")
            .filter((n) => n.startsWith("hvnf-lab"))
            .join("\n"),
    );
    add(
        "netns",
        (await soft(["ip", "netns", "list"]))
            .split("\n")
            .filter((l) => l.startsWith(LAB_NAMES.routerNode()))
            .join("\n"),
    );
    add("host routes", await soft(["ip", "route", "show", "proto", LAB_ROUTE_PROTO]));
    add("host BGP routes (the bgp lab's FRR)", await soft(["ip", "route", "show", "proto", "bgp"]));
    if (fs.existsSync(TOPOLOGY_FILE)) found.push(`topology record: ${TOPOLOGY_FILE}`);
    add(
        "lab processes (control plane, node agent)",
        await soft([
            "pgrep",
            "-a",
            "-f",
            `${path.relative(REPO, NODE_AGENT_MAIN)}|kube-apiserver --etcd-servers=http://127.0.0.1|etcd --name=lab`,
        ]),
    );
    for (const [tool, table, chain] of FILTER_CHAINS) {
        add(
            `${tool} ${table} ${chain}`,
            (await soft([tool, "-w", "-t", table, "-S", chain]))
                .split("\n")
                .filter((l) => l.includes(`--comment ${LAB_NAMES.ruleComment}`))
                .join("\n"),
        );
    }
    return found;
}
