#!/usr/bin/env bash
# The Go module as users get it: installs the built tree into a temporary prefix (every
# component), checks that no installed Go file names the build or source directory, then builds
# the consumer of tests/install/go/ in a directory outside the source tree, twice, and runs it
# against the installed tinker-emulator:
#   1. with go.mod's `replace` pointed at <prefix>/share/gocode/src/libtinker.dev/tinker;
#   2. without a replace, fetching the module from the installed GOPROXY tree
#      (<prefix>/share/libtinker/goproxy) with `go get`.
# cgo finds libtinker through the installed tinker.pc alone (PKG_CONFIG_PATH, no CGO_* flags).
# Usage: check_go.sh BUILD_DIR [GO]
set -euo pipefail
build="$(cd "$1" && pwd -P)"
go="${2:-go}"
here="$(cd "$(dirname "$0")" && pwd -P)"
src="$(cd "$here/../.." && pwd -P)"
work=$(mktemp -d)
# The module cache is read-only unless -modcacherw; make it removable either way.
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
prefix="$work/prefix"
fail() { echo "check_go: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(find "$prefix" -name 'libtinker.so.0' -printf '%h\n' | head -n1)
[ -n "$libdir" ] || fail "libtinker.so.0 not installed"
module=$(find "$prefix" -path '*/gocode/src/libtinker.dev/tinker/go.mod' -printf '%h\n' | head -n1)
[ -n "$module" ] || fail "the Go module (share/gocode/src/libtinker.dev/tinker) is not installed"
goproxy=$(find "$prefix" -path '*/libtinker/goproxy/libtinker.dev/tinker/@v/list' | head -n1)
[ -n "$goproxy" ] || fail "the GOPROXY tree (share/libtinker/goproxy) is not installed"
goproxy="${goproxy%/libtinker.dev/tinker/@v/list}"
emulator="$prefix/bin/tinker-emulator"
[ -x "$emulator" ] || fail "tinker-emulator not installed"

# What is shipped: sources only, no tests, no caches or binaries, and no path of this machine's
# build (also inside the proxy's zip).
[ -f "$module/internal/raw/tinker.go" ] && [ -f "$module/internal/raw/tinker_wrap.cxx" ] \
  || fail "internal/raw is not installed"
[ -f "$module/examples/rl_loop/main.go" ] || fail "the examples are not installed"
extra=$(find "$module" -type f ! -name '*.go' ! -name go.mod ! -name '*.cxx' -o -name '*_test.go')
[ -z "$extra" ] || fail "installed module holds files that are not module sources: $extra"
for dir in "$build" "$src"; do
  hits=$(grep -rlF "$dir" "$module" "$goproxy" || true)
  [ -z "$hits" ] || fail "installed Go files contain $dir: $hits"
done
version=$(head -n1 "$goproxy/libtinker.dev/tinker/@v/list")
mkdir "$work/zip"
(cd "$work/zip" && cmake -E tar xf "$goproxy/libtinker.dev/tinker/@v/$version.zip")
[ -f "$work/zip/libtinker.dev/tinker@$version/go.mod" ] || fail "the GOPROXY zip does not hold libtinker.dev/tinker@$version/go.mod"
hits=$(grep -rlF -e "$build" -e "$src" "$work/zip" || true)
[ -z "$hits" ] || fail "the GOPROXY zip contains a build or source path: $hits"

# Hermetic Go: no network, no user configuration; the build cache is the build tree's (fast,
# nothing of it is installed), the module cache and GOPATH are this run's.
export GOENV=off GO111MODULE=on GOTOOLCHAIN=local GOFLAGS=-modcacherw CGO_ENABLED=1
export GOCACHE="$build/bindings/go/cache" GOPATH="$work/gopath"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
unset CGO_CPPFLAGS CGO_CFLAGS CGO_CXXFLAGS CGO_LDFLAGS

# The prefix is not a system library directory, so the dynamic linker must be told where the
# installed libtinker is (a system install in /usr/lib needs nothing): for the emulator and for
# the consumer, whose pkg-config link flags carry no rpath, as users' programs do not.
export LD_LIBRARY_PATH="$libdir"

run_consumer() { # DIR: build DIR's consumer and run it against a fresh installed emulator
  (cd "$1" && "$go" build -o consumer .) || fail "the consumer in $1 does not build"
  out=$(cd "$1" && bash "$src/tests/with_emulator.sh" "$emulator" -- timeout 120 ./consumer) \
    || fail "the consumer in $1 failed: $out"
  printf '%s\n' "$out"
  for want in "libtinker ${version#v}" "server offers tinker-emulator/tiny-bigram: true" \
              "trained one step, logprobs: 4" "sampled sequences: 2"; do
    grep -qxF "$want" <<<"$out" || fail "the consumer in $1 did not print \"$want\""
  done
}

# 1. The installed source tree, through a replace.
mkdir "$work/replace"
cp "$here/go/go.mod" "$here/go/main.go" "$work/replace/"
(cd "$work/replace" && GOPROXY=off GOFLAGS=-mod=mod "$go" mod edit -replace "libtinker.dev/tinker=$module")
GOPROXY=off GOFLAGS="-mod=mod -modcacherw" run_consumer "$work/replace"

# 2. The installed GOPROXY tree, through go get.
mkdir "$work/proxy"
cp "$here/go/go.mod" "$here/go/main.go" "$work/proxy/"
(cd "$work/proxy" && "$go" mod edit -dropreplace libtinker.dev/tinker -droprequire libtinker.dev/tinker)
(cd "$work/proxy" && GOPROXY="file://$goproxy" GONOSUMDB=libtinker.dev "$go" get "libtinker.dev/tinker@$version") \
  || fail "go get libtinker.dev/tinker@$version from file://$goproxy failed"
GOPROXY=off run_consumer "$work/proxy"
echo "install: Go module OK (replace and GOPROXY), libtinker $version"
