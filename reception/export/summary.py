"""The day's (or a range's) figures: domain.md §6, the daily report.

:class:`SummaryBuilder` accumulates the figures while the register streams past (one case at a
time, nothing kept per case except the list of red/orange cases, capped), or merges the figures a
closed day stored. :class:`Summary` is the result; :meth:`Summary.check` makes sure every breakdown
adds up to the same total before anything is written.

Breakdowns: window, channel, category, town, risk level, destination department, disposal. A case
without a value (a consultation without a town, a case without a risk level, a case resolved at the
counter and so not transferred) is counted in its own row, so every breakdown sums to the total.
Rows of the fixed enumerations (window, channel, risk, disposal) are listed in their usual order,
zeros included; the others by count, largest first, ties by code — so the order depends on the
figures only and a closed day renders the same way whatever the configuration says later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, select

from reception.config import HallConfig
from reception.context import Context
from reception.errors import ReceptionError
from reception.export.register import CaseRecord, case_no_key, is_group_visit
from reception.labels import ENUMS, enum_label
from reception.storage.models import Case, CaseDeadline

#: key, title
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("window", "按受理窗口"),
    ("channel", "按来源渠道"),
    ("category", "按事项类别"),
    ("town", "按问题属地（镇/街道）"),
    ("risk", "按风险等级"),
    ("department", "按承办部门"),
    ("disposal", "按处置方式"),
)
BREAKDOWN_TITLES = dict(BREAKDOWNS)
FIXED_ORDER: dict[str, tuple[str, ...]] = {
    "window": tuple(ENUMS["window"]),
    "channel": tuple(ENUMS["channel"]),
    "risk": ("red", "orange", "yellow", "blue", ""),
    "disposal": ("resolved", "routed", "other"),
}
DISPOSAL_LABELS = {"resolved": "当场化解/答复", "routed": "分流转办", "other": "其他"}
NONE_LABELS = {
    "window": "未知",
    "channel": "未知",
    "category": "未分类",
    "town": "未填写属地",
    "risk": "未评定",
    "department": "不转办（当场化解/答复）",
    "disposal": "其他",
}
#: at most this many red/orange cases are listed in the summary (all are in the register)
ALERT_LIMIT = 1000
#: "due soon": an open deadline due from the day itself to this many days after
DUE_SOON_DAYS = 3


class ExportInconsistent(ReceptionError):
    code = "export.inconsistent"


@dataclass(frozen=True)
class BreakdownRow:
    code: str  #: "" for "no value"
    label: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    rows: tuple[BreakdownRow, ...]

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    def count(self, code: str | None) -> int:
        return sum(r.count for r in self.rows if r.code == (code or ""))


@dataclass(frozen=True)
class Summary:
    """The figures of a day or a range, for the desk's day-close screen and the PDF summary."""

    start: date
    end: date
    workstation: str
    total: int
    person_visits: int
    resolved_on_spot: int
    routed: int
    group_visits: int
    repeat_visits: int
    #: cases of the workstation still being handled with an open deadline past due on ``as_of``
    overdue: int
    #: … with an open deadline due from ``as_of`` to ``as_of`` + 3 days
    due_soon: int
    as_of: date
    breakdowns: tuple[Breakdown, ...]
    #: red then orange cases (at most :data:`ALERT_LIMIT`), each a dict of register cells
    alerts: tuple[dict, ...] = ()
    alerts_total: int = 0
    first_case_no: str | None = None
    last_case_no: str | None = None
    #: every day of the range was closed (the figures are those stored at closing)
    closed: bool = False
    closed_at: datetime | None = None
    closed_by: str | None = None

    @property
    def red(self) -> int:
        return self.breakdown("risk").count("red")

    @property
    def orange(self) -> int:
        return self.breakdown("risk").count("orange")

    def breakdown(self, key: str) -> Breakdown:
        for b in self.breakdowns:
            if b.key == key:
                return b
        raise KeyError(key)

    def counts(self) -> dict[str, dict[str, int]]:
        """``{breakdown key: {code: count}}`` (``""`` for "no value"), for the manifest."""
        return {b.key: {r.code: r.count for r in b.rows} for b in self.breakdowns}

    def check(self) -> None:
        """Every breakdown adds up to the total, and so do the disposal figures. Raises
        :class:`ExportInconsistent` (a bug, never the user's fault) otherwise."""
        bad = [f"{b.title} {b.total}" for b in self.breakdowns if b.total != self.total]
        if self.resolved_on_spot + self.routed > self.total:
            bad.append(f"当场化解 {self.resolved_on_spot} + 分流转办 {self.routed}")
        if bad:
            raise ExportInconsistent(
                f"汇总数字不一致：合计 {self.total} 件，但 {'；'.join(bad)}",
                f"inconsistent summary: total {self.total}, but {'; '.join(bad)}",
            )

    # -- JSON (the closed day's snapshot) --

    def to_json(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "workstation": self.workstation,
            "total": self.total,
            "person_visits": self.person_visits,
            "resolved_on_spot": self.resolved_on_spot,
            "routed": self.routed,
            "group_visits": self.group_visits,
            "repeat_visits": self.repeat_visits,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "as_of": self.as_of.isoformat(),
            "breakdowns": [
                {"key": b.key, "title": b.title, "rows": [[r.code, r.label, r.count] for r in b.rows]}
                for b in self.breakdowns
            ],
            "alerts": list(self.alerts),
            "alerts_total": self.alerts_total,
            "first_case_no": self.first_case_no,
            "last_case_no": self.last_case_no,
        }

    @classmethod
    def from_json(cls, d: dict, **extra) -> Summary:
        return cls(
            start=date.fromisoformat(d["start"]),
            end=date.fromisoformat(d["end"]),
            workstation=d["workstation"],
            total=d["total"],
            person_visits=d["person_visits"],
            resolved_on_spot=d["resolved_on_spot"],
            routed=d["routed"],
            group_visits=d["group_visits"],
            repeat_visits=d["repeat_visits"],
            overdue=d["overdue"],
            due_soon=d["due_soon"],
            as_of=date.fromisoformat(d["as_of"]),
            breakdowns=tuple(
                Breakdown(b["key"], b["title"], tuple(BreakdownRow(c, lbl, n) for c, lbl, n in b["rows"]))
                for b in d["breakdowns"]
            ),
            alerts=tuple(d.get("alerts") or ()),
            alerts_total=d.get("alerts_total", 0),
            first_case_no=d.get("first_case_no"),
            last_case_no=d.get("last_case_no"),
            **extra,
        )


