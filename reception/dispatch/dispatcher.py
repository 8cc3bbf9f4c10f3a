"""The dispatcher: one lane (thread) per department, so a department that is down never holds back others.

``Dispatcher(ctx).run_once()`` drains everything due now in every lane in parallel (each entry is tried
at most once per run: a retry is scheduled after the run started) and polls due statuses once, then
returns each department's figures. ``run_forever(stop_event)`` keeps one thread per department running
until the event is set. Lanes: every department with a ``[department.transport]`` table. A department without one
(the default ``manual``, not configured) gets no lane: its entries stay ``pending`` and the desk says the
department has no transport, so configuring one later still pushes them; a department configured with
``kind = "manual"`` gets a lane that marks its entries ``manual`` (handed over on the printed slip).
Departments only old rows name get no lane either.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import case, func, select

from reception.config import Department
from reception.context import Context
from reception.storage.models import OutboxEntry

from .outbox import Sent, bodies, claim, mark_manual, record
from .poll import poll_department
from .transports import SendResult, Transport, make_transport

log = logging.getLogger(__name__)

BATCH = 50


@dataclass
class LaneFigures:
    department: str
    kind: str
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    manual: int = 0
    lost_lease: int = 0
    polled: int = 0
    answers: int = 0
    last_error: str | None = None
    seconds: float = 0.0
    #: an exception stopped the lane's run (the entries stay claimed until their lease runs out)
    crashed: str | None = None

    def add(self, counts: dict[str, int]) -> None:
        self.delivered += counts.get("delivered", 0)
        self.retried += counts.get("retry", 0)
        self.dead += counts.get("dead", 0)
        self.lost_lease += counts.get("lost_lease", 0)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


def _worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}"


@dataclass
class Lane:
    ctx: Context
    department: Department
    transport: Transport
    worker: str
    rng: random.Random = field(default_factory=random.Random)
    batch: int = BATCH

    @property
    def poll_interval(self) -> float:
        return self.department.transport.poll_interval_s or self.ctx.config.dispatch.poll_interval_s

    def drain(self, figures: LaneFigures, *, due_by: datetime, stop: threading.Event | None = None) -> None:
        code = self.department.code
        while stop is None or not stop.is_set():
            now = datetime.now(UTC)
            claims = claim(self.ctx, code, self.worker, limit=self.batch, now=now, due_by=due_by)
            if not claims:
                return
            if self.transport.kind == "manual":
                figures.manual += mark_manual(self.ctx, claims, now=now)
                continue
            payloads = bodies(self.ctx, claims)
            sent: list[Sent] = []
            for c in claims:
                started = time.monotonic()
                at = datetime.now(UTC)
                body = payloads.get(c.transfer_id)
                if body is None:  # the transfer was deleted with its case meanwhile
                    continue
                try:
                    result = self.transport.send(c.transfer_id, body)
                except Exception as exc:  # a bug must not stop the lane; the entry is retried
                    log.exception("sending transfer %s failed", c.transfer_id)
                    result = SendResult("retry", error=f"internal: {type(exc).__name__}")
                sent.append(Sent(c, result, int((time.monotonic() - started) * 1000), at))
                if result.error:
                    figures.last_error = result.error
            poll_after = self.poll_interval if self._polls() else None
            figures.add(record(self.ctx, sent, now=datetime.now(UTC), poll_after=poll_after, rng=self.rng))

    def _polls(self) -> bool:
        t = self.department.transport
        return t.kind == "http" or (t.kind == "folder" and t.outbox is not None)

    def poll(self, figures: LaneFigures) -> None:
        if not self._polls():
            return
        f = poll_department(
            self.ctx, self.department.code, self.transport, now=datetime.now(UTC), interval=self.poll_interval
        )
        figures.polled += f.polled
        figures.answers += f.recorded
        if f.last_error:
            figures.last_error = f.last_error

    def run_once(self, due_by: datetime) -> LaneFigures:
        figures = LaneFigures(self.department.code, self.transport.kind)
        started = time.monotonic()
        try:
            self.drain(figures, due_by=due_by)
            self.poll(figures)
        except Exception as exc:  # reported, never kills the other lanes
            log.exception("lane %s stopped", self.department.code)
            figures.crashed = f"{type(exc).__name__}: {exc}"[:300]
        figures.seconds = time.monotonic() - started
        return figures

    def next_due(self) -> datetime | None:
        """When the lane's next entry is due: the earliest retry, or the earliest lease to run out."""
        with self.ctx.db.read() as session:
            pending, lease = session.execute(
                select(
                    func.min(case((OutboxEntry.state == "pending", OutboxEntry.next_attempt_at))),
                    func.min(case((OutboxEntry.state == "in_flight", OutboxEntry.lease_until))),
                ).where(OutboxEntry.department == self.department.code)
            ).one()
        found = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (pending, lease) if t is not None]
        return min(found) if found else None

    def run_forever(self, stop: threading.Event, interval: float) -> None:
        """Rounds until ``stop``: drain, poll, then sleep until the next retry is due (at most ``interval``)."""
        while not stop.is_set():
            figures = LaneFigures(self.department.code, self.transport.kind)
            wait = interval
            try:
                self.drain(figures, due_by=datetime.now(UTC), stop=stop)
                self.poll(figures)
                due = self.next_due()
                if due is not None:
                    wait = min(interval, max(0.01, (due - datetime.now(UTC)).total_seconds()))
            except Exception:
                log.exception("lane %s: round failed, trying again", self.department.code)
            stop.wait(wait)


class Dispatcher:
    """Drains the outbox: one lane per configured department (``departments`` limits which)."""

    def __init__(
        self,
        ctx: Context,
        *,
        departments: list[str] | None = None,
        worker: str | None = None,
        batch: int = BATCH,
        seed: int | None = None,
    ):
        self.ctx = ctx
        self.worker = worker or _worker_id()
        chosen = [
            d
            for d in ctx.config.departments.values()
            if d.transport.configured and (departments is None or d.code in departments)
        ]
        rng = random.Random(seed)
        self.lanes = [Lane(ctx, d, make_transport(d), self.worker, random.Random(rng.random()), batch) for d in chosen]

    def close(self) -> None:
        for lane in self.lanes:
            lane.transport.close()

    def __enter__(self) -> Dispatcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run_once(self) -> dict[str, LaneFigures]:
        """Everything due now, all lanes in parallel; each department's figures."""
        due_by = datetime.now(UTC)
        out: dict[str, LaneFigures] = {}
        lock = threading.Lock()

        def run(lane: Lane) -> None:
            f = lane.run_once(due_by)
            with lock:
                out[lane.department.code] = f

        threads = [
            threading.Thread(target=run, args=(lane,), name=f"lane-{lane.department.code}") for lane in self.lanes
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return {lane.department.code: out[lane.department.code] for lane in self.lanes}

    def run_forever(self, stop: threading.Event, interval: float = 5.0) -> None:
        """One thread per department until ``stop`` is set (each lane sleeps ``interval`` between rounds)."""
        threads = [
            threading.Thread(target=lane.run_forever, args=(stop, interval), name=f"lane-{lane.department.code}")
            for lane in self.lanes
        ]
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join()


__all__ = ["Dispatcher", "Lane", "LaneFigures"]
