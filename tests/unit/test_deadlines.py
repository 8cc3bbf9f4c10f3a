"""Statutory deadlines: counting rules, the rule file, the domain's worked example."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reception.deadlines import (
    PURPOSES,
    RISK_FLAGS,
    WINDOWS,
    add_months,
    compute_due,
    deadlines_for,
    limitation_prompt,
    limitation_warning,
    load_rules,
    parse_rules,
)
from reception.errors import ConfigError
from reception.paths import resource_path
from reception.workcal import WorkCalendar, load_calendar

D = dt.date.fromisoformat
CAL = load_calendar()
RULES = load_rules()


def due_of(case: dict, received: str, kind: str, rules=None, calendar=CAL):
    found = deadlines_for(case, received=D(received), rules=rules or RULES, calendar=calendar)
    return next(d for d in found if d.kind == kind)


# -- the worked example (domain.md §3, acceptance check 7) ------------------------------------------


def test_worked_example_with_roll_over():
    found = deadlines_for({"window": "petition"}, received=D("2025-03-03"), rules=RULES, calendar=CAL)
    by_kind = {d.kind: d for d in found}
    assert [d.kind for d in found] == ["petition_transfer", "petition_notice", "petition_handling"]
    assert by_kind["petition_notice"].due == D("2025-03-18")
    handling = by_kind["petition_handling"]
    assert handling.due == D("2025-05-06")
    assert handling.rolled_over and handling.rolled_from == D("2025-05-02")
    assert not handling.calendar_missing
    assert handling.amount == 60 and not handling.months and handling.unit == "calendar"
    assert "第三十四条" in handling.basis


def test_worked_example_without_roll_over():
    assert compute_due(D("2025-03-03"), days=15, calendar=CAL) == (D("2025-03-18"), None, False)
    assert compute_due(D("2025-03-03"), days=60, calendar=CAL) == (D("2025-05-02"), None, False)
    assert compute_due(D("2025-03-03"), days=60, roll_over=True, calendar=CAL) == (
        D("2025-05-06"),
        D("2025-05-02"),
        False,
    )


def test_hall_can_switch_roll_over_off(tmp_path: Path):
    text = resource_path("rules", "deadlines.toml").read_text(encoding="utf-8")
    text = text.replace("roll_over = true  # configurable, see petition_transfer", "roll_over = false")
    path = tmp_path / "deadlines.toml"
    path.write_text(text, encoding="utf-8")
    rules = load_rules(path)
    d = due_of({"window": "petition"}, "2025-03-03", "petition_handling", rules=rules)
    assert (d.due, d.rolled_over, d.rolled_from) == (D("2025-05-02"), False, None)


# -- counting --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2025-03-03", 3, "2025-06-03"),
        ("2025-11-15", 3, "2026-02-15"),
        ("2025-05-31", 12, "2026-05-31"),
        ("2025-03-03", 0, "2025-03-03"),
    ],
)
def test_add_months_clamps_to_month_end(start, n, due):
    assert add_months(D(start), n) == D(due)
    assert compute_due(D(start), months=n, calendar=CAL).due == D(due)


@pytest.mark.parametrize(
    ("start", "days", "unit", "roll_over", "due", "rolled_from"),
    [
        ("2025-03-03", 15, "calendar", False, "2025-03-18", None),
        ("2025-04-30", 3, "working", False, "2025-05-08", None),  # 05-06, 05-07, 05-08
        ("2025-04-24", 2, "working", False, "2025-04-27", None),  # Fri 04-25, then make-up Sun 04-27
        ("2025-09-26", 5, "working", False, "2025-10-10", None),  # 09-28 (Sun, make-up), 09-29, 09-30, 10-09
        ("2025-09-28", 7, "calendar", True, "2025-10-09", "2025-10-05"),  # legal aid in National Day
        ("2025-01-21", 7, "calendar", True, "2025-02-05", "2025-01-28"),  # Spring Festival 2025
        ("2024-09-24", 7, "calendar", True, "2024-10-08", "2024-10-01"),  # National Day 2024
        ("2025-04-20", 7, "calendar", True, "2025-04-27", None),  # due on a make-up Sunday: a working day
        ("2025-03-01", 7, "calendar", True, "2025-03-10", "2025-03-08"),  # ordinary Saturday
    ],
)
def test_compute_due_table(start, days, unit, roll_over, due, rolled_from):
    r = compute_due(D(start), days=days, unit=unit, roll_over=roll_over, calendar=CAL)
    assert r.due == D(due)
    assert r.rolled_from == (D(rolled_from) if rolled_from else None)
    assert r.calendar_missing is False


def test_compute_due_arguments():
    with pytest.raises(ValueError):
        compute_due(D("2025-03-03"), calendar=CAL)
    with pytest.raises(ValueError):
        compute_due(D("2025-03-03"), days=1, months=1, calendar=CAL)
    with pytest.raises(ValueError):
        compute_due(D("2025-03-03"), months=1, unit="working", calendar=CAL)
    with pytest.raises(ValueError):
        compute_due(D("2025-03-03"), days=-1, calendar=CAL)
    with pytest.raises(TypeError):
        compute_due(dt.datetime(2025, 3, 3, 9, 0), days=1, calendar=CAL)


# -- a year without a holiday calendar -------------------------------------------------------------


def test_uncovered_year_is_flagged():
    d = due_of({"window": "procuratorate"}, "2026-12-20", "procuratorate_outcome")
    assert d.due == D("2027-03-22")  # 2027-03-20 is a Saturday: weekends-only roll-over
    assert d.calendar_missing and d.missing_years == (2027,)
    w = d.warning()
    assert w is not None and w.code == "calendar.not_loaded" and w.severity == "warning"
    assert "2027年节假日安排未载入" in w.message_zh
    assert d.as_dict()["calendar_missing"] is True


def test_working_days_into_an_uncovered_year():
    r = compute_due(D("2026-12-28"), days=10, unit="working", calendar=CAL)
    assert r.calendar_missing
    r = compute_due(D("2026-12-01"), days=10, unit="working", calendar=CAL)
    assert not r.calendar_missing


def test_calendar_days_without_roll_over_need_no_calendar():
    assert compute_due(D("2027-03-03"), days=15, calendar=CAL) == (D("2027-03-18"), None, False)
    assert compute_due(D("2027-03-03"), days=15, calendar=None).calendar_missing is False
    assert compute_due(D("2025-04-26"), days=5, roll_over=True, calendar=WorkCalendar()).calendar_missing


def test_hall_calendar_clears_the_flag(tmp_path: Path):
    (tmp_path / "cn-2027.toml").write_text(
        'year = 2027\n[[holiday]]\nname = "劳动节"\ndays = ["2027-05-01", "2027-05-02", "2027-05-03"]\n',
        encoding="utf-8",
    )
    cal = load_calendar([tmp_path])
    r = compute_due(D("2027-04-16"), days=15, roll_over=True, calendar=cal)
    assert r == (D("2027-05-04"), D("2027-05-01"), False)


# -- which rules apply -----------------------------------------------------------------------------

EXPECTED_IDS = [
    "petition_transfer",
    "petition_notice",
    "petition_handling",
    "legal_aid_decision",
    "court_filing",
    "procuratorate_reply",
    "procuratorate_outcome",
    "mediation",
    "labour_mediation",
    "admin_review",
]


def test_shipped_rules():
    assert [r.id for r in RULES] == EXPECTED_IDS
    for r in RULES:
        assert r.basis and r.label and r.label_en and r.start == "received"
        assert r.applies.window
    petition = [r for r in RULES if r.id.startswith("petition") or r.id == "legal_aid_decision"]
    assert all(r.roll_over and r.unit == "calendar" for r in petition)
    reply = next(r for r in RULES if r.id == "procuratorate_reply")
    assert (reply.days, reply.unit) == (7, "calendar")


def kinds(case: dict, received: str = "2025-03-03") -> list[str]:
    return [d.kind for d in deadlines_for(case, received=D(received), rules=RULES, calendar=CAL)]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"window": "petition"}, ["petition_transfer", "petition_notice", "petition_handling"]),
        ({"window": "legal_aid"}, ["legal_aid_decision"]),
        ({"window": "litigation"}, ["court_filing"]),
        ({"window": "procuratorate"}, ["procuratorate_reply", "procuratorate_outcome"]),
        ({"window": "mediation", "category": "family"}, ["mediation"]),
        ({"window": "mediation", "category": "labour"}, ["labour_mediation"]),
        ({"window": "consultation"}, []),
        ({"window": "consultation", "category": "requisition", "subcategory": "legality"}, ["admin_review"]),
        ({"window": "consultation", "category": "requisition", "subcategory": "compensation"}, []),
        (
            {"window": "petition", "category": "requisition", "subcategory": "legality"},
            ["petition_transfer", "petition_notice", "petition_handling", "admin_review"],
        ),
        ({}, []),
    ],
)
def test_matching(case, expected):
    assert kinds(case) == expected


@pytest.mark.parametrize(
    ("subcategory", "days", "due"),
    [
        (None, 7, "2025-03-10"),
        ("private_prosecution", 15, "2025-03-18"),
        ("third_party_revocation", 30, "2025-04-02"),
        ("enforcement_objection", 15, "2025-03-18"),
    ],
)
def test_court_filing_variants(subcategory, days, due):
    d = due_of({"window": "litigation", "subcategory": subcategory}, "2025-03-03", "court_filing")
    assert (d.amount, d.due) == (days, D(due))
    if subcategory == "private_prosecution":
        assert "刑事自诉" in d.label_zh and "第八条" in d.basis


def test_legal_aid_decision_rolls_out_of_national_day():
    d = due_of({"window": "legal_aid"}, "2025-09-28", "legal_aid_decision")
    assert (d.due, d.rolled_from) == (D("2025-10-09"), D("2025-10-05"))


def test_as_dict_round_trip():
    d = due_of({"window": "petition"}, "2025-03-03", "petition_handling")
    out = d.as_dict()
    assert out["kind"] == "petition_handling"
    assert (out["due"], out["rolled_from"], out["start"]) == ("2025-05-06", "2025-05-02", "2025-03-03")
    json.dumps(out)


def test_flag_match_and_disabled_rule():
    rules = parse_rules(
        """
        [[rule]]
        id = "watch"
        label = "重点关注回访"
        applies = { window = ["petition"], flag = "group" }
        days = 3
        unit = "working"
        roll_over = false

        [[rule]]
        id = "off"
        label = "停用"
        applies = { window = ["petition"] }
        days = 1
        unit = "calendar"
        roll_over = false
        enabled = false
        """
    )
    case = {"window": "petition", "risk": {"flags": ["group"]}}
    found = deadlines_for(case, received=D("2025-04-30"), rules=rules, calendar=CAL)
    assert [(d.kind, d.due, d.label_en) for d in found] == [("watch", D("2025-05-08"), "重点关注回访")]
    assert deadlines_for({"window": "petition"}, received=D("2025-04-30"), rules=rules, calendar=CAL) == []


def test_default_rules_are_loaded_when_none_given():
    found = deadlines_for({"window": "legal_aid"}, received=D("2025-03-03"), calendar=CAL)
    assert [d.kind for d in found] == ["legal_aid_decision"]


def test_enums_match_the_case_schema():
    path = resource_path("schema", "case-1.json")
    if not path.is_file():
        pytest.skip("case schema not present")
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert set(schema["properties"]["window"]["enum"]) == set(WINDOWS)
    assert set(schema["properties"]["purpose"]["enum"]) - {None} == set(PURPOSES)
    assert set(schema["$defs"]["risk"]["properties"]["flags"]["items"]["enum"]) == set(RISK_FLAGS)


# -- rule file problems ----------------------------------------------------------------------------

GOOD = """\
version = 1

