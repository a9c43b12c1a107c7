// What the images copy in: every file a start script sources must be COPYed to the place the
// script looks for it (start.sh sources paths relative to itself: images/<name>/ in the repo,
// /usr/local/bin/ in the image), and the router's EXPOSE line must list lib/ports.ts's ports.
// A missing COPY would pass every host-shell test and fail only in a built image.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { BFD_PORTS, BGP_PORT, FRR_VTY_PORTS } from "../../lib/ports";
import { IMAGES } from "./start-script-cases";

const ENTRYPOINT = "/usr/local/bin/start.sh";
const IMAGE_NAMES = ["router", "nginx-lb", "apache"];

/** In-image path -> file in the build context (images/), from the Dockerfile's COPY lines. */
function copiedFiles(dockerfile: string): Map<string, string> {
    const copied = new Map<string, string>();
    for (const line of dockerfile.split("\n").filter((l) => /^COPY\s/.test(l))) {
        const [, ...args] = line.trim().split(/\s+/);
        const dest = args.pop()!;
        for (const src of args)
            copied.set(dest.endsWith("/") ? path.posix.join(dest, path.posix.basename(src)) : dest, src);
    }
    return copied;
}

/** Paths a shell file sources as `. "$(dirname "$0")/REL"`, REL relative to the start script's folder. */
function sourcedRelPaths(text: string): string[] {
    return [...text.matchAll(/^\s*\.\s+"\$\(dirname "\$0"\)\/([^"]+)"/gm)].map((m) => m[1]);
}

describe("images: files the start scripts source are in the images", () => {
    for (const name of IMAGE_NAMES) {
        it(`${name}: start.sh and everything it sources, in the repo and where the image puts it`, () => {
            const copied = copiedFiles(fs.readFileSync(path.join(IMAGES, name, "Dockerfile"), "utf8"));
            assert.strictEqual(copied.get(ENTRYPOINT), `${name}/start.sh`);
            const seen = new Set<string>();
            const queue = [`${name}/start.sh`];
            while (queue.length > 0) {
                const file = queue.shift()!;
                for (const rel of sourcedRelPaths(fs.readFileSync(path.join(IMAGES, file), "utf8"))) {
                    const inRepo = path.posix.normalize(path.posix.join(name, rel));
                    const inImage = path.posix.normalize(path.posix.join(path.posix.dirname(ENTRYPOINT), rel));
                    assert.ok(
                        fs.existsSync(path.join(IMAGES, inRepo)),
                        `${file} sources ${inRepo}, which is not in images/`,
                    );
                    assert.strictEqual(
                        copied.get(inImage),
                        inRepo,
                        `${file} sources ${inImage} in the image: COPY ${inRepo} there`,
                    );
                    if (!seen.has(inRepo)) queue.push(inRepo);
                    seen.add(inRepo);
                }
            }
            if (name !== "apache") assert.ok(seen.has("lib/vnf-facts.sh"), [...seen].join(", "));
        });
    }

    it("the router exposes the vty, BGP and BFD ports of lib/ports.ts", () => {
        const dockerfile = fs.readFileSync(path.join(IMAGES, "router", "Dockerfile"), "utf8");
        const expose = dockerfile.split("\n").find((l) => l.startsWith("EXPOSE "));
        const want = [
            FRR_VTY_PORTS.zebra,
            FRR_VTY_PORTS.staticd,
            `${BGP_PORT}/tcp`,
            `${BFD_PORTS.control}/udp`,
            `${BFD_PORTS.echo}/udp`,
        ];
        assert.strictEqual(expose, `EXPOSE ${want.join(" ")}`);
    });
});
