#!/usr/bin/env bash
# Publishes the sample app (the template's content) as one NativeAOT file into artifacts/publish/<rid>/ of this repository.
# Usage: ./publish.sh [RID]   (default: this machine's RID)
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
ARTIFACTS_DIR=${ARTIFACTS_DIR:-$root/artifacts} exec "$root/src/Templates/apphost/publish.sh" "$@"
