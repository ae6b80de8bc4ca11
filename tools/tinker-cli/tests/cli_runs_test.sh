#!/usr/bin/env bash
# The `tinker` CLI's run, checkpoint download, session and billing commands against a fresh
# emulator: table and JSON output, exit codes (0 success, 1 user error, 2 usage, 3 server or
# network), a downloaded checkpoint equal to what the emulator stored, and the API key never shown.
# Usage (under tests/with_emulator.sh, which sets TINKER_BASE_URL): cli_runs_test.sh TINKER MAKE_CHECKPOINTS
set -uo pipefail

cli="$1"
make_checkpoints="$2"
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

# ---- help and usage (no server needed) ------------------------------------------------------

for cmd in "run" "run list" "run info" "checkpoint download" "session" "session export-trace" \
           "billing" "billing usage"; do
  for flag in --help -h; do
    # shellcheck disable=SC2086 # the command words are meant to split
    run 0 $cmd $flag
    out_has "Usage: tinker"
    err_empty
  done
done
run 0 --help
for group in checkpoint run session billing; do out_has "  $group "; done
run 0 run --help
for sub in list info; do out_has "  $sub "; done

P=tinker://run/weights/x
for args in "run" "run bogus" "run list extra" "run list --limit" "run list --columns" "run info" \
            "run info a b" "run info --bogus r" "checkpoint download" "checkpoint download $P $P" \
            "checkpoint download $P -o" "checkpoint download $P --force=yes" "session" \
            "session export-trace" "session export-trace a b" "session export-trace s -o" "billing" \
            "billing usage" "billing usage 2026-01-01" "billing usage a b c" "billing usage a b --csv"; do
  # shellcheck disable=SC2086
  run 2 $args
  out_empty
  err_tinker
  err_has "Usage: tinker"
done

# Bad values: exit code 1, nothing asked of the server.
run 1 run list --limit -1
err_has "--limit"
run 1 run list --columns id,bogus
err_has "unknown column 'bogus'"
run 1 run list --columns ""
run 1 checkpoint download not-a-path
err_tinker
run 1 checkpoint download "$P" -o ""
run 1 session export-trace ""

# ---- runs to look at ---------------------------------------------------------------------------

# Two runs: one with metadata and a checkpoint of each kind, one with a single checkpoint.
"$make_checkpoints" meta:team=red "meta:note=two words" weights:alpha sampler_weights:beta >"$work/made1" 2>"$work/made.err" \
  && "$make_checkpoints" weights:gamma >"$work/made2" 2>>"$work/made.err" \
  || { echo "FAIL: make_checkpoints failed:"; cat "$work/made.err"; exit 1; }
mapfile -t made1 <"$work/made1"
mapfile -t made2 <"$work/made2"
run1="${made1[0]}" alpha="${made1[1]}" beta="${made1[2]}" run2="${made2[0]}" gamma="${made2[1]}"
session1="${run1%%:train:*}"
export run1 run2 alpha beta gamma session1

# ---- run list ----------------------------------------------------------------------------------

run 0 run list
out_has "2 training runs"
out_lacks "more not shown"
python3 - "$work/out" <<'EOF' || { fail "$last: table layout"; show; }
import os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines[0] == "2 training runs" and lines[1] == "", lines[:2]
header, rule, rows = lines[2], lines[3], lines[4:]
cols = ["Run ID", "Base Model", "Owner", "LoRA", "Last Update", "Status", "Last Checkpoint"]
starts = [header.index(c) for c in cols]
assert starts == sorted(starts) and "Sampler" not in header, header
assert set(rule.replace(" ", "")) == {"-"}, rule
assert len(rows) == 2, rows
byid = {r.split()[0]: r for r in rows}
assert set(byid) == {os.environ["run1"], os.environ["run2"]}, byid
for run_id, last in ((os.environ["run1"], "weights/alpha"), (os.environ["run2"], "weights/gamma")):
    r = byid[run_id]
    assert r[starts[1]:].split()[0] == "tinker-emulator/tiny-bigram", r
    assert r[starts[3]:starts[4]].strip() == "Rank 1", r
    assert r[starts[4]:starts[5]].strip().endswith(" UTC"), r
    assert r[starts[5]:].split()[0] == "Active", r
    assert r[starts[6]:].strip() == last, r
EOF

