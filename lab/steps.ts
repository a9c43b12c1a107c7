// The lab's progress: every step it takes is logged when it starts and ends, with its time, and
// kept for the report.
export type Log = (s: string) => void;
export type Step = <T>(name: string, f: () => Promise<T>) => Promise<T>;

export interface TimedStep {
    name: string;
    ms: number;
}

export const stderrLog: Log = (s) => process.stderr.write(`lab: ${s}\n`);

/** A Step that logs `… name` and `✓ name (1.2 s)` and appends the step's time to `steps`. */
export function stepper(steps: TimedStep[], log: Log): Step {
    return async <T>(name: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        log(`… ${name}`);
        const v = await f();
        steps.push({ name, ms: Date.now() - t0 });
        log(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        return v;
    };
}
