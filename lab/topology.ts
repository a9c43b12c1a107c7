// The lab's data plane on one Docker host, in packet-flow order:
//
//   client ─► managerIp:lbPort (hvnf-lab-sw, swarm-scoped bridge, host = managerIp)
//             └► LB task (Swarm service, host-mode port) ─ default via the host
//   host: <apacheCidr> via <routerHost> dev hvnf-lab-cl          (the swarm host's route)
//   node netns (container hvnf-lab-node, `ip netns` name hvnf-lab-node):
//       eth0 <routerHost>/24 on the cluster network, default via the host's leg
//       eth1 <routerApacheIp>/32 on the Apache bridge: no connected /24, so the only route
//            to the Apache network is the one zebra installs from ROUTES (proto 196)
//       router container: --network container:hvnf-lab-node (= hostNetwork)
//   hvnf-lab-ap (Docker bridge, inhibit_ipv4: the host has NO address or route on it)
//       Apache backends, default gateway <routerApacheIp>: replies go back through the router
//
// Everything made here carries a name or label `hvnf-lab`, host routes carry protocol 233,
// so `down` finds and removes it without the plan. Only `down` removes the safety route.
import { LabAddressing } from "./addressing";
import { KernelRoute } from "./measure";
import { LbSpec } from "./spec";
import { inNetns, pidOf } from "./docker";
import { out, run, sleep, waitFor } from "./sh";
import { FILTER_CHAINS, installFilters } from "./front";
import { LABELS, LAB_ROUTE_PROTO, N } from "./names";
import { VNF_SERVICE_LABEL_KEY } from "../components/nginx-load-balancer";

export { LABELS, LAB_ROUTE_PROTO, N };

export type Log = (s: string) => void;

/** The NginxLoadBalancer's service (and its tasks' containers) carry this label. */
const LB_SERVICE_FILTER = `label=${VNF_SERVICE_LABEL_KEY}`;
export type Step = <T>(name: string, f: () => Promise<T>) => Promise<T>;

const prefixLen = (cidr: string) => cidr.split("/")[1];

/** Safety first: nothing for the lab's networks may leave by the default route. */
export async function installSafetyRoute(supernet: string): Promise<void> {
    await run(["ip", "route", "replace", "unreachable", supernet, "proto", LAB_ROUTE_PROTO]);
}

export async function nodeRoutes(): Promise<KernelRoute[]> {
    return JSON.parse(await out(inNetns(await pidOf(N.node), ["ip", "-N", "-j", "route", "show", "table", "main"])));
}

export async function routerTable(): Promise<string> {
    return out(inNetns(await pidOf(N.node), ["ip", "route", "show", "table", "main"]));
}

/**
 * What stands in for the clouds' hosts and networks: the swarm hosts' network, the router node's
 * namespace and legs, the Apache backends, and the host's filters. The workloads on top (router
 * pod, LB service) are the engine's.
 */
