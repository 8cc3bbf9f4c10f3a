"""Push attempts as a clerk sees them: every attempt made for a case, and each department's last attempt.

``dispatch_attempts`` holds one row per attempt to push a transfer (``reception.dispatch.outbox.record``):
when, how long, what came back. Here it is read two ways:

- :func:`case_attempts`: a case's attempts, newest first, with the department and role of the transfer
  (the case's 推送记录, ``reception attempts CASE_NO``);
- :func:`last_attempts`: each department's most recent attempt, which says whether the department was
  reached the last time anybody tried (the status bar and the 推送状态 page, ``reception.overview``).

A row's department is ``dispatch_attempts.department`` (revision 0006); a row written without it is read
through its transfer's department. A department's last attempt is the attempt with the highest id (the
index on (``department``, ``id``) makes it one seek).

Whether an attempt *reached* the department (:func:`attempt_reached`):

- ``True``: delivered, replayed (the department already had it) or in progress (409: it is still
  storing it) — and also any other answer the department's own system gave (a 4xx refusal or 429): it
  was reached, though the push failed (``failed`` says so);
- ``False``: a network error, a timeout, a folder that could not be written, or a 5xx answer;
- ``None``: nothing says (the request was never sent, e.g. a secret missing from the keyring).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from reception.context import Context
from reception.errors import NotFound
from reception.storage.models import Case, DispatchAttempt, Transfer

#: attempt outcomes (``dispatch_attempts.outcome``)
OUTCOMES: tuple[str, ...] = ("delivered", "replayed", "in_progress", "retry", "dead")
#: outcomes that mean the department has the transfer (or is storing it)
REACHED_OUTCOMES: frozenset[str] = frozenset({"delivered", "replayed", "in_progress"})
#: outcomes of an attempt that did not deliver (retried later, or a dead letter)
FAILED_OUTCOMES: frozenset[str] = frozenset({"retry", "dead"})
#: how the transports begin an error that never reached the department (``reception.dispatch.transports``)
UNREACHED_ERRORS: tuple[str, ...] = ("network:", "timeout:", "folder:")


def attempt_reached(outcome: str, http_status: int | None, error: str | None) -> bool | None:
    """Did this attempt reach the department? True, False, or None when nothing says (module docstring)."""
    if outcome in REACHED_OUTCOMES:
        return True
    if http_status is not None:
        return http_status < 500
    text = error or ""
    if any(marker in text for marker in UNREACHED_ERRORS):
        return False
    return None


@dataclass(frozen=True)
class PushAttempt:
    """One attempt to push one transfer."""

    id: int
    #: when the attempt started (hall-local, aware)
    at: datetime
    department: str
    transfer_id: str
    #: the transfer's role: ``lead`` | ``assist``
    role: str
    #: ``delivered`` | ``replayed`` | ``in_progress`` | ``retry`` | ``dead``
    outcome: str
    http_status: int | None
    duration_ms: int | None
    #: the transport's message or the department's reason (never personal data)
    error: str | None

    @property
    def failed(self) -> bool:
        """Not delivered: retried later, or a dead letter."""
        return self.outcome in FAILED_OUTCOMES

    @property
    def reached(self) -> bool | None:
        return attempt_reached(self.outcome, self.http_status, self.error)

    def as_dict(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "department": self.department,
            "transfer_id": self.transfer_id,
            "role": self.role,
            "outcome": self.outcome,
            "http_status": self.http_status,
            "duration_ms": self.duration_ms,
            "error": self.error,
            "reached": self.reached,
        }


def _record(a: DispatchAttempt, department: str, role: str, tz: ZoneInfo) -> PushAttempt:
    return PushAttempt(
        id=a.id,
        at=a.at.astimezone(tz),
        department=a.department or department,
        transfer_id=a.transfer_id,
        role=role,
        outcome=a.outcome,
        http_status=a.http_status,
        duration_ms=a.duration_ms,
        error=a.error,
    )


def case_attempts(ctx: Context, case_no: str) -> list[PushAttempt]:
    """Every push attempt of the case's transfers (re-routed ones too), newest first.

    Raises :class:`~reception.errors.NotFound` for an unknown case number."""
    tz = ZoneInfo(ctx.config.centre.timezone)
    number = (case_no or "").strip().upper()
    with ctx.db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.case_no == number))
        if case_id is None:
            raise NotFound(f"没有找到案件 {case_no}", f"no case {case_no}")
        rows = session.execute(
            select(DispatchAttempt, Transfer.department, Transfer.role)
            .join(Transfer, Transfer.id == DispatchAttempt.transfer_id)
            .where(Transfer.case_id == case_id)
            .order_by(DispatchAttempt.at.desc(), DispatchAttempt.id.desc())
        ).all()
        return [_record(a, dept, role, tz) for a, dept, role in rows]


def last_attempts(ctx: Context, departments: Iterable[str] | None = None) -> dict[str, PushAttempt]:
    """The most recent attempt of each department in ``departments`` (default: the hall configuration's)
    that has one; a department never tried is absent."""
    codes = list(dict.fromkeys(ctx.config.departments if departments is None else departments))
    if not codes:
        return {}
    tz = ZoneInfo(ctx.config.centre.timezone)
    newest: dict[str, int] = {}
    with ctx.db.read() as session:
        for code in codes:  # one seek on ix_dispatch_attempts_department per department
            found = session.scalar(
                select(DispatchAttempt.id)
                .where(DispatchAttempt.department == code)
                .order_by(DispatchAttempt.id.desc())
                .limit(1)
            )
            if found is not None:
                newest[code] = found
        # rows written without a department: through their transfer
        for code, found in session.execute(
            select(Transfer.department, func.max(DispatchAttempt.id))
            .join(Transfer, Transfer.id == DispatchAttempt.transfer_id)
            .where(DispatchAttempt.department.is_(None), Transfer.department.in_(codes))
            .group_by(Transfer.department)
        ).all():
            if found is not None and found > newest.get(code, 0):
                newest[code] = found
        if not newest:
            return {}
        rows = session.execute(
            select(DispatchAttempt, Transfer.department, Transfer.role)
            .join(Transfer, Transfer.id == DispatchAttempt.transfer_id)
            .where(DispatchAttempt.id.in_(list(newest.values())))
        ).all()
        by_id = {a.id: (a, dept, role) for a, dept, role in rows}
    out: dict[str, PushAttempt] = {}
    for code in codes:
        if code in newest and newest[code] in by_id:
            a, dept, role = by_id[newest[code]]
            out[code] = _record(a, dept, role, tz)
    return out


__all__ = [
    "FAILED_OUTCOMES",
    "OUTCOMES",
    "REACHED_OUTCOMES",
    "PushAttempt",
    "attempt_reached",
    "case_attempts",
    "last_attempts",
]
