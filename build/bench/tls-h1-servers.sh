# The servers build/bench/tls-h1-cost.sh, tls-h1-profile.sh and event-threads.sh compare and how each starts,
# and what tls-h1-cost.sh and event-threads.sh share: the Go build, and the alternating load runs and their medians.
# Sourced after common.sh, which sets $WORK, $native, $cert and $key, and after $bench is set.
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

# Builds the Go server into $WORK/bench-go (standard library only: no downloads).
build_go() {
    (cd "$bench/go" && GOPROXY=off go build -trimpath -ldflags="-s -w" -o "$WORK/bench-go" .) > "$WORK/logs/go-build.log" 2>&1 ||
        die "go build failed; see $WORK/logs/go-build.log"
}

# Starts every server of $servers on its port (port SERVER), runs the alternating loads into
# $WORK/results.tsv and prints their medians against the baseline server; the servers stop on exit.
compare_servers() { # baseline
    local server
    trap stop_all EXIT
    for server in "${servers[@]}"; do
        launch_server "$server" "$(port "$server")" "$WORK/logs/$server.log"
    done
    alternate_loads "$WORK/results.tsv"
    print_medians "$WORK/results.tsv" "$1"
}

# The loads tls-h1-cost.sh and event-threads.sh run: HTTPS HTTP/1.1 on the three endpoints, and HTTP/2.
loads=("h1s /plaintext" "h1s /json" "h1s /table?sort=price&page=3" "h2s /plaintext")

# Runs every load on every server of $servers (on port SERVER) once per cycle, in an order that rotates
# each cycle, so the VM's bursts of stolen CPU hit every server alike; one line per run in $1.
alternate_loads() { # results
    local results=$1 cycle load proto path k server rps p50 p99 errors
    printf 'cycle\tload\tserver\trps\tp50_ms\tp99_ms\terrors\tload_average\n' > "$results"
    note "$CYCLES cycles of ${#loads[@]} loads x ${#servers[@]} servers, ${DURATION}s each"
    for ((cycle = 1; cycle <= CYCLES; cycle++)); do
        for load in "${loads[@]}"; do
            read -r proto path <<< "$load"
            for ((k = 0; k < ${#servers[@]}; k++)); do
                server=${servers[$(((k + cycle) % ${#servers[@]}))]}
                read -r rps p50 p99 errors < <(generate_load "$proto" "https://127.0.0.1:$(port "$server")$path" "$DURATION")
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cycle" "$proto $path" "$server" "$rps" "$p50" "$p99" "$errors" "$(cut -d ' ' -f 1 /proc/loadavg)" >> "$results"
            done
        done
    done
}

# Prints the medians of requests/s and p99 per server, and of each cycle's ratio to the baseline server and to Go.
print_medians() { # results baseline
    awk -F '\t' -v base="$2" 'NR > 1 { rps[$2, $3, $1] = $4; p99[$2, $3, $1] = $6; loads[$2] = 1; servers[$3] = 1; if ($1 > n) n = $1 }
        function median(a, k,    i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
        END {
            printf "%-30s %-8s %9s %9s %11s %7s\n", "load", "server", "req/s", "p99 ms", "/" base, "/go"
            for (l in loads) for (s in servers) {
                for (c = 1; c <= n; c++) { r[c] = rps[l, s, c]; q[c] = p99[l, s, c]; x[c] = rps[l, s, c] / rps[l, base, c]; g[c] = rps[l, s, c] / rps[l, "go", c] }
                printf "%-30s %-8s %9.0f %9.2f %11.3f %7.3f\n", l, s, median(r, n), median(q, n), median(x, n), median(g, n)
            }
        }' "$1" | sort
}
