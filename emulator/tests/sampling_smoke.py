#!/usr/bin/env python3
"""Smoke test for tinker-emulator's sampling (docs/emulator.md "Sampling").

Usage: sampling_smoke.py path/to/tinker-emulator

Starts the emulator on a free port and drives create_session and create_sampling_session
(base model, sampler checkpoint, training checkpoint, the ephemeral sampler of an unnamed
save; identical resends after a lost answer), asample (protobuf and legacy JSON results,
seeds, stop tokens, stop strings, max_tokens, greedy decoding, top_k, prompt logprobs against
forward's, top-k prompt logprobs, the synthetic model, seq_id resends, 404s and 400s),
backpressure (429 over sample_max_concurrent), injected expiry (410), GET
/api/v1/samplers/{id} and the request log. Each check is named for the rule it asserts.

Python standard library only; the protobuf helpers and the emulator harness are those of
training_smoke.py (same directory), plus a SampleResponse decoder below. Prints
"N passed, M failed"; exits 1 on any failure.
"""

import http.client
import json
import math
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import training_smoke as ts  # noqa: E402  (the shared harness and protobuf codec)

KEY, KEY2 = ts.KEY, ts.KEY2
TINY = ts.TINY
SYNTHETIC = "tinker-emulator/synthetic"
PROTO = {"Accept": "application/x-protobuf"}
BACKPRESSURE = {"X-Tinker-Sampling-Backpressure": "1"}

check = ts.check  # one pass/fail count for the whole run (ts.run_smoke prints it)


# ---- SampleResponse (protocol.md §1.6.1) ---------------------------------------------------

STOP_REASONS = {0: "stop", 1: "length"}
TOPK_NO_DATA = -99999.0


