"""Statutory deadlines started at intake, from rules kept as data (``resources/rules/deadlines.toml``).

Counting follows 民事诉讼法第八十五条 unless a rule says otherwise:

- the start day is not counted: received 2025-03-03 + 15 calendar days is due 2025-03-18;
- working-day periods count only working days after the start day (see :mod:`reception.workcal`);
- month periods end on the same day of the month ``n`` months later, or on the last day of that month
  when it has no such day (01-31 + 1 month -> 02-28, or 02-29 in a leap year);
- with ``roll_over`` a period whose last day is a rest day ends on the next working day.

The domain's worked example: a petition received 2025-03-03 has its written notice due 2025-03-18 and
its handling due 2025-05-02 (60 days) — in the Labour Day holiday, so 2025-05-06 with roll-over.

When the holiday calendar lacks a year that the computation needed, the date is still computed (with
weekends only) and the result is flagged: :attr:`Deadline.calendar_missing`, :meth:`Deadline.warning`.

The rule file format is described at the top of ``resources/rules/deadlines.toml``.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple

from reception.errors import MESSAGES, ConfigError, ConfigProblem, FieldError, field_error, messages
from reception.paths import resource_path
from reception.vocab import PURPOSES, RISK_FLAGS, WINDOWS
from reception.workcal import Locator, WorkCalendar, calendar_warning, toml_error_line

__all__ = [
    "PURPOSES",
    "RISK_FLAGS",
    "WINDOWS",
    "Deadline",
    "DeadlineRule",
    "DueDate",
    "Match",
    "add_months",
    "compute_due",
    "deadlines_for",
    "limitation_prompt",
    "limitation_warning",
    "load_rules",
]

Unit = Literal["calendar", "working"]
UNITS: tuple[str, ...] = ("calendar", "working")
STARTS: tuple[str, ...] = ("received",)
#: The case form's windows, petition purposes and risk flags (resources/schema/case-1.json).
#: Interim legal aid (先行援助) may be given when a limitation period ends in fewer than this many days
#: (法律援助法第四十四条).
INTERIM_AID_DAYS = 7

MAX_DAYS = 3660
MAX_MONTHS = 120

messages(
    {
        "deadline.limitation_soon": (
            "时效或期限将于 {date} 届满（不足{days}日），可先行提供法律援助",
            "The limitation period ends on {date}, in under {days} days: interim legal aid may be given",
        ),
        "rules.read": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
        "rules.syntax": ("TOML 格式错误：{detail}", "not valid TOML: {detail}"),
        "rules.version": ("不支持的版本 {value}（应为 1）", "unsupported version {value} (must be 1)"),
        "rules.unknown_key": ("无法识别的键", "unknown key"),
        "rules.missing": ("缺少必填项", "required key is missing"),
        "rules.type": ("应为{expected_zh}", "must be {expected_en}"),
        "rules.bad_id": (
            "规则编号“{value}”只能用小写字母、数字和下划线，并以字母开头",
            "rule id “{value}” may only use lower-case letters, digits and _, starting with a letter",
        ),
        "rules.duplicate_id": ("规则编号“{value}”重复", "rule id “{value}” is used twice"),
        "rules.bad_choice": ("“{value}”不是可选值（可选：{choices}）", "“{value}” is not one of: {choices}"),
        "rules.period": (
            "days 与 months 须且只能填写一项",
            "give exactly one of days and months",
        ),
        "rules.range": ("应为 0 到 {max} 之间的整数", "must be a whole number from 0 to {max}"),
        "rules.months_working": (
            '按月计算的期限只能按日历月计算（unit = "calendar"）',
            'a period in months is counted in calendar months (unit = "calendar")',
        ),
    }
)

_TYPES = {
    "int": ("整数", "a whole number"),
    "str": ("文字", "text"),
    "bool": ("true 或 false", "true or false"),
    "list": ("文字列表", "a list of text values"),
    "table": ('表，例如 { window = ["petition"] }', 'a table, e.g. { window = ["petition"] }'),
    "tables": ("表的数组（[[...]]）", "an array of tables ([[...]])"),
}

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_RULE_KEYS = {
    "id",
    "label",
    "label_en",
    "basis",
    "applies",
    "unless",
    "days",
    "months",
    "unit",
    "roll_over",
    "start",
    "enabled",
    "notes",
    "variant",
}
_VARIANT_KEYS = {"applies", "label", "label_en", "basis", "days", "months", "unit", "roll_over", "notes"}
_MATCH_LISTS = ("window", "category", "subcategory", "purpose")
_MATCH_KEYS = (*_MATCH_LISTS, "flag")


# -- rules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Which cases a rule applies to. ``None`` matches anything; a tuple matches any of its values."""

    window: tuple[str, ...] | None = None
    category: tuple[str, ...] | None = None
    subcategory: tuple[str, ...] | None = None
    purpose: tuple[str, ...] | None = None
    flag: str | None = None

    def matches(self, case: Mapping[str, Any]) -> bool:
        for key in _MATCH_LISTS:
            wanted = getattr(self, key)
            if wanted is not None and case.get(key) not in wanted:
                return False
        if self.flag is not None:
            risk = case.get("risk") or {}
            if self.flag not in (risk.get("flags") or ()):
                return False
        return True


