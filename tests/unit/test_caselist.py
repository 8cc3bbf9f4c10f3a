"""The case list (reception.caselist): filters, sort orders, pages from both ends, search, overdue.

One SQLite file with a few hundred cases is built per module (real intake, then a few status and field
changes made in SQL so that every group of every sort order is present). Every answer is compared with
the same question answered in Python over all the rows.
"""

from __future__ import annotations

import itertools
import json
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from reception import caselist
from reception.caselist import (
    GROUPED,
    SORTS,
    STATUSES,
    CaseFilter,
    case_rows,
    count_cases,
    listing_rows,
    open_listing,
)
from reception.context import open_context
from reception.demo import generate_cases
from reception.errors import ValidationFailed
from reception.intake import register_case, register_many
from reception.queries import search
from reception.storage.models import Case, CaseDeadline
from reception.vocab import RISK_LEVELS, WINDOWS
from tests.factories import base_case

TZ = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(TZ).date()


def _fill(ctx) -> dict:
    """~200 cases over the last weeks, plus named ones the tests look for."""
    cfg = ctx.config
    register_many(ctx, generate_cases(cfg, 180, seed=5, end=TODAY, days=12))
    old = (datetime.now(TZ) - timedelta(days=45)).replace(hour=10, minute=0, second=0, microsecond=0)
    named = {}
    # overdue: received 45 days ago, deadlines long past, still open
    doc = base_case(cfg, "petition", received_at=old.isoformat())
    doc["applicants"][0].update(name="欧阳修远", id_number="110105199003071239", phone="13912345678")
    doc["facts"] = "小区电梯长期故障无人维修，物业公司推诿。"
    doc["requests"] = ["修好电梯"]
    named["overdue"] = register_case(ctx, doc).case_no
    # the same age, but closed: never overdue
    doc = base_case(cfg, "mediation", received_at=(old + timedelta(hours=1)).isoformat())
    doc["applicants"][0].update(name="司马青", id_number="110105198501011234", phone="13700001111")
    named["closed"] = register_case(ctx, doc).case_no
    # a rare word and a one-character search
    doc = base_case(cfg, "litigation", received_at=(datetime.now(TZ) - timedelta(days=2)).isoformat())
    doc["applicants"][0].update(name="诸葛亮", id_number="110105198001011246", phone="0473-1234567")
    doc["facts"] = "邻居饲养的鹦鹉每天清晨鸣叫扰民。"
    doc["requests"] = ["停止侵害", "赔偿损失", "归还走失的鹩哥"]
    doc["risk"] = {"level": "red", "flags": []}
    named["parrot"] = register_case(ctx, doc).case_no
    with ctx.db.write() as s:
        s.execute(update(Case).where(Case.case_no == named["closed"]).values(status="closed"))
        ids = list(s.scalars(select(Case.id).where(Case.status == "routed").order_by(Case.id)))
        rng = random.Random(3)
        picked = rng.sample(ids, 40)
        s.execute(update(Case).where(Case.id.in_(picked[:10])).values(status="in_progress"))
        s.execute(update(Case).where(Case.id.in_(picked[10:15])).values(status="returned"))
        s.execute(update(Case).where(Case.id.in_(picked[15:18])).values(status="registered"))
        s.execute(update(Case).where(Case.id.in_(picked[18:25])).values(risk_level=None))
        # a department no longer in the configuration: sorted after the known ones
        s.execute(update(Case).where(Case.id.in_(picked[25:28])).values(department="old_office"))
    return named


@pytest.fixture(scope="module")
def listed(tmp_path_factory):
    base = tmp_path_factory.mktemp("caselist")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("DATA", "CONFIG", "LOG"):
            d = base / f"user-{name.lower()}"
            d.mkdir()
            mp.setenv(f"RECEPTION_{name}_DIR", str(d))
        mp.delenv("RECEPTION_DB", raising=False)
        ctx = open_context("sqlite:///" + (base / "list.sqlite3").as_posix())
        try:
            named = _fill(ctx)
            yield ctx, named
        finally:
            ctx.close()


@pytest.fixture(scope="module")
def lctx(listed):
    return listed[0]


@pytest.fixture(scope="module")
def named(listed):
    return listed[1]


