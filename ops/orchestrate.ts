// The ordered run over an environment's stacks, behind a small interface so the ordering,
// stop-on-first-failure and reverse destroy are tested with a fake runner; the real runner
// (ops/automation.ts) drives the Pulumi Automation API.
import { deployOrder, destroyOrder } from "../lib/stacks";

export type Operation = "up" | "preview" | "destroy" | "preview-destroy";

export interface Progress {
    stack: string;
    operation: Operation;
    /** Resources whose step has finished. */
    done: number;
    /** Resources announced so far (or the stack's known resource count, if larger). */
    total: number;
    elapsedMs: number;
    /** The resource most recently started, as "type name". */
    current?: string;
}

export type OnProgress = (p: Progress) => void;

export interface StackOutcome {
    stack: string;
    operation: Operation;
    /** Counts of resource changes by kind (create, update, delete, same...), when the engine reports them. */
    changes?: Record<string, number>;
    elapsedMs: number;
}

/** Raised by a runner when a stack operation fails: which stack, which resource, what happened. */
export class StackRunError extends Error {
    constructor(
        readonly stack: string,
        readonly operation: Operation,
        readonly resource: string | undefined,
        readonly detail: string,
    ) {
        super(`${operation} of stack ${stack} failed${resource ? ` at ${resource}` : ""}: ${detail}`);
        this.name = "StackRunError";
    }
}

export interface StackRunner {
    up(stack: string, onProgress: OnProgress): Promise<StackOutcome>;
    preview(stack: string, onProgress: OnProgress): Promise<StackOutcome>;
    destroy(stack: string, onProgress: OnProgress, opts?: { previewOnly?: boolean }): Promise<StackOutcome>;
}

export type Command = "deploy" | "destroy";

export interface RunReport {
    command: Command;
    preview: boolean;
    /** Stacks in the order they were (to be) run. */
    stacks: string[];
    completed: StackOutcome[];
    /** The failure that stopped the run; the stacks after it were not touched. */
    failure?: StackRunError;
    skipped: string[];
}

/** The stacks a command touches, in order, and what it does to each. */
export function planRun(command: Command, env: string, preview: boolean): { stacks: string[]; operation: Operation } {
    if (command === "deploy") return { stacks: deployOrder(env), operation: preview ? "preview" : "up" };
    return { stacks: destroyOrder(env), operation: preview ? "preview-destroy" : "destroy" };
}

function runOne(
    runner: StackRunner,
    operation: Operation,
    stack: string,
    onProgress: OnProgress,
): Promise<StackOutcome> {
    switch (operation) {
        case "up":
            return runner.up(stack, onProgress);
        case "preview":
            return runner.preview(stack, onProgress);
        case "destroy":
            return runner.destroy(stack, onProgress);
        case "preview-destroy":
            return runner.destroy(stack, onProgress, { previewOnly: true });
    }
}

/**
 * Runs the command over the environment's stacks in order and stops at the first failure.
 * Never throws for a stack failure: the report carries it (with the stacks left untouched),
 * so the caller can print it and exit non-zero.
 */
export async function runStacks(
    command: Command,
    env: string,
    runner: StackRunner,
    opts: {
        preview?: boolean;
        onProgress?: OnProgress;
        onStackStart?: (stack: string, operation: Operation) => void;
        onStackDone?: (o: StackOutcome) => void;
    } = {},
): Promise<RunReport> {
    const preview = opts.preview ?? false;
    const { stacks, operation } = planRun(command, env, preview);
    const report: RunReport = { command, preview, stacks, completed: [], skipped: [] };
    for (let i = 0; i < stacks.length; i++) {
        const stack = stacks[i];
        opts.onStackStart?.(stack, operation);
        try {
            const outcome = await runOne(runner, operation, stack, opts.onProgress ?? (() => {}));
            report.completed.push(outcome);
            opts.onStackDone?.(outcome);
        } catch (e) {
            report.failure =
                e instanceof StackRunError
                    ? e
                    : new StackRunError(stack, operation, undefined, e instanceof Error ? e.message : String(e));
            report.skipped = stacks.slice(i + 1);
            break;
        }
    }
    return report;
}
