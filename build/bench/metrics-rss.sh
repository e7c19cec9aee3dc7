#!/usr/bin/env bash
# What metrics cost in idle memory, against issue 22's budget of +1 MiB: VmRSS (and its anonymous and file-backed
# parts) of the sample's native file as the template ships it ("off"), and built with MetricsSupport=true and
# started with no metrics option ("unused"), with --metrics-port and scraped once ("scrape"), or with --otlp-endpoint
# and pushing ("push"). The variants run one after another in a rotating order; each figure is a median of the rounds.
# Run: build/bench/metrics-rss.sh   (about 5 minutes on 2 cores, 3 with BUILD=0, which reuses $WORK's files; loopback only)
# The push goes to the tests' OTLP receiver, which needs what .ci/run installs (python3-protobuf, the OTLP classes).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/metrics-rss} # the two builds, logs and results
ROUNDS=${ROUNDS:-7}           # rounds of the four variants; RSS of one file spreads by about 400 KiB, 7 give a steady median
IDLE=${IDLE:-3}               # seconds between the last request and reading RSS, as docs/metrics.md's figures
PUSH_INTERVAL=${PUSH_INTERVAL:-2} # seconds between pushes; the push variant is read after about three
PORT_BASE=${PORT_BASE:-18500} # loopback ports PORT_BASE+1 and +2, apart from the other bench scripts'
BUDGET_KIB=${BUDGET_KIB:-1024} # issue 22: metrics may cost at most 1 MiB of idle RSS
OTEL_PROTO=${APPHOST_TEST_CACHE:-/var/cache/apphost-tests}/otel-proto/usr/lib/python3/dist-packages

# note, die, publish_sample, wait_answering, median, stop_all and pid.
# shellcheck source=build/bench/common.sh
. "$bench/common.sh"

file() { echo "$WORK/$1/publish/linux-x64/apphostsample"; }
mkdir -p "$WORK/logs"
if [ "${BUILD:-1}" != 0 ]; then
    publish_sample off
    publish_sample metrics -p:MetricsSupport=true
fi
for variant in off metrics; do
    [ -x "$(file "$variant")" ] || die "$(file "$variant") is missing: run without BUILD=0"
done
[ -d "$OTEL_PROTO/opentelemetry" ] || die "OTLP's Python classes are not in $OTEL_PROTO; run .ci/run (as root) first"

# The receiver: its first line is its port. Its stdin is a pipe that stays open while the script runs.
exec 3> >(PYTHONPATH=$OTEL_PROTO /usr/bin/python3 "$root/tests/AppHost.Server.Tests/Infrastructure/otlp_receiver.py" \
    > "$WORK/logs/receiver.out" 2> "$WORK/logs/receiver.err")
for ((i = 0; i < 100; i++)); do # polls every 0.1 s for at most 10 s
    receiver_port=$(head -n 1 "$WORK/logs/receiver.out" 2> /dev/null || true)
    [ -n "$receiver_port" ] && break
    sleep 0.1 # pacing between probes; the loop ends on the port or the count
done
[ -n "${receiver_port:-}" ] || die "the OTLP receiver did not start; see $WORK/logs/receiver.err"
trap 'stop_all; exec 3>&-' EXIT

app_port=$((PORT_BASE + 1)) metrics_port=$((PORT_BASE + 2))
options_of() { # variant
    case $1 in
    scrape) echo --metrics-port "$metrics_port" ;;
    push) echo --otlp-endpoint "http://127.0.0.1:$receiver_port/v1/metrics" --otlp-interval "$PUSH_INTERVAL" ;;
    esac
}
measure() { # round variant: one start, its requests, the idle time, and a line of rss.tsv
    local round=$1 variant=$2 build=metrics wait=$IDLE
    [ "$variant" = off ] && build=off
    # shellcheck disable=SC2046 # the options are split on purpose
    "$(file "$build")" --host 127.0.0.1 --port "$app_port" --log-level warning $(options_of "$variant") > "$WORK/logs/$variant.log" 2>&1 &
    pid[$variant]=$!
    wait_answering "$variant" "${pid[$variant]}" "http://127.0.0.1:$app_port/healthz" "$WORK/logs/$variant.log"
    [ "$variant" != scrape ] || curl -s -o /dev/null --fail --max-time 5 "http://127.0.0.1:$metrics_port/metrics" || die "the scrape failed"
    # The push variant idles through three pushes, the first at PUSH_INTERVAL after the start.
    [ "$variant" != push ] || wait=$(awk -v i="$PUSH_INTERVAL" 'BEGIN { print 3 * i + 0.5 }')
    sleep "$wait" # the idle time measured, not synchronisation
    awk -v r="$round" -v v="$variant" '/^VmRSS:/ { t = $2 } /^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
        END { printf "%s\t%s\t%s\t%s\t%s\n", r, v, t, a, f }' "/proc/${pid[$variant]}/status"
    stop_all
}

results=$WORK/results
mkdir -p "$results"
variants=(off unused scrape push)
note "idle RSS: $ROUNDS rounds of ${variants[*]}"
printf 'round\tvariant\tvmrss_kib\trss_anon_kib\trss_file_kib\n' > "$results/rss.tsv"
for ((round = 1; round <= ROUNDS; round++)); do
    for ((i = 0; i < ${#variants[@]}; i++)); do
        measure "$round" "${variants[$(((i + round) % ${#variants[@]}))]}" >> "$results/rss.tsv"
    done
done
pushes=$(grep -c resourceMetrics "$WORK/logs/receiver.out" || true)
((pushes >= ROUNDS)) || die "the receiver got $pushes pushes in $ROUNDS rounds; see $WORK/logs/push.log"

# --- Summary: medians, and over off's ------------------------------------------------------------------------------
column() { awk -F '\t' -v v="$1" -v c="$2" 'NR > 1 && $2 == v { print $c }' "$results/rss.tsv" | median; } # variant column
{
    echo "| variant | VmRSS KiB | over off | RssAnon over off | RssFile over off | within +$BUDGET_KIB KiB |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for variant in "${variants[@]}"; do
        awk -v v="$variant" -v t="$(column "$variant" 3)" -v a="$(column "$variant" 4)" -v f="$(column "$variant" 5)" \
            -v t0="$(column off 3)" -v a0="$(column off 4)" -v f0="$(column off 5)" -v b="$BUDGET_KIB" \
            'BEGIN { printf "| %s | %d | %+d | %+d | %+d | %s |\n", v, t, t - t0, a - a0, f - f0, (t - t0 <= b) ? "yes" : "no" }'
    done
    printf '\n%s rounds, %s, commit %s, %s; files: off %s bytes, metrics %s bytes\n' "$ROUNDS" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
        "$(git -C "$root" rev-parse --short HEAD)" "$(nproc) cores" "$(stat -c %s "$(file off)")" "$(stat -c %s "$(file metrics)")"
} | tee "$results/summary.md"
