#!/bin/sh
# Nginx LB VNF: turn SERVERS into an upstream with passive health checks, retries and a
# keepalive pool (HTTP/1.1 to the backends), size the workers for this container's CPUs,
# check it all with `nginx -t`, run nginx in the foreground.
#
# Env (same contract as lib/lb-env.ts, held to tests/vectors/vnf-env.json):
#   SERVERS      required; comma-separated `HOST` or `HOST:PORT` (port default 80)
#                -> `server HOST:PORT max_fails=3 fail_timeout=10s;` in upstream vnf_backends.
#   LISTEN_PORT  optional; port of the proxy and of /healthz (default 80).
# Flags:
#   --render-only (or RENDER_ONLY=1)  validate, print the conf.d snippet (renderNginxConfig's
#                                     layout) to stdout, exit 0.
#   --render-main-only                print the main nginx.conf for this container's CPUs
#                                     (renderNginxMainConfig's layout), exit 0.
# Bad input: exit 2 with `KEY entry "ENTRY": reason` on stderr; a config nginx -t refuses
# (e.g. a backend hostname that does not resolve): exit 3.
# Both renderers are twins of tests/reference/nginx-config.ts, held to tests/vectors/nginx-config.json.
set -eu

# The contract lives in one shell library: images/lib/ in the repo, /usr/local/lib/ in the image.
. "$(dirname "$0")/../lib/vnf-env.sh"

# The CPU quota as cgroup v2's cpu.max says it ("QUOTA PERIOD" or "max PERIOD"); cgroup v1's
# cfs_quota_us/cfs_period_us are read into the same form (quota -1 = max). "max" when neither
# exists. VNF_CGROUP_DIR (default /sys/fs/cgroup) lets the tests point it at fixture files.
cpu_max() {
  _cg=${VNF_CGROUP_DIR:-/sys/fs/cgroup}
  if [ -r "$_cg/cpu.max" ]; then
    cat "$_cg/cpu.max"
  elif [ -r "$_cg/cpu/cpu.cfs_quota_us" ] && [ -r "$_cg/cpu/cpu.cfs_period_us" ]; then
    _q=$(cat "$_cg/cpu/cpu.cfs_quota_us")
    [ "$_q" != -1 ] || _q=max
    echo "$_q $(cat "$_cg/cpu/cpu.cfs_period_us")"
  else
    echo max
  fi
}

# Decimal digits without a leading zero, at most 18 of them (no shell arithmetic overflow).
positive_int() {
  case $1 in "" | 0* | *[!0-9]*) return 1 ;; esac
  [ ${#1} -le 18 ]
}

# worker_processes: the smaller of nproc (cpuset, affinity) and the CPU quota rounded up, at
# least 1. `auto` counts the host's CPUs, which a container with a quota cannot all use.
# A quota that is not two positive integers is no limit (the twin: workerProcesses).
worker_processes() { # nproc cpu.max-text
  _n=$1
  set -- $2
  if [ $# -eq 2 ] && positive_int "$1" && positive_int "$2"; then
    _limit=$((($1 + $2 - 1) / $2))
    [ "$_limit" -ge "$_n" ] || _n=$_limit
  fi
  [ "$_n" -ge 1 ] || _n=1
  echo "$_n"
}

# Same text as renderNginxMainConfig in tests/reference/nginx-config.ts. Per worker: 4096
# connections; a proxied request holds two (client and upstream), hence 8192 descriptors.
render_main_conf() { # workers
  cat <<CONF
# Rendered by the nginx-lb start script: worker_processes sized for this container's CPUs.
user www-data;
worker_processes $1;
worker_rlimit_nofile 8192;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
include /etc/nginx/modules-enabled/*.conf;

events {
    worker_connections 4096;
}

http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log /var/log/nginx/access.log;
    gzip on;
    include /etc/nginx/conf.d/*.conf;
}
CONF
}

cpu_quota=$(cpu_max)
workers=$(worker_processes "$(nproc)" "$cpu_quota")

if [ "${1:-}" = --render-main-only ]; then
  render_main_conf "$workers"
  exit 0
fi

vnf_parse_servers "${SERVERS:-}"

listen=${LISTEN_PORT:-80}
case $listen in
  "" | 0* | *[!0-9]*) vnf_fail LISTEN_PORT "$listen" "must be an integer 1-65535" ;;
esac
[ ${#listen} -le 5 ] && [ "$listen" -le 65535 ] || vnf_fail LISTEN_PORT "$listen" "must be an integer 1-65535"

# Same text as renderNginxConfig in tests/reference/nginx-config.ts (default options).
render_nginx_conf() {
  echo "upstream vnf_backends {"
  printf '    server %s max_fails=3 fail_timeout=10s;\n' $VNF_SERVERS
  cat <<CONF
    keepalive 32;
    keepalive_requests 1000;
    keepalive_timeout 4s;
}

server {
    listen $listen;
    location / {
        proxy_pass http://vnf_backends;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_next_upstream error timeout http_502 http_503 http_504;
        proxy_next_upstream_tries 3;
        proxy_next_upstream_timeout 10s;
        proxy_connect_timeout 2s;
        proxy_send_timeout 30s;
        proxy_read_timeout 30s;
        proxy_set_header Host \$host;
        proxy_set_header X-Real-IP \$remote_addr;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
    }
    location = /healthz {
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }
}
CONF
}

if [ "${1:-}" = --render-only ] || [ "${RENDER_ONLY:-0}" = 1 ]; then
  render_nginx_conf
  exit 0
fi

render_main_conf "$workers" > /etc/nginx/nginx.conf
render_nginx_conf > /etc/nginx/conf.d/vnf.conf
# nginx resolves backend hostnames here too, so an unknown name stops the container now.
if ! check=$(nginx -t 2>&1); then
  echo "nginx-lb: the rendered config fails 'nginx -t': $check" >&2
  cat -n /etc/nginx/conf.d/vnf.conf >&2
  exit 3
fi
echo "nginx-lb: config checked with nginx -t; $workers worker processes (nproc $(nproc), cpu quota $cpu_quota); listening on $listen; upstream vnf_backends:"
printf 'nginx-lb:   server %s\n' $VNF_SERVERS
exec nginx -g 'daemon off;'
