"""Working days in China: statutory holidays and make-up working days (调休), loaded from data.

The calendar is data, not code: one TOML file per year, ``resources/calendars/cn-YYYY.toml``, written by
``tools/gen_calendars.py`` from the State Council's annual notice. A hall can put its own
``cn-YYYY.toml`` files in its calendar folder (passed to :func:`load_calendar` as ``extra_dirs``): a file
there replaces the shipped file for the same year, or adds a year this release does not know yet, so
next year's notice needs no new release.

File format::

    # comments are allowed anywhere
    year = 2025                                   # must match the file name cn-2025.toml
    source = "国务院办公厅关于2025年部分节假日安排的通知"   # optional, shown to the user

    [[holiday]]                                   # one per festival period
    name = "劳动节"                                # required
    name_en = "Labour Day"                        # optional
    days = ["2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05"]
                                                  # every rest day, incl. the weekend days inside it;
                                                  # a New Year period may start in December before

    [[workday]]                                   # a make-up working day (Saturday or Sunday)
    date = "2025-04-27"
    for = "劳动节"                                 # optional: the holiday it makes up for

Dates may be written as strings (``"2025-05-01"``) or as TOML dates (``2025-05-01``).

A working day is a Monday-to-Friday that is not a holiday, or a make-up working day. For a year the
calendar does not cover, the arithmetic still answers, counting weekends only; callers check
:meth:`WorkCalendar.covers` / :meth:`WorkCalendar.uncovered_years` and must tell the user
(``calendar.not_loaded``: "2027年节假日安排未载入").
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reception.errors import MESSAGES, ConfigError, ConfigProblem, FieldError, field_error, messages
from reception.paths import resource_path

__all__ = [
    "HolidayPeriod",
    "MakeupDay",
    "WorkCalendar",
    "YearCalendar",
    "calendar_warning",
    "load_calendar",
    "load_calendar_file",
    "parse_calendar",
]

FILE_PATTERN = "cn-*.toml"
_FILE_RE = re.compile(r"^cn-(\d{4})\.toml$")

messages(
    {
        "calendar.not_loaded": (
            "{years}年节假日安排未载入，期限暂按周末推算，请核对",
            "The public holidays of {years} are not loaded; the date counts weekends only — check it",
        ),
        "calendar.read": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
        "calendar.syntax": ("TOML 格式错误：{detail}", "not valid TOML: {detail}"),
        "calendar.file_name": (
            "文件名应为 cn-年份.toml，例如 cn-2026.toml",
            "the file name must be cn-YYYY.toml, e.g. cn-2026.toml",
        ),
        "calendar.year_mismatch": (
            "年份 {year} 与文件名中的 {name_year} 不一致",
            "year {year} does not match {name_year} in the file name",
        ),
        "calendar.missing": ("缺少必填项", "required key is missing"),
        "calendar.unknown_key": ("无法识别的键", "unknown key"),
        "calendar.type": ("应为{expected_zh}", "must be {expected_en}"),
        "calendar.bad_date": (
            "“{value}”不是有效日期，应写作 YYYY-MM-DD",
            "“{value}” is not a valid date; write YYYY-MM-DD",
        ),
        "calendar.date_far": (
            "日期 {value} 与本文件年份 {year} 相距超过一年",
            "date {value} is more than a year away from this file's year {year}",
        ),
        "calendar.workday_weekday": (
            "调休上班日 {value} 不是星期六或星期日",
            "make-up working day {value} is not a Saturday or Sunday",
        ),
        "calendar.conflict": (
            "{value} 同时列为放假日和调休上班日",
            "{value} is listed both as a holiday and as a make-up working day",
        ),
    }
)

_TYPES = {
    "int": ("整数", "a whole number"),
    "str": ("文字", "text"),
    "list": ("日期列表", "a list of dates"),
    "table": ("表（[[...]] 段）", "a table ([[...]] section)"),
    "tables": ("表的数组（[[...]]）", "an array of tables ([[...]])"),
}


@dataclass(frozen=True)
class HolidayPeriod:
    name: str
    name_en: str
    days: tuple[dt.date, ...]


@dataclass(frozen=True)
class MakeupDay:
    date: dt.date
    for_: str = ""


@dataclass(frozen=True)
class YearCalendar:
    """The content of one ``cn-YYYY.toml``."""

    year: int
    source: str = ""
    holidays: tuple[HolidayPeriod, ...] = ()
    workdays: tuple[MakeupDay, ...] = ()
    file: str = ""


@dataclass(frozen=True)
class WorkCalendar:
    """Immutable working-day calendar built from :class:`YearCalendar` records.

    ``known_years`` are the years with a loaded file; :meth:`covers` tells whether a date's year is one.
    """

    years: tuple[YearCalendar, ...] = ()
    known_years: frozenset[int] = field(init=False)
    _holidays: dict[dt.date, str] = field(init=False, repr=False, compare=False, hash=False)
    _makeup: frozenset[dt.date] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        years = tuple(sorted(self.years, key=lambda y: y.year))
        if len({y.year for y in years}) != len(years):
            raise ValueError("one YearCalendar per year")
        holidays: dict[dt.date, str] = {}
        makeup: set[dt.date] = set()
        for y in years:
            for p in y.holidays:
                for d in p.days:
                    holidays.setdefault(d, p.name)
            makeup.update(w.date for w in y.workdays)
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "known_years", frozenset(y.year for y in years))
        object.__setattr__(self, "_holidays", holidays)
        object.__setattr__(self, "_makeup", frozenset(makeup))

    # -- single days -------------------------------------------------------------------------------

    def covers(self, d: dt.date) -> bool:
        """True if the holiday arrangement of ``d``'s year is loaded."""
        return d.year in self.known_years

    def is_holiday(self, d: dt.date) -> bool:
        """A statutory rest day of a festival period (weekend days inside the period included)."""
        return d in self._holidays

    def holiday_name(self, d: dt.date) -> str | None:
        return self._holidays.get(d)

    def is_makeup_workday(self, d: dt.date) -> bool:
        """A Saturday or Sunday that is a working day (调休上班)."""
        return d in self._makeup

    def is_workday(self, d: dt.date) -> bool:
        """Monday to Friday and not a holiday, or a make-up working day."""
        if d in self._makeup:
            return True
        return d.weekday() < 5 and d not in self._holidays

    # -- arithmetic --------------------------------------------------------------------------------

    def next_workday(self, d: dt.date) -> dt.date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += dt.timedelta(days=1)
        return d

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The day on which the ``n``-th working day after ``start`` falls (``start`` is not counted).

        ``add_working_days(d, 0)`` is ``d``.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        d = start
        while n:
            d += dt.timedelta(days=1)
            if self.is_workday(d):
                n -= 1
        return d

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Number of working days in ``(start, end]``."""
        return sum(1 for d in _days(start + dt.timedelta(days=1), end) if self.is_workday(d))

    def uncovered_years(self, first: dt.date, last: dt.date) -> tuple[int, ...]:
        """Years in ``[first.year, last.year]`` that the calendar does not cover."""
        lo, hi = sorted((first.year, last.year))
        return tuple(y for y in range(lo, hi + 1) if y not in self.known_years)

    def source(self, year: int) -> str:
        """The notice a year's dates come from ('' if unknown)."""
        for y in self.years:
            if y.year == year:
                return y.source
        return ""


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    d = first
    while d <= last:
        yield d
        d += dt.timedelta(days=1)


