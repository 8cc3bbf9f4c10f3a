"""The outbox as a work queue: claim due entries with a lease, record what happened, dead letters.

Entry states (``reception.overview`` counts them): ``pending`` (waiting; due at ``next_attempt_at``),
``in_flight`` (claimed by a dispatcher until ``lease_until``), ``delivered``, ``dead`` (a dead letter: a
person retries or re-routes it), ``manual`` (a manual department's entry: handed over on the printed
transfer slip) and ``cancelled`` (the transfer was re-routed).

Claiming is one short transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: ``FOR UPDATE SKIP LOCKED``,
so two dispatchers never claim the same entry). Sending happens outside any transaction. The result is
recorded in one transaction: the entry's new state, a ``dispatch_attempts`` row, on the first delivery a
``pushed`` event, on a dead letter a ``push_failed`` event, and the audit record. An entry whose lease ran
out (its dispatcher was killed) is claimed again and resent with the same ``Idempotency-Key`` (the
transfer's id), so a receiver with an idempotency check never sees a duplicate.

Transfer statuses (FHIR ``Task.status``-like): ``requested`` → ``received`` (delivered) → ``accepted`` |
``rejected`` → ``in_progress`` → ``completed``; ``failed`` while its entry is a dead letter; ``cancelled``
once re-routed.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy import case as sa_case
from sqlalchemy.orm import Session

from reception import audit as audit_trail
from reception.config import DispatchSettings
from reception.context import Context
from reception.errors import FieldError, NotFound, ReceptionError, ValidationFailed, field_error, messages
from reception.security.roles import Principal, acting
from reception.storage.models import Case, CaseDeadline, CaseEvent, DispatchAttempt, OutboxEntry, Transfer
from reception.text import clean_text, normalize_code

from .payload import payload_bytes
from .transports import SendResult

log = logging.getLogger(__name__)

ACTOR = "dispatcher"
#: outbox states
PENDING, IN_FLIGHT, DELIVERED, DEAD, MANUAL, CANCELLED = (
    "pending",
    "in_flight",
    "delivered",
    "dead",
    "manual",
    "cancelled",
)
#: transfer statuses that are no longer polled
FINAL_TRANSFER = ("completed", "cancelled", "failed", "rejected")

messages(
    {
        "dispatch.unknown_department": (
            "部门“{value}”不在本厅配置中",
            'department "{value}" is not in the hall configuration',
        ),
        "dispatch.same_department": ("改派须选择另一个部门", "re-routing needs another department"),
        "dispatch.reason_required": ("请写明改派理由（至少 2 个字）", "give the reason for re-routing (2+ characters)"),
    }
)


class NotDeadLetter(ReceptionError):
    code = "dispatch.not_dead"


class TransferClosed(ReceptionError):
    code = "dispatch.transfer_closed"


def backoff(
    attempts: int, settings: DispatchSettings, rng: random.Random | None = None, *, cap: float | None = None
) -> float:
    """Full-jitter exponential backoff: ``uniform(0, min(cap, base * 2**attempts))`` seconds (``cap``:
    ``backoff_cap_s`` unless given)."""
    cap = settings.backoff_cap_s if cap is None else cap
    ceiling = min(cap, settings.backoff_base_s * (2 ** min(attempts, 62)))
    return (rng or random).uniform(0, ceiling)


# the hot path (claim, bodies, record) works on the tables through the session's connection: no ORM
# objects or ORM result processing, the same column types
_OUTBOX = OutboxEntry.__table__
_TRANSFERS = Transfer.__table__
_CASES = Case.__table__
_DEADLINES = CaseDeadline.__table__


@dataclass(frozen=True)
class Claim:
    outbox_id: int
    transfer_id: str
    department: str
    attempts: int
    created_at: datetime
    #: who holds the lease (unique per claim): the result is recorded only while it still does
    token: str


def claim(
    ctx: Context, department: str, worker: str, *, limit: int, now: datetime, due_by: datetime | None = None
) -> list[Claim]:
    """Claim up to ``limit`` due entries of ``department`` (``pending`` due by ``due_by``, or ``in_flight``
    with an expired lease) for ``lease_s`` seconds."""
    due_by = due_by or now
    lease = now + timedelta(seconds=ctx.config.dispatch.lease_s)
    token = f"{worker}:{uuid.uuid4().hex[:12]}"[:64]
    with ctx.db.write() as session:
        o = _OUTBOX.c
        stmt = (
            select(o.id, o.transfer_id, o.attempts, o.created_at)
            .where(
                o.department == department,
                or_(
                    and_(o.state == PENDING, o.next_attempt_at <= due_by),
                    and_(o.state == IN_FLIGHT, o.lease_until <= now),
                ),
            )
            .order_by(o.next_attempt_at, o.id)
            .limit(limit)
        )
        if ctx.db.dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        conn = session.connection()
        rows = conn.execute(stmt).all()
        if not rows:
            return []
        conn.execute(
            update(_OUTBOX)
            .where(o.id.in_([r[0] for r in rows]))
            .values(state=IN_FLIGHT, lease_until=lease, claimed_by=token)
        )
    return [Claim(r[0], r[1], department, r[2], r[3], token) for r in rows]


def bodies(ctx: Context, claims: list[Claim]) -> dict[str, bytes]:
    """The payload bytes of each claimed transfer (read outside the claim's transaction: the columns the
    payload is built from, no ORM objects)."""
    ids = [c.transfer_id for c in claims]
    out: dict[str, bytes] = {}
    t, c, d = _TRANSFERS.c, _CASES.c, _DEADLINES.c
    with ctx.db.read() as session:
        conn = session.connection()
        rows = conn.execute(
            select(
                t.id,
                t.department,
                t.role,
                t.level,
                t.node,
                t.rule_id,
                t.created_at,
                c.id.label("case_id"),
                c.document,
                c.schema_version,
                c.centre_code,
                c.case_no,
                c.workstation,
                c.created_at.label("case_created_at"),
                c.routing,
            )
            .join(_CASES, c.id == t.case_id)
            .where(t.id.in_(ids))
        ).all()
        deadlines: dict[int, list] = {}
        case_ids = list({r.case_id for r in rows})
        if case_ids:
            for row in conn.execute(
                select(d.id, d.case_id, d.kind, d.start, d.due, d.unit).where(d.case_id.in_(case_ids))
            ):
                deadlines.setdefault(row.case_id, []).append(row)
    for r in rows:
        case = SimpleNamespace(
            document=r.document,
            schema_version=r.schema_version,
            centre_code=r.centre_code,
            case_no=r.case_no,
            workstation=r.workstation,
            created_at=r.case_created_at,
            routing=r.routing,
        )
        out[r.id] = payload_bytes(ctx.config, case, r, deadlines.get(r.case_id, []))
    return out


@dataclass(frozen=True)
class Sent:
    claim: Claim
    result: SendResult
    duration_ms: int
    at: datetime


def _audit(session: Session, ctx: Context, action: str, object_id: str, at: datetime, user: str | None, **detail):
    audit_trail.append(
        session,
        ctx,
        [
            {
                "at": at,
                "user": user,
                "workstation": ctx.config.workstation.code,
                "action": action,
                "object_type": "transfer",
                "object_id": object_id,
                "result": "ok",
                "detail": detail or None,
            }
        ],
    )


def _held(session: Session, ctx: Context, claims: list[Claim]) -> set[int]:
    """The claimed entries whose lease the claim still holds (locked until the transaction ends)."""
    ids = [c.outbox_id for c in claims]
    o = _OUTBOX.c
    stmt = select(o.id, o.claimed_by).where(o.id.in_(ids), o.state == IN_FLIGHT)
    if ctx.db.dialect == "postgresql":  # SQLite's write transaction already holds the database's lock
        stmt = stmt.with_for_update()
    tokens = {c.outbox_id: c.token for c in claims}
    return {oid for oid, by in session.connection().execute(stmt) if by is not None and by == tokens[oid]}


def record(
    ctx: Context, sent: list[Sent], *, now: datetime, poll_after: float | None, rng: random.Random | None = None
) -> dict[str, int]:
    """Record a batch of send results in one transaction. Returns counts by outcome.

    A few statements for the whole batch (each an ``executemany``): the entries the claim still holds
    are read (and locked) first, so an entry whose lease ran out meanwhile is left to whoever holds it
    now; its attempt is still recorded."""
    settings = ctx.config.dispatch
    counts = {"delivered": 0, "retry": 0, "dead": 0, "lost_lease": 0}
    if not sent:
        return counts
    with ctx.db.write() as session:
        held = _held(session, ctx, [s.claim for s in sent])
        transfers = {
            row.id: row
            for row in session.connection().execute(
                select(
                    _TRANSFERS.c.id,
                    _TRANSFERS.c.case_id,
                    _TRANSFERS.c.department,
                    _TRANSFERS.c.role,
                    _TRANSFERS.c.status,
                    _CASES.c.case_no,
                )
                .join(_CASES, _CASES.c.id == _TRANSFERS.c.case_id)
                .where(_TRANSFERS.c.id.in_([s.claim.transfer_id for s in sent]))
            )
        }
        attempts: list[dict] = []
        events: list[dict] = []
        audits: list[dict] = []
        delivered: list[dict] = []
        retried: list[dict] = []
        dead: list[dict] = []
        delivered_transfers: list[dict] = []
        dead_transfers: list[dict] = []
        for s in sent:
            c, r = s.claim, s.result
            transfer = transfers.get(c.transfer_id)
            if transfer is None:  # deleted with its case meanwhile (the entry went with it)
                continue
            outcome = r.outcome
            error = r.error
            age = now - c.created_at
            if outcome == "retry" and age > timedelta(hours=settings.max_age_hours):
                outcome = "dead"
                error = f"not delivered within {settings.max_age_hours:g} h; last error: {r.error or '-'}"
            attempt_outcome = {
                "delivered": "replayed" if r.replayed else "delivered",
                "retry": "retry",
                "dead": "dead",
            }[outcome]
            if outcome == "retry" and r.http_status == 409:
                attempt_outcome = "in_progress"
            attempts.append(
                {
                    "outbox_id": c.outbox_id,
                    "transfer_id": c.transfer_id,
                    "department": c.department,
                    "at": s.at,
                    "duration_ms": s.duration_ms,
                    "outcome": attempt_outcome,
                    "http_status": r.http_status,
                    "error": error,
                }
            )
            if c.outbox_id not in held:  # the lease ran out and someone else holds the entry now: theirs to record
                counts["lost_lease"] += 1
                continue
            counts[outcome] += 1
            detail = {"department": transfer.department, "role": transfer.role, "transfer": transfer.id}
            audit = {
                "at": now,
                "user": ACTOR,
                "workstation": ctx.config.workstation.code,
                "object_type": "transfer",
                "object_id": transfer.id,
                "result": "ok",
            }
            if outcome == "delivered":
                delivered.append({"b_id": c.outbox_id, "b_at": s.at})
                delivered_transfers.append({"b_id": transfer.id, "b_ref": r.queue_ref})
                events.append(
                    {
                        "case_id": transfer.case_id,
                        "at": s.at,
                        "kind": "pushed",
                        "actor": ACTOR,
                        "detail": {**detail, "queue_ref": r.queue_ref, "attempts": c.attempts + 1},
                    }
                )
                audits.append(
                    {
                        **audit,
                        "action": "transfer.push",
                        "detail": {"case": transfer.case_no, "status": r.http_status},
                    }
                )
            elif outcome == "retry":
                delay = backoff(c.attempts, settings, rng)
                retried.append({"b_id": c.outbox_id, "b_next": now + timedelta(seconds=delay), "b_error": error})
            else:
                dead.append({"b_id": c.outbox_id, "b_error": error})
                dead_transfers.append({"b_id": transfer.id})
                events.append(
                    {
                        "case_id": transfer.case_id,
                        "at": s.at,
                        "kind": "push_failed",
                        "actor": ACTOR,
                        "detail": {**detail, "reason": error, "credentials": r.credentials},
                    }
                )
                audits.append(
                    {
                        **audit,
                        "action": "transfer.dead",
                        "detail": {"case": transfer.case_no, "status": r.http_status, "credentials": r.credentials},
                    }
                )
        o, t = _OUTBOX.c, _TRANSFERS.c
        conn = session.connection()
        by_id = o.id == bindparam("b_id")
        if delivered:
            conn.execute(
                update(_OUTBOX)
                .where(by_id)
                .values(
                    state=DELIVERED,
                    delivered_at=bindparam("b_at"),
                    last_error=None,
                    lease_until=None,
                    attempts=o.attempts + 1,
                ),
                delivered,
            )
            first = t.status == "requested"
            tv: dict = {
                "queue_ref": bindparam("b_ref"),
                "updated_at": now,
                "status": sa_case((first, "received"), else_=t.status),
                "remote_status": sa_case((first, "received"), else_=t.remote_status),
            }
            if poll_after is not None:
                tv["next_poll_at"] = now + timedelta(seconds=poll_after)
            conn.execute(update(_TRANSFERS).where(t.id == bindparam("b_id")).values(**tv), delivered_transfers)
        if retried:
            conn.execute(
                update(_OUTBOX)
                .where(by_id)
                .values(
                    state=PENDING,
                    next_attempt_at=bindparam("b_next"),
                    last_error=bindparam("b_error"),
                    lease_until=None,
                    attempts=o.attempts + 1,
                ),
                retried,
            )
        if dead:
            conn.execute(
                update(_OUTBOX)
                .where(by_id)
                .values(
                    state=DEAD,
                    dead_reason=bindparam("b_error"),
                    last_error=bindparam("b_error"),
                    lease_until=None,
                    attempts=o.attempts + 1,
                ),
                dead,
            )
            conn.execute(
                update(_TRANSFERS).where(t.id == bindparam("b_id")).values(status="failed", updated_at=now),
                dead_transfers,
            )
        if attempts:
            conn.execute(insert(DispatchAttempt.__table__), attempts)
        if events:
            conn.execute(insert(CaseEvent.__table__), events)
        audit_trail.append(session, ctx, audits)  # one call for the whole batch
    return counts


def release(ctx: Context, claims: list[Claim]) -> int:
    """Give claimed entries that were not sent back to the queue as they were (due when they were due, no
    attempt counted): the lane stopped sending because its department is not answering, or it is
    stopping. Returns how many the claim still held."""
    if not claims:
        return 0
    with ctx.db.write() as session:
        held = _held(session, ctx, claims)
        if not held:
            return 0
        session.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id.in_(sorted(held)))
            .values(state=PENDING, lease_until=None, claimed_by=None)
        )
    return len(held)


def mark_manual(ctx: Context, claims: list[Claim], *, now: datetime) -> int:
    """A manual department's claimed entries: handed over on the printed transfer slip (state ``manual``)."""
    if not claims:
        return 0
    with ctx.db.write() as session:
        held = _held(session, ctx, claims)
        if not held:
            return 0
        session.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_(sorted(held))).values(state=MANUAL, lease_until=None))
    return len(held)


