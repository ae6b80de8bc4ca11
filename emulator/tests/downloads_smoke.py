#!/usr/bin/env python3
"""Smoke test for tinker-emulator's downloads (docs/emulator.md "Checkpoint archives", "Trace
exports", "Downloads"): GET …/checkpoints/{id}/archive and GET sessions/{id}/trace_export, and
the signed URLs they hand out.

Usage: downloads_smoke.py path/to/tinker-emulator

Archives: 503 while building (archive_build_ms keeps the build going), then 302 with Location
and Expires; following Location without an API key gives a .tar.gz that Python's tarfile opens,
holding exactly checkpoint.ckpt (the saved file, byte for byte) and metadata.json; a tampered
signature or expiry is 403, an expired URL 410; saving over the checkpoint builds a new archive;
another user's private checkpoint is a 404, a published one is theirs to download; unknown and
malformed ids. Trace exports: pending for the first call and trace_export_pending_polls more (with the setting at 0
the first call is held until the file is written, as archives are with archive_build_ms 0),
then ready with a URL serving the session's requests (and not another session's); a failed
export (trace_export_failures) is reported once, then a new export starts; 404s.

Python standard library only; the harness is training_smoke.py's. Prints "N passed, M failed";
exits 1 on any failure.
"""

import email.utils
import io
import json
import os
import sys
import tarfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training_smoke as ts  # noqa: E402  (the shared harness)
import rest_smoke as rs  # noqa: E402  (REST helpers)
import store_smoke as sts  # noqa: E402  (sessions, runs)

KEY, KEY2 = ts.KEY, ts.KEY2
check = ts.check


def get_raw(emu, path, key=KEY):
    """(status, headers dict with lower-case names, body bytes) of a GET, redirects not followed."""
    import http.client
    conn = http.client.HTTPConnection(emu.host, emu.port, timeout=60)
    headers = {"Accept": "application/json"}
    if key is not None:
        headers["X-API-Key"] = key
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, body)
    conn.close()
    return out


def archive(emu, run, cid, key=KEY):
    return get_raw(emu, "/api/v1/" + rs.ckpt_url(run, cid, "/archive"), key)


def wait_archive(emu, run, cid, key=KEY, timeout_s=30):
    """Asks until the answer is not a 503; (503s seen, final answer)."""
    seen = 0
    deadline = time.time() + timeout_s
    while True:
        st, h, body = archive(emu, run, cid, key)
        if st != 503 or time.time() > deadline:
            return seen, (st, h, body)
        seen += 1
        time.sleep(0.1)


def local(url):
    """The path and query of a URL the emulator handed out."""
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def with_query(url, **changes):
    u = urllib.parse.urlsplit(url)
    q = dict(urllib.parse.parse_qsl(u.query))
    q.update(changes)
    q = {k: v for k, v in q.items() if v is not None}
    return u.path + "?" + urllib.parse.urlencode(q)


def config(emu, **settings):
    st, r = emu.admin("POST", "config", settings)
    if st != 200:
        raise RuntimeError("config %s: %s" % (settings, r))


def members(body):
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tf:
        return [(m.name, m.isfile(), tf.extractfile(m).read() if m.isfile() else None) for m in tf.getmembers()]


# ---- archives ---------------------------------------------------------------------------------

