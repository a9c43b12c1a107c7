// Typed, validated config of the k8s-cluster role. Read once, at the edge.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../lib/errors";
import { ConfigReader, requireDisjoint } from "../../lib/config-reader";
import { cidrContains } from "../../lib/net";
import { DEFAULT_CIDRS, OpenStackVmConfig, readOpenStackVmConfig, TARGETS } from "../openstack-config";

export interface K8sOpenStackConfig extends OpenStackVmConfig {
    target: "openstack";
    clusterCidr: string;
    apacheCidr: string;
    /** Only used to open HTTP to the Apache VMs and to route replies back through the router. */
    swarmCidr: string;
    workerCount: number;
    apacheCount: number;
    apacheFlavor: string;
    k3sVersion: string;
}

export interface K8sExistingConfig {
    target: "existing";
    clusterCidr: string;
    apacheCidr: string;
    clusterNetworkId: string;
    kubeconfig: pulumi.Output<string>;
    routerHost: string;
    apacheIps: string[];
}

export type K8sClusterConfig = K8sOpenStackConfig | K8sExistingConfig;

/** k3s: a CNCF-certified conformant distribution in one pinned binary, installable by cloud-init. */
const K3S_VERSION = /^v1\.\d+\.\d+\+k3s\d+$/;

export function readK8sClusterConfig(r: ConfigReader): K8sClusterConfig {
    const target = r.oneOf("target", TARGETS, "openstack");
    const clusterCidr = r.cidr("clusterCidr", DEFAULT_CIDRS.clusterCidr);
    const apacheCidr = r.cidr("apacheCidr", DEFAULT_CIDRS.apacheCidr);

    if (target === "existing") {
        requireDisjoint({ [r.name("clusterCidr")]: clusterCidr, [r.name("apacheCidr")]: apacheCidr });
        const routerHost = r.ipv4("routerHost");
        if (!cidrContains(clusterCidr, routerHost)) {
            throw new ConfigError(r.name("routerHost"), routerHost, `is not inside ${r.name("clusterCidr")} ${clusterCidr}`);
        }
        const apacheIps = r.ipv4List("apacheIps", 1, 20);
        for (const ip of apacheIps) {
            if (!cidrContains(apacheCidr, ip)) throw new ConfigError(r.name("apacheIps"), ip, `is not inside ${r.name("apacheCidr")} ${apacheCidr}`);
        }
        return {
            target,
            clusterCidr,
            apacheCidr,
            clusterNetworkId: r.string("clusterNetworkId", "existing"),
            kubeconfig: r.requireSecret("kubeconfig"),
            routerHost,
            apacheIps,
        };
    }

    const swarmCidr = r.cidr("swarmCidr", DEFAULT_CIDRS.swarmCidr);
    requireDisjoint({ [r.name("clusterCidr")]: clusterCidr, [r.name("apacheCidr")]: apacheCidr, [r.name("swarmCidr")]: swarmCidr });
    const k3sVersion = r.string("k3sVersion", "v1.31.6+k3s1");
    if (!K3S_VERSION.test(k3sVersion)) throw new ConfigError(r.name("k3sVersion"), k3sVersion, "is not a pinned k3s release like v1.31.6+k3s1");
    return {
        target,
        ...readOpenStackVmConfig(r),
        clusterCidr,
        apacheCidr,
        swarmCidr,
        workerCount: r.int("workerCount", 0, 0, 10),
        apacheCount: r.int("apacheCount", 2, 1, 20),
        apacheFlavor: r.string("apacheFlavor", "m1.small"),
        k3sVersion,
    };
}
