#!/bin/bash
# Router VNF (FRRouting): turn INTERFACES/ROUTES into frr.conf, check it, run zebra + staticd.
#
# Env (same contract as lib/router-env.ts and lib/router-bgp-env.ts, held to
# tests/vectors/vnf-env.json):
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
#                    character a letter or digit, not too long): exit 2.
#   ROUTING          optional; static (default: the above only) or bgp: bgpd and bfdd run too,
#                    with dynamic eBGP neighbours (lib/router-bgp-env.ts parseRouterBgpEnv):
#     BGP_ASN          required, the router's private AS (RFC 6996)
#     BGP_PEER_ASN     required, the neighbours' private AS, not BGP_ASN
#     BGP_LISTEN_RANGES required, GROUP=CIDR,... -> peer-group GROUP, `bgp listen range CIDR`
#     BGP_ANNOUNCE     required, GROUP=CIDR,... -> `network CIDR`, sent to GROUP only
#                      (prefix-lists: out exactly these, in nothing)
#     BFD_INTERVAL_MS  optional: BFD tx/rx interval of every session, in ms
#     BFD_MULTIPLIER   optional: BFD detect multiplier
#     BGP_PASSWORD     optional TCP-MD5 password of every session (a secret, as VTY_PASSWORD)
#                    With ROUTING unset or static, none of these may be set (exit 2). The
#                    BFD ranges and defaults and the password lengths are lib/routing.ts's and
#                    lib/vnf-passwords.ts's, read from ../lib/vnf-facts.sh (generated).
# Flags:
#   --render-only (or RENDER_ONLY=1)  validate, print frr.conf (frr-config.sh, the layout of
#                                     renderFrrConfig; passwords shown as REDACTED), exit 0.
#                                     Plain POSIX sh is enough for this.
#   --health                          exit 0 iff every daemon of the mode answers on its vty
#                                     (zebra, staticd; with ROUTING=bgp also bgpd, bfdd).
#   --ready                           --health, and with ROUTING=bgp: at least one BGP session
#                                     and every session Established (vtysh JSON); prints why not.
# Bad input: exit 2 with `KEY entry "ENTRY": reason` on stderr.
# Normal mode: write /etc/frr/frr.conf, check it with `vtysh -C -f`, enable IP forwarding
# (warn if /proc/sys is read-only), then supervise zebra + staticd in the foreground; the
# container ends when either daemon exits.
# Privileges: runs as root with ONLY the NET_ADMIN, NET_RAW and SYS_ADMIN capabilities (e.g.
# `--cap-drop ALL --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN`), or privileged.
# Nothing here chowns or switches user: the Dockerfile makes /etc/frr, /run/frr, /var/log/frr
# and /var/tmp/frr root-owned at build time, and the daemons run as root (`-u root -g root`).
set -eu

# The daemons of each mode, in start order (bfdd before bgpd, which asks it for sessions).
if [ "${ROUTING:-static}" = bgp ]; then DAEMONS="zebra staticd bfdd bgpd"; else DAEMONS="zebra staticd"; fi

# Docker HEALTHCHECK and liveness: every daemon must answer on its vty (no env parsing needed).
if [ "${1:-}" = --health ] || [ "${1:-}" = --ready ]; then
  for d in $DAEMONS; do
    vtysh -d "$d" -c 'show version' >/dev/null || { echo "router: $d does not answer on its vty"; exit 1; }
  done
  [ "$1" = --ready ] && [ "${ROUTING:-static}" = bgp ] || exit 0
  # Readiness in bgp mode: traffic may come only once the hosts have the routes, i.e. at least
  # one session is Established, and none is stuck on its way there (or down).
  json=$(vtysh -c 'show bgp neighbors json') || { echo "router: vtysh could not list the BGP neighbours"; exit 1; }
  printf '%s' "$json" | jq -re '
    [to_entries[] | select(.value | type == "object" and has("bgpState"))] as $s
    | ($s | map(select(.value.bgpState != "Established"))) as $down
    | if ($s | length) == 0 then "router: no BGP session yet" | halt_error(1)
      elif ($down | length) > 0 then "router: \($down | length) of \($s | length) BGP sessions not Established: \($down | map("\(.key) \(.value.bgpState)") | join(", "))" | halt_error(1)
      else "router: \($s | length) BGP sessions Established" end'
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
vnf_parse_routing
unset BGP_PASSWORD

if [ -n "${ROUTER_HOSTNAME+set}" ]; then
  host=$ROUTER_HOSTNAME
  why=$(vnf_host_problem "$host")
  [ -z "$why" ] || vnf_fail ROUTER_HOSTNAME "$host" "$why"
else
  # A Docker container id can be all digits, which is not a valid hostname: fall back.
  host=$(hostname 2>/dev/null || cat /etc/hostname)
  [ -n "$host" ] && [ -z "$(vnf_host_problem "$host")" ] || host=router
