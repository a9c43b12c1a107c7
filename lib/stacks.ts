// The stack roles, their stack names per environment, and the order they are deployed and
// destroyed in. k8s-cluster first (it exports the networks and routerHost), swarm-cluster second
// (it reads them), service-chain last (it reads both). Destroy runs the same list backwards, so
// no stack is removed while another still references its outputs.

/** The stack roles, in deploy order. */
export const ROLES = ["k8s-cluster", "swarm-cluster", "service-chain"] as const;
export type Role = (typeof ROLES)[number];

/** The stack name prefix of each role: a role's stack in environment `dev` is `<prefix>-dev`. */
export const STACK_PREFIX: { readonly [R in Role]: string } = {
    "k8s-cluster": "k8s",
    "swarm-cluster": "swarm",
    "service-chain": "chain",
};

/** Stack name prefixes, in deploy order (k8s, swarm, chain). */
export const STACK_PREFIXES: readonly string[] = ROLES.map((r) => STACK_PREFIX[r]);

/** The environment the lab deploys (k8s-local, swarm-local, chain-local). */
export const LAB_ENV = "local";
/** The environment of the example stack files for OpenStack (k8s-dev, swarm-dev, chain-dev). */
export const DEV_ENV = "dev";

const ENV_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

export function validateEnv(env: string): string {
    if (!ENV_NAME.test(env)) {
        throw new Error(
            `environment ${JSON.stringify(env)} is not a name like dev, staging or local (lower-case letters, digits, dashes)`,
        );
    }
    return env;
}

/** The stack name of `role` in `env`: stackName("service-chain", "local") is "chain-local". */
export function stackName(role: Role, env: string): string {
    return `${STACK_PREFIX[role]}-${validateEnv(env)}`;
}

/** An environment's stack names by role. */
export function stacksOf(env: string): { readonly [R in Role]: string } {
    return {
        "k8s-cluster": stackName("k8s-cluster", env),
        "swarm-cluster": stackName("swarm-cluster", env),
        "service-chain": stackName("service-chain", env),
    };
}

/** The role of a stack name such as chain-dev, or undefined when no role's prefix matches. */
export function roleOfStack(stack: string): Role | undefined {
    return ROLES.find((r) => stack.startsWith(`${STACK_PREFIX[r]}-`));
}

/** k8s-<env>, swarm-<env>, chain-<env>: the deploy order. */
export function deployOrder(env: string): string[] {
    return ROLES.map((r) => stackName(r, env));
}

/** chain-<env>, swarm-<env>, k8s-<env>: the destroy order. */
export function destroyOrder(env: string): string[] {
    return deployOrder(env).reverse();
}

/**
 * The stacks a stack needs planned before it, itself last, in deploy order:
 * chain-dev -> [k8s-dev, swarm-dev, chain-dev]. Undefined for a name with no role prefix.
 */
export function stackWithDependencies(stack: string): string[] | undefined {
    const role = roleOfStack(stack);
    if (!role) return undefined;
    const env = stack.slice(STACK_PREFIX[role].length + 1);
    if (!ENV_NAME.test(env)) return undefined;
    return deployOrder(env).slice(0, ROLES.indexOf(role) + 1);
}
