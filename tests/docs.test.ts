// README.md stays a map and docs/ stays navigable: every relative link and every backticked
// repository path in README.md and docs/*.md names something that exists, and README stays short.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../harness/stack-files";

/** README.md and every docs/*.md, as paths relative to the project. */
function pages(): string[] {
    const docs = fs.readdirSync(path.join(PROJECT_DIR, "docs")).filter((f) => f.endsWith(".md"));
    return ["README.md", ...docs.sort().map((f) => `docs/${f}`)];
}

/** The text outside fenced code blocks (commands there show arguments, not links). */
export function prose(markdown: string): string {
    return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** Relative link targets of a page, anchors kept: [text](target) and ![alt](target); "#x" is the page itself. */
export function relativeLinks(markdown: string): string[] {
    const targets = [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchors(markdown: string): Set<string> {
    const headings = [...prose(markdown).matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]);
    return new Set(
        headings.map((h) =>
            h
                .toLowerCase()
                .replace(/[^\p{L}\p{N} _-]/gu, "")
                .replace(/ /g, "-"),
        ),
    );
}

/** Why a link from `page` (relative to the project) is broken, or undefined when it resolves. */
export function linkProblem(page: string, link: string): string | undefined {
    const [target, anchor] = link.split("#");
    const file = target === "" ? page : path.join(path.dirname(page), target);
    if (!fs.existsSync(path.join(PROJECT_DIR, file))) return `${link}: ${file} does not exist`;
    if (anchor === undefined || !file.endsWith(".md")) return undefined;
    const anchors = headingAnchors(fs.readFileSync(path.join(PROJECT_DIR, file), "utf8"));
    return anchors.has(anchor) ? undefined : `${link}: ${file} has no heading #${anchor}`;
}

/** The top-level names a backticked repository path may start with: what is in the project. */
function topLevelNames(): Set<string> {
    return new Set(fs.readdirSync(PROJECT_DIR).filter((n) => n !== "node_modules" && !n.startsWith(".lab")));
}

/**
 * Backticked text that names a repository path: no spaces or wildcards, and its first segment is
 * a top-level name of the project (`lib/net.ts`, `stacks/`, `Pulumi.yaml`). `a.{json,md}` is
 * expanded; placeholders (`<role>`) and ellipses are not paths.
 */
export function repositoryPaths(markdown: string, topLevel: Set<string>): string[] {
    const paths: string[] = [];
    for (const m of prose(markdown).matchAll(/`([^`\n]+)`/g)) {
        const text = m[1];
        if (/[\s*<>…$]/.test(text)) continue;
        if (!topLevel.has(text.split("/")[0])) continue;
        if (!text.includes("/") && !/\.[a-z]+$/i.test(text)) continue;
        const braces = /^(.*)\{([^}]+)\}(.*)$/.exec(text);
        if (braces) paths.push(...braces[2].split(",").map((alt) => braces[1] + alt + braces[3]));
        else paths.push(text);
    }
    return paths;
}

describe("docs", () => {
    const topLevel = topLevelNames();

    it("README.md stays a map: under 260 lines", () => {
        const lines = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8").split("\n").length;
        assert.ok(lines < 260, `README.md has ${lines} lines; move detail into docs/`);
    });

    for (const page of pages()) {
        const text = fs.readFileSync(path.join(PROJECT_DIR, page), "utf8");

        it(`${page}: every relative link names a file or folder that exists, and a heading that does`, () => {
            const broken = relativeLinks(text).flatMap((link) => linkProblem(page, link) ?? []);
            assert.deepStrictEqual(broken, [], `${page} links to what does not exist`);
        });

        it(`${page}: every backticked repository path exists`, () => {
            const missing = repositoryPaths(text, topLevel).filter((p) => !fs.existsSync(path.join(PROJECT_DIR, p)));
            assert.deepStrictEqual(missing, [], `${page} names paths that do not exist`);
        });
    }

    it("the path finder sees links and paths, and not commands or placeholders", () => {
        const sample = [
            "See [lab](lab.md#bgp-mode), [site](https://example.com/x), [top](#top) and ![pic](chain.svg).",
            "Edit `lib/net.ts`, `stacks/`, `Pulumi.yaml`, `bench/results/failover.{json,md}`.",
            "Not paths: `npm run lab`, `stacks/<role>/`, `tests/**/*.test.ts`, `role=router`, `.lab/project`, `lib`.",
            "```bash",
            "npm run plan -- k8s-dev --diagram [x](missing.svg) `lib/missing.ts`",
            "```",
        ].join("\n");
        assert.deepStrictEqual(relativeLinks(sample), ["lab.md#bgp-mode", "#top", "chain.svg"]);
        assert.deepStrictEqual(
            [...headingAnchors("# Failover, static versus BGP+BFD\n## The `npm run plan` tier\n")],
            ["failover-static-versus-bgpbfd", "the-npm-run-plan-tier"],
        );
        assert.deepStrictEqual(repositoryPaths(sample, new Set(["lib", "stacks", "bench", "Pulumi.yaml", "tests"])), [
            "lib/net.ts",
            "stacks/",
            "Pulumi.yaml",
            "bench/results/failover.json",
            "bench/results/failover.md",
        ]);
    });
});
