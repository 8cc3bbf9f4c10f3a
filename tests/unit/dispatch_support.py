"""Test support for the dispatch tests: a small department-queue server on 127.0.0.1 and hall files.

The server keeps to the wire contract (issue 5): it checks the bearer token and the HMAC signature,
dedupes by ``Idempotency-Key`` (same key and body: 200 with the same ``queue_ref``; same key, other body:
422) and answers ``GET /transfers/{queue_ref}``. A test can script the next answers (status codes, a
delay) to inject faults. The reference receiver in ``tests/department_receiver.py`` (written separately)
is the one the end-to-end and crash tests use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from reception.config import example_path
from reception.secrets import set_secret

TOKEN = "test-token-123"
KEY = "test-signing-key-456"


class DeptServer:
    def __init__(self, *, token: str = TOKEN, key: str = KEY):
        self.token = token
        self.key = key.encode()
        self.lock = threading.Lock()
        #: Idempotency-Key -> (body, queue_ref)
        self.accepted: dict[str, tuple[bytes, str]] = {}
        #: every POST as (key, body) in arrival order
        self.posts: list[tuple[str, bytes]] = []
        #: answers to give to the next POSTs (status code, body dict); empty: the normal behaviour
        self.script: list[tuple[int, dict | None]] = []
        #: seconds to sleep before answering a POST
        self.delay = 0.0
        #: queue_ref -> status answer for GET
        self.statuses: dict[str, dict] = {}
        #: queue_ref of every GET
        self.gets: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, code: int, data: dict | None) -> None:
                raw = json.dumps(data or {}, ensure_ascii=False).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if server.delay:
                    time.sleep(server.delay)
                key = self.headers.get("Idempotency-Key") or ""
                with server.lock:
                    server.posts.append((key, body))
                    scripted = server.script.pop(0) if server.script else None
                if scripted is not None:
                    return self._send(*scripted)
                if self.headers.get("Authorization") != f"Bearer {server.token}":
                    return self._send(401, {"reason": "bad token"})
                ts = self.headers.get("X-Reception-Timestamp") or ""
                want = "sha256=" + hmac.new(server.key, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(want, self.headers.get("X-Reception-Signature") or ""):
                    return self._send(401, {"reason": "bad signature"})
                if abs(time.time() - int(ts)) > 300:
                    return self._send(401, {"reason": "stale timestamp"})
                with server.lock:
                    seen = server.accepted.get(key)
                    if seen is not None:
                        if seen[0] != body:
                            return self._send(422, {"reason": "same key, different payload"})
                        return self._send(200, {"queue_ref": seen[1], "status": "received"})
                    ref = "Q-" + uuid.uuid4().hex[:10]
                    server.accepted[key] = (body, ref)
                    server.statuses[ref] = {"queue_ref": ref, "status": "received"}
                return self._send(201, {"queue_ref": ref, "status": "received"})

            def do_GET(self):
                ref = self.path.rsplit("/", 1)[-1]
                server.gets.append(ref)
                with server.lock:
                    status = server.statuses.get(ref)
                if status is None:
                    return self._send(404, {"reason": "unknown"})
                return self._send(200, status)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def bodies_of(self, key: str) -> list[bytes]:
        return [b for k, b in self.posts if k == key]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hall_with(tmp_path: Path, transports: dict[str, str], extra: str = "") -> Path:
    """The example hall with ``[department.transport]`` tables (TOML body text) for the given departments."""
    text = example_path().read_text(encoding="utf-8")
    head, *blocks = text.split("\n[[department]]\n")
    out = [head]
    for block in blocks:
        code = block.split('code = "', 1)[1].split('"', 1)[0]
        if code in transports:
            # before the next top-level table that follows the department's block (if any)
            cut = block.find("\n[network]")
            body = f"\n[department.transport]\n{transports[code].strip()}\n"
            block = block + body if cut < 0 else block[:cut] + body + block[cut:]
        out.append(block)
    hall = tmp_path / "hall" / "hall.toml"
    hall.parent.mkdir(parents=True, exist_ok=True)
    hall.write_text("\n[[department]]\n".join(out) + "\n" + extra, encoding="utf-8")
    return hall


def http_transport(url: str, **extra) -> str:
    lines = ['kind = "http"', f'base_url = "{url}"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in {"timeout_s": 2, **extra}.items()]
    return "\n".join(lines)


def store_secrets(*codes: str) -> None:
    for code in codes:
        set_secret(f"dept-{code}-token", TOKEN)
        set_secret(f"dept-{code}-signing-key", KEY)
