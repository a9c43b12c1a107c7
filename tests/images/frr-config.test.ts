// The router's frr.conf pair: images/router/frr-config.sh (what the image runs) and its twin
// tests/reference/frr-config.ts. The whole file is compared through start.sh --render-only in
// start-scripts.test.ts; here the BFD block, the one piece the hosts' configs share
// (lib/frr-host.ts bfdProfileLines), is held to its vectors on both sides.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { bfdProfileLines } from "../../lib/frr-host";
import { IMAGES, ROOT, SHELLS, run } from "./start-script-cases";

type BfdVector = { name: string; profile: string; intervalMs: number; multiplier: number; lines: string[] };
const { bfdProfile }: { bfdProfile: BfdVector[] } = JSON.parse(
    fs.readFileSync(path.join(ROOT, "tests", "vectors", "vnf-env.json"), "utf8"),
);
const FRR_CONFIG_SH = path.join(IMAGES, "router", "frr-config.sh");

describe("images/router/frr-config.sh and its twin", () => {
    it("has BFD vectors at the timers' bounds", () => {
        assert.ok(bfdProfile.length >= 3);
        assert.ok(bfdProfile.some((v) => v.intervalMs === 10) && bfdProfile.some((v) => v.intervalMs === 60000));
    });

    for (const v of bfdProfile) {
        it(`BFD block, ${v.name}: lib/frr-host.ts bfdProfileLines`, () => {
            const timers = { intervalMs: v.intervalMs, multiplier: v.multiplier };
            assert.deepStrictEqual(bfdProfileLines(v.profile, timers), v.lines);
        });
        for (const shell of SHELLS) {
            it(`BFD block, ${v.name}: frr_bfd_profile under ${shell}`, () => {
                const script = `. "$1"; frr_bfd_profile "$2" "$3" "$4"`;
                const args = [
                    "-c",
                    script,
                    shell,
                    FRR_CONFIG_SH,
                    v.profile,
                    String(v.intervalMs),
                    String(v.multiplier),
                ];
                const r = run(shell, args);
                assert.strictEqual(r.status, 0, r.stderr);
                assert.deepStrictEqual(r.stdout.split("\n"), [...v.lines, ""]);
            });
        }
    }

    it("the shell file and the twin name each other, and QuaggaRouter's header names both", () => {
        const twin = fs.readFileSync(path.join(ROOT, "tests", "reference", "frr-config.ts"), "utf8");
        const router = fs.readFileSync(path.join(ROOT, "components", "quagga-router.ts"), "utf8");
        const names = (text: string, what: string, file: string) =>
            assert.ok(text.includes(file), `${what} does not name ${file}`);
        names(fs.readFileSync(FRR_CONFIG_SH, "utf8"), "frr-config.sh", "tests/reference/frr-config.ts");
        names(twin, "the twin", "images/router/frr-config.sh");
        const header = router.slice(0, router.indexOf("import "));
        names(header, "QuaggaRouter's header", "images/router/frr-config.sh");
        names(header, "QuaggaRouter's header", "tests/reference/frr-config.ts");
    });
});
