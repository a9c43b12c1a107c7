// The hybrid-vnf policy pack. Run it with a preview or an update:
//   pulumi preview --policy-pack policy -s k8s-dev
// Every policy is mandatory: a violation stops the update. The rules live in rules.ts (pure
// functions, tested on the plans of the example stacks); policies.ts wraps them for CrossGuard.
// Importing this file starts the pack's server: tests import policies.ts instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("hybrid-vnf", {
    description:
        "Guard rails of the hybrid VNF service chain: no admin ports open to the world, privileged pods only in VNF namespaces, no plain-TCP Docker API, secret credentials, pinned images.",
    policies,
});
