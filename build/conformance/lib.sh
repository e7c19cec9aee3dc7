# Helpers of run.sh (sourced): messages, time limits, the processes it starts, and the record of
# every check (its verdict and the exact command lines) that report.sh turns into the doc.

say() { echo "conformance: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}

# Runs "$@" for at most $1 seconds, and never past the run's deadline. In the background with a
# wait, so that Ctrl-C stops the script at once and stop_all takes the command along.
within() {
  local limit=$1 left=$((deadline - SECONDS)) status
  shift
  ((left > 5)) || die "out of time: the whole run has $((budget_seconds / 60)) minutes"
  timeout --kill-after=5 $((limit < left ? limit : left)) "$@" &
  foreground=$!
  wait "$foreground" && status=0 || status=$?
  foreground=
  return "$status"
}

# Prints a loopback port nothing listens on (a connection to it is refused).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
      echo "$port"
      return
    fi
  done
}

servers=()    # the app processes, stopped by stop_all
background=() # loops of clients and attacks running now, stopped by stop_all
foreground=   # the command within() waits for, stopped by stop_all

# Forgets the background processes "$@", which have ended (their ids may be reused).
forget() {
  local pid gone kept=()
  for pid in "${background[@]}"; do
    for gone in "$@"; do [[ $pid == "$gone" ]] && continue 2; done
    kept+=("$pid")
  done
  background=("${kept[@]}")
}

# Starts the app ("$3"...) in the background as $1 and waits until $2 answers; sets ${1}_pid.
start_app() {
  local name=$1 url=$2 pid
  shift 2
  "$@" > "$work/app-$name.log" 2>&1 &
  pid=$!
  servers+=("$pid")
  printf -v "${name}_pid" %s "$pid"
  for _ in $(seq 100); do
    curl -sk -o /dev/null --max-time 1 "$url" && return 0
    kill -0 "$pid" 2> /dev/null || die "the $name app exited at start: $(tail -n 3 "$work/app-$name.log")"
    sleep 0.1
  done
  die "the $name app did not answer $url within 10 s"
}

# Stops, with SIGTERM, every process this script started that is still running, and records how
# each app ended: it must exit 0 (a clean drain) even after the attacks.
declare -A app_exit
stop_all() {
  local pid
  [[ -z $foreground ]] || kill -TERM "$foreground" 2> /dev/null || true
  for pid in "${background[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${servers[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${background[@]}"; do wait "$pid" 2> /dev/null || true; done
  for pid in "${servers[@]}"; do
    app_exit[$pid]=0
    wait "$pid" 2> /dev/null || app_exit[$pid]=$?
  done
  background=() servers=() foreground=
}

# Resident memory of a process in MiB, "now / peak".
memory_of() { awk '/^VmRSS/ { now = $2 } /^VmHWM/ { peak = $2 } END { printf "%.0f / %.0f MiB", now / 1024, peak / 1024 }' "/proc/$1/status" 2> /dev/null; }

# Samples into $1, every 5 s until second $2 of the run (once without $2), what else keeps the
# machine busy: the processes other than this run's tools that used 20% of a core or more over
# one second, as "name CPU,name CPU", then "|" and the load average.
watch_load() {
  local out=$1 until=${2-0}
  while :; do
    top -b -n 2 -d 1 -w 512 |
      awk '/^top -/ { n++ } n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 >= 20 && $12 !~ /^(conf|slowhttptest|curl|nghttp|testssl|openssl|timeout|top)$/ { print $12 " " int($9) }' |
      paste -sd, - | tr '\n' '|' >> "$out"
    cut -d' ' -f1 /proc/loadavg >> "$out"
    ((SECONDS + 5 < until)) || return 0
    sleep 5
  done
}

# The samples of watch_load in $1 in one line: each other process with its highest CPU, and the
# highest load average.
load_summary() {
  awk -F'|' '{ if ($2 + 0 > load) load = $2 + 0
               n = split($1, seen, ",")
               for (i = 1; i <= n; i++) { split(seen[i], p, " "); if (p[2] + 0 > cpu[p[1]]) cpu[p[1]] = p[2] + 0 } }
             END { for (name in cpu) others = others (others == "" ? "" : ", ") name " up to " cpu[name] "%"
                   printf "%s; load average up to %.2f\n", (others == "" ? "nothing else" : others), load }' "$1"
}

checks=() # "section<TAB>check<TAB>PASS or FAIL<TAB>detail", in the order they ran
# Records and prints a check: section, check, 0 (pass) or another number (fail), detail.
record() {
  local verdict=PASS
  (($3 == 0)) || verdict=FAIL
  checks+=("$1"$'\t'"$2"$'\t'"$verdict"$'\t'"$4")
  printf '%s  %s: %s\n' "$verdict" "$2" "$4"
}

declare -A commands # section: the command lines it ran, one per line, as the doc shows them
# Records the command line "$2"... under section $1, quoted where the shell needs it, $WORK for the work folder.
shown() {
  local section=$1 arg line=
  shift
  for arg in "$@"; do
    [[ $arg =~ ^[-A-Za-z0-9_./:=@%+,]+$ ]] || arg="'$arg'"
    line+=${line:+ }$arg
  done
  line=${line//$work/\$WORK}
  [[ ${commands[$section]-} == *"$line"* ]] || commands[$section]+=$line$'\n'
}

# 11871512 as 11,871,512.
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<< "$1"; }
