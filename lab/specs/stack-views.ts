// The local stacks as the lab reads them: their plan (with real, revealed inputs) or the engine's
// state of them, and from either the router and LB specs and the lab's addressing.
import { planStacks, reveal, revealedInputs } from "../../harness/plan";
import { stateView } from "../../harness/plan-query";
import { readStackFile } from "../../harness/stack-files";
import { ConfigReader, PROJECT, mapConfigSource } from "../../lib/config-reader";
import { readServiceChainConfig } from "../../stacks/service-chain/config";
import { LOCAL_STACKS, exportLabStack, labToolEnv } from "../engine-stacks";
import { LabAddressing, checkLbFits, labAddressing } from "../topology/addressing";
import { LabRouting, bgpStackConfig, labRouterHosts } from "../topology/router-nodes";
import {
    LAB_STACKS,
    LbSpec,
    PlanView,
    RouterSpec,
    chainBackends,
    chainRoutes,
    extractLbSpec,
    extractRouterSpec,
} from "./workload-specs";

/** The plan's config overrides for a routing mode (none for static: it plans exactly as before). */
export function labStackOverrides(routing: LabRouting): Record<string, Record<string, unknown>> {
    if (routing === "static") return {};
    const k8s = LAB_STACKS["k8s-cluster"];
    const config = readStackFile(k8s).config;
    const clusterCidr = String(config["hybrid-vnf:clusterCidr"]);
    return { [k8s]: bgpStackConfig(labRouterHosts(clusterCidr, String(config["hybrid-vnf:routerHost"]))) };
}

/** The local stacks' plan, with real (revealed) inputs, as the pure spec module takes it. */
export async function planViews(routing: LabRouting = "static"): Promise<PlanView[]> {
    const plans = await planStacks(LOCAL_STACKS, { overrides: labStackOverrides(routing) });
    return plans.map((p) => ({
        stack: p.stack,
        outputs: reveal(p).outputs,
        resources: p.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            parent: r.parent,
            inputs: revealedInputs(p, r),
        })),
    }));
}

/** The deployed local stacks, from the engine's state (`pulumi stack export --show-secrets`). */
export async function stateViews(): Promise<PlanView[]> {
    const views: PlanView[] = [];
    for (const stack of LOCAL_STACKS)
        views.push(stateView(stack, (await exportLabStack(labToolEnv(), stack)).deployment));
    return views;
}

/** The router's interfaces, as the chain stack's config reader reads them from its stack file (typed). */
export function chainRouterInterfaces(): string[] {
    const prefix = `${PROJECT}:`;
    const file = readStackFile(LAB_STACKS["service-chain"]).config;
    const values = Object.fromEntries(
        Object.entries(file)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    return readServiceChainConfig(new ConfigReader(mapConfigSource(values))).routerInterfaces;
}

export interface LabSpecs {
    addressing: LabAddressing;
    router: RouterSpec;
    lb: LbSpec;
}

/** The router and LB specs and the lab's addressing, from the stacks' plan or state. */
export function specsFrom(views: PlanView[], routerInterfaces: string[] = chainRouterInterfaces()): LabSpecs {
    const router = extractRouterSpec(views, { interfaces: routerInterfaces, routes: chainRoutes(views) });
    const lb = extractLbSpec(views, chainBackends(views));
    const addressing = labAddressing(views, router);
    checkLbFits(lb, addressing);
    return { addressing, router, lb };
}
