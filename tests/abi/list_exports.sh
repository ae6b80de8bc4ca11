#!/usr/bin/env bash
# Prints the dynamic symbols a shared library defines (exports), one per line, sorted (C locale).
set -euo pipefail
[ "$#" -eq 1 ] || { echo "usage: list_exports.sh LIBRARY" >&2; exit 2; }
nm -D --defined-only --format=posix "$1" | awk '{print $1}' | LC_ALL=C sort -u
