"""End-of-day export (日结导出) and closing a day (日结).

``export_register`` writes, for the workstation's cases received from ``start`` to ``end``:

- ``register-<ws>-<span>.xlsx`` and ``.csv`` — the register, one row per case
  (:mod:`reception.export.register`);
- ``summary-<ws>-<span>.pdf`` — the figures (:mod:`reception.export.report_pdf`);
- ``manifest.json`` — the SHA-256 of each file, the case-number range, the counts, the range, the
  export time, who exported with which role, whether personal data are masked, the schema version,
  the audit chain head (``audit_head``: ``seq`` and ``hash``; for a closed range, the head its close stored).

Everything is written into a temporary folder inside ``out_dir`` and moved into place at the end,
the manifest last; a cancelled or failed export leaves nothing behind.

Cases are read in register order (received date, then case number) in batches of
:data:`~reception.export.register.BATCH`, each in its own short read session; the XLSX is written in
XlsxWriter's constant-memory mode and the CSV row by row; the figures are accumulated on the way.
So a year of a busy hall exports in bounded memory.

``close_day`` stores the day's register rows (with personal data tagged, not yet masked) and its
figures in a :class:`~reception.storage.models.DayClose` row, with an audit record. Exporting a
range whose every day is closed renders from the stored rows, with the close time as the export
time: the XLSX, CSV and PDF come out byte for byte the same however the cases change later.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from reception import audit as audit_trail
from reception.context import Context
from reception.errors import ReceptionError
from reception.export.masking import Disclosure, render_cell
from reception.export.register import COLUMNS, KEYS, case_ids, case_row, iter_records
from reception.export.report_pdf import ReportInfo, render_summary_pdf
from reception.export.summary import ExportInconsistent, Summary, SummaryBuilder, deadline_figures
from reception.export.writers import RegisterWriter
from reception.pdf.fonts import font_set
from reception.security import Principal, acting, check_role, require, role_label
from reception.storage.models import Case, DayClose

log = logging.getLogger(__name__)

#: version of the manifest and of the closed-day snapshot layout
EXPORT_FORMAT = 1
#: the case format the register flattens (docs/case-format.md)
CASE_SCHEMA_VERSION = "1.0"
MANIFEST = "manifest.json"

Progress = Callable[[int, int], None]


class ExportCancelled(ReceptionError):
    code = "export.cancelled"

    def __init__(self):
        super().__init__("导出已取消，未留下任何文件", "export cancelled; no files were left")


class DayAlreadyClosed(ReceptionError):
    code = "export.day_closed"

    def __init__(self, day: date, workstation: str):
        super().__init__(
            f"{day.isoformat()} 已日结（工作站 {workstation}），不能重复日结",
            f"{day.isoformat()} is already closed (workstation {workstation})",
        )


@dataclass(frozen=True)
class DayCloseRecord:
    id: int
    day: date
    workstation: str
    closed_at: datetime
    closed_by: str | None
    case_count: int
    first_case_no: str | None
    last_case_no: str | None
    snapshot_sha256: str


@dataclass(frozen=True)
class ExportResult:
    #: ``{"xlsx": path, "csv": path, "pdf": path}``
    files: dict[str, Path]
    manifest: Path
    #: ``{"total": n, "window": {code: n}, …}``, codes ``""`` for "no value"
    counts: dict
    first_case_no: str | None
    last_case_no: str | None
    summary: Summary
    masked: bool
    #: every day of the range was closed: the files render the stored snapshot
    from_snapshot: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)


# -- closing a day ----------------------------------------------------------------------------------


def _hall_tz(ctx: Context) -> ZoneInfo:
    return ZoneInfo(ctx.config.centre.timezone)


def _records(ctx: Context, ids: list[int]) -> Iterator:
    for batch in iter_records(ctx, ids):
        yield from batch


def closed_day(ctx: Context, day: date) -> DayCloseRecord | None:
    """The close of ``day`` at this workstation, or ``None`` when the day is still open."""
    ws = ctx.config.workstation.code
    with ctx.db.read() as session:
        row = session.execute(
            select(DayClose).where(DayClose.day == day, DayClose.workstation == ws)
        ).scalar_one_or_none()
        return _record(row) if row is not None else None


def _record(row: DayClose) -> DayCloseRecord:
    return DayCloseRecord(
        id=row.id,
        day=row.day,
        workstation=row.workstation,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        case_count=row.case_count,
        first_case_no=row.first_case_no,
        last_case_no=row.last_case_no,
        snapshot_sha256=(row.manifest or {}).get("snapshot_sha256", ""),
    )


def _snapshot_hash(snapshot: dict) -> str:
    text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def close_day(ctx: Context, day: date, *, user: Principal | str | None, now: datetime | None = None) -> DayCloseRecord:
    """Close ``day`` at this workstation: store its register rows and figures, with an audit record.

    Raises :class:`DayAlreadyClosed` if it is closed already and ``export.day_future`` for a day after
    today (hall time). Closing a day without cases is allowed (it makes a month's export reproducible)."""
    user = acting(user, "day.close")
    now = now or datetime.now(UTC)
    tz = _hall_tz(ctx)
    ws = ctx.config.workstation.code
    if day > now.astimezone(tz).date():
        raise ReceptionError(
            f"{day.isoformat()} 尚未到来，不能日结", f"{day.isoformat()} is in the future", code="export.day_future"
        )
    if closed_day(ctx, day) is not None:
        raise DayAlreadyClosed(day, ws)
    ids = [i for i, _ in case_ids(ctx, ws, day, day)]
    builder = SummaryBuilder(ctx.config, tz)
    rows = []
    for rec in _records(ctx, ids):
        rows.append(case_row(rec, ctx.config, tz))
        builder.add(rec)
    overdue, soon = deadline_figures(ctx, ws, day)
    summary = builder.build(start=day, end=day, workstation=ws, overdue=overdue, due_soon=soon, as_of=day)
    snapshot = {
        "format": EXPORT_FORMAT,
        "schema_version": CASE_SCHEMA_VERSION,
        "day": day.isoformat(),
        "workstation": ws,
        "keys": list(KEYS),
        "headers": [c.header for c in COLUMNS],
        "rows": rows,
        "summary": summary.to_json(),
    }
    digest = _snapshot_hash(snapshot)
    try:
        with ctx.db.write() as session:
            row = DayClose(
                day=day,
                workstation=ws,
                closed_at=now,
                closed_by=user,
                case_count=summary.total,
                first_case_no=summary.first_case_no,
                last_case_no=summary.last_case_no,
                snapshot=snapshot,
                manifest={"format": EXPORT_FORMAT, "snapshot_sha256": digest, "counts": summary.counts()},
            )
            session.add(row)
            session.flush()
            audit_trail.append(
                session,
                ctx,
                [
                    {
                        "at": now,
                        "user": user,
                        "workstation": ws,
                        "action": "day.close",
                        "object_type": "day",
                        "object_id": f"{ws}/{day.isoformat()}",
                        "result": "ok",
                        "detail": {
                            "case_count": summary.total,
                            "first_case_no": summary.first_case_no,
                            "last_case_no": summary.last_case_no,
                            "snapshot_sha256": digest,
                        },
                    }
                ],
            )
            # the chain head with the day.close record: exports of the closed day carry it in their
            # manifest, and `reception audit verify` checks it is still in the chain
            seq, head_hash = audit_trail.current_head(session)
            row.manifest = {**row.manifest, "audit_head": {"seq": seq, "hash": head_hash}}
            record = _record(row)
    except IntegrityError:  # another session closed it meanwhile
        raise DayAlreadyClosed(day, ws) from None
    log.info("day %s closed at %s: %d cases", day, ws, summary.total)
    return record


def day_summary(ctx: Context, day: date) -> Summary:
    """The figures of ``day`` for the desk's day-close screen: as stored if the day is closed,
    otherwise as the cases stand now."""
    ws = ctx.config.workstation.code
    with ctx.db.read() as session:
        row = session.execute(
            select(DayClose).where(DayClose.day == day, DayClose.workstation == ws)
        ).scalar_one_or_none()
        if row is not None:
            return Summary.from_json(
                row.snapshot["summary"], closed=True, closed_at=row.closed_at, closed_by=row.closed_by
            )
    tz = _hall_tz(ctx)
    builder = SummaryBuilder(ctx.config, tz)
    for rec in _records(ctx, [i for i, _ in case_ids(ctx, ws, day, day)]):
        builder.add(rec)
    overdue, soon = deadline_figures(ctx, ws, day)
    return builder.build(start=day, end=day, workstation=ws, overdue=overdue, due_soon=soon, as_of=day)


# -- exporting --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Close:
    id: int
    day: date
    closed_at: datetime
    closed_by: str | None
    case_count: int


def _closes(ctx: Context, ws: str, start: date, end: date) -> list[_Close]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(DayClose.id, DayClose.day, DayClose.closed_at, DayClose.closed_by, DayClose.case_count)
            .where(DayClose.workstation == ws, DayClose.day >= start, DayClose.day <= end)
            .order_by(DayClose.day)
        ).all()
    return [_Close(*r) for r in rows]


