// Tears the lab's topology down from the record apply-topology.ts wrote (.lab/topology.json), so
// `down` undoes exactly what a run made, even a partial one; without a record it removes the
// lab's names, label, route protocol (233) and rule comment. Only `down` removes the safety route.
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../docker-engine";
import { NODE_AGENT_MAIN } from "../kube/node-agent";
import { RunResult, out, run, sleep, waitFor } from "../sh";
import { FILTER_CHAINS } from "./lb-front-door";
import { LAB_NAMES, LAB_ROUTE_PROTO } from "../names";
import { TOPOLOGY_FILE, recordedTopology } from "./apply-topology";
import { namedTeardownTarget } from "./build-topology";
import { filterArgs, routeArgs } from "./host-commands";
import { TeardownTarget } from "./topology-types";
import { Log } from "../steps";
import { cidrContains } from "../../lib/net";
import { VNF_SERVICE_LABEL_KEY } from "../../components/nginx-load-balancer";

/** The NginxLoadBalancer's service (and its tasks' containers) carry this label. */
const LB_SERVICE_FILTER = `label=${VNF_SERVICE_LABEL_KEY}`;

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
