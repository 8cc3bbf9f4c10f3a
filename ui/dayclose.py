"""日结: pick a day, see its figures, export the register with a progress bar, close the day, open the folder.

Everything heavy runs in the runner and imports ``reception.export`` there (not at start-up):
``day_summary`` / ``closed_day`` for the figures, ``export_register`` for the files (XLSX, CSV, PDF
summary, manifest.json) and ``close_day``. Each day is exported into its own sub-folder
``<folder>/<YYYY-MM-DD>`` of the chosen folder, so the manifests of different days never overwrite
each other. A cancelled export leaves nothing behind (the core writes into a temporary folder and
removes it).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QStandardPaths, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.errors import ReceptionError
from reception.labels import enum_label
from reception.paths import data_dir
from ui import state, style
from ui.desk import Desk

log = logging.getLogger(__name__)

CANCEL_POLL_MS = 50


# -- work done in the runner (imports the export code there, not at start-up) ------------------------


def load_day(ctx, day: date):
    """``(Summary, DayCloseRecord | None)`` of ``day``."""
    from reception.export import closed_day, day_summary

    return day_summary(ctx, day), closed_day(ctx, day)


def run_export(ctx, day: date, out_dir: Path, user: str, *, progress=None, should_cancel=None):
    from reception.export import export_register

    return export_register(
        ctx, start=day, end=day, out_dir=out_dir, user=user, progress=progress, should_cancel=should_cancel
    )


def run_close(ctx, day: date, user: str):
    from reception.export import close_day

    return close_day(ctx, day, user=user)


def default_export_dir() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(docs) if docs else data_dir()
    return base / "一站式受理台日结"


class DayClosePage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.tz = ZoneInfo(desk.ctx.config.centre.timezone)
        self.summary = None
        self.closed = None
        self.last_result = None
        # flags rather than task handles: the runner may deliver a quick task's result before run() returns
        self._loading = False
        self._load_again = False
        self._exporting = False
        self._closing = False
        self._export_task = None  # kept only to cancel it
        self.confirm_box: QMessageBox | None = None
        self._cancel_poll = QTimer(self)
        self._cancel_poll.setInterval(CANCEL_POLL_MS)
        self._cancel_poll.timeout.connect(self._poll_cancel)
        style.apply(self)

        title = QLabel(self.tr("日结"))
        title.setProperty("role", "heading")

        # date
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("dayEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        today = self.today()
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.date_edit.dateChanged.connect(self._day_changed)
        date_label = QLabel(self.tr("日期(&D)"))
        date_label.setBuddy(self.date_edit)
        self.today_button = QPushButton(self.tr("今天"))
        self.today_button.clicked.connect(self.go_today)
        self.state_label = QLabel()
        self.state_label.setObjectName("dayState")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(24)
        top.addWidget(date_label)
        top.addWidget(self.date_edit)
        top.addWidget(self.today_button)
        top.addSpacing(16)
        top.addWidget(self.state_label, 1)

        # headline figures
        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        captions = [
            ("total", self.tr("受理案件")),
            ("person_visits", self.tr("来访人次")),
            ("resolved_on_spot", self.tr("当场化解/答复")),
            ("routed", self.tr("分流转办")),
            ("group_visits", self.tr("集体访")),
            ("repeat_visits", self.tr("重复访")),
            ("red", self.tr("红色预警")),
            ("orange", self.tr("橙色预警")),
            ("overdue", self.tr("已超期")),
            ("due_soon", self.tr("3 日内到期")),
        ]
        for i, (key, caption) in enumerate(captions):
            value = QLabel("–")
            value.setObjectName(f"figure_{key}")
            value.setProperty("role", "figure")
            cap = QLabel(caption)
            cap.setObjectName("hint")
            row, col = divmod(i, 5)
            grid.addWidget(value, row * 2, col)
            grid.addWidget(cap, row * 2 + 1, col)
            self.figures[key] = value
        figures = QFrame()
        figures.setObjectName("figures")
        figures.setLayout(grid)
        self.range_label = QLabel()
        self.range_label.setObjectName("hint")

        self.breakdowns = QTreeWidget()
        self.breakdowns.setObjectName("breakdowns")
        self.breakdowns.setColumnCount(2)
        self.breakdowns.setHeaderLabels([self.tr("分类"), self.tr("件数")])
        self.breakdowns.setRootIsDecorated(True)
        self.breakdowns.setUniformRowHeights(True)
        self.breakdowns.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.breakdowns.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.breakdowns.header().setStretchLastSection(False)

        # folder
        self.folder_edit = QLineEdit(state.text(desk.settings, state.EXPORT_DIR) or str(default_export_dir()))
        self.folder_edit.setObjectName("folderEdit")
        self.folder_edit.editingFinished.connect(self._folder_changed)
        folder_label = QLabel(self.tr("导出到(&F)"))
        folder_label.setBuddy(self.folder_edit)
        self.browse_button = QPushButton(self.tr("选择…"))
        self.browse_button.clicked.connect(self.browse)
        self.open_button = QPushButton(self.tr("打开文件夹"))
        self.open_button.clicked.connect(self.open_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(folder_label)
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)
        folder_row.addWidget(self.open_button)

        # actions
        self.export_button = QPushButton(self.tr("导出台账"))
        self.export_button.setObjectName("primary")
        self.export_button.setToolTip(self.tr("导出当天的登记簿（XLSX、CSV）、汇总（PDF）和清单"))
        self.export_button.clicked.connect(self.export)
        self.close_button = QPushButton(self.tr("日结"))
        self.close_button.setToolTip(self.tr("固定保存当天的登记簿和汇总数字；日结后再导出，结果完全相同"))
        self.close_button.clicked.connect(self.ask_close_day)
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setVisible(False)
        self.progress.setFormat("%v / %m")
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        actions = QHBoxLayout()
        actions.addWidget(self.export_button)
        actions.addWidget(self.close_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addWidget(figures)
        layout.addWidget(self.range_label)
        layout.addWidget(self.breakdowns, 1)
        layout.addLayout(folder_row)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        self.setTabOrder(self.date_edit, self.today_button)
        self.setTabOrder(self.today_button, self.breakdowns)
        self.setTabOrder(self.breakdowns, self.folder_edit)
        self.setTabOrder(self.folder_edit, self.browse_button)
        self.setTabOrder(self.browse_button, self.open_button)
        self.setTabOrder(self.open_button, self.export_button)
        self.setTabOrder(self.export_button, self.close_button)
        desk.case_saved.connect(self._case_changed)
        desk.case_changed.connect(self._case_changed)

    # -- state ------------------------------------------------------------------------------------
    def today(self) -> date:
        return datetime.now(self.tz).date()

    def day(self) -> date:
        return self.date_edit.date().toPython()

    def set_day(self, day: date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def day_folder(self) -> Path:
        return self.folder() / self.day().isoformat()

    def set_folder(self, path: Path | str) -> None:
        self.folder_edit.setText(str(path))
        self._folder_changed()

    def _folder_changed(self) -> None:
        text = self.folder_edit.text().strip()
        if text:
            self.desk.settings.setValue(state.EXPORT_DIR, text)

    @property
    def busy(self) -> bool:
        return self._exporting or self._closing

    def _set_busy(self, busy: bool) -> None:
        for w in (self.export_button, self.close_button, self.date_edit, self.today_button, self.folder_edit):
            w.setEnabled(not busy)
        self.browse_button.setEnabled(not busy)
        if not busy:
            self._update_close_button()

    def _update_close_button(self) -> None:
        self.close_button.setEnabled(self.closed is None and not self.busy)

    def _say(self, text: str, tone: str = "info") -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone)
        style.repolish(self.message)

    def focus_first(self) -> None:
        self.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _case_changed(self, _case_no: str) -> None:
        if self.isVisible():
            self.refresh()

    @Slot()
    def go_today(self) -> None:
        today = self.today()
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.set_day(today)

    def _day_changed(self, _d: QDate) -> None:
        self.last_result = None
        self._say("")
        self.refresh()

    # -- figures ----------------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        self._load_again = False
        day = self.day()
        self.state_label.setText(self.tr("正在读取…"))
        self.desk.runner.run(
            load_day,
            self.desk.ctx,
            day,
            on_done=lambda result, day=day: self._show_day(day, *result),
            on_error=self._load_failed,
            name="day-summary",
        )

    def _load_finished(self) -> None:
        self._loading = False
        if self._load_again:
            self.refresh()

    def _load_failed(self, exc: BaseException) -> None:
        self.state_label.setText(self.tr("无法读取当天数据"))
        self._load_finished()
        if isinstance(exc, ReceptionError):
            self._say(exc.message(self.desk.lang), "error")
        else:
            self.desk.error.emit(exc)

    def _show_day(self, day: date, summary, closed) -> None:
        self._load_finished()
        if day != self.day():
            return  # the clerk picked another day meanwhile; its figures are on their way
        self.summary, self.closed = summary, closed
        if closed is not None:
            at = closed.closed_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
            text = self.tr("已日结：{0}，日结人 {1}。数字为日结时保存的结果。").format(at, closed.closed_by or "—")
            self.state_label.setProperty("closed", True)
        else:
            text = self.tr("未日结：数字为当前状态。")
            self.state_label.setProperty("closed", False)
        self.state_label.setText(text)
        style.repolish(self.state_label)
        values = {
            "total": summary.total,
            "person_visits": summary.person_visits,
            "resolved_on_spot": summary.resolved_on_spot,
            "routed": summary.routed,
            "group_visits": summary.group_visits,
            "repeat_visits": summary.repeat_visits,
            "red": summary.red,
            "orange": summary.orange,
            "overdue": summary.overdue,
            "due_soon": summary.due_soon,
        }
        for key, label in self.figures.items():
            label.setText(str(values[key]))
        if summary.first_case_no:
            rng = (
                summary.first_case_no
                if summary.first_case_no == summary.last_case_no
                else self.tr("{0} 至 {1}").format(summary.first_case_no, summary.last_case_no)
            )
            self.range_label.setText(self.tr("案件编号：{0}").format(rng))
        else:
            self.range_label.setText(self.tr("当天没有受理案件。"))
        self._fill_breakdowns(summary)
        self._update_close_button()

    def _breakdown_title(self, key: str, fallback: str) -> str:
        titles = {
            "window": self.tr("按受理窗口"),
            "channel": self.tr("按来源渠道"),
            "category": self.tr("按事项类别"),
            "town": self.tr("按问题属地（镇/街道）"),
            "risk": self.tr("按风险等级"),
            "department": self.tr("按承办部门"),
            "disposal": self.tr("按处置方式"),
        }
        return titles.get(key, fallback)

    def _row_label(self, key: str, row) -> str:
        lang = self.desk.lang
        if lang == "zh":
            return row.label
        cfg = self.desk.ctx.config
        if not row.code:
            none = {
                "category": self.tr("未分类"),
                "town": self.tr("未填写属地"),
                "risk": self.tr("未评定"),
                "department": self.tr("不转办（当场化解/答复）"),
                "disposal": self.tr("其他"),
            }
            return none.get(key, self.tr("未知"))
        if key in ("window", "channel", "risk"):
            return enum_label(key, row.code, lang)
        if key == "category":
            return cfg.category_label(row.code, lang)
        if key == "department":
            return cfg.department_label(row.code, lang)
        if key == "disposal":
            return {"resolved": self.tr("当场化解/答复"), "routed": self.tr("分流转办")}.get(row.code, self.tr("其他"))
        return row.label

    def _fill_breakdowns(self, summary) -> None:
        self.breakdowns.clear()
        for b in summary.breakdowns:
            top = QTreeWidgetItem([self._breakdown_title(b.key, b.title), str(b.total)])
            top.setData(0, Qt.ItemDataRole.UserRole, b.key)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for r in b.rows:
                child = QTreeWidgetItem([self._row_label(b.key, r), str(r.count)])
                child.setData(0, Qt.ItemDataRole.UserRole, r.code)
                child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                top.addChild(child)
            top.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.breakdowns.addTopLevelItem(top)
            top.setExpanded(b.key in ("window", "channel", "risk", "disposal"))

    def breakdown_counts(self, key: str) -> dict[str, int]:
        """``{code: count}`` of one breakdown as shown (for tests and tooling)."""
        for i in range(self.breakdowns.topLevelItemCount()):
            top = self.breakdowns.topLevelItem(i)
            if top.data(0, Qt.ItemDataRole.UserRole) == key:
                return {
                    top.child(j).data(0, Qt.ItemDataRole.UserRole): int(top.child(j).text(1))
                    for j in range(top.childCount())
                }
        raise KeyError(key)

    # -- folder -----------------------------------------------------------------------------------
    @Slot()
    def browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("选择导出文件夹"), str(self.folder()))
        if chosen:
            self.set_folder(chosen)

    @Slot()
    def open_folder(self) -> None:
        target = self.day_folder() if self.day_folder().is_dir() else self.folder()
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._say(self.tr("无法创建文件夹 {0}：{1}").format(target, exc.strerror or exc), "error")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self._say(self.tr("无法打开文件夹：{0}").format(target), "error")

    # -- export -----------------------------------------------------------------------------------
    @Slot()
    def export(self) -> None:
        if self.busy:
            return
        if not self.folder_edit.text().strip():
            self._say(self.tr("请先选择导出文件夹。"), "error")
            self.folder_edit.setFocus()
            return
        self._folder_changed()
        day, out = self.day(), self.day_folder()
        self.last_result = None
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self._say(self.tr("正在导出 {0} …").format(day.isoformat()))
        self._exporting = True
        self._set_busy(True)
        task = self.desk.runner.run(
            run_export,
            self.desk.ctx,
            day,
            out,
            self.desk.principal,
            on_done=self._exported,
            on_error=self._export_failed,
            on_progress=self._progress,
            name="export",
        )
        if self._exporting:  # not already delivered
            self._export_task = task

    def _progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.progress.setRange(0, 0)
            return
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))

    def _export_finished(self) -> None:
        self._exporting = False
        self._export_task = None
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)
        self._set_busy(False)

    def _exported(self, result) -> None:
        self.last_result = result
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
        self.progress.setValue(self.progress.maximum())
        self._export_finished()
        names = (", " if self.desk.lang == "en" else "、").join(p.name for p in result.files.values())
        text = self.tr("已导出 {0} 件到 {1}：{2}").format(result.counts["total"], result.manifest.parent, names)
        if result.masked:
            text += self.tr("（证件号码、电话、住址已脱敏）")
        for w in result.warnings:
            text += "\n" + w
        self._say(text, "warn" if result.warnings else "ok")

    def _export_failed(self, exc: BaseException) -> None:
        self._export_finished()
        if isinstance(exc, ReceptionError):
            self._say(exc.message(self.desk.lang), "error")
        else:
            self._say(self.tr("导出失败：{0}").format(type(exc).__name__), "error")
            self.desk.error.emit(exc)

    @Slot()
    def cancel_export(self) -> None:
        task = self._export_task
        if not self._exporting or task is None or task.done():
            return
        task.cancel()
        self.cancel_button.setEnabled(False)
        self._say(self.tr("正在取消导出…"))
        self._cancel_poll.start()

    def _poll_cancel(self) -> None:
        task = self._export_task
        if task is not None and not task.done():
            return
        self._cancel_poll.stop()
        self._export_finished()
        self._say(self.tr("导出已取消，未留下任何文件。"), "warn")

    # -- close the day ----------------------------------------------------------------------------
    @Slot()
    def ask_close_day(self) -> None:
        if self.busy:
            return
        day = self.day()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("日结"),
            self.tr("确定对 {0} 日结吗？\n\n日结会固定保存当天的登记簿和汇总数字，之后不能再次日结。").format(
                day.isoformat()
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("confirmClose")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("日结"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        box.buttonClicked.connect(
            lambda button, box=box, day=day: self._close_answered(
                box.standardButton(button) == QMessageBox.StandardButton.Yes, day
            )
        )
        self.confirm_box = box
        box.open()

    def _close_answered(self, yes: bool, day: date) -> None:
        self.confirm_box = None
        if not yes:
            return
        self._say(self.tr("正在日结 {0} …").format(day.isoformat()))
        self._closing = True
        self._set_busy(True)
        self.desk.runner.run(
            run_close,
            self.desk.ctx,
            day,
            self.desk.principal,
            on_done=self._day_closed,
            on_error=self._close_failed,
            name="close-day",
        )

    def _day_closed(self, record) -> None:
        self._closing = False
        self._set_busy(False)
        self._say(
            self.tr("{0} 已日结：{1} 件。").format(record.day.isoformat(), record.case_count),
            "ok",
        )
        self.refresh()

    def _close_failed(self, exc: BaseException) -> None:
        self._closing = False
        self._set_busy(False)
        if isinstance(exc, ReceptionError):
            self._say(exc.message(self.desk.lang), "error")
            self.refresh()
        else:
            self._say(self.tr("日结失败：{0}").format(type(exc).__name__), "error")
            self.desk.error.emit(exc)
