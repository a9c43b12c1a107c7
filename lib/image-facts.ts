// Generates the images' shell files that carry facts written once in lib/: the images get them
// from a generated file, never a second hand-written copy. tests/lib/image-facts.test.ts fails
// when one is stale.
//   images/lib/apache-page.sh  the Apache page (lib/apache-page.ts)
//   images/lib/vnf-facts.sh    the env keys, ranges, limits, capabilities and ports the start
//                              scripts share with the TypeScript side
//   regenerate: node -r ts-node/register/transpile-only lib/image-facts.ts
import * as fs from "fs";
import * as path from "path";
import { APACHE_PAGE_TEMPLATE } from "./apache-page";
import { FRR_BGP_CAPABILITIES, FRR_CAPABILITIES } from "./frr-capabilities";
import { BFD_PORTS, BGP_PORT, FRR_VTY_PORTS } from "./ports";
import { ROUTER_BGP_ENV_KEYS } from "./router-bgp-env";
import { BFD_INTERVAL_MS, BFD_MULTIPLIER, BGP_PASSWORD_MAX_LENGTH, DEFAULT_BFD } from "./routing";
import { VTY_PASSWORD_ENTRY, VTY_PASSWORD_MAX_LENGTH, VTY_PASSWORD_PLACEHOLDER } from "./vnf-passwords";

const IMAGES_LIB = path.join(__dirname, "..", "images", "lib");
export const APACHE_PAGE_SH = path.join(IMAGES_LIB, "apache-page.sh");
export const VNF_FACTS_SH = path.join(IMAGES_LIB, "vnf-facts.sh");

/** The shell library: `apache_page NAME IP` prints the page (the caller checks NAME first). */
export function renderApachePageSh(): string {
    for (const line of APACHE_PAGE_TEMPLATE) {
        // The heredoc expands $name and $ip; anything else that a shell would expand must not appear.
        if (/[`\\]|\$(?!\{(name|ip)\})/.test(line))
            throw new Error(`page line ${JSON.stringify(line)} has shell syntax`);
    }
    return [
        "# shellcheck shell=sh",
        "# GENERATED from lib/apache-page.ts by lib/image-facts.ts; do not edit (tests/lib/image-facts.test.ts",
        "# fails when it is stale). The page an Apache backend serves; the lab and bench read its",
        "# `Served by <b>NAME</b>` marker back with backendOf.",
        "apache_page() { # name ip",
        "  name=$1 ip=$2",
        "  cat <<HTML",
        ...APACHE_PAGE_TEMPLATE,
        "HTML",
        "}",
        "",
    ].join("\n");
}

/** [where the fact lives, shell variable, value], in the order the file lists them. */
export const VNF_FACTS: readonly (readonly [string, string, string | number])[] = [
    ["lib/router-bgp-env.ts ROUTER_BGP_ENV_KEYS", "VNF_BGP_KEYS", ROUTER_BGP_ENV_KEYS.join(" ")],
    ["lib/routing.ts BFD_INTERVAL_MS", "VNF_BFD_INTERVAL_MS_MIN", BFD_INTERVAL_MS.min],
    ["lib/routing.ts BFD_INTERVAL_MS", "VNF_BFD_INTERVAL_MS_MAX", BFD_INTERVAL_MS.max],
    ["lib/routing.ts BFD_MULTIPLIER", "VNF_BFD_MULTIPLIER_MIN", BFD_MULTIPLIER.min],
    ["lib/routing.ts BFD_MULTIPLIER", "VNF_BFD_MULTIPLIER_MAX", BFD_MULTIPLIER.max],
    ["lib/routing.ts DEFAULT_BFD", "VNF_BFD_DEFAULT_INTERVAL_MS", DEFAULT_BFD.intervalMs],
    ["lib/routing.ts DEFAULT_BFD", "VNF_BFD_DEFAULT_MULTIPLIER", DEFAULT_BFD.multiplier],
    ["lib/vnf-passwords.ts VTY_PASSWORD_MAX_LENGTH", "VNF_VTY_PASSWORD_MAX_LENGTH", VTY_PASSWORD_MAX_LENGTH],
    ["lib/routing.ts BGP_PASSWORD_MAX_LENGTH", "VNF_BGP_PASSWORD_MAX_LENGTH", BGP_PASSWORD_MAX_LENGTH],
    ["lib/vnf-passwords.ts VTY_PASSWORD_PLACEHOLDER", "VNF_VTY_PASSWORD_PLACEHOLDER", VTY_PASSWORD_PLACEHOLDER],
    ["lib/vnf-passwords.ts VTY_PASSWORD_ENTRY", "VNF_PASSWORD_ENTRY", VTY_PASSWORD_ENTRY],
    ["lib/frr-capabilities.ts FRR_CAPABILITIES", "VNF_FRR_CAPABILITIES", FRR_CAPABILITIES.join(" ")],
    ["lib/frr-capabilities.ts FRR_BGP_CAPABILITIES", "VNF_FRR_BGP_CAPABILITIES", FRR_BGP_CAPABILITIES.join(" ")],
    ["lib/ports.ts FRR_VTY_PORTS", "VNF_ZEBRA_VTY_PORT", FRR_VTY_PORTS.zebra],
    ["lib/ports.ts FRR_VTY_PORTS", "VNF_STATICD_VTY_PORT", FRR_VTY_PORTS.staticd],
    ["lib/ports.ts BGP_PORT", "VNF_BGP_PORT", BGP_PORT],
    ["lib/ports.ts BFD_PORTS", "VNF_BFD_CONTROL_PORT", BFD_PORTS.control],
    ["lib/ports.ts BFD_PORTS", "VNF_BFD_ECHO_PORT", BFD_PORTS.echo],
];

/** The shell library of shared facts: plain assignments, sourced by images/lib/vnf-env.sh. */
export function renderVnfFactsSh(): string {
    const lines = [
        "# shellcheck shell=sh",
        "# GENERATED from lib/ by lib/image-facts.ts; do not edit (tests/lib/image-facts.test.ts fails",
        "# when it is stale). Facts the start scripts share with the TypeScript side, each written",
        "# once in the module named above it. Sourced by images/lib/vnf-env.sh.",
    ];
    for (const [home, name, value] of VNF_FACTS) {
        // Single-quoted in the file: a value must not hold a quote or a newline.
        if (/['\n]/.test(String(value))) throw new Error(`${name}: ${JSON.stringify(value)} cannot be single-quoted`);
        lines.push(`# ${home}`, `${name}='${value}'`);
    }
    return lines.join("\n") + "\n";
}

if (require.main === module) {
    for (const [file, text] of [
        [APACHE_PAGE_SH, renderApachePageSh()],
        [VNF_FACTS_SH, renderVnfFactsSh()],
    ]) {
        fs.writeFileSync(file, text);
        console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
}
