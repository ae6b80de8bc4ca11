#!/usr/bin/env bash
# ThreadSanitizer lane: builds BUILD_DIR (default: build-tsan) with -DTINKER_SANITIZE_THREAD=ON
# (the library, the test programs and tinker-emulator are all instrumented) and runs the unit and
# integration tests. Any ThreadSanitizer report, in a test program or in an emulator it started,
# fails the lane. Extra arguments go to ctest (e.g. -R integration_polling).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-tsan"
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then build="$1"; shift; fi

CMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" bash "$root/scripts/build.sh" "$build" \
  -DTINKER_SANITIZE_THREAD=ON -DTINKER_BUILD_BINDINGS=OFF -DTINKER_BUILD_BENCH=OFF

# Reports go to files, one per process: tests/with_emulator.sh throws the emulator's output away,
# so a race inside the emulator would otherwise only show up as a test failing to connect.
logs="$build/tsan-reports"
rm -rf "$logs"
mkdir -p "$logs"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 history_size=4 log_exe_name=1\
 log_path=$logs/tsan suppressions=$root/scripts/tsan.supp${TSAN_OPTIONS:+ $TSAN_OPTIONS}"

status=0
ctest --test-dir "$build" --output-on-failure -L "unit|integration" "$@" || status=$?

shopt -s nullglob
reports=("$logs"/tsan.*)
if [ "${#reports[@]}" -gt 0 ]; then
  for r in "${reports[@]}"; do
    echo "== ThreadSanitizer report: ${r##*/} =="
    cat "$r"
  done
  echo "test_tsan: ${#reports[@]} process(es) reported data races or lock-order inversions (above)"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
