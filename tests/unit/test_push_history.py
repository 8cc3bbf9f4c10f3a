"""Push attempts per case and per department, and the reachability the desk shows from them: the real
dispatcher pushing to reference department receivers on 127.0.0.1 (``tests/push_fixtures.py``)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from reception.cli import main as cli_main
from reception.context import open_context
from reception.dispatch import dead_letters
from reception.dispatch.history import attempt_reached, case_attempts, last_attempts
from reception.errors import NotFound
from reception.overview import desk_status, queue_overview
from reception.storage.models import DispatchAttempt, Transfer
from tests import push_fixtures
from tests.integration.test_dispatch_crash import hall_toml

department_receiver = push_fixtures.department_receiver  # the fixtures
pushing_hall = push_fixtures.pushing_hall


@pytest.mark.parametrize(
    ("outcome", "status", "error", "expected"),
    [
        ("delivered", 201, None, True),
        ("replayed", 200, None, True),
        ("in_progress", 409, "HTTP 409: still processing", True),
        ("retry", None, "network: ConnectError: [Errno 111] Connection refused", False),
        ("retry", None, "timeout: ReadTimeout", False),
        ("retry", None, "folder: PermissionError: Permission denied", False),
        ("retry", 503, "HTTP 503", False),
        ("dead", None, "not delivered within 72 h; last error: network: ConnectError: refused", False),
        ("dead", 422, "HTTP 422: 缺少申请人身份证明", True),  # answered: reached, though refused
        ("dead", 401, "HTTP 401: bad token (credentials refused)", True),
        ("retry", 429, "HTTP 429: too many requests", True),
        ("dead", None, 'credentials missing: secret "dept-hrss-token" is not in the keyring', None),  # never sent
        ("retry", None, "internal: KeyError", None),
    ],
)
def test_what_reaching_a_department_means(outcome, status, error, expected):
    assert attempt_reached(outcome, status, error) is expected


def test_attempts_of_a_case_and_the_departments_last_attempts(pushing_hall):
    h = pushing_hall
    ctx = h.ctx
    h.receivers["legal_aid"].refuse()  # legal aid's system is down
    case_no = h.case()
    h.push()

    attempts = case_attempts(ctx, case_no)
    assert [(a.department, a.role, a.outcome) for a in sorted(attempts, key=lambda a: a.department)] == [
        ("hrss", "lead", "delivered"),
        ("legal_aid", "assist", "retry"),
    ]
    by_dept = {a.department: a for a in attempts}
    assert by_dept["hrss"].http_status == 201 and by_dept["hrss"].error is None and by_dept["hrss"].reached
    down = by_dept["legal_aid"]
    assert down.http_status is None and down.error.startswith("network:") and down.reached is False
    assert down.failed and not by_dept["hrss"].failed
    assert all(a.duration_ms is not None and a.duration_ms >= 0 for a in attempts)
    assert all(a.at.utcoffset() is not None and str(a.at.tzinfo) == ctx.config.centre.timezone for a in attempts)
    with ctx.db.read() as s:
        ids = {t.department: t.id for t in s.scalars(select(Transfer))}
    assert {a.department: a.transfer_id for a in attempts} == ids

    queues = {q.code: q for q in queue_overview(ctx)}
    assert queues["hrss"].reachable is True and queues["hrss"].last_attempt.outcome == "delivered"
    assert queues["legal_aid"].reachable is False and queues["legal_aid"].last_attempt.error == down.error
    assert queues["court"].reachable is None and queues["court"].last_attempt is None  # no transport
    st = desk_status(ctx)
    assert st.departments_pushing == ("legal_aid", "hrss")  # configuration order
    assert st.departments_failing == ("legal_aid",)
    assert st.queues == "failing"

    # legal aid comes back: the retry is delivered, and every department that pushes was reached
    h.receivers["legal_aid"].start()
    h.push_again()
    attempts = case_attempts(ctx, case_no)
    assert len(attempts) == 3
    assert (attempts[0].department, attempts[0].outcome) == ("legal_aid", "delivered")  # newest first
    assert [a.at for a in attempts] == sorted((a.at for a in attempts), reverse=True)
    st = desk_status(ctx)
    assert st.departments_failing == () and st.departments_untried == ()
    assert set(st.departments_reached) == {"hrss", "legal_aid"}
    assert st.queues == "reachable"
    assert st.last_attempt is not None and st.last_attempt.department == "legal_aid"
    assert {q.code: q.reachable for q in queue_overview(ctx) if q.code in ("hrss", "legal_aid")} == {
        "hrss": True,
        "legal_aid": True,
    }


def test_a_refusal_reaches_the_department_but_fails(pushing_hall):
    h = pushing_hall
    h.refuse("hrss", "缺少申请人身份证明")
    case_no = h.case()
    h.push()
    [letter] = dead_letters(h.ctx)
    assert (letter.case_no, letter.department) == (case_no, "hrss")
    last = last_attempts(h.ctx)
    assert set(last) == {"hrss", "legal_aid"}
    assert (last["hrss"].outcome, last["hrss"].http_status) == ("dead", 422)
    assert "缺少申请人身份证明" in last["hrss"].error
    assert last["hrss"].reached is True and last["hrss"].failed
    st = desk_status(h.ctx)
    assert st.queues == "failing" and st.departments_failing == ("hrss",)
    hrss = next(q for q in queue_overview(h.ctx) if q.code == "hrss")
    assert hrss.reachable is True and hrss.failed == 1


def test_one_department_never_tried_is_unknown(pushing_hall):
    h = pushing_hall
    h.case()
    # only hrss is pushed this round: legal aid has never been tried
    from reception.dispatch import Dispatcher

    with Dispatcher(h.ctx, departments=["hrss"]) as d:
        d.run_once()
    st = desk_status(h.ctx)
    assert st.departments_untried == ("legal_aid",)
    assert st.departments_reached == ("hrss",)
    assert st.queues == "unknown"


def test_rows_without_a_department_are_read_through_their_transfer(pushing_hall):
    """Rows written by a dispatcher that does not fill ``dispatch_attempts.department`` yet."""
    h = pushing_hall
    case_no = h.case()
    h.receivers["legal_aid"].refuse()
    h.push()
    h.receivers["legal_aid"].start()
    h.push_again()

    def seen():
        return (
            {code: (a.id, a.outcome) for code, a in last_attempts(h.ctx).items()},
            [(a.department, a.outcome) for a in case_attempts(h.ctx, case_no)],
        )

    with h.ctx.db.write() as s:
        s.execute(update(DispatchAttempt).values(department=None))
    unfilled = seen()
    assert unfilled[0]["legal_aid"][1] == "delivered" and unfilled[0]["hrss"][1] == "delivered"
    with h.ctx.db.write() as s:
        for a in s.scalars(select(DispatchAttempt)):
            a.department = s.get(Transfer, a.transfer_id).department
    assert seen() == unfilled
    # half filled: the newest attempt of each department wins, whichever way it is found
    with h.ctx.db.write() as s:
        newest = max(s.scalars(select(DispatchAttempt.id)))
        s.execute(update(DispatchAttempt).where(DispatchAttempt.id == newest).values(department=None))
    assert seen() == unfilled


def test_unknown_case_and_no_attempts(ctx):
    with pytest.raises(NotFound):
        case_attempts(ctx, "ZZ-NOPE")
    assert last_attempts(ctx) == {}
    assert last_attempts(ctx, []) == {}


def test_only_paper_transports_is_not_called_reachable(tmp_path):
    hall = hall_toml(tmp_path, {"hrss": 'kind = "manual"'})
    ctx = open_context("sqlite:///" + (tmp_path / "m.sqlite3").as_posix(), hall)
    try:
        st = desk_status(ctx)
        assert st.departments_with_transport == ("hrss",) and st.departments_pushing == ()
        assert st.queues == "unknown"
    finally:
        ctx.close()


def test_cli_attempts_and_status(pushing_hall, capsys, cli_as):
    h = pushing_hall
    cli_as(db=h.db_url)
    h.refuse("legal_aid", "申请材料不全")
    case_no = h.case()
    h.push()
    base = ["--db", h.db_url, "--config", str(h.hall)]
    assert cli_main([*base, "attempts", case_no]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    cells = {line.split("\t")[1]: line.split("\t") for line in lines}
    hrss = cells["乌达区人力资源和社会保障局"]
    assert hrss[2:5] == ["主办", "已送达", "201"] and hrss[5].endswith(" ms")
    aid = cells["乌达区法律援助中心"]
    assert aid[2:5] == ["协办", "推送失败", "422"] and "申请材料不全" in aid[6]

    assert cli_main([*base, "--lang", "en", "attempts", case_no, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {(d["department"], d["outcome"], d["http_status"], d["reached"]) for d in data} == {
        ("hrss", "delivered", 201, True),
        ("legal_aid", "dead", 422, True),
    }
    assert cli_main([*base, "--lang", "en", "attempts", case_no.lower()]) == 0
    assert "Failed (dead letter)" in capsys.readouterr().out

    assert cli_main([*base, "attempts", "ZZ-NOPE"]) == 1
    assert "没有找到案件" in capsys.readouterr().err

    assert cli_main([*base, "status"]) == 0
    assert "部门队列：1 个部门最近一次推送失败" in capsys.readouterr().out
    assert cli_main([*base, "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    depts = {d["code"]: d for d in data["departments"]}
    assert data["queues"] == "failing"
    assert depts["hrss"]["reachable"] is True and depts["hrss"]["last_attempt"]["outcome"] == "delivered"
    assert depts["court"]["reachable"] is None and depts["court"]["last_attempt"] is None

    # re-routed elsewhere, the dead letter is gone; the next push reaches every department that pushes
    from reception.dispatch import reroute

    [letter] = dead_letters(h.ctx)
    reroute(h.ctx, letter.transfer_id, "justice_bureau", "法律援助中心系统拒收，转司法局", "李晓梅")
    h.receivers["legal_aid"].refuse_payloads(None)
    h.case()
    h.push()
    assert cli_main([*base, "status"]) == 0
    assert "部门队列：2 个部门最近一次推送均已送达" in capsys.readouterr().out
