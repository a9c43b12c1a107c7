import * as pulumi from "@pulumi/pulumi";

/**
 * A config value that fails validation. The message always names the key and the value.
 * A RunError, so `pulumi up` prints the message alone instead of a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly key: string,
        readonly value: unknown,
        reason: string,
    ) {
        super(`${key}: ${JSON.stringify(value)} ${reason}`);
        this.name = "ConfigError";
    }
}
