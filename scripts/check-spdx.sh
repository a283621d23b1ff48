#!/usr/bin/env bash
# Every tracked C/C++ source (*.cc *.hpp *.h *.c) carries the line
# "SPDX-License-Identifier: Apache-2.0" within its first 3 lines (ctest
# spdx_headers). Prints each file without it and exits 1; 0 when all have it.
# Outside a git checkout (e.g. a release tarball) it checks every such file.
# Usage: scripts/check-spdx.sh [SOURCE_DIR]
set -euo pipefail
cd "${1:-.}"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cc' '*.hpp' '*.h' '*.c')
else
  mapfile -t files < <(find . -path ./build -prune -o -type f \
    \( -name '*.cc' -o -name '*.hpp' -o -name '*.h' -o -name '*.c' \) -print)
fi
missing=0
for f in "${files[@]}"; do
  [[ -f $f ]] || continue  # deleted in the work tree, not yet committed
  if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0'; then
    echo "no SPDX-License-Identifier: Apache-2.0 line: $f"
    missing=$((missing + 1))
  fi
done
if ((missing > 0)); then
  echo "$missing of ${#files[@]} sources lack the SPDX line (add '// SPDX-License-Identifier: Apache-2.0' first)"
  exit 1
fi
echo "all ${#files[@]} sources carry SPDX-License-Identifier: Apache-2.0"
