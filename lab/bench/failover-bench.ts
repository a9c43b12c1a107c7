// npm run bench:failover [-- --keep]: the failover figures from one run on this
// machine. The lab in static mode (one router, the baseline), then in bgp mode (two routers,
// BGP+BFD); in each, under bounded load, one router container is killed, then (once all is
// back) one router node falls silent for a while (lab/bench/failover-measure.ts). Writes
// bench/results/failover.{json,md}; the README quotes the .md verbatim (tests/readme.test.ts).
// Prints the figures, never judges them on time.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { labDown, labUp } from "../lab";
import { FAULTS, FailoverRun, failoverTable, measureFailover } from "./failover-measure";
import { LabRouting } from "../topology/router-nodes";
import { REPO } from "../docker-engine";
import { out } from "../sh";

const RESULTS = path.join(REPO, "bench", "results");
const LOAD = { concurrency: 4, requestTimeoutMs: 5000, warmupMs: 2000, settleMs: 2000, pollMs: 10, outageMs: 5000 };

export function failoverMarkdown(
    runs: FailoverRun[],
    when: string,
    machine: { cpus: number; kernel: string; docker: string },
): string {
    const polls = runs.filter((r) => r.routing === "bgp").map((r) => r.pollPeriodMs);
    const poll = polls.length
        ? ` The host's route was polled every ${Math.max(...polls).toFixed(0)} ms or faster ` +
          "(the withdrawal's resolution)."
        : "";
    return (
        [
            `Failover benchmark (\`npm run bench:failover\`, ${when}): under load, one router container killed ` +
                `(\`docker kill\`), then one router node silent for ${LOAD.outageMs / 1000} s (every packet into, ` +
                "out of and through its namespace dropped, as a dead VM looks to its peers). " +
                `${LOAD.concurrency} clients each send one request at a time on a fresh connection ` +
                `(timeout ${LOAD.requestTimeoutMs / 1000} s, no retries), from ${LOAD.warmupMs / 1000} s before the ` +
                `fault until ${LOAD.settleMs / 1000} s after the router is back in service. ` +
                "Times are ms from the fault. Router back: running again (kill: the node agent restarts it) " +
                "or reachable again (silent node); " +
                "ready: its readiness probe passes (bgp: its sessions are Established). " +
                `One machine (${machine.cpus} CPUs, kernel ${machine.kernel}, Docker ${machine.docker}), ` +
                `both modes in one run.${poll}`,
            "",
            failoverTable(runs).trimEnd(),
            "",
            ...runs.flatMap((r) => r.notes.map((n) => `- ${r.routing}, ${r.fault}: ${n}`)),
            "Goals in bgp mode: the dead next hop withdrawn within 1 s, 0 requests failed. Printed, not judged.",
        ].join("\n") + "\n"
    );
}

async function main(argv: string[]): Promise<void> {
    const log = (s: string) => process.stderr.write(`failover: ${s}\n`);
    const runs: FailoverRun[] = [];
    const modes: LabRouting[] = ["static", "bgp"];
    try {
        for (const [i, routing] of modes.entries()) {
            const lab = await labUp({ install: true, routing, build: i === 0, log: (s) => log(`lab: ${s}`) });
            for (const fault of FAULTS) {
                const r = await measureFailover(lab, { ...LOAD, fault, log });
                log(`${routing}, ${fault}: ${JSON.stringify(r)}`);
                runs.push(r);
            }
            if (i < modes.length - 1 || !argv.includes("--keep"))
                await labDown({ log: (s) => log(`lab: ${s}`), engine: i === modes.length - 1 });
        }
    } catch (e) {
        if (!argv.includes("--keep")) await labDown({ log: (s) => log(`lab: ${s}`) });
        throw e;
    }
    const when = new Date().toISOString().slice(0, 10);
    const machine = {
        cpus: os.cpus().length,
        kernel: os.release(),
        docker: await out(["docker", "version", "-f", "{{.Server.Version}}"]),
    };
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(
        path.join(RESULTS, "failover.json"),
        JSON.stringify({ when, machine, load: LOAD, runs }, null, 2) + "\n",
    );
    const md = failoverMarkdown(runs, when, machine);
    fs.writeFileSync(path.join(RESULTS, "failover.md"), md);
    process.stdout.write(md);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: Error) => {
        process.stderr.write(`bench:failover failed: ${e.stack ?? e.message}\n`);
        process.exit(1);
    });
}
