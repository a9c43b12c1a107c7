// The whole-number range rule, shared by the config readers and the components' typed inputs.

/** Why `v` is not a whole number in min-max, or undefined. */
export function wholeNumberProblem(v: unknown, min: number, max: number): string | undefined {
    if (typeof v !== "number" || !Number.isInteger(v)) return "is not a whole number";
    if (v < min || v > max) return `is out of range ${min}-${max}`;
    return undefined;
}

/** `v` if it is a whole number in min-max, else the error `fail` makes of the reason. */
export function checkInt(v: unknown, min: number, max: number, fail: (reason: string) => Error): number {
    const problem = wholeNumberProblem(v, min, max);
    if (problem) throw fail(problem);
    return v as number;
}

/** The median of a non-empty list (the mean of the middle two for an even length). */
export function median(xs: readonly number[]): number {
    if (xs.length === 0) throw new Error("median of an empty list");
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
