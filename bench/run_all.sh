#!/usr/bin/env bash
# Runs every benchmark of a build tree and prints its figures (docs/benchmarks.md).
# Usage: bench/run_all.sh BUILD_DIR [--quick]
#   BUILD_DIR  a tree configured from this repository, e.g. with
#              cmake -S . -B BUILD_DIR -DCMAKE_BUILD_TYPE=Release
#              cmake --build BUILD_DIR -j2 --target bench_overhead bench_fanout bench_sl_step bench_large_result bench_sample tinker-emulator
#   --quick    smaller runs (a smoke check of the programs, not figures to quote)
# Takes about 5 minutes. Quote figures only from a quiet machine (each program prints the
# load average).
# Each benchmark starts and stops its own tinker-emulator (BUILD_DIR/emulator/tinker-emulator
# unless $TINKER_EMULATOR is set). Exit status: non-zero if a benchmark failed to run, a
# fan-out future did not complete, an SL step failed, a large result was not received (or a
# too-large answer not refused), or a sample call failed; a missed performance target alone does
# not fail the script.
set -uo pipefail

build=${1:?usage: run_all.sh BUILD_DIR [--quick]}
quick=0
[ "${2:-}" = "--quick" ] && quick=1
bench="$build/bench"
export TINKER_EMULATOR="${TINKER_EMULATOR:-$build/emulator/tinker-emulator}"

if [ ! -x "$TINKER_EMULATOR" ]; then
  echo "run_all: no emulator at $TINKER_EMULATOR (build the tinker-emulator target)" >&2
  exit 2
fi

status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() {
  local name=$1
  shift
  if [ ! -x "$bench/$name" ]; then
    echo "run_all: $bench/$name is not built; skipping" >&2
    status=1
    return
  fi
  echo "=== $name $*"
  "$bench/$name" "$@" | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -ne 0 ] && { echo "run_all: $name exited with $rc" >&2; status=1; }
  echo
}

if [ "$quick" -eq 1 ]; then
  run bench_overhead -n 200 --rounds 2 --warmup 50
  run bench_fanout -n 1000 --delay-ms 1000
  run bench_sl_step -n 5 --rounds 2 --warmup 2
  run bench_large_result --mb 20
  run bench_sample --reps 2 --fanout 32x16 --fanout 256x1 --mem-n 512
else
  run bench_overhead
  # The same comparison against a server that answers 1 ms late: a realistic round trip.
  run bench_overhead --server-delay-ms 1 -n 500 --rounds 4 --warmup 50
  run bench_fanout
  # The same fan-out with a job delay long enough for every poll to reach the server before
  # any job finishes: shows whether 10,000 long-polls can be held at once.
  run bench_fanout --delay-ms 15000 --raw-n 0
  # One pipelined SL step (128x1024, then 8x128) against the sum of its raw round trips, then
  # the same against a server that answers 1 ms late, where overlapping requests pays.
  run bench_sl_step
  run bench_sl_step --server-delay-ms 1 -n 50 --rounds 4
  # Peak memory to receive one ~100 MB forward result (protobuf and JSON; with Content-Length,
  # chunked, close-delimited) and to refuse a 100 MB capabilities answer, against one copy.
  run bench_large_result
  # Sampling on the synthetic sampler: 128 calls x 16 samples and 2,048 single-sample calls fired
  # with sample_async against a raw libcurl multi client of the same protocol; SampleResponse
  # decoding, protobuf vs JSON; memory and threads with 2,048 and 10,000 sample futures in flight.
  run bench_sample
fi

# Benchmarks added later under bench/ follow the same pattern: bench_<name> in $bench.
for extra in "$bench"/*/bench_* "$bench"/bench_*; do
  [ -x "$extra" ] && [ -f "$extra" ] || continue
  case "$(basename "$extra")" in
    bench_overhead | bench_fanout | bench_sl_step | bench_large_result | bench_sample) continue ;;
  esac
  run "${extra#"$bench"/}"
done

echo "=== summary (the RESULT lines above)"
grep '^ *RESULT' "$log" | sed 's/^ *//'
exit "$status"
