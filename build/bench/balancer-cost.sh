#!/usr/bin/env bash
# Measures what --forwarded-by and --proxy-protocol cost the benchmark app in requests/s, HTTPS HTTP/1.1 and HTTP/2.
# Run: build/bench/balancer-cost.sh   (about 8 minutes on 2 cores, loopback only; BUILD=0 reuses run.sh's build in $WORK)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/bench}     # the build, shared with run.sh; logs and results of this script go beside it
CYCLES=${CYCLES:-7}                     # interleaved cycles: each runs every pair once, off and on back to back
DURATION=${DURATION:-5}                 # seconds of each measured load run
WARMUP=${WARMUP:-2}                     # seconds of load per server and protocol before the first cycle
PORT_BASE=${PORT_BASE:-18200}           # loopback ports PORT_BASE+1 .. PORT_BASE+6, apart from run.sh's
CONTROL=${CONTROL:-0}                   # 1: the same runs with every server alike (no option, no PROXY header), to measure the noise

# note, die, install_packages, cli, build, busy, generate_load, stop_all and pid; $native, $cert and $key.
# shellcheck source=build/bench/common.sh
. "$bench/common.sh"

need=()
command -v wrk > /dev/null || need+=(wrk)
command -v h2load > /dev/null || need+=(nghttp2-client)
command -v haproxy > /dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
install_packages "${need[@]}"
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)

mkdir -p "$WORK/logs"
[ "${BUILD:-1}" = 0 ] || build
[ -x "$native" ] && [ -f "$cert" ] || die "nothing built in $WORK: run without BUILD=0"
results=$WORK/balancer-cost$([ "$CONTROL" = 0 ] || echo -control)
rm -rf "$results"
mkdir -p "$results"

port() { echo $((PORT_BASE + $1)); }
trap stop_all EXIT

start() { # name port curl-option... -- command...: starts it and polls until /plaintext answers, for at most 30 s
    local name=$1 p=$2 probe=()
    shift 2
    while [ "$1" != -- ]; do
        probe+=("$1")
        shift
    done
    shift
    "$@" > "$results/$name.log" 2>&1 &
    pid[$name]=$!
    local deadline=$(($(date +%s) + 30))
    until curl -sk -o /dev/null --max-time 1 "${probe[@]}" "https://127.0.0.1:$p/plaintext"; do
        kill -0 "${pid[$name]}" 2> /dev/null || die "$name exited; see $results/$name.log"
        [ "$(date +%s)" -lt "$deadline" ] || die "$name did not answer on port $p within 30 s; see $results/$name.log"
        sleep 0.1 # pacing between probes, not synchronisation: the loop ends on the answer or the deadline
    done
}

# Every server is the same native file with the same certificate, at the benchmark's log level.
server() { echo "$native" --host 127.0.0.1 --log-level warning --cert "$cert" --key "$key" --port "$@"; }
# The balancer's own address is the one named: HAProxy and the load both connect from 127.0.0.1.
# curl sends a PROXY v1 header itself, from 127.0.0.1, so the server that needs one can be probed directly.
trusted=(--forwarded-by 127.0.0.1) proxy_protocol=(--proxy-protocol) probe=(--haproxy-protocol) send_proxy=send-proxy-v2
if [ "$CONTROL" != 0 ]; then
    trusted=() proxy_protocol=() probe=() send_proxy=
fi

# HAProxy in TCP mode passes TLS through to two servers alike but for --proxy-protocol, and sends the
# PROXY v2 header to the one with it. Only the header differs between the two paths.
cat > "$results/haproxy.cfg" << CONFIG
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend without-header
  bind 127.0.0.1:$(port 5)
  default_backend forwarded-by
frontend with-header
  bind 127.0.0.1:$(port 6)
  default_backend proxy-protocol
backend forwarded-by
  server app 127.0.0.1:$(port 2)
backend proxy-protocol
  server app 127.0.0.1:$(port 3) $send_proxy
CONFIG

note "starting three servers and HAProxy $("$haproxy" -v | awk 'NR == 1 { print $3 }')"
# shellcheck disable=SC2046 # the command lines are split on purpose
{
    start plain "$(port 1)" -- $(server "$(port 1)")
    start forwarded-by "$(port 2)" -- $(server "$(port 2)") "${trusted[@]}"
    start proxy-protocol "$(port 3)" "${probe[@]}" -- $(server "$(port 3)") "${trusted[@]}" "${proxy_protocol[@]}"
    start haproxy "$(port 6)" -- "$haproxy" -db -f "$results/haproxy.cfg"
}

