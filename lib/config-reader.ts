// Reads raw stack config into typed values. Every failure names the full key and the value.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, SECRET_VALUE_SHOWN } from "./errors";
import { cidrProblem, cidrsOverlap, ipv4Problem } from "./net";
import { checkInt } from "./numbers";
import { openstackNameProblem } from "./vm-values";
import { ADMIN_PREFIX_MIN, sourceNetworkProblem } from "./vm-networks";
import { looksLikePrivateKey, sshPublicKeyProblem } from "./ssh-key";

export const PROJECT = "hybrid-vnf";

/** The calls we need from pulumi.Config, so tests can feed plain maps. */
export interface ConfigSource {
    /** The value as text; for a secret key its plaintext (to check it, never to print it). */
    get(key: string): string | undefined;
    getSecret(key: string): pulumi.Output<string> | undefined;
    /** Whether the stack holds the key encrypted (`secure:`); absent: unknown, taken as yes. */
    isStoredEncrypted?(key: string): boolean;
    /** Every key the stack sets in the project's namespace (without the `hybrid-vnf:`). */
    keys?(): string[];
}

/** The SDK's own record of which keys the engine passed as secrets (internal, hence untyped). */
const runtimeIsConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (fullKey: string) => boolean })
    .isConfigSecret;

export function pulumiConfigSource(): ConfigSource {
    const config = new pulumi.Config(PROJECT);
    return {
        get: (k) => config.get(k),
        getSecret: (k) => config.getSecret(k),
        isStoredEncrypted: runtimeIsConfigSecret && ((k) => runtimeIsConfigSecret(`${PROJECT}:${k}`)),
        keys: () =>
            Object.keys(pulumi.runtime.allConfig())
                .filter((k) => k.startsWith(`${PROJECT}:`))
                .map((k) => k.slice(PROJECT.length + 1)),
    };
}

/**
 * For tests and the plan harness: plain values; secret keys come back as secret Outputs. The
 * keys in `plainText` stand for values written in the stack file without `secure:`.
 */
export function mapConfigSource(values: Record<string, unknown>, plainText: readonly string[] = []): ConfigSource {
    const raw = (k: string) => {
        const v = values[k];
        if (v === undefined || v === null) return undefined;
        return typeof v === "string" ? v : JSON.stringify(v);
    };
    return {
        get: (k) => raw(k),
        getSecret: (k) => {
            const v = raw(k);
            return v === undefined ? undefined : pulumi.secret(v);
        },
        isStoredEncrypted: (k) => !plainText.includes(k),
        keys: () => Object.keys(values).filter((k) => values[k] !== undefined && values[k] !== null),
    };
}

export class ConfigReader {
    constructor(private readonly source: ConfigSource) {}

    /** Full key name as users write it in stack files and errors. */
    name(key: string): string {
        return `${PROJECT}:${key}`;
    }

    optionalString(key: string): string | undefined {
        const v = this.source.get(key);
        return v === undefined || v.trim() === "" ? undefined : v.trim();
    }

    string(key: string, fallback?: string): string {
        const v = this.optionalString(key) ?? fallback;
        if (v === undefined) throw new ConfigError(this.name(key), v ?? null, "is required but not set");
        if (isJsonListOrMap(v)) throw new ConfigError(this.name(key), v, LIST_WHERE_ONE_VALUE_GOES);
        return v;
    }

    /** A string (default `fallback`) that `problem` accepts; its reasons read "is ...". */
    checkedString(key: string, problem: (value: string) => string | undefined, fallback?: string): string {
        const v = this.string(key, fallback);
        const reason = problem(v);
        if (reason) throw new ConfigError(this.name(key), v, reason);
        return v;
    }

    /**
     * The name of an existing OpenStack image, flavor or network, as written: not trimmed, since
     * OpenStack would look up " debian-12" as written. Set but empty is refused, not defaulted.
     */
    openstackName(key: string, fallback?: string): string {
        const raw = this.source.get(key);
        const v = raw ?? fallback;
        if (v === undefined) throw new ConfigError(this.name(key), null, "is required but not set");
        const reason = isJsonListOrMap(v) ? LIST_WHERE_ONE_VALUE_GOES : openstackNameProblem(v);
        if (reason) throw new ConfigError(this.name(key), v, reason);
        return v;
    }

