"""The unified intake record: its JSON form, structural and semantic validation, normalisation.

A case travels as a plain JSON-compatible ``dict`` shaped by ``resources/schema/case-1.json``
(documented in ``docs/case-format.md``). :func:`normalize_case` checks one against the schema,
then against the domain rules (ID numbers, phones, dates, the hall's categories and mediation
network, required fields per window, the representative limit, text hygiene), and returns the
normalised document plus warnings, or raises :class:`ValidationFailed` carrying every problem.
Nothing is written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from reception.config import HallConfig
from reception.errors import FieldError, ValidationFailed, field_error, messages
from reception.idcard import validate_id
from reception.paths import resource_path
from reception.phone import validate_phone
from reception.text import clean_name, clean_text, normalize_code

SCHEMA_VERSION = "1.0"
READ_ONLY = (
    "case_no",
    "status",
    "centre_code",
    "workstation",
    "created_at",
    "routing",
    "deadlines",
    "transfers",
    "events",
    "warnings",
)

messages(
    {
        "required": ("必填", "required"),
        "schema.type": ("类型不正确，应为{expected}", "wrong type, expected {expected}"),
        "schema.enum": ("取值无效：{value}", "invalid value: {value}"),
        "schema.unknown_field": ("不认识的字段：{name}", "unknown field: {name}"),
        "schema.too_long": ("超过最大长度 {limit}", "longer than {limit}"),
        "schema.too_many": ("最多 {limit} 项", "at most {limit} items"),
        "schema.too_few": ("至少 {limit} 项", "at least {limit} items"),
        "schema.range": ("数值超出范围", "number out of range"),
        "schema.duplicate": ("有重复项", "duplicate items"),
        "schema.invalid": ("格式不正确", "invalid"),
        "schema.not_object": ("案件必须是一个 JSON 对象", "a case must be a JSON object"),
        "schema.version": (
            "不支持的格式版本 {value}（支持 1.x）",
            "unsupported format version {value} (1.x supported)",
        ),
        "date.invalid": ("日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"),
        "date.future": ("日期不能晚于今天", "date cannot be in the future"),
        "date.too_old": ("日期早于 1900 年", "date before 1900"),
        "datetime.invalid": (
            "时间格式应为 ISO 8601 且带时区，如 2025-03-03T09:30:00+08:00",
            "time must be ISO 8601 with an offset, e.g. 2025-03-03T09:30:00+08:00",
        ),
        "datetime.future": ("受理时间晚于当前时间", "received time is in the future"),
        "datetime.too_old": ("受理时间早于 2000 年", "received time before 2000"),
        "category.unknown": ("事项类别不存在：{value}", "unknown category: {value}"),
        "subcategory.unknown": (
            "“{category}”下没有子类“{value}”",
            "category {category} has no sub-category {value}",
        ),
        "group.too_many_representatives": (
            "集体访代表最多 {limit} 人（信访工作条例第二十条）",
            "a group visit may name at most {limit} representatives (Petition Regulations Art 20)",
        ),
        "group.representatives_required": (
            "{headcount} 人集体访须推选 1 至 {limit} 名代表",
            "a group visit of {headcount} must name 1 to {limit} representatives",
        ),
        "group.headcount_small": (
            "来访人数少于已登记的代表/参与人数",
            "headcount is smaller than the people listed",
        ),
        "uscc.invalid": ("统一社会信用代码无效", "invalid unified social credit code"),
        "amount.precision": ("金额最多两位小数", "amount has more than two decimals"),
        "intake.closed_after_review": (
            "该事项已经复核终结，同一事实和理由不再受理；如确需受理，须值班领导批准并填写理由",
            "matter already closed after second review (复核): not accepted again on the same facts "
            "without the duty leader's approval and reason",
        ),
        "intake.leader_override_used": (
            "复核终结后经值班领导批准受理",
            "accepted after a closing second review with the duty leader's approval",
        ),
        "legal_aid.interim_aid": (
            "时效将在 7 日内届满，可申请先行援助（法律援助法第四十四条）",
            "limitation ends within 7 days: consider interim legal aid (Legal Aid Law Art 44)",
        ),
        "consent.privacy_required": (
            "须告知并取得当事人个人信息处理同意",
            "the visitor's consent to the processing of personal data is required",
        ),
    }
)

# Required fields per window (domain.md §1: ● = required). Paths with [*] apply to every item.
_COMMON = ("channel", "received_at", "clerk", "applicants[*].name", "category", "facts", "requests")
REQUIRED: dict[str, tuple[str, ...]] = {
    "litigation": (
        *_COMMON,
        "applicants[*].id_number",
        "applicants[*].phone",
        "applicants[*].address",
        "applicants[*].ethnicity",
        "counterparties",
        "counterparties[*].name",
        "place.town",
        "materials",
    ),
    "procuratorate": (
        *_COMMON,
        "applicants[*].id_number",
        "applicants[*].phone",
        "applicants[*].address",
        "applicants[*].ethnicity",
        "place.town",
        "materials",
    ),
    "legal_aid": (
        *_COMMON,
        "applicants[*].id_number",
        "applicants[*].phone",
        "applicants[*].address",
        "applicants[*].ethnicity",
        "applicants[*].occupation",
        "counterparties",
        "counterparties[*].name",
        "place.town",
        "materials",
        "risk.level",
        "legal_aid.legal_position",
        "legal_aid.aid_form",
        "disposal.mediation_consent",
    ),
    "petition": (
        *_COMMON,
        "applicants[*].phone",
        "applicants[*].address",
        "place.town",
        "risk.level",
        "purpose",
    ),
    "mediation": (
        *_COMMON,
        "applicants[*].phone",
        "counterparties",
        "counterparties[*].name",
        "place.town",
        "risk.level",
        "disposal.mediation_consent",
    ),
    "consultation": ("channel", "received_at", "clerk", "applicants[*].name", "category", "facts"),
}
# A visitor at the counter shows an ID card; a letter or a phone call may not carry one.
ID_OPTIONAL_CHANNELS = ("letter", "phone", "online")


@dataclass(frozen=True)
class NormalizedCase:
    document: dict[str, Any]
    received_at: datetime
    received_date: date
    warnings: list[FieldError] = field(default_factory=list)

    @property
    def applicant_name(self) -> str:
        return self.document["applicants"][0]["name"]


@cache
def case_schema() -> dict:
    return json.loads(resource_path("schema", "case-1.json").read_text(encoding="utf-8"))


@cache
def _validator():
    # jsonschema costs ~75 ms to import: loaded on first use (the desk warms it up in the background).
    import jsonschema

    return jsonschema.Draft202012Validator(case_schema())


def json_path(parts) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def _best_match(errors):
    from jsonschema.exceptions import best_match

    return best_match(errors)


def _schema_errors(data: dict) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for err in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = json_path(err.absolute_path)
        v = err.validator
        if v in ("oneOf", "anyOf"):
            # nullable objects: report the most specific inner problem
            best = _best_match(err.context) if err.context else None
            if best is not None and best.validator != "type":
                err, v = best, best.validator
                path = json_path(err.absolute_path)
        if v == "required":
            missing = re.search(r"'([^']+)' is a required property", err.message)
            name = missing.group(1) if missing else "?"
            fe = field_error("required", f"{path}.{name}" if path else name)
        elif v == "additionalProperties":
            extra = re.findall(r"'([^']+)'", err.message)
            for name in extra or ["?"]:
                p = f"{path}.{name}" if path else name
                if ("unknown", p) not in seen:
                    seen.add(("unknown", p))
                    errors.append(field_error("schema.unknown_field", p, name=name))
            continue
        elif v == "enum":
            fe = field_error("schema.enum", path, value=err.instance)
        elif v == "type":
            expected = err.validator_value
            fe = field_error(
                "schema.type", path, expected="/".join(expected) if isinstance(expected, list) else expected
            )
        elif v == "maxLength":
            fe = field_error("schema.too_long", path, limit=err.validator_value)
        elif v == "maxItems":
            fe = field_error("schema.too_many", path, limit=err.validator_value)
        elif v == "minItems":
            fe = field_error("schema.too_few", path, limit=err.validator_value)
        elif v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            fe = field_error("schema.range", path)
        elif v == "uniqueItems":
            fe = field_error("schema.duplicate", path)
        else:
            fe = field_error("schema.invalid", path)
        if (fe.code, fe.field) not in seen:
            seen.add((fe.code, fe.field))
            errors.append(fe)
    return errors


class _Checker:
    """Walks one case, normalising values in place and collecting problems."""

    def __init__(self, doc: dict, config: HallConfig, now: datetime):
        self.doc = doc
        self.config = config
        self.now = now
        self.tz = ZoneInfo(config.centre.timezone)
        self.today = now.astimezone(self.tz).date()
        self.problems: list[FieldError] = []

    # -- helpers -----------------------------------------------------------------------------
    def add(self, errs) -> None:
        self.problems.extend(errs)

    def text(self, obj: dict, key: str, path: str, *, max_len: int, multiline: bool = False) -> None:
        raw = obj.get(key)
        if raw is None:
            return
        chk = clean_text(raw, path, max_len=max_len, multiline=multiline)
        self.add(chk.errors)
        if not chk.errors:  # a refused value stays as typed, so "required" does not pile on
            obj[key] = chk.value if chk.value else None

    def name(self, obj: dict, key: str, path: str, *, max_len: int = 50, organisation: bool = False) -> None:
        raw = obj.get(key)
        if raw is None:
            return
        chk = clean_text(raw, path, max_len=max_len) if organisation else clean_name(raw, path, max_len=max_len)
        self.add(chk.errors)
        if not chk.errors:
            obj[key] = chk.value or ""

    def day(self, obj: dict, key: str, path: str, *, not_future: bool = True) -> date | None:
        raw = obj.get(key)
        if raw in (None, ""):
            obj[key] = None
            return None
        try:
            d = date.fromisoformat(normalize_code(raw))
        except ValueError:
            self.add([field_error("date.invalid", path)])
            return None
        if d.year < 1900:
            self.add([field_error("date.too_old", path)])
        elif not_future and d > self.today:
            self.add([field_error("date.future", path)])
        obj[key] = d.isoformat()
        return d

    def phone(self, obj: dict, key: str, path: str) -> None:
        raw = obj.get(key)
        if raw in (None, ""):
            obj[key] = None
            return
        chk = validate_phone(raw, path)
        self.add(chk.errors)
        if chk.normalized:
            obj[key] = chk.normalized

    def identity(self, person: dict, path: str, *, derive: bool) -> None:
        raw = person.get("id_number")
        if raw in (None, ""):
            person["id_number"] = None
            return
        id_type = person.get("id_type") or "resident_id"
        person["id_type"] = id_type
        typed_birth = None
        if derive and person.get("birth_date"):
            try:
                typed_birth = date.fromisoformat(str(person["birth_date"]))
            except ValueError:
                typed_birth = None
        chk = validate_id(
            id_type,
            raw,
            f"{path}.id_number",
            today=self.today,
            typed_sex=person.get("sex") if derive else None,
            typed_birth=typed_birth,
        )
        self.add(chk.errors)
        if chk.normalized:
            person["id_number"] = chk.normalized
            if derive:
                if chk.sex and not person.get("sex"):
                    person["sex"] = chk.sex
                if chk.birth_date and not person.get("birth_date"):
                    person["birth_date"] = chk.birth_date.isoformat()

    def person(self, p: dict, path: str) -> None:
        self.name(p, "name", f"{path}.name")
        self.identity(p, path, derive=True)
        self.day(p, "birth_date", f"{path}.birth_date")
        self.phone(p, "phone", f"{path}.phone")
        for key, limit in (
            ("ethnicity", 50),
            ("residence", 200),
            ("address", 200),
            ("occupation", 50),
            ("employer", 200),
            ("education", 50),
            ("health", 50),
        ):
            self.text(p, key, f"{path}.{key}", max_len=limit)
        if isinstance(p.get("address_place"), dict):
            ap = p["address_place"]
            self.add(
                self.config.network.validate_place(
                    ap.get("town"), ap.get("community"), ap.get("grid"), prefix=f"{path}.address_place"
                )
            )

    # -- sections ------------------------------------------------------------------------------
    def run(self) -> None:
        d = self.doc
        self.text(d, "clerk", "clerk", max_len=50)
        for i, p in enumerate(d.get("applicants") or []):
            self.person(p, f"applicants[{i}]")
        if isinstance(d.get("agent"), dict):
            a = d["agent"]
            self.name(a, "name", "agent.name")
            self.identity(a, "agent", derive=False)
            self.phone(a, "phone", "agent.phone")
            self.text(a, "relationship", "agent.relationship", max_len=50)
            self.text(a, "organisation", "agent.organisation", max_len=200)
        self.group()
        for i, c in enumerate(d.get("counterparties") or []):
            path = f"counterparties[{i}]"
            self.name(c, "name", f"{path}.name", max_len=100, organisation=c.get("kind") == "organisation")
            self.identity(c, path, derive=False)
            self.phone(c, "phone", f"{path}.phone")
            self.text(c, "address", f"{path}.address", max_len=200)
            self.text(c, "legal_representative", f"{path}.legal_representative", max_len=50)
            if c.get("uscc"):
                code = normalize_code(c["uscc"]).upper()
                try:
                    c["uscc"] = stdnum_uscc.validate(code)
                except StdnumError:
                    self.add([field_error("uscc.invalid", f"{path}.uscc")])
        self.matter()
        for i, ph in enumerate(d.get("prior_handling") or []):
            path = f"prior_handling[{i}]"
            self.text(ph, "body", f"{path}.body", max_len=100)
            self.text(ph, "document_no", f"{path}.document_no", max_len=50)
            self.text(ph, "result", f"{path}.result", max_len=500, multiline=True)
            self.day(ph, "date", f"{path}.date")
        for i, m in enumerate(d.get("materials") or []):
            self.text(m, "name", f"materials[{i}].name", max_len=100)
        if isinstance(d.get("legal_aid"), dict):
            la = d["legal_aid"]
            self.text(la, "case_stage", "legal_aid.case_stage", max_len=50)
            self.text(la, "property", "legal_aid.property", max_len=500, multiline=True)
            self.text(la, "hardship_exempt", "legal_aid.hardship_exempt", max_len=100)
        risk = d.get("risk") or {}
        self.text(risk, "note", "risk.note", max_len=200)
        disp = d.get("disposal") or {}
        self.text(disp, "answer", "disposal.answer", max_len=2000, multiline=True)
        self.text(disp, "notes", "disposal.notes", max_len=2000, multiline=True)
        self.text(disp, "leader_override", "disposal.leader_override", max_len=500, multiline=True)
        if isinstance(disp.get("route_override"), dict):
            self.text(disp["route_override"], "reason", "disposal.route_override.reason", max_len=500)
        for k, v in list((d.get("department_numbers") or {}).items()):
            d["department_numbers"][k] = normalize_code(v)
        self.required()
        self.repeat_after_review()

    def group(self) -> None:
        g = self.doc.get("group")
        if not isinstance(g, dict):
            return
        limit = self.config.intake.max_representatives
        threshold = self.config.intake.group_visit_threshold
        reps = g.get("representatives") or []
        for i, r in enumerate(reps):
            self.person(r, f"group.representatives[{i}]")
        if len(reps) > limit:
            self.add([field_error("group.too_many_representatives", f"group.representatives[{limit}]", limit=limit)])
        headcount = g.get("headcount") or 0
        if headcount >= threshold and not reps:
            self.add(
                [
                    field_error(
                        "group.representatives_required",
                        "group.representatives",
                        headcount=headcount,
                        limit=limit,
                    )
                ]
            )
        parts = g.get("participants") or []
        for i, p in enumerate(parts):
            self.name(p, "name", f"group.participants[{i}].name")
            if not p.get("id_number"):
                p["id_number"] = None
            else:
                p.setdefault("id_type", "resident_id")
                self.identity(p, f"group.participants[{i}]", derive=False)
                p.pop("id_type", None)
            self.phone(p, "phone", f"group.participants[{i}].phone")
        if headcount < max(len(reps), len(parts)):
            self.add([field_error("group.headcount_small", "group.headcount")])

    def matter(self) -> None:
        d = self.doc
        cat = d.get("category")
        if cat:
            category = self.config.categories.get(cat)
            if category is None:
                self.add([field_error("category.unknown", "category", value=cat)])
            elif d.get("subcategory") and d["subcategory"] not in category.subs:
                self.add([field_error("subcategory.unknown", "subcategory", value=d["subcategory"], category=cat)])
        place = d.get("place")
        if isinstance(place, dict):
            self.text(place, "detail", "place.detail", max_len=200)
            self.add(self.config.network.validate_place(place.get("town"), place.get("community"), place.get("grid")))
        self.day(d, "occurred_on", "occurred_on")
        self.text(d, "facts", "facts", max_len=5000, multiline=True)
        reqs = d.get("requests")
        if isinstance(reqs, list):
            for i in range(len(reqs)):
                chk = clean_text(reqs[i], f"requests[{i}]", max_len=500, multiline=True)
                self.add(chk.errors)
                reqs[i] = reqs[i] if chk.errors else chk.value
            d["requests"] = [r for r in reqs if r]
        amount = d.get("amount")
        if isinstance(amount, (int, float)) and round(amount, 2) != amount:
            self.add([field_error("amount.precision", "amount")])
        limitation = self.day(d, "limitation_ends_on", "limitation_ends_on", not_future=False)
        if limitation is not None and 0 <= (limitation - self.today).days < 7:
            self.add([field_error("legal_aid.interim_aid", "limitation_ends_on", severity="warning")])

    def required(self) -> None:
        d = self.doc
        window = d.get("window")
        for path in REQUIRED.get(window, ()):
            if path.endswith("id_number") and d.get("channel") in ID_OPTIONAL_CHANNELS:
                continue
            for concrete, value in _resolve(d, path):
                if value in (None, "", [], {}):
                    self.add([field_error("required", concrete)])
        disp = d.get("disposal") or {}
        if window != "consultation" and disp.get("privacy_consent") is not True:
            self.add([field_error("consent.privacy_required", "disposal.privacy_consent")])

    def repeat_after_review(self) -> None:
        """信访工作条例 Art 36: after 复核 the same matter is not accepted again."""
        d = self.doc
        closed = any(
            ph.get("form") == "petition" and ph.get("stage") == "second_review" for ph in d.get("prior_handling") or []
        )
        if not closed or d.get("window") != "petition":
            return
        if (d.get("disposal") or {}).get("leader_override"):
            self.add([field_error("intake.leader_override_used", "disposal.leader_override", severity="warning")])
        else:
            self.add([field_error("intake.closed_after_review", "prior_handling")])


def _resolve(doc: Any, path: str):
    """Yield (concrete path, value) for a path that may contain ``[*]``."""
    parts = re.findall(r"[^.\[\]]+|\[\*\]", path)

    def walk(node, i, prefix):
        if i == len(parts):
            yield prefix, node
            return
        part = parts[i]
        if part == "[*]":
            for j, item in enumerate(node if isinstance(node, list) else []):
                yield from walk(item, i + 1, f"{prefix}[{j}]")
            return
        value = node.get(part) if isinstance(node, dict) else None
        yield from walk(value, i + 1, f"{prefix}.{part}" if prefix else part)

    yield from walk(doc, 0, "")


def parse_received_at(raw: str) -> datetime:
    value = normalize_code(raw).replace("Z", "+00:00")
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError("naive")
    return dt


def normalize_case(data: Any, config: HallConfig, *, now: datetime | None = None) -> NormalizedCase:
    """Validate and normalise one case in its JSON form. Raises ValidationFailed with every problem."""
    now = now or datetime.now(UTC)
    if not isinstance(data, dict):
        raise ValidationFailed([field_error("schema.not_object", "")])
    doc = json.loads(json.dumps(data, ensure_ascii=False))  # deep copy; the caller's dict is untouched
    for key in READ_ONLY:
        doc.pop(key, None)
    version = doc.pop("schema_version", SCHEMA_VERSION)
    if not isinstance(version, str) or not re.fullmatch(r"1(\.\d+)?", version):
        raise ValidationFailed([field_error("schema.version", "schema_version", value=version)])
    structural = _schema_errors(doc)
    if structural:
        raise ValidationFailed(structural)

    problems: list[FieldError] = []
    try:
        received = parse_received_at(doc["received_at"])
    except (ValueError, TypeError):
        raise ValidationFailed([field_error("datetime.invalid", "received_at")]) from None
    if received > now + timedelta(minutes=5):
        problems.append(field_error("datetime.future", "received_at"))
    if received.year < 2000:
        problems.append(field_error("datetime.too_old", "received_at"))
    doc["received_at"] = received.isoformat()

    doc.setdefault("counterparties", [])
    doc.setdefault("requests", [])
    doc.setdefault("prior_handling", [])
    doc.setdefault("materials", [])
    doc.setdefault("place", {})
    doc.setdefault("risk", {})
    doc["risk"].setdefault("flags", [])
    doc.setdefault("disposal", {})
    doc.setdefault("department_numbers", {})
    checker = _Checker(doc, config, now)
    checker.run()
    problems += checker.problems
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(problems)
    ordered = {"schema_version": SCHEMA_VERSION, **doc}
    tz = ZoneInfo(config.centre.timezone)
    return NormalizedCase(
        document=ordered,
        received_at=received,
        received_date=received.astimezone(tz).date(),
        warnings=[p for p in problems if p.severity == "warning"],
    )
