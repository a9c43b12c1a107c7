#!/bin/sh
# Nginx LB VNF: turn SERVERS into an upstream with passive health checks and retries,
# check it with `nginx -t`, run nginx in the foreground.
#
# Env (same contract as lib/vnf-config.ts, held to tests/vectors/vnf-env.json):
#   SERVERS      required; comma-separated `HOST` or `HOST:PORT` (port default 80)
#                -> `server HOST:PORT max_fails=3 fail_timeout=10s;` in upstream vnf_backends.
#   LISTEN_PORT  optional; port of the proxy and of /healthz (default 80).
# Flags:
#   --render-only (or RENDER_ONLY=1)  validate, print the conf.d snippet (renderNginxConfig's
#                                     layout) to stdout, exit 0.
# Bad input: exit 2 with `KEY entry "ENTRY": reason` on stderr; a config nginx -t refuses
# (e.g. a backend hostname that does not resolve): exit 3.
set -eu

# The contract lives in one shell library: images/lib/ in the repo, /usr/local/lib/ in the image.
. "$(dirname "$0")/../lib/vnf-env.sh"

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
}

server {
    listen $listen;
    location / {
        proxy_pass http://vnf_backends;
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

render_nginx_conf > /etc/nginx/conf.d/vnf.conf
# nginx resolves backend hostnames here too, so an unknown name stops the container now.
if ! check=$(nginx -t 2>&1); then
  echo "nginx-lb: the rendered config fails 'nginx -t': $check" >&2
  cat -n /etc/nginx/conf.d/vnf.conf >&2
  exit 3
fi
echo "nginx-lb: config checked with nginx -t; listening on $listen; upstream vnf_backends:"
printf 'nginx-lb:   server %s\n' $VNF_SERVERS
exec nginx -g 'daemon off;'
