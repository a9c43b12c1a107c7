// The Automation API drives the `pulumi` CLI; without it nothing can run. Check first, with
// `pulumi version`, and fail at once with install instructions instead of a stack trace.
import { execFile } from "child_process";

export const INSTALL_INSTRUCTIONS = [
    "The Pulumi CLI was not found on PATH; the Automation API needs it.",
    "Install it, then re-run:",
    "  curl -fsSL https://get.pulumi.com | sh      # Linux/macOS, installs to ~/.pulumi/bin",
    "  brew install pulumi/tap/pulumi              # macOS (Homebrew)",
    "  winget install pulumi                       # Windows",
    "  (or see https://www.pulumi.com/docs/iac/download-install/)",
    "and make sure `pulumi version` works in this shell (add ~/.pulumi/bin to PATH).",
].join("\n");

/** Runs `pulumi version` and returns its output; rejects when the CLI is missing or broken. */
export type VersionProbe = () => Promise<string>;

export const defaultVersionProbe: VersionProbe = () =>
    new Promise((resolve, reject) => {
        execFile("pulumi", ["version"], { timeout: 30_000 }, (err, stdout) =>
            err ? reject(err) : resolve(String(stdout).trim()),
        );
    });

export class PulumiCliMissing extends Error {
    constructor(reason: string) {
        super(`${INSTALL_INSTRUCTIONS}\n(${reason})`);
        this.name = "PulumiCliMissing";
    }
}

/** The CLI version, e.g. "v3.170.0"; throws PulumiCliMissing with install instructions. */
export async function requirePulumiCli(probe: VersionProbe = defaultVersionProbe): Promise<string> {
    let out: string;
    try {
        out = await probe();
    } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new PulumiCliMissing(
            err.code === "ENOENT" ? "`pulumi` is not on PATH" : `\`pulumi version\` failed: ${err.message}`,
        );
    }
    const version = /v?\d+\.\d+\.\d+\S*/.exec(out)?.[0];
    if (!version) throw new PulumiCliMissing(`\`pulumi version\` printed ${JSON.stringify(out)}, not a version`);
    return version;
}
