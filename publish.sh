#!/usr/bin/env bash
# Builds what AppHost ships into artifacts/: the template, tool, AppHost.Server and AppHost.Testing packages (artifacts/packages/),
# and apphost as one NativeAOT file, published by apphost itself. Usage: ./publish.sh [RID]  (default: this machine's)
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
rid=${1:-$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)}
artifacts=${ARTIFACTS_DIR:-$root/artifacts}

for project in src/Templates/AppHost.Templates.csproj src/AppHost.Cli/AppHost.Cli.csproj src/AppHost.Server/AppHost.Server.csproj src/AppHost.Testing/AppHost.Testing.csproj; do
  dotnet pack "$root/$project" -c Release -o "$artifacts/packages" -nologo -v:quiet
done
echo "packages in $artifacts/packages:"
ls -1 "$artifacts/packages" | sed 's/^/  /'

# NuGet keeps each package version it restored and never looks again; drop this version of the
# server packages from its cache so apps restore what was just packed, not an earlier build of it.
version=$(dotnet msbuild "$root/src/AppHost.Server/AppHost.Server.csproj" -getProperty:Version -nologo)
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
for id in apphost.server apphost.testing; do
  rm -rf "${cache:?}/$id/$version"
done

# apphost publishes itself: one file, symbols and checksum apart, and the same report as for any app.
# No smoke test: the tool is not a server.
dotnet run --project "$root/src/AppHost.Cli" -c Release -- publish "$root/src/AppHost.Cli" --rid "$rid" -o "$artifacts/publish/$rid" --no-smoke