def calendar_warning(years: Iterable[int], field_path: str = "") -> FieldError:
    """The warning to show when a date was computed without the holidays of ``years``."""
    text = "、".join(str(y) for y in sorted(set(years)))
    return field_error("calendar.not_loaded", field_path, severity="warning", years=text)


# -- loading ---------------------------------------------------------------------------------------


def load_calendar(extra_dirs: Iterable[Path] = ()) -> WorkCalendar:
    """Read the shipped ``cn-*.toml`` files, then those in each of ``extra_dirs`` (later wins per year).

    A missing extra folder is skipped. Every bad file is reported in one :class:`ConfigError`.
    """
    by_year: dict[int, YearCalendar] = {}
    problems: list[ConfigProblem] = []
    for folder in [resource_path("calendars"), *map(Path, extra_dirs)]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob(FILE_PATTERN)):
            try:
                cal = load_calendar_file(path)
            except ConfigError as e:
                problems += e.problems
                continue
            by_year[cal.year] = cal
    if problems:
        raise ConfigError(problems)
    return WorkCalendar(tuple(by_year.values()))


def load_calendar_file(path: Path) -> YearCalendar:
    """Read and check one ``cn-YYYY.toml``; problems raise :class:`ConfigError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([_problem(str(path), None, "", "calendar.read", detail=str(e))]) from e
    m = _FILE_RE.match(path.name)
    name_year = int(m.group(1)) if m else None
    cal = parse_calendar(text, str(path), name_year=name_year, check_name=True)
    return cal


def parse_calendar(
    text: str, file: str = "<calendar>", *, name_year: int | None = None, check_name: bool = False
) -> YearCalendar:
    """Parse the text of a calendar file. ``file`` names it in problems."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(
            [_problem(file, toml_error_line(e, text), "", "calendar.syntax", detail=_toml_error_text(e))]
        ) from e
    loc = Locator(text)
    problems: list[ConfigProblem] = []

    def bad(line: int | None, key: str, code: str, **params) -> None:
        problems.append(_problem(file, line, key, code, **params))

    if check_name and name_year is None:
        bad(None, "", "calendar.file_name")

    for key in data:
        if key not in ("year", "source", "holiday", "workday"):
            bad(loc.key_line(key), key, "calendar.unknown_key")

    year = data.get("year")
    if year is None:
        bad(None, "year", "calendar.missing")
    elif not _is_int(year) or not 1900 <= year <= 2200:
        bad(loc.key_line("year"), "year", "calendar.type", **_expected("int"))
        year = None
    elif name_year is not None and year != name_year:
        bad(loc.key_line("year"), "year", "calendar.year_mismatch", year=year, name_year=name_year)

    source = data.get("source", "")
    if not isinstance(source, str):
        bad(loc.key_line("source"), "source", "calendar.type", **_expected("str"))
        source = ""

    def check_date(value: object, key: str, line_of: int | None) -> dt.date | None:
        d = _as_date(value)
        if d is None:
            bad(line_of, key, "calendar.bad_date", value=value)
            return None
        if year is not None and abs(d.year - year) > 1:
            bad(line_of, key, "calendar.date_far", value=d.isoformat(), year=year)
            return None
        return d

    holidays: list[HolidayPeriod] = []
    for i, item in enumerate(_tables(data, "holiday", loc, bad)):
        where = f"holiday[{i}]"
        for key in item:
            if key not in ("name", "name_en", "days"):
                bad(loc.key_line(key, "holiday", i), f"{where}.{key}", "calendar.unknown_key")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            line = loc.key_line("name", "holiday", i) or loc.table_line("holiday", i)
            bad(
                line,
                f"{where}.name",
                "calendar.missing" if name is None else "calendar.type",
                **({} if name is None else _expected("str")),
            )
            name = ""
        name_en = item.get("name_en", name)
        if not isinstance(name_en, str):
            bad(loc.key_line("name_en", "holiday", i), f"{where}.name_en", "calendar.type", **_expected("str"))
            name_en = name
        days_raw = item.get("days")
        days: list[dt.date] = []
        if days_raw is None:
            bad(loc.table_line("holiday", i), f"{where}.days", "calendar.missing")
        elif not isinstance(days_raw, list):
            bad(loc.key_line("days", "holiday", i), f"{where}.days", "calendar.type", **_expected("list"))
        else:
            for j, v in enumerate(days_raw):
                d = check_date(v, f"{where}.days[{j}]", loc.value_line(v, "holiday", i))
                if d is not None:
                    days.append(d)
        holidays.append(HolidayPeriod(name=name, name_en=name_en, days=tuple(sorted(set(days)))))

    holiday_days = {d for p in holidays for d in p.days}
    workdays: list[MakeupDay] = []
    for i, item in enumerate(_tables(data, "workday", loc, bad)):
        where = f"workday[{i}]"
        for key in item:
            if key not in ("date", "for"):
                bad(loc.key_line(key, "workday", i), f"{where}.{key}", "calendar.unknown_key")
        raw = item.get("date")
        for_ = item.get("for", "")
        if not isinstance(for_, str):
            bad(loc.key_line("for", "workday", i), f"{where}.for", "calendar.type", **_expected("str"))
            for_ = ""
        if raw is None:
            bad(loc.table_line("workday", i), f"{where}.date", "calendar.missing")
            continue
        d = check_date(raw, f"{where}.date", loc.value_line(raw, "workday", i))
        if d is None:
            continue
        if d.weekday() < 5:
            bad(
                loc.value_line(raw, "workday", i),
                f"{where}.date",
                "calendar.workday_weekday",
                value=d.isoformat(),
            )
            continue
        if d in holiday_days:
            bad(loc.value_line(raw, "workday", i), f"{where}.date", "calendar.conflict", value=d.isoformat())
            continue
        workdays.append(MakeupDay(date=d, for_=for_))

    if problems:
        raise ConfigError(problems)
    assert year is not None
    return YearCalendar(
        year=year,
        source=source,
        holidays=tuple(holidays),
        workdays=tuple(sorted(workdays, key=lambda w: w.date)),
        file=file,
    )


