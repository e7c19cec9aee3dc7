#!/usr/bin/env bash
# What metrics cost per request, against issue 22's budget of 3%: the server's CPU time per request of the sample's
# native file as the template ships it ("off") and built with MetricsSupport=true, serving --metrics-port and
# scraped once a second ("metrics"). Each server is pinned to core 1 and the load to core 0, so the figure is the
# server's own work rather than its share of a busy machine; the two files run in turns, and each round's ratio
# (off's CPU per request over metrics') is taken within the round, so a slow minute of the VM cancels.
# Run: build/bench/metrics-cpu.sh   (about 10 minutes on 2 cores, 6 with BUILD=0, which reuses $WORK's files; loopback only)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/metrics-cpu} # the two builds, logs and results
ROUNDS=${ROUNDS:-12}          # rounds per protocol; 12 put the median's quartiles within about ±3% on this VM (docs/metrics.md)
DURATION=${DURATION:-5}       # seconds of each measured load run: 5 scrapes at one a second
PORT_BASE=${PORT_BASE:-18400} # loopback ports PORT_BASE+1 .. PORT_BASE+3, apart from the other bench scripts'
BUDGET=${BUDGET:-0.97}        # issue 22: metrics may cost at most 3% of throughput, so off's CPU per request over metrics' >= 0.97

# note, die, install_packages, busy, publish_sample, wait_answering, stop_all and pid.
# shellcheck source=build/bench/common.sh
. "$bench/common.sh"

(($(nproc) >= 2)) || die "this needs 2 cores: one for the server, one for the load"
need=()
command -v wrk > /dev/null || need+=(wrk)
command -v h2load > /dev/null || need+=(nghttp2-client)
install_packages "${need[@]}"

variants=(off metrics)
file() { echo "$WORK/$1/publish/linux-x64/apphostsample"; }
mkdir -p "$WORK/logs"
if [ "${BUILD:-1}" != 0 ]; then
    publish_sample off
    publish_sample metrics -p:MetricsSupport=true
fi
for variant in "${variants[@]}"; do
    [ -x "$(file "$variant")" ] || die "$(file "$variant") is missing: run without BUILD=0"
done

throwaway_certificate

port() { case $1 in off) echo $((PORT_BASE + 1)) ;; metrics) echo $((PORT_BASE + 2)) ;; scrape) echo $((PORT_BASE + 3)) ;; esac }
# Both files get one request a second beside the load: off its health check, metrics its metrics page.
scrape_url() { [ "$1" = off ] && echo "$scheme://127.0.0.1:$(port off)/healthz" || echo "http://127.0.0.1:$(port scrape)/metrics"; }
launch() { # variant [options]
    local variant=$1 metrics=()
    shift
    [ "$variant" = off ] || metrics=(--metrics-port "$(port scrape)")
    taskset -c 1 "$(file "$variant")" --host 127.0.0.1 --port "$(port "$variant")" --log-level warning "${metrics[@]}" "$@" \
        > "$WORK/logs/$variant.log" 2>&1 &
    pid[$variant]=$!
    wait_answering "$variant" "${pid[$variant]}" "$scheme://127.0.0.1:$(port "$variant")/healthz" "$WORK/logs/$variant.log"
}
# Requests completed by one load run on core 0: wrk with one thread and 32 connections (plain HTTP/1.1), or h2load
# with one thread, 16 connections of 10 streams (HTTP/2 over TLS); both keep one core busy without queueing much.
load() { # proto url
    case $1 in
    h1) taskset -c 0 wrk -t1 -c32 -d"$DURATION"s "$2" | awk '/requests in/ { print $1 }' ;;
    h2s) taskset -c 0 h2load -t1 -c16 -m10 -D "$DURATION" "$2" | awk '/^requests:/ { print $8 }' ;;
    esac
}
run() { # proto variant: prints the server's CPU µs per request
    local proto=$1 variant=$2 before requests scraper
    (
        for ((i = 0; i < DURATION; i++)); do # at most DURATION requests, one a second
            taskset -c 0 curl -sk -o /dev/null --max-time 1 "$(scrape_url "$variant")" || true
            sleep 1
        done
    ) &
    scraper=$!
    before=$(cpu_ticks "${pid[$variant]}")
    requests=$(load "$proto" "$scheme://127.0.0.1:$(port "$variant")/healthz")
    wait "$scraper"
    [ "${requests:-0}" -gt 0 ] || die "the load on $variant ($proto) completed no request"
    awk -v t="$(($(cpu_ticks "${pid[$variant]}") - before))" -v r="$requests" 'BEGIN { printf "%.3f\n", t * 10000 / r }'
}

results=$WORK/results.tsv
printf 'proto\tround\toff_us\tmetrics_us\tratio\n' > "$results"
trap stop_all EXIT
for proto in h1 h2s; do
    tls=() scheme=http
    [ $proto = h1 ] || tls=(--cert "$cert" --key "$key") scheme=https
    for variant in "${variants[@]}"; do
        launch "$variant" "${tls[@]}"
        run $proto "$variant" > /dev/null # warm-up: the first seconds of a native file are not its steady state
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        note "$proto round $round of $ROUNDS, load average $(cut -d ' ' -f 1 /proc/loadavg), other heavy processes $(busy)"
        declare -A us=()
        # Alternating which runs first, so neither always gets the fresher minute.
        order=("${variants[@]}")
        ((round % 2)) || order=(metrics off)
        for variant in "${order[@]}"; do
            us[$variant]=$(run $proto "$variant")
        done
        printf '%s\t%s\t%s\t%s\t%s\n' $proto "$round" "${us[off]}" "${us[metrics]}" "$(awk -v a="${us[off]}" -v b="${us[metrics]}" 'BEGIN { printf "%.4f", a / b }')" >> "$results"
    done
    stop_all
done

# Median and quartiles of each protocol's per-round ratios, judged against the budget.
for proto in h1 h2s; do
    awk -F '\t' -v p=$proto '$1 == p { print $5 }' "$results" | sort -g | awk -v p=$proto -v budget="$BUDGET" '
        { v[NR] = $1 }
        function at(q) { return v[int((NR - 1) * q + 1.5)] }
        END {
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%s: off'"'"'s CPU per request over metrics'"'"', median %.3f (quartiles %.3f-%.3f, %d rounds): %s\n",
                p, m, at(0.25), at(0.75), NR, (m >= budget ? "within the 3% budget" : "OVER the 3% budget")
        }'
done
note "done; per round: $results"
