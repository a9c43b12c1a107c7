// What OpenStack, Debian and k3s accept for the plain values the OpenStack stacks hand on to them
// (resource names, the login user, pinned versions). Each *Problem function returns a reason
// sentence, or undefined when the value is fine; the config readers turn it into a ConfigError
// naming the key, so a bad value fails before any resource registers instead of halfway through
// `pulumi up` (Nova, Neutron) or at first boot (cloud-init, apt, the k3s installer).

/** OpenStack's name limit (Nova, Neutron and Glance names are at most 255 characters). */
export const OPENSTACK_NAME_MAX = 255;

/**
 * Why `name` cannot name an OpenStack image, flavor or network, or undefined. Nova's name rule
 * (printable characters, no leading or trailing whitespace, 1-255), applied to every name we
 * look up: a name with a stray space or a control character would match nothing, and the
 * lookup would fail only during `up`.
 */
export function openstackNameProblem(name: string): string | undefined {
    if (name.length === 0) return "is empty; name an existing OpenStack resource, or remove the key for the default";
    if (name.length > OPENSTACK_NAME_MAX)
        return `is ${name.length} characters long; OpenStack names are at most ${OPENSTACK_NAME_MAX}`;
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f-\x9f]/.test(name))
        return "contains a control character (a newline or tab?); OpenStack names are printable";
    if (name.trim() !== name) return "starts or ends with whitespace; OpenStack would look up a different name";
    return undefined;
}

/** Debian's login-name rule (adduser's NAME_REGEX, without the Samba machine-account '$'). */
const LOGIN_NAME = /^[a-z][-a-z0-9_]*$/;
/** useradd's limit on Debian (the utmp user field). */
export const LOGIN_NAME_MAX = 32;
/**
 * Names the VMs already use: root (cloud-init's disable_root turns its SSH logins away), Debian's
 * system users (base-passwd's and the cloud image's packages') and the docker group and frr user
 * our packages add. The key would go to an account with no login shell (or useradd would fail),
 * and every SSH step would fail halfway through `up`.
 */
export const RESERVED_LOGIN_NAMES: readonly string[] = [
    "root",
    "daemon",
    "bin",
    "sys",
    "sync",
    "games",
    "man",
    "lp",
    "mail",
    "news",
    "uucp",
    "proxy",
    "www-data",
    "backup",
    "list",
    "irc",
    "gnats",
    "nobody",
    "_apt",
    "messagebus",
    "sshd",
    "systemd-network",
    "systemd-resolve",
    "systemd-timesync",
    "systemd-coredump",
    "polkitd",
    "_chrony",
    "tcpdump",
    "dnsmasq",
    "docker",
    "frr",
];

/** Why `name` cannot be the VMs' login user, or undefined. */
export function loginNameProblem(name: string): string | undefined {
    if (name.length > LOGIN_NAME_MAX)
        return `is ${name.length} characters long; Debian login names are at most ${LOGIN_NAME_MAX}`;
    if (!LOGIN_NAME.test(name))
        return "is not a Debian login name (a lowercase letter, then lowercase letters, digits, '-' or '_')";
    if (RESERVED_LOGIN_NAMES.includes(name))
        return "is a system account of the Debian image, not a login user; use the image's user (debian)";
    return undefined;
}

/**
 * A k3s release tag: v1.MINOR.PATCH+k3sN, decimal numbers without leading zeros and N from 1,
 * exactly as k3s tags its releases (the installer downloads that tag; anything else is a 404 at
 * first boot). Release candidates are not pinned releases.
 */
const K3S_RELEASE = /^v1\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\+k3s[1-9][0-9]*$/;

export function k3sVersionProblem(version: string): string | undefined {
    return K3S_RELEASE.test(version)
        ? undefined
        : "is not a pinned k3s release like v1.31.6+k3s1 (v1.MINOR.PATCH+k3sN, no leading zeros, no -rc)";
}

/**
 * Debian Policy 5.6.12: [epoch:]upstream_version[-debian_revision]. The epoch is an unsigned
 * integer; upstream starts with a digit and holds only alphanumerics and . + ~ (and '-' only when
 * a revision follows, the revision being what follows the last '-'); the revision holds only
 * alphanumerics and + . ~. apt would refuse anything else at first boot, leaving no Docker.
 */
const DEBIAN_VERSION = /^(?:(0|[1-9][0-9]{0,8}):)?([0-9][A-Za-z0-9.+~-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

export function debianVersionProblem(version: string): string | undefined {
    const m = DEBIAN_VERSION.exec(version);
    if (!m || (m[3] === undefined && m[2].includes("-"))) {
        return "is not a Debian package version ([epoch:]upstream[-revision], Debian Policy 5.6.12), e.g. 20.10.24+dfsg1-1+deb12u1";
    }
    return undefined;
}
