// Docker command lines for one-off containers of the planned workloads: the router (bad-env
// test) and the LB (benchmark, bad-env test). The LB service itself is the docker provider's.
// Pure: spec in, argument list out.
import { ContainerSpec, Health, LabSpecError, LbSpec } from "./workload-specs";

/** POSIX shell quoting, for the exec-form health check that `--health-cmd` takes as a string. */
export function shellQuote(words: string[]): string {
    return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

function healthFlags(h: Health | undefined): string[] {
    if (!h) return [];
    if (h.cmd.length === 0) return ["--no-healthcheck"];
    const cmd = h.cmd[0] === "CMD-SHELL" ? h.cmd[1] : shellQuote(h.cmd[0] === "CMD" ? h.cmd.slice(1) : h.cmd);
    const f = ["--health-cmd", cmd];
    if (h.interval) f.push("--health-interval", h.interval);
    if (h.timeout) f.push("--health-timeout", h.timeout);
    if (h.retries !== undefined) f.push("--health-retries", String(h.retries));
    if (h.startPeriod) f.push("--health-start-period", h.startPeriod);
    return f;
}

/** Flags both `docker run` and `docker service create` understand, in the same spelling. */
function commonFlags(s: ContainerSpec): string[] {
    const f: string[] = [];
    for (const c of s.capDrop) f.push("--cap-drop", c);
    for (const c of s.capAdd) f.push("--cap-add", c);
    if (s.readOnly) f.push("--read-only");
    if (s.user) f.push("--user", s.user);
    for (const [k, v] of Object.entries(s.env)) f.push("--env", `${k}=${v}`);
    f.push(...healthFlags(s.health));
    if (s.stopSignal) f.push("--stop-signal", s.stopSignal);
    if (s.entrypoint?.length) f.push("--entrypoint", s.entrypoint[0]);
    return f;
}

/** The command after the image: the rest of the entrypoint, then args. */
function tail(s: ContainerSpec): string[] {
    return [...(s.entrypoint?.slice(1) ?? []), ...(s.args ?? [])];
}

/** `docker run` arguments (after `docker run`) for the router, in the node's network namespace. */
export function routerRunArgs(
    s: ContainerSpec,
    o: {
        name: string;
        node?: string;
        labels: Record<string, string>;
        env?: Record<string, string>;
        detach?: boolean;
        restart?: boolean;
    },
): string[] {
    if (s.privileged) {
        throw new LabSpecError(
            `${s.source}: securityContext.privileged is true, and this machine cannot run privileged containers; ` +
                "set hybrid-vnf:leastPrivilege: true in the chain stack",
        );
    }
    const spec = { ...s, env: { ...s.env, ...(o.env ?? {}) } };
    // No node: an isolated run (`--network none`), e.g. to see a bad env rejected.
    const f = [
        o.detach === false ? "--rm" : "--detach",
        "--name",
        o.name,
        "--network",
        o.node ? `container:${o.node}` : "none",
    ];
    // A Deployment's pod restarts its container; the node agent does that itself (restart: false).
    if (o.detach !== false && o.restart !== false) f.push("--restart", "always");
    for (const [k, v] of Object.entries(o.labels)) f.push("--label", `${k}=${v}`);
    if (s.noNewPrivileges) f.push("--security-opt", "no-new-privileges");
    if (s.memory) f.push("--memory", s.memory);
    if (s.cpus) f.push("--cpus", s.cpus);
    if (s.stopTimeout) f.push("--stop-timeout", s.stopTimeout);
    return [...f, ...commonFlags(spec), s.image, ...tail(s)];
}

/** `docker run` arguments for the same LB image and config as a plain container (bench, bad-env test). */
export function lbRunArgs(
    s: LbSpec,
    o: {
        name: string;
        network?: string;
        ip?: string;
        labels: Record<string, string>;
        env?: Record<string, string>;
        detach?: boolean;
    },
): string[] {
    const spec = { ...s, env: { ...s.env, ...(o.env ?? {}) } };
    const f = [o.detach === false ? "--rm" : "--detach", "--name", o.name];
    if (o.network) f.push("--network", o.network);
    if (o.ip) f.push("--ip", o.ip);
    for (const [k, v] of Object.entries(o.labels)) f.push("--label", `${k}=${v}`);
    return [...f, ...commonFlags(spec), s.image, ...tail(s)];
}
