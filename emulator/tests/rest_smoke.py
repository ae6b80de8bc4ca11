#!/usr/bin/env python3
"""Smoke test for tinker-emulator's REST endpoints (docs/emulator.md "REST: checkpoints and
sessions").

Usage: rest_smoke.py path/to/tinker-emulator

Starts the emulator on a free port and drives, as two users: GET a run's checkpoints, GET the
user's checkpoints (newest first, limit/offset and their 400s), DELETE a checkpoint (file and
index gone, samplers made from it still sampling), publish and unpublish (409s; other users
may then load_weights, create_sampling_session and weights_info it, and not before or after),
PUT .../ttl (expires_at, null, the 400s, expiry deleting the checkpoint), checkpoint names
that look like the routes' suffixes ("publish", "ttl"), percent-encoded run ids, 404s for
unknown and other users' checkpoints, runs and sessions, 400s for malformed ids, PUT
sessions/{id}/project (GET /_emulator/sessions shows it), GET sessions/{id} (the training runs
and samplers made in each session, under that session only; access_scope and its 400; 404s)
and GET sessions (the caller's, oldest first, limit/offset and their 400s), 401 without a key
and 405s. Each check is named for the rule it asserts.

Python standard library only; the harness is training_smoke.py's (same directory). Prints
"N passed, M failed"; exits 1 on any failure.
"""

import datetime
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training_smoke as ts  # noqa: E402  (the shared harness)
import sampling_smoke as ss  # noqa: E402  (sample requests)

KEY, KEY2 = ts.KEY, ts.KEY2
CHECKPOINT_KEYS = {"checkpoint_id", "checkpoint_type", "time", "tinker_path", "size_bytes",
                   "public", "expires_at"}
