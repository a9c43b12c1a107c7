// The reference twin of images/nginx-lb/start.sh: the conf.d snippet it renders from SERVERS and
// the main nginx.conf it renders for the container's CPUs. Only the tests use it
// (tests/images/ and tests/lib/vnf-config.validators.test.ts hold the script to it, to
// tests/vectors/nginx-config.json and to nginx -t), so it lives with them rather than in lib/.
import { Backend } from "../../lib/lb-env";
import { VnfConfigError } from "../../lib/vnf-env-syntax";

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
    if (!re.test(v))
        throw new VnfConfigError(key, v, `not an nginx time such as 10s${re === NGINX_TIME ? " or 500ms" : ""}`);
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
        // Idle connections each worker keeps to the backends, so a request does not pay a TCP
        // handshake; timed out before Apache's KeepAliveTimeout (5s), so nginx never reuses a
        // connection the backend is closing (a POST would then fail: it is not retried).
        `    keepalive ${UPSTREAM_KEEPALIVE.connections};`,
        `    keepalive_requests ${UPSTREAM_KEEPALIVE.requests};`,
        `    keepalive_timeout ${UPSTREAM_KEEPALIVE.timeout};`,
        "}",
        "",
        "server {",
        `    listen ${listen};`,
        "    location / {",
        "        proxy_pass http://vnf_backends;",
        // Upstream keepalive needs HTTP/1.1 and no "Connection: close" passed on from the client.
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
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

export const UPSTREAM_KEEPALIVE = { connections: 32, requests: 1000, timeout: "4s" } as const;
/** Per worker; a proxied request holds two descriptors (client and upstream), hence the rlimit. */
export const WORKER_CONNECTIONS = 4096;
export const WORKER_RLIMIT_NOFILE = 2 * WORKER_CONNECTIONS;

const POSITIVE_INT = /^[1-9][0-9]{0,17}$/; // at most 18 digits: the shell's arithmetic cannot overflow

/**
 * worker_processes for a container: the smaller of nproc (cpuset, affinity) and the CPU quota
 * rounded up, at least 1. `cpuMax` is cgroup v2's cpu.max text ("QUOTA PERIOD", "max PERIOD");
 * the script reads cgroup v1's cfs files into the same form. Anything but two positive integers
 * is no limit. (`worker_processes auto` would count the host's CPUs, quota or not.)
 */
export function workerProcesses(nproc: number, cpuMax?: string): number {
    let n = nproc;
    const fields = (cpuMax ?? "").split(/[ \t\n]+/).filter((f) => f !== "");
    if (fields.length === 2 && fields.every((f) => POSITIVE_INT.test(f))) {
        const [quota, period] = fields.map(BigInt);
        const limit = Number((quota + period - 1n) / period);
        if (limit < n) n = limit;
    }
    return Math.max(1, n);
}

/** /etc/nginx/nginx.conf: Debian's, less TLS and sites-enabled, with workers sized for the container. */
export function renderNginxMainConfig(o: { workers: number }): string {
    const workers = checkInt("workers", o.workers, 1, 1024);
    const lines = [
        "# Rendered by the nginx-lb start script: worker_processes sized for this container's CPUs.",
        "user www-data;",
        `worker_processes ${workers};`,
        `worker_rlimit_nofile ${WORKER_RLIMIT_NOFILE};`,
        "pid /run/nginx.pid;",
        "error_log /var/log/nginx/error.log;",
        "include /etc/nginx/modules-enabled/*.conf;",
        "",
        "events {",
        `    worker_connections ${WORKER_CONNECTIONS};`,
        "}",
        "",
        "http {",
        "    sendfile on;",
        "    tcp_nopush on;",
        "    types_hash_max_size 2048;",
        "    include /etc/nginx/mime.types;",
        "    default_type application/octet-stream;",
        "    access_log /var/log/nginx/access.log;",
        "    gzip on;",
        "    include /etc/nginx/conf.d/*.conf;",
        "}",
    ];
    return lines.join("\n") + "\n";
}
