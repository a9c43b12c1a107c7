// The CrossGuard policies of the hybrid-vnf pack, built from the pure rules in rules.ts.
// Kept apart from index.ts because `new PolicyPack(...)` starts the pack's gRPC server
// (and reads ./package.json): tests import this module, never index.ts.
import {
    EnforcementLevel,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    dockerTlsViolations,
    openAdminPortViolations,
    plaintextSecretViolations,
    privilegedPodViolations,
    RuleResource,
    SECRET_MARK,
    unpinnedImageViolations,
    Violation,
} from "./rules";
import { ADMIN_PORTS } from "../lib/ports";

const MANDATORY: EnforcementLevel = "mandatory";

function asRule(args: { type: string; name: string; urn: string; props: Record<string, any> }): RuleResource {
    return { type: args.type, name: args.name, urn: args.urn, props: args.props };
}

const report = (vs: Violation[], reportViolation: (m: string, urn?: string) => void) =>
    vs.forEach((v) => reportViolation(v.message, v.urn));

// ---------------------------------------------------------------------------------------------
// Secretness. What the engine shows a policy pack (checked against @pulumi/policy 1.21 and
// the engine's analyzer plugin):
//  - The engine sends resource properties to the pack WITH its secret markers (KeepSecrets).
//  - validateResource and validateStack get them unwrapped: a secret kubeconfig and a plain one
//    look the same there, so those two hooks cannot tell whether a value is secret.
//  - remediateResource (run only for policies at enforcement level "remediate", before the
//    validations of the same resource, in preview and in update) gets them as `Secret`
//    objects behind a proxy; the proxy's target keeps them.
// So this policy is declared "remediate": its remediation only READS the properties (it
// returns nothing, so it never changes a resource) and records what is sensitive but not
// secret; its validateResource then reports that, and the SDK reports a violation of a
// "remediate" policy as mandatory. If an engine ever skipped the remediation step, only the
// check that needs no secret markers (a command printing a credential must list stdout in
// additionalSecretOutputs) would still run.

/** Unwraps the SDK's property proxies to the raw object, where secrets are still `Secret` instances. */
function rawTarget(value: any): any {
    let v = value;
    for (let i = 0; i < 4 && v && typeof v === "object" && v.__isSpecialProxy === true; i++)
        v = v.__getSpecialProxyTarget;
    return v;
}

function isSecretValue(v: unknown): v is { value: unknown } {
    return (
        v instanceof Secret ||
        (!!v && typeof v === "object" && (v as object).constructor?.name === "Secret" && "value" in (v as object))
    );
}

/** The real values and the same tree with each secret value replaced by SECRET_MARK. */
export function splitSecrets(value: any): { real: any; shown: any } {
    const v = rawTarget(value);
    if (isSecretValue(v)) return { real: splitSecrets(v.value).real, shown: SECRET_MARK };
    if (Array.isArray(v)) {
        const parts = v.map(splitSecrets);
        return { real: parts.map((p) => p.real), shown: parts.map((p) => p.shown) };
    }
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
        const real: Record<string, unknown> = {};
        const shown: Record<string, unknown> = {};
        for (const k of Object.keys(v)) {
            const p = splitSecrets(v[k]);
            real[k] = p.real;
            shown[k] = p.shown;
        }
        return { real, shown };
    }
    return { real: v, shown: v };
}

/** Findings of the remediation step, by URN, until the validation of the same resource reports them. */
const secretFindings = new Map<string, Violation[]>();

export const sensitiveValuesSecret: ResourceValidationPolicy = {
    name: "sensitive-values-secret",
    description: "Kubeconfigs, private keys and join tokens are secret (encrypted in state, hidden in logs).",
    // See the note above: "remediate" is what gives this policy the secret markers; its
    // violations are reported as mandatory.
    enforcementLevel: "remediate",
    remediateResource: (args) => {
        const { real, shown } = splitSecrets(args.props);
        secretFindings.set(args.urn, plaintextSecretViolations(args, real, shown, args.opts?.additionalSecretOutputs));
        return undefined; // never changes the resource
    },
    validateResource: (args: ResourceValidationArgs, reportViolation) => {
        const found = secretFindings.get(args.urn);
        secretFindings.delete(args.urn);
        if (found) return report(found, reportViolation);
        // No remediation step ran, so no secret markers: only the check that needs none
        // (everything else is treated as if marked secret rather than guessed at).
        if (args.type === "command:remote:Command") {
            report(
                plaintextSecretViolations(
                    args,
                    { create: args.props.create },
                    SECRET_MARK,
                    args.opts?.additionalSecretOutputs,
                ),
                reportViolation,
            );
        }
    },
};

// ---------------------------------------------------------------------------------------------

export const noAdminPortsOpenToTheWorld: ResourceValidationPolicy = {
    name: "no-admin-ports-open-to-the-world",
    description: `No security rule opens ${ADMIN_PORTS.map((p) => `${p.what} (${p.port})`).join(", ")} to 0.0.0.0/0.`,
    enforcementLevel: MANDATORY,
    validateResource: (args, reportViolation) => report(openAdminPortViolations(asRule(args)), reportViolation),
};

export const privilegedPodsOnlyInVnfNamespaces: StackValidationPolicy = {
    name: "privileged-pods-only-in-vnf-namespaces",
    description: "Privileged or host-network pods run only in a namespace labelled for VNFs (hybrid-vnf/vnf=true).",
    enforcementLevel: MANDATORY,
    validateStack: (args, reportViolation) =>
        report(privilegedPodViolations(args.resources.map(asRule)), reportViolation),
};

export const dockerProviderTls: ResourceValidationPolicy = {
    name: "docker-provider-no-plain-tcp",
    description: "No Docker provider on plain tcp:// without TLS; use ssh:// (or TLS material).",
    enforcementLevel: MANDATORY,
    validateResource: (args, reportViolation) =>
        report(dockerTlsViolations(asRule(args), process.env), reportViolation),
};

export const imagesPinned: ResourceValidationPolicy = {
    name: "images-pinned",
    description: "Container images are pinned: a tag other than latest, or a digest.",
    enforcementLevel: MANDATORY,
    validateResource: (args, reportViolation) => report(unpinnedImageViolations(asRule(args)), reportViolation),
};

export const policies = [
    noAdminPortsOpenToTheWorld,
    privilegedPodsOnlyInVnfNamespaces,
    dockerProviderTls,
    sensitiveValuesSecret,
    imagesPinned,
];