@pytest.fixture(scope="module")
def everything(lctx) -> list[dict]:
    """Every case as the list would show it, computed in Python from the rows."""
    with lctx.db.read() as s:
        due = dict(
            s.execute(
                select(CaseDeadline.case_id, func.min(CaseDeadline.due))
                .where(CaseDeadline.status == "open")
                .group_by(CaseDeadline.case_id)
            ).all()
        )
        rows = []
        for c in s.scalars(select(Case)):
            d = due.get(c.id)
            d = date.fromisoformat(d) if isinstance(d, str) else d
            rows.append(
                {
                    "id": c.id,
                    "case_no": c.case_no,
                    "received_date": c.received_date,
                    "received_utc": c.received_utc,
                    "window": c.window,
                    "status": c.status,
                    "risk_level": c.risk_level,
                    "department": c.department,
                    "applicant_name": c.applicant_name,
                    "next_due": d,
                    "overdue": d is not None and d < TODAY and c.status not in ("closed", "resolved"),
                }
            )
    return rows


def _rank(order: tuple) -> callable:
    def key(v):
        if v is None:
            return (2, "")
        if v in order:
            return (0, order.index(v))
        return (1, v)

    return key


def expected(lctx, rows: list[dict], sort: str, descending: bool) -> list[str]:
    newest = sorted(rows, key=lambda r: (r["received_date"], r["received_utc"], r["id"]), reverse=True)
    if sort == "received":
        return [r["case_no"] for r in (newest if descending else newest[::-1])]
    if sort in GROUPED:
        # the form's order of the values (reversed when descending), newest first inside each value
        order = {"window": WINDOWS, "status": STATUSES, "risk": RISK_LEVELS}.get(sort) or tuple(lctx.config.departments)
        rank = _rank(order)
        col = SORTS[sort]
        return [r["case_no"] for r in sorted(newest, key=lambda r: rank(r[col]), reverse=descending)]
    col = SORTS[sort]
    return [r["case_no"] for r in sorted(rows, key=lambda r: (r[col], r["id"]), reverse=descending)]


def matches(r: dict, f: CaseFilter) -> bool:
    return (
        (f.date_from is None or r["received_date"] >= f.date_from)
        and (f.date_to is None or r["received_date"] <= f.date_to)
        and (f.window is None or r["window"] == f.window)
        and (f.status is None or r["status"] == f.status)
        and (f.risk is None or r["risk_level"] == f.risk)
        and (f.department is None or r["department"] == f.department)
        and (not f.overdue or r["overdue"])
    )


# -- plans: the same answers whichever way SQLite is steered --------------------------------------

PLANS = {
    "planner": {},  # few rows: defaults leave it to the planner
    "ordered": {"PLANNER_MAX": 0, "RANGE_MAX": 0, "GROUP_BY_MAX": 0, "COUNT_RANGE_MAX": 0},
    "range": {"PLANNER_MAX": 0, "RANGE_MAX": 10**9, "GROUP_BY_MAX": 10**9, "COUNT_RANGE_MAX": 10**9},
}


