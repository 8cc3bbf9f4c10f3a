"""Crash tests of the dispatcher: no transfer is lost or delivered twice when it is SIGKILLed.

The test process records cases (``reception.intake.register_case``) while a real ``reception dispatch
--watch`` process pushes them to the departments, and kills that process with SIGKILL at random moments,
at least 200 times, starting it again each time. A final ``dispatch --once`` drains what is left. Then the
department side must hold exactly the transfers routed to it, each once, and the hall must have recorded
each delivery once (one ``pushed`` event per transfer).

* http: two departments (``hrss`` lead, ``legal_aid`` assist for labour cases) each behind its own
  reference receiver (``tests/department_receiver.py``) that answers a little after storing, so that
  many kills fall between "the department stored it" and "the hall recorded the answer". Cases of
  other categories go to a department without a transport (manual) and must not reach a receiver.
  The same run against receivers with their idempotency check switched off must find duplicates:
  that proves the test can see the failure it guards against.
* folder: the same two departments on shared inbox folders, each read by the reference folder consumer
  (``tests/folder_consumer.py``), which takes files as they appear, never sees a torn file, and keeps
  each transfer once by the transfer id in the file name. The same run with the consumers' dedupe
  switched off must find duplicates (a file written again after a kill, taken again).
* PostgreSQL: the http run against a hall database on a real PostgreSQL server (the ``FOR UPDATE SKIP
  LOCKED`` claim), with one dispatcher, and with two dispatchers at once (workstations sharing one hall
  database), each killed in turn.

The dispatcher processes are forked from a process that has already imported the application
(:class:`ForkServer`): each one runs ``reception.cli.main([... "dispatch", "--watch"])`` — what ``python -m
reception dispatch --watch`` runs — without paying Python's start-up and imports (~0.7 s) 200 times over.
The final drain runs ``python -m reception dispatch --once`` as a plain subprocess.

The dispatcher processes get the departments' secrets from ``tests/keyring_backend.py`` (a test-only
file keyring), since they cannot see this process's in-memory keyring.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from reception.context import open_context
from reception.intake import register_case
from reception.paths import resource_path
from reception.storage.models import CaseEvent, OutboxEntry, Transfer
from tests import receiver_fixtures
from tests.factories import base_case
from tests.folder_consumer import FolderConsumer
from tests.keyring_backend import write_secrets
from tests.receiver_fixtures import SIGNING_KEY, TOKEN

pytestmark = pytest.mark.slow

department_receiver = receiver_fixtures.department_receiver  # the fixture

ROOT = Path(__file__).resolve().parents[2]
PUSHED = ("hrss", "legal_aid")  # labour cases: hrss leads, legal_aid assists (example hall's routing)
KILLS = 200
SEED = 20250602
LEASE_S = 1.0
OPEN_STATES = ("pending", "in_flight")


# -- hall configuration -------------------------------------------------------------------------


FAST_DISPATCH = {"backoff_base_s": 0.05, "backoff_cap_s": 0.5, "lease_s": LEASE_S, "poll_interval_s": 3600}


def hall_toml(tmp_path: Path, transports: dict[str, str], *, dispatch: dict | None = None) -> Path:
    """The example hall with ``[department.transport]`` tables for ``transports`` (code → TOML body)
    and a ``[dispatch]`` table (default: fast retries and short leases, for the crash tests), written to
    ``tmp_path/hall/hall.toml``."""
    lines = resource_path("config", "example-hall.toml").read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    current: str | None = None

    def close_block() -> None:
        if current in transports:
            out.extend(["", "[department.transport]", transports[current].strip(), ""])

    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            close_block()
            current = None
        if current is None and stripped.startswith("code =") and out and _in_department(out):
            current = stripped.split("=", 1)[1].strip().strip('"')
        out.append(line)
    close_block()
    assert "[dispatch]" not in "\n".join(out)
    settings = FAST_DISPATCH if dispatch is None else dispatch
    out += ["", "[dispatch]", *(f"{k} = {v!r}" for k, v in settings.items())]
    folder = tmp_path / "hall"
    folder.mkdir(exist_ok=True)
    path = folder / "hall.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    missing = [code for code in transports if f'code = "{code}"' not in path.read_text(encoding="utf-8")]
    assert not missing, missing
    return path


def _in_department(out: list[str]) -> bool:
    """The last table header written is ``[[department]]``."""
    for line in reversed(out):
        if line.strip().startswith("["):
            return line.strip() == "[[department]]"
    return False


def http_transport(url: str) -> str:
    return f'kind = "http"\nbase_url = "{url}"\ntimeout_s = 2'


def dispatcher_env(tmp_path: Path) -> dict[str, str]:
    secrets = {}
    for code in PUSHED:
        secrets[f"dept-{code}-token"] = TOKEN
        secrets[f"dept-{code}-signing-key"] = SIGNING_KEY
    return {**os.environ, **write_secrets(tmp_path / "test-keyring.json", secrets), "RECEPTION_LOG_LEVEL": "ERROR"}


def dispatch_cmd(db_url: str, hall: Path, mode: str) -> list[str]:
    return [sys.executable, "-m", "reception", "--db", db_url, "--config", str(hall), "dispatch", mode]


# -- dispatcher processes -----------------------------------------------------------------------

#: run by :class:`ForkServer`: imports the application once, then forks a dispatcher process per request
_FORK_SERVER = r"""
import json, os, sys, traceback