def floats(b):
    return list(struct.unpack("<%df" % (len(b) // 4), b))


def int32s(b):
    return list(struct.unpack("<%di" % (len(b) // 4), b))


def topk_rows(ids, lps, n, k):
    """The dense matrix as rows of (id, logprob) pairs with the SDK's sentinel rules."""
    rows = []
    for r in range(n):
        cells = [(ids[r * k + i], lps[r * k + i]) for i in range(k)]
        if cells and cells[0] == (0, TOPK_NO_DATA):
            rows.append(None)
            continue
        while cells and cells[-1] == (0, TOPK_NO_DATA):
            cells.pop()
        rows.append(cells)
    return rows


def decode_sample_response(buf):
    out = {"sequences": [], "prompt_logprobs": None, "topk": None, "cache_hits": 0}
    topk = None
    for f, _, v in ts.pb_fields(buf):
        if f == 1:
            seq = {"stop_reason": "stop", "tokens": [], "logprobs": None}
            for sf, _, sv in ts.pb_fields(v):
                if sf == 1:
                    seq["stop_reason"] = STOP_REASONS[sv]
                elif sf == 2:
                    seq["tokens"] = int32s(sv)
                elif sf == 3:
                    seq["logprobs"] = floats(sv)
            out["sequences"].append(seq)
        elif f == 2:
            out["prompt_logprobs"] = floats(v)
        elif f == 3:
            topk = {"ids": [], "lps": [], "k": 0, "n": 0}
            for tf, _, tv in ts.pb_fields(v):
                if tf == 1:
                    topk["ids"] = int32s(tv)
                elif tf == 2:
                    topk["lps"] = floats(tv)
                elif tf == 3:
                    topk["k"] = tv
                elif tf == 4:
                    topk["n"] = tv
        elif f == 4:
            out["cache_hits"] = v
    if topk is not None:
        out["topk"] = topk_rows(topk["ids"], topk["lps"], topk["n"], topk["k"])
        out["topk_k"] = topk["k"]
    return out


def normalise_json(obj):
    """The legacy JSON SampleResponse in the shape decode_sample_response gives (float32s)."""
    out = {"sequences": [], "prompt_logprobs": None, "topk": None,
           "cache_hits": obj.get("prompt_cache_hit_tokens", 0)}
    for s in obj["sequences"]:
        out["sequences"].append({"stop_reason": s["stop_reason"], "tokens": s["tokens"],
                                 "logprobs": [ts.f32(x) for x in s["logprobs"]]
                                 if "logprobs" in s else None})
    if "prompt_logprobs" in obj:
        out["prompt_logprobs"] = [math.nan if x is None else ts.f32(x)
                                  for x in obj["prompt_logprobs"]]
    if "topk_prompt_logprobs" in obj:
        out["topk"] = [None if row is None else [(i, ts.f32(lp)) for i, lp in row]
                       for row in obj["topk_prompt_logprobs"]]
    return out


def same_floats(a, b):
    """Bit-for-bit float equality, NaN equal to NaN."""
    return a is not None and b is not None and len(a) == len(b) and \
        all(struct.pack("<f", x) == struct.pack("<f", y) for x, y in zip(a, b))


# ---- requests -----------------------------------------------------------------------------

def text(s):
    return [ord(c) for c in s]


def prompt(tokens):
    return {"chunks": [{"tokens": list(tokens), "type": "encoded_text"}]}


def sample_body(ssid, seq, tokens, params=None, n=1, prompt_logprobs=False, topk=0):
    """A body as a sampling client sends it (protocol.md §7.8)."""
    p = {"temperature": 1.0, "top_k": -1, "top_p": 1.0}
    p.update(params or {})
    return {"num_samples": n, "prompt": prompt(tokens), "sampling_params": p,
            "sampling_session_id": ssid, "seq_id": seq, "prompt_logprobs": prompt_logprobs,
            "topk_prompt_logprobs": topk, "type": "sample"}


class Sampler:
    """One sampling client: its session and its seq_id counter (from 0, §5.3)."""

    def __init__(self, emu, ssid, key=KEY):
        self.emu, self.ssid, self.key, self.seq = emu, ssid, key, 0

    def take(self):
        s = self.seq
        self.seq += 1
        return s

    def submit(self, tokens, seq=None, headers=None, **kw):
        body = sample_body(self.ssid, self.take() if seq is None else seq, tokens, **kw)
        h = dict(BACKPRESSURE)
        h.update(headers or {})
        return self.emu.post("asample", body, self.key, h)

    def result(self, request_id, proto=True):
        """(status, content type, normalised result or the raw JSON answer)."""
        status, ctype, res = self.emu.poll(request_id, proto, self.key)
        if "protobuf" in ctype:
            return status, ctype, decode_sample_response(res)
        if isinstance(res, dict) and "sequences" in res:
            return status, ctype, normalise_json(res)
        return status, ctype, res

    def sample(self, tokens, proto=True, **kw):
        status, sub = self.submit(tokens, **kw)
        if status != 200:
            return status, sub
        _, _, res = self.result(sub["request_id"], proto)
        return status, res


def tokens_of(res, i=0):
    return res["sequences"][i]["tokens"] if isinstance(res, dict) and "sequences" in res else None


def create_sampling_session(emu, sid, n, key=KEY, headers=None, **fields):
    body = dict(fields, session_id=sid, sampling_session_seq_id=n, type="create_sampling_session")
    return emu.post("create_sampling_session", body, key, headers)


def post_dropped(emu, path, body, headers):
    """A POST whose answer the emulator drops: True when no response came back."""
    try:
        emu.request("POST", "/api/v1/" + path, body, headers)
    except (http.client.HTTPException, ConnectionError):
        return True
    return False


def post_raw(emu, path, body, headers):
    """(status, lower-cased response headers, JSON body) of one POST."""
    conn = http.client.HTTPConnection(emu.host, emu.port, timeout=60)
    h = dict(headers, **{"X-API-Key": KEY, "Content-Type": "application/json"})
    conn.request("POST", "/api/v1/" + path, body=json.dumps(body).encode(), headers=h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, json.loads(data)


def add_fault(emu, **fault):
    status, r = emu.admin("POST", "faults", fault)
    if status != 200:
        raise RuntimeError("fault not accepted: %s" % r)
    return r["id"]


def stats(emu):
    return emu.admin("GET", "stats")[1]


def wait_until(cond, timeout_s=30.0):
    """True once cond() holds; False if it still does not after timeout_s (slow sanitizer builds
    get the whole margin, fast ones return at once)."""
    deadline = time.time() + timeout_s
    while not cond():
        if time.time() > deadline:
            return False
        time.sleep(0.05)
    return True


# ---- the tests ----------------------------------------------------------------------------

def test_create_session_resend(emu):
    body = {"tags": ["resend"], "user_metadata": {"k": "v"}, "sdk_version": "0.25.0",
            "type": "create_session"}
    before = len(emu.admin("GET", "sessions")[1]["sessions"])
    add_fault(emu, path="/api/v1/create_session", action="drop_reply")
    key = {"X-Idempotency-Key": "resend-key-1"}
    lost = post_dropped(emu, "create_session", body, dict(key, **{"X-Stainless-Retry-Count": "0"}))
    check("create_session: drop_reply runs the handler and loses the answer", lost)
    sessions = emu.admin("GET", "sessions")[1]["sessions"]
    check("create_session: the dropped request created one session", len(sessions) == before + 1,
          len(sessions) - before)
    created = sessions[-1]["session_id"]
    st, r = emu.post("create_session", body, headers=dict(key, **{"X-Stainless-Retry-Count": "1"}))
    check("create_session: an identical resend (same idempotency key) gets the original session",
          st == 200 and r == {"session_id": created, "type": "create_session"}, (st, r))
    reordered = {"type": "create_session", "sdk_version": "0.25.0", "user_metadata": {"k": "v"},
                 "tags": ["resend"]}
    st, r = emu.post("create_session", reordered, headers=key)
    check("create_session: a resend is the same JSON value, whatever its key order",
          st == 200 and r.get("session_id") == created, (st, r))
    check("create_session: resends create no session",
          len(emu.admin("GET", "sessions")[1]["sessions"]) == before + 1)
    st, r = emu.post("create_session", dict(body, tags=["other"]), headers=key)
    check("create_session: the same idempotency key with another body -> 400",
          st == 400 and r.get("code") == "idempotency_key_reused", (st, r))
    st, r = emu.post("create_session", body, headers={"X-Idempotency-Key": "resend-key-2"})
    check("create_session: another idempotency key creates another session",
          st == 200 and r["session_id"] != created, r)
    st, r = emu.post("create_session", body, key=KEY2, headers=key)
    check("create_session: another user's key space is separate",
          st == 200 and r["session_id"] != created, r)
    _, a = emu.post("create_session", body)
    _, b = emu.post("create_session", body)
    check("create_session: without an idempotency key every request is a new session",
          a["session_id"] != b["session_id"], (a, b))
    log = emu.admin("GET", "log?path=/api/v1/create_session")[1]["entries"]
    dropped = [e for e in log if e["fault"] == "drop_reply"]
    check("create_session: the log shows the lost answer (status 0, fault drop_reply)",
          len(dropped) == 1 and dropped[0]["status"] == 0 and
          dropped[0]["headers"].get("x-idempotency-key") == "resend-key-1", dropped)


def test_create_sampling_session(emu, sid, sid2):
    st, r = create_sampling_session(emu, sid, 0, base_model=TINY)
    check("create_sampling_session on a base model",
          st == 200 and r == {"sampling_session_id": sid + ":sample:0",
                              "type": "create_sampling_session"}, (st, r))

    add_fault(emu, path="/api/v1/create_sampling_session", action="drop_reply")
    body = {"session_id": sid, "sampling_session_seq_id": 1, "base_model": "Qwen/Qwen3-8B",
            "type": "create_sampling_session"}
    key = {"X-Idempotency-Key": "sampling-session-key"}
    lost = post_dropped(emu, "create_sampling_session", body,
                        dict(key, **{"X-Stainless-Retry-Count": "0"}))
    check("create_sampling_session: drop_reply loses the answer", lost)
    st, r = emu.post("create_sampling_session", body,
                     headers=dict(key, **{"X-Stainless-Retry-Count": "1"}))
    check("create_sampling_session: an identical resend gets the original session and body",
          st == 200 and r == {"sampling_session_id": sid + ":sample:1",
                              "type": "create_sampling_session"}, (st, r))
    st, r = emu.post("create_sampling_session", body)
    check("create_sampling_session: a resend without the idempotency key is recognised by its body",
          st == 200 and r.get("sampling_session_id") == sid + ":sample:1", (st, r))
    samplers = [s for s in emu.admin("GET", "samplers")[1]["samplers"]
                if s["sampling_session_id"] == sid + ":sample:1"]
    check("create_sampling_session: the resend created nothing new",
          len(samplers) == 1 and samplers[0]["base_model"] == "Qwen/Qwen3-8B", samplers)
    st, r = create_sampling_session(emu, sid, 1, base_model=TINY)
    check("create_sampling_session: the same seq id for another model -> 400 naming the seq id",
          st == 400 and "sampling_session_seq_id" in r.get("error", ""), (st, r))
    st, r = create_sampling_session(emu, sid, 1, key=KEY2, base_model="Qwen/Qwen3-8B")
    check("create_sampling_session: the same body from another user -> 404 (not their session)",
          st == 404, (st, r))
    log = [e for e in emu.admin("GET", "log?path=/api/v1/create_sampling_session")[1]["entries"]
           if e["headers"].get("x-idempotency-key") == "sampling-session-key"]
    check("create_sampling_session: the log shows the lost answer and the resend",
          [(e["status"], e["fault"], e["headers"].get("x-stainless-retry-count")) for e in log] ==
          [(0, "drop_reply", "0"), (200, None, "1")], log)
    for name, fields, status, needle in [
            ("neither model_path nor base_model", {}, 400, "model_path"),
            ("unknown base model", {"base_model": "no-such/model"}, 400, "no-such/model"),
            ("malformed path", {"model_path": "tinker://x"}, 400, "tinker://"),
            ("base_model not a string", {"base_model": 5}, 400, "base_model")]:
        st, r = create_sampling_session(emu, sid, 50, **fields)
        check("create_sampling_session: %s -> %d" % (name, status),
              st == status and needle in r.get("error", ""), (st, r))
    st, r = create_sampling_session(emu, sid2, 0, base_model=TINY)
    check("create_sampling_session in another user's session -> 404", st == 404, st)


def test_get_sampler(emu, sid, ckpt_ssid, ckpt_path):
    st, ctype, data = emu.request("GET", "/api/v1/samplers/%s:sample:0" % sid)
    r = json.loads(data)
    check("GET samplers/{id}: a base-model sampler", st == 200 and
          r == {"sampler_id": sid + ":sample:0", "base_model": TINY}, (st, r))
    st, _, data = emu.request("GET", "/api/v1/samplers/" + ckpt_ssid)
    r = json.loads(data)
    check("GET samplers/{id}: a checkpoint sampler names its model_path", st == 200 and
          r == {"sampler_id": ckpt_ssid, "base_model": TINY, "model_path": ckpt_path}, (st, r))
    st, _, _ = emu.request("GET", "/api/v1/samplers/%s:sample:0" % sid, key=KEY2)
    check("GET samplers/{id}: another user's sampler -> 404", st == 404, st)
    st, _, _ = emu.request("GET", "/api/v1/samplers/nope:sample:0")
    check("GET samplers/{id}: unknown -> 404", st == 404, st)


def test_result_forms(emu, s):
    st, sub = s.submit(text("Hello"), params={"max_tokens": 6, "seed": 11}, n=2,
                       prompt_logprobs=True, topk=3)
    check("asample answers a future", st == 200 and set(sub) == {"request_id"}, (st, sub))
    rid = sub["request_id"]
    _, ctype, pb = s.result(rid, proto=True)
    check("asample result: protobuf SampleResponse when Accept asks for it",
          "application/x-protobuf" in ctype and len(pb["sequences"]) == 2, ctype)
    _, ctype, js = s.result(rid, proto=False)
    check("asample result: legacy JSON without a protobuf Accept",
          "application/json" in ctype and isinstance(js, dict) and "sequences" in js, ctype)
    check("asample result: both forms carry the same sequences, logprobs and prompt data",
          [q["tokens"] for q in pb["sequences"]] == [q["tokens"] for q in js["sequences"]] and
          all(same_floats(a["logprobs"], b["logprobs"])
              for a, b in zip(pb["sequences"], js["sequences"])) and
          same_floats(pb["prompt_logprobs"], js["prompt_logprobs"]) and pb["topk"] == js["topk"],
          (pb, js))
    check("asample result: max_tokens ends a sequence with stop_reason length",
          all(len(q["tokens"]) == 6 and q["stop_reason"] == "length" and len(q["logprobs"]) == 6
              for q in pb["sequences"]), pb["sequences"])
    check("asample result: tokens are byte ids and logprobs are log-probabilities",
          all(0 <= t < 256 for q in pb["sequences"] for t in q["tokens"]) and
          all(x < 0 for q in pb["sequences"] for x in q["logprobs"]), pb["sequences"])
    _, _, raw = emu.poll(rid, True)
    _, _, raw2 = emu.poll(rid, True)
    check("asample result: polled again, the same bytes", raw == raw2)
    log = [e for e in emu.admin("GET", "log?path=/api/v1/asample")[1]["entries"]]
    check("request log: asample entries show seq_id, sampling_session_id and the backpressure header",
          log and log[-1]["seq_id"] == s.seq - 1 and log[-1]["sampling_session_id"] == s.ssid and
          log[-1]["headers"].get("x-tinker-sampling-backpressure") == "1", log[-1:])
    polls = [e for e in emu.admin("GET", "log?path=/api/v1/retrieve_future")[1]["entries"]
             if e["request_id"] == rid]
    check("request log: the polls name the sample's request_id", len(polls) >= 2, polls)


def test_seeds(emu, s):
    params = {"max_tokens": 16, "seed": 1234}
    _, a = s.sample(text("seed"), params=params)
    _, b = s.sample(text("seed"), params=params)
    check("seed: the same seed, prompt and parameters reproduce the tokens",
          tokens_of(a) is not None and tokens_of(a) == tokens_of(b) and
          same_floats(a["sequences"][0]["logprobs"], b["sequences"][0]["logprobs"]), (a, b))
    _, c = s.sample(text("seed"), params=dict(params, seed=1235))
    check("seed: another seed gives other tokens", tokens_of(c) != tokens_of(a), (a, c))
    _, d = s.sample(text("seed"), params={"max_tokens": 16})
    _, e = s.sample(text("seed"), params={"max_tokens": 16})
    check("seed: without a seed each request picks a random one",
          tokens_of(d) != tokens_of(e) and tokens_of(d) != tokens_of(a), (d, e))
    _, m = s.sample(text("seed"), params=params, n=3)
    check("seed: sample 0 of num_samples=3 is the num_samples=1 sample; the others differ",
          tokens_of(m, 0) == tokens_of(a) and tokens_of(m, 1) != tokens_of(m, 0) and
          tokens_of(m, 2) != tokens_of(m, 1), m)


def test_greedy(emu, s):
    _, g = s.sample(text("greedy"), params={"max_tokens": 12, "temperature": 0, "seed": 1})
    _, g2 = s.sample(text("greedy"), params={"max_tokens": 12, "temperature": 0, "seed": 2})
    check("temperature 0: greedy, the same tokens whatever the seed",
          tokens_of(g) is not None and tokens_of(g) == tokens_of(g2), (g, g2))
    _, k1 = s.sample(text("greedy"), params={"max_tokens": 12, "top_k": 1, "seed": 3})
    check("top_k=1 at temperature 1 equals greedy", tokens_of(k1) == tokens_of(g), (k1, g))
    # Each greedy token is the most likely one in its context: the top-1 prompt logprob of
    # the prompt extended by the greedy tokens.
    ext = text("greedy") + tokens_of(g)
    _, t = s.sample(ext, params={"max_tokens": 1}, topk=1)
    rows = t["topk"][len(text("greedy")):]
    check("temperature 0: every greedy token is the argmax of its context",
          [row[0][0] for row in rows] == tokens_of(g), (rows, tokens_of(g)))


def test_stops(emu, s_trained):
    # The trained model continues "a" with "bcdefghijabc..." (a cycle it learnt).
    _, g = s_trained.sample(text("a"), params={"max_tokens": 12, "temperature": 0})
    check("trained model: greedy continues the learnt cycle",
          tokens_of(g) == text("bcdefghijabc"), g)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 12, "temperature": 0,
                                               "stop": [ord("e")]})
    check("stop token: generation stops after the stop token (kept), stop_reason stop",
          tokens_of(r) == text("bcde") and r["sequences"][0]["stop_reason"] == "stop", r)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 12, "temperature": 0,
                                               "stop": [ord("z"), ord("g")]})
    check("stop tokens: any of several stop ids ends the sequence",
          tokens_of(r) == text("bcdefg") and r["sequences"][0]["stop_reason"] == "stop", r)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 12, "temperature": 0,
                                               "stop": ["fgh"]})
    check("stop string: its bytes end the sequence (kept), stop_reason stop",
          tokens_of(r) == text("bcdefgh") and r["sequences"][0]["stop_reason"] == "stop", r)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 12, "temperature": 0,
                                               "stop": ["xyz", "ja"]})
    check("stop strings: the first one to appear ends the sequence",
          tokens_of(r) == text("bcdefghija"), r)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 12, "temperature": 0, "stop": "cd"})
    check("stop: a single string works like a list of one", tokens_of(r) == text("bcd"), r)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 12, "temperature": 0,
                                               "stop": ["hb"]})
    check("stop string: a byte sequence that never appears does not stop (length)",
          tokens_of(r) == text("bcdefghijabc") and r["sequences"][0]["stop_reason"] == "length", r)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 3, "temperature": 0,
                                               "stop": ["fgh"]})
    check("max_tokens before the stop string: stop_reason length",
          tokens_of(r) == text("bcd") and r["sequences"][0]["stop_reason"] == "length", r)
    _, r = s_trained.sample(text("a"), params={"max_tokens": 0})
    check("max_tokens 0: an empty sequence", tokens_of(r) == [], r)
    _, r = s_trained.sample(text("a"), params={"temperature": 0})
    check("max_tokens absent: 16 tokens", tokens_of(r) is not None and len(tokens_of(r)) == 16, r)


