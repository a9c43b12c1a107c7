// The NoCloud seed of a guest: the user-data exactly as planned, meta-data as Nova's metadata
// would give it (instance-id, hostname, the keypair's public-keys), network-config as cloud-init
// derives it from OpenStack's network_data.json (DHCP on every port, named by MAC), and
// vendor-data for whatever the harness adds (the apt proxy). Pure but for writeSeedImage.
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { stringify } from "yaml";
import { VmSpec } from "./vm-spec";

export interface SeedFiles {
    "user-data": string;
    "meta-data": string;
    "network-config": string;
    "vendor-data": string;
}

export function metaData(vm: VmSpec): string {
    const doc: Record<string, unknown> = { "instance-id": vm.instanceId, "local-hostname": vm.serverName };
    if (vm.publicKeys.length > 0) doc["public-keys"] = vm.publicKeys;
    return stringify(doc);
}

/**
 * network_data.json's links and ipv4_dhcp networks as cloud-init's OpenStack source converts them
 * (convert_net_json): one physical entry per port, matched by MAC and named as the kernel named it
 * (eth<N> in port order with net.ifnames=0), DHCP v4. The MTU is left to DHCP, the thing under test.
 */
export function networkConfig(vm: VmSpec): string {
    const config = vm.nics.map((n) => ({
        type: "physical",
        name: `eth${n.index}`,
        mac_address: n.mac,
        subnets: [{ type: "dhcp4" }],
    }));
    return stringify({ version: 1, config });
}

/** Harness additions only: apt through the host's proxy (the guest has no other way out). */
export function vendorData(aptProxy: string): string {
    return "#cloud-config\n" + stringify({ apt: { proxy: aptProxy } });
}

export function seedFiles(vm: VmSpec, aptProxy: string): SeedFiles {
    return {
        "user-data": vm.userData,
        "meta-data": metaData(vm),
        "network-config": networkConfig(vm),
        "vendor-data": vendorData(aptProxy),
    };
}

/** A small vfat volume labelled CIDATA, which cloud-init's NoCloud source looks for. */
export function writeSeedImage(dir: string, files: SeedFiles): string {
    const image = path.join(dir, "seed.img");
    const staged = path.join(dir, "seed");
    fs.mkdirSync(staged, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(staged, name), text);
    fs.rmSync(image, { force: true });
    execFileSync("mkfs.vfat", ["-n", "CIDATA", "-C", image, "2048"], { stdio: "ignore" });
    execFileSync("mcopy", ["-i", image, ...Object.keys(files).map((n) => path.join(staged, n)), "::"]);
    return image;
}
