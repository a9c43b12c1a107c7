// The lab's control plane, without starting it: its command lines and the kubeconfig it writes,
// read back by the lab's API client.
import * as assert from "assert";
import { CONTROL_PLANE_PORTS, componentArgs, renderKubeconfig } from "../../../lab/kube/control-plane";
import { accessFromKubeconfig } from "../../../lab/kube/kube-api";

describe("lab control plane", () => {
    const args = componentArgs("/lab/cp");
    it("binds every component to loopback and wires the API server to etcd and its certificates", () => {
        assert.ok(args["kube-apiserver"].includes(`--etcd-servers=http://127.0.0.1:${CONTROL_PLANE_PORTS.etcdClient}`));
        assert.ok(args["kube-apiserver"].includes("--bind-address=127.0.0.1"));
        assert.ok(args.etcd.includes(`--listen-client-urls=http://127.0.0.1:${CONTROL_PLANE_PORTS.etcdClient}`));
        for (const c of ["kube-controller-manager", "kube-scheduler"] as const) {
            assert.ok(args[c].includes("--bind-address=127.0.0.1"), c);
            assert.ok(args[c].includes("--kubeconfig=/lab/cp/admin.kubeconfig"), c);
        }
        // Service-account tokens: the API server verifies with the public key the controller signs with.
        assert.ok(args["kube-apiserver"].includes("--service-account-key-file=/lab/cp/pki/sa.pub"));
        assert.ok(args["kube-controller-manager"].includes("--service-account-private-key-file=/lab/cp/pki/sa.key"));
    });
    it("writes a kubeconfig that the lab's API client reads back", () => {
        const kc = renderKubeconfig("https://127.0.0.1:26443", "CA PEM\n", "CERT PEM\n", "KEY PEM\n");
        assert.deepStrictEqual(accessFromKubeconfig(kc), {
            server: "https://127.0.0.1:26443",
            ca: "CA PEM\n",
            cert: "CERT PEM\n",
            key: "KEY PEM\n",
        });
        assert.throws(() => accessFromKubeconfig("apiVersion: v1\nclusters: []\n"), /server/);
    });
});
