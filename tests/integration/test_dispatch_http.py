"""Pushing over HTTP to the reference department receiver (``tests/department_receiver.py``) on 127.0.0.1:
answer codes, the wire contract, timeouts and refused connections, leases, dead letters, lanes, polling
and the command line. Faults come from the receiver's own fault-injection knobs."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from reception.cli import main
from reception.context import open_context
from reception.dispatch import Dispatcher, dead_letters, reroute, retry_dead
from reception.dispatch.outbox import NotDeadLetter, Sent, bodies, claim, record
from reception.dispatch.transports import HttpTransport, SendResult, sign
from reception.errors import ValidationFailed
from reception.intake import register_case
from reception.secrets import delete_secret, set_secret
from reception.storage.models import AuditRecord, Case, CaseEvent, DispatchAttempt, OutboxEntry, Transfer
from reception.tracking import case_tracking
from tests import receiver_fixtures
from tests.dispatch_helpers import hall_with, http_transport, store_secrets
from tests.factories import base_case
from tests.receiver_fixtures import SIGNING_KEY, TOKEN

department_receiver = receiver_fixtures.department_receiver  # the fixture

#: a labour case (tests/factories.base_case): hrss leads, legal_aid assists
DEPARTMENTS = ("hrss", "legal_aid")
FAST = "[dispatch]\nbackoff_base_s = 0.01\nbackoff_cap_s = 0.02\n"


def make_ctx(tmp_path, db_url, transports: dict[str, str], extra: str = ""):
    return open_context(db_url, hall_with(tmp_path, transports, extra))


@pytest.fixture
def receivers(department_receiver):
    """One reference receiver per department."""
    return {code: department_receiver(code) for code in DEPARTMENTS}


@pytest.fixture
def ctx2(tmp_path, db_url, receivers):
    """hrss (lead of the factory's labour case) and legal_aid (assisting), each behind its own receiver."""
    store_secrets(*DEPARTMENTS)
    c = make_ctx(tmp_path, db_url, {code: http_transport(r.url) for code, r in receivers.items()}, FAST)
    yield c
    c.close()


def new_case(ctx) -> str:
    return register_case(ctx, base_case(ctx.config)).case_no


def transfers(ctx, case_no) -> dict[str, Transfer]:
    with ctx.db.read() as s:
        cid = s.execute(select(Case.id).where(Case.case_no == case_no)).scalar_one()
        return {t.department: t for t in s.scalars(select(Transfer).where(Transfer.case_id == cid))}


def entries(ctx) -> dict[str, OutboxEntry]:
    with ctx.db.read() as s:
        return {o.transfer_id: o for o in s.scalars(select(OutboxEntry))}


def events(ctx, kind: str) -> list[CaseEvent]:
    with ctx.db.read() as s:
        return list(s.scalars(select(CaseEvent).where(CaseEvent.kind == kind).order_by(CaseEvent.id)))


def attempts(ctx) -> list[DispatchAttempt]:
    with ctx.db.read() as s:
        return list(s.scalars(select(DispatchAttempt).order_by(DispatchAttempt.id)))


def keys(receiver) -> list[str]:
    return [x.idempotency_key for x in receiver.received()]


def run(ctx, **kw):
    with Dispatcher(ctx, **kw) as d:
        return d.run_once()


# -- the transport against the receiver ------------------------------------------------------------------


@pytest.fixture
def court(department_receiver):
    return department_receiver("court")


def court_transport(tmp_path, receiver, **extra) -> HttpTransport:
    ctx = make_ctx(
        tmp_path, "sqlite:///" + str(tmp_path / "x.sqlite3"), {"court": http_transport(receiver.url, **extra)}
    )
    try:
        return HttpTransport(ctx.config.departments["court"])
    finally:
        ctx.close()


@pytest.fixture
def transport(tmp_path, court):
    store_secrets("court")
    t = court_transport(tmp_path, court)
    yield t
    t.close()


@pytest.mark.parametrize(
    ("code", "outcome", "credentials"),
    [
        (409, "retry", False),
        (422, "dead", False),
        (401, "dead", True),
        (403, "dead", True),
        (429, "retry", False),
        (500, "retry", False),
        (502, "retry", False),
        (503, "retry", False),
        (400, "dead", False),
        (404, "dead", False),
        (413, "dead", False),
    ],
)
def test_answer_codes(court, transport, code, outcome, credentials):
    court.answer_next(code, f"scripted {code}")
    r = transport.send(str(uuid.uuid4()), b"{}")
    assert (r.outcome, r.http_status, r.credentials) == (outcome, code, credentials)
    assert f"HTTP {code}: scripted {code}" in r.error
    assert court.requests == 1 and court.received() == []


def test_a_success_without_a_queue_ref_is_retried(court, transport):
    court.answer_next(201, body={"status": "received"})
    r = transport.send(str(uuid.uuid4()), b"{}")
    assert (r.outcome, r.http_status, r.error) == ("retry", 201, "HTTP 201 without a queue_ref")


def _processing(receiver) -> int:
    with sqlite3.connect(receiver.db_path) as db:
        return db.execute("SELECT count(*) FROM transfers WHERE state = 'processing'").fetchone()[0]


def test_the_receivers_own_answers_are_classified(court, transport):
    """Not scripted: the receiver's real checks (forbidden, 429 with Retry-After, a 500, a refused payload,
    the same key while the first request is still being processed)."""
    body = b'{"transfer": {"id": "x"}}'
    court.forbidden = True
    r = transport.send(str(uuid.uuid4()), body)
    assert (r.outcome, r.http_status, r.credentials) == ("dead", 403, True)
    assert "may not submit" in r.error and "credentials refused" in r.error
    court.forbidden = False
    court.retry_after = 7
    r = transport.send(str(uuid.uuid4()), body)
    assert (r.outcome, r.http_status) == ("retry", 429)
    court.retry_after = None
    court.fail_next(1)
    r = transport.send(str(uuid.uuid4()), body)
    assert (r.outcome, r.http_status) == ("retry", 500) and "injected" in r.error
    court.refuse_payloads(lambda payload: "本部门不受理该类事项")
    r = transport.send(str(uuid.uuid4()), body)
    assert (r.outcome, r.http_status, r.error) == ("dead", 422, "HTTP 422: 本部门不受理该类事项")
    court.refuse_payloads(None)
    assert court.received() == []
    # the same key while the first request is being processed: 409, retried later
    court.processing_s = 1.0
    key = str(uuid.uuid4())
    first: list[SendResult] = []
    t = threading.Thread(target=lambda: first.append(transport.send(key, body)))
    t.start()
    try:
        deadline = time.monotonic() + 10
        while _processing(court) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        r = transport.send(key, body)
    finally:
        t.join()
    assert (r.outcome, r.http_status) == ("retry", 409) and "still being processed" in r.error
    assert first[0].http_status == 201 and keys(court) == [key]


def test_created_then_replayed_and_the_wire_contract(court, transport):
    key = str(uuid.uuid4())
    body = b'{"a":1}'
    first = transport.send(key, body)
    again = transport.send(key, body)
    assert (first.outcome, first.http_status, first.replayed) == ("delivered", 201, False)
    assert (again.outcome, again.http_status, again.replayed) == ("delivered", 200, True)
    # the receiver checked the bearer token, the timestamp window and the signature of the raw bytes
    # (it refuses anything else with 401, see below) and keyed the transfer by Idempotency-Key
    (got,) = court.received()
    assert (got.idempotency_key, got.count, got.queue_refs) == (key, 1, (first.queue_ref,))
    assert got.payload_sha256 == hashlib.sha256(body).hexdigest() and court.payload(key) == {"a": 1}
    assert first.queue_ref == again.queue_ref
    other = transport.send(key, b'{"a":2}')
    assert (other.outcome, other.http_status) == ("dead", 422) and "different payload" in other.error
    assert sign(SIGNING_KEY.encode(), "1700000000", body) == (
        "sha256=" + hmac.new(SIGNING_KEY.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    )
    status = transport.poll(key, first.queue_ref)
    assert status.status == "received" and status.queue_ref == first.queue_ref
    assert transport.poll(key, "QUNKNOWN") is None  # 404: nothing (yet)


def test_timeout_and_refused_connection_are_retried(tmp_path, court, department_receiver):
    store_secrets("court")
    down = department_receiver("down")
    slow = court_transport(tmp_path, court, timeout_s=0.3)
    refused = court_transport(tmp_path, down)
    down.refuse()
    try:
        court.hang = True  # the department never answers
        r = slow.send(str(uuid.uuid4()), b"{}")
        assert r.outcome == "retry" and r.error.startswith("timeout")
        court.hang = False
        r = refused.send(str(uuid.uuid4()), b"{}")
        assert r.outcome == "retry" and r.error.startswith("network: ConnectError")
    finally:
        slow.close()
        refused.close()
    assert court.received() == []


@pytest.mark.parametrize(
    ("secret", "reason"),
    [("token", "invalid or missing bearer token"), ("signing-key", "bad signature")],
)
def test_wrong_credentials_are_a_dead_letter_with_credentials_flagged(tmp_path, db_url, receivers, secret, reason):
    store_secrets(*DEPARTMENTS)
    set_secret(f"dept-hrss-{secret}", "not-the-right-one")
    ctx = make_ctx(tmp_path, db_url, {"hrss": http_transport(receivers["hrss"].url)})
    try:
        case_no = new_case(ctx)
        figures = run(ctx)
        assert figures["hrss"].dead == 1
        t = transfers(ctx, case_no)["hrss"]
        assert t.status == "failed"
        (letter,) = dead_letters(ctx)
        assert letter.transfer_id == t.id
        assert letter.reason == f"HTTP 401: {reason} (credentials refused)"
        (ev,) = events(ctx, "push_failed")
        assert ev.detail["credentials"] is True
        assert TOKEN not in json.dumps(ev.detail) and "not-the-right-one" not in json.dumps(ev.detail)
        assert receivers["hrss"].received() == []
    finally:
        ctx.close()


# -- the dispatcher --------------------------------------------------------------------------------------


def test_run_once_delivers_each_transfer_once_with_its_id_as_key(ctx2, receivers):
    case_no = new_case(ctx2)
    figures = run(ctx2)
    assert (figures["hrss"].delivered, figures["legal_aid"].delivered) == (1, 1)
    t = transfers(ctx2, case_no)
    for dept, x in t.items():
        (got,) = receivers[dept].received()
        assert (got.idempotency_key, got.count) == (x.id, 1)
        assert x.status == "received" and x.queue_ref == got.queue_refs[0]
        body = receivers[dept].payload(x.id)
        assert body["transfer"]["id"] == x.id and body["transfer"]["department"] == dept
    o = entries(ctx2)
    assert {e.state for e in o.values()} == {"delivered"} and all(e.delivered_at for e in o.values())
    assert [a.outcome for a in attempts(ctx2)] == ["delivered", "delivered"]
    pushed = events(ctx2, "pushed")
    assert len(pushed) == 2 and {e.actor for e in pushed} == {"dispatcher"}
    with ctx2.db.read() as s:
        assert s.scalar(select(func.count()).where(AuditRecord.action == "transfer.push")) == 2
    assert [e.kind for e in case_tracking(ctx2, case_no).timeline].count("pushed") == 2
    # nothing more to do
    again = run(ctx2)
    assert again["hrss"].delivered == 0 and sum(r.requests for r in receivers.values()) == 2


def test_retry_then_delivered(ctx2, receivers):
    new_case(ctx2)
    for r in receivers.values():
        r.answer_next(503, "maintenance")
    figures = run(ctx2)
    assert figures["hrss"].retried + figures["legal_aid"].retried == 2
    o = list(entries(ctx2).values())
    assert {e.state for e in o} == {"pending"} and all(e.last_error == "HTTP 503: maintenance" for e in o)
    with ctx2.db.write() as s:  # backoff is at most 0.02 s here; make them due without sleeping
        s.execute(update(OutboxEntry).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
    figures = run(ctx2)
    assert figures["hrss"].delivered + figures["legal_aid"].delivered == 2
    assert [a.outcome for a in attempts(ctx2)].count("retry") == 2
    assert len(events(ctx2, "pushed")) == 2
    assert all(x.count == 1 for r in receivers.values() for x in r.received())


def test_expired_lease_resends_with_the_same_key_and_no_duplicate(ctx2, receivers):
    """A dispatcher killed after sending but before recording: the lease runs out, the entry is resent with
    the same Idempotency-Key and the same body; the receiver answers 200 (replay), nothing is duplicated."""
    case_no = new_case(ctx2)
    now = datetime.now(UTC)
    claims = claim(ctx2, "hrss", "killed-worker", limit=10, now=now)
    assert len(claims) == 1
    body = bodies(ctx2, claims)[claims[0].transfer_id]
    t = HttpTransport(ctx2.config.departments["hrss"])
    try:
        assert t.send(claims[0].transfer_id, body).http_status == 201  # sent... then the process died
    finally:
        t.close()
    # while the lease holds, nobody takes the entry
    assert claim(ctx2, "hrss", "other", limit=10, now=now) == []
    with ctx2.db.write() as s:  # the lease (60 s) runs out
        s.execute(update(OutboxEntry).values(lease_until=datetime.now(UTC) - timedelta(seconds=1)))
    figures = run(ctx2, departments=["hrss"])
    assert figures["hrss"].delivered == 1
    tid = transfers(ctx2, case_no)["hrss"].id
    hrss = receivers["hrss"]
    # two POSTs with the same key; the second was a replay of the same bytes (other bytes would get 422)
    (got,) = hrss.received()
    assert hrss.requests == 2 and (got.idempotency_key, got.count) == (tid, 1)
    assert got.payload_sha256 == hashlib.sha256(body).hexdigest()
    assert [a.outcome for a in attempts(ctx2)] == ["replayed"]
    assert len(events(ctx2, "pushed")) == 1


def test_a_stale_claim_cannot_record_over_a_new_one(ctx2):
    new_case(ctx2)
    now = datetime.now(UTC)
    (old,) = claim(ctx2, "hrss", "a", limit=1, now=now)
    with ctx2.db.write() as s:
        s.execute(update(OutboxEntry).values(lease_until=now - timedelta(seconds=1)))
    (new,) = claim(ctx2, "hrss", "b", limit=1, now=now)
    counts = record(ctx2, [Sent(old, SendResult("delivered", 201, "Q-1"), 5, now)], now=now, poll_after=None)
    assert counts["lost_lease"] == 1 and counts["delivered"] == 0
    counts = record(ctx2, [Sent(new, SendResult("delivered", 201, "Q-1"), 5, now)], now=now, poll_after=None)
    assert counts["delivered"] == 1 and len(events(ctx2, "pushed")) == 1


def test_missing_secret_is_a_dead_letter_naming_it(ctx2, receivers):
    delete_secret("dept-hrss-signing-key")
    case_no = new_case(ctx2)
    figures = run(ctx2)
    assert figures["hrss"].dead == 1 and figures["legal_aid"].delivered == 1
    (letter,) = dead_letters(ctx2)
    assert letter.case_no == case_no and letter.department == "hrss"
    assert "credentials missing" in letter.reason and "dept-hrss-signing-key" in letter.reason
    assert receivers["hrss"].requests == 0  # nothing was sent without a signature
    # the clerk stores the secret and retries: delivered with the same transfer id
    store_secrets("hrss")
    retry_dead(ctx2, letter.transfer_id, "李晓梅")
    assert transfers(ctx2, case_no)["hrss"].status == "requested"
    assert run(ctx2)["hrss"].delivered == 1
    assert keys(receivers["hrss"]) == [letter.transfer_id]
    assert [e.actor for e in events(ctx2, "push_retried")] == ["李晓梅"]
    with pytest.raises(NotDeadLetter):
        retry_dead(ctx2, letter.transfer_id, "x")


def test_refused_then_rerouted(ctx2, receivers):
    case_no = new_case(ctx2)
    receivers["hrss"].refuse_payloads(lambda payload: "不属于本部门受理范围")
    run(ctx2, departments=["hrss"])
    (letter,) = dead_letters(ctx2)
    assert letter.reason == "HTTP 422: 不属于本部门受理范围"
    with pytest.raises(ValidationFailed):
        reroute(ctx2, letter.transfer_id, "no_such_dept", "改派理由", "x")
    with pytest.raises(ValidationFailed):
        reroute(ctx2, letter.transfer_id, "labour_arbitration", "", "x")
    new_id = reroute(ctx2, letter.transfer_id, "labour_arbitration", "属劳动争议，改派仲裁院", "李晓梅")
    t = transfers(ctx2, case_no)
    assert t["hrss"].status == "cancelled" and t["labour_arbitration"].id == new_id
    assert t["labour_arbitration"].role == "lead"
    o = entries(ctx2)
    assert o[letter.transfer_id].state == "cancelled" and o[new_id].state == "pending"
    assert dead_letters(ctx2) == []
    with ctx2.db.read() as s:
        assert s.execute(select(Case.department).where(Case.case_no == case_no)).scalar_one() == "labour_arbitration"
        assert s.scalar(select(func.count()).where(AuditRecord.action == "transfer.reroute")) == 1
    (ev,) = events(ctx2, "rerouted")
    assert ev.detail["from"] == "hrss" and ev.detail["department"] == "labour_arbitration"
    assert receivers["hrss"].received() == []


def test_age_limit_makes_a_dead_letter(ctx2, receivers):
    new_case(ctx2)
    with ctx2.db.write() as s:
        s.execute(update(OutboxEntry).values(created_at=datetime.now(UTC) - timedelta(hours=73)))
    for r in receivers.values():
        r.fail_next(1)
    figures = run(ctx2)
    assert figures["hrss"].dead + figures["legal_aid"].dead == 2
    letters = dead_letters(ctx2)
    assert len(letters) == 2
    assert all("not delivered within 72 h; last error: HTTP 500" in d.reason for d in letters)


def test_lanes_are_independent(ctx2, receivers):
    """hrss is down (refused connections); legal_aid's lane drains regardless."""
    receivers["hrss"].refuse()
    for _ in range(5):
        new_case(ctx2)
    figures = run(ctx2)
    assert figures["legal_aid"].delivered == 5 and len(receivers["legal_aid"].received()) == 5
    # hrss: the sends under way (concurrency 4) fail; the lane gives the rest of its claim back unsent and
    # pauses (here at most 0.01 s: it may try what it gave back once more in the same run)
    hrss = figures["hrss"]
    assert hrss.delivered == 0 and hrss.retried >= 4 and hrss.released >= 1
    assert hrss.last_error.startswith("network: ConnectError")
    states = {(e.department, e.state) for e in entries(ctx2).values()}
    assert states == {("legal_aid", "delivered"), ("hrss", "pending")}
    tried = [e.attempts for e in entries(ctx2).values() if e.department == "hrss"]
    assert max(tried) == 1 and sum(tried) == hrss.retried  # each entry tried at most once in a run


# -- answers back ----------------------------------------------------------------------------------------


def _due_and_run(ctx):
    with ctx.db.write() as s:
        s.execute(
            update(Transfer)
            .where(Transfer.next_poll_at.is_not(None))
            .values(next_poll_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    return run(ctx)


def test_polling_maps_statuses_to_events_once(ctx2, receivers):
    case_no = new_case(ctx2)
    run(ctx2)
    hrss = transfers(ctx2, case_no)["hrss"]
    assert hrss.next_poll_at is not None and hrss.remote_status == "received"
    dept = receivers["hrss"]

    dept.set_status(hrss.queue_ref, "accepted", department_case_no="乌人社监字第7号")
    assert _due_and_run(ctx2)["hrss"].answers == 1
    assert _due_and_run(ctx2)["hrss"].answers == 0  # the same status is not recorded twice
    dept.set_status(hrss.queue_ref, "in-progress", reason="已约谈用工单位")
    assert _due_and_run(ctx2)["hrss"].answers == 1
    dept.set_status(hrss.queue_ref, "completed", outcome="工资已全额支付")
    _due_and_run(ctx2)
    _due_and_run(ctx2)
    tr = case_tracking(ctx2, case_no)
    kinds = [e.kind for e in tr.timeline]
    assert kinds.count("acknowledged") == 1 and kinds.count("progress") == 1 and kinds.count("concluded") == 1
    answers = [e for e in tr.timeline if e.kind in ("acknowledged", "progress", "concluded")]
    assert {e.actor for e in answers} == {"dispatcher"}
    hrss = transfers(ctx2, case_no)["hrss"]
    assert (hrss.status, hrss.outcome, hrss.department_case_no) == ("completed", "工资已全额支付", "乌人社监字第7号")
    assert hrss.next_poll_at is None  # polling stopped
    assert _due_and_run(ctx2)["hrss"].polled == 0


def test_a_rejection_returns_the_case_to_the_clerk(ctx2, receivers):
    case_no = new_case(ctx2)
    run(ctx2)
    ref = transfers(ctx2, case_no)["hrss"].queue_ref
    receivers["hrss"].set_status(ref, "rejected", reason="材料不全")
    with ctx2.db.write() as s:
        s.execute(update(Transfer).values(next_poll_at=datetime.now(UTC) - timedelta(seconds=1)))
    run(ctx2)
    tr = case_tracking(ctx2, case_no)
    assert tr.status == "returned"
    (ret,) = [e for e in tr.timeline if e.kind == "returned"]
    assert "材料不全" in ret.summary("zh")
    t = transfers(ctx2, case_no)["hrss"]
    assert (t.status, t.reason, t.next_poll_at) == ("rejected", "材料不全", None)
    reroute(ctx2, t.id, "labour_arbitration", "改派劳动仲裁", "x")
    assert case_tracking(ctx2, case_no).status == "routed"


def test_run_forever_retries_when_due_and_stops(ctx2, receivers):
    """--watch: a lane sleeps only until its next retry is due (here ~0.02 s, not the 30 s interval)."""
    new_case(ctx2)
    receivers["hrss"].answer_next(503)
    stop = threading.Event()
    d = Dispatcher(ctx2)
    t = threading.Thread(target=d.run_forever, args=(stop, 30.0))
    t.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and {e.state for e in entries(ctx2).values()} != {"delivered"}:
            time.sleep(0.05)
    finally:
        stop.set()
        t.join()
        d.close()
    assert {e.state for e in entries(ctx2).values()} == {"delivered"}
    assert sorted(a.outcome for a in attempts(ctx2)) == ["delivered", "delivered", "retry"]
    assert [x.count for r in receivers.values() for x in r.received()] == [1, 1]


# -- the command line ------------------------------------------------------------------------------------


def test_cli_dispatch_departments_deadletters_retry_reroute(tmp_path, db_url, capsys, monkeypatch, receivers, cli_as):
    hall = hall_with(tmp_path, {code: http_transport(r.url) for code, r in receivers.items()})
    cli_as()  # deadletters, retry and reroute are a clerk's; dispatch, departments and secret are not a person's
    base = ["--db", db_url, "--config", str(hall), "--lang", "en"]
    # only the token is stored (read from standard input): the signing key is missing
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    assert main([*base, "secret", "set", "dept-hrss-token"]) == 0
    store_secrets("legal_aid")
    ctx = open_context(db_url, hall)
    try:
        case_no = register_case(ctx, base_case(ctx.config)).case_no
    finally:
        ctx.close()
    capsys.readouterr()
    assert main([*base, "dispatch", "--once", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["legal_aid"]["delivered"] == 1 and figures["hrss"]["dead"] == 1  # no signing key
    assert main([*base, "departments", "--json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["hrss"]["transport"] == "http" and rows["hrss"]["dead_letters"] == 1
    assert "dept-hrss-signing-key" in rows["hrss"]["last_error"]
    assert rows["court"]["transport"] == "manual" and not rows["court"]["configured"]
    assert main([*base, "departments"]) == 0
    assert "not configured" in capsys.readouterr().out
    assert main([*base, "deadletters", "--json"]) == 0
    (letter,) = json.loads(capsys.readouterr().out)
    assert letter["case_no"] == case_no and letter["department"] == "hrss"
    monkeypatch.setattr("sys.stdin", io.StringIO(SIGNING_KEY + "\n"))
    assert main([*base, "secret", "set", "dept-hrss-signing-key"]) == 0
    assert main([*base, "retry", letter["transfer_id"]]) == 0
    assert main([*base, "dispatch"]) == 0
    assert keys(receivers["hrss"]) == [letter["transfer_id"]]
    capsys.readouterr()
    assert main([*base, "retry", letter["transfer_id"]]) == 1
    assert "not a dead letter" in capsys.readouterr().err
    code = main([*base, "reroute", letter["transfer_id"], "--department", "nope", "--reason", "理由充分"])
    assert code == 2
    code = main([*base, "reroute", letter["transfer_id"], "--department", "labour_arbitration", "--reason", "改派仲裁"])
    assert code == 0 and "new transfer" in capsys.readouterr().out


def test_polling_stops_when_the_case_is_closed(ctx2, receivers):
    """Closing a case stops asking the departments for its transfers' statuses."""
    from reception.tracking import close_case

    case_no = new_case(ctx2)
    with Dispatcher(ctx2) as d:
        d.run_once()
    close_case(ctx2, case_no, outcome="resolved", satisfaction="satisfied", user="clerk")
    for _ in range(2):
        with ctx2.db.write() as s:
            s.execute(
                update(Transfer)
                .where(Transfer.next_poll_at.is_not(None))
                .values(next_poll_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        with Dispatcher(ctx2) as d:
            polled = d.run_once()["hrss"].polled
    with ctx2.db.read() as s:
        left = s.scalars(select(Transfer.next_poll_at).where(Transfer.department == "hrss")).all()
    assert polled == 0 and left == [None]
