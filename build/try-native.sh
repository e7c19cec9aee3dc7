#!/usr/bin/env bash
# Publishes the sample app as one NativeAOT file and runs it with HTTPS and HTTP/2 on https://localhost:8443,
# using a throwaway self-signed certificate. Usage: build/try-native.sh [port]   (Ctrl-C stops the server)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port=${1:-8443}
cert=$root/artifacts/dev-cert/localhost.pfx

ARTIFACTS_DIR=$root/artifacts "$root/src/Templates/apphost/publish.sh"
[ -f "$cert" ] || dotnet run "$root/build/dev-cert.cs" -- "$cert" > /dev/null
rid=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)
echo "try: curl -k --http2 https://localhost:$port/api/greeting?name=you" >&2
exec "$root/artifacts/publish/$rid/apphostsample" --port "$port" --cert "$cert"
