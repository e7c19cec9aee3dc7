# Builds what AppHost ships into artifacts/: the template, tool, AppHost.Server and AppHost.Testing packages
# (artifacts/packages/), and apphost as one NativeAOT file, published by apphost itself. Usage: ./publish.ps1 [RID]  (default: this machine's)
#Requires -Version 7
param([string] $Rid = "")
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$root = $PSScriptRoot
if (-not $Rid) { $Rid = (dotnet --info | Select-String '^\s*RID:\s*(\S+)' | Select-Object -First 1).Matches[0].Groups[1].Value }
$artifacts = if ($env:ARTIFACTS_DIR) { $env:ARTIFACTS_DIR } else { Join-Path $root "artifacts" }

foreach ($project in "src/Templates/AppHost.Templates.csproj", "src/AppHost.Cli/AppHost.Cli.csproj", "src/AppHost.Server/AppHost.Server.csproj", "src/AppHost.Testing/AppHost.Testing.csproj") {
    dotnet pack (Join-Path $root $project) -c Release -o (Join-Path $artifacts "packages") -nologo -v:quiet
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
Write-Output "packages in $(Join-Path $artifacts 'packages'):"
Get-ChildItem (Join-Path $artifacts "packages") | ForEach-Object { Write-Output "  $($_.Name)" }

# NuGet keeps each package version it restored and never looks again; drop this version of the
# server packages from its cache so apps restore what was just packed, not an earlier build of it.
$version = dotnet msbuild (Join-Path $root "src/AppHost.Server/AppHost.Server.csproj") -getProperty:Version -nologo
$cache = ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
foreach ($id in "apphost.server", "apphost.testing") {
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue (Join-Path $cache "$id/$version")
}

# apphost publishes itself: one file, symbols and checksum apart, and the same report as for any app.
# No smoke test: the tool is not a server.
dotnet run --project (Join-Path $root "src/AppHost.Cli") -c Release -- publish (Join-Path $root "src/AppHost.Cli") --rid $Rid -o (Join-Path $artifacts "publish/$Rid") --no-smoke
exit $LASTEXITCODE