# -- dead letters, retry, re-route ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadLetter:
    transfer_id: str
    case_no: str
    department: str
    role: str
    reason: str | None
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None


def dead_letters(ctx: Context, department: str | None = None) -> list[DeadLetter]:
    with ctx.db.read() as session:
        stmt = (
            select(OutboxEntry, Transfer, Case.case_no)
            .join(Transfer, Transfer.id == OutboxEntry.transfer_id)
            .join(Case, Case.id == Transfer.case_id)
            .where(OutboxEntry.state.in_((DEAD, "failed")))
            .order_by(OutboxEntry.id)
        )
        if department:
            stmt = stmt.where(OutboxEntry.department == department)
        rows = session.execute(stmt).all()
        last: dict[str, datetime] = {}
        if rows:
            from sqlalchemy import func

            for tid, at in session.execute(
                select(DispatchAttempt.transfer_id, func.max(DispatchAttempt.at))
                .where(DispatchAttempt.transfer_id.in_([t.id for _, t, _ in rows]))
                .group_by(DispatchAttempt.transfer_id)
            ):
                last[tid] = at
        return [
            DeadLetter(
                transfer_id=t.id,
                case_no=case_no,
                department=o.department,
                role=t.role,
                reason=o.dead_reason or o.last_error,
                attempts=o.attempts,
                created_at=o.created_at,
                last_attempt_at=last.get(t.id),
            )
            for o, t, case_no in rows
        ]