import httpx, keyring, sqlalchemy.dialects.sqlite  # what a dispatcher process loads, imported once
import reception.cli, reception.context, reception.dispatch, reception.dispatch.dispatcher
for name in ("psycopg", "sqlalchemy.dialects.postgresql.psycopg", "tests.keyring_backend"):
    try:
        __import__(name)
    except ImportError:
        pass

def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

children = set()
reply({"ready": os.getpid()})
for line in sys.stdin:
    req = json.loads(line)
    if "start" in req:
        pid = os.fork()
        if pid == 0:  # the dispatcher: standard input and output to /dev/null, errors to its own file
            code = 70
            try:
                null = os.open(os.devnull, os.O_RDWR)
                err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(null, 0)
                os.dup2(null, 1)
                os.dup2(err, 2)
                os.close(null)
                os.close(err)
                code = reception.cli.main(req["start"])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc()
            finally:
                for f in (sys.stdout, sys.stderr):
                    try:
                        f.flush()
                    except Exception:
                        pass
                os._exit(code or 0)
        children.add(pid)
        reply({"pid": pid})
    elif "wait" in req:
        _, status = os.waitpid(req["wait"], 0)
        children.discard(req["wait"])
        reply({"returncode": -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)})
for pid in children:  # closed early (a failed test): nothing keeps running
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except OSError:
        pass
