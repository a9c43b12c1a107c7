// The quota arithmetic: what the stacks' planned resources use of a project's compute and network
// quotas. Pure: resource counts in, quota values out; `up` raises the project to fit them.
import { FLAVORS } from "./layout";

export interface PlannedUse {
    type: string;
    /** The Instance's flavorName, for cores and RAM. */
    flavor?: string;
}

export interface Quotas {
    compute: { instances: number; cores: number; ram: number; key_pairs: number };
    network: {
        networks: number;
        subnets: number;
        ports: number;
        routers: number;
        floating_ips: number;
        security_groups: number;
        security_group_rules: number;
    };
}

const T = {
    instance: "openstack:compute/instance:Instance",
    keypair: "openstack:compute/keypair:Keypair",
    network: "openstack:networking/network:Network",
    subnet: "openstack:networking/subnet:Subnet",
    router: "openstack:networking/router:Router",
    routerInterface: "openstack:networking/routerInterface:RouterInterface",
    port: "openstack:networking/port:Port",
    floatingIp: "openstack:networking/floatingIp:FloatingIp",
    secGroup: "openstack:networking/secGroup:SecGroup",
    secGroupRule: "openstack:networking/secGroupRule:SecGroupRule",
};

/** Neutron gives every new group two egress rules (IPv4, IPv6); the project's `default` group has four. */
export const DEFAULT_EGRESS_RULES_PER_GROUP = 2;
export const DEFAULT_GROUP_RULES = 4;

export function quotasFor(resources: PlannedUse[]): Quotas {
    const count = (type: string) => resources.filter((r) => r.type === type).length;
    const instances = resources.filter((r) => r.type === T.instance);
    const flavorOf = (r: PlannedUse) => {
        const f = FLAVORS.find((x) => x.name === r.flavor);
        if (!f)
            throw new Error(
                `an instance uses flavor ${JSON.stringify(r.flavor)}, which the cloud does not create (${FLAVORS.map((x) => x.name).join(", ")})`,
            );
        return f;
    };
    const groups = count(T.secGroup);
    return {
        compute: {
            instances: instances.length,
            cores: instances.reduce((n, r) => n + flavorOf(r).vcpus, 0),
            ram: instances.reduce((n, r) => n + flavorOf(r).ramMb, 0),
            key_pairs: count(T.keypair),
        },
        network: {
            networks: count(T.network),
            subnets: count(T.subnet),
            routers: count(T.router),
            // A router interface is a port of the project's own (device_owner network:router_interface).
            ports: count(T.port) + count(T.routerInterface),
            floating_ips: count(T.floatingIp),
            security_groups: groups + 1,
            security_group_rules: count(T.secGroupRule) + DEFAULT_EGRESS_RULES_PER_GROUP * groups + DEFAULT_GROUP_RULES,
        },
    };
}

/** Quotas for several sets of stacks standing at once. */
export function addQuotas(...qs: Quotas[]): Quotas {
    const sum = <K extends keyof Quotas>(k: K) =>
        Object.fromEntries(
            Object.keys(qs[0][k]).map((key) => [
                key,
                qs.reduce((n, q) => n + (q[k] as Record<string, number>)[key], 0),
            ]),
        ) as Quotas[K];
    return { compute: sum("compute"), network: sum("network") };
}

/** The table `up` prints: each quota as it was, what the stacks need, and what it is now. */
export function quotaTable(before: Quotas, need: Quotas, after: Quotas): string {
    const rows: string[] = [
        `${"quota".padEnd(28)}${"before".padStart(8)}${"needed".padStart(8)}${"after".padStart(8)}`,
    ];
    for (const k of ["compute", "network"] as const) {
        for (const key of Object.keys(need[k])) {
            const get = (q: Quotas) => String((q[k] as Record<string, number>)[key]);
            rows.push(
                `${`${k}.${key}`.padEnd(28)}${get(before).padStart(8)}${get(need).padStart(8)}${get(after).padStart(8)}`,
            );
        }
    }
    return rows.join("\n");
}
