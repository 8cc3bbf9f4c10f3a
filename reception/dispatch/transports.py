"""How a transfer reaches its department: the department-queue API (http), a shared folder, or paper.

Each transport's ``send(transfer_id, body)`` returns a :class:`SendResult` and never raises for a
problem on the department's side or the network's: the result's ``outcome`` says what the dispatcher does
with the entry (``delivered``, ``retry``, ``dead``). ``poll(transfer_id, queue_ref)`` returns the
department's :class:`RemoteStatus` of a delivered transfer, or None when there is nothing (yet).

The HTTP wire contract (``resources/api/``, issue 5): ``POST {base_url}/transfers`` with the headers
``Idempotency-Key`` (the transfer's id), ``Authorization: Bearer <token>``, ``X-Reception-Timestamp``
(Unix seconds) and ``X-Reception-Signature: sha256=<hex HMAC-SHA256(key, timestamp + "." + body)>``;
201/200 delivered, 409 retry, 422 dead (reason from the body), 401/403 dead (credentials), 429/5xx/timeouts
/refused connections retry, any other 4xx dead. ``GET {base_url}/transfers/{queue_ref}`` answers the status.

Errors kept here go to ``dispatch_attempts.error`` and the outbox's ``last_error``: they name the
department's answer or the network problem and the keyring entry's name, never a secret or personal data.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import os
import select
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

from reception.config import LOOPBACK_HOSTS, Department
from reception.secrets import SecretUnavailable, get_secret

#: department statuses (FHIR ``Task.status``-like) a status answer may carry
REMOTE_STATUSES: tuple[str, ...] = (
    "received",
    "accepted",
    "rejected",
    "in-progress",
    "completed",
    "cancelled",
    "failed",
)
MAX_ERROR = 500
#: seconds the department's token and signing key are kept in memory after a keyring read
CREDENTIALS_TTL_S = 60.0
#: seconds after which a temporary file in a folder inbox is a killed dispatcher's leftover
STALE_TEMP_S = 3600.0
#: an answer's body is read up to this many bytes (the contract's answers are small JSON objects)
MAX_ANSWER_BYTES = 1 << 20
USER_AGENT = "reception-desk-dispatcher"


@dataclass(frozen=True)
class SendResult:
    #: ``delivered`` | ``retry`` | ``dead``
    outcome: str
    http_status: int | None = None
    queue_ref: str | None = None
    #: the department answered 200 to a key it had seen (a replay)
    replayed: bool = False
    error: str | None = None
    #: the department refused the credentials (401/403) or a secret is missing
    credentials: bool = False


@dataclass(frozen=True)
class RemoteStatus:
    queue_ref: str | None
    status: str
    reason: str | None = None
    outcome: str | None = None
    department_case_no: str | None = None
    updated_at: str | None = None


class Transport(Protocol):
    kind: str

    def send(self, transfer_id: str, body: bytes) -> SendResult: ...

    def poll(self, transfer_id: str, queue_ref: str | None) -> RemoteStatus | None: ...

    def close(self) -> None: ...


class PollError(Exception):
    """A status could not be read this time (network, 5xx, a malformed answer): try again later."""


def _short(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text[:MAX_ERROR]


def sign(key: bytes, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(key, timestamp + "." + body)>``."""
    return "sha256=" + hmac.new(key, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()


def _remote_status(data: object) -> RemoteStatus:
    if not isinstance(data, dict):
        raise PollError("status answer is not a JSON object")
    status = data.get("status")
    if status not in REMOTE_STATUSES:
        raise PollError(f"unknown department status {str(status)[:40]!r}")

    def opt(key: str) -> str | None:
        v = data.get(key)
        return None if v is None else str(v)

    return RemoteStatus(
        queue_ref=opt("queue_ref"),
        status=str(status),
        reason=opt("reason"),
        outcome=opt("outcome"),
        department_case_no=opt("department_case_no"),
        updated_at=opt("updated_at"),
    )


def _closed_by_peer(sock: socket.socket) -> bool:
    """An idle keep-alive socket that reads as ready has been closed (or spoken on) by the other side."""
    try:
        ready, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)


