// The node agent's decisions (lab/kube/pod-status.ts): probes with the kubelet's defaults and the
// pod status it writes for the container's state.
import * as assert from "assert";
import { execProbe, podStatus } from "../../../lab/kube/pod-status";

describe("lab node agent decisions", () => {
    const pod = { spec: { containers: [{ name: "router", image: "hybrid-vnf/router:1" }] }, status: {} };
    it("reads exec probes with the kubelet's defaults", () => {
        assert.deepStrictEqual(execProbe({ exec: { command: ["a"] } }), {
            command: ["a"],
            periodMs: 10_000,
            timeoutMs: 1000,
            failureThreshold: 3,
        });
        assert.deepStrictEqual(
            execProbe({ exec: { command: ["a"] }, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 30 }),
            { command: ["a"], periodMs: 2000, timeoutMs: 5000, failureThreshold: 30 },
        );
        assert.strictEqual(execProbe({ httpGet: { path: "/" } }), undefined);
        assert.strictEqual(execProbe(undefined), undefined);
    });
    it("reports Ready only while the container is ready, with the node's address (hostNetwork)", () => {
        const status = (ready: boolean | undefined) =>
            podStatus(
                pod,
                ready === undefined ? undefined : ({ ready, started: true, restarts: 2, startedAt: "t0" } as any),
                "10.100.101.2",
                "now",
            );
        const cond = (s: any, type: string) => s.conditions.find((c: any) => c.type === type).status;
        const notRunning = status(undefined);
        assert.strictEqual(notRunning.phase, "Pending");
        assert.strictEqual(cond(notRunning, "Ready"), "False");
        assert.deepStrictEqual(notRunning.containerStatuses[0].state, { waiting: { reason: "ContainerCreating" } });
        const notReady = status(false);
        assert.strictEqual(notReady.phase, "Running");
        assert.strictEqual(cond(notReady, "Ready"), "False");
        assert.strictEqual(cond(notReady, "ContainersReady"), "False");
        const ready = status(true);
        assert.strictEqual(cond(ready, "Ready"), "True");
        assert.strictEqual(ready.podIP, "10.100.101.2");
        assert.strictEqual(ready.containerStatuses[0].restartCount, 2);
        assert.strictEqual(ready.containerStatuses[0].ready, true);
    });
});