run 0 run list --limit 1
out_has "1 training run (1 more not shown, use --limit to see more)"
[ "$(grep -c ':train:' "$work/out")" = 1 ] || { fail "$last: not 1 row"; show; }
run 0 run list --limit=0
out_has "2 training runs"
run 0 run list --columns status,id,sampler_checkpoint
python3 - "$work/out" <<'EOF' || { fail "$last: chosen columns"; show; }
import os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines[2].split("  ")[0] == "Status" and "Run ID" in lines[2] and lines[2].endswith("Last Sampler Checkpoint"), lines[2]
assert "Base Model" not in lines[2], lines[2]
rows = {l.split()[1]: l.split()[2] for l in lines[4:]}
assert rows == {os.environ["run1"]: "sampler_weights/beta", os.environ["run2"]: "-"}, rows
EOF

run 0 --format json run list
json_check "
runs = {r['training_run_id']: r for r in d['training_runs']}
assert d['total_count'] == 2 and set(runs) == {os.environ['run1'], os.environ['run2']}, d
for r in runs.values():
    assert set(r) == {'training_run_id', 'base_model', 'model_owner', 'is_lora', 'corrupted', 'lora_rank',
                      'last_request_time', 'last_checkpoint', 'last_sampler_checkpoint', 'user_metadata'}, r
    assert r['base_model'] == 'tinker-emulator/tiny-bigram' and r['is_lora'] is True and r['lora_rank'] == 1, r
    assert r['corrupted'] is False and r['last_request_time'].endswith('Z'), r
r1, r2 = runs[os.environ['run1']], runs[os.environ['run2']]
assert r1['user_metadata'] == {'note': 'two words', 'team': 'red'} and r2['user_metadata'] == {}, d
assert r1['last_checkpoint']['tinker_path'] == os.environ['alpha'], r1
assert r1['last_sampler_checkpoint']['tinker_path'] == os.environ['beta'], r1
assert r1['last_sampler_checkpoint']['checkpoint_type'] == 'sampler', r1
assert r2['last_checkpoint']['checkpoint_id'] == 'weights/gamma' and r2['last_sampler_checkpoint'] is None, r2
assert set(r2['last_checkpoint']) == {'checkpoint_id', 'checkpoint_type', 'time', 'tinker_path', 'size_bytes', 'public', 'expires_at'}
"
run 0 run list --limit 1 -f json
json_check "assert len(d['training_runs']) == 1 and d['total_count'] == 2, d"

TINKER_API_KEY=tml-cli-test-other run 0 run list
out_has "No training runs found"
TINKER_API_KEY=tml-cli-test-other run 0 run list --format json
json_check "assert d == {'training_runs': [], 'total_count': 0}, d"

# ---- run info ----------------------------------------------------------------------------------

run 0 run info "$run1"
python3 - "$work/out" <<'EOF' || { fail "$last: key/value rows"; show; }
import os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
col = len(lines[0]) - len(lines[0][len("Run ID"):].lstrip())  # where the values start
rows = [(l[:col].rstrip(), l[col:]) for l in lines]
d = dict(rows)
assert d["Run ID"] == os.environ["run1"], rows
assert d["Base Model"] == "tinker-emulator/tiny-bigram" and d["Owner"], rows
assert d["LoRA"] == "Yes (Rank 1)" and d["Status"] == "Active", rows
assert d["Last Update"].endswith(" UTC"), rows
keys = [k for k, _ in rows]
i = keys.index("Last Training Checkpoint")
assert rows[i][1] == "weights/alpha" and rows[i + 2] == ("  - Path", os.environ["alpha"]), rows
j = keys.index("Last Sampler Checkpoint")
assert rows[j][1] == "sampler_weights/beta" and rows[j + 2] == ("  - Path", os.environ["beta"]), rows
m = keys.index("Metadata")
assert rows[m + 1:] == [("  - note", "two words"), ("  - team", "red")], rows
EOF
run 0 run info "$run2"
out_has "Last Sampler Checkpoint   None"
out_lacks "Metadata"
run 0 run info "$run1" --format json
json_check "
assert d['training_run_id'] == os.environ['run1'] and d['user_metadata'] == {'note': 'two words', 'team': 'red'}, d
assert d['last_checkpoint']['tinker_path'] == os.environ['alpha'] and d['last_sampler_checkpoint']['tinker_path'] == os.environ['beta'], d
"
run 1 run info nosuchrun
err_tinker
err_has "not found"
out_empty
TINKER_API_KEY=tml-cli-test-other run 1 run info "$run1"
err_has "not found"

