# check_slow_clients (sourced by run.sh): slowhttptest's slowloris and slow-body attacks on both
# listeners at once, while a normal client on each keeps asking for /healthz.

attack_seconds=60       # each attack
baseline_seconds=20     # the normal client alone, to compare its latency with
attack_connections=1000 # per attack and listener; the app allows 10,000 (--max-connections)

# Slowloris: requests whose headers trickle in, a line every 10 s; the app drops each once its
# headers have taken 10 s (RequestHeadersTimeout). -r 1000: open them as fast as the tool can.
slowloris=(slowhttptest -H -c "$attack_connections" -r 1000 -i 10 -x 24 -p 5 -g)
# Slow body: JSON posts announcing 8 KiB and sending a few bytes every 10 s; the app ends each
# after its 5 s grace below 240 B/s (MinRequestBodyDataRate).
slowbody=(slowhttptest -B -c "$attack_connections" -r 1000 -i 10 -x 24 -p 5 -s 8192 -t POST -f application/json -g)

# Asks for $2 until second $3 of the run, one line per request into $1: "<status> <seconds>". A new
# connection each time (a new visitor; over HTTPS, a full handshake); status 000 if it fails or
# takes over 5 s.
normal_client() {
  local out=$1 url=$2 until=$3
  while ((SECONDS < until)); do
    curl -sk --max-time 5 -o /dev/null -w '%{http_code} %{time_total}\n' "$url" >> "$out" || true
    sleep 0.05
  done
}

# Runs slowhttptest ("$3"...) again and again until second $2 of the run, writing $1-<round>.csv:
# the app closes the slow connections (the point of its limits), and slowhttptest stops once it has
# none left, so each round opens the full count again.
attack_until() {
  local prefix=$1 until=$2 round=0 child=
  shift 2
  # Stopped early (Ctrl-C), the loop takes its slowhttptest along.
  trap '[[ -z $child ]] || kill "$child" 2> /dev/null; exit 143' TERM
  while ((SECONDS < until - 2)); do
    round=$((round + 1))
    timeout $((until - SECONDS + 5)) "$@" -l $((until - SECONDS)) -o "$prefix-$round" >> "$prefix.log" 2>&1 &
    child=$!
    wait "$child" || true
  done
}

# "<requests> <ok> <p50 ms> <p99 ms> <max ms>" of a normal client's log (nearest-rank percentiles).
latency() {
  awk '{ print ($1 == 200), $2 * 1000 }' "$1" | sort -k2,2n |
    awk '{ ok += $1; t[NR] = $2 }
         function rank(p) { i = int((NR * p + 99) / 100); return t[i < 1 ? 1 : i] }
         END { printf "%d %d %.1f %.1f %.1f\n", NR, ok, rank(50), rank(99), t[NR] }'
}

# "<rounds> <connections opened> <peak open> <mean open> <seconds its own probe found no service>
# <seconds from the first open to the first closed, in round 1>" from slowhttptest's per-second
# CSVs $1-<round>.csv (Seconds,Closed,Pending,Connected,Service Available).
attack_stats() {
  local round=0 opened=0 peak=0 sum=0 down=0 held=- last p s d h
  while [[ -f $1-$((round + 1)).csv ]]; do
    round=$((round + 1))
    read -r last p s d h < <(awk -F, 'NR > 1 {
        last = $2 + $3 + $4; if ($4 > peak) peak = $4; sum += $4; down += ($5 == 0)
        if (first_open == "" && $4 > 0) first_open = $1
        if (first_closed == "" && $2 > 0) first_closed = $1 }
      END { print last + 0, peak + 0, sum + 0, down + 0, (first_closed == "" ? "-" : first_closed - first_open) }' "$1-$round.csv")
    opened=$((opened + last)) sum=$((sum + s)) down=$((down + d))
    ((p <= peak)) || peak=$p
    [[ $held != - ]] || held=$h
  done
  echo "$round $opened $peak $((sum / attack_seconds)) $down $held"
}

# One measurement named $1 over $2 seconds on both listeners. With a slowhttptest command line
# ($3 the path it targets, "$4"...), that attack runs meanwhile; without, it is the baseline.
measure() {
  local name=$1 seconds=$2 path=${3-} listener base pid pids=()
  shift 2
  (($# == 0)) || shift
  ((SECONDS + seconds + 10 < deadline)) || die "out of time before '$name': the whole run has $((budget_seconds / 60)) minutes"
  local until=$((SECONDS + seconds))
  for listener in https http; do
    base=$listener://127.0.0.1:$([[ $listener == https ]] && echo "$https_port" || echo "$http_port")
    normal_client "$work/$name-$listener-normal.txt" "$base/healthz" "$until" &
    pids+=($!)
    if (($#)); then
      attack_until "$work/$name-$listener" "$until" "$@" -u "$base$path" &
      pids+=($!)
      shown slow "$@" -u "$base$path" -l "$seconds" -o "$work/$name-$listener-N"
    fi
  done
  # Meanwhile, what else is busy (the doc says whether the machine was quiet).
  watch_load "$work/$name-load.txt" "$until" &
  pids+=($!)
  background+=("${pids[@]}")
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  forget "${pids[@]}"

  local requests ok p50 p99 max rounds opened peak mean down held app verdict detail
  for listener in https http; do
    read -r requests ok p50 p99 max < <(latency "$work/$name-$listener-normal.txt")
    app=$([[ $listener == https ]] && echo "$https_pid" || echo "$http_pid")
    verdict=$((requests == 0 || ok < requests))
    kill -0 "$app" 2> /dev/null || verdict=1
    detail="normal client: $ok of $requests requests 200, p50 $p50 ms, p99 $p99 ms, max $max ms"
    if (($#)); then
      read -r rounds opened peak mean down held < <(attack_stats "$work/$name-$listener")
      # The attack itself must have happened: at least one full round of connections.
      ((opened >= attack_connections)) || verdict=1
      detail+="; attack: $opened connections in $rounds rounds, peak $peak open, mean $mean open, the app began closing them $held s after they opened; its probe found no service for $down s"
    fi
    detail+="; app $(kill -0 "$app" 2> /dev/null && echo "running, RSS now/peak $(memory_of "$app")" || echo "NOT RUNNING")"
    record slow "$name, ${listener^^}" "$verdict" "$detail"
  done
}

check_slow_clients() {
  commands[slow]+="while :; do curl -sk --max-time 5 -o /dev/null -w '%{http_code} %{time_total}\n' https://127.0.0.1:$https_port/healthz; sleep 0.05; done"$'\n'
  commands[slow]+="while :; do curl -sk --max-time 5 -o /dev/null -w '%{http_code} %{time_total}\n' http://127.0.0.1:$http_port/healthz; sleep 0.05; done"$'\n'
  measure baseline "$baseline_seconds"
  measure slowloris "$attack_seconds" / "${slowloris[@]}"
  measure slow-body "$attack_seconds" /api/greeting "${slowbody[@]}"
}
