#!/bin/bash
# Router VNF (FRRouting): turn INTERFACES/ROUTES into frr.conf, check it, run zebra + staticd.
#
# Env (same contract as lib/vnf-config.ts, held to tests/vectors/vnf-env.json):
#   INTERFACES       optional; comma-separated interface names -> `interface NAME` blocks.
#                    When set, every `dev IFACE` route must name one of them.
#   ROUTES           required; comma-separated `CIDR NEXTHOP` or `CIDR dev IFACE`
#                    -> `ip route CIDR NEXTHOP` / `ip route CIDR IFACE`.
#   ROUTER_HOSTNAME  optional frr.conf hostname (default: the container's hostname, or
#                    "router" when that is not a valid hostname).
#   VTY_PASSWORD     optional vty login password (a secret: never printed). Unset: the TCP vty
#                    (zebra 2601, staticd 2616) listens on 127.0.0.1 only. Set: frr.conf gets
#                    ` password ...` under `line vty` and the vty listens on all addresses.
#                    Set but empty, or not what FRR takes (printable ASCII, no spaces, first
#                    character a letter or digit, at most 128): exit 2.
# Flags:
#   --render-only (or RENDER_ONLY=1)  validate, print frr.conf (renderFrrConfig's layout,
#                                     the password shown as REDACTED) to stdout, exit 0.
#                                     Plain POSIX sh is enough for this.
#   --health                          exit 0 iff zebra and staticd answer on their vty.
# Bad input: exit 2 with `KEY entry "ENTRY": reason` on stderr.
# Normal mode: write /etc/frr/frr.conf, check it with `vtysh -C -f`, enable IP forwarding
# (warn if /proc/sys is read-only), then supervise zebra + staticd in the foreground; the
# container ends when either daemon exits.
# Privileges: runs as root with ONLY the NET_ADMIN, NET_RAW and SYS_ADMIN capabilities (e.g.
# `--cap-drop ALL --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN`), or privileged.
# Nothing here chowns or switches user: the Dockerfile makes /etc/frr, /run/frr, /var/log/frr
# and /var/tmp/frr root-owned at build time, and the daemons run as root (`-u root -g root`).
set -eu

# Docker HEALTHCHECK: both daemons must answer on their vty (no env parsing needed).
if [ "${1:-}" = --health ]; then
  vtysh -d zebra -c 'show version' >/dev/null && vtysh -d staticd -c 'show version' >/dev/null
  exit
fi

# The contract lives in one shell library: images/lib/ in the repo, /usr/local/lib/ in the image.
. "$(dirname "$0")/../lib/vnf-env.sh"

FRR_CONF=/etc/frr/frr.conf
FRR_RUN=/var/run/frr
FRR_BIN=/usr/lib/frr

# INTERFACES unset: no interface blocks and `dev IFACE` is not checked; set but empty: rejected.
[ "${INTERFACES+set}" != set ] || vnf_parse_interfaces "$INTERFACES"
vnf_parse_routes "${ROUTES:-}"
# VTY_PASSWORD unset: loopback-only vty. The daemons need not inherit it: unset once read.
[ "${VTY_PASSWORD+set}" != set ] || vnf_parse_vty_password "$VTY_PASSWORD"
unset VTY_PASSWORD

if [ -n "${ROUTER_HOSTNAME+set}" ]; then
  host=$ROUTER_HOSTNAME
  why=$(vnf_host_problem "$host")
  [ -z "$why" ] || vnf_fail ROUTER_HOSTNAME "$host" "$why"
else
  # A Docker container id can be all digits, which is not a valid hostname: fall back.
  host=$(hostname 2>/dev/null || cat /etc/hostname)
  [ -n "$host" ] && [ -z "$(vnf_host_problem "$host")" ] || host=router
fi

# Same layout as renderFrrConfig in tests/reference/frr-config.ts. $1: what follows `password`
# under `line vty` when VTY_PASSWORD is set: the placeholder for anything printed, the
# password itself only for the file the daemons load.
render_frr_conf() {
  printf '%s\n' "frr defaults traditional" "hostname $host" "log stdout" \
    "service integrated-vtysh-config" "!" "ip forwarding" "!"
  [ -z "$VNF_IFACES" ] || printf 'interface %s\nexit\n!\n' $VNF_IFACES
  printf '%s\n' "$VNF_ROUTE_LINES" "!" "line vty"
  [ -z "$VNF_VTY_PASSWORD" ] || printf ' password %s\n' "$1"
  printf '!\n'
}

if [ "${1:-}" = --render-only ] || [ "${RENDER_ONLY:-0}" = 1 ]; then
  render_frr_conf "$VNF_VTY_PASSWORD_PLACEHOLDER"
  exit 0
fi

# ---- normal mode: run the daemons -------------------------------------------
# The supervisor below needs bash (wait -n); re-exec under it when started by plain sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

