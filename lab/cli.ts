// npm run lab [-- up|down|status|env] [--no-build] [--routing static|bgp]
//   up (default): build what is missing (the engine toolchain with npm run engine, the base and
//                 VNF images; --no-build skips rebuilding images that are present), the hosts'
//                 stand-ins, start the control plane and the router nodes' agents, `pulumi up` the
//                 local stacks with the real engine, send 200 requests through the chain and print
//                 the report. Leaves the lab running.
//                 --routing bgp: two router nodes, BGP with BFD to the swarm host's and the
//                 Apache backends' FRR (lab/topology/); static (the default) as before.
//   down:         pulumi destroy (chain, swarm, k8s), stop the control plane, remove everything
//                 the lab made (idempotent).
//   status:       the router's kernel table and one round of requests, if the lab is up.
//   env:          shell lines for `eval "$(npm run --silent lab -- env)"`: pulumi, kubectl and
//                 docker pointed at the lab, and the shell in the project copy (with policy/).
import { labDown, labUp } from "./lab";
import { report, smoke } from "./report";
import { specsFrom, stateViews } from "./specs/stack-views";
import { LAB_PATHS, labToolEnv, shellExports } from "./engine-stacks";
import { load, summary } from "./bench/http-load";
import { routerTable } from "./topology/apply-topology";
import { LAB_NAMES } from "./names";
import { out, run } from "./sh";
import { LAB_ROUTINGS, LabRouting } from "./topology/router-nodes";

async function main(argv: string[]): Promise<void> {
    const at = argv.indexOf("--routing");
    const routing = at < 0 ? "static" : argv[at + 1];
    const rest = at < 0 ? argv : argv.filter((_, i) => i !== at && i !== at + 1);
    const cmd = rest.find((arg) => !arg.startsWith("--")) ?? "up";
    const unknown = rest.filter((arg) => arg.startsWith("--") && arg !== "--no-build");
    if (
        unknown.length ||
        !["up", "down", "status", "env"].includes(cmd) ||
        !(LAB_ROUTINGS as readonly string[]).includes(routing)
    ) {
        const usage = `npm run lab [-- up|down|status|env] [--no-build] [--routing ${LAB_ROUTINGS.join("|")}]`;
        throw new Error(`usage: ${usage} (got ${argv.join(" ")})`);
    }
    if (cmd === "env") {
        process.stdout.write(
            `# hybrid-vnf lab: pulumi, kubectl and docker against the lab (its project copy is ${LAB_PATHS.project})\n`,
        );
        process.stdout.write(shellExports(labToolEnv()));
        return;
    }
    if (cmd === "down") {
        await labDown();
        process.stdout.write("lab: down (run it again: nothing left to remove)\n");
        return;
    }
    if (cmd === "status") {
        if ((await run(["docker", "inspect", LAB_NAMES.routerNode()], { allowFail: true })).code !== 0) {
            process.stdout.write("lab: not up (start it with: npm run lab)\n");
            return;
        }
        // What is deployed, from the engine's state (not a fresh plan).
        const { addressing } = specsFrom(await stateViews());
        process.stdout.write(`router table:\n${await routerTable()}\n`);
        const bgpRoutes = await out(["ip", "route", "show", "proto", "bgp"]);
        if (bgpRoutes) process.stdout.write(`this host's BGP routes (the bgp lab's swarm-host FRR):\n${bgpRoutes}\n`);
        const url = addressing.loadBalancerUrl + "/";
        const round = await load({ url, count: 20, concurrency: 2, timeoutMs: 5000, maxMs: 30_000 });
        process.stdout.write(`${summary(round)}\n`);
        return;
    }
    const lab = await labUp({ install: true, build: !argv.includes("--no-build"), routing: routing as LabRouting });
    const s = await smoke(lab);
    process.stdout.write(report(lab, s));
    if (s.load.failed > 0 || s.routeProblems.length > 0) throw new Error("the chain is up but not healthy (see above)");
    process.stdout.write("lab: up; remove it with: npm run lab -- down\n");
}

main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(
        `lab failed: ${e.message}\n(what was made so far stays for inspection; remove it with: npm run lab -- down)\n`,
    );
    process.exit(1);
});
