// Provider outputs for the mock runtime, computed the way the clouds would: ids, fixed IPs
// allocated from the subnet, access IPs and floating IPs; not echoes of the inputs.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { cidrContains, hostAddress, hostCount } from "../lib/net";
import { commandStdout } from "./mock-commands";

type State = Record<string, any>;

/** A stable UUID-looking id, so plans are deterministic run to run. */
export function mockId(type: string, name: string): string {
    const h = crypto.createHash("sha1").update(`${type}::${name}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** TEST-NET-3 (RFC 5737): documentation addresses stand in for floating IPs. */
const FLOATING_POOL = "203.0.113.0/24";
/** Neutron hands out fixed IPs from the allocation pool; ours starts above the gateway. */
const FIRST_DHCP_HOST = 10;

export interface StackReferenceSource {
    /** Outputs and secret output names of an already planned stack, by its full name. */
    stackOutputs(fullName: string): { outputs: Record<string, unknown>; secretOutputNames: string[] };
}

export class PlanMocks implements pulumi.runtime.Mocks {
    private readonly subnets = new Map<string, { cidr: string; networkId: string; used: Set<string> }>();
    private readonly portIps = new Map<string, string[]>();
    private floating = 0;

    /** Output names the next registration asked to keep secret (set by the plan's monitor hook). */
    secretOutputs: string[] = [];

    /** `floatingIpsInUse`: addresses earlier stacks of the same plan already hold (one cloud). */
    constructor(
        private readonly refs: StackReferenceSource,
        floatingIpsInUse = 0,
    ) {
        this.floating = floatingIpsInUse;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        const secret = this.secretOutputs;
        this.secretOutputs = [];
        const result = this.compute(args);
        for (const key of secret) {
            if (key in result.state) result.state[key] = pulumi.secret(result.state[key]);
        }
        return result;
    }

    private compute(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        const id = mockId(args.type, args.name);
        const inputs: State = args.inputs ?? {};
        switch (args.type) {
            case "pulumi:pulumi:StackReference": {
                const name = inputs.name as string;
                return { id: name, state: { name, ...this.refs.stackOutputs(name) } };
            }
            case "openstack:networking/subnet:Subnet": {
                this.subnets.set(id, { cidr: inputs.cidr, networkId: inputs.networkId, used: new Set() });
                const gatewayIp = inputs.gatewayIp ?? hostAddress(inputs.cidr, 1);
                return { id, state: { ...inputs, gatewayIp, ipVersion: 4, enableDhcp: inputs.enableDhcp ?? true } };
            }
            case "openstack:networking/port:Port": {
                const fixedIps = (inputs.fixedIps ?? []).map((f: State) => ({
                    ...f,
                    ipAddress: this.allocate(f.subnetId, f.ipAddress),
                }));
                this.portIps.set(
                    id,
                    fixedIps.map((f: State) => f.ipAddress),
                );
                return {
                    id,
                    state: {
                        ...inputs,
                        fixedIps,
                        allFixedIps: fixedIps.map((f: State) => f.ipAddress),
                        macAddress: mac(id),
                    },
                };
            }
            case "openstack:compute/instance:Instance": {
                const networks = (inputs.networks ?? []).map((n: State) => ({ ...n, fixedIpV4: this.instanceIp(n) }));
                return {
                    id,
                    state: { ...inputs, networks, accessIpV4: networks[0]?.fixedIpV4 ?? "", powerState: "active" },
                };
            }
            case "openstack:networking/floatingIp:FloatingIp":
                return { id, state: { ...inputs, address: hostAddress(FLOATING_POOL, 10 + this.floating++) } };
            case "openstack:networking/network:Network":
            case "openstack:networking/router:Router":
            case "openstack:networking/secGroup:SecGroup":
                return { id, state: { ...inputs, name: inputs.name ?? args.name } };
            case "command:remote:Command":
                return { id, state: { ...inputs, stdout: commandStdout(inputs), stderr: "" } };
            default:
                if (args.type.startsWith("kubernetes:")) return { id, state: kubernetesState(inputs, args.name) };
                return { id, state: inputs };
        }
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        switch (args.token) {
            case "openstack:networking/getNetwork:getNetwork":
                return {
                    id: mockId("external-network", args.inputs.name ?? "external"),
                    name: args.inputs.name,
                    external: true,
                };
            default:
                return args.inputs;
        }
    }

    private allocate(subnetId: string, wanted?: string): string {
        const subnet = this.subnets.get(subnetId);
        if (!subnet) throw new Error(`mock: port on unknown subnet ${subnetId}`);
        if (wanted) {
            if (!cidrContains(subnet.cidr, wanted))
                throw new Error(`mock: fixed IP ${wanted} is outside subnet ${subnet.cidr}`);
            if (subnet.used.has(wanted))
                throw new Error(`mock: fixed IP ${wanted} is already in use on ${subnet.cidr}`);
            subnet.used.add(wanted);
            return wanted;
        }
        // Neutron's default pool is every host but the gateway (.1); FIRST_DHCP_HOST and up go
        // first so the plans keep their addresses, and a small subnet still fits what Neutron fits.
        const hosts = Array.from({ length: hostCount(subnet.cidr) - 1 }, (_, i) => i + 2);
        for (const n of [...hosts.filter((h) => h >= FIRST_DHCP_HOST), ...hosts.filter((h) => h < FIRST_DHCP_HOST)]) {
            const ip = hostAddress(subnet.cidr, n);
            if (!subnet.used.has(ip)) {
                subnet.used.add(ip);
                return ip;
            }
        }
        throw new Error(`mock: subnet ${subnet.cidr} is full`);
    }

    private instanceIp(network: State): string {
        if (network.port) return this.portIps.get(network.port)?.[0] ?? "";
        const subnet = [...this.subnets.entries()].find(([, s]) => s.networkId === network.uuid);
        return subnet ? this.allocate(subnet[0], network.fixedIpV4) : "";
    }
}

function mac(id: string): string {
    return "fa:16:3e:" + id.replace(/-/g, "").slice(0, 6).match(/../g)!.join(":");
}

function kubernetesState(inputs: State, name: string): State {
    const metadata = { name, ...(inputs.metadata ?? {}), uid: mockId("k8s-uid", name) };
    return { ...inputs, metadata };
}
