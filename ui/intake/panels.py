"""Panels around the intake form: the window selector, the repeat-visitor panel, the routing preview
with its override (改派), and the banners (saved case number, draft to restore)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reception.config import HallConfig
from reception.labels import enum_label
from reception.vocab import WINDOWS
from ui.intake.fields import CheckField, ChoiceField, FormGrid, LineField, Target
from ui.intake.pickers import enum_items

translate = QCoreApplication.translate  # lupdate reads translate("IntakeForm", "…")


_PANEL_STYLE = """
QFrame[role="panel"] { background: #fbfcfd; border: 1px solid #dfe3e8; border-radius: 4px; }
QLabel[role="panel-title"] { font-weight: bold; color: #24415f; }
QFrame[role="alarm"] { background: #fdecea; border: 1px solid #e0a8a3; border-radius: 4px; }
QLabel[role="alarm"] { color: #8e1b12; }
QFrame[role="saved"] { background: #e8f5e9; border: 1px solid #9ccc9f; border-radius: 4px; }
QFrame[role="draft"] { background: #fff8e1; border: 1px solid #e6c770; border-radius: 4px; }
QLabel[role="case-no"] { font-size: 18pt; font-weight: bold; color: #1b5e20; }
QLabel[role="muted"] { color: #8a939c; }
QPushButton[role="window"] { padding: 8px 14px; font-size: 12pt; border: 1px solid #b9c0c8;
    border-radius: 4px; background: #f4f6f8; }
QPushButton[role="window"]:checked { background: #2f6db3; color: white; border-color: #245a94; }
QPushButton[role="window"]:focus { border: 2px solid #3b78c4; }
"""


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "panel-title")
    return label


# --------------------------------------------------------------------------- window selector


class WindowSelector(QWidget):
    """Big buttons for the six windows (受理窗口), chosen first. Alt+1 … Alt+6 or the arrow keys."""

    chosen = Signal(str)

    def __init__(self, lang: str = "zh"):
        super().__init__()
        self.setStyleSheet(_PANEL_STYLE)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        caption = QLabel(translate("IntakeForm", "受理窗口"))
        font = caption.font()
        font.setBold(True)
        caption.setFont(font)
        lay.addWidget(caption)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for i, code in enumerate(WINDOWS, start=1):
            button = QPushButton(f"{i} {enum_label('window', code, lang)}")
            button.setProperty("role", "window")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setMinimumHeight(40)
            button.setToolTip(f"Alt+{i}")
            self.group.addButton(button, i - 1)
            self.buttons[code] = button
            lay.addWidget(button)
        lay.addStretch(1)
        self.group.idClicked.connect(lambda i: self.chosen.emit(WINDOWS[i]))

    def window(self) -> str | None:
        i = self.group.checkedId()
        return WINDOWS[i] if i >= 0 else None

    def set_window(self, code: str | None) -> None:
        if code in self.buttons:
            self.buttons[code].setChecked(True)

    def choose(self, code: str) -> None:
        """As if the clerk clicked (used by the Alt+n shortcuts)."""
        self.buttons[code].click()
        self.buttons[code].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.buttons.values())


# --------------------------------------------------------------------------- repeat visitors


class VisitorPanel(QFrame):
    """来访记录: the applicant's earlier cases, found by ID number or phone."""

    open_case = Signal(str)
    go_leader_override = Signal()

    def __init__(self, config: HallConfig, lang: str = "zh"):
        super().__init__()
        self.config = config
        self.lang = lang
        self.setProperty("role", "panel")
        self.setStyleSheet(_PANEL_STYLE)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 8)
        lay.addWidget(_title(translate("IntakeForm", "来访记录")))
        self.status = QLabel(translate("IntakeForm", "输入申请人证件号码或联系电话后自动查询。"))
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.alarm = QFrame()
        self.alarm.setProperty("role", "alarm")
        alarm_lay = QVBoxLayout(self.alarm)
        alarm_lay.setContentsMargins(6, 4, 6, 4)
        self.alarm_text = QLabel()
        self.alarm_text.setProperty("role", "alarm")
        self.alarm_text.setWordWrap(True)
        alarm_lay.addWidget(self.alarm_text)
        self.alarm_button = QPushButton(translate("IntakeForm", "填写值班领导批准理由"))
        self.alarm_button.setAutoDefault(False)
        self.alarm_button.clicked.connect(self.go_leader_override)
        alarm_lay.addWidget(self.alarm_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.alarm.hide()
        lay.addWidget(self.alarm)
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.list.setMaximumHeight(220)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAlternatingRowColors(True)
        self.list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.list.itemClicked.connect(self._item_opened)
        self.list.itemActivated.connect(self._item_opened)
        self.list.hide()
        lay.addWidget(self.list)
        self.history: Any = None
        self._last_open: tuple[str, float] = ("", 0.0)

    def reset(self) -> None:
        self.history = None
        self.status.setText(translate("IntakeForm", "输入申请人证件号码或联系电话后自动查询。"))
        self.list.clear()
        self.list.hide()
        self.alarm.hide()

    def searching(self) -> None:
        self.status.setText(translate("IntakeForm", "正在查询来访记录…"))

    def failed(self) -> None:
        self.status.setText(translate("IntakeForm", "来访记录查询失败，请稍后重试。"))

    def show_history(self, history: Any) -> None:
        """``history``: a ``reception.queries.VisitorHistory``."""
        self.history = history
        self.list.clear()
        if not history.count:
            self.status.setText(translate("IntakeForm", "首次来访：没有找到此人以前的案件。"))
            self.list.hide()
            self.alarm.hide()
            return
        last = history.last_visit
        last_text = _local_date(last, self.config) if last else "—"
        self.status.setText(
            translate("IntakeForm", "此人以前来过 {count} 次，最近一次 {last}。点击案件查看详情。").format(
                count=history.count, last=last_text
            )
        )
        for case in history.cases:
            text = "{no}\n{date} · {window} · {status}".format(
                no=case.case_no,
                date=case.received_date.isoformat(),
                window=enum_label("window", case.window, self.lang),
                status=enum_label("status", case.status, self.lang),
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, case.case_no)
            item.setToolTip(translate("IntakeForm", "打开案件 {no}").format(no=case.case_no))
            self.list.addItem(item)
        self.list.show()
        if history.closed_after_review:
            self.alarm_text.setText(
                translate(
                    "IntakeForm",
                    "⚠ 不再受理：此人反映的事项已经复核终结（{cases}）。同一事实和理由不再受理；"
                    "如确需受理，须经值班领导批准，并填写“值班领导批准理由”。",
                ).format(cases=translate("IntakeForm", "、").join(history.closed_after_review))
            )
            self.alarm.show()
        else:
            self.alarm.hide()

    def case_numbers(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _item_opened(self, item: QListWidgetItem) -> None:
        case_no = item.data(Qt.ItemDataRole.UserRole)
        now = time.monotonic()
        if self._last_open[0] == case_no and now - self._last_open[1] < 0.6:
            return  # one double click is one request
        self._last_open = (case_no, now)
        self.open_case.emit(case_no)


def _local_date(when: datetime, config: HallConfig) -> str:
    from zoneinfo import ZoneInfo

    if when.tzinfo is None:
        return when.date().isoformat()
    return when.astimezone(ZoneInfo(config.centre.timezone)).strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------- routing


class RoutingPanel(QFrame):
    """分流建议: department, level and the rule that chose it, deadlines, and the override (改派)."""

    def __init__(self, config: HallConfig, lang: str = "zh"):
        super().__init__()
        self.config = config
        self.lang = lang
        self.setProperty("role", "panel")
        self.setStyleSheet(_PANEL_STYLE)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 8)
        lay.addWidget(_title(translate("IntakeForm", "分流建议")))
        self.summary = QLabel(translate("IntakeForm", "填写事项类别等信息后显示建议的承办部门和办理期限。"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.summary)
        self.deadlines = QLabel()
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.deadlines)
        self.stale = QLabel()
        self.stale.setProperty("role", "muted")
        self.stale.setWordWrap(True)
        lay.addWidget(self.stale)
        grid = FormGrid(columns=1)
        kw = {"lang": lang}
        self.enabled = CheckField("disposal.route_override", translate("IntakeForm", "不按建议分流，改派"), **kw)
        self.department = ChoiceField(
            "disposal.route_override.department",
            [(d.label(lang), code) for code, d in config.departments.items()],
            blank=translate("IntakeForm", "（请选择）"),
            **kw,
        )
        self.level = ChoiceField("disposal.route_override.level", enum_items("level", lang), blank="", **kw)
        self.reason = LineField(
            "disposal.route_override.reason",
            placeholder=translate("IntakeForm", "改派理由，至少 4 个字"),
            max_length=500,
            **kw,
        )
        for f in (self.enabled, self.department, self.level, self.reason):
            grid.add(f)
        lay.addWidget(grid)
        lay.addStretch(1)
        self.enabled.changed.connect(self._toggle)
        self._toggle()
        self.decision: Any = None

    @property
    def fields(self) -> list:
        return [self.enabled, self.department, self.level, self.reason]

    def targets(self) -> list[Target]:
        return list(self.fields)

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        for f in self.fields:
            out += f.focus_widgets()
        return out

    def _toggle(self) -> None:
        on = self.enabled.value()
        for f in (self.department, self.level, self.reason):
            f.set_shown(on)

    # -- the override in the document -----------------------------------------------------------
    def override(self, *, patched: bool, filled: list[str]) -> dict | None:
        if not self.enabled.value():
            return None
        out: dict[str, Any] = {}
        if self.department.value():
            out["department"] = self.department.value()
        elif patched:
            out["department"] = ""
            filled.append(self.department.path)
        else:
            return None
        if self.level.value():
            out["level"] = self.level.value()
        if self.reason.value():
            out["reason"] = self.reason.value()
        return out

    def load_override(self, value: dict | None) -> None:
        value = value if isinstance(value, dict) else {}
        self.enabled.set_value(bool(value))
        self.department.set_value(value.get("department"))
        self.level.set_value(value.get("level"))
        self.reason.set_value(value.get("reason"))
        self._toggle()

    def clear(self) -> None:
        self.load_override(None)
        for f in self.fields:
            f.touched = False

    # -- the suggestion -----------------------------------------------------------------------
    def show_prepared(self, prepared: Any, *, problems: int = 0) -> None:
        """Show routing and deadlines of a ``reception.intake.Prepared``; ``None`` = not yet valid."""
        if prepared is None:
            if self.decision is None:
                self.summary.setText(translate("IntakeForm", "填写事项类别等信息后显示建议的承办部门和办理期限。"))
                self.deadlines.clear()
            self.stale.setText(
                translate("IntakeForm", "表单尚有 {n} 处需补充或更正，补全后更新分流建议。").format(n=problems)
                if problems
                else ""
            )
            self.summary.setEnabled(False)
            self.deadlines.setEnabled(False)
            return
        self.stale.clear()
        self.summary.setEnabled(True)
        self.deadlines.setEnabled(True)
        d = prepared.decision
        self.decision = d
        self.summary.setText(self._decision_html(d) if d is not None else translate("IntakeForm", "没有分流规则适用。"))
        rows = []
        colon = translate("IntakeForm", "：")
        for dl in prepared.deadlines:
            extra = ""
            if dl.rolled_from:
                extra = translate("IntakeForm", "（原为 {date}，遇节假日顺延）").format(date=dl.rolled_from.isoformat())
            if dl.calendar_missing:
                extra += translate("IntakeForm", "（该年节假日未载入，仅按周末计算）")
            rows.append(f"{_esc(dl.label(self.lang))}{_esc(colon)}<b>{dl.due.isoformat()}</b>{_esc(extra)}")
        heading = translate("IntakeForm", "办理期限")
        self.deadlines.setText(
            (f"<b>{_esc(heading)}</b><br>" + "<br>".join(rows))
            if rows
            else _esc(translate("IntakeForm", "本事项没有法定期限。"))
        )

    def _decision_html(self, d: Any) -> str:
        def line(label: str, value: str, *, bold: bool = False) -> str:
            shown = f"<b>{_esc(value)}</b>" if bold else _esc(value)
            return f"{_esc(label)}{shown}"

        lines = []
        if d.overridden:
            reassigned = translate("IntakeForm", "已改派")
            lines.append(f"<b>{_esc(reassigned)}</b>")
        lines.append(line(translate("IntakeForm", "承办部门："), d.department_name, bold=True))
        level = enum_label("level", d.level, self.lang)
        if d.node_name:
            level = translate("IntakeForm", "{0}（{1}）").format(level, d.node_name)
        lines.append(line(translate("IntakeForm", "层级："), level))
        rule = translate("IntakeForm", "{0}（{1}）").format(d.rule_name, d.rule_id)
        lines.append(line(translate("IntakeForm", "规则："), rule))
        if d.basis:
            lines.append(line(translate("IntakeForm", "依据："), d.basis))
        if d.also:
            names = translate("IntakeForm", "、").join(self.config.department_label(code, self.lang) for code in d.also)
            lines.append(line(translate("IntakeForm", "协办："), names))
        if d.overridden and d.suggested is not None:
            s = d.suggested
            text = translate("IntakeForm", "原建议：{dept}（规则 {rule}）")
            lines.append(_esc(text.format(dept=s.department_name, rule=s.rule_name)))
        return "<br>".join(lines)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- banners


class SavedBanner(QFrame):
    """After a save: the new case number, big, with a copy button."""

    def __init__(self):
        super().__init__()
        self.setProperty("role", "saved")
        self.setStyleSheet(_PANEL_STYLE)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.addWidget(QLabel(translate("IntakeForm", "已保存，案件编号：")))
        self.case_no = QLabel()
        self.case_no.setProperty("role", "case-no")
        self.case_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.case_no)
        self.copy_button = QPushButton(translate("IntakeForm", "复制编号"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        lay.addWidget(self.copy_button)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        lay.addWidget(self.notes, 1)
        close = QPushButton("×")
        close.setFlat(True)
        close.setFixedWidth(28)
        close.setToolTip(translate("IntakeForm", "关闭"))
        close.clicked.connect(self.hide)
        lay.addWidget(close)
        self.hide()

    def show_case(self, case_no: str, notes: Sequence[str] = ()) -> None:
        self.case_no.setText(case_no)
        self.notes.setText(translate("IntakeForm", "；").join(notes))
        self.show()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.case_no.text())


class DraftBanner(QFrame):
    """At start: an unsaved form from before (a crash, a power cut) can be restored."""

    restore = Signal()
    discard = Signal()

    def __init__(self):
        super().__init__()
        self.setProperty("role", "draft")
        self.setStyleSheet(_PANEL_STYLE)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        lay.addWidget(self.text, 1)
        self.restore_button = QPushButton(translate("IntakeForm", "恢复草稿"))
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.restore)
        lay.addWidget(self.restore_button)
        self.discard_button = QPushButton(translate("IntakeForm", "丢弃草稿"))
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self.discard)
        lay.addWidget(self.discard_button)
        self.hide()

    def offer(self, saved_at: str, who: str) -> None:
        self.text.setText(
            translate("IntakeForm", "发现一份未保存的登记草稿（{when}，{who}）。是否恢复？").format(
                when=saved_at, who=who or "—"
            )
        )
        self.show()


def big_font(widget: QWidget, delta: int = 2) -> QFont:
    font = widget.font()
    if font.pointSize() > 0:
        font.setPointSize(font.pointSize() + delta)
    return font
