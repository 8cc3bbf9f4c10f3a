"""The audit trail (审计日志): append-only, hash-chained, verifiable.

Every audit record is written by :func:`append`, in the transaction of the change it records, and by
nothing else. A record is numbered ``seq`` 1, 2, 3 … without gaps and carries ``prev_hash`` (the previous
record's ``hash``; :data:`GENESIS` for the first) and its own ``hash``::

    hash = SHA-256( prev_hash  ||  canonical )            (lower-case hex; prev_hash as its 64 hex characters)
    canonical = UTF-8 of the JSON array
        [seq, at, user, workstation, action, object_type, object_id, result, detail]

where ``at`` is the time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six digits of microseconds),
absent values are ``null``, and the JSON is written with sorted object keys, no spaces (``","`` and
``":"``), non-ASCII characters as themselves and no NaN/Infinity (Python: ``json.dumps(value,
ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)``). ``detail`` is stored as
it was hashed (it goes through JSON once before hashing), so what is read back hashes the same. This is
chain format :data:`CHAIN_FORMAT`; it never changes for records already written.

The head of the chain (last ``seq`` and ``hash``) is the one row of ``audit_chain``. :func:`append` takes
it (on PostgreSQL with ``SELECT … FOR UPDATE``, so concurrent writers queue on it; on SQLite the write
transaction, begun with ``BEGIN IMMEDIATE``, is already exclusive), hashes the new records, inserts them
with one ``executemany`` and moves the head. Pending ORM changes of the session are flushed first, so the
head is the last lock a transaction takes. The database refuses UPDATE and DELETE on ``audit_log`` and any
move of the head backwards (revision 0007's triggers).

:func:`verify` walks the chain in ``seq`` order, a batch at a time inside one read snapshot, and names
every problem by ``seq`` and ``id``: an edited record (its hash does not match its content), deleted ones
(a gap in ``seq``; a ``prev_hash`` that is not the previous record's hash), swapped or reordered ones
(``id`` going backwards along ``seq``, with the hashes that no longer match), a truncated tail (the head
says ``seq`` N, the table ends earlier) and records after the head. It also checks the heads stored
elsewhere: each closed day's (``day_closes.manifest.audit_head``, stored by ``close_day``) and those of
exported ``manifest.json`` files given to it. The exported files are the strongest anchor: someone with
the database file can rewrite the whole chain and its head, but not the manifests already handed over.

Audit details never carry personal data (ID numbers, phones, names of visitors, facts): :func:`append`
refuses a detail with something shaped like an ID number or a mobile number.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from reception.errors import MESSAGES, ReceptionError, ValidationFailed, field_error, messages
from reception.security.roles import Principal, acting
from reception.storage.models import AuditChain, AuditRecord, DayClose, UtcDateTime

if TYPE_CHECKING:
    from reception.context import Context

#: the ``prev_hash`` of the first record
GENESIS = "0" * 64
#: version of the canonical form above
CHAIN_FORMAT = 1
#: rows read per query by :func:`verify`
BATCH = 5000
#: problems listed by :func:`verify` (the rest are counted)
MAX_PROBLEMS = 1000

#: what each action is called on screen (zh, en); an action not listed shows its code
ACTIONS: dict[str, tuple[str, str]] = {
    "login": ("登录", "signed in"),
    "login.failed": ("登录失败", "sign-in failed"),
    "login.refused": ("登录被拒绝", "sign-in refused"),
    "session.lock": ("锁定受理台", "desk locked"),
    "session.unlock": ("解除锁定", "desk unlocked"),
    "session.unlock.failed": ("解除锁定失败", "unlock failed"),
    "session.unlock.refused": ("解除锁定被拒绝", "unlock refused"),
    "logout": ("退出登录", "signed out"),
    "account.create": ("新建账户", "account created"),
    "account.locked": ("账户锁定", "account locked"),
    "account.unlock": ("解锁账户", "account unlocked"),
    "account.password_changed": ("修改密码", "password changed"),
    "account.password_reset": ("重置密码", "password reset"),
    "account.role": ("修改角色", "role changed"),
    "account.activate": ("启用账户", "account enabled"),
    "account.deactivate": ("停用账户", "account disabled"),
    "case.create": ("受理登记", "case registered"),
    "case.note": ("备注", "note added"),
    "case.answer": ("记录部门答复", "department's answer recorded"),
    "case.close": ("案件办结", "case closed"),
    "case.view_full": ("查看完整号码", "numbers viewed in full"),
    "receipt.print": ("打印回执", "receipt printed"),
    "receipt.reprint": ("补打回执", "receipt reprinted"),
    "register.export": ("导出登记簿", "register exported"),
    "day.close": ("日结", "day closed"),
    "transfer.push": ("推送转办", "transfer pushed"),
    "transfer.dead": ("推送失败", "transfer failed (dead letter)"),
    "transfer.retry": ("重新推送", "transfer retried"),
    "transfer.reroute": ("改派", "transfer re-routed"),
    "backup.create": ("备份数据库", "database backed up"),
    "database.restore": ("恢复数据库", "database restored"),
    "config.changed": ("配置变更", "configuration changed"),
}

#: the groups ``records(action=…)`` takes (every ``group.…`` action), in the order a filter lists them
ACTION_GROUPS: dict[str, tuple[str, str]] = {
    "login": ("登录", "sign-in"),
    "session": ("锁定与解锁", "lock and unlock"),
    "logout": ("退出登录", "sign-out"),
    "account": ("账户管理", "accounts"),
    "case": ("案件", "cases"),
    "receipt": ("回执", "receipts"),
    "transfer": ("转办推送", "transfers"),
    "register": ("导出", "exports"),
    "day": ("日结", "day close"),
    "backup": ("备份", "backups"),
    "database": ("恢复", "restores"),
    "config": ("配置", "configuration"),
}


def action_label(action: str, lang: str = "zh") -> str:
    """The action as a person reads it (:data:`ACTIONS`); its code if it is not listed."""
    texts = ACTIONS.get(action)
    return action if texts is None else texts[1 if lang.startswith("en") else 0]


_LOG = AuditRecord.__table__
_HEAD = AuditChain.__table__
# built once: building and caching a statement costs more than running it on the save path
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
_LOCK_HEAD = _READ_HEAD.with_for_update()
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=bindparam("b_seq"), hash=bindparam("b_hash"), updated_at=bindparam("b_at", type_=UtcDateTime))
)
_INSERT = _LOG.insert()
_FIELDS = ("at", "user", "workstation", "action", "object_type", "object_id", "result", "detail")
_FIELD_SET = frozenset(_FIELDS)
_TEXT_FIELDS = ("user", "workstation", "action", "object_type", "object_id", "result")
# an 18-digit (or legacy 15-digit) ID number, or a mainland mobile number, standing on its own
_DIGIT_RUN = re.compile(r"\d{11}")  # cheap first look: nothing personal without 11 digits in a row
_PERSONAL = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[0-9Xx]|\d{15}|(?:\+?86[- ]?)?1[3-9]\d{9})(?![0-9A-Za-z])")

messages(
    {
        "audit.edited": (
            "记录内容与其哈希不符：记录被修改",
            "the record's content does not match its hash: the record was changed",
        ),
        "audit.missing": (
            "缺少序号 {first}–{last} 的 {count} 条记录（在 id {before} 与 id {after} 之间）：记录被删除",
            "{count} record(s) missing, seq {first}–{last} (between id {before} and id {after}): records were deleted",
        ),
        "audit.link": (
            "前一哈希与序号 {prev_seq}（id {prev_id}）的哈希不符：前一条记录被改写、删除或替换",
            "prev_hash does not match the hash of seq {prev_seq} (id {prev_id}): "
            "the record before was rewritten, deleted or replaced",
        ),
        "audit.order": (
            "顺序被调换：排在序号 {prev_seq}（id {prev_id}）之后，id 却更小",
            "out of order: it follows seq {prev_seq} (id {prev_id}) but has a smaller id: "
            "records were swapped or reordered",
        ),
        "audit.truncated": (
            "链头记载到序号 {head_seq}，日志只到序号 {last_seq}：末尾 {count} 条记录被删除",
            "the head says seq {head_seq} but the log ends at seq {last_seq}: the last {count} record(s) were deleted",
        ),
        "audit.head_mismatch": (
            "链头的哈希与该记录不符：该记录被替换，或链头被改动",
            "the head's hash does not match this record: the record was replaced or the head was changed",
        ),
        "audit.beyond_head": (
            "链头只到序号 {head_seq}，其后还有 {count} 条记录（到序号 {last_seq}）：记录未经审计链写入，或链头被改回",
            "{count} record(s) after the head (seq {head_seq}), up to seq {last_seq}: "
            "written outside the chain, or the head was moved back",
        ),
        "audit.no_head": (
            "缺少审计链头（audit_chain）：链头被删除",
            "the chain head (audit_chain) is missing: it was deleted",
        ),
        "audit.anchor_missing": (
            "{source}记载的链头（序号 {seq}）已不在日志中：其后的记录被删除，或日志被截断",
            "the head recorded by {source} (seq {seq}) is no longer in the log: records were deleted or the log "
            "was truncated",
        ),
        "audit.anchor_mismatch": (
            "{source}记载的链头与序号 {seq} 的记录哈希不符：日志被改写",
            "the head recorded by {source} does not match the hash of seq {seq}: the log was rewritten",
        ),
        "audit.unchained": (
            "{count} 条记录没有序号（不在链中）：日志表被改建",
            "{count} record(s) have no seq (no place in the chain): the table was rebuilt",
        ),
        "audit.duplicate": (
            "序号重复（与 id {other_id} 相同）：记录被复制或插入",
            "duplicate seq (the same as id {other_id}): a record was copied or inserted",
        ),
        "audit.manifest_unreadable": (
            "无法读取导出清单 {path}：{reason}",
            "cannot read the export manifest {path}: {reason}",
        ),
        "audit.manifest_no_head": (
            "导出清单 {path} 没有记载审计链头（0007 之前的导出）",
            "the export manifest {path} records no audit head (an export made before revision 0007)",
        ),
        "audit.bad_limit": ("应为 1 到 100000 之间的整数", "must be a whole number from 1 to 100000"),
        "audit.bad_range": ("不能早于起始日期 {start}", "cannot be before the start date {start}"),
    }
)


class AuditChainBroken(ReceptionError):
    """The chain head is missing: nothing can be audited, so nothing is written."""

    code = "audit.no_head"

    def __init__(self):
        super().__init__(
            "审计链头缺失，无法写入审计记录；请运行 reception audit verify 并从备份恢复",
            "the audit chain head is missing: no audit record can be written; run `reception audit verify` and "
            "restore from a backup",
        )


# -- the canonical form -------------------------------------------------------------------------------


def _utc_iso(at: datetime) -> str:
    """``at`` in UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``. A naive value is taken as UTC (SQLite stores UTC)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds") + "Z"


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _json(value) -> str:
    return _ENCODER.encode(value)


