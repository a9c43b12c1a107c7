// The page an Apache backend serves, and how a client reads back which backend answered. The
// image's start.sh prints it through images/lib/apache-page.sh, a file generated from this
// module (lib/image-facts.ts; tests/lib/image-facts.test.ts fails when it is stale), so the page the
// backends serve and the marker the lab and the bench parse cannot drift apart.

/** What BACKEND_NAME may contain: the name ends up in HTML and in logs. */
export const BACKEND_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** The marker around the backend's name: `Served by <b>NAME</b>`. */
export const SERVED_BY_OPEN = "Served by <b>";
export const SERVED_BY_CLOSE = "</b>";

/** The page's lines with `${name}` and `${ip}` placeholders (the form the shell heredoc takes). */
export const APACHE_PAGE_TEMPLATE: readonly string[] = [
    "<!DOCTYPE html>",
    "<html>",
    "<head><title>${name}</title></head>",
    "<body>",
    "<h1>Backend ${name}</h1>",
    `<p>${SERVED_BY_OPEN}\${name}${SERVED_BY_CLOSE} at \${ip}</p>`,
    "</body>",
    "</html>",
];

/** The page of backend `name` at `ip`, byte for byte what the image serves. */
export function renderApachePage(name: string, ip: string): string {
    if (!BACKEND_NAME_PATTERN.test(name))
        throw new Error(`BACKEND_NAME: invalid entry ${JSON.stringify(name)} (allowed: letters, digits, . _ -)`);
    return APACHE_PAGE_TEMPLATE.map((l) => l.replace(/\$\{name\}/g, name).replace(/\$\{ip\}/g, ip)).join("\n") + "\n";
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const SERVED_BY = new RegExp(`${escapeRe(SERVED_BY_OPEN)}([A-Za-z0-9._-]+)${escapeRe(SERVED_BY_CLOSE)}`);

/** The backend named on an Apache page, or undefined when the body is not one. */
export function backendOf(body: string): string | undefined {
    return SERVED_BY.exec(body)?.[1];
}
