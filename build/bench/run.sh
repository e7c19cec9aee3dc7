#!/usr/bin/env bash
# Benchmarks the native app against the same app on JIT, Go net/http and nginx; writes docs/benchmarks.md and .png.
# Run: build/bench/run.sh   (about 20 minutes on 2 cores, loopback only; try it with ROUNDS=1 DURATION=1 DOCS=/tmp/docs)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/bench}     # everything built, generated or logged goes here
DOCS=${DOCS:-$root/docs}                # where benchmarks.md and benchmarks.png are written
ROUNDS=${ROUNDS:-7}                     # interleaved load rounds; every number is the median over them (3 left per-round ratios 0.84-1.13x on one row)
STARTUP_ROUNDS=${STARTUP_ROUNDS:-5}     # interleaved start-up rounds (about 10 s each)
DURATION=${DURATION:-3}                 # seconds of each measured load run
WARMUP=${WARMUP:-1}                     # seconds of load per server and scenario before the first round
PORT_BASE=${PORT_BASE:-18100}           # loopback ports PORT_BASE+1 .. PORT_BASE+79

# note, die, install_packages, cli, build, busy, generate_load, stop_all and pid; $native, $cert and $key.
# shellcheck source=build/bench/common.sh
. "$bench/common.sh"

# --- Tools ------------------------------------------------------------------------------------
need=()
command -v wrk > /dev/null || need+=(wrk)
command -v h2load > /dev/null || need+=(nghttp2-client)
command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v go > /dev/null || need+=(golang-go)
command -v gnuplot > /dev/null || need+=(gnuplot-nox)
install_packages "${need[@]}"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
command -v dotnet > /dev/null || die "the .NET 10 SDK is needed: https://dot.net"

# --- Build ------------------------------------------------------------------------------------
results=$WORK/results
rm -rf "$WORK/logs" "$results" "$WORK/nginx-static" "$WORK/nginx-proxy"
mkdir -p "$WORK/logs" "$results"
# The Go server and the measuring tools build while dotnet works (standard library only: no downloads).
(
    cd "$bench/go" && GOPROXY=off go build -trimpath -ldflags="-s -w" -o "$WORK/bench-go" .
    cd "$bench/tools" && GOPROXY=off go build -o "$WORK/startup" ./startup && GOPROXY=off go build -o "$WORK/report" ./report
) > "$WORK/logs/go-build.log" 2>&1 &
gobuild=$!
# BUILD=0 reuses the .NET builds of an earlier run in $WORK, for working on this script.
[ "${BUILD:-1}" = 0 ] || build
wait $gobuild || die "go build failed; see $WORK/logs/go-build.log"
[ -x "$native" ] && [ -f "$cert" ] || die "nothing built in $WORK: run without BUILD=0"

# nginx configurations: one answering by itself, one proxying to a native app.
port() { echo $((PORT_BASE + $1)); }
nginx_config() { # name server.conf http-port https-port
    local dir=$WORK/nginx-$1
    mkdir -p "$dir"
    sed -e "s|@DIR@|$dir|g" -e "s|@CERT@|$cert|g" -e "s|@KEY@|$key|g" "$bench/nginx/common.conf" > "$dir/nginx.conf"
    sed -e "s|@HTTP_PORT@|$3|g" -e "s|@HTTPS_PORT@|$4|g" -e "s|@APP_PORT@|$(port 43)|g" \
        -e "s|@WWWROOT@|$root/src/Templates/apphost/src/AppHostSample/wwwroot|g" "$bench/nginx/$2" > "$dir/server.conf"
    "$nginx" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" || die "nginx rejects $dir/nginx.conf"
}
nginx_config static static.conf "$(port 31)" "$(port 32)"
nginx_config proxy proxy.conf "$(port 41)" "$(port 42)"

