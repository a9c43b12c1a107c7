// How the engine marks special values inside resource inputs, outputs and state: an object whose
// signature key holds a secret's or a resource reference's signature (the SDK's runtime/rpc
// specialSigKey, specialSecretSig, specialResourceSig; tests/harness/engine-values.test.ts pins
// them to the SDK). One walk replaces the marked objects, so the plan and the state readers agree.

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** A marked object: the signature, then `value` (plan form) or `plaintext`/`ciphertext` (state form), or `urn`. */
export type Marked = Record<string, any>;

/** `value` in the engine's plan form of a secret. */
export function secretMarked(value: unknown): Marked {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * `value` with every object marked by a signature in `replace` swapped for what its function
 * returns; other objects and arrays are walked, anything else is kept as it is.
 */
export function replaceMarked(value: unknown, replace: Partial<Record<string, (marked: Marked) => unknown>>): any {
    if (Array.isArray(value)) return value.map((v) => replaceMarked(v, replace));
    if (value && typeof value === "object") {
        const sig = (value as Marked)[SIG_KEY];
        const fn = typeof sig === "string" ? replace[sig] : undefined;
        if (fn) return fn(value as Marked);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceMarked(v, replace)]));
    }
    return value;
}
