// npm run bench:lab [-- --keep] [--duration 5] [--connections 8] [--threads 2] [--rounds 3]
// One run, one client (wrk), the same duration per path: requests/s and p50/p99 latency for
//   chain          client -> LB -> router -> Apache   (wrk in the LB task's namespace)
//   LB, no router  client -> LB -> Apache            (same LB image and env, on the Apache network)
//   Apache         client -> Apache                  (one backend, from that LB's namespace)
//   published port host -> managerIp:lbPort -> LB -> router -> Apache (what a client of the stack uses)
// Prints chain/LB-direct and chain/Apache requests/s (goals: >= 0.95x, >= 0.45x) and, when
// bench/results/lab-baseline.json holds an earlier run, its figures beside the new ones.
// Writes bench/results/lab.json and lab.md (README quotes it). Reports figures; never pass/fails on speed.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { labDown, labUp } from "../lab";
import { lbRunArgs } from "../specs/workload-run-args";
import { inNetns, pidOf, REPO } from "../docker-engine";
import { lbTask } from "../topology/apply-topology";
import { LAB_LABELS, LAB_NAMES } from "../names";
import {
    PathFigures,
    WrkResult,
    benchTable,
    chainRatios,
    comparisonTable,
    markdownTable,
    medianOf,
    parseWrk,
    textTable,
    withRatios,
} from "./figures";
import { out, run, waitFor } from "../sh";
import { acquireLabLock, releaseLabLock } from "../lock";

interface Opts {
    duration: number;
    connections: number;
    threads: number;
    rounds: number;
    keep: boolean;
}

