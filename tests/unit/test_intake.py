"""Registering cases on a real SQLite file: numbering, routing, deadlines, atomic writes, search."""

from __future__ import annotations

import json

import jsonschema
import pytest
from sqlalchemy import func, select, text

from reception.errors import ValidationFailed
from reception.intake import register_case, register_many
from reception.queries import case_document, earlier_cases, search
from reception.record import case_schema
from reception.storage.models import AuditRecord, Case, CaseEvent, OutboxEntry, Party, Transfer
from tests.factories import base_case


def counts(ctx) -> dict[str, int]:
    with ctx.db.read() as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))
            for m in (Case, Party, Transfer, OutboxEntry, CaseEvent, AuditRecord)
        }


def test_register_writes_case_outbox_and_audit_together(ctx):
    r = register_case(ctx, base_case(ctx.config))
    year = r.case_no.split("-")[3]
    assert r.case_no == f"ZZ-{ctx.config.centre.code}-{ctx.config.workstation.code}-{year}-000001"
    c = counts(ctx)
    assert c["cases"] == 1
    assert c["transfers"] == c["outbox"] >= 1
    assert c["audit_log"] == 1
    with ctx.db.read() as s:
        audit = s.scalars(select(AuditRecord)).one()
        assert audit.action == "case.create" and audit.object_id == r.case_no
        # no personal data in the audit detail
        assert "110105199003071239" not in json.dumps(audit.detail, ensure_ascii=False)


def test_invalid_input_writes_nothing(ctx):
    bad = base_case(ctx.config)
    bad["applicants"][0]["id_number"] = "110105199003071238"
    with pytest.raises(ValidationFailed):
        register_case(ctx, bad)
    assert set(counts(ctx).values()) == {0}
    with ctx.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM case_serials")).scalar() == 0


def test_a_list_is_all_or_nothing_and_errors_name_the_item(ctx):
    good = base_case(ctx.config)
    bad = base_case(ctx.config)
    bad["applicants"][0]["phone"] = "123"
    with pytest.raises(ValidationFailed) as info:
        register_many(ctx, [good, bad])
    assert [e.field for e in info.value.errors] == ["[1].applicants[0].phone"]
    assert counts(ctx)["cases"] == 0


def test_failure_mid_transaction_rolls_back_everything_and_keeps_numbering_gap_free(ctx, monkeypatch):
    import reception.intake as intake

    register_case(ctx, base_case(ctx.config))

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "index_case", boom)
    with pytest.raises(RuntimeError):
        register_case(ctx, base_case(ctx.config))
    assert counts(ctx)["cases"] == 1 and counts(ctx)["outbox"] == counts(ctx)["transfers"]
    monkeypatch.undo()
    r = register_case(ctx, base_case(ctx.config))
    assert r.case_no.endswith("-000002")


def test_show_json_round_trips_through_the_schema(ctx):
    r = register_case(ctx, base_case(ctx.config, "petition"))
    doc = case_document(ctx, r.case_no)
    jsonschema.validate({k: v for k, v in doc.items() if k != "events"}, case_schema())
    assert doc["case_no"] == r.case_no
    assert doc["status"] == "routed"
    assert doc["routing"]["department"]
    kinds = {d["kind"] for d in doc["deadlines"]}
    assert "petition_notice" in kinds
    assert doc["transfers"][0]["status"] == "requested"
    # the output can be fed back as input (read-only fields are ignored)
    again = register_case(ctx, doc)
    assert again.case_no != r.case_no


def test_petition_deadlines_worked_example(ctx):
    doc = base_case(ctx.config, "petition", received_at="2025-03-03T10:00:00+08:00")
    r = register_case(ctx, doc)
    due = {d["kind"]: d["due"] for d in r.deadlines}
    assert due["petition_notice"] == "2025-03-18"
    assert due["petition_handling"] in ("2025-05-02", "2025-05-06")


def test_resolved_on_the_spot_creates_no_transfer(ctx):
    doc = base_case(ctx.config, "consultation")
    doc["disposal"]["resolved_on_spot"] = True
    r = register_case(ctx, doc)
    assert r.status == "resolved"
    assert counts(ctx)["transfers"] == 0


def test_serials_restart_each_year_and_stay_per_workstation(ctx):
    a = register_case(ctx, base_case(ctx.config, received_at="2025-12-31T16:00:00+08:00"))
    b = register_case(ctx, base_case(ctx.config, received_at="2026-01-02T09:00:00+08:00"))
    c = register_case(ctx, base_case(ctx.config, received_at="2025-12-30T09:00:00+08:00"))
    assert a.case_no.endswith("2025-000001")
    assert b.case_no.endswith("2026-000001")
    assert c.case_no.endswith("2025-000002")


