#!/usr/bin/env bash
# ctest drill_linux_corpus: the Linux packetdrill corpus, read in place (GPL-2.0:
# never copied into this repository) from $SYNACK_LINUX_CORPUS, else
# ../shared/conformance/linux (see src/drill/corpus.hpp), judged twice:
#  1. `synack drill --check`: every script parses (no syntax error at all);
#  2. `synack drill --personality linux --expected-failures
#     src/drill/linux_expected_failures.txt`: every unlisted script passes or
#     skips, every listed one still fails or skips, and at least $floor pass.
# Usage: linux_corpus_test.sh SYNACK_BINARY (from the source dir)
set -uo pipefail
floor=11 # scripts that must pass; raise it as the list shrinks
dir=${SYNACK_LINUX_CORPUS:-../shared/conformance/linux}
if [[ ! -d $dir ]]; then
  echo "SKIP drill_linux_corpus: no Linux corpus at $dir (GPL-2.0, not vendored; set SYNACK_LINUX_CORPUS)"
  exit 0
fi
scripts=$(find "$dir" -name '*.pkt' | wc -l)
out=$("$1" drill --check "$dir" 2>&1)
status=$?
summary=$(tail -n 1 <<<"$out")
echo "$summary (exit $status, $scripts scripts)"
if [[ $summary != "$scripts parsed, 0 with syntax errors" || $status != 0 ]]; then
  grep '^ERROR ' <<<"$out" | head -n 20
  echo "FAIL: not every script parses"
  exit 1
fi
out=$("$1" drill --quiet --personality linux \
  --expected-failures src/drill/linux_expected_failures.txt "$dir" 2>&1)
status=$?
summary=$(tail -n 1 <<<"$out")
echo "$summary (exit $status)"
grep -E '^(UNEXPECTED|STALE|expected failures:)' <<<"$out"
if ((status != 0)); then
  grep -A3 '^FAIL ' <<<"$out" | head -n 40
  echo "FAIL: synack drill --personality linux exited $status"
  exit 1
fi
if [[ ! $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
  echo "FAIL: no summary line"
  exit 1
fi
if ((BASH_REMATCH[1] < floor)); then
  echo "FAIL: ${BASH_REMATCH[1]} scripts pass, fewer than the floor of $floor"
  exit 1
fi
