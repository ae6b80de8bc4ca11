#!/usr/bin/env bash
# `tinker checkpoint download` against a fake service (fake_archive_server.py) that hands out
# hostile and broken archives and redirects: every one refused with exit code 3, nothing written
# outside the destination, no destination (nor the -o directory made for it) left behind, and no
# credential sent to the download.
# Usage: cli_download_test.sh TINKER MAKE_ARCHIVES_PY FAKE_ARCHIVE_SERVER_PY
set -uo pipefail

cli="$1"
make_archives="$2"
fake_server="$3"
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

ar="$work/archives"
mkdir -p "$ar" "$work/dl"
python3 "$make_archives" "$ar" || { echo "FAIL: $make_archives failed"; exit 1; }

python3 "$fake_server" "$ar" "$work/headers.log" >"$work/server.out" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on //p' "$work/server.out")
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "FAIL: the fake server did not start"; cat "$work/server.out"; exit 1; }
export TINKER_BASE_URL="$url"

cd "$work/dl" || exit 1
umask 022

# Nothing but what a test made is in the download directory (no destination, no hidden
# temporary archive or staging directory), and nothing reached where hostile names aim.
only_in_dl() {
  [ "$(find "$work/dl" -mindepth 1 -maxdepth 1 | sort | tr '\n' ' ')" = "$*" ] &&
    [ ! -e "$work/evil" ] && [ ! -e "$work/dl/evil" ] && [ ! -e "$work/b" ] && [ ! -e "$work/dl/b" ] &&
    [ ! -e "$ar/escaped-abs" ] && [ -z "$(ls -A "$ar/escaped-dir")" ]
}

# ---- a good archive, directly and through a same-host redirect --------------------------------

# -o names the directory the checkpoint's own directory, run_weights_<name>, is made in.
run 0 checkpoint download tinker://run/weights/good -o good
out_has "Downloaded tinker://run/weights/good to good/run_weights_good (4 files, "
check "the good archive's files" diff -r "$ar/src" "$work/dl/good/run_weights_good"
check "nothing else in -o's directory" test "$(ls -A "$work/dl/good")" = run_weights_good
run 0 checkpoint download tinker://run/weights/samehost -o same --format json
json_check "assert d['file_count'] == 4 and d['destination'] == 'same/run_weights_samehost', d"
check "a same-host redirect is followed" diff -r "$ar/src" "$work/dl/same/run_weights_samehost"
rm -rf "$work/dl/good" "$work/dl/same"

# ---- refused archives -------------------------------------------------------------------------

# name|what the error names. -o's "out" is made for the download and removed again.
while IFS='|' read -r name says; do
  run 3 checkpoint download "tinker://run/weights/$name" -o out
  err_tinker
  err_has "the checkpoint's archive is refused"
  err_has "$says"
  out_empty
  check "$name: nothing left behind or written outside" only_in_dl ""
done <<'EOF'
dotdot|'../evil': its name has a '..' component
abs|its name is absolute
dotdot_mid|'a/../../b'
symlink|'link': it is a symbolic link
hardlink|'b': it is a hard link
hardlink_out|'pw': it is a hard link
symlink_then_file|'link': it is a symbolic link
fifo|'fifo': it is a FIFO
chardev|'null': it is a character device
duplicate|'same.txt': the archive has an earlier entry
file_then_dir|its directory 'a' is a file
good_then_bad|'zz': it is a symbolic link
truncated|truncated
truncated_inner|truncated
no_end|no end-of-archive block
bad_checksum|wrong checksum
corrupt_gzip|corrupt
not_an_archive|corrupt
EOF

# An existing destination stays as it was when the archive is refused, even with --force.
kept="$work/dl/keep/run_weights_symlink_then_file"
mkdir -p "$kept" && echo mine >"$kept/mine.txt"
run 3 checkpoint download tinker://run/weights/symlink_then_file -o keep --force
check "--force keeps the old directory when the archive is refused" \
  test "$(ls -A "$kept")" = mine.txt -a "$(cat "$kept/mine.txt")" = mine
check "no leftovers beside the kept directory" \
  test "$(ls -A "$work/dl/keep")" = run_weights_symlink_then_file
check "no leftovers beside -o's directory" only_in_dl "$work/dl/keep "
rm -rf "$work/dl/keep"

# ---- the download itself fails ------------------------------------------------------------------

run 3 checkpoint download tinker://run/weights/offsite -o out
err_has "refusing to follow the download's redirect to another host (elsewhere.invalid:80)"
run 3 checkpoint download tinker://run/weights/loop -o out
err_has "redirected more than 5 times"
run 3 checkpoint download tinker://run/weights/missing -o out
err_has "HTTP 404"
# Every directory made for -o goes again, the outermost too.
run 3 checkpoint download tinker://run/weights/truncated -o deep/er/out
err_has "truncated"
check "failed downloads leave nothing behind" only_in_dl ""

# ---- no credential went to the download URL --------------------------------------------------------

python3 - "$work/headers.log" "$secret" <<'EOF' || fail "a credential reached the download URL"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) >= 20, len(lines)
for line in lines:
    request = json.loads(line)
    names = {k.lower() for k in request["headers"]}
    assert not names & {"authorization", "x-api-key", "cookie"}, request
    assert sys.argv[2] not in line, request
EOF
checks=$((checks + 1))

finish
