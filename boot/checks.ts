// The checks as data: what to run inside the guest, and a pure judge that turns its output into
// a verdict with the evidence seen. The runner (boot/run-checks.ts) only executes them.
import { backendOf } from "../lib/apache-page";
import { Expectations } from "./expectations";
import { VmKind } from "./vm-spec";

export type Verdict = "pass" | "fail" | "needs-internet";

export interface Judgement {
    verdict: Verdict;
    evidence: string;
}

export interface Check {
    name: string;
    /** Run with sh inside the guest (as the login user; sudo where root is needed), or on the host as a client on the bridge. */
    script: string;
    where?: "guest" | "host";
    /** A state that converges after boot (BGP, BFD): re-run until it passes or this many ms pass. */
    settleMs?: number;
    judge: (out: { code: number | null; stdout: string; stderr: string }) => Judgement;
}

const pass = (evidence: string): Judgement => ({ verdict: "pass", evidence });
const fail = (evidence: string): Judgement => ({ verdict: "fail", evidence });
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim().slice(0, 300);

/** cloud-init's own verdict: status done and result.json with no errors, or only the k3s step's. */
export function judgeCloudInit(stdout: string, k3sStepExpected: boolean): Judgement {
    const status = /^status:\s*(\S+)/m.exec(stdout)?.[1] ?? "?";
    const json = stdout.slice(stdout.indexOf("{"), stdout.lastIndexOf("}") + 1);
    let errors: string[] = ["result.json unreadable"];
    try {
        errors = JSON.parse(json).v1?.errors ?? [];
    } catch {
        /* keep the unreadable error */
    }
    if (k3sStepExpected) {
        // The k3s install is the last runcmd step; its failure surfaces as scripts_user.
        const others = errors.filter((e) => !/scripts[-_]user/.test(e));
        if (others.length === 0 && errors.length > 0)
            return pass(`status ${status}; the only error is the k3s step: ${oneLine(errors.join("; "))}`);
        return fail(
            `status ${status}; errors ${oneLine(errors.join("; ") || "none (the k3s step cannot have succeeded here)")}`,
        );
    }
    return status === "done" && errors.length === 0
        ? pass(`status done, result.json errors []`)
        : fail(`status ${status}; errors ${oneLine(errors.join("; ")) || "none"}`);
}

export function judgeLinks(linkOutput: string, wanted: { mac: string; name: string }[]): Judgement {
    const seen = new Map<string, string>();
    for (const line of linkOutput.split("\n")) {
        const m = /^\d+:\s+([^:@]+)[:@].*link\/ether\s+([0-9a-f:]+)/.exec(line.trim());
        if (m) seen.set(m[2], m[1]);
    }
    const wrong = wanted.filter((w) => seen.get(w.mac) !== w.name);
    const shown = wanted.map((w) => `${w.mac}=${seen.get(w.mac) ?? "absent"}`).join(", ");
    return wrong.length === 0
        ? pass(shown)
        : fail(`wanted ${wanted.map((w) => `${w.mac}=${w.name}`).join(", ")}; saw ${shown}`);
}

export function judgeAddresses(addrOutput: string, wanted: { name: string; ip: string }[]): Judgement {
    const missing = wanted.filter(
        (w) => !new RegExp(`^\\d+:\\s+${w.name}\\s+inet\\s+${w.ip.replace(/\./g, "\\.")}/`, "m").test(addrOutput),
    );
    const shown = wanted.map((w) => `${w.name} ${w.ip}`).join(", ");
    return missing.length === 0
        ? pass(shown)
        : fail(`missing ${missing.map((w) => `${w.name} ${w.ip}`).join(", ")}; saw ${oneLine(addrOutput)}`);
}

