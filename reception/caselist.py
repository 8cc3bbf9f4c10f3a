"""The case list (案件查询): filters, sort orders and pages over a million cases, all in SQL.

A list is opened with :func:`open_listing` (it counts the matching cases once) and read a page at a time
with :func:`listing_rows`; :func:`count_cases` and :func:`case_rows` do both in one call. What comes back
is a frozen :class:`CaseRow` per case, holding exactly what the list shows.

How a page stays cheap with a million cases:

* every sort order has a covering index (revision 0004): the sort column, ``id`` (the tie-breaker),
  then every filtered column. A page walks one index and reads the table only for the rows it shows
  (first the ids of the page, then those rows);
* a page past the middle of the list is read from the other end with the order reversed, so ``OFFSET``
  never walks more than half of the matching rows;
* enumerations (window, status, risk, department) sort in the order the form lists them (red before
  orange, registered before closed), not by their codes, and newest first inside each value: the list is
  cut into one group per value, each read on that value's part of its index (value, received date,
  time, id, ...), where a date range is a range too; the group sizes are counted when the list opens;
* SQLite has no statistics to choose between indexes, and left alone it sometimes sorts 300,000 rows to
  show 200. Where the count says which plan is cheap, the other columns are written ``+col`` in the
  query (SQLite's documented way to keep a term from using an index): walk the sort order's index when
  many rows match; walk the date range and sort it when the range is short; otherwise let the planner
  start from the most selective filter. PostgreSQL plans with its own statistics.

The search box (``CaseFilter.query``) is read as :func:`reception.queries.search` reads it: a case
number, an ID number (15 or 18 digits), a phone number, or a name and words of the facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors

from reception.context import Context
from reception.errors import FieldError, ValidationFailed, field_error, messages
from reception.labels import ENUMS
from reception.queries import classify_query, name_condition, party_condition
from reception.search_index import text_condition
from reception.storage.models import Case, CaseDeadline, Party
from reception.text import normalize_code
from reception.vocab import RISK_LEVELS, WINDOWS

messages(
    {
        "list.choice": ("没有“{value}”这一项", "“{value}” is not one of the choices"),
        "list.date_order": ("截止日期早于起始日期", "the end date is before the start date"),
        "list.sort": (
            "不能按“{value}”排序，可排序的列：{allowed}",
            "cannot sort by “{value}”; sortable columns: {allowed}",
        ),
        "list.query_too_long": (
            "查询内容不能超过{max_len}个字",
            "the search text must be at most {max_len} characters",
        ),
    }
)

STATUSES: tuple[str, ...] = tuple(ENUMS["status"])
#: statuses in which a case is finished: never overdue
FINISHED_STATUSES: tuple[str, ...] = ("resolved", "closed")
#: the sortable columns of the list, with the column each sorts on
SORTS: dict[str, str] = {
    "received": "received_date",  # then received_utc, id
    "case_no": "case_no",
    "applicant": "applicant_name",
    "window": "window",
    "status": "status",
    "risk": "risk_level",
    "department": "department",
}
#: sorts by an enumeration: one group per value, in the form's order
GROUPED = ("window", "status", "risk", "department")
MAX_QUERY = 100
PAGE = 200

# Plan choice on SQLite (see the module docstring); measured on 1,000,000 cases.
#: up to this many matching rows are found from a short date range, else from the most selective
#: filter (SQLite's choice), and sorted
PLANNER_MAX = 2_000
#: sorting by case number or name, a date range holding at most this many cases is read and sorted
#: (the name and number are not in the date's index: the table is read too)
RANGE_MAX = 8_000
#: a date range holding at most this many cases is counted on the date's index
COUNT_RANGE_MAX = 200_000
#: grouped sorts: up to this many matching rows are counted per value with one GROUP BY
GROUP_BY_MAX = 50_000


@dataclass(frozen=True)
class CaseFilter:
    """What the clerk asked to see. Empty fields do not filter."""

    date_from: date | None = None  # received on or after (hall date)
    date_to: date | None = None  # received on or before (hall date)
    window: str | None = None
    status: str | None = None
    department: str | None = None
    risk: str | None = None
    #: only cases with an open deadline due before today (hall time zone) that are not resolved/closed
    overdue: bool = False
    #: the search box: case number, ID number, phone, name or words of the facts
    query: str = ""

    def problems(self, ctx: Context) -> list[FieldError]:
        out: list[FieldError] = []
        for name, allowed in (
            ("window", WINDOWS),
            ("status", STATUSES),
            ("risk", RISK_LEVELS),
            ("department", tuple(ctx.config.departments)),
        ):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                out.append(field_error("list.choice", name, value=value))
        if self.date_from and self.date_to and self.date_to < self.date_from:
            out.append(field_error("list.date_order", "date_to"))
        if len(self.query or "") > MAX_QUERY:
            out.append(field_error("list.query_too_long", "query", max_len=MAX_QUERY))
        return out


@dataclass(frozen=True)
class CaseRow:
    """One line of the list."""

    case_no: str
    received_at: datetime  # in the hall's time zone
    window: str
    channel: str
    applicant_name: str
    category: str | None
    department: str | None
    status: str
    risk_level: str | None
    next_due: date | None  # the earliest open deadline
    overdue: bool


@dataclass(frozen=True)
class CaseListing:
    """An opened list: its filter and order, how many cases match, and what the plan needs."""

    filter: CaseFilter
    sort: str
    descending: bool
    total: int
    today: date  # hall date the overdue test is made against
    #: grouped sorts: (value, count) per group, in ascending order
    groups: tuple[tuple[str | None, int], ...] = ()
    #: SQLite with a date range: how many cases were received in that range (for the plan)
    in_range: int | None = field(default=None, compare=False)


# -- SQLite plan steering -----------------------------------------------------------------------


class _NoIndex(ColumnElement):
    """``+col`` on SQLite (the term cannot use an index; same value); ``col`` elsewhere."""

    inherit_cache = True
    _traverse_internals: ClassVar = [("element", visitors.InternalTraversal.dp_clauseelement)]

    def __init__(self, element):
        self.element = element
        self.type = element.type

    @property
    def _from_objects(self):
        return self.element._from_objects


@compiles(_NoIndex)
def _no_index_default(element, compiler, **kw):
    return compiler.process(element.element, **kw)


@compiles(_NoIndex, "sqlite")
def _no_index_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.element, **kw)


#: plans (SQLite): let the planner choose / walk the sort order's index / walk the date range and sort
PLANNER, ORDERED, RANGE = "planner", "ordered", "range"


class _Cols:
    """The columns as the query should see them: indexable, or wrapped in ``+``."""

    def __init__(self, indexable: set[str] | None):
        self.indexable = indexable  # None: all

    def __call__(self, name: str):
        col = getattr(Case, name)
        if self.indexable is None or name in self.indexable:
            return col
        return _NoIndex(col)


ALL = _Cols(None)


def _hall_today(ctx: Context) -> date:
    return datetime.now(ZoneInfo(ctx.config.centre.timezone)).date()


def _conditions(session: Session, f: CaseFilter, today: date, c: _Cols) -> list:
    conds = []
    if f.date_from:
        conds.append(c("received_date") >= f.date_from)
    if f.date_to:
        conds.append(c("received_date") <= f.date_to)
    for attr, column in (("window", "window"), ("status", "status"), ("risk", "risk_level")):
        value = getattr(f, attr)
        if value is not None:
            conds.append(c(column) == value)
    if f.department is not None:
        conds.append(c("department") == f.department)
    if f.overdue:
        late = select(CaseDeadline.case_id).where(CaseDeadline.due < today, CaseDeadline.status == "open")
        conds.append(c("status").not_in(FINISHED_STATUSES))
        conds.append(c("id").in_(late))
    q = _query_condition(session, f.query, c)
    if q is not None:
        conds.append(q)
    return conds


def _query_condition(session: Session, query: str, c: _Cols):
    """The search box as a condition, read as :func:`reception.queries.search` reads it."""
    if not normalize_code(query):
        return None
    kind, value = classify_query(query)
    if not value:
        return None
    if kind == "case_no":
        return c("case_no") == value
    if kind in ("id", "phone"):
        return c("id").in_(select(Party.case_id).where(party_condition(kind, value)))
    by_name = c("id").in_(select(Party.case_id).where(name_condition(session, value)))
    words = text_condition(session.get_bind().dialect.name, value, id_column=c("id"))
    return by_name if words is None else or_(by_name, words)


# -- opening a list -----------------------------------------------------------------------------


def _check(ctx: Context, f: CaseFilter, sort: str) -> None:
    problems = f.problems(ctx)
    if sort not in SORTS:
        problems.append(field_error("list.sort", "sort", value=sort, allowed=", ".join(SORTS)))
    if problems:
        raise ValidationFailed(problems)


def _group_order(ctx: Context, sort: str) -> tuple[str, ...]:
    if sort == "window":
        return WINDOWS
    if sort == "status":
        return STATUSES
    if sort == "risk":
        return RISK_LEVELS
    return tuple(ctx.config.departments)


def open_listing(
    ctx: Context,
    f: CaseFilter | None = None,
    sort: str = "received",
    descending: bool = True,
    *,
    today: date | None = None,
) -> CaseListing:
    """Count the cases ``f`` matches, once, for reading them in pages in the order ``sort``.

    ``sort`` is one of :data:`SORTS`; anything else (or a bad filter) raises ``ValidationFailed`` naming
    the field. ``today`` (hall date) is what "overdue" is measured against; default: now."""
    f = f or CaseFilter()
    _check(ctx, f, sort)
    today = today or _hall_today(ctx)
    with ctx.db.read() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        in_range = None
        if sqlite and (f.date_from or f.date_to):
            rng = []
            if f.date_from:
                rng.append(Case.received_date >= f.date_from)
            if f.date_to:
                rng.append(Case.received_date <= f.date_to)
            in_range = session.scalar(select(func.count()).select_from(Case).where(*rng)) or 0
        # a short date range is counted on its index (which holds every filtered column); otherwise
        # the planner starts from the most selective filter
        short = in_range is not None and in_range <= COUNT_RANGE_MAX
        conds = _conditions(session, f, today, _Cols({"received_date"}) if short else ALL)
        total = session.scalar(select(func.count()).select_from(Case).where(*conds)) or 0
        groups: tuple[tuple[str | None, int], ...] = ()
        if sort in GROUPED and total:
            groups = _group_counts(session, ctx, f, today, sort, total, sqlite)
    return CaseListing(f, sort, descending, total, today, groups, in_range)


def _group_counts(
    session: Session, ctx: Context, f: CaseFilter, today: date, sort: str, total: int, sqlite: bool
) -> tuple[tuple[str | None, int], ...]:
    """(value, count) of each non-empty group, in the form's order, unknown values next, no value last."""
    name = SORTS[sort]
    col = getattr(Case, name)
    order = _group_order(ctx, sort)
    if not sqlite:
        conds = _conditions(session, f, today, ALL)
        counts = dict(session.execute(select(col, func.count()).where(*conds).group_by(col)).all())
    elif total <= GROUP_BY_MAX:
        # few rows: find them from the most selective filter (SQLite would rather walk the column's
        # index for a GROUP BY) and group them
        key = _NoIndex(col)
        conds = _conditions(session, f, today, ALL)
        counts = dict(session.execute(select(key, func.count()).where(*conds).group_by(key)).all())
    else:
        # many rows: count each value on its own part of the column's index (date range included)
        conds = _conditions(session, f, today, _Cols({name, "received_date"}))
        counts = {}
        for v in (*order, None):
            cond = col.is_(None) if v is None else col == v
            counts[v] = session.scalar(select(func.count()).select_from(Case).where(cond, *conds)) or 0
        if total > sum(counts.values()):  # values outside the form's list (a department no longer configured)
            extra = select(col, func.count()).where(col.is_not(None), col.not_in(order), *conds).group_by(col)
            counts.update(dict(session.execute(extra).all()))
    known = [v for v in order if counts.get(v)]
    others = sorted(v for v in counts if v is not None and v not in order and counts[v])
    groups = [(v, counts[v]) for v in (*known, *others)]
    if counts.get(None):
        groups.append((None, counts[None]))
    return tuple(groups)


