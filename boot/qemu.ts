// One guest under qemu: TCG (this host's KVM takes only PVM guests), a copy-on-write overlay of
// the cached image, the image's kernel and initrd, the NoCloud seed, one virtio NIC per planned
// port on its tap with the port's MAC, and the serial console in a file.
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import { GuestImage, KERNEL_CMDLINE } from "./image";
import { TapSpec } from "./network";

export const GUEST_MEMORY_MIB = 1024;
export const GUEST_CPUS = 2;
/** The TCG code cache in MiB: qemu's default (1 GiB) made each guest hold ~1.9 GB of host memory. */
export const TB_SIZE_MIB = 256;

export interface GuestFiles {
    dir: string;
    overlay: string;
    seed: string;
    serial: string;
    pid: string;
}

export function guestFiles(runDir: string, resource: string): GuestFiles {
    const dir = path.join(runDir, "guests", resource);
    return {
        dir,
        overlay: path.join(dir, "disk.qcow2"),
        seed: path.join(dir, "seed.img"),
        serial: path.join(dir, "serial.log"),
        pid: path.join(dir, "qemu.pid"),
    };
}

export function qemuArgs(image: GuestImage, files: GuestFiles, taps: readonly TapSpec[]): string[] {
    const nics = taps.flatMap((t, i) => [
        "-netdev",
        `tap,id=n${i},ifname=${t.name},script=no,downscript=no`,
        "-device",
        `virtio-net-pci,netdev=n${i},mac=${t.mac}`,
    ]);
    return [
        "-name",
        path.basename(files.dir),
        "-machine",
        "q35",
        "-accel",
        `tcg,thread=multi,tb-size=${TB_SIZE_MIB}`,
        "-cpu",
        "max",
        "-m",
        String(GUEST_MEMORY_MIB),
        "-smp",
        String(GUEST_CPUS),
        "-kernel",
        image.kernel,
        "-initrd",
        image.initrd,
        "-append",
        KERNEL_CMDLINE,
        "-drive",
        `file=${files.overlay},if=virtio,format=qcow2`,
        "-drive",
        `file=${files.seed},if=virtio,format=raw,readonly=on`,
        ...nics,
        "-display",
        "none",
        "-vga",
        "none",
        "-monitor",
        "none",
        "-serial",
        `file:${files.serial}`,
        "-pidfile",
        files.pid,
        "-daemonize",
    ];
}

/** A fresh overlay on the image (same size: growpart has nothing to do, as on a same-size flavor). */
export function createOverlay(image: GuestImage, files: GuestFiles): void {
    fs.mkdirSync(files.dir, { recursive: true });
    fs.rmSync(files.overlay, { force: true });
    execFileSync("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", image.disk, files.overlay]);
}

/** Starts qemu in the background; returns its pid. */
export function startQemu(image: GuestImage, files: GuestFiles, taps: readonly TapSpec[]): number {
    // qemu truncates its serial file: keep an earlier boot's log beside it.
    if (fs.existsSync(files.serial)) fs.renameSync(files.serial, `${files.serial}.${Date.now()}`);
    execFileSync("qemu-system-x86_64", qemuArgs(image, files, taps), { stdio: ["ignore", "ignore", "pipe"] });
    return Number(fs.readFileSync(files.pid, "utf8").trim());
}