def test_litigation_related_matter_is_never_sent_to_petition_track(ctx):
    doc = base_case(ctx.config, "petition", category="litigation_related", subcategory="judgment")
    r = register_case(ctx, doc)
    dept = ctx.config.departments[r.routing["department"]]
    assert dept.track != "petition"
    doc["disposal"]["route_override"] = {"department": "petition_bureau", "reason": "当事人坚持走信访"}
    with pytest.raises(ValidationFailed) as info:
        register_case(ctx, doc)
    assert info.value.errors[0].code == "routing.litigation_not_petition"


# -- search and repeat visitors -------------------------------------------------------------------


@pytest.fixture
def three_cases(ctx):
    a = base_case(ctx.config, facts="包工头拖欠工资三万元，多次讨要未果。")
    b = base_case(ctx.config, facts="邻居装修噪音扰民，协商不成。", category="neighbour", subcategory=None)
    b["requests"] = ["邻居停止夜间施工"]
    b["applicants"][0].update(name="李四", id_number="440305200102284566", phone="13900001111")
    c = base_case(ctx.config, facts="物业公司不维修电梯。", category="property_mgmt", subcategory=None)
    c["requests"] = ["修好电梯"]
    c["applicants"][0].update(name="王五", id_number="11010519491231002X", phone="0473-1234567")
    return [register_case(ctx, d).case_no for d in (a, b, c)]


def nos(results):
    return [r.case_no for r in results]


def test_search_by_case_number(ctx, three_cases):
    assert nos(search(ctx, three_cases[1])) == [three_cases[1]]
    assert nos(search(ctx, three_cases[1].lower())) == [three_cases[1]]


def test_search_by_either_form_of_an_id_number(ctx, three_cases):
    assert nos(search(ctx, "110105199003071239")) == [three_cases[0]]
    assert nos(search(ctx, "110105900307123")) == [three_cases[0]]


def test_case_stored_from_15_digit_number_found_by_both_forms(ctx):
    doc = base_case(ctx.config)
    doc["applicants"][0]["id_number"] = "110105900307123"
    r = register_case(ctx, doc)
    assert nos(search(ctx, "110105900307123")) == [r.case_no]
    assert nos(search(ctx, "110105199003071239")) == [r.case_no]


def test_search_by_phone_in_any_format(ctx, three_cases):
    assert nos(search(ctx, "139 0000 1111")) == [three_cases[1]]
    assert nos(search(ctx, "04731234567")) == [three_cases[2]]


def test_search_by_name(ctx, three_cases):
    assert nos(search(ctx, "李四")) == [three_cases[1]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("工资", [0]), ("拖欠工资", [0]), ("噪音", [1]), ("电梯", [2]), ("维修 电梯", [2]), ("扰", [1]), ("火星", [])],
)
def test_free_text_search_finds_two_character_words(ctx, three_cases, query, expected):
    assert nos(search(ctx, query)) == [three_cases[i] for i in expected]


def test_search_words_in_requests(ctx, three_cases):
    assert three_cases[0] in nos(search(ctx, "30000"))


def test_repeat_visitor_lookup_by_id_or_phone(ctx, three_cases):
    h = earlier_cases(ctx, id_number="110105199003071239")
    assert [c.case_no for c in h.cases] == [three_cases[0]]
    assert h.count == 1 and h.last_visit is not None
    h = earlier_cases(ctx, phone="13900001111")
    assert [c.case_no for c in h.cases] == [three_cases[1]]
    assert earlier_cases(ctx, id_number="110105900307123").count == 1


def test_repeat_lookup_ignores_counterparty_role(ctx):
    doc = base_case(ctx.config)
    doc["counterparties"] = [
        {"kind": "person", "name": "赵六", "id_number": "440305200102284566", "phone": "13700001111"}
    ]
    register_case(ctx, doc)
    assert earlier_cases(ctx, id_number="440305200102284566").count == 0
    assert earlier_cases(ctx, phone="13700001111").count == 0


def test_repeat_lookup_flags_matters_closed_after_review(ctx):
    doc = base_case(ctx.config)
    doc["prior_handling"] = [{"body": "区政府", "form": "petition", "stage": "second_review"}]
    doc["disposal"]["leader_override"] = "有新证据，值班领导批准"
    r = register_case(ctx, doc)
    assert earlier_cases(ctx, id_number="110105199003071239").closed_after_review == (r.case_no,)


def test_search_index_merging_is_off_the_save_path_and_tidy_keeps_results(ctx, three_cases):
    from reception.storage.maintenance import tidy

    with ctx.db.read() as s:
        automerge = s.execute(text("SELECT v FROM case_fts_config WHERE k = 'automerge'")).scalar()
    assert automerge == 0
    tidy(ctx.db)
    assert nos(search(ctx, "电梯")) == [three_cases[2]]
