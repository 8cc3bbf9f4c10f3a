"""推送状态: each department's queue — transport, its last push attempt, transfers waiting, failed,
delivered, by status, the oldest waiting one and the last error (``reception.overview.queue_overview``) —
and below it the 推送失败 list: the dead letters (``reception.dispatch.dead_letters``) of every department
or of the one chosen, with 重新推送, 改派 and 打开案件 (``ui.reroute``). Everything is read in the runner.

Reachability is what the department's last attempt showed ("最近一次推送于 HH:MM 送达" / "最近一次推送失败：
<error>" / "尚未推送"), never a guess; a department without a transport that pushes says so.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.dispatch.history import PushAttempt
from reception.labels import enum_label
from reception.overview import PUSHING_KINDS, DepartmentQueue, format_age, queue_overview
from ui import style
from ui.desk import Desk
from ui.reroute import DeadLetterActions, DeadTransfer
from ui.tables import row_table
from ui.tasks import Reload

translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "…")

OK_COLOUR = "#166534"
ERROR_COLOUR = "#b91c1c"


def load_queues(ctx) -> tuple[list[DepartmentQueue], list]:
    """The departments' queues and every dead letter (in a worker)."""
    from reception.dispatch import dead_letters

    return queue_overview(ctx), dead_letters(ctx)


def when_text(at: datetime, now: datetime) -> str:
    """``14:05`` today (hall time), ``2025-03-02 14:05`` before."""
    return at.strftime("%H:%M") if at.date() == now.astimezone(at.tzinfo).date() else at.strftime("%Y-%m-%d %H:%M")


def one_line(text: str | None, limit: int | None = None) -> str:
    text = " ".join((text or "").split())
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def last_push_text(attempt: PushAttempt | None, *, pushes: bool, now: datetime, limit: int | None = None) -> str:
    """What a department's last attempt says: delivered at, failed with what, or never tried."""
    if attempt is None:
        return translate("QueuesPage", "尚未推送") if pushes else "—"
    if attempt.failed:
        error = one_line(attempt.error or attempt.outcome, limit)
        return translate("QueuesPage", "最近一次推送失败：{0}").format(error)
    when = when_text(attempt.at, now)
    if attempt.outcome == "in_progress":
        return translate("QueuesPage", "最近一次推送于 {0} 送达，部门正在接收").format(when)
    return translate("QueuesPage", "最近一次推送于 {0} 送达").format(when)