@dataclass(frozen=True)
class DeadlineRule:
    """One ``[[rule]]`` of the rule file. Exactly one of ``days`` and ``months`` is set."""

    id: str
    label: str
    label_en: str
    applies: Match
    days: int | None = None
    months: int | None = None
    unit: Unit = "calendar"
    roll_over: bool = False
    start: str = "received"
    basis: str = ""
    notes: str = ""
    enabled: bool = True
    unless: Match | None = None
    variants: tuple[DeadlineRule, ...] = ()

    @property
    def amount(self) -> int:
        return self.months if self.months is not None else self.days or 0

    @property
    def in_months(self) -> bool:
        return self.months is not None

    def for_case(self, case: Mapping[str, Any]) -> DeadlineRule | None:
        """The rule (or its first matching variant) that applies to ``case``, or None."""
        if not self.enabled or not self.applies.matches(case):
            return None
        if self.unless is not None and self.unless.matches(case):
            return None
        for v in self.variants:
            if v.applies.matches(case):
                return v
        return self

    def compute(self, received: dt.date, calendar: WorkCalendar | None) -> Deadline:
        """The deadline this rule sets for a matter received on ``received``."""
        r = _compute(
            received,
            days=self.days,
            months=self.months,
            unit=self.unit,
            roll_over=self.roll_over,
            calendar=calendar,
        )
        return Deadline(
            kind=self.id,
            label_zh=self.label,
            label_en=self.label_en,
            start=received,
            due=r.due,
            unit=self.unit,
            amount=self.amount,
            months=self.in_months,
            roll_over=self.roll_over,
            rolled_over=r.rolled_from is not None,
            rolled_from=r.rolled_from,
            calendar_missing=bool(r.missing_years),
            missing_years=r.missing_years,
            basis=self.basis,
            notes=self.notes,
        )


@dataclass(frozen=True)
class Deadline:
    """A computed deadline. ``kind`` is the rule id; ``rolled_from`` is set when it rolled over."""

    kind: str
    label_zh: str
    label_en: str
    start: dt.date
    due: dt.date
    unit: Unit
    amount: int
    months: bool
    rolled_over: bool = False
    rolled_from: dt.date | None = None
    calendar_missing: bool = False
    missing_years: tuple[int, ...] = ()
    roll_over: bool = False
    basis: str = ""
    notes: str = field(default="", compare=False)

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang.startswith("en") else self.label_zh

    def warning(self, field_path: str = "deadlines") -> FieldError | None:
        """``calendar.not_loaded`` when the date was computed without a year's holidays."""
        return calendar_warning(self.missing_years, field_path) if self.calendar_missing else None

    def as_dict(self) -> dict[str, Any]:
        """JSON form, as stored in the case's ``deadlines`` list."""
        return {
            "kind": self.kind,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "unit": self.unit,
            "amount": self.amount,
            "months": self.months,
            "roll_over": self.roll_over,
            "rolled_over": self.rolled_over,
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
            "calendar_missing": self.calendar_missing,
            "missing_years": list(self.missing_years),
            "basis": self.basis,
        }


