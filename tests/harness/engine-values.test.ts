// The engine's value markers (harness/engine-values.ts): pinned to the SDK, and the one walk.
import * as assert from "assert";
import { RESOURCE_SIG, SECRET_SIG, SIG_KEY, replaceMarked, secretMarked } from "../../harness/engine-values";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc");

describe("engine value markers", () => {
    it("are the SDK's specialSigKey, specialSecretSig and specialResourceSig", () => {
        assert.deepStrictEqual(
            [SIG_KEY, SECRET_SIG, RESOURCE_SIG],
            [rpc.specialSigKey, rpc.specialSecretSig, rpc.specialResourceSig],
        );
    });

    it("replaceMarked swaps marked objects at any depth, keeps other signatures and plain values", () => {
        const other = { [SIG_KEY]: "not-a-known-sig", value: { [SIG_KEY]: SECRET_SIG, value: 1 } };
        const input = { a: [secretMarked("pw"), 3], b: { [SIG_KEY]: RESOURCE_SIG, urn: "urn:x" }, c: other, d: null };
        const out = replaceMarked(input, { [SECRET_SIG]: (m) => `<${m.value}>`, [RESOURCE_SIG]: (m) => m.urn });
        assert.deepStrictEqual(out, {
            a: ["<pw>", 3],
            b: "urn:x",
            c: { [SIG_KEY]: "not-a-known-sig", value: "<1>" },
            d: null,
        });
        assert.deepStrictEqual(input.a[0], secretMarked("pw"), "the input is not changed");
    });
});
