#!/usr/bin/env bash
# Smoke test for tinker-emulator: starts it on a free port and drives every endpoint, the
# futures protocol (protocol.md §3), each fault action and the admin API with curl.
# Usage: smoke.sh path/to/tinker-emulator
# Prints "N passed, M failed" and exits non-zero on any failure.
set -u

EMU=${1:?usage: smoke.sh path/to/tinker-emulator}
TMP=$(mktemp -d)
PASS=0
FAIL=0
EMU_PID=""
BASE=""
KEY="tml-smoke-secret-key-1"
KEY2="tml-smoke-secret-key-2"

cleanup() {
  if [ -n "$EMU_PID" ] && kill -0 "$EMU_PID" 2>/dev/null; then kill "$EMU_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); }
bad() {
  FAIL=$((FAIL + 1))
  echo "FAIL: $*" >&2
}
# check NAME COMMAND...: passes when COMMAND succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok; else bad "$name"; fi
}
contains() { [[ "$1" == *"$2"* ]]; }
matches() { [[ "$1" =~ $2 ]]; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

start_emulator() {
  "$EMU" --port 0 --quiet "$@" >"$TMP/out" 2>"$TMP/err" &
  EMU_PID=$!
  local i
  for i in $(seq 1 100); do
    if grep -q '^listening on http://' "$TMP/out" 2>/dev/null; then break; fi
    sleep 0.05
  done
  local line
  line=$(head -n1 "$TMP/out")
  if [[ ! "$line" =~ ^listening\ on\ http://127\.0\.0\.1:[0-9]+$ ]]; then
    echo "emulator did not start: '$line'" >&2
    cat "$TMP/err" >&2
    exit 1
  fi
  BASE=${line#listening on }
}

stop_emulator() {
  kill -TERM "$EMU_PID"
  wait "$EMU_PID"
  local rc=$?
  EMU_PID=""
  check "clean exit on SIGTERM (rc=$rc)" test "$rc" -eq 0
}

# req METHOD PATH [BODY] [extra curl args...] -> STATUS, BODY, HDRS, CURL_RC
req() {
  local method=$1 path=$2 body=${3-}
  shift 2
  [ $# -gt 0 ] && shift
  local args=(-s -o "$TMP/body" -D "$TMP/hdrs" -w '%{http_code}' -X "$method" --max-time 30)
  if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$body"); fi
  STATUS=$(curl "${args[@]}" "$@" "$BASE$path")
  CURL_RC=$?
  BODY=$(cat "$TMP/body" 2>/dev/null || true)
  HDRS=$(tr -d '\r' <"$TMP/hdrs" 2>/dev/null | tr 'A-Z' 'a-z' || true)
}
api() { req "$1" "$2" "${3-}" -H "X-API-Key: $KEY" "${@:4}"; }
admin() { req "$@"; }
json_field() {  # json_field NAME: string value of "NAME":"..." in $BODY
  sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$BODY"
}
new_job() {  # new_job JSON -> JOB id
  api POST /_emulator/jobs "$1"
  JOB=$(json_field request_id)
}
poll() {  # poll ID [allow_metadata_only]
  api POST /api/v1/retrieve_future "{\"request_id\":\"$1\",\"allow_metadata_only\":${2:-true}}" \
    -H 'X-Tinker-Request-Iteration: 0' -H 'X-Tinker-Request-Type: Test'
}
fault() { admin POST /_emulator/faults "$1"; }

start_emulator --poll-hold-ms 200 --metadata-threshold-bytes 100000

# --- service endpoints (protocol.md §2.1) ------------------------------------------------
api POST /api/v1/client/config '{"sdk_version":"0.25.0"}'
check "client/config 200" test "$STATUS" = 200
check "client/config is {}" test "$BODY" = '{}'
check "client/config content-type" contains "$HDRS" "content-type: application/json"

api POST /api/v1/client/dynamic_config '{"sdk_version":"0.25.0"}'
check "dynamic_config" test "$BODY" = '{"refresh_interval_sec":300}'
admin POST /_emulator/config '{"dynamic_config_404": true, "client_config": {"fwdbwd_max_chunk_len": 7}}'
check "admin config 200" test "$STATUS" = 200
api POST /api/v1/client/dynamic_config '{}'
check "dynamic_config 404 when switched off" test "$STATUS" = 404
api POST /api/v1/client/config '{}'
check "client/config carries admin fields" test "$BODY" = '{"fwdbwd_max_chunk_len":7}'
admin POST /_emulator/config '{"dynamic_config_404": false, "client_config": {"fwdbwd_max_chunk_len": null}}'
admin GET /_emulator/config
check "admin config GET" contains "$BODY" '"client_config":{},"dynamic_config":{"refresh_interval_sec":300},"dynamic_config_404":false'

api POST /api/v1/auth/token '{}'
JWT=$(json_field jwt)
check "auth/token gives eyJ JWT" matches "$JWT" '^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$'
PAYLOAD=$(cut -d. -f2 <<<"$JWT" | tr '_-' '/+')
while [ $((${#PAYLOAD} % 4)) -ne 0 ]; do PAYLOAD="$PAYLOAD="; done
PAYLOAD=$(base64 -d <<<"$PAYLOAD" 2>/dev/null)
check "JWT has sub/email/exp" bash -c '[[ "$0" == *"\"sub\":"* && "$0" == *"\"email\":"* && "$0" == *"\"exp\":"* ]]' "$PAYLOAD"

req POST /api/v1/create_session '{}'
check "401 without key" test "$STATUS" = 401
check "401 has JSON error body" contains "$BODY" '"error":'
req POST /api/v1/create_session '{}' -H 'X-API-Key: sk-not-a-tinker-key'
check "401 with malformed key" test "$STATUS" = 401

req GET /api/v1/healthz
check "healthz without key" test "$STATUS:$BODY" = '200:{"status":"ok"}'

api GET /api/v1/get_server_capabilities
check "capabilities 200" test "$STATUS" = 200
check "capabilities lists Qwen" contains "$BODY" '{"model_name":"Qwen/Qwen3-8B","max_context_length":32768}'
check "capabilities lists tiny model" contains "$BODY" '"tinker-emulator/tiny-bigram"'

api POST /api/v1/telemetry '{"events":[],"platform":"Linux","sdk_version":"0.25.0","session_id":"x","process_uuid":"y"}'
check "telemetry accepted" test "$BODY" = '{"status":"accepted"}'

api POST /api/v1/create_session '{"tags":["smoke","ci"],"user_metadata":{"run":"1"},"sdk_version":"0.25.0","project_id":"proj-1","type":"create_session"}'
SESSION=$(json_field session_id)
check "create_session" bash -c '[ -n "$0" ] && [[ "$1" == *"\"type\":\"create_session\""* ]]' "$SESSION" "$BODY"
api POST /api/v1/session_heartbeat "{\"session_id\":\"$SESSION\",\"type\":\"session_heartbeat\"}"
check "heartbeat 1" test "$STATUS" = 200
api POST /api/v1/session_heartbeat "{\"session_id\":\"$SESSION\",\"type\":\"session_heartbeat\"}"
check "heartbeat 2" test "$STATUS" = 200
api POST /api/v1/session_heartbeat '{"session_id":"no-such-session","type":"session_heartbeat"}'
check "heartbeat unknown session 404" test "$STATUS" = 404
req POST /api/v1/session_heartbeat "{\"session_id\":\"$SESSION\"}" -H "X-API-Key: $KEY2"
check "heartbeat from another user 404" test "$STATUS" = 404
admin GET /_emulator/sessions
check "sessions shows heartbeats" contains "$BODY" "\"session_id\":\"$SESSION\",\"user\":\"u1\",\"heartbeats\":2,\"last_heartbeat_ms_ago\":"
check "sessions shows tags/project/metadata" contains "$BODY" '"tags":["smoke","ci"],"project_id":"proj-1","user_metadata":{"run":"1"},"sdk_version":"0.25.0"'

# --- routing errors -------------------------------------------------------------------------
api GET /api/v1/no_such_thing
check "unknown path 404 JSON" bash -c '[ "$0" = 404 ] && [[ "$1" == *"\"error\":"* ]]' "$STATUS" "$BODY"
api GET /api/v1/create_session
check "wrong method 405" test "$STATUS" = 405
api POST /api/v1/create_session '{"tags": ['
check "bad JSON 400 with body" bash -c '[ "$0" = 400 ] && [[ "$1" == *"\"error\":"* ]]' "$STATUS" "$BODY"

# --- futures (protocol.md §3) ---------------------------------------------------------------
# A held poll answers as soon as the job finishes, not at the end of the hold.
admin POST /_emulator/config '{"poll_hold_ms": 5000}'
new_job '{"delay_ms": 600, "result": {"model_id": "m-1", "type": "create_model"}}'
check "job submitted" test -n "$JOB"
T0=$(now_ms)
poll "$JOB"
DT=$(($(now_ms) - T0))
check "held poll gets result" test "$BODY" = '{"model_id":"m-1","type":"create_model"}'
check "held poll returned after job delay (${DT} ms)" test "$DT" -ge 400 -a "$DT" -lt 4000
poll "$JOB"
check "result still retrievable" test "$BODY" = '{"model_id":"m-1","type":"create_model"}'

# Jobs sharing an ordering key run one after another: B (no delay) waits for A (600 ms).
# Timed from A's submission: on a loaded machine each curl call alone can take 300 ms.
T0=$(now_ms)
new_job '{"delay_ms": 600, "ordering_key": "model-a", "result": {"n": 1}}'
new_job '{"ordering_key": "model-a", "result": {"n": 2}}'
poll "$JOB"
DT=$(($(now_ms) - T0))
check "ordered job waits for its predecessor (${DT} ms)" test "$BODY" = '{"n":2}' -a "$DT" -ge 400 -a "$DT" -lt 4000

# try_again after the hold expires (hold 200 ms, job 3000 ms: long enough that the job is
# still pending after the next few curl calls even on a loaded machine).
admin POST /_emulator/config '{"poll_hold_ms": 200}'
new_job '{"delay_ms": 3000, "result": {"ok": true}}'
T0=$(now_ms)
poll "$JOB"
DT=$(($(now_ms) - T0))
check "try_again while pending" test "$BODY" = "{\"type\":\"try_again\",\"request_id\":\"$JOB\",\"queue_state\":\"active\"}"
check "try_again after the hold (${DT} ms)" test "$DT" -ge 150 -a "$DT" -lt 1000
admin POST /_emulator/config '{"queue_state": "paused_capacity", "queue_state_reason": "smoke pause"}'
poll "$JOB"
check "paused queue state reported" test "$BODY" = "{\"type\":\"try_again\",\"request_id\":\"$JOB\",\"queue_state\":\"paused_capacity\",\"queue_state_reason\":\"smoke pause\"}"
admin POST /_emulator/config '{"queue_state": "active", "queue_state_reason": null}'
for _ in $(seq 1 40); do
  poll "$JOB"
  contains "$BODY" try_again || break
done
check "job eventually completes" test "$BODY" = '{"ok":true}'

# complete_metadata once, then the full body (threshold 100000 bytes).
new_job '{"result_size_bytes": 250000}'
sleep 0.2
poll "$JOB" true
check "complete_metadata" test "$BODY" = '{"status":"complete_metadata","response_payload_size":250000}'
poll "$JOB" true
is_blob() { [ "${#BODY}" -eq "$1" ] && [[ "$BODY" == '{"blob":"xxx'*'x"}' ]]; }
check "full result after metadata" is_blob 250000
new_job '{"result_size_bytes": 250000}'
sleep 0.2
poll "$JOB" false
check "no metadata when not allowed" is_blob 250000

# Failed job -> error envelope (§3.2 row 4).
new_job '{"delay_ms": 50, "error": "boom", "category": "user"}'
sleep 0.2
poll "$JOB"
check "error job" test "$STATUS:$BODY" = '200:{"error":"boom","category":"user"}'

# Unknown id -> 410 with a JSON body; another user's id -> 404.
poll "00000000-0000-4000-8000-000000000000"
check "unknown id 410" bash -c '[ "$0" = 410 ] && [[ "$1" == *"\"error\":"* ]]' "$STATUS" "$BODY"
new_job '{"result": {"a": 1}}'
req POST /api/v1/retrieve_future "{\"request_id\":\"$JOB\",\"allow_metadata_only\":true}" -H "X-API-Key: $KEY2"
check "other user's id 404" test "$STATUS" = 404
admin POST /_emulator/config '{"result_retention_ms": 0}'
sleep 0.05
poll "$JOB"
check "expired result 410" test "$STATUS" = 410
admin POST /_emulator/config '{"result_retention_ms": 600000}'

# --- faults ---------------------------------------------------------------------------------
fault '{"path": "/api/v1/healthz", "action": "status", "status": 503, "headers": {"retry-after": "1", "x-should-retry": "true"}}'
check "fault registered" matches "$BODY" '^\{"id":[0-9]+\}$'
req GET /api/v1/healthz
check "status fault 503" test "$STATUS" = 503
check "status fault headers" contains "$HDRS" "retry-after: 1"
check "status fault JSON body" contains "$BODY" '"error":'
req GET /api/v1/healthz
check "fault used up" test "$STATUS" = 200

fault '{"path": "/api/v1/healthz", "action": "status", "status": 400, "body": ""}'
req GET /api/v1/healthz
check "empty 400 fault" bash -c '[ "$0" = 400 ] && [ -z "$1" ] && [[ "$2" == *"content-length: 0"* ]]' "$STATUS" "$BODY" "$HDRS"

fault '{"path": "/api/v1/healthz", "action": "status", "status": 429, "count": 2}'
req GET /api/v1/healthz
S1=$STATUS
req GET /api/v1/healthz
S2=$STATUS
req GET /api/v1/healthz
check "count 2 -> 429 429 200" test "$S1 $S2 $STATUS" = "429 429 200"

fault '{"path": "/api/v1/healthz", "action": "status", "status": 402}'
fault '{"path": "/api/v1/healthz", "action": "status", "status": 408}'
req GET /api/v1/healthz
S1=$STATUS
req GET /api/v1/healthz
check "faults in registration order" test "$S1 $STATUS" = "402 408"

fault '{"path": "/api/v1/healthz", "action": "drop"}'
req GET /api/v1/healthz
check "drop: no response (curl rc=$CURL_RC)" test "$CURL_RC" -eq 52

# drop_reply: the handler runs (here: counts the telemetry events), only the answer is lost.
admin GET /_emulator/stats
EVENTS_BEFORE=$(sed -n 's/.*"telemetry_events":\([0-9]*\).*/\1/p' <<<"$BODY")
fault '{"path": "/api/v1/telemetry", "action": "drop_reply"}'
api POST /api/v1/telemetry '{"events":[{"event":"GENERIC_EVENT"},{"event":"GENERIC_EVENT"}]}'
check "drop_reply: no response (curl rc=$CURL_RC)" test "$CURL_RC" -eq 52
admin GET /_emulator/stats
check "drop_reply: the handler ran" contains "$BODY" "\"telemetry_events\":$((EVENTS_BEFORE + 2)),"

# expire: a retrieve_future fault, narrowed by request_type or request_id; the poll finds the
# future gone and answers the genuine 410.
new_job '{"request_type": "Sample", "result": {"x": 1}}'
SAMPLE_JOB=$JOB
new_job '{"result": {"y": 1}}'
fault '{"path": "/api/v1/retrieve_future", "action": "expire", "request_type": "Sample"}'
poll "$JOB"
check "expire narrowed to Sample: another job's poll is untouched" test "$STATUS" = 200
poll "$SAMPLE_JOB"
check "expire: the Sample job's poll answers 410" bash -c '[ "$0" = 410 ] && [[ "$1" == *promise_expired* ]]' "$STATUS" "$BODY"
fault '{"path": "/api/v1/healthz", "action": "expire"}'
check "expire only on retrieve_future" test "$STATUS" = 400
fault '{"path": "/api/v1/healthz", "action": "status", "status": 500, "request_id": "x"}'
check "request_id narrowing only on retrieve_future" test "$STATUS" = 400

fault '{"path": "/api/v1/healthz", "action": "truncate"}'
req GET /api/v1/healthz
check "truncate: partial body (curl rc=$CURL_RC)" test "$CURL_RC" -eq 18

fault '{"path": "/api/v1/healthz", "action": "corrupt"}'
req GET /api/v1/healthz
check "corrupt: 200 with non-JSON" bash -c '[ "$0" = 200 ] && [[ "$1" == *"<corrupted"* ]]' "$STATUS" "$BODY"

fault '{"path": "/api/v1/healthz", "action": "delay", "delay_ms": 500}'
T0=$(now_ms)
req GET /api/v1/healthz
DT=$(($(now_ms) - T0))
check "delay fault (${DT} ms)" test "$STATUS" = 200 -a "$DT" -ge 450

admin POST /_emulator/config '{"poll_hold_ms": 5000}'
new_job '{"delay_ms": 3000, "result": {"ok": 1}}'
fault '{"path": "/api/v1/retrieve_future", "action": "queue_state", "queue_state": "paused_rate_limit", "queue_state_reason": "too many"}'
T0=$(now_ms)
poll "$JOB"
DT=$(($(now_ms) - T0))
check "queue_state fault" test "$BODY" = "{\"type\":\"try_again\",\"request_id\":\"$JOB\",\"queue_state\":\"paused_rate_limit\",\"queue_state_reason\":\"too many\"}"
check "queue_state fault answers at once (${DT} ms)" test "$DT" -lt 2500
admin POST /_emulator/config '{"poll_hold_ms": 200}'

fault '{"path": "/api/v1/healthz", "action": "status", "status": 500}'
admin DELETE /_emulator/faults
req GET /api/v1/healthz
check "DELETE faults clears" test "$STATUS" = 200

fault '{"path": "/api/v1/healthz", "action": "explode"}'
check "bad fault rejected" test "$STATUS" = 400

# --- request log ----------------------------------------------------------------------------
api POST /_emulator/jobs '{"seq_id": 7, "session_id": "sess-x", "result": {}}' -H 'X-Idempotency-Key: idem-1' -H 'X-Stainless-Retry-Count: 2'
admin GET /_emulator/log
LOG=$BODY
check "log never contains the key" bash -c '[[ "$0" != *"smoke-secret"* ]]' "$LOG"
check "log records dropped request" contains "$LOG" '"path":"/api/v1/healthz","status":0,"fault":"drop"'
check "log records dropped reply" contains "$LOG" '"path":"/api/v1/telemetry","status":0,"fault":"drop_reply"'
check "log records expired poll" contains "$LOG" '"status":410,"fault":"expire"'
check "log records fault status" contains "$LOG" '"status":503,"fault":"status"'
check "log records user and key presence" contains "$LOG" '"user":"u1","headers":{"x-api-key":true'
check "log records missing key" contains "$LOG" '"headers":{"x-api-key":false'
check "log records poll headers" contains "$LOG" '"x-tinker-request-iteration":"0","x-tinker-request-type":"Test"'
check "log records retrieve_future request_id" contains "$LOG" "\"request_id\":\"$JOB\""
check "log records seq_id/session_id" contains "$LOG" '"seq_id":7,"request_id":null,"session_id":"sess-x"'
check "log records idempotency/retry headers" contains "$LOG" '"x-idempotency-key":"idem-1","x-stainless-retry-count":"2"'
check "log excludes admin requests" bash -c '[[ "$0" != *"/_emulator/faults"* ]]' "$LOG"
check "log has t_ms and seq" matches "$LOG" '"seq":1,"t_ms":[0-9.]+,'
admin GET '/_emulator/log?path=/api/v1/session_heartbeat'
check "log path filter" bash -c '[[ "$0" == *"session_heartbeat"* && "$0" != *"retrieve_future"* ]]' "$BODY"
admin DELETE /_emulator/log
admin GET /_emulator/log
check "DELETE log clears" test "$BODY" = '{"entries":[]}'

stop_emulator

# --- JWT mode (protocol.md §1.2), --record-inputs ---------------------------------------------
start_emulator --jwt --record-inputs 5
admin GET /_emulator/config
check "--record-inputs seeds record_inputs" contains "$BODY" '"record_inputs":5'
admin POST /_emulator/config '{"record_inputs": -1}'
check "negative record_inputs rejected" test "$STATUS" = 400
admin GET /_emulator/inputs
check "inputs without model_id 400" test "$STATUS" = 400
admin GET '/_emulator/inputs?model_id=nope:train:0'
check "inputs of unknown model 404" test "$STATUS" = 404
api POST /api/v1/client/config '{"sdk_version":"0.25.0"}'
check "jwt mode advertised" test "$BODY" = '{"pjwt_auth_enabled":true}'
api POST /api/v1/create_session '{}'
check "raw key refused in jwt mode" test "$STATUS" = 401
api POST /api/v1/auth/token '{}'
JWT=$(json_field jwt)
req POST /api/v1/create_session '{"tags":[]}' -H "X-API-Key: $JWT"
check "JWT accepted in jwt mode" test "$STATUS" = 200
admin GET /_emulator/sessions
check "JWT maps back to its user" contains "$BODY" '"user":"u1"'
stop_emulator

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
