#!/usr/bin/env python3
"""Smoke test for tinker-emulator's store (docs/emulator.md "The store") and the training-run
endpoints (GET training_runs/{id}, GET training_runs).

Usage: store_smoke.py path/to/tinker-emulator

1. With a --data-dir: two users make sessions, a run, checkpoints (one published, one with a
   TTL), a sampler; the answers of every read are kept; the emulator stops and a second one
   starts on the same directory: every read answers the same (runs, checkpoint listings,
   get_session, list_sessions, weights_info, the audit log, the usage), the same API keys are
   the same users, a saved checkpoint still loads (create-from-state gives the trained model's
   outputs bit for bit) and samples, a pre-restart sampler samples again; the old run's live
   model is gone (404 naming the restart) and its id stays taken. A second emulator on a data
   directory in use is refused.
2. Without --data-dir the emulator starts empty.
3. Training runs as two users: fields, newest checkpoints, last_request_time moving, owned vs
   accessible (another user's run is a 404 until it has a published checkpoint, and then only
   the published checkpoints show), paging, the project filter and every 400.
4. TTL expiry removes a checkpoint from listings, loading, weights_info and archives.

Python standard library only; the harness is training_smoke.py's. Prints "N passed, M failed";
exits 1 on any failure.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training_smoke as ts  # noqa: E402  (the shared harness)
import sampling_smoke as ss  # noqa: E402  (sample requests)
import rest_smoke as rs  # noqa: E402  (REST helpers)

KEY, KEY2 = ts.KEY, ts.KEY2
check = ts.check
call = rs.call
RFC3339 = rs.RFC3339
RUN_KEYS = {"training_run_id", "base_model", "model_owner", "is_lora", "corrupted", "lora_rank",
            "last_request_time", "last_checkpoint", "last_sampler_checkpoint", "user_metadata"}


def new_session(emu, key=KEY, **fields):
    body = dict({"tags": [], "user_metadata": {}, "type": "create_session"}, **fields)
    _, r = emu.post("create_session", body, key=key)
    return r["session_id"]


def create_model(emu, sid, n, key=KEY, rank=8, metadata=None):
    _, r = emu.result("create_model", {"session_id": sid, "model_seq_id": n, "base_model": ts.TINY,
                                       "lora_config": {"rank": rank}, "user_metadata": metadata or {},
                                       "type": "create_model"}, key=key)
    if not isinstance(r, dict) or "model_id" not in r:
        raise RuntimeError("create_model failed: %s" % r)
    return r["model_id"]


def get_run(emu, run, scope=None, key=KEY):
    q = "" if scope is None else "?access_scope=" + scope
    return call(emu, "GET", "training_runs/%s%s" % (run, q), key=key)


def list_runs(emu, query="", key=KEY):
    return call(emu, "GET", "training_runs" + query, key=key)


def admin_user(emu, key):
    """The anonymous user id of `key`, as the request log records it."""
    call(emu, "GET", "sessions", key=key)
    entries = emu.admin("GET", "log?path=/api/v1/sessions")[1]["entries"]
    return entries[-1]["user"]


def start(binary, data_dir, tmp, name):
    return ts.Emulator(binary, data_dir, os.path.join(tmp, name + ".stderr"))


def stop(emu, what):
    rc = emu.stop()
    check("%s: clean exit on SIGTERM" % what, rc == 0, rc)
    err = open(emu.stderr_path).read()
    if not check("%s: nothing on stderr" % what, err.strip() == ""):
        sys.stderr.write(err[-20000:])


# ---- 1. restart persistence -----------------------------------------------------------------

def reads(emu, st):
    """Everything a restart must keep, as the REST API answers it."""
    out = {}
    for key in (KEY, KEY2):
        out[key, "sessions"] = call(emu, "GET", "sessions", key=key)
        out[key, "checkpoints"] = rs.list_user(emu, key=key)
        out[key, "runs"] = list_runs(emu, key=key)
        out[key, "audit"] = call(emu, "GET", "audit?event_type=all", key=key)
    out["run"] = get_run(emu, st["run"])
    out["run checkpoints"] = rs.list_run(emu, st["run"])
    out["session"] = call(emu, "GET", "sessions/" + st["sid"])
    out["weights_info"] = emu.post("weights_info", {"tinker_path": st["w1"]})
    out["weights_info by KEY2"] = emu.post("weights_info", {"tinker_path": st["w1"]}, key=KEY2)
    out["sampler"] = call(emu, "GET", "samplers/" + st["ssid"])
    return out


def usage_window():
    """The previous and the current hour (fixed before the restart, so both emulators are asked
    about the same hours even if a new hour begins in between)."""
    hour = int(time.time() // 3600 * 3600)
    return "starting_on=%s&ending_before=%s" % (time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(hour - 3600)),
                                                time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(hour + 3600)))


def usage_without_storage(emu, window, key=KEY):
    st, r = call(emu, "GET", "billing/usage/events?" + window, key=key)
    if st != 200:
        return st, r
    # Storage keeps growing while files are stored: everything else must be equal.
    return st, sorted((e for e in r["data"] if e["event_info"]["type"] != "storage"), key=repr)


def phase1(emu):
    sid = new_session(emu, project_id="proj-a", user_metadata={"team": "red"})
    sid2 = new_session(emu, KEY2)
    run = create_model(emu, sid, 0, metadata={"k": "v"})
    trainer = ts.Trainer(emu, run)
    trainer.fwdbwd()
    trainer.optim()
    w1 = rs.save(trainer, "w1")
    s1 = rs.save(trainer, "s1", sampler=True)
    check("setup: publish w1", rs.publish(emu, run, "weights/w1")[0] == 200)
    check("setup: a TTL on s1", rs.set_ttl(emu, run, "sampler_weights/s1", 3600)[0] == 200)
    st_, r = ss.create_sampling_session(emu, sid, 0, model_path=s1)
    check("setup: a sampling session on s1", st_ == 200, r)
    _, fwd = trainer.forward()
    st = {"sid": sid, "sid2": sid2, "run": run, "w1": w1, "s1": s1, "ssid": r["sampling_session_id"],
          "logprobs": ts.logprobs(fwd), "user": admin_user(emu, KEY), "user2": admin_user(emu, KEY2)}
    st["reads"] = reads(emu, st)
    st["window"] = usage_window()
    st["usage"] = usage_without_storage(emu, st["window"])
    return st


def phase2(emu, st, data_dir):
    after = reads(emu, st)
    for what, before in st["reads"].items():
        label = what if isinstance(what, str) else "%s of %s" % (what[1], "KEY" if what[0] == KEY else "KEY2")
        check("restart: %s answers as before the restart" % label,
              after[what] == before and before[0] == 200, (before, after[what]))
    check("restart: the run kept its checkpoints, publication and TTL",
          [c["public"] for c in after["run checkpoints"][1]["checkpoints"]] == [True, False] and
          after["run checkpoints"][1]["checkpoints"][1].get("expires_at") is not None,
          after["run checkpoints"])
    check("restart: the same API keys are the same users",
          admin_user(emu, KEY) == st["user"] and admin_user(emu, KEY2) == st["user2"],
          (st["user"], st["user2"]))
    usage = usage_without_storage(emu, st["window"])
    check("restart: usage (tokens, checkpoints) is kept", usage == st["usage"] and len(usage[1]) >= 2,
          (st["usage"], usage))
    check("restart: the database file is in the data directory",
          os.path.isfile(os.path.join(data_dir, "emulator.db")), os.listdir(data_dir))

    # A saved checkpoint loads into a new run (create-from-state) and gives the trained outputs.
    sid3 = new_session(emu)
    ok, r = rs.load_as(emu, sid3, 0, st["w1"], KEY)
    check("restart: create-from-state of a checkpoint saved before the restart", ok, r)
    _, fwd = ts.Trainer(emu, sid3 + ":train:0").forward()
    check("restart: the loaded run computes what the trained run did, bit for bit",
          ts.logprobs(fwd) == st["logprobs"], (ts.logprobs(fwd), st["logprobs"]))
    ok, r = rs.load_as(emu, new_session(emu, KEY2), 0, st["w1"], KEY2)
    check("restart: another user still loads the published checkpoint", ok, r)
    st_, r = ss.create_sampling_session(emu, sid3, 0, model_path=st["s1"])
    check("restart: a sampling session on a sampler checkpoint saved before", st_ == 200, r)
    st_, res = ss.Sampler(emu, st["ssid"]).sample(ss.text("Hi"), params={"max_tokens": 3, "seed": 1})
    check("restart: a sampler made before the restart samples again (its model rebuilt)",
          st_ == 200 and len(ss.tokens_of(res) or []) == 3, (st_, res))

    # The run's record survives, its live model does not.
    st_, r = ts.Trainer(emu, st["run"], next_seq=10).fwdbwd()
    check("restart: training the old run -> 404 saying the emulator restarted",
          rs.is_error(st_, r, 404, "not_found", "restarted"), (st_, r))
    _, r = emu.post("create_model", {"session_id": st["sid"], "model_seq_id": 0, "base_model": ts.TINY,
                                     "type": "create_model"})
    check("restart: the old run's id stays taken (create_model with its model_seq_id -> 400)",
          isinstance(r, dict) and "already exists" in r.get("error", ""), r)
    run2 = create_model(emu, st["sid"], 1)
    st_, r = call(emu, "GET", "sessions/" + st["sid"])
    check("restart: a session made before the restart takes new runs, listed after the old one",
          st_ == 200 and r["training_run_ids"] == [st["run"], run2], (st_, r))


def test_exclusive(binary, data_dir, tmp):
    p = subprocess.run([binary, "--port", "0", "--data-dir", data_dir], capture_output=True, text=True,
                       timeout=30)
    check("a second emulator on a data directory in use -> exit 1 naming the database",
          p.returncode == 1 and "emulator.db" in p.stderr and "another tinker-emulator" in p.stderr,
          (p.returncode, p.stderr))


def test_restart(binary, tmp):
    data_dir = os.path.join(tmp, "data")
    emu = start(binary, data_dir, tmp, "first")
    try:
        st = phase1(emu)
        test_exclusive(binary, data_dir, tmp)
    finally:
        stop(emu, "first emulator")
    emu = start(binary, data_dir, tmp, "second")
    try:
        phase2(emu, st, data_dir)
    finally:
        stop(emu, "second emulator")

    # 2. In-memory mode: a fresh emulator without --data-dir knows nothing of the above.
    emu = start(binary, None, tmp, "memory")
    try:
        empty = {"sessions": call(emu, "GET", "sessions"), "checkpoints": rs.list_user(emu),
                 "runs": list_runs(emu), "run": get_run(emu, st["run"])[0],
                 "session": call(emu, "GET", "sessions/" + st["sid"])[0]}
        check("in memory: no sessions, checkpoints or runs of the data directory's emulator",
              empty == {"sessions": (200, {"sessions": []}),
                        "checkpoints": (200, {"checkpoints": [], "cursor": {"offset": 0, "limit": 100,
                                                                             "total_count": 0}}),
                        "runs": (200, {"training_runs": [], "cursor": {"offset": 0, "limit": 20,
                                                                       "total_count": 0}}),
                        "run": 404, "session": 404}, empty)
        check("in memory: files go to a temporary directory, not the earlier data directory",
              emu.admin("GET", "checkpoints")[1]["data_dir"] != data_dir)
    finally:
        stop(emu, "in-memory emulator")


# ---- 3. training runs -------------------------------------------------------------------------

def test_runs(emu):
    sid = new_session(emu, project_id="proj-x", user_metadata={"team": "red", "purpose": "session"})
    sid_other = new_session(emu)
    sid2 = new_session(emu, KEY2)
    run = create_model(emu, sid, 0, metadata={"purpose": "test", "n": 3})
    st, r = get_run(emu, run)
    check("GET training_runs/{id}: 200 with the fields of TrainingRun, nothing else",
          st == 200 and {"training_run_id", "base_model", "model_owner", "is_lora", "last_request_time"} <=
          set(r) <= RUN_KEYS, (st, r))
    check("TrainingRun: id, base model, owner, LoRA, rank, not corrupted",
          r["training_run_id"] == run and r["base_model"] == ts.TINY and
          r["model_owner"] == admin_user(emu, KEY) and r["is_lora"] is True and r["lora_rank"] == 8 and
          r.get("corrupted", False) is False, r)
    check("TrainingRun: user_metadata is what create_model gave (not the session's), as strings "
          "(non-strings as their JSON text)",
          r["user_metadata"] == {"purpose": "test", "n": "3"}, r)
    check("TrainingRun: no checkpoints yet -> no last_checkpoint / last_sampler_checkpoint",
          r.get("last_checkpoint") is None and r.get("last_sampler_checkpoint") is None, r)
    first_time = rs.unix_of(r["last_request_time"])
    check("TrainingRun: last_request_time is RFC 3339, about now",
          RFC3339.match(r["last_request_time"]) and abs(first_time - time.time()) < 30, r)

    time.sleep(1.1)
    trainer = ts.Trainer(emu, run)
    trainer.fwdbwd()
    rs.save(trainer, "a")
    rs.save(trainer, "b")
    rs.save(trainer, "s", sampler=True)
    trainer.json("save_weights_for_sampler", {"sampling_session_seq_id": 3, "type": "save_weights_for_sampler"})
    st, r = get_run(emu, run, "owned")
    check("TrainingRun: last_request_time moves with the run's requests",
          st == 200 and rs.unix_of(r["last_request_time"]) >= first_time + 1, (first_time, r))
    check("TrainingRun: last_checkpoint is the newest training checkpoint, as listed",
          r.get("last_checkpoint") == rs.by_id(rs.list_run(emu, run)[1])["weights/b"], r)
    check("TrainingRun: last_sampler_checkpoint is the newest named sampler checkpoint (not the ephemeral)",
          (r.get("last_sampler_checkpoint") or {}).get("checkpoint_id") == "sampler_weights/s", r)

    # Two users: owned vs accessible.
    for scope in (None, "owned", "accessible"):
        st, r = get_run(emu, run, scope, key=KEY2)
        check("another user's run without a published checkpoint (access_scope=%s) -> 404" % scope,
              rs.is_error(st, r, 404, "not_found"), (st, r))
    rs.publish(emu, run, "weights/a")
    st, r = get_run(emu, run, "accessible", key=KEY2)
    check("access_scope=accessible: another user sees a run with a published checkpoint, "
          "its published checkpoints only",
          st == 200 and r["training_run_id"] == run and
          (r.get("last_checkpoint") or {}).get("checkpoint_id") == "weights/a" and
          r.get("last_sampler_checkpoint") is None, (st, r))
    st, r = get_run(emu, run, "owned", key=KEY2)
    check("access_scope=owned: another user's run stays a 404 even when published",
          rs.is_error(st, r, 404, "not_found"), (st, r))
    st, r = get_run(emu, "nobody:train:0")
    check("GET training_runs/{unknown} -> 404", rs.is_error(st, r, 404, "not_found"), (st, r))
    st, r = get_run(emu, run, "everything")
    check("GET training_runs/{id}?access_scope=everything -> 400 naming access_scope",
          rs.is_error(st, r, 400, "bad_request", "access_scope"), (st, r))

    # Listing.
    run2 = create_model(emu, sid_other, 0)
    run3 = create_model(emu, sid, 1)
    run_k2 = create_model(emu, sid2, 0, key=KEY2)
    st, r = list_runs(emu)
    ids = [x["training_run_id"] for x in r.get("training_runs", [])]
    check("GET training_runs: the caller's runs, newest first, default limit 20",
          st == 200 and ids == [run3, run2, run] and
          r["cursor"] == {"offset": 0, "limit": 20, "total_count": 3}, (st, r))
    st, r = list_runs(emu, "?limit=1&offset=1")
    check("GET training_runs: limit and offset pick a page, total_count counts all",
          st == 200 and [x["training_run_id"] for x in r["training_runs"]] == [run2] and
          r["cursor"] == {"offset": 1, "limit": 1, "total_count": 3}, (st, r))
    st, r = list_runs(emu, "?offset=7")
    check("GET training_runs: an offset past the end -> an empty page",
          st == 200 and r["training_runs"] == [] and r["cursor"]["total_count"] == 3, (st, r))
    st, r = list_runs(emu, "?project_id=proj-x")
    check("GET training_runs?project_id: only runs made in sessions of that project",
          st == 200 and [x["training_run_id"] for x in r["training_runs"]] == [run3, run], (st, r))
    call(emu, "PUT", "sessions/%s/project" % sid_other, {"project_id": "proj-x"})
    st, r = list_runs(emu, "?project_id=proj-x")
    check("GET training_runs?project_id: assigning a session to the project brings its runs",
          st == 200 and [x["training_run_id"] for x in r["training_runs"]] == [run3, run2, run], (st, r))
    st, r = list_runs(emu, "?access_scope=accessible", key=KEY2)
    check("GET training_runs?access_scope=accessible: own runs plus others' runs with a published checkpoint",
          st == 200 and [x["training_run_id"] for x in r["training_runs"]] == [run_k2, run], (st, r))
    st, r = list_runs(emu, key=KEY2)
    check("GET training_runs (owned): only the caller's",
          st == 200 and [x["training_run_id"] for x in r["training_runs"]] == [run_k2], (st, r))
    for query, needle in [("?limit=0", "limit"), ("?limit=1001", "limit"), ("?limit=-1", "limit"),
                          ("?limit=abc", "limit"), ("?limit=", "limit"), ("?offset=-1", "offset"),
                          ("?offset=1.5", "offset"), ("?access_scope=mine", "access_scope")]:
        st, r = list_runs(emu, query)
        check("GET training_runs%s -> 400 naming %s" % (query, needle),
              rs.is_error(st, r, 400, "bad_request", needle), (st, r))
    st, _, _ = emu.request("GET", "/api/v1/training_runs", key=None)
    check("GET training_runs without an API key -> 401", st == 401, st)

    # A failed creation is no run.
    emu.result("create_model", {"session_id": sid, "model_seq_id": 5, "base_model": "no/such-model",
                                "type": "create_model"})
    _, r = emu.result("load_weights", {"session_id": sid, "model_seq_id": 6, "path": "tinker://x:train:0/weights/y",
                                       "optimizer": False, "type": "load_weights"})
    st, r = get_run(emu, sid + ":train:6")
    check("a failed create-via-load leaves no run (404)", rs.is_error(st, r, 404, "not_found"), (st, r))
    check("a failed creation is not listed", list_runs(emu)[1]["cursor"]["total_count"] == 3)


# ---- 4. TTL expiry ------------------------------------------------------------------------------

def test_ttl_expiry(emu):
    sid = new_session(emu)
    run = create_model(emu, sid, 0)
    trainer = ts.Trainer(emu, run)
    path = rs.save(trainer, "brief")
    keep = rs.save(trainer, "kept")
    check("setup: a TTL of 1 s", rs.set_ttl(emu, run, "weights/brief", 1)[0] == 200)
    time.sleep(1.5)
    st, r = rs.list_run(emu, run)
    check("TTL expiry: the checkpoint is gone from the run's listing",
          st == 200 and [c["tinker_path"] for c in r["checkpoints"]] == [keep], (st, r))
    check("TTL expiry: gone from the user's listing",
          path not in [c["tinker_path"] for c in rs.list_user(emu)[1]["checkpoints"]])
    ok, r = rs.load_as(emu, sid, 1, path, KEY)
    check("TTL expiry: load_weights of it fails (not found)", not ok and "not found" in str(r), r)
    st, r = emu.post("weights_info", {"tinker_path": path})
    check("TTL expiry: weights_info -> 404", rs.is_error(st, r, 404, "not_found"), (st, r))
    st, r = call(emu, "GET", rs.ckpt_url(run, "weights/brief", "/archive"))
    check("TTL expiry: its archive -> 404", rs.is_error(st, r, 404, "not_found"), (st, r))
    st, r = get_run(emu, run)
    check("TTL expiry: the run's last_checkpoint is the one still there",
          (r.get("last_checkpoint") or {}).get("tinker_path") == keep, r)


def run_store_and_runs(binary, tmp):
    emu = start(binary, os.path.join(tmp, "runs-data"), tmp, "runs")
    try:
        test_runs(emu)
        test_ttl_expiry(emu)
    finally:
        stop(emu, "runs emulator")


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="emu-store-")
    try:
        test_restart(binary, tmp)
        run_store_and_runs(binary, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (ts.PASS, ts.FAIL))
    return 1 if ts.FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
