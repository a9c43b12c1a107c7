// lab/'s shape, held: folders by part each with a README, lines within 120 columns, and no import
// circle among its modules (topology/ once had one).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const LAB = path.resolve(__dirname, "..", "..", "lab");

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") ? [p] : [];
    });
}

/** Relative value imports of a module (type-only imports make no circle at run time). */
function imports(file: string): string[] {
    const src = fs.readFileSync(file, "utf8");
    const found: string[] = [];
    for (const m of src.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/gms)) {
        const target = path.resolve(path.dirname(file), m[2]) + ".ts";
        if (!m[1] && fs.existsSync(target)) found.push(target);
    }
    return found;
}

/** Every import circle, as the chain of files that closes it. */
function importCircles(files: string[]): string[][] {
    const circles: string[][] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, stack: string[]) => {
        state.set(file, "open");
        for (const next of imports(file)) {
            if (state.get(next) === "open") circles.push([...stack.slice(stack.indexOf(next)), file, next]);
            else if (!state.has(next)) visit(next, [...stack, file]);
        }
        state.set(file, "done");
    };
    for (const f of files) if (!state.has(f)) visit(f, []);
    return circles;
}

describe("lab/ layout", () => {
    const files = tsFiles(LAB);

    it("has a README in lab/ and in each of its folders", () => {
        const dirs = [LAB, ...new Set(files.map((f) => path.dirname(f)))];
        for (const d of dirs) assert.ok(fs.existsSync(path.join(d, "README.md")), `${path.relative(LAB, d)}/README.md`);
    });

    it("keeps every line within 120 columns", () => {
        const long = files.flatMap((f) =>
            fs
                .readFileSync(f, "utf8")
                .split("\n")
                .flatMap((line, i) => (line.length > 120 ? [`${path.relative(LAB, f)}:${i + 1}`] : [])),
        );
        assert.deepStrictEqual(long, []);
    });

    it("has no import circle", () => {
        const rel = (f: string) => path.relative(LAB, f);
        assert.deepStrictEqual(
            importCircles(files).map((c) => c.map(rel).join(" -> ")),
            [],
        );
    });
});
