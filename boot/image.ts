// The guest image: Debian 12 built by mmdebstrap from Debian's packages, with the package set and
// network stack of Debian's official genericcloud image (debian-cloud-images config_space, see
// docs/boot.md), cached outside the clone under a key made of the package versions.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";

export const SUITE = "bookworm";
export const MIRRORS = [
    "deb http://deb.debian.org/debian bookworm main",
    "deb http://deb.debian.org/debian bookworm-updates main",
    "deb http://deb.debian.org/debian-security bookworm-security main",
];

/** config_space package_config classes of a bookworm genericcloud amd64 image, by where each comes from. */
export const GENERICCLOUD_PACKAGES: Record<string, string[]> = {
    // bookworm/package_config/SYSTEM_BOOT (libnss-resolve is removed there for bookworm).
    SYSTEM_BOOT: [
        "sudo",
        "libpam-systemd",
        "systemd-resolved",
        "libnss-myhostname",
        "netplan.io",
        "polkitd",
        "unattended-upgrades",
        "apparmor",
        "zstd",
        "apt-utils",
        "init",
        "iptables",
        "iputils-ping",
        "less",
        "nano",
        "netbase",
        "vim-tiny",
        "whiptail",
        "chrony",
    ],
    // bookworm/package_config/CLOUD and package_config/CLOUD.
    CLOUD: ["openssh-server", "ssh-import-id", "cloud-initramfs-growroot", "cloud-guest-utils", "dbus"],
    // package_config/GENERIC, without ifenslave and vlan: ifenslave Depends on ifupdown, and with
    // ifupdown present cloud-init 22.4 renders ENI (its renderer priority puts eni first), not
    // the netplan + networkd the bookworm images run (docs/boot.md).
    GENERIC: ["cloud-init", "bridge-utils"],
    // genericcloud's kernel (LINUX_IMAGE_CLOUD).
    KERNEL: ["linux-image-cloud-amd64"],
    // Ours: a generated locale (cloud-init's locale module fails without one).
    HARNESS: ["locales"],
};

export const IMAGE_PACKAGES = Object.values(GENERICCLOUD_PACKAGES).flat();
/** The disk the guests boot: one ext4 partition, as the official image has (growpart finds nothing to do). */
export const DISK_SIZE_MIB = 6144;
const PART_START_SECTOR = 2048;
/** The kernel command line the official image's grub gives (net.ifnames=0: config_space CLOUD) with our root. */
export const KERNEL_CMDLINE = "root=/dev/vda1 rw console=ttyS0,115200 net.ifnames=0 consoleblank=0";

export const CACHE_ROOT = process.env.HVNF_BOOT_CACHE ?? path.join(os.homedir(), ".cache", "hybrid-vnf", "guest-image");

export interface GuestImage {
    dir: string;
    disk: string;
    kernel: string;
    initrd: string;
    key: string;
}

// Run inside the tree after the packages are in; each line says why.
export const CUSTOMIZE_HOOKS = [
    // cloud-init's locale module sets en_US.UTF-8 and fails if it is not generated.
    'echo "en_US.UTF-8 UTF-8" > "$1/etc/locale.gen" && chroot "$1" locale-gen',
    // config_space SYSTEM_BOOT/20-enable-systemd-resolved: networkd (netplan's renderer) and resolved.
    'chroot "$1" systemctl enable systemd-networkd.service systemd-resolved.service',
    'ln -sf /run/systemd/resolve/resolv.conf "$1/etc/resolv.conf"',
    'echo "/dev/vda1 / ext4 rw,discard,errors=remount-ro 0 1" > "$1/etc/fstab"',
    // config_space LAST/10-cleanup: each instance makes its own host keys and machine-id.
    'rm -f "$1"/etc/ssh/ssh_host_* && : > "$1/etc/machine-id" && rm -f "$1/etc/hostname"',
];

/** The key of an image: the recipe and the candidate version of every package it names (as apt sees them now). */
export function imageKey(recipe: string, versions: Record<string, string>): string {
    const lines = Object.keys(versions)
        .sort()
        .map((p) => `${p}=${versions[p]}`);
    return crypto.createHash("sha256").update(recipe).update(lines.join("\n")).digest("hex").slice(0, 16);
}