# How each server is started: server-name http|https port.
command_of() {
    local tls=()
    case $1 in
    native | jit | native-log) [ "$2" = https ] && tls=(--cert "$cert" --key "$key") ;;
    go) [ "$2" = https ] && tls=(-cert "$cert" -key "$key") ;;
    esac
    case $1 in
    native) echo "$native" --host 127.0.0.1 --port "$3" --log-level warning "${tls[@]}" ;;
    native-log) echo "$native" --host 127.0.0.1 --port "$3" "${tls[@]}" ;;
    jit) echo dotnet "$WORK/jit/bench.dll" --host 127.0.0.1 --port "$3" --log-level warning "${tls[@]}" ;;
    go) echo "$WORK/bench-go" -host 127.0.0.1 -port "$3" "${tls[@]}" ;;
    nginx) echo "$nginx" -p "$WORK/nginx-static" -c "$WORK/nginx-static/nginx.conf" -e "$WORK/nginx-static/error.log" ;;
    esac
}

# --- Machine and versions -----------------------------------------------------------------------
{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'command\t%s\n' "ROUNDS=$ROUNDS STARTUP_ROUNDS=$STARTUP_ROUNDS DURATION=$DURATION WARMUP=$WARMUP build/bench/run.sh"
    printf 'rounds\t%s\nstartup_rounds\t%s\nduration\t%s\nwarmup\t%s\n' "$ROUNDS" "$STARTUP_ROUNDS" "$DURATION" "$WARMUP"
    printf 'cores\t%s\n' "$(nproc)"
    printf 'cpu\t%s\n' "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
    printf 'memory\t%s\n' "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    printf 'os\t%s, Linux %s, %s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")" "$(uname -r)" "$(ldd --version | head -n 1 | sed 's/.* //;s/^/glibc /')"
    printf 'dotnet\tSDK %s, runtime %s\n' "$(dotnet --version)" "$(dotnet --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }')"
    printf 'go\t%s\n' "$(go version | awk '{ print substr($3, 3) }')"
    printf 'nginx\t%s\n' "$("$nginx" -v 2>&1 | sed 's/.*nginx\///')"
    printf 'openssl\t%s\n' "$(openssl version | awk '{ print $2 }')"
    printf 'wrk\t%s\n' "$(wrk --version 2>&1 | head -n 1 | awk '{ print $2 }')"
    printf 'h2load\t%s\n' "$(h2load --version | awk '{ print $2 }')"
} > "$results/meta.tsv"
{
    printf 'native\t%s\t%s\n' "$(stat -c %s "$native")" "one file"
    # The shared runtime the JIT build needs beside it: Microsoft.NETCore.App and Microsoft.AspNetCore.App.
    runtime=$(dotnet --list-runtimes | awk '/^Microsoft\.(NETCore|AspNetCore)\.App / { gsub(/[][]/, "", $3); dir[$1] = $3 "/" $2 } END { for (k in dir) print dir[k] }' |
        xargs du -sbc | tail -n 1 | awk '{ printf "%.0f MB", $1 / 1e6 }')
    printf 'jit\t%s\t%s\n' "$(du -sb "$WORK/jit" | cut -f 1)" "$(ls "$WORK/jit" | wc -l) files + the shared runtime, $runtime"
    printf 'go\t%s\t%s\n' "$(stat -c %s "$WORK/bench-go")" "one file, no symbols (-s -w)"
    printf 'nginx\t%s\t%s\n' "$(stat -c %s "$nginx")" "+ shared OpenSSL, PCRE2, zlib"
} > "$results/sizes.tsv"

