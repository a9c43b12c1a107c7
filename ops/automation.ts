// The real StackRunner: Pulumi Automation API on this project (LocalWorkspace, workDir = the
// project root, so Pulumi.yaml and stacks/Pulumi.<stack>.yaml are used as by the CLI).
// The backend is whatever the CLI would use: PULUMI_BACKEND_URL (file://, s3://, ...) or
// `pulumi login`; the variables below are passed to every CLI call explicitly.
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { OnProgress, Operation, StackOutcome, StackRunError, StackRunner } from "./orchestrate";
import { ProgressTracker } from "./progress";

/** Variables the CLI reads for the backend, secrets and clouds; passed through as-is. */
export const PASSED_ENV = /^(PULUMI_|OS_|DOCKER_|KUBECONFIG$|AWS_|AZURE_|GOOGLE_)/;

export function passedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined && PASSED_ENV.test(k)) out[k] = v;
    return out;
}

export interface AutomationRunnerOptions {
    workDir: string;
    env?: NodeJS.ProcessEnv;
    /** Policy packs to run with every preview/up (paths), e.g. ["policy"]. */
    policyPacks?: string[];
}

export class AutomationRunner implements StackRunner {
    private readonly envVars: Record<string, string>;

    constructor(private readonly opts: AutomationRunnerOptions) {
        this.envVars = passedEnv(opts.env ?? process.env);
    }

    private async open(stackName: string, create: boolean): Promise<Stack> {
        const args = { stackName, workDir: this.opts.workDir };
        const ws = { workDir: this.opts.workDir, envVars: this.envVars };
        return create ? LocalWorkspace.createOrSelectStack(args, ws) : LocalWorkspace.selectStack(args, ws);
    }

    /** Resources in the stack's state (0 for a new stack), for the progress total. */
    private async stateCount(stack: Stack): Promise<number> {
        try {
            const d = await stack.exportStack();
            return ((d.deployment?.resources ?? []) as { type: string }[]).filter(
                (r) => r.type !== "pulumi:pulumi:Stack",
            ).length;
        } catch {
            return 0;
        }
    }

    private async run(
        stackName: string,
        operation: Operation,
        onProgress: OnProgress,
        call: (stack: Stack, onEvent: (e: EngineEvent) => void) => Promise<unknown>,
    ): Promise<StackOutcome> {
        const tracker = new ProgressTracker(stackName, operation);
        let stack: Stack;
        try {
            stack = await this.open(stackName, operation === "up" || operation === "preview");
        } catch (e) {
            throw new StackRunError(stackName, operation, undefined, firstLine(e));
        }
        tracker.expect(await this.stateCount(stack));
        onProgress(tracker.progress());
        const timer = setInterval(() => onProgress(tracker.progress()), 1000);
        try {
            await call(stack, (event) => {
                if (tracker.handle(event)) onProgress(tracker.progress());
            });
        } catch (e) {
            const f = tracker.failure(e instanceof Error ? e.message : String(e));
            throw new StackRunError(stackName, operation, f.resource, f.message);
        } finally {
            clearInterval(timer);
        }
        onProgress(tracker.progress());
        return { stack: stackName, operation, changes: tracker.changes, elapsedMs: tracker.elapsedMs() };
    }

    up(stack: string, onProgress: OnProgress): Promise<StackOutcome> {
        return this.run(stack, "up", onProgress, (s, onEvent) =>
            s.up({ onEvent, policyPacks: this.opts.policyPacks, color: "never" }),
        );
    }

    preview(stack: string, onProgress: OnProgress): Promise<StackOutcome> {
        return this.run(stack, "preview", onProgress, (s, onEvent) =>
            s.preview({ onEvent, policyPacks: this.opts.policyPacks, color: "never" }),
        );
    }

    destroy(stack: string, onProgress: OnProgress, opts: { previewOnly?: boolean } = {}): Promise<StackOutcome> {
        const op: Operation = opts.previewOnly ? "preview-destroy" : "destroy";
        return this.run(stack, op, onProgress, (s, onEvent) =>
            s.destroy({ onEvent, previewOnly: opts.previewOnly, color: "never" }),
        );
    }
}

function firstLine(e: unknown): string {
    const text = e instanceof Error ? e.message : String(e);
    return (
        text
            .split("\n")
            .find((l) => /error|not found|no stack/i.test(l))
            ?.trim() ?? text.split("\n")[0]
    );
}