/** The MTU on each link and in its DHCP lease (networkd keeps MTU= in the lease when offered). */
export function judgeMtu(stdout: string, names: string[], mtu: number): Judgement {
    const bad = names.filter((n) => !new RegExp(`^\\d+:\\s+${n}:.*\\smtu ${mtu}\\s`, "m").test(stdout));
    const leases = (stdout.match(/^MTU=\d+/gm) ?? []).length;
    if (bad.length > 0) return fail(`not mtu ${mtu}: ${bad.join(", ")}`);
    if (leases < names.length)
        return fail(`mtu ${mtu} on ${names.join(", ")} but only ${leases} DHCP lease(s) carry MTU=`);
    return pass(`${names.join(", ")} mtu ${mtu}, ${leases} DHCP leases with MTU=${mtu}`);
}

export function judgePackage(stdout: string, pkg: string, version: string, held: boolean): Judgement {
    const installed = new RegExp(`^${pkg.replace(/\./g, "\\.")}\\s+(\\S+)`, "m").exec(stdout)?.[1];
    const isHeld = new RegExp(`^${pkg.replace(/\./g, "\\.")}$`, "m").test(stdout.split("--holds--")[1] ?? "");
    const evidence = `${pkg} ${installed ?? "not installed"}${isHeld ? ", held" : ", not held"}`;
    return installed === version && isHeld === held
        ? pass(evidence)
        : fail(`${evidence}; wanted ${version}${held ? " held" : ""}`);
}

export function judgeRoute(stdout: string, r: { destination: string; gateway: string; dev: string }): Judgement {
    const line = stdout.split("\n").find((l) => l.startsWith(r.destination));
    const ok = !!line && line.includes(`via ${r.gateway} dev ${r.dev}`);
    return ok
        ? pass(oneLine(line!))
        : fail(`wanted ${r.destination} via ${r.gateway} dev ${r.dev}; saw ${oneLine(stdout) || "no such route"}`);
}

export function judgePage(body: string, name: string, ip: string): Judgement {
    const served = backendOf(body);
    const ok = served === name && body.includes(` at ${ip}<`);
    return ok
        ? pass(`Served by <b>${served}</b> at ${ip}`)
        : fail(`wanted ${name} at ${ip}; got ${oneLine(body) || "no page"}`);
}

export function judgeSysctls(stdout: string, wanted: Record<string, string>): Judgement {
    const seen: Record<string, string> = {};
    for (const m of stdout.matchAll(/^([a-z0-9_.]+) = (\S+)$/gm)) seen[m[1]] = m[2];
    const wrong = Object.entries(wanted).filter(([k, v]) => seen[k] !== v);
    const shown = Object.keys(wanted)
        .map((k) => `${k}=${seen[k] ?? "?"}`)
        .join(", ");
    return wrong.length === 0
        ? pass(shown)
        : fail(
              `wanted ${Object.entries(wanted)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(", ")}; saw ${shown}`,
          );
}

/** curl's exit codes that mean the network was not there (no name, no connection, timed out). */
export const CURL_OFFLINE_EXITS: Record<number, string> = {
    6: "could not resolve host",
    7: "failed to connect",
    28: "timed out",
};

/**
 * The k3s step fails here for want of the internet, and only for that reason: the runcmd ends
 * with curl's exit code (the product runs it silent, -sf), no k3s is installed, and the
 * installer's host does not resolve in the guest.
 */
export function judgeK3sDownload(stdout: string, url: string): Judgement {
    if (/^k3s-present$/m.test(stdout)) return fail("a k3s binary is present: something pretended to be k3s");
    const code = Number(/Exit code: (\d+)/.exec(stdout)?.[1] ?? NaN);
    const host = new URL(url).host;
    const resolves = /^resolves$/m.test(stdout);
    if (CURL_OFFLINE_EXITS[code] && !resolves) {
        return {
            verdict: "needs-internet",
            evidence: `runcmd exit ${code} (curl: ${CURL_OFFLINE_EXITS[code]}) fetching ${url}; ${host} does not resolve here; no k3s installed`,
        };
    }
    return fail(
        `the k3s step did not fail on the download: runcmd exit ${Number.isNaN(code) ? "none" : code}${resolves ? `, ${host} resolves` : ""}`,
    );
}

