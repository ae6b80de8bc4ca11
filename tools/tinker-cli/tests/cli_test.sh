#!/usr/bin/env bash
# The `tinker` CLI against a fresh emulator: every command's output (table and JSON), its exit
# codes (0 success, 1 user error, 2 usage, 3 server/network), and that the API key never shows.
# Usage (under tests/with_emulator.sh, which sets TINKER_BASE_URL): cli_test.sh TINKER MAKE_CHECKPOINTS
set -uo pipefail

cli="$1"
make_checkpoints="$2"
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

# ---- help and usage (no server needed) ------------------------------------------------------

for cmd in "" "checkpoint" "checkpoint list" "checkpoint info" "checkpoint publish" \
           "checkpoint unpublish" "checkpoint set-ttl" "checkpoint delete" "version"; do
  for flag in --help -h; do
    # shellcheck disable=SC2086 # the command words are meant to split
    run 0 $cmd $flag
    out_has "Usage: tinker"
    err_empty
  done
done
run 0 --help
out_has "Exit codes:"
for line in "  0  success" "  1  user error" "  2  usage error" "  3  server or network error"; do out_has "$line"; done
run 0 checkpoint --help
for sub in list info download publish unpublish set-ttl delete; do out_has "  $sub "; done
# help wins over the rest of the line
run 0 checkpoint list --bogus --help

W=tinker://run/weights/x
for args in "" "bogus" "--bogus" "checkpoint" "checkpoint bogus" "checkpoint --bogus list" \
            "checkpoint list --bogus" "checkpoint list extra" "checkpoint list --limit" \
            "checkpoint info" "checkpoint info $W $W" "checkpoint publish" "checkpoint unpublish $W $W" \
            "checkpoint set-ttl $W" "checkpoint set-ttl $W --ttl 5 --remove" "checkpoint set-ttl --ttl 5" \
            "checkpoint set-ttl $W --remove=yes" "checkpoint delete" "checkpoint delete $W --run-id r" \
            "checkpoint delete --type weights $W" "--format xml version" "checkpoint list --format" \
            "version extra"; do
  # shellcheck disable=SC2086
  run 2 $args
  out_empty
  err_tinker
  err_has "Usage: tinker"
done

run 0 version
out_has "tinker (libtinker) "
version=$(sed -n 's/^tinker (libtinker) //p' "$work/out")
run 0 --version
out_has "tinker (libtinker) $version"
run 0 --format json version
json_check "assert d == {'version': '$version'}, d"
run 0 version --format=json
json_check "assert d['version'] == '$version'"

# ---- checkpoints to manage --------------------------------------------------------------------

# A name with a quote, a backslash and a non-ASCII letter checks JSON escaping and alignment.
odd_name='odd"q\é'
if ! "$make_checkpoints" weights:alpha weights:beta sampler_weights:gamma "sampler_weights:$odd_name" >"$work/made" 2>"$work/made.err"; then
  echo "FAIL: make_checkpoints failed:"; cat "$work/made.err"
  exit 1
fi
mapfile -t made <"$work/made"
run_id="${made[0]}"
alpha="${made[1]}"
beta="${made[2]}"
gamma="${made[3]}"
odd="${made[4]}"
export run_id alpha beta gamma odd
[ "$alpha" = "tinker://$run_id/weights/alpha" ] || fail "unexpected path $alpha"
[ "$odd" = "tinker://$run_id/sampler_weights/$odd_name" ] || fail "unexpected path $odd"

# ---- list -------------------------------------------------------------------------------------

run 0 checkpoint list
out_has "4 checkpoints"
out_lacks "more not shown"
for p in "$alpha" "$beta" "$gamma" "$odd"; do out_has "$p"; done
out_has "Never"
# The header names the columns, and every column starts where its header does.
python3 - "$work/out" <<'EOF' || { fail "$last: table layout"; show; }
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines[0] == "4 checkpoints" and lines[1] == "", lines[:2]
header, rule, rows = lines[2], lines[3], lines[4:]
cols = ["Checkpoint ID", "Type", "Size", "Public", "Created", "Expires", "Path"]
starts = [header.index(c) for c in cols]
assert starts == sorted(starts), header
assert set(rule.replace(" ", "")) == {"-"}, rule
assert len(rows) == 4, rows
for row in rows:
    assert row[starts[-1]:].startswith("tinker://"), row
    assert row[starts[3]:].split()[0] == "No", row
    assert row[starts[5]:].split()[0] == "Never", row
    size = row[starts[2]:starts[3]].strip()
    assert size.endswith(" KB") or size.endswith(" B"), size
    assert row[starts[1]:].split()[0] in ("training", "sampler"), row
    assert row.split("/")[0] in ("weights", "sampler_weights"), row