    /**
     * Fails on the first key the stack sets that is not `declared`: Pulumi passes any key through,
     * so a typo (apacheCout) would silently leave the default in place.
     */
    refuseUndeclaredKeys(declared: readonly string[]): void {
        for (const key of this.source.keys?.() ?? []) {
            if (declared.includes(key)) continue;
            const near = declared.find((d) => editDistance(d.toLowerCase(), key.toLowerCase()) <= 2);
            const hint = near ? `; did you mean ${this.name(near)}?` : "";
            throw new ConfigError(
                this.name(key),
                this.source.isStoredEncrypted?.(key) === false ? this.source.get(key) : SECRET_VALUE_SHOWN,
                `is not a key of this project (declared in Pulumi.yaml or stacks/config-keys.yaml)${hint}`,
            );
        }
    }

    oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
        const v = this.string(key, fallback);
        if (!(allowed as readonly string[]).includes(v)) {
            throw new ConfigError(this.name(key), v, `is not one of: ${allowed.join(", ")}`);
        }
        return v as T;
    }

    int(key: string, fallback: number, min: number, max: number): number {
        const raw = this.optionalString(key);
        // Decimal digits only: Number() would also take "0x10", "0b11", "1e1" and "2.0".
        const v = raw === undefined ? fallback : DECIMAL_INTEGER.test(raw) ? Number(raw) : NaN;
        // A non-number is quoted as written; an out-of-range number as the number.
        return checkInt(
            v,
            min,
            max,
            (reason) => new ConfigError(this.name(key), Number.isInteger(v) ? v : raw, reason),
        );
    }

    bool(key: string, fallback: boolean): boolean {
        const raw = this.optionalString(key);
        if (raw === undefined) return fallback;
        if (raw === "true" || raw === "false") return raw === "true";
        throw new ConfigError(this.name(key), raw, "is not true or false");
    }

    /** A YAML list in the stack file (Pulumi passes it as JSON), or a comma-separated string. */
    list(key: string, fallback: string[] = []): string[] {
        const raw = this.optionalString(key);
        if (raw === undefined) return fallback;
        if (!raw.startsWith("["))
            return raw
                .split(",")
                .map((s) => s.trim())
                .filter((s) => s !== "");
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            throw new ConfigError(this.name(key), raw, "is not a list");
        }
        if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== "string")) {
            throw new ConfigError(this.name(key), raw, "is not a list of strings");
        }
        return parsed.map((s: string) => s.trim());
    }

    cidr(key: string, fallback?: string): string {
        return parseCidr(this.name(key), this.string(key, fallback));
    }

    /** Admin access (SSH, Kubernetes API) is never opened to the whole internet. */
    adminCidr(key: string): string {
        const cidr = this.cidr(key);
        if (cidr.endsWith("/0")) {
            throw new ConfigError(
                this.name(key),
                cidr,
                "would open SSH and the Kubernetes API to the whole internet; name your own network",
            );
        }
        if (Number(cidr.split("/")[1]) < ADMIN_PREFIX_MIN) {
            throw new ConfigError(
                this.name(key),
                cidr,
                `would open SSH and the Kubernetes API to a large part of the internet; name your own network (/${ADMIN_PREFIX_MIN} or longer)`,
            );
        }
        const problem = sourceNetworkProblem(cidr);
        if (problem) throw new ConfigError(this.name(key), cidr, problem);
        return cidr;
    }

    stackName(key: string): string {
        return parseStackName(this.name(key), this.string(key));
    }

    sshPublicKey(key: string): string {
        return parseSshPublicKey(this.name(key), this.string(key));
    }

    ipv4(key: string): string {
        return parseIpv4(this.name(key), this.string(key));
    }

    ipv4List(key: string, min: number, max: number): string[] {
        const ips = this.list(key);
        if (ips.length < min || ips.length > max) {
            throw new ConfigError(this.name(key), ips, `must list ${min}-${max} addresses`);
        }
        const seen = new Set<string>();
        return ips.map((ip) => {
            const v = parseIpv4(this.name(key), ip);
            if (seen.has(v)) throw new ConfigError(this.name(key), ip, "is listed twice");
            seen.add(v);
            return v;
        });
    }

    /**
     * A secret key, checked now by `problem` (given the plaintext; returns a reason or
     * undefined), so a bad value is a plain error naming the key, never the value, before any
     * Output or resource sees it. Undefined when unset.
     */
    optionalSecret(key: string, problem?: (plain: string) => string | undefined): pulumi.Output<string> | undefined {
        const secret = this.source.getSecret(key);
        if (secret === undefined) return secret;
        // Plain text in Pulumi.<stack>.yaml ends up in git; only `--secret` encrypts it.
        if (this.source.isStoredEncrypted?.(key) === false) {
            throw ConfigError.secret(
                this.name(key),
                `is stored in plain text in the stack file; remove it and set it with: pulumi config set --secret ${this.name(key)} <value>`,
            );
        }
        if (problem === undefined) return secret;
        const reason = problem(this.source.get(key) ?? "");
        if (reason) throw ConfigError.secret(this.name(key), reason);
        return secret;
    }

    /** A required secret key, checked now by `problem` like optionalSecret's. */
    requireSecret(key: string, problem?: (plain: string) => string | undefined): pulumi.Output<string> {
        const v = this.optionalSecret(key, problem);
        if (v === undefined) {
            throw new ConfigError(
                this.name(key),
                null,
                `is required; set it with: pulumi config set --secret ${this.name(key)} <value>`,
            );
        }
        return v;
    }
}

