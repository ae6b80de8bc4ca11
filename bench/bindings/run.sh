#!/usr/bin/env bash
# The bindings' overhead against C, in one run against one tinker-emulator:
#   crossing_ns       one call of the cheapest library function (the version number)
#   blocking_call_us  one blocking get_server_capabilities round trip
#   futures_1000_ms   1,000 get_server_capabilities_async started at once, then all waited for
# Each language's launcher (BUILD_DIR/bench/bindings/overhead_<lang>, made by its CMake file)
# prints those three lines; this script prints them side by side with the ratio to C.
# Usage: bench/bindings/run.sh BUILD_DIR [--quick]
set -uo pipefail
build=${1:?usage: run.sh BUILD_DIR [--quick]}
shift
root="$(cd "$(dirname "$0")/../.." && pwd)"
launchers="$build/bench/bindings"
[ -x "$launchers/overhead_c" ] || { echo "run.sh: $launchers/overhead_c is not built" >&2; exit 2; }

measure() {
  local out status=0
  out=$(mktemp)
  for lang in c go ruby java; do
    if [ -x "$launchers/overhead_$lang" ]; then
      "$launchers/overhead_$lang" "$@" | sed "s/^/$lang /" >>"$out" || { echo "run.sh: $lang failed" >&2; status=1; }
    else
      echo "run.sh: no $lang launcher (binding not built); skipped" >&2
    fi
  done
  awk '
    { v[$1 " " $2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } langs[$1] = 1 }
    END {
      printf "%-18s %12s %18s %18s %18s\n", "metric", "c", "go (x c)", "ruby (x c)", "java (x c)"
      for (i = 1; i <= n; i++) {
        m = order[i]; c = v["c " m]
        printf "%-18s %12s", m, c
        split("go ruby java", ls, " ")
        for (j = 1; j <= 3; j++) {
          x = v[ls[j] " " m]
          if (x == "") printf " %18s", "-"
          else if (c > 0) printf " %9s (%5.2fx)", x, x / c
          else printf " %18s", x
        }
        printf "\n"
      }
    }' "$out"
  rm -f "$out"
  return $status
}

export -f measure
export launchers
bash "$root/tests/with_emulator.sh" "$build/emulator/tinker-emulator" -- bash -c 'measure "$@"' measure "$@"
