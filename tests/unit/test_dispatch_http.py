"""Pushing over HTTP against a real server on 127.0.0.1: answer codes, leases, dead letters, lanes, polling."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from reception.context import open_context
from reception.dispatch import Dispatcher, dead_letters, reroute, retry_dead
from reception.dispatch.outbox import NotDeadLetter, bodies, claim
from reception.dispatch.transports import HttpTransport, sign
from reception.errors import ValidationFailed
from reception.intake import register_case
from reception.secrets import delete_secret
from reception.storage.models import AuditRecord, Case, CaseEvent, DispatchAttempt, OutboxEntry, Transfer
from reception.tracking import case_tracking
from tests.factories import base_case
from tests.unit.dispatch_support import KEY, TOKEN, DeptServer, free_port, hall_with, http_transport, store_secrets


@pytest.fixture
def server():
    s = DeptServer()
    yield s
    s.stop()


@pytest.fixture
def other():
    s = DeptServer()
    yield s
    s.stop()


def make_ctx(tmp_path, db_url, transports: dict[str, str], extra: str = ""):
    return open_context(db_url, hall_with(tmp_path, transports, extra))


@pytest.fixture
def ctx2(tmp_path, db_url, server):
    """hrss (lead of the factory's petition) and legal_aid (assisting) on the same local server."""
    store_secrets("hrss", "legal_aid")
    c = make_ctx(
        tmp_path,
        db_url,
        {"hrss": http_transport(server.url), "legal_aid": http_transport(server.url)},
        "[dispatch]\nbackoff_base_s = 0.01\nbackoff_cap_s = 0.02\n",
    )
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


def run(ctx, **kw):
    with Dispatcher(ctx, **kw) as d:
        return d.run_once()


# -- answer codes --------------------------------------------------------------------------------------


@pytest.fixture
def transport(tmp_path, config, server):
    store_secrets("court")
    ctx = make_ctx(tmp_path, "sqlite:///" + str(tmp_path / "x.sqlite3"), {"court": http_transport(server.url)})
    t = HttpTransport(ctx.config.departments["court"])
    ctx.close()
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
def test_answer_codes(server, transport, code, outcome, credentials):
    server.script.append((code, {"reason": f"scripted {code}"}))
    r = transport.send("t-1", b"{}")
    assert (r.outcome, r.http_status, r.credentials) == (outcome, code, credentials)
    assert f"HTTP {code}: scripted {code}" in r.error


def test_created_then_replayed_and_the_wire_contract(server, transport):
    body = b'{"a":1}'
    first = transport.send("key-1", body)
    again = transport.send("key-1", body)
    assert (first.outcome, first.http_status, first.replayed) == ("delivered", 201, False)
    assert (again.outcome, again.http_status, again.replayed) == ("delivered", 200, True)
    assert first.queue_ref == again.queue_ref and len(server.accepted) == 1
    other = transport.send("key-1", b'{"a":2}')
    assert (other.outcome, other.http_status) == ("dead", 422) and "different payload" in other.error
    # the server checked the token and the signature (a wrong one gives 401, see below)
    assert sign(KEY.encode(), "1700000000", body) == (
        "sha256=" + hmac.new(KEY.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    )
    status = transport.poll("key-1", first.queue_ref)
    assert status.status == "received" and status.queue_ref == first.queue_ref


def test_timeout_and_refused_connection_are_retried(tmp_path, server):
    store_secrets("court", "hrss")
    dead_port = free_port()
    ctx = make_ctx(
        tmp_path,
        "sqlite:///" + str(tmp_path / "x.sqlite3"),
        {
            "court": http_transport(server.url, timeout_s=0.3),
            "hrss": http_transport(f"http://127.0.0.1:{dead_port}"),
        },
    )
    slow, refused = HttpTransport(ctx.config.departments["court"]), HttpTransport(ctx.config.departments["hrss"])
    ctx.close()
    try:
        server.delay = 1.0
        r = slow.send("t-slow", b"{}")
        assert r.outcome == "retry" and r.error.startswith("timeout")
        r = refused.send("t-refused", b"{}")
        assert r.outcome == "retry" and r.error.startswith("network: ConnectError")
    finally:
        slow.close()
        refused.close()


def test_wrong_token_is_a_dead_letter_with_credentials_flagged(tmp_path, db_url, server):
    store_secrets("hrss", "legal_aid")
    from reception.secrets import set_secret

    set_secret("dept-hrss-token", "not-the-token")
    ctx = make_ctx(tmp_path, db_url, {"hrss": http_transport(server.url)})
    try:
        case_no = new_case(ctx)
        figures = run(ctx)
        assert figures["hrss"].dead == 1
        t = transfers(ctx, case_no)["hrss"]
        assert t.status == "failed"
        (letter,) = dead_letters(ctx)
        assert letter.transfer_id == t.id and "HTTP 401" in letter.reason and "credentials refused" in letter.reason
        (ev,) = events(ctx, "push_failed")
        assert ev.detail["credentials"] is True and TOKEN not in json.dumps(ev.detail)
    finally:
        ctx.close()


# -- the dispatcher --------------------------------------------------------------------------------------


def test_run_once_delivers_each_transfer_once_with_its_id_as_key(ctx2, server):
    case_no = new_case(ctx2)
    figures = run(ctx2)
    assert (figures["hrss"].delivered, figures["legal_aid"].delivered) == (1, 1)
    t = transfers(ctx2, case_no)
    assert sorted(k for k, _ in server.posts) == sorted(x.id for x in t.values())
    for dept, x in t.items():
        assert x.status == "received" and x.queue_ref == server.accepted[x.id][1]
        body = json.loads(server.accepted[x.id][0])
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
    assert again["hrss"].delivered == 0 and len(server.posts) == 2


def test_retry_then_delivered(ctx2, server):
    new_case(ctx2)
    server.script += [(503, None), (503, None)]
    figures = run(ctx2)
    assert figures["hrss"].retried + figures["legal_aid"].retried == 2
    o = list(entries(ctx2).values())
    assert {e.state for e in o} == {"pending"} and all(e.last_error.startswith("HTTP 503") for e in o)
    with ctx2.db.write() as s:  # backoff is at most 0.02 s here; make them due without sleeping
        s.execute(update(OutboxEntry).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
    figures = run(ctx2)
    assert figures["hrss"].delivered + figures["legal_aid"].delivered == 2
    assert [a.outcome for a in attempts(ctx2)].count("retry") == 2
    assert len(events(ctx2, "pushed")) == 2


def test_expired_lease_resends_with_the_same_key_and_no_duplicate(ctx2, server):
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
    assert server.bodies_of(tid) == [body, body]  # the same key, the same bytes
    assert len(server.accepted) == 1
    assert [a.outcome for a in attempts(ctx2)] == ["replayed"]
    assert len(events(ctx2, "pushed")) == 1


def test_a_stale_claim_cannot_record_over_a_new_one(ctx2, server):
    from reception.dispatch.outbox import Sent, record
    from reception.dispatch.transports import SendResult

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


def test_missing_secret_is_a_dead_letter_naming_it(ctx2, server):
    delete_secret("dept-hrss-signing-key")
    case_no = new_case(ctx2)
    figures = run(ctx2)
    assert figures["hrss"].dead == 1 and figures["legal_aid"].delivered == 1
    (letter,) = dead_letters(ctx2)
    assert letter.case_no == case_no and letter.department == "hrss"
    assert "credentials missing" in letter.reason and "dept-hrss-signing-key" in letter.reason
    assert all(k != transfers(ctx2, case_no)["hrss"].id for k, _ in server.posts)
    # the clerk stores the secret and retries: delivered with the same transfer id
    store_secrets("hrss")
    retry_dead(ctx2, letter.transfer_id, "李晓梅")
    assert transfers(ctx2, case_no)["hrss"].status == "requested"
    assert run(ctx2)["hrss"].delivered == 1
    assert server.accepted[letter.transfer_id]
    assert [e.actor for e in events(ctx2, "push_retried")] == ["李晓梅"]
    with pytest.raises(NotDeadLetter):
        retry_dead(ctx2, letter.transfer_id, "x")


def test_refused_then_rerouted(ctx2, server, other, tmp_path):
    case_no = new_case(ctx2)
    server.script.append((422, {"reason": "不属于本部门受理范围"}))
    server.script.append((201, {"queue_ref": "Q-LA", "status": "received"}))
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


def test_age_limit_makes_a_dead_letter(ctx2, server):
    new_case(ctx2)
    with ctx2.db.write() as s:
        s.execute(update(OutboxEntry).values(created_at=datetime.now(UTC) - timedelta(hours=73)))
    server.script += [(500, None), (500, None)]
    figures = run(ctx2)
    assert figures["hrss"].dead + figures["legal_aid"].dead == 2
    assert all("not delivered within 72 h; last error: HTTP 500" in d.reason for d in dead_letters(ctx2))


def test_lanes_are_independent(tmp_path, db_url, server):
    """hrss is down (refused connections); legal_aid's lane drains regardless."""
    store_secrets("hrss", "legal_aid")
    ctx = make_ctx(
        tmp_path,
        db_url,
        {"hrss": http_transport(f"http://127.0.0.1:{free_port()}"), "legal_aid": http_transport(server.url)},
    )
    try:
        for _ in range(5):
            new_case(ctx)
        figures = run(ctx)
        assert figures["legal_aid"].delivered == 5
        # hrss: the sends under way fail; the lane gives the rest back unsent and backs off
        hrss = figures["hrss"]
        assert hrss.retried >= 1 and hrss.retried + hrss.released == 5 and hrss.delivered == 0
        assert figures["hrss"].last_error.startswith("network: ConnectError")
        states = {(e.department, e.state) for e in entries(ctx).values()}
        assert states == {("legal_aid", "delivered"), ("hrss", "pending")}
    finally:
        ctx.close()


# -- answers back ----------------------------------------------------------------------------------------


def test_polling_maps_statuses_to_events_once(ctx2, server):
    case_no = new_case(ctx2)
    run(ctx2)
    hrss = transfers(ctx2, case_no)["hrss"]
    assert hrss.next_poll_at is not None and hrss.remote_status == "received"

    def due_and_run():
        with ctx2.db.write() as s:
            s.execute(
                update(Transfer)
                .where(Transfer.next_poll_at.is_not(None))
                .values(next_poll_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        return run(ctx2)

    server.statuses[hrss.queue_ref].update({"status": "accepted", "department_case_no": "乌人社监字第7号"})
    assert due_and_run()["hrss"].answers == 1
    assert due_and_run()["hrss"].answers == 0  # the same status is not recorded twice
    server.statuses[hrss.queue_ref].update({"status": "in-progress", "reason": "已约谈用工单位"})
    assert due_and_run()["hrss"].answers == 1
    server.statuses[hrss.queue_ref].update({"status": "completed", "outcome": "工资已全额支付"})
    due_and_run()
    due_and_run()
    tr = case_tracking(ctx2, case_no)
    kinds = [e.kind for e in tr.timeline]
    assert kinds.count("acknowledged") == 1 and kinds.count("progress") == 1 and kinds.count("concluded") == 1
    answers = [e for e in tr.timeline if e.kind in ("acknowledged", "progress", "concluded")]
    assert {e.actor for e in answers} == {"dispatcher"}
    hrss = transfers(ctx2, case_no)["hrss"]
    assert (hrss.status, hrss.outcome, hrss.department_case_no) == ("completed", "工资已全额支付", "乌人社监字第7号")
    assert hrss.next_poll_at is None  # polling stopped
    gets = server.gets.count(hrss.queue_ref)
    due_and_run()
    assert server.gets.count(hrss.queue_ref) == gets


def test_a_rejection_returns_the_case_to_the_clerk(ctx2, server):
    case_no = new_case(ctx2)
    run(ctx2)
    ref = transfers(ctx2, case_no)["hrss"].queue_ref
    server.statuses[ref].update({"status": "rejected", "reason": "材料不全"})
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


def test_run_forever_retries_when_due_and_stops(ctx2, server):
    """--watch: a lane sleeps only until its next retry is due (here ~0.02 s, not the 30 s interval)."""
    import threading
    import time

    new_case(ctx2)
    server.script.append((503, None))
    stop = threading.Event()
    d = Dispatcher(ctx2)
    t = threading.Thread(target=d.run_forever, args=(stop, 30.0))
    t.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and set(e.state for e in entries(ctx2).values()) != {"delivered"}:
            time.sleep(0.05)
    finally:
        stop.set()
        t.join()
        d.close()
    assert {e.state for e in entries(ctx2).values()} == {"delivered"}
    assert sorted(a.outcome for a in attempts(ctx2)) == ["delivered", "delivered", "retry"]