def count_cases(ctx: Context, f: CaseFilter | None = None, *, today: date | None = None) -> int:
    """How many cases ``f`` matches."""
    return open_listing(ctx, f, "received", True, today=today).total


# -- reading a page -----------------------------------------------------------------------------


def _plan(session: Session, listing: CaseListing, n: int) -> str:
    if session.get_bind().dialect.name != "sqlite":
        return ORDERED  # PostgreSQL: plain SQL, its planner has statistics
    short = listing.in_range is not None and listing.in_range <= COUNT_RANGE_MAX
    if n <= PLANNER_MAX:
        # few rows: start from the date range when there is a short one (the planner would rather start
        # from a search subquery, and read the table once for each of its tens of thousands of ids)
        return RANGE if short else PLANNER
    if listing.sort in ("case_no", "applicant") and listing.in_range is not None and listing.in_range <= RANGE_MAX:
        return RANGE
    return ORDERED


def _cols_for(plan: str, sort: str) -> _Cols:
    """Which columns may use an index: the walk of the sort order's index needs its leading columns."""
    if plan == PLANNER:
        return ALL
    if plan == RANGE:
        return _Cols({"received_date"})
    if sort == "received":
        return _Cols({"received_date"})
    if sort in GROUPED:  # (value, received date, ...): the date range is a range inside each group
        return _Cols({SORTS[sort], "received_date"})
    return _Cols({SORTS[sort]})


