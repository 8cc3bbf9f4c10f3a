"""The register (登记簿): one row per case, every field a clerk records, flattened for a spreadsheet.

:data:`COLUMNS` lists the columns (key, Chinese header, width, kind); :func:`case_row` turns one
:class:`CaseRecord` into its cells, with personal data tagged (see :mod:`reception.export.masking`).
Several people in one column (applicants, representatives, counter-parties) are joined with ``；`` in
the same order in every column of that group, ``—`` standing for a value one of them lacks.

:func:`iter_records` reads cases in the order given, a bounded batch per short read session, with
their deadlines, transfers and whether an applicant has been here before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from reception.config import HallConfig
from reception.context import Context
from reception.export.masking import Cell
from reception.idcard import ID_TYPES
from reception.labels import enum_label
from reception.storage.models import Case, CaseDeadline, Party, Transfer

BATCH = 500

#: enumerations the case format documents but ``reception.labels`` has no label for yet
EXTRA_LABELS: dict[str, dict[str, str]] = {
    "population_group": {
        "elderly": "老年人",
        "minor": "未成年人",
        "disabled": "残疾人",
        "migrant_worker": "农民工",
        "veteran": "退役军人",
        "women": "妇女",
        "low_income": "低收入群体",
        "other": "其他",
    },
    "party_kind": {"person": "自然人", "organisation": "单位/组织"},
    "cross": {"none": "不跨区域", "cross_grid": "跨网格", "cross_community": "跨村社区", "cross_town": "跨镇街"},
    "prior_form": {
        "litigation": "诉讼",
        "arbitration": "仲裁",
        "review": "行政复议",
        "petition": "信访",
        "mediation": "调解",
        "supervision": "监督",
        "other": "其他",
    },
    "prior_stage": {"first": "办理", "review": "复查", "second_review": "复核"},
    "legal_position": {
        "plaintiff": "原告",
        "defendant": "被告",
        "third_party": "第三人",
        "applicant": "申请人",
        "respondent": "被申请人",
        "suspect": "犯罪嫌疑人/被告人",
        "victim": "被害人",
        "other": "其他",
    },
    "aid_form": {
        "consultation": "法律咨询",
        "drafting": "代拟法律文书",
        "representation_civil": "民事代理",
        "representation_admin": "行政代理",
        "defence": "刑事辩护",
        "victim_agent": "被害人代理",
        "mediation": "调解代理",
        "arbitration": "仲裁代理",
        "other": "其他",
    },
    "agent_type": {"legal": "法定代理人", "entrusted": "委托代理人", "relative": "近亲属", "representative": "代表人"},
    "transfer_status": {
        "requested": "已转办",
        "received": "已送达",
        "accepted": "已签收",
        "rejected": "已退回",
        "in_progress": "办理中",
        "completed": "已办结",
        "on_hold": "暂停",
        "failed": "发送失败",
        "cancelled": "已撤回",
    },
    "deadline_status": {"open": "", "closed": "已办结", "met": "按期办结", "late": "逾期办结"},
}


def extra_label(kind: str, code: str | None) -> str:
    if code is None:
        return ""
    return EXTRA_LABELS.get(kind, {}).get(code, code)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    kind: str = "text"  # text | long | int | money | date


COLUMNS: tuple[Column, ...] = (
    Column("case_no", "案件编号", 27),
    Column("received_at", "受理时间", 19, "date"),
    Column("created_at", "登记时间", 19, "date"),
    Column("window", "受理窗口", 14),
    Column("channel", "来源渠道", 9),
    Column("clerk", "受理人", 8),
    Column("status", "状态", 9),
    Column("applicant_count", "申请人数", 6, "int"),
    Column("a_name", "申请人姓名", 12),
    Column("a_sex", "性别", 5),
    Column("a_birth", "出生日期", 11, "date"),
    Column("a_ethnicity", "民族", 7),
    Column("a_id_type", "证件类型", 11),
    Column("a_id_number", "证件号码", 20),
    Column("a_phone", "联系电话", 14),
    Column("a_residence", "户籍地", 22),
    Column("a_address", "现住址", 28),
    Column("a_address_place", "住址所属网格", 22),
    Column("a_occupation", "职业", 9),
    Column("a_employer", "工作单位", 20),
    Column("a_groups", "人群类别", 10),
    Column("a_education", "文化程度", 8),
    Column("a_health", "健康状况", 8),
    Column("agent", "代理人", 28),
    Column("agent_id", "代理人证件号码", 24),
    Column("agent_phone", "代理人电话", 14),
    Column("group_headcount", "集体访人数", 7, "int"),
    Column("group_reps", "集体访代表", 40),
    Column("group_participants", "参与人员", 40),
    Column("cp_names", "被申请人/对方当事人", 30),
    Column("cp_ids", "对方证件号码/统一社会信用代码", 24),
    Column("cp_legal_rep", "对方法定代表人", 10),
    Column("cp_phone", "对方联系电话", 14),
    Column("cp_address", "对方地址", 28),
    Column("category", "事项类别", 11),
    Column("subcategory", "事项子类", 13),
    Column("town", "镇/街道", 11),
    Column("community", "村/社区", 13),
    Column("grid", "网格", 16),
    Column("cross", "跨区域", 9),
    Column("place_detail", "详细地点", 20),
    Column("occurred_on", "发生日期", 11, "date"),
    Column("facts", "事实与理由", 60, "long"),
    Column("requests", "诉求", 40, "long"),
    Column("amount", "涉及金额（元）", 13, "money"),
    Column("people_affected", "涉及人数", 7, "int"),
    Column("purpose", "信访目的", 8),
    Column("limitation_ends_on", "时效届满日", 11, "date"),
    Column("prior_handling", "既往处理情况", 40, "long"),
    Column("la_position", "诉讼地位", 9),
    Column("la_form", "援助形式", 11),
    Column("la_stage", "案件阶段", 9),
    Column("la_previous", "既往申请次数", 7, "int"),
    Column("la_household_size", "家庭人口", 7, "int"),
    Column("la_income", "家庭月收入（元）", 11, "money"),
    Column("la_property", "家庭财产", 20),
    Column("la_exempt", "免予核查理由", 24),
    Column("materials", "收到材料", 36),
    Column("risk_level", "风险等级", 7),
    Column("risk_flags", "风险标记", 16),
    Column("risk_note", "风险备注", 20),
    Column("resolved_on_spot", "当场化解/答复", 8),
    Column("answer", "答复内容", 30, "long"),
    Column("mediation_consent", "调解意愿", 10),
    Column("privacy_consent", "个人信息告知同意", 8),
    Column("leader_override", "值班领导批准理由", 20),
    Column("disposal_notes", "处置备注", 20),
    Column("department", "承办部门", 22),
    Column("level", "分流层级", 9),
    Column("node", "承办节点", 20),
    Column("assist", "协办部门", 24),
    Column("rule", "分流规则", 26),
    Column("basis", "分流依据", 30),
    Column("override", "改派", 24),
    Column("deadlines", "法定期限", 44, "long"),
    Column("next_due", "最近到期日", 11, "date"),
    Column("transfers", "转办情况", 30),
    Column("department_numbers", "部门案号", 28),
    Column("group_visit", "集体访", 6),
    Column("repeat_visit", "重复访", 6),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)
#: the first column of every export: the row's number in the file
SEQ_HEADER = "序号"


@dataclass(frozen=True)
class CaseRecord:
    """One case as the export reads it (never a live ORM object)."""

    id: int
    case_no: str
    status: str
    received_utc: datetime
    received_date: date
    created_at: datetime
    department: str | None
    headcount: int
    resolved_on_spot: bool
    document: dict
    routing: dict | None
    deadlines: tuple[dict, ...]
    transfers: tuple[dict, ...]
    #: an applicant or representative (by ID number) has an earlier case
    earlier_visit: bool

    @property
    def repeat_visit(self) -> bool:
        return self.earlier_visit or "repeat_visit" in (self.document.get("risk") or {}).get("flags", [])


def case_no_key(case_no: str | None) -> tuple[int, int, str]:
    """Sort key of a case number: (year, serial) numerically, so serial 1000000 sorts after 999999."""
    if not case_no:
        return (0, 0, "")
    parts = case_no.rsplit("-", 2)
    try:
        return (int(parts[-2]), int(parts[-1]), case_no)
    except (ValueError, IndexError):
        return (0, 0, case_no)


# -- reading ------------------------------------------------------------------------------------

_CASE_COLUMNS = (
    Case.id,
    Case.case_no,
    Case.status,
    Case.received_utc,
    Case.received_date,
    Case.created_at,
    Case.department,
    Case.headcount,
    Case.resolved_on_spot,
    Case.document,
    Case.routing,
)
_VISITORS = ("applicant", "representative")


def case_ids(
    ctx: Context, workstation: str, start: date, end: date, *, skip_days: Iterable[date] = ()
) -> list[tuple[int, date]]:
    """``(id, received date)`` of the workstation's cases received from ``start`` to ``end``, in register
    order: by received date, then case number. A few bytes per case, so even a year fits easily."""
    skip = sorted(set(skip_days))
    stmt = select(Case.id, Case.received_date).where(
        Case.workstation == workstation, Case.received_date >= start, Case.received_date <= end
    )
    if skip:
        stmt = stmt.where(Case.received_date.not_in(skip))
    stmt = stmt.order_by(Case.received_date, Case.year, Case.serial, Case.id)
    with ctx.db.read() as session:
        return [(r[0], r[1]) for r in session.execute(stmt)]


def iter_records(ctx: Context, ids: Sequence[int], *, batch: int | None = None) -> Iterator[list[CaseRecord]]:
    """The cases of ``ids`` in that order, ``batch`` (default :data:`BATCH`) at a time, each batch read
    in its own short session."""
    batch = batch or BATCH
    earlier = aliased(Party)
    for i in range(0, len(ids), batch):
        chunk = list(ids[i : i + batch])
        with ctx.db.read() as session:
            rows = {r[0]: r for r in session.execute(select(*_CASE_COLUMNS).where(Case.id.in_(chunk)))}
            deadlines: dict[int, list[dict]] = {}
            for d in session.execute(
                select(
                    CaseDeadline.case_id,
                    CaseDeadline.kind,
                    CaseDeadline.label_zh,
                    CaseDeadline.due,
                    CaseDeadline.rolled_from,
                    CaseDeadline.calendar_missing,
                    CaseDeadline.status,
                )
                .where(CaseDeadline.case_id.in_(chunk))
                .order_by(CaseDeadline.case_id, CaseDeadline.id)
            ):
                deadlines.setdefault(d[0], []).append(
                    {
                        "kind": d[1],
                        "label": d[2],
                        "due": d[3],
                        "rolled_from": d[4],
                        "calendar_missing": d[5],
                        "status": d[6],
                    }
                )
            transfers: dict[int, list[dict]] = {}
            for t in session.execute(
                select(
                    Transfer.case_id, Transfer.department, Transfer.role, Transfer.status, Transfer.department_case_no
                )
                .where(Transfer.case_id.in_(chunk))
                .order_by(Transfer.case_id, Transfer.created_at, Transfer.role.desc(), Transfer.department)
            ):
                transfers.setdefault(t[0], []).append(
                    {"department": t[1], "role": t[2], "status": t[3], "department_case_no": t[4]}
                )
            p = aliased(Party)
            repeat = set(
                session.scalars(
                    select(p.case_id)
                    .distinct()
                    .where(
                        p.case_id.in_(chunk),
                        p.role.in_(_VISITORS),
                        p.id_number.is_not(None),
                        exists().where(
                            and_(
                                earlier.id_number == p.id_number,
                                earlier.role.in_(_VISITORS),
                                earlier.case_id < p.case_id,
                            )
                        ),
                    )
                )
            )
        out = []
        for cid in chunk:
            r = rows.get(cid)
            if r is None:  # deleted meanwhile
                continue
            out.append(
                CaseRecord(
                    id=r[0],
                    case_no=r[1],
                    status=r[2],
                    received_utc=r[3],
                    received_date=r[4],
                    created_at=r[5],
                    department=r[6],
                    headcount=r[7] or 1,
                    resolved_on_spot=bool(r[8]),
                    document=r[9],
                    routing=r[10],
                    deadlines=tuple(deadlines.get(cid, ())),
                    transfers=tuple(transfers.get(cid, ())),
                    earlier_visit=cid in repeat,
                )
            )
        yield out


# -- flattening ---------------------------------------------------------------------------------

SEP = "；"
MISSING = "—"
YES, NO = "是", "否"


def _yes_no(v: bool | None) -> str | None:
    if v is None:
        return None
    return YES if v else NO


def _join_people(values: list[list | str | None]) -> Cell:
    """One value per person joined with ``；`` (``—`` for a missing one); ``None`` if nobody has one."""
    if not any(v for v in values):
        return None
    if len(values) == 1:
        return values[0]
    parts: list = []
    for i, v in enumerate(values):
        if i:
            parts.append(SEP)
        if not v:
            parts.append(MISSING)
        elif isinstance(v, list):
            parts.extend(v)
        else:
            parts.append(v)
    return parts


def _tag(kind: str, value) -> list | None:
    return [[kind, value]] if value not in (None, "") else None


def _time_text(t: datetime | None, tz: ZoneInfo) -> str | None:
    if t is None:
        return None
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _id_type(code: str | None) -> str:
    if not code:
        return ""
    return ID_TYPES.get(code, (code, code))[0]


def _place_names(cfg: HallConfig, place: dict | None) -> str | None:
    place = place or {}
    names = [cfg.network.node_name(place.get(k)) or place.get(k) for k in ("town", "community", "grid")]
    text = " ".join(n for n in names if n)
    return text or None


def _person_ref(p: dict) -> list:
    """``张三（居民身份证 110105********1239，138****5678）``: name with tagged ID and phone."""
    parts: list = [p.get("name") or ""]
    inner: list = []
    if p.get("id_number"):
        label = _id_type(p.get("id_type") or "resident_id")
        inner += [f"{label} ", ["id", p["id_number"]]]
    if p.get("phone"):
        if inner:
            inner.append("，")
        inner.append(["phone", p["phone"]])
    if inner:
        parts += ["（", *inner, "）"]
    return parts


def _deadline_text(d: dict) -> str:
    due = d["due"].isoformat() if isinstance(d["due"], date) else str(d["due"])
    text = f"{d['label']} {due}"
    if d.get("rolled_from"):
        rf = d["rolled_from"]
        text += f"（节假日顺延，原 {rf.isoformat() if isinstance(rf, date) else rf}）"
    if d.get("calendar_missing"):
        text += "（节假日安排未载入）"
    status = extra_label("deadline_status", d.get("status") or "open")
    if status:
        text += f"〔{status}〕"
    return text


def case_row(rec: CaseRecord, cfg: HallConfig, tz: ZoneInfo) -> list[Cell]:
    """The register row of one case, in :data:`COLUMNS` order."""
    doc = rec.document
    row: dict[str, Cell] = {
        "case_no": rec.case_no,
        "received_at": _time_text(rec.received_utc, tz),
        "created_at": _time_text(rec.created_at, tz),
        "window": enum_label("window", doc.get("window")),
        "channel": enum_label("channel", doc.get("channel")),
        "clerk": doc.get("clerk"),
        "status": enum_label("status", rec.status),
    }
    apps = doc.get("applicants") or []
    row["applicant_count"] = len(apps)
    row["a_name"] = _join_people([a.get("name") for a in apps])
    row["a_sex"] = _join_people([enum_label("sex", a.get("sex")) for a in apps])
    row["a_birth"] = _join_people([a.get("birth_date") for a in apps])
    row["a_ethnicity"] = _join_people([a.get("ethnicity") for a in apps])
    row["a_id_type"] = _join_people([_id_type(a.get("id_type")) for a in apps])
    row["a_id_number"] = _join_people([_tag("id", a.get("id_number")) for a in apps])
    row["a_phone"] = _join_people([_tag("phone", a.get("phone")) for a in apps])
    row["a_residence"] = _join_people([_tag("addr", a.get("residence")) for a in apps])
    row["a_address"] = _join_people([_tag("addr", a.get("address")) for a in apps])
    row["a_address_place"] = _join_people([_place_names(cfg, a.get("address_place")) for a in apps])
    row["a_occupation"] = _join_people([a.get("occupation") for a in apps])
    row["a_employer"] = _join_people([a.get("employer") for a in apps])
    row["a_groups"] = _join_people(
        ["、".join(extra_label("population_group", g) for g in a.get("population_groups") or []) for a in apps]
    )
    row["a_education"] = _join_people([a.get("education") for a in apps])
    row["a_health"] = _join_people([_tag("sens", a.get("health")) for a in apps])

    agent = doc.get("agent") or None
    if agent:
        bits = [extra_label("agent_type", agent.get("type")), agent.get("name") or ""]
        extra = []
        if agent.get("relationship"):
            extra.append(f"与当事人关系：{agent['relationship']}")
        if agent.get("organisation"):
            extra.append(f"所在单位：{agent['organisation']}")
        if agent.get("power_of_attorney") is not None:
            extra.append(f"授权委托书：{'已收' if agent['power_of_attorney'] else '未收'}")
        text = " ".join(b for b in bits if b)
        row["agent"] = text + (f"（{'，'.join(extra)}）" if extra else "")
        row["agent_id"] = (
            [f"{_id_type(agent.get('id_type') or 'resident_id')} ", ["id", agent["id_number"]]]
            if agent.get("id_number")
            else None
        )
        row["agent_phone"] = _tag("phone", agent.get("phone"))
    else:
        row["agent"] = row["agent_id"] = row["agent_phone"] = None

    group = doc.get("group") or None
    if group:
        row["group_headcount"] = group.get("headcount")
        reps = group.get("representatives") or []
        row["group_reps"] = _join_people([_person_ref(r) for r in reps])
        parts_ = group.get("participants") or []
        if parts_:
            joined = _join_people([_person_ref(p) for p in parts_])
            row["group_participants"] = [f"共 {len(parts_)} 人：", *(joined if isinstance(joined, list) else [joined])]
        else:
            row["group_participants"] = None
    else:
        row["group_headcount"] = row["group_reps"] = row["group_participants"] = None

    cps = doc.get("counterparties") or []
    names = []
    for c in cps:
        bits = [extra_label("party_kind", c.get("kind"))]
        if c.get("sex"):
            bits.append(enum_label("sex", c["sex"]))
        names.append(f"{c.get('name') or ''}（{'，'.join(b for b in bits if b)}）")
    row["cp_names"] = _join_people(names)
    ids = []
    for c in cps:
        if c.get("id_number"):
            ids.append([f"{_id_type(c.get('id_type') or 'resident_id')} ", ["id", c["id_number"]]])
        elif c.get("uscc"):
            ids.append(f"统一社会信用代码 {c['uscc']}")
        else:
            ids.append(None)
    row["cp_ids"] = _join_people(ids)
    row["cp_legal_rep"] = _join_people([c.get("legal_representative") for c in cps])
    row["cp_phone"] = _join_people([_tag("phone", c.get("phone")) for c in cps])
    row["cp_address"] = _join_people([_tag("addr", c.get("address")) for c in cps])

    cat, sub = doc.get("category"), doc.get("subcategory")
    row["category"] = cfg.category_label(cat) if cat else None
    row["subcategory"] = cfg.subcategory_label(cat, sub) if sub else None
    place = doc.get("place") or {}
    for key in ("town", "community", "grid"):
        code = place.get(key)
        row[key] = (cfg.network.node_name(code) or code) if code else None
    row["cross"] = extra_label("cross", place.get("cross")) or None
    row["place_detail"] = place.get("detail")
    row["occurred_on"] = doc.get("occurred_on")
    row["facts"] = doc.get("facts")
    reqs = doc.get("requests") or []
    row["requests"] = "\n".join(f"{i + 1}. {r}" for i, r in enumerate(reqs)) if len(reqs) > 1 else (reqs or [None])[0]
    amount = doc.get("amount")
    row["amount"] = float(amount) if amount is not None else None
    row["people_affected"] = doc.get("people_affected")
    row["purpose"] = enum_label("purpose", doc.get("purpose")) or None
    row["limitation_ends_on"] = doc.get("limitation_ends_on")
    prior = []
    for ph in doc.get("prior_handling") or []:
        bits = [ph.get("date") or "", ph.get("body") or "", extra_label("prior_form", ph.get("form"))]
        if ph.get("stage"):
            bits.append(extra_label("prior_stage", ph["stage"]))
        if ph.get("document_no"):
            bits.append(ph["document_no"])
        text = " ".join(b for b in bits if b)
        if ph.get("result"):
            text += f"：{ph['result']}"
        if ph.get("final") is not None:
            text += "（已终结）" if ph["final"] else "（未终结）"
        prior.append(text)
    row["prior_handling"] = "\n".join(prior) or None

    la = doc.get("legal_aid") or {}
    row["la_position"] = extra_label("legal_position", la.get("legal_position")) or None
    row["la_form"] = extra_label("aid_form", la.get("aid_form")) or None
    row["la_stage"] = la.get("case_stage")
    row["la_previous"] = la.get("previous_applications")
    row["la_household_size"] = la.get("household_size")
    income = la.get("household_income")
    row["la_income"] = _tag("sens", float(income)) if income is not None else None
    row["la_property"] = _tag("sens", la.get("property"))
    row["la_exempt"] = la.get("hardship_exempt")

    mats = []
    for m in doc.get("materials") or []:
        bits = []
        if m.get("original") is not None:
            bits.append("原件" if m["original"] else "复印件")
        if m.get("pages") is not None:
            bits.append(f"{m['pages']}页")
        if m.get("copies") is not None:
            bits.append(f"{m['copies']}份")
        if m.get("returned"):
            bits.append("已退还")
        mats.append(m.get("name", "") + (f"（{'，'.join(bits)}）" if bits else ""))
    row["materials"] = SEP.join(mats) or None

    risk = doc.get("risk") or {}
    row["risk_level"] = enum_label("risk", risk.get("level")) or None
    row["risk_flags"] = "、".join(enum_label("flag", f) for f in risk.get("flags") or []) or None
    row["risk_note"] = risk.get("note")

    disp = doc.get("disposal") or {}
    row["resolved_on_spot"] = YES if rec.resolved_on_spot else NO
    row["answer"] = disp.get("answer")
    row["mediation_consent"] = enum_label("consent", disp.get("mediation_consent")) or None
    row["privacy_consent"] = _yes_no(disp.get("privacy_consent"))
    row["leader_override"] = disp.get("leader_override")
    row["disposal_notes"] = disp.get("notes")

    routing = rec.routing or {}
    if rec.department:
        row["department"] = routing.get("department_name") or cfg.department_label(rec.department)
    elif rec.resolved_on_spot:
        row["department"] = "不转办（当场化解/答复）"
    else:
        row["department"] = None
    row["level"] = enum_label("level", routing.get("level")) or None
    row["node"] = routing.get("node_name") or routing.get("node")
    row["assist"] = "、".join(cfg.department_label(d) for d in routing.get("also") or []) or None
    if routing.get("rule"):
        row["rule"] = f"{routing.get('rule_name') or routing['rule']}（{routing['rule']}）"
    else:
        row["rule"] = None
    row["basis"] = routing.get("basis")
    if routing.get("overridden"):
        suggested = (routing.get("suggested") or {}).get("department_name")
        text = f"是：{routing.get('override_reason') or ''}"
        if suggested:
            text += f"（原分流建议：{suggested}）"
        row["override"] = text
    else:
        row["override"] = None
    row["deadlines"] = "\n".join(_deadline_text(d) for d in rec.deadlines) or None
    open_due = [d["due"] for d in rec.deadlines if (d.get("status") or "open") == "open"]
    row["next_due"] = min(open_due).isoformat() if open_due else None
    row["transfers"] = (
        SEP.join(
            f"{cfg.department_label(t['department'])}（{'主办' if t['role'] == 'lead' else '协办'}，"
            f"{extra_label('transfer_status', t['status'])}）"
            for t in rec.transfers
        )
        or None
    )
    numbers: dict[str, str] = dict(doc.get("department_numbers") or {})
    for t in rec.transfers:
        if t.get("department_case_no") and t["department"] not in numbers:
            numbers[t["department"]] = t["department_case_no"]
    row["department_numbers"] = SEP.join(f"{cfg.department_label(k)}：{v}" for k, v in numbers.items()) or None
    row["group_visit"] = YES if is_group_visit(rec, cfg) else NO
    row["repeat_visit"] = YES if rec.repeat_visit else NO
    return [row[k] for k in KEYS]


def is_group_visit(rec: CaseRecord, cfg: HallConfig) -> bool:
    """A group visit (集体访): as many people as the hall's threshold came, or the case is flagged 群体性."""
    flags = (rec.document.get("risk") or {}).get("flags") or []
    return rec.headcount >= cfg.intake.group_visit_threshold or "group" in flags
