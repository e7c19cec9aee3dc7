#!/usr/bin/env bash
# Measures what metrics cost the sample's native file: none, MetricsEndpoint, or the OpenTelemetry SDK's Prometheus exporter.
# Run: build/bench/metrics-cost.sh   (about 20 minutes on 2 cores, 8 with BUILD=0, which reuses $WORK's files; loopback only)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/metrics-cost} # the three builds, logs and results
ROUNDS=${ROUNDS:-7}                 # interleaved load rounds per protocol, each file once in a rotating order; 7 as balancer-cost.sh
STARTUP_ROUNDS=${STARTUP_ROUNDS:-7} # interleaved start-up rounds, as build/measure-startup.cs's default of 7
RSS_ROUNDS=${RSS_ROUNDS:-3}         # interleaved idle-RSS rounds; RSS varies little, 3 give a median
DURATION=${DURATION:-10}            # seconds of each measured load run: ten scrapes at one a second
WARMUP=${WARMUP:-2}                 # seconds of load per file and protocol before the first round
IDLE=${IDLE:-3}                     # seconds between the last request and reading RSS, as docs/metrics.md's figures
PORT_BASE=${PORT_BASE:-18300}       # loopback ports PORT_BASE+1 .. PORT_BASE+9, apart from run.sh's and balancer-cost.sh's
# The OpenTelemetry packages: the newest each has. The Prometheus exporter is still a beta, the process instrumentation
# a release candidate. The ASP.NET Core and runtime instrumentation packages are not needed: since .NET 8 (9 for the
# runtime) they only add the meters that AddMeter names here (build/bench/otel/OpenTelemetryMetrics.cs).
OTEL_VERSION=${OTEL_VERSION:-1.21.0}
OTEL_PROMETHEUS_VERSION=${OTEL_PROMETHEUS_VERSION:-1.20.1-beta.1}
OTEL_PROCESS_VERSION=${OTEL_PROCESS_VERSION:-1.20.1-rc.1}

# note, die, install_packages, busy, generate_load (wrk -t2 -c64; h2load -t2 -c16 -m10), stop_all and pid.
# shellcheck source=build/bench/common.sh
. "$bench/common.sh"

need=()
command -v wrk > /dev/null || need+=(wrk)
command -v h2load > /dev/null || need+=(nghttp2-client)
command -v go > /dev/null || need+=(golang-go)
install_packages "${need[@]}"

# The three files, by name: the template as it ships, the same with MetricsSupport=true, and that with
# OpenTelemetry serving /metrics in place of MetricsEndpoint.
variants=(off ours otel)
template=$root/src/Templates/apphost
# "unused" is ours' file started without --metrics-port, for its idle RSS: what building metrics in costs by itself.
file() { echo "$WORK/${1/unused/ours}/publish/linux-x64/apphostsample"; }
mkdir -p "$WORK/logs"

# The template's publish.sh, as NativeAppFixture runs it; each file in build folders of its own.
publish() { # variant source-folder [dotnet publish options]
    local variant=$1 from=$2
    shift 2
    note "publishing $variant (NativeAOT, about 2 minutes)"
    ARTIFACTS_DIR=$WORK/$variant bash "$from/publish.sh" linux-x64 --artifacts-path "$WORK/$variant/build" "$@" > "$WORK/logs/publish-$variant.log" 2>&1 ||
        die "publishing $variant failed; see $WORK/logs/publish-$variant.log"
}

# A copy of the template with OpenTelemetryMetrics.cs, its packages, and two lines of Program.cs changed. Its
# Directory.Build.targets imports the repository's, so it builds against this commit's AppHost.Server as the
# template does. The trimmer's and ILC's warnings are reported, not errors, so the log lists every one.
build_otel() {
    local copy=$WORK/otel-src app
    rm -rf "$copy"
    mkdir -p "$copy"
    cp -r "$template/src" "$template/Directory.Build.props" "$template/Directory.Packages.props" "$template/global.json" "$template/publish.sh" "$template/.editorconfig" "$copy/"
    app=$copy/src/AppHostSample
    rm -rf "${app:?}/bin" "${app:?}/obj"
    printf '<Project>\n  <Import Project="%s/Directory.Build.targets" />\n</Project>\n' "$root" > "$copy/Directory.Build.targets"
    cp "$bench/otel/OpenTelemetryMetrics.cs" "$app/"
    sed -i "s|^\(\s*\)</ItemGroup>|\1  <PackageVersion Include=\"OpenTelemetry.Extensions.Hosting\" Version=\"$OTEL_VERSION\" />\n\1  <PackageVersion Include=\"OpenTelemetry.Exporter.Prometheus.AspNetCore\" Version=\"$OTEL_PROMETHEUS_VERSION\" />\n\1  <PackageVersion Include=\"OpenTelemetry.Instrumentation.Process\" Version=\"$OTEL_PROCESS_VERSION\" />\n&|" "$copy/Directory.Packages.props"
    sed -i 's|^</Project>|  <ItemGroup>\n    <PackageReference Include="OpenTelemetry.Extensions.Hosting" />\n    <PackageReference Include="OpenTelemetry.Exporter.Prometheus.AspNetCore" />\n    <PackageReference Include="OpenTelemetry.Instrumentation.Process" />\n  </ItemGroup>\n&|' "$app/AppHostSample.csproj"
    sed -i -e 's/^\(\s*\)builder\.Services\.AddHostNames(.*);/&\n\1builder.AddOpenTelemetryMetrics(options);/' \
        -e 's/^\(\s*\)await using var metrics = await MetricsEndpoint\.StartAsync(.*);/\1app.UseOpenTelemetryMetrics(options);/' "$app/Program.cs"
    { grep -q 'builder.AddOpenTelemetryMetrics(options);' "$app/Program.cs" && grep -q 'app.UseOpenTelemetryMetrics(options);' "$app/Program.cs"; } ||
        die "builder.Services.AddHostNames(...) or MetricsEndpoint.StartAsync(...) not found in the template's Program.cs"
    publish otel "$copy" -p:MetricsSupport=true -p:TreatWarningsAsErrors=false -p:IlcTreatWarningsAsErrors=false -p:ILLinkTreatWarningsAsErrors=false
}

