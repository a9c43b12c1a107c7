# shellcheck shell=bash
# Sourced by the engine orchestrator. Defines build_docker_provider OUTDIR, which builds the
# Pulumi docker resource plugin (pulumi-resource-docker, reporting version 5.2.0 for the
# locked npm SDK @pulumi/docker 5.2.0) into OUTDIR/bin from Go modules only:
#   - upstream: the Terraform docker provider (kreuzwerker) from the Go module proxy, copied
#     into a work dir with a small package (engine/modules/docker-provider/_shim) that exports
#     its internal/provider constructor and keeps a service's task networks named across a refresh;
#   - the Pulumi Terraform bridge, and the wrapper module engine/modules/docker-provider
#     (token/name mapping in dockerinfo/, committed go.mod/go.sum);
#   - the Pulumi schema is generated at build time (cmd/docker-schemagen) and embedded.
# Work dir: $(dirname OUTDIR)/work/docker-provider (nothing is written to the repo).
# Install: pulumi plugin install resource docker 5.2.0 --file OUTDIR/bin/pulumi-resource-docker

build_docker_provider() (
    set -euo pipefail
    local outdir="${1:?usage: build_docker_provider OUTDIR}"
    local here repo mod
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    repo="$(cd "$here/../.." && pwd)"
    mod="$repo/engine/modules/docker-provider"
    mkdir -p "$outdir/bin"
    outdir="$(cd "$outdir" && pwd)"
    local work
    work="$(dirname "$outdir")/work/docker-provider"

    # Pinned versions (one home: engine/versions.env).
    local DOCKER_TF_UPSTREAM_MODULE DOCKER_TF_UPSTREAM_VERSION
    eval "$(grep -E '^DOCKER_(TF_UPSTREAM_MODULE|TF_UPSTREAM_VERSION)=' "$repo/engine/versions.env")"
    # The plugin version: the locked @pulumi/docker's, which engine/build.sh exports.
    : "${DOCKER_PROVIDER_VERSION:?not set (engine/build.sh exports it from package-lock.json)}" "${DOCKER_TF_UPSTREAM_MODULE:?}" "${DOCKER_TF_UPSTREAM_VERSION:?}"
    local ldversion="-X hybrid-vnf/engine/docker-provider/dockerinfo.Version=$DOCKER_PROVIDER_VERSION"
    if ! grep -q "terraform-provider-docker $DOCKER_TF_UPSTREAM_VERSION\$" "$mod/go.mod"; then
        echo "docker-provider: $mod/go.mod does not require upstream $DOCKER_TF_UPSTREAM_VERSION (versions.env)" >&2
        return 1
    fi

    export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOFLAGS="-mod=readonly" CGO_ENABLED=0
    # no_compose: leave out docker_compose (docker/compose/v2), which the SDK does not map.
    local tags="no_compose"
    local t0 t step_start
    t0=$(date +%s)
    step() { step_start=$(date +%s); echo "docker-provider: $*"; }
    done_step() { t=$(date +%s); echo "docker-provider:   ... $((t - step_start))s"; }

    step "1/5 upstream $DOCKER_TF_UPSTREAM_MODULE@$DOCKER_TF_UPSTREAM_VERSION from the module proxy"
    local src
    src="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$DOCKER_TF_UPSTREAM_MODULE@$DOCKER_TF_UPSTREAM_VERSION" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [ -n "$src" ] && [ -f "$src/go.mod" ] || { echo "docker-provider: module download failed" >&2; return 1; }
    rm -rf "$work"
    mkdir -p "$work"
    cp -R "$src" "$work/upstream"
    chmod -R u+w "$work/upstream"
    mkdir -p "$work/upstream/pulumishim"
    cp "$mod"/_shim/*.go "$work/upstream/pulumishim/"
    done_step

    step "2/5 wrapper module (engine/modules/docker-provider)"
    mkdir -p "$work/wrapper"
    cp -R "$mod/go.mod" "$mod/go.sum" "$mod/main.go" "$mod/dockerinfo" "$mod/cmd" "$work/wrapper/"
    (cd "$work/wrapper" && go mod download)
    # The shim's own tests, against the wrapper's dependency versions.
    (cd "$work/wrapper" && go test -tags "$tags" github.com/terraform-providers/terraform-provider-docker/pulumishim)
    done_step

    step "3/5 schema (build and run cmd/docker-schemagen)"
    (cd "$work/wrapper" && go build -tags "$tags" -trimpath -ldflags "$ldversion" -o "$work/docker-schemagen" ./cmd/docker-schemagen)
    DOCKER_UPSTREAM_DIR="$work/upstream" "$work/docker-schemagen" "$work/wrapper/schema.json" 2>"$work/schemagen.log" \
        || { cat "$work/schemagen.log" >&2; return 1; }
    local sdk="$repo/node_modules/@pulumi/docker"
    if [ -f "$sdk/types/input.d.ts" ]; then
        # Property names/kinds of every resource, function and object type against the locked SDK.
        python3 "$repo/engine/tools/compare-sdk.py" "$work/wrapper/schema.json" "$sdk" | tee "$work/compare-sdk.log"
        grep -q '^mismatches: 0 ' "$work/compare-sdk.log" || { echo "docker-provider: schema does not match $sdk" >&2; return 1; }
    else
        echo "docker-provider:   (no $sdk; SDK comparison skipped)"
    fi
    done_step

    step "4/5 pulumi-resource-docker"
    (cd "$work/wrapper" && go build -tags "$tags" -trimpath -ldflags "-s -w $ldversion" \
        -o "$outdir/bin/pulumi-resource-docker" .)
    ls -l "$outdir/bin/pulumi-resource-docker"
    done_step

    step "5/5 smoke test (version, gRPC port on start)"
    smoke_test_plugin "$outdir/bin/pulumi-resource-docker" "$DOCKER_PROVIDER_VERSION" "$work"
    done_step

    echo "docker-provider: built $outdir/bin/pulumi-resource-docker in $(($(date +%s) - t0))s"
)