def test_logprobs_match_forward(emu, trainer, s_trained):
    p = text("abcdefgxyz")
    _, r = s_trained.sample(p, params={"max_tokens": 4, "seed": 5}, prompt_logprobs=True, topk=5)
    st, fwd = trainer.forward(data=[ts.ce_datum(p)])
    fl = ts.logprobs(fwd) if isinstance(fwd, dict) and "outputs" in fwd else None
    pl = r["prompt_logprobs"]
    check("prompt logprobs: one per prompt token, NaN at position 0",
          pl is not None and len(pl) == len(p) and math.isnan(pl[0]), pl)
    check("prompt logprobs equal forward's logprobs for the same tokens, bit for bit",
          fl is not None and same_floats(pl[1:], fl), (pl, fl))
    seq = r["sequences"][0]
    st, fwd = trainer.forward(data=[ts.ce_datum(p + seq["tokens"])])
    fl = ts.logprobs(fwd)
    check("sampled tokens' logprobs equal forward's (temperature-1 logprobs)",
          same_floats(seq["logprobs"], fl[len(p) - 1:]), (seq, fl))
    rows = r["topk"]
    check("top-k prompt logprobs: prompt_length rows, row 0 without data, k pairs per row",
          rows is not None and len(rows) == len(p) and rows[0] is None and
          all(len(row) == 5 for row in rows[1:]) and r.get("topk_k") == 5, rows)
    check("top-k prompt logprobs: most likely first",
          all(all(row[i][1] >= row[i + 1][1] for i in range(4)) for row in rows[1:]), rows)
    check("top-k prompt logprobs: the best logprob is at least the prompt token's",
          all(row[0][1] >= pl[i + 1] for i, row in enumerate(rows[1:])), (rows, pl))
    check("top-k prompt logprobs: a listed prompt token carries its prompt logprob",
          all(lp == pl[i + 1] for i, row in enumerate(rows[1:]) for tid, lp in row
              if tid == p[i + 1]), rows)
    _, big = s_trained.sample(text("ab"), params={"max_tokens": 1}, topk=1000)
    check("top-k prompt logprobs: k above the vocabulary gives every token (k = 256)",
          big.get("topk_k") == 256 and len(big["topk"][1]) == 256, big.get("topk_k"))
    _, nolp = s_trained.sample(p, params={"max_tokens": 1})
    check("prompt logprobs and top-k absent when not asked for",
          nolp["prompt_logprobs"] is None and nolp["topk"] is None, nolp)


