# shellcheck shell=sh
# The VNF env contract (INTERFACES / ROUTES / SERVERS / VTY_PASSWORD / the bgp mode's keys) in POSIX
# sh, rule for rule and message for message the same as its TypeScript twins (lib/router-env.ts,
# lib/router-bgp-env.ts, lib/vnf-passwords.ts, lib/lb-env.ts); both are held to
# tests/vectors/vnf-env.json, and tests/images/start-scripts.test.ts and
# tests/images/containers.e2e.test.ts also compare them on extra inputs. The keys, ranges and
# limits both sides share come from images/lib/vnf-facts.sh, generated from lib/.
# Sourced by the router and nginx-lb start scripts (dash, bash and busybox sh all work), from
# ../lib/ beside the script's folder: images/lib/ in the repo, /usr/local/lib/ in the image.
#
# Parsers append to globals in input order (newline-separated):
#   vnf_parse_interfaces LIST  -> VNF_IFACES
#   vnf_parse_routes LIST      -> VNF_ROUTE_LINES ("ip route P X"); checks `dev` against
#                                 VNF_IFACES when VNF_IFACES_SET=1
#   vnf_parse_servers LIST     -> VNF_SERVERS ("host:port")
#   vnf_parse_vty_password PW  -> VNF_VTY_PASSWORD (never printed: errors quote it as "[hidden]")
#   vnf_parse_routing          -> VNF_ROUTING (static|bgp) from ROUTING and, with bgp, the BGP_*
#                                 and BFD_* variables: VNF_BGP_ASN, VNF_BGP_PEER_ASN,
#                                 VNF_BGP_GROUPS ("NAME RANGE" lines), VNF_BGP_ANNOUNCE ("NAME
#                                 PREFIX" lines), VNF_BFD_INTERVAL_MS, VNF_BFD_MULTIPLIER,
#                                 VNF_BGP_PASSWORD (+ VNF_BGP_PASSWORD_SET=1; never printed)
# A bad entry ends the script: exit 2, stderr `KEY entry "ENTRY": reason`.
#
# Sourcing this turns off pathname expansion (set -f) for the whole script: entries are
# split with IFS, and an entry such as "eth*" must never be matched against files.
set -f
. "$(dirname "$0")/../lib/vnf-facts.sh"

VNF_NL='
'
VNF_TAB='	'

vnf_fail() { # key entry reason
  printf '%s entry "%s": %s\n' "$1" "$2" "$3" >&2
  exit 2
}

# Sets _trimmed to $1 without leading/trailing spaces and tabs (only those, like the TS
# module; a command substitution would also eat trailing newlines, so none is used).
vnf_trim() {
  _trimmed=$1
  while :; do case $_trimmed in [" $VNF_TAB"]*) _trimmed=${_trimmed#?} ;; *) break ;; esac; done
  while :; do case $_trimmed in *[" $VNF_TAB"]) _trimmed=${_trimmed%?} ;; *) break ;; esac; done
}

# Calls "$3 ENTRY" for each trimmed, comma-separated entry of $2 (key $1). Empty entries are
# errors, so they are found here (IFS splitting would silently drop a trailing empty field).
vnf_split() {
  vnf_trim "$2"
  [ -n "$_trimmed" ] || vnf_fail "$1" "" "the list is empty"
  _rest=$2
  while :; do
    case $_rest in
      *,*) _piece=${_rest%%,*}; _rest=${_rest#*,} ;;
      *) _piece=$_rest; _rest= ; _last=1 ;;
    esac
    vnf_trim "$_piece"
    [ -n "$_trimmed" ] || vnf_fail "$1" "" "empty entry (two commas in a row, or a leading/trailing comma)"
    "$3" "$_trimmed"
    [ -z "${_last:-}" ] || { unset _last; break; }
  done
}

# "$1" is in the newline-separated list "$2".
vnf_in_list() { case "$VNF_NL$2$VNF_NL" in *"$VNF_NL$1$VNF_NL"*) return 0 ;; esac; return 1; }

# Each *_problem function prints a reason, or nothing when the value is fine.

