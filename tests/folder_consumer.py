"""Reference folder consumer: a department that takes its transfers from a shared folder
(``docs/department-folder.md``; the hall's side is ``reception.dispatch.transports.FolderTransport``).

The hall's dispatcher writes each transfer as ``<transfer id>.json`` into the department's inbox folder,
atomically (a ``.tmp-*.part`` file in the same folder, then a rename over the name). After a crash it may
write the same transfer again: the same name, byte-identical content. So, like the HTTP receiver with its
``Idempotency-Key``, a department must keep each transfer once, by its id. This consumer does what a
department's own program would do, with the standard library only:

* **take** each complete file: ignore ``.tmp-*.part`` files (being written) and any name that is not
  ``<uuid>.json``; rename the file into the consumer's own work folder (a sibling on the same volume), so
  that it never deletes a file it has not read — a resend that lands after the take is a new file, taken
  in its turn;
* **check** it: a JSON object whose ``transfer.id`` is the file's name;
* **store** it in its SQLite file under the transfer id, with the SHA-256 of the bytes: a transfer already
  stored with the same bytes is a resend and is dropped (a resend with other bytes is a problem: the hall
  never does that), then delete the work file. Stored first, deleted after: a consumer stopped between the
  two takes the file again at start and drops it as a resend;
* **answer** with ``<transfer id>.status.json`` in the outbox folder (:meth:`set_status`), written
  atomically the same way (a temporary name the hall does not read, then a rename).

``dedupe=False`` stores every file taken as a new row — a broken department, used by the crash test to
prove that it detects duplicates (the folder counterpart of the HTTP receiver's ``idempotency=False``).

Run it on its own::

    python -m tests.folder_consumer --inbox IN --outbox OUT --db store.sqlite3
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

STATUSES = ("received", "accepted", "rejected", "in-progress", "completed", "cancelled", "failed")
_NAME_RE = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS transfers (
    row_id         INTEGER PRIMARY KEY,
    transfer_id    TEXT NOT NULL,
    payload_sha256 TEXT NOT NULL,
    payload        BLOB NOT NULL,
    taken_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transfers_id ON transfers (transfer_id);
"""


