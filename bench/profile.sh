#!/usr/bin/env bash
# Profiles the bulk (MTU 1500) and lifecycle benchmarks and prints the top
# symbols by self time, each with the call chains that reach it.
#
# Usage: bench/profile.sh [build-dir]   (default build/release; -DSYNACK_BENCH=ON)
# Uses perf when `perf stat -e instructions true` works (call graphs by DWARF
# unwinding), else valgrind --tool=callgrind on smaller runs (instruction
# counts, deterministic). Output files go to a temporary directory (printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release}/bench"
for b in bulk_bench lifecycle_bench; do
  [[ -x "$bin/$b" ]] || { echo "profile.sh: $bin/$b not built" >&2; exit 1; }
done
out=$(mktemp -d /tmp/synack-profile.XXXXXX)
echo "profile.sh: data in $out"

if perf stat -e instructions true >/dev/null 2>&1; then
  prof() {  # name, command...
    local name=$1; shift
    perf record -q -F 4000 --call-graph dwarf,16384 -o "$out/$name.data" "$@" >/dev/null 2>&1
    echo "== $name: top symbols by self time (perf)"
    perf report -i "$out/$name.data" --no-children --sort symbol --stdio 2>/dev/null |
      grep -E '^ +[0-9.]+%' | head -15 || true
    echo "== $name: callers of the top symbols"
    perf report -i "$out/$name.data" --no-children --sort symbol --stdio -G \
      --percent-limit 4 2>/dev/null | grep -v '^#' | grep -v '^$' | head -80 || true
  }
  prof bulk "$bin/bulk_bench" --mtu 1500 --bytes 300000000
  prof lifecycle "$bin/lifecycle_bench" --count 60000
else
  prof() {
    local name=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$out/$name.cg" "$@" >/dev/null 2>&1
    echo "== $name: top functions by self instructions (callgrind)"
    callgrind_annotate "$out/$name.cg" 2>/dev/null | head -30 || true
  }
  prof bulk "$bin/bulk_bench" --mtu 1500 --bytes 20000000
  prof lifecycle "$bin/lifecycle_bench" --count 3000
fi
