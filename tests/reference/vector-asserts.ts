// Assertions the vector tests share (tests/lib/vnf-config.test.ts, tests/images/): a module
// of its own, since importing one test file from another would register its tests twice.
import * as assert from "assert";

/** `want` appears in `lines` as a subsequence (in order, not necessarily adjacent). */
export function assertInOrder(lines: string[], want: string[], what: string): void {
    let at = 0;
    for (const w of want) {
        const i = lines.indexOf(w, at);
        assert.ok(i >= 0, `${what}: line ${JSON.stringify(w)} missing (or out of order) in:\n${lines.join("\n")}`);
        at = i + 1;
    }
}
