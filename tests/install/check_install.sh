#!/usr/bin/env bash
# Installs the built tree into a temporary prefix and builds a consumer against it, once with
# CMake's find_package(tinker) and once with pkg-config; both must run. Then, as a user would,
# builds the C examples against the installed header and library only (pkg-config) and runs them
# against the installed tinker-emulator, which is also their Hugging Face Hub for get_tokenizer.
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

emulator="$prefix/bin/tinker-emulator"
[ -x "$emulator" ] || { echo "tinker-emulator not installed"; exit 1; }
for example in train_sl rl_loop; do
  cc -std=c99 "$here/../../examples/$example.c" -o "$work/$example" \
     $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs tinker) -lm
  LD_LIBRARY_PATH="$libdir" TINKER_EXAMPLE_STEPS=6 bash "$here/../with_emulator.sh" "$emulator" -- "$work/$example" \
    > "$work/$example.out" || { cat "$work/$example.out"; echo "install: examples/$example.c failed"; exit 1; }
done
echo "install: the C examples built against the installed library ran (get_tokenizer, training, sampling)"
