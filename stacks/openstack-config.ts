// Config shared by the two roles that build VMs on OpenStack.
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader } from "../lib/config-reader";

export interface OpenStackVmConfig {
    externalNetwork: string;
    adminCidr: string;
    image: string;
    flavor: string;
    sshUser: string;
    sshPublicKey: string;
    sshPrivateKey: pulumi.Output<string>;
}

export function readOpenStackVmConfig(r: ConfigReader): OpenStackVmConfig {
    return {
        externalNetwork: r.string("externalNetwork"),
        adminCidr: r.adminCidr("adminCidr"),
        image: r.string("image", "debian-12"),
        flavor: r.string("flavor", "m1.medium"),
        sshUser: r.string("sshUser", "debian"),
        sshPublicKey: r.sshPublicKey("sshPublicKey"),
        sshPrivateKey: r.requireSecret("sshPrivateKey"),
    };
}

export const TARGETS = ["openstack", "existing"] as const;
export type Target = (typeof TARGETS)[number];

export const DEFAULT_CIDRS = {
    swarmCidr: "10.100.100.0/24",
    clusterCidr: "10.100.101.0/24",
    apacheCidr: "10.100.102.0/24",
} as const;