def _canonical_text(seq, at, user, workstation, action, object_type, object_id, result, detail_text: str) -> str:
    # the JSON array with its last element already encoded: the same text as _json() of the whole array
    head = _json([seq, _utc_iso(at), user, workstation, action, object_type, object_id, result])
    return f"{head[:-1]},{detail_text}]"


def canonical(
    *,
    seq: int,
    at: datetime,
    user: str | None,
    workstation: str | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    result: str,
    detail,
) -> bytes:
    """The bytes a record's hash covers (after its ``prev_hash``)."""
    text = _canonical_text(seq, at, user, workstation, action, object_type, object_id, result, _json(detail))
    return text.encode("utf-8")


def _hash(prev_hash: str, canonical_text: str) -> str:
    return hashlib.sha256((prev_hash + canonical_text).encode("utf-8")).hexdigest()


def record_hash(prev_hash: str, **fields) -> str:
    """``sha256(prev_hash || canonical(fields))`` in lower-case hex."""
    h = hashlib.sha256(prev_hash.encode("ascii"))
    h.update(canonical(**fields))
    return h.hexdigest()


# -- writing ------------------------------------------------------------------------------------------


def _prepared(entry: dict, workstation: str, now: datetime) -> tuple[dict, str]:
    """The row to insert (without its chain columns) and its detail as canonical JSON text."""
    unknown = entry.keys() - _FIELD_SET
    if unknown:
        raise ValueError(f"unknown audit field(s): {', '.join(sorted(unknown))}")
    if not entry.get("action"):
        raise ValueError("an audit record needs its action")
    row = {
        "at": entry.get("at") or now,
        "user": entry.get("user"),
        "workstation": entry.get("workstation", workstation),
        "action": entry["action"],
        "object_type": entry.get("object_type"),
        "object_id": entry.get("object_id"),
        "result": entry.get("result") or "ok",
    }
    if row["at"].tzinfo is None:
        raise ValueError("naive datetime given as an audit record's time")
    for key in _TEXT_FIELDS:
        if row[key] is not None and not isinstance(row[key], str):
            row[key] = str(row[key])
    detail = entry.get("detail")
    text = _json(detail)
    if detail is not None:
        if _DIGIT_RUN.search(text) and _PERSONAL.search(text):
            raise ValueError(
                f"the detail of audit record {row['action']!r} holds what looks like an ID or phone number: "
                "audit details never carry personal data"
            )
        detail = json.loads(text)  # stored exactly as hashed
    row["detail"] = detail
    return row, text


