"""Case list benchmark (案件查询): opening the list and jumping to its end with a million cases.

Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_case_list.py --db /tmp/rbench/bench-1000000.sqlite3
    .venv/bin/python benchmarks/bench_case_list.py --cases 100000      # builds a database like bench_core

Runs the real model (``ui.cases.model.CaseTableModel``) in a real ``QTableView`` of 1280x800 on the
offscreen platform, with the real runner, for a few sort orders and filters:

* open: from creating the model to the first painted screen full of rows (count, first and last page
  read in the runner, model reset, a synchronous repaint of the viewport);
* end: ``scrollToBottom()`` and a repaint until every visible row holds data (Ctrl+End);
* middle: the same for the middle of the list (a page not read yet: loaded in the background);
* gui: the longest single repaint of the viewport (what the GUI thread spends, data() included);
* and the core alone (``open_listing`` and ``listing_rows``) for the same lists.

Targets: list open <= 200 ms, jump to end <= 200 ms, nothing on the GUI thread over ~20 ms.
The SQLite file must be at schema 0004 (opening it migrates it, after a backup copy).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

from reception.caselist import CaseFilter, listing_rows, open_listing
from reception.context import open_context
from ui.cases.model import PLACEHOLDER, CaseTableModel
from ui.desk import Desk
from ui.state import open_settings


def ms(seconds: float) -> float:
    return seconds * 1000


def wait(signal, timeout_ms: int = 60_000) -> bool:
    """Run the event loop until ``signal`` (True) or the timeout (False)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: loop.exit(1))
    signal.connect(loop.quit)
    timer.start(timeout_ms)
    try:
        return loop.exec() == 0
    finally:
        timer.stop()
        signal.disconnect(loop.quit)