def test_archive(emu):
    sid = sts.new_session(emu)
    run = sts.create_model(emu, sid, 0)
    trainer = ts.Trainer(emu, run)
    trainer.fwdbwd()
    path = rs.save(trainer, "arch")
    file = rs.admin_checkpoint(emu, path)["file"]

    config(emu, archive_build_ms=1500)
    t0 = time.time()
    st, h, body = archive(emu, run, "weights/arch")
    err = json.loads(body)
    check("archive: the first request starts the build and answers 503 with a JSON error body",
          st == 503 and err.get("code") == "archive_pending" and "application/json" in h.get("content-type", ""),
          (st, h, body))
    seen, (st, h, body) = wait_archive(emu, run, "weights/arch")
    check("archive: 503 while building (archive_build_ms 1500), then ready",
          seen >= 3 and time.time() - t0 >= 1.4, (seen, time.time() - t0))
    check("archive: once built, 302 with Location and Expires", st == 302 and "location" in h and "expires" in h,
          (st, h, body))
    loc = h["location"]
    check("archive: Location is the emulator's own signed URL",
          loc.startswith("http://%s:%d/_emulator/downloads/" % (emu.host, emu.port)) and "sig=" in loc and
          "expires=" in loc, loc)
    exp_http = email.utils.parsedate_to_datetime(h["expires"]).timestamp()
    check("archive: Expires is an HTTP date about 15 minutes ahead, the URL's expiry",
          h["expires"].endswith(" GMT") and abs(exp_http - time.time() - 900) < 30 and
          int(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))["expires"]) == int(exp_http),
          (h["expires"], loc))
    out = json.loads(body)
    check("archive: the 302's body is {url, expires} (RFC 3339) naming the same URL",
          out.get("url") == loc and rs.RFC3339.match(out.get("expires", "")) and
          abs(rs.unix_of(out["expires"].replace("Z", ".0Z")) - exp_http) < 1, out)

    st, h, gz = get_raw(emu, local(loc), key=None)
    check("archive download: 200 without an API key, gzip", st == 200 and gz[:2] == b"\x1f\x8b" and
          h.get("content-type") == "application/gzip", (st, h, gz[:20]))
    m = members(gz)
    check("archive: the .tar.gz opens with tarfile and holds checkpoint.ckpt and metadata.json, regular files",
          [(n, f) for n, f, _ in m] == [("checkpoint.ckpt", True), ("metadata.json", True)], m)
    saved = open(file, "rb").read()
    check("archive: checkpoint.ckpt is the saved checkpoint file, byte for byte", m[0][2] == saved,
          (len(m[0][2] or b""), len(saved)))
    meta = json.loads(m[1][2])
    check("archive: metadata.json describes the checkpoint",
          meta.get("tinker_path") == path and meta.get("checkpoint_id") == "weights/arch" and
          meta.get("base_model") == ts.TINY and meta.get("size_bytes") == len(saved), meta)
    with tarfile.open(fileobj=io.BytesIO(gz), mode="r:gz") as tf:
        names_safe = all(not x.name.startswith("/") and ".." not in x.name.split("/") for x in tf.getmembers())
    check("archive: member names are relative without '..'", names_safe)

    sig = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(loc).query))["sig"]
    bad = ("0" if sig[0] != "0" else "1") + sig[1:]
    for what, url in [("a tampered signature", with_query(loc, sig=bad)),
                      ("no signature", with_query(loc, sig=None)),
                      ("a stretched expiry", with_query(loc, expires=str(int(exp_http) + 3600))),
                      ("another token", local(loc).replace("/downloads/", "/downloads/0"))]:
        st, _, body = get_raw(emu, url, key=None)
        check("archive download with %s -> 403" % what, st == 403 and b"signature" in body, (st, body))

    # Ready: later requests answer 302 at once. A short URL lifetime makes one expire.
    config(emu, download_url_ttl_sec=1)
    st, h, _ = archive(emu, run, "weights/arch")
    check("archive: a built archive answers 302 at once", st == 302, st)
    time.sleep(2.1)
    st, _, body = get_raw(emu, local(h["location"]), key=None)
    check("archive download after the URL expired -> 410", st == 410 and b"expired" in body, (st, body))
    config(emu, download_url_ttl_sec=900, archive_build_ms=0)

    # Saving over the checkpoint makes the next archive a new one.
    trainer.optim()
    st, r = trainer.json("save_weights", {"path": "arch", "overwrite": True, "type": "save_weights"})
    seen, (st, h, _) = wait_archive(emu, run, "weights/arch")
    m = members(get_raw(emu, local(h.get("location", "")), key=None)[2]) if st == 302 else []
    check("archive: after saving over the checkpoint, a new archive of the new file, at the first request (the "
          "emulator holds it while building when archive_build_ms is 0)",
          seen == 0 and st == 302 and m and m[0][2] == open(file, "rb").read() and m[0][2] != saved,
          (seen, st))

    # Two users.
    st, _, body = archive(emu, run, "weights/arch", key=KEY2)
    check("archive of another user's private checkpoint -> 404", st == 404 and b"not_found" in body, (st, body))
    rs.publish(emu, run, "weights/arch")
    _, (st, h, _) = wait_archive(emu, run, "weights/arch", key=KEY2)
    check("archive of another user's published checkpoint -> 302", st == 302 and "location" in h, st)
    for cid, status, code in [("weights/none", 404, b"not_found"), ("optimizer/x", 400, b"bad_request"),
                              ("weights", 400, b"bad_request")]:
        st, _, body = archive(emu, run, cid)
        check("archive of %s -> %d" % (cid, status), st == status and code in body, (st, body))
    st, _, body = archive(emu, "nobody:train:0", "weights/arch")
    check("archive of an unknown run's checkpoint -> 404", st == 404, (st, body))
    st, _, _ = archive(emu, run, "weights/arch", key=None)
    check("archive without an API key -> 401", st == 401, st)


