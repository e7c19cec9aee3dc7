#!/usr/bin/env bash
# Builds what AppHost ships into artifacts/: the template package and the apphost tool package (artifacts/packages/),
# and apphost as one NativeAOT file (artifacts/publish/<rid>/apphost). Usage: ./publish.sh [RID]  (default: this machine's)
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
rid=${1:-$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)}
artifacts=${ARTIFACTS_DIR:-$root/artifacts}

dotnet pack "$root/src/Templates/AppHost.Templates.csproj" -c Release -o "$artifacts/packages" -nologo -v:quiet
dotnet pack "$root/src/AppHost.Cli/AppHost.Cli.csproj" -c Release -o "$artifacts/packages" -nologo -v:quiet
echo "packages in $artifacts/packages:"
ls -1 "$artifacts/packages" | sed 's/^/  /'

# The CLI publishes itself: the same single-file layout and report as for any app.
staging=$(mktemp -d "$artifacts/.publish.XXXXXX")
trap 'rm -rf "$staging"' EXIT
dotnet publish "$root/src/AppHost.Cli/AppHost.Cli.csproj" -c Release -r "$rid" -p:PublishAot=true -o "$staging" -nologo -v:quiet
mkdir -p "$artifacts/publish/$rid" "$artifacts/symbols/$rid" "$artifacts/sha256/$rid"
find "$staging" -maxdepth 1 \( -name '*.dbg' -o -name '*.pdb' \) -exec mv -f {} "$artifacts/symbols/$rid/" \;
file=$(find "$staging" -mindepth 1 -maxdepth 1 -name 'apphost*' | head -n 1)
mv -f "$file" "$artifacts/publish/$rid/"
file=$artifacts/publish/$rid/$(basename "$file")
(cd "$(dirname "$file")" && sha256sum "$(basename "$file")") > "$artifacts/sha256/$rid/$(basename "$file").sha256"
echo "apphost: $file ($(stat -c %s "$file") bytes)"
