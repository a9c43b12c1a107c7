// The node agent as a process of its own (the lab stays up after `npm run lab` returns):
//   node -r ts-node/register/transpile-only lab/kube/node-agent-main.ts '<json NodeAgentConfig>'
// It runs until SIGTERM, then leaves the pod's container to `down`.
import * as fs from "fs";
import { KubeApi, accessFromKubeconfig } from "./kube-api";
import { NodeAgent, NodeAgentOptions } from "./node-agent";

/** The agent's options as JSON: the API client and log are made here. */
export type NodeAgentConfig = Omit<NodeAgentOptions, "api" | "log"> & { kubeconfigPath: string };

async function main(): Promise<void> {
    const c: NodeAgentConfig = JSON.parse(process.argv[2]);
    const api = new KubeApi(accessFromKubeconfig(fs.readFileSync(c.kubeconfigPath, "utf8")));
    const log = (s: string) => process.stdout.write(`${new Date().toISOString()} ${s}\n`);
    // Extra fields (kubeconfigPath) are harmless to the agent.
    const agent = new NodeAgent({ ...c, api, log });
    await agent.register();
    log(`node ${c.nodeName} registered (labels ${JSON.stringify(c.nodeLabels)}, address ${c.nodeIp})`);
    process.on("SIGTERM", () => agent.stop());
    await agent.loop();
    api.close();
}

main().catch((e: Error) => {
    process.stderr.write(`node agent failed: ${e.stack ?? e.message}\n`);
    process.exit(1);
});