EOF

run 0 checkpoint list --limit 2
out_has "2 checkpoints (2 more not shown, use --limit to see more)"
[ "$(grep -c 'tinker://' "$work/out")" = 2 ] || { fail "$last: not 2 rows"; show; }
run 0 checkpoint list --limit 1
out_has "1 checkpoint (3 more not shown, use --limit to see more)"
run 0 checkpoint list --limit=0
out_has "4 checkpoints"
out_lacks "more not shown"
run 1 checkpoint list --limit -1
err_tinker
run 1 checkpoint list --limit x
err_has "--limit"

run 0 --format json checkpoint list
json_check "
cps = d['checkpoints']
assert d['total_count'] == 4, d
assert len(cps) == 4
assert {c['tinker_path'] for c in cps} == {os.environ[k] for k in ('alpha', 'beta', 'gamma', 'odd')}
for c in cps:
    assert set(c) == {'checkpoint_id', 'checkpoint_type', 'time', 'tinker_path', 'size_bytes', 'public', 'expires_at'}, c
    assert c['public'] is False and c['expires_at'] is None, c
    assert isinstance(c['size_bytes'], int) and c['size_bytes'] > 0, c
    assert c['tinker_path'] == 'tinker://' + os.environ['run_id'] + '/' + c['checkpoint_id'], c
    assert c['checkpoint_type'] == ('training' if c['checkpoint_id'].startswith('weights/') else 'sampler'), c
    assert c['time'].endswith('Z'), c
assert 'sampler_weights/odd\"q\\\\\u00e9' in {c['checkpoint_id'] for c in cps}
"
run 0 checkpoint list --limit 3 -f json
json_check "assert len(d['checkpoints']) == 3 and d['total_count'] == 4, d"

run 0 checkpoint list --run-id "$run_id"
out_has "4 checkpoints for run $run_id"
run 0 checkpoint list --run-id "$run_id" --format json
json_check "
assert d['run_id'] == os.environ['run_id']
assert sorted(c['tinker_path'] for c in d['checkpoints']) == sorted(os.environ[k] for k in ('alpha', 'beta', 'gamma', 'odd'))
"
run 1 checkpoint list --run-id nosuchrun
err_tinker
err_has "not found"

# ---- info -------------------------------------------------------------------------------------

run 0 checkpoint info "$alpha"
python3 - "$work/out" <<'EOF' || { fail "$last: key/value rows"; show; }
import os, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    key, _, value = line.partition("  ")
    rows[key] = value.strip()
assert rows["Checkpoint ID"] == "weights/alpha", rows
assert rows["Type"] == "training", rows
assert rows["Tinker Path"] == os.environ["alpha"], rows
assert rows["Training Run ID"] == os.environ["run_id"], rows
assert rows["Public"] == "No" and rows["Expires"] == "Never", rows
assert rows["Created"].endswith(" UTC"), rows
assert rows["Size"].endswith("B"), rows
EOF
run 0 checkpoint info "$odd" --format json
json_check "assert d['tinker_path'] == os.environ['odd'] and d['checkpoint_type'] == 'sampler', d"
run 1 checkpoint info "tinker://$run_id/weights/missing"
err_tinker
err_has "not found"
out_empty
for bad in "not-a-path" "tinker://only/two" "tinker://$run_id/bogus_kind/x" "tinker://$run_id/weights/"; do
  run 1 checkpoint info "$bad"
  err_tinker
  out_empty
done
run 1 checkpoint info tinker://nosuchrun/weights/x
err_has "not found"

# ---- publish, unpublish -------------------------------------------------------------------------

