# shellcheck shell=bash
# Sourced by the engine orchestrator. Defines build_openstack_provider OUTDIR, which builds the
# Pulumi openstack resource plugin (pulumi-resource-openstack, reporting the locked
# @pulumi/openstack version) into OUTDIR/bin from Go modules only:
#   - the Terraform OpenStack provider v1.54.1 (what @pulumi/openstack 3.15.2 bridges), whose
#     openstack package is public, so the wrapper imports the proxy's module as it is;
#   - the Pulumi Terraform bridge and the wrapper module engine/modules/openstack-provider
#     (token and field mapping in openstackinfo/, committed go.mod/go.sum);
#   - the Pulumi schema, generated at build time (cmd/openstack-schemagen), checked against the
#     locked SDK's types, and embedded.
# Work dir: $(dirname OUTDIR)/work/openstack-provider (nothing is written to the repo).

build_openstack_provider() (
    set -euo pipefail
    local outdir="${1:?usage: build_openstack_provider OUTDIR}"
    local here repo mod
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    repo="$(cd "$here/../.." && pwd)"
    mod="$repo/engine/modules/openstack-provider"
    mkdir -p "$outdir/bin"
    outdir="$(cd "$outdir" && pwd)"
    local work
    work="$(dirname "$outdir")/work/openstack-provider"

    local OPENSTACK_TF_UPSTREAM_MODULE OPENSTACK_TF_UPSTREAM_VERSION
    eval "$(grep -E '^OPENSTACK_TF_UPSTREAM_(MODULE|VERSION)=' "$repo/engine/versions.env")"
    : "${OPENSTACK_PROVIDER_VERSION:?not set (engine/build.sh exports it from package-lock.json)}" "${OPENSTACK_TF_UPSTREAM_MODULE:?}" "${OPENSTACK_TF_UPSTREAM_VERSION:?}"
    local ldversion="-X hybrid-vnf/engine/openstack-provider/openstackinfo.Version=$OPENSTACK_PROVIDER_VERSION"
    if ! grep -q "$OPENSTACK_TF_UPSTREAM_MODULE $OPENSTACK_TF_UPSTREAM_VERSION\$" "$mod/go.mod"; then
        echo "openstack-provider: $mod/go.mod does not require $OPENSTACK_TF_UPSTREAM_MODULE $OPENSTACK_TF_UPSTREAM_VERSION (versions.env)" >&2
        return 1
    fi

    export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOFLAGS="-mod=readonly" CGO_ENABLED=0
    local t0 t step_start
    t0=$(date +%s)
    step() { step_start=$(date +%s); echo "openstack-provider: $*"; }
    done_step() { t=$(date +%s); echo "openstack-provider:   ... $((t - step_start))s"; }

    step "1/4 wrapper module (engine/modules/openstack-provider) and its modules from the proxy"
    rm -rf "$work" && mkdir -p "$work/wrapper"
    cp -R "$mod/go.mod" "$mod/go.sum" "$mod/main.go" "$mod/openstackinfo" "$mod/cmd" "$work/wrapper/"
    (cd "$work/wrapper" && go mod download)
    local upstream
    upstream="$(cd "$work/wrapper" && go list -m -f '{{.Dir}}' "$OPENSTACK_TF_UPSTREAM_MODULE")"
    done_step

    step "2/4 schema (build and run cmd/openstack-schemagen), checked against the locked SDK"
    (cd "$work/wrapper" && go build -trimpath -ldflags "$ldversion" -o "$work/openstack-schemagen" ./cmd/openstack-schemagen)
    OPENSTACK_UPSTREAM_DIR="$upstream" "$work/openstack-schemagen" "$work/wrapper/schema.json" 2>"$work/schemagen.log" \
        || { cat "$work/schemagen.log" >&2; return 1; }
    local sdk="$repo/node_modules/@pulumi/openstack"
    if [ -f "$sdk/types/input.d.ts" ]; then
        # Every type the program uses must match the SDK exactly; the others are listed.
        python3 "$repo/engine/tools/compare-sdk.py" "$work/wrapper/schema.json" "$sdk" \
            --used "$(python3 "$repo/engine/tools/used-tokens.py" openstack "$repo/stacks" "$repo/components" "$repo/lib")" \
            | tee "$work/compare-sdk.log"
        grep -q '^used mismatches: 0 ' "$work/compare-sdk.log" || { echo "openstack-provider: schema does not match $sdk for a type the program uses" >&2; return 1; }
    else
        echo "openstack-provider:   (no $sdk; SDK comparison skipped)"
    fi
    done_step

    step "3/4 pulumi-resource-openstack"
    (cd "$work/wrapper" && go build -trimpath -ldflags "-s -w $ldversion" -o "$outdir/bin/pulumi-resource-openstack" .)
    ls -l "$outdir/bin/pulumi-resource-openstack"
    done_step

    step "4/4 smoke test (version, gRPC port on start)"
    smoke_test_plugin "$outdir/bin/pulumi-resource-openstack" "$OPENSTACK_PROVIDER_VERSION" "$work"
    done_step

    echo "openstack-provider: built $outdir/bin/pulumi-resource-openstack in $(($(date +%s) - t0))s"
)