# -- date arithmetic -------------------------------------------------------------------------------


class DueDate(NamedTuple):
    due: dt.date
    rolled_from: dt.date | None
    calendar_missing: bool


@dataclass(frozen=True)
class _Result:
    due: dt.date
    rolled_from: dt.date | None
    missing_years: tuple[int, ...]


def add_months(d: dt.date, n: int) -> dt.date:
    """Same day ``n`` months later, or the last day of that month if it is shorter."""
    m = d.month - 1 + n
    year, month = d.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(d.day, _calendar.monthrange(year, month)[1]))


def compute_due(
    start: dt.date,
    *,
    days: int | None = None,
    months: int | None = None,
    unit: Unit = "calendar",
    roll_over: bool = False,
    calendar: WorkCalendar | None,
) -> DueDate:
    """Due date of a period of ``days`` or ``months`` counted from ``start`` (not counted itself).

    Returns ``(due, rolled_from, calendar_missing)``: ``rolled_from`` is the date before roll-over (or
    None), ``calendar_missing`` is True when a year the computation looked at has no holiday calendar
    (weekends only were used). ``calendar=None`` means no holiday calendar at all.
    """
    r = _compute(start, days=days, months=months, unit=unit, roll_over=roll_over, calendar=calendar)
    return DueDate(r.due, r.rolled_from, bool(r.missing_years))


def _compute(
    start: dt.date,
    *,
    days: int | None,
    months: int | None,
    unit: str,
    roll_over: bool,
    calendar: WorkCalendar | None,
) -> _Result:
    if isinstance(start, dt.datetime):
        raise TypeError("start must be a date in the hall's time zone, not a datetime")
    if (days is None) == (months is None):
        raise ValueError("give exactly one of days and months")
    amount = days if days is not None else months
    assert amount is not None
    if amount < 0:
        raise ValueError("the period must not be negative")
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}")
    if months is not None and unit != "calendar":
        raise ValueError("a period in months is counted in calendar months")
    cal = calendar if calendar is not None else WorkCalendar()

    missing: set[int] = set()
    if unit == "working":
        due = cal.add_working_days(start, amount)
        if due > start:
            missing.update(cal.uncovered_years(start + dt.timedelta(days=1), due))
    elif months is not None:
        due = add_months(start, months)
    else:
        due = start + dt.timedelta(days=amount)

    rolled_from = None
    if roll_over:
        missing.update(cal.uncovered_years(due, due))
        rolled = cal.next_workday(due)
        if rolled != due:
            missing.update(cal.uncovered_years(due, rolled))
            rolled_from, due = due, rolled
    return _Result(due=due, rolled_from=rolled_from, missing_years=tuple(sorted(missing)))


def deadlines_for(
    case: Mapping[str, Any],
    *,
    received: dt.date,
    rules: Iterable[DeadlineRule] | None = None,
    calendar: WorkCalendar | None,
) -> list[Deadline]:
    """The deadlines of every rule that applies to ``case`` (the case JSON dict), in rule-file order.

    ``rules=None`` loads the shipped rule file.
    """
    if rules is None:
        rules = load_rules()
    out = []
    for rule in rules:
        chosen = rule.for_case(case)
        if chosen is not None:
            out.append(chosen.compute(received, calendar))
    return out


