// The config reference, generated from the declarations in Pulumi.yaml and
// stacks/config-keys.yaml (readProjectFile's union) so the two cannot drift. It lives in
// README.md between the config-table markers (`npm run docs:config` rewrites it there;
// tests/readme.test.ts checks README holds this exact table).
import * as fs from "fs";
import { readProjectFile } from "./stack-files";

/** Splits "…meaning. Default X." into meaning and default. */
export function splitDefault(description: string): { meaning: string; fallback: string } {
    const m = /^(.*?)\s*Default (.+?)\.\s*$/.exec(description);
    return m ? { meaning: m[1], fallback: m[2] } : { meaning: description, fallback: "" };
}

export function configTable(): string {
    const rows = Object.entries(readProjectFile().config).map(([key, decl]) => {
        const split = splitDefault(decl.description ?? "");
        const meaning = split.meaning;
        // A declared default is the truth; the description's "Default X." serves keys Pulumi does not read.
        const fallback =
            decl.default !== undefined
                ? typeof decl.default === "string"
                    ? decl.default
                    : JSON.stringify(decl.default)
                : split.fallback;
        const type = decl.type === "array" ? "list of strings" : decl.type + (decl.secret ? " (secret)" : "");
        return `| \`${key}\` | ${type} | ${fallback ? `\`${fallback}\`` : "—"} | ${meaning.replace(/\|/g, "\\|")} |`;
    });
    return ["| key (`hybrid-vnf:`…) | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** Replaces the table between the config-table markers of a Markdown page. */
export function withConfigTable(readme: string): string {
    return readme.replace(
        /<!-- config-table:start -->[\s\S]*<!-- config-table:end -->/,
        `<!-- config-table:start -->\n${configTable()}\n<!-- config-table:end -->`,
    );
}

if (require.main === module) {
    // --write FILE updates the table between FILE's markers in place; without it, print the table.
    const target = process.argv[2] === "--write" ? process.argv[3] : undefined;
    if (target) fs.writeFileSync(target, withConfigTable(fs.readFileSync(target, "utf8")));
    else process.stdout.write(configTable() + "\n");
}
