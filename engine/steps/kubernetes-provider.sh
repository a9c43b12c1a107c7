# shellcheck shell=bash
# Sourced by the engine orchestrator (after engine/versions.env). Defines:
#
#   build_kubernetes_provider OUTDIR   -> OUTDIR/bin/pulumi-resource-kubernetes
#
# Builds the Pulumi kubernetes resource provider from Go modules served by the Go proxy.
# The proxy serves github.com/pulumi/pulumi-kubernetes/provider/v4 only as the pseudo-version
# in KUBERNETES_PROVIDER_MODULE_VERSION (commit f47bc2d, the v4.25.0 release tag). Its main
# package //go:embeds two generated files that are not in the module zip
# (cmd/pulumi-resource-kubernetes/schema-embed.json and terraform-mapping-embed.json), so we:
#   1. copy the module to a writable work dir and write a wrapper module that requires it,
#      `replace`s it with the copy, and requires sdk/v4 at KUBERNETES_PROVIDER_SDK_MODULE_VERSION
#      (the published equivalent of the provider's own `replace .../sdk/v4 => ../sdk`, its only
#      replace directive; the sdk's go.mod is identical, so the build list matches the release);
#   2. generate the embedded files with the module's own generate.go (what the provider's
#      Makefile does via `VERSION=... go generate cmd/pulumi-resource-kubernetes/main.go`);
#   3. build like the release (.goreleaser.yml): CGO_ENABLED=0, -ldflags "-s -w -X .../version.Version=...".
# The version stamped into the binary and its schema is KUBERNETES_PROVIDER_PLUGIN_VERSION (the
# version it is installed under): the engine warns when a provider reports a version lower than
# the one the program asks for (the @pulumi/kubernetes SDK asks for its own version).

build_kubernetes_provider() (
  # Subshell body: options, cd, exports and the EXIT trap stay inside.
  set -euo pipefail
  outdir="${1:?usage: build_kubernetes_provider OUTDIR}"
  : "${KUBERNETES_PROVIDER_MODULE_VERSION:?not set (source engine/versions.env)}"
  : "${KUBERNETES_PROVIDER_SDK_MODULE_VERSION:?not set (source engine/versions.env)}"
  : "${KUBERNETES_PROVIDER_PLUGIN_VERSION:?not set (engine/build.sh exports it from package-lock.json)}"

  mod=github.com/pulumi/pulumi-kubernetes/provider/v4
  sdkmod=github.com/pulumi/pulumi-kubernetes/sdk/v4
  pkg="$mod/cmd/pulumi-resource-kubernetes"
  ver="$KUBERNETES_PROVIDER_MODULE_VERSION"
  plugver="$KUBERNETES_PROVIDER_PLUGIN_VERSION"

  export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -mod=mod"

  mkdir -p "$outdir/bin"
  outdir="$(cd "$outdir" && pwd)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/kubernetes-provider.XXXXXX")"
  trap 'rm -rf "$work"' EXIT

  echo "   kubernetes provider: $mod@$ver (plugin version $plugver)"

  # --- download -------------------------------------------------------------------------------
  t0=$SECONDS
  srcdir="$(cd "$work" && go mod download -json "$mod@$ver" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [ -n "$srcdir" ] && [ -f "$srcdir/go.mod" ] || { echo "kubernetes provider: download of $mod@$ver failed" >&2; return 1; }
  cp -R "$srcdir" "$work/provider"
  chmod -R u+w "$work/provider"
  # The copy's go.mod (and its `replace ... => ../sdk`) is ignored when used as a replacement;
  # its go.sum carries the checksums of the release's build list.
  mkdir "$work/wrapper"
  cp "$work/provider/go.sum" "$work/wrapper/go.sum"
  gover="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$work/provider/go.mod")"
  cat >"$work/wrapper/go.mod" <<EOF
module enginebuild/kubernetes-provider

go ${gover:-1.24}

require (
	$mod $ver
	$sdkmod $KUBERNETES_PROVIDER_SDK_MODULE_VERSION
)

replace $mod => ../provider
EOF
  cd "$work/wrapper"
  # -e: the embedded files do not exist yet; this only fetches the modules of the build list.
  go list -e -deps "$pkg" >/dev/null
  t=$((SECONDS - t0))
  echo "   kubernetes provider sources downloaded in ${t}s"

  # --- generate ---------------------------------------------------------------------------------
  t0=$SECONDS
  cmddir="$work/provider/cmd/pulumi-resource-kubernetes"
  go build -trimpath -o "$work/gen-embed" "$cmddir/generate.go"
  (cd "$cmddir" && VERSION="$plugver" "$work/gen-embed")
  [ -s "$cmddir/schema-embed.json" ] && [ -s "$cmddir/terraform-mapping-embed.json" ] \
    || { echo "kubernetes provider: embedded files were not generated" >&2; return 1; }
  t=$((SECONDS - t0))
  echo "   kubernetes provider embedded schema generated in ${t}s"

  # --- build ------------------------------------------------------------------------------------
  t0=$SECONDS
  go build -trimpath \
    -ldflags "-s -w -X $mod/pkg/version.Version=$plugver" \
    -o "$outdir/bin/pulumi-resource-kubernetes.tmp" "$pkg"
  mv -f "$outdir/bin/pulumi-resource-kubernetes.tmp" "$outdir/bin/pulumi-resource-kubernetes"
  t=$((SECONDS - t0))
  echo "   kubernetes provider built in ${t}s ($(du -h "$outdir/bin/pulumi-resource-kubernetes" | cut -f1))"
)
