#!/usr/bin/env bash
# Per-request costs of HTTPS HTTP/1.1 (issue 23's profile method): each server pinned to core 0,
# wrk pinned to core 1, perf stat counting the server's CPU time, context switches, sched_yield
# and socket calls while a fixed load runs. Per request, so it holds up better than requests/s
# on a VM whose neighbours steal CPU. Uses the builds of build/bench/tls-h1-cost.sh (run it first).
# Run: build/bench/tls-h1-profile.sh   (about 2 minutes; needs perf: Debian's linux-perf, and root for tracepoints)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bench
WORK=${WORK:-$root/artifacts/tls-h1-cost} # where build/bench/tls-h1-cost.sh built the servers
ROUNDS=${ROUNDS:-3}                        # interleaved rounds; each figure is the median
DURATION=${DURATION:-5}                    # seconds of load per server and round
CONNECTIONS=${CONNECTIONS:-32}             # wrk -t1 -c32, as the profile in issue 23
PORT=${PORT:-18450}                        # one loopback port, each server in turn

# shellcheck source=build/bench/common.sh
. "$bench/common.sh"
# shellcheck source=build/bench/tls-h1-servers.sh
. "$bench/tls-h1-servers.sh"
command -v perf > /dev/null || install_packages linux-perf
[ -x "$native" ] && [ -x "$chunked" ] && [ -x "$WORK/bench-go" ] || die "run build/bench/tls-h1-cost.sh first: it builds the servers in $WORK"
(($(nproc) >= 2)) || die "needs two cores: one for the server, one for wrk"

trap stop_all EXIT

events=task-clock,context-switches,syscalls:sys_enter_sched_yield,syscalls:sys_enter_write,syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg,syscalls:sys_enter_read,syscalls:sys_enter_recvfrom,syscalls:sys_enter_recvmsg
results=$WORK/profile.tsv
printf 'round\tpath\tserver\trequests\tcpu_us\tswitches\tyields\tsends\treceives\n' > "$results"
for ((round = 1; round <= ROUNDS; round++)); do
    for path in /plaintext /json; do
        for ((k = 0; k < ${#servers[@]}; k++)); do
            server=${servers[$(((k + round) % ${#servers[@]}))]}
            launch_server "$server" "$PORT" "$WORK/logs/profile-$server.log" taskset -c 0
            # A short warm-up, so start-up's own work is not counted.
            taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d1s "https://127.0.0.1:$PORT$path" > /dev/null
            perf stat -x, -e "$events" -p "${pid[$server]}" -o "$WORK/logs/perf.csv" -- \
                taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$DURATION"s "https://127.0.0.1:$PORT$path" > "$WORK/logs/wrk.out"
            requests=$(awk '/requests in/ { print $1 }' "$WORK/logs/wrk.out")
            awk -F, -v r="$round" -v p="$path" -v s="$server" -v n="$requests" '
                $3 == "task-clock" { cpu = $1 * 1000 / n } $3 == "context-switches" { sw = $1 / n }
                $3 ~ /sched_yield/ { y = $1 / n } $3 ~ /enter_(write|sendto|sendmsg)$/ { out += $1 } $3 ~ /enter_(read|recvfrom|recvmsg)$/ { in_ += $1 }
                END { printf "%s\t%s\t%s\t%d\t%.2f\t%.3f\t%.3f\t%.3f\t%.3f\n", r, p, s, n, cpu, sw, y, out / n, in_ / n }' "$WORK/logs/perf.csv" >> "$results"
            stop_all
        done
    done
done

awk -F '\t' 'NR > 1 { k = $2 " " $3; n[k]++; for (c = 5; c <= 9; c++) v[k, c, n[k]] = $c }
    function median(k, c,    i, j, t, a, m) { m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, c, i]
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
    END { printf "%-20s %8s %9s %8s %8s %9s\n", "path server", "cpu_us", "switches", "yields", "sends", "receives"
        for (k in n) printf "%-20s %8.2f %9.3f %8.3f %8.3f %9.3f\n", k, median(k, 5), median(k, 6), median(k, 7), median(k, 8), median(k, 9) }' "$results" | sort
