"""End to end through real parts: cases recorded here, the real ``reception dispatch --once`` process,
the reference department receivers over HTTP on 127.0.0.1, and the department's answers read back.

The dispatcher process reads the department secrets from the test-only file keyring
(``tests/keyring_backend.py``)."""

from __future__ import annotations

import subprocess
import time

from sqlalchemy import select

from reception.context import open_context
from reception.intake import register_case
from reception.storage.models import OutboxEntry, Transfer
from tests import receiver_fixtures
from tests.factories import base_case
from tests.integration.test_dispatch_crash import (
    PUSHED,
    ROOT,
    dispatch_cmd,
    dispatcher_env,
    hall_toml,
    http_transport,
)

department_receiver = receiver_fixtures.department_receiver  # the fixture

POLLING = {"backoff_base_s": 0.05, "backoff_cap_s": 0.5, "lease_s": 1.0, "poll_interval_s": 0.1}


def _once(db_url, hall, env) -> subprocess.CompletedProcess:
    done = subprocess.run(dispatch_cmd(db_url, hall, "--once"), cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_push_replay_and_answers_through_the_cli(tmp_path, department_receiver):
    receivers = {code: department_receiver(code) for code in PUSHED}
    hall = hall_toml(tmp_path, {c: http_transport(r.url) for c, r in receivers.items()}, dispatch=POLLING)
    db_url = "sqlite:///" + (tmp_path / "hall.sqlite3").as_posix()
    env = dispatcher_env(tmp_path)
    ctx = open_context(db_url, hall)
    try:
        receivers["hrss"].fail_next(1, after_store=True)  # stored, answered 500: the retry must be a replay
        receivers["legal_aid"].refuse()  # down at first
        reg = register_case(ctx, base_case(ctx.config))
        _once(db_url, hall, env)
        receivers["legal_aid"].start()
        time.sleep(0.6)  # past the first backoff (≤ 0.05 s) and the status poll interval
        for _ in range(20):
            _once(db_url, hall, env)
            with ctx.db.read() as s:
                states = dict(s.execute(select(OutboxEntry.department, OutboxEntry.state)).all())
            if set(states.values()) == {"delivered"}:
                break
            time.sleep(0.3)
        assert states == {"hrss": "delivered", "legal_aid": "delivered"}
        with ctx.db.read() as s:
            transfers = {t.department: t for t in s.scalars(select(Transfer))}
        for code, r in receivers.items():
            [got] = r.received()
            assert (got.idempotency_key, got.count) == (transfers[code].id, 1)
            body = r.payload(got.idempotency_key)
            assert (body["case_no"], body["transfer"]["department"]) == (reg.case_no, code)
        assert receivers["hrss"].requests >= 2  # the 500 was retried and recognised

        # the department answers; the dispatcher's poll brings it into the case
        ref = receivers["hrss"].queue_ref(transfers["hrss"].id)
        receivers["hrss"].set_status(ref, "accepted", department_case_no="乌人社监〔2025〕17号")
        time.sleep(0.3)
        _once(db_url, hall, env)
        with ctx.db.read() as s:
            t = s.get(Transfer, transfers["hrss"].id)
            assert (t.status, t.department_case_no) == ("accepted", "乌人社监〔2025〕17号")
    finally:
        ctx.close()