export function parseBenchArgs(argv: string[]): Opts {
    const o: Opts = { duration: 5, connections: 8, threads: 2, rounds: 3, keep: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--keep") o.keep = true;
        else if (arg === "--duration" || arg === "--connections" || arg === "--threads" || arg === "--rounds") {
            const v = Number(argv[++i]);
            const max = arg === "--duration" ? 30 : arg === "--rounds" ? 5 : 64; // bounded load, always
            if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${arg} must be an integer 1-${max}`);
            o[arg.slice(2) as "duration" | "connections" | "threads" | "rounds"] = v;
        } else
            throw new Error(
                `unknown argument ${arg}; usage: npm run bench:lab ` +
                    "[-- --keep] [--duration S] [--connections N] [--threads N] [--rounds N]",
            );
    }
    return o;
}

async function wrk(netnsPid: number | undefined, url: string, o: Opts, seconds = o.duration): Promise<WrkResult> {
    const cmd = [
        "wrk",
        "-t",
        String(o.threads),
        "-c",
        String(o.connections),
        "-d",
        `${seconds}s`,
        "--timeout",
        "5s",
        "--latency",
        url,
    ];
    const r = await run(netnsPid ? inNetns(netnsPid, cmd) : cmd, { timeoutMs: (seconds + 20) * 1000 });
    return parseWrk(r.stdout);
}

/**
 * The Swarm task's CPU and memory limits as `docker run` flags, so the LB without the router hop
 * is the same LB: without them it would get every CPU while the chain's task gets its limit.
 */
export function limitRunFlags(policyFlags: readonly string[]): string[] {
    const asRun: Record<string, string> = { "--limit-cpu": "--cpus", "--limit-memory": "--memory" };
    const out: string[] = [];
    for (let i = 0; i < policyFlags.length - 1; i++) {
        const run = asRun[policyFlags[i]];
        if (run) out.push(run, policyFlags[++i]);
    }
    return out;
}

/** An earlier run's lab.json, labelled with what differed (bench/results/lab-baseline.json). */
interface Baseline {
    when: string;
    label: string;
    rows: PathFigures[];
}

function readBaseline(file: string): Baseline | undefined {
    if (!fs.existsSync(file)) return undefined;
    const b = JSON.parse(fs.readFileSync(file, "utf8")) as Baseline;
    if (typeof b.label !== "string" || !Array.isArray(b.rows))
        throw new Error(`${file}: expected a lab.json with a "label"`);
    return b;
}

function beforeAndAfter(b: Baseline, now: PathFigures[]): string[] {
    const c = comparisonTable(b.rows, now);
    const [chain, lbDirect, apache] = b.rows;
    return [
        "",
        `Before: ${b.label} (\`npm run bench:lab\` ${b.when.slice(0, 10)}, same settings; ` +
            "bench/results/lab-baseline.json). " +
            `Then chain / LB without the router hop was ${(chain.rps / lbDirect.rps).toFixed(2)}x ` +
            `and chain / Apache direct ${(chain.rps / apache.rps).toFixed(2)}x.`,
        "",
        markdownTable(c.headers, c.cells),
    ];
}

async function main(): Promise<void> {
    const o = parseBenchArgs(process.argv.slice(2));
    const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
    if ((await run(["sh", "-c", "command -v wrk"], { allowFail: true })).code !== 0)
        throw new Error("wrk is not installed (apt-get install wrk)");
    await acquireLabLock(600_000, log);
    try {
        const lab = await labUp({ install: true, log });
        const addressing = lab.addressing;
        // The same LB image, env, command and CPU/memory limits as the planned service, on the Apache network itself.
        const directArgs = lbRunArgs(lab.lb, {
            name: LAB_NAMES.directLb,
            network: LAB_NAMES.apacheNetwork,
            ip: addressing.directLbIp,
            labels: LAB_LABELS,
        });
        await run(["docker", "run", ...limitRunFlags(lab.lb.policyFlags), ...directArgs]);
        const directPid = await pidOf(LAB_NAMES.directLb);
        const lbPid = await pidOf(await lbTask(lab.lb.serviceName));
        const target = lab.lb.ports.find((p) => p.published === addressing.lbPort)?.target ?? 80;
        await waitFor(
            "the direct LB answering",
            async () =>
                (
                    await run(
                        inNetns(directPid, [
                            "curl",
                            "-fsS",
                            "-m",
                            "2",
                            "-o",
                            "/dev/null",
                            `http://127.0.0.1:${target}/`,
                        ]),
                        { allowFail: true },
                    )
                ).code === 0
                    ? true
                    : undefined,
            30_000,
        );
        const paths: { path: string; pid?: number; url: string }[] = [
            { path: "client -> LB -> router -> Apache (chain)", pid: lbPid, url: `http://127.0.0.1:${target}/` },
            { path: "client -> LB -> Apache (no router hop)", pid: directPid, url: `http://127.0.0.1:${target}/` },
            { path: "client -> Apache (one backend)", pid: directPid, url: `http://${addressing.apacheIps[0]}/` },
            { path: "host -> published port -> LB -> router -> Apache", url: `${addressing.loadBalancerUrl}/` },
        ];
        for (const p of paths) await wrk(p.pid, p.url, o, 1); // warm-up: connections, caches, nginx upstream state
        // Rounds with the path order rotated, so a slow moment of this shared machine does not
        // land on one path only; each figure is the median over the rounds.
        const runs: WrkResult[][] = paths.map(() => []);
        for (let round = 0; round < o.rounds; round++) {
            for (let k = 0; k < paths.length; k++) {
                const i = (k + round) % paths.length;
                const r = await wrk(paths[i].pid, paths[i].url, o);
                log(
                    `round ${round + 1}: ${paths[i].path}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms} ms, ` +
                        `p99 ${r.p99ms} ms, ${r.requests} requests, ${r.non2xx + r.socketErrors} errors`,
                );
                runs[i].push(r);
            }
        }
        const table = withRatios(paths.map((p, i) => ({ ...medianOf(runs[i]), path: p.path })));
        const t = benchTable(table);
        const ratios = chainRatios(table[0], table[1], table[2]);
        const ratioLine =
            `chain / LB without the router hop: ${ratios.vsLbDirect.toFixed(2)}x requests/s ` +
            "(goal: at least 0.95x); " +
            `chain / Apache direct: ${ratios.vsApache.toFixed(2)}x (goal: at least 0.45x). Printed, not judged.`;
        const machine = {
            cpus: os.cpus().length,
            cpuModel: os.cpus()[0]?.model,
            kernel: os.release(),
            docker: await out(["docker", "version", "-f", "{{.Server.Version}}"]),
        };
        const client = {
            tool: (await out(["sh", "-c", "wrk --version 2>&1 | head -1"])).split(" Copyright")[0],
            threads: o.threads,
            connections: o.connections,
            durationS: o.duration,
        };
        const dir = path.join(REPO, "bench", "results");
        fs.mkdirSync(dir, { recursive: true });
        const baseline = readBaseline(path.join(dir, "lab-baseline.json"));
        const when = new Date().toISOString();
        fs.writeFileSync(
            path.join(dir, "lab.json"),
            JSON.stringify(
                {
                    when,
                    machine,
                    client,
                    specs: {
                        router: lab.router.image,
                        lb: lab.lb.image,
                        routes: lab.router.env.ROUTES,
                        servers: lab.lb.env.SERVERS,
                        lbLimits: limitRunFlags(lab.lb.policyFlags).join(" "),
                    },
                    rows: table,
                    chainRatios: ratios,
                    rounds: paths.map((p, i) => ({ path: p.path, runs: runs[i] })),
                },
                null,
                2,
            ) + "\n",
        );
        const md = [
            `Lab data-plane benchmark (\`npm run bench:lab\`, ${when.slice(0, 10)}): ${client.tool}, ` +
                `${o.threads} threads, ${o.connections} connections, ${o.duration} s per path and round, ` +
                `${o.rounds} rounds (median) after a 1 s warm-up;`,
            `one machine (${machine.cpus} CPUs, kernel ${machine.kernel}, Docker ${machine.docker}) running client, ` +
                "LB, router and backends, so the figures compare paths, not capacity.",
            "Ratios are against the chain (first row). The LB rows use the planned image, env and CPU/memory " +
                "limits; the chain's LB is the Swarm task.",
            "",
            markdownTable(t.headers, t.cells),
            ratioLine,
            ...(baseline ? beforeAndAfter(baseline, table) : []),
        ].join("\n");
        fs.writeFileSync(path.join(dir, "lab.md"), md);
        process.stdout.write(textTable(t.headers, t.cells));
        process.stdout.write(`${ratioLine}\n`);
        if (baseline) {
            const c = comparisonTable(baseline.rows, table);
            process.stdout.write(`before (${baseline.label}):\n${textTable(c.headers, c.cells)}`);
        }
        process.stdout.write(`wrote ${path.relative(process.cwd(), path.join(dir, "lab.json"))} and lab.md\n`);
    } finally {
        // Torn down even when a path failed; --keep leaves the chain up (without the bench-only LB).
        if (!o.keep) await labDown({ log });
        else await run(["docker", "rm", "--force", LAB_NAMES.directLb], { allowFail: true });
        releaseLabLock();
    }
}

if (require.main === module) {
    main().catch((e: Error) => {
        process.stderr.write(`bench:lab failed: ${e.message}\n`);
        process.exit(1);
    });
}
