# What the scripts of build/bench share: messages, the benchmark app's build, the sample's publish, one load run, waiting and medians.
# Sourced, not run: the caller sets root, bench and WORK first, and creates $WORK/logs.
# shellcheck shell=bash

begun=$(date +%s)
note() { echo "[$(($(date +%s) - begun))s] $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

# Installs the Debian packages named, if any: the tools a script needs and the machine lacks.
install_packages() {
    (($#)) || return 0
    note "installing $*"
    local sudo
    sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@"
}

cli() { dotnet run --project "$root/src/AppHost.Cli" -c Release -- "$@"; }
native=$WORK/bench/artifacts/publish/linux-x64/bench
cert=$WORK/bench.pem key=$WORK/bench.key

# The benchmark app, native and JIT, and its certificate, all in $WORK.
build() {
    rm -rf "$WORK/bench" "$WORK/jit"
    note "this commit's AppHost.Server package, restored from $WORK/packages"
    "$root/build/local-packages.sh" "$WORK" > "$WORK/logs/pack.log" 2>&1 || die "packing failed; see $WORK/logs/pack.log"
    note "apphost new Bench, plus build/bench/app/*.cs and one line in Program.cs"
    cli new Bench -o "$WORK/bench" > /dev/null 2> "$WORK/logs/new.log" || die "apphost new failed; see $WORK/logs/new.log"
    cp "$bench"/app/*.cs "$WORK/bench/src/Bench/Endpoints/"
    sed -i 's/^\(\s*\)app\.MapGreeting(.*);/&\n\1app.MapBench();/' "$WORK/bench/src/Bench/Program.cs"
    grep -q 'app.MapBench();' "$WORK/bench/src/Bench/Program.cs" || die "app.MapGreeting(...); not found in the generated Program.cs"

    note "apphost publish --rid linux-x64 (NativeAOT)"
    cli publish "$WORK/bench" --rid linux-x64 --no-smoke > "$WORK/publish.txt" 2> "$WORK/logs/publish.log" ||
        die "apphost publish failed; see $WORK/logs/publish.log"
    [ "$(awk '$1 == "path" { print $2 }' "$WORK/publish.txt")" = "$native" ] || die "apphost publish wrote elsewhere than $native"
    note "dotnet publish -p:PublishAot=false (framework-dependent, JIT)"
    dotnet publish "$WORK/bench/src/Bench" -c Release -o "$WORK/jit" -p:PublishAot=false > "$WORK/logs/publish-jit.log" 2>&1 ||
        die "dotnet publish failed; see $WORK/logs/publish-jit.log"
    cli cert --pem -o "$cert" --force > /dev/null 2> "$WORK/logs/cert.log" || die "apphost cert failed; see $WORK/logs/cert.log"
}

# The template's sample, published by its own publish.sh as NativeAppFixture does, into $WORK/VARIANT; the file is
# $WORK/VARIANT/publish/linux-x64/apphostsample. Options after the variant go to dotnet publish (-p:MetricsSupport=true).
publish_sample() { # variant [dotnet publish options]
    local variant=$1
    shift
    note "publishing $variant (NativeAOT, about a minute)"
    rm -rf "${WORK:?}/$variant"
    ARTIFACTS_DIR=$WORK/$variant bash "$root/src/Templates/apphost/publish.sh" linux-x64 --artifacts-path "$WORK/$variant/build" "$@" \
        > "$WORK/logs/publish-$variant.log" 2>&1 || die "publishing $variant failed; see $WORK/logs/publish-$variant.log"
}

# Waits until a server just started answers: polls URL every 0.1 s for at most 10 s, and stops the script if the
# server's process exits first or the time runs out.
wait_answering() { # name pid url log
    local i
    for ((i = 0; i < 100; i++)); do
        curl -sk -o /dev/null --fail --max-time 1 "$3" && return 0
        kill -0 "$2" 2> /dev/null || break
        sleep 0.1 # pacing between probes; the loop ends on the answer, the exit or the count
    done
    die "$1 did not answer on $3; see $4"
}

# The median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Other heavy work on the machine (tests, the conformance run) skews every number; it is recorded.
busy() { pgrep -fc "dotnet test|vstest|testhost|slowhttptest|testssl" || true; }

# One load run; prints "requests/s p50-ms p99-ms errors". wrk: 2 threads, 64 connections.
# h2load: 2 threads, 16 connections, 10 streams each, latency percentiles from its per-request log.
# Each header after the seconds ("Name: value") is sent with every request.
generate_load() { # proto url seconds [header...]
    local out=$WORK/logs/load.out proto=$1 url=$2 seconds=$3 headers=() header
    shift 3
    for header in "$@"; do
        headers+=(-H "$header")
    done
    case $proto in
    h1 | h1s)
        wrk -t2 -c64 -d"$seconds"s --latency "${headers[@]}" "$url" > "$out"
        awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
             /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
             /Socket errors/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 } /Non-2xx/ { errors += $5 }
             END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, errors }' "$out"
        ;;
    h2s)
        rm -f "$out.log"
        h2load -t2 -c16 -m10 -D "$seconds" "${headers[@]}" --log-file="$out.log" "$url" > "$out"
        grep -qi "application protocol: h2" "$out" || die "h2load did not negotiate HTTP/2 with $url"
        local rps errors
        rps=$(awk '/^finished in/ { gsub(/,/, ""); print $4 }' "$out")
        errors=$(awk '/^requests:/ { e = $10 + $12 + $14 } /^status codes:/ { e += $5 + $7 + $9 } END { print e + 0 }' "$out")
        sort -n -k3,3 "$out.log" | awk -v rps="$rps" -v errors="$errors" '{ t[NR] = $3 }
             END { printf "%.0f %.3f %.3f %d\n", rps, t[int(NR * 0.50) + 1] / 1000, t[int(NR * 0.99) + 1] / 1000, errors }'
        ;;
    esac
}

# The servers a script starts, by name; stop_all ends them (the caller traps it on EXIT).
declare -A pid=()
stop_all() {
    local name
    for name in "${!pid[@]}"; do
        kill -TERM "${pid[$name]}" 2> /dev/null || true
    done
    for name in "${!pid[@]}"; do
        wait "${pid[$name]}" 2> /dev/null || true
    done
    pid=()
}

# A throw-away certificate for HTTP/2, which h2load speaks only over TLS: P-256, the cheapest handshake.
# Writes $cert and $key.
throwaway_certificate() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$key" -out "$cert" 2> "$WORK/logs/cert.log" || die "openssl failed; see $WORK/logs/cert.log"
}

# A process's CPU time so far, user and system, in ticks of 10 ms (fields 14 and 15 of /proc/PID/stat, counted
# after the command name, which ends at the last ')').
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
