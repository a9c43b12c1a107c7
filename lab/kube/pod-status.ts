// What the lab's node agent reports of a pod, decided as a kubelet would: a container's exec
// probes and the pod status for the container's state. Pure: pod and container state in, objects out.
import { ContainerSpec } from "../specs/workload-specs";

export interface Probe {
    command: string[];
    periodMs: number;
    timeoutMs: number;
    failureThreshold: number;
}

export interface Running {
    uid: string;
    spec: ContainerSpec;
    startedAt: string;
    started: boolean; // the startup probe passed
    ready: boolean;
    nextProbe: { startup: number; readiness: number; liveness: number };
    failures: { startup: number; readiness: number; liveness: number };
    restarts: number;
    lastStatus: string;
}

/** The probe of a container, in milliseconds; undefined when it has no exec probe. */
export function execProbe(p: any): Probe | undefined {
    if (!p?.exec?.command) return undefined;
    return {
        command: p.exec.command,
        periodMs: (p.periodSeconds ?? 10) * 1000,
        timeoutMs: (p.timeoutSeconds ?? 1) * 1000,
        failureThreshold: p.failureThreshold ?? 3,
    };
}

/** The pod status a kubelet would report for the container's state. */
export function podStatus(pod: any, r: Running | undefined, nodeIp: string, now: string): any {
    const cond = (type: string, ok: boolean) => ({ type, status: ok ? "True" : "False", lastTransitionTime: now });
    const c = pod.spec.containers[0];
    return {
        phase: r ? "Running" : "Pending",
        hostIP: nodeIp,
        hostIPs: [{ ip: nodeIp }],
        podIP: nodeIp,
        podIPs: [{ ip: nodeIp }],
        startTime: pod.status?.startTime ?? now,
        conditions: [
            cond("PodScheduled", true),
            cond("Initialized", true),
            cond("ContainersReady", !!r?.ready),
            cond("Ready", !!r?.ready),
        ],
        containerStatuses: [
            {
                name: c.name,
                image: c.image,
                imageID: "",
                ready: !!r?.ready,
                started: !!r?.started,
                restartCount: r?.restarts ?? 0,
                state: r ? { running: { startedAt: r.startedAt } } : { waiting: { reason: "ContainerCreating" } },
            },
        ],
    };
}
