# shellcheck shell=sh
# The router's frr.conf: this file renders it in the image (sourced by start.sh), and its
# TypeScript twin tests/reference/frr-config.ts renders the same text for the tests, which hold
# both to tests/vectors/vnf-env.json and to FRR's own parser (`vtysh -C`). The twin lives with the
# tests because only they use it; this file must be in the image's build context (images/).
# Input: the parsed env of images/lib/vnf-env.sh (VNF_IFACES, VNF_ROUTE_LINES, VNF_ROUTING, the
# VNF_BGP_* and VNF_BFD_* globals, VNF_VTY_PASSWORD and VNF_BGP_PASSWORD_SET).

# FRR's `bfd` block with one profile: PROFILE INTERVAL_MS MULTIPLIER. The hosts' configs get the
# same block from lib/frr-host.ts bfdProfileLines; tests/images/frr-config.test.ts holds the two
# to the bfdProfile vectors.
frr_bfd_profile() {
  printf '%s\n' bfd " profile $1" "  detect-multiplier $3" "  receive-interval $2" "  transmit-interval $2" \
    " exit" " !" exit "!"
}

# The BFD profile every BGP session uses (BFD_PROFILE in the twin).
FRR_BFD_PROFILE=ROUTERS

# The bgp section, as renderBgpLines in the twin. $1: the BGP password or the placeholder. Groups
# in BGP_LISTEN_RANGES order, each group's prefixes in BGP_ANNOUNCE order.
frr_bgp_section() {
  _old_ifs=$IFS; IFS=$VNF_NL
  for _g in $VNF_BGP_GROUPS; do
    _name=${_g%% *}; _seq=5
    printf 'ip prefix-list %s-IN seq 5 deny any\n' "$_name"
    for _a in $VNF_BGP_ANNOUNCE; do
      [ "${_a%% *}" = "$_name" ] || continue
      printf 'ip prefix-list %s-OUT seq %s permit %s\n' "$_name" "$_seq" "${_a#* }"; _seq=$((_seq + 5))
    done
    printf 'ip prefix-list %s-OUT seq %s deny any\n' "$_name" "$_seq"
  done
  printf '!\n'
  for _g in $VNF_BGP_GROUPS; do
    for _dir in IN OUT; do
      printf 'route-map %s-%s permit 10\n match ip address prefix-list %s-%s\nexit\n!\n' "${_g%% *}" "$_dir" "${_g%% *}" "$_dir"
    done
  done
  frr_bfd_profile "$FRR_BFD_PROFILE" "$VNF_BFD_INTERVAL_MS" "$VNF_BFD_MULTIPLIER"
  printf 'router bgp %s\n' "$VNF_BGP_ASN"
  for _g in $VNF_BGP_GROUPS; do
    _name=${_g%% *}
    printf ' neighbor %s peer-group\n neighbor %s remote-as %s\n neighbor %s bfd\n neighbor %s bfd profile %s\n' \
      "$_name" "$_name" "$VNF_BGP_PEER_ASN" "$_name" "$_name" "$FRR_BFD_PROFILE"
    [ "$VNF_BGP_PASSWORD_SET" != 1 ] || printf ' neighbor %s password %s\n' "$_name" "$1"
    printf ' bgp listen range %s peer-group %s\n' "${_g#* }" "$_name"
  done
  printf '%s\n' " !" " address-family ipv4 unicast"
  _networks=
  for _g in $VNF_BGP_GROUPS; do
    for _a in $VNF_BGP_ANNOUNCE; do
      [ "${_a%% *}" = "${_g%% *}" ] && ! vnf_in_list "${_a#* }" "$_networks" || continue
      _networks=$_networks${_networks:+$VNF_NL}${_a#* }
      printf '  network %s\n' "${_a#* }"
    done
  done
  for _g in $VNF_BGP_GROUPS; do
    printf '  neighbor %s route-map %s-IN in\n  neighbor %s route-map %s-OUT out\n' "${_g%% *}" "${_g%% *}" "${_g%% *}" "${_g%% *}"
  done
  printf '%s\n' " exit-address-family" exit "!"
  IFS=$_old_ifs
}

# The whole frr.conf, as renderFrrConfig in the twin: HOSTNAME VTY BGP, where VTY and BGP are what
# follows `password` under `line vty` and in the BGP neighbours when set: the placeholder for
# anything printed, the passwords themselves only for the file the daemons load.
frr_config() {
  printf '%s\n' "frr defaults traditional" "hostname $1" "log stdout" \
    "service integrated-vtysh-config" "!" "ip forwarding" "!"
  [ -z "$VNF_IFACES" ] || printf 'interface %s\nexit\n!\n' $VNF_IFACES
  printf '%s\n' "$VNF_ROUTE_LINES" "!"
  [ "$VNF_ROUTING" != bgp ] || frr_bgp_section "$3"
  printf '%s\n' "line vty"
  [ -z "$VNF_VTY_PASSWORD" ] || printf ' password %s\n' "$2"
  printf '!\n'
}
