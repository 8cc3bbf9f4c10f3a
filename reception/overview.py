"""The desk's overview figures: which database is in use, what is waiting to be pushed, and the
state of each department's queue (the status bar, the 推送状态 page and ``reception status``).

Pushing itself (the dispatcher draining the outbox, issue 5) is not part of this version: the figures
here only read the outbox and transfer rows that intake writes. Nothing here claims a department is
reachable: without a configured transport the queue says so, and with one it reports what the rows
show (entries waiting, entries that failed and the last error recorded), never a guess.

Outbox states (``reception.dispatch``): intake writes ``pending``; the dispatcher claims an entry as
``in_flight`` (with a lease), then sets ``delivered``, back to ``pending`` (a retry, with the next attempt's
time) or ``dead`` (a dead letter that needs a person). A manual department's entries become ``manual``
(handed over on the printed transfer slip) and a re-routed transfer's entry ``cancelled``: neither counts
as waiting nor failed. ``failed`` is kept as a dead-letter state for older rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from reception.context import Context
from reception.storage.models import OutboxEntry, Transfer

#: outbox states of an entry that reached its department
DELIVERED_STATES: frozenset[str] = frozenset({"delivered"})
#: outbox states of an entry that will not be retried without a person (dead letters)
FAILED_STATES: frozenset[str] = frozenset({"failed", "dead"})
#: outbox states of an entry that is neither waiting nor failed: handed over on paper, or re-routed
SETTLED_STATES: frozenset[str] = frozenset({"manual", "cancelled"})
#: outbox states of an entry waiting to be pushed (``pending``) or being pushed right now
WAITING_STATES: frozenset[str] = frozenset({"pending", "in_flight"})


def _waiting(state: str) -> bool:
    return state not in DELIVERED_STATES and state not in FAILED_STATES and state not in SETTLED_STATES


@dataclass(frozen=True)
class DepartmentQueue:
    """One department's queue: its transport and what its outbox and transfers hold."""

    code: str
    name: str
    name_en: str
    #: the transport's kind (``http``, ``folder``, ``manual`` …) as configured; None when not configured
    transport: str | None
    #: the department is in the hall configuration (False: only old rows still name it)
    in_config: bool
    #: outbox entries by state
    outbox: dict[str, int] = field(default_factory=dict, hash=False)
    #: transfers by status (requested, received, accepted …)
    transfers: dict[str, int] = field(default_factory=dict, hash=False)
    #: the oldest entry still waiting to be pushed (created at, UTC)
    oldest_pending_at: datetime | None = None
    #: the most recent error recorded on one of its outbox entries
    last_error: str | None = None
    #: when these figures were read (UTC)
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def configured(self) -> bool:
        return self.transport is not None

    @property
    def pending(self) -> int:
        return sum(n for state, n in self.outbox.items() if _waiting(state))

    @property
    def failed(self) -> int:
        return sum(n for state, n in self.outbox.items() if state in FAILED_STATES)

    @property
    def delivered(self) -> int:
        return sum(n for state, n in self.outbox.items() if state in DELIVERED_STATES)

    @property
    def oldest_pending_age(self) -> timedelta | None:
        if self.oldest_pending_at is None:
            return None
        return max(timedelta(0), self.as_of - self.oldest_pending_at)

    def label(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name


@dataclass(frozen=True)
class DeskStatus:
    """What the status bar shows."""

    #: the database URL with any password hidden
    db_url: str
    dialect: str
    #: outbox entries not yet delivered and not failed (one per transfer; a case may have several)
    pending_pushes: int
    #: outbox entries that need a person (dead letters)
    failed_pushes: int
    #: cases with at least one entry waiting
    pending_cases: int
    oldest_pending_at: datetime | None
    #: number of departments in the hall configuration
    departments: int
    #: codes of the departments that have a transport configured
    departments_with_transport: tuple[str, ...]
    #: codes of the departments whose waiting entries carry an error from the last attempt
    departments_failing: tuple[str, ...]
    as_of: datetime

    @property
    def queues(self) -> str:
        """``not_configured`` (no department has a transport), ``failing`` (a department's last push
        failed) or ``unknown`` (transports configured, nothing says whether they are reachable)."""
        if not self.departments_with_transport:
            return "not_configured"
        if self.departments_failing:
            return "failing"
        return "unknown"


def _transport_kind(transport) -> str | None:
    """The kind of a configured transport (``reception.config.Transport``); None when not configured."""
    if not transport:
        return None
    return transport.kind


def queue_overview(ctx: Context, *, now: datetime | None = None) -> list[DepartmentQueue]:
    """Every configured department (in configuration order), then any department only old rows still
    name, with its outbox entries by state, transfers by status, oldest waiting entry and last error.

    Grouped counts in SQL (the outbox and transfer indexes lead with the department)."""
    now = now or datetime.now(UTC)
    outbox: dict[str, dict[str, int]] = {}
    oldest: dict[str, datetime] = {}
    transfers: dict[str, dict[str, int]] = {}
    errors: dict[str, str] = {}
    with ctx.db.read() as session:
        rows = session.execute(
            select(OutboxEntry.department, OutboxEntry.state, func.count(), func.min(OutboxEntry.created_at)).group_by(
                OutboxEntry.department, OutboxEntry.state
            )
        ).all()
        for dept, state, n, first in rows:
            outbox.setdefault(dept, {})[state] = int(n)
            if _waiting(state) and first is not None and (dept not in oldest or first < oldest[dept]):
                oldest[dept] = first
        for dept, status, n in session.execute(
            select(Transfer.department, Transfer.status, func.count()).group_by(Transfer.department, Transfer.status)
        ).all():
            transfers.setdefault(dept, {})[status] = int(n)
        latest = (
            select(func.max(OutboxEntry.id))
            .where(OutboxEntry.last_error.is_not(None))
            .group_by(OutboxEntry.department)
            .scalar_subquery()
        )
        for dept, err in session.execute(
            select(OutboxEntry.department, OutboxEntry.last_error).where(OutboxEntry.id.in_(latest))
        ).all():
            errors[dept] = err

    def queue(code: str, name: str, name_en: str, transport, in_config: bool) -> DepartmentQueue:
        return DepartmentQueue(
            code=code,
            name=name,
            name_en=name_en,
            transport=_transport_kind(transport),
            in_config=in_config,
            outbox=outbox.get(code, {}),
            transfers=transfers.get(code, {}),
            oldest_pending_at=oldest.get(code),
            last_error=errors.get(code),
            as_of=now,
        )

    departments = ctx.config.departments
    out = [queue(d.code, d.name, d.name_en, d.transport, True) for d in departments.values()]
    for code in sorted((set(outbox) | set(transfers)) - set(departments)):
        out.append(queue(code, code, code, None, False))
    return out


def desk_status(ctx: Context, *, now: datetime | None = None) -> DeskStatus:
    """The status bar's figures: database, pushes waiting and failed, departments with a transport."""
    now = now or datetime.now(UTC)
    with ctx.db.read() as session:
        by_state = session.execute(
            select(OutboxEntry.state, func.count(), func.min(OutboxEntry.created_at)).group_by(OutboxEntry.state)
        ).all()
        waiting_states = [s for s, _, _ in by_state if _waiting(s)]
        pending_cases = 0
        failing: list[str] = []
        if waiting_states:
            pending_cases = session.execute(
                select(func.count(func.distinct(Transfer.case_id)))
                .join(OutboxEntry, OutboxEntry.transfer_id == Transfer.id)
                .where(OutboxEntry.state.in_(waiting_states))
            ).scalar_one()
            failing = list(
                session.scalars(
                    select(OutboxEntry.department)
                    .where(OutboxEntry.state.in_(waiting_states), OutboxEntry.last_error.is_not(None))
                    .distinct()
                )
            )
    pending = sum(int(n) for s, n, _ in by_state if _waiting(s))
    failed = sum(int(n) for s, n, _ in by_state if s in FAILED_STATES)
    firsts = [first for s, _, first in by_state if _waiting(s) and first is not None]
    departments = ctx.config.departments
    return DeskStatus(
        db_url=ctx.db.display_url,
        dialect=ctx.db.dialect,
        pending_pushes=pending,
        failed_pushes=failed,
        pending_cases=int(pending_cases),
        oldest_pending_at=min(firsts) if firsts else None,
        departments=len(departments),
        departments_with_transport=tuple(d.code for d in departments.values() if d.transport),
        departments_failing=tuple(sorted(failing)),
        as_of=now,
    )


def format_age(age: timedelta | None, lang: str = "zh") -> str:
    """``3 天 4 小时`` / ``3 d 4 h``; minutes under an hour; empty for None."""
    if age is None:
        return ""
    minutes = int(age.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    en = lang.startswith("en")
    if days:
        return f"{days} d {hours} h" if en else f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} h {mins} min" if en else f"{hours} 小时 {mins} 分"
    return f"{mins} min" if en else f"{mins} 分钟"


__all__ = [
    "DELIVERED_STATES",
    "FAILED_STATES",
    "SETTLED_STATES",
    "WAITING_STATES",
    "DepartmentQueue",
    "DeskStatus",
    "desk_status",
    "format_age",
    "queue_overview",
]
