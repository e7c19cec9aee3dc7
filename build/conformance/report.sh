# write_doc and summarize (sourced by run.sh): docs/conformance.md from the recorded checks, and
# the exit code.

# The recorded checks of section $1 as the rows of a Markdown table.
check_rows() {
  local line section check verdict detail
  for line in "${checks[@]}"; do
    IFS=$'\t' read -r section check verdict detail <<< "$line"
    [[ $section == "$1" ]] || continue
    [[ $verdict == PASS ]] || verdict="**FAIL**"
    echo "| $check | $verdict | ${detail//|/\\|} |"
  done
}

# The command lines of section $1 as a shell block.
command_block() {
  printf '```sh\n%s```\n' "${commands[$1]-}"
}

count_failed() { printf '%s\n' "${checks[@]}" | awk -F'\t' '$3 != "PASS"' | wc -l; }

# What else ran: sampled before the build and every 5 s through each measurement of the slow clients.
other_load() {
  local name samples="before the build: $(load_summary "$work/before-load.txt")"
  for name in baseline slowloris slow-body; do
    [[ -f $work/$name-load.txt ]] && samples+="; during $name: $(load_summary "$work/$name-load.txt")"
  done
  echo "$samples (processes over 20% of a core, other than this run's tools)"
}

package_version() { dpkg-query -W -f='${Version}' "$1" 2> /dev/null || echo unknown; }

write_doc() {
  local failed total cpu memory os load busy=
  load=$(other_load)
  if [[ $load =~ \ up\ to\ [0-9]+% ]]; then # another process's "name up to N%"
    busy="**The machine was busy** with other work during this run (other load, below): the slow-client
latencies are higher and noisier than on a quiet machine. The checks count failed requests, not
milliseconds, so their verdicts stand; compare latencies only between quiet runs."
  fi
  failed=$(count_failed)
  total=${#checks[@]}
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  memory=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  os=$(. /etc/os-release && echo "$PRETTY_NAME")
  mkdir -p "$(dirname "$doc")"
  {
    cat << EOF
# Conformance

What the sample app's native file does when standard tools probe it: its TLS (testssl.sh), attacks
by slow clients while a normal client keeps using it (slowhttptest), and HTTP/2 (curl and nghttp).
\`build/conformance/run.sh\` runs every check on 127.0.0.1 and writes this file; a FAIL here is a
bug to fix in the app, not a line to delete.

**$(if ((failed == 0)); then echo "All $total checks pass"; else echo "$failed of $total checks FAIL"; fi)**
in the run of $(date -u '+%Y-%m-%d %H:%M UTC'), which took $((SECONDS / 60)) min $((SECONDS % 60)) s.
${busy:+
$busy
}
| | |
| --- | --- |
| machine | $cpu, $(nproc) cores, $memory, $os, Linux $(uname -r) |
| other load | $load |
| .NET SDK | $(cd "$root" && dotnet --version) |
| tools | testssl.sh $(package_version testssl.sh) with $(openssl version | cut -d' ' -f1-2), slowhttptest $(package_version slowhttptest), curl $(package_version curl), nghttp2-client $(package_version nghttp2-client) |
| app | \`conf\`, made by \`apphost new Conf\`: $(thousands "$(stat -c %s "$app")") bytes, NativeAOT, linux-x64 |
| source | commit $source_commit |

## The app

Built and started like this (\`\$WORK\` is \`$work\`; the ports are free ones picked for the run):

$(command_block app)

Both listeners run the same file: HTTPS offers HTTP/2 and HTTP/1.1 by ALPN; without \`--cert\` the
app serves plain HTTP/1.1. Its limits that matter below are in
\`src/Templates/apphost/src/AppHostSample/Limits.cs\` and \`src/AppHost.Server/Listening/TlsSettings.cs\`.

| check | result | detail |
| --- | --- | --- |
$(check_rows app)

## TLS: testssl.sh

$(command_block tls)

| check | result | detail |
| --- | --- | --- |
$(check_rows tls)

The certificate is a throwaway self-signed one, so testssl's certificate findings (trust, lifetime)
say nothing about the server and are not checked (\`-S\` is not run).

## Slow clients: slowhttptest

Each attack runs for ${attack_seconds} s against both listeners at once: ${attack_connections} connections
on each, opened as fast as slowhttptest can. The app closes slow connections (that is what its limits
are for) and slowhttptest stops once none are left, so the script starts it again until the
${attack_seconds} s are over (\`N\` below is the round; each round's \`-l\` is the time left). Meanwhile a
normal client per listener asks for \`/healthz\` in a loop, one new connection per request (over HTTPS
a full TLS handshake), pausing 50 ms between requests; every request must answer 200 within its
5 s. Latencies are curl's \`time_total\`, connection and handshake included; p99 is nearest-rank.
The baseline is the same client for ${baseline_seconds} s with no attack.

$(command_block slow)

| check | result | detail |
| --- | --- | --- |
$(check_rows slow)

"Peak open" and "mean open" are slowhttptest's own count of its connected sockets, per second.
"Began closing them" is from the first second with a connection open to the first with one closed,
in the first round: the app's limits at work (headers within 10 s, bodies at 240 B/s after a 5 s
grace), give or take slowhttptest's one-second sampling. Its probe is one extra request per second
that it counts as "no service" when not answered in 5 s.
RSS is the app's resident memory right after the attack, and its peak since start: what 1000 slow
connections took mostly stays with the process once they are gone. In trials by hand (with the
build before the 16 MiB gen0 budget) it was not returned within 90 s of idling, and it levelled off
after a few rounds instead of growing with each.

## HTTP/2: curl and nghttp

$(command_block http2)

| check | result | detail |
| --- | --- | --- |
$(check_rows http2)

nghttp does not stop on an unverified certificate; it warns, here "hostname mismatch": nghttp 1.52
does not match 127.0.0.1 against the certificate's IP address entry, which \`openssl s_client
-verify_ip 127.0.0.1\` and \`curl --cacert \$WORK/c.pem\` (instead of \`-k\`) both accept.

## Stopping

| check | result | detail |
| --- | --- | --- |
$(check_rows stop)

Every tool's output of this run is in \`$work\`.
EOF
  } > "$doc"
}

# Prints the tally and returns the script's exit code: 1 if any check failed.
summarize() {
  local failed
  failed=$(count_failed)
  if ((failed == 0)); then
    say "all ${#checks[@]} checks pass ($((SECONDS / 60)) min $((SECONDS % 60)) s)"
  else
    say "$failed of ${#checks[@]} checks FAIL"
    return 1
  fi
}
