# Builds what AppHost ships into artifacts/: the template package and the apphost tool package (artifacts/packages/),
# and apphost as one NativeAOT file (artifacts/publish/<rid>/apphost[.exe]). Usage: ./publish.ps1 [RID]  (default: this machine's)
param([string] $Rid = "")
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$root = $PSScriptRoot
if (-not $Rid) { $Rid = (dotnet --info | Select-String '^\s*RID:\s*(\S+)' | Select-Object -First 1).Matches[0].Groups[1].Value }
$artifacts = if ($env:ARTIFACTS_DIR) { $env:ARTIFACTS_DIR } else { Join-Path $root "artifacts" }

foreach ($project in "src/Templates/AppHost.Templates.csproj", "src/AppHost.Cli/AppHost.Cli.csproj") {
    dotnet pack (Join-Path $root $project) -c Release -o (Join-Path $artifacts "packages") -nologo -v:quiet
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
Write-Output "packages in $(Join-Path $artifacts 'packages'):"
Get-ChildItem (Join-Path $artifacts "packages") | ForEach-Object { Write-Output "  $($_.Name)" }

# The CLI publishes itself: the same single-file layout as for any app.
$staging = Join-Path $artifacts ".publish.$([Guid]::NewGuid().ToString('N'))"
try {
    dotnet publish (Join-Path $root "src/AppHost.Cli/AppHost.Cli.csproj") -c Release -r $Rid -p:PublishAot=true -o $staging -nologo -v:quiet
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    $out, $symbols, $checksums = "publish", "symbols", "sha256" | ForEach-Object { Join-Path $artifacts "$_/$Rid" }
    New-Item -ItemType Directory -Force -Path $out, $symbols, $checksums | Out-Null
    Get-ChildItem $staging -File | Where-Object { $_.Extension -in ".dbg", ".pdb" } | Move-Item -Destination $symbols -Force
    $file = Get-ChildItem $staging -File | Where-Object { $_.Name -like "apphost*" } | Select-Object -First 1
    Move-Item $file.FullName (Join-Path $out $file.Name) -Force
    $sha = (Get-FileHash -Algorithm SHA256 (Join-Path $out $file.Name)).Hash.ToLowerInvariant()
    [IO.File]::WriteAllText((Join-Path $checksums "$($file.Name).sha256"), "$sha  $($file.Name)`n")
    Write-Output "apphost: $(Join-Path $out $file.Name)"
} finally {
    Remove-Item -Recurse -Force $staging -ErrorAction SilentlyContinue
}
