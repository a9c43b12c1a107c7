// `npm run cloud -- scale`: the default stacks and the scale variant (about 70 servers) brought up
// one after the other in the same run on the all-in-one, each destroyed after, with the times side
// by side. SSH-bound resources are left out as everywhere else on the fake driver.
import * as path from "path";
import { cloudPaths } from "./layout";
import { engineEnv, prepareEngineProject } from "./engine-stacks";
import { describeRun, destroyCloudStack, upCloudStack } from "./stack-runs";
import { CLOUD_STACKS, ensureKeyPair, planVariant, Variant } from "./variants";
import { Log, fmtSeconds } from "./steps";

export interface VariantTiming {
    variant: Variant;
    servers: number;
    upMs: number;
    destroyMs: number;
}

/** The comparison line: how much longer the scale variant took per server and in all. */
export function scaleReport(base: VariantTiming, scale: VariantTiming): string {
    const perServer = (t: VariantTiming) => t.upMs / Math.max(1, t.servers);
    return [
        `${"variant".padEnd(10)}${"servers".padStart(9)}${"up".padStart(10)}${"destroy".padStart(10)}${"up/server".padStart(11)}`,
        ...[base, scale].map(
            (t) =>
                `${t.variant.padEnd(10)}${String(t.servers).padStart(9)}${fmtSeconds(t.upMs).padStart(10)}${fmtSeconds(t.destroyMs).padStart(10)}${fmtSeconds(perServer(t)).padStart(11)}`,
        ),
        `scale/default: ${(scale.upMs / base.upMs).toFixed(2)}x the up time for ${(scale.servers / Math.max(1, base.servers)).toFixed(1)}x the servers`,
    ].join("\n");
}

export async function runScale(log: Log): Promise<{ base: VariantTiming; scale: VariantTiming }> {
    const p = cloudPaths();
    const keys = await ensureKeyPair(path.join(p.state, "ssh"));
    prepareEngineProject(p);
    Object.assign(process.env, { PATH: engineEnv(p).PATH });
    const timing = async (variant: Variant): Promise<VariantTiming> => {
        const plans = await planVariant(variant, keys);
        let upMs = 0;
        let servers = 0;
        for (const [i, stack] of CLOUD_STACKS.entries()) {
            const r = await upCloudStack(p, stack, variant, keys, plans[i]);
            log(describeRun(r));
            upMs += r.ms;
            servers += r.stateUrns.filter((u) => u.includes("openstack:compute/instance:Instance")).length;
        }
        let destroyMs = 0;
        for (const stack of [...CLOUD_STACKS].reverse()) destroyMs += await destroyCloudStack(p, stack);
        log(`${variant}: ${servers} servers up in ${fmtSeconds(upMs)}, destroyed in ${fmtSeconds(destroyMs)}`);
        return { variant, servers, upMs, destroyMs };
    };
    const base = await timing("default");
    const scale = await timing("scale");
    return { base, scale };
}
