#!/usr/bin/env python3
"""Smoke test for tinker-emulator's model, training and weights endpoints (docs/emulator.md).

Usage: training_smoke.py path/to/tinker-emulator

Starts the emulator on a free port with a temporary --data-dir and drives create_model,
get_info, forward_backward (protobuf, protobuf + zstd, legacy JSON), forward, optim_step,
save_weights, save_weights_for_sampler, load_weights (both addressings), weights_info and
unload_model, checking results, errors, seq_id ordering, the request log and the recorded
loss inputs (GET /_emulator/inputs).

Python standard library only: protobuf bodies are built and read by the small codec below,
zstd goes through libzstd with ctypes. Prints "N passed, M failed"; exits 1 on any failure.
"""

import ctypes
import ctypes.util
import http.client
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

KEY = "tml-training-smoke-key-1"
KEY2 = "tml-training-smoke-key-2"
TINY = "tinker-emulator/tiny-bigram"

PASS = 0
FAIL = 0


def check(name, cond, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
    else:
        FAIL += 1
        print("FAIL: %s%s" % (name, (": " + str(detail)) if detail != "" else ""), file=sys.stderr)
    return cond


# ---- protobuf (proto3 wire format, protocol.md §1.6.1) -----------------------------------

def varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wt):
    return varint((field << 3) | wt)


