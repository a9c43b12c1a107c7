// The router's two secrets in its env: VTY_PASSWORD (the vty login) and BGP_PASSWORD (TCP-MD5 on
// every BGP session). One rule for both (what FRR takes as one word), with each key's own limit;
// a rejected password is never quoted. The shell twin is vnf_password in images/lib/vnf-env.sh.
import { BGP_PASSWORD_MAX_LENGTH } from "./routing";
import { VnfConfigError } from "./vnf-env-syntax";

/** How errors quote a rejected password (the value itself never appears). */
export const VTY_PASSWORD_ENTRY = "[hidden]";
/**
 * What printed frr.conf text shows in place of a password: `start.sh --render-only`, and the
 * reference renderer (tests/reference/frr-config.ts) unless asked to reveal it. FRR accepts it
 * as a password, so the printed config still passes `vtysh -C` and can be loaded.
 */
export const VTY_PASSWORD_PLACEHOLDER = "REDACTED";
export const VTY_PASSWORD_MAX_LENGTH = 128;

interface PasswordKey {
    key: "VTY_PASSWORD" | "BGP_PASSWORD";
    maxLength: number;
    /** What leaving the key unset gives, for the message about an empty one. */
    unset: string;
}

const VTY: PasswordKey = {
    key: "VTY_PASSWORD",
    maxLength: VTY_PASSWORD_MAX_LENGTH,
    unset: "for a vty on 127.0.0.1 only",
};
const BGP: PasswordKey = {
    key: "BGP_PASSWORD",
    maxLength: BGP_PASSWORD_MAX_LENGTH,
    unset: "for sessions without TCP-MD5",
};

/**
 * Printable ASCII without whitespace (a trailing newline from a file is an error, not silently
 * part of it), starting with a letter or digit (FRR refuses other first characters, and
 * `vtysh -C` does not notice), at most the key's length. The reason never contains the value.
 */
function passwordProblem(s: string, k: PasswordKey): string | undefined {
    if (s === "") return `the password is empty (leave ${k.key} unset ${k.unset})`;
    if (!/^[\x21-\x7e]+$/.test(s)) return "the password must be printable ASCII without spaces or newlines";
    if (!/^[A-Za-z0-9]/.test(s)) return "the password must start with a letter or digit (FRR refuses others)";
    if (s.length > k.maxLength) return `the password is longer than ${k.maxLength} characters`;
    return undefined;
}

function parsePassword(s: string, k: PasswordKey): string {
    const bad = passwordProblem(s, k);
    if (bad) throw new VnfConfigError(k.key, s === "" ? "" : VTY_PASSWORD_ENTRY, bad);
    return s;
}

/** Why `s` is not a vty password FRR takes (1-128 characters), or undefined. */
export const vtyPasswordProblem = (s: string): string | undefined => passwordProblem(s, VTY);
/** Why `s` is not a BGP session password (1-80 characters, Linux's TCP-MD5 key limit), or undefined. */
export const bgpPasswordProblem = (s: string): string | undefined => passwordProblem(s, BGP);
/** VTY_PASSWORD as FRR takes it on `password WORD` and at the vty login prompt; throws without quoting it. */
export const parseVtyPassword = (s: string): string => parsePassword(s, VTY);
export const parseBgpPassword = (s: string): string => parsePassword(s, BGP);
