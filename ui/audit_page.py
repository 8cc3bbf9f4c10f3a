"""审计日志 (auditors and administrators: permission ``audit.view``): who did what when, and whether the
trail is intact.

The records come from ``reception.audit.records`` with the signed-in person as the viewer (the core checks
``audit.view`` again), newest first, at most :data:`LIMIT` of them; the filters are the days (hall time), a
user name and a kind of action (``reception.audit.ACTION_GROUPS``). 校验审计链 walks the whole trail with
``reception.audit.verify`` and shows its summary, or each problem with its position. Both run in the
desk's runner. Double-clicking a case's record opens the case.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.errors import ReceptionError, ValidationFailed
from ui import style
from ui.desk import Desk
from ui.tables import row_table
from ui.tasks import Reload

log = logging.getLogger(__name__)

# records shown at most (the newest); a wider search says to narrow it
LIMIT = 1000
# days shown when the page opens: the last week, today included
DEFAULT_DAYS = 7
# problems of a broken trail listed on the page (the rest counted)
SHOWN_PROBLEMS = 20


def load_records(ctx, viewer, start: date, end: date, user: str, action: str) -> list:
    """The records the filters choose (in a worker); the core checks the viewer's ``audit.view``."""
    from reception import audit

    return audit.records(
        ctx, start=start, end=end, user=user or None, action=action or None, limit=LIMIT, viewer=viewer
    )


def verify_trail(ctx):
    from reception import audit

    return audit.verify(ctx)


def _toned(label: QLabel, text: str, tone: str) -> None:
    """``label`` says ``text``; ``tone`` ``ok`` / ``warn`` / ``error`` (or ``""``) colours it (desk.qss)."""
    label.setText(text)
    label.setProperty("tone", tone)
    style.repolish(label)


