"""The dispatcher's lanes, on SQLite and on PostgreSQL, against the reference receiver
(``tests/department_receiver.py``) on 127.0.0.1: several requests under way at once; a department that
stops answering pauses its lane (its entries stay due, no attempt is counted against those not sent) and
its backlog goes at once when it answers again; entries past the age limit become dead letters even
while nothing can be sent; credentials are read again after a refusal; a status the clerk recorded by
hand first is not recorded again when polled."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from reception.context import open_context
from reception.dispatch import Dispatcher, dead_letters, retry_dead
from reception.intake import register_case
from reception.secrets import set_secret
from reception.storage.models import Case, DispatchAttempt, OutboxEntry, Transfer
from reception.tracking import case_tracking, record_answer
from tests import receiver_fixtures
from tests.factories import base_case
from tests.integration.test_dispatch_crash import PUSHED, hall_toml, http_transport

department_receiver = receiver_fixtures.department_receiver  # the fixture

FAST = {"backoff_base_s": 0.05, "backoff_cap_s": 0.1, "probe_cap_s": 0.2, "lease_s": 30.0, "poll_interval_s": 60.0}


def secrets(token: str = receiver_fixtures.TOKEN) -> None:
    for code in PUSHED:
        set_secret(f"dept-{code}-token", token)
        set_secret(f"dept-{code}-signing-key", receiver_fixtures.SIGNING_KEY)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def lanes_db(request, tmp_path) -> str:
    """Each test on a SQLite file and on the PostgreSQL server the tests start (``pg_url``)."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return "sqlite:///" + (tmp_path / "hall.sqlite3").as_posix()


@pytest.fixture
def hall(tmp_path, lanes_db, department_receiver):
    """hrss (lead of a labour case) and legal_aid (assisting), each behind its own reference receiver."""
    db_url = lanes_db
    receivers = {code: department_receiver(code) for code in PUSHED}
    secrets()

    def make(**dispatch):
        path = hall_toml(tmp_path, {c: http_transport(r.url) for c, r in receivers.items()}, dispatch=FAST | dispatch)
        return open_context(db_url, path)

    ctx = make()
    yield ctx, receivers, make
    ctx.close()


def record_cases(ctx, n: int) -> list[str]:
    return [register_case(ctx, base_case(ctx.config)).case_no for _ in range(n)]


def entries(ctx, department: str) -> list[OutboxEntry]:
    with ctx.db.read() as s:
        return list(s.scalars(select(OutboxEntry).where(OutboxEntry.department == department)))


def attempt_counts(ctx) -> dict[str, int]:
    with ctx.db.read() as s:
        rows = s.execute(select(DispatchAttempt.transfer_id)).scalars().all()
    out: dict[str, int] = {}
    for tid in rows:
        out[tid] = out.get(tid, 0) + 1
    return out


def test_requests_overlap_and_each_transfer_arrives_once(hall):
    ctx, receivers, _ = hall
    record_cases(ctx, 12)
    for r in receivers.values():
        r.answer_delay_s = 0.05
    with Dispatcher(ctx, concurrency=4) as d:
        figures = d.run_once()
    assert figures["hrss"].delivered == 12 and figures["legal_aid"].delivered == 12
    for r in receivers.values():
        got = r.received()
        assert len(got) == 12 and all(x.count == 1 for x in got)
        assert 2 <= r.max_active <= 4
    assert set(attempt_counts(ctx).values()) == {1}


def test_one_request_at_a_time_when_configured(hall):
    _ctx, receivers, make = hall
    one = make(concurrency=1)
    try:
        record_cases(one, 5)
        receivers["hrss"].answer_delay_s = 0.02
        with Dispatcher(one) as d:
            assert d.run_once()["hrss"].delivered == 5
        assert receivers["hrss"].max_active == 1
    finally:
        one.close()


def test_a_department_that_stops_answering_pauses_its_lane_and_its_backlog_goes_when_it_is_back(hall):
    ctx, receivers, _ = hall
    down = receivers["hrss"]
    down.refuse()
    record_cases(ctx, 30)
    before = datetime.now(UTC)
    with Dispatcher(ctx, concurrency=4) as d:
        figures = d.run_once()
        hrss = figures["hrss"]
        # the requests under way fail; the rest of the claim goes back unsent, and the lane stops there
        assert 1 <= hrss.retried <= 4 and hrss.retried + hrss.released == 30 and hrss.delivered == 0
        assert figures["legal_aid"].delivered == 30  # the other lane is not held back
        lane = next(x for x in d.lanes if x.department.code == "hrss")
        assert lane.failures == 1 and lane.paused_until > 0  # a random pause of at most backoff_base_s
        waiting = entries(ctx, "hrss")
        assert {e.state for e in waiting} == {"pending"}
        unsent = [e for e in waiting if e.attempts == 0]
        assert len(unsent) == hrss.released
        assert all(e.next_attempt_at <= before for e in unsent)  # still due: nothing counted against them
        assert all(e.claimed_by is None and e.lease_until is None for e in unsent)
        # while paused, the lane leaves the department alone (even with everything due)
        lane.paused_until = time.monotonic() + 60
        down.start()
        assert d.run_once()["hrss"].delivered == 0 and down.requests == 0
        lane.paused_until = 0.0  # the pause is over
        time.sleep(FAST["backoff_cap_s"])  # the entries that were tried are due again too
        again = d.run_once()["hrss"]
    assert again.delivered == 30 and lane.failures == 0
    assert len(down.received()) == 30 and all(x.count == 1 for x in down.received())


