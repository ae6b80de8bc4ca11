#!/usr/bin/env bash
# Builds the Debian packages with CPack from a built tree, checks their names and dependencies,
# unpacks them into a temporary root (no root rights, nothing installed on the machine) and
# builds and runs a consumer against that root, once with CMake's find_package(tinker) and once
# with pkg-config; the packaged emulator and `tinker` tool must start from there too.
set -euo pipefail
build="$1"
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/debs" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
fail() { echo "check_debs: $*"; exit 1; }
deb() { ls "$work"/debs/"$1"_*.deb 2>/dev/null | head -n1; }
field() { dpkg-deb -f "$(deb "$1")" "$2"; }
for p in libtinker0 libtinker-dev tinker-emulator tinker; do [ -n "$(deb "$p")" ] || fail "no $p package"; done
version=$(field libtinker0 Version)
# What each package needs: the library's system libraries (found by dpkg-shlibdeps), and the
# library itself, exactly this version, for the development files and the tool.
field libtinker0 Depends | grep -q "libcurl4" || fail "libtinker0 does not depend on libcurl4: $(field libtinker0 Depends)"
field libtinker0 Depends | grep -q "libzstd1" || fail "libtinker0 does not depend on libzstd1"
field libtinker-dev Depends | grep -qF "libtinker0 (= $version)" || fail "libtinker-dev: $(field libtinker-dev Depends)"
field tinker Depends | grep -qF "libtinker0 (= $version)" || fail "tinker: $(field tinker Depends)"
field tinker-emulator Depends | grep -q "libsqlite3-0" || fail "tinker-emulator: $(field tinker-emulator Depends)"
# (Listings read whole first: grep -q would stop reading and end dpkg-deb with SIGPIPE.)
runtime_files=$(dpkg-deb -c "$(deb libtinker0)")
dev_files=$(dpkg-deb -c "$(deb libtinker-dev)")
grep -q "libtinker.so.0 -> " <<<"$runtime_files" || fail "libtinker0 has no SONAME link"
grep -q "include/" <<<"$runtime_files" && fail "libtinker0 holds headers"
grep -q "usr/include/tinker/tinker.h" <<<"$dev_files" || fail "libtinker-dev has no tinker.h"

root="$work/root"
for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$root"; done
libdir=$(dirname "$(find "$root" -name 'libtinker.so.0' | head -n1)")

bash "$here/run_consumers.sh" "$root/usr" "$libdir" "$work"

# The tool finds the packaged library by its own RUNPATH ($ORIGIN-relative), no LD_LIBRARY_PATH.
"$root/usr/bin/tinker" version | grep -q "$version" || fail "the packaged tinker does not report $version"
"$root/usr/bin/tinker-emulator" --help >/dev/null || fail "the packaged emulator does not start"
echo "debs: $(cd "$work/debs" && ls *.deb | tr '\n' ' ')built, unpacked and used by find_package and pkg-config consumers"
