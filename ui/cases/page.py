"""案件查询: the case list — filters, one search box, a table that stays instant with a million cases.

Every filter and the search text become a ``reception.caselist.CaseFilter``; the model (``model.py``)
counts and reads pages in the runner, so neither typing nor a filter change ever waits for the
database. The search runs on Enter. Sorting is done in SQL by clicking a column header (columns the
database cannot sort quickly — channel, category, deadline — do not sort). Column widths, order and the
sort order are remembered per workstation (``state.CASE_COLUMNS``).

Keys: Ctrl+F search, Enter or double-click opens the case, Home/End (or Ctrl+Home/Ctrl+End) go to the
first/last case, Down in the search box goes to the list, F5 (from the main window) refreshes.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QByteArray, QDate, QEvent, QItemSelectionModel, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reception.caselist import STATUSES, CaseFilter
from reception.errors import ValidationFailed
from reception.labels import enum_label
from reception.vocab import RISK_LEVELS, WINDOWS
from ui import state, style
from ui.cases.model import COLUMNS, SORT_COLUMN, CaseTableModel
from ui.desk import Desk

log = logging.getLogger(__name__)

#: the date presets: key -> days back from today (None: no date limit; "custom": the two date fields)
PERIODS = ("today", "7", "30", "90", "year", "all", "custom")
DEFAULT_PERIOD = "30"
#: how long a filter change waits for the next one before the list is asked again
FILTER_DELAY_MS = 150
#: default widths of the columns: a typical value of each, measured in the table's font
SAMPLES = {
    "case_no": "ZZ-150304-W01-2026-000000",
    "received": "2026-11-28 17:20",
    "window": "检察服务(12309)",
    "channel": "网格上报",
    "applicant": "欧阳修远",
    "category": "道路交通事故",
    "department": "区人力资源社会保障局",
    "status": "办理中",
    "risk": "橙色",
    "due": "2026-12-31 逾期",
}


class CasesPage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("casesPage")
        self._stale = False
        #: after a refresh: the case that was current and its row (the same row if the case is not loaded)
        self._select_after_open: tuple[str, int] | None = None

        title = QLabel(self.tr("案件查询"))
        title.setProperty("role", "heading")
        self.count_label = QLabel()
        self.count_label.setObjectName("caseCount")
        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setToolTip(self.tr("重新查询（F5）"))
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(self.count_label)
        head.addSpacing(12)
        head.addWidget(self.status_label, 1)
        head.addWidget(self.refresh_button)

        # -- filters ------------------------------------------------------------------------------
        lang = desk.lang
        self.period = QComboBox()
        self.period.setObjectName("period")
        for key, text in zip(
            PERIODS,
            (
                self.tr("今天"),
                self.tr("近7天"),
                self.tr("近30天"),
                self.tr("近90天"),
                self.tr("今年"),
                self.tr("全部"),
                self.tr("自定义"),
            ),
            strict=True,
        ):
            self.period.addItem(text, key)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for w, name in ((self.date_from, "dateFrom"), (self.date_to, "dateTo")):
            w.setObjectName(name)
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
        windows = [(w, enum_label("window", w, lang)) for w in WINDOWS]
        self.window_box = self._combo("windowFilter", self.tr("全部窗口"), windows)
        self.status_box = self._combo(
            "statusFilter", self.tr("全部状态"), [(s, enum_label("status", s, lang)) for s in STATUSES]
        )
        departments = [(code, d.label(lang)) for code, d in desk.ctx.config.departments.items()]
        self.department_box = self._combo("departmentFilter", self.tr("全部部门"), departments)
        risks = [(r, enum_label("risk", r, lang)) for r in RISK_LEVELS]
        self.risk_box = self._combo("riskFilter", self.tr("全部风险"), risks)
        self.overdue_box = QCheckBox(self.tr("仅看逾期"))
        self.overdue_box.setObjectName("overdueFilter")
        self.overdue_box.setToolTip(self.tr("有已过期的办理期限、且尚未办结的案件"))
        self.clear_button = QPushButton(self.tr("重置"))
        self.clear_button.setToolTip(self.tr("清除全部筛选条件和查询内容"))
        self.clear_button.clicked.connect(self.reset_filters)

        bar = QHBoxLayout()
        received = QLabel(self.tr("受理日期"))
        received.setBuddy(self.period)
        bar.addWidget(received)
        bar.addWidget(self.period)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.date_to)
        bar.addSpacing(8)
        for w in (self.window_box, self.status_box, self.department_box, self.risk_box):
            bar.addWidget(w)
        bar.addWidget(self.overdue_box)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)

        self.search = QLineEdit()
        self.search.setObjectName("caseSearch")
        self.search.setPlaceholderText(self.tr("案件编号、姓名、证件号码、电话或事实关键词，回车查询（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(100)
        self.search.returnPressed.connect(self.run_search)
        self.search.textChanged.connect(self._search_text_changed)
        self.search.installEventFilter(self)
        self.search_button = QPushButton(self.tr("查询"))
        self.search_button.setObjectName("primary")
        self.search_button.clicked.connect(self.run_search)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)

        # -- the table ----------------------------------------------------------------------------
        self.model = CaseTableModel(desk, self)
        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setCornerButtonEnabled(False)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # fixed row height: no row is ever measured
        vh.setDefaultSectionSize(self.fontMetrics().height() + 10)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setSectionsMovable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        hh.setSortIndicatorShown(True)
        hh.setSectionsClickable(True)
        fm = self.table.fontMetrics()
        for i, col in enumerate(COLUMNS):
            label = self.model.headerData(i, Qt.Orientation.Horizontal)
            self.table.setColumnWidth(i, max(fm.horizontalAdvance(SAMPLES[col.key]), fm.horizontalAdvance(label)) + 24)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)

        QWidget.setTabOrder(self.search, self.search_button)
        QWidget.setTabOrder(self.search_button, self.table)
        QWidget.setTabOrder(self.table, self.period)
        chain = [self.period, self.date_from, self.date_to, self.window_box, self.status_box]
        chain += [self.department_box, self.risk_box, self.overdue_box, self.clear_button, self.refresh_button]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        # -- state and signals --------------------------------------------------------------------
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filters)
        self._header_timer = QTimer(self)
        self._header_timer.setSingleShot(True)
        self._header_timer.setInterval(300)
        self._header_timer.timeout.connect(self.save_header)

        self._set_period(DEFAULT_PERIOD)
        self._restore_header()
        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        for box in (self.window_box, self.status_box, self.department_box, self.risk_box):
            box.currentIndexChanged.connect(self._filters_changed)
        self.overdue_box.toggled.connect(self._filters_changed)
        hh.sectionClicked.connect(self._header_clicked)
        hh.sectionResized.connect(self._header_changed)
        hh.sectionMoved.connect(self._header_changed)
        self.model.opened.connect(self._opened)
        self.model.loading_changed.connect(self._loading)
        self.model.failed.connect(self._failed)
        desk.case_saved.connect(self._case_changed)
        desk.case_changed.connect(self._case_changed)

        self.apply_filters()

    def _combo(self, name: str, everything: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.addItem(everything, None)
        for code, label in items:
            box.addItem(label, code)
        # a calm bar: the box is as wide as a short label (at least its "all …" label, which is longer in
        # English), its list as wide as the longest
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(max(7, len(everything)))
        box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
        return box

    # -- the page contract ------------------------------------------------------------------------
    def focus_first(self) -> None:
        self.focus_search()

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @Slot()
    def refresh(self) -> None:
        """Count and read again (F5, and after a case is saved or changed)."""
        self._stale = False
        key = self.period.currentData()
        if key not in ("custom", "all"):  # "the last 30 days" move on when the desk stays open overnight
            self._show_period_dates(key)
        case_no = self.current_case_no()
        self._select_after_open = (case_no, self.table.currentIndex().row()) if case_no else None
        # what the widgets show, with the search text last asked for (not a half-typed one)
        self.model.set_filter(replace(self.current_filter(), query=self.model.filter.query))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _case_changed(self, _case_no: str) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    # -- filters ----------------------------------------------------------------------------------
    def _today(self) -> date:
        return datetime.now(ZoneInfo(self.desk.ctx.config.centre.timezone)).date()

    def _set_period(self, key: str) -> None:
        self.period.blockSignals(True)
        self.period.setCurrentIndex(PERIODS.index(key))
        self.period.blockSignals(False)
        self._show_period_dates(key)

    def _show_period_dates(self, key: str) -> None:
        today = self._today()
        start = {
            "today": today,
            "7": today - timedelta(days=6),
            "30": today - timedelta(days=29),
            "90": today - timedelta(days=89),
            "year": date(today.year, 1, 1),
        }.get(key)
        for w in (self.date_from, self.date_to):
            w.blockSignals(True)
        if start is not None:
            self.date_from.setDate(QDate(start.year, start.month, start.day))
            self.date_to.setDate(QDate(today.year, today.month, today.day))
        for w in (self.date_from, self.date_to):
            w.blockSignals(False)
            w.setEnabled(key != "all")

    def _period_changed(self, _index: int) -> None:
        self._show_period_dates(self.period.currentData())
        self._filters_changed()

    def _dates_edited(self, _date: QDate) -> None:
        if self.period.currentData() != "custom":
            self.period.blockSignals(True)
            self.period.setCurrentIndex(PERIODS.index("custom"))
            self.period.blockSignals(False)
        self._filters_changed()

    def _filters_changed(self, *_args) -> None:
        self._filter_timer.start()

    def current_filter(self) -> CaseFilter:
        """The filter the widgets describe (presets end "today" open-ended, so new cases appear)."""
        key = self.period.currentData()
        d_from = d_to = None
        if key == "custom":
            d_from, d_to = self.date_from.date().toPython(), self.date_to.date().toPython()
        elif key != "all":
            d_from = self.date_from.date().toPython()
        return CaseFilter(
            date_from=d_from,
            date_to=d_to,
            window=self.window_box.currentData(),
            status=self.status_box.currentData(),
            department=self.department_box.currentData(),
            risk=self.risk_box.currentData(),
            overdue=self.overdue_box.isChecked(),
            query=self.search.text().strip(),
        )

    @Slot()
    def apply_filters(self) -> None:
        self._filter_timer.stop()
        f = self.current_filter()
        if f == self.model.filter and self.model.listing is not None:
            return
        self._select_after_open = None
        self.model.set_filter(f)

    @Slot()
    def run_search(self) -> None:
        """Enter in the search box: ask the list again with the search text (in the runner)."""
        self.apply_filters()

    def _search_text_changed(self, text: str) -> None:
        if not text.strip() and self.model.filter.query:
            self.apply_filters()  # the clear button, or the text deleted: back to the filters alone

    @Slot()
    def reset_filters(self) -> None:
        for box in (self.window_box, self.status_box, self.department_box, self.risk_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.overdue_box.blockSignals(True)
        self.overdue_box.setChecked(False)
        self.overdue_box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._set_period(DEFAULT_PERIOD)
        self.apply_filters()

    # -- results ----------------------------------------------------------------------------------
    def _loading(self, busy: bool) -> None:
        if busy:
            self.status_label.setProperty("tone", None)
            self.status_label.setText(self.tr("正在查询…"))
            style.repolish(self.status_label)

    def _opened(self) -> None:
        total = self.model.total
        self.count_label.setText(self.tr("共 {0} 件").format(f"{total:,}"))
        self.status_label.setText("" if total else self.tr("没有符合条件的案件"))
        self._show_sort(self.model.sort_column(), self.model.descending)
        keep = self._select_after_open
        self._select_after_open = None
        if keep:
            row = self.model.find(keep[0])
            self._select(row if row >= 0 else min(keep[1], total - 1))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed):
            self.status_label.setProperty("tone", "error")
            self.status_label.setText(self.tr("；").join(e.text(self.desk.lang) for e in exc.errors))
            style.repolish(self.status_label)
            return
        self.status_label.setProperty("tone", "error")
        self.status_label.setText(self.tr("查询失败"))
        style.repolish(self.status_label)
        self.desk.error.emit(exc)

    # -- sorting and columns ----------------------------------------------------------------------
    def _show_sort(self, section: int, descending: bool) -> None:
        hh = self.table.horizontalHeader()
        hh.blockSignals(True)
        hh.setSortIndicator(section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        hh.blockSignals(False)

    def _header_clicked(self, section: int) -> None:
        col = COLUMNS[section]
        if col.sort is None:  # not sortable: keep the indicator where the sort really is
            self._show_sort(self.model.sort_column(), self.model.descending)
            return
        # the same column again flips the order; a new one starts newest first (received) or from the top
        same = col.sort == self.model.sort_key
        self.sort_by(col.sort, not self.model.descending if same else col.sort == "received")

    def sort_by(self, key: str, descending: bool) -> None:
        """Sort the list by a ``reception.caselist`` sort key (what a header click does)."""
        self._show_sort(SORT_COLUMN[key], descending)
        self._select_after_open = None
        self.model.sort_by(key, descending)
        self._header_changed()

    def _header_changed(self, *_args) -> None:
        self._header_timer.start()

    @Slot()
    def save_header(self) -> None:
        self._header_timer.stop()
        self.desk.settings.setValue(state.CASE_COLUMNS, self.table.horizontalHeader().saveState())

    def _restore_header(self) -> None:
        """Column widths, order and the sort order as the clerk left them on this workstation."""
        hh = self.table.horizontalHeader()
        saved = self.desk.settings.value(state.CASE_COLUMNS)
        descending = True
        key = "received"
        if isinstance(saved, QByteArray | bytes) and hh.restoreState(QByteArray(saved)):
            section = hh.sortIndicatorSection()
            if 0 <= section < len(COLUMNS) and COLUMNS[section].sort:
                key = COLUMNS[section].sort
                descending = hh.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        self._show_sort(SORT_COLUMN[key], descending)
        self.model.set_sort(key, descending, reopen=False)  # the list is opened once, after this

    def hideEvent(self, event) -> None:
        if self._header_timer.isActive():
            self.save_header()
        super().hideEvent(event)

    # -- moving and opening -----------------------------------------------------------------------
    def current_case_no(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.case_no(index.row()) if index.isValid() else None

    def _select(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    @Slot()
    def go_to_end(self) -> None:
        """The last case (End / Ctrl+End): its page was read when the list was opened."""
        self._select(self.model.rowCount() - 1)
        self.table.scrollToBottom()

    @Slot()
    def go_to_start(self) -> None:
        self._select(0)
        self.table.scrollToTop()

    def open_row(self, row: int) -> bool:
        """Open the case at ``row`` (Enter / double-click); nothing happens on a row still loading."""
        case_no = self.model.case_no(row)
        if case_no is None:
            return False
        self.desk.open_case.emit(case_no)
        return True

    def _select_current(self) -> None:
        """The table got the focus: show its current row selected (Qt makes the first row current)."""
        index = self.table.currentIndex()
        if not self.table.selectionModel().hasSelection():
            self._select(index.row() if index.isValid() else 0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.FocusIn:
            QTimer.singleShot(0, self._select_current)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if obj is self.table:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    index = self.table.currentIndex()
                    if index.isValid():
                        self.open_row(index.row())
                    return True
                if key == Qt.Key.Key_End:
                    self.go_to_end()
                    return True
                if key == Qt.Key.Key_Home:
                    self.go_to_start()
                    return True
            elif obj is self.search and key == Qt.Key.Key_Down and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self._select(0)
                return True
        return super().eventFilter(obj, event)
