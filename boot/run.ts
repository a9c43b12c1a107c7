// A boot run: plan, image, host networks, guests, cloud-init, checks, swarm, reboot, checks
// again, removal from the swarm; every phase timed and bounded, every check printed with its
// verdict and evidence. Returns the results; the CLI sets the exit code from them.
import { BootPhase, Check, checksFor, Judgement } from "./checks";
import { expectations } from "./expectations";
import { GuestImage, ensureImage } from "./image";
import { hostDown, hostUp, recordDocker } from "./host";
import { frrFacts, peersFor, startPeers } from "./bgp-peer";
import { APT_PROXY_PORT, bridgesFor, tapsFor } from "./network";
import { planVms } from "./plan-vms";
import {
    Guest,
    keepEvidence,
    prepareGuest,
    probeStatusWait,
    reboot,
    run,
    SEMAPHORES_SCRIPT,
    start,
    waitCloudInit,
    waitSsh,
} from "./guest";
import { formSwarm, removeNode, swarmMembership, swarmNodeOf } from "./swarm";
import { assignAddresses } from "./vm-spec";
import { execFileSync } from "child_process";
import { parse as parseYaml } from "yaml";

/** The frr.conf the user-data writes, if any (the bgp variant). */
function frrConfOf(userData: string): string | undefined {
    const doc = parseYaml(userData) ?? {};
    return (doc.write_files ?? []).find((f: any) => f.path === "/etc/frr/frr.conf")?.content;
}

export interface BootOptions {
    stacks: string[];
    vms: string[];
    configDir: string;
    /** Config overrides per stack (the harness's private key). */
    overrides: Record<string, Record<string, unknown>>;
    reboot: boolean;
    log: (s: string) => void;
}

export interface CheckResult extends Judgement {
    vm: string;
    check: string;
    phase: BootPhase;
}

export interface BootReport {
    results: CheckResult[];
    phases: { phase: string; seconds: number }[];
    evidenceDirs: string[];
}

export async function timed<T>(
    report: BootReport,
    log: (s: string) => void,
    phase: string,
    f: () => Promise<T> | T,
): Promise<T> {
    const t0 = Date.now();
    log(`[phase] ${phase} ...`);
    try {
        return await f();
    } finally {
        const seconds = Math.round((Date.now() - t0) / 100) / 10;
        report.phases.push({ phase, seconds });
        log(`[phase] ${phase}: ${seconds} s`);
    }
}

async function runCheck(g: Guest, c: Check): Promise<Judgement> {
    const t0 = Date.now();
    for (;;) {
        const out = c.where === "host" ? hostRun(c.script) : await run(g, c.script, { timeoutMs: 60000 });
        const j = c.judge(out);
        const waited = Math.round((Date.now() - t0) / 1000);
        if (j.verdict === "pass" || !c.settleMs || Date.now() - t0 >= c.settleMs)
            return c.settleMs && waited > 0 ? { ...j, evidence: `${j.evidence} (after ${waited} s)` } : j;
        await new Promise((r) => setTimeout(r, 5000));
    }
}

function hostRun(script: string): { code: number | null; stdout: string; stderr: string } {
    try {
        return {
            code: 0,
            stdout: execFileSync("sh", ["-c", script], { encoding: "utf8", timeout: 30000 }),
            stderr: "",
        };
    } catch (e: any) {
        return { code: e.status ?? 1, stdout: String(e.stdout ?? ""), stderr: String(e.stderr ?? e.message) };
    }
}

export async function boot(o: BootOptions): Promise<BootReport> {
    const report: BootReport = { results: [], phases: [], evidenceDirs: [] };
    const guests: Guest[] = [];
    try {
        return await bootGuests(o, report, guests);
    } catch (e) {
        // A phase that gave up (a timeout, a crash) keeps what the guests can still tell.
        for (const g of guests) report.evidenceDirs.push(await keepEvidence(g));
        if (report.evidenceDirs.length > 0)
            (e as Error).message += `; kept serial logs and cloud-init logs in ${report.evidenceDirs.join(", ")}`;
        throw e;
    }
}

