// What `npm run lab` builds before it comes up (lab/provision.ts): decided from facts, so every
// branch is tested without building anything.
import * as assert from "assert";
import { ProvisionFacts, provisionPlan } from "../../lab/provision";

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
        assert.match(plan.missing, /toolchain\.env; build the engine toolchain first: npm run engine/);
    });
});