def current_head(session: Session) -> tuple[int, str]:
    """The chain head as this session's transaction sees it: ``(seq, hash)``."""
    found = session.connection().execute(_READ_HEAD).first()
    if found is None:
        raise AuditChainBroken()
    return int(found.seq), found.hash


def append(session: Session, ctx: Context, entries: list[dict]) -> None:
    """Append ``entries`` to the audit trail in ``session``'s transaction (all of them or, with the
    transaction, none).

    Each entry is a dict with ``action`` and any of ``at`` (aware datetime; default now), ``user``,
    ``workstation`` (default this workstation), ``object_type``, ``object_id``, ``result`` (default
    ``"ok"``) and ``detail`` (JSON; never personal data)."""
    if not entries:
        return
    now = datetime.now(UTC)
    ws = ctx.config.workstation.code
    prepared = [_prepared(e, ws, now) for e in entries]
    if session.new or session.dirty or session.deleted:
        session.flush()  # the session's own changes first: the head is the last lock taken
    conn = session.connection()
    found = conn.execute(_LOCK_HEAD if conn.dialect.name == "postgresql" else _READ_HEAD).first()
    if found is None:
        raise AuditChainBroken()
    seq, prev = int(found[0]), found[1]
    rows = []
    for row, detail_text in prepared:
        seq += 1
        row["seq"] = seq
        row["prev_hash"] = prev
        text = _canonical_text(
            seq,
            row["at"],
            row["user"],
            row["workstation"],
            row["action"],
            row["object_type"],
            row["object_id"],
            row["result"],
            detail_text,
        )
        prev = row["hash"] = _hash(prev, text)
        rows.append(row)
    conn.execute(_INSERT, rows)
    conn.execute(_MOVE_HEAD, {"b_seq": seq, "b_hash": prev, "b_at": now})