[[rule]]
id = "a"
label = "甲"
applies = { window = ["petition"] }
days = 15
unit = "calendar"
roll_over = true
"""


def problems_of(text: str, tmp_path: Path):
    path = tmp_path / "deadlines.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    for p in info.value.problems:
        assert p.file == str(path)
    return info.value.problems


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        (GOOD.replace('window = ["petition"]', 'window = ["petiton"]'), 6, "rule[0].applies.window", "petiton"),
        (GOOD.replace('unit = "calendar"', 'unit = "weeks"'), 8, "rule[0].unit", "not one of"),
        (GOOD.replace('unit = "calendar"\n', ""), 3, "rule[0].unit", "required"),
        (GOOD.replace("days = 15", "days = 15\nmonths = 1"), 3, "rule[0].days", "exactly one"),
        (GOOD.replace("days = 15", "months = 1").replace('"calendar"', '"working"'), 8, "rule[0].unit", "calendar"),
        (GOOD.replace("days = 15", "days = -3"), 7, "rule[0].days", "whole number"),
        (GOOD.replace("roll_over = true", 'roll_over = "yes"'), 9, "rule[0].roll_over", "true or false"),
        (GOOD.replace('id = "a"', 'id = "A b"'), 4, "rule[0].id", "lower-case"),
        (GOOD + "colour = 1\n", 10, "rule[0].colour", "unknown key"),
        (GOOD.replace("version = 1", "version = 2"), 1, "version", "unsupported"),
        (
            GOOD.replace('applies = { window = ["petition"] }', 'applies = { category = ["x"] }'),
            6,
            "rule[0].applies.window",
            "required",
        ),
        (GOOD + GOOD.split("version = 1\n")[1], 12, "rule[1].id", "used twice"),
        (GOOD.replace('id = "a"', "id = a"), 4, "", "TOML"),
    ],
)
def test_rule_file_problems(tmp_path: Path, text, line, key, fragment):
    problems = problems_of(text, tmp_path)
    assert [(p.line, p.key) for p in problems] == [(line, key)], problems
    assert fragment in problems[0].message_en


def test_variant_problems_name_the_variant(tmp_path: Path):
    text = GOOD + '\n  [[rule.variant]]\n  applies = { subcategory = ["x"] }\n  days = "ten"\n'
    [p] = problems_of(text, tmp_path)
    assert (p.line, p.key) == (13, "rule[0].variant[0].days")


def test_missing_rule_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError) as info:
        load_rules(tmp_path / "nope.toml")
    assert info.value.problems[0].file == str(tmp_path / "nope.toml")


# -- interim legal aid -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ends", "expected"),
    [
        ("2025-03-03", True),  # ends today
        ("2025-03-09", True),  # 6 days left
        ("2025-03-10", False),  # 7 days left: not 不足七日
        ("2025-06-01", False),
        ("2025-03-02", False),  # already ended
    ],
)
def test_limitation_warning(ends, expected):
    assert limitation_warning(D(ends), D("2025-03-03")) is expected


def test_limitation_prompt():
    today = D("2025-03-03")
    w = limitation_prompt({"limitation_ends_on": "2025-03-05"}, today)
    assert w is not None and w.code == "deadline.limitation_soon" and w.field == "limitation_ends_on"
    assert w.severity == "warning" and "2025-03-05" in w.message_zh
    assert limitation_prompt({"limitation_ends_on": "2025-05-05"}, today) is None
    assert limitation_prompt({"limitation_ends_on": None}, today) is None
    assert limitation_prompt({"limitation_ends_on": "not a date"}, today) is None


# -- properties ------------------------------------------------------------------------------------

starts = st.dates(min_value=dt.date(2019, 6, 1), max_value=dt.date(2028, 6, 30))
periods = st.one_of(
    st.tuples(st.just("days"), st.integers(1, 400), st.sampled_from(["calendar", "working"])),
    st.tuples(st.just("months"), st.integers(1, 24), st.just("calendar")),
)


@settings(deadline=None)
@given(starts, periods, st.booleans())
def test_due_after_start(start, period, roll_over):
    kind, n, unit = period
    r = compute_due(start, **{kind: n}, unit=unit, roll_over=roll_over, calendar=CAL)
    assert r.due > start
    if r.rolled_from is not None:
        assert roll_over and r.rolled_from < r.due


@settings(deadline=None)
@given(starts, periods)
def test_roll_over_lands_on_a_working_day(start, period):
    kind, n, unit = period
    r = compute_due(start, **{kind: n}, unit=unit, roll_over=True, calendar=CAL)
    assert CAL.is_workday(r.due)
    if r.rolled_from is not None:
        d = r.rolled_from
        while d < r.due:  # every day skipped was a rest day
            assert not CAL.is_workday(d)
            d += dt.timedelta(days=1)


@settings(deadline=None)
@given(starts, st.integers(1, 200))
def test_working_days_count_exactly(start, n):
    r = compute_due(start, days=n, unit="working", calendar=CAL)
    assert CAL.working_days_between(start, r.due) == n
    assert CAL.is_workday(r.due)
    assert r.calendar_missing == bool(CAL.uncovered_years(start + dt.timedelta(days=1), r.due))
