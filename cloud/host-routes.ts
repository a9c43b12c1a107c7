// The external network's `unreachable` route must not cut this machine off from the package
// registries it installs from. On some machines a registry proxy lives inside 203.0.113.0/24
// (TEST-NET-3), so such an address keeps a host route through the default gateway; `down`
// removes exactly the routes `up` added.
import * as dns from "dns";
import * as fs from "fs";
import { cidrContains } from "../lib/net";
import { run } from "../lab/sh";

/** The registries the project installs from (apt's hosts are read from its sources too). */
export const REGISTRY_HOSTS = [
    "deb.debian.org",
    "security.debian.org",
    "pypi.org",
    "files.pythonhosted.org",
    "registry.npmjs.org",
    "proxy.golang.org",
    "sum.golang.org",
] as const;

/** Host names in apt's sources (one-line and deb822 formats). */
export function aptSourceHosts(sourcesText: string): string[] {
    const live = sourcesText
        .split("\n")
        .filter((l) => !l.trimStart().startsWith("#"))
        .join("\n");
    const hosts = [...live.matchAll(/\bhttps?:\/\/([A-Za-z0-9.-]+)/g)].map((m) => m[1].toLowerCase());
    return [...new Set(hosts)];
}

/** The addresses inside `cidr` that need a host route to stay reachable, sorted and unique. */
export function addressesToKeep(addresses: readonly string[], cidr: string): string[] {
    return [...new Set(addresses.filter((a) => cidrContains(cidr, a)))].sort();
}

function readAptSources(): string {
    const files = ["/etc/apt/sources.list"];
    const dir = "/etc/apt/sources.list.d";
    if (fs.existsSync(dir)) files.push(...fs.readdirSync(dir).map((f) => `${dir}/${f}`));
    return files
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f, "utf8"))
        .join("\n");
}

async function lookupAll(host: string): Promise<string[]> {
    try {
        return (await dns.promises.lookup(host, { all: true, family: 4 })).map((a) => a.address);
    } catch {
        return []; // a name this machine cannot resolve needs no route
    }
}

/** Adds a host route via the default gateway for every registry address inside `cidr`; returns them. */
export async function keepRegistriesReachable(cidr: string): Promise<string[]> {
    const hosts = [...REGISTRY_HOSTS, ...aptSourceHosts(readAptSources())];
    const keep = addressesToKeep((await Promise.all(hosts.map(lookupAll))).flat(), cidr);
    if (keep.length === 0) return [];
    const [def] = JSON.parse((await run(["ip", "-j", "route", "show", "default"])).stdout || "[]") as {
        gateway?: string;
        dev: string;
    }[];
    if (!def)
        throw new Error(`registry addresses ${keep.join(", ")} are inside ${cidr}, and there is no default route`);
    for (const a of keep) {
        await run(["ip", "route", "replace", `${a}/32`, ...(def.gateway ? ["via", def.gateway] : []), "dev", def.dev]);
    }
    return keep;
}
