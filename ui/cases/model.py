"""The case list's table model: a million rows that load a page at a time, off the GUI thread.

Opening the list (a new filter, a new sort order, a refresh) counts the matching cases and reads the
first and the last page in ``desk.runner`` (``reception.caselist``), then resets the model in one go, so
the old rows stay on screen until the new ones are ready and both ends of the list are there at once.
Any other page is read when the view first asks for one of its rows: ``data()`` never touches the
database; it answers "…" for a row not yet loaded, asks the runner for its page, and the page arrives
with ``dataChanged``. Pages are kept in a small LRU cache; the page next to the one being read is asked
for ahead, so scrolling row by row never shows the placeholder. A request for a page that scrolled out of
view before a worker picked it up is dropped.

A repaint asks ``data()`` about ten roles for each visible cell (~2,000 calls), so the cell texts are
made in the worker along with the page and ``data()`` only looks them up.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from reception.caselist import PAGE, CaseFilter, CaseListing, CaseRow, listing_rows, open_listing
from reception.config import HallConfig
from reception.labels import enum_label, field_label
from ui.desk import Desk
from ui.tasks import Cancelled

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    label_field: str  # reception.labels field the header comes from
    sort: str | None  # reception.caselist sort key, or None: not sortable
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


CENTER = Qt.AlignmentFlag.AlignCenter
COLUMNS: tuple[Column, ...] = (
    Column("case_no", "case_no", "case_no"),
    Column("received", "received_at", "received", CENTER),
    Column("window", "window", "window"),
    Column("channel", "channel", None),
    Column("applicant", "applicants", "applicant"),
    Column("category", "category", None),
    Column("department", "department", "department"),
    Column("status", "status", "status"),
    Column("risk", "risk", "risk", CENTER),
    Column("due", "next_due", None),
)
COLUMN_OF = {c.key: i for i, c in enumerate(COLUMNS)}
SORT_COLUMN = {c.sort: i for i, c in enumerate(COLUMNS) if c.sort}
_RISK = COLUMN_OF["risk"]
_DUE = COLUMN_OF["due"]
_ALIGN = tuple(c.align for c in COLUMNS)
_NCOL = len(COLUMNS)

PLACEHOLDER = "…"
#: pages kept in memory (x 200 rows)
CACHE_PAGES = 64
#: rows from a page's edge at which the neighbouring page is asked for ahead
PREFETCH_MARGIN = 100
#: at most this many pages asked for at once (the most recent wins)
MAX_INFLIGHT = 4

RISK_BACKGROUND = {"red": QBrush(QColor("#fde2e1")), "orange": QBrush(QColor("#ffedd5"))}
RISK_FOREGROUND = {"red": QBrush(QColor("#b91c1c")), "orange": QBrush(QColor("#c2410c"))}
OVERDUE_FOREGROUND = QBrush(QColor("#b91c1c"))

# roles as plain ints: data() compares them a few thousand times per repaint
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_USER = int(Qt.ItemDataRole.UserRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)


@dataclass(frozen=True, slots=True)
class Line:
    """One loaded row: the case and its cells' texts."""

    case: CaseRow
    texts: tuple[str, ...]


def cell_texts(r: CaseRow, config: HallConfig, lang: str, overdue_word: str) -> tuple[str, ...]:
    """What each column shows for a case (plain Python: runs in the worker that read the page)."""
    due = r.next_due.isoformat() if r.next_due else ""
    if r.overdue:
        due = f"{due} {overdue_word}"
    return (
        r.case_no,
        r.received_at.strftime("%Y-%m-%d %H:%M"),
        enum_label("window", r.window, lang),
        enum_label("channel", r.channel, lang),
        r.applicant_name,
        config.category_label(r.category, lang) if r.category else "",
        config.department_label(r.department, lang) if r.department else "",
        enum_label("status", r.status, lang),
        enum_label("risk", r.risk_level, lang),
        due,
    )