@dataclass
class SummaryBuilder:
    """Accumulates the figures case by case (:meth:`add`) or from closed days (:meth:`merge`)."""

    config: HallConfig
    tz: object
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k, _ in BREAKDOWNS})
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k, _ in BREAKDOWNS})
    total: int = 0
    person_visits: int = 0
    resolved_on_spot: int = 0
    routed: int = 0
    group_visits: int = 0
    repeat_visits: int = 0
    red_alerts: list[dict] = field(default_factory=list)
    orange_alerts: list[dict] = field(default_factory=list)
    alerts_total: int = 0
    first: str | None = None
    last: str | None = None

    def _count(self, key: str, code: str | None, label: str, n: int = 1) -> None:
        c = code or ""
        self.counts[key][c] = self.counts[key].get(c, 0) + n
        self.labels[key].setdefault(c, label if code else NONE_LABELS[key])

    def _case_no(self, case_no: str | None) -> None:
        if not case_no:
            return
        if self.first is None or case_no_key(case_no) < case_no_key(self.first):
            self.first = case_no
        if self.last is None or case_no_key(case_no) > case_no_key(self.last):
            self.last = case_no

    def _alert(self, level: str, alert: dict) -> None:
        self.alerts_total += 1
        target = self.red_alerts if level == "red" else self.orange_alerts
        if len(target) < ALERT_LIMIT:
            target.append(alert)

    def add(self, rec: CaseRecord) -> None:
        cfg = self.config
        doc = rec.document
        self.total += 1
        self._case_no(rec.case_no)
        self.person_visits += rec.headcount
        self._count("window", doc.get("window"), enum_label("window", doc.get("window")))
        self._count("channel", doc.get("channel"), enum_label("channel", doc.get("channel")))
        cat = doc.get("category")
        self._count("category", cat, cfg.category_label(cat))
        town = (doc.get("place") or {}).get("town")
        self._count("town", town, cfg.network.node_name(town) or town or "")
        risk = (doc.get("risk") or {}).get("level")
        self._count("risk", risk, enum_label("risk", risk))
        dept = rec.department
        self._count("department", dept, cfg.department_label(dept))
        if rec.resolved_on_spot:
            disposal = "resolved"
            self.resolved_on_spot += 1
        elif dept:
            disposal = "routed"
            self.routed += 1
        else:
            disposal = "other"
        self._count("disposal", disposal, DISPOSAL_LABELS[disposal])
        if is_group_visit(rec, cfg):
            self.group_visits += 1
        if rec.repeat_visit:
            self.repeat_visits += 1
        if risk in ("red", "orange"):
            apps = doc.get("applicants") or [{}]
            a = apps[0]
            routing = rec.routing or {}
            self._alert(
                risk,
                {
                    "case_no": rec.case_no,
                    "received_at": rec.received_utc.astimezone(self.tz).strftime("%m-%d %H:%M"),
                    "window": enum_label("window", doc.get("window")),
                    "category": cfg.category_label(cat) if cat else "",
                    "risk": risk,
                    "flags": "、".join(enum_label("flag", f) for f in (doc.get("risk") or {}).get("flags") or []),
                    "name": [["name", a.get("name") or ""]] + ([f" 等{len(apps)}人"] if len(apps) > 1 else []),
                    "phone": [["phone", a["phone"]]] if a.get("phone") else None,
                    "department": (
                        (routing.get("department_name") or cfg.department_label(dept))
                        if dept
                        else "不转办（当场化解/答复）"
                    ),
                    "status": enum_label("status", rec.status),
                },
            )

    def merge(self, s: Summary) -> None:
        """Add a closed day's stored figures."""
        self.total += s.total
        self.person_visits += s.person_visits
        self.resolved_on_spot += s.resolved_on_spot
        self.routed += s.routed
        self.group_visits += s.group_visits
        self.repeat_visits += s.repeat_visits
        self._case_no(s.first_case_no)
        self._case_no(s.last_case_no)
        for b in s.breakdowns:
            for r in b.rows:
                self.counts[b.key][r.code] = self.counts[b.key].get(r.code, 0) + r.count
                self.labels[b.key].setdefault(r.code, r.label)
        stored = 0
        for a in s.alerts:
            stored += 1
            self._alert(a["risk"], a)
        self.alerts_total += s.alerts_total - stored  # those the closed day itself could not list

    def _ordered(self, key: str) -> tuple[BreakdownRow, ...]:
        counts, labels = self.counts[key], self.labels[key]
        if key in FIXED_ORDER:
            order = list(FIXED_ORDER[key])
            order += sorted(c for c in counts if c not in order)
            rows = []
            for code in order:
                n = counts.get(code, 0)
                if n == 0 and (code in ("", "other") or code not in FIXED_ORDER[key]):
                    continue
                label = labels.get(code) or (
                    DISPOSAL_LABELS.get(code, code) if key == "disposal" else enum_label(key, code) or code
                )
                rows.append(BreakdownRow(code, label, n))
            return tuple(rows)
        codes = sorted((c for c in counts if c), key=lambda c: (-counts[c], c))
        if "" in counts:
            codes.append("")
        return tuple(BreakdownRow(c, labels.get(c) or c, counts[c]) for c in codes)

    def build(
        self,
        *,
        start: date,
        end: date,
        workstation: str,
        overdue: int,
        due_soon: int,
        as_of: date,
        closed: bool = False,
        closed_at: datetime | None = None,
        closed_by: str | None = None,
    ) -> Summary:
        alerts = self.red_alerts + self.orange_alerts
        s = Summary(
            start=start,
            end=end,
            workstation=workstation,
            total=self.total,
            person_visits=self.person_visits,
            resolved_on_spot=self.resolved_on_spot,
            routed=self.routed,
            group_visits=self.group_visits,
            repeat_visits=self.repeat_visits,
            overdue=overdue,
            due_soon=due_soon,
            as_of=as_of,
            breakdowns=tuple(Breakdown(k, title, self._ordered(k)) for k, title in BREAKDOWNS),
            alerts=tuple(alerts[:ALERT_LIMIT]),
            alerts_total=self.alerts_total,
            first_case_no=self.first,
            last_case_no=self.last,
            closed=closed,
            closed_at=closed_at,
            closed_by=closed_by,
        )
        s.check()
        return s


def deadline_figures(ctx: Context, workstation: str, as_of: date) -> tuple[int, int]:
    """(overdue, due soon) on ``as_of``: the workstation's cases received by then and still being
    handled (not resolved at the counter, not closed) with an open deadline past due / due within
    :data:`DUE_SOON_DAYS` days. Counted in SQL, one case once however many deadlines it has."""
    base = (
        select(func.count(distinct(CaseDeadline.case_id)))
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(
            Case.workstation == workstation,
            Case.received_date <= as_of,
            Case.status.not_in(("resolved", "closed")),
            CaseDeadline.status == "open",
        )
    )
    with ctx.db.read() as session:
        overdue = session.execute(base.where(CaseDeadline.due < as_of)).scalar_one()
        soon = session.execute(
            base.where(CaseDeadline.due >= as_of, CaseDeadline.due <= as_of + timedelta(days=DUE_SOON_DAYS))
        ).scalar_one()
    return int(overdue), int(soon)
