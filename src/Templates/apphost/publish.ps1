# Publishes the app as ONE NativeAOT file, artifacts/publish/<rid>/apphostsample[.exe]; symbols go to artifacts/symbols/<rid>/
# and the checksum to artifacts/sha256/<rid>/. Usage: ./publish.ps1 [RID] [dotnet publish options]  (RID defaults to this machine's)
#Requires -Version 7
param(
    [string] $Rid = "",
    [Parameter(ValueFromRemainingArguments = $true)] [string[]] $PublishOptions = @()
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$name = "apphostsample"
if (-not $Rid) {
    $Rid = (dotnet --info | Select-String '^\s*RID:\s*(\S+)' | Select-Object -First 1).Matches[0].Groups[1].Value
}
# ARTIFACTS_DIR moves all output elsewhere (the tests publish into a temporary folder).
$artifacts = if ($env:ARTIFACTS_DIR) { $env:ARTIFACTS_DIR } else { Join-Path $root "artifacts" }
$out = Join-Path $artifacts "publish/$Rid"
$symbols = Join-Path $artifacts "symbols/$Rid"
$checksums = Join-Path $artifacts "sha256/$Rid"

# Build into a staging folder and move the file in only once it is complete, so a failed or
# interrupted publish never leaves a half-written file where the last good one was.
New-Item -ItemType Directory -Force -Path $artifacts | Out-Null
$staging = Join-Path $artifacts ".publish.$([Guid]::NewGuid().ToString('N'))"
try {
    $started = Get-Date
    dotnet publish (Join-Path $root "src/AppHostSample/AppHostSample.csproj") -c Release -r $Rid -o $staging -nologo -v:quiet @PublishOptions
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    $seconds = [int]((Get-Date) - $started).TotalSeconds

    New-Item -ItemType Directory -Force -Path $out, $symbols, $checksums | Out-Null
    Get-ChildItem $staging -File | Where-Object { $_.Extension -in ".dbg", ".pdb" } | Move-Item -Destination $symbols -Force
    $files = @(Get-ChildItem $staging)
    if ($files.Count -ne 1) {
        [Console]::Error.WriteLine("error: publish produced $($files.Count) files ($($files.Name -join ', ')); the app must publish to a single native file")
        exit 1
    }
    $file = Join-Path $out $files[0].Name
    Move-Item $files[0].FullName $file -Force
} finally {
    Remove-Item -Recurse -Force $staging -ErrorAction SilentlyContinue
}

$size = (Get-Item $file).Length
$sha = (Get-FileHash -Algorithm SHA256 $file).Hash.ToLowerInvariant()
# Written with a bare LF, the format `sha256sum -c` reads on every platform.
[IO.File]::WriteAllText((Join-Path $checksums "$($files[0].Name).sha256"), "$sha  $($files[0].Name)`n")
Write-Output "published $file"
Write-Output ("  size    {0} bytes ({1} MiB)" -f $size, [Math]::Round($size / 1MB))
Write-Output "  sha256  $sha"
if ($IsLinux -and (Get-Command objdump -ErrorAction SilentlyContinue)) {
    $glibc = objdump -T $file | Select-String -AllMatches 'GLIBC_([0-9.]+)' | ForEach-Object { $_.Matches } |
        ForEach-Object { [version]$_.Groups[1].Value } | Sort-Object -Unique | Select-Object -Last 1
    if ($glibc) { Write-Output "  needs   GLIBC $glibc or newer" }
}
Write-Output "  time    $seconds s"
