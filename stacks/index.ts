// Role dispatch: one project, three stack roles. Only the chosen role's modules are loaded,
// so a service-chain run never pays for the OpenStack SDK.
import { ConfigError } from "../lib/errors";
import { ConfigReader, ConfigSource, pulumiConfigSource } from "../lib/config-reader";
import { ROLES, Role } from "../lib/contract";

export function readRole(r: ConfigReader): Role {
    const role = r.optionalString("role");
    if (role === undefined || !(ROLES as readonly string[]).includes(role)) {
        throw new ConfigError(
            r.name("role"),
            role ?? null,
            `is ${role === undefined ? "not set" : "not a known role"}; valid roles: ${ROLES.join(", ")}`,
        );
    }
    return role as Role;
}

/** Validates all config of the stack's role, then builds it and returns the contract outputs. */
export async function runRole(source: ConfigSource = pulumiConfigSource()): Promise<Record<string, unknown>> {
    const r = new ConfigReader(source);
    switch (readRole(r)) {
        case "k8s-cluster": {
            const { readK8sClusterConfig } = await import("./k8s-cluster/config");
            const { k8sCluster } = await import("./k8s-cluster");
            return k8sCluster(readK8sClusterConfig(r));
        }
        case "swarm-cluster": {
            const { readSwarmClusterConfig } = await import("./swarm-cluster/config");
            const { swarmCluster } = await import("./swarm-cluster");
            return swarmCluster(readSwarmClusterConfig(r));
        }
        case "service-chain": {
            const { readServiceChainConfig } = await import("./service-chain/config");
            const { serviceChain } = await import("./service-chain");
            return serviceChain(readServiceChainConfig(r));
        }
    }
}