# ---- checkpoint download: what the emulator stored, extracted ---------------------------------

curl_admin() { python3 -c "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())" "$TINKER_BASE_URL$1"; }
curl_admin /_emulator/checkpoints >"$work/stored.json"
# same_as_stored DIR PATH: DIR holds checkpoint.ckpt, byte for byte the file the emulator saved
# for PATH, and metadata.json naming PATH; nothing else; modes 0644 and 0755.
same_as_stored() {
  python3 - "$work/stored.json" "$1" "$2" <<'EOF'
import json, os, stat, sys
stored, d, path = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
rec = [c for c in stored["checkpoints"] if c["tinker_path"] == path][0]
assert sorted(os.listdir(d)) == ["checkpoint.ckpt", "metadata.json"], os.listdir(d)
assert open(os.path.join(d, "checkpoint.ckpt"), "rb").read() == open(rec["file"], "rb").read(), "checkpoint.ckpt differs"
assert json.load(open(os.path.join(d, "metadata.json")))["tinker_path"] == path
for name in os.listdir(d):
    assert stat.S_IMODE(os.stat(os.path.join(d, name)).st_mode) == 0o644, name
assert stat.S_IMODE(os.stat(d).st_mode) == 0o755, oct(os.stat(d).st_mode)
EOF
}
# No hidden leftovers (the temporary archive, the staging directory) in DIR.
no_leftovers() { [ -z "$(find "$1" -maxdepth 1 -name '.*' ! -name . -print -quit)" ]; }

# The emulator builds an archive when it is first asked for and answers 503 until then, which
# the library waits out in 30 s steps: have them built first, so that the test does not wait.
warm_archive() {
  python3 - "$TINKER_BASE_URL" "$1" <<'EOF'
import os, sys, time, urllib.error, urllib.request
base, path = sys.argv[1], sys.argv[2]
run, checkpoint = path[len("tinker://"):].split("/", 1)
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
request = urllib.request.Request("%s/api/v1/training_runs/%s/checkpoints/%s/archive" % (base, run, checkpoint),
                                 headers={"X-API-Key": os.environ["TINKER_API_KEY"]})
for _ in range(300):
    try:
        urllib.request.build_opener(NoRedirect).open(request)
        sys.exit(0)
    except urllib.error.HTTPError as e:
        if e.code == 302:
            sys.exit(0)
        if e.code != 503:
            raise
    time.sleep(0.1)
sys.exit(1)
EOF
}
for p in "$alpha" "$beta" "$gamma"; do check "the emulator builds the archive of $p" warm_archive "$p"; done

mkdir -p "$work/dl"
cd "$work/dl" || exit 1
umask 022
default_dir="${run1}_weights_alpha"
run 0 checkpoint download "$alpha"
out_has "Downloaded $alpha to $default_dir (2 files, "
check "the default directory holds what the emulator stored" same_as_stored "$work/dl/$default_dir" "$alpha"
check "no leftovers after a download" no_leftovers "$work/dl"

# An existing, non-empty destination: refused without --force, replaced with it.
run 1 checkpoint download "$alpha"
err_has "$default_dir already exists and is not empty (use --force to replace it)"
echo stale >"$default_dir/stale.txt"
run 0 checkpoint download "$alpha" --force
check "--force replaced the directory" same_as_stored "$work/dl/$default_dir" "$alpha"
check "no leftovers after --force" no_leftovers "$work/dl"
# -o DIR: the checkpoint's directory is made in DIR. An empty one there is simply used.
name_of() { local p="${1#tinker://}"; echo "${p//\//_}"; }
mkdir -p "$work/dl/out/$(name_of "$beta")"
export want_destination="$work/dl/out/$(name_of "$beta")"
run 0 -f json checkpoint download "$beta" -o "$work/dl/out"
json_check "
assert d['tinker_path'] == os.environ['beta'] and d['destination'] == os.environ['want_destination'], d
assert d['file_count'] == 2 and d['bytes'] > 0 and d['archive_bytes'] > 0, d
assert set(d) == {'tinker_path', 'destination', 'archive_bytes', 'file_count', 'bytes'}, d
"
check "a sampler checkpoint equals what the emulator stored" same_as_stored "$work/dl/out/$(name_of "$beta")" "$beta"
check "no leftovers in -o's directory" no_leftovers "$work/dl/out"
run 0 checkpoint download "$gamma" --output="$work/dl/sub dir/"
check "-o with a space (and a trailing slash)" same_as_stored "$work/dl/sub dir/$(name_of "$gamma")" "$gamma"
out_has "Downloaded $gamma to $work/dl/sub dir/$(name_of "$gamma") (2 files, "

