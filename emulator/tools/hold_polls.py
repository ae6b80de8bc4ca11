#!/usr/bin/env python3
"""Hold N concurrent retrieve_future long-polls against one tinker-emulator.

Starts the emulator (or uses --base), submits one slow test job, opens N connections that
each poll it, checks through /_emulator/stats that all N are held at once, then checks that
every poll gets the result when the job finishes. Also reports the emulator's thread count
(it must not grow with the number of held polls). Standard library only; not a ctest.

    python3 emulator/tools/hold_polls.py --emulator build/emulator/tinker-emulator -n 2000
"""
import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request

KEY = "tml-hold-polls"


def http_json(base, method, path, body=None, key=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("X-API-Key", key)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


async def one_poll(host, port, request_id, results):
    reader, writer = await asyncio.open_connection(host, port)
    body = json.dumps({"request_id": request_id, "allow_metadata_only": True}).encode()
    head = (
        "POST /api/v1/retrieve_future HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        f"X-API-Key: {KEY}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    payload = await reader.readexactly(length)
    results.append((status_line.split()[1].decode(), payload, time.monotonic()))
    writer.close()


def proc_status(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return line.split()[1]
    except OSError:
        pass
    return "?"


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", help="path to tinker-emulator (started here)")
    ap.add_argument("--base", help="use a running emulator instead, e.g. http://127.0.0.1:8080")
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--job-ms", type=int, default=15000, help="job duration; must exceed the ramp-up")
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    proc = None
    if args.emulator:
        proc = subprocess.Popen([args.emulator, "--port", "0", "--quiet", "--poll-hold-ms", "25000"],
                                stdout=subprocess.PIPE, text=True)
        base = proc.stdout.readline().strip().split(" ", 2)[2]
    else:
        base = args.base
    host, port = base[len("http://"):].rsplit(":", 1)
    port = int(port)

    try:
        job = http_json(base, "POST", "/_emulator/jobs",
                        {"delay_ms": args.job_ms, "result": {"done": True}}, key=KEY)
        t_submit = time.monotonic()
        results = []
        tasks = [asyncio.ensure_future(one_poll(host, port, job["request_id"], results))
                 for _ in range(args.n)]
        # Wait until the server reports every poll held.
        held = 0
        while time.monotonic() - t_submit < args.job_ms / 1000.0:
            stats = http_json(base, "GET", "/_emulator/stats")
            held = max(held, stats["held_polls"])
            if stats["held_polls"] >= args.n:
                break
            await asyncio.sleep(0.1)
        t_all_held = time.monotonic() - t_submit
        threads = proc_status(proc.pid, "Threads") if proc else "?"
        rss_kb = proc_status(proc.pid, "VmRSS") if proc else "?"
        await asyncio.gather(*tasks, return_exceptions=False)
        t_done = t_submit + args.job_ms / 1000.0
        ok = sum(1 for s, p, _ in results if s == "200" and json.loads(p) == {"done": True})
        last = max(t for _, _, t in results) - t_done
        print(f"held concurrently (peak seen by server): {held}/{args.n} "
              f"after {t_all_held:.2f}s; emulator threads: {threads}, RSS: {rss_kb} kB")
        print(f"results: {ok}/{args.n} got the job result; last answer {last * 1000:.0f} ms "
              f"after the job's due time")
        return 0 if held >= args.n and ok == args.n else 1
    finally:
        if proc:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