"""


class ForkServer:
    """Starts dispatcher processes: each is forked from a server process that imported the application
    once, and runs ``reception.cli.main(args)`` exactly as ``python -m reception ARGS`` would. A process
    is killed with :func:`os.kill`; :meth:`wait` reaps it and returns its exit status (``-9`` after a
    SIGKILL), like ``subprocess.Popen.returncode``."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.folder = folder
        self._log = open(folder / "fork-server.stderr", "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _FORK_SERVER],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self._ask(None)

    def _ask(self, request: dict | None) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if request is not None:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            self._log.flush()
            raise AssertionError("fork server died: " + (self.folder / "fork-server.stderr").read_text()[-2000:])
        return json.loads(line)

    def start(self, args: list[str], stderr: Path) -> int:
        """A new process running ``reception ARGS``; its standard error goes to ``stderr``."""
        return self._ask({"start": args, "stderr": str(stderr)})["pid"]

    def wait(self, pid: int) -> int:
        return self._ask({"wait": pid})["returncode"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def cli_args(db_url: str, hall: Path, mode: str) -> list[str]:
    """``dispatch_cmd`` without the interpreter: the arguments of ``reception``."""
    cmd = dispatch_cmd(db_url, hall, mode)
    assert cmd[1:3] == ["-m", "reception"]
    return cmd[3:]


# -- the run ------------------------------------------------------------------------------------


class CaseMaker:
    """Two labour cases (pushed to hrss and legal_aid) for every neighbour case (manual department)."""

    def __init__(self, ctx, rng: random.Random):
        self.ctx = ctx
        self.rng = rng
        self.n = 0

    def one(self) -> None:
        self.n += 1
        if self.n % 3:
            doc = base_case(self.ctx.config, facts=f"第{self.n}件：包工头拖欠工资{self.rng.randint(1, 99)}千元。")
        else:
            doc = base_case(
                self.ctx.config,
                "mediation",
                category="neighbour",
                subcategory="noise",
                amount=None,
                requests=["停止噪音"],
                facts=f"第{self.n}件：楼上夜间噪音扰邻。",
            )
        register_case(self.ctx, doc)


def outbox_states(ctx) -> Counter:
    with ctx.db.read() as s:
        rows = s.execute(select(OutboxEntry.department, OutboxEntry.state)).all()
    return Counter((d, st) for d, st in rows if d in PUSHED)


def expected_transfers(ctx) -> dict[str, set[str]]:
    with ctx.db.read() as s:
        rows = s.execute(select(Transfer.id, Transfer.department)).all()
    out: dict[str, set[str]] = {code: set() for code in PUSHED}
    for tid, dept in rows:
        if dept in out:
            out[dept].add(tid)
    return out


def pushed_events(ctx) -> Counter:
    """``pushed`` case events per transfer id: the hall records each delivery once."""
    with ctx.db.read() as s:
        details = s.execute(select(CaseEvent.detail).where(CaseEvent.kind == "pushed")).scalars().all()
    return Counter(d["transfer"] for d in details)


def run_crashes(
    ctx,
    db_url: str,
    hall: Path,
    env: dict,
    *,
    kills: int,
    activity: Callable[[], int],
    seed: int = SEED,
    dispatchers: int = 1,
) -> dict:
    """Run ``dispatch --watch`` (``dispatchers`` of them at once), record a few cases, SIGKILL one at a
    random moment and start it again; ``kills`` times. ``activity()`` counts what the department side has
    seen so far: half the kills come at a random moment after the department saw something new, so that
    most of them interrupt real work. With several dispatchers they are killed in turn; those still
    running at the end are killed too (counted in ``kills``)."""
    rng = random.Random(seed)
    maker = CaseMaker(ctx, rng)
    for _ in range(60):  # a backlog, so that the first runs have work
        maker.one()
    args = cli_args(db_url, hall, "--watch")
    errors = [hall.parent / f"dispatcher-{i}.stderr" for i in range(dispatchers)]
    running: list[tuple[int, float] | None] = [None] * dispatchers
    busy = interrupted = done = side_by_side = 0
    started = time.monotonic()
    with ForkServer(env, hall.parent) as forks:
        startup = _startup_time(forks, db_url, hall)

        def kill(i: int) -> None:
            nonlocal interrupted, done
            pid, _ = running[i]
            os.kill(pid, signal.SIGKILL)
            code = forks.wait(pid)
            assert code == -signal.SIGKILL, errors[i].read_text(errors="replace")[-2000:]
            interrupted += claimed_by(ctx, pid) > 0
            running[i] = None
            done += 1

        for k in range(kills - (dispatchers - 1)):
            for i, slot in enumerate(running):
                if slot is None:
                    running[i] = (forks.start(args, errors[i]), time.monotonic())
            victim = k % dispatchers
            t0 = running[victim][1]
            before = activity()
            for _ in range(rng.randint(2, 6)):
                maker.one()
            if rng.random() < 0.5:
                # any moment from late start-up to a few hundred ms of work
                time.sleep(max(0.0, t0 + startup * 0.8 + rng.uniform(0.02, 0.3) - time.monotonic()))
            else:
                # a random moment after the department saw something new
                while activity() == before and time.monotonic() - t0 < 3 * startup + 0.5:
                    time.sleep(0.005)
                time.sleep(rng.uniform(0.0, 0.2))
            busy += activity() > before
            if dispatchers > 1:  # all of them held claims at this moment: they really worked side by side
                live = [slot[0] for slot in running if slot is not None]
                side_by_side += all(claimed_by(ctx, pid) > 0 for pid in live)
            kill(victim)
        for i, slot in enumerate(running):
            if slot is not None:
                kill(i)
    seconds = time.monotonic() - started
    drained = drain(ctx, db_url, hall, env)
    return {
        "kills": done,
        "dispatchers": dispatchers,
        "busy_kills": busy,
        "interrupted": interrupted,
        **({"side_by_side": side_by_side} if dispatchers > 1 else {}),
        "cases": maker.n,
        "startup_s": round(startup, 3),
        "kill_loop_s": round(seconds, 1),
        "drain_runs": drained,
    }


def claimed_by(ctx, pid: int) -> int:
    """Entries the killed dispatcher had claimed and not finished (claim tokens are ``host:pid:random``)."""
    with ctx.db.read() as s:
        rows = s.execute(
            select(OutboxEntry.id).where(OutboxEntry.state == "in_flight", OutboxEntry.claimed_by.like(f"%:{pid}:%"))
        ).all()
    return len(rows)


def _startup_time(forks: ForkServer, db_url: str, hall: Path) -> float:
    """Seconds a ``dispatch --once`` takes with (almost) nothing to do: the dispatcher's start-up."""
    times = []
    err = hall.parent / "startup.stderr"
    for _ in range(2):
        t0 = time.monotonic()
        code = forks.wait(forks.start(cli_args(db_url, hall, "--once"), err))
        times.append(time.monotonic() - t0)
        assert code == 0, err.read_text(errors="replace")[-2000:]
    return min(times)


def drain(ctx, db_url: str, hall: Path, env: dict, *, limit_s: float = 120.0) -> int:
    """``python -m reception dispatch --once`` until no entry of a pushed department is open (leases of
    killed runs expire first)."""
    time.sleep(LEASE_S + 0.1)
    runs = 0
    end = time.monotonic() + limit_s
    while True:
        runs += 1
        done = subprocess.run(dispatch_cmd(db_url, hall, "--once"), cwd=ROOT, env=env, capture_output=True)
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
        states = outbox_states(ctx)
        if not any(st in OPEN_STATES for (_, st) in states):
            return runs
        assert time.monotonic() < end, f"outbox not drained: {states}"
        time.sleep(0.3)


def assert_pushed_once(ctx_events: Counter, expected: dict[str, set[str]]) -> None:
    """The hall recorded one ``pushed`` event per transfer, and none for anything else."""
    want = set().union(*expected.values())
    assert set(ctx_events) == want
    assert [t for t, n in ctx_events.items() if n != 1] == []


# -- http -------------------------------------------------------------------------------------


def _http_run(tmp_path, department_receiver, *, idempotency: bool, kills: int, db_url: str | None = None, **kw):
    receivers = {code: department_receiver(code, idempotency=idempotency, seed=SEED) for code in PUSHED}
    for r in receivers.values():
        r.answer_delay_s = 0.05  # stored, then a slow answer: kills land between the two
    hall = hall_toml(tmp_path, {code: http_transport(r.url) for code, r in receivers.items()})
    db_url = db_url or "sqlite:///" + (tmp_path / "hall.sqlite3").as_posix()
    env = dispatcher_env(tmp_path)
    ctx = open_context(db_url, hall)
    try:
        stats = run_crashes(
            ctx, db_url, hall, env, kills=kills, activity=lambda: sum(r.requests for r in receivers.values()), **kw
        )
        expected = expected_transfers(ctx)
        states = outbox_states(ctx)
        pushed = pushed_events(ctx)
    finally:
        ctx.close()
    stats["max_requests_at_once"] = max(r.max_active for r in receivers.values())
    return receivers, expected, states, stats, pushed


def _assert_each_once(receivers, expected, states, stats, pushed) -> None:
    assert stats["kills"] >= 200
    assert stats["interrupted"] >= stats["kills"] // 4, stats  # the kills really interrupt deliveries
    assert set(st for _, st in states) == {"delivered"}, states
    for code, r in receivers.items():
        got = r.received()
        assert {x.idempotency_key for x in got} == expected[code], code
        assert all(x.count == 1 for x in got), [x for x in got if x.count != 1]
        for x in got[:20]:
            body = r.payload(x.idempotency_key)
            assert (body["transfer"]["id"], body["transfer"]["department"]) == (x.idempotency_key, code)
    assert sum(len(v) for v in expected.values()) >= stats["cases"]  # 2 transfers per labour case
    assert_pushed_once(pushed, expected)


def test_http_dispatcher_killed_200_times_delivers_each_transfer_once(tmp_path, department_receiver):
    receivers, expected, states, stats, pushed = _http_run(tmp_path, department_receiver, idempotency=True, kills=KILLS)
    replays = sum(r.requests for r in receivers.values()) - sum(len(v) for v in expected.values())
    print("http crash run:", stats, dict(states), "requests beyond one per transfer:", replays)
    _assert_each_once(receivers, expected, states, stats, pushed)


def test_http_crash_test_finds_duplicates_without_the_receivers_idempotency(tmp_path, department_receiver):
    """The proof that the test above can fail: receivers that store every POST end up with duplicates."""
    receivers, expected, _states, stats, pushed = _http_run(
        tmp_path, department_receiver, idempotency=False, kills=KILLS
    )
    duplicates = sum(x.count - 1 for r in receivers.values() for x in r.received())
    print("http crash run without idempotency:", stats, "duplicates:", duplicates)
    assert stats["kills"] >= 200
    for code, r in receivers.items():
        assert {x.idempotency_key for x in r.received()} == expected[code], code  # nothing lost either way
    assert duplicates > 0, "no duplicate although the receivers do not deduplicate: the crash test is blind"
    assert_pushed_once(pushed, expected)  # the hall's own record is right either way


@pytest.mark.postgres
def test_http_dispatcher_on_postgresql_killed_200_times_delivers_each_transfer_once(
    tmp_path, department_receiver, pg_url
):
    """The same run with the hall database on PostgreSQL (claims with ``FOR UPDATE SKIP LOCKED``)."""
    result = _http_run(tmp_path, department_receiver, idempotency=True, kills=KILLS, db_url=pg_url)
    print("http crash run on PostgreSQL:", result[3], dict(result[2]))
    _assert_each_once(*result)


@pytest.mark.postgres
def test_two_dispatchers_on_one_postgresql_database_killed_200_times_deliver_each_transfer_once(
    tmp_path, department_receiver, pg_url
):
    """Two workstations sharing one hall database: two dispatchers at once, killed in turn (200 kills in
    all), claiming from the same outbox with ``FOR UPDATE SKIP LOCKED``."""
    result = _http_run(tmp_path, department_receiver, idempotency=True, kills=KILLS, db_url=pg_url, dispatchers=2)
    stats = result[3]
    print("http crash run, two dispatchers on PostgreSQL:", stats, dict(result[2]))
    _assert_each_once(*result)
    # both held claims at once at many of the kills (each claim is its own set of entries: SKIP LOCKED)
    assert stats["side_by_side"] >= 10, stats


# -- folder -----------------------------------------------------------------------------------


def _folder_run(tmp_path, *, dedupe: bool, kills: int):
    inboxes = {code: tmp_path / f"inbox-{code}" for code in PUSHED}
    hall = hall_toml(tmp_path, {code: f'kind = "folder"\ninbox = "{p.as_posix()}"' for code, p in inboxes.items()})
    db_url = "sqlite:///" + (tmp_path / "hall.sqlite3").as_posix()
    env = dispatcher_env(tmp_path)
    consumers = {
        code: FolderConsumer(inbox, tmp_path / f"consumer-{code}.sqlite3", dedupe=dedupe)
        for code, inbox in inboxes.items()
    }
    ctx = open_context(db_url, hall)
    try:
        with contextlib.ExitStack() as running:
            for c in consumers.values():
                running.enter_context(c)
            stats = run_crashes(
                ctx, db_url, hall, env, kills=kills, activity=lambda: sum(c.taken for c in consumers.values())
            )
        for c in consumers.values():
            c.sweep()
        expected = expected_transfers(ctx)
        states = outbox_states(ctx)
        pushed = pushed_events(ctx)
    finally:
        ctx.close()
    stats["files_taken"] = sum(c.taken for c in consumers.values())
    stats["transfers"] = sum(len(v) for v in expected.values())
    # a dispatcher killed while writing leaves its temporary file behind (never a .json)
    stats["orphan_tmp_files"] = sum(1 for inbox in inboxes.values() for p in inbox.glob(".tmp-*.part"))
    left = [p.name for inbox in inboxes.values() for p in inbox.iterdir() if not p.name.startswith(".tmp-")]
    return consumers, expected, states, stats, pushed, left


def test_folder_dispatcher_killed_200_times_delivers_each_transfer_once(tmp_path):
    consumers, expected, states, stats, pushed, left = _folder_run(tmp_path, dedupe=True, kills=KILLS)
    resent = stats["files_taken"] - stats["transfers"]
    print("folder crash run:", stats, dict(states), "files written again after a kill and taken again:", resent)
    assert stats["kills"] >= 200
    assert [p for c in consumers.values() for p in c.problems] == []  # no torn file, resends byte-identical
    assert set(st for _, st in states) == {"delivered"}, states
    for code, c in consumers.items():
        got = c.received()
        assert {x.transfer_id for x in got} == expected[code], code
        assert all(x.count == 1 for x in got), [x for x in got if x.count != 1]
        for x in got[:20]:
            body = c.payload(x.transfer_id)
            assert (body["transfer"]["id"], body["transfer"]["department"]) == (x.transfer_id, code)
    assert left == []  # every transfer file was taken
    assert_pushed_once(pushed, expected)
    # The run really cut deliveries short: a folder write is quick, so fewer kills land inside a claim
    # than with HTTP, but files written again after a kill (and dropped by the dedupe) prove it happened.
    assert stats["interrupted"] >= 10, stats
    assert resent > 0


def test_folder_crash_test_finds_duplicates_without_the_consumers_dedupe(tmp_path):
    """The proof that the test above can fail: consumers that store every file they take end up with
    duplicates — the files a killed dispatcher wrote again."""
    consumers, expected, _states, stats, pushed, left = _folder_run(tmp_path, dedupe=False, kills=KILLS)
    duplicates = sum(x.count - 1 for c in consumers.values() for x in c.received())
    print("folder crash run without dedupe:", stats, "duplicates:", duplicates)
    assert stats["kills"] >= 200
    assert [p for c in consumers.values() for p in c.problems] == []
    for code, c in consumers.items():
        assert {x.transfer_id for x in c.received()} == expected[code], code  # nothing lost either way
    assert left == []
    assert duplicates > 0, "no duplicate although the consumers do not deduplicate: the crash test is blind"
    assert duplicates == stats["files_taken"] - stats["transfers"]
    assert_pushed_once(pushed, expected)
