#!/usr/bin/env bash
# Checks the sample app's native file on 127.0.0.1 with testssl.sh (TLS), slowhttptest (slow clients, a normal client alongside) and curl/nghttp (HTTP/2); writes docs/conformance.md.
# Usage: build/conformance/run.sh   (4 to 6 minutes, at most 8 once its Debian packages are installed; PASS/FAIL per check; exit code 1 if any FAILs)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/build/conformance
work=${TMPDIR:-/tmp}/apphost-conformance # every tool's output stays here after the run
doc=$root/docs/conformance.md
budget_seconds=480 # the build and every check, once the tools are installed

source "$here/lib.sh"          # messages, time limits, processes, the record of checks
source "$here/tls.sh"          # check_tls
source "$here/slow-clients.sh" # check_slow_clients
source "$here/http2.sh"        # check_http2
source "$here/report.sh"       # write_doc, summarize

# --- The tools: Debian packages, installed when missing ---------------------------------------
missing=()
command -v testssl > /dev/null || missing+=(testssl.sh)
command -v slowhttptest > /dev/null || missing+=(slowhttptest)
command -v curl > /dev/null || missing+=(curl)
command -v nghttp > /dev/null || missing+=(nghttp2-client)
command -v jq > /dev/null || missing+=(jq) # reads testssl's JSON report and the app's JSON
if ((${#missing[@]})); then
  sudo=$( ((EUID == 0)) || echo sudo)
  say "installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi

deadline=$((SECONDS + budget_seconds))
trap stop_all EXIT
trap 'exit 130' INT TERM
rm -rf "$work" && mkdir -p "$work"
# The source the app is built from, as the doc names it.
source_commit=$(git -C "$root" rev-parse --short HEAD)
git -C "$root" diff --quiet HEAD -- src || source_commit+=" with uncommitted changes in src/"
watch_load "$work/before-load.txt"

# --- 1. The native app, a certificate, and the app on two listeners ---------------------------
# No MSBuild node or compiler server may outlive the run: they would be servers it started.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false DOTNET_NOLOGO=1
apphost=(dotnet run --project "$root/src/AppHost.Cli" -c Release --)
say "building the native app (about 2 minutes)"
# This commit's AppHost.Server package, which the app restores from $work/packages.
within 300 "$root/build/local-packages.sh" "$work" >> "$work/build.log" 2>&1 || die "packing AppHost.Server failed: see $work/build.log"
for step in "new Conf -o $work/conf" "publish $work/conf --rid linux-x64 --no-smoke" "cert --pem -o $work/c.pem"; do
  read -ra args <<< "$step" # the paths have no spaces: $work is under /tmp
  shown app "${apphost[@]/$root\//}" "${args[@]}"
  within 300 "${apphost[@]}" "${args[@]}" >> "$work/build.log" 2>&1 || die "apphost ${args[0]} failed: see $work/build.log"
done
app=$work/conf/artifacts/publish/linux-x64/conf
[[ -x $app ]] || die "no native file at $app: see $work/build.log"

https_port=$(free_port)
http_port=$(free_port)
https_app=("$app" --host 127.0.0.1 --port "$https_port" --cert "$work/c.pem" --key "$work/c.key" --log-level warning)
http_app=("$app" --host 127.0.0.1 --port "$http_port" --log-level warning)
shown app "${https_app[@]}"
shown app "${http_app[@]}"
start_app https "https://127.0.0.1:$https_port/healthz" "${https_app[@]}"
start_app http "http://127.0.0.1:$http_port/healthz" "${http_app[@]}"
record app "Native file builds and serves" 0 "$(thousands "$(stat -c %s "$app")") bytes; /healthz answers 200 on both listeners"

# --- 2. TLS ------------------------------------------------------------------------------------
say "testssl.sh (about 1 minute)"
check_tls "https://127.0.0.1:$https_port"

# --- 3. Slow clients ---------------------------------------------------------------------------
say "slow clients: ${baseline_seconds} s baseline, then slowloris and slow body for ${attack_seconds} s each"
check_slow_clients

# --- 4. HTTP/2 ---------------------------------------------------------------------------------
say "HTTP/2 with curl and nghttp"
check_http2

# --- 5. Stopping: after all that, SIGTERM still drains and exits 0 ------------------------------
stop_all
record stop "HTTPS app exits 0 on SIGTERM" "${app_exit[$https_pid]}" "exit code ${app_exit[$https_pid]}"
record stop "HTTP app exits 0 on SIGTERM" "${app_exit[$http_pid]}" "exit code ${app_exit[$http_pid]}"

write_doc
say "wrote ${doc#"$root"/}; every tool's output is in $work"
summarize