/** Debian's cloud images run networkd behind netplan: cloud-init wrote netplan YAML and networkd manages every NIC. */
export function judgeNetworkStack(stdout: string, names: string[]): Judgement {
    const netplan = /50-cloud-init\.yaml/.test(stdout);
    const unmanaged = names.filter(
        (n) => !new RegExp(`^\\s*\\d+\\s+${n}\\s+ether\\s+\\S+\\s+configured`, "m").test(stdout),
    );
    if (!netplan) return fail("no /etc/netplan/50-cloud-init.yaml: cloud-init did not render netplan");
    return unmanaged.length === 0
        ? pass(`netplan 50-cloud-init.yaml; networkd: ${names.map((n) => `${n} configured`).join(", ")}`)
        : fail(`networkd does not manage ${unmanaged.join(", ")}: ${oneLine(stdout)}`);
}

/** vtysh's running config holds the rendered `router bgp` and every neighbor. */
export function judgeFrrConfig(stdout: string, frr: { routerBgp: string; neighbors: string[] }): Judgement {
    const missing = [frr.routerBgp, ...frr.neighbors.map((n) => `neighbor ${n} peer-group`)].filter(
        (l) => !stdout.includes(l),
    );
    return missing.length === 0
        ? pass(`running config: ${frr.routerBgp}, neighbors ${frr.neighbors.join(", ")}`)
        : fail(`running config lacks ${missing.join("; ")}`);
}

/** `show bgp ipv4 unicast summary json` then `show bfd peers json`: every neighbor Established, its BFD up. */
export function judgeSessions(stdout: string, neighbors: string[]): Judgement {
    const [bgpText, bfdText] = stdout.split("--bfd--");
    let peers: Record<string, any> = {};
    let bfd: any[] = [];
    try {
        peers = JSON.parse(bgpText).peers ?? {};
        bfd = JSON.parse(bfdText);
    } catch {
        return fail(`vtysh gave no JSON: ${oneLine(stdout)}`);
    }
    const seen = neighbors.map(
        (n) => `${n} ${peers[n]?.state ?? "absent"}, BFD ${bfd.find((b) => b.peer === n)?.status ?? "absent"}`,
    );
    const ok = neighbors.every(
        (n) => peers[n]?.state === "Established" && bfd.find((b) => b.peer === n)?.status === "up",
    );
    return ok ? pass(seen.join("; ")) : fail(seen.join("; "));
}

/** `ip -4 route show <prefix>`: learnt by BGP, with a next hop via every router (ECMP). */
export function judgeEcmpRoute(stdout: string, prefix: string, neighbors: string[]): Judgement {
    const seen = oneLine(stdout);
    if (!new RegExp(`^${prefix.replace(/\./g, "\\.")} .*proto bgp`, "m").test(stdout))
        return fail(`no BGP route to ${prefix}: ${seen || "none"}`);
    const missing = neighbors.filter((n) => !new RegExp(`\\bvia ${n.replace(/\./g, "\\.")} `).test(`${stdout} `));
    return missing.length === 0 ? pass(seen) : fail(`no next hop via ${missing.join(", ")}: ${seen}`);
}

export type BootPhase = "first boot" | "after reboot";

export interface CheckContext {
    kind: VmKind;
    exp: Expectations;
    phase: BootPhase;
}