run 0 checkpoint publish "$alpha"
out_has "Published $alpha"
run 0 checkpoint list --format json
json_check "assert {c['tinker_path'] for c in d['checkpoints'] if c['public']} == {os.environ['alpha']}, d"
run 0 checkpoint info "$alpha"
out_has "Yes"
run 1 checkpoint publish "$alpha"
err_tinker
err_has "already public"
run 0 checkpoint unpublish "$alpha" --format json
json_check "assert d == {'tinker_path': os.environ['alpha'], 'public': False}, d"
run 1 checkpoint unpublish "$alpha"
err_has "already private"
run 0 -f json checkpoint publish "$odd"
json_check "assert d == {'tinker_path': os.environ['odd'], 'public': True}, d"
run 0 checkpoint unpublish "$odd"
run 1 checkpoint publish "tinker://$run_id/weights/missing"
err_has "not found"
run 1 checkpoint publish not-a-path
err_tinker

# ---- set-ttl ------------------------------------------------------------------------------------

run 0 checkpoint set-ttl "$alpha" --ttl 3600
out_has "Set the TTL of $alpha to 3600 seconds"
run 0 checkpoint list --format json
json_check "
import datetime
byp = {c['tinker_path']: c for c in d['checkpoints']}
exp = byp[os.environ['alpha']]['expires_at']
assert exp, byp
left = datetime.datetime.fromisoformat(exp.replace('Z', '+00:00')) - datetime.datetime.now(datetime.timezone.utc)
assert 3000 < left.total_seconds() <= 3600, left
assert all(c['expires_at'] is None for p, c in byp.items() if p != os.environ['alpha'])
"
run 0 checkpoint list
python3 - "$work/out" <<'EOF' || { fail "$last: the expiry in the table"; show; }
import os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
header = lines[2]
at = header.index("Expires")
row = [l for l in lines if l.endswith(os.environ["alpha"])][0]
assert row[at:].startswith("20") and " UTC" in row[at:], row
EOF
run 0 checkpoint info "$alpha"
out_lacks "Never"
run 0 checkpoint set-ttl "$alpha" --remove --format json
json_check "assert d == {'tinker_path': os.environ['alpha'], 'ttl_seconds': None}, d"
run 0 checkpoint info "$alpha" -f json
json_check "assert d['expires_at'] is None, d"
run 0 -f json checkpoint set-ttl "$alpha" --ttl=120
json_check "assert d == {'tinker_path': os.environ['alpha'], 'ttl_seconds': 120}, d"
run 0 checkpoint set-ttl "$alpha" --remove
out_has "Removed the TTL of $alpha"
for ttl in 0 -5 abc 1.5 ""; do
  run 1 checkpoint set-ttl "$alpha" --ttl "$ttl"
  err_has "--ttl must be a positive integer"
done
run 1 checkpoint set-ttl not-a-path --ttl 5
err_tinker
run 1 checkpoint set-ttl "tinker://$run_id/weights/missing" --ttl 5
err_has "not found"

# ---- another user sees none of it -----------------------------------------------------------

TINKER_API_KEY=tml-cli-test-other run 0 checkpoint list
out_has "No checkpoints found"
TINKER_API_KEY=tml-cli-test-other run 0 checkpoint list --format json
json_check "assert d['checkpoints'] == [] and d['total_count'] == 0, d"
TINKER_API_KEY=tml-cli-test-other run 1 checkpoint info "$alpha"
TINKER_API_KEY=tml-cli-test-other run 1 checkpoint delete "$alpha" --yes
run 0 checkpoint info "$alpha"

# ---- delete -------------------------------------------------------------------------------------

# Without --yes and without a terminal: refused, nothing deleted.
run 1 checkpoint delete "$beta"
err_has "not a terminal"
run 1 checkpoint delete --run-id "$run_id"
err_has "not a terminal"
run 0 checkpoint info "$beta"