fi

# frr.conf's home: frr-config.sh beside this script (images/router/ in the repo, /usr/local/bin/
# in the image), the twin of tests/reference/frr-config.ts.
. "$(dirname "$0")/frr-config.sh"
render_printable() { frr_config "$host" "$VNF_VTY_PASSWORD_PLACEHOLDER" "$VNF_VTY_PASSWORD_PLACEHOLDER"; }

if [ "${1:-}" = --render-only ] || [ "${RENDER_ONLY:-0}" = 1 ]; then
  render_printable
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
rm -f "$FRR_RUN/zserv.api"
for d in $DAEMONS; do rm -f "$FRR_RUN/$d.vty" "$FRR_RUN/$d.pid"; done
# FRR's messages quote config lines; anything from FRR that may hold the password goes
# through this before it is printed.
redact() {
  local text=$1
  [ -z "$VNF_VTY_PASSWORD" ] || text=${text//"$VNF_VTY_PASSWORD"/$VNF_VTY_PASSWORD_PLACEHOLDER}
  [ -z "$VNF_BGP_PASSWORD" ] || text=${text//"$VNF_BGP_PASSWORD"/$VNF_VTY_PASSWORD_PLACEHOLDER}
  printf '%s\n' "$text"
}

# frr.conf is for root only (it may hold the vty password; the daemons and vtysh run as root).
(umask 077; frr_config "$host" "$VNF_VTY_PASSWORD" "$VNF_BGP_PASSWORD" > "$FRR_CONF.new")
# Let FRR's own parser judge the file before any daemon starts.
if ! check=$(vtysh -C -f "$FRR_CONF.new" 2>&1); then
  echo "router: the rendered frr.conf fails 'vtysh -C -f': $(redact "$check")" >&2
  render_printable | cat -n >&2
  exit 3
fi
mv "$FRR_CONF.new" "$FRR_CONF"
echo "router: frr.conf checked with vtysh -C; static routes:"
printf '%s\n' "$VNF_ROUTE_LINES" | sed 's/^/router:   /'
if [ "$VNF_ROUTING" = bgp ]; then
  echo "router: BGP AS $VNF_BGP_ASN, dynamic neighbours of AS $VNF_BGP_PEER_ASN, BFD ${VNF_BFD_INTERVAL_MS}ms x $VNF_BFD_MULTIPLIER:"
  old_ifs=$IFS; IFS=$VNF_NL
  for g in $VNF_BGP_GROUPS; do
    echo "router:   ${g%% *}: listen on ${g#* }, announce $(for a in $VNF_BGP_ANNOUNCE; do [ "${a%% *}" != "${g%% *}" ] || printf '%s ' "${a#* }"; done)"
  done
  IFS=$old_ifs
fi

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

# bgpd and bfdd bind ports below 1024 (179, 3784/3785) and ask for the capability to.
# The lists come from lib/frr-capabilities.ts (vnf-facts.sh); printed as "A, B and C".
if [ "$VNF_ROUTING" = bgp ]; then set -- $VNF_FRR_BGP_CAPABILITIES; else set -- $VNF_FRR_CAPABILITIES; fi
CAPS_NEEDED=$1; shift
while [ $# -gt 1 ]; do CAPS_NEEDED="$CAPS_NEEDED, $1"; shift; done
CAPS_NEEDED="$CAPS_NEEDED and $1"

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
      echo "router: $1 died during startup (it needs the $CAPS_NEEDED capabilities)" >&2
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
vty_ports="TCP $VNF_ZEBRA_VTY_PORT zebra, $VNF_STATICD_VTY_PORT staticd"
if [ -n "$VNF_VTY_PASSWORD" ]; then
  vty_addr=0.0.0.0
  echo "router: vty ($vty_ports) on all addresses, login with VTY_PASSWORD"
else
  vty_addr=127.0.0.1
  echo "router: vty ($vty_ports) on 127.0.0.1 only (no VTY_PASSWORD)"
fi
# With ROUTING=bgp, bfdd and bgpd too (bgpd on TCP 179 of every address, bfdd on UDP 3784/3785).
for d in $DAEMONS; do
  "$FRR_BIN/$d" --log stdout -A "$vty_addr" -u root -g root &
  pids+=($!); wait_vty "$d"
done
if ! out=$(vtysh -b 2>&1); then
  echo "router: 'vtysh -b' could not apply $FRR_CONF: $(redact "$out")" >&2
  stop 1
fi
echo "router: $(i=0; for d in $DAEMONS; do printf '%s (pid %s) ' "$d" "${pids[$i]}"; i=$((i + 1)); done)running with $FRR_CONF"

# Whichever daemon exits first ends the container, so the orchestrator restarts it.
set +e
wait -n
rc=$?
echo "router: a daemon exited with status $rc; stopping the other" >&2
stop $(( rc == 0 ? 1 : rc ))
