// oslo.config files are INI: sections of `key = value`. One renderer, so every service's file is
// written the same way and a test can read a value back.
export type IniValue = string | number | boolean | readonly (string | number)[];
export type Ini = Record<string, Record<string, IniValue | undefined>>;

function value(v: IniValue): string {
    if (Array.isArray(v)) return v.join(",");
    if (typeof v === "boolean") return v ? "true" : "false";
    return String(v);
}

/** Sections in the given order; keys whose value is undefined are left out. */
export function renderIni(ini: Ini): string {
    const out: string[] = [];
    for (const [section, entries] of Object.entries(ini)) {
        const lines = Object.entries(entries)
            .filter((e): e is [string, IniValue] => e[1] !== undefined)
            .map(([k, v]) => {
                const text = value(v);
                if (/[\r\n]/.test(text)) throw new Error(`[${section}] ${k}: a value may not span lines`);
                return `${k} = ${text}`;
            });
        out.push(`[${section}]`, ...lines, "");
    }
    return out.join("\n");
}

/** Reads one value back (tests, and `status` for the ports): section and key as written. */
export function iniValue(text: string, section: string, key: string): string | undefined {
    let current = "";
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        const s = /^\[(.+)\]$/.exec(line);
        if (s) current = s[1];
        else if (current === section) {
            const m = /^([^=\s]+)\s*=\s*(.*)$/.exec(line);
            if (m && m[1] === key) return m[2];
        }
    }
    return undefined;
}
