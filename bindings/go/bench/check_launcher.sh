#!/usr/bin/env bash
# Smoke test of the bindings-overhead launcher (run under tests/with_emulator.sh): `--quick` must
# succeed and print exactly the three lines of the shared convention (bench/bindings/), each a
# name and a positive number, in order; diagnostics may only go to stderr.
# Usage: check_launcher.sh LAUNCHER
set -euo pipefail
out=$("$1" --quick)
printf '%s\n' "$out"
pattern='^[0-9]+(\.[0-9]+)?$'
names=(crossing_ns blocking_call_us futures_1000_ms)
mapfile -t lines <<<"$out"
[ "${#lines[@]}" -eq 3 ] || { echo "check_launcher: ${#lines[@]} lines on stdout, want 3" >&2; exit 1; }
for i in 0 1 2; do
  read -r name value rest <<<"${lines[$i]}"
  [ "$name" = "${names[$i]}" ] && [ -z "$rest" ] && [[ "$value" =~ $pattern ]] && [ "$value" != 0 ] \
    || { echo "check_launcher: line $((i + 1)) is \"${lines[$i]}\", want \"${names[$i]} <number>\"" >&2; exit 1; }
done