class AuditPage(QWidget):
    COLUMNS = ("at", "user", "workstation", "action", "object", "result", "detail")

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.entries: list = []
        self.loads = 0
        self.report = None
        self.loader = Reload(
            desk.runner,
            lambda: (load_records, (desk.ctx, desk.principal, *self.filters())),
            self._loaded,
            self._load_failed,
            name="audit-records",
            alive=lambda: shiboken6.isValid(self),
        )
        self.tz = ZoneInfo(desk.ctx.config.centre.timezone)
        style.apply(self)

        title = QLabel(self.tr("审计日志"))
        title.setProperty("role", "heading")
        self.verify_button = QPushButton(self.tr("校验审计链(&V)"))
        self.verify_button.setToolTip(self.tr("逐条核对整个审计日志的哈希链，找出被修改、删除、调换或截断的记录"))
        self.verify_button.clicked.connect(self.verify)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.verify_button)
        note = QLabel(
            self.tr(
                "审计日志只能追加，数据库拒绝修改和删除；每条记录与上一条以哈希相连，日结和导出清单记下链头。"
                "登录、锁定、账户变更、受理、查看完整号码、打印、导出、日结、推送、备份和配置变更都记录在此。"
            )
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.verify_result = QLabel()
        self.verify_result.setObjectName("auditVerifyResult")
        self.verify_result.setWordWrap(True)
        self.verify_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_result.hide()

        today = QDate(datetime.now(self.tz).date())  # the hall's day, as the records' days are
        self.date_from = QDateEdit(today.addDays(-(DEFAULT_DAYS - 1)))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("auditUser")
        self.user_edit.setPlaceholderText(self.tr("用户名（可不填）"))
        self.user_edit.setClearButtonEnabled(True)
        self.user_edit.returnPressed.connect(self.refresh)
        self.action_box = QComboBox()
        self.action_box.setObjectName("auditAction")
        self.action_box.addItem(self.tr("全部操作"), "")
        from reception.audit import ACTION_GROUPS

        for code, (zh, en) in ACTION_GROUPS.items():
            self.action_box.addItem(en if desk.lang.startswith("en") else zh, code)
        self.search_button = QPushButton(self.tr("查询(&Q)"))
        self.search_button.setObjectName("primary")
        self.search_button.clicked.connect(self.refresh)
        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("从"), self.date_from),
            (self.tr("至"), self.date_to),
            (self.tr("用户"), self.user_edit),
            (self.tr("操作"), self.action_box),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.search_button)
        filters.addStretch(1)

        self.message = QLabel()
        self.message.setObjectName("auditMessage")
        self.message.setWordWrap(True)
        headers = [
            self.tr("时间"),
            self.tr("用户"),
            self.tr("工作站"),
            self.tr("操作"),
            self.tr("对象"),
            self.tr("结果"),
            self.tr("详情"),
        ]
        self.table = row_table("auditTable", headers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemDoubleClicked.connect(self._open_case)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addWidget(note)
        layout.addWidget(self.verify_result)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.refresh()

    def focus_first(self) -> None:
        self.user_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the records ------------------------------------------------------------------------------
    def filters(self) -> tuple[date, date, str, str]:
        return (
            self.date_from.date().toPython(),
            self.date_to.date().toPython(),
            self.user_edit.text().strip(),
            self.action_box.currentData() or "",
        )

    def set_filters(self, start: date, end: date, user: str = "", action: str = "") -> None:
        self.date_from.setDate(QDate(start))
        self.date_to.setDate(QDate(end))
        self.user_edit.setText(user)
        self.action_box.setCurrentIndex(max(0, self.action_box.findData(action)))

    @Slot()
    def refresh(self) -> None:
        self.loader.request()

    def _loaded(self, entries: list) -> None:
        self.entries = entries
        self.loads += 1
        self._fill()
        if len(entries) >= LIMIT:
            self._say(self.tr("只显示最新的 {0} 条记录，请缩小日期范围或按用户、操作筛选").format(LIMIT), "warn")
        else:
            self._say(self.tr("共 {0} 条，最新的在前").format(len(entries)), "ok")

    def _load_failed(self, exc: BaseException) -> None:
        self.entries = []
        self._fill()
        if isinstance(exc, ValidationFailed):
            self._say("\n".join(e.message(self.desk.lang) for e in exc.errors), "error")
        elif isinstance(exc, ReceptionError):
            self._say(exc.message(self.desk.lang), "error")
        else:
            log.error("reading the audit trail failed", exc_info=exc)
            self._say(self.tr("无法读取审计日志：{0}").format(type(exc).__name__), "error")

    def row_texts(self, entry) -> list[str]:
        from reception.audit import action_label

        results = {"ok": self.tr("成功"), "denied": self.tr("被拒绝"), "failed": self.tr("失败")}
        obj = f"{entry.object_type}:{entry.object_id}" if entry.object_type else entry.object_id or ""
        detail = json.dumps(entry.detail, ensure_ascii=False, sort_keys=True) if entry.detail else ""
        return [
            entry.at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S"),
            entry.user or "—",
            entry.workstation or "—",
            action_label(entry.action, self.desk.lang),
            obj,
            results.get(entry.result, entry.result),
            detail,
        ]

    def _fill(self) -> None:
        self.table.clearContents()
        self.table.setRowCount(len(self.entries))
        for r, entry in enumerate(self.entries):
            for c, text in enumerate(self.row_texts(entry)):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, entry.seq)
                    item.setToolTip(self.tr("序号 {0}").format(entry.seq))
                if c == 3:
                    item.setToolTip(entry.action)
                if c == 5 and entry.result != "ok":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)

    def _open_case(self, item: QTableWidgetItem) -> None:
        entry = self.entries[item.row()] if 0 <= item.row() < len(self.entries) else None
        if entry is not None and entry.object_type == "case" and entry.object_id:
            self.desk.open_case.emit(entry.object_id)

    def _say(self, text: str, tone: str) -> None:
        _toned(self.message, text, tone)

    # -- checking the chain -----------------------------------------------------------------------
    @Slot()
    def verify(self) -> None:
        if not self.verify_button.isEnabled():
            return
        self.verify_button.setEnabled(False)
        self._show_verify(self.tr("正在校验整个审计日志…"), "")
        self.desk.runner.run(
            verify_trail, self.desk.ctx, on_done=self._verified, on_error=self._verify_failed, name="audit-verify"
        )

    def _verified(self, report) -> None:
        if not shiboken6.isValid(self):
            return
        self.verify_button.setEnabled(True)
        self.report = report
        lang = self.desk.lang
        if report.intact:
            self._show_verify("✓ " + report.summary(lang), "ok")
            return
        lines = [p.line(lang) for p in report.problems[:SHOWN_PROBLEMS]]
        more = len(report.problems) - SHOWN_PROBLEMS + report.omitted
        if more > 0:
            lines.append(self.tr("另有 {0} 处问题未列出（命令行 reception audit verify 列出全部）").format(more))
        self._show_verify("✗ " + report.summary(lang) + "\n" + "\n".join(lines), "error")

    def _verify_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.verify_button.setEnabled(True)
        log.error("verifying the audit trail failed", exc_info=exc)
        text = exc.message(self.desk.lang) if isinstance(exc, ReceptionError) else type(exc).__name__
        self._show_verify(self.tr("无法校验审计日志：{0}").format(text), "error")

    def _show_verify(self, text: str, tone: str) -> None:
        _toned(self.verify_result, text, tone)
        self.verify_result.show()
