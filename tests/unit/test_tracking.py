"""After intake: notes, departments' answers by hand, closing, the timeline — on a real SQLite file."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from reception.errors import NotFound, ValidationFailed
from reception.intake import register_case
from reception.receipts import render_receipt
from reception.storage.models import AuditRecord, Case, CaseDeadline, CaseEvent, Transfer
from reception.tracking import (
    CaseChanged,
    CaseClosed,
    add_note,
    case_tracking,
    close_case,
    record_answer,
    timeline,
)
from tests.factories import base_case


@pytest.fixture
def case_no(ctx) -> str:
    """A petition about unpaid wages: lead hrss (人社局), assisting legal_aid."""
    return register_case(ctx, base_case(ctx.config)).case_no


def row(ctx, case_no) -> Case:
    with ctx.db.read() as s:
        return s.execute(select(Case).where(Case.case_no == case_no)).scalar_one()


def events(ctx, case_no) -> list[CaseEvent]:
    with ctx.db.read() as s:
        cid = s.execute(select(Case.id).where(Case.case_no == case_no)).scalar_one()
        return list(s.scalars(select(CaseEvent).where(CaseEvent.case_id == cid).order_by(CaseEvent.id)))


def transfers(ctx, case_no) -> dict[str, Transfer]:
    with ctx.db.read() as s:
        cid = s.execute(select(Case.id).where(Case.case_no == case_no)).scalar_one()
        return {t.department: t for t in s.scalars(select(Transfer).where(Transfer.case_id == cid))}


def audits(ctx, action) -> list[AuditRecord]:
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)))


def counts(ctx) -> tuple[int, int]:
    with ctx.db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(CaseEvent)),
            s.scalar(select(func.count()).select_from(AuditRecord)),
        )


def fields(exc: ValidationFailed) -> list[str]:
    return [e.field for e in exc.errors]


# -- notes ---------------------------------------------------------------------------------------------


def test_add_note_writes_event_and_audit_without_personal_data(ctx, case_no):
    result = add_note(ctx, case_no.lower(), "  申请人来电询问进展，已告知正在办理。 ", user="王芳")
    assert result.case_no == case_no and result.status == "routed" and result.version == 1  # notes never conflict
    assert result.entry.kind == "note" and result.entry.label_zh == "备注" and result.entry.label("en") == "Note"
    assert result.entry.summary_zh == "申请人来电询问进展，已告知正在办理。"
    ev = events(ctx, case_no)[-1]
    assert (ev.kind, ev.actor, ev.detail) == ("note", "王芳", {"text": "申请人来电询问进展，已告知正在办理。"})
    (a,) = audits(ctx, "case.note")
    assert (a.user, a.object_id, a.workstation, a.detail) == ("王芳", case_no, "W01", {"chars": 18})
    assert row(ctx, case_no).version == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "tracking.required"),
        ("   ", "tracking.required"),
        ("字" * 2001, "text.too_long"),
        ("a\x00b", "text.control_char"),
    ],
)
def test_bad_note_names_the_field_and_writes_nothing(ctx, case_no, text, code):
    before = counts(ctx)
    with pytest.raises(ValidationFailed) as exc:
        add_note(ctx, case_no, text, user="王芳")
    assert fields(exc.value) == ["text"] and exc.value.errors[0].code == code
    assert exc.value.errors[0].text("zh").startswith("内容：")
    assert counts(ctx) == before


def test_unknown_case(ctx):
    with pytest.raises(NotFound):
        add_note(ctx, "ZZ-150304-W01-2025-999999", "备注", user="x")
    with pytest.raises(NotFound):
        timeline(ctx, "ZZ-150304-W01-2025-999999")


# -- answers -------------------------------------------------------------------------------------------


def test_accepted_stores_department_case_no_on_the_transfer_not_in_the_document(ctx, case_no):
    doc_before = row(ctx, case_no).document
    result = record_answer(
        ctx,
        case_no,
        department="hrss",
        kind="accepted",
        text="已立案调查",
        department_case_no="（2025）乌人社监字第12号",
        user="王芳",
    )
    assert (result.status, result.version) == ("in_progress", 2)
    assert result.entry.kind == "acknowledged" and result.entry.label_zh == "部门受理"
    assert "乌达区人力资源和社会保障局" in result.entry.summary_zh
    assert "(2025)乌人社监字第12号" in result.entry.summary_zh  # normalised like every code
    t = transfers(ctx, case_no)
    assert (t["hrss"].status, t["hrss"].department_case_no) == ("accepted", "(2025)乌人社监字第12号")
    assert t["legal_aid"].status == "requested"
    c = row(ctx, case_no)
    assert (c.status, c.version) == ("in_progress", 2)
    assert c.document == doc_before  # the case document is never rewritten
    ev = events(ctx, case_no)[-1]
    assert ev.kind == "acknowledged" and ev.detail["transfer"] == t["hrss"].id and ev.detail["role"] == "lead"
    (a,) = audits(ctx, "case.answer")
    assert a.detail == {"department": "hrss", "answer": "accepted", "transfer": t["hrss"].id, "status": "in_progress"}


def test_department_by_name_and_every_kind(ctx, case_no):
    record_answer(ctx, case_no, department="乌达区人力资源和社会保障局", kind="progress", text="已约谈包工头", user="x")
    t = transfers(ctx, case_no)["hrss"]
    assert t.status == "in_progress"
    r = record_answer(ctx, case_no, department="hrss", kind="concluded", text="工资已全额支付", user="x")
    t = transfers(ctx, case_no)["hrss"]
    assert (t.status, t.outcome) == ("completed", "工资已全额支付")
    # the lead department's conclusion starts the visitor follow-up; closing is the clerk's step, with the
    # visitor's satisfaction
    assert r.status == "concluded" and row(ctx, case_no).status == "concluded"
    r = record_answer(ctx, case_no, department="HRSS", kind="RETURNED", text="不属于本部门职责", user="x")
    t = transfers(ctx, case_no)["hrss"]
    assert (t.status, t.reason) == ("rejected", "不属于本部门职责")
    assert r.status == "returned" and row(ctx, case_no).status == "returned"
    assert [e.kind for e in events(ctx, case_no)][-3:] == ["progress", "concluded", "returned"]


def test_an_assisting_departments_answer_leaves_the_case_status(ctx, case_no):
    r = record_answer(ctx, case_no, department="legal_aid", kind="returned", text="申请人未提交材料", user="x")
    assert r.status == "routed"
    assert transfers(ctx, case_no)["legal_aid"].status == "rejected"
    assert "（协办）" in r.entry.summary_zh


def test_answer_errors_name_their_fields_and_write_nothing(ctx, case_no):
    before = counts(ctx)
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date()
    with pytest.raises(ValidationFailed) as exc:
        record_answer(
            ctx,
            case_no,
            department="court",
            kind="returned",
            text="",
            department_case_no="x" * 81,
            answered_on=tomorrow,
            user="x",
        )
    assert sorted(fields(exc.value)) == ["answered_on", "department", "department_case_no", "text"]
    by_field = {e.field: e for e in exc.value.errors}
    assert "乌达区人力资源和社会保障局（hrss）" in by_field["department"].message("zh")
    assert by_field["department"].text("zh").startswith("承办部门：")
    assert by_field["text"].code == "tracking.reason_required"
    with pytest.raises(ValidationFailed) as exc:
        record_answer(ctx, case_no, department="hrss", kind="finished", text="x", user="x")
    assert fields(exc.value) == ["kind"] and "concluded" in exc.value.errors[0].message("zh")
    with pytest.raises(ValidationFailed) as exc:
        record_answer(ctx, case_no, department="", kind="accepted", text=None, answered_on="2025-13-01", user="x")
    assert sorted(fields(exc.value)) == ["answered_on", "department"]
    with pytest.raises(ValidationFailed) as exc:
        record_answer(ctx, case_no, department="hrss", kind="progress", text="", user="x")
    assert fields(exc.value) == ["text"]
    with pytest.raises(ValidationFailed) as exc:
        record_answer(ctx, case_no, department="hrss", kind="accepted", text="", answered_on="2000-01-01", user="x")
    assert fields(exc.value) == ["answered_on"] and "受理日期" in exc.value.errors[0].message("zh")
    assert counts(ctx) == before
    assert transfers(ctx, case_no)["hrss"].status == "requested" and row(ctx, case_no).version == 1


def test_no_answer_for_a_case_resolved_at_the_counter(ctx):
    data = base_case(ctx.config)
    data["disposal"] = {**data["disposal"], "resolved_on_spot": True, "answer": "当场答复"}
    case_no = register_case(ctx, data).case_no
    with pytest.raises(ValidationFailed) as exc:
        record_answer(ctx, case_no, department="hrss", kind="accepted", text="", user="x")
    assert fields(exc.value) == ["department"] and exc.value.errors[0].code == "tracking.no_transfers"


def test_optimistic_locking(ctx, case_no):
    version = case_tracking(ctx, case_no).version
    record_answer(ctx, case_no, department="hrss", kind="accepted", text="", user="A", expected_version=version)
    before = counts(ctx)
    with pytest.raises(CaseChanged) as exc:  # B still shows version 1
        record_answer(ctx, case_no, department="hrss", kind="progress", text="x", user="B", expected_version=version)
    assert "已被他人修改" in exc.value.message("zh")
    with pytest.raises(CaseChanged):
        close_case(ctx, case_no, outcome="resolved", satisfaction="satisfied", user="B", expected_version=version)
    assert counts(ctx) == before and row(ctx, case_no).status == "in_progress"
    close_case(ctx, case_no, outcome="resolved", satisfaction="satisfied", user="B", expected_version=version + 1)


# -- closing -------------------------------------------------------------------------------------------


def test_close_sets_outcome_satisfaction_and_marks_deadlines_met(ctx, case_no):
    r = close_case(
        ctx, case_no, outcome="mediated", satisfaction="very_satisfied", note="双方达成还款协议", user="王芳"
    )
    assert (r.status, r.version) == ("closed", 2)
    assert r.entry.summary_zh == "调解成功；回访：非常满意；双方达成还款协议"
    c = row(ctx, case_no)
    assert (c.status, c.outcome, c.satisfaction) == ("closed", "mediated", "very_satisfied")
    assert c.closed_at is not None and abs(c.closed_at - datetime.now(UTC)) < timedelta(minutes=1)
    info = case_tracking(ctx, case_no)
    assert {d["status"] for d in info.deadlines} == {"met"}
    assert info.closed_at is not None and info.outcome == "mediated"
    (a,) = audits(ctx, "case.close")
    assert a.detail == {
        "outcome": "mediated",
        "satisfaction": "very_satisfied",
        "deadlines_met": 3,
        "deadlines_late": 0,
    }
    assert "双方" not in json.dumps(a.detail, ensure_ascii=False)


def test_closing_after_a_due_date_marks_it_late(ctx, case_no):
    with ctx.db.read() as s:
        dues = sorted(s.scalars(select(CaseDeadline.due)))
    # closed the day after the first due date (hall-local noon), before the last one
    when = datetime.combine(dues[0] + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=4)
    r = close_case(ctx, case_no, outcome="answered", satisfaction="basic", user="x", now=when)
    assert "期限逾期" in r.entry.summary_zh
    with ctx.db.read() as s:
        statuses = dict(s.execute(select(CaseDeadline.kind, CaseDeadline.status)).all())
    assert statuses == {"petition_transfer": "late", "petition_notice": "late", "petition_handling": "met"}


def test_closing_twice_is_refused_and_closed_cases_take_no_answers(ctx, case_no):
    close_case(ctx, case_no, outcome="resolved", satisfaction="satisfied", user="x")
    before = counts(ctx)
    with pytest.raises(CaseClosed) as exc:
        close_case(ctx, case_no, outcome="unresolved", satisfaction="dissatisfied", user="y")
    assert "已于" in exc.value.message("zh") and "化解成功" in exc.value.message("zh")
    assert "closed on" in exc.value.message("en")
    with pytest.raises(CaseClosed):
        record_answer(ctx, case_no, department="hrss", kind="progress", text="x", user="y")
    assert counts(ctx) == before
    assert row(ctx, case_no).outcome == "resolved"
    add_note(ctx, case_no, "回访：申请人表示满意", user="x")  # a note is still welcome


def test_close_errors_name_the_fields(ctx, case_no):
    with pytest.raises(ValidationFailed) as exc:
        close_case(ctx, case_no, outcome="great", satisfaction="", note="\x07", user="x")
    assert sorted(fields(exc.value)) == ["note", "outcome", "satisfaction"]
    msg = {e.field: e for e in exc.value.errors}
    assert "resolved（化解成功）" in msg["outcome"].message("zh")
    assert msg["outcome"].text("zh").startswith("办结结果：")
    assert msg["satisfaction"].text("en") == "Satisfaction: required"
    assert row(ctx, case_no).status == "routed"


# -- one transaction -----------------------------------------------------------------------------------


def _boom(session, ctx, entries):
    raise RuntimeError("audit store down")


@pytest.mark.parametrize("action", ["note", "answer", "close"])
def test_a_failing_audit_write_leaves_nothing(ctx, case_no, monkeypatch, action):
    import reception.audit

    before = counts(ctx)
    monkeypatch.setattr(reception.audit, "append", _boom)
    with pytest.raises(RuntimeError):
        if action == "note":
            add_note(ctx, case_no, "备注", user="x")
        elif action == "answer":
            record_answer(ctx, case_no, department="hrss", kind="accepted", text="", department_case_no="N1", user="x")
        else:
            close_case(ctx, case_no, outcome="resolved", satisfaction="satisfied", user="x")
    assert counts(ctx) == before
    c = row(ctx, case_no)
    assert (c.status, c.version, c.closed_at) == ("routed", 1, None)
    t = transfers(ctx, case_no)["hrss"]
    assert (t.status, t.department_case_no) == ("requested", None)
    with ctx.db.read() as s:
        assert set(s.scalars(select(CaseDeadline.status))) == {"open"}


# -- the timeline --------------------------------------------------------------------------------------


def test_timeline_merges_events_and_receipt_prints_in_order(ctx, case_no):
    render_receipt(ctx, case_no, "a4", user="王芳")
    add_note(ctx, case_no, "已电话通知人社局", user="王芳")
    record_answer(ctx, case_no, department="hrss", kind="accepted", text="", department_case_no="N-1", user="王芳")
    render_receipt(ctx, case_no, "a4", user="王芳")
    record_answer(ctx, case_no, department="legal_aid", kind="returned", text="材料不全", user="王芳")
    close_case(ctx, case_no, outcome="resolved", satisfaction="satisfied", user="王芳")
    entries = timeline(ctx, case_no)
    assert [e.kind for e in entries] == [
        "received",
        "routed",
        "receipt_print",
        "note",
        "acknowledged",
        "receipt_reprint",
        "returned",
        "closed",
    ]
    assert [e.label_zh for e in entries][:3] == ["受理登记", "分流转办", "打印回执"]
    assert entries[5].label_zh == "补打回执" and entries[5].source == "print"
    assert entries[0].summary_zh == "信访接待，来访" and entries[0].actor == "李晓梅"
    assert (
        "主办：乌达区人力资源和社会保障局" in entries[1].summary_zh
        and "协办：乌达区法律援助中心" in entries[1].summary_zh
    )
    assert "A4 回执" in entries[2].summary_zh and "W01" in entries[2].summary_zh
    assert all(a.at <= b.at for a, b in itertools.pairwise(entries))
    assert all(str(e.at.tzinfo) == "Asia/Shanghai" for e in entries)
    assert entries[1].summary("en").startswith("lead: Wuda District")
    data = json.loads(json.dumps([e.as_dict() for e in entries], ensure_ascii=False))
    assert data[3]["summary_zh"] == "已电话通知人社局" and data[3]["label_en"] == "Note"

    info = case_tracking(ctx, case_no)
    assert (info.status, info.version) == ("closed", 4)  # two answers and the close
    by_dept = {t.department: t for t in info.transfers}
    assert (by_dept["hrss"].role, by_dept["hrss"].department_case_no) == ("lead", "N-1")
    assert (by_dept["legal_aid"].status, by_dept["legal_aid"].reason) == ("rejected", "材料不全")
    assert [e.kind for e in info.timeline] == [e.kind for e in entries]


def test_answered_on_defaults_to_today_and_accepts_iso_text(ctx, case_no):
    r = record_answer(ctx, case_no, department="hrss", kind="accepted", text=None, user="x")
    assert r.entry.detail["answered_on"] == datetime.now(UTC).astimezone(r.entry.at.tzinfo).date().isoformat()
    received = row(ctx, case_no).received_date
    r = record_answer(
        ctx, case_no, department="hrss", kind="progress", text="进展", answered_on=str(received), user="x"
    )
    assert r.entry.detail["answered_on"] == received.isoformat()
    assert isinstance(received, date)


@pytest.mark.postgres
def test_the_same_on_postgresql(pg_url):
    from reception.context import open_context

    pg = open_context(pg_url)
    try:
        case_no = register_case(pg, base_case(pg.config)).case_no
        add_note(pg, case_no, "申请人来电", user="王芳")
        r = record_answer(pg, case_no, department="hrss", kind="accepted", text=None, department_case_no="N1", user="x")
        with pytest.raises(CaseChanged):
            close_case(pg, case_no, outcome="resolved", satisfaction="satisfied", user="x", expected_version=1)
        close_case(pg, case_no, outcome="resolved", satisfaction="satisfied", user="x", expected_version=r.version)
        with pytest.raises(CaseClosed):
            close_case(pg, case_no, outcome="resolved", satisfaction="satisfied", user="x")
        info = case_tracking(pg, case_no)
        assert [e.kind for e in info.timeline] == ["received", "routed", "note", "acknowledged", "closed"]
        assert (info.status, info.version, info.outcome) == ("closed", 3, "resolved")
        assert {d["status"] for d in info.deadlines} == {"met"}
        assert {t.department: t.department_case_no for t in info.transfers}["hrss"] == "N1"
    finally:
        pg.close()


def test_a_concluded_case_waits_for_the_follow_up_then_closes(ctx, case_no):
    from reception.caselist import CaseFilter, case_rows

    record_answer(ctx, case_no, department="hrss", kind="concluded", text="工资已全额支付", user="x")
    waiting = case_rows(ctx, CaseFilter(status="concluded"), offset=0, limit=10)
    assert [r.case_no for r in waiting] == [case_no]
    close_case(ctx, case_no, outcome="resolved", satisfaction="satisfied", user="x")
    assert row(ctx, case_no).status == "closed"
    assert case_rows(ctx, CaseFilter(status="concluded"), offset=0, limit=10) == []
