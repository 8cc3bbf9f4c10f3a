"""The real intake path on PostgreSQL 15: migrations, numbering, search, atomic writes, concurrency.

Every test gets a fresh, empty database on the throwaway server started by ``pg_server``.
"""

from __future__ import annotations

import jsonschema
import pytest
from sqlalchemy import func, select, text

from reception.context import open_context
from reception.errors import ValidationFailed
from reception.intake import register_case, register_many
from reception.queries import case_document, earlier_cases, search
from reception.record import case_schema
from reception.search_index import document_grams
from reception.storage import migrate
from reception.storage.models import AuditRecord, Case, CaseEvent, OutboxEntry, Party, Transfer
from tests.factories import base_case
from tests.integration.test_numbering_concurrency import RECEIVED, check_numbering, run_workers
from tests.unit.test_migrations import schema_diff

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_url):
    c = open_context(pg_url)
    yield c
    c.close()


def counts(ctx) -> dict[str, int]:
    with ctx.db.read() as s:
        out = {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))
            for m in (Case, Party, Transfer, OutboxEntry, CaseEvent, AuditRecord)
        }
        out["case_search"] = s.execute(text("SELECT count(*) FROM case_search")).scalar()
        out["case_serials"] = s.execute(text("SELECT count(*) FROM case_serials")).scalar()
        return out


# -- schema ----------------------------------------------------------------------------------------


def test_open_context_migrates_an_empty_database(pg_url):
    ctx = open_context(pg_url)
    try:
        assert ctx.db.dialect == "postgresql"
        assert migrate.current_revision(ctx.db) == migrate.head_revision()
        with ctx.db.read() as s:
            tables = set(s.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        assert {"cases", "parties", "case_serials", "transfers", "outbox", "audit_log", "case_search"} <= tables
        assert migrate.upgrade(ctx.db) is None  # already at head
    finally:
        ctx.close()
    again = open_context(pg_url)  # opening again is a no-op
    try:
        assert migrate.current_revision(again.db) == migrate.head_revision()
    finally:
        again.close()


def test_orm_models_match_the_migrated_schema(pg):
    assert schema_diff(pg.db) == []


def test_simple_config_keeps_each_cjk_bigram_as_its_own_lexeme(pg):
    """search_index relies on to_tsvector('simple', ...) splitting the space-separated bigrams."""
    grams = document_grams({"facts": "包工头拖欠工资三万元", "requests": ["修好电梯", "G15 高速"]})
    assert grams.split() == [
        "包工", "工头", "头拖", "拖欠", "欠工", "工资", "资三", "三万", "万元", "修好", "好电", "电梯", "g15", "高速",
    ]  # fmt: skip
    with pg.db.read() as s:
        rows = s.execute(
            text("SELECT lexeme, positions FROM unnest(to_tsvector('simple', :g)) ORDER BY positions[1]"), {"g": grams}
        ).all()
        assert [(r.lexeme, list(r.positions)) for r in rows] == [(t, [i + 1]) for i, t in enumerate(grams.split())]
        # phrases match only where the bigrams are adjacent
        match = "SELECT to_tsvector('simple', :g) @@ to_tsquery('simple', :q)"
        assert s.execute(text(match), {"g": grams, "q": "'拖欠' <-> '欠工' <-> '工资'"}).scalar() is True
        assert s.execute(text(match), {"g": grams, "q": "'工资' <-> '拖欠'"}).scalar() is False
        assert s.execute(text(match), {"g": grams, "q": "'电梯' & 'g15'"}).scalar() is True


def test_bigrams_are_separate_lexemes_in_a_database_with_the_c_locale_too(pg_server):
    """PostgreSQL's parser takes another path for non-ASCII letters when LC_CTYPE is C."""
    import uuid

    import sqlalchemy as sa

    name = "c_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(pg_server + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(
                text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
            )
        engine = sa.create_engine(f"{pg_server}/{name}")
        try:
            with engine.connect() as conn:
                vector = conn.execute(text("SELECT to_tsvector('simple', '拖欠 欠工 工资 𠮷𠮷 g15')::text")).scalar()
        finally:
            engine.dispose()
        assert vector == "'g15':5 '工资':3 '拖欠':1 '欠工':2 '𠮷𠮷':4"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- registering -----------------------------------------------------------------------------------