def _tables(data: dict, key: str, loc: Locator, bad) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        bad(loc.key_line(key) or loc.table_line(key, 0), key, "calendar.type", **_expected("tables"))
        return []
    return value


def _expected(kind: str) -> dict[str, str]:
    zh, en = _TYPES[kind]
    return {"expected_zh": zh, "expected_en": en}


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _problem(file: str, line: int | None, key: str, code: str, **params) -> ConfigProblem:
    zh, en = MESSAGES[code]
    return ConfigProblem(file=file, line=line, key=key, message_zh=zh.format(**params), message_en=en.format(**params))


# -- finding lines in TOML text (shared with reception.deadlines) ----------------------------------

_TOML_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")


def toml_error_line(e: tomllib.TOMLDecodeError, text: str | None = None) -> int | None:
    """The line number of a TOML syntax error (Python 3.14 has ``e.lineno``; 3.11 has it in the text).

    An error "at end of document" is put on the last line of ``text``.
    """
    line = getattr(e, "lineno", None)
    if isinstance(line, int):
        return line
    m = _TOML_LINE_RE.search(str(e))
    if m:
        return int(m.group(1))
    if text is not None and "end of document" in str(e):
        return max(1, len(text.splitlines()))
    return None


def _toml_error_text(e: tomllib.TOMLDecodeError) -> str:
    msg = getattr(e, "msg", None)
    return msg if isinstance(msg, str) else _TOML_LINE_RE.sub("", str(e)).strip()


