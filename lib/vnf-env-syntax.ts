// What every VNF env contract shares (lib/router-env.ts, lib/lb-env.ts, lib/router-bgp-env.ts,
// lib/vnf-passwords.ts): the error each rejection throws, and the comma-list syntax. Only space
// and tab count as whitespace, so a POSIX shell (IFS) splits entries identically; the images'
// twin is images/lib/vnf-env.sh (vnf_split, vnf_fail).

/** Every rejection names the env variable (or render option) and quotes the bad entry. */
export class VnfConfigError extends Error {
    constructor(
        readonly key: string,
        readonly entry: string,
        readonly reason: string,
    ) {
        super(`${key} entry "${entry}": ${reason}`);
        this.name = "VnfConfigError";
    }
}

const trimBlanks = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, "");

/** A comma-separated list's trimmed entries; an empty list or an empty entry is an error of `key`. */
export function splitList(key: string, s: string): string[] {
    if (trimBlanks(s) === "") throw new VnfConfigError(key, "", "the list is empty");
    return s.split(",").map((raw) => {
        const entry = trimBlanks(raw);
        if (entry === "")
            throw new VnfConfigError(key, "", "empty entry (two commas in a row, or a leading/trailing comma)");
        return entry;
    });
}
