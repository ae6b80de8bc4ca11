#!/usr/bin/env python3
"""Smoke test for tinker-emulator's audit log and billing usage (docs/emulator.md "Audit log",
"Billing"): GET /api/v1/audit and GET /api/v1/billing/usage/events.

Usage: usage_smoke.py path/to/tinker-emulator

Audit: after a session, a run, saves, publish, unpublish, two TTL changes, a delete, an archive
URL and an expiry, the checkpoint entries come in order with their paths and purposes; "all"
adds the session and run creation; a day filters (today: all, another day: none); another
user sees none of it; every 400. Billing: the training tokens of forward_backward and forward,
the prefill and sampled tokens of asample, the checkpoint saves, and storage gigabyte-hours
matching the files' sizes and ages, in hourly UTC buckets with the session's project and
metadata; storage stops growing once the files are deleted; another user's usage is not
included; every 400 of the window rules.

Python standard library only; the harness is training_smoke.py's. Prints "N passed, M failed";
exits 1 on any failure.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training_smoke as ts  # noqa: E402  (the shared harness)
import sampling_smoke as ss  # noqa: E402  (sample requests)
import rest_smoke as rs  # noqa: E402  (REST helpers)
import store_smoke as sts  # noqa: E402  (sessions, runs)

KEY, KEY2 = ts.KEY, ts.KEY2
KEY3 = "tml-usage-smoke-key-3"
check = ts.check
call = rs.call


def hour_text(t):
    return time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(t))


def audit(emu, query="", key=KEY3):
    return call(emu, "GET", "audit" + query, key=key)


def usage(emu, start, end, key=KEY):
    return call(emu, "GET", "billing/usage/events?starting_on=%s&ending_before=%s" % (start, end), key=key)


def window():
    """The previous, current hours: a window that holds everything this test did."""
    hour = int(time.time() // 3600 * 3600)
    return hour_text(hour - 3600), hour_text(hour + 3600)


# ---- audit ------------------------------------------------------------------------------------

def test_audit(emu):
    sid = sts.new_session(emu, KEY3)
    run = sts.create_model(emu, sid, 0, key=KEY3)
    trainer = ts.Trainer(emu, run, key=KEY3)
    a = rs.save(trainer, "a")
    s = rs.save(trainer, "s", sampler=True)
    trainer.json("save_weights_for_sampler", {"sampling_session_seq_id": 1, "type": "save_weights_for_sampler"})
    rs.publish(emu, run, "weights/a", key=KEY3)
    rs.unpublish(emu, run, "weights/a", key=KEY3)
    rs.set_ttl(emu, run, "weights/a", 600, key=KEY3)
    rs.set_ttl(emu, run, "weights/a", None, key=KEY3)
    rs.delete(emu, run, "weights/a", key=KEY3)
    st = 503
    for _ in range(200):
        st, _ = call(emu, "GET", rs.ckpt_url(run, "sampler_weights/s", "/archive"), key=KEY3)
        if st != 503:
            break
        time.sleep(0.05)
    check("setup: an archive URL of s", st == 302, st)
    rs.set_ttl(emu, run, "sampler_weights/s", 1, key=KEY3)
    time.sleep(1.3)

    st, r = audit(emu, "?event_type=checkpoints")
    got = [(e["event"], e.get("tinker_path"), e.get("purpose")) for e in r.get("entries", [])]
    want = [("checkpoint_saved", a, "training"), ("checkpoint_saved", s, "sampler"),
            ("checkpoint_published", a, None), ("checkpoint_unpublished", a, None),
            ("checkpoint_ttl_set", a, "ttl 600s"), ("checkpoint_ttl_set", a, "ttl removed"),
            ("checkpoint_deleted", a, None), ("checkpoint_archive_download", s, "archive"),
            ("checkpoint_ttl_set", s, "ttl 1s"), ("checkpoint_expired", s, "ttl")]
    check("audit?event_type=checkpoints: save (weights, sampler), publish, unpublish, TTL set and removed, "
          "delete, archive URL, TTL, expiry, oldest first (the unnamed sampler save left out)",
          st == 200 and got == want, (st, got))
    check("audit: every checkpoint entry names the run",
          all(e.get("model_id") == run for e in r["entries"]), r["entries"])
    times = [rs.unix_of(e["timestamp"]) for e in r["entries"]]
    check("audit: timestamps are RFC 3339, non-decreasing, about now",
          all(rs.RFC3339.match(e["timestamp"]) for e in r["entries"]) and times == sorted(times) and
          abs(times[0] - time.time()) < 60, times)
    st, r_all = audit(emu, "?event_type=all")
    events = [e["event"] for e in r_all.get("entries", [])]
    check("audit?event_type=all: the session and run creation too, then the checkpoint events",
          st == 200 and events[:2] == ["session_created", "training_run_created"] and
          [(e["event"], e.get("tinker_path"), e.get("purpose")) for e in r_all["entries"][2:]] == want,
          (st, events))
    check("audit: training_run_created names the run and how it was made",
          r_all["entries"][1].get("model_id") == run and r_all["entries"][1].get("purpose") == "create_model",
          r_all["entries"][1])
    st, r = audit(emu)
    check("audit without event_type: all events", st == 200 and r == r_all, (st, r))
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time()))
    st, r = audit(emu, "?event_type=all&day=" + today)
    # A test running across midnight UTC could split the entries; it then just checks the subset.
    check("audit&day=today: today's entries", st == 200 and r["entries"] and
          all(e in r_all["entries"] for e in r["entries"]), (st, r))
    st, r = audit(emu, "?event_type=all&day=2000-01-01")
    check("audit&day=another day: no entries", st == 200 and r == {"entries": []}, (st, r))
    st, r = audit(emu, "?event_type=all", key=KEY2)
    check("audit: another user's log has none of these entries",
          st == 200 and all(e.get("model_id") != run for e in r["entries"]), (st, r))
    for query, needle in [("?event_type=bogus", "event_type"), ("?event_type=", "event_type"),
                          ("?day=2026-13-01", "day"), ("?day=2026-02-30", "day"), ("?day=20260101", "day"),
                          ("?day=yesterday", "day"), ("?day=2026-1-01", "day")]:
        st, r = audit(emu, query)
        check("audit%s -> 400 naming %s" % (query, needle), rs.is_error(st, r, 400, "bad_request", needle), (st, r))


# ---- billing ----------------------------------------------------------------------------------

def sum_by(events, etype, field):
    return sum(e["event_info"].get(field, 0) for e in events if e["event_info"]["type"] == etype)


def test_billing(emu):
    sid = sts.new_session(emu, project_id="bill-proj", user_metadata={"team": "blue", "size": 3})
    run = sts.create_model(emu, sid, 0)
    trainer = ts.Trainer(emu, run)
    short = ts.SEQ[:6]
    for _ in range(2):
        trainer.fwdbwd(data=[ts.ce_datum(), ts.ce_datum(short)])  # 13 + 5 input tokens
    trainer.forward()                                              # 13
    trained = 2 * (13 + 5) + 13
    paths = [rs.save(trainer, "b1"), rs.save(trainer, "b2", sampler=True)]
    _, r = trainer.json("save_weights_for_sampler", {"sampling_session_seq_id": 7, "type": "save_weights_for_sampler"})
    paths.append(r["path"])
    _, r = ss.create_sampling_session(emu, sid, 0, base_model=ts.TINY)
    sampler = ss.Sampler(emu, r["sampling_session_id"])
    for _ in range(2):
        sampler.sample(ss.text("Hi!!"), n=2, params={"max_tokens": 5, "seed": 3})  # 4 prompt, 2 x 5 sampled
    # Someone else's usage, which must not show.
    other = sts.new_session(emu, KEY2)
    ts.Trainer(emu, sts.create_model(emu, other, 0, key=KEY2), key=KEY2).fwdbwd()

    ckpts = [rs.admin_checkpoint(emu, p) for p in paths]
    start, end = window()
    t0 = time.time()
    st, r = usage(emu, start, end)
    t1 = time.time()
    ev = r.get("data", []) if isinstance(r, dict) else []
    check("billing: 200 with data and sessions", st == 200 and set(r) == {"data", "sessions"}, (st, r))
    check("billing: training tokens = the forward_backward and forward input tokens",
          sum_by(ev, "training", "token_count") == trained, (sum_by(ev, "training", "token_count"), trained))
    check("billing: sampling_prefill tokens = the prompts, not cached",
          sum_by(ev, "sampling_prefill", "token_count") == 8 and
          all(e["event_info"].get("cached") is False for e in ev if e["event_info"]["type"] == "sampling_prefill"), ev)
    check("billing: sampling_sample tokens = the sampled tokens",
          sum_by(ev, "sampling_sample", "token_count") == 20, ev)
    check("billing: checkpoint count = the saves (the unnamed sampler save included)",
          sum_by(ev, "checkpoint", "count") == 3, ev)
    lo = sum(c["size_bytes"] / 1e9 * (t0 - c["created_unix"]) / 3600 for c in ckpts)
    hi = sum(c["size_bytes"] / 1e9 * (t1 - c["created_unix"]) / 3600 for c in ckpts)
    gbh = sum_by(ev, "storage", "gigabyte_hours")
    check("billing: storage gigabyte-hours = the files' sizes x their ages",
          lo * 0.999 <= gbh <= hi * 1.001 and gbh > 0, (lo, gbh, hi))
    me = sts.admin_user(emu, KEY)
    fields_ok = all(e["bucket_start"].endswith(":00:00Z") and
                    rs.unix_of(e["bucket_end"].replace("Z", ".0Z")) - rs.unix_of(e["bucket_start"].replace("Z", ".0Z")) == 3600
                    and e.get("session_id") == sid and e.get("base_model") == ts.TINY and
                    e.get("project_id") == "bill-proj" and e.get("user_id") == me
                    for e in ev)
    check("billing: hourly UTC buckets, each with user, session, project and base model", fields_ok and ev, ev)
    by_type = {}
    for e in ev:
        by_type.setdefault(e["event_info"]["type"], set()).add(frozenset(e["event_info"]))
    check("billing: event_info holds its type's fields only",
          by_type == {"training": {frozenset({"type", "token_count"})},
                      "sampling_prefill": {frozenset({"type", "token_count", "cached"})},
                      "sampling_sample": {frozenset({"type", "token_count"})},
                      "checkpoint": {frozenset({"type", "count"})},
                      "storage": {frozenset({"type", "gigabyte_hours"})}}, by_type)
    check("billing: sessions gives each named session's user_metadata as strings",
          r.get("sessions") == {sid: {"user_metadata": {"team": "blue", "size": "3"}}}, r.get("sessions"))

    for p in paths:
        check("setup: delete " + p, rs.delete(emu, run, p[len("tinker://" + run + "/"):])[0] == 200)
    first = sum_by(usage(emu, start, end)[1]["data"], "storage", "gigabyte_hours")
    time.sleep(0.5)
    second = sum_by(usage(emu, start, end)[1]["data"], "storage", "gigabyte_hours")
    check("billing: storage stops growing once the files are deleted", first == second and first > 0, (first, second))

    st, r = usage(emu, start, end, key=KEY2)
    check("billing: another user's usage has none of these sessions",
          st == 200 and all(e.get("session_id") == other for e in r["data"]) and list(r["sessions"]) == [other],
          (st, r))

    hour = int(time.time() // 3600 * 3600)
    bad = [("", end, "starting_on is required"), (start, "", "ending_before is required"),
           ("yesterday", end, "RFC 3339"), ("2026-01-01 00:00:00Z", end, "RFC 3339"),
           (start.replace("Z", "+01:00"), end, "UTC"), (start[:14] + "30:00Z", end, "whole hour"),
           (start[:17] + "01Z", end, "whole hour"), (start.replace("Z", ".5Z"), end, "whole hour"),
           (start, start, "after"), (end, start, "after"), ("2026-02-30T00:00:00Z", end, "no such day"),
           (hour_text(hour - 15 * 86400), end, "14 days"),
           (hour_text(hour + 3600), hour_text(hour + 7200), "starting_on is in the future"),
           (hour_text(hour), hour_text(hour + 7200), "ending_before is in the future")]
    for s, e, needle in bad:
        q = "billing/usage/events?" + "&".join(
            x for x in (("starting_on=" + s) if s else "", ("ending_before=" + e) if e else "") if x)
        st, r = call(emu, "GET", q.replace("+", "%2B").replace(" ", "%20"))
        check("billing starting_on=%r ending_before=%r -> 400 (%s)" % (s, e, needle),
              rs.is_error(st, r, 400, "bad_request", needle), (st, r))
    st, r = usage(emu, hour_text(hour - 14 * 86400 + 3600), hour_text(hour + 3600))
    check("billing: a window of exactly 14 days ending with the current hour is allowed", st == 200, (st, r))
    st, r = usage(emu, start.replace("Z", "%2B00:00"), end.replace("Z", "%2B00:00"))
    st2, r2 = usage(emu, start, end)
    check("billing: +00:00 is UTC as Z is (the same answer)", st == 200 and st2 == 200 and r == r2, (st, r))


def run(emu, _data_dir):
    test_audit(emu)
    test_billing(emu)


def main():
    return ts.run_smoke("emu-usage-", run)


if __name__ == "__main__":
    sys.exit(main())
