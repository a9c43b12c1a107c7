// npm run plan -- <stack> [<stack> ...] [--config-dir DIR] [--json] [--diagram FILE]
// Evaluates the stacks in order under the mock runtime and prints the plans. Exits non-zero,
// printing nothing on stdout, when any stack fails. --diagram writes a picture of the chain
// (FILE.svg/.png rendered with Graphviz when installed, else DOT; see harness/diagram.ts).
// Only the transpile cache is imported up front: the plan's modules load after it is in place.
import { cacheTranspiledOutput } from "./transpile-cache";

export interface CliArgs {
    stacks: string[];
    configDir?: string;
    json: boolean;
    diagram?: string;
}

export function parseArgs(argv: string[]): CliArgs {
    const args: CliArgs = { stacks: [], json: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") args.json = true;
        else if (a === "--config-dir") {
            args.configDir = argv[++i];
            if (!args.configDir) throw new Error("--config-dir needs a directory");
        } else if (a === "--diagram") {
            args.diagram = argv[++i];
            if (!args.diagram) throw new Error("--diagram needs a file, e.g. --diagram chain.svg");
        } else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
        else args.stacks.push(a);
    }
    if (args.stacks.length === 0)
        throw new Error("name at least one stack, e.g.: npm run plan -- k8s-dev swarm-dev chain-dev");
    return args;
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    cacheTranspiledOutput();
    // This CLI prints error messages, never stacks. Left on, ts-node's source-map support maps
    // the stack the SDK records for each of its thousands of promises, a third of a plan's time.
    Reflect.deleteProperty(Error, "prepareStackTrace");
    const { planStacks } = await import("./plan");
    const { renderPlan } = await import("./render");
    const plans = await planStacks(args.stacks, { configDir: args.configDir });
    if (args.diagram) {
        const { writeDiagram } = await import("./diagram");
        const d = await writeDiagram(plans, args.diagram);
        process.stderr.write(`diagram: wrote ${d.file}${d.note ? ` (${d.note})` : ""}\n`);
    }
    process.stdout.write(args.json ? JSON.stringify(plans, null, 2) + "\n" : plans.map(renderPlan).join("\n"));
}

main().catch((e: Error) => {
    process.stderr.write(`plan failed: ${e.message}\n`);
    process.exit(1);
});
