// The reference twin of images/nginx-lb/start.sh: the config the LB image renders from SERVERS.
// Only the tests use it (tests/images.test.ts and tests/vnf-config-tools.test.ts hold the script to
// it and to nginx -t), so it lives with them rather than in lib/.
import { Backend, VnfConfigError } from "../../lib/vnf-config";

export type UpstreamOptions = { maxFails?: number; failTimeout?: string };
export type NginxOptions = UpstreamOptions & {
    backends: readonly Backend[];
    listenPort?: number; // default 80
    nextUpstreamTries?: number; // default 3
    nextUpstreamTimeout?: string; // default 10s
    connectTimeout?: string; // default 2s
    sendTimeout?: string; // default 30s
    readTimeout?: string; // default 30s
};

const NGINX_TIME = /^[1-9][0-9]*(ms|s|m|h)?$/;
const NGINX_SECONDS = /^[1-9][0-9]*(s|m|h)?$/; // fail_timeout has 1s granularity: nginx -t rejects "500ms"

function checkTime(key: string, v: string, re = NGINX_TIME): string {
    if (!re.test(v)) throw new VnfConfigError(key, v, `not an nginx time such as 10s${re === NGINX_TIME ? " or 500ms" : ""}`);
    return v;
}

function checkInt(key: string, v: number, min: number, max: number): number {
    if (!Number.isInteger(v) || v < min || v > max) {
        throw new VnfConfigError(key, String(v), `must be an integer ${min}-${max}`);
    }
    return v;
}

export function renderUpstreamServerLines(backends: readonly Backend[], opts: UpstreamOptions = {}): string[] {
    const maxFails = checkInt("maxFails", opts.maxFails ?? 3, 0, 1000);
    const failTimeout = checkTime("failTimeout", opts.failTimeout ?? "10s", NGINX_SECONDS);
    return backends.map((b) => `server ${b.host}:${b.port} max_fails=${maxFails} fail_timeout=${failTimeout};`);
}

/** The http-context snippet for /etc/nginx/conf.d: upstream with passive health checks + retries. */
export function renderNginxConfig(o: NginxOptions): string {
    if (o.backends.length === 0) throw new VnfConfigError("SERVERS", "", "the list is empty");
    const listen = checkInt("listenPort", o.listenPort ?? 80, 1, 65535);
    const tries = checkInt("nextUpstreamTries", o.nextUpstreamTries ?? 3, 0, 100);
    const t = (key: string, v: string | undefined, d: string) => checkTime(key, v ?? d);
    const lines = [
        "upstream vnf_backends {",
        ...renderUpstreamServerLines(o.backends, o).map((l) => `    ${l}`),
        "}",
        "",
        "server {",
        `    listen ${listen};`,
        "    location / {",
        "        proxy_pass http://vnf_backends;",
        "        proxy_next_upstream error timeout http_502 http_503 http_504;",
        `        proxy_next_upstream_tries ${tries};`,
        `        proxy_next_upstream_timeout ${t("nextUpstreamTimeout", o.nextUpstreamTimeout, "10s")};`,
        `        proxy_connect_timeout ${t("connectTimeout", o.connectTimeout, "2s")};`,
        `        proxy_send_timeout ${t("sendTimeout", o.sendTimeout, "30s")};`,
        `        proxy_read_timeout ${t("readTimeout", o.readTimeout, "30s")};`,
        "        proxy_set_header Host $host;",
        "        proxy_set_header X-Real-IP $remote_addr;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "    }",
        "    location = /healthz {",
        "        access_log off;",
        "        default_type text/plain;",
        '        return 200 "ok\\n";',
        "    }",
        "}",
    ];
    return lines.join("\n") + "\n";
}
