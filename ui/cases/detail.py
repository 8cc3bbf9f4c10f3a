"""Case detail (案件详情): all of a case's data, its timeline and transfers, and what the clerk does next.

``CaseDetailDialog(desk, case_no)`` is non-modal. It loads the case in the background
(``reception.disclosure.case_view`` + ``reception.tracking.case_tracking``) and shows:

- a header: the case number (selectable, with a copy button), status, window, risk, the next open
  deadline (overdue in red), or how the case was closed;
- tabs 案件信息 (every field the clerk recorded; ID numbers and phones masked and sensitive data hidden by
  role, until 显示完整号码 — a reason, the role's permission, an audit record: ``reception.disclosure``),
  时间线 (events and receipt prints, oldest first), 转办 (departments, role, status, their case numbers;
  on a dead letter — a transfer the dispatcher gave up on — 重新推送 and 改派, through ``ui.reroute``),
  推送记录 (every push attempt of the case's transfers, newest first: ``reception.dispatch.history``);
- actions: 重打回执 (the receipt preview, recorded as 补打 when printed), 添加备注, 录入部门答复, 办结.
  Each action is a small window-modal dialog; the core checks the input and a problem is shown next to
  its field with nothing written. After each action the case reloads and ``desk.case_changed`` fires.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.errors import ReceptionError, ValidationFailed
from reception.idcard import ID_TYPES
from reception.labels import ENUMS, enum_label, field_label
from ui.field_dialog import FieldDialog
from ui.hooks import require_hooks

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "…")


#: colours of the timeline by event kind (Fluent palette: calm, readable on white)
KIND_COLOURS: dict[str, str] = {
    "received": "#0063b1",
    "resolved": "#107c10",
    "routed": "#00788a",
    "pushed": "#5c2d91",
    "acknowledged": "#107c10",
    "returned": "#d83b01",
    "progress": "#0078d4",
    "concluded": "#498205",
    "closed": "#0b6a0b",
    "note": "#605e5c",
    "receipt_print": "#8764b8",
    "receipt_reprint": "#8764b8",
}
RISK_COLOURS: dict[str, str] = {"red": "#d13438", "orange": "#ca5010", "yellow": "#986f0b", "blue": "#0078d4"}
OVERDUE = "#a4262c"


# -- work done off the GUI thread -------------------------------------------------------------------------


def load_case(ctx, case_no: str) -> tuple[dict, Any]:
    """The case document and where it stands (status, version, transfers, timeline)."""
    from reception.queries import case_document
    from reception.tracking import case_tracking

    doc = case_document(ctx, case_no)
    return doc, case_tracking(ctx, doc["case_no"])


def load_case_view(ctx, case_no: str, user=None) -> tuple[dict, Any, list]:
    """What the dialog shows: the case document as ``user`` sees it by default (numbers masked, sensitive
    data by role: ``reception.disclosure``), where it stands, and its push attempts (newest first)."""
    from reception.disclosure import case_view
    from reception.dispatch.history import case_attempts
    from reception.tracking import case_tracking

    doc = case_view(ctx, case_no, user)
    return doc, case_tracking(ctx, doc["case_no"]), case_attempts(ctx, doc["case_no"])


def tracking_call(name: str, ctx, case_no: str, **kwargs: Any):
    """Call ``reception.tracking.<name>(ctx, case_no, **kwargs)`` (in a worker)."""
    from reception import tracking

    return getattr(tracking, name)(ctx, case_no, **kwargs)


# -- the case as readable HTML ----------------------------------------------------------------------------


def _esc(value: Any) -> str:
    return html.escape(str(value)).replace("\n", "<br>")


class _Html:
    def __init__(self) -> None:
        self.parts: list[str] = [
            "<style>"
            "h3 { margin: 14px 0 4px 0; color: #323130; }"
            "td.k { color: #605e5c; padding: 2px 12px 2px 0; white-space: nowrap; vertical-align: top; }"
            "td.v { padding: 2px 0; }"
            "</style>"
        ]
        self._open = False

    def section(self, title: str) -> None:
        self._close()
        self.parts.append(f"<h3>{_esc(title)}</h3><table cellspacing='0'>")
        self._open = True

    def row(self, label: str, value: Any) -> None:
        if value is None or value == "" or value == [] or value == {}:
            return
        self.parts.append(f"<tr><td class='k'>{_esc(label)}</td><td class='v'>{_esc(value)}</td></tr>")

    def _close(self) -> None:
        if self._open:
            self.parts.append("</table>")
            self._open = False

    def text(self) -> str:
        self._close()
        return "".join(self.parts)


def case_html(doc: dict, info: Any, config, lang: str = "zh") -> str:
    """Every field of the case, labelled in ``lang`` (field and enum labels from ``reception.labels``)."""
    tz = ZoneInfo(config.centre.timezone)
    zh = not lang.startswith("en")
    sep = "、" if zh else ", "
    h = _Html()

    def fl(path: str) -> str:
        return field_label(path, lang)

    def en(kind: str, value: str | None) -> str:
        return enum_label(kind, value, lang)

    def yes_no(v: bool | None) -> str | None:
        if v is None:
            return None
        return translate("CaseDetailDialog", "是") if v else translate("CaseDetailDialog", "否")

    def when(text: str | None) -> str | None:
        if not text:
            return None
        return datetime.fromisoformat(text).astimezone(tz).strftime("%Y-%m-%d %H:%M")

    def place(p: dict | None) -> str | None:
        p = p or {}
        names = [config.network.node_name(p.get(k)) or p.get(k) for k in ("town", "community", "grid") if p.get(k)]
        return " ".join(names) or None

    def id_type(code: str | None) -> str | None:
        if not code:
            return None
        pair = ID_TYPES.get(code)
        return (pair[0] if zh else pair[1]) if pair else code

    def person(p: dict) -> None:
        h.row(fl("name"), p.get("name"))
        h.row(fl("sex"), en("sex", p.get("sex")))
        h.row(fl("ethnicity"), p.get("ethnicity"))
        h.row(fl("birth_date"), p.get("birth_date"))
        h.row(fl("id_type"), id_type(p.get("id_type")))
        h.row(fl("id_number"), p.get("id_number"))
        h.row(fl("phone"), p.get("phone"))
        h.row(fl("residence"), p.get("residence"))
        h.row(fl("address"), p.get("address"))
        h.row(fl("address_place"), place(p.get("address_place")))
        h.row(fl("occupation"), p.get("occupation"))
        h.row(fl("employer"), p.get("employer"))
        h.row(fl("population_groups"), sep.join(en("population_group", g) for g in p.get("population_groups") or []))
        h.row(fl("education"), p.get("education"))
        h.row(fl("health"), p.get("health"))

    # receipt
    h.section(translate("CaseDetailDialog", "受理信息"))
    h.row(translate("CaseDetailDialog", "案件编号"), doc.get("case_no"))
    h.row(translate("CaseDetailDialog", "状态"), en("status", doc.get("status")))
    h.row(fl("window"), en("window", doc.get("window")))
    h.row(fl("channel"), en("channel", doc.get("channel")))
    h.row(fl("received_at"), when(doc.get("received_at")))
    h.row(fl("clerk"), doc.get("clerk"))
    h.row(translate("CaseDetailDialog", "工作站"), doc.get("workstation"))
    h.row(translate("CaseDetailDialog", "登记时间"), when(doc.get("created_at")))

    applicants = doc.get("applicants") or []
    for i, a in enumerate(applicants, 1):
        h.section(fl("applicants") + (f" {i}" if len(applicants) > 1 else ""))
        person(a)

    agent = doc.get("agent")
    if agent:
        h.section(fl("agent"))
        h.row(fl("type"), en("agent_type", agent.get("type")))
        h.row(fl("name"), agent.get("name"))
        h.row(fl("id_type"), id_type(agent.get("id_type")))
        h.row(fl("id_number"), agent.get("id_number"))
        h.row(fl("phone"), agent.get("phone"))
        h.row(fl("relationship"), agent.get("relationship"))
        h.row(fl("organisation"), agent.get("organisation"))
        h.row(fl("power_of_attorney"), yes_no(agent.get("power_of_attorney")))

    group = doc.get("group")
    if group:
        h.section(fl("group"))
        h.row(fl("headcount"), group.get("headcount"))
        for i, r in enumerate(group.get("representatives") or [], 1):
            bits = [r.get("name"), en("sex", r.get("sex")), r.get("id_number"), r.get("phone"), r.get("address")]
            h.row(f"{fl('representatives')} {i}", " ".join(b for b in bits if b))
        for i, r in enumerate(group.get("participants") or [], 1):
            bits = [r.get("name"), r.get("id_number"), r.get("phone")]
            h.row(f"{fl('participants')} {i}", " ".join(b for b in bits if b))

    counterparties = doc.get("counterparties") or []
    for i, c in enumerate(counterparties, 1):
        h.section(fl("counterparties") + (f" {i}" if len(counterparties) > 1 else ""))
        h.row(fl("kind"), en("counterparty_kind", c.get("kind")))
        h.row(fl("name"), c.get("name"))
        h.row(fl("sex"), en("sex", c.get("sex")))
        h.row(fl("id_type"), id_type(c.get("id_type")))
        h.row(fl("id_number"), c.get("id_number"))
        h.row(fl("uscc"), c.get("uscc"))
        h.row(fl("legal_representative"), c.get("legal_representative"))
        h.row(fl("phone"), c.get("phone"))
        h.row(fl("address"), c.get("address"))

    # the matter
    h.section(translate("CaseDetailDialog", "事项"))
    category = config.category_label(doc.get("category"), lang) if doc.get("category") else None
    h.row(fl("category"), category)
    if doc.get("subcategory"):
        h.row(fl("subcategory"), config.subcategory_label(doc.get("category"), doc["subcategory"], lang))
    p = doc.get("place") or {}
    h.row(fl("place"), place(p))
    if p.get("cross") and p.get("cross") != "none":
        h.row(fl("cross"), en("cross", p.get("cross")))
    h.row(fl("detail"), p.get("detail"))
    h.row(fl("occurred_on"), doc.get("occurred_on"))
    h.row(fl("facts"), doc.get("facts"))
    requests = doc.get("requests") or []
    if len(requests) > 1:
        h.row(fl("requests"), "\n".join(f"{i}. {r}" for i, r in enumerate(requests, 1)))
    elif requests:
        h.row(fl("requests"), requests[0])
    if doc.get("amount") is not None:
        h.row(fl("amount"), (f"{doc['amount']:,.2f} 元" if zh else f"CNY {doc['amount']:,.2f}"))
    h.row(fl("people_affected"), doc.get("people_affected"))
    h.row(fl("purpose"), en("purpose", doc.get("purpose")))
    h.row(fl("limitation_ends_on"), doc.get("limitation_ends_on"))

    prior = doc.get("prior_handling") or []
    for i, ph in enumerate(prior, 1):
        h.section(fl("prior_handling") + (f" {i}" if len(prior) > 1 else ""))
        h.row(fl("body"), ph.get("body"))
        h.row(fl("form"), en("prior_form", ph.get("form")))
        h.row(fl("stage"), en("prior_stage", ph.get("stage")))
        h.row(fl("document_no"), ph.get("document_no"))
        h.row(fl("result"), ph.get("result"))
        h.row(fl("date"), ph.get("date"))
        h.row(fl("final"), yes_no(ph.get("final")))

    aid = doc.get("legal_aid")
    if aid:
        h.section(fl("legal_aid"))
        h.row(fl("legal_position"), en("legal_position", aid.get("legal_position")))
        h.row(fl("aid_form"), en("aid_form", aid.get("aid_form")))
        h.row(fl("case_stage"), aid.get("case_stage"))
        h.row(fl("previous_applications"), aid.get("previous_applications"))
        h.row(fl("household_size"), aid.get("household_size"))
        h.row(fl("household_income"), aid.get("household_income"))
        h.row(fl("property"), aid.get("property"))
        h.row(fl("hardship_exempt"), aid.get("hardship_exempt"))

    materials = doc.get("materials") or []
    if materials:
        h.section(fl("materials"))
        for i, m in enumerate(materials, 1):
            bits = []
            if m.get("original") is not None:
                bits.append(
                    translate("CaseDetailDialog", "原件") if m["original"] else translate("CaseDetailDialog", "复印件")
                )
            if m.get("pages"):
                bits.append(translate("CaseDetailDialog", "{n} 页").format(n=m["pages"]))
            if m.get("copies"):
                bits.append(translate("CaseDetailDialog", "{n} 份").format(n=m["copies"]))
            if m.get("returned"):
                bits.append(translate("CaseDetailDialog", "已退还"))
            extra = ("，" if zh else ", ").join(bits)
            name = m.get("name") or ""
            h.row(str(i), translate("CaseDetailDialog", "{0}（{1}）").format(name, extra) if extra else m.get("name"))

    risk = doc.get("risk") or {}
    h.section(fl("risk"))
    h.row(fl("level"), en("risk", risk.get("level")))
    h.row(fl("flags"), sep.join(en("flag", f) for f in risk.get("flags") or []))
    h.row(fl("note"), risk.get("note"))

    disposal = doc.get("disposal") or {}
    h.section(fl("disposal"))
    h.row(fl("resolved_on_spot"), yes_no(disposal.get("resolved_on_spot")))
    h.row(fl("answer"), disposal.get("answer"))
    h.row(fl("mediation_consent"), en("consent", disposal.get("mediation_consent")))
    h.row(fl("privacy_consent"), yes_no(disposal.get("privacy_consent")))
    h.row(fl("leader_override"), disposal.get("leader_override"))
    h.row(fl("notes"), disposal.get("notes"))
    override = disposal.get("route_override") or {}
    if override:
        bits = [config.department_label(override.get("department"), lang), en("level", override.get("level"))]
        h.row(fl("route_override"), " ".join(b for b in bits if b))
        h.row(fl("reason"), override.get("reason"))

    routing = doc.get("routing")
    if routing:
        h.section(translate("CaseDetailDialog", "分流"))
        h.row(fl("department"), config.department_label(routing.get("department"), lang))
        h.row(fl("level"), en("level", routing.get("level")))
        h.row(translate("CaseDetailDialog", "承办站点"), routing.get("node_name"))
        h.row(
            translate("CaseDetailDialog", "协办部门"),
            sep.join(config.department_label(c, lang) for c in routing.get("also") or []),
        )
        rule = routing.get("rule")
        rule_text = (
            translate("CaseDetailDialog", "{0}（{1}）").format(routing.get("rule_name"), rule)
            if routing.get("rule_name") and rule
            else rule
        )
        h.row(translate("CaseDetailDialog", "分流规则"), rule_text)
        h.row(translate("CaseDetailDialog", "依据"), routing.get("basis"))
        if routing.get("overridden"):
            h.row(translate("CaseDetailDialog", "改派理由"), routing.get("override_reason"))
            suggested = routing.get("suggested") or {}
            h.row(
                translate("CaseDetailDialog", "规则建议"),
                config.department_label(suggested.get("department"), lang),
            )

    deadlines = info.deadlines if info is not None else doc.get("deadlines") or []
    if deadlines:
        h.section(translate("CaseDetailDialog", "法定期限"))
        for d in deadlines:
            label = d.get("label") if zh else d.get("label_en") or d.get("label")
            text = translate("CaseDetailDialog", "{start} 起，{due} 届满").format(
                start=d.get("start"), due=d.get("due")
            )
            text += translate("CaseDetailDialog", "（{0}）").format(en("deadline_status", d.get("status") or "open"))
            if d.get("rolled_from"):
                text += translate("CaseDetailDialog", "；节假日顺延，原 {date}").format(date=d["rolled_from"])
            if d.get("calendar_missing"):
                text += translate("CaseDetailDialog", "；节假日安排未载入，仅按周末推算")
            if d.get("basis"):
                text += "\n" + d["basis"]
            h.row(label, text)

    numbers: dict[str, str] = dict(doc.get("department_numbers") or {})
    transfers = info.transfers if info is not None else ()
    for t in transfers:
        if t.department_case_no:
            numbers.setdefault(t.department, t.department_case_no)
    if numbers:
        h.section(fl("department_numbers"))
        for code, number in numbers.items():
            h.row(config.department_label(code, lang), number)

    if info is not None and info.closed_at is not None:
        h.section(translate("CaseDetailDialog", "办结"))
        h.row(translate("CaseDetailDialog", "办结时间"), info.closed_at.strftime("%Y-%m-%d %H:%M"))
        h.row(fl("outcome"), en("outcome", info.outcome))
        h.row(fl("satisfaction"), en("satisfaction", info.satisfaction))
    return h.text()


def _dot(colour: str) -> QIcon:
    pix = QPixmap(12, 12)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(1, 1, 10, 10)
    p.end()
    return QIcon(pix)


# -- the action dialogs -----------------------------------------------------------------------------------


class _ActionDialog(FieldDialog):
    """One of the case's actions (note, answer, close): a checked form calling ``reception.tracking``."""

    succeeded = Signal(object)  # reception.tracking.Tracked

    call_name = ""

    def __init__(self, detail: CaseDetailDialog):
        super().__init__(detail.desk, detail, ok_text=self.tr("保存"))
        self.detail = detail
        self.case_no = detail.case_no

    def __init_subclass__(cls, **kwargs):  # each dialog defines values() -> dict
        super().__init_subclass__(**kwargs)
        require_hooks(cls, _ActionDialog, ("values",))

    def submit(self) -> None:
        if self.busy:
            return
        self.run_checked(
            tracking_call,
            self.call_name,
            self.desk.ctx,
            self.detail.case_no,
            user=self.desk.principal,
            **self.values(),
            name=f"case-{self.call_name}",
        )

    def succeeded_with(self, result: Any) -> None:
        self.succeeded.emit(result)

    def done_after(self, result: Any) -> None:
        # every page (the case list, the detail dialog itself) reloads through the desk's signal
        self.desk.case_changed.emit(self.case_no)

    def failed_with(self, exc: BaseException) -> None:
        from reception.tracking import CaseChanged

        if isinstance(exc, ValidationFailed):
            self.show_errors(exc.errors)
        elif isinstance(exc, CaseChanged):
            self.show_general(exc.message(self.desk.lang) + self.tr("（已重新读取案件）"))
            self.desk.case_changed.emit(self.case_no)
        elif isinstance(exc, ReceptionError):
            self.show_general(exc.message(self.desk.lang))
        else:
            log.error("case action failed", exc_info=exc)
            self.show_general(self.tr("出现意外错误，未保存：{error}").format(error=type(exc).__name__))
            self.desk.error.emit(exc)


