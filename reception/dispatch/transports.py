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
import json
import os
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
#: connections one department's client keeps (at least ``[dispatch] concurrency`` plus polling)
MAX_CONNECTIONS = 40


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
    """The department-queue API over httpx: TLS verified (or the hall's CA bundle), http only to loopback."""

    kind = "http"

    def __init__(self, department: Department):
        t = department.transport
        if not t.base_url:
            raise ValueError(f"department {department.code}: no base_url")
        host = (urlsplit(t.base_url).hostname or "").lower()
        if urlsplit(t.base_url).scheme != "https" and host not in LOOPBACK_HOSTS:
            raise ValueError(f"department {department.code}: plain http only to loopback addresses")
        import httpx

        self._httpx = httpx
        self.code = department.code
        self.base_url = t.base_url.rstrip("/")
        self.token_secret = t.token_secret or f"dept-{department.code}-token"
        self.signing_secret = t.signing_secret or f"dept-{department.code}-signing-key"
        verify: bool | ssl.SSLContext = True
        if t.ca_bundle:
            verify = ssl.create_default_context(cafile=str(t.ca_bundle))
        self.client = httpx.Client(
            verify=verify,
            timeout=httpx.Timeout(t.timeout_s),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": "reception-desk-dispatcher"},
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS),
        )
        self._cred_lock = threading.Lock()
        self._cred: tuple[float, str, bytes] | None = None

    def close(self) -> None:
        self.client.close()

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
        httpx = self._httpx
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
            r = self.client.post(f"{self.base_url}/transfers", content=body, headers=headers)
        except httpx.TimeoutException as exc:
            return SendResult("retry", error=f"timeout: {type(exc).__name__}")
        except httpx.TransportError as exc:
            return SendResult("retry", error=f"network: {type(exc).__name__}: {_short(str(exc))}")
        result = classify(r.status_code, r.content)
        if result.credentials:
            self._forget_credentials()
        return result

    def poll(self, transfer_id: str, queue_ref: str | None) -> RemoteStatus | None:
        httpx = self._httpx
        if not queue_ref:
            return None
        try:
            token, _ = self._credentials()
        except MissingSecret as exc:
            raise PollError(str(exc)) from exc
        try:
            r = self.client.get(
                f"{self.base_url}/transfers/{quote(queue_ref, safe='')}",
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
        except httpx.TransportError as exc:
            raise PollError(f"network: {type(exc).__name__}") from exc
        if r.status_code == 404:
            return None
        if r.status_code in (401, 403):
            self._forget_credentials()
        if r.status_code != 200:
            raise PollError(f"HTTP {r.status_code}")
        try:
            return _remote_status(r.json())
        except ValueError as exc:
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

    def close(self) -> None:
        pass

    def send(self, transfer_id: str, body: bytes) -> SendResult:
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
