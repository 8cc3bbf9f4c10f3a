"""The dispatcher: one lane (thread) per department, so a department that is down never holds back others.

``Dispatcher(ctx).run_once()`` drains everything due now in every lane in parallel (each entry is tried
at most once per run: a retry is scheduled after the run started) and polls due statuses once, then
returns each department's figures. ``run_forever(stop_event)`` keeps one thread per department running
until the event is set. Lanes: every department with a ``[department.transport]`` table. A department without one
(the default ``manual``, not configured) gets no lane: its entries stay ``pending`` and the desk says the
department has no transport, so configuring one later still pushes them; a department configured with
``kind = "manual"`` gets a lane that marks its entries ``manual`` (handed over on the printed slip).
Departments only old rows name get no lane either.

Within a lane, ``[dispatch] concurrency`` requests are under way at once, and results are recorded in
groups of ``RECORD_EVERY`` as they come back (a few statements per group, one transaction), so a killed
dispatcher re-sends at most those under way and not yet recorded (same Idempotency-Key: the department
answers 200). When a request finds the department not answering (refused, timed out, 429, 5xx) the lane
sends nothing more from that claim: the rest goes back to the queue still due, with no attempt counted,
and the lane pauses (full-jitter backoff capped at ``probe_cap_s``) before trying one claim again. So a
department that is down for days costs one probe per pause, and once it answers, its backlog goes at once.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select

from reception.config import Department
from reception.context import Context
from reception.storage.models import OutboxEntry

from .outbox import Claim, Sent, backoff, bodies, claim, mark_manual, record, release
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
    #: claimed entries given back unsent (the department stopped answering, or the lane stopped)
    released: int = 0
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


#: send results recorded together: a killed dispatcher re-sends at most this many plus those under way
RECORD_EVERY = 16


def _not_answering(result: SendResult) -> bool:
    """The department, or the way to it, is not answering (a network error, a timeout, 429 or a 5xx; a
    folder that cannot be written): the lane stops sending the rest of its claim and backs off."""
    if result.outcome != "retry":
        return False
    return result.http_status is None or result.http_status == 429 or result.http_status >= 500


@dataclass
class Lane:
    ctx: Context
    department: Department
    transport: Transport
    worker: str
    rng: random.Random = field(default_factory=random.Random)
    batch: int = BATCH
    #: requests under way at once (``[dispatch] concurrency``)
    concurrency: int = 1
    #: rounds in a row that ended with the department not answering (the lane's own backoff)
    failures: int = 0
    #: ``time.monotonic()`` until which the lane leaves its department alone (not answering)
    paused_until: float = 0.0
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)

    @property
    def poll_interval(self) -> float:
        return self.department.transport.poll_interval_s or self.ctx.config.dispatch.poll_interval_s

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.transport.close()

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix=f"send-{self.department.code}")
        return self._pool

    def _send(self, c: Claim, body: bytes) -> Sent:
        started = time.monotonic()
        at = datetime.now(UTC)
        try:
            result = self.transport.send(c.transfer_id, body)
        except Exception as exc:  # a bug must not stop the lane; the entry is retried
            log.exception("sending transfer %s failed", c.transfer_id)
            result = SendResult("retry", error=f"internal: {type(exc).__name__}")
        return Sent(c, result, int((time.monotonic() - started) * 1000), at)

    def _record(self, sent: list[Sent], figures: LaneFigures) -> None:
        if not sent:
            return
        poll_after = self.poll_interval if self._polls() else None
        figures.add(record(self.ctx, sent, now=datetime.now(UTC), poll_after=poll_after, rng=self.rng))
        sent.clear()

    def _send_claims(
        self, work: list[tuple[Claim, bytes]], figures: LaneFigures, stop: threading.Event | None
    ) -> tuple[list[Claim], str | None]:
        """Send the claimed entries, ``concurrency`` at a time, recording results in groups of
        ``RECORD_EVERY`` as they come back. Sending stops early when the department is not answering or
        the lane is stopping; returns the claims not sent and, if it stopped for that, the error."""
        pool = self._executor()
        todo = iter(work)
        running: set[Future[Sent]] = set()
        results: list[Sent] = []
        stopped_by: str | None = None

        def fill() -> None:
            while len(running) < self.concurrency and stopped_by is None and not (stop and stop.is_set()):
                item = next(todo, None)
                if item is None:
                    return
                running.add(pool.submit(self._send, *item))

        fill()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                running.discard(future)
                sent = future.result()
                results.append(sent)
                if sent.result.error:
                    figures.last_error = sent.result.error
                if _not_answering(sent.result):
                    stopped_by = stopped_by or sent.result.error or "not answering"
                elif sent.result.outcome == "delivered":
                    self.failures = 0
            if len(results) >= RECORD_EVERY:
                self._record(results, figures)
            fill()
        self._record(results, figures)
        return [c for c, _ in todo], stopped_by

    @property
    def claim_size(self) -> int:
        """Entries claimed at once: no more than can be sent within the lease even if every request ran
        into its timeout (so a slow department does not make the lease run out under the lane)."""
        timeout = self.department.transport.timeout_s if self.transport.kind == "http" else 0
        if not timeout:
            return self.batch
        rounds = max(1, int(self.ctx.config.dispatch.lease_s // timeout) - 1)
        return max(1, min(self.batch, rounds * self.concurrency))

    @property
    def paused(self) -> bool:
        """The department stopped answering and the lane waits before trying it again."""
        return time.monotonic() < self.paused_until

    def drain(self, figures: LaneFigures, *, due_by: datetime, stop: threading.Event | None = None) -> None:
        code = self.department.code
        while (stop is None or not stop.is_set()) and not self.paused:
            now = datetime.now(UTC)
            claims = claim(self.ctx, code, self.worker, limit=self.claim_size, now=now, due_by=due_by)
            if not claims:
                return
            if self.transport.kind == "manual":
                figures.manual += mark_manual(self.ctx, claims, now=now)
                continue
            payloads = bodies(self.ctx, claims)
            work = [(c, payloads[c.transfer_id]) for c in claims if c.transfer_id in payloads]
            unsent, error = self._send_claims(work, figures, stop)
            if error is not None:
                self._pause()
            if unsent:
                self._put_back(unsent, error, figures)
            if error is not None:  # the department is not answering: this round ends here
                return

    def _pause(self) -> None:
        """The department is not answering: wait (full-jitter backoff, growing with each round that ends
        like this, at most ``probe_cap_s``) before the lane tries it again. The entries themselves stay due,
        so once it answers the whole backlog goes at once."""
        settings = self.ctx.config.dispatch
        self.failures += 1
        wait_s = backoff(self.failures - 1, settings, self.rng, cap=settings.probe_cap_s)
        self.paused_until = time.monotonic() + wait_s
        log.info("lane %s: department not answering, trying again in %.1f s", self.department.code, wait_s)

    def _put_back(self, unsent: list[Claim], error: str | None, figures: LaneFigures) -> None:
        """Claims not sent go back to the queue as they were (still due, no attempt counted). When the
        department is not answering, one older than the age limit becomes a dead letter instead: it would
        otherwise wait for ever while its department is down."""
        now = datetime.now(UTC)
        limit = timedelta(hours=self.ctx.config.dispatch.max_age_hours)
        too_old = [c for c in unsent if error is not None and now - c.created_at > limit]
        if too_old:
            failed = SendResult("retry", error=f"not sent: {error}")
            self._record([Sent(c, failed, 0, now) for c in too_old], figures)
        figures.released += release(self.ctx, [c for c in unsent if c not in too_old])

    def _polls(self) -> bool:
        t = self.department.transport
        return t.kind == "http" or (t.kind == "folder" and t.outbox is not None)

    def poll(self, figures: LaneFigures) -> None:
        if not self._polls() or self.paused:
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
                if self.paused:  # its entries are due, but the department is not answering
                    wait = max(wait, min(interval, self.paused_until - time.monotonic()))
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
        concurrency: int | None = None,
    ):
        self.ctx = ctx
        self.worker = worker or _worker_id()
        chosen = [
            d
            for d in ctx.config.departments.values()
            if d.transport.configured and (departments is None or d.code in departments)
        ]
        rng = random.Random(seed)
        n = concurrency or ctx.config.dispatch.concurrency
        self.lanes = [
            Lane(ctx, d, make_transport(d), self.worker, random.Random(rng.random()), batch, n) for d in chosen
        ]

    def close(self) -> None:
        for lane in self.lanes:
            lane.close()

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
