#!/usr/bin/env bash
# npm run engine: the real engine toolchain, from the registries only (the Go module proxy),
# into a cache outside the clone, keyed by version and recipe:
#   pulumi CLI + Node.js language host, the kubernetes, docker, openstack and command resource plugins (installed
#   under the versions the locked SDKs ask for), and a Kubernetes control plane (etcd,
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl).
# Idempotent: a warm cache builds nothing and says so. Where `pulumi` (with its language host) or
# a plugin is already installed at a suitable version, it is used instead of built.
# Writes $CACHE/toolchain.env (shell exports); `npm run lab -- env` and the lab use it.
#
#   HYBRID_VNF_ENGINE_CACHE   cache folder (default ~/.cache/hybrid-vnf/engine)
#   ENGINE_ONLY="a b"         provide only these parts (pulumi, language-host, kubernetes-provider,
#                             docker-provider, openstack-provider, command-provider, kube-control-plane)
set -euo pipefail
ENGINE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$ENGINE_DIR/.." && pwd)
# shellcheck source=engine/versions.env
source "$ENGINE_DIR/versions.env"
for step in "$ENGINE_DIR"/steps/*.sh; do
    # shellcheck disable=SC1090
    source "$step"
done
CACHE=${HYBRID_VNF_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hybrid-vnf/engine}
mkdir -p "$CACHE/bin"
CACHE=$(cd "$CACHE" && pwd)
export PULUMI_HOME=$CACHE/pulumi-home PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
started=$SECONDS

# The version of an npm package as package-lock.json pins it: the plugin version its SDK asks for.
locked() { node -p "require('$ROOT/package-lock.json').packages['node_modules/$1'].version"; }
# A short hash of the files a part is built from, so a changed recipe is a new cache key.
recipe() { cat "$@" | sha256sum | cut -c1-10; }
wanted() { [ -z "${ENGINE_ONLY:-}" ] || [[ " $ENGINE_ONLY " == *" $1 "* ]]; }

# provide NAME KEY FUNCTION [nolink]: $CACHE/NAME-KEY/bin from FUNCTION, unless already complete;
# its binaries are linked into $CACHE/bin unless nolink (plugins: the engine would prefer a plugin
# found on PATH to the installed one, with a warning on every run).
provide() {
    local name=$1 key=$2 fn=$3 link=${4:-link} dir="$CACHE/$1-$2"
    if [ -f "$dir/.complete" ]; then
        echo "== $name $key: cached in $dir, nothing built"
    else
        local t0=$SECONDS
        echo "== $name $key: building"
        rm -rf "$dir.partial" && mkdir -p "$dir.partial/bin"
        "$fn" "$dir.partial"
        rm -rf "$dir" && mv "$dir.partial" "$dir" && touch "$dir/.complete"
        echo "== $name $key: built in $((SECONDS - t0))s"
    fi
    [ "$link" = link ] || return 0
    # Hard links, not symlinks: the engine looks for the language host beside the real pulumi file.
    for b in "$dir"/bin/*; do ln -f "$b" "$CACHE/bin/$(basename "$b")" 2>/dev/null || cp -f "$b" "$CACHE/bin/"; done
}

# A `pulumi` already on PATH (a workstation's), not ours, at least the locked SDK's version,
# with its language host beside it or on PATH.
installed_pulumi() {
    local p v
    p=$(PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$CACHE/bin" | paste -sd:) command -v pulumi) || return 1
    v=$("$p" version 2>/dev/null | sed 's/^v//') || return 1
    [ "$(printf '%s\n%s\n' "$(locked @pulumi/pulumi)" "${v%%-*}" | sort -V | head -1)" = "$(locked @pulumi/pulumi)" ] || return 1
    local host
    host=$(dirname "$p")/pulumi-language-nodejs
    [ -x "$host" ] || host=$(command -v pulumi-language-nodejs) || return 1
    echo "$p $host $v"
}

if wanted pulumi; then
    if found=$(installed_pulumi); then
        read -r p host v <<<"$found"
        echo "== pulumi: using the installed $p (v$v) and $host, nothing built"
        ln -sfn "$p" "$CACHE/bin/pulumi" && ln -sfn "$host" "$CACHE/bin/pulumi-language-nodejs"
    else
        provide pulumi "$PULUMI_VERSION-$(recipe "$ENGINE_DIR/steps/pulumi.sh" "$ENGINE_DIR"/modules/pulumi/go.*)" build_pulumi_cli
        provide language-host "$LANGUAGE_HOST_SDK_VERSION-$(recipe "$ENGINE_DIR/steps/pulumi.sh" "$ENGINE_DIR"/modules/pulumi-language-nodejs/*)" build_language_host
    fi
fi

# install_plugin NAME BUILD_FUNCTION STEP_FILE [MODULE_FILES...]: the resource plugin NAME at the
# version its locked SDK asks for, from a workstation's plugin cache or built, then installed.
install_plugin() {
    local name=$1 fn=$2 version key
    shift 2
    version=$(locked "@pulumi/$name")
    key="$version-$(recipe "$@")"
    local bin="pulumi-resource-$name" installed="$PULUMI_HOME/plugins/resource-$name-v$version"
    local from="${HOME}/.pulumi/plugins/resource-$name-v$version/$bin"
    [ -x "$from" ] && key=workstation
    # The key it was installed from: a changed recipe reinstalls.
    if [ -x "$installed/$bin" ] && [ "$(cat "$installed/.hybrid-vnf-key" 2>/dev/null)" = "$key" ]; then
        echo "== $name plugin $version: installed in $PULUMI_HOME, nothing to do"
        return
    fi
    if [ "$key" = workstation ]; then
        echo "== $name plugin $version: using the workstation's $from, nothing built"
    else
        provide "$name-provider" "$key" "$fn" nolink
        from="$CACHE/$name-provider-$key/bin/$bin"
    fi
    local t0=$SECONDS
    "$CACHE/bin/pulumi" plugin rm resource "$name" "$version" --yes >/dev/null 2>&1 || true
    "$CACHE/bin/pulumi" plugin install resource "$name" "$version" --file "$from" >/dev/null
    echo "$key" > "$installed/.hybrid-vnf-key"
    echo "== $name plugin $version: installed in $((SECONDS - t0))s"
}

# The steps stamp the plugins with the versions the locked SDKs ask for.
KUBERNETES_PROVIDER_PLUGIN_VERSION=$(locked @pulumi/kubernetes)
DOCKER_PROVIDER_VERSION=$(locked @pulumi/docker)
OPENSTACK_PROVIDER_VERSION=$(locked @pulumi/openstack)
COMMAND_PROVIDER_VERSION=$(locked @pulumi/command)
export KUBERNETES_PROVIDER_PLUGIN_VERSION DOCKER_PROVIDER_VERSION OPENSTACK_PROVIDER_VERSION COMMAND_PROVIDER_VERSION
wanted kubernetes-provider && install_plugin kubernetes build_kubernetes_provider "$ENGINE_DIR/steps/kubernetes-provider.sh"
if wanted docker-provider; then
    if declare -F build_docker_provider >/dev/null; then
        install_plugin docker build_docker_provider "$ENGINE_DIR/steps/docker-provider.sh" "$ENGINE_DIR/tools/compare-sdk.py" $(find "$ENGINE_DIR/modules/docker-provider" -type f | sort)
    else
        echo "== docker plugin: no recipe (the provider cannot be built from the Go proxy; see README)"
    fi
fi
# Our bridge over the Terraform OpenStack provider, and our command provider: their recipes are
# their step, their module, the shared smoke test and SDK comparison.
shared_recipe=("$ENGINE_DIR/steps/plugin-smoke-test.sh" "$ENGINE_DIR/tools/compare-sdk.py" "$ENGINE_DIR/tools/used-tokens.py")
wanted openstack-provider && install_plugin openstack build_openstack_provider "$ENGINE_DIR/steps/openstack-provider.sh" "${shared_recipe[@]}" \
    $(find "$ENGINE_DIR/modules/openstack-provider" -type f ! -name schema.json | sort)
wanted command-provider && install_plugin command build_command_provider "$ENGINE_DIR/steps/command-provider.sh" "${shared_recipe[@]}" \
    $(find "$ENGINE_DIR/modules/command-provider" -type f | sort)
if wanted kube-control-plane; then
    provide kube-control-plane "$KUBERNETES_VERSION-etcd$ETCD_VERSION-$(recipe "$ENGINE_DIR/steps/kube-control-plane.sh")" build_kube_control_plane
fi

cat > "$CACHE/toolchain.env" <<EOF
# Written by engine/build.sh: the engine toolchain of hybrid-vnf.
export PATH="$CACHE/bin:\$PATH"
export PULUMI_HOME="$PULUMI_HOME"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
EOF
echo "== engine toolchain ready in $((SECONDS - started))s: $CACHE (source $CACHE/toolchain.env)"
