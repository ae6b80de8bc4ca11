#!/usr/bin/env bash
# The Java binding as a user meets it after `cmake --install` (test install_java_jar):
#   - share/java holds libtinker-<v>.jar (manifest: Implementation-Title/-Version,
#     Automatic-Module-Name), its -sources and -javadoc jars, libtinker-<v>.pom with the
#     coordinates dev.libtinker:libtinker:<v>, and the libtinker.jar link;
#   - the raw layer (SWIG's classes) is not public API (javap), there is no dev.libtinker.raw;
#   - LIBDIR/jni/libtinker_jni.so has an $ORIGIN RUNPATH, the copy in the jar none (so neither
#     has the build tree's);
#   - tests/install/java/Consumer.java, compiled in a directory outside the source tree against
#     the installed jar, runs with only -cp (no -Djava.library.path, no LD_LIBRARY_PATH) and
#     -Xcheck:jni against the installed tinker-emulator, once loading LIBDIR/jni/libtinker_jni.so
#     and once, with that directory removed, the copy bundled in the jar (whose temporary file
#     must be gone afterwards).
# Usage: check_java.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
fail() { echo "FAIL: $*"; exit 1; }
for tool in java javac javap unzip readelf; do
  command -v "$tool" >/dev/null || fail "$tool not found"
done

cmake --install "$build" --prefix "$prefix" >/dev/null
java_dir="$prefix/share/java"
[ -L "$java_dir/libtinker.jar" ] || fail "share/java/libtinker.jar is not a link"
jar_name=$(readlink "$java_dir/libtinker.jar")
[[ "$jar_name" =~ ^libtinker-([0-9]+\.[0-9]+\.[0-9]+)\.jar$ ]] || fail "libtinker.jar links to $jar_name"
version="${BASH_REMATCH[1]}"
jar="$java_dir/$jar_name"
for f in "$jar" "$java_dir/libtinker-$version-sources.jar" "$java_dir/libtinker-$version-javadoc.jar" \
         "$java_dir/libtinker-$version.pom"; do
  [ -f "$f" ] || fail "$(basename "$f") not installed"
done

# The manifest and the pom.
manifest=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r')
for field in "Implementation-Title: libtinker" "Implementation-Version: $version" "Automatic-Module-Name: dev.libtinker"; do
  grep -qx "$field" <<<"$manifest" || fail "the manifest lacks \"$field\":"$'\n'"$manifest"
done
pom="$java_dir/libtinker-$version.pom"
for element in "<groupId>dev.libtinker</groupId>" "<artifactId>libtinker</artifactId>" "<version>$version</version>"; do
  grep -q "^  $element\$" "$pom" || fail "the pom lacks $element"
done
# (Listings are read whole: grep -q would close the pipe early, failing the pipeline.)
grep -qx "index.html" <<<"$(unzip -Z1 "$java_dir/libtinker-$version-javadoc.jar")" || fail "the javadoc jar has no index.html"
grep -qx "dev/libtinker/ServiceClient.java" <<<"$(unzip -Z1 "$java_dir/libtinker-$version-sources.jar")" \
  || fail "the sources jar has no dev/libtinker/ServiceClient.java"

# The raw layer is package-private: every SWIG class, none public; no raw package at all.
classes=$(unzip -Z1 "$jar" | sed -n 's|^\(dev/libtinker/[^/$]*\)\.class$|\1|p' | tr / .)
raw=$(grep -E '^dev\.libtinker\.(TinkerRaw|TinkerRawJNI|SWIGTYPE_.*|tinker_.*)$' <<<"$classes" || true)
[ "$(wc -l <<<"$raw")" -gt 40 ] || fail "the SWIG classes were not found in the jar: $raw"
public_raw=$(grep -E '^public .*class ' <<<"$(javap -cp "$jar" $raw)" || true)
[ -z "$public_raw" ] || fail "public raw classes:"$'\n'"$public_raw"
grep -q '^public final class dev.libtinker.ServiceClient ' <<<"$(javap -cp "$jar" dev.libtinker.ServiceClient)" \
  || fail "javap does not show ServiceClient as public (the check above would prove nothing)"
entries=$(unzip -Z1 "$jar")
! grep -q '^dev/libtinker/raw/' <<<"$entries" || fail "the jar has a dev/libtinker/raw package"

# RUNPATHs: the installed JNI library's is $ORIGIN-relative, the bundled copy has none.
jni=$(find "$prefix" -path '*/jni/libtinker_jni.so')
[ -n "$jni" ] || fail "LIBDIR/jni/libtinker_jni.so not installed"
runpath=$(readelf -d "$jni" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
[[ "$runpath" == '$ORIGIN/'* ]] || fail "$jni has RUNPATH \"$runpath\", not \$ORIGIN-relative"
platform_so=$(grep '^dev/libtinker/native/[^/]*/libtinker_jni\.so$' <<<"$entries") || fail "no JNI library in the jar"
unzip -p "$jar" "$platform_so" > "$work/bundled.so"
! grep -E -q '\((RUNPATH|RPATH)\)' <<<"$(readelf -d "$work/bundled.so")" || fail "the bundled JNI library has a RUNPATH"

# The consumer: compiled outside the source tree against the installed jar, run with -cp only.
mkdir "$work/consumer" "$work/tmp"
cp "$here/java/Consumer.java" "$work/consumer/"
javac --release 17 -Xlint:all -Werror -cp "$jar" -d "$work/consumer/classes" "$work/consumer/Consumer.java"
run_consumer() { # $1: a name for the run's directory
  (cd "$work/consumer" &&
   env -u LD_LIBRARY_PATH -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JDK_JAVA_OPTIONS \
     bash "$source_dir/tests/with_emulator.sh" "$prefix/bin/tinker-emulator" -- \
     bash "$source_dir/bindings/java/run_junit.sh" "$work/run-$1" -- \
     java -Xcheck:jni -Djava.io.tmpdir="$work/tmp" -cp "$java_dir/libtinker.jar:$work/consumer/classes" Consumer)
}
expect() { # $1: output, $2: a line it must have (a grep -E pattern)
  grep -E -q -x "$2" <<<"$1" || fail "the consumer's output has no line \"$2\":"$'\n'"$1"
}
check_output() { # $1: output, $2: the JNI library line it must show
  expect "$1" "libtinker $version"
  expect "$1" "jni $2"
  expect "$1" "model tinker-emulator/tiny-bigram"
  [ "$(grep -E -c -x "loss [0-9]+\.[0-9]{4}" <<<"$1")" = 3 ] || fail "the consumer did not print three losses:"$'\n'"$1"
  expect "$1" "error REQUEST_FAILED USER [0-9]+"
  expect "$1" "after close loss [0-9]+\.[0-9]{4}"
}

out=$(run_consumer installed) || fail "the consumer failed (installed JNI library):"$'\n'"$out"
check_output "$out" "$(readlink -f "$jni")"
echo "install_java_jar: consumer OK with $(readlink -f "$jni")"

rm -rf "$(dirname "$jni")"
out=$(run_consumer bundled) || fail "the consumer failed (bundled JNI library):"$'\n'"$out"
check_output "$out" "the copy bundled in the jar \(extracted to $work/tmp/libtinker_jni-[0-9]+\.so, deleted once loaded\)"
[ -z "$(ls -A "$work/tmp")" ] || fail "the extracted JNI library was left in java.io.tmpdir: $(ls -A "$work/tmp")"
echo "install_java_jar: consumer OK with the bundled JNI library"
