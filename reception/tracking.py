"""After intake: notes, departments' answers recorded by hand, closing a case, and the case's timeline.

Every write is one transaction (``Database.write()``): the change, a ``CaseEvent`` on the case's
timeline and an ``AuditRecord`` (no personal data in its detail) are written together or not at all.
Input is checked first; a problem raises :class:`~reception.errors.ValidationFailed` with
:class:`~reception.errors.FieldError` s naming the argument (``department``, ``kind``, ``text``,
``department_case_no``, ``answered_on``, ``outcome``, ``satisfaction``, ``note``) and nothing is written.

Answers and closing change the case, so they take part in optimistic locking: each bumps
``cases.version``, and a caller that passes ``expected_version`` (the version it showed the clerk)
gets :class:`CaseChanged` when someone else changed the case meanwhile. A note only appends to the
timeline and never conflicts.

How a department's answer (``record_answer``) moves things, following the FHIR ``Task`` states the
transfers already use (requested → accepted | rejected → in-progress → completed):

=============  ====================  =======================  ==============================
``kind``       timeline event        transfer status          case status (lead department)
=============  ====================  =======================  ==============================
accepted       ``acknowledged``      ``accepted``             ``in_progress``
returned       ``returned``          ``rejected`` (+reason)   ``returned``
progress       ``progress``          ``in_progress``          ``in_progress``
concluded      ``concluded``         ``completed`` (+outcome) ``concluded`` (待回访)
=============  ====================  =======================  ==============================

A lead department's conclusion starts the visitor follow-up: the case waits as ``concluded`` (待回访, a
filter of the case list) until the clerk has called the visitor and closes it with the satisfaction.

An assisting department's answer updates its own transfer only. The department's own case number
goes on the transfer (``transfers.department_case_no``); the case document is never rewritten.

``close_case`` records the outcome and the visitor's satisfaction (回访), sets the case ``closed``
and marks each open statutory deadline ``met`` (closed on or before its due date, hall-local) or
``late``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reception import audit as audit_trail
from reception.context import Context
from reception.errors import FieldError, NotFound, ReceptionError, ValidationFailed, field_error, messages
from reception.intake import deadline_dict
from reception.labels import ENUMS, enum_label
from reception.security.roles import Principal, acting
from reception.storage.models import Case, CaseDeadline, CaseEvent, ReceiptPrint, Transfer
from reception.text import clean_text, normalize_code

log = logging.getLogger(__name__)

ANSWER_KINDS: tuple[str, ...] = tuple(ENUMS["answer_kind"])
OUTCOMES: tuple[str, ...] = tuple(ENUMS["outcome"])
SATISFACTION: tuple[str, ...] = tuple(ENUMS["satisfaction"])

#: answer kind -> (timeline event kind, transfer status, case status when the lead department answers)
ANSWER_EFFECTS: dict[str, tuple[str, str, str]] = {
    "accepted": ("acknowledged", "accepted", "in_progress"),
    "returned": ("returned", "rejected", "returned"),
    "progress": ("progress", "in_progress", "in_progress"),
    "concluded": ("concluded", "completed", "concluded"),
}

#: how far a transfer has come; a department's status that is not further on is not recorded again
_PROGRESS = {"requested": 0, "received": 1, "accepted": 2, "in_progress": 3, "completed": 4}


def _already_there(current: str, answered: str) -> bool:
    """The transfer already holds ``answered`` or has gone further (e.g. the clerk recorded the answer by
    hand before the department's own status arrived)."""
    if current == answered:
        return True
    return current in _PROGRESS and answered in _PROGRESS and _PROGRESS[current] >= _PROGRESS[answered]


MAX_NOTE = 2000
MAX_ANSWER = 2000
MAX_DEPARTMENT_CASE_NO = 80

messages(
    {
        "tracking.choice": ("“{value}”不是可选值（可选：{choices}）", "“{value}” is not one of: {choices}"),
        "tracking.required": ("必填", "required"),
        "tracking.reason_required": ("退回须写明部门退回的理由", "a return needs the department's reason"),
        "tracking.progress_required": ("请写明办理进展", "describe the progress"),
        "tracking.outcome_required": ("办结须写明部门的办理结果", "a conclusion needs the department's outcome"),
        "tracking.unknown_department": (
            "本案没有转办给“{value}”（本案的转办部门：{departments}）",
            "this case was not transferred to “{value}” (its departments: {departments})",
        ),
        "tracking.no_transfers": (
            "本案没有转办部门（已当场办结），无法录入部门答复",
            "this case has no transfer (resolved at the counter): there is no department answer to record",
        ),
        "tracking.bad_date": ("“{value}”不是有效日期（应为 YYYY-MM-DD）", "“{value}” is not a date (YYYY-MM-DD)"),
        "tracking.date_future": ("不能晚于今天（{today}）", "cannot be after today ({today})"),
        "tracking.date_before_received": (
            "不能早于受理日期 {received}",
            "cannot be before the case was received ({received})",
        ),
    }
)


class CaseClosed(ReceptionError):
    """The case is closed: it cannot be closed again nor take a department's answer."""

    code = "case.closed"


class CaseChanged(ReceptionError):
    """Someone else changed the case since the caller read it (optimistic locking)."""

    code = "case.changed"


# -- records handed back ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline: an event, or a receipt print."""

    at: datetime  # hall-local, aware
    kind: str  # event kind (received, routed, note, …) or receipt_print / receipt_reprint
    label_zh: str
    label_en: str
    actor: str | None
    summary_zh: str
    summary_en: str
    detail: dict | None = None
    source: str = "event"  # "event" | "print"

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang.startswith("en") else self.label_zh

    def summary(self, lang: str = "zh") -> str:
        return self.summary_en if lang.startswith("en") else self.summary_zh

    def as_dict(self) -> dict:
        out = asdict(self)
        out["at"] = self.at.isoformat()
        return out


@dataclass(frozen=True)
class TransferInfo:
    id: str
    department: str
    role: str  # lead | assist
    level: str | None
    status: str
    department_case_no: str | None
    reason: str | None
    outcome: str | None
    created_at: datetime  # hall-local
    updated_at: datetime  # hall-local


@dataclass(frozen=True)
class CaseTracking:
    """Where a case stands after intake: status, version (for ``expected_version``), transfers, timeline."""

    case_no: str
    status: str
    version: int
    closed_at: datetime | None
    outcome: str | None
    satisfaction: str | None
    transfers: tuple[TransferInfo, ...]
    deadlines: tuple[dict, ...]
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class Tracked:
    """What a write returns: the case's new status and version, and the timeline entry it added."""

    case_no: str
    status: str
    version: int
    entry: TimelineEntry


# -- helpers -------------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def _tz(ctx: Context) -> ZoneInfo:
    return ZoneInfo(ctx.config.centre.timezone)


def _case(session: Session, case_no: str) -> Case:
    number = (case_no or "").strip().upper()
    c = session.execute(select(Case).where(Case.case_no == number)).scalar_one_or_none()
    if c is None:
        raise NotFound(f"没有找到案件 {case_no}", f"no case {case_no}")
    return c


def _choice(value: str | None, allowed: tuple[str, ...], kind: str, field: str, errors: list[FieldError]) -> str:
    v = normalize_code(value or "").lower()
    if not v:
        errors.append(field_error("tracking.required", field))
        return ""
    if v not in allowed:
        choices = "、".join(f"{c}（{enum_label(kind, c)}）" for c in allowed)
        errors.append(field_error("tracking.choice", field, value=value, choices=choices))
        return ""
    return v


def _text(
    raw: str | None, field: str, errors: list[FieldError], *, max_len: int, required_code: str | None = None
) -> str:
    check = clean_text(raw, field, max_len=max_len, multiline=True)
    if not check.ok:
        errors.extend(check.errors)
        return ""
    if not check.value and required_code:
        errors.append(field_error(required_code, field))
    return check.value or ""


def _date(value: date | str | None, field: str, errors: list[FieldError]) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(normalize_code(str(value)))
    except ValueError:
        errors.append(field_error("tracking.bad_date", field, value=value))
        return None


def _bump(session: Session, c: Case, expected_version: int | None, now: datetime, **values) -> int:
    """Bump the case's version (and set ``values``) if nobody changed it since it was read."""
    if expected_version is not None and c.version != expected_version:
        raise _changed(c.case_no)
    result = session.execute(
        update(Case)
        .where(Case.id == c.id, Case.version == c.version)
        .values(version=c.version + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _changed(c.case_no)
    return c.version + 1


def _changed(case_no: str) -> CaseChanged:
    return CaseChanged(
        f"案件 {case_no} 已被他人修改，请刷新后重试",
        f"case {case_no} was changed by someone else: reload it and try again",
    )


def _closed(c: Case, tz: ZoneInfo) -> CaseClosed:
    when = c.closed_at.astimezone(tz).date().isoformat() if c.closed_at else ""
    return CaseClosed(
        f"案件 {c.case_no} 已于 {when} 办结（{enum_label('outcome', c.outcome)}），不能再次办结或录入答复",
        f"case {c.case_no} was closed on {when} ({enum_label('outcome', c.outcome, 'en')}): "
        "it cannot be closed again or take an answer",
    )


def _event(session: Session, c: Case, kind: str, at: datetime, actor: str | None, detail: dict | None) -> CaseEvent:
    ev = CaseEvent(case_id=c.id, at=at, kind=kind, actor=actor, detail=detail)
    session.add(ev)
    return ev


def _audit(session: Session, ctx: Context, c: Case, action: str, at: datetime, user: str | None, detail: dict) -> None:
    audit_trail.append(
        session,
        ctx,
        [
            {
                "at": at,
                "user": user,
                "workstation": ctx.config.workstation.code,
                "action": action,
                "object_type": "case",
                "object_id": c.case_no,
                "result": "ok",
                "detail": detail,
            }
        ],
    )


# -- notes ---------------------------------------------------------------------------------------------


def add_note(
    ctx: Context, case_no: str, text: str, *, user: Principal | str | None, now: datetime | None = None
) -> Tracked:
    """Add a note (备注) to the case's timeline. Allowed on a closed case too."""
    user = acting(user, "case.track")
    now = _now(now)
    errors: list[FieldError] = []
    value = _text(text, "text", errors, max_len=MAX_NOTE, required_code="tracking.required")
    if errors:
        raise ValidationFailed(errors)
    with ctx.db.write() as session:
        c = _case(session, case_no)
        detail = {"text": value}
        _event(session, c, "note", now, user, detail)
        _audit(session, ctx, c, "case.note", now, user, {"chars": len(value)})
        result = Tracked(c.case_no, c.status, c.version, _entry_for(ctx, c, "note", now, user, detail))
    log.info("note added to case %s", result.case_no)
    return result


# -- a department's answer -----------------------------------------------------------------------------


def _match_transfer(ctx: Context, transfers: list[Transfer], department: str) -> Transfer | None:
    wanted = normalize_code(department)
    if not wanted:
        return None
    for t in transfers:
        if t.department == wanted or t.department.lower() == wanted.lower():
            return t
    for t in transfers:
        names = {ctx.config.department_label(t.department, "zh"), ctx.config.department_label(t.department, "en")}
        if wanted in names or wanted.lower() in {n.lower() for n in names}:
            return t
    return None


def record_answer(
    ctx: Context,
    case_no: str,
    *,
    department: str,
    kind: str,
    text: str | None,
    department_case_no: str | None = None,
    answered_on: date | str | None = None,
    user: Principal | str | None,
    expected_version: int | None = None,
    now: datetime | None = None,
    transfer_id: str | None = None,
    remote_status: str | None = None,
) -> Tracked | None:
    """Record a department's answer, by hand or read back from the department (``reception.dispatch.poll``).

    ``department`` is the department's code or name, and must be one the case was transferred to.
    ``text`` is required for ``returned`` (the reason), ``progress`` and ``concluded`` (the outcome).
    ``answered_on`` (default: today, hall-local) is when the department answered.

    The automatic path also passes ``transfer_id`` (which transfer answered, when a case went to the
    same department twice) and ``remote_status`` (the department's own status): when the transfer
    already holds that status, or has gone further (the clerk recorded the answer by hand first), nothing
    is written and None is returned, so a status is recorded once."""
    user = acting(user, "case.track")
    now = _now(now)
    tz = _tz(ctx)
    today = now.astimezone(tz).date()
    errors: list[FieldError] = []
    k = _choice(kind, ANSWER_KINDS, "answer_kind", "kind", errors)
    required = {
        "returned": "tracking.reason_required",
        "progress": "tracking.progress_required",
        "concluded": "tracking.outcome_required",
    }.get(k)
    value = _text(text, "text", errors, max_len=MAX_ANSWER, required_code=required)
    number_check = clean_text(department_case_no, "department_case_no", max_len=MAX_DEPARTMENT_CASE_NO)
    errors.extend(number_check.errors)
    number = normalize_code(number_check.value or "") or None
    on = _date(answered_on, "answered_on", errors)
    if on is not None and on > today:
        errors.append(field_error("tracking.date_future", "answered_on", today=today.isoformat()))
    with ctx.db.write() as session:
        c = _case(session, case_no)
        if c.status == "closed":
            raise _closed(c, tz)
        transfers = list(
            session.scalars(select(Transfer).where(Transfer.case_id == c.id).order_by(Transfer.created_at))
        )
        transfer = None
        if not transfers:
            errors.append(field_error("tracking.no_transfers", "department"))
        elif not normalize_code(department or ""):
            errors.append(field_error("tracking.required", "department"))
        else:
            transfer = _match_transfer(ctx, transfers, department)
            if transfer_id is not None:
                transfer = next((t for t in transfers if t.id == transfer_id), None)
            if transfer is None:
                names = "、".join(f"{ctx.config.department_label(t.department)}（{t.department}）" for t in transfers)
                errors.append(
                    field_error("tracking.unknown_department", "department", value=department, departments=names)
                )
        if on is not None and on < c.received_date:
            errors.append(
                field_error("tracking.date_before_received", "answered_on", received=c.received_date.isoformat())
            )
        if errors:
            order = ("department", "kind", "text", "department_case_no", "answered_on")
            raise ValidationFailed(sorted(errors, key=lambda e: order.index(e.field) if e.field in order else 99))
        assert transfer is not None
        event_kind, transfer_status, case_status = ANSWER_EFFECTS[k]
        if remote_status is not None and (
            transfer.remote_status == remote_status or _already_there(transfer.status, transfer_status)
        ):
            return None
        changes: dict = {"status": transfer_status, "updated_at": now}
        if remote_status is not None:
            changes["remote_status"] = remote_status
        if number:
            changes["department_case_no"] = number
        if k == "returned":
            changes["reason"] = value
        if k == "concluded":
            changes["outcome"] = value
        session.execute(
            update(Transfer)
            .where(Transfer.id == transfer.id)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        new_status = case_status if transfer.role == "lead" else c.status
        version = _bump(session, c, expected_version, now, status=new_status)
        detail = {
            "department": transfer.department,
            "role": transfer.role,
            "transfer": transfer.id,
            "answer": k,
            "text": value or None,
            "department_case_no": number,
            "answered_on": (on or today).isoformat(),
        }
        _event(session, c, event_kind, now, user, detail)
        _audit(
            session,
            ctx,
            c,
            "case.answer",
            now,
            user,
            {"department": transfer.department, "answer": k, "transfer": transfer.id, "status": new_status},
        )
        result = Tracked(c.case_no, new_status, version, _entry_for(ctx, c, event_kind, now, user, detail))
    log.info("answer %s of department %s recorded on case %s", k, transfer.department, result.case_no)
    return result


# -- closing -------------------------------------------------------------------------------------------


def close_case(
    ctx: Context,
    case_no: str,
    *,
    outcome: str,
    satisfaction: str,
    note: str | None = None,
    user: Principal | str | None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Tracked:
    """Close the case (办结) with its outcome and the visitor's satisfaction; mark its deadlines."""
    user = acting(user, "case.close")
    now = _now(now)
    tz = _tz(ctx)
    today = now.astimezone(tz).date()
    errors: list[FieldError] = []
    o = _choice(outcome, OUTCOMES, "outcome", "outcome", errors)
    s = _choice(satisfaction, SATISFACTION, "satisfaction", "satisfaction", errors)
    text = _text(note, "note", errors, max_len=MAX_NOTE)
    if errors:
        raise ValidationFailed(errors)
    with ctx.db.write() as session:
        c = _case(session, case_no)
        if c.status == "closed":
            raise _closed(c, tz)
        version = _bump(session, c, expected_version, now, status="closed", closed_at=now, outcome=o, satisfaction=s)
        # the departments' statuses are no longer asked for (reception.dispatch.poll)
        session.execute(
            update(Transfer)
            .where(Transfer.case_id == c.id, Transfer.next_poll_at.is_not(None))
            .values(next_poll_at=None)
            .execution_options(synchronize_session=False)
        )
        met = late = 0
        for d in session.scalars(
            select(CaseDeadline).where(CaseDeadline.case_id == c.id, CaseDeadline.status == "open")
        ):
            if today <= d.due:
                d.status = "met"
                met += 1
            else:
                d.status = "late"
                late += 1
        detail = {
            "outcome": o,
            "satisfaction": s,
            "note": text or None,
            "deadlines": {"met": met, "late": late},
        }
        _event(session, c, "closed", now, user, detail)
        _audit(
            session,
            ctx,
            c,
            "case.close",
            now,
            user,
            {"outcome": o, "satisfaction": s, "deadlines_met": met, "deadlines_late": late},
        )
        result = Tracked(c.case_no, "closed", version, _entry_for(ctx, c, "closed", now, user, detail))
    log.info("case %s closed (%s)", result.case_no, o)
    return result


# -- reading -------------------------------------------------------------------------------------------


def timeline(ctx: Context, case_no: str) -> list[TimelineEntry]:
    """The case's events and receipt prints, oldest first."""
    with ctx.db.read() as session:
        c = _case(session, case_no)
        return _timeline(session, ctx, c)


def case_tracking(ctx: Context, case_no: str) -> CaseTracking:
    """Status, version, transfers (with reasons and outcomes), deadlines and timeline of a case."""
    tz = _tz(ctx)
    with ctx.db.read() as session:
        c = _case(session, case_no)
        transfers = session.scalars(select(Transfer).where(Transfer.case_id == c.id).order_by(Transfer.created_at))
        deadlines = session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == c.id).order_by(CaseDeadline.id))
        return CaseTracking(
            case_no=c.case_no,
            status=c.status,
            version=c.version,
            closed_at=c.closed_at.astimezone(tz) if c.closed_at else None,
            outcome=c.outcome,
            satisfaction=c.satisfaction,
            transfers=tuple(
                TransferInfo(
                    id=t.id,
                    department=t.department,
                    role=t.role,
                    level=t.level,
                    status=t.status,
                    department_case_no=t.department_case_no,
                    reason=t.reason,
                    outcome=t.outcome,
                    created_at=t.created_at.astimezone(tz),
                    updated_at=t.updated_at.astimezone(tz),
                )
                for t in transfers
            ),
            deadlines=tuple(deadline_dict(d) for d in deadlines),
            timeline=tuple(_timeline(session, ctx, c)),
        )


def _timeline(session: Session, ctx: Context, c: Case) -> list[TimelineEntry]:
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == c.id).order_by(CaseEvent.at, CaseEvent.id))
    prints = session.scalars(
        select(ReceiptPrint).where(ReceiptPrint.case_id == c.id).order_by(ReceiptPrint.printed_at, ReceiptPrint.id)
    )
    keyed: list[tuple[tuple, TimelineEntry]] = []
    for e in events:
        keyed.append(((e.at, 0, e.id), _entry_for(ctx, c, e.kind, e.at, e.actor, e.detail)))
    for p in prints:
        kind = "receipt_reprint" if p.reprint else "receipt_print"
        detail = {"layout": p.layout, "workstation": p.workstation, "reprint": p.reprint}
        entry = _entry_for(ctx, c, kind, p.printed_at, p.user, detail, source="print")
        keyed.append(((p.printed_at, 1, p.id), entry))
    keyed.sort(key=lambda pair: pair[0])
    return [entry for _, entry in keyed]


def _entry_for(
    ctx: Context,
    c: Case,
    kind: str,
    at: datetime,
    actor: str | None,
    detail: dict | None,
    *,
    source: str = "event",
) -> TimelineEntry:
    zh, en = _summaries(ctx, c, kind, detail or {})
    return TimelineEntry(
        at=at.astimezone(_tz(ctx)),
        kind=kind,
        label_zh=enum_label("event", kind, "zh"),
        label_en=enum_label("event", kind, "en"),
        actor=actor,
        summary_zh=zh,
        summary_en=en,
        detail=detail,
        source=source,
    )


def _clause(text: str) -> str:
    """Free text that goes in the middle of a summary: without its own closing stop (no "。；")."""
    return text.rstrip().rstrip("。；;.")


def _summaries(ctx: Context, c: Case, kind: str, d: dict) -> tuple[str, str]:
    def dept(code: str | None, lang: str) -> str:
        return ctx.config.department_label(code, lang) if code else ""

    if kind == "received":
        return (
            f"{enum_label('window', c.window)}，{enum_label('channel', c.channel)}",
            f"{enum_label('window', c.window, 'en')}, {enum_label('channel', c.channel, 'en')}",
        )
    if kind == "resolved":
        return "当场化解/答复，未转办", "answered or resolved at the counter, not transferred"
    if kind == "routed":
        routing = c.routing or {}
        rule = d.get("rule") or ""
        rule_name = routing.get("rule_name") if routing.get("rule") == rule else None
        zh = f"主办：{dept(d.get('department'), 'zh')}"
        en = f"lead: {dept(d.get('department'), 'en')}"
        if d.get("also"):
            zh += "；协办：" + "、".join(dept(x, "zh") for x in d["also"])
            en += "; assisting: " + ", ".join(dept(x, "en") for x in d["also"])
        if rule:
            zh += f"；规则：{rule_name or rule}"
            en += f"; rule: {rule}"
        return zh, en
    if kind in ("acknowledged", "returned", "progress", "concluded") and d.get("answer"):
        zh, en = dept(d.get("department"), "zh"), dept(d.get("department"), "en")
        if d.get("role") == "assist":
            zh += "（协办）"
            en += " (assisting)"
        if d.get("text"):
            zh += f"：{_clause(d['text'])}"
            en += f": {_clause(d['text'])}"
        if d.get("department_case_no"):
            zh += f"（部门案号 {d['department_case_no']}）"
            en += f" (department case no. {d['department_case_no']})"
        if d.get("answered_on"):
            zh += f"；答复日期 {d['answered_on']}"
            en += f"; answered on {d['answered_on']}"
        return zh, en
    if kind == "note":
        text = d.get("text") or ""
        return text, text
    if kind == "closed":
        zh = f"{enum_label('outcome', d.get('outcome'))}；回访：{enum_label('satisfaction', d.get('satisfaction'))}"
        en = (
            f"{enum_label('outcome', d.get('outcome'), 'en')}; "
            f"follow-up: {enum_label('satisfaction', d.get('satisfaction'), 'en')}"
        )
        late = (d.get("deadlines") or {}).get("late") or 0
        if late:
            zh += f"；{late} 项期限逾期"
            en += f"; {late} deadline(s) missed"
        if d.get("note"):
            zh += f"；{_clause(d['note'])}"
            en += f"; {_clause(d['note'])}"
        return zh, en
    if kind in ("receipt_print", "receipt_reprint"):
        zh = enum_label("layout", d.get("layout"))
        en = enum_label("layout", d.get("layout"), "en")
        if d.get("workstation"):
            zh += f"，工作站 {d['workstation']}"
            en += f", workstation {d['workstation']}"
        return zh, en
    # kinds written by later parts (pushed, …): show the department when there is one
    return dept(d.get("department"), "zh"), dept(d.get("department"), "en")


__all__ = [
    "ANSWER_EFFECTS",
    "ANSWER_KINDS",
    "OUTCOMES",
    "SATISFACTION",
    "CaseChanged",
    "CaseClosed",
    "CaseTracking",
    "TimelineEntry",
    "Tracked",
    "TransferInfo",
    "add_note",
    "case_tracking",
    "close_case",
    "record_answer",
    "timeline",
]
