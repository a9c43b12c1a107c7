// The command lines that make and remove a topology's parts on this host: ip route, iptables,
// docker run and docker network create arguments. Pure: topology parts in, argument lists out.
import { LAB_NAMES } from "../names";
import { LabFilter, LabNetwork, LabNode, LabRoute } from "./topology-types";

/** The comment every lab filter rule carries. */
export const FILTER_COMMENT = ["-m", "comment", "--comment", LAB_NAMES.ruleComment];

/** `iptables` arguments for a rule: insert (apply), check (-C) or delete (-D). */
export function filterArgs(f: LabFilter, op: "insert" | "check" | "delete"): string[] {
    const where = op === "insert" ? ["-I", f.chain, "1"] : [op === "check" ? "-C" : "-D", f.chain];
    return [f.tool, "-w", "-t", f.table, ...where, ...f.rule, ...FILTER_COMMENT];
}

/** `ip route` arguments (after `ip route <verb>`) for a route. */
export function routeArgs(r: LabRoute): string[] {
    const args = r.unreachable ? ["unreachable", r.dst] : [r.dst];
    if (r.via) args.push("via", r.via);
    if (r.dev) args.push("dev", r.dev);
    if (r.proto) args.push("proto", r.proto);
    return args;
}

export const labelFlags = (labels: Record<string, string>) =>
    Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);

/** `docker run` arguments (after `run`) for a node or backend container. */
export function containerRunArgs(n: LabNode, labels: Record<string, string>): string[] {
    const args = ["--detach", "--name", n.name, "--network", n.network ?? "none"];
    if (n.ip) args.push("--ip", n.ip);
    for (const [k, v] of Object.entries(n.sysctls)) args.push("--sysctl", `${k}=${v}`);
    for (const [k, v] of Object.entries(n.env)) args.push("--env", `${k}=${v}`);
    if (n.noHealthcheck) args.push("--no-healthcheck");
    for (const c of n.capDrop ?? []) args.push("--cap-drop", c);
    for (const c of n.capAdd ?? []) args.push("--cap-add", c);
    for (const o of n.securityOpts ?? []) args.push("--security-opt", o);
    args.push(...labelFlags(labels));
    if (n.command) args.push("--entrypoint", n.command[0]);
    return [...args, n.image, ...(n.command?.slice(1) ?? [])];
}

/** The `docker network create` command lines of a network (a swarm-scoped one takes two). */
export function networkCreateArgs(n: LabNetwork, labels: Record<string, string>): string[][] {
    const opts = [
        "-o",
        `com.docker.network.bridge.name=${n.bridge}`,
        "-o",
        `com.docker.network.bridge.enable_ip_masquerade=${n.masquerade}`,
    ];
    if (!n.hostAddress) opts.push("-o", "com.docker.network.bridge.inhibit_ipv4=true");
    const create = ["docker", "network", "create"];
    const addressing = ["--subnet", n.subnet, "--gateway", n.gateway, ...opts, ...labelFlags(labels)];
    // A swarm-scoped bridge takes its subnet, options and labels from a config-only network.
    if (n.swarmConfigFrom) {
        return [
            [...create, "--config-only", ...addressing, n.swarmConfigFrom],
            [...create, "--driver", "bridge", "--scope", "swarm", "--config-from", n.swarmConfigFrom, n.name],
        ];
    }
    return [[...create, "--driver", "bridge", ...addressing, n.name]];
}