# --- Start-up ---------------------------------------------------------------------------------
# Each start is measured by a fresh process: exec to the first 200 on /plaintext, then idle RSS.
printf 'round\tserver\tscheme\tms\tidle_rss_kib\tother_heavy_processes\n' > "$results/startup.tsv"
note "start-up: $STARTUP_ROUNDS interleaved rounds of native, jit, go and nginx, HTTP and HTTPS"
for ((round = 1; round <= STARTUP_ROUNDS; round++)); do
    for server in native jit go nginx; do
        for scheme in http https; do
            case $server:$scheme in
            nginx:http) p=$(port 31) ;;
            nginx:https) p=$(port 32) ;;
            native:*) p=$(port 61) ;;
            jit:*) p=$(port 62) ;;
            go:*) p=$(port 63) ;;
            esac
            tls=$([ $scheme = https ] && echo -tls || true)
            # shellcheck disable=SC2046 # the command line is split on purpose
            ms= rss=
            read -r ms rss < <("$WORK/startup" -addr "127.0.0.1:$p" $tls -- $(command_of $server $scheme "$p")) || true
            [ -n "${rss:-}" ] || die "measuring the start of $server ($scheme) failed"
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" $server $scheme "$ms" "$rss" "$(busy)" >> "$results/startup.tsv"
        done
    done
done

# --- Load -------------------------------------------------------------------------------------
trap stop_all EXIT

start() { # name port-for-readiness scheme command...
    local name=$1 p=$2 scheme=$3
    shift 3
    "$@" > "$WORK/logs/$name.log" 2>&1 &
    pid[$name]=$!
    for _ in $(seq 300); do
        curl -sk -o /dev/null --max-time 1 "$scheme://127.0.0.1:$p/plaintext" && return 0
        kill -0 "${pid[$name]}" 2> /dev/null || break
        sleep 0.1
    done
    die "$name did not answer on port $p; see $WORK/logs/$name.log"
}

note "starting the servers for the load runs"
# shellcheck disable=SC2046
{
    start native-http "$(port 1)" http $(command_of native http "$(port 1)")
    start native-https "$(port 2)" https $(command_of native https "$(port 2)")
    start jit-http "$(port 11)" http $(command_of jit http "$(port 11)")
    start jit-https "$(port 12)" https $(command_of jit https "$(port 12)")
    start go-http "$(port 21)" http $(command_of go http "$(port 21)")
    start go-https "$(port 22)" https $(command_of go https "$(port 22)")
    start nginx "$(port 31)" http $(command_of nginx http 0)
    start proxied-app "$(port 43)" http $(command_of native http "$(port 43)")
    start nginx-proxy "$(port 41)" http "$nginx" -p "$WORK/nginx-proxy" -c "$WORK/nginx-proxy/nginx.conf" -e "$WORK/nginx-proxy/error.log"
    # The default log level: one JSON line per request to a file, as a server writing to the journal.
    start native-log "$(port 51)" http $(command_of native-log http "$(port 51)")
}

# Resident memory of processes and their direct children (nginx's workers), in KiB.
tree_rss() {
    local p total=0
    for p in "$@" $(for q in "$@"; do pgrep -P "$q"; done); do
        total=$((total + $(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2> /dev/null || echo 0)))
    done
    echo $total
}

# Where each server answers a scenario, and which processes it is made of.
url_of() { # server proto endpoint
    local path=/$3
    [ "$3" = table ] && path="/table?sort=name"
    case $1:$2 in
    native:h1) echo "http://127.0.0.1:$(port 1)$path" ;;
    native:*) echo "https://127.0.0.1:$(port 2)$path" ;;
    jit:h1) echo "http://127.0.0.1:$(port 11)$path" ;;
    jit:*) echo "https://127.0.0.1:$(port 12)$path" ;;
    go:h1) echo "http://127.0.0.1:$(port 21)$path" ;;
    go:*) echo "https://127.0.0.1:$(port 22)$path" ;;
    nginx:h1) echo "http://127.0.0.1:$(port 31)$path" ;;
    nginx:*) echo "https://127.0.0.1:$(port 32)$path" ;;
    proxy:h1) echo "http://127.0.0.1:$(port 41)$path" ;;
    proxy:*) echo "https://127.0.0.1:$(port 42)$path" ;;
    native-log:h1) echo "http://127.0.0.1:$(port 51)$path" ;;
    esac
}
pids_of() { # server proto
    case $1:$2 in
    native:h1) echo "${pid[native-http]}" ;;
    native:*) echo "${pid[native-https]}" ;;
    jit:h1) echo "${pid[jit-http]}" ;;
    jit:*) echo "${pid[jit-https]}" ;;
    go:h1) echo "${pid[go-http]}" ;;
    go:*) echo "${pid[go-https]}" ;;
    nginx:*) echo "${pid[nginx]}" ;;
    proxy:*) echo "${pid[nginx-proxy]} ${pid[proxied-app]}" ;;
    native-log:*) echo "${pid[native-log]}" ;;
    esac
}

