#!/usr/bin/env bash
# Measures the sample's native file's RSS idle and under HTTPS load, the figures behind apphost kube's resource requests.
# Run: build/bench/kube-rss.sh   (about 4 minutes on 2 cores, 1 with BUILD=0, which reuses $WORK's file; loopback only)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/kube-rss} # the build, logs and results
DURATION=${DURATION:-15}               # seconds of each load run: long enough for the heap to reach its steady size
IDLE=${IDLE:-3}                        # seconds between the last request and reading idle RSS, as metrics-cost.sh
PORT=${PORT:-18401} METRICS_PORT=${METRICS_PORT:-18402} # loopback, apart from the other benchmarks' ports

# note, die, install_packages, generate_load (wrk -t2 -c64; h2load -t2 -c16 -m10), stop_all and pid.
# shellcheck source=build/bench/common.sh
. "$bench/common.sh"
need=()
command -v wrk > /dev/null || need+=(wrk)
command -v h2load > /dev/null || need+=(nghttp2-client)
install_packages "${need[@]}"
mkdir -p "$WORK/logs"

# The template as it ships, with metrics built in, as a pod scraped by Prometheus runs it.
file=$WORK/publish/linux-x64/apphostsample
if [ "${BUILD:-1}" = 1 ]; then
    note "publishing the template with MetricsSupport=true (NativeAOT, about 3 minutes)"
    ARTIFACTS_DIR=$WORK bash "$root/src/Templates/apphost/publish.sh" linux-x64 --artifacts-path "$WORK/build" -p:MetricsSupport=true \
        > "$WORK/logs/publish.log" 2>&1 || die "publishing failed; see $WORK/logs/publish.log"
fi
[ -x "$file" ] || die "$file is missing: run without BUILD=0"
throwaway_certificate

# As apphost kube runs it: HTTPS from a PEM pair, metrics on their own port, JSON logs (here at warning, so the log is not the load).
"$file" --host 127.0.0.1 --port "$PORT" --cert "$cert" --key "$key" --metrics-port "$METRICS_PORT" --log-format json --log-level warning \
    > "$WORK/logs/server.log" 2>&1 &
pid[server]=$!
trap stop_all EXIT
for ((i = 0; i < 100; i++)); do
    curl -sk -o /dev/null --fail --max-time 1 "https://127.0.0.1:$PORT/healthz" && break
    sleep 0.1 # pacing between probes, at most 10 s in all
done
kib() { awk "/^$1:/ { print \$2 }" "/proc/${pid[server]}/status"; }
curl -s -o /dev/null --fail "http://127.0.0.1:$METRICS_PORT/metrics" || die "GET /metrics failed; see $WORK/logs/server.log"
sleep "$IDLE"
idle=$(kib VmRSS)
note "idle: $idle KiB; HTTP/2 load for ${DURATION}s"
h2=$(generate_load h2s "https://127.0.0.1:$PORT/" "$DURATION")
after_h2=$(kib VmRSS)
note "HTTP/1.1 over TLS load for ${DURATION}s"
h1=$(generate_load h1s "https://127.0.0.1:$PORT/" "$DURATION")
after_h1=$(kib VmRSS)
sleep "$IDLE"
{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'commit\t%s\n' "$(git -C "$root" rev-parse --short HEAD)"
    printf 'machine\t%s cores, %s, %s\n' "$(nproc)" "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" "$(. /etc/os-release && echo "$PRETTY_NAME")"
    printf 'load_average\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)"
    printf 'file_bytes\t%s\n' "$(stat -c %s "$file")"
    printf 'idle_rss_kib\t%s\n' "$idle"
    printf 'h2_rps_p50ms_p99ms_errors\t%s\n' "$h2"
    printf 'rss_after_h2_kib\t%s\n' "$after_h2"
    printf 'h1_rps_p50ms_p99ms_errors\t%s\n' "$h1"
    printf 'rss_after_h1_kib\t%s\n' "$after_h1"
    printf 'peak_rss_kib\t%s\n' "$(kib VmHWM)"
    printf 'rss_idle_after_load_kib\t%s\n' "$(kib VmRSS)"
} | tee "$WORK/results.tsv"
