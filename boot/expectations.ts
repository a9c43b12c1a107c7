// What a guest should show, read from the very user-data it booted and from the plan: the
// hostname, the NIC names pinned by MAC, the pinned packages and holds, the networkd routes, the
// page, the sysctls. Pure: the checks compare the guest against these.
import { parse as parseYaml } from "yaml";
import { APACHE_PAGE_PATH } from "../stacks/k8s-cluster/cloud-init";
import { VmSpec } from "./vm-spec";

export interface Expectations {
    hostname: string;
    /** NIC name pinned by a .link file, by MAC. */
    pinned: { mac: string; name: string }[];
    /** Each NIC's name in the guest and its address. */
    addresses: { name: string; ip: string; mac: string }[];
    /** package -> version for `packages: [[name, version]]` entries. */
    pinnedPackages: Record<string, string>;
    /** Packages runcmd holds with apt-mark. */
    held: string[];
    /** Routes written as networkd [Route] sections: `dst via gw dev name`. */
    routes: { destination: string; gateway: string; dev: string }[];
    /** The page file and its planned content, if the user-data writes one. */
    page?: { path: string; content: string };
    /** sysctl key -> value written under /etc/sysctl.d. */
    sysctls: Record<string, string>;
    /** The user-data installs k3s by downloading its installer (needs the internet). */
    k3sDownload?: string;
    /** The rendered frr.conf's `router bgp` line and neighbor addresses, when the user-data writes one. */
    frr?: { routerBgp: string; neighbors: string[]; accepted: string[] };
}

function iniSections(text: string): { section: string; entries: [string, string][] }[] {
    const out: { section: string; entries: [string, string][] }[] = [];
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (!line || line.startsWith("#") || line.startsWith(";")) continue;
        const head = /^\[(.+)\]$/.exec(line);
        if (head) out.push({ section: head[1], entries: [] });
        else if (out.length > 0 && line.includes("="))
            out[out.length - 1].entries.push([
                line.slice(0, line.indexOf("=")).trim(),
                line.slice(line.indexOf("=") + 1).trim(),
            ]);
    }
    return out;
}

const value = (s: { entries: [string, string][] } | undefined, key: string) => s?.entries.find(([k]) => k === key)?.[1];

export function expectations(vm: VmSpec, addresses: Map<string, string>): Expectations {
    const doc = parseYaml(vm.userData) ?? {};
    const files: { path: string; content?: string }[] = doc.write_files ?? [];
    const pinned = files
        .filter((f) => f.path.endsWith(".link"))
        .map((f) => {
            const s = iniSections(f.content ?? "");
            return {
                mac: String(
                    value(
                        s.find((x) => x.section === "Match"),
                        "MACAddress",
                    ),
                ).toLowerCase(),
                name: String(
                    value(
                        s.find((x) => x.section === "Link"),
                        "Name",
                    ),
                ),
            };
        });
    const nameOf = (mac: string, index: number) =>
        pinned.find((p) => p.mac === mac.toLowerCase())?.name ?? `eth${index}`;
    const routes = files
        .filter((f) => f.path.endsWith(".network"))
        .flatMap((f) => {
            const s = iniSections(f.content ?? "");
            const mac = value(
                s.find((x) => x.section === "Match"),
                "MACAddress",
            )?.toLowerCase();
            const nic = vm.nics.find((n) => n.mac === mac);
            const dev = nic ? nameOf(nic.mac, nic.index) : "?";
            return s
                .filter((x) => x.section === "Route")
                .map((r) => ({
                    destination: String(value(r, "Destination")),
                    gateway: String(value(r, "Gateway")),
                    dev,
                }));
        });
    const pinnedPackages: Record<string, string> = {};
    for (const p of doc.packages ?? [])
        if (Array.isArray(p) && p.length === 2) pinnedPackages[String(p[0])] = String(p[1]);
    const runcmd: unknown[] = doc.runcmd ?? [];
    const held = runcmd
        .filter((c): c is string[] => Array.isArray(c) && c[0] === "apt-mark" && c[1] === "hold")
        .flatMap((c) => c.slice(2));
    const sysctls: Record<string, string> = {};
    for (const f of files.filter((x) => x.path.startsWith("/etc/sysctl.d/"))) {
        for (const line of (f.content ?? "").split("\n")) {
            const m = /^\s*([a-z0-9_.]+)\s*=\s*(\S+)\s*$/.exec(line);
            if (m) sysctls[m[1]] = m[2];
        }
    }
    const page = files.find((f) => f.path === APACHE_PAGE_PATH);
    const k3sDownload = /https:\/\/\S*k3s\S*/.exec(JSON.stringify(runcmd))?.[0]?.replace(/['\\].*$/, "");
    return {
        hostname: String(doc.hostname ?? vm.serverName),
        pinned,
        addresses: vm.nics.map((n) => ({ name: nameOf(n.mac, n.index), ip: addresses.get(n.mac) ?? "?", mac: n.mac })),
        pinnedPackages,
        held,
        routes,
        page: page && { path: page.path, content: page.content ?? "" },
        sysctls,
        k3sDownload,
        frr: frrOf(files.find((f) => f.path === "/etc/frr/frr.conf")?.content),
    };
}

/** The prefixes the guest imports from its routers (its FROM-ROUTERS prefix-list). */
export function acceptedPrefixes(frrConf: string): string[] {
    return [...frrConf.matchAll(/^ip prefix-list FROM-ROUTERS seq \d+ permit (\S+)/gm)].map((m) => m[1]);
}

function frrOf(conf: string | undefined): Expectations["frr"] {
    if (!conf) return undefined;
    const routerBgp = /^router bgp \d+/m.exec(conf)?.[0] ?? "router bgp ?";
    const neighbors = [...conf.matchAll(/^ neighbor (\d+\.\d+\.\d+\.\d+) /gm)].map((m) => m[1]);
    return { routerBgp, neighbors: [...new Set(neighbors)], accepted: acceptedPrefixes(conf) };
}
