#!/usr/bin/env bash
# Runs a JVM test command in a fresh working directory and fails it when the JVM crashed or JNI
# checking complained, even if the exit code says success (a JVM crash can exit 0).
# Usage: run_junit.sh WORKDIR -- JAVA [ARGS...]
# The JVM writes hs_err_pid*.log into WORKDIR (-XX:ErrorFile is added); with -Xcheck:jni it
# prints "WARNING in native method" / "FATAL ERROR in native method" on JNI misuse, and checks
# its signal handlers periodically: "Warning: SIGPIPE handler modified!" (any signal) means
# native code replaced a handler the JVM installed, which libtinker must never do.
set -uo pipefail

work="$1"; shift
[ "${1:-}" = "--" ] && shift
[ "$#" -gt 0 ] || { echo "usage: run_junit.sh WORKDIR -- JAVA [ARGS...]" >&2; exit 2; }

rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
java="$1"; shift
"$java" "-XX:ErrorFile=$work/hs_err_pid%p.log" "$@" > output.log 2>&1
rc=$?
cat output.log

if compgen -G "$work/hs_err_pid*.log" > /dev/null; then
  echo "FAIL: the JVM crashed (exit code $rc):"
  cat "$work"/hs_err_pid*.log
  rc=1
fi
if grep -E -q "(WARNING|FATAL ERROR) in native method" output.log; then
  echo "FAIL: -Xcheck:jni reported JNI misuse (see above)"
  rc=1
fi
if grep -E -i -q "handler (was )?modified" output.log; then
  echo "FAIL: native code changed a signal handler of the JVM (see above)"
  rc=1
fi
exit "$rc"
