"""Reference department receiver for the department-queue API (``resources/api/department-queue-1.json``).

A department that wants to receive transfers from a reception hall can read this file as a worked
example; the tests use it as the real HTTP server the dispatcher talks to. It is deliberately small
and uses only the standard library:

* ``POST /transfers`` — checks ``Authorization: Bearer <token>``, the ``X-Reception-Timestamp``
  window (±300 s by default) and ``X-Reception-Signature: sha256=<hex HMAC-SHA256(key,
  timestamp + "." + body)>`` (compared in constant time), then stores the body under its
  ``Idempotency-Key``. A replay of the same key with the same body (SHA-256 compared) answers
  ``200`` with the same ``queue_ref``; the same key with another body ``422``; the same key while
  the first request is still being processed ``409``.
* ``GET /transfers/{queue_ref}`` — the transfer's status as the department sets it
  (:meth:`DepartmentReceiver.set_status` simulates the department's clerk).

The store is a SQLite file, so a receiver stopped and started again on the same port and file keeps
everything it acknowledged (a "restart"). A request that was being processed when the receiver
stopped was never acknowledged, so its row is dropped at start: the hall will send it again.

Fault injection for tests (all can be changed while the server runs): :meth:`refuse` (stop
listening: connections are refused), ``fail_rate`` and :meth:`fail_next` (``500``, before or after
storing), :meth:`drop_next` (store, then close the connection without answering), ``delay_s`` (slow
answers), ``answer_delay_s`` (stored, then a slow answer), ``hang`` (never answer until cleared: the
client times out), ``retry_after`` (``429`` with ``Retry-After``), ``forbidden`` (``403``),
:meth:`refuse_payloads` (``422`` with a reason), :meth:`answer_next` (exactly the given status and
reason, nothing stored: a ``400``, ``413``, a gateway's ``502``/``503`` …).
``idempotency=False`` stores every POST as a new row — a broken department, used by the crash
test to prove that it detects duplicates.

Run it on its own::

    python -m tests.department_receiver --port 8765 --db receiver.sqlite3 --token T --key K
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import random
import re
import socket
import sqlite3
import ssl
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STATUSES = ("received", "accepted", "rejected", "in-progress", "completed", "cancelled", "failed")
MAX_BODY = 8 * 1024 * 1024
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_REF_PATH_RE = re.compile(r"^/transfers/([A-Za-z0-9_\-]{1,80})$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS transfers (
    queue_ref          TEXT PRIMARY KEY,
    idempotency_key    TEXT NOT NULL,
    payload_sha256     TEXT NOT NULL,
    payload            BLOB NOT NULL,
    state              TEXT NOT NULL,          -- processing | stored
    status             TEXT NOT NULL,          -- the department's status (STATUSES)
    reason             TEXT,
    outcome            TEXT,
    department_case_no TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transfers_key ON transfers (idempotency_key);
"""


@dataclass(frozen=True)
class Received:
    """One idempotency key as the receiver holds it."""

    idempotency_key: str
    payload_sha256: str
    count: int  # rows stored under this key: 1 unless idempotency is off
    queue_refs: tuple[str, ...]