def _ids(session: Session, listing: CaseListing, n: int, offset: int, limit: int, group=(False, None)) -> list[int]:
    """Ids of ``limit`` rows from ``offset`` among ``n`` ordered rows (of one group for grouped sorts)."""
    if limit <= 0 or offset >= n:
        return []
    limit = min(limit, n - offset)
    desc = listing.descending
    reverse = offset + limit / 2 > n / 2  # nearer the end: read from there with the order reversed
    if reverse:
        offset, desc = n - offset - limit, not desc
    plan = _plan(session, listing, n)
    sort = listing.sort
    grouped, value = group
    lead = SORTS[sort]
    c = _cols_for(plan, sort)
    conds = _conditions(session, listing.filter, listing.today, c)
    if sort == "received":
        keys = ["received_date", "received_utc", "id"]
    elif grouped:
        # inside a group the newest come first, whichever way the groups run
        keys = ["received_date", "received_utc", "id"]
        desc = not reverse
        conds.append(c(lead).is_(None) if value is None else c(lead) == value)
    else:
        keys = [lead, "id"]
    # the order comes from the index only in the "ordered" plan; otherwise keep indexes out of it
    order_cols = [getattr(Case, k) if plan == ORDERED else _NoIndex(getattr(Case, k)) for k in keys]
    order = [col.desc() if desc else col.asc() for col in order_cols]
    stmt = select(Case.id).where(*conds).order_by(*order).offset(offset).limit(limit)
    ids = list(session.scalars(stmt))
    return ids[::-1] if reverse else ids


