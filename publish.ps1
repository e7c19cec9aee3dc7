# Publishes the sample app (the template's content) as one NativeAOT file into artifacts/publish/<rid>/ of this repository.
# Usage: ./publish.ps1 [RID]   (default: this machine's RID)
param([string] $Rid = "")
$ErrorActionPreference = "Stop"
if (-not $env:ARTIFACTS_DIR) { $env:ARTIFACTS_DIR = Join-Path $PSScriptRoot "artifacts" }
& (Join-Path $PSScriptRoot "src/Templates/apphost/publish.ps1") $Rid
exit $LASTEXITCODE
