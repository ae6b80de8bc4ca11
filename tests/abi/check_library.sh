#!/usr/bin/env bash
# ABI checks on the built shared library.
#   check_library.sh symbols LIBRARY LIST   every exported symbol starts with tinker_ and the set
#                                           equals LIST (tests/abi/exported_symbols.txt)
#   check_library.sh soname LIBRARY SONAME  the ELF SONAME is exactly SONAME
set -uo pipefail

mode="${1:-}"; lib="${2:-}"; arg="${3:-}"
[ -n "$mode" ] && [ -f "$lib" ] && [ -n "$arg" ] || {
  echo "usage: check_library.sh symbols LIBRARY LIST | soname LIBRARY SONAME" >&2; exit 2; }

here="$(cd "$(dirname "$0")" && pwd)"

case "$mode" in
symbols)
  actual="$(mktemp)"; trap 'rm -f "$actual"' EXIT
  "$here/list_exports.sh" "$lib" > "$actual" || exit 1
  status=0
  stray="$(grep -v '^tinker_' "$actual")"
  if [ -n "$stray" ]; then
    echo "FAIL: exported symbols without the tinker_ prefix (check the version script and visibility):"
    echo "$stray" | sed 's/^/  /'
    status=1
  fi
  if ! diff -u --label "expected ($arg)" --label "exported by $lib" "$arg" "$actual"; then
    echo "FAIL: the exported symbol set differs from $arg (lines: - only in the list, + only in the library)."
    echo "If the change is intended, regenerate the list and commit it with the change:"
    echo "  tests/abi/update_symbols.sh $lib"
    status=1
  fi
  [ "$status" -eq 0 ] && echo "OK: $(wc -l < "$actual") exported symbols, all tinker_*, equal to $(basename "$arg")"
  exit "$status"
  ;;
soname)
  soname="$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')"
  if [ "$soname" != "$arg" ]; then
    echo "FAIL: SONAME of $lib is '${soname:-<none>}', expected '$arg'"
    exit 1
  fi
  echo "OK: SONAME $soname"
  ;;
*)
  echo "unknown mode: $mode" >&2; exit 2 ;;
esac
