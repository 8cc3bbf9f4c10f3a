"""Routing a matter to its lead department and level, from a readable rules file.

``resources/rules/routing.toml`` (or the hall's own copy) lists rules in order; the first rule whose
``when`` matches the case picks the lead department (or ``"network"``: the mediation network node
at the level computed from the case, see :func:`network_level`). The file is checked against the
hall configuration when loaded: unknown departments, categories or keys, and any rule that could
send a 涉法涉诉 (``litigation_related``) matter to the petition track, are refused with the file,
line and key.

The clerk may override the suggestion (``disposal.route_override``) with a reason; a
``litigation_related`` matter can never be overridden to a petition-track department (诉访分离,
信访工作条例第二十二条、第三十一条第（一）项).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reception.config import LEVELS, Checker, HallConfig, Sources, config_problem, read_toml
from reception.errors import ConfigError, FieldError, ValidationFailed, field_error, messages
from reception.vocab import PURPOSES, RISK_FLAGS, RISK_LEVELS, WINDOWS
from reception.workcal import toml_error_line

NETWORK = "network"
LITIGATION_RELATED = "litigation_related"
PETITION_TRACK = "petition"
OVERRIDE_REASON_MIN = 4

PRIOR_FORMS: tuple[str, ...] = ("litigation", "arbitration", "review", "petition", "mediation", "supervision", "other")

_RULE_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_FILE_KEYS = ("version", "network", "rule")
_RULE_KEYS = ("id", "name", "name_en", "basis", "when", "to", "also", "also_matter", "level")
_WHEN_LISTS: dict[str, tuple[str, ...] | None] = {
    "category": None,  # checked against the hall's catalogue
    "subcategory": None,
    "window": WINDOWS,
    "flags_any": RISK_FLAGS,
    "risk": RISK_LEVELS,
    "purpose": PURPOSES,
    "prior_form": PRIOR_FORMS,
}
_WHEN_KEYS = (*_WHEN_LISTS, "mediation_refused", "amount_over")

messages(
    {
        "routing.unknown_department": ("部门“{value}”不存在", 'unknown department "{value}"'),
        "routing.override_reason": (
            "改派须填写理由（至少 {min} 个字）",
            "a routing override needs a reason (at least {min} characters)",
        ),
        "routing.override_level": (
            "层级“{value}”无效，可选值：{choices}",
            'invalid level "{value}"; allowed: {choices}',
        ),
        "routing.litigation_not_petition": (
            "涉法涉诉事项应依法通过法定途径处理，不得导入信访程序",
            "a matter already in legal process (涉法涉诉) must be handled through its legal channel, "
            "never the petition procedure",
        ),
        "routing.rule_to_petition": (
            "此规则可能把涉法涉诉事项分到信访渠道的部门“{value}”。涉法涉诉事项应依法通过法定途径处理，"
            '不得导入信访程序：请在它之前保留一条只按 category = ["litigation_related"] 匹配的规则，'
            "或把本规则限定在其他类别",
            "this rule could send a matter already in legal process (涉法涉诉) to the petition-track "
            'department "{value}", which the law forbids: keep a rule matching only '
            'category = ["litigation_related"] above it, or limit this rule to other categories',
        ),
        "routing.unknown_category": ("事项类别“{value}”不存在", 'unknown category "{value}"'),
        "routing.unknown_subcategory": ("事项子类“{value}”不存在", 'unknown sub-category "{value}"'),
        "routing.rule_id": (
            "规则 id“{value}”无效：只能用小写字母、数字和下划线，以字母开头",
            'invalid rule id "{value}": lower-case letters, digits and "_", starting with a letter',
        ),
        "routing.duplicate_id": (
            "规则 id“{value}”重复，已在 {first} 使用",
            'duplicate rule id "{value}", already used at {first}',
        ),
        "routing.no_rules": ("至少需要一条 [[rule]]", "at least one [[rule]] is needed"),
        "routing.no_fallback": (
            "最后一条规则必须没有 when 条件（兜底规则），否则有的事项无处可去",
            "the last rule must have no `when` (the catch-all), or some matters have nowhere to go",
        ),
        "routing.unreachable": (
            "此规则在兜底规则“{value}”之后，永远不会用到",
            'this rule comes after the catch-all rule "{value}" and can never match',
        ),
        "routing.also_network": (
            "“network”只能用于 to，不能用于 also",
            '"network" is allowed in `to` only, not in `also`',
        ),
        "routing.version": ("不支持的规则文件版本：{value}", "unsupported rules file version: {value}"),
    }
)


# -- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the rules look at, read once from the case dict."""

    category: str | None = None
    subcategory: str | None = None
    window: str | None = None
    purpose: str | None = None
    risk: str | None = None
    flags: frozenset[str] = frozenset()
    mediation_refused: bool = False
    amount: float | None = None
    prior_forms: frozenset[str] = frozenset()

    @classmethod
    def of(cls, case: dict) -> CaseFacts:
        risk = case.get("risk") if isinstance(case.get("risk"), dict) else {}
        disposal = case.get("disposal") if isinstance(case.get("disposal"), dict) else {}
        prior = [p for p in case.get("prior_handling") or [] if isinstance(p, dict)]
        forms = frozenset(str(p.get("form")) for p in prior if p.get("form"))
        refused = disposal.get("mediation_consent") == "no" or "mediation" in forms
        return cls(
            category=case.get("category") or None,
            subcategory=case.get("subcategory") or None,
            window=case.get("window") or None,
            purpose=case.get("purpose") or None,
            risk=risk.get("level") or None,
            flags=frozenset(risk.get("flags") or ()),
            mediation_refused=refused,
            amount=_number(case.get("amount")),
            prior_forms=forms,
        )