/** Every check that applies to a guest, in the order they run. */
export function checksFor(ctx: CheckContext): Check[] {
    const { exp } = ctx;
    // runcmd (the k3s install) runs once per instance: after a reboot a router node's cloud-init
    // has no step left to fail, and must end done with no error, like every other guest.
    const k3sStepRan = (ctx.kind === "k3s-server" || ctx.kind === "k3s-agent") && ctx.phase === "first boot";
    const checks: Check[] = [
        {
            name: "cloud-init done",
            script: "sudo cat /run/cloud-init/result.json; cloud-init status --long",
            judge: (o) => judgeCloudInit(o.stdout, k3sStepRan),
        },
        {
            name: "hostname",
            script: "hostname",
            judge: (o) =>
                o.stdout.trim() === exp.hostname
                    ? pass(o.stdout.trim())
                    : fail(`wanted ${exp.hostname}, got ${o.stdout.trim()}`),
        },
        {
            name: "addresses from DHCP",
            script: "ip -4 -o addr show",
            judge: (o) => judgeAddresses(o.stdout, exp.addresses),
        },
        {
            name: "MTU from DHCP",
            script: "ip -o link show; sudo cat /run/systemd/netif/leases/* 2>/dev/null",
            judge: (o) =>
                judgeMtu(
                    o.stdout,
                    exp.addresses.map((a) => a.name),
                    1450,
                ),
        },
    ];
    checks.push({
        name: "netplan renders networkd",
        script: "ls /etc/netplan; networkctl list --no-legend",
        judge: (o) =>
            judgeNetworkStack(
                o.stdout,
                exp.addresses.map((a) => a.name),
            ),
    });
    if (exp.pinned.length > 0)
        checks.push({
            name: "NIC names pinned by MAC",
            script: "ip -o link show",
            judge: (o) => judgeLinks(o.stdout, exp.pinned),
        });
    for (const [pkg, version] of Object.entries(exp.pinnedPackages)) {
        checks.push({
            name: `${pkg} pinned${exp.held.includes(pkg) ? " and held" : ""}`,
            script: `dpkg-query -W ${pkg}; echo --holds--; apt-mark showhold`,
            judge: (o) => judgePackage(o.stdout, pkg, version, exp.held.includes(pkg)),
        });
    }
    for (const r of exp.routes)
        checks.push({
            name: `route ${r.destination}`,
            script: `ip -4 route show ${r.destination}`,
            judge: (o) => judgeRoute(o.stdout, r),
        });
    if (Object.keys(exp.sysctls).length > 0) {
        checks.push({
            name: "sysctls",
            script: `sudo sysctl ${Object.keys(exp.sysctls).join(" ")}`,
            judge: (o) => judgeSysctls(o.stdout, exp.sysctls),
        });
    }
    if (exp.page) {
        const me = exp.addresses[0];
        checks.push({
            name: "apache2 serves the page",
            where: "host",
            script: `curl -fsS --max-time 10 http://${me.ip}/`,
            judge: (o) => judgePage(o.stdout, exp.hostname, me.ip),
        });
    }
    if (exp.frr) {
        const frr = exp.frr;
        checks.push({
            name: "FRR rendered config active",
            script: "sudo vtysh -c 'show running-config'",
            judge: (o) => judgeFrrConfig(o.stdout, frr),
        });
        checks.push({
            name: "BGP sessions Established, BFD up",
            // Guest FRR connects out on start; its connect-retry and BFD's slow start take seconds.
            settleMs: 120_000,
            script: "sudo vtysh -c 'show bgp ipv4 unicast summary json'; echo --bfd--; sudo vtysh -c 'show bfd peers json'",
            judge: (o) => judgeSessions(o.stdout, frr.neighbors),
        });
        for (const prefix of frr.accepted)
            checks.push({
                name: `ECMP route ${prefix} over every router`,
                settleMs: 60_000,
                script: `ip -4 route show ${prefix}`,
                judge: (o) => judgeEcmpRoute(o.stdout, prefix, frr.neighbors),
            });
        checks.push({
            name: "no static route",
            script: "ip -4 route show proto static",
            judge: (o) => (o.stdout.trim() === "" ? pass("ip route show proto static: none") : fail(oneLine(o.stdout))),
        });
    }
    if (exp.k3sDownload) {
        checks.push({
            name: "k3s download",
            script: `command -v k3s >/dev/null && echo k3s-present; getent hosts ${new URL(exp.k3sDownload).host} >/dev/null && echo resolves; sudo grep -A1 "Command: \\['/var/lib/cloud/instance/scripts/runcmd'\\]" /var/log/cloud-init.log | grep "Exit code" | tail -1`,
            judge: (o) => judgeK3sDownload(o.stdout, exp.k3sDownload!),
        });
    }
    return checks;
}