def test_checkpoint_sources(emu, sid, trainer, s_trained, sampler_path):
    st, r = trainer.json("save_weights", {"path": "for-sampling", "overwrite": False,
                                          "type": "save_weights"})
    training_path = r.get("path")
    st, r = create_sampling_session(emu, sid, 20, model_path=training_path)
    check("create_sampling_session on a training checkpoint (weights/)",
          st == 200 and r.get("sampling_session_id") == sid + ":sample:20", (st, r))
    from_training = Sampler(emu, sid + ":sample:20")
    params = {"max_tokens": 8, "seed": 77}
    _, a = from_training.sample(text("abc"), params=params)
    _, b = s_trained.sample(text("abc"), params=params)
    check("a training checkpoint samples like the sampler checkpoint of the same weights",
          tokens_of(a) is not None and tokens_of(a) == tokens_of(b), (a, b))
    st, r = trainer.json("save_weights_for_sampler", {"sampling_session_seq_id": 21,
                                                      "type": "save_weights_for_sampler"})
    eph = Sampler(emu, r.get("sampling_session_id", ""))
    _, c = eph.sample(text("abc"), params=params)
    check("the ephemeral sampler of an unnamed save samples the same weights",
          tokens_of(c) == tokens_of(b), (r, c))
    st, r = create_sampling_session(emu, sid, 22, model_path=sampler_path, base_model="Qwen/Qwen3-8B")
    check("create_sampling_session: a base_model that is not the checkpoint's -> 400",
          st == 400 and "base_model" in r.get("error", ""), (st, r))


