// The lab's long commands (engine and image builds) stream their output as progress.
import * as assert from "assert";
import { runStreaming } from "../../lab/sh";

describe("runStreaming (progress of the builds npm run lab starts)", () => {
    it("hands over every line of stdout and stderr as it comes", async () => {
        const lines: string[] = [];
        await runStreaming(["sh", "-c", "echo one; echo two >&2; printf three"], (l) => lines.push(l));
        assert.deepStrictEqual([...lines].sort(), ["one", "three", "two"]);
    });

    it("fails with the exit code and the last lines, and kills a command past its time limit", async () => {
        await assert.rejects(
            runStreaming(["sh", "-c", "echo building; echo broken >&2; exit 3"], () => undefined),
            /failed \(exit 3\):\n(building\nbroken|broken\nbuilding)/,
        );
        await assert.rejects(
            runStreaming(["sleep", "5"], () => undefined, { timeoutMs: 200 }),
            /killed \(SIGKILL, after 200 ms\)/,
        );
    });
});
