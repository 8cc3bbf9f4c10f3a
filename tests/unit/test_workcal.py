"""Working-day calendar: shipped holiday data, 调休 days, hall overrides, bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reception.errors import ConfigError
from reception.paths import resource_path
from reception.workcal import (
    WorkCalendar,
    YearCalendar,
    calendar_warning,
    load_calendar,
    load_calendar_file,
    parse_calendar,
)

D = dt.date.fromisoformat
CAL = load_calendar()


def test_shipped_years():
    assert set(range(2020, 2027)) <= CAL.known_years
    assert CAL.covers(D("2025-06-01"))
    assert not CAL.covers(D("2019-06-01"))


@pytest.mark.parametrize(
    ("day", "holiday", "workday"),
    [
        # Spring Festival 2025: 01-28 .. 02-04; make-up days Sun 01-26 and Sat 02-08
        ("2025-01-27", False, True),
        ("2025-01-28", True, False),
        ("2025-02-01", True, False),
        ("2025-02-04", True, False),
        ("2025-02-05", False, True),
        ("2025-01-26", False, True),
        ("2025-02-08", False, True),
        ("2025-02-09", False, False),  # an ordinary Sunday
        # Labour Day 2025: 05-01 .. 05-05; Sun 04-27 is a make-up working day
        ("2025-04-27", False, True),
        ("2025-05-01", True, False),
        ("2025-05-02", True, False),
        ("2025-05-05", True, False),
        ("2025-05-06", False, True),
        # National Day and Mid-Autumn 2025: 10-01 .. 10-08; Sun 09-28 and Sat 10-11 are working days
        ("2025-09-28", False, True),
        ("2025-10-06", True, False),
        ("2025-10-08", True, False),
        ("2025-10-09", False, True),
        ("2025-10-11", False, True),
        # National Day 2024: 10-01 .. 10-07; Sun 09-29 and Sat 10-12 are working days
        ("2024-09-29", False, True),
        ("2024-10-01", True, False),
        ("2024-10-07", True, False),
        ("2024-10-08", False, True),
        ("2024-10-12", False, True),
        ("2024-10-13", False, False),
        # New Year 2023 began on 2022-12-31 (in the 2023 notice)
        ("2022-12-31", True, False),
        ("2023-01-02", True, False),
        ("2023-01-03", False, True),
        # an ordinary week
        ("2025-03-03", False, True),
        ("2025-03-08", False, False),
    ],
)
def test_holidays_and_makeup_days(day, holiday, workday):
    d = D(day)
    assert CAL.is_holiday(d) is holiday
    assert CAL.is_workday(d) is workday


def test_holiday_names_and_source():
    assert CAL.holiday_name(D("2025-05-01")) == "劳动节"
    assert CAL.holiday_name(D("2025-10-06")) == "国庆节、中秋节"
    assert CAL.holiday_name(D("2025-03-03")) is None
    assert CAL.is_makeup_workday(D("2025-04-27"))
    assert CAL.source(2025) == "国务院办公厅关于2025年部分节假日安排的通知"


def test_2025_file_content():
    cal = load_calendar_file(resource_path("calendars", "cn-2025.toml"))
    labour = next(p for p in cal.holidays if p.name == "劳动节")
    assert labour.name_en == "Labour Day"
    assert [d.isoformat() for d in labour.days] == [f"2025-05-0{i}" for i in range(1, 6)]
    assert any(w.date == D("2025-04-27") and w.for_ == "劳动节" for w in cal.workdays)


def test_shipped_files_agree_with_chinesecalendar():
    cc = pytest.importorskip("chinese_calendar")
    for year in sorted(CAL.known_years):
        d = dt.date(year, 1, 1)
        while d.year == year:
            assert CAL.is_workday(d) == cc.is_workday(d), d
            d += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2025-03-03", 5, "2025-03-10"),  # Mon + 5 working days = next Mon
        ("2025-04-30", 1, "2025-05-06"),  # across Labour Day
        ("2025-04-25", 1, "2025-04-27"),  # Fri + 1 = the make-up Sunday
        ("2025-09-30", 3, "2025-10-11"),  # 10-09, 10-10, then the make-up Saturday
        ("2025-01-24", 3, "2025-02-05"),  # 01-26 (Sun, make-up), 01-27, then after Spring Festival
        ("2025-03-03", 0, "2025-03-03"),
    ],
)
def test_add_working_days(start, n, due):
    assert CAL.add_working_days(D(start), n) == D(due)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-05-01", "2025-05-06"),
        ("2025-05-06", "2025-05-06"),
        ("2025-04-27", "2025-04-27"),
        ("2025-03-08", "2025-03-10"),
        ("2024-10-05", "2024-10-08"),
    ],
)
def test_next_workday(day, expected):
    assert CAL.next_workday(D(day)) == D(expected)


def test_negative_working_days_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(D("2025-03-03"), -1)


def test_uncovered_year_counts_weekends_only():
    assert not CAL.covers(D("2030-10-01"))
    assert CAL.is_workday(D("2030-10-01"))  # a Tuesday; its holidays are unknown
    assert not CAL.is_workday(D("2030-10-05"))  # Saturday
    assert CAL.uncovered_years(D("2026-12-20"), D("2027-01-10")) == (2027,)
    w = calendar_warning([2027])
    assert w.severity == "warning"
    assert w.message_zh.startswith("2027年节假日安排未载入")


def test_empty_calendar():
    cal = WorkCalendar()
    assert cal.known_years == frozenset()
    assert cal.next_workday(D("2025-05-01")) == D("2025-05-01")
    assert cal.add_working_days(D("2025-03-07"), 1) == D("2025-03-10")


def test_calendar_is_immutable_and_hashable():
    with pytest.raises(AttributeError):
        CAL.known_years = frozenset()  # type: ignore[misc]
    assert hash(CAL) == hash(load_calendar())
    with pytest.raises(ValueError):
        WorkCalendar((YearCalendar(2025), YearCalendar(2025)))


HALL_2027 = """\
# hall's own file for 2027 (made-up dates for the test)
year = 2027
source = "本厅测试"