def test_errors(emu, s, sid):
    st, r = s.submit(text("x"), params={"max_tokens": 2})
    ok = st == 200
    bad = Sampler(emu, sid + ":sample:999")
    st, r = bad.submit(text("x"))
    check("asample: unknown sampling session -> 404", ok and st == 404, (st, r))
    other = Sampler(emu, s.ssid, key=KEY2)
    st, r = other.submit(text("x"))
    check("asample: another user's sampling session -> 404", st == 404, (st, r))
    cases = [
        ("temperature < 0", {"sampling_params": {"temperature": -1}}, "temperature"),
        ("top_p 0", {"sampling_params": {"top_p": 0}}, "top_p"),
        ("top_k < -1", {"sampling_params": {"top_k": -2}}, "top_k"),
        ("max_tokens < 0", {"sampling_params": {"max_tokens": -1}}, "max_tokens"),
        ("max_tokens above the limit", {"sampling_params": {"max_tokens": 100000}}, "max_tokens"),
        ("num_samples 0", {"num_samples": 0}, "num_samples"),
        ("num_samples above the limit", {"num_samples": 5000}, "num_samples"),
        ("num_samples x max_tokens above the limit",
         {"num_samples": 1024, "sampling_params": {"max_tokens": 2048}}, "max_tokens"),
        ("topk_prompt_logprobs above the limit", {"topk_prompt_logprobs": 5000},
         "topk_prompt_logprobs"),
        ("topk_prompt_logprobs < 0", {"topk_prompt_logprobs": -1}, "topk_prompt_logprobs"),
        ("a prompt token outside the vocabulary", {"prompt": prompt([65, 300])}, "prompt token 300"),
        ("a negative prompt token", {"prompt": prompt([-1])}, "prompt token -1"),
        ("an image chunk", {"prompt": {"chunks": [{"type": "image", "data": "iVBORw==",
                                                   "format": "png", "expected_tokens": 1}]}},
         "prompt.chunks[0]"),
        ("no prompt", {"prompt": None}, "prompt"),
        ("no sampling_params", {"sampling_params": None}, "sampling_params"),
        ("an empty stop string", {"sampling_params": {"stop": [""]}}, "stop"),
        ("a negative stop token", {"sampling_params": {"stop": [-3]}}, "stop"),
        ("too many stops", {"sampling_params": {"stop": list(range(65))}}, "stop"),
        ("stop of mixed types", {"sampling_params": {"stop": ["a", 1]}}, "stop"),
        ("prompt_logprobs not a boolean", {"prompt_logprobs": 1}, "prompt_logprobs"),
        ("seq_id negative", {"seq_id": -1}, "seq_id"),
        ("no sampling_session_id", {"sampling_session_id": None}, "sampling_session_id"),
        ("model_path without a session", {"sampling_session_id": None,
                                          "model_path": "tinker://m/sampler_weights/x"},
         "model_path"),
        ("base_model that is not the session's", {"base_model": "Qwen/Qwen3-8B"}, "base_model"),
    ]
    for name, change, field in cases:
        body = sample_body(s.ssid, s.take(), text("ok"))
        for k, v in change.items():
            if k == "sampling_params":
                body[k] = None if v is None else dict(body[k], **v)
            elif v is None:
                body.pop(k)
            else:
                body[k] = v
        st, r = emu.post("asample", body, headers=BACKPRESSURE)
        check("asample: %s -> 400 naming %s" % (name, field),
              st == 400 and field in r.get("error", ""), (st, r))
    st, r = emu.post("asample", b"{not json", headers=BACKPRESSURE)
    check("asample: a body that is not JSON -> 400", st == 400, (st, r))
    body = sample_body(None, 0, text("base"), params={"max_tokens": 3, "seed": 4})
    body.pop("sampling_session_id")
    body["base_model"] = TINY
    st, sub = emu.post("asample", body)
    _, _, res = s.result(sub["request_id"]) if st == 200 else (0, 0, None)
    check("asample addressed by base_model alone samples that base model",
          st == 200 and tokens_of(res) is not None and len(tokens_of(res)) == 3, (st, sub))


