"""推送状态: each department's queue — transport, transfers waiting, failed, delivered, by status,
the oldest waiting one and the last error (``reception.overview.queue_overview``, read in the runner).

Pushing itself comes with the department queues (issue 5). Until then this page says plainly when no
department has a transport configured, and never shows a department as reachable.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.labels import enum_label
from reception.overview import DepartmentQueue, format_age, queue_overview
from ui import style
from ui.desk import Desk


class QueuesPage(QWidget):
    COLUMNS = ("department", "transport", "pending", "failed", "delivered", "transfers", "oldest", "error")

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.queues: list[DepartmentQueue] = []
        self._loading = False  # a flag: a quick task's result may arrive before run() returns
        self._again = False
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
            self.tr("待推送"),
            self.tr("失败"),
            self.tr("已送达"),
            self.tr("转办状态"),
            self.tr("最早待推送"),
            self.tr("最近错误"),
        ]
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName("queuesTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        h.setStretchLastSection(True)
        self.table.setColumnWidth(0, 280)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
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

    @Slot()
    def refresh(self) -> None:
        """Read the queues in the runner; a request while one is running runs once after it."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._again = False
        self.refresh_button.setEnabled(False)
        self.desk.runner.run(
            queue_overview, self.desk.ctx, on_done=self._show, on_error=self._failed, name="queue-overview"
        )

    def _finished(self) -> None:
        self._loading = False
        self.refresh_button.setEnabled(True)
        if self._again:
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText(self.tr("无法读取部门队列：{0}").format(type(exc).__name__))
        self._finished()
        self.desk.error.emit(exc)

    def _show(self, queues: list[DepartmentQueue]) -> None:
        self.queues = queues
        self.loads += 1
        lang = self.desk.lang
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
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(queues))
        for row, q in enumerate(queues):
            name = q.label(lang) if q.in_config else self.tr("{0}（已不在配置中）").format(q.code)
            transfers = (", " if lang == "en" else "，").join(
                f"{enum_label('transfer_status', status, lang)} {n}" for status, n in sorted(q.transfers.items())
            )
            cells = [
                name,
                q.transport or self.tr("未配置"),
                q.pending,
                q.failed,
                q.delivered,
                transfers,
                format_age(q.oldest_pending_age, lang),
                (q.last_error or "").replace("\n", " "),
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
        self._finished()

    def row_of(self, code: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == code:
                return row
        return -1
