# Shared by the CLI's test scripts (sourced, not run): a work directory, the API key the output
# must never show, and the checks. The sourcing script sets $cli (the tinker binary) first and
# ends with `finish`.

# Absolute, so that tests may change directory.
cli=$(realpath -- "$cli")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
checks=0

# A key of our own, so that a leak of it anywhere in the output can be looked for.
export TINKER_API_KEY="tml-cli-test-secret-$$"
secret="$TINKER_API_KEY"

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

show() {
  echo "  --- stdout:"; sed 's/^/  | /' "$work/out"
  echo "  --- stderr:"; sed 's/^/  | /' "$work/err"
}

# run EXPECTED_EXIT ARGS...: runs the CLI with stdin from /dev/null; stdout and stderr are kept
# in $work/out and $work/err for the checks that follow.
run() {
  local want="$1" rc
  shift
  checks=$((checks + 1))
  "$cli" "$@" >"$work/out" 2>"$work/err" </dev/null
  rc=$?
  last="tinker $*"
  if [ "$rc" != "$want" ]; then
    fail "$last: exit code $rc, expected $want"
    show
  fi
  if grep -qF -- "$secret" "$work/out" "$work/err"; then
    fail "$last: the API key appears in the output"
  fi
}

out_has() { grep -qF -- "$1" "$work/out" || { fail "$last: stdout lacks '$1'"; show; }; }
out_lacks() { ! grep -qF -- "$1" "$work/out" || { fail "$last: stdout has '$1'"; show; }; }
err_has() { grep -qF -- "$1" "$work/err" || { fail "$last: stderr lacks '$1'"; show; }; }
out_empty() { [ ! -s "$work/out" ] || { fail "$last: stdout is not empty"; show; }; }
err_empty() { [ ! -s "$work/err" ] || { fail "$last: stderr is not empty"; show; }; }
# Errors are reported as "tinker: <message>".
err_tinker() { head -n1 "$work/err" | grep -q '^tinker: ' || { fail "$last: stderr does not start with 'tinker: '"; show; }; }

# json_check PYTHON: runs PYTHON with `d` = the JSON document on stdout (and os.environ).
json_check() {
  python3 -c "
import json, os, sys
d = json.load(open(sys.argv[1], encoding='utf-8'))
$1
" "$work/out" || { fail "$last: JSON check failed: $1"; show; }
}

# check WHAT COMMAND...: a check of something other than the CLI's own output.
check() {
  local what="$1"
  shift
  checks=$((checks + 1))
  "$@" || fail "$what"
}

finish() {
  echo "$checks checks, $failures failures"
  [ "$failures" -eq 0 ]
}
