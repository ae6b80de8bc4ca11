#!/usr/bin/env bash
# Installs the built tree into a temporary prefix and builds a consumer against it, once with
# CMake's find_package(tinker) and once with pkg-config; both must run.
set -euo pipefail
build="$1"
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(find "$prefix" -name 'libtinker.so.0' -printf '%h\n' | head -n1)
[ -n "$libdir" ] || { echo "libtinker.so.0 not installed"; exit 1; }
[ -f "$prefix/include/tinker/tinker.h" ] && [ -f "$prefix/include/tinker/tinker_version.h" ] || { echo "headers not installed"; exit 1; }
# The umbrella includes every module header: all of include/tinker/*.h must be installed.
for h in "$here"/../../include/tinker/*.h; do
  [ -f "$prefix/include/tinker/$(basename "$h")" ] || { echo "header $(basename "$h") not installed"; exit 1; }
done

bash "$here/run_consumers.sh" "$prefix" "$libdir" "$work"
echo "install: find_package and pkg-config consumers OK"