if [ "${BUILD:-1}" != 0 ]; then
    rm -rf "${WORK:?}"/{off,ours,otel,otel-src}
    publish off "$template"
    publish ours "$template" -p:MetricsSupport=true
    build_otel
fi
for variant in "${variants[@]}"; do
    [ -x "$(file "$variant")" ] || die "$(file "$variant") is missing: run without BUILD=0"
done
(cd "$bench/tools" && GOPROXY=off go build -o "$WORK/startup" ./startup) > "$WORK/logs/go-build.log" 2>&1 || die "go build failed; see $WORK/logs/go-build.log"
throwaway_certificate

results=$WORK/results
rm -rf "$results"
mkdir -p "$results"
port() { echo $((PORT_BASE + $1)); }
app_port() { case $1 in off) port 1 ;; ours) port 2 ;; otel) port 3 ;; unused) port 4 ;; esac }
metrics_port() { case $1 in ours) port 5 ;; otel) port 6 ;; esac }
# The command of a variant: the benchmark's log level, and its metrics port when it has metrics.
command_of() { # variant [options]
    local variant=$1
    shift
    echo "$(file "$variant")" --host 127.0.0.1 --port "$(app_port "$variant")" --log-level warning "$@"
    case $variant in ours | otel) echo --metrics-port "$(metrics_port "$variant")" ;; esac
}
# What a scraper asks: the metrics page, or for the file without metrics its health check, so every file gets the same
# one curl a second from the load's side and only the server's work differs.
scrape_url() { [ "$1" = off ] && echo "$scheme://127.0.0.1:$(app_port off)/healthz" || echo "http://127.0.0.1:$(metrics_port "$1")/metrics"; }
scheme=http # of the app's port: plain HTTP but for the HTTP/2 load
order() { # round [variant...]: the variants (by default the three) rotated by one each round, so none always runs first or last
    local i round=$1 names=("${@:2}")
    ((${#names[@]})) || names=("${variants[@]}")
    for ((i = 0; i < ${#names[@]}; i++)); do
        echo "${names[$(((i + round) % ${#names[@]}))]}"
    done
}

{
    printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'command\tROUNDS=%s STARTUP_ROUNDS=%s RSS_ROUNDS=%s DURATION=%s WARMUP=%s build/bench/metrics-cost.sh\n' "$ROUNDS" "$STARTUP_ROUNDS" "$RSS_ROUNDS" "$DURATION" "$WARMUP"
    printf 'commit\t%s\n' "$(git -C "$root" rev-parse --short HEAD)"
    printf 'machine\t%s cores, %s, %s\n' "$(nproc)" "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" "$(. /etc/os-release && echo "$PRETTY_NAME")"
    printf 'opentelemetry\t%s, Prometheus.AspNetCore %s, Instrumentation.Process %s\n' "$OTEL_VERSION" "$OTEL_PROMETHEUS_VERSION" "$OTEL_PROCESS_VERSION"
    printf 'load_average_before\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)"
} > "$results/meta.tsv"
for variant in "${variants[@]}"; do
    printf '%s\t%s\n' "$variant" "$(stat -c %s "$(file "$variant")")"
done > "$results/size.tsv"
# The trimmer's (IL2xxx) and ILC's (IL3xxx) warnings about the OpenTelemetry build, once each.
grep -o 'warning IL[0-9]*:.*' "$WORK/logs/publish-otel.log" | sed 's/ \[[^]]*\]$//' | sort -u > "$results/otel-warnings.txt" || true

# --- Start-up: exec to the first 200 on /healthz, by build/bench/tools/startup (polls every 0.25 ms) ---------------
note "start-up: $STARTUP_ROUNDS interleaved rounds"
printf 'round\tvariant\tms\tother_heavy_processes\tload_average\n' > "$results/startup.tsv"
for ((round = 1; round <= STARTUP_ROUNDS; round++)); do
    for variant in $(order "$round"); do
        ms=
        # shellcheck disable=SC2046 # the command line is split on purpose
        read -r ms _ < <("$WORK/startup" -addr "127.0.0.1:$(app_port "$variant")" -path /healthz -- $(command_of "$variant")) || true
        [ -n "${ms:-}" ] || die "measuring the start of $variant failed"
        printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$ms" "$(busy)" "$(cut -d ' ' -f 1 /proc/loadavg)" >> "$results/startup.tsv"
    done
done

# --- Idle RSS: one request and one scrape, then IDLE seconds of rest, then VmRSS -----------------------------------
wait_ready() { # variant: polls /healthz every 0.1 s for at most 10 s
    local i
    for ((i = 0; i < 100; i++)); do
        curl -sk -o /dev/null --fail --max-time 1 "$scheme://127.0.0.1:$(app_port "$1")/healthz" && return 0
        kill -0 "${pid[$1]}" 2> /dev/null || break
        sleep 0.1 # pacing between probes; the loop ends on the answer, the exit or the count
    done
    die "$1 did not answer on port $(app_port "$1"); see $WORK/logs/$1.log"
}
launch() { # variant
    # shellcheck disable=SC2046,SC2091 # the command line is split and run on purpose
    $(command_of "$1" "${@:2}") > "$WORK/logs/$1.log" 2>&1 &
    pid[$1]=$!
    wait_ready "$1"
}
trap stop_all EXIT
note "idle RSS: $RSS_ROUNDS interleaved rounds, ${IDLE}s idle each"
printf 'round\tvariant\tvmrss_kib\tscrape_bytes\tload_average\n' > "$results/rss.tsv"
for ((round = 1; round <= RSS_ROUNDS; round++)); do
    for variant in $(order "$round" "${variants[@]}" unused); do
        launch "$variant"
        curl -s -o /dev/null --fail --max-time 5 "http://127.0.0.1:$(app_port "$variant")/healthz" || die "GET /healthz of $variant failed"
        bytes=0
        if [ "$variant" = ours ] || [ "$variant" = otel ]; then
            curl -s -o "$results/scrape-$variant.txt" --fail --max-time 5 "$(scrape_url "$variant")" || die "GET /metrics of $variant failed"
            bytes=$(stat -c %s "$results/scrape-$variant.txt")
        fi
        sleep "$IDLE"
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/${pid[$variant]}/status")
        printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$rss" "$bytes" "$(cut -d ' ' -f 1 /proc/loadavg)" >> "$results/rss.tsv"
        stop_all
    done
done

# --- Throughput: wrk (HTTP/1.1, plain) and h2load (HTTP/2, TLS) on /healthz, one curl to scrape_url a second ----
url() { echo "$scheme://127.0.0.1:$(app_port "$1")/healthz"; } # variant
# One load run with its scraper beside it. Besides requests/s, the server's CPU time per request: on a machine shared
# with other work the requests/s follow the share of the cores the server gets, while its CPU per request does not.
run() { # round variant proto
    local round=$1 variant=$2 proto=$3 scraper rps p50 p99 errors scrapes before cpu_us
    # At most DURATION scrapes, one a second, each given at most a second; the loop ends by its count.
    (
        for ((i = 0; i < DURATION; i++)); do
            curl -sk -o /dev/null -w '%{http_code}\n' --max-time 1 "$(scrape_url "$variant")" || true
            sleep 1
        done
    ) > "$WORK/logs/scrapes.out" &
    scraper=$!
    rps='' errors=''
    before=$(cpu_ticks "${pid[$variant]}")
    read -r rps p50 p99 errors < <(generate_load "$proto" "$(url "$variant")" "$DURATION") || true
    wait "$scraper"
    cpu_us=$(awk -v t="$(($(cpu_ticks "${pid[$variant]}") - before))" -v r="$rps" -v d="$DURATION" 'BEGIN { printf "%.2f", t * 10000 / (r * d) }')
    [ -n "${errors:-}" ] || die "the load run of $variant ($proto) failed; see $WORK/logs/load.out"
    scrapes=$(grep -c '^200$' "$WORK/logs/scrapes.out" || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$proto" "$rps" "$p50" "$p99" "$errors" "$scrapes" "$(busy)" "$(cut -d ' ' -f 1 /proc/loadavg)" "$cpu_us"
}
printf 'round\tvariant\tproto\trps\tp50_ms\tp99_ms\terrors\tscrapes_200\tother_heavy_processes\tload_average\tcpu_us_per_request\n' > "$results/load.tsv"
# One protocol at a time: plain HTTP/1.1 needs the files without a certificate (with one, plain HTTP is redirected).
for proto in h1 h2s; do
    tls=() scheme=http
    [ $proto = h1 ] || tls=(--cert "$cert" --key "$key") scheme=https
    note "$proto: starting the three files, ${WARMUP}s of warm-up each"
    for variant in "${variants[@]}"; do
        launch "$variant" "${tls[@]}"
        DURATION=$WARMUP run 0 "$variant" $proto > /dev/null
    done
    for ((round = 1; round <= ROUNDS; round++)); do
        note "$proto round $round of $ROUNDS: ${DURATION}s per file, load average $(cut -d ' ' -f 1 /proc/loadavg)"
        for variant in $(order "$round"); do
            run "$round" "$variant" $proto >> "$results/load.tsv"
        done
    done
    stop_all
done
printf 'load_average_after\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)" >> "$results/meta.tsv"

# --- Summary: medians, and the per-round ratios to the file without metrics (same round, so a slow minute cancels) --
column() { # file variant column [proto]
    awk -F '\t' -v v="$2" -v c="$3" -v p="${4:-}" 'NR > 1 && $2 == v && (p == "" || $3 == p) { print $c }' "$results/$1"
}
# Per round, a variant's figure against the file without metrics in the same round: requests/s over off's, and off's
# CPU per request over the variant's (requests per CPU second, to off). Both read 0.97 for a 3% cost.
ratios() { # proto variant column(4: requests/s, 11: CPU per request)
    join -t $'\t' <(awk -F '\t' -v v="$2" -v p="$1" -v c="$3" '$2 == v && $3 == p { print $1 "\t" $c }' "$results/load.tsv" | sort) \
        <(awk -F '\t' -v p="$1" -v c="$3" '$2 == "off" && $3 == p { print $1 "\t" $c }' "$results/load.tsv" | sort) |
        awk -F '\t' -v c="$3" '{ printf "%.4f\n", c == 4 ? $2 / $3 : $3 / $2 }'
}
summary_ratios() { # proto column
    local variant
    printf ' 1 |'
    for variant in ours otel; do
        printf ' %.3f (%.3f-%.3f) |' "$(ratios "$1" $variant "$2" | median)" "$(ratios "$1" $variant "$2" | sort -g | head -n 1)" "$(ratios "$1" $variant "$2" | sort -g | tail -n 1)"
    done
}
{
    printf '| | off | ours | otel |\n| --- | --- | --- | --- |\n'
    printf '| file, bytes |'
    for variant in "${variants[@]}"; do printf ' %s |' "$(awk -v v="$variant" '$1 == v { print $2 }' "$results/size.tsv")"; done
    printf '\n| idle RSS, KiB (median of %s) |' "$RSS_ROUNDS"
    for variant in "${variants[@]}"; do printf ' %s |' "$(column rss.tsv "$variant" 3 | median)"; done
    printf '\n| idle RSS, KiB, without --metrics-port | | %s | |' "$(column rss.tsv unused 3 | median)"
    printf '\n| scrape, bytes |'
    for variant in "${variants[@]}"; do printf ' %s |' "$(column rss.tsv "$variant" 4 | median)"; done
    printf '\n| first 200, ms (median of %s) |' "$STARTUP_ROUNDS"
    for variant in "${variants[@]}"; do printf ' %s |' "$(column startup.tsv "$variant" 3 | median)"; done
    for proto in h1 h2s; do
        printf '\n| %s requests/s (median of %s) |' "$proto" "$ROUNDS"
        for variant in "${variants[@]}"; do printf ' %.0f |' "$(column load.tsv "$variant" 4 "$proto" | median)"; done
        printf '\n| %s requests/s, to off: median (range) |' "$proto"
        summary_ratios $proto 4
        printf '\n| %s CPU µs per request (median) |' "$proto"
        for variant in "${variants[@]}"; do printf ' %s |' "$(column load.tsv "$variant" 11 "$proto" | median)"; done
        printf '\n| %s requests per CPU second, to off: median (range) |' "$proto"
        summary_ratios $proto 11
    done
    printf '\n| load average during the load rounds | %s-%s |||\n' "$(cut -f 10 "$results/load.tsv" | tail -n +2 | sort -g | head -n 1)" "$(cut -f 10 "$results/load.tsv" | tail -n +2 | sort -g | tail -n 1)"
    printf '\nOpenTelemetry build warnings: %s (%s)\n' "$(wc -l < "$results/otel-warnings.txt")" "$results/otel-warnings.txt"
} > "$results/summary.md"
cat "$results/summary.md"
note "done; the raw figures are in $results"