def test_seq_ids(emu, s):
    body = sample_body(s.ssid, 100, text("resend"), params={"max_tokens": 2})
    st, a = emu.post("asample", body, headers=BACKPRESSURE)
    accepted = stats(emu)["samples_accepted"]
    st2, b = emu.post("asample", body, headers=dict(BACKPRESSURE, **{"X-Idempotency-Key": "new"}))
    check("seq_id: an identical resend gets the original request_id and samples once",
          st == st2 == 200 and a == b and stats(emu)["samples_accepted"] == accepted, (a, b))
    st, r = emu.post("asample", dict(body, num_samples=2), headers=BACKPRESSURE)
    check("seq_id: the same seq_id with another body -> 400 seq_id_reused",
          st == 400 and r.get("code") == "seq_id_reused", (st, r))
    ids = []
    for seq in (1007, 1003, 1250):
        st, r = emu.post("asample", sample_body(s.ssid, seq, text("gap"), params={"max_tokens": 1}),
                         headers=BACKPRESSURE)
        ids.append(st)
    check("seq_id: gaps and any order are accepted (no waiting for missing ones)",
          ids == [200, 200, 200], ids)
    other = Sampler(emu, s.ssid.rsplit(":", 2)[0] + ":sample:1")
    st, r = other.submit(text("resend"), seq=100, params={"max_tokens": 2})
    check("seq_id: counted per sampling session", st == 200 and r != a, (st, r))


