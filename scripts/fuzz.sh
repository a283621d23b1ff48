#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60): `make fuzz`.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   SYNACK_FUZZ_BUILD=dir  where the fuzz build is (default build/fuzz, preset `fuzz`)
#   FUZZ_SEED=n            libFuzzer -seed (CI uses a fixed one; default random)
#   FUZZ_JOBS=n            run each target with -fork=n (default 1: no fork)
# An hour of each: `make fuzz FUZZ_SECONDS=3600`, or one target:
#   scripts/fuzz.sh 3600 stack_receive
# Dictionaries: fuzz/dict/<target>.dict when present.
# Seeds come from fuzz/corpus/<target>/ (read only: new inputs go to a temporary
# directory that is deleted afterwards, so the repo corpus never grows by itself).
# Crashes and leaks are written to fuzz/artifacts/<target>/ (gitignored); the
# script exits non-zero if any target found one.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "fuzz.sh: SECONDS must be a positive integer, got '$seconds'" >&2
  exit 2
fi
build=${SYNACK_FUZZ_BUILD:-build/fuzz}
targets=(wire_ipv4 wire_tcp wire_ipv6 wire_udp stack_receive engine_sanity drill_parser http_parser capture_reader)
if (($# > 1)); then targets=("${@:2}"); fi
extra=(-timeout=20 -rss_limit_mb=2048)
[[ -n "${FUZZ_SEED:-}" ]] && extra+=(-seed="$FUZZ_SEED")
[[ -n "${FUZZ_JOBS:-}" && "${FUZZ_JOBS}" != 1 ]] && extra+=(-fork="$FUZZ_JOBS")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=()
for t in "${targets[@]}"; do
  bin="$build/fuzz/$t"
  if [[ ! -x "$bin" ]]; then
    echo "fuzz.sh: $bin not built (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
    exit 1
  fi
  mkdir -p "fuzz/artifacts/$t" "$work/$t"
  echo "== $t: ${seconds}s, seeds fuzz/corpus/$t ($(ls "fuzz/corpus/$t" | wc -l) files)"
  dict=()
  [[ -f "fuzz/dict/$t.dict" ]] && dict=(-dict="fuzz/dict/$t.dict")
  if "$bin" -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" "${dict[@]}" \
      -artifact_prefix="fuzz/artifacts/$t/" "$work/$t" "fuzz/corpus/$t" >"$work/$t.log" 2>&1; then
    grep -E "^#[0-9]+[[:space:]]+DONE" "$work/$t.log" | tail -n 1 || true  # executions, cov (edges), ft (features)
    grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb" "$work/$t.log" || true
    echo "   new corpus inputs this run: $(ls "$work/$t" | wc -l) (discarded)"
  else
    tail -n 40 "$work/$t.log"
    echo "== $t FAILED: see fuzz/artifacts/$t/" >&2
    failed+=("$t")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: failures in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: all targets clean (${targets[*]}, ${seconds}s each)"
