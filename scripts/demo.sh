#!/usr/bin/env bash
# make demo: runs `synack demo` from the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/release/tools/synack/synack demo "$@"
