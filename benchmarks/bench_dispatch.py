"""Dispatch benchmark: drain rate to the local reference receiver, and draining a 10,000-case backlog
after an outage. Prints figures; asserts nothing (target: ≥ 200 cases/s on this machine).

    .venv/bin/python benchmarks/bench_dispatch.py [--cases 2000] [--backlog 10000] [--keep DIR]

Set-up: the example hall with two departments on the department-queue API, ``hrss`` and ``legal_aid``,
each behind its own reference receiver (``tests/department_receiver.py``, threads in this process,
SQLite store). Every labour case is routed to hrss (lead) and legal_aid (assist), so one case is two
HTTP transfers. The dispatcher is the real ``reception dispatch --watch`` process (what a scheduled task
runs), with the hall's ``[dispatch]`` settings as shipped (backoff base 2 s, cap 600 s, probe_cap_s 30 s) unless
``--backoff-cap`` is given.

1. Drain rate: ``--cases`` cases are recorded with the receivers up and the dispatcher stopped; then the
   dispatcher starts and the time until every transfer is delivered gives cases/s (start-up included).
2. Outage: the receivers stop listening (connections refused), the dispatcher runs, ``--backlog`` cases
   are recorded (the dispatcher keeps failing and backing off); the receivers come back; the time from
   "up" until every transfer is delivered is printed.

The department secrets reach the dispatcher process through the test-only file keyring
(``tests/keyring_backend.py``) — a benchmark set-up, never a deployment.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PUSHED = ("hrss", "legal_aid")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=2000, help="cases for the drain-rate run (default 2000)")
    ap.add_argument("--backlog", type=int, default=10_000, help="cases recorded during the outage (default 10000)")
    ap.add_argument("--backoff-cap", type=float, default=None, help="override [dispatch] backoff_cap_s")
    ap.add_argument("--keep", help="work in this folder and keep it (default: a temporary folder, removed)")
    args = ap.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    work.mkdir(parents=True, exist_ok=True)
    for name in ("DATA", "CONFIG", "LOG"):
        d = work / f"user-{name.lower()}"
        d.mkdir(exist_ok=True)
        os.environ[f"RECEPTION_{name}_DIR"] = str(d)
    try:
        return run(work, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(work: Path, args) -> int:
    from reception.context import open_context
    from tests.department_receiver import DepartmentReceiver
    from tests.integration.test_dispatch_crash import dispatcher_env, hall_toml, http_transport
    from tests.receiver_fixtures import SIGNING_KEY, TOKEN

    receivers = {
        code: DepartmentReceiver(work / f"receiver-{code}.sqlite3", token=TOKEN, signing_key=SIGNING_KEY).start()
        for code in PUSHED
    }
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, work folder {work}")
        figures = {}
        for label, n, outage in (("drain", args.cases, False), ("outage", args.backlog, True)):
            sub = work / label
            sub.mkdir(exist_ok=True)
            dispatch = {} if args.backoff_cap is None else {"backoff_cap_s": args.backoff_cap}
            hall = hall_toml(sub, {code: http_transport(r.url) for code, r in receivers.items()}, dispatch=dispatch)
            db_url = "sqlite:///" + (sub / "hall.sqlite3").as_posix()
            env = dispatcher_env(sub)
            ctx = open_context(db_url, hall)
            try:
                figures[label] = one_run(ctx, db_url, hall, env, receivers, n, outage=outage)
            finally:
                ctx.close()
        d, o = figures["drain"], figures["outage"]
        print()
        print(
            f"drain rate: {d['cases'] / d['drain_s']:.0f} cases/s ({d['transfers'] / d['drain_s']:.0f} transfers/s; "
            f"{d['cases']} cases, {d['transfers']} transfers in {d['drain_s']:.2f} s; target ≥ 200 cases/s)"
        )
        after = o["drain_s"] - o["first_s"]
        print(
            f"after an outage: {o['cases']} cases ({o['transfers']} transfers) drained in {o['drain_s']:.1f} s "
            f"after the receivers came back: {o['first_s']:.1f} s until the lanes' next probe found them up, "
            f"then {after:.1f} s ({o['cases'] / after:.0f} cases/s; outage lasted {o['outage_s']:.0f} s, "
            f"{o['recording_s']:.0f} s of it recording the cases; probe_cap_s bounds the wait)"
        )
    finally:
        for r in receivers.values():
            r.stop()
    return 0


def record(ctx, n: int) -> float:
    from reception.intake import register_many
    from tests.factories import base_case

    t0 = time.perf_counter()
    batch = 250
    for start in range(0, n, batch):
        docs = [
            base_case(ctx.config, facts=f"第{i}件：包工头拖欠工资，申请人多次讨要未果。")
            for i in range(start, min(n, start + batch))
        ]
        register_many(ctx, docs)
    return time.perf_counter() - t0


def states(ctx) -> Counter:
    from sqlalchemy import func, select

    from reception.storage.models import OutboxEntry

    with ctx.db.read() as s:
        rows = s.execute(
            select(OutboxEntry.state, func.count())
            .where(OutboxEntry.department.in_(PUSHED))
            .group_by(OutboxEntry.state)
        ).all()
    return Counter(dict(rows))


def wait_delivered(ctx, total: int, proc, *, limit_s: float = 3600) -> tuple[float, float]:
    """Seconds until every transfer is delivered, and until the first one was."""
    t0 = time.perf_counter()
    first = None
    while True:
        c = states(ctx)
        if first is None and c.get("delivered", 0) > 0:
            first = time.perf_counter() - t0
        if c.get("delivered", 0) >= total:
            return time.perf_counter() - t0, first if first is not None else 0.0
        if proc.poll() is not None:
            raise SystemExit(f"dispatcher exited with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        if time.perf_counter() - t0 > limit_s:
            raise SystemExit(f"not drained after {limit_s} s: {dict(c)}")
        time.sleep(0.05)


def one_run(ctx, db_url, hall, env, receivers, n: int, *, outage: bool) -> dict:
    from tests.integration.test_dispatch_crash import dispatch_cmd

    before = sum(len(r.received()) for r in receivers.values())
    if outage:
        for r in receivers.values():
            r.refuse()
    proc = None
    if outage:
        proc = subprocess.Popen(
            dispatch_cmd(db_url, hall, "--watch"), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
    t_down = time.perf_counter()
    rec_s = record(ctx, n)
    print(
        f"[{'outage' if outage else 'drain'}] recorded {n} cases in {rec_s:.1f} s ({n / rec_s:.0f} cases/s), "
        f"outbox: {dict(states(ctx))}",
        flush=True,
    )
    total = sum(states(ctx).values())
    try:
        if outage:
            outage_s = time.perf_counter() - t_down
            for r in receivers.values():
                r.start()
        else:
            outage_s = 0.0
            proc = subprocess.Popen(
                dispatch_cmd(db_url, hall, "--watch"),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        drain_s, first_s = wait_delivered(ctx, total, proc)
    finally:
        assert proc is not None
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    got = sum(len(r.received()) for r in receivers.values()) - before
    dups = sum(x.count - 1 for r in receivers.values() for x in r.received())
    print(
        f"[{'outage' if outage else 'drain'}] {total} transfers delivered in {drain_s:.2f} s; receivers hold "
        f"{got} new keys, {dups} duplicates",
        flush=True,
    )
    return {
        "cases": n,
        "transfers": total,
        "drain_s": drain_s,
        "first_s": first_s,
        "outage_s": outage_s,
        "recording_s": rec_s,
    }


if __name__ == "__main__":
    raise SystemExit(main())
