"""Reading cases back: one case in full, search, and the repeat-visitor lookup.

Everything returned is a plain frozen record or a JSON-compatible dict, never a live ORM object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from reception.context import Context
from reception.errors import NotFound
from reception.idcard import equivalent_forms, upgrade_15
from reception.intake import deadline_dict
from reception.numbering import looks_like_case_no
from reception.phone import validate_phone
from reception.search_index import search_text
from reception.storage.models import Case, Party
from reception.text import normalize_code

VISITOR_ROLES = ("applicant", "agent", "representative", "participant")


@dataclass(frozen=True)
class CaseSummary:
    id: int
    case_no: str
    received_at: datetime
    received_date: date
    window: str
    channel: str
    status: str
    applicant_name: str
    category: str | None
    department: str | None
    risk_level: str | None
    town: str | None

    @classmethod
    def of(cls, c: Case) -> CaseSummary:
        return cls(
            id=c.id,
            case_no=c.case_no,
            received_at=c.received_utc,
            received_date=c.received_date,
            window=c.window,
            channel=c.channel,
            status=c.status,
            applicant_name=c.applicant_name,
            category=c.category,
            department=c.department,
            risk_level=c.risk_level,
            town=c.town,
        )


_SUMMARY_COLUMNS = (
    Case.id,
    Case.case_no,
    Case.received_utc,
    Case.received_date,
    Case.window,
    Case.channel,
    Case.status,
    Case.applicant_name,
    Case.category,
    Case.department,
    Case.risk_level,
    Case.town,
)


def _summaries(session: Session, ids: list[int]) -> list[CaseSummary]:
    if not ids:
        return []
    rows = session.execute(select(*_SUMMARY_COLUMNS).where(Case.id.in_(ids))).all()
    by_id = {r[0]: CaseSummary(*r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def case_document(ctx: Context, case_no: str) -> dict:
    """The case in its JSON form with what the system added (``reception show --json``)."""
    with ctx.db.read() as session:
        c = session.execute(
            select(Case)
            .where(Case.case_no == case_no.strip().upper())
            .options(selectinload(Case.deadlines), selectinload(Case.transfers), selectinload(Case.events))
        ).scalar_one_or_none()
        if c is None:
            raise NotFound(f"没有找到案件 {case_no}", f"no case {case_no}")
        return _document(c, ctx)


def _document(c: Case, ctx: Context) -> dict:
    tz = ZoneInfo(ctx.config.centre.timezone)
    doc = dict(c.document)
    doc.update(
        {
            "case_no": c.case_no,
            "status": c.status,
            "centre_code": c.centre_code,
            "workstation": c.workstation,
            "created_at": c.created_at.astimezone(tz).isoformat(),
            "routing": c.routing,
            "deadlines": [deadline_dict(d) for d in c.deadlines],
            "transfers": [
                {
                    "id": t.id,
                    "department": t.department,
                    "role": t.role,
                    "level": t.level,
                    "node": t.node,
                    "status": t.status,
                    "department_case_no": t.department_case_no,
                    "created_at": t.created_at.astimezone(tz).isoformat(),
                    "updated_at": t.updated_at.astimezone(tz).isoformat(),
                }
                for t in c.transfers
            ],
            "events": [
                {"at": e.at.astimezone(tz).isoformat(), "kind": e.kind, "actor": e.actor, "detail": e.detail}
                for e in c.events
            ],
        }
    )
    return doc


_ID_RE = re.compile(r"^(\d{15}|\d{17}[\dX])$")
_PHONE_RE = re.compile(r"^\+?[\d\-() ]{7,20}$")


def classify_query(query: str) -> tuple[str, str]:
    """('case_no'|'id'|'phone'|'text', normalised value)."""
    q = normalize_code(query).strip()
    upper = q.upper()
    if looks_like_case_no(upper):
        return "case_no", upper
    compact = upper.replace(" ", "")
    if _ID_RE.match(compact):
        return "id", compact
    if _PHONE_RE.match(q) and sum(ch.isdigit() for ch in q) >= 7:
        return "phone", q
    return "text", q


def id_forms(number: str) -> list[str]:
    number = number.upper()
    if len(number) == 15 and number.isdigit():
        number = upgrade_15(number)
    forms = {number, *equivalent_forms(number)}
    return sorted(forms)


def phone_query(value: str) -> str:
    """A phone number as typed in a search box, in the form stored on parties (``+86``, spaces removed)."""
    return validate_phone(value, "q").normalized or value


def party_condition(kind: str, value: str):
    """The ``parties`` rows a classified query (:func:`classify_query`) names: ``id`` or ``phone``."""
    if kind == "id":
        return Party.id_number.in_(id_forms(value))
    if kind == "phone":
        return Party.phone == phone_query(value)
    raise ValueError(f"no party condition for a {kind!r} query")


def name_condition(session: Session, value: str):
    """Parties named ``value``; when nobody has exactly that name, names starting with it (two characters
    or more). Shared by :func:`search` and the case list (``reception.caselist``)."""
    exact = Party.name == value
    if len(value) < 2 or session.scalar(select(Party.id).where(exact).limit(1)) is not None:
        return exact
    return and_(Party.name >= value, Party.name < value + "\uffff")


def search(ctx: Context, query: str, *, limit: int = 200) -> list[CaseSummary]:
    """One search box: case number, ID number (either 15/18 form), phone, name, words of the facts."""
    kind, value = classify_query(query)
    if not value:
        return []
    with ctx.db.read() as session:
        if kind == "case_no":
            ids = list(session.scalars(select(Case.id).where(Case.case_no == value)))
            return _summaries(session, ids)
        if kind in ("id", "phone"):
            return _summaries(session, _party_case_ids(session, party_condition(kind, value), limit))
        by_name = _party_case_ids(session, name_condition(session, value), limit)
        by_text = search_text(session, value, limit)
        merged: list[int] = []
        seen: set[int] = set()
        for cid in [*by_name, *by_text]:
            if cid not in seen:
                seen.add(cid)
                merged.append(cid)
        merged.sort(reverse=True)
        return _summaries(session, merged[:limit])


def _party_case_ids(session: Session, condition, limit: int, roles: tuple[str, ...] | None = None) -> list[int]:
    stmt = select(Party.case_id).where(condition).distinct().order_by(Party.case_id.desc()).limit(limit)
    if roles:
        stmt = stmt.where(Party.role.in_(roles))
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class VisitorHistory:
    cases: tuple[CaseSummary, ...]
    count: int
    last_visit: datetime | None
    closed_after_review: tuple[str, ...]  # case numbers of earlier petitions closed after 复核


def earlier_cases(
    ctx: Context, *, id_number: str | None = None, phone: str | None = None, exclude: str | None = None
) -> VisitorHistory:
    """A person's earlier cases as visitor (never as counter-party), by ID number or phone."""
    conds = []
    if id_number:
        conds.append(Party.id_number.in_(id_forms(normalize_code(id_number).upper())))
    if phone:
        chk = validate_phone(phone, "phone")
        conds.append(Party.phone == (chk.normalized or normalize_code(phone)))
    if not conds:
        return VisitorHistory((), 0, None, ())
    with ctx.db.read() as session:
        ids = _party_case_ids(session, or_(*conds), 500, VISITOR_ROLES)
        cases = [c for c in _summaries(session, ids) if c.case_no != exclude]
        closed: list[str] = []
        if cases:
            docs = session.execute(
                select(Case.case_no, Case.document).where(Case.id.in_([c.id for c in cases]), Case.window == "petition")
            ).all()
            for case_no, doc in docs:
                if any(
                    ph.get("form") == "petition" and ph.get("stage") == "second_review"
                    for ph in doc.get("prior_handling") or []
                ):
                    closed.append(case_no)
    last = max((c.received_at for c in cases), default=None)
    return VisitorHistory(tuple(cases), len(cases), last, tuple(sorted(closed)))
