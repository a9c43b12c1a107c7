// The README's config reference, generated from the declarations in Pulumi.yaml so the two
// cannot drift (tests/readme.test.ts checks README holds this exact table).
import { readProjectFile } from "./stack-files";

/** Splits "…meaning. Default X." into meaning and default. */
export function splitDefault(description: string): { meaning: string; fallback: string } {
    const m = /^(.*?)\s*Default (.+?)\.\s*$/.exec(description);
    return m ? { meaning: m[1], fallback: m[2] } : { meaning: description, fallback: "" };
}

export function configTable(): string {
    const rows = Object.entries(readProjectFile().config).map(([key, decl]) => {
        const { meaning, fallback } = splitDefault(decl.description ?? "");
        const type = decl.type === "array" ? "list of strings" : decl.type + (decl.secret ? " (secret)" : "");
        return `| \`${key}\` | ${type} | ${fallback ? `\`${fallback}\`` : "—"} | ${meaning.replace(/\|/g, "\\|")} |`;
    });
    return ["| key (`hybrid-vnf:`…) | type | default | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

if (require.main === module) process.stdout.write(configTable() + "\n");
