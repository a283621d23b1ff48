#!/usr/bin/env bash
# Runs the benchmarks of the release build and prints their results (`make bench`).
#
# Usage: scripts/bench.sh [--quick]
#   --quick                 short runs (smoke test: numbers are rough)
#   SYNACK_BENCH_BUILD=dir  where the build is (default build/release)
# Checksum and memcpy rows report bytes/s; parse/emit rows report ns per packet.
set -euo pipefail
cd "$(dirname "$0")/.."

min_time=0.5
case "${1:-}" in
  "") ;;
  --quick) min_time=0.02 ;;
  *) echo "bench.sh: unknown argument '$1' (use --quick)" >&2; exit 2 ;;
esac
build=${SYNACK_BENCH_BUILD:-build/release}
bin="$build/bench/micro_bench"
if [[ ! -x "$bin" ]]; then
  echo "bench.sh: $bin not built (cmake --preset release && cmake --build --preset release)" >&2
  exit 1
fi

# Google Benchmark ≥ 1.8 wants a unit suffix on --benchmark_min_time; 1.7 (Debian 12) a number.
if "$bin" --help 2>&1 | grep -q "benchmark_min_time=<integer>x OR <float>s"; then
  min_time="${min_time}s"
fi
echo "== micro_bench (min time ${min_time} per benchmark)"
"$bin" --benchmark_min_time="$min_time"
