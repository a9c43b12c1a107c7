// The picture of the chain (harness/diagram.ts, `npm run plan -- ... --diagram FILE`): DOT
// from the plans with the stacks, networks and CIDRs, VNFs and images, backends, route and
// published port; rendered by the real Graphviz `dot` (Debian graphviz; missing = failure).
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planStacks, StackPlan } from "../../harness/plan";
import { renderDiagram, writeDiagram } from "../../harness/diagram";

const ROOT = path.join(__dirname, "..", "..");

function svgOf(dot: string): string {
    return execFileSync("dot", ["-Tsvg"], { input: dot }).toString();
}

/** The SVG with character references decoded (Graphviz writes "-" as &#45;). */
function svgText(svg: string): string {
    return svg
        .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
}

describe("chain diagram (harness/diagram.ts)", function () {
    this.timeout(120_000);
    let dev: StackPlan[];
    let local: StackPlan[];
    let tmp: string;

    before(async () => {
        dev = await planStacks(["k8s-dev", "swarm-dev", "chain-dev"]);
        local = await planStacks(["k8s-local", "swarm-local", "chain-local"]);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "diagram-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("draws each stack as a cluster", () => {
        const dot = renderDiagram(dev);
        for (const s of ["k8s_dev", "swarm_dev", "chain_dev"])
            assert.match(dot, new RegExp(`subgraph cluster_${s} \\{`));
        assert.match(dot, /stack k8s-dev<\/B>.*\(k8s-cluster\)/);
    });

    it("shows the networks with their CIDRs, the VNFs with their images, the backends", () => {
        const dot = renderDiagram(dev);
        const k8s = dev[0].outputs as any;
        for (const text of [
            "swarm network",
            "10.100.100.0/24",
            "cluster network",
            "10.100.101.0/24",
            "Apache network",
            "10.100.102.0/24",
        ])
            assert.ok(dot.includes(text), text);
        assert.ok(dot.includes("image hybrid-vnf/nginx-lb:0.1.0"));
        assert.ok(dot.includes("image hybrid-vnf/router:0.1.0"));
        for (const ip of k8s.apacheInfo.ips) assert.ok(dot.includes(`Apache backend`) && dot.includes(ip), ip);
        assert.ok(dot.includes(`routerHost ${k8s.routerHost}`));
    });

    it("shows the route via routerHost, the router's routes and the published port on the packet path", () => {
        const dot = renderDiagram(dev);
        const k8s = dev[0].outputs as any;
        assert.ok(
            dot.includes(
                `label="route ${k8s.apacheInfo.network} via ${k8s.routerHost} dev eth1\\n(on the swarm hosts)"`,
            ),
        );
        assert.match(dot, /chain_dev_client -> chain_dev_lb \[.*label="published port 80\/tcp \(ingress\) -> 80"\]/);
        assert.match(dot, /chain_dev_lb -> chain_dev_router \[/);
        assert.match(dot, /chain_dev_router -> k8s_dev_apache_0 \[.*label="10\.100\.102\.0\/24 dev eth1"\]/);
        assert.match(dot, /chain_dev_router -> k8s_dev_apache_1 \[/);
    });

    it("follows the config: the lab's host-mode port, least-privilege router, other backends", async () => {
        const dot = renderDiagram(local);
        assert.match(dot, /published port 8080\/tcp \(host\) -> 80/);
        assert.match(dot, /hostNetwork, caps NET_ADMIN, NET_RAW, SYS_ADMIN/);
        const three = await planStacks(["k8s-local", "swarm-local", "chain-local"], {
            overrides: { "k8s-local": { "hybrid-vnf:apacheIps": ["10.100.102.20", "10.100.102.21", "10.100.102.22"] } },
        });
        const d3 = renderDiagram(three);
        assert.match(d3, /k8s_local_apache_2 /);
        assert.ok(d3.includes("SERVERS 10.100.102.20:80,10.100.102.21:80,10.100.102.22:80"));
    });

    it("draws cluster stacks alone when no chain stack is planned", () => {
        const dot = renderDiagram(dev.slice(0, 2));
        assert.match(dot, /subgraph cluster_k8s_dev/);
        assert.match(dot, /subgraph cluster_swarm_dev/);
        assert.doesNotMatch(dot, /VNF/);
    });

    it("is valid DOT: Graphviz renders it, and the SVG carries the labels", () => {
        const svg = svgText(svgOf(renderDiagram(dev)));
        assert.match(svg, /<svg /);
        for (const text of ["stack chain-dev", "10.100.102.0/24", "hybrid-vnf/router:0.1.0", "published port 80/tcp"])
            assert.ok(svg.includes(text), text);
    });

    it("writes SVG/PNG with dot, DOT for other names, and DOT (with a note) when dot is missing", async () => {
        const svg = await writeDiagram(dev, path.join(tmp, "c.svg"));
        assert.deepEqual(svg, { file: path.join(tmp, "c.svg"), rendered: true });
        assert.match(fs.readFileSync(svg.file, "utf8"), /<svg /);
        const png = await writeDiagram(dev, path.join(tmp, "c.png"));
        assert.deepEqual(fs.readFileSync(png.file).subarray(1, 4).toString(), "PNG");
        const dot = await writeDiagram(dev, path.join(tmp, "c.gv"));
        assert.match(fs.readFileSync(dot.file, "utf8"), /^digraph hybrid_vnf \{/);
        const missing = await writeDiagram(dev, path.join(tmp, "m.svg"), async () => {
            throw Object.assign(new Error("spawn dot ENOENT"), { code: "ENOENT" });
        });
        assert.equal(missing.file, path.join(tmp, "m.dot"));
        assert.match(missing.note!, /Graphviz `dot` is not installed/);
        assert.ok(!fs.existsSync(path.join(tmp, "m.svg")));
    });

    it("npm run plan -- <stacks> --diagram FILE writes the picture and still prints the plan", () => {
        const file = path.join(tmp, "cli.svg");
        const r = spawnSync(
            process.execPath,
            [
                "-r",
                "ts-node/register/transpile-only",
                "harness/cli.ts",
                "k8s-local",
                "swarm-local",
                "chain-local",
                "--json",
                "--diagram",
                file,
            ],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.equal(r.status, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).length, 3);
        assert.match(r.stderr, /diagram: wrote .*cli\.svg/);
        assert.match(svgText(fs.readFileSync(file, "utf8")), /stack chain-local/);
    });

    it("docs/chain.svg (embedded in README) shows the dev chain", () => {
        const svg = svgText(fs.readFileSync(path.join(ROOT, "docs", "chain.svg"), "utf8"));
        for (const text of [
            "stack k8s-dev",
            "stack swarm-dev",
            "stack chain-dev",
            "10.100.100.0/24",
            "10.100.101.0/24",
            "10.100.102.0/24",
            "hybrid-vnf/nginx-lb:0.1.0",
            "hybrid-vnf/router:0.1.0",
            "published port 80/tcp",
        ]) {
            assert.ok(
                svg.includes(text),
                `docs/chain.svg lacks ${text}; regenerate: npm run plan -- k8s-dev swarm-dev chain-dev --diagram docs/chain.svg`,
            );
        }
    });
});