@dataclass(frozen=True)
class Kept:
    """One transfer id as the consumer holds it."""

    transfer_id: str
    payload_sha256: str
    count: int  # rows stored under this id: 1 unless dedupe is off


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def write_atomic(folder: Path, name: str, data: bytes) -> Path:
    """``folder/name`` appears whole or not at all: a temporary file in the same folder (a name the hall
    never reads), flushed to disk, renamed over the name, and the folder's entry flushed too."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, folder / name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename itself durable
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    return folder / name


class FolderConsumer:
    """A department's program reading ``inbox`` (and answering in ``outbox``), on a thread of its own."""

    def __init__(
        self,
        inbox: str | Path,
        db_path: str | Path,
        *,
        outbox: str | Path | None = None,
        work: str | Path | None = None,
        dedupe: bool = True,
        interval_s: float = 0.005,
    ):
        self.inbox = Path(inbox)
        self.outbox = Path(outbox) if outbox is not None else None
        # the work folder must be on the inbox's volume (a rename, not a copy): next to the inbox
        self.work = Path(work) if work is not None else self.inbox.parent / f"{self.inbox.name}.taken"
        self.db_path = Path(db_path)
        self.dedupe = dedupe
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self.taken = 0  # files taken (resends included)
        self.problems: list[str] = []  # files set aside (torn, not JSON, wrong id, resent with other bytes)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.work.mkdir(parents=True, exist_ok=True)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FolderConsumer:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=f"folder-consumer-{self.inbox.name}")
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread (joined); then one last :meth:`sweep` can take what is left."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            thread.join()

    def __enter__(self) -> FolderConsumer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.sweep()
            except Exception:  # keep consuming; the test sees it
                with self._lock:
                    self.problems.append("sweep failed: " + traceback.format_exc(limit=3))

    # -- consuming -----------------------------------------------------------------------------

    def sweep(self) -> int:
        """Take every complete transfer file now in the inbox (and any left in the work folder by a
        consumer that stopped half-way). Returns how many files were taken."""
        n = 0
        with os.scandir(self.work) as it:  # taken before a stop, not yet stored
            left = sorted(e.name for e in it if _NAME_RE.match(e.name))
        for name in left:
            self._store(self.work / name)
        if not self.inbox.is_dir():
            return 0
        with os.scandir(self.inbox) as it:
            # ".tmp-*.part": being written by the hall; any other name is not a transfer
            names = [e.name for e in it if _NAME_RE.match(e.name)]
        for name in names:
            target = self.work / name
            try:
                os.replace(self.inbox / name, target)  # take it: the inbox name is free for a resend
            except FileNotFoundError:
                continue
            with self._lock:
                self.taken += 1
            n += 1
            self._store(target)
        return n

    def _set_aside(self, path: Path, problem: str) -> None:
        with self._lock:
            self.problems.append(f"{path.name}: {problem}")
        os.replace(path, path.with_name(f"{path.name}.rejected-{time.time_ns()}"))

    def _store(self, path: Path) -> None:
        transfer_id = _NAME_RE.match(path.name).group(1)
        raw = path.read_bytes()
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            self._set_aside(path, f"not JSON ({len(raw)} bytes): a torn or foreign file")
            return
        found = body.get("transfer", {}).get("id") if isinstance(body, dict) else None
        if found != transfer_id:
            self._set_aside(path, f"transfer.id is {str(found)[:40]!r}, not the file's name")
            return
        digest = hashlib.sha256(raw).hexdigest()
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = None
            if self.dedupe:
                row = db.execute(
                    "SELECT payload_sha256 FROM transfers WHERE transfer_id = ? ORDER BY row_id", (transfer_id,)
                ).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO transfers (transfer_id, payload_sha256, payload, taken_at) VALUES (?, ?, ?, ?)",
                    (transfer_id, digest, raw, _now_iso()),
                )
            db.execute("COMMIT")
        if row is not None and row[0] != digest:
            self._set_aside(path, "resent with different bytes")
            return
        path.unlink()

    # -- the department's side -----------------------------------------------------------------

    def set_status(
        self,
        transfer_id: str,
        status: str,
        *,
        reason: str | None = None,
        outcome: str | None = None,
        department_case_no: str | None = None,
    ) -> Path:
        """Write ``<transfer id>.status.json`` into the outbox atomically: the fields of the API's status
        answer (``GET /transfers/{queue_ref}``); the queue reference of a folder transfer is its file name."""
        if self.outbox is None:
            raise ValueError("no outbox folder")
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        answer = {
            "queue_ref": f"{transfer_id}.json",
            "status": status,
            "reason": reason,
            "outcome": outcome,
            "department_case_no": department_case_no,
            "updated_at": _now_iso(),
        }
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        return write_atomic(self.outbox, f"{transfer_id}.status.json", data)

    def received(self) -> list[Kept]:
        """Every transfer id stored, with the payload hash and how many rows hold it."""
        with self._db() as db:
            rows = db.execute(
                "SELECT transfer_id, min(payload_sha256), count(*) FROM transfers GROUP BY transfer_id "
                "ORDER BY min(row_id)"
            ).fetchall()
        return [Kept(tid, digest, n) for tid, digest, n in rows]

    def payload(self, transfer_id: str) -> dict:
        """The (first) body stored under a transfer id, parsed."""
        with self._db() as db:
            row = db.execute(
                "SELECT payload FROM transfers WHERE transfer_id = ? ORDER BY row_id", (transfer_id,)
            ).fetchone()
        if row is None:
            raise KeyError(transfer_id)
        return json.loads(row[0])

    @contextlib.contextmanager
    def _db(self):
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="reference folder consumer (a department on a shared folder)")
    p.add_argument("--inbox", required=True, help="the folder the hall writes <transfer id>.json into")
    p.add_argument("--outbox", help="the folder the hall reads <transfer id>.status.json from")
    p.add_argument("--db", required=True, help="SQLite file holding the department's queue")
    p.add_argument("--no-dedupe", action="store_true", help="store every file taken (broken on purpose)")
    args = p.parse_args(argv)
    consumer = FolderConsumer(args.inbox, args.db, outbox=args.outbox, dedupe=not args.no_dedupe, interval_s=0.5)
    consumer.start()
    print(f"taking transfers from {consumer.inbox} (store {args.db}); Ctrl+C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