class QueuesPage(QWidget):
    COLUMNS = (
        "department",
        "transport",
        "last_push",
        "pending",
        "failed",
        "delivered",
        "transfers",
        "oldest",
        "error",
    )
    DEAD_COLUMNS = ("case_no", "department", "role", "reason", "attempts", "last_attempt")

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.queues: list[DepartmentQueue] = []
        self.letters: list = []  # reception.dispatch.DeadLetter, every department
        self.shown_letters: list = []  # those in the list (the department chosen)
        self.loader = Reload(
            desk.runner, lambda: (load_queues, (desk.ctx,)), self._show, self._failed, name="queue-overview"
        )
        self.loads = 0
        style.apply(self)

        title = QLabel(self.tr("推送状态"))
        title.setProperty("role", "heading")
        self.summary = QLabel()
        self.summary.setObjectName("queuesSummary")
        self.summary.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setToolTip(self.tr("重新读取各部门队列（F5）"))
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.refresh_button)

        headers = [
            self.tr("部门"),
            self.tr("推送方式"),
            self.tr("最近一次推送"),
            self.tr("待推送"),
            self.tr("失败"),
            self.tr("已送达"),
            self.tr("转办状态"),
            self.tr("最早待推送"),
            self.tr("最近错误"),
        ]
        self.table = row_table("queuesTable", headers)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        h.setSectionResizeMode(self.COLUMNS.index("last_push"), QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        self.table.setColumnWidth(0, 250)
        self.table.setColumnWidth(self.COLUMNS.index("last_push"), 340)
        self.table.itemSelectionChanged.connect(self._department_selected)

        # -- 推送失败 (dead letters) ------------------------------------------------------------------
        dead_title = QLabel(self.tr("推送失败"))
        dead_title.setProperty("role", "subheading")
        self.dead_count = QLabel()
        self.dead_count.setObjectName("hint")
        self.dead_filter = QComboBox()
        self.dead_filter.setObjectName("deadFilter")
        self.dead_filter.setMinimumContentsLength(14)
        self.dead_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.dead_filter.currentIndexChanged.connect(self._show_letters)
        filter_label = QLabel(self.tr("部门(&B)："))
        filter_label.setBuddy(self.dead_filter)
        dead_head = QHBoxLayout()
        dead_head.addWidget(dead_title)
        dead_head.addWidget(self.dead_count)
        dead_head.addStretch(1)
        dead_head.addWidget(filter_label)
        dead_head.addWidget(self.dead_filter)

        dead_headers = [
            self.tr("案件编号"),
            self.tr("部门"),
            self.tr("角色"),
            self.tr("推送失败原因"),
            self.tr("尝试次数"),
            self.tr("最近一次推送"),
        ]
        self.dead_table = row_table("deadLettersTable", dead_headers)
        dh = self.dead_table.horizontalHeader()
        dh.setSectionResizeMode(self.DEAD_COLUMNS.index("reason"), QHeaderView.ResizeMode.Stretch)
        self.dead_table.itemSelectionChanged.connect(self._update_actions)
        self.dead_table.itemDoubleClicked.connect(lambda _item: self.open_selected_case())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            sc = QShortcut(QKeySequence(key), self.dead_table)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(self.open_selected_case)

        self.message = QLabel()
        self.message.setObjectName("deadLettersMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton(self.tr("重新推送(&R)"))
        self.retry_button.setToolTip(self.tr("把选中的转办重新放回推送队列（原转办编号，部门不会重复收到）"))
        self.retry_button.clicked.connect(lambda: self.retry_selected())
        self.reroute_button = QPushButton(self.tr("改派(&T)…"))
        self.reroute_button.setToolTip(self.tr("改由本厅配置中的另一个部门办理，须写明理由"))
        self.reroute_button.clicked.connect(lambda: self.reroute_selected())
        self.open_button = QPushButton(self.tr("打开案件(&O)"))
        self.open_button.setToolTip(self.tr("打开选中转办所属的案件（Enter）"))
        self.open_button.clicked.connect(self.open_selected_case)
        actions_row = QHBoxLayout()
        actions_row.addWidget(self.message, 1)
        for b in (self.retry_button, self.reroute_button, self.open_button):
            b.setAutoDefault(False)
            actions_row.addWidget(b)
        self.actions = DeadLetterActions(desk, self)
        self.actions.done.connect(self._action_done)
        self.actions.failed.connect(self._action_failed)

        # the departments above, the dead letters below; the clerk drags the line between them
        dead_box = QWidget()
        dead_layout = QVBoxLayout(dead_box)
        dead_layout.setContentsMargins(0, 6, 0, 0)
        dead_layout.addLayout(dead_head)
        dead_layout.addWidget(self.dead_table, 1)
        dead_layout.addLayout(actions_row)
        self.dead_table.setMinimumHeight(self.dead_table.verticalHeader().defaultSectionSize() * 4)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(dead_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([560, 300])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)

        order = [
            self.refresh_button,
            self.table,
            self.dead_filter,
            self.dead_table,
            self.retry_button,
            self.reroute_button,
            self.open_button,
        ]
        for a, b in itertools.pairwise(order):
            self.setTabOrder(a, b)
        self._update_actions()
        desk.case_saved.connect(self._changed)
        desk.case_changed.connect(self._changed)

    def focus_first(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _changed(self, _case_no: str) -> None:
        if self.isVisible():
            self.refresh()

    # -- loading --------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Read the queues and dead letters in the runner; a request while one is running runs once after it."""
        self.refresh_button.setEnabled(False)
        self.loader.request()

    def _finished(self) -> None:
        self.refresh_button.setEnabled(not self.loader.running)

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(self.tr("无法读取部门队列：{0}").format(type(exc).__name__))
        self._finished()
        self.desk.error.emit(exc)

    def _now(self) -> datetime:
        return datetime.now(ZoneInfo(self.desk.ctx.config.centre.timezone))

    def _show(self, result: tuple[list[DepartmentQueue], list]) -> None:
        queues, letters = result
        self.queues = queues
        self.letters = letters
        self.loads += 1
        self._show_queues(queues)
        self._fill_filter(queues)
        self._show_letters()
        self._finished()

    def _show_queues(self, queues: list[DepartmentQueue]) -> None:
        lang = self.desk.lang
        now = self._now()
        pending = sum(q.pending for q in queues)
        failed = sum(q.failed for q in queues)
        configured = [q for q in queues if q.configured]
        self.summary.setText(
            self.tr("待推送 {0} 条，失败 {1} 条；{2} 个部门中 {3} 个已配置推送方式。").format(
                pending, failed, len([q for q in queues if q.in_config]), len(configured)
            )
        )
        if not configured:
            self.note.setText(
                self.tr(
                    "各部门均未配置推送地址：转办已保存在待推送队列中，不会自动送达。"
                    "请在本厅配置文件的 [department.transport] 中配置后再启用推送。"
                )
            )
        else:
            self.note.setText(self.tr("连通情况以最近一次推送的结果为准；尚未推送的部门无法判断是否连通。"))
        selected = self.selected_department()
        self.table.setSortingEnabled(False)
        self.table.blockSignals(True)
        self.table.setRowCount(len(queues))
        for row, q in enumerate(queues):
            name = q.label(lang) if q.in_config else self.tr("{0}（已不在配置中）").format(q.code)
            transfers = (", " if lang == "en" else "，").join(
                f"{enum_label('transfer_status', status, lang)} {n}" for status, n in sorted(q.transfers.items())
            )
            pushes = q.transport in PUSHING_KINDS
            cells = [
                name,
                q.transport or self.tr("未配置"),
                last_push_text(q.last_attempt, pushes=pushes, now=now, limit=80),
                q.pending,
                q.failed,
                q.delivered,
                transfers,
                format_age(q.oldest_pending_age, lang),
                one_line(q.last_error),
            ]
            for col, value in enumerate(cells):
                item = QTableWidgetItem()
                if isinstance(value, int):
                    item.setData(Qt.ItemDataRole.DisplayRole, value)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setText(value)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, q.code)
                    item.setToolTip(q.code)
                if col == len(cells) - 1 and q.last_error:
                    item.setToolTip(q.last_error)
                self.table.setItem(row, col, item)
            self._mark_reach(self.table.item(row, self.COLUMNS.index("last_push")), q, now)
            if q.code == selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)

    def _mark_reach(self, item: QTableWidgetItem, q: DepartmentQueue, now: datetime) -> None:
        a = q.last_attempt
        item.setData(Qt.ItemDataRole.UserRole, q.reachable)
        if a is None:
            return
        if a.failed:
            item.setForeground(QColor(ERROR_COLOUR))
        elif q.reachable:
            item.setForeground(QColor(OK_COLOUR))
        lines = [
            self.tr("时间：{0}").format(a.at.strftime("%Y-%m-%d %H:%M:%S")),
            self.tr("结果：{0}").format(enum_label("attempt_outcome", a.outcome, self.desk.lang)),
        ]
        if a.http_status is not None:
            lines.append(self.tr("HTTP 状态：{0}").format(a.http_status))
        if a.error:
            lines.append(self.tr("错误：{0}").format(a.error))
        if q.reachable is False:
            lines.append(self.tr("未能连通该部门"))
        elif q.reachable and a.failed:
            lines.append(self.tr("部门系统已应答，但拒收"))
        item.setToolTip("\n".join(lines))

    def row_of(self, code: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == code:
                return row
        return -1

    def selected_department(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    # -- dead letters ---------------------------------------------------------------------------
    def _fill_filter(self, queues: list[DepartmentQueue]) -> None:
        current = self.dead_filter.currentData()
        counts: dict[str, int] = {}
        for d in self.letters:
            counts[d.department] = counts.get(d.department, 0) + 1
        self.dead_filter.blockSignals(True)
        self.dead_filter.clear()
        self.dead_filter.addItem(self.tr("全部部门（{0}）").format(len(self.letters)), None)
        for q in queues:
            name = q.label(self.desk.lang) if q.in_config else q.code
            self.dead_filter.addItem(self.tr("{0}（{1}）").format(name, counts.get(q.code, 0)), q.code)
        index = self.dead_filter.findData(current) if current is not None else 0
        self.dead_filter.setCurrentIndex(max(index, 0))
        self.dead_filter.blockSignals(False)

    def set_department_filter(self, code: str | None) -> None:
        """Show the dead letters of ``code`` (None: of every department)."""
        index = self.dead_filter.findData(code) if code is not None else 0
        if index >= 0:
            self.dead_filter.setCurrentIndex(index)

    def _department_selected(self) -> None:
        code = self.selected_department()
        if code is not None:
            self.set_department_filter(code)

    def _show_letters(self, *_args) -> None:
        lang = self.desk.lang
        config = self.desk.ctx.config
        tz = ZoneInfo(config.centre.timezone)
        now = self._now()
        code = self.dead_filter.currentData()
        keep = self.selected_letter()
        letters = [d for d in self.letters if code is None or d.department == code]
        self.shown_letters = letters
        if not self.letters:
            self.dead_count.setText(self.tr("没有推送失败的转办"))
        elif code is None:
            self.dead_count.setText(self.tr("共 {0} 条，需要人工处理").format(len(letters)))
        else:
            self.dead_count.setText(self.tr("{0} 条（全部部门共 {1} 条）").format(len(letters), len(self.letters)))
        table = self.dead_table
        table.blockSignals(True)
        table.setRowCount(len(letters))
        for row, d in enumerate(letters):
            last = d.last_attempt_at.astimezone(tz) if d.last_attempt_at else None
            cells = [
                d.case_no,
                config.department_label(d.department, lang),
                enum_label("transfer_role", d.role, lang),
                one_line(d.reason),
                d.attempts,
                when_text(last, now) if last else "",
            ]
            for col, value in enumerate(cells):
                item = QTableWidgetItem()
                if isinstance(value, int):
                    item.setData(Qt.ItemDataRole.DisplayRole, value)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setText(value)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, d.transfer_id)
                    item.setToolTip(self.tr("转办编号：{0}").format(d.transfer_id))
                if col == self.DEAD_COLUMNS.index("reason") and d.reason:
                    item.setToolTip(d.reason)
                table.setItem(row, col, item)
        for row, d in enumerate(letters):
            if d.transfer_id == keep:
                table.selectRow(row)
                break
        else:
            if letters:
                table.selectRow(0)
        table.blockSignals(False)
        self._update_actions()

    def selected_letter(self) -> str | None:
        """The transfer id of the dead letter selected, or None."""
        rows = self.dead_table.selectionModel().selectedRows() if self.dead_table.selectionModel() else []
        if not rows:
            return None
        item = self.dead_table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _selected(self):
        tid = self.selected_letter()
        return next((d for d in self.shown_letters if d.transfer_id == tid), None)

    def row_of_letter(self, case_no: str) -> int:
        for row, d in enumerate(self.shown_letters):
            if d.case_no == case_no:
                return row
        return -1

    def _update_actions(self) -> None:
        chosen = self._selected() is not None
        for b in (self.retry_button, self.reroute_button, self.open_button):
            b.setEnabled(chosen)

    def _target(self) -> DeadTransfer | None:
        d = self._selected()
        if d is None:
            return None
        return DeadTransfer(d.transfer_id, d.case_no, d.department, d.role, d.reason)

    def retry_selected(self):
        """重新推送 the selected dead letter (asks first); returns the question, or None."""
        target = self._target()
        if target is None:
            return None
        self.message.clear()
        return self.actions.retry(target)

    def reroute_selected(self):
        """改派 the selected dead letter; returns the dialog, or None."""
        target = self._target()
        if target is None:
            return None
        self.message.clear()
        return self.actions.reroute(target)

    def open_selected_case(self) -> None:
        d = self._selected()
        if d is not None:
            self.desk.open_case.emit(d.case_no)

    def _action_done(self, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("tone", "ok")
        style.repolish(self.message)
        self.refresh()

    def _action_failed(self, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("tone", "error")
        style.repolish(self.message)
        self.refresh()
