#!/usr/bin/env bash
# Builds what AppHost ships into artifacts/: the template and apphost tool packages (artifacts/packages/), and
# apphost as one NativeAOT file, published by apphost itself. Usage: ./publish.sh [RID]  (default: this machine's)
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
rid=${1:-$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)}
artifacts=${ARTIFACTS_DIR:-$root/artifacts}

dotnet pack "$root/src/Templates/AppHost.Templates.csproj" -c Release -o "$artifacts/packages" -nologo -v:quiet
dotnet pack "$root/src/AppHost.Cli/AppHost.Cli.csproj" -c Release -o "$artifacts/packages" -nologo -v:quiet
echo "packages in $artifacts/packages:"
ls -1 "$artifacts/packages" | sed 's/^/  /'

# apphost publishes itself: one file, symbols and checksum apart, and the same report as for any app.
# No smoke test: the tool is not a server.
dotnet run --project "$root/src/AppHost.Cli" -c Release -- publish "$root/src/AppHost.Cli" --rid "$rid" -o "$artifacts/publish/$rid" --no-smoke