class Locator:
    """Finds the line of a key or value in TOML text, for problems that tomllib cannot locate.

    Works on the common layout (``[[name]]`` headers, one ``key = value`` a line); it returns ``None``
    rather than a wrong line when it cannot tell.
    """

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self._headers: list[tuple[int, str]] = []  # (0-based line, header name)
        for n, raw in enumerate(self.lines):
            m = re.match(r"\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$", raw)
            if m:
                self._headers.append((n, m.group(1).replace(" ", "")))

    def table_line(self, name: str, index: int | None) -> int | None:
        """1-based line of the ``index``-th ``[[name]]`` header."""
        found = [n for n, h in self._headers if h == name]
        if index is None or index >= len(found):
            return None
        return found[index] + 1

    def _range(self, name: str | None, index: int | None) -> tuple[int, int] | None:
        if name is None:  # top level: before the first header
            return 0, self._headers[0][0] if self._headers else len(self.lines)
        if index is None:
            return 0, len(self.lines)
        found = [n for n, h in self._headers if h == name]
        if index >= len(found):
            return None
        start = found[index]
        # the table runs until the next header that is not one of its own sub-tables
        end = len(self.lines)
        for n, h in self._headers:
            if n > start and not h.startswith(name + "."):
                end = n
                break
        return start, end

    def key_line(self, key: str, table: str | None = None, index: int | None = None) -> int | None:
        """1-based line where ``key =`` is set at top level or in the ``index``-th ``[[table]]``."""
        r = self._range(table, index)
        if r is None:
            return None
        pat = re.compile(r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
        for n in range(*r):
            if pat.match(self.lines[n]):
                return n + 1
        return None

    def value_line(self, value: object, table: str | None = None, index: int | None = None) -> int | None:
        """1-based line where ``value`` is written (as a TOML literal), searched in a table first."""
        if isinstance(value, str):
            needles = [f'"{value}"', f"'{value}'"]
        elif isinstance(value, bool):
            needles = ["true" if value else "false"]
        else:
            needles = [value.isoformat() if isinstance(value, dt.date) else str(value)]
        ranges = [r for r in (self._range(table, index), (0, len(self.lines))) if r is not None]
        for lo, hi in ranges:
            for n in range(lo, hi):
                if any(s in self.lines[n] for s in needles):
                    return n + 1
        return None