vnf_ipv4_problem() {
  case $1 in */*) echo "\"$1\" must be a plain IPv4 address without a /prefix"; return ;; esac
  _bad="\"$1\" is not a valid IPv4 address (four decimal octets 0-255, no leading zeros)"
  case $1 in *[!0-9.]* | .* | *. | *..* | "") echo "$_bad"; return ;; esac
  _old=$IFS; IFS=.; set -- $1; IFS=$_old
  [ $# -eq 4 ] || { echo "$_bad"; return; }
  for _o; do
    case $_o in 0 | [1-9] | [1-9][0-9] | 1[0-9][0-9] | 2[0-4][0-9] | 25[0-5]) ;; *) echo "$_bad"; return ;; esac
  done
}

vnf_cidr_problem() {
  _addr=${1%%/*}; _len=${1#*/}
  # Exactly one "/" (the TS split("/") must give two parts).
  if [ "$_addr" = "$1" ] || [ "${_len#*/}" != "$_len" ]; then
    echo "\"$1\" is not a CIDR (expected ADDRESS/LENGTH, e.g. 10.100.102.0/24)"; return
  fi
  case $_len in
    0 | [1-9] | [1-9][0-9]) ;;
    *) echo "prefix length \"$_len\" is not a decimal number 0-32"; return ;;
  esac
  [ "$_len" -le 32 ] || { echo "prefix length $_len is out of range 0-32"; return; }
  _why=$(vnf_ipv4_problem "$_addr")
  [ -z "$_why" ] || { echo "$_why"; return; }
  _old=$IFS; IFS=.; set -- $_addr; IFS=$_old
  _ip=$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 ))
  _net=$(( _len == 0 ? 0 : _ip & ((0xFFFFFFFF << (32 - _len)) & 0xFFFFFFFF) ))
  if [ "$_net" -ne "$_ip" ]; then
    echo "$_addr/$_len has host bits set; use the network address" \
      "$(( _net >> 24 & 255 )).$(( _net >> 16 & 255 )).$(( _net >> 8 & 255 )).$(( _net & 255 ))/$_len"
  fi
}

vnf_iface_problem() {
  if [ ${#1} -lt 1 ] || [ ${#1} -gt 15 ]; then
    echo "interface name must be 1-15 characters (got ${#1})"; return
  fi
  case $1 in *[[:space:]/:]*) echo "interface name must not contain whitespace, '/' or ':'"; return ;; esac
  # Stricter than the kernel (any byte): only printable ASCII, as in the TS module.
  case $1 in *[!!-~]*) echo "interface name must be printable ASCII"; return ;; esac
  case $1 in . | ..) echo "\"$1\" is not a valid interface name" ;; esac
}

