#!/usr/bin/env bash
# Builds consumer.c against an installed libtinker and runs it, once with CMake's
# find_package(tinker) and once with pkg-config. Used by check_install.sh (a `cmake --install`
# prefix) and check_debs.sh (the unpacked Debian packages).
# Usage: run_consumers.sh PREFIX LIBDIR WORKDIR
set -euo pipefail
prefix="$1" libdir="$2" work="$3"
here="$(cd "$(dirname "$0")" && pwd)"

mkdir -p "$work/cm"
cp "$here/consumer.c" "$work/cm/"
cp "$here/CMakeLists.txt.in" "$work/cm/CMakeLists.txt"
cmake -S "$work/cm" -B "$work/cm/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cm/build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$work/cm/build/consumer"

cc "$here/consumer.c" -o "$work/pc_consumer" $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs tinker)
LD_LIBRARY_PATH="$libdir" "$work/pc_consumer"