def _load_snapshot(ctx: Context, close_id: int) -> dict:
    with ctx.db.read() as session:
        return session.execute(select(DayClose.snapshot).where(DayClose.id == close_id)).scalar_one()


def _late_cases(ctx: Context, ws: str, day: date, known: set[str]) -> list[str]:
    """Case numbers of ``day`` registered after the day was closed (not in its snapshot)."""
    with ctx.db.read() as session:
        nos = session.scalars(select(Case.case_no).where(Case.workstation == ws, Case.received_date == day)).all()
    return sorted(n for n in nos if n not in known)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _span(start: date, end: date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()}_{end.isoformat()}"


def _period(start: date, end: date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} 至 {end.isoformat()}"


def export_register(
    ctx: Context,
    *,
    start: date,
    end: date,
    out_dir: Path,
    role: str = "clerk",
    user: Principal | str | None = None,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Export the register (XLSX, CSV), the summary (PDF) and the manifest of the workstation's cases
    received from ``start`` to ``end`` (both included) into ``out_dir``.

    ``role`` decides what is shown (``reception.security``): ID numbers, phones and addresses masked
    unless the role has ``export.full_personal_data``; health, income and property hidden unless it
    has ``view.sensitive``. ``progress(done, total)`` is called after each batch of cases;
    ``should_cancel()`` is asked as often, and a true answer raises :class:`ExportCancelled` with
    nothing left in ``out_dir``."""
    if end < start:
        raise ReceptionError(
            f"日期范围有误：{start.isoformat()} 晚于 {end.isoformat()}",
            f"bad date range: {start.isoformat()} is after {end.isoformat()}",
            code="export.range",
        )
    if isinstance(user, Principal):  # a signed-in person exports with their own role
        role = user.role
    user = acting(user, "export.register")
    check_role(role)
    require(role, "export.register")
    disclosure = Disclosure.for_role(role)
    now = now or datetime.now(UTC)
    cfg = ctx.config
    tz = _hall_tz(ctx)
    ws = cfg.workstation.code
    cancel = should_cancel or (lambda: False)

    closes = _closes(ctx, ws, start, end)
    days = (end - start).days + 1
    frozen = len(closes) == days
    ids = [i for i, _ in case_ids(ctx, ws, start, end, skip_days=[c.day for c in closes])]
    total = len(ids) + sum(c.case_count for c in closes)
    exported_at = (max(c.closed_at for c in closes) if frozen else now).replace(microsecond=0)
    keys, headers = list(KEYS), [c.header for c in COLUMNS]
    first_snapshot: dict | None = None
    if frozen and closes:
        first_snapshot = _load_snapshot(ctx, closes[0].id)
        keys, headers = list(first_snapshot["keys"]), list(first_snapshot["headers"])

    out_dir = Path(out_dir)
    created_out = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir))
    span = _span(start, end)
    names = {
        "xlsx": f"register-{ws}-{span}.xlsx",
        "csv": f"register-{ws}-{span}.csv",
        "pdf": f"summary-{ws}-{span}.pdf",
    }
    warnings: list[str] = []
    writer: RegisterWriter | None = None
    try:
        scratch = tmp / "scratch"
        scratch.mkdir()
        title = f"{cfg.centre.name} 受理登记簿 {_period(start, end)}"
        writer = RegisterWriter(
            tmp / names["xlsx"],
            tmp / names["csv"],
            keys,
            headers,
            tmpdir=scratch,
            created=exported_at,
            title=title,
            author=cfg.centre.name,
        )
        builder = SummaryBuilder(cfg, tz)
        done = 0
        if progress:
            progress(0, total)

        def write(cells: list) -> None:
            writer.row([render_cell(c, disclosure) for c in cells])

        pending = list(closes)
        last_close: _Close | None = None
        last_snapshot_summary: Summary | None = None

        def flush_closed(before: date | None) -> None:
            nonlocal done, last_close, last_snapshot_summary, first_snapshot
            while pending and (before is None or pending[0].day < before):
                close = pending.pop(0)
                snap = first_snapshot if first_snapshot is not None else _load_snapshot(ctx, close.id)
                first_snapshot = None
                remap = _remapper(list(snap["keys"]), keys)
                case_nos: set[str] = set()
                no_col = snap["keys"].index("case_no") if "case_no" in snap["keys"] else None
                for n, cells in enumerate(snap["rows"], start=1):
                    write(remap(cells))
                    if no_col is not None:
                        case_nos.add(cells[no_col])
                    if n % 500 == 0:
                        if cancel():
                            raise ExportCancelled()
                        if progress:
                            progress(done + n, total)
                done += len(snap["rows"])
                if progress and snap["rows"]:
                    progress(done, total)
                s = Summary.from_json(snap["summary"])
                builder.merge(s)
                last_close, last_snapshot_summary = close, s
                late = _late_cases(ctx, ws, close.day, case_nos)
                if late:
                    warnings.append(
                        f"{close.day.isoformat()} 已日结，日结后又登记了该日受理的案件 {len(late)} 件，"
                        f"未包含在本次导出中：{'、'.join(late[:10])}{' 等' if len(late) > 10 else ''}"
                    )

        for batch in iter_records(ctx, ids):
            if cancel():
                raise ExportCancelled()
            for rec in batch:
                flush_closed(rec.received_date)
                write(case_row(rec, cfg, tz))
                builder.add(rec)
            done += len(batch)
            if progress:
                progress(done, total)
        flush_closed(None)
        if cancel():
            raise ExportCancelled()

        if frozen and last_close is not None and last_close.day == end and last_snapshot_summary is not None:
            overdue, soon, as_of = last_snapshot_summary.overdue, last_snapshot_summary.due_soon, end
        else:
            as_of = min(end, now.astimezone(tz).date())
            overdue, soon = deadline_figures(ctx, ws, as_of)
        summary = builder.build(
            start=start,
            end=end,
            workstation=ws,
            overdue=overdue,
            due_soon=soon,
            as_of=as_of,
            closed=frozen,
            closed_at=max((c.closed_at for c in closes), default=None) if frozen else None,
            closed_by=closes[-1].closed_by if frozen and closes else None,
        )
        if writer.rows != summary.total:
            raise ExportInconsistent(
                f"登记簿 {writer.rows} 行与汇总 {summary.total} 件不一致",
                f"register has {writer.rows} rows but the summary counts {summary.total}",
            )
        local_time = exported_at.astimezone(tz)
        time_label = "日结时间" if frozen else "导出时间"
        status = _status_line(frozen, closes, start, end, tz)
        writer.close(
            summary,
            [
                ("中心", f"{cfg.centre.name}（{cfg.centre.code}）"),
                ("工作站", ws),
                ("受理日期", _period(start, end)),
                ("案件数", f"{summary.total} 件"),
                ("案件编号", _range_text(summary)),
                (time_label, local_time.strftime("%Y-%m-%d %H:%M:%S")),
                ("状态", status),
                ("个人信息", _disclosure_info(disclosure)),
                ("格式版本", f"案件数据格式 {CASE_SCHEMA_VERSION}；导出格式 {EXPORT_FORMAT}"),
            ],
        )
        writer = None
        if progress and done != total:
            progress(done, done)
        fonts = font_set(cfg)
        pdf = render_summary_pdf(
            summary,
            ReportInfo(
                centre=cfg.centre.name,
                workstation=ws,
                period=_period(start, end),
                data_time=f"{time_label} {local_time.strftime('%Y-%m-%d %H:%M')}",
                status_line=status,
                disclosure=disclosure,
                group_threshold=cfg.intake.group_visit_threshold,
            ),
            fonts,
        )
        (tmp / names["pdf"]).write_bytes(pdf)
        shutil.rmtree(scratch)
        manifest = _manifest(
            ctx,
            start=start,
            end=end,
            summary=summary,
            files={k: tmp / n for k, n in names.items()},
            exported_at=local_time,
            frozen=frozen,
            closes=closes,
            role=role,
            user=user,
            disclosure=disclosure,
            audit_head=_audit_head(ctx, closes, frozen),
        )
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if cancel():
            raise ExportCancelled()
        files: dict[str, Path] = {}
        for kind, name in names.items():
            os.replace(tmp / name, out_dir / name)
            files[kind] = out_dir / name
        os.replace(tmp / MANIFEST, out_dir / MANIFEST)
        tmp.rmdir()
    except BaseException:
        if writer is not None:
            writer.abort()
        shutil.rmtree(tmp, ignore_errors=True)
        if created_out:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
        raise
    _audit_export(ctx, user=user, role=role, start=start, end=end, summary=summary, manifest=manifest, now=now)
    return ExportResult(
        files=files,
        manifest=out_dir / MANIFEST,
        counts={"total": summary.total, **summary.counts()},
        first_case_no=summary.first_case_no,
        last_case_no=summary.last_case_no,
        summary=summary,
        masked=disclosure.masked,
        from_snapshot=frozen,
        warnings=tuple(warnings),
    )


def _remapper(src: list[str], dst: list[str]) -> Callable[[list], list]:
    if src == dst:
        return lambda cells: cells
    index = [src.index(k) if k in src else None for k in dst]
    return lambda cells: [cells[i] if i is not None else None for i in index]


def _range_text(s: Summary) -> str:
    if not s.first_case_no:
        return "（无）"
    return s.first_case_no if s.first_case_no == s.last_case_no else f"{s.first_case_no} 至 {s.last_case_no}"


def _status_line(frozen: bool, closes: list[_Close], start: date, end: date, tz: ZoneInfo) -> str:
    if frozen and start == end:
        c = closes[0]
        by = f"，日结人 {c.closed_by}" if c.closed_by else ""
        return f"已日结（{c.closed_at.astimezone(tz).strftime('%Y-%m-%d %H:%M')}{by}），数据为日结时的状态"
    if frozen:
        return "各日均已日结，数据为日结时的状态"
    if closes:
        return f"部分日期已日结（{len(closes)} 天）；其余为导出时的状态"
    return "未日结，数据为导出时的状态"


def _disclosure_info(d: Disclosure) -> str:
    personal = "证件号码、电话、住址为完整信息" if d.personal else "证件号码、电话、住址已脱敏"
    sensitive = "含健康、收入、家庭财产等敏感信息" if d.sensitive else "健康、收入、家庭财产等敏感信息已隐去"
    return f"{personal}；{sensitive}"


def _manifest(
    ctx: Context,
    *,
    start: date,
    end: date,
    summary: Summary,
    files: dict[str, Path],
    exported_at: datetime,
    frozen: bool,
    closes: list[_Close],
    role: str,
    user: str | None,
    disclosure: Disclosure,
    audit_head: dict | None,
) -> dict:
    cfg = ctx.config
    return {
        "format": "reception-desk register export",
        "format_version": EXPORT_FORMAT,
        "schema_version": CASE_SCHEMA_VERSION,
        "centre": {"code": cfg.centre.code, "name": cfg.centre.name},
        "workstation": cfg.workstation.code,
        "day": start.isoformat() if start == end else None,
        "range": {"from": start.isoformat(), "to": end.isoformat()},
        "closed": frozen,
        "closed_days": [c.day.isoformat() for c in closes],
        "exported_at": exported_at.isoformat(),
        "exported_by": {"user": user, "role": role, "role_name": role_label(role)},
        "masked": disclosure.masked,
        "personal_data": "full" if disclosure.personal else "masked",
        "sensitive_data": "shown" if disclosure.sensitive else "hidden",
        "case_count": summary.total,
        "first_case_no": summary.first_case_no,
        "last_case_no": summary.last_case_no,
        "counts": {
            "total": summary.total,
            "person_visits": summary.person_visits,
            "resolved_on_spot": summary.resolved_on_spot,
            "routed": summary.routed,
            "group_visits": summary.group_visits,
            "repeat_visits": summary.repeat_visits,
            "overdue": summary.overdue,
            "due_soon": summary.due_soon,
            "as_of": summary.as_of.isoformat(),
            **{k: v for k, v in summary.counts().items()},
        },
        "audit_head": audit_head,
        "files": [
            {"kind": kind, "name": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)}
            for kind, path in files.items()
        ],
    }


def _audit_head(ctx: Context, closes: list[_Close], frozen: bool) -> dict | None:
    """The audit chain head the manifest records (``reception audit verify --manifest`` checks it).

    An export at the time of exporting records the head then. A range whose every day is closed is
    exported as it stood at the close: it records the head its latest close stored, so that exporting it
    again gives the same manifest (``None`` if those days were closed before the chain existed and the
    upgrade found no record of their close)."""
    if not frozen:
        seq, head_hash = audit_trail.head(ctx)
        return {"seq": seq, "hash": head_hash}
    with ctx.db.read() as session:
        manifests = session.scalars(select(DayClose.manifest).where(DayClose.id.in_([c.id for c in closes]))).all()
    heads = [m["audit_head"] for m in manifests if isinstance(m, dict) and isinstance(m.get("audit_head"), dict)]
    return max(heads, key=lambda h: h["seq"], default=None)


def _audit_export(
    ctx: Context,
    *,
    user: str | None,
    role: str,
    start: date,
    end: date,
    summary: Summary,
    manifest: dict,
    now: datetime,
) -> None:
    with ctx.db.write() as session:
        audit_trail.append(
            session,
            ctx,
            [
                {
                    "at": now,
                    "user": user,
                    "workstation": ctx.config.workstation.code,
                    "action": "register.export",
                    "object_type": "day" if start == end else "range",
                    "object_id": f"{ctx.config.workstation.code}/{_span(start, end)}",
                    "result": "ok",
                    "detail": {
                        "role": role,
                        "masked": manifest["masked"],
                        "case_count": summary.total,
                        "files": {f["name"]: f["sha256"] for f in manifest["files"]},
                    },
                }
            ],
        )


__all__ = [
    "DayAlreadyClosed",
    "DayCloseRecord",
    "ExportCancelled",
    "ExportResult",
    "close_day",
    "closed_day",
    "day_summary",
    "export_register",
]
