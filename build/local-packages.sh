#!/usr/bin/env bash
# Packs AppHost.Server and AppHost.Testing from this repository into DIR/packages and writes DIR/nuget.config, so apps
# generated below DIR restore this commit's packages (the journey tests, bench and conformance use it).
# Usage: build/local-packages.sh DIR [dotnet pack options, such as --no-build]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mkdir -p "${1:?usage: build/local-packages.sh DIR [dotnet pack options]}" && cd "$1" && pwd)
rm -rf "$dir/packages" "$dir/package-cache"
for project in AppHost.Server AppHost.Testing; do
  dotnet pack "$root/src/$project/$project.csproj" -c Release -o "$dir/packages" -nologo -v:quiet "${@:2}" > /dev/null
done

# The AppHost packages come only from DIR/packages and land in a package cache of DIR's own: NuGet
# never looks again at a version it has cached, and every run packs the same version anew. The rest
# comes from this machine's package cache, or from the sources the user's NuGet settings name.
machine_cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
mkdir -p "$machine_cache"
cat > "$dir/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config>
    <add key="globalPackagesFolder" value="$dir/package-cache" />
  </config>
  <packageSources>
    <add key="apphost-packed" value="$dir/packages" />
    <add key="machine-cache" value="$machine_cache" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="apphost-packed">
      <package pattern="AppHost.*" />
    </packageSource>
    <packageSource key="machine-cache">
      <package pattern="*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
CONFIG
