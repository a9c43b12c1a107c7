# shellcheck shell=bash
# Sourced by the engine orchestrator. smoke_test_plugin BINARY VERSION WORKDIR: a built resource
# plugin must report VERSION and, started as the engine starts it, print its gRPC port.
smoke_test_plugin() (
    set -euo pipefail
    local bin=$1 want=$2 work=$3 v port="" pid
    v="$("$bin" -version)"
    [ "$v" = "$want" ] || { echo "$(basename "$bin"): -version says '$v', not $want" >&2; return 1; }
    "$bin" >"$work/smoke.out" 2>"$work/smoke.err" &
    pid=$!
    for _ in $(seq 1 100); do
        port="$(head -n1 "$work/smoke.out" 2>/dev/null || true)"
        [ -n "$port" ] && break
        sleep 0.2
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ "$port" =~ ^[0-9]+$ ]] || { echo "$(basename "$bin"): no port printed" >&2; cat "$work/smoke.err" >&2; return 1; }
    echo "$(basename "$bin"):   version $v, listened on port $port"
)
