#!/usr/bin/env bash
# The Ruby gem as users get it: installs the built tree into a temporary prefix (the components a
# Ruby user needs), installs the
# INSTALLED tinker-<version>.gem into a temporary GEM_HOME against the installed tinker.pc only,
# checks the extension's RUNPATH (the installed libdir, no build-tree path), then runs
# tests/install/ruby/consumer.rb from outside the source tree, with no -I and no RUBYLIB, against
# the INSTALLED tinker-emulator. Also checks that without a tinker.pc, installing the gem fails
# with a message naming PKG_CONFIG_PATH.
# Usage: check_ruby.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd -P)
here="$(cd "$(dirname "$0")" && pwd -P)"
source_dir=$(cd "$here/../.." && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
fail() { echo "install_ruby_gem: $*" >&2; exit 1; }

# What a Ruby user installs: the library and its development files (tinker.pc), the emulator and
# the gem; the components of the other bindings play no part.
for component in Runtime Development Emulator Ruby; do
  cmake --install "$build" --prefix "$prefix" --component "$component" >/dev/null
done
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
gem_file="$prefix/share/libtinker/ruby/tinker-$version.gem"
[ -f "$gem_file" ] || fail "tinker-$version.gem not installed into share/libtinker/ruby: $(ls -R "$prefix/share" 2>&1)"
libdir=$(find "$prefix" -name 'libtinker.so.0' -printf '%h\n' | head -n1)
[ -n "$libdir" ] || fail "libtinker.so.0 not installed"
[ -f "$libdir/pkgconfig/tinker.pc" ] || fail "tinker.pc not installed in $libdir/pkgconfig"

# The .gem holds sources only, none of which may name the build or source tree.
mkdir "$work/unpacked"
tar -xf "$gem_file" -C "$work/unpacked" data.tar.gz
tar -xzf "$work/unpacked/data.tar.gz" -C "$work/unpacked"
[ -f "$work/unpacked/ext/tinker_raw/tinker_raw_wrap.cxx" ] || fail "the gem lacks the SWIG wrapper"
[ -f "$work/unpacked/lib/tinker/generated.rb" ] || fail "the gem lacks the generated Ruby"
if grep -rlF -e "$build" -e "$source_dir" "$work/unpacked"; then
  fail "the files above in the gem name the build or source tree"
fi

# A clean environment for Ruby: nothing on its load path but what the gem installs, and make run
# by extconf.rb not a child of CTest's make.
clean_env=(env -u RUBYLIB -u RUBYOPT -u LD_LIBRARY_PATH -u MAKEFLAGS -u MFLAGS -u MAKELEVEL
           -u GEM_HOME -u GEM_PATH)

# Without any tinker.pc the install must stop, naming PKG_CONFIG_PATH (unless this machine has a
# libtinker of its own, which pkg-config would find).
if ! "${clean_env[@]}" -u PKG_CONFIG_PATH pkg-config --exists tinker; then
  if "${clean_env[@]}" -u PKG_CONFIG_PATH gem install --local --no-document \
       --install-dir "$work/gems-nopc" "$gem_file" >"$work/nopc.log" 2>&1; then
    fail "gem install succeeded without a tinker.pc"
  fi
  grep -q "libtinker was not found by pkg-config" "$work/nopc.log" && grep -q PKG_CONFIG_PATH "$work/nopc.log" ||
    { cat "$work/nopc.log"; fail "a failed install without tinker.pc does not say to set PKG_CONFIG_PATH"; }
fi

gems="$work/gems"
if ! "${clean_env[@]}" PKG_CONFIG_PATH="$libdir/pkgconfig" gem install --local --no-document \
       --install-dir "$gems" "$gem_file" >"$work/install.log" 2>&1; then
  cat "$work/install.log"
  find "$gems" -name gem_make.out -exec cat {} + 2>/dev/null || true
  fail "gem install of the installed tinker-$version.gem failed"
fi

# The extension finds the installed libtinker by its RUNPATH (the prefix is no default library
# directory), and carries no path of the build tree.
ext=$(find "$gems/extensions" -name tinker_raw.so | head -n1)
[ -n "$ext" ] || fail "gem install built no tinker_raw.so"
runpath=$(readelf -d "$ext" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
case ":$runpath:" in
  *"$build"*|*"$source_dir"*) fail "installed extension's RUNPATH names the build tree: $runpath" ;;
esac
[[ ":$runpath:" == *":$(cd "$libdir" && pwd -P):"* ]] || fail "installed extension's RUNPATH ($runpath) lacks $libdir"
echo "installed extension: RUNPATH $runpath"
"${clean_env[@]}" ldd "$ext" | grep -q "libtinker.so.0 => $libdir/libtinker.so.0" ||
  fail "the extension does not load the installed libtinker: $(ldd "$ext" | grep tinker)"

# The consumer, from a directory outside the source tree, against the installed emulator.
mkdir "$work/app"
cp "$here/ruby/consumer.rb" "$work/app/"
cd "$work/app"
out="$work/consumer.out"
if ! timeout 300 bash "$source_dir/tests/with_emulator.sh" "$prefix/bin/tinker-emulator" -- \
       "${clean_env[@]}" GEM_HOME="$gems" GEM_PATH="$gems" ruby -w consumer.rb >"$out" 2>&1; then
  cat "$out"
  fail "consumer.rb failed"
fi
cat "$out"
expect() { grep -qE "$1" "$out" || fail "consumer output lacks /$1/"; }
expect "^libtinker $version \\(gem $version\\)\$"
expect "^models: .*tinker-emulator/tiny-bigram"
expect "^losses: [0-9.]+ [0-9.]+ [0-9.]+\$"
expect "^samples: "
expect "^refused: Tinker::RequestFailedError category=user\$"
expect "^after the service client's close: tinker-emulator/tiny-bigram\$"
[ "$(tail -n1 "$out")" = "ok" ] || fail "consumer did not finish"
grep -q "warning:" "$out" && fail "ruby -w printed warnings"
# Training lowers the loss: the last step's is below the first's.
read -r first _ last < <(sed -n 's/^losses: //p' "$out")
awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a) }' || fail "loss did not fall: $first .. $last"
echo "install_ruby_gem: the installed gem builds against the installed libtinker and runs"
