#!/usr/bin/env bash
# HTTPS over HTTP/1.1 against Go, change by change (issue 23): the benchmark app without
# UseSizedResponses and without inline socket completions (chunked: the app as it was), with the
# first (sized), and with both (inline: the app as generated now), beside Go,
# in alternating short runs. Prints per-cycle ratios to the chunked build and to Go, and their medians.
# Run: build/bench/tls-h1-cost.sh   (about 12 minutes on 2 cores, loopback only; BUILD=0 reuses the builds)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/tls-h1-cost} # the builds, logs and results
CYCLES=${CYCLES:-7}                        # alternating cycles; each runs every server once per load, in a rotating order
DURATION=${DURATION:-3}                    # seconds per load run: short, so the VM's bursts of stolen CPU hit every server alike
PORT_BASE=${PORT_BASE:-18400}              # loopback ports PORT_BASE+1 .. PORT_BASE+4, apart from the other scripts'

# shellcheck source=build/bench/common.sh
. "$bench/common.sh"
# shellcheck source=build/bench/tls-h1-servers.sh
. "$bench/tls-h1-servers.sh"
mkdir -p "$WORK/logs"

if [ "${BUILD:-1}" != 0 ]; then
    build
    note "the same app without UseSizedResponses: the chunked build"
    rm -rf "$WORK/chunked"
    cp -r "$WORK/bench" "$WORK/chunked"
    rm -rf "$WORK/chunked/artifacts" "$WORK/chunked"/src/*/bin "$WORK/chunked"/src/*/obj
    sed -i '/app\.UseSizedResponses();/d' "$WORK/chunked/src/Bench/Program.cs"
    cli publish "$WORK/chunked" --rid linux-x64 --no-smoke > /dev/null 2> "$WORK/logs/publish-chunked.log" ||
        die "publishing the chunked build failed; see $WORK/logs/publish-chunked.log"
    (cd "$bench/go" && GOPROXY=off go build -trimpath -ldflags="-s -w" -o "$WORK/bench-go" .) > "$WORK/logs/go-build.log" 2>&1 ||
        die "go build failed; see $WORK/logs/go-build.log"
fi
[ -x "$native" ] && [ -x "$chunked" ] && [ -x "$WORK/bench-go" ] || die "nothing built in $WORK: run without BUILD=0"

port() { case $1 in chunked) echo $((PORT_BASE + 1)) ;; sized) echo $((PORT_BASE + 2)) ;; inline) echo $((PORT_BASE + 3)) ;; go) echo $((PORT_BASE + 4)) ;; esac }
trap stop_all EXIT
for server in "${servers[@]}"; do
    launch_server "$server" "$(port "$server")" "$WORK/logs/$server.log"
done

results=$WORK/results.tsv
printf 'cycle\tload\tserver\trps\tp50_ms\tp99_ms\terrors\tload_average\n' > "$results"
loads=("h1s /plaintext" "h1s /json" "h1s /table?sort=price&page=3" "h2s /plaintext")
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

# Medians: of requests/s and p99 per server, and of each cycle's ratio to the chunked build and to Go.
awk -F '\t' 'NR > 1 { rps[$2, $3, $1] = $4; p99[$2, $3, $1] = $6; loads[$2] = 1; servers[$3] = 1; if ($1 > n) n = $1 }
    function median(a, k,    i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END {
        printf "%-30s %-8s %9s %9s %11s %7s\n", "load", "server", "req/s", "p99 ms", "/chunked", "/go"
        for (l in loads) for (s in servers) {
            for (c = 1; c <= n; c++) { r[c] = rps[l, s, c]; q[c] = p99[l, s, c]; x[c] = rps[l, s, c] / rps[l, "chunked", c]; g[c] = rps[l, s, c] / rps[l, "go", c] }
            printf "%-30s %-8s %9.0f %9.2f %11.3f %7.3f\n", l, s, median(r, n), median(q, n), median(x, n), median(g, n)
        }
    }' "$results" | sort