def test_register_one_and_a_list(pg):
    one = register_case(pg, base_case(pg.config))
    assert one.case_no.startswith(f"ZZ-{pg.config.centre.code}-{pg.config.workstation.code}-")
    assert one.case_no.endswith("-000001")
    more = register_many(pg, [base_case(pg.config, received_at=RECEIVED) for _ in range(3)])
    assert [r.case_no[-6:] for r in more] == ["000001", "000002", "000003"]  # 2025 counts on its own
    c = counts(pg)
    assert c["cases"] == c["case_search"] == c["audit_log"] == 4
    assert c["transfers"] == c["outbox"] >= 4
    with pg.db.read() as s:
        audits = s.execute(select(AuditRecord.object_id)).scalars().all()
    assert sorted(audits) == sorted([one.case_no, *(r.case_no for r in more)])


def test_show_round_trips(pg):
    r = register_case(pg, base_case(pg.config, "petition"))
    doc = case_document(pg, r.case_no)
    jsonschema.validate({k: v for k, v in doc.items() if k != "events"}, case_schema())
    assert doc["case_no"] == r.case_no and doc["status"] == "routed"
    assert doc["applicants"][0]["id_number"] == "110105199003071239"
    assert doc["amount"] == 30000
    assert doc["created_at"].endswith("+08:00")
    assert doc["transfers"][0]["status"] == "requested"
    assert {d["kind"] for d in doc["deadlines"]} >= {"petition_notice"}
    assert [e["kind"] for e in doc["events"]] == ["received", "routed"]
    again = register_case(pg, {k: v for k, v in doc.items() if k != "events"})
    assert again.case_no != r.case_no
    assert case_document(pg, again.case_no)["facts"] == doc["facts"]


def test_invalid_input_writes_nothing(pg):
    bad = base_case(pg.config)
    bad["applicants"][0]["id_number"] = "110105199003071238"
    with pytest.raises(ValidationFailed):
        register_case(pg, bad)
    good = base_case(pg.config)
    worse = base_case(pg.config)
    worse["applicants"][0]["phone"] = "123"
    with pytest.raises(ValidationFailed) as info:
        register_many(pg, [good, worse])
    assert [e.field for e in info.value.errors] == ["[1].applicants[0].phone"]
    assert set(counts(pg).values()) == {0}


def test_failure_mid_transaction_leaves_nothing_half_written(pg, monkeypatch):
    import reception.intake as intake

    first = register_case(pg, base_case(pg.config))
    before = counts(pg)

    def database_error(session, case_id, document):
        session.execute(text("SELECT 1 / 0"))  # a real error from the server: the transaction is aborted

    monkeypatch.setattr(intake, "index_case", database_error)
    with pytest.raises(Exception, match="division by zero"):
        register_case(pg, base_case(pg.config))
    with pytest.raises(Exception, match="division by zero"):
        register_many(pg, [base_case(pg.config)] * 2)
    assert counts(pg) == before
    monkeypatch.undo()
    second = register_case(pg, base_case(pg.config))
    assert (first.case_no[-6:], second.case_no[-6:]) == ("000001", "000002")


# -- search and repeat visitors --------------------------------------------------------------------


@pytest.fixture
def three_cases(pg):
    a = base_case(pg.config, facts="包工头拖欠工资三万元，多次讨要未果。")
    b = base_case(pg.config, facts="邻居装修噪音扰民，协商不成。", category="neighbour", subcategory=None)
    b["requests"] = ["邻居停止夜间施工"]
    b["applicants"][0].update(name="李四", id_number="440305200102284566", phone="13900001111")
    c = base_case(pg.config, facts="物业公司不维修电梯。", category="property_mgmt", subcategory=None)
    c["requests"] = ["修好电梯"]
    c["applicants"][0].update(name="王五", id_number="11010519491231002X", phone="0473-1234567")
    return [register_case(pg, d).case_no for d in (a, b, c)]


