// What `npm run lab` builds when it is missing, so that after `npm ci` it alone brings the lab up:
// the engine toolchain (engine/build.sh, 20-30 min cold, into a cache outside the clone), the base
// image (images/bootstrap-base.sh) and the VNF images (images/build.sh). Each is a timed step of
// its own, its output streamed as progress; the images this run made are recorded for `down`.
import * as fs from "fs";
import * as path from "path";
import { ToolchainMissing, engineCache, toolPath } from "../engine/toolchain";
import { COMPONENTS } from "./kube/control-plane";
import { REPO, readState, writeState } from "./docker-engine";
import { run, runStreaming } from "./sh";
import { Log, Step } from "./steps";

export type { Step };

export const BASE_IMAGE = "debian:bookworm-slim";
/** Where engine/build.sh leaves the exports the lab and `npm run lab -- env` read. */
export const toolchainFile = (env: NodeJS.ProcessEnv = process.env) => path.join(engineCache(env), "toolchain.env");

/**
 * What the lab needs of the engine toolchain and does not find: its exports, and the control
 * plane's binaries (a build of some parts only, ENGINE_ONLY, writes the exports without them).
 */
export function toolchainGaps(env: NodeJS.ProcessEnv = process.env): string[] {
    const gaps = fs.existsSync(toolchainFile(env)) ? [] : ["toolchain.env"];
    for (const tool of COMPONENTS) {
        try {
            toolPath(tool, env);
        } catch {
            gaps.push(tool);
        }
    }
    return gaps;
}

export async function imageExists(ref: string): Promise<boolean> {
    return (await run(["docker", "image", "inspect", ref], { allowFail: true })).code === 0;
}

/** The VNF images' tags (images/VERSION), by name. */
export function vnfImageTags(): Record<"router" | "nginx-lb" | "apache", string> {
    const version = fs.readFileSync(path.join(REPO, "images", "VERSION"), "utf8").trim();
    return {
        router: `hybrid-vnf/router:${version}`,
        "nginx-lb": `hybrid-vnf/nginx-lb:${version}`,
        apache: `hybrid-vnf/apache:${version}`,
    };
}

export interface ProvisionFacts {
    /** The engine toolchain is complete (toolchainGaps finds nothing). */
    toolchain: boolean;
    /** The base image is present. */
    baseImage: boolean;
    /** VNF image tags not present. */
    missingImages: string[];
    /** Build what is missing (the CLI); otherwise (the tests) say what is missing. */
    install: boolean;
    /** Run images/build.sh even when every image is present (its layer cache makes that quick). */
    rebuild: boolean;
}

export type ProvisionStep = "engine" | "base image" | "images";

/** What to build before the lab comes up, or exactly what is missing. Pure, so every branch is tested. */
export function provisionPlan(f: ProvisionFacts): { steps: ProvisionStep[] } | { missing: string } {
    if (!f.toolchain && !f.install) {
        return { missing: new ToolchainMissing(`no complete toolchain in ${engineCache()}`).message };
    }
    const steps: ProvisionStep[] = [];
    if (!f.toolchain) steps.push("engine");
    if (!f.baseImage) steps.push("base image");
    if (f.rebuild || !f.baseImage || f.missingImages.length > 0) steps.push("images");
    return { steps };
}

/** The facts provisionPlan decides on, from this machine. */
export async function provisionFacts(o: { install: boolean; rebuild: boolean }): Promise<ProvisionFacts> {
    const missingImages: string[] = [];
    for (const tag of Object.values(vnfImageTags())) if (!(await imageExists(tag))) missingImages.push(tag);
    return {
        toolchain: toolchainGaps().length === 0,
        baseImage: await imageExists(BASE_IMAGE),
        missingImages,
        install: o.install,
        rebuild: o.rebuild,
    };
}

/** Builds what the plan lists, each as a step, streaming its output; records the image tags it made. */
export async function provision(facts: ProvisionFacts, step: Step, log: Log): Promise<void> {
    const plan = provisionPlan(facts);
    if ("missing" in plan) throw new Error(plan.missing);
    const progress = (prefix: string) => (line: string) => line.trim() && log(`  ${prefix}${line}`);
    if (plan.steps.includes("engine")) {
        const gaps = toolchainGaps().join(", ");
        await step(`engine toolchain: npm run engine (missing: ${gaps}; 20-30 min on a cold cache)`, () =>
            runStreaming(["bash", path.join(REPO, "engine", "build.sh")], progress("engine: "), {
                cwd: REPO,
                timeoutMs: 90 * 60_000,
            }),
        );
    }
    const before = [...(facts.baseImage ? [] : [BASE_IMAGE]), ...facts.missingImages];
    if (plan.steps.includes("base image")) {
        await step(`base image ${BASE_IMAGE} (images/bootstrap-base.sh)`, () =>
            runStreaming(["sh", path.join(REPO, "images", "bootstrap-base.sh")], progress(""), {
                timeoutMs: 1_200_000,
            }),
        );
    }
    if (plan.steps.includes("images")) {
        const why = facts.missingImages.length ? `missing: ${facts.missingImages.join(", ")}` : "rebuild, layer cache";
        await step(`VNF images (images/build.sh; ${why})`, () =>
            runStreaming(["sh", path.join(REPO, "images", "build.sh")], progress(""), { timeoutMs: 1_200_000 }),
        );
    }
    // Tags this run made, so `down` removes exactly those (derived images first when undone).
    const made: string[] = [];
    for (const tag of before) if (await imageExists(tag)) made.push(tag);
    if (made.length) {
        const state = readState();
        writeState({ ...state, imagesByLab: [...new Set([...(state.imagesByLab ?? []), ...made])] });
    }
}