servers=(native jit go nginx proxy)
endpoints=(plaintext json table site.css)
protos=(h1 h1s h2s)
runs_for() { # proto endpoint: the servers measured there, rotated by round so none always goes first
    local list=("${servers[@]}") i
    [ "$2" = plaintext ] || list=(native jit go proxy)     # nginx answers /plaintext only...
    [ "$2" = site.css ] && list=(native jit nginx)       # ...and /site.css, from disk; the app's is inside its file
    [ "$1:$2" = h1:plaintext ] && list+=(native-log)
    for ((i = 0; i < ${#list[@]}; i++)); do
        echo "${list[$(((i + $3) % ${#list[@]}))]}"
    done
}

note "warm-up: ${WARMUP}s of load per server and scenario"
for proto in "${protos[@]}"; do
    for endpoint in "${endpoints[@]}"; do
        for server in $(runs_for $proto $endpoint 0); do
            generate_load $proto "$(url_of $server $proto $endpoint)" "$WARMUP" > /dev/null
        done
    done
done

printf 'round\tserver\tproto\tendpoint\trps\tp50_ms\tp99_ms\trss_kib\terrors\tother_heavy_processes\n' > "$results/load.tsv"
printf 'round\tload_average\tother_heavy_processes\n' > "$results/quiet.tsv"
for ((round = 1; round <= ROUNDS; round++)); do
    printf '%s\t%s\t%s\n' "$round" "$(cut -d ' ' -f 1-3 /proc/loadavg)" "$(busy)" >> "$results/quiet.tsv"
    note "load round $round of $ROUNDS: ${DURATION}s per run"
    for proto in "${protos[@]}"; do
        for endpoint in "${endpoints[@]}"; do
            for server in $(runs_for $proto $endpoint "$round"); do
                # RSS under load, and whether other heavy work runs: sampled half-way through the run.
                (sleep "$(awk -v d="$DURATION" 'BEGIN { print d / 2 }')" && echo "$(tree_rss $(pids_of $server $proto)) $(busy)" > "$WORK/logs/sample") &
                sampler=$!
                rps= p50= p99= errors=
                read -r rps p50 p99 errors < <(generate_load $proto "$(url_of $server $proto $endpoint)" "$DURATION") || true
                [ -n "${errors:-}" ] || die "the load run of $server $proto /$endpoint failed; see $WORK/logs/load.out"
                wait $sampler
                read -r rss others < "$WORK/logs/sample"
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" $server $proto $endpoint \
                    "$rps" "$p50" "$p99" "$rss" "$errors" "$others" >> "$results/load.tsv"
            done
        done
    done
done
printf 'end\t%s\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)" "$(busy)" >> "$results/quiet.tsv"
stop_all

# --- Report -----------------------------------------------------------------------------------
printf 'elapsed\t%s\n' "$(($(date +%s) - begun))" >> "$results/meta.tsv"
mkdir -p "$DOCS"
"$WORK/report" -results "$results" -analysis "$bench/analysis.md" -out "$DOCS/benchmarks.md" -chart-data "$results/chart.dat"
gnuplot -e "data='$results/chart.dat'; out='$DOCS/benchmarks.png'" "$bench/chart.gp"
note "wrote $DOCS/benchmarks.md and $DOCS/benchmarks.png"