def _number(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class When:
    """A rule's conditions: every non-empty condition must hold; a list matches any of its values."""

    category: frozenset[str] = frozenset()
    subcategory: frozenset[str] = frozenset()
    window: frozenset[str] = frozenset()
    flags_any: frozenset[str] = frozenset()
    risk: frozenset[str] = frozenset()
    purpose: frozenset[str] = frozenset()
    prior_form: frozenset[str] = frozenset()
    mediation_refused: bool | None = None
    amount_over: float | None = None

    def is_empty(self) -> bool:
        return self == When()

    def only_category(self) -> bool:
        """True if the category list is the only condition."""
        return bool(self.category) and When(category=self.category) == self

    def could_match_category(self, category: str, subs: frozenset[str]) -> bool:
        """Whether some case of ``category`` (with one of ``subs`` or none) could satisfy this."""
        if self.category and category not in self.category:
            return False
        return not self.subcategory or bool(self.subcategory & subs)

    def matches(self, f: CaseFacts) -> bool:
        for values, value in (
            (self.category, f.category),
            (self.subcategory, f.subcategory),
            (self.window, f.window),
            (self.risk, f.risk),
            (self.purpose, f.purpose),
        ):
            if values and value not in values:
                return False
        if self.flags_any and not (self.flags_any & f.flags):
            return False
        if self.prior_form and not (self.prior_form & f.prior_forms):
            return False
        if self.mediation_refused is not None and self.mediation_refused != f.mediation_refused:
            return False
        return self.amount_over is None or (f.amount is not None and f.amount > self.amount_over)


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    name_en: str
    basis: str
    when: When
    to: str
    also: tuple[str, ...] = ()
    also_matter: bool = False
    level: str | None = None
    line: int | None = field(default=None, compare=False)

    def label(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name


@dataclass(frozen=True)
class RoutingRules:
    rules: tuple[Rule, ...]
    #: the department that stands for the mediation network in transfers
    network_department: str
    source: str = ""

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def first_match(self, facts: CaseFacts, start: int = 0, *, skip_also_matter: bool = False) -> tuple[int, Rule]:
        for i in range(start, len(self.rules)):
            r = self.rules[i]
            if skip_also_matter and r.also_matter:
                continue
            if r.when.matches(facts):
                return i, r
        raise LookupError("no routing rule matched")  # load_rules guarantees a catch-all


@dataclass(frozen=True)
class RoutingDecision:
    department: str
    department_name: str
    level: str
    node: str | None
    node_name: str | None
    rule_id: str
    rule_name: str
    basis: str
    also: tuple[str, ...] = ()
    overridden: bool = False
    override_reason: str | None = None
    #: the decision the rules suggested, when the clerk overrode it
    suggested: RoutingDecision | None = None
    track: str = ""


# -- loading -------------------------------------------------------------------------------------


def load_rules(path: Path | None, config: HallConfig) -> RoutingRules:
    """Read the rules file (``None``: the hall's ``files.routing_rules``) and check it against ``config``."""
    path = Path(path) if path is not None else config.routing_rules_path
    text, data = read_toml(path)
    return _RuleBuilder(Sources([(str(path), text, data)]), config).build(data, str(path))


def parse_rules(text: str, config: HallConfig, file: str = "<routing>") -> RoutingRules:
    """Like :func:`load_rules`, from text (syntax errors raise :class:`ConfigError` too)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = getattr(e, "msg", None)
        detail = msg if isinstance(msg, str) else re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise ConfigError([config_problem(file, toml_error_line(e, text), "", "config.syntax", detail=detail)]) from e
    return _RuleBuilder(Sources([(file, text, data)]), config).build(data, file)


class _RuleBuilder(Checker):
    def __init__(self, sources: Sources, config: HallConfig):
        super().__init__(sources)
        self.config = config
        self.all_subs = {s for c in config.categories.values() for s in c.subs}

    def department(self, code: str, path: str) -> bool:
        if code not in self.config.departments:
            self.bad(path, "routing.unknown_department", value=code)
            return False
        return True

    def build(self, data: dict, file: str) -> RoutingRules:
        self.unknown(data, _FILE_KEYS, "")
        version = data.get("version", 1)
        if version != 1 or isinstance(version, bool):
            self.bad("version", "routing.version", value=version)
        net = self.table(data, "network", "", required=True)
        self.unknown(net, ("department",), "network")
        network_department = self.text(net, "department", "network") or ""
        if network_department:
            self.department(network_department, "network.department")
        items = self.tables(data, "rule", "")
        if not items and "rule" not in data:
            self.bad("rule", "routing.no_rules")
        rules: list[Rule] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(items):
            rule = self.rule(item, f"rule[{i}]")
            if rule is None:
                continue
            if rule.id in seen:
                self.bad(f"rule[{i}].id", "routing.duplicate_id", value=rule.id, first=seen[rule.id])
            seen.setdefault(rule.id, f"rule[{i}]")
            rules.append(rule)
        if not self.problems:
            self.check_order(rules)
            self.check_litigation_guard(rules, network_department)
        if self.problems:
            raise ConfigError(self.problems)
        return RoutingRules(rules=tuple(rules), network_department=network_department, source=file)

    def rule(self, t: dict, p: str) -> Rule | None:
        self.unknown(t, _RULE_KEYS, p)
        before = len(self.problems)
        rid = self.text(t, "id", p) or ""
        if rid and not _RULE_ID_RE.match(rid):
            self.bad(f"{p}.id", "routing.rule_id", value=rid)
        name = self.text(t, "name", p) or ""
        name_en = self.text(t, "name_en", p, required=False) or name
        basis = self.text(t, "basis", p) or ""
        when = self.when(self.table(t, "when", p), f"{p}.when")
        to = self.text(t, "to", p) or ""
        if to and to != NETWORK:
            self.department(to, f"{p}.to")
        also = self.str_list(t, "also", p)
        for j, code in enumerate(also):
            if code == NETWORK:
                self.bad(f"{p}.also[{j}]", "routing.also_network")
            else:
                self.department(code, f"{p}.also[{j}]")
        also_matter = bool(self.flag(t, "also_matter", p))
        level = self.choice(t, "level", p, LEVELS, required=False)
        if len(self.problems) > before:
            return None
        line = self.sources.where(p)[1]
        return Rule(rid, name, name_en, basis, when, to, tuple(also), also_matter, level, line)

    def when(self, t: dict, p: str) -> When:
        self.unknown(t, _WHEN_KEYS, p)
        values: dict[str, Any] = {}
        cats = self.config.categories
        for key, choices in _WHEN_LISTS.items():
            items = self.str_list(t, key, p)
            for j, v in enumerate(items):
                where = f"{p}.{key}[{j}]"
                if choices is not None and v not in choices:
                    self.bad(where, "config.enum", value=v, choices=" | ".join(choices))
                elif key == "category" and v not in cats:
                    self.bad(where, "routing.unknown_category", value=v)
                elif key == "subcategory":
                    listed = [c for c in values["category"] if c in cats]
                    known = any(v in cats[c].subs for c in listed) if listed else v in self.all_subs
                    if not known:
                        self.bad(where, "routing.unknown_subcategory", value=v)
            values[key] = frozenset(items)
        values["mediation_refused"] = self.flag(t, "mediation_refused", p)
        amount = t.get("amount_over")
        values["amount_over"] = self.number(t, "amount_over", p, default=0.0, minimum=0) if amount is not None else None
        return When(**values)

    def check_order(self, rules: list[Rule]) -> None:
        """The first unconditional rule is the catch-all: it must exist and be the last rule."""
        if not rules:
            return
        last = len(rules) - 1
        k = next((i for i, r in enumerate(rules) if r.when.is_empty() and not r.also_matter), None)
        if k is None:
            self.bad(f"rule[{last}]", "routing.no_fallback")
            return
        for i in range(k + 1, len(rules)):
            self.bad(f"rule[{i}]", "routing.unreachable", value=rules[k].id)

    def track(self, code: str, network_department: str) -> str:
        dept = self.config.departments.get(network_department if code == NETWORK else code)
        return dept.track if dept else ""

    def check_litigation_guard(self, rules: list[Rule], network_department: str) -> None:
        """Refuse any rule that could route a ``litigation_related`` matter to the petition track."""
        cat = self.config.categories.get(LITIGATION_RELATED)
        subs = frozenset(cat.subs) if cat else frozenset()
        for i, r in enumerate(rules):
            if not r.when.could_match_category(LITIGATION_RELATED, subs):
                continue
            if self.track(r.to, network_department) == PETITION_TRACK:
                self.bad(f"rule[{i}].to", "routing.rule_to_petition", value=r.to)
            for j, code in enumerate(r.also):
                if self.track(code, network_department) == PETITION_TRACK:
                    self.bad(f"rule[{i}].also[{j}]", "routing.rule_to_petition", value=code)
            if not r.also_matter and (
                r.when.is_empty() or (r.when.only_category() and LITIGATION_RELATED in r.when.category)
            ):
                return  # every litigation_related matter stops here; later rules never see one


# -- routing ---------------------------------------------------------------------------------------

_LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}


def _higher(a: str, b: str | None) -> str:
    return a if b is None or _LEVEL_RANK[a] >= _LEVEL_RANK[b] else b


def network_level(case: dict, config: HallConfig, *, several_departments: bool = False) -> str:
    """The network level a matter belongs to (小事不出村、大事不出镇), before any rule's floor.

    district: across towns, red risk, group visit, several departments, or 涉法涉诉;
    town: across communities, orange risk, amount or people affected at the town thresholds;
    community: within one community (across grids, a category a grid does not settle, an amount at the
    grid limit, no grid given); grid: everything else (same grid, simple category, blue/yellow, small).
    """
    intake = config.intake
    place = case.get("place") if isinstance(case.get("place"), dict) else {}
    risk = case.get("risk") if isinstance(case.get("risk"), dict) else {}
    group = case.get("group") if isinstance(case.get("group"), dict) else {}
    cross = place.get("cross") or "none"
    level = risk.get("level")
    flags = set(risk.get("flags") or ())
    headcount = _number(group.get("headcount")) or 0
    amount = _number(case.get("amount"))
    people = _number(case.get("people_affected")) or 0
    if (
        cross == "cross_town"
        or level == "red"
        or headcount >= intake.group_visit_threshold
        or "group" in flags
        or several_departments
        or case.get("category") == LITIGATION_RELATED
    ):
        return "district"
    if (
        cross == "cross_community"
        or level == "orange"
        or (amount is not None and amount >= intake.town_amount_threshold)
        or people >= intake.town_people_threshold
    ):
        return "town"
    if (
        cross == "cross_grid"
        or case.get("category") not in intake.grid_categories
        or (amount is not None and amount >= intake.grid_amount_limit)
        or not place.get("grid")
    ):
        return "community"
    return "grid"


def _node_at(level: str, case: dict, config: HallConfig) -> tuple[str, str | None]:
    """The network node for ``level`` from the case's place; a level whose code is missing moves up."""
    net = config.network
    place = case.get("place") if isinstance(case.get("place"), dict) else {}
    grid = place.get("grid") if place.get("grid") in net.grids else None
    community = place.get("community") if place.get("community") in net.communities else None
    community = community or net.community_of(grid)
    town = place.get("town") if place.get("town") in net.towns else None
    town = town or net.town_of(community)
    for lvl, code in (("grid", grid), ("community", community), ("town", town)):
        if _LEVEL_RANK[level] <= _LEVEL_RANK[lvl] and code:
            return lvl, code
    return "district", None


def _decision(
    config: HallConfig,
    rules: RoutingRules,
    case: dict,
    to: str,
    also: list[str],
    *,
    level: str | None,
    computed: bool,
    rule_id: str,
    rule_name: str,
    basis: str,
) -> RoutingDecision:
    node = None
    if to == NETWORK or to == rules.network_department:
        dept_code = rules.network_department
        if computed:
            several = bool(also)
            level = _higher(network_level(case, config, several_departments=several), level)
        level, node = _node_at(level or "district", case, config)
    else:
        dept_code = to
        level = level or config.departments[dept_code].level
    dept = config.departments[dept_code]
    also_t = tuple(dict.fromkeys(a for a in also if a != dept_code))
    return RoutingDecision(
        department=dept_code,
        department_name=dept.name,
        level=level,
        node=node,
        node_name=config.network.station_name(node),
        rule_id=rule_id,
        rule_name=rule_name,
        basis=basis,
        also=also_t,
        track=dept.track,
    )


def suggest(case: dict, config: HallConfig, rules: RoutingRules) -> RoutingDecision:
    """What the rules say, ignoring any override."""
    facts = CaseFacts.of(case)
    i, rule = rules.first_match(facts)
    also = list(rule.also)
    if rule.also_matter:
        _, matter = rules.first_match(facts, i + 1, skip_also_matter=True)
        if not matter.when.is_empty():  # the catch-all is no department "for the matter"
            also += [rules.network_department if matter.to == NETWORK else matter.to, *matter.also]
    also = [code for code in dict.fromkeys(also) if code != rule.to]
    decision = _decision(
        config,
        rules,
        case,
        rule.to,
        also,
        level=rule.level,
        computed=rule.to == NETWORK,
        rule_id=rule.id,
        rule_name=rule.name,
        basis=rule.basis,
    )
    if facts.category == LITIGATION_RELATED and decision.track == PETITION_TRACK:  # load_rules prevents this
        raise ValidationFailed([field_error("routing.litigation_not_petition", "category")])
    return decision


def route(case: dict, config: HallConfig, rules: RoutingRules) -> RoutingDecision:
    """The lead department, level and node for ``case``, honouring a valid ``disposal.route_override``.

    An override keeps the suggestion's assisting departments (``also``, minus the new lead) and the
    suggestion itself in ``suggested``. Raises :class:`ValidationFailed` for an override to an unknown
    department, without a reason of at least four characters, or sending a ``litigation_related``
    matter to the petition track.
    """
    suggested = suggest(case, config, rules)
    disposal = case.get("disposal") if isinstance(case.get("disposal"), dict) else {}
    override = disposal.get("route_override")
    if not isinstance(override, dict) or not override.get("department"):
        return suggested
    errors = check_override(case, config)
    if errors:
        raise ValidationFailed(errors)
    reason = str(override.get("reason")).strip()
    decided = _decision(
        config,
        rules,
        case,
        override["department"],
        list(suggested.also),
        level=override.get("level") or None,
        computed=False,
        rule_id="override",
        rule_name="人工改派",
        basis=reason,
    )
    return replace(decided, overridden=True, override_reason=reason, suggested=suggested)


def check_override(case: dict, config: HallConfig) -> list[FieldError]:
    """Problems with ``disposal.route_override`` (empty if there is none or it is fine)."""
    disposal = case.get("disposal") if isinstance(case.get("disposal"), dict) else {}
    override = disposal.get("route_override")
    if not isinstance(override, dict) or not override.get("department"):
        return []
    errors: list[FieldError] = []
    base = "disposal.route_override"
    code = override.get("department")
    dept = config.departments.get(code) if isinstance(code, str) else None
    if dept is None:
        errors.append(field_error("routing.unknown_department", f"{base}.department", value=code))
    elif dept.track == PETITION_TRACK and case.get("category") == LITIGATION_RELATED:
        errors.append(field_error("routing.litigation_not_petition", f"{base}.department"))
    reason = override.get("reason")
    if not isinstance(reason, str) or len(reason.strip()) < OVERRIDE_REASON_MIN:
        errors.append(field_error("routing.override_reason", f"{base}.reason", min=OVERRIDE_REASON_MIN))
    level = override.get("level")
    if level and level not in LEVELS:
        errors.append(field_error("routing.override_level", f"{base}.level", value=level, choices=" | ".join(LEVELS)))
    return errors


__all__ = [
    "NETWORK",
    "CaseFacts",
    "RoutingDecision",
    "RoutingRules",
    "Rule",
    "When",
    "check_override",
    "load_rules",
    "network_level",
    "parse_rules",
    "route",
    "suggest",
]
