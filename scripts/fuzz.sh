#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz (tests/fuzz/README.md) for a while each. Not part
# of CI, which runs the same harnesses over fixed inputs through CTest.
#
#   scripts/fuzz.sh [seconds per fuzzer, default 60] [target...]   (default: every target)
#
# Builds with clang, AddressSanitizer + UndefinedBehaviorSanitizer + libFuzzer, in
# build-libfuzzer/ (FUZZ_BUILD_DIR). Each fuzzer starts from the seeds built by
# fuzz_write_corpus and keeps what it finds in build-libfuzzer/fuzz-corpus/<target>, so a
# second run continues from there. A crash leaves its input in build-libfuzzer/fuzz-artifacts/;
# replay it with `build-libfuzzer/tests/fuzz/fuzz_<target> <file>`, or under gcc with
# `build/tests/fuzz/fuzz_replay_<target> <file>`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-60}"
shift || true
build="${FUZZ_BUILD_DIR:-$root/build-libfuzzer}"

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="${CC:-clang}" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTINKER_SANITIZE=ON -DTINKER_FUZZ=ON \
  -DTINKER_BUILD_BINDINGS=OFF -DTINKER_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target fuzzers

seeds="$build/fuzz-seeds"
rm -rf "$seeds"
"$build/tests/fuzz/fuzz_write_corpus" "$seeds"
mkdir -p "$build/fuzz-artifacts"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fwdbwd_output fwdbwd_output_json sample_response fwdbwd_request
                                     fwdbwd_request_json zstd_decompress server_config jwt json_parse)
status=0
for t in "${targets[@]}"; do
  echo "== fuzz_$t: $secs s"
  mkdir -p "$build/fuzz-corpus/$t"
  # Inputs up to 64 KiB (FUZZ_MAX_LEN): 5x the executions of the harnesses' 1 MiB limit. Seeds
  # past it (the shape bombs) are cut there; CTest runs them whole (fuzz_replay_<target>).
  # -timeout is generous: on a loaded shared machine a 50 ms input has been seen to take 14 s.
  log="$build/fuzz-artifacts/$t.log"
  rc=0
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
    "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len="${FUZZ_MAX_LEN:-65536}" \
      -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -dict="$seeds/$t.dict" \
      -artifact_prefix="$build/fuzz-artifacts/$t-" "$build/fuzz-corpus/$t" "$seeds/$t" >"$log" 2>&1 || rc=$?
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)" "$log" || true
  if [ "$rc" != 0 ]; then
    status=1
    echo "fuzz_$t FAILED (exit $rc), log: $log"
    grep -E "FUZZ_CHECK|ERROR: |SUMMARY|Test unit written|runtime error" "$log" | head -20 || true
  fi
done
exit $status