# A missing DIR is made, with its missing parents (0755 under umask 022), and holds only the
# checkpoint's directory.
run 0 checkpoint download "$gamma" -o "$work/dl/new/par ent/dir"
out_has "Downloaded $gamma to $work/dl/new/par ent/dir/$(name_of "$gamma") (2 files, "
check "-o made its parents and extracted into DIR/<run>_<kind>_<name>" \
  same_as_stored "$work/dl/new/par ent/dir/$(name_of "$gamma")" "$gamma"
check "only the checkpoint's directory in the new DIR" \
  test "$(ls -A "$work/dl/new/par ent/dir")" = "$(name_of "$gamma")"
check "the new directories are 0755" \
  test "$(stat -c %a "$work/dl/new" "$work/dl/new/par ent" "$work/dl/new/par ent/dir" | sort -u)" = 755

# A DIR that cannot be a directory: exit code 1, before the service is asked.
echo file >"$work/dl/a-file"
run 1 checkpoint download "$alpha" -o "$work/dl/a-file"
err_tinker
err_has "$work/dl/a-file exists and is not a directory"
run 1 checkpoint download "$alpha" -o "$work/dl/a-file/sub"
err_has "Not a directory"
check "the file -o named is untouched" test "$(cat "$work/dl/a-file")" = file
# The checkpoint's directory itself a file: not replaced, even with --force.
mkdir "$work/dl/f" && echo file >"$work/dl/f/$(name_of "$alpha")"
run 1 checkpoint download "$alpha" -o "$work/dl/f" --force
err_has "is not a directory"
check "the file in -o's directory is untouched" test "$(cat "$work/dl/f/$(name_of "$alpha")")" = file
run 1 checkpoint download "tinker://$run1/weights/missing" -o "$work/dl/missing"
err_has "not found"
check "nothing made for a missing checkpoint" test ! -e "$work/dl/missing"
TINKER_API_KEY=tml-cli-test-other run 1 checkpoint download "$alpha" -o "$work/dl/other"
check "nothing made for another user's checkpoint" test ! -e "$work/dl/other"
check "no leftovers after the failures" no_leftovers "$work/dl"
check "no leftovers in -o's directory after the failures" no_leftovers "$work/dl/f"
cd "$work" || exit 1

# ---- session export-trace (each export waits for the library's 5 s poll) ----------------------

run 0 session export-trace "$session1"
python3 - "$work/out" <<'EOF' || { fail "$last: the URL"; show; }
import os, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1 and lines[0].startswith(os.environ["TINKER_BASE_URL"] + "/_emulator/downloads/"), lines
EOF
run 0 session export-trace "$session1" -o "$work/trace.json" --format json
json_check "
assert d['session_id'] == os.environ['session1'] and d['path'].endswith('/trace.json'), d
assert d['bytes'] == os.path.getsize(d['path']) and d['url'].startswith('http'), d
t = json.load(open(d['path']))
assert t['session_id'] == os.environ['session1'] and any(e['path'] == '/api/v1/create_session' for e in t['entries']), t
"
check "no leftovers beside the trace" no_leftovers "$work"
run 0 session export-trace "$session1" -o -
json_check "assert d['session_id'] == os.environ['session1'], d"
run 1 session export-trace nosuchsession
err_has "not found"
out_empty

# ---- billing usage ------------------------------------------------------------------------------

