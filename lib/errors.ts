import * as pulumi from "@pulumi/pulumi";
import { SECRET_MARK } from "./secret-mark";

/** What @pulumi/pulumi's serializer puts before an error thrown inside an Output it serializes. */
const SDK_SERIALIZATION_PREFIX = /error serializing property "[^"]*": /g;

/** How a secret config value appears in errors: never the value itself. */
export const SECRET_VALUE_SHOWN = SECRET_MARK;

/**
 * A config value that fails validation. The message always names the key and the value
 * (a secret key's value as "[secret]": use ConfigError.secret). A RunError, so `pulumi up`
 * prints the message alone instead of a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly key: string,
        readonly value: unknown,
        reason: string,
    ) {
        super(`${key}: ${JSON.stringify(value)} ${reason}`);
        this.name = "ConfigError";
        // Some config checks can only run once another stack's outputs are known, inside an
        // Output that feeds a resource; the SDK then prefixes `error serializing property "x": `
        // to the message at every level. The problem is the config key, not the property it
        // flowed into, so a ConfigError drops those prefixes (any other prefix is kept).
        let message = this.message;
        Object.defineProperty(this, "message", {
            get: () => message,
            set: (m: string) => (message = String(m).replace(SDK_SERIALIZATION_PREFIX, "")),
            enumerable: false,
            configurable: true,
        });
    }

    /** A rejected secret value: the error names the key and the reason, never the value. */
    static secret(key: string, reason: string): ConfigError {
        return new ConfigError(key, SECRET_VALUE_SHOWN, reason);
    }
}