def test_entries_past_the_age_limit_become_dead_letters_while_the_department_is_down(hall):
    _ctx, receivers, make = hall
    short = make(max_age_hours=0.0001)  # 0.36 s
    try:
        record_cases(short, 6)
        receivers["hrss"].refuse()
        time.sleep(0.5)
        with Dispatcher(short, concurrency=2, departments=["hrss"]) as d:
            figures = d.run_once()["hrss"]
        assert figures.dead == 6 and figures.released == 0
        letters = dead_letters(short, "hrss")
        assert len(letters) == 6
        assert all("not delivered within" in x.reason and "ConnectError" in x.reason for x in letters)
        assert sum(1 for x in letters if "not sent" in x.reason) == 4  # two were tried, four never sent
    finally:
        short.close()


def test_credentials_are_read_again_after_a_refusal(hall):
    ctx, receivers, _ = hall
    secrets(token="a-stale-token")
    (_case_no,) = record_cases(ctx, 1)
    with Dispatcher(ctx, departments=["hrss"]) as d:
        assert d.run_once()["hrss"].dead == 1
        (letter,) = dead_letters(ctx, "hrss")
        assert "HTTP 401" in letter.reason
        secrets()  # the clerk's IT contact stores the right token …
        retry_dead(ctx, letter.transfer_id, "clerk")  # … and the clerk retries: the same lane, at once
        assert d.run_once()["hrss"].delivered == 1
    assert [x.idempotency_key for x in receivers["hrss"].received()] == [letter.transfer_id]


def _make_polls_due(ctx) -> None:
    with ctx.db.write() as s:
        s.execute(
            update(Transfer)
            .where(Transfer.next_poll_at.is_not(None))
            .values(next_poll_at=datetime.now(UTC) - timedelta(seconds=1))
        )


def test_an_answer_recorded_by_hand_is_not_recorded_again_when_the_department_reports_it(hall):
    ctx, receivers, _ = hall
    (case_no,) = record_cases(ctx, 1)
    with Dispatcher(ctx, departments=["hrss"]) as d:
        assert d.run_once()["hrss"].delivered == 1
        record_answer(
            ctx,
            case_no,
            department="hrss",
            kind="accepted",
            text="电话告知已受理",
            department_case_no="人社7",
            user="clerk",
        )
        (key,) = [x.idempotency_key for x in receivers["hrss"].received()]
        ref = receivers["hrss"].queue_ref(key)
        receivers["hrss"].set_status(ref, "accepted", department_case_no="人社7")
        _make_polls_due(ctx)
        assert d.run_once()["hrss"].answers == 0
        receivers["hrss"].set_status(ref, "in-progress", reason="已约谈用工单位")
        _make_polls_due(ctx)
        assert d.run_once()["hrss"].answers == 1
        receivers["hrss"].set_status(ref, "accepted")  # a department's status going back is not news
        _make_polls_due(ctx)
        assert d.run_once()["hrss"].answers == 0
    kinds = [e.kind for e in case_tracking(ctx, case_no).timeline]
    assert kinds.count("acknowledged") == 1 and kinds.count("progress") == 1
    with ctx.db.read() as s:
        t = s.scalars(
            select(Transfer)
            .join(Case, Case.id == Transfer.case_id)
            .where(Case.case_no == case_no, Transfer.department == "hrss")
        ).one()
    assert (t.status, t.remote_status) == ("in_progress", "accepted")


def test_polling_stops_at_the_first_status_that_cannot_be_read(hall):
    ctx, receivers, _ = hall
    record_cases(ctx, 5)
    with Dispatcher(ctx, departments=["hrss"]) as d:
        assert d.run_once()["hrss"].delivered == 5
        receivers["hrss"].refuse()
        _make_polls_due(ctx)
        figures = d.run_once()["hrss"]
    assert figures.polled == 1 and "network" in figures.last_error
    with ctx.db.read() as s:
        due = s.scalars(
            select(Transfer.id).where(Transfer.department == "hrss", Transfer.next_poll_at <= datetime.now(UTC))
        ).all()
    assert len(due) == 4  # the others are asked next round


def test_a_claim_is_no_bigger_than_the_lease_can_cover(hall):
    """With 2 s timeouts and a 10 s lease, a lane claims 4 rounds of 4 requests: even if each one timed
    out, the claim would be sent before its lease ran out."""
    _ctx, receivers, make = hall
    short = make(lease_s=10.0, concurrency=4)
    try:
        record_cases(short, 20)
        with Dispatcher(short, departments=["hrss"]) as d:
            (lane,) = d.lanes
            assert lane.claim_size == 16
            assert d.run_once()["hrss"].delivered == 20  # in two claims
    finally:
        short.close()
    assert len(receivers["hrss"].received()) == 20