# A window of whole hours around now (the service refuses the future past the current hour).
read -r start end < <(python3 -c "
import datetime
h = datetime.datetime.now(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)
f = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')
print(f(h - datetime.timedelta(hours=1)), f(h + datetime.timedelta(hours=1)))")
export start end
run 0 billing usage "$start" "$end"
out_has "usage events from $start to $end"
python3 - "$work/out" <<'EOF' || { fail "$last: table"; show; }
import os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
header = lines[2]
cols = ["Bucket Start", "Type", "Base Model", "Session", "Amount", "Cached"]
starts = [header.index(c) for c in cols]
assert starts == sorted(starts), header
rows = lines[4:lines.index("", 4)] if "" in lines[4:] else lines[4:]
types = {r[starts[1]:starts[2]].strip() for r in rows}
assert "checkpoint" in types, rows
saves = [r for r in rows if r[starts[1]:starts[2]].strip() == "checkpoint"]
assert all(r[starts[4]:starts[5]].strip().endswith(("checkpoint", "checkpoints")) for r in saves), saves
sessions = lines[lines.index("", 4) + 1:]
assert sessions[0].startswith("Session ") and sessions[0].endswith("Metadata"), sessions
assert any(l.startswith(os.environ["session1"]) for l in sessions[2:]), sessions
EOF
run 0 billing usage "$start" "$end" -f json
json_check "
assert d['starting_on'] == os.environ['start'] and d['ending_before'] == os.environ['end'], d
saves = sum(e['checkpoint_count'] for e in d['events'] if e['event_type'] == 'checkpoint')
assert saves == 3, d  # alpha, beta, gamma
for e in d['events']:
    assert e['event_type'] in ('training', 'sampling_prefill', 'sampling_sample', 'checkpoint', 'storage'), e
    assert e['bucket_start'].endswith(':00:00Z') and e['bucket_end'] > e['bucket_start'], e
    assert (e['checkpoint_count'] is None) == (e['event_type'] != 'checkpoint'), e
    assert (e['gigabyte_hours'] is None) == (e['event_type'] != 'storage'), e
sessions = {s['session_id']: s['user_metadata'] for s in d['sessions']}
assert os.environ['session1'] in sessions, d
"
cp "$work/out" "$work/usage.json"
run 0 billing usage "$start" "$end" --csv "$work/usage.csv"
out_has "usage events to $work/usage.csv"
python3 - "$work/usage.csv" "$work/usage.json" <<'EOF' || { fail "$last: CSV"; show; }
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["bucket_start", "bucket_end", "event_type", "base_model", "session_id", "project_id", "user_id",
                   "user_name", "token_count", "cached", "checkpoint_count", "gigabyte_hours"], rows[0]
events = json.load(open(sys.argv[2]))["events"]
assert len(rows) == 1 + len(events), (rows, events)
# Storage keeps growing between the calls; everything else is the same.
got = sorted((r[0], r[2], r[4], r[10]) for r in rows[1:])
want = sorted((e["bucket_start"], e["event_type"], e["session_id"] or "",
               "" if e["checkpoint_count"] is None else str(e["checkpoint_count"])) for e in events)
assert got == want, (got, want)
EOF
run 0 billing usage "$start" "$end" --csv -
python3 -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0][0] == 'bucket_start' and len(rows) > 1, rows
" "$work/out" || { fail "$last: CSV on stdout"; show; }
# Days stand for their midnight; a long-past window is simply empty.
run 0 billing usage 2020-01-01 2020-01-02
out_has "No usage events from 2020-01-01T00:00:00Z to 2020-01-02T00:00:00Z"
run 0 -f json billing usage 2020-01-01 2020-01-02
json_check "assert d['events'] == [] and d['sessions'] == [], d"
# Refused by the service (not a whole hour; more than 14 days) or by the library (not a time).
run 1 billing usage 2020-01-01T00:30:00Z 2020-01-01T02:00:00Z
err_has "whole hour"
run 1 billing usage 2020-01-01 2020-02-01
err_tinker
run 1 billing usage yesterday today
err_tinker
run 1 billing usage "$start" "$end" --csv "$work/no/such/dir/u.csv"
err_has "cannot write"

# ---- the server or the network fails ----------------------------------------------------------

for args in "run list" "run info r" "checkpoint download $P -o $work/never" "session export-trace s" \
            "billing usage 2020-01-01 2020-01-02"; do
  # shellcheck disable=SC2086
  TINKER_BASE_URL=http://127.0.0.1:9 run 3 --timeout 1 $args
  err_tinker
  out_empty
done
check "nothing made when the service is unreachable" test ! -e "$work/never"

finish
