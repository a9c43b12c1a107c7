// The environment variables the project's own tools read, written once, all under one prefix
// (HYBRID_VNF_). Names from before the prefix was one (HVNF_) are still read, after the new name.
// engine/build.sh is bash and reads HYBRID_VNF_ENGINE_CACHE itself; tests/lib/env-vars.test.ts
// holds it to this name.

export const ENV_PREFIX = "HYBRID_VNF_";

export const ENV_VARS = {
    /** Where `npm run engine` builds and keeps the engine toolchain (engine/build.sh, engine/toolchain.ts). */
    engineCache: "HYBRID_VNF_ENGINE_CACHE",
    /** Where `npm run plan` keeps transpiled files (harness/transpile-cache.ts). */
    transpileCache: "HYBRID_VNF_TRANSPILE_CACHE",
    /** The lab's machine-wide lock directory (lab/lock.ts). */
    labLock: "HYBRID_VNF_LAB_LOCK",
    /** The folder the Docker provider's SSH key file is written to (stacks/service-chain/docker-provider.ts). */
    sshDir: "HYBRID_VNF_SSH_DIR",
} as const;

export type EnvVar = keyof typeof ENV_VARS;

/** The names used before, still accepted. */
export const OLD_ENV_VARS: Readonly<Partial<Record<EnvVar, string>>> = {
    transpileCache: "HVNF_TRANSPILE_CACHE",
    labLock: "HVNF_LAB_LOCK",
};

/** The variable's value, under its name or else its old one; an empty value counts as unset (as in build.sh's `${VAR:-…}`). */
export function envValue(
    v: EnvVar,
    env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
    for (const name of [ENV_VARS[v], OLD_ENV_VARS[v]]) {
        const value = name === undefined ? undefined : env[name];
        if (value) return value;
    }
    return undefined;
}