async function bootGuests(o: BootOptions, report: BootReport, guests: Guest[]): Promise<BootReport> {
    const record = (vm: string, phase: CheckResult["phase"], check: string, j: Judgement) => {
        report.results.push({ vm, phase, check, ...j });
        o.log(`  ${j.verdict.toUpperCase().padEnd(14)} ${vm} ${check}: ${j.evidence}`);
    };
    const vms = await timed(report, o.log, "plan", () => planVms(o.stacks, o.vms, o.configDir, o.overrides));
    const image: GuestImage = await timed(report, o.log, "image", () => ensureImage(o.log));
    const addresses = assignAddresses(vms);
    const bridges = bridgesFor(vms);
    const guestsTaps = vms.map((vm, i) => tapsFor(i, vm, bridges, addresses));
    await timed(report, o.log, "host networks", () => {
        hostDown(() => undefined);
        hostUp(bridges, guestsTaps.flat());
    });
    const frrGuests = vms.map((vm) => frrConfOf(vm.userData)).filter((c): c is string => !!c);
    if (frrGuests.length > 0) {
        await timed(report, o.log, "BGP peers (router image on the bridges)", () => {
            const peers = peersFor(frrGuests.map(frrFacts), bridges);
            recordDocker(startPeers(peers));
            for (const p of peers)
                o.log(
                    `  peer ${p.name} ${p.ip} on ${p.bridge.name}: AS ${p.env.BGP_ASN}, announces ${p.env.BGP_ANNOUNCE}`,
                );
        });
    }
    guests.push(
        ...vms.map((vm, i) => {
            const proxy = `http://${bridges.find((b) => b.name === guestsTaps[i][0].bridge)!.hostIp}:${APT_PROXY_PORT}`;
            return prepareGuest(vm, expectations(vm, addresses), guestsTaps[i], image, proxy);
        }),
    );
    for (const g of guests)
        o.log(
            `  ${g.vm.resource} (${g.vm.kind}${g.vm.bgp ? ", bgp" : ""}): instance-id ${g.vm.instanceId}, ${g.taps.map((t) => `${t.name} ${t.mac} ${t.ip}`).join(", ")}`,
        );
    await timed(report, o.log, "boot to ssh", async () => {
        for (const g of guests) start(g, image);
        await Promise.all(guests.map(waitSsh));
    });
    const statusWait = guests.map((g) => probeStatusWait(g));
    await timed(report, o.log, "cloud-init done (result.json)", () => Promise.all(guests.map(waitCloudInit)));
    const probes = await Promise.all(statusWait);
    guests.forEach((g, i) =>
        record(
            g.vm.resource,
            "first boot",
            "cloud-init status --wait returns after result.json",
            probes[i].includes("present")
                ? { verdict: "pass", evidence: probes[i] }
                : { verdict: "fail", evidence: probes[i] },
        ),
    );

    const checkAll = async (phase: CheckResult["phase"]) => {
        for (const g of guests)
            for (const c of checksFor({ kind: g.vm.kind, exp: g.exp, phase }))
                record(g.vm.resource, phase, c.name, await runCheck(g, c));
    };
    await timed(report, o.log, "checks", () => checkAll("first boot"));

    const swarmHosts = guests.filter((g) => g.vm.kind === "swarm-host");
    const manager = swarmHosts.find((g) => swarmNodeOf(g).role === "manager");
    const joiners = swarmHosts.filter((g) => g !== manager);
    if (manager && joiners.length > 0) {
        await timed(report, o.log, "swarm formation", async () =>
            record(
                manager.vm.resource,
                "first boot",
                "swarm formed by the stack's commands",
                await formSwarm(manager, joiners).catch((e: Error) => ({
                    verdict: "fail" as const,
                    evidence: e.message,
                })),
            ),
        );
    }
    if (o.reboot) {
        const before = await Promise.all(guests.map((g) => run(g, SEMAPHORES_SCRIPT)));
        await timed(report, o.log, "reboot to cloud-init done", async () => {
            await Promise.all(guests.map(reboot));
            await Promise.all(guests.map(waitSsh));
            await Promise.all(guests.map(waitCloudInit));
        });
        await timed(report, o.log, "checks after reboot", async () => {
            const after = await Promise.all(guests.map((g) => run(g, SEMAPHORES_SCRIPT)));
            guests.forEach((g, i) => {
                const same = before[i].stdout.trim() !== "" && before[i].stdout === after[i].stdout;
                record(g.vm.resource, "after reboot", "same instance-id, no first-boot step rerun", {
                    verdict: same ? "pass" : "fail",
                    evidence: same
                        ? `${after[i].stdout.split("\n").length - 1} per-instance semaphores unchanged, instance-id ${after[i].stdout.split("\n")[0]}`
                        : `before ${before[i].stdout.trim()} after ${after[i].stdout.trim()}`,
                });
            });
            await checkAll("after reboot");
            if (manager && joiners.length > 0)
                record(
                    manager.vm.resource,
                    "after reboot",
                    "swarm membership",
                    await swarmMembership(manager, swarmHosts),
                );
        });
    }
    if (
        manager &&
        joiners.length > 0 &&
        report.results.some((r) => r.check === "swarm formed by the stack's commands" && r.verdict === "pass")
    ) {
        const node = joiners[joiners.length - 1];
        await timed(report, o.log, "swarm node removal", async () =>
            record(
                node.vm.resource,
                o.reboot ? "after reboot" : "first boot",
                "removed node leaves the swarm",
                await removeNode(
                    manager,
                    node,
                    swarmHosts.filter((g) => g !== node),
                ),
            ),
        );
    }
    for (const g of guests) {
        if (report.results.some((r) => r.vm === g.vm.resource && r.verdict === "fail"))
            report.evidenceDirs.push(await keepEvidence(g));
    }
    return report;
}