# "expires_at" may be left out when there is no expiry: absent and null both mean "never".
REQUIRED_KEYS = CHECKPOINT_KEYS - {"expires_at"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

check = ts.check  # one pass/fail count for the whole run (ts.run_smoke prints it)


# ---- requests -----------------------------------------------------------------------------

def call(emu, method, path, body=None, key=KEY):
    """(status, parsed JSON answer) of one request under /api/v1/."""
    status, _, data = emu.request(method, "/api/v1/" + path, body, None, key)
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data


def ckpt_url(run, cid, suffix=""):
    return "training_runs/%s/checkpoints/%s%s" % (run, cid, suffix)


def list_run(emu, run, key=KEY):
    return call(emu, "GET", "training_runs/%s/checkpoints" % run, key=key)


def list_user(emu, query="", key=KEY):
    return call(emu, "GET", "checkpoints" + query, key=key)


def publish(emu, run, cid, key=KEY):
    return call(emu, "POST", ckpt_url(run, cid, "/publish"), key=key)


def unpublish(emu, run, cid, key=KEY):
    return call(emu, "DELETE", ckpt_url(run, cid, "/publish"), key=key)


def set_ttl(emu, run, cid, ttl, key=KEY):
    return call(emu, "PUT", ckpt_url(run, cid, "/ttl"), {"ttl_seconds": ttl}, key=key)


def delete(emu, run, cid, key=KEY):
    return call(emu, "DELETE", ckpt_url(run, cid), key=key)


def is_error(st, r, status, code, needle=""):
    """An error answer in the emulator's shape: {"error": message, "code": code}."""
    return st == status and isinstance(r, dict) and r.get("code") == code and \
        needle in r.get("error", "")


def admin_checkpoint(emu, path):
    for c in emu.admin("GET", "checkpoints")[1]["checkpoints"]:
        if c["tinker_path"] == path:
            return c
    return None


def unix_of(ts_text):
    return datetime.datetime.strptime(ts_text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def by_id(listing):
    return {c["checkpoint_id"]: c for c in listing["checkpoints"]}


def save(trainer, name, sampler=False, **extra):
    kind = "save_weights_for_sampler" if sampler else "save_weights"
    st, r = trainer.json(kind, dict(extra, path=name, type=kind))
    if not isinstance(r, dict) or "path" not in r:
        raise RuntimeError("save of %s failed: %s %s" % (name, st, r))
    return r["path"]


def load_as(emu, sid, n, path, key):
    """create-via-load by the owner of `key`: (succeeded, result)."""
    _, r = emu.result("load_weights", {"session_id": sid, "model_seq_id": n, "path": path,
                                       "optimizer": False, "type": "load_weights"}, key=key)
    return isinstance(r, dict) and r.get("type") == "load_weights", r


def sampling_session_as(emu, sid, n, path, key):
    return ss.create_sampling_session(emu, sid, n, key=key, model_path=path)


# ---- the tests ----------------------------------------------------------------------------

def test_list_run(emu, run, paths, empty_run, other_run):
    st, r = list_run(emu, run)
    names = ["weights/0001", "weights/0002", "sampler_weights/final", "weights/short-lived"]
    check("GET training_runs/{id}/checkpoints: 200, the run's checkpoints in save order "
          "(the ephemeral sampler of an unnamed save left out)",
          st == 200 and [c["checkpoint_id"] for c in r["checkpoints"]] == names, (st, r))
    check("run listing: cursor offset 0, limit = total_count = the count",
          r.get("cursor") == {"offset": 0, "limit": 4, "total_count": 4}, r.get("cursor"))
    c = by_id(r)
    check("Checkpoint: the fields of the wire type, nothing else",
          all(REQUIRED_KEYS <= set(x) <= CHECKPOINT_KEYS for x in r["checkpoints"]),
          r["checkpoints"])
    check("Checkpoint: checkpoint_type training for weights/, sampler for sampler_weights/",
          c["weights/0001"]["checkpoint_type"] == "training" and
          c["sampler_weights/final"]["checkpoint_type"] == "sampler", c)
    check("Checkpoint: tinker_path is tinker://<run>/<checkpoint_id>",
          all(x["tinker_path"] == "tinker://%s/%s" % (run, x["checkpoint_id"])
              for x in r["checkpoints"]), r["checkpoints"])
    adm = admin_checkpoint(emu, paths["0001"])
    check("Checkpoint: size_bytes is the file's size",
          c["weights/0001"]["size_bytes"] == adm["size_bytes"] == os.path.getsize(adm["file"]),
          (c["weights/0001"], adm))
    check("Checkpoint: time is an RFC 3339 UTC datetime, the save time",
          RFC3339.match(c["weights/0001"]["time"]) and
          abs(unix_of(c["weights/0001"]["time"]) - adm["created_unix"]) < 0.001,
          (c["weights/0001"]["time"], adm["created_unix"]))
    check("Checkpoint: public false and expires_at null (never) by default",
          c["weights/0001"]["public"] is False and c["weights/0001"].get("expires_at") is None,
          c["weights/0001"])
    exp = c["weights/short-lived"].get("expires_at")
    check("Checkpoint: a save's ttl_seconds shows as expires_at = save time + ttl",
          exp is not None and RFC3339.match(exp) and
          abs(unix_of(exp) - unix_of(c["weights/short-lived"]["time"]) - 600) < 0.001,
          c["weights/short-lived"])

    st, r = list_run(emu, empty_run)
    check("run listing: a run without checkpoints -> 200, empty, cursor 0/0/0",
          st == 200 and r == {"checkpoints": [], "cursor": {"offset": 0, "limit": 0,
                                                            "total_count": 0}}, (st, r))
    st, r = list_run(emu, "no-such-run:train:0")
    check("run listing: unknown run -> 404 not_found", is_error(st, r, 404, "not_found"), (st, r))
    st, r = list_run(emu, run, key=KEY2)
    check("run listing: another user's run -> 404", is_error(st, r, 404, "not_found"), (st, r))
    st, r = list_run(emu, other_run, key=KEY2)
    check("run listing: the other user sees its own run",
          st == 200 and [c["checkpoint_id"] for c in r["checkpoints"]] == ["weights/theirs"],
          (st, r))
    st, r = list_run(emu, run.replace(":", "%3A"))
    check("run listing: a percent-encoded run id is decoded",
          st == 200 and len(r["checkpoints"]) == 4, (st, r))


def test_list_user(emu, run, run2):
    st, r = list_user(emu)
    ids = [c["tinker_path"] for c in r.get("checkpoints", [])]
    expected = ["tinker://%s/weights/other-run" % run2,
                "tinker://%s/weights/short-lived" % run,
                "tinker://%s/sampler_weights/final" % run,
                "tinker://%s/weights/0002" % run,
                "tinker://%s/weights/0001" % run]
    check("GET checkpoints: the caller's checkpoints over all runs, newest first",
          st == 200 and ids == expected, (st, ids))
    check("GET checkpoints: defaults limit 100, offset 0",
          r.get("cursor") == {"offset": 0, "limit": 100, "total_count": 5}, r.get("cursor"))
    st, r = list_user(emu, "?limit=2&offset=1")
    check("GET checkpoints: limit and offset pick a page; total_count counts all",
          st == 200 and [c["tinker_path"] for c in r["checkpoints"]] == expected[1:3] and
          r["cursor"] == {"offset": 1, "limit": 2, "total_count": 5}, (st, r))
    st, r = list_user(emu, "?offset=4&limit=1000")
    check("GET checkpoints: the last page, limit 1000 allowed",
          st == 200 and [c["tinker_path"] for c in r["checkpoints"]] == expected[4:], (st, r))
    st, r = list_user(emu, "?offset=9")
    check("GET checkpoints: an offset past the end -> an empty page",
          st == 200 and r["checkpoints"] == [] and r["cursor"]["total_count"] == 5, (st, r))
    for query, needle in [("?limit=0", "limit"), ("?limit=1001", "limit"), ("?limit=-1", "limit"),
                          ("?limit=abc", "limit"), ("?limit=", "limit"), ("?limit=1.5", "limit"),
                          ("?offset=-1", "offset"), ("?offset=x", "offset")]:
        st, r = list_user(emu, query)
        check("GET checkpoints%s -> 400 naming %s" % (query, needle),
              is_error(st, r, 400, "bad_request", needle), (st, r))
    st, r = list_user(emu, key=KEY2)
    check("GET checkpoints: another user sees only its own",
          st == 200 and [c["checkpoint_id"] for c in r["checkpoints"]] == ["weights/theirs"],
          (st, r))
    st, _, _ = emu.request("GET", "/api/v1/checkpoints", key=None)
    check("GET checkpoints without an API key -> 401", st == 401, st)


def test_publish(emu, run, sid2, paths):
    p = paths["0001"]
    st, r = publish(emu, run, "weights/0001")
    check("POST .../publish -> 200 {}", st == 200 and r == {}, (st, r))
    st, r = list_run(emu, run)
    check("publish: the listing says public true", by_id(r)["weights/0001"]["public"] is True, r)
    check("publish: the admin index says public", admin_checkpoint(emu, p)["public"] is True)
    st, r = publish(emu, run, "weights/0001")
    check("publish an already public checkpoint -> 409 conflict",
          is_error(st, r, 409, "conflict", "already public"), (st, r))
    st, r = unpublish(emu, run, "weights/0001")
    check("DELETE .../publish -> 200 {}, private again",
          st == 200 and r == {} and by_id(list_run(emu, run)[1])["weights/0001"]["public"] is False,
          (st, r))
    st, r = unpublish(emu, run, "weights/0001")
    check("unpublish an already private checkpoint -> 409 conflict",
          is_error(st, r, 409, "conflict", "already private"), (st, r))
    for name, fn in [("publish", publish), ("unpublish", unpublish)]:
        st, r = fn(emu, run, "weights/nope")
        check("%s an unknown checkpoint -> 404" % name, is_error(st, r, 404, "not_found"), (st, r))
        st, r = fn(emu, run, "weights/0001", key=KEY2)
        check("%s another user's checkpoint -> 404" % name, is_error(st, r, 404, "not_found"),
              (st, r))
        st, r = fn(emu, "no-such-run", "weights/0001")
        check("%s in an unknown run -> 404" % name, is_error(st, r, 404, "not_found"), (st, r))
        for bad in ["checkpoints/x", "weights/x/y", "other/x"]:
            st, r = fn(emu, run, bad)
            check("%s a malformed id %r -> 400" % (name, bad),
                  is_error(st, r, 400, "bad_request", "checkpoint id"), (st, r))
    st, r = publish(emu, run, "sampler_weights")
    check("POST .../checkpoints/sampler_weights/publish (a kind without a name) -> 400",
          is_error(st, r, 400, "bad_request", "checkpoint id"), (st, r))
    st, r = unpublish(emu, run, "sampler_weights")
    check("DELETE .../checkpoints/sampler_weights/publish is the delete of the checkpoint named "
          "publish: 404 when there is none",
          is_error(st, r, 404, "not_found", "sampler_weights/publish"), (st, r))
    check("publish by another user changed nothing",
          admin_checkpoint(emu, p)["public"] is False)

    # Visibility to other users: what "public" is for.
    ok, r = load_as(emu, sid2, 0, p, KEY2)
    check("a private checkpoint: another user's load_weights fails (not found)",
          not ok and "not found" in r.get("error", ""), r)
    st, r = sampling_session_as(emu, sid2, 0, paths["final"], KEY2)
    check("a private checkpoint: another user's create_sampling_session -> 400 not found",
          st == 400 and "not found" in r.get("error", ""), (st, r))
    st, r = emu.post("weights_info", {"tinker_path": p}, key=KEY2)
    check("a private checkpoint: another user's weights_info -> 404", st == 404, (st, r))
    publish(emu, run, "weights/0001")
    publish(emu, run, "sampler_weights/final")
    ok, r = load_as(emu, sid2, 1, p, KEY2)
    check("a published checkpoint: another user's load_weights works", ok, r)
    st, r = sampling_session_as(emu, sid2, 1, paths["final"], KEY2)
    check("a published checkpoint: another user's create_sampling_session works",
          st == 200 and r.get("sampling_session_id") == sid2 + ":sample:1", (st, r))
    st, r = emu.post("weights_info", {"tinker_path": p}, key=KEY2)
    check("a published checkpoint: another user's weights_info works", st == 200, (st, r))
    st, r = list_run(emu, run, key=KEY2)
    check("a published checkpoint does not open its run's listing to others", st == 404, (st, r))
    st, r = delete(emu, run, "weights/0001", key=KEY2)
    check("a published checkpoint: only its owner may delete it", st == 404, (st, r))
    unpublish(emu, run, "weights/0001")
    unpublish(emu, run, "sampler_weights/final")
    ok, r = load_as(emu, sid2, 2, p, KEY2)
    check("unpublished again: another user's load_weights fails again",
          not ok and "not found" in r.get("error", ""), r)
    st, r = sampling_session_as(emu, sid2, 2, paths["final"], KEY2)
    check("unpublished again: another user's create_sampling_session -> 400", st == 400, (st, r))


def test_ttl(emu, run, trainer):
    st, r = set_ttl(emu, run, "weights/0002", 3600)
    t = time.time()
    exp = by_id(list_run(emu, run)[1])["weights/0002"].get("expires_at")
    check("PUT .../ttl 3600 -> 200 {}, expires_at about now + 3600",
          st == 200 and r == {} and exp is not None and abs(unix_of(exp) - (t + 3600)) < 5,
          (st, r, exp))
    st, r = set_ttl(emu, run, "weights/0002", None)
    check("PUT .../ttl null -> 200, expires_at null (never expires)",
          st == 200 and by_id(list_run(emu, run)[1])["weights/0002"].get("expires_at") is None, (st, r))
    st, r = set_ttl(emu, run, "weights/0002", 10 ** 15)
    exp = by_id(list_run(emu, run)[1])["weights/0002"].get("expires_at")
    check("PUT .../ttl of 10^15 s (past year 9999): expires_at is the last RFC 3339 second",
          st == 200 and exp == "9999-12-31T23:59:59.000000Z", (st, r, exp))
    set_ttl(emu, run, "weights/0002", None)
    for bad in [0, -5]:
        st, r = set_ttl(emu, run, "weights/0002", bad)
        check("PUT .../ttl %d -> 400 naming ttl_seconds and its lower bound 1" % bad,
              is_error(st, r, 400, "bad_request", "ttl_seconds") and "1" in r["error"], (st, r))
    st, r = set_ttl(emu, run, "weights/0002", "soon")
    check("PUT .../ttl with a string -> 400 naming ttl_seconds", st == 400 and
          "ttl_seconds" in r.get("error", ""), (st, r))
    st, r = call(emu, "PUT", ckpt_url(run, "weights/0002", "/ttl"), "not json")
    check("PUT .../ttl with a body that is not JSON -> 400", st == 400, (st, r))
    check("the refused TTLs changed nothing",
          by_id(list_run(emu, run)[1])["weights/0002"].get("expires_at") is None)
    st, r = set_ttl(emu, run, "weights/nope", 60)
    check("PUT .../ttl on an unknown checkpoint -> 404", is_error(st, r, 404, "not_found"), (st, r))
    st, r = set_ttl(emu, run, "weights/0002", 60, key=KEY2)
    check("PUT .../ttl on another user's checkpoint -> 404", is_error(st, r, 404, "not_found"),
          (st, r))
    st, r = set_ttl(emu, run, "weights/a/b", 60)
    check("PUT .../ttl on a malformed id -> 400", is_error(st, r, 400, "bad_request"), (st, r))

    # Expiry: a TTL set later expires like one given at the save.
    p = save(trainer, "expiring")
    f = admin_checkpoint(emu, p)["file"]
    st, r = set_ttl(emu, run, "weights/expiring", 1)
    check("PUT .../ttl 1 -> 200", st == 200, (st, r))
    time.sleep(1.3)
    ids = by_id(list_run(emu, run)[1])
    check("an expired checkpoint disappears from the listings",
          "weights/expiring" not in ids and
          p not in [c["tinker_path"] for c in list_user(emu, "?limit=1000")[1]["checkpoints"]], ids)
    check("an expired checkpoint's file is deleted", not os.path.exists(f), f)
    st, r = set_ttl(emu, run, "weights/expiring", None)
    check("an expired checkpoint: PUT .../ttl -> 404", st == 404, (st, r))


def test_delete(emu, run, sid, trainer, paths):
    # A sampler made from the checkpoint before it is deleted.
    st, r = sampling_session_as(emu, sid, 20, paths["final"], KEY)
    sampler = ss.Sampler(emu, sid + ":sample:20")
    f = admin_checkpoint(emu, paths["final"])["file"]
    st, r = delete(emu, run, "sampler_weights/final")
    check("DELETE .../checkpoints/{id} -> 200 {}", st == 200 and r == {}, (st, r))
    check("DELETE: the file is gone", not os.path.exists(f), f)
    check("DELETE: the index entry is gone", admin_checkpoint(emu, paths["final"]) is None)
    check("DELETE: the listings leave it out",
          "sampler_weights/final" not in by_id(list_run(emu, run)[1]) and
          paths["final"] not in [c["tinker_path"] for c in list_user(emu)[1]["checkpoints"]])
    st, r = sampling_session_as(emu, sid, 21, paths["final"], KEY)
    check("DELETE: the checkpoint can no longer be loaded", st == 400 and "not found" in
          r.get("error", ""), (st, r))
    st, res = sampler.sample(ss.text("ab"), params={"max_tokens": 3})
    check("DELETE: a sampler made from it keeps sampling (it holds a frozen copy)",
          st == 200 and len(ss.tokens_of(res) or []) == 3, (st, res))
    st, r = delete(emu, run, "sampler_weights/final")
    check("DELETE again -> 404", is_error(st, r, 404, "not_found"), (st, r))
    st, r = delete(emu, run, "weights/0002", key=KEY2)
    check("DELETE another user's checkpoint -> 404, and it stays",
          is_error(st, r, 404, "not_found") and admin_checkpoint(emu, paths["0002"]) is not None,
          (st, r))
    for bad in ["weights", "weights/a/b", "logs/x"]:
        st, r = delete(emu, run, bad)
        check("DELETE a malformed id %r -> 400" % bad, is_error(st, r, 400, "bad_request"), (st, r))
    st, r = delete(emu, run.replace(":", "%3A"), "weights/0002")
    check("DELETE with a percent-encoded run id", st == 200 and
          admin_checkpoint(emu, paths["0002"]) is None, (st, r))


def test_suffix_names(emu, run, trainer):
    """Checkpoints named like the routes' suffixes: the router takes the shortest id that lets
    the rest match, and DELETE .../weights/publish is still a delete."""
    pub = save(trainer, "publish")
    ttl = save(trainer, "ttl")
    st, r = publish(emu, run, "weights/publish")
    check("POST .../weights/publish/publish publishes the checkpoint named publish",
          st == 200 and admin_checkpoint(emu, pub)["public"] is True, (st, r))
    st, r = unpublish(emu, run, "weights/publish")
    check("DELETE .../weights/publish/publish unpublishes it",
          st == 200 and admin_checkpoint(emu, pub)["public"] is False, (st, r))
    st, r = set_ttl(emu, run, "weights/ttl", 100)
    check("PUT .../weights/ttl/ttl sets the TTL of the checkpoint named ttl",
          st == 200 and admin_checkpoint(emu, ttl)["expires_unix"] is not None, (st, r))
    st, r = delete(emu, run, "weights/ttl")
    check("DELETE .../weights/ttl deletes the checkpoint named ttl",
          st == 200 and admin_checkpoint(emu, ttl) is None, (st, r))
    st, r = delete(emu, run, "weights/publish")
    check("DELETE .../weights/publish deletes the checkpoint named publish (not an unpublish)",
          st == 200 and admin_checkpoint(emu, pub) is None, (st, r))
    st, r = call(emu, "POST", ckpt_url(run, "weights/publish"))
    check("POST .../weights/publish (no id before /publish) -> 400", st == 400, (st, r))


def test_methods(emu, run):
    st, _, _ = emu.request("GET", "/api/v1/" + ckpt_url(run, "weights/0001", "/publish"))
    check("GET .../publish -> 405", st == 405, st)
    st, _, _ = emu.request("POST", "/api/v1/" + ckpt_url(run, "weights/0001"))
    check("POST on a checkpoint path -> 405", st == 405, st)
    st, _, _ = emu.request("GET", "/api/v1/" + ckpt_url(run, "weights/0001", "/ttl"))
    check("GET .../ttl -> 405", st == 405, st)
    st, _, _ = emu.request("DELETE", "/api/v1/" + ckpt_url(run, "weights/0001"), key=None)
    check("DELETE a checkpoint without an API key -> 401", st == 401, st)


def test_session_project(emu, sid, sid2):
    st, r = call(emu, "PUT", "sessions/%s/project" % sid, {"project_id": "proj-1"})
    sessions = {s["session_id"]: s for s in emu.admin("GET", "sessions")[1]["sessions"]}
    check("PUT sessions/{id}/project -> 200 {}; GET /_emulator/sessions shows project_id",
          st == 200 and r == {} and sessions[sid]["project_id"] == "proj-1", (st, r, sessions[sid]))
    st, r = call(emu, "PUT", "sessions/%s/project" % sid, {"project_id": "proj-2"})
    check("PUT sessions/{id}/project again moves the session",
          st == 200 and {s["session_id"]: s for s in emu.admin("GET", "sessions")[1]["sessions"]}
          [sid]["project_id"] == "proj-2", (st, r))
    for name, body in [("missing project_id", {}), ("empty project_id", {"project_id": ""}),
                       ("project_id not a string", {"project_id": 7})]:
        st, r = call(emu, "PUT", "sessions/%s/project" % sid, body)
        check("PUT sessions/{id}/project, %s -> 400 naming project_id" % name,
              st == 400 and "project_id" in r.get("error", ""), (st, r))
    st, r = call(emu, "PUT", "sessions/no-such-session/project", {"project_id": "p"})
    check("PUT sessions/{id}/project, unknown session -> 404", is_error(st, r, 404, "not_found"),
          (st, r))
    st, r = call(emu, "PUT", "sessions/%s/project" % sid2, {"project_id": "p"})
    check("PUT sessions/{id}/project, another user's session -> 404",
          is_error(st, r, 404, "not_found"), (st, r))
    sessions = {s["session_id"]: s for s in emu.admin("GET", "sessions")[1]["sessions"]}
    check("the refused requests changed nothing",
          sessions[sid]["project_id"] == "proj-2" and sessions[sid2]["project_id"] is None,
          (sessions[sid], sessions[sid2]))


def new_session(emu, key=KEY):
    _, r = emu.post("create_session", {"tags": [], "user_metadata": {}, "type": "create_session"},
                    key=key)
    return r["session_id"]


def get_session(emu, sid, query="", key=KEY):
    return call(emu, "GET", "sessions/%s%s" % (sid, query), key=key)


def list_sessions(emu, query="", key=KEY):
    return call(emu, "GET", "sessions" + query, key=key)


def test_get_session(emu, sid, sid2):
    # A fresh session with one of each way to make a training run or a sampler, in an order
    # that tells creation order from id order (":train:10" sorts before ":train:2" as text).
    a = new_session(emu)
    ts.create_model(emu, a, 10)
    trainer = ts.Trainer(emu, a + ":train:10")
    path = save(trainer, "for-load")
    ok, r = load_as(emu, a, 2, path, KEY)
    check("setup: create-via-load in the fresh session", ok, r)
    st, r = ss.create_sampling_session(emu, a, 3, base_model=ts.TINY)
    check("setup: a sampler on a base model", st == 200, (st, r))
    st, r = trainer.json("save_weights_for_sampler", {"sampling_session_seq_id": 1,
                                                      "type": "save_weights_for_sampler"})
    check("setup: an unnamed sampler save", isinstance(r, dict) and "path" in r, r)
    st, r = ss.create_sampling_session(emu, a, 0, model_path=path)
    check("setup: a sampler on a checkpoint", st == 200, (st, r))
    expected = {"training_run_ids": [a + ":train:10", a + ":train:2"],
                "sampler_ids": [a + ":sample:3", a + ":sample:1", a + ":sample:0"]}

    st, r = get_session(emu, a)
    check("GET sessions/{id} -> 200: the training runs (create_model, create-via-load) and the "
          "samplers (create_sampling_session, unnamed save_weights_for_sampler), oldest first",
          st == 200 and r == expected, (st, r))
    for scope in ["owned", "accessible"]:
        st, r = get_session(emu, a, "?access_scope=" + scope)
        check("GET sessions/{id}?access_scope=%s -> the same answer" % scope,
              st == 200 and r == expected, (st, r))
    for query in ["?access_scope=all", "?access_scope=", "?access_scope=OWNED"]:
        st, r = get_session(emu, a, query)
        check("GET sessions/{id}%s -> 400 naming access_scope" % query,
              is_error(st, r, 400, "bad_request", "access_scope"), (st, r))

    # The main session: what run() and the earlier tests made in it, nothing of session a.
    st, r = get_session(emu, sid)
    check("GET sessions/{id}: another session's runs and samplers are listed under it, not here",
          st == 200 and r == {"training_run_ids": [sid + ":train:0", sid + ":train:1",
                                                    sid + ":train:2"],
                              "sampler_ids": [sid + ":sample:5", sid + ":sample:20"]}, (st, r))
    st, r = get_session(emu, sid2, key=KEY2)
    check("GET sessions/{id}: the other user's own session, its create-via-load run and sampler "
          "(the failed loads of a private checkpoint left out)",
          st == 200 and r == {"training_run_ids": [sid2 + ":train:9", sid2 + ":train:1"],
                              "sampler_ids": [sid2 + ":sample:1"]}, (st, r))
    b = new_session(emu)
    st, r = get_session(emu, b)
    check("GET sessions/{id}: a session with nothing made in it -> 200, empty lists",
          st == 200 and r == {"training_run_ids": [], "sampler_ids": []}, (st, r))
    ts.create_model(emu, b, 0)
    st, r = get_session(emu, b)
    check("GET sessions/{id}: a run made later shows up",
          st == 200 and r == {"training_run_ids": [b + ":train:0"], "sampler_ids": []}, (st, r))

    st, r = get_session(emu, "no-such-session")
    check("GET sessions/{id}: unknown session -> 404", is_error(st, r, 404, "not_found"), (st, r))
    for scope in ["", "?access_scope=accessible"]:
        st, r = get_session(emu, sid2, scope)
        check("GET sessions/{id}%s: another user's session -> 404" % scope,
              is_error(st, r, 404, "not_found"), (st, r))
    st, r = get_session(emu, "no-such-session", "?access_scope=bad")
    check("GET sessions/{id}: a bad access_scope is a 400 even for an unknown session",
          st == 400, (st, r))
    st, _, _ = emu.request("GET", "/api/v1/sessions/" + a, key=None)
    check("GET sessions/{id} without an API key -> 401", st == 401, st)
    st, _, _ = emu.request("DELETE", "/api/v1/sessions/" + a)
    check("DELETE sessions/{id} -> 405", st == 405, st)
    return a, b


def test_list_sessions(emu, sid, sid2, a, b):
    # run() made sid, test_get_session a and b; make the caller's count 23, more than a page.
    mine = [sid, a, b] + [new_session(emu) for _ in range(20)]
    users = {s["session_id"]: s["user"] for s in emu.admin("GET", "sessions")[1]["sessions"]}
    check("setup: the caller has exactly these 23 sessions",
          sorted(mine) == sorted(x for x, u in users.items() if u == users[sid]), users)
    st, r = list_sessions(emu)
    check("GET sessions -> 200: the caller's session ids, oldest first, 20 by default",
          st == 200 and r == {"sessions": mine[:20]}, (st, r))
    st, r = list_sessions(emu, "?offset=20")
    check("GET sessions?offset=20: the rest", st == 200 and r == {"sessions": mine[20:]}, (st, r))
    st, r = list_sessions(emu, "?limit=2&offset=1")
    check("GET sessions?limit=2&offset=1: a page",
          st == 200 and r == {"sessions": mine[1:3]}, (st, r))
    st, r = list_sessions(emu, "?limit=1000&access_scope=owned")
    check("GET sessions?limit=1000&access_scope=owned: all of them",
          st == 200 and r == {"sessions": mine}, (st, r))
    st, r = list_sessions(emu, "?limit=1&offset=22&access_scope=accessible")
    check("GET sessions?access_scope=accessible: the same sessions (none are shared)",
          st == 200 and r == {"sessions": mine[22:]}, (st, r))
    st, r = list_sessions(emu, "?offset=23")
    check("GET sessions: an offset past the end -> an empty page",
          st == 200 and r == {"sessions": []}, (st, r))
    st, r = list_sessions(emu, key=KEY2)
    check("GET sessions: another user sees only its own",
          st == 200 and r == {"sessions": [sid2]}, (st, r))
    for query, needle in [("?limit=0", "limit"), ("?limit=1001", "limit"), ("?limit=-1", "limit"),
                          ("?limit=abc", "limit"), ("?limit=", "limit"), ("?limit=1.5", "limit"),
                          ("?offset=-1", "offset"), ("?offset=x", "offset"),
                          ("?offset=", "offset"), ("?access_scope=all", "access_scope"),
                          ("?access_scope=", "access_scope")]:
        st, r = list_sessions(emu, query)
        check("GET sessions%s -> 400 naming %s" % (query, needle),
              is_error(st, r, 400, "bad_request", needle), (st, r))
    st, _, _ = emu.request("GET", "/api/v1/sessions", key=None)
    check("GET sessions without an API key -> 401", st == 401, st)
    st, _, _ = emu.request("POST", "/api/v1/sessions", {})
    check("POST sessions -> 405", st == 405, st)


def run(emu):
    _, r = emu.post("create_session", {"tags": [], "user_metadata": {}, "type": "create_session"})
    sid = r["session_id"]
    _, r = emu.post("create_session", {"tags": [], "user_metadata": {}, "type": "create_session"},
                    key=KEY2)
    sid2 = r["session_id"]

    ts.create_model(emu, sid, 0)
    run1 = sid + ":train:0"
    trainer = ts.Trainer(emu, run1)
    trainer.fwdbwd()
    trainer.optim()
    paths = {"0001": save(trainer, "0001"), "0002": save(trainer, "0002"),
             "final": save(trainer, "final", sampler=True)}
    save(trainer, "short-lived", ttl_seconds=600)
    st, r = trainer.json("save_weights_for_sampler", {"sampling_session_seq_id": 5,
                                                      "type": "save_weights_for_sampler"})
    check("setup: an unnamed sampler save (ephemeral checkpoint)",
          isinstance(r, dict) and "ephemeral" in r.get("path", ""), r)
    ts.create_model(emu, sid, 1)
    run2 = sid + ":train:1"
    save(ts.Trainer(emu, run2), "other-run")
    ts.create_model(emu, sid, 2)
    empty_run = sid + ":train:2"
    ts.create_model(emu, sid2, 9, key=KEY2)
    other_run = sid2 + ":train:9"
    save(ts.Trainer(emu, other_run, key=KEY2), "theirs")

    test_list_run(emu, run1, paths, empty_run, other_run)
    test_list_user(emu, run1, run2)
    test_methods(emu, run1)
    test_publish(emu, run1, sid2, paths)
    test_ttl(emu, run1, trainer)
    test_suffix_names(emu, run1, trainer)
    test_delete(emu, run1, sid, trainer, paths)
    test_session_project(emu, sid, sid2)
    a, b = test_get_session(emu, sid, sid2)
    test_list_sessions(emu, sid, sid2, a, b)


def main():
    return ts.run_smoke("emu-rest-", lambda emu, _data_dir: run(emu))


if __name__ == "__main__":
    sys.exit(main())