def test_backpressure(emu, s):
    # The limit counts every sample in flight: start from none (the earlier tests' samples may
    # still be finishing on a slow sanitizer build).
    check("backpressure: no sample in flight before the test",
          wait_until(lambda: stats(emu)["samples_in_flight"] == 0), stats(emu))
    emu.admin("POST", "config", {"sample_max_concurrent": 2, "sample_delay_ms": 1500})
    base_429 = stats(emu)["sample_backpressure_429s"]
    st1, a = s.submit(text("bp"), params={"max_tokens": 1})
    st2, b = s.submit(text("bp"), params={"max_tokens": 1})
    held_seq = s.take()
    status, headers, body = post_raw(emu, "asample", sample_body(s.ssid, held_seq, text("bp"),
                                                                 params={"max_tokens": 1}),
                                     BACKPRESSURE)
    check("backpressure: sample_max_concurrent in flight -> 429 with a JSON error body",
          st1 == st2 == 200 and status == 429 and body.get("code") == "sampling_backpressure" and
          "sample_max_concurrent" in body.get("error", ""), (st1, st2, status, body))
    check("backpressure: the 429 says when to come back (Retry-After: 1)",
          headers.get("retry-after") == "1", headers)
    check("backpressure: the 429 is counted in /_emulator/stats",
          stats(emu)["sample_backpressure_429s"] == base_429 + 1 and
          stats(emu)["samples_in_flight"] == 2, stats(emu))
    st, c = emu.post("asample", sample_body(s.ssid, s.take(), text("bp"), params={"max_tokens": 1}))
    check("backpressure: a request without X-Tinker-Sampling-Backpressure is admitted beyond the limit",
          st == 200, (st, c))
    for r in (a, b, c):
        s.result(r["request_id"])
    st, d = emu.post("asample", sample_body(s.ssid, held_seq, text("bp"), params={"max_tokens": 1}),
                     headers=BACKPRESSURE)
    _, _, res = s.result(d["request_id"]) if st == 200 else (0, 0, None)
    check("backpressure: once requests finish, the refused seq_id is accepted and samples",
          st == 200 and tokens_of(res) is not None, (st, d))
    check("backpressure: nothing left in flight", stats(emu)["samples_in_flight"] == 0, stats(emu))
    emu.admin("POST", "config", {"sample_max_concurrent": 0, "sample_delay_ms": 0})


def test_expiry(emu, s, trainer):
    add_fault(emu, path="/api/v1/retrieve_future", action="expire", request_type="Sample", count=2)
    st, fsub = trainer.fwdbwd_submit(forward_only=True)
    st, ctype, _ = emu.poll(fsub["request_id"], True)
    faults = emu.admin("GET", "faults")[1]["faults"]
    check("expire fault narrowed to Sample: a Forward future is not touched",
          st == 200 and "protobuf" in ctype and faults and faults[-1]["remaining"] == 2 and
          faults[-1]["request_type"] == "Sample", (st, faults))
    _, a = s.submit(text("exp"), params={"max_tokens": 2})
    _, b = s.submit(text("exp"), params={"max_tokens": 2})
    st_a, _, ra = emu.poll(a["request_id"], True)
    st_a2, _, _ = emu.poll(a["request_id"], True)
    st_b, _, rb = emu.poll(b["request_id"], True)
    check("expire fault: the next polls of Sample futures answer 410 promise_expired",
          st_a == 410 and st_b == 410 and ra.get("code") == "promise_expired", (st_a, ra, st_b, rb))
    check("expire fault: the expired id stays expired", st_a2 == 410, st_a2)
    _, c = s.submit(text("exp"), params={"max_tokens": 2})
    st_c, ctype, _ = emu.poll(c["request_id"], True)
    check("expire fault: used up after count polls", st_c == 200 and "protobuf" in ctype, st_c)
    st, r = s.sample(text("exp"), params={"max_tokens": 2})
    check("expire: resubmitting the sample with a new seq_id works", tokens_of(r) is not None, r)

    _, d = s.submit(text("exp"), params={"max_tokens": 2})
    _, e = s.submit(text("exp"), params={"max_tokens": 2})
    add_fault(emu, path="/api/v1/retrieve_future", action="expire", request_id=d["request_id"])
    st_e, _, _ = emu.poll(e["request_id"], True)
    st_d, _, _ = emu.poll(d["request_id"], True)
    check("expire fault narrowed to a request_id hits only that future",
          st_e == 200 and st_d == 410, (st_e, st_d))

    emu.admin("POST", "config", {"sample_delay_ms": 800})
    _, f = s.submit(text("exp"), params={"max_tokens": 2})
    add_fault(emu, path="/api/v1/retrieve_future", action="expire", request_type="Sample")
    st_f, _, _ = emu.poll(f["request_id"], True)
    emu.admin("POST", "config", {"sample_delay_ms": 0})
    check("expire fault on a pending sample: 410 at once, and the job still finishes",
          st_f == 410 and wait_until(lambda: stats(emu)["samples_in_flight"] == 0),
          (st_f, stats(emu)))
    log = [x for x in emu.admin("GET", "log?path=/api/v1/retrieve_future")[1]["entries"]
           if x["fault"] == "expire"]
    check("expire fault: logged with status 410", log and all(x["status"] == 410 for x in log), log)
    st, r = emu.admin("POST", "faults", {"path": "/api/v1/asample", "action": "expire"})
    check("expire fault: only for /api/v1/retrieve_future", st == 400, (st, r))
    st, r = emu.admin("POST", "faults", {"path": "/api/v1/asample", "action": "status",
                                         "status": 500, "request_type": "Sample"})
    check("fault narrowing by request_type: only for /api/v1/retrieve_future", st == 400, (st, r))


