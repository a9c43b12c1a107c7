// The outputs of the three stack roles: names, TypeScript types, secrecy and a shape check.
// Producers export through `exportOutputs`, consumers read through `ContractReference`, so a
// renamed or reshaped output fails the type-check and the tests, not a deployment.
import * as pulumi from "@pulumi/pulumi";
import { isCidr as isCidrText, isIpv4 } from "./net";
import { Routing, routingProblem, ROUTER_COUNT } from "./routing";
import { Role } from "./stacks";
import { SECRET_MARK } from "./secret-mark";

// The roles are defined with the stack names and their order; re-exported for existing callers.
export { ROLES } from "./stacks";
export type { Role } from "./stacks";

export interface K8sClusterOutputs {
    kubeconfig: string;
    clusterUrl: string;
    clusterNetwork: { id: string; cidr: string };
    /** routerHosts[0]: kept so consumers of one router keep working. */
    routerHost: string;
    apacheInfo: { network: string; ips: string[] };
    /** Every router node's address on the cluster network (the swarm hosts peer with each in bgp mode). */
    routerHosts: string[];
    /** How hosts reach the routers: static routes to routerHost, or BGP with BFD to every routerHosts. */
    routing: Routing;
    /** The BGP sessions' TCP-MD5 password; "" when unset or in static mode. */
    bgpPassword: string;
}

export interface SwarmClusterOutputs {
    dockerHost: string;
    managerIp: string;
    swarmNetwork: { cidr: string };
    nodeIps: string[];
    /** The load balancer's published port, opened to clientCidr by the swarm stack. */
    lbPort: number;
}

export interface ServiceChainOutputs {
    loadBalancerUrl: string;
    routes: string[];
    backends: string[];
}

/** Returns a problem description, or undefined when the value has the right shape. */
type Check = (value: unknown) => string | undefined;

export interface OutputSpec {
    secret: boolean;
    check: Check;
}

export interface Contract<T> {
    role: Role;
    outputs: { [K in keyof T]-?: OutputSpec };
}

const str: Check = (v) => (typeof v === "string" && v !== "" ? undefined : "is not a non-empty string");
const ipv4: Check = (v) => (typeof v === "string" && isIpv4(v) ? undefined : "is not an IPv4 address");
const ipv4List: Check = (v) =>
    Array.isArray(v) && v.every((x) => typeof x === "string" && isIpv4(x))
        ? undefined
        : "is not a list of IPv4 addresses";
const strList: Check = (v) =>
    Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "is not a list of strings";
const port: Check = (v) =>
    Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536 ? undefined : "is not a TCP port";
const object =
    (fields: Record<string, Check>): Check =>
    (v) => {
        if (typeof v !== "object" || v === null) return "is not an object";
        for (const [k, check] of Object.entries(fields)) {
            const problem = check((v as Record<string, unknown>)[k]);
            if (problem) return `has field ${k} that ${problem}`;
        }
        return undefined;
    };
const cidr: Check = (v) => (typeof v === "string" && isCidrText(v) ? undefined : "is not a CIDR");
const plain = (check: Check): OutputSpec => ({ secret: false, check });
const anyString: Check = (v) => (typeof v === "string" ? undefined : "is not a string");
const routerHostList: Check = (v) =>
    ipv4List(v) ??
    (Array.isArray(v) && v.length >= ROUTER_COUNT.min && v.length <= ROUTER_COUNT.max
        ? undefined
        : `does not list ${ROUTER_COUNT.min}-${ROUTER_COUNT.max} routers`);

export const k8sClusterContract: Contract<K8sClusterOutputs> = {
    role: "k8s-cluster",
    outputs: {
        kubeconfig: { secret: true, check: str },
        clusterUrl: plain((v) =>
            typeof v === "string" && /^https:\/\/[^/]+/.test(v) ? undefined : "is not an https:// URL",
        ),
        clusterNetwork: plain(object({ id: str, cidr })),
        routerHost: plain(ipv4),
        apacheInfo: plain(object({ network: cidr, ips: ipv4List })),
        routerHosts: plain(routerHostList),
        routing: plain(routingProblem),
        bgpPassword: { secret: true, check: anyString },
    },
};

export const swarmClusterContract: Contract<SwarmClusterOutputs> = {
    role: "swarm-cluster",
    outputs: {
        dockerHost: plain((v) =>
            typeof v === "string" && /^(ssh|unix):\/\/.+/.test(v)
                ? undefined
                : "is not an ssh:// or unix:// Docker host",
        ),
        managerIp: plain(ipv4),
        swarmNetwork: plain(object({ cidr })),
        nodeIps: plain(ipv4List),
        lbPort: plain(port),
    },
};

export const serviceChainContract: Contract<ServiceChainOutputs> = {
    role: "service-chain",
    outputs: {
        loadBalancerUrl: plain(str),
        routes: plain(strList),
        backends: plain(strList),
    },
};

export const CONTRACTS = {
    "k8s-cluster": k8sClusterContract,
    "swarm-cluster": swarmClusterContract,
    "service-chain": serviceChainContract,
} as const;

export type OutputValues<T> = { [K in keyof T]: pulumi.Input<T[K]> };
export type StackOutputs<T> = { [K in keyof T]: pulumi.Output<T[K]> };

/** What a producer stack exports: every contract output, secret ones wrapped as secrets. */
export function exportOutputs<T>(contract: Contract<T>, values: OutputValues<T>): StackOutputs<T> {
    const out = {} as StackOutputs<T>;
    for (const key of Object.keys(contract.outputs) as (keyof T)[]) {
        const value = pulumi.output(values[key]) as unknown as pulumi.Output<T[typeof key]>;
        out[key] = contract.outputs[key].secret
            ? (pulumi.secret(value) as unknown as pulumi.Output<T[typeof key]>)
            : value;
    }
    return out;
}

/** A consumer's view of a producer stack, read only through the contract. */
export class ContractReference<T> {
    readonly ref: pulumi.StackReference;

    constructor(
        readonly stackName: string,
        private readonly contract: Contract<T>,
        opts?: pulumi.CustomResourceOptions,
    ) {
        this.ref = new pulumi.StackReference(stackName, { name: stackName }, opts);
    }

    /**
     * The output's value now, for decisions about which resources to declare (e.g. the routing
     * mode). A StackReference's outputs are known at preview, since they come from the other
     * stack's state; Pulumi's getOutputDetails is the sanctioned way to read one as a plain value.
     */
    async requireNow<K extends keyof T & string>(key: K): Promise<T[K]> {
        const details = await this.ref.getOutputDetails(key);
        return this.checked(key, details.secretValue ?? details.value);
    }

    private checked<K extends keyof T & string>(key: K, value: unknown): T[K] {
        const spec = this.contract.outputs[key];
        const problem = spec.check(value);
        if (problem) {
            throw new Error(
                `stack ${this.stackName} (${this.contract.role}): output ${key} ${problem}: ${spec.secret ? SECRET_MARK : JSON.stringify(value)}`,
            );
        }
        return value as T[K];
    }

    /** Fails, naming the stack and the output, when the output is missing or has the wrong shape. */
    require<K extends keyof T & string>(key: K): pulumi.Output<T[K]> {
        return this.ref.requireOutput(key).apply((value: unknown) => this.checked(key, value));
    }
}
