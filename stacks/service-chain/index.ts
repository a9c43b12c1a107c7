// Placeholder until the service-chain program lands.
import { ServiceChainOutputs, StackOutputs } from "../../lib/contract";
import { ServiceChainConfig } from "./config";

export function serviceChain(cfg: ServiceChainConfig): StackOutputs<ServiceChainOutputs> {
    throw new Error(`service-chain is not built yet (${cfg.k8sStack})`);
}