[[holiday]]
name = "元旦"
name_en = "New Year's Day"
days = ["2027-01-01", "2027-01-02", "2027-01-03"]

[[holiday]]
name = "劳动节"
days = [2027-05-01, 2027-05-02, 2027-05-03, 2027-05-04, 2027-05-05]

[[workday]]
date = "2027-04-25"
for = "劳动节"
"""


def test_hall_file_adds_a_year(tmp_path: Path):
    (tmp_path / "cn-2027.toml").write_text(HALL_2027, encoding="utf-8")
    cal = load_calendar([tmp_path])
    assert 2027 in cal.known_years
    assert cal.is_holiday(D("2027-05-04"))
    assert cal.is_workday(D("2027-04-25"))  # Sunday, make-up day
    assert cal.source(2027) == "本厅测试"
    assert cal.is_holiday(D("2025-05-01"))  # shipped years still there


def test_hall_file_replaces_a_shipped_year(tmp_path: Path):
    (tmp_path / "cn-2025.toml").write_text(
        'year = 2025\nsource = "本厅更正"\n[[holiday]]\nname = "劳动节"\ndays = ["2025-05-01"]\n',
        encoding="utf-8",
    )
    cal = load_calendar([tmp_path, tmp_path / "missing-folder"])
    assert cal.source(2025) == "本厅更正"
    assert cal.is_holiday(D("2025-05-01"))
    assert not cal.is_holiday(D("2025-05-02"))  # the shipped 2025 file is replaced, not merged
    assert cal.is_workday(D("2025-01-28"))  # Spring Festival gone: a plain Tuesday
    assert cal.is_holiday(D("2024-10-01"))


def _problems(text: str, name: str, tmp_path: Path):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_calendar([tmp_path])
    return path, info.value.problems


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('year = 2027\nsource = "x"\n[[holiday]]\nname = 元旦\ndays = ["2027-01-01"]\n', 4),
        ('year = 2027\nsource = "x"\n[[holiday]]\nname = "元旦"\ndays = ["2027-01-01",\n', 5),
    ],
)
def test_malformed_toml_names_file_and_line(tmp_path: Path, text, line):
    path, problems = _problems(text, "cn-2027.toml", tmp_path)
    [p] = problems
    assert (p.file, p.line) == (str(path), line)
    assert p.text("en").startswith(f"{path}:{line}: ")
    assert "TOML" in p.message_en


def test_bad_date_names_file_line_and_key(tmp_path: Path):
    text = (
        "year = 2027\n"
        "[[holiday]]\n"
        'name = "元旦"\n'
        'days = ["2027-01-01"]\n'
        "[[holiday]]\n"
        'name = "春节"\n'
        "days = [\n"
        '  "2027-02-06",\n'
        '  "2027-02-30",\n'
        "]\n"
    )
    path, problems = _problems(text, "cn-2027.toml", tmp_path)
    [p] = problems
    assert (p.file, p.line, p.key) == (str(path), 9, "holiday[1].days[1]")
    assert "2027-02-30" in p.message_zh


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        ("year = 2026\n", 1, "year", "does not match"),
        ("year = 2027\nholidays = []\n", 2, "holidays", "unknown key"),
        ('year = 2027\n[[holiday]]\ndays = ["2027-01-01"]\n', 2, "holiday[0].name", "required"),
        ('year = 2027\n[[workday]]\ndate = "2027-04-26"\n', 3, "workday[0].date", "not a Saturday or Sunday"),
        (
            'year = 2027\n[[holiday]]\nname = "x"\ndays = ["2030-01-01"]\n',
            4,
            "holiday[0].days[0]",
            "more than a year",
        ),
        (
            'year = 2027\n[[holiday]]\nname = "x"\ndays = ["2027-05-01"]\n[[workday]]\ndate = "2027-05-01"\n',
            6,
            "workday[0].date",
            "both",
        ),
        ('year = "2027"\n', 1, "year", "whole number"),
    ],
)
def test_semantic_problems(tmp_path: Path, text, line, key, fragment):
    _, problems = _problems(text, "cn-2027.toml", tmp_path)
    assert [(p.line, p.key) for p in problems] == [(line, key)]
    assert fragment in problems[0].message_en


def test_file_name_must_carry_the_year(tmp_path: Path):
    path, problems = _problems("year = 2027\n", "cn-next.toml", tmp_path)
    assert problems[0].file == str(path)
    assert "cn-YYYY.toml" in problems[0].message_en


def test_every_bad_file_is_reported(tmp_path: Path):
    (tmp_path / "cn-2027.toml").write_text("year = 2027\nbogus = 1\n", encoding="utf-8")
    (tmp_path / "cn-2028.toml").write_text("year = [\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_calendar([tmp_path])
    assert {Path(p.file).name for p in info.value.problems} == {"cn-2027.toml", "cn-2028.toml"}


def test_parse_calendar_accepts_toml_dates():
    cal = parse_calendar('year = 2027\n[[workday]]\ndate = 2027-04-25\nfor = "劳动节"\n')
    assert cal.workdays[0].date == D("2027-04-25")


# -- properties ------------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2028, 12, 31))


@settings(deadline=None)
@given(dates, st.integers(min_value=0, max_value=120))
def test_add_working_days_counts_exactly_n(start, n):
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due) == n
    if n:
        assert CAL.is_workday(due)
        assert due > start


@settings(deadline=None)
@given(dates)
def test_next_workday_is_the_first_working_day(d):
    nxt = CAL.next_workday(d)
    assert nxt >= d and CAL.is_workday(nxt)
    assert all(not CAL.is_workday(d + dt.timedelta(days=i)) for i in range((nxt - d).days))


@settings(deadline=None)
@given(dates)
def test_workday_definition(d):
    expected = CAL.is_makeup_workday(d) or (d.weekday() < 5 and not CAL.is_holiday(d))
    assert CAL.is_workday(d) is expected
