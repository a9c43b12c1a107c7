# shellcheck shell=sh
# GENERATED from lib/ by lib/image-facts.ts; do not edit (tests/lib/image-facts.test.ts fails
# when it is stale). Facts the start scripts share with the TypeScript side, each written
# once in the module named above it. Sourced by images/lib/vnf-env.sh.
# lib/router-bgp-env.ts ROUTER_BGP_ENV_KEYS
VNF_BGP_KEYS='BGP_ASN BGP_PEER_ASN BGP_LISTEN_RANGES BGP_ANNOUNCE BFD_INTERVAL_MS BFD_MULTIPLIER BGP_PASSWORD'
# lib/routing.ts BFD_INTERVAL_MS
VNF_BFD_INTERVAL_MS_MIN='10'
# lib/routing.ts BFD_INTERVAL_MS
VNF_BFD_INTERVAL_MS_MAX='60000'
# lib/routing.ts BFD_MULTIPLIER
VNF_BFD_MULTIPLIER_MIN='2'
# lib/routing.ts BFD_MULTIPLIER
VNF_BFD_MULTIPLIER_MAX='255'
# lib/routing.ts DEFAULT_BFD
VNF_BFD_DEFAULT_INTERVAL_MS='300'
# lib/routing.ts DEFAULT_BFD
VNF_BFD_DEFAULT_MULTIPLIER='3'
# lib/vnf-passwords.ts VTY_PASSWORD_MAX_LENGTH
VNF_VTY_PASSWORD_MAX_LENGTH='128'
# lib/routing.ts BGP_PASSWORD_MAX_LENGTH
VNF_BGP_PASSWORD_MAX_LENGTH='80'
# lib/vnf-passwords.ts VTY_PASSWORD_PLACEHOLDER
VNF_VTY_PASSWORD_PLACEHOLDER='REDACTED'
# lib/vnf-passwords.ts VTY_PASSWORD_ENTRY
VNF_PASSWORD_ENTRY='[hidden]'
# lib/frr-capabilities.ts FRR_CAPABILITIES
VNF_FRR_CAPABILITIES='NET_ADMIN NET_RAW SYS_ADMIN'
# lib/frr-capabilities.ts FRR_BGP_CAPABILITIES
VNF_FRR_BGP_CAPABILITIES='NET_ADMIN NET_RAW SYS_ADMIN NET_BIND_SERVICE'
# lib/ports.ts FRR_VTY_PORTS
VNF_ZEBRA_VTY_PORT='2601'
# lib/ports.ts FRR_VTY_PORTS
VNF_STATICD_VTY_PORT='2616'
# lib/ports.ts BGP_PORT
VNF_BGP_PORT='179'
# lib/ports.ts BFD_PORTS
VNF_BFD_CONTROL_PORT='3784'
# lib/ports.ts BFD_PORTS
VNF_BFD_ECHO_PORT='3785'