def limitation_warning(limitation_ends_on: dt.date, today: dt.date) -> bool:
    """True if a limitation period ends in fewer than 7 days from ``today`` (today or later).

    法律援助法第四十四条: interim legal aid (先行援助) may be given when 距法定时效或者期限届满不足七日.
    A period that already ended gives False: interim aid cannot save it.
    """
    return 0 <= (limitation_ends_on - today).days < INTERIM_AID_DAYS


def limitation_prompt(case: Mapping[str, Any], today: dt.date) -> FieldError | None:
    """The interim legal aid prompt for a case whose ``limitation_ends_on`` is near, else None."""
    raw = case.get("limitation_ends_on")
    if not raw:
        return None
    try:
        ends = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
    except ValueError:
        return None  # the form validator reports a bad date
    if not limitation_warning(ends, today):
        return None
    return field_error(
        "deadline.limitation_soon",
        "limitation_ends_on",
        severity="warning",
        date=ends.isoformat(),
        days=INTERIM_AID_DAYS,
    )


# -- loading the rule file -------------------------------------------------------------------------


def default_rules_path() -> Path:
    return resource_path("rules", "deadlines.toml")


def load_rules(path: Path | None = None) -> list[DeadlineRule]:
    """Read and check a rule file (default: the shipped one). Problems raise :class:`ConfigError`."""
    path = Path(path) if path is not None else default_rules_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([_problem(str(path), None, "", "rules.read", detail=str(e))]) from e
    return parse_rules(text, str(path))


def parse_rules(text: str, file: str = "<rules>") -> list[DeadlineRule]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = getattr(e, "msg", None)
        detail = msg if isinstance(msg, str) else re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise ConfigError([_problem(file, toml_error_line(e, text), "", "rules.syntax", detail=detail)]) from e
    return _RuleParser(text, file).parse(data)