# Root-owned at build time; only created here when /run is a fresh tmpfs (no chown needed:
# the daemons run as root).
mkdir -p "$FRR_RUN"
# A restarted container (docker restart) keeps its files: the last run's sockets would make
# wait_vty see a daemon as ready before it is (staticd then starts without zebra and its routes
# are never installed). Nothing else runs yet, so whatever is there is stale.
rm -f "$FRR_RUN/zebra.vty" "$FRR_RUN/staticd.vty" "$FRR_RUN/zserv.api" "$FRR_RUN/zebra.pid" "$FRR_RUN/staticd.pid"
# FRR's messages quote config lines; anything from FRR that may hold the password goes
# through this before it is printed.
redact() {
  if [ -n "$VNF_VTY_PASSWORD" ]; then printf '%s\n' "${1//"$VNF_VTY_PASSWORD"/$VNF_VTY_PASSWORD_PLACEHOLDER}"
  else printf '%s\n' "$1"; fi
}

# frr.conf is for root only (it may hold the vty password; the daemons and vtysh run as root).
(umask 077; render_frr_conf "$VNF_VTY_PASSWORD" > "$FRR_CONF.new")
# Let FRR's own parser judge the file before any daemon starts.
if ! check=$(vtysh -C -f "$FRR_CONF.new" 2>&1); then
  echo "router: the rendered frr.conf fails 'vtysh -C -f': $(redact "$check")" >&2
  render_frr_conf "$VNF_VTY_PASSWORD_PLACEHOLDER" | cat -n >&2
  exit 3
fi
mv "$FRR_CONF.new" "$FRR_CONF"
echo "router: frr.conf checked with vtysh -C; static routes:"
printf '%s\n' "$VNF_ROUTE_LINES" | sed 's/^/router:   /'

# Routing between legs needs forwarding. With hostNetwork the node owns the setting and
# /proc/sys is usually read-only in a container, so only warn when we cannot set it.
if [ "$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)" = 1 ]; then
  echo "router: net.ipv4.ip_forward is already 1"
elif { echo 1 > /proc/sys/net/ipv4/ip_forward; } 2>/dev/null; then
  echo "router: set net.ipv4.ip_forward=1"
else
  echo "router: WARNING: cannot set net.ipv4.ip_forward=1 (read-only /proc/sys): set it on the node" \
    "or run with --sysctl net.ipv4.ip_forward=1, else packets are not forwarded" >&2
fi
for i in $VNF_IFACES; do
  [ -e "/sys/class/net/$i" ] || echo "router: WARNING: interface $i (from INTERFACES) does not exist (yet)" >&2
done

pids=()
stop() { # forward SIGTERM to the daemons, reap them, exit with $1
  trap - TERM INT
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait
  exit "$1"
}
trap 'echo "router: stopping" >&2; stop 0' TERM INT

wait_vty() { # the daemon's vty socket appears once it is ready for vtysh
  for _ in $(seq 1 100); do
    [ -S "$FRR_RUN/$1.vty" ] && return 0
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "router: $1 died during startup (it needs the NET_ADMIN, NET_RAW and SYS_ADMIN capabilities)" >&2
      stop 1
    fi
    sleep 0.1
  done
  echo "router: $1 did not open $FRR_RUN/$1.vty within 10s" >&2
  stop 1
}

# Both daemons run in the foreground (no -d) as children of this shell; the config is then
# loaded by `vtysh -b` from the integrated frr.conf, as frrinit.sh does.
# -u root -g root: no user switch, so no SETUID/SETGID; FRR still drops every capability a
# daemon does not need. -A: the TCP vty's address. Without a password FRR refuses every TCP
# login, so it stays on 127.0.0.1; with one it listens on all addresses (with hostNetwork: the
# node's), which is what the vty Service reaches. vtysh always uses the unix sockets.
if [ -n "$VNF_VTY_PASSWORD" ]; then
  vty_addr=0.0.0.0
  echo "router: vty (TCP 2601 zebra, 2616 staticd) on all addresses, login with VTY_PASSWORD"
else
  vty_addr=127.0.0.1
  echo "router: vty (TCP 2601 zebra, 2616 staticd) on 127.0.0.1 only (no VTY_PASSWORD)"
fi
"$FRR_BIN/zebra" --log stdout -A "$vty_addr" -u root -g root &
pids+=($!); wait_vty zebra
"$FRR_BIN/staticd" --log stdout -A "$vty_addr" -u root -g root &
pids+=($!); wait_vty staticd
if ! out=$(vtysh -b 2>&1); then
  echo "router: 'vtysh -b' could not apply $FRR_CONF: $(redact "$out")" >&2
  stop 1
fi
echo "router: zebra (pid ${pids[0]}) and staticd (pid ${pids[1]}) running with $FRR_CONF"

# Whichever daemon exits first ends the container, so the orchestrator restarts it.
set +e
wait -n
rc=$?
echo "router: a daemon exited with status $rc; stopping the other" >&2
stop $(( rc == 0 ? 1 : rc ))
