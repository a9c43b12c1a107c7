// lib/ports.ts: the numbers pinned once here (tests/policy/imports.test.ts keeps the file free of
// imports, so the policy pack can load it).
import * as assert from "assert";
import * as ports from "../../lib/ports";

describe("lib/ports.ts", () => {
    it("holds the well-known numbers", () => {
        assert.deepStrictEqual(
            [ports.SSH_PORT, ports.HTTP_PORT, ports.KUBE_API_PORT, ports.BGP_PORT],
            [22, 80, 6443, 179],
        );
        assert.deepStrictEqual(ports.DOCKER_API_PORTS, { plain: 2375, tls: 2376 });
        assert.deepStrictEqual(ports.SWARM_PORTS, { management: 2377, gossip: 7946, overlay: 4789 });
        assert.deepStrictEqual(ports.BFD_PORTS, { control: 3784, echo: 3785 });
        assert.deepStrictEqual(ports.FRR_VTY_PORTS, { zebra: 2601, staticd: 2616 });
        assert.deepStrictEqual(ports.EPHEMERAL_PORTS, { min: 32768, max: 60999 });
    });

    it("keeps the LB off every port a swarm host listens on itself", () => {
        assert.deepStrictEqual([...ports.SWARM_HOST_PORTS], [22, 179, 2375, 2376, 2377, 7946, 4789]);
    });

    it("guards SSH, the Kubernetes API and both Docker API ports, each once", () => {
        assert.deepStrictEqual(
            ports.ADMIN_PORTS.map((p) => p.port),
            [22, 6443, 2375, 2376],
        );
        assert.ok(ports.ADMIN_PORTS.every((p) => p.what.length > 0));
    });
});
