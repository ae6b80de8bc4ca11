#!/usr/bin/env python3
"""A stand-in for the service that hands out hostile checkpoint archives, for cli_download_test.sh.

Usage: fake_archive_server.py ARCHIVE_DIR HEADER_LOG

Prints "listening on http://127.0.0.1:PORT" once it serves. It answers what the library asks
before a REST call (client/config, create_session, heartbeats, telemetry) and
  GET /api/v1/training_runs/RUN/checkpoints/KIND/NAME/archive
with a 302 to its own /files/NAME (as the service answers with a signed URL). /files/NAME is
ARCHIVE_DIR/NAME.tar.gz, except for the names below. The headers of every /files/ request are
appended to HEADER_LOG as one JSON object a line, so the test can check that no credential
reached the download.
  /files/offsite   302 to another host
  /files/samehost  302 to /files/good on this host
  /files/loop      302 to itself
  /files/missing   404
"""
import http.server
import json
import os
import sys

archives, header_log = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, obj, status=200):
        self.reply(status, json.dumps(obj).encode(), [("Content-Type", "application/json")])

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/api/v1/create_session":
            self.reply_json({"session_id": "fake-session", "type": "create_session"})
        elif self.path == "/api/v1/session_heartbeat":
            self.reply_json({"type": "session_heartbeat"})
        elif self.path == "/api/v1/telemetry":
            self.reply_json({"status": "accepted"})
        else:  # client/config and anything else: nothing to configure
            self.reply_json({})

    def do_GET(self):
        parts = self.path.split("?")[0].split("/")
        if self.path.startswith("/api/v1/training_runs/") and parts[-1] == "archive":
            self.reply(302, b"", [("Location", "/files/" + parts[-2]),
                                  ("Expires", "Thu, 01 Jan 2099 00:00:00 GMT")])
            return
        if not self.path.startswith("/files/"):
            self.reply_json({"detail": "not found"}, 404)
            return
        with open(header_log, "a") as log:
            log.write(json.dumps({"path": self.path, "headers": dict(self.headers)}) + "\n")
        name = parts[2]
        if name == "offsite":
            self.reply(302, b"", [("Location", "http://elsewhere.invalid/files/good")])
        elif name == "samehost":
            self.reply(302, b"", [("Location", "/files/good")])
        elif name == "loop":
            self.reply(302, b"", [("Location", "/files/loop")])
        else:
            path = os.path.join(archives, name + ".tar.gz")
            if name == "missing" or "/" in name or not os.path.isfile(path):
                self.reply(404, b"no such file\n")
                return
            with open(path, "rb") as f:
                self.reply(200, f.read(), [("Content-Type", "application/gzip")])

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
