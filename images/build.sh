#!/bin/sh
# Build the three VNF images as hybrid-vnf/<name>:<images/VERSION> with plain `docker build`.
# Idempotent: the base image is only bootstrapped when missing, and Docker's layer cache
# makes a rebuild of unchanged sources a no-op. Prints how long each step took.
#   usage: images/build.sh [router|nginx-lb|apache ...]   (default: all three)
set -eu

dir=$(cd "$(dirname "$0")" && pwd)
version=$(tr -d ' \n' < "$dir/VERSION")
[ -n "$version" ] || { echo "build.sh: $dir/VERSION is empty" >&2; exit 1; }
names=${*:-router nginx-lb apache}

docker info >/dev/null 2>&1 || { echo "build.sh: cannot reach the Docker Engine (is dockerd running?)" >&2; exit 1; }

"$dir/bootstrap-base.sh"

for name in $names; do
  [ -f "$dir/$name/Dockerfile" ] || { echo "build.sh: unknown image '$name'" >&2; exit 1; }
  tag="hybrid-vnf/$name:$version"
  t0=$(date +%s)
  log=$(mktemp)
  # Context is images/ (not images/<name>/) so images/lib/ can be copied into the images.
  # DOCKER_BUILDKIT=0: the classic builder needs no buildx plugin and works with any engine.
  # The build log is only shown when the build fails.
  if ! DOCKER_BUILDKIT=0 docker build -t "$tag" \
      --label "org.opencontainers.image.version=$version" \
      --label "org.opencontainers.image.title=hybrid-vnf-$name" \
      -f "$dir/$name/Dockerfile" "$dir" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "build.sh: building $tag failed" >&2; exit 1
  fi
  rm -f "$log"
  echo "build.sh: built $tag in $(( $(date +%s) - t0 ))s"
done