const LIST_WHERE_ONE_VALUE_GOES = "is a YAML list or map (Pulumi passes it as JSON); this key takes one value";

/** Pulumi hands a YAML list or map to the program as its JSON text, indistinguishable from a string. */
function isJsonListOrMap(value: string): boolean {
    if (!/^[[{]/.test(value)) return false;
    try {
        return typeof JSON.parse(value) === "object";
    } catch {
        return false;
    }
}

/** Levenshtein distance, for "did you mean" on a mistyped key. */
function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++)
            row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        prev = row;
    }
    return prev[b.length];
}

const DECIMAL_INTEGER = /^(0|-?[1-9][0-9]*)$/;

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A StackReference name must be fully qualified: `org/project/stack`. */
export function parseStackName(key: string, value: string): string {
    if (!STACK_NAME.test(value)) {
        throw new ConfigError(
            key,
            value,
            "is not a stack name of the form org/project/stack (e.g. organization/hybrid-vnf/k8s-dev)",
        );
    }
    return value;
}

/** An OpenSSH public key line that OpenSSH 9, Nova and cloud-init accept (lib/ssh-key.ts). */
export function parseSshPublicKey(key: string, value: string): string {
    // A private key pasted here sits in the stack file in plain text: never quote it.
    if (looksLikePrivateKey(value))
        throw ConfigError.secret(
            key,
            "is a private key; give the public key (the .pub file), and remove this one from the stack file",
        );
    const problem = sshPublicKeyProblem(value);
    if (problem) throw new ConfigError(key, value, problem);
    return value;
}

/** A ConfigError for `key` from a reason sentence, without saying the value twice. */
function configError(key: string, value: string, problem: string): ConfigError {
    for (const subject of [`"${value}" `, `${value} `]) {
        if (problem.startsWith(subject)) return new ConfigError(key, value, problem.slice(subject.length));
    }
    return new ConfigError(key, value, `is invalid: ${problem}`);
}

const IPV6_GIVEN = "is IPv6; the stacks' subnets, routes and security rules are IPv4 only";

/** A config value that must be a canonical network CIDR such as 10.100.101.0/24. */
export function parseCidr(key: string, value: unknown): string {
    if (typeof value !== "string") throw new ConfigError(key, value, "is not a CIDR string like 10.100.101.0/24");
    if (value.includes(":")) throw new ConfigError(key, value, IPV6_GIVEN);
    const problem = cidrProblem(value);
    if (problem) throw configError(key, value, problem);
    return value;
}

/** A config value that must be a canonical IPv4 address such as 10.100.101.10. */
export function parseIpv4(key: string, value: unknown): string {
    if (typeof value !== "string") throw new ConfigError(key, value, "is not an IPv4 address like 10.100.101.10");
    if (value.includes(":")) throw new ConfigError(key, value, IPV6_GIVEN);
    const problem = ipv4Problem(value);
    if (problem) throw configError(key, value, problem);
    return value;
}

/** Fails with the two keys and values when any two of the named networks overlap. */
export function requireDisjoint(networks: Record<string, string>): void {
    const entries = Object.entries(networks);
    for (let i = 0; i < entries.length; i++) {
        for (let j = i + 1; j < entries.length; j++) {
            const [ka, a] = entries[i];
            const [kb, b] = entries[j];
            if (cidrsOverlap(a, b)) throw new ConfigError(ka, a, `overlaps ${kb} (${JSON.stringify(b)})`);
        }
    }
}
