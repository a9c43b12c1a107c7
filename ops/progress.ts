// Turns Pulumi engine events into progress (resources done / total, elapsed time) and, when
// an operation fails, into the failing resource and the engine's own error message.
// Pure: fed EngineEvents by the Automation API's onEvent, tested with recorded-shape events.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { Operation, Progress } from "./orchestrate";

/** "type name" of a URN: urn:pulumi:<stack>::<project>::<parent$...$type>::<name>. */
export function describeUrn(urn: string): string {
    const parts = urn.split("::");
    if (parts.length < 4) return urn;
    const type = parts[2].split("$").pop() ?? parts[2];
    return `${type} ${parts.slice(3).join("::")}`;
}

export interface Failure {
    /** "type name" of the failing resource, when the engine named one. */
    resource?: string;
    message: string;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** Strips ANSI colour codes and the engine's trailing newlines from a diagnostic. */
function clean(message: string): string {
    return (
        message
            // eslint-disable-next-line no-control-regex
            .replace(/\u001b\[[0-9;]*m/g, "")
            .replace(/<\{%[^%]*%\}>/g, "")
            .trim()
    );
}

export class ProgressTracker {
    private readonly started: number;
    private readonly seen = new Set<string>();
    private readonly done = new Set<string>();
    private readonly failedUrns: string[] = [];
    private readonly errors: { urn?: string; message: string }[] = [];
    private current?: string;
    private expected = 0;
    changes?: Record<string, number>;

    constructor(
        readonly stack: string,
        readonly operation: Operation,
        private readonly now: () => number = Date.now,
    ) {
        this.started = now();
    }

    /** A resource count known before the run (e.g. from the stack's state), so total is right from the start. */
    expect(count: number): void {
        this.expected = count;
    }

    /** Feeds one engine event; returns true when the progress changed. */
    handle(event: EngineEvent): boolean {
        if (event.resourcePreEvent && !event.resourcePreEvent.planning) {
            const m = event.resourcePreEvent.metadata;
            if (m.type === STACK_TYPE) return false;
            this.seen.add(m.urn);
            this.current = `${m.op} ${describeUrn(m.urn)}`;
            return true;
        }
        if (event.resOutputsEvent && !event.resOutputsEvent.planning) {
            const m = event.resOutputsEvent.metadata;
            if (m.type === STACK_TYPE) return false;
            this.seen.add(m.urn);
            this.done.add(m.urn);
            return true;
        }
        if (event.resOpFailedEvent) {
            const m = event.resOpFailedEvent.metadata;
            this.failedUrns.push(m.urn);
            this.seen.add(m.urn);
            return true;
        }
        if (event.diagnosticEvent && event.diagnosticEvent.severity === "error") {
            this.errors.push({
                urn: event.diagnosticEvent.urn || undefined,
                message: clean(event.diagnosticEvent.message),
            });
            return false;
        }
        if (event.policyEvent && event.policyEvent.enforcementLevel === "mandatory") {
            const p = event.policyEvent;
            this.errors.push({
                urn: p.resourceUrn || undefined,
                message: `policy ${p.policyPackName}/${p.policyName}: ${clean(p.message)}`,
            });
            return false;
        }
        if (event.summaryEvent) {
            this.changes = { ...event.summaryEvent.resourceChanges } as Record<string, number>;
            return false;
        }
        return false;
    }

    progress(): Progress {
        return {
            stack: this.stack,
            operation: this.operation,
            done: this.done.size,
            total: Math.max(this.seen.size, this.expected, this.done.size),
            elapsedMs: this.now() - this.started,
            current: this.current,
        };
    }

    elapsedMs(): number {
        return this.now() - this.started;
    }

    /**
     * What failed: the first resource the engine reported failing (resOpFailed), else the first
     * error diagnostic naming a resource, else the first error; with the engine's message for it.
     * `fallback` (the CLI's own error text) is used when no event said anything.
     */
    failure(fallback?: string): Failure {
        const isResourceUrn = (urn?: string) => !!urn && !urn.includes(`::${STACK_TYPE}::`);
        const urn = this.failedUrns[0] ?? this.errors.find((e) => isResourceUrn(e.urn))?.urn;
        const forUrn = urn ? this.errors.find((e) => e.urn === urn) : undefined;
        const message =
            forUrn?.message ??
            this.errors[0]?.message ??
            (fallback ? lastLines(fallback) : "the operation failed without an error event");
        return { resource: urn ? describeUrn(urn) : undefined, message };
    }
}

/** The tail of a CLI error output, where the reason is. */
function lastLines(text: string, n = 6): string {
    const lines = clean(text)
        .split("\n")
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() !== "");
    return lines.slice(-n).join("\n");
}

export function formatDuration(ms: number): string {
    const s = Math.floor(ms / 1000);
    const mm = String(Math.floor(s / 60)).padStart(2, "0");
    const ss = String(s % 60).padStart(2, "0");
    return `${mm}:${ss}`;
}

export function formatProgress(p: Progress): string {
    const verb = { up: "up", preview: "preview", destroy: "destroy", "preview-destroy": "preview destroy" }[
        p.operation
    ];
    const cur = p.current ? `  ${p.current}` : "";
    return `[${p.stack}] ${verb}  ${p.done}/${p.total} resources  ${formatDuration(p.elapsedMs)}${cur}`;
}
