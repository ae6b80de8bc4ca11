#!/usr/bin/env bash
# Quick start, command 1: set up, build, start tinker-emulator, run the supervised training
# example against it (examples/train_sl.c), stop the emulator.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" "$root/build"
exec "$root/tests/with_emulator.sh" "$root/build/emulator/tinker-emulator" -- "$root/build/examples/tinker_train_sl"