class Probe:
    """A table view on the offscreen screen and the longest repaint seen."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.view = QTableView()
        self.view.resize(1280, 800)
        vh = self.view.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        vh.setVisible(False)
        self.view.show()
        self.longest_paint = 0.0

    def paint(self) -> None:
        t = time.perf_counter()
        self.view.viewport().repaint()
        self.longest_paint = max(self.longest_paint, time.perf_counter() - t)

    def visible_rows(self, model: CaseTableModel) -> range:
        top = self.view.rowAt(0)
        bottom = self.view.rowAt(self.view.viewport().height() - 1)
        if top < 0:
            return range(0)
        if bottom < 0:
            bottom = model.rowCount() - 1
        return range(top, bottom + 1)

    def settle(self, model: CaseTableModel, timeout_s: float = 60.0) -> None:
        """Repaint until every visible row shows data (pages arrive from the runner meanwhile)."""
        deadline = time.perf_counter() + timeout_s
        while True:
            self.paint()
            if all(model.data(model.index(r, 0)) != PLACEHOLDER for r in self.visible_rows(model)):
                return
            if time.perf_counter() > deadline:
                raise TimeoutError("rows never arrived")
            wait(model.dataChanged, 2000)

    def open(self, f: CaseFilter, sort: str, descending: bool) -> tuple[CaseTableModel, float]:
        t = time.perf_counter()
        model = CaseTableModel(self.desk, case_filter=f, sort=sort, descending=descending)
        self.view.setModel(model)
        model.reopen()
        if not wait(model.opened):
            raise TimeoutError(f"the list did not open ({self.desk.runner.pending} tasks pending)")
        self.settle(model)
        return model, time.perf_counter() - t

    def jump(self, model: CaseTableModel, row: int) -> float:
        t = time.perf_counter()
        if row >= model.rowCount() - 1:
            self.view.scrollToBottom()
        else:
            self.view.scrollTo(model.index(row, 0))
        self.settle(model)
        return time.perf_counter() - t


def scenarios(today) -> list[tuple[str, CaseFilter, str, bool]]:
    d30 = today - timedelta(days=29)
    year = today - timedelta(days=365)
    return [
        ("all, newest first", CaseFilter(), "received", True),
        ("last 30 days (the default)", CaseFilter(date_from=d30), "received", True),
        ("all, by applicant name", CaseFilter(), "applicant", False),
        ("all, by risk (red first)", CaseFilter(), "risk", False),
        ("all, by case number", CaseFilter(), "case_no", True),
        ("window petition", CaseFilter(window="petition"), "received", True),
        ("petition + red, by window", CaseFilter(window="petition", risk="red"), "window", False),
        ("30 days + mediation, by name", CaseFilter(date_from=d30, window="mediation"), "applicant", False),
        ("1 year + orange, by status", CaseFilter(date_from=year, risk="orange"), "status", False),
        ("overdue", CaseFilter(overdue=True), "received", True),
        ("search words 工资 (all dates)", CaseFilter(query="工资"), "received", True),
        ("search words 物业 电梯, 30 days", CaseFilter(date_from=d30, query="物业 电梯"), "received", True),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="SQLAlchemy URL or SQLite file of an existing database")
    ap.add_argument("--cases", type=int, default=1_000_000, help="without --db: build (once) a database this big")
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "reception-bench"))
    ap.add_argument("--repeat", type=int, default=3, help="runs of each scenario (the first is reported apart)")
    args = ap.parse_args()

    if args.db:
        url = args.db if "://" in args.db else "sqlite:///" + Path(args.db).resolve().as_posix()
        fresh = False
    else:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench-{args.cases}.sqlite3"
        url = "sqlite:///" + path.as_posix()
        fresh = not path.exists()

    app = QApplication.instance() or QApplication([])
    t = time.perf_counter()
    ctx = open_context(url)
    print(f"opened {ctx.db.display_url} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    settings_dir = Path(tempfile.mkdtemp(prefix="bench-case-list-"))
    desk = Desk(ctx, open_settings(settings_dir / "desk-state.ini"))
    try:
        if fresh:
            from bench_core import bulk_fill

            print(f"building {args.cases:,} cases ...", file=sys.stderr)
            bulk_fill(ctx, args.cases)
        total = open_listing(ctx, CaseFilter()).total
        print(f"database: {total:,} cases ({ctx.db.dialect}); view 1280x800; {args.repeat} runs per list")
        today = datetime.now(ZoneInfo(ctx.config.centre.timezone)).date()
        probe = Probe(desk)
        # Qt's one-time costs (first paint of Chinese text, fonts) are paid by the window long before
        # the clerk opens the list: pay them here, untimed, and show them apart
        model, t_first = probe.open(CaseFilter(), "received", True)
        first_paint = probe.longest_paint
        probe.view.setModel(None)
        model.deleteLater()
        print(f"warm-up: first open in this process {ms(t_first):.0f} ms (longest paint {ms(first_paint):.0f} ms)")

        print()
        print("Desk (model + QTableView): ms, first run / median of the rest")
        print(f"{'list':<34} {'rows':>9}  {'open':>15}  {'end':>13}  {'middle':>13}  {'gui max':>7}")
        for name, f, sort, desc in scenarios(today):
            opens, ends, mids = [], [], []
            probe.longest_paint = 0.0
            rows = 0
            for _ in range(args.repeat):
                model, t_open = probe.open(f, sort, desc)
                rows = model.rowCount()
                opens.append(t_open)
                if rows:
                    ends.append(probe.jump(model, rows - 1))
                    mids.append(probe.jump(model, rows // 2))
                probe.view.setModel(None)
                model.deleteLater()

            def cell(values: list[float]) -> str:
                if not values:
                    return "-"
                rest = values[1:] or values
                return f"{ms(values[0]):6.1f} /{ms(statistics.median(rest)):6.1f}"

            print(
                f"{name:<34} {rows:>9,}  {cell(opens):>15}  {cell(ends):>13}  {cell(mids):>13}"
                f"  {ms(probe.longest_paint):7.1f}"
            )

        print()
        print(
            "Scrolling: Page Down x 60 from the top, Page Up x 20 from the end, a key every 30 ms (all, newest first)"
        )
        model, _ = probe.open(CaseFilter(), "received", True)
        probe.longest_paint = 0.0
        steps, waited = [], 0
        probe.view.setFocus()
        probe.view.setCurrentIndex(model.index(0, 0))
        for key, n, start in ((Qt.Key.Key_PageDown, 60, 0), (Qt.Key.Key_PageUp, 20, model.rowCount() - 1)):
            probe.view.setCurrentIndex(model.index(start, 0))
            probe.view.scrollTo(model.index(start, 0))
            probe.settle(model)
            for _ in range(n):
                t = time.perf_counter()
                QTest.keyClick(probe.view, key)
                probe.paint()
                missing = any(model.data(model.index(r, 0)) == PLACEHOLDER for r in probe.visible_rows(model))
                waited += missing
                probe.settle(model)
                steps.append(time.perf_counter() - t)
                QTest.qWait(30)  # the next key press comes ~30 ms later (keyboard auto-repeat)
        print(
            f"  per step: median {ms(statistics.median(steps)):.1f} ms, max {ms(max(steps)):.1f} ms; "
            f"steps that showed a row still loading: {waited} of {len(steps)}; "
            f"longest paint {ms(probe.longest_paint):.1f} ms"
        )
        probe.view.setModel(None)
        model.deleteLater()

        print()
        print("Core alone (reception.caselist): ms, median of the runs")
        print(f"{'list':<34} {'open_listing':>12} {'first page':>11} {'last page':>10} {'middle page':>12}")
        for name, f, sort, desc in scenarios(today):
            o, a, z, m = [], [], [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                listing = open_listing(ctx, f, sort, desc)
                t1 = time.perf_counter()
                listing_rows(ctx, listing, 0, 200)
                t2 = time.perf_counter()
                listing_rows(ctx, listing, max(0, listing.total - 200), 200)
                t3 = time.perf_counter()
                listing_rows(ctx, listing, listing.total // 2, 200)
                t4 = time.perf_counter()
                o.append(t1 - t0)
                a.append(t2 - t1)
                z.append(t3 - t2)
                m.append(t4 - t3)
            med = statistics.median
            print(f"{name:<34} {ms(med(o)):12.1f} {ms(med(a)):11.1f} {ms(med(z)):10.1f} {ms(med(m)):12.1f}")
    finally:
        desk.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