def listing_rows(ctx: Context, listing: CaseListing, offset: int, limit: int = PAGE) -> list[CaseRow]:
    """Rows ``offset`` .. ``offset + limit - 1`` of an opened list (fewer at its end)."""
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    with ctx.db.read() as session:
        if listing.sort in GROUPED:
            groups = listing.groups[::-1] if listing.descending else listing.groups
            ids: list[int] = []
            start = 0
            for value, n in groups:
                lo, hi = max(offset, start), min(offset + limit, start + n)
                if lo < hi:
                    ids += _ids(session, listing, n, lo - start, hi - lo, (True, value))
                start += n
                if start >= offset + limit:
                    break
        else:
            ids = _ids(session, listing, listing.total, offset, limit)
        return _rows(session, ctx, ids, listing.today)


def _rows(session: Session, ctx: Context, ids: list[int], today: date) -> list[CaseRow]:
    if not ids:
        return []
    tz = ZoneInfo(ctx.config.centre.timezone)
    next_due = (
        select(func.min(CaseDeadline.due))
        .where(CaseDeadline.case_id == Case.id, CaseDeadline.status == "open")
        .scalar_subquery()
    )
    stmt = select(
        Case.id,
        Case.case_no,
        Case.received_utc,
        Case.window,
        Case.channel,
        Case.applicant_name,
        Case.category,
        Case.department,
        Case.status,
        Case.risk_level,
        next_due,
    ).where(Case.id.in_(ids))
    by_id = {}
    for r in session.execute(stmt):
        due = r[10]
        if isinstance(due, str):  # SQLite hands the aggregate back as text
            due = date.fromisoformat(due)
        by_id[r[0]] = CaseRow(
            case_no=r[1],
            received_at=r[2].astimezone(tz),
            window=r[3],
            channel=r[4],
            applicant_name=r[5],
            category=r[6],
            department=r[7],
            status=r[8],
            risk_level=r[9],
            next_due=due,
            overdue=due is not None and due < today and r[8] not in FINISHED_STATUSES,
        )
    return [by_id[i] for i in ids if i in by_id]


def case_rows(
    ctx: Context,
    f: CaseFilter | None = None,
    sort: str = "received",
    descending: bool = True,
    offset: int = 0,
    limit: int = PAGE,
    *,
    today: date | None = None,
) -> list[CaseRow]:
    """One page of the cases ``f`` matches, in the order ``sort`` (opens the list, then reads the page)."""
    return listing_rows(ctx, open_listing(ctx, f, sort, descending, today=today), offset, limit)
