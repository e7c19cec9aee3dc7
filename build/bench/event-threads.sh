#!/usr/bin/env bash
# The package's count of socket event threads (one for every two cores, beside the inline completions) against
# the runtime's own under inline completions (one per core), and Go, under the full benchmark's load, in
# alternating short runs. Prints per-cycle ratios' medians: the figures of docs/https-h1.md's "One socket event
# thread for every two cores". Run: build/bench/event-threads.sh   (about 9 minutes on 2 cores, loopback only;
# BUILD=0 reuses the builds of $WORK). On a machine of one core both counts are one: nothing to compare.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/event-threads} # the builds, logs and results
CYCLES=${CYCLES:-21}                         # alternating cycles; 21 gave the figures in docs/https-h1.md
DURATION=${DURATION:-3}                      # seconds per load run: short, so the VM's bursts of stolen CPU hit every server alike
PORT_BASE=${PORT_BASE:-18500}                # loopback ports PORT_BASE+1 .. PORT_BASE+3, apart from the other scripts'

# shellcheck source=build/bench/common.sh
. "$bench/common.sh"
# shellcheck source=build/bench/tls-h1-servers.sh
. "$bench/tls-h1-servers.sh"
mkdir -p "$WORK/logs"
[ "$(nproc)" -ge 2 ] || die "one core: the package's count and the runtime's are both one"

if [ "${BUILD:-1}" != 0 ]; then
    build
    (cd "$bench/go" && GOPROXY=off go build -trimpath -ldflags="-s -w" -o "$WORK/bench-go" .) > "$WORK/logs/go-build.log" 2>&1 ||
        die "go build failed; see $WORK/logs/go-build.log"
fi
[ -x "$native" ] && [ -x "$WORK/bench-go" ] || die "nothing built in $WORK: run without BUILD=0"

servers=(inline percore go)
port() { case $1 in inline) echo $((PORT_BASE + 1)) ;; percore) echo $((PORT_BASE + 2)) ;; go) echo $((PORT_BASE + 3)) ;; esac }
trap stop_all EXIT
for server in "${servers[@]}"; do
    launch_server "$server" "$(port "$server")" "$WORK/logs/$server.log"
done

results=$WORK/results.tsv
printf 'cycle\tload\tserver\trps\tp50_ms\tp99_ms\terrors\n' > "$results"
loads=("h1s /plaintext" "h1s /json" "h1s /table?sort=price&page=3" "h2s /plaintext")
note "$CYCLES cycles of ${#loads[@]} loads x ${#servers[@]} servers, ${DURATION}s each"
for ((cycle = 1; cycle <= CYCLES; cycle++)); do
    for load in "${loads[@]}"; do
        read -r proto path <<< "$load"
        for ((k = 0; k < ${#servers[@]}; k++)); do
            server=${servers[$(((k + cycle) % ${#servers[@]}))]}
            read -r rps p50 p99 errors < <(generate_load "$proto" "https://127.0.0.1:$(port "$server")$path" "$DURATION")
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cycle" "$proto $path" "$server" "$rps" "$p50" "$p99" "$errors" >> "$results"
        done
    done
done

# Medians: of requests/s and p99 per server, and of each cycle's ratio to the per-core count and to Go.
awk -F '\t' 'NR > 1 { rps[$2, $3, $1] = $4; p99[$2, $3, $1] = $6; loads[$2] = 1; servers[$3] = 1; if ($1 > n) n = $1 }
    function median(a, k,    i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END {
        printf "%-30s %-8s %9s %9s %9s %7s\n", "load", "server", "req/s", "p99 ms", "/percore", "/go"
        for (l in loads) for (s in servers) {
            for (c = 1; c <= n; c++) { r[c] = rps[l, s, c]; q[c] = p99[l, s, c]; x[c] = rps[l, s, c] / rps[l, "percore", c]; g[c] = rps[l, s, c] / rps[l, "go", c] }
            printf "%-30s %-8s %9.0f %9.2f %9.3f %7.3f\n", l, s, median(r, n), median(q, n), median(x, n), median(g, n)
        }
    }' "$results" | sort
