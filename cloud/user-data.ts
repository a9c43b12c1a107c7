// Planned user-data against what Nova stored. The mock-runtime plan cannot know what the cloud
// assigns (port MACs, floating IPs, addresses Neutron allocates), so the two texts are compared
// token by token: everything but MACs and IPv4 addresses must be identical, every planned value
// must stand for one real value everywhere (and no two for the same), and the addresses the
// program chose itself (fixed IPs, gateways) must be exactly as planned.
const TOKEN = /([0-9a-f]{2}(?::[0-9a-f]{2}){5})|(\b\d{1,3}(?:\.\d{1,3}){3}\b)/gi;

function split(text: string): { parts: string[]; tokens: string[] } {
    const parts: string[] = [];
    const tokens: string[] = [];
    let last = 0;
    for (const m of text.matchAll(TOKEN)) {
        parts.push(text.slice(last, m.index));
        tokens.push(m[0].toLowerCase());
        last = m.index! + m[0].length;
    }
    parts.push(text.slice(last));
    return { parts, tokens };
}

/** Shared across every server of a run: a planned value must mean the same real one in all of them. */
export class ValueMapping {
    private readonly forward = new Map<string, string>();
    private readonly backward = new Map<string, string>();
    constructor(private readonly fixed: ReadonlySet<string>) {}

    /** Problems (empty when the actual text is the planned one with the cloud's values in). */
    compare(server: string, planned: string, actual: string): string[] {
        const p = split(planned);
        const a = split(actual);
        if (p.tokens.length !== a.tokens.length || p.parts.some((s, i) => s !== a.parts[i])) {
            const line = firstDifferentLine(planned, actual);
            return [
                `${server}: user-data differs beyond the cloud's values at line ${line.n}: planned ${JSON.stringify(line.planned)}, stored ${JSON.stringify(line.actual)}`,
            ];
        }
        const problems: string[] = [];
        p.tokens.forEach((pv, i) => {
            const av = a.tokens[i];
            if (this.fixed.has(pv) && av !== pv)
                problems.push(`${server}: ${pv} is chosen by the program but Nova holds ${av}`);
            const f = this.forward.get(pv);
            const b = this.backward.get(av);
            if (f !== undefined && f !== av) problems.push(`${server}: planned ${pv} is ${f} elsewhere but ${av} here`);
            if (b !== undefined && b !== pv) problems.push(`${server}: ${av} stands for both ${b} and ${pv}`);
            this.forward.set(pv, av);
            this.backward.set(av, pv);
        });
        return problems;
    }
}

/** The first line that differs once MACs and addresses are masked (those may differ). */
function firstDifferentLine(a: string, b: string): { n: number; planned: string; actual: string } {
    const x = a.split("\n");
    const y = b.split("\n");
    const mask = (l: string | undefined) => (l ?? "").replace(TOKEN, "*");
    for (let i = 0; i < Math.max(x.length, y.length); i++)
        if (mask(x[i]) !== mask(y[i])) return { n: i + 1, planned: x[i] ?? "", actual: y[i] ?? "" };
    return { n: 0, planned: "", actual: "" };
}

/** The addresses a plan fixes itself: requested fixed IPs and subnet gateways. */
export function programChosenAddresses(resources: { type: string; inputs: Record<string, unknown> }[]): Set<string> {
    const out = new Set<string>();
    for (const r of resources) {
        const i = r.inputs as { fixedIps?: { ipAddress?: string }[]; gatewayIp?: string };
        if (r.type === "openstack:networking/port:Port")
            for (const f of i.fixedIps ?? []) if (f.ipAddress) out.add(f.ipAddress);
        if (r.type === "openstack:networking/subnet:Subnet" && i.gatewayIp) out.add(i.gatewayIp);
    }
    return out;
}