def _transfer(session: Session, transfer_id: str) -> tuple[Transfer, Case, OutboxEntry | None]:
    row = session.execute(
        select(Transfer, Case).join(Case, Case.id == Transfer.case_id).where(Transfer.id == transfer_id.strip())
    ).first()
    if row is None:
        raise NotFound(f"没有找到转办 {transfer_id}", f"no transfer {transfer_id}")
    entry = session.scalars(select(OutboxEntry).where(OutboxEntry.transfer_id == row[0].id)).first()
    return row[0], row[1], entry


def retry_dead(ctx: Context, transfer_id: str, user: Principal | str | None, *, now: datetime | None = None) -> None:
    """Put a dead letter back in the queue, due now, with the same transfer id (Idempotency-Key).

    The entry's ``created_at`` becomes now: the age limit counts from when a person put it back."""
    user = acting(user, "routing.override")
    now = now or datetime.now(UTC)
    with ctx.db.write() as session:
        transfer, case, entry = _transfer(session, transfer_id)
        if entry is None or entry.state not in (DEAD, "failed"):
            state = entry.state if entry else "-"
            raise NotDeadLetter(
                f"转办 {transfer.id} 不在推送失败列表中（状态：{state}）",
                f"transfer {transfer.id} is not a dead letter (state: {state})",
            )
        entry.state = PENDING
        entry.attempts = 0
        entry.next_attempt_at = now
        entry.created_at = now
        entry.dead_reason = None
        entry.lease_until = None
        entry.claimed_by = None
        transfer.status = "requested"
        transfer.updated_at = now
        detail = {"department": transfer.department, "role": transfer.role, "transfer": transfer.id}
        session.add(CaseEvent(case_id=case.id, at=now, kind="push_retried", actor=user, detail=detail))
        _audit(
            session, ctx, "transfer.retry", transfer.id, now, user, case=case.case_no, department=transfer.department
        )
    log.info("transfer %s put back in the queue", transfer_id)


