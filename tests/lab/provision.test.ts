// What `npm run lab` builds before it comes up (lab/provision.ts): decided from facts, so every
// branch is tested without building anything.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProvisionFacts, provisionPlan, toolchainGaps } from "../../lab/provision";

describe("lab provisioning (what npm run lab builds when it is missing)", () => {
    const ready: ProvisionFacts = {
        toolchain: true,
        baseImage: true,
        missingImages: [],
        install: true,
        rebuild: false,
    };

    it("builds nothing when everything is there and no rebuild is asked (--no-build)", () => {
        assert.deepStrictEqual(provisionPlan(ready), { steps: [] });
    });

    it("builds the engine toolchain when its toolchain.env is missing, before anything else", () => {
        assert.deepStrictEqual(provisionPlan({ ...ready, toolchain: false }), { steps: ["engine"] });
        const cold = { toolchain: false, baseImage: false, missingImages: ["hybrid-vnf/router:0.1.0"] };
        assert.deepStrictEqual(provisionPlan({ ...ready, ...cold }), { steps: ["engine", "base image", "images"] });
    });

    it("bootstraps the base image and builds the VNF images when missing, even with --no-build", () => {
        assert.deepStrictEqual(provisionPlan({ ...ready, baseImage: false }), { steps: ["base image", "images"] });
        const missing = { missingImages: ["hybrid-vnf/apache:0.1.0"] };
        assert.deepStrictEqual(provisionPlan({ ...ready, ...missing }), { steps: ["images"] });
        assert.deepStrictEqual(provisionPlan({ ...ready, rebuild: true }), { steps: ["images"] });
    });

    it("says what is missing instead of building the engine when not asked to install (the tests)", () => {
        const plan = provisionPlan({ ...ready, toolchain: false, install: false });
        assert.ok("missing" in plan, JSON.stringify(plan));
        assert.match(plan.missing, /no complete toolchain in .*; build the engine toolchain first: npm run engine/);
    });

    it("counts a toolchain without the control plane's binaries as missing (a partial engine build)", () => {
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "hvnf-engine-"));
        try {
            const env = { HYBRID_VNF_ENGINE_CACHE: cache, HVNF_ENGINE_CACHE: cache };
            const tools = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"];
            assert.deepStrictEqual(toolchainGaps(env), ["toolchain.env", ...tools]);
            fs.writeFileSync(path.join(cache, "toolchain.env"), "export PULUMI_HOME=/x\n");
            fs.mkdirSync(path.join(cache, "bin"));
            for (const t of tools.slice(0, 2)) fs.writeFileSync(path.join(cache, "bin", t), "");
            assert.deepStrictEqual(toolchainGaps(env), tools.slice(2));
            for (const t of tools.slice(2)) fs.writeFileSync(path.join(cache, "bin", t), "");
            assert.deepStrictEqual(toolchainGaps(env), []);
        } finally {
            fs.rmSync(cache, { recursive: true, force: true });
        }
    });
});