# Each pair: feature, the path without it, the path with it, and the headers both send. For
# --forwarded-by, the load plays a trusted balancer that names a client and the scheme; without the
# option those headers are not read. For --proxy-protocol, both go through HAProxy.
forwarded=("X-Forwarded-For: 198.51.100.7" "X-Forwarded-Proto: https")
url() { echo "https://127.0.0.1:$1/plaintext"; }
run_pair() { # cycle proto feature off-port on-port [header...]
    local cycle=$1 proto=$2 feature=$3 off=$4 on=$5 variant rps p50 p99 errors
    shift 5
    # Alternate which goes first, so a drift of the machine within a cycle hits both alike.
    local order=(off on)
    ((cycle % 2)) || order=(on off)
    for variant in "${order[@]}"; do
        local p=$off
        [ "$variant" = on ] && p=$on
        rps= p50= p99= errors=
        read -r rps p50 p99 errors < <(generate_load "$proto" "$(url "$p")" "$DURATION" "$@") || true
        [ -n "${errors:-}" ] || die "the load run of $feature $variant ($proto) failed; see $WORK/logs/load.out"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$cycle" "$feature" "$proto" "$variant" "$rps" "$p50" "$p99" "$errors" "$(busy)" "$(cut -d ' ' -f 1 /proc/loadavg)" >> "$results/load.tsv"
    done
}
cycle() { # number
    local proto
    for proto in h1s h2s; do
        run_pair "$1" "$proto" forwarded-by "$(port 1)" "$(port 2)" "${forwarded[@]}"
        run_pair "$1" "$proto" proxy-protocol "$(port 5)" "$(port 6)"
    done
}

{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'command\tCYCLES=%s DURATION=%s WARMUP=%s CONTROL=%s build/bench/balancer-cost.sh\n' "$CYCLES" "$DURATION" "$WARMUP" "$CONTROL"
    printf 'machine\t%s cores, %s\n' "$(nproc)" "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
    printf 'load_average_before\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)"
} > "$results/meta.tsv"

note "warm-up: ${WARMUP}s per server and protocol"
DURATION=$WARMUP cycle 0 > /dev/null
printf 'cycle\tfeature\tproto\tvariant\trps\tp50_ms\tp99_ms\terrors\tother_heavy_processes\tload_average\n' > "$results/load.tsv"
for ((c = 1; c <= CYCLES; c++)); do
    note "cycle $c of $CYCLES: ${DURATION}s per run"
    cycle "$c"
done
printf 'load_average_after\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)" >> "$results/meta.tsv"
stop_all

# Per feature and protocol: the median requests/s off and on, and the median and range of the
# per-cycle ratios on/off (each ratio from two runs back to back, so a slow minute cancels out).
rows() { awk -F '\t' -v f="$1" -v p="$2" -v v="$3" '$2 == f && $3 == p && $4 == v' "$results/load.tsv"; } # feature proto variant
{
    printf '| feature | protocol | requests/s off | requests/s on | on/off, median | on/off, range | errors |\n'
    printf '| --- | --- | --- | --- | --- | --- | --- |\n'
    for feature in forwarded-by proxy-protocol; do
        for proto in h1s h2s; do
            ratios=$(join -t $'\t' <(rows $feature $proto off | cut -f 1,5 | sort) <(rows $feature $proto on | cut -f 1,5 | sort) | awk -F '\t' '{ printf "%.4f\n", $3 / $2 }')
            printf '| `--%s` | %s | %.0f | %.0f | %.3f | %.3f–%.3f | %d |\n' "$feature" "$([ $proto = h1s ] && echo "HTTPS HTTP/1.1" || echo "HTTPS HTTP/2")" \
                "$(rows $feature $proto off | cut -f 5 | median)" "$(rows $feature $proto on | cut -f 5 | median)" "$(echo "$ratios" | median)" \
                "$(echo "$ratios" | sort -g | head -n 1)" "$(echo "$ratios" | sort -g | tail -n 1)" \
                "$(awk -F '\t' -v f=$feature -v p=$proto '$2 == f && $3 == p { e += $8 } END { print e + 0 }' "$results/load.tsv")"
        done
    done
} | tee "$results/summary.md"
note "wrote $results/load.tsv and $results/summary.md"
