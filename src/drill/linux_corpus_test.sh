#!/usr/bin/env bash
# ctest drill_linux_corpus: `synack drill --check` over the Linux packetdrill
# corpus, read in place (GPL-2.0: never copied into this repository) from
# $SYNACK_LINUX_CORPUS, else ../shared/conformance/linux (see src/drill/corpus.hpp).
# The runner speaks the FreeBSD corpus's subset of the language, so most Linux
# scripts do not parse (backtick sysctl commands, Linux-only syntax): the test
# checks that every script gets an answer — parsed, or one line-numbered syntax
# error — and that the runner exits normally (0 or 1; a crash or a sanitizer
# report fails). Usage: linux_corpus_test.sh SYNACK_BINARY (from the source dir)
set -uo pipefail
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
if ((status > 1)); then
  echo "$out" | tail -n 20
  echo "FAIL: synack drill --check exited $status"
  exit 1
fi
if [[ ! $summary =~ ^([0-9]+)\ parsed,\ ([0-9]+)\ with\ syntax\ errors ]]; then
  echo "FAIL: no summary line"
  exit 1
fi
errors=$(grep -c '^ERROR .*\.pkt:[0-9]\+: ' <<<"$out")
if ((BASH_REMATCH[1] + BASH_REMATCH[2] != scripts || errors != BASH_REMATCH[2])); then
  echo "FAIL: $scripts scripts, but ${BASH_REMATCH[1]} parsed + ${BASH_REMATCH[2]} errors ($errors error lines)"
  exit 1
fi
