"""Backups of the SQLite database, restoring one, and a warning when the database sits somewhere unsafe.

**Backup** (:func:`backup`) copies the live database with SQLite's online backup API — never a file copy,
which could catch a half-written page or miss what is still in the WAL. The copy is made in steps of
:data:`STEP_PAGES` pages with a short sleep between them, so the read snapshot is held only for a step
at a time and the WAL can be checkpointed meanwhile. A write by another connection makes SQLite begin
the copy again; after :data:`MAX_RESTARTS` such restarts the rest is copied in one step, which in WAL
mode (every connection of ours uses it) reads one consistent snapshot while writers go on. The copy is
written under a temporary name beside the target, switched to a rollback journal (one self-contained
file), checked (``PRAGMA integrity_check``, the tables of a reception database, an Alembic revision this
program knows), fsynced and renamed into place; then ``<file>.json`` is written beside it: created_at
(UTC), source path, schema revision, case count, the audit chain head when the database has one, the
file's SHA-256 and size, the program version. A PostgreSQL database is backed up by its server
(``pg_dump``): :class:`BackupUnsupported`.

**Daily backups** (``[backup]`` in the hall file, :class:`reception.config.BackupSettings`) go into the
backup folder as ``reception-YYYYMMDD-HHMMSS.sqlite3`` (hall-local time; ``-manual`` for 立即备份,
``-pre-restore`` for the safety copy :func:`restore` takes). :func:`run_daily` makes today's backup if
there is none yet, then :func:`rotate` deletes what ``keep_days`` / ``keep_months`` no longer keep —
only files whose names this module makes, never anything else in the folder.

**Restore** (:func:`restore`) checks the backup file first (:func:`check_backup`: the SQLite header and
size, the SHA-256 recorded in its ``.json`` if there is one, ``integrity_check``, the tables, a schema
revision not newer than this program's) and refuses with a message naming the problem, touching
nothing. Otherwise it takes an exclusive lock on the current database (refused if another program —
a desk, a dispatcher — has it open), copies it into the backup folder with the same backup API, turns
it out of WAL mode (the WAL is checkpointed and removed, so no old WAL can ever be replayed into the
restored file), removes any stale ``-wal``/``-shm``/``-journal``, puts the checked copy in place with
``os.replace`` (written beside it and fsynced first) and migrates it to this program's schema.

**Storage** (:func:`storage_warning`): a database on a network share or a removable drive is named at
start-up. Windows asks ``GetDriveTypeW`` (and knows UNC paths); Linux reads the mount table
(``/proc/self/mounts``) and ``/sys/block/<disk>/removable``; macOS reads ``mount``'s output. The
parsing functions take the text and give the answer, so they are tested with real mount tables.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reception.errors import MESSAGES, NotFound, ReceptionError, messages
from reception.paths import data_dir
from reception.security.roles import Principal, acting

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
#: pages copied per step of the online backup (4 MB at SQLite's default 4 KB page)
STEP_PAGES = 1024
#: pause between two steps, so that writers get the database between them
STEP_SLEEP_S = 0.002
#: restarts of the stepped copy (the database changed under it) before the rest is copied in one step
MAX_RESTARTS = 3
#: seconds to wait for other connections when a restore asks for the database to itself
LOCK_TIMEOUT_S = 1.0
#: seconds a backup waits for a busy source database (as the engine does)
BUSY_TIMEOUT_S = 30.0
#: tables every reception database has had since its first migration
REQUIRED_TABLES: tuple[str, ...] = (
    "alembic_version",
    "cases",
    "case_serials",
    "parties",
    "deadlines",
    "transfers",
    "case_events",
    "audit_log",
)
#: the audit trail's user of the automatic daily backup
AUTO_ACTOR = "daily-backup"
KINDS: tuple[str, ...] = ("daily", "manual", "pre-restore")
PREFIX = "reception-"
SUFFIX = ".sqlite3"
_NAME_RE = re.compile(r"^reception-(\d{8})-(\d{6})(?:-(manual|pre-restore))?(?:-(\d+))?\.sqlite3$")
_PART_RE = re.compile(r"^\.(reception-.+\.sqlite3)\.part-[0-9a-f]{8}(?:-journal|-wal|-shm)?$")
_REVISION_RE = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w.-]+|None)['\"]?", re.MULTILINE)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations" / "versions"

messages(
    {
        "backup.postgres": (
            "数据库是 PostgreSQL：它的备份由数据库服务器负责（pg_dump，恢复用 pg_restore），受理台不备份也不恢复它",
            "the database is PostgreSQL: backing it up is the database server's job (pg_dump, and pg_restore to "
            "restore); the desk neither backs it up nor restores it",
        ),
        "backup.memory": ("内存数据库无法备份", "an in-memory database cannot be backed up"),
        "backup.source_missing": ("数据库文件“{path}”不存在", 'the database file "{path}" does not exist'),
        "backup.exists": (
            "文件“{path}”已存在，不会覆盖；请换一个文件名",
            'the file "{path}" exists and is not overwritten; give another name',
        ),
        "backup.copy_bad": (
            "备份副本检查未通过，未保存：{detail}",
            "the backup copy failed its check and was not kept: {detail}",
        ),
        "backup.file_missing": ("备份文件“{path}”不存在", 'the backup file "{path}" does not exist'),
        "backup.unreadable": ("无法读取备份文件“{path}”：{detail}", 'cannot read the backup file "{path}": {detail}'),
        "backup.not_sqlite": (
            "“{path}”不是 SQLite 数据库文件（文件头不是“SQLite format 3”）",
            '"{path}" is not an SQLite database file (its header is not "SQLite format 3")',
        ),
        "backup.truncated": (
            "“{path}”不完整：文件被截断（文件头记载 {pages} 页 × {page_size} 字节 = {expected} 字节，"
            "实际只有 {size} 字节）",
            '"{path}" is incomplete: the file was truncated (its header says {pages} pages × {page_size} bytes '
            "= {expected} bytes; it has {size})",
        ),
        "backup.sha_mismatch": (
            "“{path}”已被改动或损坏：SHA-256 与备份说明文件 {manifest} 中记录的不一致",
            '"{path}" was changed or damaged: its SHA-256 differs from the one recorded in {manifest}',
        ),
        "backup.corrupt": (
            "“{path}”已损坏，完整性检查未通过：{detail}",
            '"{path}" is damaged: the integrity check failed: {detail}',
        ),
        "backup.not_reception": (
            "“{path}”不是受理台的数据库（缺少数据表：{tables}）",
            '"{path}" is not a reception desk database (missing tables: {tables})',
        ),
        "backup.no_revision": (
            "“{path}”没有数据库结构版本（alembic_version 为空），不是完整的受理台数据库",
            '"{path}" has no schema revision (alembic_version is empty): not a complete reception desk database',
        ),
        "backup.newer": (
            "“{path}”的数据库结构版本 {revision} 比本程序新（本程序最高 {head}）：它来自更新版本的受理台，"
            "请先升级本程序",
            '"{path}" has schema revision {revision}, newer than this program knows (up to {head}): it comes from '
            "a newer version of the desk; upgrade this program first",
        ),
        "backup.same_file": (
            "备份文件就是要恢复的数据库本身：“{path}”",
            'the backup file is the database itself: "{path}"',
        ),
        "backup.in_use": (
            "数据库“{path}”正被其他程序打开（受理台、推送任务或另一个命令）。请先关闭受理台和计划任务，再恢复",
            'the database "{path}" is open in another program (a desk, the dispatcher or another command). '
            "Close the desk and any scheduled task first, then restore",
        ),
        "backup.changed": (
            "备份文件“{path}”在恢复过程中被改动，已停止恢复，数据库未改变",
            'the backup file "{path}" changed while it was being restored; stopped, the database is unchanged',
        ),
        # what check_backup found, one line each (printed by `reception restore`)
        "backup.check.header": (
            "文件头：SQLite 3，页大小 {page_size} 字节，{pages} 页，{size}",
            "header: SQLite 3, page size {page_size} bytes, {pages} pages, {size}",
        ),
        "backup.check.sha": (
            "SHA-256 与备份说明文件 {manifest} 一致：{sha256}",
            "SHA-256 matches {manifest}: {sha256}",
        ),
        "backup.check.no_manifest": (
            "SHA-256：{sha256}（旁边没有备份说明文件 .json，未能核对）",
            "SHA-256: {sha256} (no .json manifest beside it to compare with)",
        ),
        "backup.check.integrity": ("完整性检查（integrity_check）：通过", "integrity check: ok"),
        "backup.check.tables": ("受理台数据库：数据表齐全", "a reception desk database: all its tables are there"),
        "backup.check.revision": (
            "数据库结构版本 {revision}（本程序 {head}）",
            "schema revision {revision} (this program: {head})",
        ),
        "backup.check.revision_old": (
            "数据库结构版本 {revision}（本程序 {head}，恢复后将自动升级）",
            "schema revision {revision} (this program: {head}; it will be migrated after the restore)",
        ),
        "backup.check.cases": ("案件 {cases} 件", "{cases} case(s)"),
        "backup.check.taken": ("备份时间 {at}（{source}）", "taken {at} (from {source})"),
        "storage.network": (
            "数据库文件位于网络共享上（{detail}）：网络中断或几台电脑同时打开都可能损坏 SQLite 数据库。"
            "请把数据库放在本机硬盘上；几个工作站共用一个数据库请改用 PostgreSQL。",
            "The database file is on a network share ({detail}): a dropped connection, or several computers "
            "opening it at once, can corrupt an SQLite database. Keep it on this computer's own disk; for a "
            "database shared by several workstations use PostgreSQL.",
        ),
        "storage.removable": (
            "数据库文件位于可移动磁盘上（{detail}）：拔出磁盘或断电可能损坏数据库、丢失案件。"
            "请把数据库放在本机硬盘上（备份可以放在可移动磁盘上）。",
            "The database file is on a removable drive ({detail}): unplugging it or a power cut can corrupt the "
            "database and lose cases. Keep the database on this computer's own disk (backups may go to a "
            "removable drive).",
        ),
    }
)


# -- errors ---------------------------------------------------------------------------------------


class BackupUnsupported(ReceptionError):
    """The database is not an SQLite file (PostgreSQL: the server's job; or an in-memory database)."""

    code = "backup.unsupported"


class BackupRefused(ReceptionError):
    """A backup file failed a check, or the target exists: nothing was written or replaced."""

    code = "backup.refused"


class DatabaseInUse(ReceptionError):
    """Another program has the database open: a restore would pull it from under it."""

    code = "backup.in_use"


def _error(cls: type[ReceptionError], code: str, **params) -> ReceptionError:
    zh, en = MESSAGES[code]
    return cls(zh.format(**params), en.format(**params), code=code)


def postgres_refusal() -> BackupUnsupported:
    """The refusal for a PostgreSQL database: backing it up and restoring it is the server's job."""
    return _error(BackupUnsupported, "backup.postgres")


def _text(code: str, lang: str, **params) -> str:
    zh, en = MESSAGES[code]
    return (en if lang.startswith("en") else zh).format(**params)


# -- records --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One thing a check found, in both languages."""

    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


def _line(code: str, **params) -> Line:
    zh, en = MESSAGES[code]
    return Line(zh.format(**params), en.format(**params))


@dataclass(frozen=True)
class BackupInfo:
    """A backup made: the file, its manifest (``<file>.json``) and what the manifest says."""

    path: Path
    manifest: Path
    created_at: datetime  # UTC
    source: str
    schema_revision: str
    case_count: int
    audit_chain_head: dict | None
    sha256: str
    size: int
    app_version: str
    seconds: float
    #: times the stepped copy began again because the database changed under it
    restarts: int = 0

    def manifest_dict(self) -> dict:
        return {
            "format": "reception-backup-1",
            "created_at": self.created_at.isoformat(),
            "source": self.source,
            "schema_revision": self.schema_revision,
            "case_count": self.case_count,
            "audit_chain_head": self.audit_chain_head,
            "file": self.path.name,
            "sha256": self.sha256,
            "size": self.size,
            "app_version": self.app_version,
        }


@dataclass(frozen=True)
class BackupCheck:
    """What :func:`check_backup` found in a backup file that passed every check."""

    path: Path
    size: int
    sha256: str
    schema_revision: str
    head: str
    case_count: int
    audit_chain_head: dict | None
    manifest: dict | None
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class RestoreInfo:
    database: Path
    restored_from: Path
    #: the copy of the database as it was before the restore (None: there was no database)
    safety_backup: Path | None
    revision_restored: str
    revision_now: str
    case_count: int
    checks: tuple[Line, ...]


@dataclass(frozen=True)
class BackupEntry:
    """A backup file in the backup folder, recognised by its name."""

    path: Path
    kind: str  # daily | manual | pre-restore
    taken_at: datetime  # hall-local, aware (from the name)
    size: int
    manifest: dict | None

    @property
    def manifest_path(self) -> Path:
        return manifest_path(self.path)


# -- paths and names ------------------------------------------------------------------------------


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (or bare path); None for any other database. In-memory: refused."""
    from sqlalchemy.engine import make_url

    from reception.storage.engine import resolve_url

    u = make_url(resolve_url(url))
    if u.get_backend_name() != "sqlite":
        return None
    if not u.database or u.database == ":memory:":
        raise _error(BackupUnsupported, "backup.memory")
    return Path(u.database)


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + ".json")


def default_backup_folder() -> Path:
    return data_dir() / "backups"


def backup_folder(ctx) -> Path:
    """The configured backup folder (``[backup] folder``), else ``backups`` in the user data folder."""
    return ctx.config.backup.folder or default_backup_folder()


def backup_name(taken_at: datetime, kind: str = "daily") -> str:
    """``reception-20250303-093012.sqlite3`` (``-manual``, ``-pre-restore``); ``taken_at`` hall-local."""
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    tail = "" if kind == "daily" else f"-{kind}"
    return f"{PREFIX}{taken_at:%Y%m%d-%H%M%S}{tail}{SUFFIX}"


def parse_backup_name(name: str, tz: ZoneInfo) -> tuple[str, datetime] | None:
    """``(kind, hall-local time)`` of a name :func:`backup_name` made; None for any other name."""
    m = _NAME_RE.match(name)
    if not m:
        return None
    try:
        at = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S").replace(tzinfo=tz)
    except ValueError:
        return None
    return m.group(3) or "daily", at


def _free_name(folder: Path, taken_at: datetime, kind: str) -> Path:
    """The backup's path in ``folder``; ``-2``, ``-3`` … when a backup of the same second exists."""
    path = folder / backup_name(taken_at, kind)
    n = 2
    while path.exists() or manifest_path(path).exists():
        path = folder / backup_name(taken_at, kind).replace(SUFFIX, f"-{n}{SUFFIX}")
        n += 1
    return path


def _tz(ctx) -> ZoneInfo:
    return ZoneInfo(ctx.config.centre.timezone)


def _size_text(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


# -- small file helpers ---------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles for this)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_and_hash(path: Path) -> tuple[str, int]:
    """fsync the file and return its SHA-256 and size (one pass over it)."""
    h = hashlib.sha256()
    size = 0
    with open(path, "r+b") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
        os.fsync(f.fileno())
    return h.hexdigest(), size


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _remove_quietly(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _sidecars(db: Path) -> tuple[Path, Path, Path]:
    return db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), db.with_name(db.name + "-journal")


def _write_json_atomically(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.part-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(path.parent)


def known_revisions() -> set[str]:
    """Every schema revision this program ships (read from the migration files, without Alembic)."""
    found: set[str] = set()
    for f in MIGRATIONS_DIR.glob("*.py"):
        for key, value in _REVISION_RE.findall(f.read_text(encoding="utf-8")):
            if key == "revision":
                found.add(value)
    return found


def _head() -> str:
    from reception.storage.db import schema_head

    return schema_head() or "?"


# -- reading a database file ----------------------------------------------------------------------


def _open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection that writes nothing beside the file (no -wal, no -shm): ``immutable``."""
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)


def _integrity(conn: sqlite3.Connection) -> str | None:
    """None when ``PRAGMA integrity_check`` says ok, else its first problems."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == ["ok"]:
        return None
    return "; ".join(str(r) for r in rows[:3]) + (" …" if len(rows) > 3 else "")


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _chain_head(conn: sqlite3.Connection, tables: set[str]) -> dict | None:
    """The audit chain's head (``audit_chain``, migration 0007) as ``{seq, hash}``, when the table exists."""
    if "audit_chain" not in tables:
        return None
    cur = conn.execute("SELECT * FROM audit_chain")
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if not rows:
        return None
    row = dict(zip(names, rows[-1], strict=True))
    seq = next((row[k] for k in ("seq", "last_seq", "head_seq") if k in row), None)
    digest = next((row[k] for k in ("hash", "last_hash", "head_hash") if k in row), None)
    if seq is not None or digest is not None:
        return {"seq": seq, "hash": digest}
    return {k: (v.hex() if isinstance(v, bytes) else v) for k, v in row.items()}


@dataclass(frozen=True)
class _Contents:
    revision: str
    case_count: int
    chain_head: dict | None


def _check_contents(conn: sqlite3.Connection, path: Path, cls: type[ReceptionError]) -> _Contents:
    """integrity, tables, revision of an open database; raises ``cls`` naming the first problem."""
    problem = _integrity(conn)
    if problem is not None:
        raise _error(cls, "backup.corrupt", path=path, detail=problem)
    tables = _tables(conn)
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise _error(cls, "backup.not_reception", path=path, tables=", ".join(missing))
    revision = _revision(conn)
    if not revision:
        raise _error(cls, "backup.no_revision", path=path)
    if revision not in known_revisions():
        raise _error(cls, "backup.newer", path=path, revision=revision, head=_head())
    count = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    return _Contents(revision, count, _chain_head(conn, tables))


# -- backup ---------------------------------------------------------------------------------------


class _TooManyRestarts(Exception):
    pass


def _online_copy(src: sqlite3.Connection, dst: sqlite3.Connection) -> int:
    """Copy ``src`` into ``dst`` with the online backup API, in steps; returns how often it began again."""
    restarts = 0
    previous: int | None = None

    def progress(_status: int, remaining: int, _total: int) -> None:
        nonlocal restarts, previous
        if previous is not None and remaining > previous:
            restarts += 1  # the source changed between two steps: SQLite began the copy again
            if restarts > MAX_RESTARTS:
                raise _TooManyRestarts
        previous = remaining
        if remaining:
            time.sleep(STEP_SLEEP_S)

    try:
        src.backup(dst, pages=STEP_PAGES, progress=progress)
    except _TooManyRestarts:
        # Writers keep changing it: copy the rest in one step. In WAL mode that reads one consistent
        # snapshot without blocking the writers.
        log.info("backup: the database kept changing (%d restarts); copying it in one step", restarts)
        src.backup(dst, pages=-1)
    return restarts


def backup_database(source: Path, out: Path, *, now: datetime | None = None) -> BackupInfo:
    """Back the SQLite file ``source`` up into ``out`` (which must not exist). See the module text."""
    from reception import __version__

    t0 = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    source = Path(source)
    out = Path(out)
    if not source.is_file():
        raise _error(NotFound, "backup.source_missing", path=source)
    if out.exists():
        raise _error(BackupRefused, "backup.exists", path=out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part-{uuid.uuid4().hex[:8]}")
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            dst = sqlite3.connect(tmp, isolation_level=None)
            try:
                restarts = _online_copy(src, dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal needed
                contents = _check_contents(dst, out, BackupRefused)
            finally:
                dst.close()
        finally:
            src.close()
        sha256, size = _fsync_and_hash(tmp)
        os.replace(tmp, out)
        _fsync_dir(out.parent)
    except BackupRefused as exc:
        _remove_quietly(tmp, *_sidecars(tmp))
        raise BackupRefused(
            MESSAGES["backup.copy_bad"][0].format(detail=exc.message_zh),
            MESSAGES["backup.copy_bad"][1].format(detail=exc.message_en),
            code="backup.copy_bad",
        ) from exc
    except BaseException:
        _remove_quietly(tmp, *_sidecars(tmp))
        raise
    info = BackupInfo(
        path=out,
        manifest=manifest_path(out),
        created_at=now,
        source=str(source),
        schema_revision=contents.revision,
        case_count=contents.case_count,
        audit_chain_head=contents.chain_head,
        sha256=sha256,
        size=size,
        app_version=__version__,
        seconds=time.perf_counter() - t0,
        restarts=restarts,
    )
    _write_json_atomically(info.manifest, info.manifest_dict())
    log.info("database backed up to %s (%d cases, %.1f s)", out.name, info.case_count, info.seconds)
    return info


def _source(ctx) -> Path:
    path = sqlite_path(ctx.db.url)
    if path is None:
        raise postgres_refusal()
    return path


def _audit(ctx, entry: dict) -> None:
    from reception import audit as audit_trail

    with ctx.db.write() as session:
        audit_trail.append(session, ctx, [entry])


def _audited(ctx, info: BackupInfo, kind: str, user: str | None) -> BackupInfo:
    """Record the backup in the audit trail (a copy of every case leaves the database); a backup whose
    record cannot be written is removed again, so every backup that exists is accounted for."""
    try:
        _audit(
            ctx,
            {
                "action": "backup.create",
                "user": user,
                "object_type": "backup",
                "object_id": info.path.name[:48],
                "detail": {"kind": kind, "cases": info.case_count, "revision": info.schema_revision},
            },
        )
    except BaseException:
        _remove_quietly(info.path, info.manifest)
        raise
    return info


def backup(ctx, out: Path, *, now: datetime | None = None, user: Principal | str | None = None) -> BackupInfo:
    """Back the context's database up into the file ``out`` (refused if it exists), and record it in
    the audit trail. PostgreSQL: :class:`BackupUnsupported` (the server's job, ``pg_dump``)."""
    user = acting(user, "backup.create")
    return _audited(ctx, backup_database(_source(ctx), Path(out), now=now), "file", user)


def backup_now(
    ctx, now: datetime | None = None, *, kind: str = "manual", user: Principal | str | None = None
) -> BackupInfo:
    """A backup into the backup folder, named by the hall-local time (立即备份: ``kind`` manual), recorded
    in the audit trail."""
    user = acting(user, "backup.create")
    source = _source(ctx)
    now = now or datetime.now(UTC)
    folder = backup_folder(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    info = backup_database(source, _free_name(folder, now.astimezone(_tz(ctx)), kind), now=now)
    return _audited(ctx, info, kind, user)


def record_restore(ctx, info: RestoreInfo, user: str | None = None) -> None:
    """Record a restore in the restored database's audit trail (``database.restore``): which backup,
    and where the database as it was before went. Its records after the backup's time are not in the
    restored chain any more; this record says why."""
    _audit(
        ctx,
        {
            "action": "database.restore",
            "user": user,
            "object_type": "backup",
            "object_id": info.restored_from.name[:48],
            "detail": {
                "cases": info.case_count,
                "revision_restored": info.revision_restored,
                "revision_now": info.revision_now,
                "safety_backup": info.safety_backup.name if info.safety_backup else None,
            },
        },
    )


# -- the backup folder: listing, daily backup, rotation ---------------------------------------------


def _read_manifest(path: Path) -> dict | None:
    try:
        data = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def list_backups(folder: Path, tz: ZoneInfo | str = "Asia/Shanghai") -> list[BackupEntry]:
    """The backups in ``folder`` that this module made (by name), oldest first."""
    tz = ZoneInfo(tz) if isinstance(tz, str) else tz
    out: list[BackupEntry] = []
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):  # no folder yet (or not a folder): no backups
        return []
    for name in names:
        parsed = parse_backup_name(name, tz)
        if parsed is None:
            continue
        path = Path(folder) / name
        try:
            size = path.stat().st_size
        except OSError:
            continue
        out.append(BackupEntry(path, parsed[0], parsed[1], size, _read_manifest(path)))
    out.sort(key=lambda e: (e.taken_at, e.path.name))
    return out


def last_backup(ctx) -> BackupEntry | None:
    """The newest backup in the backup folder, of any kind."""
    entries = list_backups(backup_folder(ctx), _tz(ctx))
    return entries[-1] if entries else None


def backup_due(ctx, now: datetime) -> bool:
    """True when the database is an SQLite file and the backup folder has no daily or manual backup
    taken today (hall-local date)."""
    if ctx.db.dialect != "sqlite":
        return False
    tz = _tz(ctx)
    today = now.astimezone(tz).date()
    return not any(
        e.kind in ("daily", "manual") and e.taken_at.date() == today for e in list_backups(backup_folder(ctx), tz)
    )


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def rotation_plan(entries: list[BackupEntry], today: date, keep_days: int, keep_months: int) -> list[BackupEntry]:
    """The entries to delete: those neither younger than ``keep_days`` days, nor the first backup of one
    of the last ``keep_months`` months (this month counted), nor the newest backup of all."""
    if not entries:
        return []
    ordered = sorted(entries, key=lambda e: (e.taken_at, e.path.name))
    newest = ordered[-1]
    firsts: dict[int, BackupEntry] = {}
    for e in ordered:
        firsts.setdefault(_month_index(e.taken_at.date()), e)
    doomed = []
    for e in ordered:
        d = e.taken_at.date()
        if e is newest or (today - d).days < keep_days:
            continue
        month = _month_index(d)
        if firsts[month] is e and _month_index(today) - month < keep_months:
            continue
        doomed.append(e)
    return doomed


def rotate(ctx, now: datetime) -> list[Path]:
    """Delete the backups ``[backup] keep_days`` / ``keep_months`` no longer keep (with their ``.json``),
    and temporary files of backups interrupted more than a day ago. Only names this module makes."""
    settings = ctx.config.backup
    tz = _tz(ctx)
    folder = backup_folder(ctx)
    today = now.astimezone(tz).date()
    removed: list[Path] = []
    for e in rotation_plan(list_backups(folder, tz), today, settings.keep_days, settings.keep_months):
        _remove_quietly(e.path, e.manifest_path, _sidecars(e.path)[0])
        removed.append(e.path)
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for name in os.listdir(folder):
            m = _PART_RE.match(name)
            parsed = parse_backup_name(m.group(1), tz) if m else None
            if parsed and (today - parsed[1].date()).days >= 2:
                _remove_quietly(folder / name)
                removed.append(folder / name)
    for p in removed:
        log.info("backup rotation: removed %s", p.name)
    return removed


def run_daily(ctx, now: datetime | None = None, *, user: str | None = None) -> BackupInfo | None:
    """Today's backup if there is none yet (None otherwise, and for PostgreSQL), then :func:`rotate`.
    The audit record names ``user``, else :data:`AUTO_ACTOR` (nobody in particular asked for it)."""
    if ctx.db.dialect != "sqlite":
        return None
    now = now or datetime.now(UTC)
    info = backup_now(ctx, now, kind="daily", user=user or AUTO_ACTOR) if backup_due(ctx, now) else None
    rotate(ctx, now)
    return info


# -- checking a backup file and restoring it ------------------------------------------------------


def _header(path: Path) -> tuple[int, int | None]:
    """``(page size, page count or None)`` from an SQLite header; raises on a file that is not one."""
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 and head and SQLITE_MAGIC.startswith(head[:16]):
        raise _error(
            BackupRefused, "backup.truncated", path=path, pages="?", page_size="?", expected="?", size=len(head)
        )
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise _error(BackupRefused, "backup.not_sqlite", path=path)
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = int.from_bytes(head[24:28], "big")
    pages = int.from_bytes(head[28:32], "big")
    valid_for = int.from_bytes(head[92:96], "big")
    # the in-header size is only trustworthy when written by SQLite ≥ 3.7.0 (valid-for = change counter)
    return page_size, (pages if pages and valid_for == change_counter else None)


def check_backup(file: Path) -> BackupCheck:
    """Check a backup file without changing it (opened read-only, ``immutable``). Raises
    :class:`BackupRefused` naming the first problem, :class:`~reception.errors.NotFound` if missing."""
    file = Path(file)
    if not file.is_file():
        raise _error(NotFound, "backup.file_missing", path=file)
    try:
        size = file.stat().st_size
        page_size, pages = _header(file)
        sha256 = file_sha256(file)
    except OSError as exc:
        raise _error(BackupRefused, "backup.unreadable", path=file, detail=exc.strerror or exc) from exc
    expected = page_size * pages if pages else None
    if (expected and size < expected) or size % page_size:
        raise _error(
            BackupRefused,
            "backup.truncated",
            path=file,
            pages=pages or "?",
            page_size=page_size,
            expected=expected or "?",
            size=size,
        )
    lines = [_line("backup.check.header", page_size=page_size, pages=pages or size // page_size, size=_size_text(size))]
    manifest = _read_manifest(file)
    if manifest is not None and manifest.get("sha256"):
        if manifest["sha256"] != sha256:
            raise _error(BackupRefused, "backup.sha_mismatch", path=file, manifest=manifest_path(file).name)
        lines.append(_line("backup.check.sha", manifest=manifest_path(file).name, sha256=sha256))
    else:
        lines.append(_line("backup.check.no_manifest", sha256=sha256))
    try:
        conn = _open_readonly(file)
    except sqlite3.Error as exc:
        raise _error(BackupRefused, "backup.corrupt", path=file, detail=str(exc)) from exc
    try:
        contents = _check_contents(conn, file, BackupRefused)
    except sqlite3.DatabaseError as exc:
        raise _error(BackupRefused, "backup.corrupt", path=file, detail=str(exc)) from exc
    finally:
        conn.close()
    head = _head()
    lines.append(_line("backup.check.integrity"))
    lines.append(_line("backup.check.tables"))
    code = "backup.check.revision" if contents.revision == head else "backup.check.revision_old"
    lines.append(_line(code, revision=contents.revision, head=head))
    lines.append(_line("backup.check.cases", cases=contents.case_count))
    if manifest and manifest.get("created_at"):
        at = str(manifest["created_at"])
        with contextlib.suppress(ValueError):
            at = datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(_line("backup.check.taken", at=at, source=manifest.get("source", "?")))
    return BackupCheck(
        path=file,
        size=size,
        sha256=sha256,
        schema_revision=contents.revision,
        head=head,
        case_count=contents.case_count,
        audit_chain_head=contents.chain_head,
        manifest=manifest,
        lines=tuple(lines),
    )


def _exclusive(db: Path) -> sqlite3.Connection | None:
    """A connection holding the database to itself (``locking_mode=EXCLUSIVE``, then an exclusive
    transaction). Any other connection — even an idle one of another process in WAL mode — makes this
    fail within :data:`LOCK_TIMEOUT_S`: :class:`DatabaseInUse`. None when SQLite cannot read the file
    at all (it is damaged beyond opening): then nobody can be using it either."""
    conn = sqlite3.connect(db, timeout=LOCK_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise _error(DatabaseInUse, "backup.in_use", path=db) from exc
        raise
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        conn.close()
        log.warning("restore: the current database cannot be opened (%s)", exc)
        return None
    except BaseException:
        conn.close()
        raise
    return conn


def _byte_copy(src: Path, dest: Path) -> None:
    with open(src, "rb") as f, open(dest, "wb") as g:
        while chunk := f.read(1 << 20):
            g.write(chunk)
        g.flush()
        os.fsync(g.fileno())


def _safety_copy(conn: sqlite3.Connection | None, db: Path, out: Path, now: datetime) -> Path:
    """The current database, before it is replaced, into ``out``: the backup API through the connection
    that holds the lock; a byte copy of the file (and of its WAL, as ``…-wal``) if SQLite cannot read
    it any more."""
    from reception import __version__

    tmp = out.with_name(f".{out.name}.part-{uuid.uuid4().hex[:8]}")
    out.parent.mkdir(parents=True, exist_ok=True)
    note = None
    try:
        if conn is None:
            raise sqlite3.DatabaseError("file is not a database")
        dst = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.backup(dst, pages=-1)  # nobody else can write: one step
            dst.execute("PRAGMA journal_mode=DELETE")
            count = dst.execute("SELECT count(*) FROM cases").fetchone()[0]
            revision = _revision(dst) or "?"
            chain = _chain_head(dst, _tables(dst))
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:  # the current database is damaged: keep its bytes as they are
        _remove_quietly(tmp, *_sidecars(tmp))
        log.warning("restore: the current database could not be read (%s); keeping a byte copy", exc)
        _byte_copy(db, tmp)
        wal = _sidecars(db)[0]
        if wal.exists():
            _byte_copy(wal, _sidecars(out)[0])
        count, revision, chain, note = None, None, None, f"byte copy of a damaged database: {exc}"
    sha256, size = _fsync_and_hash(tmp)
    os.replace(tmp, out)
    _fsync_dir(out.parent)
    manifest = {
        "format": "reception-backup-1",
        "created_at": now.astimezone(UTC).isoformat(),
        "source": str(db),
        "schema_revision": revision,
        "case_count": count,
        "audit_chain_head": chain,
        "file": out.name,
        "sha256": sha256,
        "size": size,
        "app_version": __version__,
        "taken_before": "restore",
    }
    if note:
        manifest["note"] = note
    _write_json_atomically(manifest_path(out), manifest)
    return out


def restore(
    db_path_or_url: str | Path,
    file: Path,
    *,
    now: datetime | None = None,
    folder: Path | None = None,
    timezone: str = "Asia/Shanghai",
    user: Principal | str | None = None,
) -> RestoreInfo:
    """Replace the SQLite database with the backup ``file`` (see the module text for every step).

    ``folder``: where the safety copy of the current database goes (default: ``backups`` in the user
    data folder); its name is ``reception-…-pre-restore.sqlite3`` in ``timezone``'s local time.
    Raises :class:`BackupRefused` (a check failed: nothing touched), :class:`DatabaseInUse`,
    :class:`BackupUnsupported` (PostgreSQL), :class:`~reception.errors.NotFound` (no such file). A signed-in
    ``user`` needs ``database.restore``."""
    acting(user, "database.restore")
    now = now or datetime.now(UTC)
    text = str(db_path_or_url)
    db = sqlite_path(text)
    if db is None:
        raise postgres_refusal()
    db = db.resolve()
    file = Path(file)
    if file.exists() and db.exists() and os.path.samefile(file, db):
        raise _error(BackupRefused, "backup.same_file", path=file)
    checked = check_backup(file)

    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.restore-{uuid.uuid4().hex[:8]}")
    lock = _exclusive(db) if db.exists() else None  # DatabaseInUse before anything is written
    safety = None
    try:
        for stale in db.parent.glob(f".{glob.escape(db.name)}.restore-*"):  # of a restore that was cut off
            _remove_quietly(stale)
        # the checked bytes, beside the database (same file system: os.replace is atomic)
        h = hashlib.sha256()
        with open(file, "rb") as f, open(tmp, "wb") as g:
            while chunk := f.read(1 << 20):
                h.update(chunk)
                g.write(chunk)
            g.flush()
            os.fsync(g.fileno())
        if h.hexdigest() != checked.sha256:
            raise _error(BackupRefused, "backup.changed", path=file)
        if db.exists():
            out = _free_name(folder or default_backup_folder(), now.astimezone(ZoneInfo(timezone)), "pre-restore")
            safety = _safety_copy(lock, db, out, now)
            if lock is not None:
                # out of WAL mode: SQLite checkpoints the WAL into the old file and deletes it, so no
                # frame of the old database can ever be replayed into the restored one
                with contextlib.suppress(sqlite3.DatabaseError):
                    lock.execute("PRAGMA journal_mode=DELETE")
        if lock is not None:
            lock.close()  # before the replace: Windows cannot replace a file that is open
            lock = None
        # whatever is left beside the old file belongs to it, never to the restored one
        _remove_quietly(*_sidecars(db))
        os.replace(tmp, db)
        _fsync_dir(db.parent)
    except BaseException:
        _remove_quietly(tmp)
        raise
    finally:
        if lock is not None:
            lock.close()
    log.info("database restored from %s (revision %s)", file.name, checked.schema_revision)

    from reception.storage.db import open_database, stored_revision

    url = "sqlite:///" + db.as_posix()
    database = open_database(url)  # migrates to this program's schema (taking its own copy first)
    try:
        revision_now = stored_revision(database) or "?"
    finally:
        database.dispose()
    return RestoreInfo(
        database=db,
        restored_from=file,
        safety_backup=safety,
        revision_restored=checked.schema_revision,
        revision_now=revision_now,
        case_count=checked.case_count,
        checks=checked.lines,
    )


# -- where the database file is: network share, removable drive -------------------------------------

#: file system types of network shares (Linux ``/proc/self/mounts``; macOS ``mount``)
NETWORK_FS: frozenset[str] = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "smb2",
        "ncpfs",
        "afs",
        "coda",
        "ceph",
        "glusterfs",
        "lustre",
        "davfs",
        "afpfs",
        "webdav",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.davfs2",
        "fuse.smbnetfs",
        "fuse.curlftpfs",
        "fuse.glusterfs",
        "fuse.cephfs",
    }
)
#: ``GetDriveTypeW`` answers that deserve a warning
DRIVE_REMOVABLE = 2
DRIVE_REMOTE = 4
DRIVE_KINDS: dict[int, str] = {DRIVE_REMOVABLE: "removable", DRIVE_REMOTE: "network"}


@dataclass(frozen=True)
class Mount:
    device: str
    mountpoint: str
    fstype: str


@dataclass(frozen=True)
class StorageRisk:
    kind: str  # network | removable
    detail: str  # the share, the file system type or the drive

    def message(self, lang: str = "zh") -> str:
        return _text(f"storage.{self.kind}", lang, detail=self.detail)


_OCTAL_RE = re.compile(r"\\([0-7]{3})")


def _unescape_mount(field: str) -> str:
    return _OCTAL_RE.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mounts(text: str) -> list[Mount]:
    """``/proc/self/mounts`` (fstab format: device, mount point, type, options, 0, 0; spaces as ``\\040``)."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out.append(Mount(_unescape_mount(parts[0]), _unescape_mount(parts[1]), parts[2]))
    return out


_BSD_MOUNT_RE = re.compile(r"^(?P<device>.+?) on (?P<mountpoint>.+?) \((?P<fstype>[^,)]+)")


def parse_bsd_mounts(text: str) -> list[Mount]:
    """macOS ``mount`` output: ``//user@server/share on /Volumes/share (smbfs, nodev, nosuid, …)``."""
    out = []
    for line in text.splitlines():
        m = _BSD_MOUNT_RE.match(line.strip())
        if m:
            out.append(Mount(m.group("device"), m.group("mountpoint"), m.group("fstype").strip()))
    return out


def mount_for(path: str, mounts: Iterable[Mount]) -> Mount | None:
    """The mount that holds ``path`` (absolute, POSIX): the longest mount point that is a prefix of it;
    of mounts on the same point, the last one (it hides the others)."""
    best: Mount | None = None
    for m in mounts:
        point = m.mountpoint.rstrip("/") or "/"
        inside = point == "/" or path == point or path.startswith(point + "/")
        if inside and (best is None or len(point) >= len(best.mountpoint.rstrip("/") or "/")):
            best = m
    return best


_DISK_RES = (
    re.compile(r"^(nvme\d+n\d+)(?:p\d+)?$"),
    re.compile(r"^(mmcblk\d+)(?:p\d+)?$"),
    re.compile(r"^((?:sd|vd|hd|xvd)[a-z]+)\d*$"),
)


def disk_of(device: str) -> str | None:
    """The whole disk of a device (``/dev/sdb1`` -> ``sdb``, ``/dev/nvme0n1p2`` -> ``nvme0n1``,
    ``/dev/mmcblk0p1`` -> ``mmcblk0``); None for anything else (LVM, loop, network, tmpfs)."""
    if not device.startswith("/dev/"):
        return None
    name = device[5:]
    for rx in _DISK_RES:
        m = rx.match(name)
        if m:
            return m.group(1)
    return None


def disk_is_removable(disk: str, sys_root: Path = Path("/sys")) -> bool:
    """``/sys/block/<disk>/removable`` is 1 (card readers, most USB sticks), or the disk hangs off USB
    (USB hard disks say 0 but can be pulled out just the same)."""
    base = sys_root / "block" / disk
    try:
        if (base / "removable").read_text(encoding="ascii").strip() == "1":
            return True
    except OSError:
        return False
    with contextlib.suppress(OSError):
        return "/usb" in os.path.realpath(base)
    return False


def classify_mount(mount: Mount | None, sys_root: Path = Path("/sys")) -> StorageRisk | None:
    """Network share by file system type; removable drive by the disk behind the device."""
    if mount is None:
        return None
    if mount.fstype in NETWORK_FS or mount.fstype.startswith("nfs"):
        return StorageRisk("network", f"{mount.fstype} {mount.device}")
    disk = disk_of(mount.device)
    if disk and disk_is_removable(disk, sys_root):
        return StorageRisk("removable", f"{mount.device} {mount.mountpoint}")
    return None


def linux_storage_risk(path: str, mounts_text: str, sys_root: Path = Path("/sys")) -> StorageRisk | None:
    """Pure but for ``sys_root`` (a folder shaped like ``/sys``): the mount table's text in, the risk out."""
    return classify_mount(mount_for(path, parse_mounts(mounts_text)), sys_root)


_UNC_LONG = re.compile(r"^[\\/]{2}\?[\\/]UNC[\\/]([^\\/]+)[\\/]([^\\/]+)", re.IGNORECASE)
_UNC = re.compile(r"^[\\/]{2}([^\\/?.][^\\/]*)[\\/]([^\\/]+)")
_DRIVE = re.compile(r"^(?:[\\/]{2}\?[\\/])?([A-Za-z]):")


def windows_location(path: str) -> tuple[str, str]:
    """``("unc", "\\\\server\\share")`` for a UNC path, ``("drive", "D:\\")`` for a drive letter path,
    ``("other", path)`` otherwise. Pure: runs anywhere."""
    m = _UNC_LONG.match(path) or _UNC.match(path)
    if m:
        return "unc", f"\\\\{m.group(1)}\\{m.group(2)}"
    m = _DRIVE.match(path)
    if m:
        return "drive", f"{m.group(1).upper()}:\\"
    return "other", path


def drive_type_risk(drive_type: int, root: str) -> StorageRisk | None:
    """``GetDriveTypeW``'s answer for ``root`` as a risk: DRIVE_REMOTE (4) network, DRIVE_REMOVABLE (2)."""
    kind = DRIVE_KINDS.get(drive_type)
    return StorageRisk(kind, root) if kind else None


def windows_storage_risk(path: str, get_drive_type: Callable[[str], int] | None = None) -> StorageRisk | None:
    """UNC paths are network shares; a drive letter is asked with ``GetDriveTypeW`` (only on Windows)."""
    where, what = windows_location(path)
    if where == "unc":
        return StorageRisk("network", what)
    if where == "drive":
        if get_drive_type is None:
            import ctypes

            get_drive_type = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
        return drive_type_risk(int(get_drive_type(what)), what)
    return None


def storage_risk(path: Path | str) -> StorageRisk | None:
    """Where the file (or, if it does not exist yet, its folder) is: network share, removable drive or
    None (a local disk, or the platform cannot tell)."""
    p = Path(path)
    if sys.platform == "win32":
        return windows_storage_risk(os.path.abspath(p))
    target = p if p.exists() else p.parent
    resolved = os.path.realpath(target)
    if sys.platform.startswith("linux"):
        try:
            text = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return linux_storage_risk(resolved, text)
    if sys.platform == "darwin":  # best effort: network shares only
        try:
            text = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        m = mount_for(resolved, parse_bsd_mounts(text))
        if m is not None and (m.fstype in NETWORK_FS or m.fstype.startswith("nfs")):
            return StorageRisk("network", f"{m.fstype} {m.device}")
    return None


def storage_warning(path: Path | str, lang: str = "zh") -> str | None:
    """A warning to show when the database file is on a network share or a removable drive, else None."""
    try:
        risk = storage_risk(path)
    except Exception as exc:  # a probe that fails must never stop the desk
        log.warning("storage check failed: %s", type(exc).__name__)
        return None
    return risk.message(lang) if risk else None


__all__ = [
    "BackupCheck",
    "BackupEntry",
    "BackupInfo",
    "BackupRefused",
    "BackupUnsupported",
    "DatabaseInUse",
    "RestoreInfo",
    "StorageRisk",
    "backup",
    "backup_due",
    "backup_folder",
    "backup_now",
    "check_backup",
    "last_backup",
    "list_backups",
    "record_restore",
    "restore",
    "rotate",
    "run_daily",
    "storage_warning",
]