def head(ctx: Context) -> tuple[int, str]:
    """The chain head: ``(seq, hash)`` of the last record (``(0, GENESIS)`` while the trail is empty)."""
    with ctx.db.read() as session:
        return current_head(session)


# -- verifying ----------------------------------------------------------------------------------------


def _pick(value, lang: str):
    if isinstance(value, tuple):
        return value[1] if lang.startswith("en") else value[0]
    return value


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the chain, at ``seq`` / ``id`` when it concerns a record."""

    code: str
    seq: int | None
    id: int | None
    params: dict

    def message(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        template = en if lang.startswith("en") else zh
        return template.format(**{k: "-" if v is None else _pick(v, lang) for k, v in self.params.items()})

    def line(self, lang: str = "zh") -> str:
        en = lang.startswith("en")
        where = []
        if self.seq is not None:
            where.append(f"seq {self.seq}" if en else f"序号 {self.seq}")
        if self.id is not None:
            where.append(f"id {self.id}")
        if not where:
            return self.message(lang)
        if en:
            return f"{where[0]}{f' ({where[1]})' if len(where) > 1 else ''}: {self.message(lang)}"
        return f"{where[0]}{f'（{where[1]}）' if len(where) > 1 else ''}：{self.message(lang)}"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "seq": self.seq,
            "id": self.id,
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
        }


@dataclass(frozen=True)
class AuditReport:
    """What :func:`verify` found."""

    #: records walked
    records: int
    #: the head as stored (``None`` when the head row is missing)
    head: tuple[int, str] | None
    #: stored heads checked (closed days, export manifests)
    anchors: int
    problems: tuple[Problem, ...]
    #: problems found beyond :data:`MAX_PROBLEMS`, not listed
    omitted: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems and not self.omitted

    def summary(self, lang: str = "zh") -> str:
        en = lang.startswith("en")
        if self.intact:
            seq, h = self.head or (0, GENESIS)
            if en:
                return (
                    f"audit trail intact: {self.records} record(s), head seq {seq} hash {h[:16]}…, "
                    f"{self.anchors} stored head(s) checked"
                )
            return (
                f"审计日志完整：共 {self.records} 条记录，链头 序号 {seq} 哈希 {h[:16]}…，"
                f"核对已记载的链头 {self.anchors} 个"
            )
        n = len(self.problems) + self.omitted
        more = ""
        if self.omitted:
            more = f" ({self.omitted} not listed)" if en else f"（另有 {self.omitted} 处未列出）"
        if en:
            return f"audit trail NOT intact: {n} problem(s) in {self.records} record(s){more}"
        return f"审计日志已被篡改：{self.records} 条记录中发现 {n} 处问题{more}"

    def as_dict(self) -> dict:
        return {
            "intact": self.intact,
            "records": self.records,
            "head": None if self.head is None else {"seq": self.head[0], "hash": self.head[1]},
            "anchors": self.anchors,
            "problems": [p.as_dict() for p in self.problems],
            "omitted": self.omitted,
        }


@dataclass(frozen=True)
class _Anchor:
    seq: int
    hash: str
    #: (zh, en) naming where it was recorded
    source: tuple[str, str]


def manifest_anchor(path: Path) -> _Anchor:
    """The audit head an exported ``manifest.json`` records. Bad input names the file (field ``manifest``)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationFailed(
            [field_error("audit.manifest_unreadable", "manifest", path=str(path), reason=type(exc).__name__)]
        ) from None
    h = data.get("audit_head") if isinstance(data, dict) else None
    if not (isinstance(h, dict) and isinstance(h.get("seq"), int) and isinstance(h.get("hash"), str)):
        raise ValidationFailed([field_error("audit.manifest_no_head", "manifest", path=str(path))])
    return _Anchor(h["seq"], h["hash"], (f"导出清单 {path} ", f"the export manifest {path}"))


