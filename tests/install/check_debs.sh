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

# The bindings' packages, for each binding this tree built (its install component exists).
components=$(sed -n 's/^set(CPACK_COMPONENTS_ALL "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
has() { tr ';' '\n' <<<"$components" | grep -qx "$1"; }
if has Go; then
  [ -n "$(deb golang-libtinker-dev)" ] || fail "no golang-libtinker-dev package"
  field golang-libtinker-dev Depends | grep -qF "libtinker-dev (= $version)" || fail "golang-libtinker-dev: $(field golang-libtinker-dev Depends)"
  go_files=$(dpkg-deb -c "$(deb golang-libtinker-dev)")
  grep -q "usr/share/gocode/src/libtinker.dev/tinker/go.mod" <<<"$go_files" || fail "golang-libtinker-dev has no go.mod"
  grep -q "libtinker.dev/tinker/internal/raw/" <<<"$go_files" || fail "golang-libtinker-dev has no raw package"
  grep -q "_test.go" <<<"$go_files" && fail "golang-libtinker-dev ships tests"
fi
if has Ruby; then
  [ -n "$(deb libtinker-ruby)" ] || fail "no libtinker-ruby package"
  field libtinker-ruby Depends | grep -qF "libtinker-dev (= $version)" || fail "libtinker-ruby: $(field libtinker-ruby Depends)"
  ruby_files=$(dpkg-deb -c "$(deb libtinker-ruby)")
  grep -q "usr/share/libtinker/ruby/tinker-$version.gem" <<<"$ruby_files" || fail "libtinker-ruby has no tinker-$version.gem"
fi
if has Java; then
  [ -n "$(deb libtinker-java)" ] || fail "no libtinker-java package"
  field libtinker-java Depends | grep -qF "libtinker0 (= $version)" || fail "libtinker-java: $(field libtinker-java Depends)"
  java_files=$(dpkg-deb -c "$(deb libtinker-java)")
  for f in "libtinker-$version.jar" "libtinker-$version-sources.jar" "libtinker-$version-javadoc.jar" "libtinker-$version.pom" "jni/libtinker_jni.so"; do
    grep -q "$f" <<<"$java_files" || fail "libtinker-java has no $f"
  done
fi

root="$work/root"
for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$root"; done
libdir=$(dirname "$(find "$root" -name 'libtinker.so.0' | head -n1)")

bash "$here/run_consumers.sh" "$root/usr" "$libdir" "$work"

# The tool finds the packaged library by its own RUNPATH ($ORIGIN-relative), no LD_LIBRARY_PATH.
"$root/usr/bin/tinker" version | grep -q "$version" || fail "the packaged tinker does not report $version"
"$root/usr/bin/tinker-emulator" --help >/dev/null || fail "the packaged emulator does not start"
# The packaged JNI library finds the packaged libtinker by its RUNPATH ($ORIGIN/..).
if has Java; then
  jni=$(find "$root" -name libtinker_jni.so | head -n1)
  (unset LD_LIBRARY_PATH; ldd "$jni") | grep -q "libtinker.so.0 => $root" || fail "the packaged JNI library does not find the packaged libtinker: $(ldd "$jni" | grep tinker)"
fi
echo "debs: $(cd "$work/debs" && ls *.deb | tr '\n' ' ')built, unpacked and used by find_package and pkg-config consumers"
