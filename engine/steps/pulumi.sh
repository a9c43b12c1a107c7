# shellcheck shell=bash
# Sourced by engine/build.sh (after engine/versions.env). Defines:
#
#   build_pulumi_cli OUTDIR      -> OUTDIR/bin/pulumi
#   build_language_host OUTDIR   -> OUTDIR/bin/pulumi-language-nodejs
#
# The CLI: engine/modules/pulumi requires github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at the same
# version (pkg's own `replace sdk => ../sdk` is ignored in a dependency), with the CLI as a Go
# `tool`; built like a release (-trimpath, tags osusergo,grpcnotrace, the version ldflag).
#
# The Node.js language host: since v3.69 it is its own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the Go proxy does not
# serve at any version (403, also for pseudo-versions). v3.68.0 is the newest sdk/v3 that still
# carries it as a package, so it is built from that release: its files are copied into a work
# folder, its RunPlugin stub (answers "not supported") is taken out and
# engine/modules/pulumi-language-nodejs/run_plugin.go put in, so policy packs run.

ENGINE_MODULES=${ENGINE_MODULES:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../modules" && pwd)}

build_pulumi_cli() (
    set -euo pipefail
    local outdir=${1:?usage: build_pulumi_cli OUTDIR}
    : "${PULUMI_VERSION:?not set (source engine/versions.env)}"
    cd "$ENGINE_MODULES/pulumi"
    grep -qE "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION( |$)" go.mod ||
        { echo "engine/modules/pulumi/go.mod does not require pkg/v3 v$PULUMI_VERSION (PULUMI_VERSION)" >&2; exit 1; }
    GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -tags osusergo,grpcnotrace \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
        -o "$outdir/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
)

build_language_host() (
    set -euo pipefail
    local outdir=${1:?usage: build_language_host OUTDIR}
    : "${LANGUAGE_HOST_SDK_VERSION:?not set (source engine/versions.env)}"
    local module=github.com/pulumi/pulumi/sdk/v3@v$LANGUAGE_HOST_SDK_VERSION
    local work=$outdir/work
    mkdir -p "$work"
    cp "$ENGINE_MODULES/pulumi-language-nodejs/go.mod" "$ENGINE_MODULES/pulumi-language-nodejs/go.sum" "$work/"
    local src
    src=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$module" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')/nodejs/cmd/pulumi-language-nodejs
    [ -f "$src/main.go" ] || { echo "no Node.js language host in $module" >&2; exit 1; }
    cp "$src/main.go" "$src/proxy.go" "$src/proxy_unix.go" "$work/"
    chmod u+w "$work"/*.go
    # Drop the stub `func (host *nodeLanguageHost) RunPlugin(...) {...}`; run_plugin.go replaces it.
    awk '/^func \(host \*nodeLanguageHost\) RunPlugin\(/ {skip = 1} skip && /^}/ {skip = 0; next} !skip' \
        "$work/main.go" > "$work/main.go.new"
    mv "$work/main.go.new" "$work/main.go"
    if grep -q 'RunPlugin' "$work/main.go"; then echo "the RunPlugin stub is still in main.go" >&2; exit 1; fi
    cp "$ENGINE_MODULES/pulumi-language-nodejs/run_plugin.go" "$work/"
    cd "$work"
    GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGUAGE_HOST_SDK_VERSION" \
        -o "$outdir/bin/pulumi-language-nodejs" .
    rm -rf "$work"
)
