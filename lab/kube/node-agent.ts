// The lab's router node, as the Kubernetes API sees it, without a kubelet (no cgroup privileges,
// no registry here). It reads and writes only through the real API server:
//   - registers the Node (labelled role=router) and keeps it alive: its Lease in kube-node-lease
//     and its Ready condition, as a kubelet's heartbeat does;
//   - runs each pod the scheduler bound to this node, from the pod spec read back from the API
//     (env valueFrom secretKeyRef resolved from the API's Secret), as a container in the node's
//     network namespace (the pod is hostNetwork);
//   - runs the pod's startup, readiness and liveness probes in that container and writes the
//     pod's status (Ready only while the readiness probe passes), so `pulumi up` waits on the
//     real router; a failed liveness probe restarts the container;
//   - finishes graceful deletions: stops the container, then removes the pod (the kubelet's part).
// Why not kwok: kwok fakes pod status from its stages, and the pod's readiness must come from the
// real container here, so an agent would be needed beside it anyway; one small agent does both.
import * as path from "path";
import { KubeApi } from "./kube-api";
import { routerSpecFromPod } from "../specs/workload-specs";
import { routerRunArgs } from "../specs/workload-run-args";
import { run } from "../sh";
import { Probe, Running, execProbe, podStatus } from "./pod-status";

/** The agent's own process (lab/kube/node-agent-main.ts): started detached, one per router node. */
export const NODE_AGENT_MAIN = path.join(__dirname, "node-agent-main.ts");

export interface NodeAgentOptions {
    api: KubeApi;
    nodeName: string;
    nodeLabels: Record<string, string>;
    /** The node's address (the router node's cluster-network address: hostNetwork pods get it). */
    nodeIp: string;
    /** The container whose network namespace is the node's. */
    netnsContainer: string;
    /** Name of the pod's container in Docker (one router pod per node: its host ports say so). */
    containerName: string;
    containerLabels: Record<string, string>;
    log: (s: string) => void;
}

const POD_UID_LABEL = "io.kubernetes.pod.uid";
const LEASE_SECONDS = 40;

export class NodeAgent {
    private running: Running | undefined;
    private stopped = false;

    constructor(private readonly o: NodeAgentOptions) {}

    private get nodePath() {
        return `/api/v1/nodes/${this.o.nodeName}`;
    }