export async function upTopology(a: LabAddressing, lb: LbSpec, apacheImage: string, step: Step): Promise<void> {
    const labelFlags = Object.entries(LABELS).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
    await step("networks (swarm hosts' bridge, Apache bridge without a host address)", async () => {
        // A swarm-scoped bridge takes its subnet, options and labels from a config-only network.
        await run(["docker", "network", "create", "--config-only", "--subnet", a.swarmCidr, "--gateway", a.managerIp,
            "-o", `com.docker.network.bridge.name=${N.swarmBridge}`, "-o", "com.docker.network.bridge.enable_ip_masquerade=false", ...labelFlags, N.swarmNetCfg]);
        await run(["docker", "network", "create", "--driver", "bridge", "--scope", "swarm", "--config-from", N.swarmNetCfg, N.swarmNet]);
        // inhibit_ipv4: the host gets no address (so no connected route) on the Apache network;
        // its gateway is the router node's leg, so the backends' replies go through the router.
        await run(["docker", "network", "create", "--driver", "bridge", "--subnet", a.apacheCidr, "--gateway", a.routerApacheIp,
            "-o", `com.docker.network.bridge.name=${N.apacheBridge}`, "-o", "com.docker.network.bridge.inhibit_ipv4=true",
            "-o", "com.docker.network.bridge.enable_ip_masquerade=false", ...labelFlags, N.apacheNet]);
    });
    await step("router node namespace (eth0 cluster leg, eth1 Apache leg /32)", async () => {
        await run(["docker", "run", "--detach", "--name", N.node, "--network", "none", "--sysctl", "net.ipv4.ip_forward=1",
            "--no-healthcheck", ...labelFlags, "--entrypoint", "sleep", apacheImage, "infinity"]);
        const pid = await pidOf(N.node);
        const [clusterIf, apacheIf] = a.nodeIfaces;
        const sh = (cmd: string[]) => run(cmd);
        await sh(["ip", "link", "add", N.hostClusterIf, "type", "veth", "peer", "name", "hvnf-lab-cln"]);
        await sh(["ip", "link", "set", "hvnf-lab-cln", "netns", String(pid)]);
        await sh(["ip", "address", "add", `${a.hostClusterIp}/${prefixLen(a.clusterCidr)}`, "dev", N.hostClusterIf]);
        await sh(["ip", "link", "set", N.hostClusterIf, "up"]);
        await sh(["ip", "link", "add", N.nodeApachePort, "type", "veth", "peer", "name", "hvnf-lab-apx"]);
        await sh(["ip", "link", "set", "hvnf-lab-apx", "netns", String(pid)]);
        await sh(["ip", "link", "set", N.nodeApachePort, "master", N.apacheBridge, "up"]);
        const ns = (cmd: string[]) => sh(inNetns(pid, cmd));
        await ns(["ip", "link", "set", "hvnf-lab-cln", "name", clusterIf]);
        await ns(["ip", "link", "set", "hvnf-lab-apx", "name", apacheIf]);
        await ns(["ip", "address", "add", `${a.routerHost}/${prefixLen(a.clusterCidr)}`, "dev", clusterIf]);
        // A /32, not a /24: a connected Apache route would shadow the static route from ROUTES.
        await ns(["ip", "address", "add", `${a.routerApacheIp}/32`, "dev", apacheIf]);
        for (const i of ["lo", clusterIf, apacheIf]) await ns(["ip", "link", "set", i, "up"]);
        await ns(["ip", "route", "add", "default", "via", a.hostClusterIp, "dev", clusterIf]);
        await sh(["ip", "netns", "attach", N.node, String(pid)]);
        return pid;
    });
    await step("host route to the Apache network via the router node", async () => {
        await run(["ip", "route", "replace", a.apacheCidr, "via", a.routerHost, "dev", N.hostClusterIf, "proto", LAB_ROUTE_PROTO]);
        const get = await out(["ip", "route", "get", a.apacheIps[0]]);
        if (!get.includes(`via ${a.routerHost} dev ${N.hostClusterIf}`)) throw new Error(`host path to ${a.apacheIps[0]} does not use the router: ${get}`);
        const addr = await out(["ip", "-4", "-o", "address", "show", "dev", N.apacheBridge]);
        if (addr !== "") throw new Error(`the host has an address on the Apache bridge (${addr}); packets would bypass the router`);
    });
    await step("Apache backends (default route via the router)", async () => {
        for (const [i, ip] of a.apacheIps.entries()) {
            await run(["docker", "run", "--detach", "--name", N.apache(i), "--network", N.apacheNet, "--ip", ip,
                "--env", `BACKEND_NAME=apache-${i + 1}`, "--env", `BACKEND_IP=${ip}`, ...labelFlags, apacheImage]);
        }
    });
    await step("host filters (published port only from this host, SYN hold during LB handoffs)", () => installFilters(a, lb));
}

/** Every backend answers from the router node (its replies need the router's routes). */
export async function apacheAnswering(a: LabAddressing): Promise<void> {
    const pid = await pidOf(N.node);
    for (const ip of a.apacheIps) {
        await waitFor(`apache ${ip} answering (from the node)`, async () =>
            (await run(inNetns(pid, ["curl", "-fsS", "-m", "2", "-o", "/dev/null", `http://${ip}/`]), { allowFail: true })).code === 0 ? true : undefined, 30_000);
    }
}

/** Why the router did not come up: its restarts and its last log lines. */
export async function routerDiagnosis(): Promise<string> {
    const restarts = await out(["docker", "inspect", "-f", "{{.RestartCount}} restarts, status {{.State.Status}}", N.router], { allowFail: true });
    const logs = await run(["docker", "logs", "--tail", "20", N.router], { allowFail: true });
    return `router container ${N.router}: ${restarts}; last log lines:\n${(logs.stdout + logs.stderr).trim()}`;
}

/** The running LB task container's name (one replica in the lab). */
export async function lbTask(service: string): Promise<string> {
    return waitFor("a running LB task", async () => {
        const names = await out(["docker", "ps", "--filter", `label=com.docker.swarm.service.name=${service}`, "--filter", "status=running", "--format", "{{.Names}}"]);
        return names.split("\n").filter(Boolean)[0];
    }, 60_000);
}

