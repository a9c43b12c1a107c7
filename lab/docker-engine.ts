// The Docker Engine side of the lab: make sure it runs (or say exactly what is missing), swarm
// mode, and the small state file `down` needs to undo only what the lab itself made (swarm init,
// image tags that did not exist before: lab/provision.ts records those).
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import { out, run, sleep } from "./sh";

export const REPO = path.resolve(__dirname, "..");
const STATE_FILE = path.join(REPO, ".lab", "state.json");

export interface LabState {
    swarmInitByLab?: boolean;
    gwbridgeByLab?: boolean;
    imagesByLab?: string[];
}

export function readState(): LabState {
    try {
        return JSON.parse(fs.readFileSync(STATE_FILE, "utf8"));
    } catch {
        return {};
    }
}

export function writeState(s: LabState): void {
    fs.mkdirSync(path.dirname(STATE_FILE), { recursive: true });
    fs.writeFileSync(STATE_FILE, JSON.stringify(s, null, 2) + "\n");
}

export function clearState(): void {
    fs.rmSync(STATE_FILE, { force: true });
}

async function has(cmd: string): Promise<boolean> {
    return (await run(["sh", "-c", `command -v ${cmd}`], { allowFail: true })).code === 0;
}

async function engineUp(): Promise<boolean> {
    return (
        (await run(["docker", "info", "-f", "{{.ServerVersion}}"], { allowFail: true, timeoutMs: 20_000 })).code === 0
    );
}

export interface DockerFacts {
    root: boolean;
    debian: boolean;
    cli: boolean;
    dockerd: boolean;
    engine: boolean;
}

/** What to do about Docker, or exactly what is missing. Pure, so every branch is tested. */
export function dockerPlan(
    f: DockerFacts,
    install: boolean,
): { actions: ("install" | "start")[] } | { missing: string } {
    if (!f.root)
        return { missing: "the lab needs root (network namespaces, veth pairs, routes, iptables); run it as root" };
    if (f.engine) return { actions: [] };
    const canInstall = install && f.debian;
    if (!f.cli || !f.dockerd) {
        if (canInstall) return { actions: ["install", "start"] };
        return {
            missing:
                `Docker is not installed (${f.cli ? "no dockerd" : "no docker CLI"}); ` +
                "on Debian as root: apt-get install -y docker.io, then start dockerd",
        };
    }
    if (install) return { actions: ["start"] };
    return {
        missing:
            "the Docker Engine does not answer on /var/run/docker.sock; " +
            "start it (as root: dockerd >/var/log/dockerd.log 2>&1 &)",
    };
}

/**
 * Docker must answer. With `install` (npm run lab, as root on Debian) a missing docker.io is
 * installed and a stopped dockerd started; otherwise (the tests) the error says what is missing.
 */
export async function ensureDocker(o: { install: boolean; log?: (s: string) => void }): Promise<string> {
    const log = o.log ?? (() => undefined);
    const facts: DockerFacts = {
        root: process.getuid?.() === 0,
        debian: fs.existsSync("/etc/debian_version"),
        cli: await has("docker"),
        dockerd: await has("dockerd"),
        engine: false,
    };
    facts.engine = facts.cli && (await engineUp());
    const plan = dockerPlan(facts, o.install);
    if ("missing" in plan) throw new Error(plan.missing);
    if (plan.actions.includes("install")) {
        log("installing docker.io (apt-get)");
        await run(["apt-get", "update"], { timeoutMs: 300_000 });
        await run(["sh", "-c", "DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io"], { timeoutMs: 600_000 });
    }
    if (plan.actions.includes("start") && !(await engineUp())) {
        log("starting dockerd (log: /var/log/dockerd.log)");
        const logFd = fs.openSync("/var/log/dockerd.log", "a");
        spawn("dockerd", [], { detached: true, stdio: ["ignore", logFd, logFd] }).unref();
        for (let i = 0; i < 60 && !(await engineUp()); i++) await sleep(500);
        if (!(await engineUp()))
            throw new Error("dockerd was started but does not answer after 30 s; see /var/log/dockerd.log");
    }
    const missing: string[] = [];
    for (const [cmd, pkg] of [
        ["ip", "iproute2"],
        ["iptables", "iptables"],
        ["nsenter", "util-linux"],
        ["curl", "curl"],
    ]) {
        if (!(await has(cmd))) missing.push(`${cmd} (apt-get install ${pkg})`);
    }
    if (missing.length) throw new Error(`missing tools: ${missing.join(", ")}`);
    return out(["docker", "info", "-f", "{{.ServerVersion}}"]);
}

/** Swarm mode on, advertising loopback (a one-node swarm); remembers whether the lab turned it on. */
export async function ensureSwarm(): Promise<string> {
    const st = await out(["docker", "info", "-f", "{{.Swarm.LocalNodeState}}"]);
    if (st === "active") return "swarm already active";
    if (st !== "inactive")
        throw new Error(`swarm is in state "${st}"; fix it (docker swarm leave --force) and run the lab again`);
    const gw = (await run(["docker", "network", "inspect", "docker_gwbridge"], { allowFail: true })).code === 0;
    await run(["docker", "swarm", "init", "--advertise-addr", "127.0.0.1"]);
    writeState({ ...readState(), swarmInitByLab: true, gwbridgeByLab: !gw });
    return "swarm initialised (advertise 127.0.0.1)";
}

/** Undo what ensureSwarm and provisionImages recorded. Idempotent. */
export async function undoEngineChanges(log: (s: string) => void): Promise<void> {
    const s = readState();
    if (s.swarmInitByLab) {
        await run(["docker", "swarm", "leave", "--force"], { allowFail: true });
        log("left swarm mode (the lab had turned it on)");
    }
    if (s.gwbridgeByLab) await run(["docker", "network", "rm", "docker_gwbridge"], { allowFail: true });
    // Derived images first, the base last (a tag with dependent images cannot be removed).
    for (const t of [...(s.imagesByLab ?? [])].reverse()) {
        if ((await run(["docker", "image", "rm", t], { allowFail: true })).code === 0) log(`removed image tag ${t}`);
    }
    clearState();
}

export async function pidOf(container: string): Promise<number> {
    const pid = Number(await out(["docker", "inspect", "-f", "{{.State.Pid}}", container]));
    if (!pid) throw new Error(`container ${container} is not running`);
    return pid;
}

/** Runs a command in a container's network namespace with the host's tools (nsenter -n). */
export function inNetns(pid: number, argv: string[]): string[] {
    return ["nsenter", "-t", String(pid), "-n", "--", ...argv];
}

export async function health(container: string): Promise<string> {
    return out(
        [
            "docker",
            "inspect",
            "-f",
            "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}",
            container,
        ],
        { allowFail: true },
    );
}
