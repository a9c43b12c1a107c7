// Which stacks an environment has, and in which order they are deployed and destroyed.
// k8s-cluster first (it exports the networks and routerHost), swarm-cluster second (it reads
// them), service-chain last (it reads both). Destroy runs the same list backwards, so no stack
// is removed while another still references its outputs.

/** Stack name prefixes, in deploy order (k8s-cluster, swarm-cluster, service-chain). */
export const STACK_PREFIXES = ["k8s", "swarm", "chain"] as const;

const ENV_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

export function validateEnv(env: string): string {
    if (!ENV_NAME.test(env)) {
        throw new Error(`environment ${JSON.stringify(env)} is not a name like dev, staging or local (lower-case letters, digits, dashes)`);
    }
    return env;
}

/** k8s-<env>, swarm-<env>, chain-<env>: the deploy order. */
export function deployOrder(env: string): string[] {
    validateEnv(env);
    return STACK_PREFIXES.map((p) => `${p}-${env}`);
}

/** chain-<env>, swarm-<env>, k8s-<env>: the destroy order. */
export function destroyOrder(env: string): string[] {
    return deployOrder(env).reverse();
}
