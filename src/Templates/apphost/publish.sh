#!/usr/bin/env bash
# Publishes the app as ONE NativeAOT file, artifacts/publish/<rid>/apphostsample; symbols go to artifacts/symbols/<rid>/
# and the checksum to artifacts/sha256/<rid>/, so the publish folder holds only the file to copy to a server.
# Usage: ./publish.sh [RID] [dotnet publish options]   RID defaults to this machine's, for example linux-x64.
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
name=apphostsample
rid=${1:-$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)}
# ARTIFACTS_DIR moves all output elsewhere (the tests publish into a temporary folder).
artifacts=${ARTIFACTS_DIR:-$root/artifacts}
out=$artifacts/publish/$rid
symbols=$artifacts/symbols/$rid
checksums=$artifacts/sha256/$rid

# Build into a staging folder beside the output and move the file in only once it is complete,
# so a failed or interrupted publish never leaves a half-written file where the last good one was.
mkdir -p "$artifacts"
staging=$(mktemp -d "$artifacts/.publish.XXXXXX")
trap 'rm -rf "$staging"' EXIT

started=$(date +%s)
dotnet publish "$root/src/AppHostSample/AppHostSample.csproj" -c Release -r "$rid" -o "$staging" -nologo -v:quiet "${@:2}"
seconds=$(( $(date +%s) - started ))

mkdir -p "$out" "$symbols" "$checksums"
# Linux keeps symbols in NAME.dbg, macOS in the NAME.dSYM folder.
for entry in "$staging"/*.dbg "$staging"/*.dSYM "$staging"/*.pdb; do
  [ -e "$entry" ] || continue
  rm -rf "${symbols:?}/$(basename "$entry")"
  mv "$entry" "$symbols/"
done
extra=$(find "$staging" -mindepth 1 ! -name "$name" ! -name "$name.exe" | head -n 5)
if [ -n "$extra" ]; then
  echo "error: publish produced more than one file ($extra); the app must publish to a single native file" >&2
  exit 1
fi
file=$(find "$staging" -mindepth 1 -maxdepth 1 | head -n 1)
mv -f "$file" "$out/"
file=$out/$(basename "$file")

size=$(wc -c < "$file" | tr -d ' ')
# sha256sum on Linux, shasum on macOS: the same digest.
sha=$( (command -v sha256sum >/dev/null && sha256sum "$file" || shasum -a 256 "$file") | cut -d' ' -f1)
echo "$sha  $(basename "$file")" > "$checksums/$(basename "$file").sha256"
glibc=$( (objdump -T "$file" 2>/dev/null || true) | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -n 1)
echo "published $file"
echo "  size    $size bytes ($(( (size + 524288) / 1048576 )) MiB)"
echo "  sha256  $sha"
[ -n "$glibc" ] && echo "  needs   ${glibc/_/ } or newer"
echo "  time    ${seconds} s"
