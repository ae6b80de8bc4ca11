#!/usr/bin/env bash
# The oracle test (CTest tokenizer_oracle): install the reference tokenizers with npm into
# PREFIX (once), write their answers for the corpus with oracle/oracle.js, compare with
# libtinker's (oracle_compare).
#   run_oracle.sh SOURCE_DIR PREFIX COMPARE_PROGRAM
set -euo pipefail
src="$1" prefix="$2" compare="$3"
mkdir -p "$prefix"
# The exact versions of oracle/package.json; a changed package.json installs again.
if ! cmp -s "$src/oracle/package.json" "$prefix/package.json" || [ ! -d "$prefix/node_modules/tokenizers" ]; then
  cp "$src/oracle/package.json" "$prefix/package.json"
  timeout 600 npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error
fi
timeout 600 node "$src/oracle/oracle.js" "$prefix" "$src/corpus" "$prefix/oracle.json"
"$compare" "$prefix/oracle.json"
