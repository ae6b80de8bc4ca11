#!/usr/bin/env bash
# Quick start, command 2: set up, build, and run the whole test suite; then run the unit and
# integration tests again in an AddressSanitizer + UndefinedBehaviorSanitizer build and in a
# ThreadSanitizer build (TINKER_SKIP_SANITIZERS=1 skips both).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"

export GOPROXY=off GOFLAGS=-mod=mod
bash "$root/scripts/build.sh" "$root/build"
ctest --test-dir "$root/build" --output-on-failure

if [ "${TINKER_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer =="
  CMAKE_BUILD_TYPE=Debug bash "$root/scripts/build.sh" "$root/build-asan" \
    -DTINKER_SANITIZE=ON -DTINKER_BUILD_BINDINGS=OFF -DTINKER_BUILD_BENCH=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -L "unit|integration"
  echo "== ThreadSanitizer =="
  bash "$root/scripts/test_tsan.sh" "$root/build-tsan"
fi
