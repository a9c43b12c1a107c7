// Config shared by the two roles that build VMs on OpenStack.
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader } from "../lib/config-reader";
import { loginNameProblem } from "../lib/vm-values";
import { sshPrivateKeyProblem } from "../lib/ssh-key";
import { readProjectFile } from "../harness/stack-files";

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
    // Read in this order: with several bad keys, the first is the one reported.
    const externalNetwork = r.openstackName("externalNetwork");
    const adminCidr = r.adminCidr("adminCidr");
    const image = r.openstackName("image", "debian-12");
    const flavor = r.openstackName("flavor", "m1.medium");
    const sshUser = r.checkedString("sshUser", loginNameProblem, "debian");
    const sshPublicKey = r.sshPublicKey("sshPublicKey");
    // The remote Commands log in with it, unattended: it must be the private half of sshPublicKey.
    const sshPrivateKey = r.requireSecret("sshPrivateKey", (plain) => sshPrivateKeyProblem(plain, sshPublicKey));
    return { externalNetwork, adminCidr, image, flavor, sshUser, sshPublicKey, sshPrivateKey };
}

/**
 * The project's keys, as Pulumi.yaml and stacks/config-keys.yaml declare them (read with the
 * plan harness's reader, their one parser): the CLI passes undeclared keys through unchecked.
 */
export function declaredConfigKeys(): string[] {
    return Object.keys(readProjectFile().config).filter((k) => !k.includes(":"));
}

export const TARGETS = ["openstack", "existing"] as const;
export type Target = (typeof TARGETS)[number];

export const DEFAULT_CIDRS = {
    swarmCidr: "10.100.100.0/24",
    clusterCidr: "10.100.101.0/24",
    apacheCidr: "10.100.102.0/24",
} as const;