/** Removes every lab object; each step tolerates "already gone", so it can run any number of times. */
export async function downTopology(log: Log): Promise<void> {
    const soft = (argv: string[]) => run(argv, { allowFail: true, timeoutMs: 60_000 });
    // `pulumi destroy` removes the LB service; one left by a failed destroy goes here.
    const services = (await soft(["docker", "service", "ls", "-q", "--filter", LB_SERVICE_FILTER])).stdout.split("\n").filter(Boolean);
    if (services.length && (await soft(["docker", "service", "rm", ...services])).code === 0) log(`removed LB services ${services.join(", ")}`);
    await waitFor("LB task containers to go", async () =>
        (await out(["docker", "ps", "-aq", "--filter", LB_SERVICE_FILTER], { allowFail: true })) === "" ? true : undefined, 60_000).catch(() => undefined);
    const ids = (await out(["docker", "ps", "-aq", "--filter", `label=${N.label}`], { allowFail: true })).split("\n").filter(Boolean);
    if (ids.length) {
        await soft(["docker", "rm", "--force", ...ids]);
        log(`removed ${ids.length} containers`);
    }
    await soft(["ip", "netns", "delete", N.node]);
    for (const l of [N.hostClusterIf, N.nodeApachePort]) await soft(["ip", "link", "delete", l]);
    for (const net of [N.apacheNet, N.swarmNet, N.swarmNetCfg]) {
        // A swarm-scoped network lets go of its config-only network asynchronously.
        for (let i = 0; i < 40; i++) {
            const r = await soft(["docker", "network", "rm", net]);
            if (r.code === 0 || /not found|No such network/i.test(r.stderr)) break;
            await sleep(500);
        }
    }
    for (const [tool, table, chain] of FILTER_CHAINS) {
        const rules = (await soft([tool, "-w", "-t", table, "-S", chain])).stdout.split("\n").filter((l) => l.includes(`--comment ${N.comment}`));
        for (const rule of rules) await soft([tool, "-w", "-t", table, ...rule.replace(/^-A /, "-D ").split(" ").map((w) => w.replace(/^"|"$/g, ""))]);
        if (rules.length) log(`removed ${rules.length} ${tool} ${table} ${chain} rules`);
    }
    // Last: the lab's host routes, the unreachable safety route among them.
    const routes = (await soft(["ip", "route", "show", "proto", LAB_ROUTE_PROTO])).stdout.trim();
    if (routes) {
        await soft(["ip", "route", "flush", "proto", LAB_ROUTE_PROTO]);
        log(`removed host routes: ${routes.split("\n").join("; ")}`);
    }
}

/** Anything of the lab still on this host (empty after `down`). */
export async function labLeftovers(): Promise<string[]> {
    const soft = async (argv: string[]) => (await run(argv, { allowFail: true })).stdout.trim();
    const found: string[] = [];
    const add = (what: string, s: string) => s && found.push(`${what}: ${s.split("\n").join(", ")}`);
    add("containers", await soft(["docker", "ps", "-a", "--filter", `label=${N.label}`, "--format", "{{.Names}}"]));
    add("services", await soft(["docker", "service", "ls", "--filter", LB_SERVICE_FILTER, "--format", "{{.Name}}"]));
    add("networks", await soft(["docker", "network", "ls", "--filter", "name=hvnf-lab", "--format", "{{.Name}}"]));
    add("links", (await soft(["ip", "-o", "link", "show"])).split("\n").map((l) => l.split(": ")[1]?.split("@")[0] ?? "").filter((n) => n.startsWith("hvnf-lab")).join("\n"));
    add("netns", (await soft(["ip", "netns", "list"])).split("\n").filter((l) => l.startsWith(N.node)).join("\n"));
    add("host routes", await soft(["ip", "route", "show", "proto", LAB_ROUTE_PROTO]));
    add("lab processes (control plane, node agent)", await soft(["pgrep", "-a", "-f", "lab/node-agent-main.ts|kube-apiserver --etcd-servers=http://127.0.0.1|etcd --name=lab"]));
    for (const [tool, table, chain] of FILTER_CHAINS) {
        add(`${tool} ${table} ${chain}`, (await soft([tool, "-w", "-t", table, "-S", chain])).split("\n").filter((l) => l.includes(`--comment ${N.comment}`)).join("\n"));
    }
    return found;
}
