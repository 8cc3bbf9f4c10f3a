"""The desk's overview figures: which database is in use, what is waiting to be pushed, and the
state of each department's queue (the status bar, the 推送状态 page and ``reception status``).

Nothing here claims a department is reachable without evidence: without a configured transport the
queue says so; with one, reachability comes from the department's last push attempt
(``dispatch_attempts``, read by ``reception.dispatch.history.last_attempts``): reached (delivered,
replayed, in progress, or any answer of the department's own system), not reached (network error,
timeout, folder not writable, 5xx), or not known (never tried).

Outbox states (``reception.dispatch``): intake writes ``pending``; the dispatcher claims an entry as
``in_flight`` (with a lease), then sets ``delivered``, back to ``pending`` (a retry, with the next attempt's
time) or ``dead`` (a dead letter that needs a person). A manual department's entries become ``manual``
(handed over on the printed transfer slip) and a re-routed transfer's entry ``cancelled``: neither counts
as waiting nor failed. ``failed`` is kept as a dead-letter state for older rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from reception.context import Context
from reception.dispatch.history import PushAttempt, last_attempts
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
    #: its most recent push attempt (time, outcome, HTTP status, error); None when never tried
    last_attempt: PushAttempt | None = None

    @property
    def configured(self) -> bool:
        return self.transport is not None

    @property
    def reachable(self) -> bool | None:
        """True: the last attempt reached the department (delivered, replayed, in progress, or answered
        by its system); False: it did not (network, timeout, folder, 5xx); None: never tried, or the
        attempt says nothing about the department (``reception.dispatch.history.attempt_reached``)."""
        return None if self.last_attempt is None else self.last_attempt.reached

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
    #: codes of the departments that push (an ``http`` or ``folder`` transport) whose last attempt failed
    departments_failing: tuple[str, ...]
    as_of: datetime
    #: codes of the departments that push: an ``http`` or ``folder`` transport configured
    departments_pushing: tuple[str, ...] = ()
    #: the last push attempt of each department that pushes and was tried (configuration order)
    last_attempts: tuple[PushAttempt, ...] = ()

    @property
    def departments_reached(self) -> tuple[str, ...]:
        """Departments that push whose last attempt reached them and did not fail."""
        return tuple(a.department for a in self.last_attempts if not a.failed and a.reached)

    @property
    def departments_untried(self) -> tuple[str, ...]:
        """Departments that push and have never been tried."""
        tried = {a.department for a in self.last_attempts}
        return tuple(code for code in self.departments_pushing if code not in tried)

    @property
    def last_attempt(self) -> PushAttempt | None:
        """The most recent of the departments' last attempts."""
        return max(self.last_attempts, key=lambda a: (a.at, a.id), default=None)

    @property
    def queues(self) -> str:
        """``not_configured`` (no department has a transport), ``failing`` (the last attempt of a
        department that pushes failed), ``reachable`` (every department that pushes was reached by its
        last attempt) or ``unknown`` (otherwise: a department never tried, or only paper transports)."""
        if not self.departments_with_transport:
            return "not_configured"
        if self.departments_failing:
            return "failing"
        if self.departments_pushing and set(self.departments_reached) >= set(self.departments_pushing):
            return "reachable"
        return "unknown"


#: transports that push (and so record attempts); ``manual`` goes on paper
PUSHING_KINDS: frozenset[str] = frozenset({"http", "folder"})


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
    codes = list(departments) + sorted((set(outbox) | set(transfers)) - set(departments))
    last = last_attempts(ctx, codes)
    out = [queue(d.code, d.name, d.name_en, d.transport, True) for d in departments.values()]
    for code in codes[len(departments) :]:
        out.append(queue(code, code, code, None, False))
    return [replace(q, last_attempt=last.get(q.code)) for q in out]


def desk_status(ctx: Context, *, now: datetime | None = None) -> DeskStatus:
    """The status bar's figures: database, pushes waiting and failed, departments with a transport, and
    the last attempt of each department that pushes."""
    now = now or datetime.now(UTC)
    with ctx.db.read() as session:
        by_state = session.execute(
            select(OutboxEntry.state, func.count(), func.min(OutboxEntry.created_at)).group_by(OutboxEntry.state)
        ).all()
        waiting_states = [s for s, _, _ in by_state if _waiting(s)]
        pending_cases = 0
        if waiting_states:
            pending_cases = session.execute(
                select(func.count(func.distinct(Transfer.case_id)))
                .join(OutboxEntry, OutboxEntry.transfer_id == Transfer.id)
                .where(OutboxEntry.state.in_(waiting_states))
            ).scalar_one()
    pending = sum(int(n) for s, n, _ in by_state if _waiting(s))
    failed = sum(int(n) for s, n, _ in by_state if s in FAILED_STATES)
    firsts = [first for s, _, first in by_state if _waiting(s) and first is not None]
    departments = ctx.config.departments
    pushing = tuple(d.code for d in departments.values() if d.transport and d.transport.kind in PUSHING_KINDS)
    last = last_attempts(ctx, pushing)
    attempts = tuple(last[code] for code in pushing if code in last)
    return DeskStatus(
        db_url=ctx.db.display_url,
        dialect=ctx.db.dialect,
        pending_pushes=pending,
        failed_pushes=failed,
        pending_cases=int(pending_cases),
        oldest_pending_at=min(firsts) if firsts else None,
        departments=len(departments),
        departments_with_transport=tuple(d.code for d in departments.values() if d.transport),
        departments_failing=tuple(a.department for a in attempts if a.failed),
        as_of=now,
        departments_pushing=pushing,
        last_attempts=attempts,
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
    "PUSHING_KINDS",
    "SETTLED_STATES",
    "WAITING_STATES",
    "DepartmentQueue",
    "DeskStatus",
    "desk_status",
    "format_age",
    "queue_overview",
]
