// The BGP peer a bgp-variant guest expects: the lab's router image (hybrid-vnf/router) as a
// container on the harness's bridge, at the neighbor address the guest's frr.conf names, in
// bgp mode with the AS numbers and BFD timers that frr.conf gives, announcing the prefixes the
// guest accepts. Pure but for startPeers/stopPeers.
import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { PROJECT_DIR } from "../harness/stack-files";
import { FRR_BGP_CAPABILITIES } from "../lib/frr-capabilities";
import { cidrContains } from "../lib/net";
import { acceptedPrefixes } from "./expectations";
import { BridgeSpec, LINK_PREFIX } from "./network";

export const PEER_PREFIX = `${LINK_PREFIX}-peer`;
export const ROUTER_IMAGE = "hybrid-vnf/router";

export interface PeerSpec {
    name: string;
    bridge: BridgeSpec;
    ip: string;
    env: Record<string, string>;
}

/** What the guest's frr.conf says about its peers. */
export interface FrrFacts {
    hostAsn: string;
    peerAsn: string;
    neighbors: string[];
    accepted: string[];
    bfdIntervalMs: string;
    bfdMultiplier: string;
}

export function frrFacts(frrConf: string): FrrFacts {
    const one = (re: RegExp, what: string) => {
        const m = re.exec(frrConf);
        if (!m) throw new Error(`frr.conf has no ${what}`);
        return m[1];
    };
    return {
        hostAsn: one(/^router bgp (\d+)/m, "router bgp"),
        peerAsn: one(/^ neighbor \S+ remote-as (\d+)/m, "remote-as"),
        neighbors: [...new Set([...frrConf.matchAll(/^ neighbor (\d+\.\d+\.\d+\.\d+) /gm)].map((m) => m[1]))],
        accepted: acceptedPrefixes(frrConf),
        bfdIntervalMs: one(/^\s+transmit-interval (\d+)/m, "BFD transmit-interval"),
        bfdMultiplier: one(/^\s+detect-multiplier (\d+)/m, "BFD detect-multiplier"),
    };
}

/** One router container per neighbor address, on the bridge holding that address. */
export function peersFor(guests: FrrFacts[], bridges: readonly BridgeSpec[]): PeerSpec[] {
    const peers: PeerSpec[] = [];
    for (const f of guests) {
        for (const ip of f.neighbors) {
            if (peers.some((p) => p.ip === ip)) continue;
            const bridge = bridges.find((b) => cidrContains(b.subnet.cidr, ip));
            if (!bridge)
                throw new Error(
                    `BGP neighbor ${ip} is on none of the harness's bridges (${bridges.map((b) => b.subnet.cidr).join(", ")})`,
                );
            peers.push({
                name: `${PEER_PREFIX}${peers.length}`,
                bridge,
                ip,
                env: {
                    INTERFACES: "eth0",
                    // The prefixes the guest accepts, as the router's static routes, announced to it.
                    ROUTES: f.accepted.map((p) => `${p} dev eth0`).join(","),
                    ROUTING: "bgp",
                    BGP_ASN: f.peerAsn,
                    BGP_PEER_ASN: f.hostAsn,
                    BGP_LISTEN_RANGES: `HOSTS=${bridge.subnet.cidr}`,
                    BGP_ANNOUNCE: f.accepted.map((p) => `HOSTS=${p}`).join(","),
                    BFD_INTERVAL_MS: f.bfdIntervalMs,
                    BFD_MULTIPLIER: f.bfdMultiplier,
                },
            });
        }
    }
    return peers;
}

export function routerImageRef(): string {
    return `${ROUTER_IMAGE}:${fs.readFileSync(path.join(PROJECT_DIR, "images", "VERSION"), "utf8").trim()}`;
}

/** Docker networks on the harness's bridges (no masquerade; our nftables table still drops anything routed off them). */
export function startPeers(peers: PeerSpec[]): string[] {
    const made: string[] = [];
    const image = routerImageRef();
    if (spawnSync("docker", ["image", "inspect", image], { stdio: "ignore" }).status !== 0) {
        throw new Error(`the peer FRR needs the router image ${image}: build it with images/build.sh (npm test does)`);
    }
    for (const b of new Set(peers.map((p) => p.bridge))) {
        execFileSync(
            "docker",
            [
                "network",
                "create",
                "-d",
                "bridge",
                "--subnet",
                b.subnet.cidr,
                "--gateway",
                b.hostIp,
                "-o",
                `com.docker.network.bridge.name=${b.name}`,
                "-o",
                "com.docker.network.bridge.enable_ip_masquerade=false",
                "-o",
                `com.docker.network.driver.mtu=${b.subnet.mtu}`,
                b.name,
            ],
            { stdio: "ignore" },
        );
        made.push(`network:${b.name}`);
    }
    for (const p of peers) {
        const env = Object.entries(p.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
        execFileSync(
            "docker",
            [
                "run",
                "-d",
                "--name",
                p.name,
                "--network",
                p.bridge.name,
                "--ip",
                p.ip,
                "--cap-drop",
                "ALL",
                ...FRR_BGP_CAPABILITIES.flatMap((c) => ["--cap-add", c]),
                ...env,
                image,
            ],
            { stdio: "ignore" },
        );
        made.push(`container:${p.name}`);
    }
    for (const p of peers) waitPeerUp(p.name);
    return made;
}

/** A peer whose daemons died at start (a missing capability, a bad frr.conf) fails here, with its log, not as a guest's session check. */
function waitPeerUp(name: string, timeoutMs = 30_000): void {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const running = spawnSync("docker", ["inspect", "-f", "{{.State.Running}}", name], { encoding: "utf8" });
        const bgpd =
            running.stdout.trim() === "true" &&
            spawnSync("docker", ["exec", name, "vtysh", "-c", "show bgp summary"], { stdio: "ignore" }).status === 0;
        if (bgpd) return;
        if (running.stdout.trim() !== "true" || Date.now() > deadline) {
            const log = spawnSync("docker", ["logs", "--tail", "8", name], { encoding: "utf8" });
            throw new Error(
                `BGP peer ${name} is not up (running: ${running.stdout.trim() || "absent"}): ${(log.stdout + log.stderr).trim()}`,
            );
        }
        spawnSync("sleep", ["1"]);
    }
}

export function stopPeers(made: string[]): void {
    for (const m of made.filter((x) => x.startsWith("container:")))
        spawnSync("docker", ["rm", "-f", m.slice("container:".length)], { stdio: "ignore" });
    for (const m of made.filter((x) => x.startsWith("network:")))
        spawnSync("docker", ["network", "rm", m.slice("network:".length)], { stdio: "ignore" });
}
