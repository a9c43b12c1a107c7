import * as assert from "assert";
import {
    DEV_ENV,
    LAB_ENV,
    ROLES,
    deployOrder,
    destroyOrder,
    roleOfStack,
    stackName,
    stackWithDependencies,
    stacksOf,
} from "../../lib/stacks";
import { ROUTER_NODE_LABEL_ARG, ROUTER_NODE_SELECTOR } from "../../lib/labels";
import { ROUTER_APACHE_LEG, ROUTER_CLUSTER_LEG, ROUTER_INTERFACES, SWARM_NODE_CLUSTER_LEG } from "../../lib/interfaces";

describe("lib/stacks: stack names and their order", () => {
    it("roles in deploy order; names per environment", () => {
        assert.deepStrictEqual([...ROLES], ["k8s-cluster", "swarm-cluster", "service-chain"]);
        assert.deepStrictEqual(deployOrder(LAB_ENV), ["k8s-local", "swarm-local", "chain-local"]);
        assert.deepStrictEqual(destroyOrder(DEV_ENV), ["chain-dev", "swarm-dev", "k8s-dev"]);
        assert.deepStrictEqual(stacksOf("dev"), {
            "k8s-cluster": "k8s-dev",
            "swarm-cluster": "swarm-dev",
            "service-chain": "chain-dev",
        });
        assert.strictEqual(stackName("service-chain", "staging"), "chain-staging");
    });
    it("a bad environment name is refused with the rule", () => {
        assert.throws(() => stackName("k8s-cluster", "Dev"), {
            message: 'environment "Dev" is not a name like dev, staging or local (lower-case letters, digits, dashes)',
        });
    });
    it("roleOfStack and stackWithDependencies", () => {
        assert.strictEqual(roleOfStack("swarm-local"), "swarm-cluster");
        assert.strictEqual(roleOfStack("router-dev"), undefined);
        assert.deepStrictEqual(stackWithDependencies("chain-dev"), ["k8s-dev", "swarm-dev", "chain-dev"]);
        assert.deepStrictEqual(stackWithDependencies("swarm-local"), ["k8s-local", "swarm-local"]);
        assert.deepStrictEqual(stackWithDependencies("k8s-dev"), ["k8s-dev"]);
        assert.strictEqual(stackWithDependencies("other"), undefined);
    });
});

describe("lib/labels and lib/interfaces", () => {
    it("the router node label in its three spellings", () => {
        assert.deepStrictEqual(ROUTER_NODE_SELECTOR, { role: "router" });
        assert.strictEqual(ROUTER_NODE_LABEL_ARG, "role=router");
    });
    it("router legs: cluster eth0, Apache eth1; swarm nodes' cluster leg eth1", () => {
        assert.deepStrictEqual(
            [ROUTER_CLUSTER_LEG, ROUTER_APACHE_LEG, SWARM_NODE_CLUSTER_LEG],
            ["eth0", "eth1", "eth1"],
        );
        assert.deepStrictEqual(ROUTER_INTERFACES, ["eth0", "eth1"]);
    });
});
