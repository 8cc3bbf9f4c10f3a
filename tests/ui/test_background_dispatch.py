"""The desk pushes cases in the background: the same lanes as ``reception dispatch``, to a real department
receiver on 127.0.0.1; with no transport configured nothing starts."""

from __future__ import annotations

import time

import keyring
from sqlalchemy import select

from reception.context import open_context
from reception.intake import register_case
from reception.storage.models import OutboxEntry, Transfer
from tests import receiver_fixtures
from tests.factories import base_case
from tests.integration.test_dispatch_crash import PUSHED, hall_toml, http_transport
from tests.receiver_fixtures import SIGNING_KEY, TOKEN
from ui.dispatch import BackgroundDispatcher

department_receiver = receiver_fixtures.department_receiver  # the fixture

FAST = {"backoff_base_s": 0.05, "backoff_cap_s": 0.5, "lease_s": 1.0, "poll_interval_s": 3600}


def test_nothing_starts_without_a_transport(qapp, ctx):
    d = BackgroundDispatcher(ctx)
    assert d.start() is False
    assert not d.running
    d.stop()


def test_cases_reach_their_departments_while_the_desk_runs(qapp, tmp_path, department_receiver):
    receivers = {code: department_receiver(code) for code in PUSHED}
    hall = hall_toml(tmp_path, {c: http_transport(r.url) for c, r in receivers.items()}, dispatch=FAST)
    for code in PUSHED:  # the in-memory keyring of tests/conftest.py, as Credential Manager on the desk
        keyring.set_password("reception-desk", f"dept-{code}-token", TOKEN)
        keyring.set_password("reception-desk", f"dept-{code}-signing-key", SIGNING_KEY)
    ctx = open_context("sqlite:///" + (tmp_path / "hall.sqlite3").as_posix(), hall)
    d = BackgroundDispatcher(ctx, interval_s=0.2)
    try:
        assert d.start() is True
        assert sorted(d.lanes) == sorted(PUSHED)
        reg = register_case(ctx, base_case(ctx.config))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with ctx.db.read() as s:
                states = set(s.scalars(select(OutboxEntry.state)))
            if states == {"delivered"}:
                break
            time.sleep(0.1)
        assert states == {"delivered"}
        with ctx.db.read() as s:
            ids = {t.department: t.id for t in s.scalars(select(Transfer).where(Transfer.case_id == reg.case_id))}
        for code, r in receivers.items():
            [got] = r.received()
            assert (got.idempotency_key, got.count) == (ids[code], 1)
    finally:
        d.stop()
        assert not d.running
        ctx.close()
