// The Linux capabilities FRR's daemons need in a container that is not privileged, written once:
// QuaggaRouter's pod with leastPrivilege (components/router-pod.ts), the lab's FRR containers, and
// the router image's start-up message (through the generated images/lib/vnf-facts.sh) read them.
// The image needs nothing more: it prepares file ownership at build time and runs the daemons as
// root without a user switch (no CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID).

/**
 * zebra refuses to start without any of these: set routes (NET_ADMIN), raw sockets (NET_RAW),
 * SYS_ADMIN. tests/images/containers.e2e.test.ts runs the image with exactly these, and without
 * each one in turn.
 */
export const FRR_CAPABILITIES = ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"] as const;
/** bgp mode adds NET_BIND_SERVICE: bgpd (179) and bfdd (3784/3785) bind ports below 1024 and ask for it. */
export const FRR_BGP_CAPABILITIES = [...FRR_CAPABILITIES, "NET_BIND_SERVICE"] as const;
