#!/usr/bin/env bash
# Regenerates tests/abi/exported_symbols.txt from a built libtinker.
# Usage: tests/abi/update_symbols.sh [LIBRARY | BUILD_DIR]   (default: ./build)
# Review the diff before committing: a removed line is an ABI break.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-build}"
if [ -d "$target" ]; then
  lib="$(find "$target" -name 'libtinker.so.*' -type f | sort | head -n1)"
else
  lib="$target"
fi
[ -n "$lib" ] && [ -f "$lib" ] || { echo "update_symbols.sh: no libtinker.so.* found at '$target'" >&2; exit 1; }
"$here/list_exports.sh" "$lib" > "$here/exported_symbols.txt"
echo "wrote $(wc -l < "$here/exported_symbols.txt") symbols from $lib to $here/exported_symbols.txt"