def sign(key: str | bytes, timestamp: str | int, body: bytes) -> str:
    """The ``X-Reception-Signature`` value for ``body`` sent at ``timestamp``."""
    k = key.encode() if isinstance(key, str) else key
    mac = hmac.new(k, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # threads are joined in server_close(): nothing leaks
    block_on_close = True
    allow_reuse_address = True
    receiver: DepartmentReceiver

    def handle_error(self, request, client_address) -> None:
        """A client that vanished (killed, timed out) is normal here; anything else is printed."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class DepartmentReceiver:
    """A department's work queue behind the department-queue API, on 127.0.0.1."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        token: str,
        signing_key: str,
        port: int = 0,
        host: str = "127.0.0.1",
        idempotency: bool = True,
        window_s: float = 300.0,
        processing_s: float = 0.0,
        seed: int | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.db_path = Path(db_path)
        self.token = token
        self.signing_key = signing_key.encode()
        self.host = host
        self.port = port
        self.idempotency = idempotency
        self.window_s = window_s
        self.processing_s = processing_s  # time between "processing" and "stored": widens the 409 window
        self.tls = tls  # a server-side TLS context: the API over https
        # faults
        self.fail_rate = 0.0
        self.delay_s = 0.0
        self.answer_delay_s = 0.0  # after storing, before answering: widens the "stored but unanswered" window
        self.hang = False
        self.retry_after: int | None = None
        self.forbidden = False
        self._refuse_payload: Callable[[dict], str | None] | None = None
        self._scripted: list[tuple[int, dict, dict]] = []  # answer_next(): (status, body, headers)
        self._fail_before = 0
        self._fail_after = 0
        self._drop_after = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        #: handler threads keep one SQLite connection each (one thread per HTTP connection)
        self._local = threading.local()
        self.requests = 0  # POSTs seen (any answer)
        self.active = 0  # POSTs being handled right now
        self.max_active = 0  # the most POSTs handled at once
        self._init_db()

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{'https' if self.tls is not None else 'http'}://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> DepartmentReceiver:
        if self._server is not None:
            return self
        self._drop_unacknowledged()
        self._stopping.clear()
        server = _Server((self.host, self.port), _Handler)
        if self.tls is not None:  # the handshake happens as each connection is accepted
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        server.receiver = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"receiver-{self.port}"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, cut open connections, join every thread. The store stays."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        assert self._thread is not None
        self._thread.join()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        server.server_close()  # joins the request threads

    def refuse(self) -> None:
        """Stop listening: new connections are refused until :meth:`start`."""
        self.stop()

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> DepartmentReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- fault injection -----------------------------------------------------------------------

    def fail_next(self, n: int = 1, *, after_store: bool = False) -> None:
        """Answer the next ``n`` POSTs with 500 — before storing, or after storing (the dangerous case)."""
        with self._lock:
            if after_store:
                self._fail_after += n
            else:
                self._fail_before += n

    def drop_next(self, n: int = 1) -> None:
        """Store the next ``n`` POSTs, then close the connection without an answer."""
        with self._lock:
            self._drop_after += n

    def answer_next(
        self,
        status: int,
        reason: str | None = None,
        *,
        n: int = 1,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``n`` POSTs with exactly ``status`` and ``{"reason": reason}`` (or ``body``),
        storing nothing — what a proxy or a broken department might answer (``400``, ``404``, ``413``,
        ``502``, ``503`` …). Applied before any check (credentials included), after ``delay_s`` and
        ``hang``; queued answers are used in the order given."""
        if not 100 <= status <= 599:
            raise ValueError(f"not an HTTP status: {status}")
        answer = body if body is not None else ({"reason": reason} if reason is not None else {})
        with self._lock:
            self._scripted.extend([(status, dict(answer), dict(headers or {}))] * n)

    def refuse_payloads(self, check: Callable[[dict], str | None] | None) -> None:
        """``check(payload)`` returns a reason to refuse it (422) or ``None`` to accept."""
        self._refuse_payload = check

    # -- the department's side -----------------------------------------------------------------

    def set_status(
        self,
        queue_ref: str,
        status: str,
        *,
        reason: str | None = None,
        outcome: str | None = None,
        department_case_no: str | None = None,
    ) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._db() as db:
            cur = db.execute(
                "UPDATE transfers SET status = ?, reason = ?, outcome = ?, department_case_no = COALESCE(?, "
                "department_case_no), updated_at = ? WHERE queue_ref = ? AND state = 'stored'",
                (status, reason, outcome, department_case_no, _now_iso(), queue_ref),
            )
            if cur.rowcount != 1:
                raise KeyError(queue_ref)

    def received(self) -> list[Received]:
        """Every idempotency key stored, with the payload hash and how many rows hold it."""
        with self._db() as db:
            rows = db.execute(
                "SELECT idempotency_key, payload_sha256, queue_ref FROM transfers WHERE state = 'stored' "
                "ORDER BY created_at, queue_ref"
            ).fetchall()
        grouped: dict[str, list[tuple[str, str]]] = {}
        for key, digest, ref in rows:
            grouped.setdefault(key, []).append((digest, ref))
        return [
            Received(key, items[0][0], len(items), tuple(ref for _, ref in items)) for key, items in grouped.items()
        ]

    def payload(self, idempotency_key: str) -> dict:
        """The (first) body stored under a key, parsed."""
        with self._db() as db:
            row = db.execute(
                "SELECT payload FROM transfers WHERE idempotency_key = ? AND state = 'stored' ORDER BY created_at",
                (idempotency_key,),
            ).fetchone()
        if row is None:
            raise KeyError(idempotency_key)
        return json.loads(row[0])

    def queue_ref(self, idempotency_key: str) -> str:
        with self._db() as db:
            row = db.execute(
                "SELECT queue_ref FROM transfers WHERE idempotency_key = ? AND state = 'stored' ORDER BY created_at",
                (idempotency_key,),
            ).fetchone()
        if row is None:
            raise KeyError(idempotency_key)
        return row[0]

    # -- storage -------------------------------------------------------------------------------

    def _db(self, *, kept: bool = False) -> _Conn:
        """A connection: a short-lived one, or (``kept``, for request handling) the handler thread's own,
        opened on its first request and closed when its HTTP connection ends."""
        return _Conn(self.db_path, self._local if kept else None)

    def _close_thread_db(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            conn.close()

    def _init_db(self) -> None:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    def _drop_unacknowledged(self) -> None:
        with self._db() as db:
            db.execute("DELETE FROM transfers WHERE state = 'processing'")

    # -- request handling (called from handler threads) ----------------------------------------

    def _check_credentials(self, headers, body: bytes, *, signed: bool) -> tuple[int, str] | None:
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not hmac.compare_digest(auth[7:].encode(), self.token.encode()):
            return 401, "invalid or missing bearer token"
        if self.forbidden:
            return 403, "this centre may not submit to this queue"
        if not signed:
            return None
        ts = headers.get("X-Reception-Timestamp", "")
        if not ts.isdigit():
            return 401, "missing or malformed X-Reception-Timestamp"
        if abs(time.time() - int(ts)) > self.window_s:
            return 401, "timestamp outside the accepted window"
        given = headers.get("X-Reception-Signature", "")
        if not hmac.compare_digest(given.encode(), sign(self.signing_key, ts, body).encode()):
            return 401, "bad signature"
        return None

    def _take(self, attr: str) -> bool:
        with self._lock:
            n = getattr(self, attr)
            if n > 0:
                setattr(self, attr, n - 1)
                return True
        return False

    def _wait(self, seconds: float) -> bool:
        """Sleep unless the server stops; ``False`` if it did."""
        return not self._stopping.wait(seconds) if seconds > 0 else not self._stopping.is_set()

    def handle_post(self, headers, body: bytes) -> tuple[int, dict, dict]:
        """(status, JSON answer, extra headers); status 0 = close the connection without answering."""
        with self._lock:
            self.requests += 1
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            return self._handle_post(headers, body)
        finally:
            with self._lock:
                self.active -= 1

    def _handle_post(self, headers, body: bytes) -> tuple[int, dict, dict]:
        if self.delay_s and not self._wait(self.delay_s):
            return 0, {}, {}
        while self.hang:
            if not self._wait(0.02):
                return 0, {}, {}
        with self._lock:
            scripted = self._scripted.pop(0) if self._scripted else None
        if scripted is not None:
            return scripted
        bad = self._check_credentials(headers, body, signed=True)
        if bad is not None:
            return bad[0], {"reason": bad[1]}, {}
        if self.retry_after is not None:
            return 429, {"reason": "too many requests"}, {"Retry-After": str(int(self.retry_after))}
        if self._take("_fail_before") or (self.fail_rate and self._rng.random() < self.fail_rate):
            return 500, {"reason": "internal error (injected)"}, {}
        key = headers.get("Idempotency-Key", "").strip().lower()
        if not _UUID_RE.match(key):
            return 422, {"reason": "Idempotency-Key must be the transfer's UUID"}, {}
        try:
            payload = json.loads(body)
        except ValueError:
            return 422, {"reason": "body is not JSON"}, {}
        if not isinstance(payload, dict):
            return 422, {"reason": "body must be a JSON object"}, {}
        check = self._refuse_payload
        reason = check(payload) if check is not None else None
        if reason:
            return 422, {"reason": reason}, {}
        digest = hashlib.sha256(body).hexdigest()
        now = _now_iso()
        queue_ref = "Q" + uuid.uuid4().hex[:16].upper()
        with self._db(kept=True) as db:
            db.execute("BEGIN IMMEDIATE")
            if self.idempotency:
                row = db.execute(
                    "SELECT queue_ref, payload_sha256, state FROM transfers WHERE idempotency_key = ?", (key,)
                ).fetchone()
                if row is not None:
                    db.execute("COMMIT")
                    ref, stored_digest, state = row
                    if not hmac.compare_digest(stored_digest, digest):
                        return 422, {"reason": "Idempotency-Key reused with a different payload"}, {}
                    if state == "processing":
                        return 409, {"reason": "a request with this key is still being processed"}, {}
                    return 200, {"queue_ref": ref, "status": "received"}, {}
            # with a processing time the row is visible as "processing" (409 to a concurrent replay) until
            # it is stored; without, it is stored at once and a concurrent replay waits for the lock (200)
            state = "processing" if self.processing_s else "stored"
            db.execute(
                "INSERT INTO transfers (queue_ref, idempotency_key, payload_sha256, payload, state, status, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'received', ?, ?)",
                (queue_ref, key, digest, body, state, now, now),
            )
            db.execute("COMMIT")
        if self.processing_s:
            if not self._wait(self.processing_s):
                return 0, {}, {}
            with self._db(kept=True) as db:
                db.execute("UPDATE transfers SET state = 'stored' WHERE queue_ref = ?", (queue_ref,))
        if self.answer_delay_s and not self._wait(self.answer_delay_s):
            return 0, {}, {}
        if self._take("_drop_after"):
            return 0, {}, {}
        if self._take("_fail_after"):
            return 500, {"reason": "internal error after storing (injected)"}, {}
        return 201, {"queue_ref": queue_ref, "status": "received"}, {"Location": f"/transfers/{queue_ref}"}

    def handle_get(self, headers, queue_ref: str) -> tuple[int, dict, dict]:
        bad = self._check_credentials(headers, b"", signed=False)
        if bad is not None:
            return bad[0], {"reason": bad[1]}, {}
        with self._db(kept=True) as db:
            row = db.execute(
                "SELECT queue_ref, status, reason, outcome, department_case_no, updated_at FROM transfers "
                "WHERE queue_ref = ? AND state = 'stored'",
                (queue_ref,),
            ).fetchone()
        if row is None:
            return 404, {"reason": "unknown queue_ref"}, {}
        names = ("queue_ref", "status", "reason", "outcome", "department_case_no", "updated_at")
        return 200, dict(zip(names, row, strict=True)), {}


class _Conn:
    """An SQLite connection in autocommit mode, never shared across threads: a short-lived one, or the
    thread's own kept in ``local`` (closed by ``DepartmentReceiver._close_thread_db``)."""

    def __init__(self, path: Path, local: threading.local | None = None):
        self.path = path
        self.local = local

    def __enter__(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None) if self.local is not None else None
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            if self.local is not None:
                self.local.conn = conn
        self.conn = conn
        return conn

    def __exit__(self, exc_type, *exc) -> None:
        try:
            if exc_type is not None and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        finally:
            if self.local is None:
                self.conn.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the dispatcher reuses its connection
    server: _Server
    timeout = 60  # an idle keep-alive connection is closed after a minute

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle + delayed ACK cost 40 ms per answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        r = self.server.receiver
        with r._lock:
            r._conns.add(self.connection)

    def finish(self) -> None:
        r = self.server.receiver
        with r._lock:
            r._conns.discard(self.connection)
        r._close_thread_db()
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format, *args) -> None:  # quiet: tests run with captured output
        pass

    def _answer(self, status: int, body: dict, headers: dict) -> None:
        if status == 0:
            self.close_connection = True
            return
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/transfers":
            self._discard_body()
            self._answer(404, {"reason": "not found"}, {})
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.close_connection = True
            self._answer(411, {"reason": "Content-Length required"}, {})
            return
        if length > MAX_BODY:
            self.close_connection = True
            self._answer(422, {"reason": "payload too large"}, {})
            return
        try:
            body = self.rfile.read(length)
        except OSError:
            self.close_connection = True
            return
        if len(body) != length:
            self.close_connection = True
            return
        self._answer(*self.server.receiver.handle_post(self.headers, body))

    def do_GET(self) -> None:
        m = _REF_PATH_RE.match(self.path)
        if m is None:
            self._answer(404, {"reason": "not found"}, {})
            return
        self._answer(*self.server.receiver.handle_get(self.headers, m.group(1)))

    def _discard_body(self) -> None:
        try:
            length = int(self.headers.get("Content-Length", "0"))
            if 0 < length <= MAX_BODY:
                self.rfile.read(length)
        except (ValueError, OSError):
            self.close_connection = True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="reference department receiver (department-queue API)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--db", required=True, help="SQLite file holding the queue")
    p.add_argument("--token", required=True, help="bearer token the hall sends")
    p.add_argument("--key", required=True, help="shared HMAC signing key")
    p.add_argument("--no-idempotency", action="store_true", help="store every POST (broken on purpose)")
    args = p.parse_args(argv)
    r = DepartmentReceiver(
        args.db, token=args.token, signing_key=args.key, port=args.port, idempotency=not args.no_idempotency
    )
    r.start()
    print(f"department receiver on {r.url} (store {args.db}); Ctrl+C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        r.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