def _stored_anchors(conn: Connection) -> list[_Anchor]:
    out = []
    rows = conn.execute(select(DayClose.day, DayClose.workstation, DayClose.manifest).order_by(DayClose.id))
    for day, ws, manifest in rows:
        h = (manifest or {}).get("audit_head") if isinstance(manifest, dict) else None
        if isinstance(h, dict) and isinstance(h.get("seq"), int) and isinstance(h.get("hash"), str):
            name = f"{ws}/{day.isoformat()}"
            out.append(_Anchor(h["seq"], h["hash"], (f"日结 {name} ", f"the day close {name}")))
    return out


@contextmanager
def _snapshot(ctx: Context) -> Iterator[Connection]:
    """One read transaction that sees one state of the database throughout (SQLite: a read transaction
    keeps its snapshot; PostgreSQL: REPEATABLE READ)."""
    with ctx.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


class _Problems:
    def __init__(self, limit: int):
        self.limit = limit
        self.listed: list[Problem] = []
        self.omitted = 0

    def add(self, code: str, seq: int | None, id_: int | None, /, **params) -> None:
        if len(self.listed) < self.limit:
            self.listed.append(Problem(code, seq, id_, params))
        else:
            self.omitted += 1


def verify(
    ctx: Context,
    *,
    manifests: Iterable[Path] = (),
    batch: int = BATCH,
    max_problems: int = MAX_PROBLEMS,
) -> AuditReport:
    """Walk the whole chain and check it against its head, the closed days' stored heads and the heads in
    the export ``manifests`` given. Memory stays bounded (``batch`` rows at a time).

    Anyone may run it, signed in or not (``reception audit verify``): it shows positions and record ids,
    no personal data, and must work when the chain is so damaged that no sign-in can be recorded."""
    extra = [manifest_anchor(Path(p)) for p in manifests]
    found = _Problems(max_problems)
    t = _LOG.c
    cols = (t.seq, t.id, t.prev_hash, t.hash, *(t[k] for k in _FIELDS))
    with _snapshot(ctx) as conn:
        stored = conn.execute(_READ_HEAD).first()
        head_ = None if stored is None else (int(stored.seq), stored.hash)
        if head_ is None:
            found.add("audit.no_head", None, None)
        anchors = _stored_anchors(conn) + extra
        pending: dict[int, list[_Anchor]] = {}
        for a in anchors:
            if a.seq == 0:
                if a.hash != GENESIS:
                    found.add("audit.anchor_mismatch", 0, None, source=a.source, seq=0)
            else:
                pending.setdefault(a.seq, []).append(a)
        total = conn.execute(select(func.count()).select_from(_LOG)).scalar_one()
        prev_seq, prev_hash, prev_id = 0, GENESIS, None
        walked = 0
        last_seq = None
        while True:
            # keyset on (seq, id): a seq that someone made appear twice is walked twice, never skipped
            stmt = select(*cols).order_by(t.seq, t.id).limit(batch)
            if last_seq is None:
                stmt = stmt.where(t.seq.is_not(None))
            else:
                stmt = stmt.where(t.seq >= last_seq, or_(t.seq > last_seq, t.id > prev_id))
            rows = conn.execute(stmt).all()
            if not rows:
                break
            for seq, id_, prev_h, h, *values in rows:
                walked += 1
                if seq == prev_seq:
                    found.add("audit.duplicate", seq, id_, other_id=prev_id)
                elif seq > prev_seq + 1:
                    found.add(
                        "audit.missing",
                        prev_seq + 1,
                        None,
                        first=prev_seq + 1,
                        last=seq - 1,
                        count=seq - 1 - prev_seq,
                        before=prev_id,
                        after=id_,
                    )
                elif prev_h != prev_hash:
                    found.add("audit.link", seq, id_, prev_seq=prev_seq, prev_id=prev_id)
                if prev_id is not None and id_ < prev_id:
                    found.add("audit.order", seq, id_, prev_seq=prev_seq, prev_id=prev_id)
                try:
                    ok = record_hash(prev_h, seq=seq, **dict(zip(_FIELDS, values, strict=True))) == h
                except (TypeError, ValueError, AttributeError):  # a value no record can hold: changed
                    ok = False
                if not ok:
                    found.add("audit.edited", seq, id_)
                for a in pending.pop(seq, ()):
                    if a.hash != h:
                        found.add("audit.anchor_mismatch", seq, id_, source=a.source, seq=seq)
                if head_ is not None and seq == head_[0] and h != head_[1]:
                    found.add("audit.head_mismatch", seq, id_)
                prev_seq, prev_hash, prev_id = seq, h, id_
            last_seq = prev_seq
        if walked != total:
            found.add("audit.unchained", None, None, count=total - walked)
        if head_ is not None:
            if prev_seq < head_[0]:
                found.add(
                    "audit.truncated",
                    prev_seq + 1,
                    None,
                    head_seq=head_[0],
                    last_seq=prev_seq,
                    count=head_[0] - prev_seq,
                )
            elif prev_seq > head_[0]:
                found.add(
                    "audit.beyond_head",
                    head_[0] + 1,
                    None,
                    head_seq=head_[0],
                    last_seq=prev_seq,
                    count=prev_seq - head_[0],
                )
            elif head_[0] == 0 and head_[1] != GENESIS:
                found.add("audit.head_mismatch", 0, None)
        for seq in sorted(pending):
            for a in pending[seq]:
                found.add("audit.anchor_missing", seq, None, source=a.source, seq=seq)
    return AuditReport(
        records=walked, head=head_, anchors=len(anchors), problems=tuple(found.listed), omitted=found.omitted
    )