class NoteDialog(_ActionDialog):
    call_name = "add_note"

    def __init__(self, detail: CaseDetailDialog):
        super().__init__(detail)
        self.setWindowTitle(self.tr("添加备注"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setPlaceholderText(self.tr("例如：申请人来电询问进展，已告知正在办理"))
        self.add_field("text", self.tr("备注(&T)："), self.text_edit)
        self.text_edit.setFocus()

    def values(self) -> dict:
        return {"text": self.text_edit.toPlainText()}


class AnswerDialog(_ActionDialog):
    call_name = "record_answer"

    def __init__(self, detail: CaseDetailDialog):
        super().__init__(detail)
        self.setWindowTitle(self.tr("录入部门答复"))
        lang = self.desk.lang
        config = self.desk.ctx.config
        self.department_box = QComboBox()
        for t in detail.info.transfers if detail.info else ():
            role = enum_label("transfer_role", t.role, lang)
            status = enum_label("transfer_status", t.status, lang)
            self.department_box.addItem(
                self.tr("{0}（{1}，{2}）").format(config.department_label(t.department, lang), role, status),
                t.department,
            )
        self.add_field("department", self.tr("部门(&D)："), self.department_box)
        self.kind_box = QComboBox()
        for code in ENUMS["answer_kind"]:
            self.kind_box.addItem(enum_label("answer_kind", code, lang), code)
        self.add_field("kind", self.tr("答复类型(&K)："), self.kind_box)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMaximumHeight(120)
        self.text_caption = self.add_field("text", self.tr("说明(&T)："), self.text_edit)
        self.number_edit = QLineEdit()
        self.number_edit.setMaxLength(80)
        self.number_edit.setPlaceholderText(self.tr("部门受理后给出的案号，如（2025）乌人社监字第12号"))
        self.add_field("department_case_no", self.tr("部门案号(&N)："), self.number_edit)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = datetime.now(ZoneInfo(config.centre.timezone)).date()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.add_field("answered_on", self.tr("答复日期(&O)："), self.date_edit)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.department_box.setFocus()

    def _kind_changed(self) -> None:
        captions = {
            "accepted": self.tr("说明(&T)："),
            "returned": self.tr("退回理由(&T)："),
            "progress": self.tr("办理进展(&T)："),
            "concluded": self.tr("办理结果(&T)："),
        }
        self.text_caption.setText(captions.get(self.kind_box.currentData(), self.tr("说明(&T)：")))

    def values(self) -> dict:
        d = self.date_edit.date()
        return {
            "department": self.department_box.currentData() or "",
            "kind": self.kind_box.currentData() or "",
            "text": self.text_edit.toPlainText(),
            "department_case_no": self.number_edit.text() or None,
            "answered_on": date(d.year(), d.month(), d.day()),
            "expected_version": self.detail.info.version if self.detail.info else None,
        }


class CloseDialog(_ActionDialog):
    call_name = "close_case"

    def __init__(self, detail: CaseDetailDialog):
        super().__init__(detail)
        self.setWindowTitle(self.tr("办结案件"))
        lang = self.desk.lang
        self.outcome_box = QComboBox()
        for code in ENUMS["outcome"]:
            self.outcome_box.addItem(enum_label("outcome", code, lang), code)
        self.outcome_box.setPlaceholderText(self.tr("请选择"))
        self.outcome_box.setCurrentIndex(-1)
        self.add_field("outcome", self.tr("办结结果(&O)："), self.outcome_box)
        self.satisfaction_box = QComboBox()
        for code in ENUMS["satisfaction"]:
            self.satisfaction_box.addItem(enum_label("satisfaction", code, lang), code)
        self.satisfaction_box.setPlaceholderText(self.tr("请选择"))
        self.satisfaction_box.setCurrentIndex(-1)
        self.add_field("satisfaction", self.tr("回访满意度(&S)："), self.satisfaction_box)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(100)
        self.add_field("note", self.tr("备注(&T)："), self.note_edit)
        self.set_ok_text(self.tr("办结"))
        self.outcome_box.setFocus()

    def values(self) -> dict:
        return {
            "outcome": self.outcome_box.currentData() or "",
            "satisfaction": self.satisfaction_box.currentData() or "",
            "note": self.note_edit.toPlainText() or None,
            "expected_version": self.detail.info.version if self.detail.info else None,
        }


class RevealDialog(FieldDialog):
    """显示完整号码: the reason, then the case with its numbers in full (``reception.disclosure``)."""

    revealed_doc = Signal(dict)

    def __init__(self, detail: CaseDetailDialog):
        super().__init__(detail.desk, detail, ok_text=self.tr("显示"))
        self.detail = detail
        self.setWindowTitle(self.tr("显示完整号码 — 案件 {0}").format(detail.case_no))
        note = QLabel(self.tr("查看完整的证件号码和电话号码须写明事由，查看人、时间和事由记入审计日志。"))
        note.setWordWrap(True)
        self.root.insertWidget(0, note)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(self.tr("例如：申请人来电，核对身份"))
        self.add_field("reason", self.tr("事由(&R)："), self.reason_edit)
        self.reason_edit.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        from reception.disclosure import reveal_case

        self.run_checked(
            reveal_case,
            self.desk.ctx,
            self.detail.case_no,
            self.desk.principal,
            self.reason_edit.text(),
            name="case-reveal",
        )

    def succeeded_with(self, doc: dict) -> None:
        self.revealed_doc.emit(doc)

    def failed_with(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed):
            self.show_errors(exc.errors)
        elif isinstance(exc, ReceptionError):
            self.show_general(exc.message(self.desk.lang))
        else:
            log.error("showing the full numbers failed", exc_info=exc)
            self.show_general(self.tr("出现意外错误：{error}").format(error=type(exc).__name__))
            self.desk.error.emit(exc)


# -- the dialog -------------------------------------------------------------------------------------------


class CaseDetailDialog(QDialog):
    """Everything about one case, and the clerk's next steps. Non-modal; Esc closes."""

    loaded = Signal()  # after every (re)load
    load_failed = Signal(str)

    def __init__(self, desk, case_no: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.case_no = case_no.strip().upper()
        self.doc: dict | None = None
        self.info: Any = None  # reception.tracking.CaseTracking
        self.attempts: list = []  # reception.dispatch.history.PushAttempt, newest first
        self.dead_actions = None  # ui.reroute.DeadLetterActions, made on first use
        self.revealed = False  # the numbers are shown in full (after 显示完整号码, until the next load)
        self.reveal_dialog = None
        self._task = None
        self._closed = False
        self.note_dialog: NoteDialog | None = None
        self.answer_dialog: AnswerDialog | None = None
        self.close_dialog: CloseDialog | None = None
        self.receipt_dialog = None
        self.setModal(False)
        self.setWindowTitle(self.tr("案件 {case_no}").format(case_no=self.case_no))
        self.resize(980, 760)
        self._build()
        desk.case_changed.connect(self._case_changed)
        self._listening = True
        self.reload()

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)

        head = QHBoxLayout()
        self.case_no_label = QLabel(self.case_no)
        f = self.case_no_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.case_no_label.setFont(f)
        self.case_no_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.case_no_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.case_no_label.setToolTip(self.tr("可选中复制"))
        head.addWidget(self.case_no_label)
        self.copy_button = QPushButton(self.tr("复制编号(&C)"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_case_no)
        head.addWidget(self.copy_button)
        head.addStretch(1)
        self.status_label = QLabel()
        head.addWidget(self.status_label)
        root.addLayout(head)

        facts = QHBoxLayout()
        self.window_label = QLabel()
        self.risk_label = QLabel()
        self.deadline_label = QLabel()
        self.deadline_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (self.window_label, self.risk_label, self.deadline_label):
            facts.addWidget(w)
        facts.addStretch(1)
        root.addLayout(facts)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"QLabel {{ color: {OVERDUE}; background: #fde7e9; padding: 6px; }}")
        self.error_label.hide()
        root.addWidget(self.error_label)

        self.tabs = QTabWidget()
        self.info_view = QTextBrowser()
        self.info_view.setOpenLinks(False)
        info_page = QWidget()
        info_layout = QVBoxLayout(info_page)
        info_layout.setContentsMargins(0, 4, 0, 0)
        reveal_bar = QHBoxLayout()
        self.disclosure_label = QLabel(self.tr("证件号码和电话号码已部分隐藏。"))
        self.disclosure_label.setObjectName("hint")
        self.reveal_button = QPushButton(self.tr("显示完整号码(&F)…"))
        self.reveal_button.setToolTip(self.tr("写明事由后显示完整的证件号码和电话号码；每次查看都记入审计日志"))
        self.reveal_button.clicked.connect(lambda: self.reveal())
        reveal_bar.addWidget(self.disclosure_label, 1)
        reveal_bar.addWidget(self.reveal_button)
        info_layout.addLayout(reveal_bar)
        info_layout.addWidget(self.info_view, 1)
        self.tabs.addTab(info_page, self.tr("案件信息"))
        self.timeline_view = QTreeWidget()
        self.timeline_view.setColumnCount(4)
        self.timeline_view.setHeaderLabels([self.tr("时间"), self.tr("事件"), self.tr("操作人"), self.tr("内容")])
        self.timeline_view.setRootIsDecorated(False)
        self.timeline_view.setUniformRowHeights(False)
        self.timeline_view.setWordWrap(True)
        self.timeline_view.setAlternatingRowColors(True)
        self.timeline_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.timeline_view.header()
        header.setStretchLastSection(True)
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.timeline_view, self.tr("时间线"))
        self.transfer_table = QTableWidget(0, 6)
        self.transfer_table.setHorizontalHeaderLabels(
            [
                self.tr("部门"),
                self.tr("角色"),
                self.tr("状态"),
                self.tr("部门案号"),
                self.tr("办理结果 / 退回理由"),
                self.tr("更新时间"),
            ]
        )
        self.transfer_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.transfer_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.transfer_table.verticalHeader().setVisible(False)
        self.transfer_table.horizontalHeader().setStretchLastSection(False)
        self.transfer_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.transfer_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.transfer_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.transfer_table.setTabKeyNavigation(False)
        self.transfer_table.itemSelectionChanged.connect(self._update_transfer_actions)
        self.transfer_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.transfer_table.customContextMenuRequested.connect(self._transfer_menu)
        transfers_page = QWidget()
        tp = QVBoxLayout(transfers_page)
        tp.setContentsMargins(0, 0, 0, 0)
        tp.addWidget(self.transfer_table, 1)
        transfer_actions = QHBoxLayout()
        self.transfer_message = QLabel()
        self.transfer_message.setWordWrap(True)
        self.transfer_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        transfer_actions.addWidget(self.transfer_message, 1)
        self.retry_transfer_button = QPushButton(self.tr("重新推送(&U)"))
        self.retry_transfer_button.setToolTip(self.tr("把选中的推送失败的转办重新放回推送队列（原转办编号）"))
        self.retry_transfer_button.clicked.connect(lambda: self.retry_transfer())
        self.reroute_transfer_button = QPushButton(self.tr("改派(&G)…"))
        self.reroute_transfer_button.setToolTip(
            self.tr("选中的推送失败或被部门退回的转办改由另一个部门办理，须写明理由")
        )
        self.reroute_transfer_button.clicked.connect(lambda: self.reroute_transfer())
        for b in (self.retry_transfer_button, self.reroute_transfer_button):
            b.setAutoDefault(False)
            transfer_actions.addWidget(b)
        tp.addLayout(transfer_actions)
        self.tabs.addTab(transfers_page, self.tr("转办"))

        attempts_page = QWidget()
        ap = QVBoxLayout(attempts_page)
        ap.setContentsMargins(0, 0, 0, 0)
        self.attempts_hint = QLabel()
        self.attempts_hint.setWordWrap(True)
        self.attempts_hint.setStyleSheet("QLabel { color: #605e5c; padding: 4px; }")
        ap.addWidget(self.attempts_hint)
        self.attempts_table = QTableWidget(0, 7)
        self.attempts_table.setHorizontalHeaderLabels(
            [
                self.tr("时间"),
                self.tr("部门"),
                self.tr("角色"),
                self.tr("结果"),
                self.tr("HTTP 状态"),
                self.tr("用时"),
                self.tr("错误"),
            ]
        )
        self.attempts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attempts_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attempts_table.setTabKeyNavigation(False)
        self.attempts_table.setAlternatingRowColors(True)
        self.attempts_table.verticalHeader().setVisible(False)
        self.attempts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.attempts_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.attempts_table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.attempts_table.setColumnWidth(1, 220)
        ap.addWidget(self.attempts_table, 1)
        self.tabs.addTab(attempts_page, self.tr("推送记录"))
        root.addWidget(self.tabs, 1)

        actions = QHBoxLayout()
        self.reprint_button = QPushButton(self.tr("重打回执(&P)"))
        self.reprint_button.setToolTip(self.tr("预览并补打受理回执（Ctrl+P）"))
        self.reprint_button.setShortcut(QKeySequence.StandardKey.Print)
        self.reprint_button.clicked.connect(lambda: self.reprint_receipt())
        self.note_button = QPushButton(self.tr("添加备注(&N)"))
        self.note_button.clicked.connect(lambda: self.add_note())
        self.answer_button = QPushButton(self.tr("录入部门答复(&A)"))
        self.answer_button.clicked.connect(lambda: self.record_answer())
        self.close_case_button = QPushButton(self.tr("办结(&E)"))
        self.close_case_button.clicked.connect(lambda: self.close_case())
        self.reload_button = QPushButton(self.tr("刷新"))
        self.reload_button.setToolTip(self.tr("重新读取案件（F5）"))
        self.reload_button.setShortcut(QKeySequence.StandardKey.Refresh)
        self.reload_button.clicked.connect(self.reload)
        self.dismiss_button = QPushButton(self.tr("关闭"))
        self.dismiss_button.setToolTip(self.tr("关闭（Esc）"))
        self.dismiss_button.clicked.connect(self.reject)
        for b in (self.reprint_button, self.note_button, self.answer_button, self.close_case_button):
            b.setAutoDefault(False)
            actions.addWidget(b)
        actions.addStretch(1)
        for b in (self.reload_button, self.dismiss_button):
            b.setAutoDefault(False)
            actions.addWidget(b)
        root.addLayout(actions)
        self._set_actions_enabled(False)

        order = [
            self.case_no_label,
            self.copy_button,
            self.tabs,
            self.info_view,
            self.timeline_view,
            self.transfer_table,
            self.retry_transfer_button,
            self.reroute_transfer_button,
            self.attempts_table,
            self.reprint_button,
            self.note_button,
            self.answer_button,
            self.close_case_button,
            self.reload_button,
            self.dismiss_button,
        ]
        for a, b in itertools.pairwise(order):
            self.setTabOrder(a, b)

    # -- loading --------------------------------------------------------------------------------
    def _alive(self) -> bool:
        return not self._closed and shiboken6.isValid(self)

    def reload(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self.status_label.setText(self.tr("正在读取……"))
        self._task = self.desk.runner.run(
            load_case_view,
            self.desk.ctx,
            self.case_no,
            self.desk.principal,
            on_done=self._loaded,
            on_error=self._load_error,
            name="case-detail",
        )

    def _case_changed(self, case_no: str) -> None:
        if case_no.strip().upper() == self.case_no and self._alive():
            self.reload()

    def _loaded(self, result: tuple[dict, Any, list]) -> None:
        if not self._alive():
            return
        self._task = None
        self.doc, self.info, self.attempts = result
        self.revealed = False
        self._show_disclosure()
        self.error_label.hide()
        self._fill_header()
        self._fill_info()
        self._fill_timeline()
        self._fill_transfers()
        self._fill_attempts()
        self._set_actions_enabled(True)
        self.loaded.emit()

    def _load_error(self, exc: BaseException) -> None:
        if not self._alive():
            return
        self._task = None
        if isinstance(exc, ReceptionError):
            text = exc.message(self.desk.lang)
        else:
            log.error("loading a case failed", exc_info=exc)
            text = self.tr("读取案件失败：{error}").format(error=type(exc).__name__)
        self.status_label.setText("")
        self.error_label.setText(text)
        self.error_label.show()
        self.load_failed.emit(text)

    # -- filling --------------------------------------------------------------------------------
    def _today(self) -> date:
        return datetime.now(ZoneInfo(self.desk.ctx.config.centre.timezone)).date()

    def next_deadline(self) -> tuple[dict, int] | None:
        """The earliest open deadline and the days left (negative: overdue), or None."""
        if self.info is None:
            return None
        open_ = [d for d in self.info.deadlines if (d.get("status") or "open") == "open"]
        if not open_:
            return None
        d = min(open_, key=lambda x: x["due"])
        return d, (date.fromisoformat(d["due"]) - self._today()).days

    def _fill_header(self) -> None:
        lang = self.desk.lang
        doc, info = self.doc, self.info
        status = enum_label("status", info.status, lang)
        self.status_label.setText(status)
        colour = "#0b6a0b" if info.status in ("closed", "resolved") else "#0063b1"
        if info.status == "returned":
            colour = "#d83b01"
        elif info.status == "concluded":  # the visitor's follow-up call is due
            colour = "#8e562e"
        self.status_label.setStyleSheet(
            f"QLabel {{ color: white; background: {colour}; border-radius: 3px; padding: 2px 8px; }}"
        )
        received = datetime.fromisoformat(doc["received_at"]).astimezone(ZoneInfo(self.desk.ctx.config.centre.timezone))
        self.window_label.setText(
            self.tr("{window_label}：{window}　{received_label}：{received}").format(
                window_label=field_label("window", lang),
                window=enum_label("window", doc.get("window"), lang),
                received_label=field_label("received_at", lang),
                received=received.strftime("%Y-%m-%d %H:%M"),
            )
        )
        level = (doc.get("risk") or {}).get("level")
        if level:
            self.risk_label.setText(self.tr("风险：{level}").format(level=enum_label("risk", level, lang)))
            self.risk_label.setStyleSheet(
                f"QLabel {{ color: {RISK_COLOURS.get(level, '#323130')}; font-weight: bold; }}"
            )
        else:
            self.risk_label.setText(self.tr("风险：未评估"))
            self.risk_label.setStyleSheet("")
        self.deadline_label.setProperty("overdue", False)
        if info.closed_at is not None:
            self.deadline_label.setText(
                self.tr("已于 {date} 办结：{outcome}，回访{satisfaction}").format(
                    date=info.closed_at.strftime("%Y-%m-%d"),
                    outcome=enum_label("outcome", info.outcome, lang),
                    satisfaction=enum_label("satisfaction", info.satisfaction, lang),
                )
            )
            self.deadline_label.setStyleSheet("")
            return
        nxt = self.next_deadline()
        if nxt is None:
            self.deadline_label.setText(self.tr("无未到期的法定期限"))
            self.deadline_label.setStyleSheet("")
            return
        d, days = nxt
        label = d.get("label") if lang == "zh" else d.get("label_en") or d.get("label")
        if days < 0:
            text = self.tr("下一期限：{label} {due}（已逾期 {n} 天）").format(label=label, due=d["due"], n=-days)
            self.deadline_label.setStyleSheet(
                f"QLabel {{ color: white; background: {OVERDUE}; font-weight: bold; padding: 2px 6px; }}"
            )
            self.deadline_label.setProperty("overdue", True)
        elif days == 0:
            text = self.tr("下一期限：{label} {due}（今天到期）").format(label=label, due=d["due"])
            self.deadline_label.setStyleSheet("QLabel { color: #7a5b00; background: #fff4ce; padding: 2px 6px; }")
        else:
            text = self.tr("下一期限：{label} {due}（还有 {n} 天）").format(label=label, due=d["due"], n=days)
            self.deadline_label.setStyleSheet("")
        self.deadline_label.setText(text)

    def _fill_info(self) -> None:
        scroll = self.info_view.verticalScrollBar().value()
        self.info_view.setHtml(case_html(self.doc, self.info, self.desk.ctx.config, self.desk.lang))
        self.info_view.verticalScrollBar().setValue(scroll)

    def _fill_timeline(self) -> None:
        lang = self.desk.lang
        view = self.timeline_view
        view.clear()
        icons: dict[str, QIcon] = {}
        for e in self.info.timeline:
            item = QTreeWidgetItem([e.at.strftime("%Y-%m-%d %H:%M"), e.label(lang), e.actor or "", e.summary(lang)])
            colour = KIND_COLOURS.get(e.kind, "#605e5c")
            if colour not in icons:
                icons[colour] = _dot(colour)
            item.setIcon(1, icons[colour])
            item.setForeground(1, QColor(colour))
            item.setData(0, Qt.ItemDataRole.UserRole, e.kind)
            item.setToolTip(3, e.summary(lang))
            view.addTopLevelItem(item)
        if view.topLevelItemCount():
            view.scrollToItem(view.topLevelItem(view.topLevelItemCount() - 1))

    def timeline_kinds(self) -> list[str]:
        """The kinds shown in the timeline tab, top to bottom."""
        v = self.timeline_view
        return [v.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(v.topLevelItemCount())]

    def _fill_transfers(self) -> None:
        lang = self.desk.lang
        config = self.desk.ctx.config
        table = self.transfer_table
        transfers = self.info.transfers
        keep = self.selected_transfer()
        table.blockSignals(True)
        table.setRowCount(len(transfers))
        for row, t in enumerate(transfers):
            result = t.outcome or t.reason or ""
            if not result and t.status == "failed":  # a dead letter: why the department did not take it
                error = self._last_error(t.id)
                result = self.tr("推送失败：{0}").format(" ".join(error.split())) if error else ""
            cells = [
                config.department_label(t.department, lang),
                enum_label("transfer_role", t.role, lang),
                enum_label("transfer_status", t.status, lang),
                t.department_case_no or "",
                result,
                t.updated_at.strftime("%Y-%m-%d %H:%M"),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 4 and result:
                    item.setToolTip(result)
                if col == 2 and t.status == "rejected":
                    item.setForeground(QColor("#d83b01"))
                if col == 2 and t.status == "failed":  # a dead letter: the clerk retries or re-routes it
                    item.setForeground(QColor(OVERDUE))
                    item.setToolTip(self.tr("推送失败：可重新推送或改派"))
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, t.id)
                table.setItem(row, col, item)
        # keep the row chosen; else the first dead letter, so that its actions are one key away
        rows = [r for r, t in enumerate(transfers) if t.id == keep] or [
            r for r, t in enumerate(transfers) if t.status == "failed"
        ]
        if rows:
            table.selectRow(rows[0])
        table.blockSignals(False)
        self._update_transfer_actions()

    def _last_error(self, transfer_id: str) -> str | None:
        """The newest error of the transfer's push attempts."""
        return next((a.error for a in self.attempts if a.transfer_id == transfer_id and a.error), None)

    def selected_transfer(self) -> str | None:
        """The id of the transfer selected in the 转办 tab, or None."""
        rows = self.transfer_table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.transfer_table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def row_of_transfer(self, department: str) -> int:
        if self.info is None:
            return -1
        for row, t in enumerate(self.info.transfers):
            if t.department == department and t.status != "cancelled":
                return row
        return -1

    def _dead_transfer(self, *, returned_too: bool = False):
        """The selected transfer when it is a dead letter of an open case (with ``returned_too``, also one
        the department returned: the clerk re-routes it), as a ``ui.reroute.DeadTransfer``."""
        if self.info is None or self.info.status == "closed":
            return None
        tid = self.selected_transfer()
        t = next((t for t in self.info.transfers if t.id == tid), None)
        if t is None or t.status not in (("failed", "rejected") if returned_too else ("failed",)):
            return None
        from ui.reroute import DeadTransfer

        reason = self._last_error(t.id) if t.status == "failed" else t.reason
        return DeadTransfer(t.id, self.case_no, t.department, t.role, reason, returned=t.status == "rejected")

    def _update_transfer_actions(self) -> None:
        self.retry_transfer_button.setEnabled(self._dead_transfer() is not None)
        self.reroute_transfer_button.setEnabled(self._dead_transfer(returned_too=True) is not None)

    def _transfer_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        if self._dead_transfer(returned_too=True) is None:
            return
        menu = QMenu(self.transfer_table)
        if self._dead_transfer() is not None:
            menu.addAction(self.tr("重新推送"), lambda: self.retry_transfer())
        menu.addAction(self.tr("改派…"), lambda: self.reroute_transfer())
        menu.popup(self.transfer_table.viewport().mapToGlobal(pos))

    def _fill_attempts(self) -> None:
        lang = self.desk.lang
        config = self.desk.ctx.config
        table = self.attempts_table
        attempts = self.attempts
        if attempts:
            failed = sum(1 for a in attempts if a.failed)
            self.attempts_hint.setText(
                self.tr("共 {0} 次推送，其中 {1} 次未送达（最新的在最上面）").format(len(attempts), failed)
            )
        else:
            self.attempts_hint.setText(self.tr("尚无推送记录：转办等待推送，或部门未配置推送方式（凭转办单转办）。"))
        table.setRowCount(len(attempts))
        for row, a in enumerate(attempts):
            cells = [
                a.at.strftime("%Y-%m-%d %H:%M:%S"),
                config.department_label(a.department, lang),
                enum_label("transfer_role", a.role, lang),
                enum_label("attempt_outcome", a.outcome, lang),
                str(a.http_status) if a.http_status is not None else "",
                self.tr("{0} 毫秒").format(a.duration_ms) if a.duration_ms is not None else "",
                " ".join((a.error or "").split()),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, a.transfer_id)
                    item.setToolTip(self.tr("转办编号：{0}").format(a.transfer_id))
                if col == 1:
                    item.setToolTip(text)
                if col == 3:
                    item.setData(Qt.ItemDataRole.UserRole, a.outcome)
                    item.setForeground(QColor(OVERDUE if a.failed else "#107c10"))
                if col == 6 and a.error:
                    item.setToolTip(a.error)
                table.setItem(row, col, item)

    def attempt_rows(self) -> list[list[str]]:
        """The 推送记录 tab's cells, top (newest) to bottom."""
        t = self.attempts_table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

    def _set_actions_enabled(self, loaded: bool) -> None:
        info = self.info if loaded else None
        closed = info is not None and info.status == "closed"
        self.reprint_button.setEnabled(info is not None)
        self.note_button.setEnabled(info is not None)
        self.answer_button.setEnabled(info is not None and not closed and bool(info.transfers))
        self.close_case_button.setEnabled(info is not None and not closed)
        self.tabs.setEnabled(info is not None)
        self._update_transfer_actions()

    # -- actions --------------------------------------------------------------------------------
    def copy_case_no(self) -> None:
        QGuiApplication.clipboard().setText(self.case_no)

    def reprint_receipt(self):
        from ui.receipt_preview import show_receipt

        self.receipt_dialog = show_receipt(self.desk, self.case_no, self, reprint=True)
        return self.receipt_dialog

    def _open_action(self, dialog: _ActionDialog) -> _ActionDialog:
        dialog.open()
        return dialog

    def add_note(self) -> NoteDialog:
        self.note_dialog = NoteDialog(self)
        return self._open_action(self.note_dialog)

    def record_answer(self) -> AnswerDialog | None:
        if not self.answer_button.isEnabled():
            return None
        self.answer_dialog = AnswerDialog(self)
        return self._open_action(self.answer_dialog)

    def close_case(self) -> CloseDialog | None:
        if not self.close_case_button.isEnabled():
            return None
        self.close_dialog = CloseDialog(self)
        return self._open_action(self.close_dialog)

    def _dead_letter_actions(self):
        if self.dead_actions is None:
            from ui.reroute import DeadLetterActions

            self.dead_actions = DeadLetterActions(self.desk, self)
            self.dead_actions.done.connect(lambda text: self._transfer_said(text, ok=True))
            self.dead_actions.failed.connect(lambda text: self._transfer_said(text, ok=False))
        return self.dead_actions

    def _transfer_said(self, text: str, *, ok: bool) -> None:
        if not self._alive():
            return
        self.transfer_message.setText(text)
        self.transfer_message.setStyleSheet(f"QLabel {{ color: {'#107c10' if ok else OVERDUE}; }}")

    def retry_transfer(self):
        """重新推送 the selected dead letter (asks first); returns the question, or None."""
        target = self._dead_transfer()
        if target is None:
            return None
        self.transfer_message.clear()
        return self._dead_letter_actions().retry(target)

    def reroute_transfer(self):
        """改派 the selected dead letter or returned transfer; returns the dialog, or None."""
        target = self._dead_transfer(returned_too=True)
        if target is None:
            return None
        self.transfer_message.clear()
        return self._dead_letter_actions().reroute(target)

    # -- personal data ----------------------------------------------------------------------------
    def _show_disclosure(self) -> None:
        principal = self.desk.principal
        may = principal is None or principal.may("case.view_personal")
        if self.revealed:
            self.disclosure_label.setText(self.tr("正在显示完整号码（本次查看已记入审计日志）。"))
        else:
            self.disclosure_label.setText(self.tr("证件号码和电话号码已部分隐藏。"))
        self.reveal_button.setEnabled(may and not self.revealed and self.doc is not None)
        if not may:
            self.reveal_button.setToolTip(self.tr("您的角色不能查看完整号码"))

    def reveal(self):
        """显示完整号码: asks for the reason; returns the dialog (None when not possible)."""
        if not self.reveal_button.isEnabled():
            return None
        dialog = RevealDialog(self)
        dialog.revealed_doc.connect(self._revealed)
        dialog.open()
        self.reveal_dialog = dialog
        return dialog

    def _revealed(self, doc: dict) -> None:
        if not self._alive():
            return
        self.doc = doc
        self.revealed = True
        self._fill_info()
        self._show_disclosure()

    # -- closing --------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:
        if self._closed:  # shown again after being closed: listen and read the case afresh
            self._closed = False
            self.desk.case_changed.connect(self._case_changed)
            self._listening = True
            self.reload()
        super().showEvent(event)

    def done(self, result: int) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._listening:
            self._listening = False
            with contextlib.suppress(RuntimeError, TypeError):
                self.desk.case_changed.disconnect(self._case_changed)
        super().done(result)


__all__ = ["AnswerDialog", "CaseDetailDialog", "CloseDialog", "NoteDialog", "case_html", "load_case", "load_case_view"]