# RFC-1123 hostname or canonical IPv4; a name whose last label is numeric must be an IPv4.
vnf_host_problem() {
  case ${1##*.} in
    "" | *[!0-9]*) ;;
    *) vnf_ipv4_problem "$1"; return ;;
  esac
  [ ${#1} -le 253 ] || { echo "hostname is longer than 253 characters"; return; }
  _rest=$1.
  while [ -n "$_rest" ]; do
    _label=${_rest%%.*}; _rest=${_rest#*.}
    case $_label in
      "" | -* | *- | *[!A-Za-z0-9-]*) _ok=0 ;;
      *) [ ${#_label} -le 63 ] && _ok=1 || _ok=0 ;;
    esac
    if [ "$_ok" = 0 ]; then
      echo "\"$1\" is not an IPv4 address or RFC-1123 hostname (labels of letters, digits and inner '-', 1-63 chars)"
      return
    fi
  done
}

# ---- INTERFACES ---------------------------------------------------------------
VNF_IFACES=
VNF_IFACES_SET=0
vnf_interface_entry() {
  _why=$(vnf_iface_problem "$1")
  [ -z "$_why" ] || vnf_fail INTERFACES "$1" "$_why"
  ! vnf_in_list "$1" "$VNF_IFACES" || vnf_fail INTERFACES "$1" "duplicate interface"
  VNF_IFACES=$VNF_IFACES${VNF_IFACES:+$VNF_NL}$1
}
vnf_parse_interfaces() { VNF_IFACES_SET=1; vnf_split INTERFACES "$1" vnf_interface_entry; }

# ---- ROUTES -------------------------------------------------------------------
VNF_ROUTE_LINES=
_vnf_prefixes=
vnf_route_entry() {
  _entry=$1
  # Tokens are separated by runs of spaces/tabs only (same as the TS split(/[ \t]+/)).
  _old=$IFS; IFS=" $VNF_TAB"; set -- $_entry; IFS=$_old
  if [ $# -eq 3 ] && [ "$2" = dev ]; then _dev=1
  elif [ $# -eq 2 ] && [ "$2" != dev ]; then _dev=0
  else vnf_fail ROUTES "$_entry" 'expected "CIDR NEXTHOP" or "CIDR dev IFACE"'
  fi
  _why=$(vnf_cidr_problem "$1")
  [ -z "$_why" ] || vnf_fail ROUTES "$_entry" "$_why"
  if [ "$_dev" = 1 ]; then
    _target=$3
    _why=$(vnf_iface_problem "$_target")
    [ -z "$_why" ] || vnf_fail ROUTES "$_entry" "$_why"
    if [ "$VNF_IFACES_SET" = 1 ] && ! vnf_in_list "$_target" "$VNF_IFACES"; then
      vnf_fail ROUTES "$_entry" "interface $_target is not in INTERFACES ($(printf '%s' "$VNF_IFACES" | tr '\n' ,))"
    fi
  else
    _target=$2
    _why=$(vnf_ipv4_problem "$_target")
    [ -z "$_why" ] || vnf_fail ROUTES "$_entry" "next hop $_why"
  fi
  ! vnf_in_list "$1" "$_vnf_prefixes" || vnf_fail ROUTES "$_entry" "duplicate route for $1"
  _vnf_prefixes=$_vnf_prefixes${_vnf_prefixes:+$VNF_NL}$1
  VNF_ROUTE_LINES=$VNF_ROUTE_LINES${VNF_ROUTE_LINES:+$VNF_NL}"ip route $1 $_target"
}
vnf_parse_routes() { vnf_split ROUTES "$1" vnf_route_entry; }

# ---- SERVERS ------------------------------------------------------------------
VNF_SERVERS=
_vnf_server_ids=
vnf_server_entry() {
  _entry=$1
  case $_entry in *[[:space:]]*) vnf_fail SERVERS "$_entry" "whitespace inside an entry" ;; esac
  case $_entry in "["* | *:*:*) vnf_fail SERVERS "$_entry" "IPv6 backends are not supported" ;; esac
  _host=${_entry%%:*}; _port=80
  if [ "$_host" != "$_entry" ]; then
    _port=${_entry#*:}
    case $_port in
      "" | 0* | *[!0-9]*) vnf_fail SERVERS "$_entry" "port \"$_port\" is not a decimal number 1-65535" ;;
    esac
    # Compare as text first: a long digit string would overflow shell arithmetic.
    if [ ${#_port} -gt 5 ] || [ "$_port" -gt 65535 ]; then
      vnf_fail SERVERS "$_entry" "port $_port is out of range 1-65535"
    fi
  fi
  _why=$(vnf_host_problem "$_host")
  [ -z "$_why" ] || vnf_fail SERVERS "$_entry" "$_why"
  _id=$(printf '%s' "$_host" | tr 'A-Z' 'a-z'):$_port # DNS names are case-insensitive
  ! vnf_in_list "$_id" "$_vnf_server_ids" || vnf_fail SERVERS "$_entry" "duplicate backend $_host:$_port"
  _vnf_server_ids=$_vnf_server_ids${_vnf_server_ids:+$VNF_NL}$_id
  VNF_SERVERS=$VNF_SERVERS${VNF_SERVERS:+$VNF_NL}$_host:$_port
}
vnf_parse_servers() { vnf_split SERVERS "$1" vnf_server_entry; }

# ---- VTY_PASSWORD and BGP_PASSWORD (lib/vnf-passwords.ts) ------------------------
# Secrets: errors never quote them. One rule, in the TS module's order: printable ASCII without
# whitespace, first character a letter or digit (FRR refuses others), at most the key's length.
vnf_password() { # key value max-length what-unset-gives
  [ -n "$2" ] || vnf_fail "$1" "" "the password is empty (leave $1 unset $4)"
  case $2 in *[!!-~]*) vnf_fail "$1" "$VNF_PASSWORD_ENTRY" "the password must be printable ASCII without spaces or newlines" ;; esac
  case $2 in [A-Za-z0-9]*) ;; *) vnf_fail "$1" "$VNF_PASSWORD_ENTRY" "the password must start with a letter or digit (FRR refuses others)" ;; esac
  [ ${#2} -le "$3" ] || vnf_fail "$1" "$VNF_PASSWORD_ENTRY" "the password is longer than $3 characters"
}

VNF_VTY_PASSWORD=
vnf_parse_vty_password() {
  vnf_password VTY_PASSWORD "$1" "$VNF_VTY_PASSWORD_MAX_LENGTH" "for a vty on 127.0.0.1 only"
  VNF_VTY_PASSWORD=$1
}

# ---- ROUTING and the bgp mode (parseRouterBgpEnv) ------------------------------
# Same keys, order, rules and messages as lib/router-bgp-env.ts. Reads the variables itself
# (unset and empty differ), so call it with no arguments.
VNF_ROUTING=static
VNF_BGP_ASN=
VNF_BGP_PEER_ASN=
VNF_BGP_GROUPS=
VNF_BGP_ANNOUNCE=
VNF_BFD_INTERVAL_MS=$VNF_BFD_DEFAULT_INTERVAL_MS
VNF_BFD_MULTIPLIER=$VNF_BFD_DEFAULT_MULTIPLIER
VNF_BGP_PASSWORD=
VNF_BGP_PASSWORD_SET=0
# Letters spelled out: a range such as [A-Z] may match lower case in some locales.
VNF_UPPER=ABCDEFGHIJKLMNOPQRSTUVWXYZ

vnf_asn_problem() { # private AS numbers only (RFC 6996)
  case $1 in "" | 0* | *[!0-9]*) echo "is not a decimal AS number"; return ;; esac
  [ ${#1} -le 10 ] || { echo "is not a decimal AS number"; return; }
  [ $(( ($1 >= 64512 && $1 <= 65534) || ($1 >= 4200000000 && $1 <= 4294967294) )) = 1 ] ||
    echo "is not a private AS number (RFC 6996: 64512-65534 or 4200000000-4294967294)"
}

vnf_ranged_problem() { # value lo hi
  case $1 in "" | 0* | *[!0-9]*) echo "is not a decimal number $2-$3"; return ;; esac
  [ ${#1} -le 6 ] || { echo "is not a decimal number $2-$3"; return; }
  [ "$1" -ge "$2" ] && [ "$1" -le "$3" ] || echo "is out of range $2-$3"
}

vnf_bgp_asn() { # key -> _asn
  eval "_set=\${$1+set} _asn=\${$1-}"
  if [ "$_set" != set ] || [ -z "$_asn" ]; then _why="is required with ROUTING=bgp"; else _why=$(vnf_asn_problem "$_asn"); fi
  [ -z "$_why" ] || vnf_fail "$1" "$_asn" "$_why"
}

vnf_group_entry() { # key entry -> _gname _gcidr (GROUP=CIDR)
  case $2 in *=*) ;; *) vnf_fail "$1" "$2" 'expected "GROUP=CIDR"' ;; esac
  _gname=${2%%=*}; _gcidr=${2#*=}
  case $_gname in
    "" | [!"$VNF_UPPER"]* | *[!"$VNF_UPPER"0123456789]*) _ok=0 ;;
    *) [ ${#_gname} -le 16 ] && _ok=1 || _ok=0 ;;
  esac
  [ "$_ok" = 1 ] || vnf_fail "$1" "$2" "peer group name must be 1-16 upper-case letters and digits, starting with a letter"
  _why=$(vnf_cidr_problem "$_gcidr")
  [ -z "$_why" ] || vnf_fail "$1" "$2" "$_why"
}

_vnf_group_names=
_vnf_group_ranges=
vnf_listen_entry() {
  vnf_group_entry BGP_LISTEN_RANGES "$1"
  ! vnf_in_list "$_gname" "$_vnf_group_names" || vnf_fail BGP_LISTEN_RANGES "$1" "duplicate peer group $_gname"
  ! vnf_in_list "$_gcidr" "$_vnf_group_ranges" || vnf_fail BGP_LISTEN_RANGES "$1" "duplicate listen range $_gcidr"
  _vnf_group_names=$_vnf_group_names${_vnf_group_names:+$VNF_NL}$_gname
  _vnf_group_ranges=$_vnf_group_ranges${_vnf_group_ranges:+$VNF_NL}$_gcidr
  VNF_BGP_GROUPS=$VNF_BGP_GROUPS${VNF_BGP_GROUPS:+$VNF_NL}"$_gname $_gcidr"
}

vnf_announce_entry() {
  vnf_group_entry BGP_ANNOUNCE "$1"
  vnf_in_list "$_gname" "$_vnf_group_names" ||
    vnf_fail BGP_ANNOUNCE "$1" "peer group $_gname is not in BGP_LISTEN_RANGES ($(printf '%s' "$_vnf_group_names" | tr '\n' ,))"
  ! vnf_in_list "$_gname $_gcidr" "$VNF_BGP_ANNOUNCE" || vnf_fail BGP_ANNOUNCE "$1" "duplicate announcement of $_gcidr to $_gname"
  VNF_BGP_ANNOUNCE=$VNF_BGP_ANNOUNCE${VNF_BGP_ANNOUNCE:+$VNF_NL}"$_gname $_gcidr"
}

vnf_parse_routing() {
  VNF_ROUTING=${ROUTING-static}
  case $VNF_ROUTING in static | bgp) ;; *) vnf_fail ROUTING "$VNF_ROUTING" "must be static or bgp" ;; esac
  if [ "$VNF_ROUTING" = static ]; then
    for _k in $VNF_BGP_KEYS; do
      eval "_set=\${$_k+set} _v=\${$_k-}"
      [ "$_set" = set ] || continue
      [ "$_k" != BGP_PASSWORD ] || _v=$VNF_PASSWORD_ENTRY
      vnf_fail "$_k" "$_v" "only read with ROUTING=bgp"
    done
    return 0
  fi
  vnf_bgp_asn BGP_ASN; VNF_BGP_ASN=$_asn
  vnf_bgp_asn BGP_PEER_ASN; VNF_BGP_PEER_ASN=$_asn
  [ "$VNF_BGP_PEER_ASN" != "$VNF_BGP_ASN" ] ||
    vnf_fail BGP_PEER_ASN "$VNF_BGP_PEER_ASN" "must differ from BGP_ASN (eBGP between the router and its peers)"
  vnf_split BGP_LISTEN_RANGES "${BGP_LISTEN_RANGES:-}" vnf_listen_entry
  vnf_split BGP_ANNOUNCE "${BGP_ANNOUNCE:-}" vnf_announce_entry
  if [ "${BFD_INTERVAL_MS+set}" = set ]; then
    _why=$(vnf_ranged_problem "$BFD_INTERVAL_MS" "$VNF_BFD_INTERVAL_MS_MIN" "$VNF_BFD_INTERVAL_MS_MAX")
    [ -z "$_why" ] || vnf_fail BFD_INTERVAL_MS "$BFD_INTERVAL_MS" "$_why"
    VNF_BFD_INTERVAL_MS=$BFD_INTERVAL_MS
  fi
  if [ "${BFD_MULTIPLIER+set}" = set ]; then
    _why=$(vnf_ranged_problem "$BFD_MULTIPLIER" "$VNF_BFD_MULTIPLIER_MIN" "$VNF_BFD_MULTIPLIER_MAX")
    [ -z "$_why" ] || vnf_fail BFD_MULTIPLIER "$BFD_MULTIPLIER" "$_why"
    VNF_BFD_MULTIPLIER=$BFD_MULTIPLIER
  fi
  if [ "${BGP_PASSWORD+set}" = set ]; then
    vnf_password BGP_PASSWORD "$BGP_PASSWORD" "$VNF_BGP_PASSWORD_MAX_LENGTH" "for sessions without TCP-MD5"
    VNF_BGP_PASSWORD=$BGP_PASSWORD; VNF_BGP_PASSWORD_SET=1
  fi
}