def f_len(field, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return tag(field, 2) + varint(len(payload)) + payload


def f_varint(field, n):
    return tag(field, 0) + varint(n)


def f_double(field, x):
    return tag(field, 1) + struct.pack("<d", x)


DT_F32, DT_I64 = 1, 2


def pb_tensor(values, dtype, shape=None):
    if dtype == DT_F32:
        dense = struct.pack("<%df" % len(values), *values)
    else:
        dense = struct.pack("<%dq" % len(values), *values)
    out = f_len(1, dense) + f_varint(3, dtype)
    if shape is not None:
        out += f_len(4, b"".join(varint(d) for d in shape))
    return out


def pb_datum(tokens, inputs):
    """inputs: name -> (values, dtype[, shape])"""
    chunk = f_len(1, f_len(1, struct.pack("<%di" % len(tokens), *tokens)))
    out = f_len(1, chunk)
    for name, spec in sorted(inputs.items()):
        entry = f_len(1, name) + f_len(2, pb_tensor(*spec))
        out += f_len(2, entry)
    return out


def pb_request(model_id, seq_id, data, loss_fn="cross_entropy", config=None, forward_only=False):
    out = f_len(1, model_id) + f_varint(2, seq_id)
    for d in data:
        out += f_len(3, pb_datum(*d))
    out += f_len(4, loss_fn)
    for k, v in sorted((config or {}).items()):
        out += f_len(5, f_len(1, k) + f_double(2, v))
    if forward_only:
        out += f_varint(6, 1)
    return out


def pb_fields(buf):
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        field, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(buf, i)
        elif wt == 1:
            v = buf[i:i + 8]
            i += 8
        elif wt == 2:
            n, i = read_varint(buf, i)
            v = buf[i:i + n]
            i += n
        elif wt == 5:
            v = buf[i:i + 4]
            i += 4
        else:
            raise ValueError("wire type %d" % wt)
        yield field, wt, v


def read_varint(buf, i):
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def decode_fwdbwd_output(buf):
    """ForwardBackwardOutput -> {"type", "outputs": [{field: (values, shape)}], "metrics"}"""
    out = {"type": "", "outputs": [], "metrics": {}}
    for f, wt, v in pb_fields(buf):
        if f == 1:
            out["type"] = v.decode()
        elif f == 3:
            k = val = None
            for ef, _, ev in pb_fields(v):
                if ef == 1:
                    k = ev.decode()
                elif ef == 2:
                    val = struct.unpack("<d", ev)[0]
            out["metrics"][k] = val
        elif f == 2:
            fields, n = {}, 0
            for rf, _, rv in pb_fields(v):
                if rf == 3:
                    n = rv
                elif rf == 2:
                    name = bt = None
                    for ef, _, ev in pb_fields(rv):
                        if ef == 1:
                            name = ev.decode()
                        elif ef == 2:
                            bt = ev
                    data = offsets = b""
                    dtype, trailing = 0, []
                    for bf, bwt, bv in pb_fields(bt):
                        if bf == 1:
                            data = bv
                        elif bf == 2:
                            offsets = bv
                        elif bf == 3:
                            dtype = bv
                        elif bf == 4:
                            if bwt == 2:
                                j = 0
                                while j < len(bv):
                                    d, j = read_varint(bv, j)
                                    trailing.append(d)
                            else:
                                trailing.append(bv)
                    offs = struct.unpack("<%dq" % (len(offsets) // 8), offsets)
                    fields[name] = (data, offs, dtype, trailing)
            for d in range(n):
                datum = {}
                for name, (data, offs, dtype, trailing) in fields.items():
                    chunk = data[offs[d]:offs[d + 1]]
                    vals = list(struct.unpack("<%df" % (len(chunk) // 4), chunk)) if dtype == DT_F32 else \
                        list(struct.unpack("<%dq" % (len(chunk) // 8), chunk))
                    inner = 1
                    for t in trailing:
                        inner *= t
                    datum[name] = (vals, [len(vals) // inner if inner else 0] + trailing)
                out["outputs"].append(datum)
    return out


# ---- zstd through libzstd (the emulator links it, so it is installed) ---------------------

_zstd = None


def zstd_compress(data):
    global _zstd
    if _zstd is None:
        name = ctypes.util.find_library("zstd") or "libzstd.so.1"
        _zstd = ctypes.CDLL(name)
        _zstd.ZSTD_compressBound.restype = ctypes.c_size_t
        _zstd.ZSTD_compressBound.argtypes = [ctypes.c_size_t]
        _zstd.ZSTD_compress.restype = ctypes.c_size_t
        _zstd.ZSTD_compress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p,
                                        ctypes.c_size_t, ctypes.c_int]
        _zstd.ZSTD_isError.restype = ctypes.c_uint
        _zstd.ZSTD_isError.argtypes = [ctypes.c_size_t]
    cap = _zstd.ZSTD_compressBound(len(data))
    dst = ctypes.create_string_buffer(cap)
    n = _zstd.ZSTD_compress(dst, cap, data, len(data), 3)
    if _zstd.ZSTD_isError(n):
        raise RuntimeError("ZSTD_compress failed")
    return dst.raw[:n]


# ---- HTTP ---------------------------------------------------------------------------------

class Emulator:
    def __init__(self, binary, data_dir, stderr_path):
        """data_dir None: no --data-dir (a temporary one and an in-memory database)."""
        self.stderr_path = stderr_path
        self.stderr = open(stderr_path, "w")
        args = [binary, "--port", "0", "--quiet"] + (["--data-dir", data_dir] if data_dir else [])
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on http://"):
            raise RuntimeError("emulator did not start: %r %s" % (line, self.stderr_text()))
        hostport = line[len("listening on http://"):]
        self.host, port = hostport.rsplit(":", 1)
        self.port = int(port)

    def request(self, method, path, body=None, headers=None, key=KEY):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        h = dict(headers or {})
        if key is not None:
            h["X-API-Key"] = key
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        ctype = r.getheader("Content-Type") or ""
        conn.close()
        return r.status, ctype, data

    def post(self, path, body, key=KEY, headers=None):
        status, ctype, data = self.request("POST", "/api/v1/" + path, body, headers, key)
        try:
            parsed = json.loads(data) if "json" in ctype else data
        except ValueError:
            parsed = data
        return status, parsed

    def admin(self, method, path, body=None):
        status, _, data = self.request(method, "/_emulator/" + path, body, key=None)
        return status, json.loads(data)

    def poll(self, request_id, proto=False, key=KEY):
        """One retrieve_future; the emulator holds it until the job is done."""
        headers = {"Accept": "application/x-protobuf"} if proto else {}
        for _ in range(10):
            status, ctype, data = self.request(
                "POST", "/api/v1/retrieve_future",
                {"request_id": request_id, "allow_metadata_only": False}, headers, key)
            if "protobuf" in ctype:
                return status, ctype, data
            obj = json.loads(data)
            if isinstance(obj, dict) and obj.get("type") == "try_again":
                continue
            return status, ctype, obj
        raise RuntimeError("future %s never finished" % request_id)

    def result(self, path, body, proto=False, key=KEY, headers=None):
        """Submit a future-returning call and wait for its result: (submit_status, result)."""
        status, sub = self.post(path, body, key, headers)
        if status != 200 or not isinstance(sub, dict) or "request_id" not in sub:
            return status, sub
        _, ctype, res = self.poll(sub["request_id"], proto, key)
        if "protobuf" in ctype:
            return status, decode_fwdbwd_output(res)
        return status, res

    def stderr_text(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = -1
        self.stderr.close()
        return rc


# ---- the training conversation ------------------------------------------------------------

SEQ = [72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100, 33, 10]  # "Hello, world!\n"


def ce_datum(tokens=SEQ, weights=True):
    """A next-token datum over `tokens`: input tokens[:-1], targets tokens[1:]."""
    inp, tgt = tokens[:-1], tokens[1:]
    inputs = {"target_tokens": (tgt, DT_I64, [len(tgt)])}
    if weights:
        inputs["weights"] = ([1.0] * len(tgt), DT_F32, [len(tgt)])
    return (inp, inputs)


def json_datum(tokens=SEQ):
    inp, tgt = tokens[:-1], tokens[1:]
    return {"model_input": {"chunks": [{"tokens": inp, "type": "encoded_text"}]},
            "loss_fn_inputs": {"target_tokens": {"data": tgt, "dtype": "int64", "shape": [len(tgt)]},
                               "weights": {"data": [1.0] * len(tgt), "dtype": "float32",
                                           "shape": [len(tgt)]}}}


class Trainer:
    """A model plus its seq_id counter, like one TrainingClient (§6.1)."""

    def __init__(self, emu, model_id, next_seq=1, key=KEY):
        self.emu, self.model_id, self.seq, self.key = emu, model_id, next_seq, key

    def take(self):
        s = self.seq
        self.seq += 1
        return s

    def fwdbwd_submit(self, data=None, loss_fn="cross_entropy", forward_only=False, zstd=False,
                      config=None, seq=None):
        body = pb_request(self.model_id, self.take() if seq is None else seq,
                          data or [ce_datum()], loss_fn, config, forward_only)
        headers = {"Content-Type": "application/x-protobuf"}
        if zstd:
            body = zstd_compress(body)
            headers["Content-Encoding"] = "zstd"
        return self.emu.post("forward_backward", body, self.key, headers)

    def fwdbwd(self, **kw):
        status, sub = self.fwdbwd_submit(**kw)
        if status != 200:
            return status, sub
        _, ctype, res = self.emu.poll(sub["request_id"], proto=True, key=self.key)
        return status, decode_fwdbwd_output(res) if "protobuf" in ctype else res

    def forward(self, **kw):
        return self.fwdbwd(forward_only=True, **kw)

    def optim(self, lr=0.05, **extra):
        params = {"learning_rate": lr, "beta1": 0.9, "beta2": 0.95, "eps": 1e-12,
                  "weight_decay": 0.0, "grad_clip_norm": 0.0}
        params.update(extra)
        return self.emu.result("optim_step", {"adam_params": params, "model_id": self.model_id,
                                              "seq_id": self.take(), "type": "optim_step"},
                               key=self.key)

    def json(self, path, body, **kw):
        body = dict(body, model_id=self.model_id, seq_id=self.take())
        return self.emu.result(path, body, key=self.key, **kw)


def f32(x):
    """x rounded to float32 (JSON numbers parse as doubles)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def logprobs(res):
    """The first datum's logprobs values."""
    return res["outputs"][0]["logprobs"][0]


def is_error(res, category):
    return isinstance(res, dict) and "error" in res and res.get("category") == category


def run_smoke(prefix, run_checks):
    """Starts the emulator given on the command line, runs `run_checks(emu, data_dir)`, stops it
    and checks it exited cleanly and quietly; the exit status of the whole smoke test. Shared by
    every *_smoke.py."""
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix=prefix)
    data_dir = os.path.join(tmp, "data")
    emu = Emulator(binary, data_dir, os.path.join(tmp, "stderr"))
    try:
        run_checks(emu, data_dir)
    finally:
        rc = emu.stop()
        check("clean exit on SIGTERM", rc == 0, rc)
        err = emu.stderr_text() if not emu.stderr.closed else open(emu.stderr_path).read()
        # --quiet: anything on stderr is a diagnostic (e.g. a sanitizer report) worth failing on.
        if not check("nothing on stderr", err.strip() == ""):
            sys.stderr.write(err[-20000:])
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


def main():
    return run_smoke("emu-training-", run)


def create_model(emu, sid, n, base=TINY, rank=8, key=KEY, **lora):
    cfg = {"rank": rank, "train_unembed": True, "train_mlp": True, "train_attn": True}
    cfg.update(lora)
    return emu.result("create_model", {"session_id": sid, "model_seq_id": n, "base_model": base,
                                       "lora_config": cfg, "user_metadata": {"k": "v"},
                                       "type": "create_model"}, key=key)


def run(emu, data_dir):
    st, r = emu.post("create_session", {"tags": [], "user_metadata": {}, "sdk_version": "0.25.0",
                                        "type": "create_session"})
    sid = r["session_id"]
    st, r = emu.post("create_session", {"tags": [], "user_metadata": {}, "type": "create_session"},
                     key=KEY2)
    sid2 = r["session_id"]

    # -- create_model / get_info ----------------------------------------------------------
    st, r = create_model(emu, sid, 0)
    mid = sid + ":train:0"
    check("create_model result", st == 200 and r == {"model_id": mid, "type": "create_model"}, r)
    st, sub = emu.post("create_model", {"session_id": sid, "model_seq_id": 9, "base_model": TINY,
                                        "type": "create_model"})
    check("create_model answers request_id and model_id",
          st == 200 and "request_id" in sub and sub.get("model_id") == sid + ":train:9", sub)
    st, r = emu.post("get_info", {"model_id": mid, "type": "get_info"})
    check("get_info", st == 200 and r.get("model_id") == mid and r.get("is_lora") is True and
          r.get("lora_rank") == 8 and r.get("model_name") == TINY and
          r.get("model_data") == {"arch": "bigram-lora", "model_name": TINY,
                                  "tokenizer_id": "tinker-emulator/bytes"}, r)
    st, r = emu.post("get_info", {"model_id": "nope:train:0"})
    check("get_info unknown model -> 404", st == 404, st)
    st, r = emu.post("get_info", {"model_id": mid}, key=KEY2)
    check("get_info of another user's model -> 404", st == 404, st)
    st, r = create_model(emu, sid, 1, base="no-such/model")
    check("unknown base model -> future error (user)", is_error(r, "user") and
          "not supported" in r["error"], r)
    st, r = emu.post("create_model", {"session_id": "nope", "model_seq_id": 0, "base_model": TINY})
    check("create_model unknown session -> 404", st == 404, st)
    st, r = emu.post("create_model", {"session_id": sid2, "model_seq_id": 0, "base_model": TINY})
    check("create_model in another user's session -> 404", st == 404, st)
    st, r = create_model(emu, sid, 2, base="Qwen/Qwen3-8B", rank=4)
    check("real-sounding base model maps to a tiny model", r.get("model_id") == sid + ":train:2", r)
    st, r = create_model(emu, sid, 3, rank=0)
    check("lora rank 0 -> future error (user)", is_error(r, "user"), r)

    t = Trainer(emu, mid)

    # -- forward_backward: protobuf, result by Accept ---------------------------------------
    st, sub = t.fwdbwd_submit()
    check("forward_backward (protobuf) submit", st == 200 and "request_id" in sub and
          sub.get("model_id") == mid, sub)
    first_rid = sub["request_id"]
    _, ctype, raw = emu.poll(first_rid, proto=True)
    check("protobuf result when Accept asks for it", "application/x-protobuf" in ctype, ctype)
    out = decode_fwdbwd_output(raw)
    lp, shape = out["outputs"][0]["logprobs"]
    n = len(SEQ) - 1
    check("logprobs float32 shape [N]", shape == [n] and len(lp) == n, shape)
    check("logprobs are log-probabilities", all(x < 0 for x in lp) and
          all(x > -20 for x in lp), lp[:3])
    check("metric loss:sum", set(out["metrics"]) >= {"loss:sum"} and
          all(k.count(":") == 1 for k in out["metrics"]), out["metrics"])
    check("loss:sum = -sum(logprobs)", abs(out["metrics"]["loss:sum"] + sum(lp)) < 1e-3,
          (out["metrics"], sum(lp)))
    check("loss_fn_output_type", out["type"] == "ArrayRecord", out["type"])
    loss0 = out["metrics"]["loss:sum"]
    _, ctype, js = emu.poll(first_rid, proto=False)
    check("legacy JSON result without a protobuf Accept", "application/json" in ctype and
          isinstance(js, dict) and "loss_fn_outputs" in js, ctype)
    jl = js["loss_fn_outputs"][0]["logprobs"]
    check("JSON result has the same logprobs and metrics",
          jl["dtype"] == "float32" and jl["shape"] == [n] and
          all(abs(a - b) < 1e-5 for a, b in zip(jl["data"], lp)) and
          abs(js["metrics"]["loss:sum"] - loss0) < 1e-9, jl)
    _, ctype, raw2 = emu.poll(first_rid, proto=True)
    check("protobuf again after a JSON poll", raw2 == raw)

    # -- optim_step, loss falls over steps (protobuf, protobuf + zstd, JSON) -----------------
    st, r = t.optim()
    check("optim_step metrics", isinstance(r, dict) and "metrics" in r and
          r["metrics"].get("grad_norm:mean", 0) > 0 and
          all(k.count(":") == 1 for k in r["metrics"]), r)
    losses = [loss0]
    st, r = t.fwdbwd(zstd=True)
    check("forward_backward protobuf + zstd", isinstance(r, dict) and "metrics" in r, r)
    losses.append(r["metrics"]["loss:sum"])
    t.optim()
    st, r = t.json("forward_backward", {"forward_backward_input": {
        "data": [json_datum()], "loss_fn": "cross_entropy"}}, headers=None)
    check("forward_backward legacy JSON body", isinstance(r, dict) and "loss_fn_outputs" in r, r)
    losses.append(r["metrics"]["loss:sum"])
    t.optim()
    st, sub = emu.post("forward_backward", {"forward_input": {"data": [json_datum()],
                                                              "loss_fn": "cross_entropy"},
                                            "model_id": mid, "seq_id": t.take()})
    _, _, js = emu.poll(sub["request_id"])
    _, ctype, raw = emu.poll(sub["request_id"], proto=True)
    pb = decode_fwdbwd_output(raw) if "protobuf" in ctype else {}
    check("JSON request, protobuf poll: same result as the JSON poll",
          "protobuf" in ctype and
          logprobs(pb) == [f32(x) for x in js["loss_fn_outputs"][0]["logprobs"]["data"]] and
          pb["metrics"] == js["metrics"], (ctype, js))
    st, r = t.fwdbwd()
    losses.append(r["metrics"]["loss:sum"])
    t.optim()
    check("loss falls at every step", all(b < a for a, b in zip(losses, losses[1:])), losses)
    check("loss falls substantially", losses[-1] < 0.8 * losses[0], losses)

    # -- forward_only changes nothing ---------------------------------------------------------
    st, a = t.forward()
    st, b = t.forward()
    check("forward_only changes nothing", logprobs(a) == logprobs(b))
    st, r = t.optim()
    check("optim_step after forward only: no gradient", r["metrics"].get("grad_norm:mean") == 0, r)
    st, a = t.forward()
    st, r = t.json("forward", {"forward_input": {"data": [json_datum()], "loss_fn": "cross_entropy"}})
    check("legacy POST /api/v1/forward", isinstance(r, dict) and
          abs(r["loss_fn_outputs"][0]["logprobs"]["data"][0] - logprobs(a)[0]) < 1e-6, r)

    # -- user errors --------------------------------------------------------------------------
    st, r = t.fwdbwd(data=[ce_datum(SEQ[:5] + [300])])
    check("token outside the vocabulary -> user error", is_error(r, "user") and
          "vocabulary" in r["error"], r)
    st, r = t.fwdbwd(loss_fn="dro")
    check("unknown loss_fn -> user error", is_error(r, "user") and "dro" in r["error"], r)
    st, r = t.fwdbwd(data=[(SEQ[:-1], {})])
    check("missing target_tokens -> user error", is_error(r, "user") and
          "target_tokens" in r["error"], r)
    st, r = t.fwdbwd(loss_fn="importance_sampling")
    check("importance_sampling without advantages -> user error", is_error(r, "user"), r)
    n1 = n
    st, r = t.fwdbwd(loss_fn="ppo", data=[(SEQ[:-1], {
        "target_tokens": (SEQ[1:], DT_I64, [n1]), "logprobs": ([-2.0] * n1, DT_F32, [n1]),
        "advantages": ([1.0] * n1, DT_F32, [n1])})], config={"clip_low_threshold": 0.8,
                                                            "clip_high_threshold": 1.2})
    check("ppo loss with loss_fn_config", isinstance(r, dict) and "metrics" in r and
          len(logprobs(r)) == n1, r)
    t.emu.post("optim_step", {})  # a 400 without addressing; consumes nothing
    st, r = emu.post("optim_step", {"adam_params": {}, "seq_id": 1})
    check("optim_step without model_id -> 400", st == 400, st)
    st, r = emu.post("forward_backward", b"\xff\xff\xff", headers={"Content-Type": "application/x-protobuf"})
    check("malformed protobuf -> 400", st == 400 and "error" in r, r)
    st, r = emu.post("forward_backward", b"garbage",
                     headers={"Content-Type": "application/x-protobuf", "Content-Encoding": "zstd"})
    check("corrupt zstd body -> 400", st == 400, st)
    st, r = emu.post("forward_backward", pb_request("nope:train:0", 1, [ce_datum()]),
                     headers={"Content-Type": "application/x-protobuf"})
    check("forward_backward unknown model -> 404", st == 404, st)
    st, r = t.optim(learning_rate=-1.0)
    check("invalid adam_params -> user error", is_error(r, "user"), r)

    # -- seq_id reuse -------------------------------------------------------------------------
    s = t.take()
    body = pb_request(mid, s, [ce_datum()], forward_only=True)
    hdr = {"Content-Type": "application/x-protobuf"}
    st1, sub1 = emu.post("forward_backward", body, headers=hdr)
    st2, sub2 = emu.post("forward_backward", body, headers=hdr)
    check("identical resubmission gets the same future",
          st1 == 200 and st2 == 200 and sub1["request_id"] == sub2["request_id"], (sub1, sub2))
    st3, sub3 = emu.post("forward_backward", pb_request(mid, s, [ce_datum()]), headers=hdr)
    check("different request with a used seq_id -> 400", st3 == 400, (st3, sub3))
    st4, sub4 = emu.post("forward_backward", pb_request(mid, 1, [ce_datum()]), headers=hdr)
    check("resubmitted first request (same bytes) -> its original future",
          st4 == 200 and sub4["request_id"] == first_rid, (st4, sub4))
    st4, sub4 = emu.post("forward_backward", pb_request(mid, 1, [ce_datum()], forward_only=True),
                         headers=hdr)
    check("old seq_id with another body -> 400", st4 == 400, (st4, sub4))
    emu.poll(sub1["request_id"], proto=True)

    # -- save_weights / 409 / overwrite / load_weights ------------------------------------------
    st, r = t.forward()
    saved_lp = logprobs(r)
    st, r = t.json("save_weights", {"path": "ckpt1", "overwrite": False, "type": "save_weights"})
    ck1 = "tinker://%s/weights/ckpt1" % mid
    check("save_weights path", r == {"path": ck1, "type": "save_weights"}, r)
    _, cks = emu.admin("GET", "checkpoints")
    rec = [c for c in cks["checkpoints"] if c["tinker_path"] == ck1]
    check("checkpoint file exists under --data-dir", len(rec) == 1 and
          os.path.isfile(rec[0]["file"]) and
          os.path.realpath(rec[0]["file"]).startswith(os.path.realpath(data_dir)) and
          rec[0]["file"].endswith("/%s/weights/ckpt1.ckpt" % mid) and rec[0]["size_bytes"] > 0, rec)
    dup_seq = t.take()
    st, r = emu.post("save_weights", {"model_id": mid, "seq_id": dup_seq, "path": "ckpt1",
                                      "overwrite": False, "type": "save_weights"})
    check("duplicate save name -> HTTP 409 with a JSON body", st == 409 and isinstance(r, dict) and
          "error" in r, (st, r))
    st, r = emu.post("save_weights", {"model_id": mid, "seq_id": dup_seq, "path": "ckpt1",
                                      "overwrite": False, "type": "save_weights"})
    check("retried duplicate save -> 409 again", st == 409, st)
    t0 = time.time()
    st, r = t.json("save_weights", {"path": "ckpt1", "overwrite": True, "type": "save_weights"})
    check("overwrite=true replaces", r == {"path": ck1, "type": "save_weights"}, r)
    check("a rejected seq_id does not stall later requests", time.time() - t0 < 5, time.time() - t0)
    st, r = t.json("save_weights", {"path": "a/b", "type": "save_weights"})
    check("checkpoint name with '/' -> user error", is_error(r, "user"), r)
    st, r = t.json("save_weights", {"path": "", "type": "save_weights"})
    check("empty checkpoint name -> user error", is_error(r, "user"), r)

    t.fwdbwd()
    t.optim()
    st, r = t.forward()
    check("training moved the weights", logprobs(r) != saved_lp)
    st, r = t.json("load_weights", {"path": ck1, "optimizer": True, "type": "load_weights"})
    check("load_weights result", r == {"path": ck1, "model_id": mid, "type": "load_weights"}, r)
    st, r = t.forward()
    check("load_weights restores identical forward outputs", logprobs(r) == saved_lp)
    st, r = t.json("load_weights", {"path": "tinker://x/bad", "optimizer": False})
    check("malformed tinker path -> user error", is_error(r, "user") and "path" in r["error"], r)
    st, r = t.json("load_weights", {"path": "tinker://%s/weights/nope" % mid, "optimizer": False})
    check("unknown checkpoint -> user error", is_error(r, "user") and "not found" in r["error"], r)

    # -- weights_info -------------------------------------------------------------------------
    st, r = emu.post("weights_info", {"tinker_path": ck1})
    check("weights_info", st == 200 and r == {"base_model": TINY, "is_lora": True, "lora_rank": 8,
                                              "train_unembed": True, "train_mlp": True,
                                              "train_attn": True}, r)
    st, r = emu.post("weights_info", {"tinker_path": "tinker://%s/weights/nope" % mid})
    check("weights_info unknown -> 404", st == 404, st)
    st, r = emu.post("weights_info", {"tinker_path": ck1}, key=KEY2)
    check("weights_info of another user's checkpoint -> 404", st == 404, st)

    # -- create-via-load, access tokens ---------------------------------------------------------
    st, r = emu.result("load_weights", {"session_id": sid, "model_seq_id": 4, "path": ck1,
                                        "optimizer": True, "user_metadata": {},
                                        "type": "load_weights"})
    mid4 = sid + ":train:4"
    check("create-via-load result", r == {"path": ck1, "model_id": mid4, "type": "load_weights"}, r)
    st, info = emu.post("get_info", {"model_id": mid4})
    check("create-via-load model info", st == 200 and info.get("lora_rank") == 8 and
          info.get("model_name") == TINY, info)
    t4 = Trainer(emu, mid4)
    st, r = t4.forward()
    check("create-via-load gives the saved weights", isinstance(r, dict) and
          logprobs(r) == saved_lp, r)
    st, r = emu.result("load_weights", {"session_id": sid2, "model_seq_id": 0, "path": ck1,
                                        "optimizer": False, "type": "load_weights"}, key=KEY2)
    check("another user's checkpoint without a token -> user error (not found)",
          is_error(r, "user") and "not found" in r["error"], r)
    st, r = emu.result("load_weights", {"session_id": sid2, "model_seq_id": 1, "path": ck1,
                                        "optimizer": False, "weights_access_token": KEY,
                                        "type": "load_weights"}, key=KEY2)
    check("another user's checkpoint with the owner's key as token",
          isinstance(r, dict) and r.get("model_id") == sid2 + ":train:1", r)
    st, r = emu.result("load_weights", {"session_id": sid2, "model_seq_id": 2, "path": ck1,
                                        "optimizer": False, "weights_access_token": "tml-wrong",
                                        "type": "load_weights"}, key=KEY2)
    check("wrong access token -> user error", is_error(r, "user"), r)

    # -- save_weights_for_sampler ---------------------------------------------------------------
    st, r = t.json("save_weights_for_sampler", {"path": "s1", "type": "save_weights_for_sampler"})
    check("named save_weights_for_sampler", r == {"path": "tinker://%s/sampler_weights/s1" % mid,
                                                  "type": "save_weights_for_sampler"}, r)
    st, r = t.json("load_weights", {"path": "tinker://%s/sampler_weights/s1" % mid,
                                    "optimizer": False})
    check("load_weights of a sampler checkpoint -> user error", is_error(r, "user"), r)
    st, r = t.json("save_weights_for_sampler", {"sampling_session_seq_id": 0,
                                                "type": "save_weights_for_sampler"})
    check("unnamed save_weights_for_sampler -> sampling_session_id",
          isinstance(r, dict) and r.get("sampling_session_id") == sid + ":sample:0" and
          r.get("path", "").startswith("tinker://%s/sampler_weights/" % mid), r)
    _, sm = emu.admin("GET", "samplers")
    check("sampler registered", any(s["sampling_session_id"] == sid + ":sample:0" and
                                    s["model_path"] == r.get("path") for s in sm["samplers"]), sm)
    st, r = t.json("save_weights_for_sampler", {"sampling_session_seq_id": 0})
    check("sampling_session_seq_id reuse -> user error", is_error(r, "user"), r)

    # -- create_sampling_session (direct) -------------------------------------------------------
    s1_path = "tinker://%s/sampler_weights/s1" % mid
    st, r = emu.post("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 1,
                                                 "model_path": s1_path, "type": "create_sampling_session"})
    check("create_sampling_session on a sampler checkpoint", st == 200 and r == {
        "sampling_session_id": sid + ":sample:1", "type": "create_sampling_session"}, (st, r))
    st, r = emu.post("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 2,
                                                 "base_model": TINY, "type": "create_sampling_session"})
    check("create_sampling_session on a base model", st == 200 and
          r.get("sampling_session_id") == sid + ":sample:2", (st, r))
    _, sm = emu.admin("GET", "samplers")
    by_id = {s["sampling_session_id"]: s for s in sm["samplers"]}
    check("both sessions registered", by_id.get(sid + ":sample:1", {}).get("model_path") == s1_path and
          by_id.get(sid + ":sample:2", {}).get("base_model") == TINY, sm)
    for name, body, want in [
            ("seq id in use", {"session_id": sid, "sampling_session_seq_id": 1, "base_model": TINY}, 400),
            ("neither model_path nor base_model", {"session_id": sid, "sampling_session_seq_id": 3}, 400),
            ("unknown checkpoint", {"session_id": sid, "sampling_session_seq_id": 4,
                                    "model_path": "tinker://%s/sampler_weights/nope" % mid}, 400),
            ("unknown base model", {"session_id": sid, "sampling_session_seq_id": 5, "base_model": "nope/x"}, 400),
            ("unknown session", {"session_id": "nope", "sampling_session_seq_id": 0, "base_model": TINY}, 404)]:
        st, r = emu.post("create_sampling_session", dict(body, type="create_sampling_session"))
        check("create_sampling_session: " + name + " -> %d" % want, st == want and "error" in r, (st, r))
    st, r = emu.post("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 3,
                                                 "base_model": TINY, "type": "create_sampling_session"})
    check("a refused seq id stays free", st == 200, (st, r))

    # -- seq_id ordering: seq 3 and 2 arrive before 1 ------------------------------------------
    st, r = create_model(emu, sid, 5)
    mid5 = sid + ":train:5"
    t5 = Trainer(emu, mid5)
    st, base = Trainer(emu, mid).forward()  # (any model; only to have a poll helper warmed)
    emu.admin("DELETE", "log")
    st, s3 = t5.fwdbwd_submit(forward_only=True, seq=3, zstd=True)
    st, s2 = emu.post("optim_step", {"adam_params": {"learning_rate": 0.1}, "model_id": mid5,
                                     "seq_id": 2, "type": "optim_step"})
    time.sleep(0.2)
    _, models = emu.admin("GET", "models")
    m5 = [m for m in models["models"] if m["model_id"] == mid5][0]
    check("early seq_ids wait for the gap", m5["waiting_seq_ids"] == [2, 3] and
          m5["next_seq_id"] == 1 and m5["executed_seq_ids"] == [0], m5)
    st, s1 = t5.fwdbwd_submit(seq=1)
    _, c3, r3 = emu.poll(s3["request_id"], proto=True)
    _, _, r2 = emu.poll(s2["request_id"])
    _, c1, r1 = emu.poll(s1["request_id"], proto=True)
    _, models = emu.admin("GET", "models")
    m5 = [m for m in models["models"] if m["model_id"] == mid5][0]
    check("executed in seq_id order", m5["executed_seq_ids"] == [0, 1, 2, 3], m5)
    out1, out3 = decode_fwdbwd_output(r1), decode_fwdbwd_output(r3)
    check("seq 3 saw the optim_step of seq 2", logprobs(out3) != logprobs(out1) and
          r2["metrics"]["grad_norm:mean"] > 0, r2)
    _, log = emu.admin("GET", "log?path=/api/v1/forward_backward")
    ents = log["entries"]
    check("request log records seq_id and model_id of protobuf bodies",
          [(e["seq_id"], e["model_id"]) for e in ents] == [(3, mid5), (1, mid5)], ents)
    check("request log records content-encoding",
          ents and ents[0]["headers"].get("content-encoding") == "zstd", ents[:1])
    _, log = emu.admin("GET", "log?path=/api/v1/optim_step")
    check("request log records JSON seq_id and model_id",
          [(e["seq_id"], e["model_id"]) for e in log["entries"]] == [(2, mid5)], log)

    # -- a gap that never fills -----------------------------------------------------------------
    emu.admin("POST", "config", {"seq_gap_timeout_ms": 300})
    st, sub = t5.fwdbwd_submit(seq=6)
    t0 = time.time()
    _, _, r = emu.poll(sub["request_id"])
    check("unfilled gap -> server error after the gap timeout", is_error(r, "server") and
          "never arrived" in r["error"] and time.time() - t0 < 5, r)
    emu.admin("POST", "config", {"seq_gap_timeout_ms": 60000})
    st, sub = t5.fwdbwd_submit(seq=7)
    _, _, r = emu.poll(sub["request_id"], proto=True)
    check("the lane moves on after a gap timeout", isinstance(r, bytes), r)

    # -- synthetic model --------------------------------------------------------------------------
    st, r = create_model(emu, sid, 6, base="tinker-emulator/synthetic", rank=32)
    ts = Trainer(emu, sid + ":train:6")
    big = [1000, 5000, 16000, 42, 7]
    st, r = ts.fwdbwd(data=[ce_datum(big)] * 3)
    check("synthetic: outputs of the right shapes", isinstance(r, dict) and
          len(r["outputs"]) == 3 and r["outputs"][2]["logprobs"][1] == [4] and
          abs(r["outputs"][0]["logprobs"][0][0] + math.log(16384)) < 1e-4, r)
    st, r = ts.optim()
    check("synthetic optim_step", isinstance(r, dict) and "metrics" in r, r)
    t0 = time.time()
    subs = [ts.fwdbwd_submit(data=[ce_datum(big * 20)] * 8)[1]["request_id"] for _ in range(50)]
    for rid in subs:
        emu.poll(rid, proto=True)
    dt = time.time() - t0
    print("synthetic: 50 forward_backward (8 datums x 99 tokens) in %.3f s" % dt)
    check("synthetic mode is fast", dt < 10, dt)

    # -- recorded inputs: GET /_emulator/inputs -----------------------------------------------------
    st, r = create_model(emu, sid, 7)
    mid7 = sid + ":train:7"
    t7 = Trainer(emu, mid7)
    inputs_path = "inputs?model_id=" + urllib.parse.quote(mid7)
    t7.forward()
    st, rec = emu.admin("GET", inputs_path)
    check("inputs: nothing recorded while record_inputs is 0",
          st == 200 and rec == {"model_id": mid7, "record_inputs": 0, "requests": []}, rec)
    st, r = emu.admin("POST", "config", {"record_inputs": 3})
    check("record_inputs set through the admin config", st == 200 and r["record_inputs"] == 3, r)
    # Values that only survive exact float text: a signed zero, 0.1, a tiny normal, a subnormal.
    w = [0.1, -0.0, 2.5, 1e-30, 1e-45] + [-1.0] * (n - 5)
    t7.fwdbwd(data=[(SEQ[:-1], {"target_tokens": (SEQ[1:], DT_I64, [n]),
                                "weights": (w, DT_F32, [n])}),
                    ce_datum(SEQ[:4], weights=False)])
    st, rec = emu.admin("GET", inputs_path)
    reqs = rec.get("requests", [])
    check("inputs: one protobuf request recorded", st == 200 and len(reqs) == 1 and
          reqs[0]["seq_id"] == 2 and reqs[0]["forward_only"] is False and
          reqs[0]["loss_fn"] == "cross_entropy" and reqs[0]["loss_fn_config"] == {} and
          reqs[0]["encoding"] == "protobuf" and len(reqs[0]["data"]) == 2, rec)
    if reqs:
        d0, d1 = reqs[0]["data"]
        rw = d0["loss_fn_inputs"]["weights"]
        check("inputs: datum token counts and input names",
              d0["model_input_tokens"] == n and d0["model_input_chunks"] == 1 and
              d1["model_input_tokens"] == 3 and list(d1["loss_fn_inputs"]) == ["target_tokens"], reqs)
        check("inputs: target_tokens as sent", d0["loss_fn_inputs"]["target_tokens"] ==
              {"dtype": "int64", "shape": [n], "data": SEQ[1:]}, d0)
        check("inputs: weights exactly as sent (float32)",
              rw["dtype"] == "float32" and rw["shape"] == [n] and
              [f32(x) for x in rw["data"]] == [f32(x) for x in w], rw)
        # json.loads reads "-0" as the integer 0: look at the text for the signed zero.
        _, _, raw = emu.request("GET", "/_emulator/" + inputs_path, key=None)
        check("inputs: the signed zero keeps its sign", b'"data":[0.1,-0,2.5,' in raw, raw[-400:])
    t7.fwdbwd(forward_only=True, zstd=True, loss_fn="ppo", config={"clip_low_threshold": 0.8},
              data=[(SEQ[:-1], {"target_tokens": (SEQ[1:], DT_I64, [n]),
                                "logprobs": ([-2.0] * n, DT_F32, [n]),
                                "advantages": ([1.0] * n, DT_F32, [n])})])
    t7.json("forward_backward", {"forward_backward_input": {"data": [json_datum()],
                                                            "loss_fn": "cross_entropy"}})
    t7.json("forward", {"forward_input": {"data": [json_datum()], "loss_fn": "cross_entropy"}})
    st, rec = emu.admin("GET", inputs_path)
    reqs = rec.get("requests", [])
    check("inputs: only the latest record_inputs requests, in execution order",
          [q["seq_id"] for q in reqs] == [3, 4, 5], rec)
    check("inputs: each encoding and forward_only",
          [(q["encoding"], q["forward_only"], q["loss_fn"]) for q in reqs] ==
          [("protobuf+zstd", True, "ppo"), ("json", False, "cross_entropy"),
           ("json", True, "cross_entropy")], reqs)
    if len(reqs) == 3:
        check("inputs: loss_fn_config and the ppo inputs",
              reqs[0]["loss_fn_config"] == {"clip_low_threshold": 0.8} and
              list(reqs[0]["data"][0]["loss_fn_inputs"]) == ["advantages", "logprobs", "target_tokens"],
              reqs[0])
        check("inputs: JSON request tensors", reqs[1]["data"][0]["loss_fn_inputs"]["weights"] ==
              {"dtype": "float32", "shape": [n], "data": [1.0] * n}, reqs[1])
    t7.fwdbwd(loss_fn="dro")
    st, rec = emu.admin("GET", inputs_path)
    check("inputs: a request the model rejects is still recorded",
          [(q["seq_id"], q["loss_fn"]) for q in rec["requests"]][-1:] == [(6, "dro")], rec)
    st, r = emu.admin("GET", "inputs")
    check("inputs without model_id -> 400", st == 400 and "error" in r, r)
    st, r = emu.admin("GET", "inputs?model_id=nope:train:0")
    check("inputs of an unknown model -> 404", st == 404, r)
    st, r = emu.admin("POST", "config", {"record_inputs": 5000})
    check("record_inputs above the cap -> 400", st == 400, r)
    emu.admin("POST", "config", {"record_inputs": 0})
    t7.forward()
    st, rec = emu.admin("GET", inputs_path)
    check("record_inputs 0 stops recording", [q["seq_id"] for q in rec["requests"]] == [4, 5, 6], rec)

    # -- unload_model ------------------------------------------------------------------------------
    st, r = emu.result("unload_model", {"model_id": mid4, "type": "unload_model"})
    check("unload_model result", r == {"model_id": mid4, "type": "unload_model"}, r)
    st, r = emu.post("get_info", {"model_id": mid4})
    check("get_info after unload -> 404", st == 404, st)
    st, r = t4.fwdbwd_submit()
    check("forward_backward after unload -> 404", st == 404, st)


if __name__ == "__main__":
    sys.exit(main())
