#!/bin/sh
# Provide the base image debian:bookworm-slim, with or without a container registry.
# If the image is already present (pulled or built before), do nothing; else, where a
# registry answers (a hosted CI runner, a workstation), `docker pull` it, bounded in time;
# only where none answers, build a minimal Debian bookworm rootfs with debootstrap from
# the same apt mirror this machine uses, and `docker import` it under that name.
#   BOOTSTRAP_PULL_TIMEOUT   seconds the pull may take (default 120; 0 skips the pull)
set -eu

IMAGE=debian:bookworm-slim
SUITE=bookworm
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
start=$(date +%s)

log() { echo "bootstrap-base: $*" >&2; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "$IMAGE already present ($(docker image inspect -f '{{.Id}}' "$IMAGE")), nothing to do"
  exit 0
fi

# A registry that is refused or unresolvable fails the pull at once (where no registry is
# reachable, as on the project's machines, in well under a second); one that drops packets
# is cut off by the timeout. Either way we fall through to debootstrap.
PULL_TIMEOUT=${BOOTSTRAP_PULL_TIMEOUT:-120}
if [ "$PULL_TIMEOUT" != 0 ]; then
  log "pulling $IMAGE (at most ${PULL_TIMEOUT}s)"
  if out=$(timeout "$PULL_TIMEOUT" docker pull -q "$IMAGE" 2>&1); then
    log "pulled $IMAGE ($(docker image inspect -f '{{.Id}}' "$IMAGE")) in $(( $(date +%s) - start ))s"
    exit 0
  elif [ $? = 124 ]; then
    log "no answer from the registry in ${PULL_TIMEOUT}s, building it instead"
  else
    log "no registry answered ($(printf '%s\n' "$out" | tail -1)), building it instead"
  fi
fi

command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }
[ "$(id -u)" = 0 ] || { log "debootstrap needs root"; exit 1; }

# The Debian stanzas (bookworm, -updates, -security) of this machine's apt sources,
# in deb822 form. Both one-line .list files and deb822 .sources files are read;
# other vendors' repositories (no "bookworm*" suite) are left out.
debian_sources() {
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$SUITE" '$1 == "deb" && $3 ~ "^" suite "(-|$)" {
      uri = $2; s = $3; c = ""; for (i = 4; i <= NF; i++) c = c (c == "" ? "" : " ") $i
      printf "Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\nSigned-By: '"$KEYRING"'\n\n", uri, s, c
    }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # Keep whole stanzas (blank-line separated) whose Suites mention bookworm.
    awk -v suite="$SUITE" 'BEGIN { RS = ""; ORS = "\n\n" }
      { keep = 0; n = split($0, l, "\n")
        for (i = 1; i <= n; i++) if (l[i] ~ "^Suites:.*[ \t]" suite "([ \t-]|$)") keep = 1
        if (keep) print }' "$f"
  done
}

SOURCES=$(debian_sources)
# The mirror for debootstrap: the URI of the stanza whose Suites include plain "bookworm".
MIRROR=$(printf '%s\n\n' "$SOURCES" | awk -v suite="$SUITE" 'BEGIN { RS = "" }
  { uri = ""; hit = 0; n = split($0, l, "\n")
    for (i = 1; i <= n; i++) {
      if (l[i] ~ /^URIs:/) { split(l[i], u, /[ \t]+/); uri = u[2] }
      if (l[i] ~ "^Suites:(.*[ \t])?" suite "([ \t]|$)") hit = 1
    }
    if (hit && uri != "") { print uri; exit } }')
[ -n "$MIRROR" ] || { log "no Debian $SUITE mirror found in /etc/apt/sources.list(.d)"; exit 1; }
log "building $IMAGE with debootstrap --variant=minbase $SUITE from $MIRROR"

ROOT=$(mktemp -d /var/tmp/hvnf-rootfs.XXXXXX)
cleanup() {
  # debootstrap mounts /proc and /sys inside the target; never rm -rf through a mount.
  for m in $(awk -v r="$ROOT" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$ROOT"
}
trap cleanup EXIT INT TERM

debootstrap --variant=minbase --keyring="$KEYRING" "$SUITE" "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 || {
  log "debootstrap failed, last lines of its log:"; tail -20 "$ROOT.log" >&2; rm -f "$ROOT.log"; exit 1; }
rm -f "$ROOT.log"
t_debootstrap=$(( $(date +%s) - start ))

# apt inside the image must reach the same mirror(s) as this machine, so `docker build`
# can apt-get install: replace debootstrap's one-line sources.list with the host's stanzas.
rm -f "$ROOT/etc/apt/sources.list"
printf '%s\n' "$SOURCES" >"$ROOT/etc/apt/sources.list.d/debian.sources"
# Like the official slim image: no package caches or lists left in layers.
cat >"$ROOT/etc/apt/apt.conf.d/docker-clean" <<'CONF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
CONF
echo 'APT::Install-Recommends "false";' >"$ROOT/etc/apt/apt.conf.d/docker-no-recommends"
# Like debuerreotype's minimizing config: package scripts must not try to start
# services during `docker build` (there is no init; our start scripts run the daemons).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/log/*.log

tar --numeric-owner -C "$ROOT" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --change "LABEL org.hybrid-vnf.base=debootstrap org.hybrid-vnf.mirror=$MIRROR" \
  - "$IMAGE" >/dev/null

log "imported $IMAGE ($(docker image inspect -f '{{.Size}}' "$IMAGE") bytes);" \
  "debootstrap ${t_debootstrap}s, total $(( $(date +%s) - start ))s"