# On a terminal: asks; "n" keeps it, "y" deletes it.
confirm() {
  python3 - "$cli" "$1" "$2" <<'EOF'
import os, subprocess, sys
cli, answer, path = sys.argv[1], sys.argv[2], sys.argv[3]
master, slave = os.openpty()
p = subprocess.Popen([cli, "checkpoint", "delete", path], stdin=slave,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
os.close(slave)
os.write(master, answer.encode() + b"\n")
out, err = p.communicate(timeout=60)
os.close(master)
sys.stdout.write(out.decode())
sys.stderr.write(err.decode())
sys.exit(p.returncode)
EOF
}
last="delete on a terminal, answer n"
confirm n "$beta" >"$work/out" 2>"$work/err" || { fail "$last: exit code $?"; show; }
err_has "Will delete 1 checkpoint:"
err_has "  - $beta"
err_has "[y/N]"
err_has "Deletion cancelled."
run 0 checkpoint info "$beta"
last="delete on a terminal, answer y"
confirm y "$beta" >"$work/out" 2>"$work/err" || { fail "$last: exit code $?"; show; }
out_has "Deleted 1 checkpoint"
run 1 checkpoint info "$beta"
err_has "not found"

run 1 checkpoint delete "$beta" -y
err_tinker
err_has "not found"
out_has "Deleted 0 checkpoints"
run 1 checkpoint delete "$beta" --yes --format json
json_check "
assert d['deleted_count'] == 0, d
assert [f['tinker_path'] for f in d['failed']] == [os.environ['beta']], d
assert 'not found' in d['failed'][0]['error'], d
"
# A malformed path stops everything before anything is deleted.
run 1 checkpoint delete "$alpha" not-a-path -y
err_tinker
run 0 checkpoint info "$alpha"

run 1 checkpoint delete --run-id "$run_id" --type bogus -y
err_has "--type"
run 0 checkpoint delete --run-id "$run_id" --type sampler_weights -y
out_has "Deleted 2 checkpoints"
run 0 checkpoint list --run-id "$run_id" -f json
json_check "assert [c['tinker_path'] for c in d['checkpoints']] == [os.environ['alpha']], d"
run 0 checkpoint delete --run-id "$run_id" --type sampler_weights -y
out_has "No checkpoints found for run $run_id"

"$make_checkpoints" weights:delta >/dev/null 2>"$work/made.err" || { fail "make_checkpoints: $(cat "$work/made.err")"; }
run 0 checkpoint list --format json
json_check "assert len(d['checkpoints']) == 2, d"
# Several paths at once, one of them twice.
run 0 checkpoint delete "$alpha" "$alpha" -y --format json
json_check "assert d == {'deleted_count': 1, 'failed': []}, d"
run 0 checkpoint list --format json
json_check "assert len(d['checkpoints']) == 1 and d['checkpoints'][0]['checkpoint_id'] == 'weights/delta', d"
delta_run=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['checkpoints'][0]['tinker_path'].split('/')[2])" "$work/out")
run 0 checkpoint delete --run-id "$delta_run" --type weights --yes -f json
json_check "assert d == {'deleted_count': 1, 'failed': []}, d"
run 0 checkpoint list
out_has "No checkpoints found"

# ---- credentials ----------------------------------------------------------------------------

TINKER_API_KEY='' run 1 checkpoint list
err_tinker
bad_key="not-a-key-$$-secret"
TINKER_API_KEY="$bad_key" run 1 checkpoint list
err_tinker
if grep -qF -- "$bad_key" "$work/out" "$work/err"; then fail "$last: the bad key appears in the output"; fi

# ---- the server or the network fails ----------------------------------------------------------

# Exit code 3 comes from the library's own failures as it reports them. An unreachable server
# is retried for minutes by default; --timeout bounds it.
for args in "checkpoint list" "checkpoint list --run-id r" "checkpoint info $W" "checkpoint publish $W" \
            "checkpoint unpublish $W" "checkpoint set-ttl $W --ttl 5"; do
  # shellcheck disable=SC2086
  TINKER_BASE_URL=http://127.0.0.1:9 run 3 --timeout 1 $args
  err_tinker
  out_empty
done
# delete still prints its summary: it tries every checkpoint and says how many went.
TINKER_BASE_URL=http://127.0.0.1:9 run 3 --timeout 1 checkpoint delete "$W" -y
err_tinker
out_has "Deleted 0 checkpoints"
TINKER_BASE_URL=http://127.0.0.1:9 run 3 checkpoint list --timeout=1 -f json
out_empty

# A server failure: an answer that is not JSON, then persistent 5xx.
fault() {
  python3 - "$TINKER_BASE_URL" "$1" <<'EOF'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/_emulator/faults", data=sys.argv[2].encode(), method="POST",
                             headers={"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
EOF
}
fault '{"path": "/api/v1/checkpoints", "action": "corrupt", "count": 1}'
run 3 checkpoint list
err_tinker
fault '{"path": "/api/v1/checkpoints", "action": "status", "status": 503, "count": -1}'
run 3 checkpoint list --timeout 2
err_tinker
fault '{"path": "/api/v1/training_runs/r/checkpoints", "action": "status", "status": 403, "count": 1}'
run 1 checkpoint list --run-id r
err_tinker

finish