class _PageRequest:
    """A page asked of the runner; dropped if no longer wanted when a worker picks it up."""

    def __init__(self, page: int):
        self.page = page
        self.dropped = threading.Event()
        self.started = threading.Event()


class CaseTableModel(QAbstractTableModel):
    """Rows of ``reception.caselist`` for a ``QTableView``. ``UserRole`` of every cell is the case number."""

    opened = Signal()  # a new listing is shown (count known, first and last page loaded)
    loading_changed = Signal(bool)  # a listing is being opened
    failed = Signal(object)  # opening or reading a page failed: the exception

    def __init__(
        self,
        desk: Desk,
        parent=None,
        *,
        case_filter: CaseFilter | None = None,
        sort: str = "received",
        descending: bool = True,
        page_size: int = PAGE,
    ):
        super().__init__(parent)
        self.desk = desk
        self.page_size = page_size
        self._filter = case_filter or CaseFilter()
        self._sort = sort
        self._descending = descending
        self._listing: CaseListing | None = None
        self._total = 0
        self._pages: OrderedDict[int, list[Line]] = OrderedDict()
        self._generation = 0
        self._open_task = None
        self._requests: dict[int, _PageRequest] = {}
        self._wanted: list[int] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush)
        self.pages_loaded = 0  # pages read after opening (for tests and the benchmark)
        self._overdue_font = QFont()
        self._overdue_font.setBold(True)
        self._overdue_word = self.tr("逾期")
        self._margin = min(PREFETCH_MARGIN, page_size // 2)

    # -- state ------------------------------------------------------------------------------------
    @property
    def filter(self) -> CaseFilter:
        return self._filter

    @property
    def sort_key(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    @property
    def listing(self) -> CaseListing | None:
        return self._listing

    @property
    def total(self) -> int:
        return self._total

    @property
    def loading(self) -> bool:
        return self._open_task is not None

    def is_loaded(self, row: int) -> bool:
        return row // self.page_size in self._pages

    def row(self, row: int) -> CaseRow | None:
        """The case at ``row`` if its page is loaded (never reads the database)."""
        lines = self._pages.get(row // self.page_size)
        if lines is None or row < 0:
            return None
        i = row % self.page_size
        return lines[i].case if i < len(lines) else None

    def case_no(self, row: int) -> str | None:
        r = self.row(row)
        return r.case_no if r else None

    def find(self, case_no: str) -> int:
        """Row of ``case_no`` among the loaded pages, or -1."""
        for p, lines in self._pages.items():
            for i, line in enumerate(lines):
                if line.case.case_no == case_no:
                    return p * self.page_size + i
        return -1

    # -- opening ----------------------------------------------------------------------------------
    def set_filter(self, f: CaseFilter) -> None:
        """Show the cases ``f`` matches (from the first row)."""
        self._filter = f
        self.reopen()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by ``column``; columns without an index to sort on are ignored."""
        if not 0 <= column < _NCOL or COLUMNS[column].sort is None:
            return
        self.sort_by(COLUMNS[column].sort, order == Qt.SortOrder.DescendingOrder)

    def sort_by(self, key: str, descending: bool) -> None:
        self.set_sort(key, descending)

    def set_sort(self, key: str, descending: bool, *, reopen: bool = True) -> None:
        """Sort by a ``reception.caselist`` sort key; ``reopen=False`` only records it (before opening)."""
        if key not in SORT_COLUMN:
            raise ValueError(f"not a sortable column: {key!r}")
        if key == self._sort and descending == self._descending and self._listing is not None:
            return
        self._sort = key
        self._descending = descending
        if reopen:
            self.reopen()

    def sort_column(self) -> int:
        return SORT_COLUMN.get(self._sort, -1)

    def refresh(self) -> None:
        """Count and read again with the same filter and order (new and changed cases appear)."""
        self.reopen()

    def reopen(self) -> None:
        self._generation += 1
        gen = self._generation
        self._drop_requests()
        if self._open_task is not None:
            self._open_task.cancel()
        was_loading = self._open_task is not None
        self._open_task = self.desk.runner.run(
            _open,
            self.desk.ctx,
            self._filter,
            self._sort,
            self._descending,
            self.page_size,
            self.desk.lang,
            self._overdue_word,
            on_done=lambda result: _alive(self) and self._opened(gen, result),
            on_error=lambda exc: _alive(self) and self._open_failed(gen, exc),
            name="case-list-open",
        )
        if not was_loading:
            self.loading_changed.emit(True)

    def _opened(self, gen: int, result) -> None:
        if gen != self._generation:
            return
        listing, pages = result
        self._open_task = None
        self.beginResetModel()
        self._listing = listing
        self._total = listing.total
        self._pages = OrderedDict(pages)
        self._wanted = []
        self.endResetModel()
        self.loading_changed.emit(False)
        self.opened.emit()

    def _open_failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._open_task = None
        self.loading_changed.emit(False)
        log.warning("opening the case list failed: %s", type(exc).__name__)
        self.failed.emit(exc)

    # -- pages ------------------------------------------------------------------------------------
    def _want(self, page: int) -> None:
        if page in self._pages or page < 0 or page * self.page_size >= self._total:
            return
        if page in self._wanted:
            self._wanted.remove(page)
        self._wanted.append(page)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        """Ask for the pages wanted since the last event loop turn; drop queued ones no longer wanted."""
        wanted = self._wanted[-MAX_INFLIGHT:]
        self._wanted = []
        dropped = []
        for page, req in list(self._requests.items()):
            if page not in wanted and not req.started.is_set():
                req.dropped.set()
                del self._requests[page]
                dropped.append(page)
        listing = self._listing
        gen = self._generation
        for page in wanted:
            if page in self._requests or page in self._pages or listing is None:
                continue
            req = _PageRequest(page)
            try:
                self.desk.runner.run(
                    _read_page,
                    self.desk.ctx,
                    listing,
                    req,
                    self.page_size,
                    self.desk.lang,
                    self._overdue_word,
                    on_done=lambda lines, gen=gen, req=req: _alive(self) and self._page_read(gen, req, lines),
                    on_error=lambda exc, gen=gen, req=req: _alive(self) and self._page_failed(gen, req, exc),
                    name="case-list-page",
                )
            except RuntimeError:  # the desk is closing: its runner takes no more work
                return
            self._requests[page] = req
        # a view still showing a dropped page repaints it and so asks for it again; others ignore this
        for page in dropped:
            self._page_changed(page)

    def _page_changed(self, page: int) -> None:
        first = page * self.page_size
        last = min(self._total, first + self.page_size) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, _NCOL - 1))

    def _page_read(self, gen: int, req: _PageRequest, lines: list[Line]) -> None:
        if self._requests.get(req.page) is req:
            del self._requests[req.page]
        if gen != self._generation or req.dropped.is_set():
            return
        self._pages[req.page] = lines
        self._pages.move_to_end(req.page)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        self.pages_loaded += 1
        self._page_changed(req.page)

    def _page_failed(self, gen: int, req: _PageRequest, exc: BaseException) -> None:
        if self._requests.get(req.page) is req:
            del self._requests[req.page]
        if gen != self._generation:
            return
        log.warning("reading a page of the case list failed: %s", type(exc).__name__)
        self.failed.emit(exc)

    def _drop_requests(self) -> None:
        for req in self._requests.values():
            req.dropped.set()
        self._requests.clear()
        self._wanted = []

    def _line(self, row: int) -> Line | None:
        """The loaded row, or None after asking for its page (and the next one near a page's edge)."""
        if row < 0 or row >= self._total:
            return None
        page, offset = divmod(row, self.page_size)
        lines = self._pages.get(page)
        if lines is None:
            self._want(page)
            return None
        self._pages.move_to_end(page)
        if offset < self._margin:
            if page - 1 not in self._pages:
                self._want(page - 1)
        elif offset >= self.page_size - self._margin and page + 1 not in self._pages:
            self._want(page + 1)
        return lines[offset] if offset < len(lines) else None

    # -- QAbstractTableModel ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _NCOL

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < _NCOL:
                return None
            col = COLUMNS[section]
            if role == _DISPLAY:
                return field_label(col.label_field, self.desk.lang)
            if role == _TOOLTIP:
                label = field_label(col.label_field, self.desk.lang)
                return self.tr("按{0}排序").format(label) if col.sort else label
            if role == _ALIGNMENT:
                return col.align
            return None
        if role == _DISPLAY and 0 <= section < self._total:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        # Called ~2,000 times per repaint: cheapest tests first, no database, no formatting.
        if role == _DISPLAY:
            row = index.row()
            col = index.column()
            if not 0 <= col < _NCOL:
                return None
            line = self._line(row)
            if line is None:
                return (PLACEHOLDER if col == 0 else "") if 0 <= row < self._total else None
            return line.texts[col]
        if role == _ALIGNMENT:
            col = index.column()
            return _ALIGN[col] if 0 <= col < _NCOL and index.isValid() else None
        if role in (_FOREGROUND, _BACKGROUND, _FONT):
            col = index.column()
            if col != _RISK and col != _DUE:
                return None
            line = self._line(index.row())
            if line is None:
                return None
            r = line.case
            if col == _RISK:
                if role == _FOREGROUND:
                    return RISK_FOREGROUND.get(r.risk_level)
                return RISK_BACKGROUND.get(r.risk_level) if role == _BACKGROUND else None
            if not r.overdue:
                return None
            if role == _FOREGROUND:
                return OVERDUE_FOREGROUND
            return self._overdue_font if role == _FONT else None
        if role == _USER:
            line = self._line(index.row())
            return line.case.case_no if line is not None else None
        if role == _TOOLTIP:
            line = self._line(index.row())
            col = index.column()
            if line is None or not 0 <= col < _NCOL:
                return None
            return self._tooltip(col, line)
        return None

    def _tooltip(self, col: int, line: Line) -> str:
        r = line.case
        if col == _DUE and r.overdue:
            return self.tr("办理期限 {0} 已过，案件尚未办结").format(r.next_due.isoformat())
        if col == 0:
            return self.tr("{0}：按回车键或双击打开").format(r.case_no)
        return line.texts[col]


def _alive(obj) -> bool:
    """The model still exists (a page may arrive after its page was closed)."""
    return shiboken6.isValid(obj)


# -- worker side (no Qt objects touched) ------------------------------------------------------------


def _lines(ctx, rows: list[CaseRow], lang: str, overdue_word: str) -> list[Line]:
    return [Line(r, cell_texts(r, ctx.config, lang, overdue_word)) for r in rows]


def _open(ctx, f: CaseFilter, sort: str, descending: bool, page_size: int, lang: str, overdue_word: str):
    """Count, then read the first page and the page(s) holding the last rows of a screen."""
    listing = open_listing(ctx, f, sort, descending)
    pages: list[tuple[int, list[Line]]] = []
    if listing.total:
        pages.append((0, _lines(ctx, listing_rows(ctx, listing, 0, page_size), lang, overdue_word)))
        last = (listing.total - 1) // page_size
        # the last page may hold only a few rows: the screen at the end needs the one before as well
        short = listing.total - last * page_size < page_size // 2
        for p in sorted({last - 1, last} if short else {last}):
            if p > 0:
                rows = listing_rows(ctx, listing, p * page_size, page_size)
                pages.append((p, _lines(ctx, rows, lang, overdue_word)))
    return listing, pages


def _read_page(ctx, listing: CaseListing, req: _PageRequest, page_size: int, lang: str, overdue_word: str):
    if req.dropped.is_set():
        raise Cancelled(f"page {req.page}")
    req.started.set()
    return _lines(ctx, listing_rows(ctx, listing, req.page * page_size, page_size), lang, overdue_word)
