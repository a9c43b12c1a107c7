// The host side of a boot: bridges, taps, firewall, DHCP (dnsmasq) and the apt proxy
// (apt-cacher-ng, Debian's archives only), and `down`, which removes every one of them. What
// was made is recorded in RUN_DIR/state.json so `down` works from another process too.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { stopPeers } from "./bgp-peer";
import {
    APT_PROXY_PORT,
    BridgeSpec,
    DOCKER_USER_RULE,
    dnsmasqArgs,
    LINK_PREFIX,
    NFT_TABLE,
    nftRuleset,
    TapSpec,
} from "./network";

export const RUN_DIR = process.env.HVNF_BOOT_RUN ?? path.join(os.homedir(), ".cache", "hybrid-vnf", "boot-run");
export const APT_CACHE_DIR = path.join(os.homedir(), ".cache", "hybrid-vnf", "apt-cacher-ng");

const run = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
const tryRun = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

export interface HostState {
    /** Processes we started (dnsmasq, apt-cacher-ng, qemu), stopped by pid on `down`. */
    pids: number[];
    links: string[];
    dockerUserRule: boolean;
    /** Docker networks and containers of the BGP peers ("network:NAME", "container:NAME"). */
    docker?: string[];
}

const stateFile = () => path.join(RUN_DIR, "state.json");
export function readState(): HostState {
    try {
        return JSON.parse(fs.readFileSync(stateFile(), "utf8"));
    } catch {
        return { pids: [], links: [], dockerUserRule: false };
    }
}
export function saveState(s: HostState): void {
    fs.mkdirSync(RUN_DIR, { recursive: true });
    fs.writeFileSync(stateFile(), JSON.stringify(s, null, 2));
}
export function recordDocker(made: string[]): void {
    const s = readState();
    s.docker = [...(s.docker ?? []), ...made];
    saveState(s);
}
export function recordPid(pid: number): void {
    const s = readState();
    s.pids.push(pid);
    saveState(s);
}

/** Debian's archives only: ForceManaged refuses every URL that no Remap line names. */
export function aptCacherConfig(bindAddresses: string[], runDir: string): string {
    return [
        `CacheDir: ${APT_CACHE_DIR}`,
        `LogDir: ${runDir}/acng-log`,
        "SupportDir: /usr/lib/apt-cacher-ng",
        `Port: ${APT_PROXY_PORT}`,
        `BindAddress: ${bindAddresses.join(" ")}`,
        "Remap-debrep: deb.debian.org/debian ; http://deb.debian.org/debian/",
        "Remap-secdeb: deb.debian.org/debian-security security.debian.org/debian-security ; http://deb.debian.org/debian-security/",
        "ForceManaged: 1",
        "ExThreshold: 4",
        `PidFile: ${runDir}/acng.pid`,
        `SocketPath: ${runDir}/acng.socket`,
        "",
    ].join("\n");
}

function readPid(file: string, what: string): number {
    for (let i = 0; i < 50; i++) {
        const pid = Number(fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "");
        if (pid > 0) return pid;
        spawnSync("sleep", ["0.1"]);
    }
    throw new Error(`${what} wrote no pid to ${file}`);
}

/** Bridges with the host on each gateway, the firewall first, then DHCP and the apt proxy. */
export function hostUp(bridges: BridgeSpec[], taps: TapSpec[]): void {
    fs.mkdirSync(RUN_DIR, { recursive: true });
    const state = readState();
    // The firewall before any link exists: nothing a guest sends is ever routed off the bridges.
    run("nft", ["-f", writeFile("nft.conf", nftRuleset())]);
    if (tryRun("iptables", ["-S", "DOCKER-USER"])) {
        run("iptables", ["-I", "DOCKER-USER", ...DOCKER_USER_RULE]);
        state.dockerUserRule = true;
    }
    for (const b of bridges) {
        run("ip", ["link", "add", b.name, "type", "bridge"]);
        state.links.push(b.name);
        saveState(state);
        run("ip", ["addr", "add", `${b.hostIp}/${b.prefixLength}`, "dev", b.name]);
        // The guests' MTU is the subnet's; the bridge carries it.
        run("ip", ["link", "set", b.name, "mtu", String(b.subnet.mtu), "up"]);
    }
    for (const t of taps) {
        run("ip", ["tuntap", "add", "dev", t.name, "mode", "tap"]);
        state.links.push(t.name);
        saveState(state);
        run("ip", ["link", "set", t.name, "master", t.bridge, "mtu", "1500", "up"]);
    }
    const files = {
        pid: path.join(RUN_DIR, "dnsmasq.pid"),
        log: path.join(RUN_DIR, "dnsmasq.log"),
        leases: path.join(RUN_DIR, "dnsmasq.leases"),
    };
    run("dnsmasq", dnsmasqArgs(bridges, taps, files));
    state.pids.push(readPid(files.pid, "dnsmasq"));
    saveState(state);
    fs.mkdirSync(APT_CACHE_DIR, { recursive: true });
    fs.mkdirSync(path.join(RUN_DIR, "acng-log"), { recursive: true });
    const conf = path.join(RUN_DIR, "acng");
    fs.mkdirSync(conf, { recursive: true });
    fs.writeFileSync(
        path.join(conf, "acng.conf"),
        aptCacherConfig(
            bridges.map((b) => b.hostIp),
            RUN_DIR,
        ),
    );
    run("apt-cacher-ng", ["-c", conf, "ForeGround=0"]);
    state.pids.push(readPid(path.join(RUN_DIR, "acng.pid"), "apt-cacher-ng"));
    saveState(state);
}

function writeFile(name: string, text: string): string {
    const f = path.join(RUN_DIR, name);
    fs.writeFileSync(f, text);
    return f;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Stops what we started (by pid), removes our links, rules and files. Safe to run twice. */
export function hostDown(log: (s: string) => void): void {
    const state = readState();
    // The peers first: their docker networks sit on our bridges.
    stopPeers(state.docker ?? []);
    for (const pid of state.pids) {
        if (!alive(pid)) continue;
        process.kill(pid, "SIGTERM");
        for (let i = 0; i < 50 && alive(pid); i++) spawnSync("sleep", ["0.1"]);
        if (alive(pid)) process.kill(pid, "SIGKILL");
        log(`down: stopped pid ${pid}`);
    }
    // Our links by state, and any leftover of a crashed run by our prefix.
    const leftovers = run("ip", ["-o", "link", "show"])
        .split("\n")
        .map((l) => l.split(": ")[1]?.split("@")[0])
        .filter((n) => n?.startsWith(LINK_PREFIX));
    for (const link of new Set([...state.links, ...leftovers]))
        if (tryRun("ip", ["link", "del", link])) log(`down: removed ${link}`);
    if (tryRun("nft", ["list", "table", "inet", NFT_TABLE])) run("nft", ["delete", "table", "inet", NFT_TABLE]);
    while (tryRun("iptables", ["-D", "DOCKER-USER", ...DOCKER_USER_RULE]));
    fs.rmSync(RUN_DIR, { recursive: true, force: true });
}