/** `apt-cache policy` output to {package: candidate}; a package without a candidate is an error naming it. */
export function candidateVersions(policyOutput: string, packages: readonly string[]): Record<string, string> {
    const out: Record<string, string> = {};
    let current: string | undefined;
    for (const line of policyOutput.split("\n")) {
        const head = /^(\S+):$/.exec(line);
        if (head) current = head[1].replace(/:amd64$/, "");
        const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
        if (cand && current) out[current] = cand[1];
    }
    const missing = packages.filter((p) => !out[p] || out[p] === "(none)");
    if (missing.length > 0)
        throw new Error(
            `apt has no candidate for ${missing.join(", ")}: run apt-get update with Debian bookworm sources`,
        );
    return out;
}

export function mmdebstrapArgs(tree: string): string[] {
    return [
        // FAI's base is minbase: SYSTEM_BOOT lists the few "important" packages it wants, and
        // leaves out ifupdown and isc-dhcp-client, so cloud-init renders netplan, not ENI.
        "--variant=minbase",
        "--mode=root",
        "--components=main",
        `--include=${IMAGE_PACKAGES.join(",")}`,
        ...CUSTOMIZE_HOOKS.map((h) => `--customize-hook=${h}`),
        SUITE,
        tree,
        ...MIRRORS,
    ];
}

function recipeText(): string {
    // Everything that shapes the image: a changed recipe is a new key, as a new package version is.
    return JSON.stringify({ mmdebstrap: mmdebstrapArgs("TREE"), KERNEL_CMDLINE, DISK_SIZE_MIB, PART_START_SECTOR });
}

export function currentImageKey(): string {
    const policy = execFileSync("apt-cache", ["policy", ...IMAGE_PACKAGES], { encoding: "utf8" });
    return imageKey(recipeText(), candidateVersions(policy, IMAGE_PACKAGES));
}

function imageAt(dir: string, key: string): GuestImage {
    return {
        dir,
        key,
        disk: path.join(dir, "disk.raw"),
        kernel: path.join(dir, "vmlinuz"),
        initrd: path.join(dir, "initrd.img"),
    };
}

/** The cached image for today's package versions, built first if missing. */
export function ensureImage(log: (s: string) => void): GuestImage {
    const key = currentImageKey();
    const dir = path.join(CACHE_ROOT, key);
    if (fs.existsSync(path.join(dir, "done"))) return imageAt(dir, key);
    // Built aside and renamed into place: a second run never sees, or deletes, a half-built image.
    const work = `${dir}.building-${process.pid}`;
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    try {
        buildImage(imageAt(work, key), log);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(work, dir);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    return imageAt(dir, key);
}

function buildImage(image: GuestImage, log: (s: string) => void): void {
    const dir = image.dir;
    const tree = path.join(dir, "tree");
    log(`image: mmdebstrap ${SUITE} with ${IMAGE_PACKAGES.length} packages into ${dir}`);
    execFileSync("mmdebstrap", mmdebstrapArgs(tree), { stdio: ["ignore", "ignore", "inherit"] });
    const boot = path.join(tree, "boot");
    const pick = (prefix: string) => {
        const f = fs
            .readdirSync(boot)
            .filter((n) => n.startsWith(prefix))
            .sort()
            .pop();
        if (!f) throw new Error(`image: no ${prefix}* in ${boot}`);
        return path.join(boot, f);
    };
    fs.copyFileSync(pick("vmlinuz-"), image.kernel);
    fs.copyFileSync(pick("initrd.img-"), image.initrd);
    fs.writeFileSync(
        path.join(dir, "packages.txt"),
        execFileSync("chroot", [tree, "dpkg-query", "-W"], { encoding: "utf8" }),
    );
    // One partition at 1 MiB holding the tree, written by mke2fs -d: no loop device, no mount.
    const partMiB = DISK_SIZE_MIB - 1;
    const partFile = path.join(dir, "part.ext4");
    execFileSync("mke2fs", ["-q", "-t", "ext4", "-L", "cloudimg-rootfs", "-d", tree, partFile, `${partMiB}M`]);
    execFileSync("truncate", ["-s", `${DISK_SIZE_MIB}M`, image.disk]);
    execFileSync("sfdisk", ["-q", image.disk], {
        input: `label: dos\nstart=${PART_START_SECTOR}, type=83, bootable\n`,
    });
    execFileSync("dd", [`if=${partFile}`, `of=${image.disk}`, "bs=1M", "seek=1", "conv=notrunc,sparse", "status=none"]);
    fs.rmSync(partFile);
    fs.rmSync(tree, { recursive: true, force: true });
    fs.writeFileSync(path.join(dir, "done"), new Date().toISOString() + "\n");
}