def nos(results):
    return [r.case_no for r in results]


def test_search_by_case_number(pg, three_cases):
    assert nos(search(pg, three_cases[1])) == [three_cases[1]]
    assert nos(search(pg, three_cases[1].lower())) == [three_cases[1]]


def test_search_by_id_number_in_18_and_15_digit_forms(pg, three_cases):
    assert nos(search(pg, "110105199003071239")) == [three_cases[0]]
    assert nos(search(pg, "110105900307123")) == [three_cases[0]]
    assert nos(search(pg, "11010519491231002x")) == [three_cases[2]]
    doc = base_case(pg.config)
    doc["applicants"][0].update(name="赵六", id_number="440305010228456", phone="13700002222")
    r = register_case(pg, doc)  # stored in the old 15-digit form
    assert nos(search(pg, "440305010228456")) == [r.case_no]
    assert nos(search(pg, "44030519010228456X")) == [r.case_no]


def test_search_by_phone(pg, three_cases):
    assert nos(search(pg, "139 0000 1111")) == [three_cases[1]]
    assert nos(search(pg, "04731234567")) == [three_cases[2]]


def test_search_by_name(pg, three_cases):
    assert nos(search(pg, "李四")) == [three_cases[1]]
    assert nos(search(pg, "王五")) == [three_cases[2]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("工资", [0]),
        ("电梯", [2]),
        ("噪音", [1]),
        ("拖欠工资", [0]),
        ("维修 电梯", [2]),
        ("电梯 噪音", []),
        ("物业，电梯", [2]),
        ("扰", [1]),  # one character: answered by the scan
        ("梯 物业", [2]),  # one character next to a word
        ("火星", []),
        ("30000", [0]),
    ],
)
def test_free_text_search(pg, three_cases, query, expected):
    assert nos(search(pg, query)) == [three_cases[i] for i in expected]


def test_free_text_results_are_newest_first(pg, three_cases):
    newer = register_case(pg, base_case(pg.config, facts="电梯停运三天。"))
    assert nos(search(pg, "电梯")) == [newer.case_no, three_cases[2]]


def test_repeat_visitor_lookup(pg, three_cases):
    h = earlier_cases(pg, id_number="110105199003071239")
    assert [c.case_no for c in h.cases] == [three_cases[0]]
    assert h.count == 1 and h.last_visit is not None
    assert earlier_cases(pg, id_number="110105900307123").count == 1
    assert [c.case_no for c in earlier_cases(pg, phone="13900001111").cases] == [three_cases[1]]
    assert earlier_cases(pg, id_number="110105199003071239", exclude=three_cases[0]).count == 0
    doc = base_case(pg.config)
    doc["counterparties"] = [{"kind": "person", "name": "赵六", "id_number": "440305200102284566"}]
    register_case(pg, doc)
    # 李四 came once as applicant; the case naming the same number as counter-party does not count
    assert [c.case_no for c in earlier_cases(pg, id_number="440305200102284566").cases] == [three_cases[1]]


# -- concurrency -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_four_processes_get_unique_gap_free_serials(pg, pg_url, tmp_path):
    per_worker = run_workers(pg_url, tmp_path, processes=4, cases=30)
    check_numbering(pg, per_worker, expected=120)


@pytest.mark.slow
def test_four_processes_opening_an_empty_database_together_all_succeed(pg_url, tmp_path):
    per_worker = run_workers(pg_url, tmp_path, processes=4, cases=5)
    ctx = open_context(pg_url)
    try:
        check_numbering(ctx, per_worker, expected=20)
    finally:
        ctx.close()
