// What one planned Instance is, as a guest: its exact user-data, its ports (MAC, fixed IP,
// subnet), the Nova keypair's public key and the instance-id. Pure: the planned resources with
// the mock provider's outputs in, a VmSpec out.
import { parse as parseYaml } from "yaml";
import { hostAddress } from "../lib/net";

export const TYPES = {
    instance: "openstack:compute/instance:Instance",
    port: "openstack:networking/port:Port",
    subnet: "openstack:networking/subnet:Subnet",
    keypair: "openstack:compute/keypair:Keypair",
} as const;

/** A planned resource with what the (mock) provider returned for it. */
export interface PlannedWithState {
    stack: string;
    type: string;
    name: string;
    id: string;
    /** Real inputs (secrets revealed). */
    inputs: Record<string, any>;
    /** The provider's outputs: a port's macAddress and allFixedIps, a subnet's gatewayIp. */
    state: Record<string, any>;
}

export interface SubnetSpec {
    name: string;
    cidr: string;
    networkId: string;
    /** Undefined: the subnet has no gateway (OpenStack offers no default route). */
    gateway?: string;
    hostRoutes: { destination: string; nextHop: string }[];
    /** An OpenStack tenant network on VXLAN: 1500 minus the 50-byte overlay header. */
    mtu: number;
}

export interface NicSpec {
    index: number;
    port: string;
    mac: string;
    /** The planned fixed IP; undefined when Neutron would pick one from the pool. */
    fixedIp?: string;
    subnet: SubnetSpec;
}

export type VmKind = "swarm-host" | "apache" | "k3s-server" | "k3s-agent" | "other";

export interface VmSpec {
    stack: string;
    /** The Instance's resource name in the plan: k8s-apache-1, swarm-manager-1. */
    resource: string;
    /** The Instance's `name` (Nova's server name). */
    serverName: string;
    instanceId: string;
    userData: string;
    /** The Nova keypair's public keys (meta-data public-keys). */
    publicKeys: string[];
    nics: NicSpec[];
    kind: VmKind;
    /** The user-data installs FRR (routing: bgp). */
    bgp: boolean;
}

export const TENANT_MTU = 1450;

function subnetSpec(s: PlannedWithState): SubnetSpec {
    return {
        name: s.name,
        cidr: s.state.cidr ?? s.inputs.cidr,
        networkId: s.inputs.networkId,
        gateway: s.state.gatewayIp ?? hostAddress(s.inputs.cidr, 1),
        hostRoutes: (s.inputs.hostRoutes ?? []).map((r: any) => ({
            destination: r.destinationCidr,
            nextHop: r.nextHop,
        })),
        mtu: TENANT_MTU,
    };
}

/** The kind from what the user-data does, not from its name. */
export function vmKind(userData: string): { kind: VmKind; bgp: boolean } {
    const doc = parseYaml(userData) ?? {};
    const names: string[] = (doc.packages ?? []).map((p: unknown) => (Array.isArray(p) ? String(p[0]) : String(p)));
    const bgp = names.includes("frr");
    const k3s = (doc.write_files ?? []).find((f: any) => f.path === "/etc/rancher/k3s/config.yaml");
    if (names.includes("docker.io")) return { kind: "swarm-host", bgp };
    if (names.includes("apache2")) return { kind: "apache", bgp };
    if (k3s) return { kind: /^\s*server:/m.test(k3s.content ?? "") ? "k3s-agent" : "k3s-server", bgp };
    return { kind: "other", bgp };
}

/** The guest for Instance `resource`; the error lists the Instances the plan has. */
export function vmSpec(resources: readonly PlannedWithState[], resource: string): VmSpec {
    const instances = resources.filter((r) => r.type === TYPES.instance);
    const inst = instances.find((r) => r.name === resource);
    if (!inst)
        throw new Error(
            `no Instance ${resource} in the plan; it has: ${instances.map((i) => i.name).join(", ") || "none"}`,
        );
    const sameStack = resources.filter((r) => r.stack === inst.stack);
    const userData = String(inst.inputs.userData ?? "");
    if (!userData) throw new Error(`Instance ${resource} has no user-data in the plan`);
    const nics = (inst.inputs.networks ?? []).map((n: any, index: number): NicSpec => {
        const port = resources.find((r) => r.type === TYPES.port && r.id === n.port);
        if (!port)
            throw new Error(`Instance ${resource}: network ${index} is not on a planned port (${JSON.stringify(n)})`);
        const subnets = resources.filter(
            (r) => r.type === TYPES.subnet && r.inputs.networkId === port.inputs.networkId,
        );
        if (subnets.length !== 1)
            throw new Error(
                `port ${port.name}: expected one subnet on network ${port.inputs.networkId}, found ${subnets.length}`,
            );
        return {
            index,
            port: port.name,
            mac: port.state.macAddress,
            fixedIp: port.state.allFixedIps?.[0],
            subnet: subnetSpec(subnets[0]),
        };
    });
    if (nics.length === 0) throw new Error(`Instance ${resource} has no ports`);
    // Under mocks the Keypair's name output is unknown, so the Instance's keyPair input is empty;
    // OpenStack would give the stack's keypair, the only one it creates.
    const keypairs = sameStack.filter((r) => r.type === TYPES.keypair);
    const wanted = inst.inputs.keyPair;
    const keypair =
        keypairs.find((k) => wanted && (k.state.name === wanted || k.name === wanted)) ??
        (keypairs.length === 1 ? keypairs[0] : undefined);
    return {
        stack: inst.stack,
        resource,
        serverName: String(inst.inputs.name ?? resource),
        instanceId: inst.id,
        userData,
        publicKeys: keypair ? [String(keypair.inputs.publicKey)] : [],
        nics,
        ...vmKind(userData),
    };
}

/** Neutron's pick for ports planned without an address: the pool's free addresses from the top, stable per MAC order. */
export function assignAddresses(vms: readonly VmSpec[]): Map<string, string> {
    const byMac = new Map<string, string>();
    const used = new Set(vms.flatMap((v) => v.nics.map((n) => n.fixedIp)).filter((x): x is string => !!x));
    for (const nic of vms.flatMap((v) => v.nics)) {
        if (nic.fixedIp) {
            byMac.set(nic.mac, nic.fixedIp);
            continue;
        }
        for (let host = 200; host > 1; host--) {
            const ip = hostAddress(nic.subnet.cidr, host);
            if (!used.has(ip)) {
                used.add(ip);
                byMac.set(nic.mac, ip);
                break;
            }
        }
    }
    return byMac;
}