class _RuleParser:
    def __init__(self, text: str, file: str):
        self.loc = Locator(text)
        self.file = file
        self.problems: list[ConfigProblem] = []
        self.variant_count = 0

    def bad(self, line: int | None, key: str, code: str, **params: Any) -> None:
        self.problems.append(_problem(self.file, line, key, code, **params))

    def parse(self, data: dict) -> list[DeadlineRule]:
        loc = self.loc
        for key in data:
            if key not in ("version", "rule"):
                self.bad(loc.key_line(key), key, "rules.unknown_key")
        version = data.get("version", 1)
        if version != 1 or isinstance(version, bool):
            self.bad(loc.key_line("version"), "version", "rules.version", value=version)
        items = data.get("rule", [])
        rules: list[DeadlineRule] = []
        if not isinstance(items, list) or not all(isinstance(r, dict) for r in items):
            self.bad(loc.key_line("rule") or loc.table_line("rule", 0), "rule", "rules.type", **_expected("tables"))
            items = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            rule = self.rule(i, item)
            if rule is None:
                continue
            if rule.id in seen:
                self.bad(loc.key_line("id", "rule", i), f"rule[{i}].id", "rules.duplicate_id", value=rule.id)
            seen.add(rule.id)
            rules.append(rule)
        if self.problems:
            raise ConfigError(self.problems)
        return rules

    # each helper returns a value or records a problem and returns a fallback

    def _line(self, key: str, table: str, index: int) -> int | None:
        return self.loc.key_line(key, table, index) or self.loc.table_line(table, index)

    def _str(self, item: dict, key: str, where: str, table: str, index: int, *, required: bool) -> str | None:
        v = item.get(key)
        if v is None:
            if required:
                self.bad(self.loc.table_line(table, index), f"{where}.{key}", "rules.missing")
            return None
        if not isinstance(v, str) or (required and not v.strip()):
            self.bad(self._line(key, table, index), f"{where}.{key}", "rules.type", **_expected("str"))
            return None
        return v

    def _bool(self, item: dict, key: str, where: str, table: str, index: int) -> bool | None:
        v = item.get(key)
        if v is None:
            return None
        if not isinstance(v, bool):
            self.bad(self._line(key, table, index), f"{where}.{key}", "rules.type", **_expected("bool"))
            return None
        return v

    def _choice(self, item: dict, key: str, where: str, table: str, index: int, choices: tuple[str, ...]) -> str | None:
        v = item.get(key)
        if v is None:
            return None
        if v not in choices:
            self.bad(
                self._line(key, table, index),
                f"{where}.{key}",
                "rules.bad_choice",
                value=v,
                choices=", ".join(choices),
            )
            return None
        return v

    def _period(self, item: dict, where: str, table: str, index: int) -> tuple[int | None, int | None, bool]:
        """(days, months, ok)."""
        days, months = item.get("days"), item.get("months")
        ok = True
        for key, v, top in (("days", days, MAX_DAYS), ("months", months, MAX_MONTHS)):
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= top):
                self.bad(self._line(key, table, index), f"{where}.{key}", "rules.range", max=top)
                ok = False
        return days, months, ok

    def match(self, raw: object, key: str, where: str, table: str, index: int, *, need_window: bool) -> Match | None:
        line = self._line(key, table, index)
        if raw is None:
            self.bad(self.loc.table_line(table, index), f"{where}.{key}", "rules.missing")
            return None
        if not isinstance(raw, dict):
            self.bad(line, f"{where}.{key}", "rules.type", **_expected("table"))
            return None
        ok = True
        values: dict[str, Any] = {}
        for k, v in raw.items():
            path = f"{where}.{key}.{k}"
            if k not in _MATCH_KEYS:
                self.bad(line, path, "rules.unknown_key")
                ok = False
                continue
            if k == "flag":
                if not isinstance(v, str):
                    self.bad(line, path, "rules.type", **_expected("str"))
                    ok = False
                elif v not in RISK_FLAGS:
                    self.bad(line, path, "rules.bad_choice", value=v, choices=", ".join(RISK_FLAGS))
                    ok = False
                else:
                    values[k] = v
                continue
            seq = [v] if isinstance(v, str) else v
            if not isinstance(seq, list) or not seq or not all(isinstance(s, str) and s for s in seq):
                self.bad(line, path, "rules.type", **_expected("list"))
                ok = False
                continue
            allowed = {"window": WINDOWS, "purpose": PURPOSES}.get(k)
            if allowed is not None:
                wrong = [s for s in seq if s not in allowed]
                if wrong:
                    self.bad(
                        self.loc.value_line(wrong[0], table, index) or line,
                        path,
                        "rules.bad_choice",
                        value=wrong[0],
                        choices=", ".join(allowed),
                    )
                    ok = False
                    continue
            values[k] = tuple(seq)
        if need_window and "window" not in values and "window" not in raw:
            self.bad(line, f"{where}.{key}.window", "rules.missing")
            ok = False
        return Match(**values) if ok else None

    def rule(self, i: int, item: dict) -> DeadlineRule | None:
        where, table = f"rule[{i}]", "rule"
        n_problems = len(self.problems)
        for key in item:
            if key not in _RULE_KEYS:
                self.bad(self._line(key, table, i), f"{where}.{key}", "rules.unknown_key")
        rid = self._str(item, "id", where, table, i, required=True)
        if rid is not None and not _ID_RE.match(rid):
            self.bad(self._line("id", table, i), f"{where}.id", "rules.bad_id", value=rid)
        label = self._str(item, "label", where, table, i, required=True)
        label_en = self._str(item, "label_en", where, table, i, required=False)
        basis = self._str(item, "basis", where, table, i, required=False)
        notes = self._str(item, "notes", where, table, i, required=False)
        applies = self.match(item.get("applies"), "applies", where, table, i, need_window=True)
        unless = None
        if "unless" in item:
            unless = self.match(item["unless"], "unless", where, table, i, need_window=False)
        days, months, period_ok = self._period(item, where, table, i)
        if period_ok and (days is None) == (months is None):
            self.bad(self.loc.table_line(table, i), f"{where}.days", "rules.period")
        unit = self._choice(item, "unit", where, table, i, UNITS)
        if "unit" not in item:
            self.bad(self.loc.table_line(table, i), f"{where}.unit", "rules.missing")
        if unit == "working" and months is not None:
            self.bad(self._line("unit", table, i), f"{where}.unit", "rules.months_working")
        roll_over = self._bool(item, "roll_over", where, table, i)
        if "roll_over" not in item:
            self.bad(self.loc.table_line(table, i), f"{where}.roll_over", "rules.missing")
        start = self._choice(item, "start", where, table, i, STARTS) or "received"
        enabled = self._bool(item, "enabled", where, table, i)

        base = None
        if len(self.problems) == n_problems:
            assert rid is not None and label is not None and applies is not None and unit is not None
            base = DeadlineRule(
                id=rid,
                label=label,
                label_en=label_en if label_en is not None else label,
                applies=applies,
                days=days,
                months=months,
                unit=unit,  # type: ignore[arg-type]
                roll_over=bool(roll_over),
                start=start,
                basis=basis or "",
                notes=notes or "",
                enabled=True if enabled is None else enabled,
                unless=unless,
            )

        raw_variants = item.get("variant", [])
        if not isinstance(raw_variants, list) or not all(isinstance(v, dict) for v in raw_variants):
            self.bad(self._line("variant", table, i), f"{where}.variant", "rules.type", **_expected("tables"))
            raw_variants = []
        variants = []
        for j, raw in enumerate(raw_variants):
            v = self.variant(base, raw, f"{where}.variant[{j}]", self.variant_count)
            self.variant_count += 1
            if v is not None:
                variants.append(v)
        if base is None or len(self.problems) != n_problems:
            return None
        return replace(base, variants=tuple(variants))

    def variant(self, base: DeadlineRule | None, item: dict, where: str, k: int) -> DeadlineRule | None:
        table = "rule.variant"
        n_problems = len(self.problems)
        for key in item:
            if key not in _VARIANT_KEYS:
                self.bad(self._line(key, table, k), f"{where}.{key}", "rules.unknown_key")
        applies = self.match(item.get("applies"), "applies", where, table, k, need_window=False)
        label = self._str(item, "label", where, table, k, required=False)
        label_en = self._str(item, "label_en", where, table, k, required=False)
        basis = self._str(item, "basis", where, table, k, required=False)
        notes = self._str(item, "notes", where, table, k, required=False)
        days, months, period_ok = self._period(item, where, table, k)
        if period_ok and days is not None and months is not None:
            self.bad(self.loc.table_line(table, k), f"{where}.days", "rules.period")
        unit = self._choice(item, "unit", where, table, k, UNITS)
        roll_over = self._bool(item, "roll_over", where, table, k)
        if base is None or len(self.problems) != n_problems:
            return None
        assert applies is not None
        changes: dict[str, Any] = {"applies": applies, "unless": None}
        if days is not None:
            changes.update(days=days, months=None)
        if months is not None:
            changes.update(months=months, days=None)
        if unit is not None:
            changes["unit"] = unit
        if roll_over is not None:
            changes["roll_over"] = roll_over
        if label is not None:
            changes["label"] = label
            changes["label_en"] = label_en if label_en is not None else label
        elif label_en is not None:
            changes["label_en"] = label_en
        if basis is not None:
            changes["basis"] = basis
        if notes is not None:
            changes["notes"] = notes
        v = replace(base, **changes)
        if v.unit == "working" and v.months is not None:
            self.bad(self._line("unit", table, k), f"{where}.unit", "rules.months_working")
            return None
        return v


def _expected(kind: str) -> dict[str, str]:
    zh, en = _TYPES[kind]
    return {"expected_zh": zh, "expected_en": en}


def _problem(file: str, line: int | None, key: str, code: str, **params: Any) -> ConfigProblem:
    zh, en = MESSAGES[code]
    return ConfigProblem(file=file, line=line, key=key, message_zh=zh.format(**params), message_en=en.format(**params))
