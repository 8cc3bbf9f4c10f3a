"""The case list on PostgreSQL 15: the same filters, orders, pages and search as on SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from reception.caselist import SORTS, CaseFilter, case_rows, count_cases, listing_rows, open_listing
from reception.context import open_context
from reception.queries import search
from reception.storage.migrate import current_revision, head_revision
from tests.unit.test_caselist import TODAY, _fill, expected, matches
from tests.unit.test_caselist import everything as _everything_fixture

pytestmark = pytest.mark.postgres

everything = _everything_fixture  # the same Python answer, computed from this database


@pytest.fixture(scope="module")
def pg_listed(pg_server, tmp_path_factory):
    import uuid

    import sqlalchemy as sa

    name = "t_list_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(pg_server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = tmp_path_factory.mktemp("pglist")
    try:
        with pytest.MonkeyPatch.context() as mp:
            for d in ("DATA", "CONFIG", "LOG"):
                (base / d).mkdir()
                mp.setenv(f"RECEPTION_{d}_DIR", str(base / d))
            ctx = open_context(f"{pg_server}/{name}")
            try:
                yield ctx, _fill(ctx)
            finally:
                ctx.close()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def lctx(pg_listed):
    return pg_listed[0]


@pytest.fixture(scope="module")
def named(pg_listed):
    return pg_listed[1]


def test_migrated_with_the_list_indexes(lctx):
    assert lctx.db.dialect == "postgresql"
    assert current_revision(lctx.db) == head_revision()  # 0004 (the list indexes) or later
    with lctx.db.read() as s:
        names = set(s.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'cases'")).scalars())
    assert {f"ix_cases_list_{k}" for k in ("received", "case_no", "applicant", "window", "status", "risk")} <= names
    assert "ix_cases_department" not in names


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", list(SORTS))
def test_pages_from_both_ends(lctx, everything, sort, descending):
    f = CaseFilter(date_from=TODAY - timedelta(days=60))
    want = expected(lctx, [r for r in everything if matches(r, f)], sort, descending)
    listing = open_listing(lctx, f, sort, descending, today=TODAY)
    assert listing.total == len(want)
    paged = []
    for offset in range(0, listing.total, 11):
        paged += [r.case_no for r in listing_rows(lctx, listing, offset, 11)]
    assert paged == want


def test_filters(lctx, everything):
    for f in (
        CaseFilter(window="petition"),
        CaseFilter(window="mediation", risk="yellow"),
        CaseFilter(status="routed", department="court"),
        CaseFilter(date_from=TODAY - timedelta(days=5), date_to=TODAY - timedelta(days=1)),
        CaseFilter(overdue=True),
        CaseFilter(overdue=True, window="petition", date_to=TODAY - timedelta(days=30)),
    ):
        want = expected(lctx, [r for r in everything if matches(r, f)], "received", True)
        assert count_cases(lctx, f, today=TODAY) == len(want), f
        assert [r.case_no for r in case_rows(lctx, f, limit=1000, today=TODAY)] == want, f


def test_search(lctx, named):
    def nos(q, **kw):
        return [r.case_no for r in case_rows(lctx, CaseFilter(query=q, **kw), limit=1000, today=TODAY)]

    assert nos(named["parrot"]) == [named["parrot"]]
    assert nos("110105900307123") == [named["overdue"]]
    assert nos("13912345678") == [named["overdue"]]
    assert nos("诸葛亮") == [named["parrot"]]
    assert nos("欧阳") == [named["overdue"]]
    assert nos("鹦鹉") == [named["parrot"]]
    assert nos("鹦") == [named["parrot"]]  # one character: facts and requests read in SQL (json ->>)
    assert nos("鹩") == [named["parrot"]]  # ... including the requests
    for q in ("损", "工资", "张"):
        assert sorted(nos(q)) == sorted(r.case_no for r in search(lctx, q, limit=10_000)), q
    assert nos("电梯", overdue=True) == [named["overdue"]]
