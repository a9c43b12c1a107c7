// Generates images/lib/apache-page.sh from lib/apache-page.ts: the images get the shared
// facts from a generated file, never a second hand-written copy.
//   regenerate: node -r ts-node/register/transpile-only lib/image-facts.ts
import * as fs from "fs";
import * as path from "path";
import { APACHE_PAGE_TEMPLATE } from "./apache-page";

export const APACHE_PAGE_SH = path.join(__dirname, "..", "images", "lib", "apache-page.sh");

/** The shell library: `apache_page NAME IP` prints the page (the caller checks NAME first). */
export function renderApachePageSh(): string {
    for (const line of APACHE_PAGE_TEMPLATE) {
        // The heredoc expands $name and $ip; anything else that a shell would expand must not appear.
        if (/[`\\]|\$(?!\{(name|ip)\})/.test(line)) throw new Error(`page line ${JSON.stringify(line)} has shell syntax`);
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

if (require.main === module) {
    fs.writeFileSync(APACHE_PAGE_SH, renderApachePageSh());
    console.log(`wrote ${path.relative(process.cwd(), APACHE_PAGE_SH)}`);
}