@pytest.fixture(params=list(PLANS))
def plan(request, monkeypatch):
    for name, value in PLANS[request.param].items():
        monkeypatch.setattr(caselist, name, value)
    return request.param


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", list(SORTS))
def test_pages_from_both_ends_make_the_full_ordered_list(lctx, everything, plan, sort, descending):
    f = CaseFilter(date_from=TODAY - timedelta(days=60))
    want = expected(lctx, [r for r in everything if matches(r, f)], sort, descending)
    listing = open_listing(lctx, f, sort, descending, today=TODAY)
    assert listing.total == len(want) > 150
    if sort in GROUPED:
        assert sum(n for _, n in listing.groups) == listing.total
    whole = [r.case_no for r in listing_rows(lctx, listing, 0, 10_000)]
    assert whole == want
    paged = []
    for offset in range(0, listing.total, 7):  # pages of 7: the later ones are read from the end
        paged += [r.case_no for r in listing_rows(lctx, listing, offset, 7)]
    assert paged == want
    for offset in (0, 1, listing.total // 2 - 1, listing.total // 2, listing.total - 3, listing.total - 1):
        assert [r.case_no for r in listing_rows(lctx, listing, offset, 3)] == want[offset : offset + 3]
    assert listing_rows(lctx, listing, listing.total, 5) == []
    assert listing_rows(lctx, listing, listing.total + 10, 5) == []


def test_rows_carry_what_the_list_shows(lctx, named):
    rows = case_rows(lctx, CaseFilter(query=named["parrot"]), today=TODAY)
    assert len(rows) == 1
    r = rows[0]
    assert r.case_no == named["parrot"]
    assert r.window == "litigation" and r.channel == "visit" and r.applicant_name == "诸葛亮"
    assert r.category == "labour" and r.risk_level == "red" and r.status == "routed"
    assert r.received_at.utcoffset() == timedelta(hours=8)  # hall time
    assert r.next_due is not None and r.next_due >= TODAY and not r.overdue
    with pytest.raises(Exception):  # noqa: B017 - frozen
        r.status = "closed"  # type: ignore[misc]


# -- filters ------------------------------------------------------------------------------------


def test_each_combination_of_filters(lctx, everything, plan):
    dates = [(None, None), (TODAY - timedelta(days=5), None), (None, TODAY - timedelta(days=6))]
    windows = [None, "petition", "mediation"]
    statuses = [None, "routed"]
    departments = [None, "court"]
    risks = [None, "yellow"]
    overdue = [False, True]
    seen_nonempty = 0
    for (d_from, d_to), w, st, dep, rk, od in itertools.product(dates, windows, statuses, departments, risks, overdue):
        f = CaseFilter(date_from=d_from, date_to=d_to, window=w, status=st, department=dep, risk=rk, overdue=od)
        want = expected(lctx, [r for r in everything if matches(r, f)], "received", True)
        assert count_cases(lctx, f, today=TODAY) == len(want), f
        got = [r.case_no for r in case_rows(lctx, f, "received", True, 0, 1000, today=TODAY)]
        assert got == want, f
        seen_nonempty += bool(want)
    assert seen_nonempty > 40


@pytest.mark.parametrize("sort", list(SORTS))
def test_filters_in_every_sort_order(lctx, everything, plan, sort):
    f = CaseFilter(date_from=TODAY - timedelta(days=8), window="petition", risk="yellow")
    want = expected(lctx, [r for r in everything if matches(r, f)], sort, False)
    assert want
    assert [r.case_no for r in case_rows(lctx, f, sort, False, 0, 1000, today=TODAY)] == want


def test_overdue_is_an_open_deadline_before_today_on_a_case_still_open(lctx, named, everything):
    f = CaseFilter(overdue=True)
    got = [r.case_no for r in case_rows(lctx, f, today=TODAY)]
    assert named["overdue"] in got
    assert named["closed"] not in got  # its deadlines are still open in the table, but the case is closed
    assert all(r["status"] not in ("closed", "resolved") for r in everything if r["case_no"] in got)
    row = next(r for r in case_rows(lctx, f, today=TODAY) if r.case_no == named["overdue"])
    assert row.overdue and row.next_due < TODAY
    # seen from the day the case came in, nothing is overdue yet
    assert named["overdue"] not in [r.case_no for r in case_rows(lctx, f, today=TODAY - timedelta(days=45))]
    assert count_cases(lctx, f, today=TODAY) == sum(r["overdue"] for r in everything)


def test_groups_follow_the_forms_order(lctx):
    listing = open_listing(lctx, CaseFilter(), "risk", False, today=TODAY)
    assert [v for v, _ in listing.groups] == ["red", "orange", "yellow", "blue", None]
    first = listing_rows(lctx, listing, 0, 1)[0]
    assert first.risk_level == "red"
    listing = open_listing(lctx, CaseFilter(), "risk", True, today=TODAY)
    assert listing_rows(lctx, listing, 0, 1)[0].risk_level is None
    assert listing_rows(lctx, listing, listing.total - 1, 1)[0].risk_level == "red"
    deps = [v for v, _ in open_listing(lctx, CaseFilter(), "department", False).groups]
    configured = [d for d in deps if d in lctx.config.departments]
    assert configured == [d for d in lctx.config.departments if d in configured]
    assert deps[-2:] == ["old_office", None]
    statuses = [v for v, _ in open_listing(lctx, CaseFilter(), "status", False).groups]
    assert statuses == [s for s in STATUSES if s in statuses]


# -- the search box -----------------------------------------------------------------------------


def _nos(ctx, **kw) -> list[str]:
    return [r.case_no for r in case_rows(ctx, CaseFilter(**kw), limit=1000, today=TODAY)]


def test_search_kinds(lctx, named):
    assert _nos(lctx, query=named["parrot"]) == [named["parrot"]]
    assert _nos(lctx, query=named["parrot"].lower()) == [named["parrot"]]
    assert _nos(lctx, query="110105199003071239") == [named["overdue"]]  # ID number
    assert _nos(lctx, query="110105900307123") == [named["overdue"]]  # its 15-digit form
    assert _nos(lctx, query="139 1234 5678") == [named["overdue"]]  # phone, spaced
    assert _nos(lctx, query="0473-1234567") == [named["parrot"]]  # landline
    assert _nos(lctx, query="诸葛亮") == [named["parrot"]]  # name
    assert _nos(lctx, query="欧阳") == [named["overdue"]]  # start of a name
    assert _nos(lctx, query="鹦鹉") == [named["parrot"]]  # words of the facts
    assert _nos(lctx, query="赔偿损失 鹦鹉") == [named["parrot"]]  # a request and the facts
    assert _nos(lctx, query="鹦") == [named["parrot"]]  # one character: looked for in the text
    assert _nos(lctx, query="鹦 扰民") == [named["parrot"]]
    assert _nos(lctx, query="鹩") == [named["parrot"]]  # in a request only
    assert _nos(lctx, query="鹉鹦") == []
    assert _nos(lctx, query="ZZ-000000-XX-1999-000001") == []
    assert _nos(lctx, query="   ") == _nos(lctx)


def test_search_agrees_with_the_search_box_of_the_core(lctx):
    for q in ("工资", "物业 电梯", "电梯", "张", "王", "赔偿"):
        want = sorted(r.case_no for r in search(lctx, q, limit=10_000))
        got = sorted(_nos(lctx, query=q))
        assert got == want, q


def test_search_combines_with_filters(lctx, named):
    assert _nos(lctx, query="电梯", window="petition", overdue=True) == [named["overdue"]]
    assert _nos(lctx, query="电梯", window="mediation", overdue=True) == []
    assert _nos(lctx, query="诸葛亮", risk="yellow") == []
    assert _nos(lctx, query="诸葛亮", risk="red", date_from=TODAY - timedelta(days=3)) == [named["parrot"]]
    listing = open_listing(lctx, CaseFilter(query="电梯"), "applicant", False, today=TODAY)
    names = [r.applicant_name for r in listing_rows(lctx, listing, 0, 1000)]
    assert len(names) == listing.total > 1 and names == sorted(names)


# -- bad input ----------------------------------------------------------------------------------


def test_a_bad_sort_column_is_refused_by_name(lctx):
    with pytest.raises(ValidationFailed) as e:
        case_rows(lctx, CaseFilter(), "document")
    err = e.value.errors[0]
    assert err.field == "sort"
    assert "document" in err.message("zh") and "received" in err.message("en")
    assert err.text("zh").startswith("排序：")


def test_bad_filters_name_their_field(lctx):
    with pytest.raises(ValidationFailed) as e:
        count_cases(
            lctx,
            CaseFilter(window="kitchen", status="lost", risk="purple", department="nowhere", query="x" * 101),
        )
    assert [x.field for x in e.value.errors] == ["window", "status", "risk", "department", "query"]
    assert e.value.errors[0].text("zh") == "受理窗口：没有“kitchen”这一项"
    with pytest.raises(ValidationFailed) as e:
        count_cases(lctx, CaseFilter(date_from=TODAY, date_to=TODAY - timedelta(days=1)))
    assert e.value.errors[0].text("en") == "Received to: the end date is before the start date"
    with pytest.raises(ValueError):
        listing_rows(lctx, open_listing(lctx), -1, 5)


# -- the command line ---------------------------------------------------------------------------


def test_cli_list(lctx, named, capsys, cli_as):
    from reception.cli import main

    url = lctx.db.url
    cli_as(db=url)
    assert main(["--db", url, "list", "--query", "鹦鹉", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 1 and out["rows"][0]["case_no"] == named["parrot"]
    assert out["rows"][0]["applicant"] == "诸葛亮" and out["rows"][0]["risk"] == "red"
    assert main(["--db", url, "list", "--overdue", "--window", "petition"]) == 0
    cap = capsys.readouterr()
    assert named["overdue"] in cap.out and "逾期" in cap.out and "共" in cap.err
    assert main(["--db", url, "list", "--sort", "risk", "--limit", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["risk"] for r in out["rows"]] == ["red"] * 3 and out["total"] > 3
    d = (TODAY - timedelta(days=1)).isoformat()
    assert main(["--db", url, "list", "--from", d, "--to", d, "--json", "--limit", "1000"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == len(out["rows"]) and {r["received_at"][:10] for r in out["rows"]} <= {d}
    assert main(["--db", url, "list", "--window", "kitchen"]) == 2
    assert "kitchen" in capsys.readouterr().err


def test_cli_sort_choices_are_the_sortable_columns():
    import argparse

    from reception.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    sort = next(a for a in sub.choices["list"]._actions if a.dest == "sort")
    assert tuple(sort.choices) == tuple(SORTS)
