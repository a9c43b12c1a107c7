# shellcheck shell=bash
# Sourced by the engine orchestrator. Defines build_command_provider OUTDIR, which builds the
# Pulumi command resource plugin (pulumi-resource-command, reporting the locked @pulumi/command
# version) into OUTDIR/bin from Go modules only: our provider of command:remote:Command in
# engine/modules/command-provider, on pulumi-go-provider and golang.org/x/crypto/ssh (committed
# go.mod/go.sum). Its unit tests run, and its schema (from the built plugin, through the CLI
# that engine/build.sh provides first) is checked against the locked SDK's types.
# Work dir: $(dirname OUTDIR)/work/command-provider (nothing is written to the repo).

build_command_provider() (
    set -euo pipefail
    local outdir="${1:?usage: build_command_provider OUTDIR}"
    local here repo mod
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    repo="$(cd "$here/../.." && pwd)"
    mod="$repo/engine/modules/command-provider"
    mkdir -p "$outdir/bin"
    outdir="$(cd "$outdir" && pwd)"
    local work
    work="$(dirname "$outdir")/work/command-provider"

    local COMMAND_GO_PROVIDER_VERSION
    eval "$(grep -E '^COMMAND_GO_PROVIDER_VERSION=' "$repo/engine/versions.env")"
    : "${COMMAND_PROVIDER_VERSION:?not set (engine/build.sh exports it from package-lock.json)}" "${COMMAND_GO_PROVIDER_VERSION:?}"
    if ! grep -q "github.com/pulumi/pulumi-go-provider $COMMAND_GO_PROVIDER_VERSION\$" "$mod/go.mod"; then
        echo "command-provider: $mod/go.mod does not require pulumi-go-provider $COMMAND_GO_PROVIDER_VERSION (versions.env)" >&2
        return 1
    fi
    local ldversion="-X hybrid-vnf/engine/command-provider/commandinfo.Version=$COMMAND_PROVIDER_VERSION"

    export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOFLAGS="-mod=readonly" CGO_ENABLED=0
    local t0 t step_start
    t0=$(date +%s)
    step() { step_start=$(date +%s); echo "command-provider: $*"; }
    done_step() { t=$(date +%s); echo "command-provider:   ... $((t - step_start))s"; }

    step "1/4 module (engine/modules/command-provider) and its modules from the proxy; unit tests"
    rm -rf "$work" && mkdir -p "$work" && cp -R "$mod" "$work/module"
    (cd "$work/module" && go mod download && go test ./...)
    done_step

    step "2/4 pulumi-resource-command"
    (cd "$work/module" && go build -trimpath -ldflags "-s -w $ldversion" -o "$outdir/bin/pulumi-resource-command" .)
    ls -l "$outdir/bin/pulumi-resource-command"
    done_step

    step "3/4 schema (pulumi package get-schema of the plugin), checked against the locked SDK"
    "$CACHE/bin/pulumi" package get-schema "$outdir/bin/pulumi-resource-command" > "$work/schema.json"
    local sdk="$repo/node_modules/@pulumi/command"
    if [ -f "$sdk/types/input.d.ts" ]; then
        python3 "$repo/engine/tools/compare-sdk.py" "$work/schema.json" "$sdk" \
            --used "$(python3 "$repo/engine/tools/used-tokens.py" command "$repo/stacks" "$repo/components" "$repo/lib")" \
            | tee "$work/compare-sdk.log"
        grep -q '^mismatches: 0 ' "$work/compare-sdk.log" || { echo "command-provider: schema does not match $sdk" >&2; return 1; }
    else
        echo "command-provider:   (no $sdk; SDK comparison skipped)"
    fi
    done_step

    step "4/4 smoke test (version, gRPC port on start)"
    smoke_test_plugin "$outdir/bin/pulumi-resource-command" "$COMMAND_PROVIDER_VERSION" "$work"
    done_step

    echo "command-provider: built $outdir/bin/pulumi-resource-command in $(($(date +%s) - t0))s"
)