# -- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One audit record as read back."""

    seq: int
    id: int
    at: datetime
    user: str | None
    workstation: str | None
    action: str
    object_type: str | None
    object_id: str | None
    result: str
    detail: dict | None
    hash: str

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "id": self.id,
            "at": self.at.isoformat(),
            "user": self.user,
            "workstation": self.workstation,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "result": self.result,
            "detail": self.detail,
            "hash": self.hash,
        }


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def records(
    ctx: Context,
    *,
    start: date | None = None,
    end: date | None = None,
    user: str | None = None,
    action: str | None = None,
    limit: int = 100,
    viewer: Principal | str | None = None,
) -> list[AuditEntry]:
    """Who did what when, newest first: at most ``limit`` records from ``start`` to ``end`` (hall-local
    days, both included), by ``user``, and of ``action`` (``case.create``; ``case`` takes every
    ``case.…`` action). A signed-in ``viewer`` needs ``audit.view``."""
    acting(viewer, "audit.view")
    errors = []
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100_000:
        errors.append(field_error("audit.bad_limit", "limit"))
    if start is not None and end is not None and end < start:
        errors.append(field_error("audit.bad_range", "to", start=start.isoformat()))
    if errors:
        raise ValidationFailed(errors)
    tz = ZoneInfo(ctx.config.centre.timezone)
    t = _LOG.c
    stmt = select(
        t.seq, t.id, t.at, t.user, t.workstation, t.action, t.object_type, t.object_id, t.result, t.detail, t.hash
    )
    if start is not None:
        stmt = stmt.where(t.at >= datetime.combine(start, time(0), tz))
    if end is not None:
        stmt = stmt.where(t.at < datetime.combine(end + timedelta(days=1), time(0), tz))
    if user:
        stmt = stmt.where(t.user == user)
    if action:
        stmt = stmt.where(or_(t.action == action, t.action.like(_like_escape(action) + ".%", escape="\\")))
    stmt = stmt.order_by(t.seq.desc()).limit(limit)
    with ctx.db.read() as session:
        return [AuditEntry(*row) for row in session.connection().execute(stmt)]


__all__ = [
    "BATCH",
    "CHAIN_FORMAT",
    "GENESIS",
    "AuditChainBroken",
    "AuditEntry",
    "AuditReport",
    "Problem",
    "append",
    "canonical",
    "current_head",
    "head",
    "manifest_anchor",
    "record_hash",
    "records",
    "verify",
]