def test_synthetic(emu, sid):
    st, r = create_sampling_session(emu, sid, 30, base_model=SYNTHETIC)
    s = Sampler(emu, r.get("sampling_session_id", ""))
    uniform = ts.f32(-math.log(16384))
    _, res = s.sample([96], params={"max_tokens": 6, "stop": ["cd"]}, prompt_logprobs=True,
                      topk=3)
    check("synthetic: tokens count up from the last prompt token; a stop string ends them",
          tokens_of(res) == text("abcd") and res["sequences"][0]["stop_reason"] == "stop", res)
    check("synthetic: every logprob is -log V (V = 16384)",
          res["sequences"][0]["logprobs"] == [uniform] * 4, res["sequences"][0]["logprobs"])
    _, res = s.sample(text("xy"), params={"max_tokens": 3}, n=2, prompt_logprobs=True, topk=3)
    check("synthetic: prompt logprobs NaN then -log V; top-k ids 0..k-1",
          math.isnan(res["prompt_logprobs"][0]) and res["prompt_logprobs"][1] == uniform and
          res["topk"] == [None, [(0, uniform), (1, uniform), (2, uniform)]], res)
    check("synthetic: num_samples sequences, length max_tokens",
          [q["tokens"] for q in res["sequences"]] == [text("z{|")] * 2 and
          all(q["stop_reason"] == "length" for q in res["sequences"]), res["sequences"])
    _, res = s.sample([16383], params={"max_tokens": 2, "stop": [1]})
    check("synthetic: ids wrap around the vocabulary; stop tokens apply", tokens_of(res) == [0, 1], res)
    t0 = time.time()
    _, res = s.sample(text("bench"), params={"max_tokens": 1024}, n=32)
    took = time.time() - t0
    check("synthetic: 32 x 1024 tokens come back at once (no compute)",
          len(res["sequences"]) == 32 and len(tokens_of(res)) == 1024 and took < 5, took)


def train_cycle(emu, sid):
    """A model trained until greedy decoding continues "a" with "bcdefghija...": the stop tests
    need a model whose continuation is known."""
    st, r = ts.create_model(emu, sid, 0, rank=8)
    trainer = ts.Trainer(emu, sid + ":train:0")
    cycle = text("abcdefghij" * 3)
    for _ in range(60):
        trainer.fwdbwd(data=[ts.ce_datum(cycle)])
        trainer.optim(lr=0.01)
    st, r = trainer.json("save_weights_for_sampler", {"path": "cycle",
                                                      "type": "save_weights_for_sampler"})
    return trainer, r.get("path")


def run(emu):
    st, r = emu.post("create_session", {"tags": [], "user_metadata": {}, "sdk_version": "0.25.0",
                                        "type": "create_session"})
    sid = r["session_id"]
    st, r = emu.post("create_session", {"tags": [], "user_metadata": {}}, key=KEY2)
    sid2 = r["session_id"]

    test_create_session_resend(emu)
    test_create_sampling_session(emu, sid, sid2)
    base = Sampler(emu, sid + ":sample:0")
    trainer, sampler_path = train_cycle(emu, sid)
    st, r = create_sampling_session(emu, sid, 10, model_path=sampler_path)
    check("create_sampling_session on a sampler checkpoint (sampler_weights/)",
          st == 200 and r.get("sampling_session_id") == sid + ":sample:10", (st, r))
    trained = Sampler(emu, sid + ":sample:10")
    log = emu.admin("GET", "log?path=/api/v1/create_sampling_session")[1]["entries"]
    check("request log: create_sampling_session entries show session_id and model_path",
          log[-1]["model_path"] == sampler_path and log[-1]["session_id"] == sid, log[-1])
    test_get_sampler(emu, sid, trained.ssid, sampler_path)
    test_result_forms(emu, base)
    test_seeds(emu, base)
    test_greedy(emu, base)
    test_stops(emu, trained)
    test_logprobs_match_forward(emu, trainer, trained)
    test_checkpoint_sources(emu, sid, trainer, trained, sampler_path)
    test_errors(emu, base, sid)
    test_seq_ids(emu, base)
    test_backpressure(emu, base)
    test_expiry(emu, base, trainer)
    test_synthetic(emu, sid)


def main():
    return ts.run_smoke("emu-sampling-", lambda emu, _data_dir: run(emu))


if __name__ == "__main__":
    sys.exit(main())
