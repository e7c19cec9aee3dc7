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
    build_go
fi
[ -x "$native" ] && [ -x "$WORK/bench-go" ] || die "nothing built in $WORK: run without BUILD=0"

servers=(inline percore go)
port() { case $1 in inline) echo $((PORT_BASE + 1)) ;; percore) echo $((PORT_BASE + 2)) ;; go) echo $((PORT_BASE + 3)) ;; esac }
compare_servers percore
