#!/usr/bin/env bash
# Publishes the sample app as one NativeAOT file and runs it with HTTPS and HTTP/2 on https://localhost:8443,
# using a throwaway self-signed certificate. Usage: build/try-native.sh [port]   (Ctrl-C stops the server)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port=${1:-8443}
sample=$root/artifacts/sample
cert=$sample/localhost.pfx

# The tools the native link needs, checked before the build rather than after its first minute (exit 3, as apphost publish).
missing=$(sh "$root/src/AppHost.Server/buildTransitive/missing-link-tools.sh")
if [ -n "$missing" ]; then
  echo "error: the sample's native file is linked with clang and lld against an old glibc, and $missing" >&2
  exit 3
fi

ARTIFACTS_DIR=$sample "$root/src/Templates/apphost/publish.sh"
# A new certificate each time (apphost cert: localhost, 30 days, readable by its owner only).
dotnet run --project "$root/src/AppHost.Cli" -- cert -o "$cert" --force > /dev/null
rid=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)
echo "try: curl -k --http2 https://localhost:$port/api/greeting?name=you" >&2
exec "$sample/publish/$rid/apphostsample" --port "$port" --cert "$cert"