def reroute(
    ctx: Context,
    transfer_id: str,
    department: str,
    reason: str,
    user: Principal | str | None,
    *,
    now: datetime | None = None,
) -> str:
    """Send the case to another department instead: a new transfer and outbox entry, the old transfer (and
    its entry, if not delivered) cancelled. The lead's re-routing changes the case's department and takes a
    returned case back to ``routed``. Returns the new transfer's id."""
    user = acting(user, "routing.override")
    now = now or datetime.now(UTC)
    errors: list[FieldError] = []
    code = normalize_code(department or "")
    dept = ctx.config.departments.get(code)
    if dept is None:
        errors.append(field_error("dispatch.unknown_department", "department", value=department))
    check = clean_text(reason, "reason", max_len=500, multiline=True)
    errors.extend(check.errors)
    text = check.value or ""
    if check.ok and len(text) < 2:
        errors.append(field_error("dispatch.reason_required", "reason"))
    with ctx.db.write() as session:
        old, case, entry = _transfer(session, transfer_id)
        if dept is not None and code == old.department:
            errors.append(field_error("dispatch.same_department", "department"))
        if errors:
            raise ValidationFailed(errors)
        if old.status in ("cancelled", "completed") or case.status == "closed":
            raise TransferClosed(
                f"转办 {old.id} 已{'撤销' if old.status == 'cancelled' else '办结'}，不能改派",
                f"transfer {old.id} is {old.status if case.status != 'closed' else 'of a closed case'}: "
                "it cannot be re-routed",
            )
        old.status = "cancelled"
        old.reason = text
        old.updated_at = now
        old.next_poll_at = None
        if entry is not None and entry.state not in (DELIVERED, MANUAL):
            entry.state = CANCELLED
            entry.lease_until = None
        new_id = str(uuid.uuid4())
        session.add(
            Transfer(
                id=new_id,
                case_id=case.id,
                department=code,
                role=old.role,
                level=dept.level if dept else None,
                node=None,
                rule_id="reroute",
                status="requested",
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        session.add(
            OutboxEntry(
                transfer_id=new_id,
                department=code,
                state=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        if old.role == "lead":
            values: dict = {"department": code, "updated_at": now, "version": case.version + 1}
            if case.status == "returned":
                values["status"] = "routed"
            session.execute(
                update(Case).where(Case.id == case.id).values(**values).execution_options(synchronize_session=False)
            )
        detail = {
            "department": code,
            "from": old.department,
            "role": old.role,
            "transfer": new_id,
            "previous_transfer": old.id,
            "reason": text,
        }
        session.add(CaseEvent(case_id=case.id, at=now, kind="rerouted", actor=user, detail=detail))
        _audit(
            session,
            ctx,
            "transfer.reroute",
            old.id,
            now,
            user,
            case=case.case_no,
            department=code,
            previous=old.department,
            transfer=new_id,
        )
    log.info("transfer %s re-routed to %s as %s", transfer_id, code, new_id)
    return new_id


__all__ = [
    "ACTOR",
    "Claim",
    "DeadLetter",
    "NotDeadLetter",
    "Sent",
    "TransferClosed",
    "backoff",
    "bodies",
    "claim",
    "dead_letters",
    "mark_manual",
    "record",
    "release",
    "reroute",
    "retry_dead",
]
