# The four servers build/bench/tls-h1-cost.sh and tls-h1-profile.sh compare, and how each starts.
# Sourced after common.sh, which sets $WORK, $native, $cert and $key.
# shellcheck shell=bash

chunked=$WORK/chunked/artifacts/publish/linux-x64/bench
# chunked: the app as generated before issue 23; sized: with UseSizedResponses only; inline: as generated now; Go.
servers=(chunked sized inline go)

# Starts a server in the background on a loopback port, after an optional command such as
# `taskset -c 0`; sets pid[server] (exec: the PID is the server's own) and waits for its answer.
launch_server() { # server port log [command...]
    local server=$1 port=$2 log=$3 i
    shift 3
    local dotnet=(--host 127.0.0.1 --port "$port" --log-level warning --cert "$cert" --key "$key")
    case $server in
    chunked) exec env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 "$@" "$chunked" "${dotnet[@]}" ;;
    sized) exec env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 "$@" "$native" "${dotnet[@]}" ;;
    inline) exec "$@" "$native" "${dotnet[@]}" ;;
    # percore: as generated now, but with the runtime's own count of socket event threads under inline
    # completions, one per core, where the package sets one for every two (build/bench/event-threads.sh).
    percore) exec env DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT="$(nproc)" "$@" "$native" "${dotnet[@]}" ;;
    go) exec "$@" "$WORK/bench-go" -host 127.0.0.1 -port "$port" -cert "$cert" -key "$key" ;;
    esac > "$log" 2>&1 &
    pid[$server]=$!
    for ((i = 0; i < 100; i++)); do
        curl -sk -o /dev/null --fail --max-time 1 "https://127.0.0.1:$port/plaintext" && return 0
        sleep 0.1 # pacing between probes; the loop ends on the answer or the count
    done
    die "$server did not answer; see $log"
}
