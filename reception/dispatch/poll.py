"""Bringing the department's answer back: poll delivered transfers and record status changes once.

A delivered transfer (``queue_ref`` set) whose status is not final is polled every ``poll_interval_s``
(the transport's, else ``[dispatch]``'s). A status the transfer already holds (``transfers.remote_status``)
is not recorded again; a new one goes through :func:`reception.tracking.record_answer` — the same code as
an answer recorded by hand, so the timeline, events and case status are identical — as the
``dispatcher`` actor:

=================  ============================  =========================================
department status  recorded as (answer kind)     text
=================  ============================  =========================================
received           nothing (delivery did it)
accepted           ``accepted``                  the department's reason, if any
rejected           ``returned``                  the reason (the clerk re-routes)
in-progress        ``progress``                  the reason or outcome, else 办理中
completed          ``concluded``                 the outcome (the clerk closes the case
                                                 with the visitor's follow-up)
cancelled, failed  ``returned``                  部门已撤销/办理失败 + the reason
=================  ============================  =========================================

Polling stops at ``completed``, ``rejected``, ``cancelled`` and ``failed`` and when the case is closed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from reception.context import Context
from reception.errors import ReceptionError, ValidationFailed
from reception.storage.models import Case, Transfer
from reception.tracking import CaseClosed, record_answer

from .outbox import ACTOR, FINAL_TRANSFER
from .transports import PollError, RemoteStatus, Transport

log = logging.getLogger(__name__)

#: department status -> answer kind (None: nothing to record)
STATUS_ANSWERS: dict[str, str | None] = {
    "received": None,
    "accepted": "accepted",
    "rejected": "returned",
    "in-progress": "progress",
    "completed": "concluded",
    "cancelled": "returned",
    "failed": "returned",
}
#: department statuses after which a transfer is not polled again
FINAL_REMOTE = frozenset({"completed", "rejected", "cancelled", "failed"})


@dataclass
class PollFigures:
    polled: int = 0
    recorded: int = 0
    errors: int = 0
    last_error: str | None = None


def _text(s: RemoteStatus) -> str | None:
    if s.status == "rejected":
        return s.reason or "部门退回，未说明理由 / returned without a reason"
    if s.status == "in-progress":
        return s.reason or s.outcome or "办理中 / in progress"
    if s.status == "completed":
        return s.outcome or s.reason or "已办结 / concluded"
    if s.status == "cancelled":
        return "部门已撤销 / cancelled by the department" + (f": {s.reason}" if s.reason else "")
    if s.status == "failed":
        return "部门办理失败 / failed at the department" + (f": {s.reason}" if s.reason else "")
    return s.reason


def apply_status(ctx: Context, transfer_id: str, status: RemoteStatus, *, now: datetime, interval: float) -> bool:
    """Record ``status`` of ``transfer_id`` unless already recorded. True when something was recorded."""
    with ctx.db.read() as session:
        row = session.execute(
            select(Transfer.department, Transfer.remote_status, Case.case_no, Case.status)
            .join(Case, Case.id == Transfer.case_id)
            .where(Transfer.id == transfer_id)
        ).first()
    if row is None:
        return False
    department, seen, case_no, case_status = row
    final = status.status in FINAL_REMOTE or case_status == "closed"
    next_poll = None if final else now + timedelta(seconds=interval)
    recorded = False
    kind = STATUS_ANSWERS.get(status.status)
    if seen != status.status and kind is not None and case_status != "closed":
        try:
            result = record_answer(
                ctx,
                case_no,
                department=department,
                kind=kind,
                text=_text(status),
                department_case_no=status.department_case_no,
                user=ACTOR,
                now=now,
                transfer_id=transfer_id,
                remote_status=status.status,
            )
            recorded = result is not None
        except CaseClosed:
            next_poll = None
    values: dict = {"next_poll_at": next_poll, "remote_status": status.status}
    if kind is None and status.department_case_no:
        values["department_case_no"] = status.department_case_no[:80]
    with ctx.db.write() as session:
        session.execute(
            update(Transfer)
            .where(Transfer.id == transfer_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return recorded


def poll_department(
    ctx: Context, department: str, transport: Transport, *, now: datetime, interval: float, limit: int = 200
) -> PollFigures:
    """Poll the department's delivered transfers that are due, record what changed. A status that cannot
    be read stops the round (the department is not answering); the others stay due."""
    figures = PollFigures()
    with ctx.db.read() as session:
        due = session.execute(
            select(Transfer.id, Transfer.queue_ref)
            .join(Case, Case.id == Transfer.case_id)
            .where(
                Case.status != "closed",
                Transfer.department == department,
                Transfer.next_poll_at.is_not(None),
                Transfer.next_poll_at <= now,
                Transfer.status.not_in(FINAL_TRANSFER),
            )
            .order_by(Transfer.next_poll_at)
            .limit(limit)
        ).all()
    later: list[dict] = []  # polled, nothing new: next poll after the interval (one statement for all)
    for transfer_id, queue_ref in due:
        figures.polled += 1
        try:
            status = transport.poll(transfer_id, queue_ref)
        except PollError as exc:
            # the department is not answering (or not well): the rest waits for the next round
            figures.errors += 1
            figures.last_error = str(exc)
            later.append({"b_id": transfer_id})
            break
        if status is None:
            later.append({"b_id": transfer_id})
            continue
        try:
            if apply_status(ctx, transfer_id, status, now=now, interval=interval):
                figures.recorded += 1
        except (ValidationFailed, ReceptionError) as exc:  # e.g. text the case format refuses
            figures.errors += 1
            figures.last_error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("status of transfer %s not recorded: %s", transfer_id, type(exc).__name__)
            later.append({"b_id": transfer_id})
    if later:
        t = Transfer.__table__
        with ctx.db.write() as session:
            session.execute(
                update(t).where(t.c.id == bindparam("b_id")).values(next_poll_at=now + timedelta(seconds=interval)),
                later,
            )
    return figures


__all__ = ["FINAL_REMOTE", "STATUS_ANSWERS", "PollFigures", "apply_status", "poll_department"]