class _Failure(Exception):
    """A request that got no answer: ``kind`` is ``network`` or ``timeout``."""

    def __init__(self, kind: str, name: str, detail: str):
        detail = _short(detail)
        super().__init__(f"{kind}: {name}" + (f": {detail}" if detail else ""))


class MissingSecret(Exception):
    def __init__(self, name: str, detail: str):
        super().__init__(detail)
        self.name = name


def _secret(name: str) -> str:
    try:
        value = get_secret(name)
    except SecretUnavailable as exc:
        raise MissingSecret(name, f'credentials missing: secret "{name}" unavailable ({exc.backend})') from exc
    if not value:
        raise MissingSecret(
            name, f'credentials missing: secret "{name}" is not in the keyring (reception secret set {name})'
        )
    return value


class HttpTransport:
    """The department-queue API over the standard library's ``http.client``: TLS verified (or the hall's
    CA bundle), plain http only to loopback, no proxies from the environment, redirects not followed.

    Each sending thread keeps its own persistent connection (HTTP/1.1 keep-alive); one the department
    closed while idle is replaced before a request goes out on it. A request is never re-sent here: a
    failure is the dispatcher's to retry (and record).

    Errors name the failure the way the operator reads it: ``network: ConnectError: …`` (refused, no
    route, TLS), ``network: ReadError``/``WriteError``/``RemoteProtocolError: …`` (dropped mid-request,
    a malformed answer), ``timeout: ConnectTimeout``/``ReadTimeout``."""

    kind = "http"

    def __init__(self, department: Department):
        t = department.transport
        if not t.base_url:
            raise ValueError(f"department {department.code}: no base_url")
        url = urlsplit(t.base_url)
        host = (url.hostname or "").lower()
        if url.scheme != "https" and host not in LOOPBACK_HOSTS:
            raise ValueError(f"department {department.code}: plain http only to loopback addresses")
        self.code = department.code
        self.base_url = t.base_url.rstrip("/")
        self.https = url.scheme == "https"
        self.host = url.hostname or ""
        self.port = url.port or (443 if self.https else 80)
        self.base_path = url.path.rstrip("/")
        self.timeout = t.timeout_s
        self.token_secret = t.token_secret or f"dept-{department.code}-token"
        self.signing_secret = t.signing_secret or f"dept-{department.code}-signing-key"
        self.ssl_context: ssl.SSLContext | None = None
        if self.https:
            cafile = str(t.ca_bundle) if t.ca_bundle else None
            self.ssl_context = ssl.create_default_context(cafile=cafile)
        self._local = threading.local()
        self._open: set[http.client.HTTPConnection] = set()
        self._lock = threading.Lock()
        self._cred_lock = threading.Lock()
        self._cred: tuple[float, str, bytes] | None = None

    def close(self) -> None:
        with self._lock:
            conns, self._open = list(self._open), set()
        for conn in conns:
            conn.close()

    # -- connections ---------------------------------------------------------------------------

    def _new_connection(self) -> http.client.HTTPConnection:
        if self.https:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout, context=self.ssl_context
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        with self._lock:
            self._open.add(conn)
        return conn

    def _drop(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        with self._lock:
            self._open.discard(conn)
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None

    def _connection(self) -> http.client.HTTPConnection:
        """The thread's connection, connected. A kept connection the department closed while it was idle
        (its socket reads as ready: end of file) is replaced before anything is sent on it."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and conn.sock is not None and _closed_by_peer(conn.sock):
            self._drop(conn)
            conn = None
        if conn is None:
            conn = self._local.conn = self._new_connection()
        if conn.sock is None:
            try:
                conn.connect()
            except TimeoutError as exc:
                self._drop(conn)
                raise _Failure("timeout", "ConnectTimeout", "") from exc
            except OSError as exc:  # refused, unreachable, name not found, certificate refused
                self._drop(conn)
                raise _Failure("network", "ConnectError", str(exc)) from exc
        return conn

    def _request(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
        """``(status, body)``; raises :class:`_Failure` naming what went wrong. Never sent twice."""
        conn = self._connection()
        try:
            conn.request(method, self.base_path + path, body=body, headers={"User-Agent": USER_AGENT, **headers})
            answer = conn.getresponse()
            content = answer.read(MAX_ANSWER_BYTES + 1)
        except TimeoutError as exc:
            self._drop(conn)
            raise _Failure("timeout", "ReadTimeout", "") from exc
        except http.client.RemoteDisconnected as exc:
            self._drop(conn)
            raise _Failure("network", "RemoteProtocolError", str(exc) or "connection closed") from exc
        except BrokenPipeError as exc:
            self._drop(conn)
            raise _Failure("network", "WriteError", str(exc)) from exc
        except (http.client.HTTPException, OSError) as exc:
            self._drop(conn)
            name = "ReadError" if isinstance(exc, OSError) else "RemoteProtocolError"
            raise _Failure("network", name, f"{type(exc).__name__}: {exc}") from exc
        if len(content) > MAX_ANSWER_BYTES or answer.will_close:
            self._drop(conn)
        return answer.status, content[:MAX_ANSWER_BYTES]

    # -- credentials ---------------------------------------------------------------------------

    def _credentials(self) -> tuple[str, bytes]:
        """Token and signing key from the keyring, kept in memory for ``CREDENTIALS_TTL_S`` (a keyring
        read per request would cost more than the request; a refused answer forgets them at once)."""
        with self._cred_lock:
            cached = self._cred
            if cached is not None and cached[0] > time.monotonic():
                return cached[1], cached[2]
            token, key = _secret(self.token_secret), _secret(self.signing_secret).encode("utf-8")
            self._cred = (time.monotonic() + CREDENTIALS_TTL_S, token, key)
            return token, key

    def _forget_credentials(self) -> None:
        with self._cred_lock:
            self._cred = None

    def send(self, transfer_id: str, body: bytes) -> SendResult:
        try:
            token, key = self._credentials()
        except MissingSecret as exc:
            return SendResult("dead", error=str(exc), credentials=True)
        ts = str(int(time.time()))
        headers = {
            "Idempotency-Key": transfer_id,
            "Authorization": f"Bearer {token}",
            "X-Reception-Timestamp": ts,
            "X-Reception-Signature": sign(key, ts, body),
            "Content-Type": "application/json",
        }
        try:
            status, content = self._request("POST", "/transfers", body, headers)
        except _Failure as exc:
            return SendResult("retry", error=str(exc))
        result = classify(status, content)
        if result.credentials:
            self._forget_credentials()
        return result

    def poll(self, transfer_id: str, queue_ref: str | None) -> RemoteStatus | None:
        if not queue_ref:
            return None
        try:
            token, _ = self._credentials()
        except MissingSecret as exc:
            raise PollError(str(exc)) from exc
        try:
            status, content = self._request(
                "GET",
                f"/transfers/{quote(queue_ref, safe='')}",
                None,
                {"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
        except _Failure as exc:
            raise PollError(str(exc)) from exc
        if status == 404:
            return None
        if status in (401, 403):
            self._forget_credentials()
        if status != 200:
            raise PollError(f"HTTP {status}")
        try:
            return _remote_status(json.loads(content.decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PollError("status answer is not JSON") from exc


def _reason(content: bytes) -> str | None:
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _short(content.decode("utf-8", "replace")) or None
    if isinstance(data, dict):
        for key in ("reason", "detail", "error", "message", "title"):
            if data.get(key):
                return _short(str(data[key]))
    return None


def classify(status: int, content: bytes) -> SendResult:
    """What an answer to ``POST /transfers`` means for the outbox entry."""
    if status in (200, 201):
        ref = None
        try:
            data = json.loads(content.decode("utf-8"))
            if isinstance(data, dict) and data.get("queue_ref") is not None:
                ref = str(data["queue_ref"])[:120]
        except (UnicodeDecodeError, ValueError):
            pass
        if not ref:
            return SendResult("retry", status, error=f"HTTP {status} without a queue_ref")
        return SendResult("delivered", status, queue_ref=ref, replayed=status == 200)
    reason = _reason(content)
    text = f"HTTP {status}" + (f": {reason}" if reason else "")
    if status == 409:
        return SendResult("retry", status, error=text)
    if status in (401, 403):
        return SendResult("dead", status, error=text + " (credentials refused)", credentials=True)
    if status == 429 or status >= 500:
        return SendResult("retry", status, error=text)
    if 400 <= status < 500:
        return SendResult("dead", status, error=text)
    # 1xx/3xx: not part of the contract (redirects are not followed): try again later
    return SendResult("retry", status, error=text)


def write_atomic(folder: Path, name: str, body: bytes) -> Path:
    """Write ``folder/name`` so that a reader sees either nothing or the whole file: a temporary file in
    the same folder, flushed and fsynced, then renamed over the name (and the folder fsynced)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        target = folder / name
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    return target


class FolderTransport:
    """A shared folder: ``<transfer id>.json`` written atomically into ``inbox``; the department drops
    ``<transfer id>.status.json`` (the same fields as the API's status answer) into ``outbox``.

    Writing the same transfer again replaces the file with identical bytes, so a resend after a crash
    never makes a second transfer. The queue reference is the file's name."""

    kind = "folder"

    def __init__(self, department: Department):
        t = department.transport
        if t.inbox is None:
            raise ValueError(f"department {department.code}: no inbox folder")
        self.inbox = Path(t.inbox)
        self.outbox = Path(t.outbox) if t.outbox else None
        self._tidied = False

    def close(self) -> None:
        pass

    def tidy(self, *, older_than_s: float = STALE_TEMP_S) -> int:
        """Remove temporary files a killed dispatcher left in the inbox (``.tmp-*.part``, older than
        ``older_than_s``: a write takes milliseconds). Returns how many; problems are left for next time."""
        cutoff = time.time() - older_than_s
        removed = 0
        try:
            stale = [p for p in self.inbox.glob(".tmp-*.part") if p.stat().st_mtime < cutoff]
        except OSError:
            return 0
        for p in stale:
            with contextlib.suppress(OSError):
                p.unlink()
                removed += 1
        return removed

    def send(self, transfer_id: str, body: bytes) -> SendResult:
        if not self._tidied:  # once per dispatcher: what an earlier, killed one left half-written
            self._tidied = True
            self.tidy()
        name = f"{transfer_id}.json"
        try:
            write_atomic(self.inbox, name, body)
        except OSError as exc:
            return SendResult("retry", error=f"folder: {type(exc).__name__}: {exc.strerror or exc}")
        return SendResult("delivered", queue_ref=name)

    def poll(self, transfer_id: str, queue_ref: str | None) -> RemoteStatus | None:
        if self.outbox is None:
            return None
        path = self.outbox / f"{transfer_id}.status.json"
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise PollError(f"folder: {type(exc).__name__}") from exc
        try:
            return _remote_status(json.loads(raw.decode("utf-8-sig")))
        except (UnicodeDecodeError, ValueError) as exc:
            raise PollError(f"{path.name}: not a JSON status file") from exc


class ManualTransport:
    """Paper: nothing is sent. The dispatcher marks the entry ``manual`` (handed over on the printed
    transfer slip) without a ``pushed`` event; the department's answers are recorded by hand."""

    kind = "manual"

    def __init__(self, department: Department | None = None):
        pass

    def close(self) -> None:
        pass

    def send(self, transfer_id: str, body: bytes) -> SendResult:  # pragma: no cover - never called
        raise RuntimeError("manual transfers are not sent")

    def poll(self, transfer_id: str, queue_ref: str | None) -> RemoteStatus | None:
        return None


def make_transport(department: Department) -> Transport:
    kind = department.transport.kind
    if kind == "http":
        return HttpTransport(department)
    if kind == "folder":
        return FolderTransport(department)
    return ManualTransport(department)


__all__ = [
    "REMOTE_STATUSES",
    "FolderTransport",
    "HttpTransport",
    "ManualTransport",
    "PollError",
    "RemoteStatus",
    "SendResult",
    "Transport",
    "classify",
    "make_transport",
    "sign",
    "write_atomic",
]
