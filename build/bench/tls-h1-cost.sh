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
    build_go
fi
[ -x "$native" ] && [ -x "$chunked" ] && [ -x "$WORK/bench-go" ] || die "nothing built in $WORK: run without BUILD=0"

port() { case $1 in chunked) echo $((PORT_BASE + 1)) ;; sized) echo $((PORT_BASE + 2)) ;; inline) echo $((PORT_BASE + 3)) ;; go) echo $((PORT_BASE + 4)) ;; esac }
compare_servers chunked