    /** Creates the Node (or takes over one of the same name) and reports it Ready. */
    async register(): Promise<void> {
        const metadata = {
            name: this.o.nodeName,
            labels: { "kubernetes.io/hostname": this.o.nodeName, "kubernetes.io/os": "linux", ...this.o.nodeLabels },
        };
        if (await this.o.api.find(this.nodePath)) await this.o.api.patch(this.nodePath, { metadata });
        else await this.o.api.create("/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata, spec: {} });
        await this.heartbeat();
    }

    /** The kubelet's heartbeat: renew the node Lease and refresh the Ready condition. */
    async heartbeat(): Promise<void> {
        const now = new Date().toISOString();
        const micro = now.replace("Z", "000Z"); // Lease times are MicroTime
        const leasePath = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${this.o.nodeName}`;
        const spec = { holderIdentity: this.o.nodeName, leaseDurationSeconds: LEASE_SECONDS, renewTime: micro };
        if (await this.o.api.find(leasePath)) await this.o.api.patch(leasePath, { spec });
        else
            await this.o.api.create("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", {
                metadata: { name: this.o.nodeName },
                spec,
            });
        const cond = (type: string, status: string, reason: string) => ({
            type,
            status,
            reason,
            lastHeartbeatTime: now,
            lastTransitionTime: now,
        });
        await this.o.api.patch(
            `${this.nodePath}/status`,
            {
                status: {
                    capacity: { cpu: "2", memory: "4Gi", pods: "10" },
                    allocatable: { cpu: "2", memory: "4Gi", pods: "10" },
                    addresses: [
                        { type: "InternalIP", address: this.o.nodeIp },
                        { type: "Hostname", address: this.o.nodeName },
                    ],
                    conditions: [
                        cond("Ready", "True", "LabNodeAgentReady"),
                        cond("MemoryPressure", "False", "LabNodeAgent"),
                        cond("DiskPressure", "False", "LabNodeAgent"),
                        cond("PIDPressure", "False", "LabNodeAgent"),
                    ],
                    nodeInfo: {
                        kubeletVersion: "hvnf-lab-node-agent",
                        operatingSystem: "linux",
                        architecture: "amd64",
                        containerRuntimeVersion: "docker",
                    },
                },
            },
            "strategic",
        );
    }

    private async podsHere(): Promise<any[]> {
        const list = await this.o.api.get(`/api/v1/pods?fieldSelector=spec.nodeName%3D${this.o.nodeName}`);
        return list.items ?? [];
    }

    /** Env values from the API: literal values and secretKeyRef (read from the Secret). */
    private async resolveEnv(pod: any): Promise<Record<string, string>> {
        const env: Record<string, string> = {};
        for (const e of pod.spec.containers[0].env ?? []) {
            if (typeof e.value === "string") env[e.name] = e.value;
            else if (e.valueFrom?.secretKeyRef) {
                const ref = e.valueFrom.secretKeyRef;
                const secret = await this.o.api.get(`/api/v1/namespaces/${pod.metadata.namespace}/secrets/${ref.name}`);
                const v = secret.data?.[ref.key];
                if (v === undefined) throw new Error(`env ${e.name}: Secret ${ref.name} has no key ${ref.key}`);
                env[e.name] = Buffer.from(v, "base64").toString();
            } else
                throw new Error(
                    `env ${e.name}: only value and valueFrom.secretKeyRef are supported by the lab's node agent`,
                );
        }
        return env;
    }

    private async containerUid(): Promise<string | undefined> {
        const r = await run(
            ["docker", "inspect", "-f", `{{index .Config.Labels "${POD_UID_LABEL}"}}`, this.o.containerName],
            { allowFail: true },
        );
        return r.code === 0 ? r.stdout.trim() : undefined;
    }

    private async removeContainer(): Promise<void> {
        await run(["docker", "rm", "--force", this.o.containerName], { allowFail: true });
        this.running = undefined;
    }

    private async start(pod: any): Promise<void> {
        const source = `pod ${pod.metadata.namespace}/${pod.metadata.name} (from the API)`;
        const spec = routerSpecFromPod(source, pod.spec, await this.resolveEnv(pod));
        await this.removeContainer();
        const labels = { ...this.o.containerLabels, [POD_UID_LABEL]: pod.metadata.uid };
        // No Docker health check and no Docker restart policy: probes and restarts are the agent's.
        const args = routerRunArgs(
            { ...spec, health: undefined },
            { name: this.o.containerName, node: this.o.netnsContainer, labels, restart: false },
        );
        await run(["docker", "run", ...args]);
        const now = Date.now();
        this.running = {
            uid: pod.metadata.uid,
            spec,
            startedAt: new Date().toISOString(),
            started: false,
            ready: false,
            nextProbe: { startup: now, readiness: now, liveness: now },
            failures: { startup: 0, readiness: 0, liveness: 0 },
            restarts: 0,
            lastStatus: "",
        };
        this.o.log(`started ${source} as container ${this.o.containerName}`);
    }

    private async probe(p: Probe): Promise<boolean> {
        const r = await run(["docker", "exec", this.o.containerName, ...p.command], {
            allowFail: true,
            timeoutMs: p.timeoutMs + 1000,
        });
        return r.code === 0;
    }

    /** One round of the kubelet's probe logic for the running container. */
    private async probes(pod: any): Promise<void> {
        const r = this.running!;
        const c = pod.spec.containers[0];
        const now = Date.now();
        const inspect = await run(["docker", "inspect", "-f", "{{.State.Running}}", this.o.containerName], {
            allowFail: true,
        });
        if (inspect.code !== 0) {
            // The container was removed behind the agent's back: run the pod afresh next round.
            this.o.log(`container ${this.o.containerName} is gone; the pod's container will be created again`);
            this.running = undefined;
            return;
        }
        if (inspect.stdout.trim() !== "true") {
            // The container ended (a daemon died): start it again, as restartPolicy Always does.
            return this.restart("container exited", "start");
        }
        const startup = execProbe(c.startupProbe);
        if (!r.started) {
            if (!startup) r.started = true;
            else if (now >= r.nextProbe.startup) {
                r.nextProbe.startup = now + startup.periodMs;
                if (await this.probe(startup)) r.started = true;
                else if (++r.failures.startup >= startup.failureThreshold) return this.restart("startup probe failed");
            }
            if (!r.started) return;
            r.nextProbe.readiness = r.nextProbe.liveness = Date.now();
        }
        const readiness = execProbe(c.readinessProbe);
        if (!readiness) r.ready = true;
        else if (now >= r.nextProbe.readiness) {
            r.nextProbe.readiness = now + readiness.periodMs;
            if (await this.probe(readiness)) {
                r.failures.readiness = 0;
                r.ready = true;
            } else if (++r.failures.readiness >= readiness.failureThreshold) r.ready = false;
        }
        const liveness = execProbe(c.livenessProbe);
        if (liveness && now >= r.nextProbe.liveness) {
            r.nextProbe.liveness = now + liveness.periodMs;
            if (await this.probe(liveness)) r.failures.liveness = 0;
            else if (++r.failures.liveness >= liveness.failureThreshold) return this.restart("liveness probe failed");
        }
    }

    /** The container again (`docker restart`, or `start` once it has exited), probes from the start. */
    private async restart(why: string, how: "restart" | "start" = "restart"): Promise<void> {
        const r = this.running!;
        this.o.log(`${why}: ${how === "start" ? "starting" : "restarting"} ${this.o.containerName}`);
        await run(["docker", how, this.o.containerName], { allowFail: true });
        Object.assign(r, {
            started: false,
            ready: false,
            restarts: r.restarts + 1,
            startedAt: new Date().toISOString(),
        });
        r.failures = { startup: 0, readiness: 0, liveness: 0 };
        r.nextProbe.startup = Date.now();
    }

    private async writeStatus(pod: any): Promise<void> {
        const status = podStatus(pod, this.running, this.o.nodeIp, new Date().toISOString());
        // Only when something changed (times aside): no write per round.
        const key = JSON.stringify({
            ...status,
            conditions: status.conditions.map((c: any) => [c.type, c.status]),
            startTime: undefined,
        });
        if (this.running && key === this.running.lastStatus) return;
        await this.o.api.patch(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, {
            status,
        });
        if (this.running) this.running.lastStatus = key;
    }

    /** One reconcile round over the pods bound to this node. */
    async sync(): Promise<void> {
        const pods = await this.podsHere();
        const live = pods.filter((p) => !p.metadata.deletionTimestamp);
        for (const pod of pods.filter((p) => p.metadata.deletionTimestamp)) {
            if (this.running?.uid === pod.metadata.uid || (await this.containerUid()) === pod.metadata.uid) {
                await run(
                    [
                        "docker",
                        "stop",
                        "--time",
                        String(pod.spec.terminationGracePeriodSeconds ?? 30),
                        this.o.containerName,
                    ],
                    { allowFail: true, timeoutMs: 120_000 },
                );
                await this.removeContainer();
            }
            await this.o.api.remove(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, {
                gracePeriodSeconds: 0,
                preconditions: { uid: pod.metadata.uid },
            });
            this.o.log(`pod ${pod.metadata.namespace}/${pod.metadata.name} deleted`);
        }
        if (live.length > 1) {
            const first = live[0].metadata.name;
            this.o.log(
                `${live.length} pods bound here; the node runs one router pod (host ports), the first: ${first}`,
            );
        }
        const pod = live[0];
        if (!pod) {
            if (this.running || (await this.containerUid()) !== undefined) await this.removeContainer();
            return;
        }
        if (this.running?.uid !== pod.metadata.uid) {
            try {
                await this.start(pod);
            } catch (e) {
                this.o.log(`cannot run pod ${pod.metadata.name}: ${(e as Error).message}`);
                return;
            }
        }
        await this.probes(pod);
        await this.writeStatus(pod);
    }

    /** Heartbeats every 10 s and reconciles every 500 ms until stop(). */
    async loop(): Promise<void> {
        let nextBeat = 0;
        while (!this.stopped) {
            try {
                if (Date.now() >= nextBeat) {
                    await this.heartbeat();
                    nextBeat = Date.now() + 10_000;
                }
                await this.sync();
            } catch (e) {
                this.o.log(`round failed: ${(e as Error).message}`);
            }
            await new Promise((r) => setTimeout(r, 500));
        }
    }

    stop(): void {
        this.stopped = true;
    }
}
