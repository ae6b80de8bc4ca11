#!/usr/bin/env bash
# Runs a command against a fresh tinker-emulator on a free loopback port.
# Usage: with_emulator.sh EMULATOR_BINARY [emulator flags...] -- COMMAND [ARGS...]
# The command sees TINKER_BASE_URL (the emulator's URL) and TINKER_API_KEY (a test key unless
# already set), and, for get_tokenizer, HF_ENDPOINT (the emulator, which also serves its models'
# tokenizer files as the Hugging Face Hub does) with HF_HOME and HF_HUB_CACHE in the emulator's
# temporary directory and no HF_TOKEN, so nothing reaches the real Hub or the user's cache, and
# the user's Hub token is not sent to the emulator. The emulator is stopped when
# the command ends; the command's exit code is kept.
set -uo pipefail

emulator="$1"; shift
flags=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do flags+=("$1"); shift; done
[ "$#" -gt 0 ] && shift

out=$(mktemp)
datadir=$(mktemp -d)
"$emulator" --port 0 --quiet --data-dir "$datadir" "${flags[@]}" >"$out" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$out" "$datadir"; }
trap cleanup EXIT

url=""
for _ in $(seq 1 200); do
  url=$(sed -n 's/^listening on \(http:\/\/[^ ]*\).*/\1/p' "$out" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "with_emulator: emulator exited:"; cat "$out"; exit 1; }
  sleep 0.05
done
[ -n "$url" ] || { echo "with_emulator: emulator did not start"; cat "$out"; exit 1; }

export TINKER_BASE_URL="$url"
export TINKER_API_KEY="${TINKER_API_KEY:-tml-test-key-0001}"
export HF_ENDPOINT="$url"
export HF_HOME="$datadir/hf-home"
export HF_HUB_CACHE="$datadir/hub-cache"
unset HF_HUB_OFFLINE HF_TOKEN HF_TOKEN_PATH
"$@"