# ---- trace exports ----------------------------------------------------------------------------

def trace(emu, sid, key=KEY):
    return rs.call(emu, "GET", "sessions/%s/trace_export" % sid, key=key)


def poll_trace(emu, sid, timeout_s=30):
    """Polls until the status is not pending: (statuses seen, final answer)."""
    seen = []
    deadline = time.time() + timeout_s
    while True:
        st, r = trace(emu, sid)
        seen.append(r.get("status") if isinstance(r, dict) else st)
        if st != 200 or r.get("status") != "pending" or time.time() > deadline:
            return seen, r
        time.sleep(0.05)


def test_trace(emu):
    sid = sts.new_session(emu)
    other = sts.new_session(emu)
    run = sts.create_model(emu, sid, 0)
    ts.Trainer(emu, run).fwdbwd()
    sts.create_model(emu, other, 0)

    config(emu, trace_export_pending_polls=2)
    seen, r = poll_trace(emu, sid)
    check("trace export: pending for the first call and 2 more (trace_export_pending_polls), then ready",
          seen[:3] == ["pending"] * 3 and seen[-1] == "ready" and r.get("url"), (seen, r))
    check("trace export: a ready answer has only status and url", set(r) == {"status", "url"}, r)
    st, h, body = get_raw(emu, local(r["url"]), key=None)
    check("trace download: 200 JSON without an API key", st == 200 and h.get("content-type") == "application/json",
          (st, h))
    doc = json.loads(body)
    entries = doc["entries"]
    paths = [e["path"] for e in entries]
    check("trace: the session's requests: its create_session, create_model and forward_backward",
          doc["session_id"] == sid and "/api/v1/create_session" in paths and "/api/v1/create_model" in paths and
          "/api/v1/forward_backward" in paths, paths)
    check("trace: nothing of another session",
          all(other not in json.dumps(e) for e in entries) and
          sum(p == "/api/v1/create_session" for p in paths) == 1, paths)
    st, _, body = get_raw(emu, with_query(r["url"], sig="00" * 32), key=None)
    check("trace download with a tampered signature -> 403", st == 403, (st, body))

    config(emu, trace_export_pending_polls=0, trace_export_failures=1)
    seen, r = poll_trace(emu, sid)
    check("trace export with trace_export_failures: failed with the reason at the first call (held while written)",
          seen == ["failed"] and r.get("status") == "failed" and "trace_export_failures" in r.get("error", "") and
          r.get("url") is None, (seen, r))
    seen, r = poll_trace(emu, sid)
    check("trace export after a failure: a new export that succeeds at the first call", seen == ["ready"] and
          r.get("status") == "ready", (seen, r))

    st, r = trace(emu, sid, key=KEY2)
    check("trace export of another user's session -> 404", rs.is_error(st, r, 404, "not_found"), (st, r))
    st, r = trace(emu, "no-such-session")
    check("trace export of an unknown session -> 404", rs.is_error(st, r, 404, "not_found"), (st, r))


def run(emu, _data_dir):
    test_archive(emu)
    test_trace(emu)


def main():
    return ts.run_smoke("emu-downloads-", run)


if __name__ == "__main__":
    sys.exit(main())
