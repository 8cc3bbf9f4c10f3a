"""The case list page and its model, on the real widgets with a real SQLite file of a few hundred cases.

The database is built once per session (real intake) and copied for each test, so each test starts from
the same cases and may add its own.
"""

from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from sqlalchemy import update

from reception.caselist import CaseFilter, case_rows, count_cases
from reception.context import open_context
from reception.demo import generate_cases
from reception.intake import register_case, register_many
from reception.storage.models import Case
from tests.factories import base_case
from tests.ui.conftest import make_desk, type_text, wait_idle
from ui import state
from ui.cases import model as model_module
from ui.cases.model import COLUMN_OF, COLUMNS, PLACEHOLDER, CaseTableModel
from ui.cases.page import CasesPage

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

TZ = ZoneInfo("Asia/Shanghai")
TODAY = datetime.now(TZ).date()
ZHUGE_ID = "110105198001011246"


@pytest.fixture(scope="session")
def list_template(tmp_path_factory):
    """~250 cases of the last two weeks, one old overdue case and one named case to search for."""
    base = tmp_path_factory.mktemp("case-list-template")
    path = base / "cases.sqlite3"
    with pytest.MonkeyPatch.context() as mp:
        for name in ("DATA", "CONFIG", "LOG"):
            (base / name).mkdir()
            mp.setenv(f"RECEPTION_{name}_DIR", str(base / name))
        mp.delenv("RECEPTION_DB", raising=False)
        ctx = open_context("sqlite:///" + path.as_posix())
        try:
            cfg = ctx.config
            register_many(ctx, generate_cases(cfg, 250, seed=21, end=TODAY, days=10))
            old = (datetime.now(TZ) - timedelta(days=50)).replace(hour=9, minute=30, second=0, microsecond=0)
            doc = base_case(cfg, "petition", received_at=old.isoformat())
            doc["applicants"][0].update(name="欧阳修远", id_number="110105199003071239", phone="13912345678")
            register_case(ctx, doc)
            doc = base_case(cfg, "litigation", received_at=(datetime.now(TZ) - timedelta(days=1)).isoformat())
            doc["applicants"][0].update(name="诸葛亮", id_number=ZHUGE_ID, phone="13698765432")
            doc["facts"] = "邻居饲养的鹦鹉每天清晨鸣叫扰民。"
            doc["risk"] = {"level": "red", "flags": []}
            register_case(ctx, doc)
            with ctx.db.write() as s:  # a few statuses beyond what intake sets
                s.execute(update(Case).where(Case.id % 17 == 0).values(status="in_progress"))
        finally:
            ctx.close()
    return path


@pytest.fixture
def db_url(tmp_path, list_template):
    path = tmp_path / "hall.sqlite3"
    shutil.copyfile(list_template, path)
    return "sqlite:///" + path.as_posix()


@pytest.fixture
def page(qtbot, desk):
    p = CasesPage(desk)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    wait_opened(qtbot, p.model)
    return p


def wait_opened(qtbot, model: CaseTableModel, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: not model.loading and model.listing is not None, timeout=timeout)


def reopened(qtbot, page_or_model, action) -> None:
    """Run ``action`` and wait until the list was opened again."""
    model = page_or_model.model if isinstance(page_or_model, CasesPage) else page_or_model
    with qtbot.waitSignal(model.opened, timeout=10_000):
        action()


def shown(model: CaseTableModel, column: str) -> list[str]:
    return [model.data(model.index(r, COLUMN_OF[column])) for r in range(model.rowCount())]


def last30() -> CaseFilter:
    return CaseFilter(date_from=TODAY - timedelta(days=29))


# -- the model ----------------------------------------------------------------------------------


def test_model_passes_the_model_tester(qtbot, qtmodeltester, desk):
    model = CaseTableModel(desk, page_size=40)
    reopened(qtbot, model, model.reopen)
    assert model.rowCount() == count_cases(desk.ctx) > 200
    assert model.columnCount() == len(COLUMNS)
    qtmodeltester.check(model)  # Qt's own tester stays attached: the page loads below are checked too
    wait_idle(qtbot, desk)
    for row in range(0, model.rowCount(), 40):  # load every page
        model.data(model.index(row, 0))
        qtbot.waitUntil(lambda row=row: model.is_loaded(row), timeout=10_000)
    wait_idle(qtbot, desk)
    qtmodeltester.check(model, force_py=True)
    want = [r.case_no for r in case_rows(desk.ctx, CaseFilter(), limit=1000)]
    assert shown(model, "case_no") == want
    assert [model.data(model.index(r, 3), Qt.ItemDataRole.UserRole) for r in range(len(want))] == want


def test_pages_load_in_the_background_and_arrive_with_data_changed(qtbot, desk):
    model = CaseTableModel(desk, page_size=30)
    reopened(qtbot, model, model.reopen)
    total = model.rowCount()
    want = [r.case_no for r in case_rows(desk.ctx, CaseFilter(), limit=1000)]
    # the first and the last page come with the opening
    assert model.data(model.index(0, 0)) == want[0]
    assert model.data(model.index(total - 1, 0)) == want[-1]
    row = total // 2
    assert not model.is_loaded(row)
    changed = []
    model.dataChanged.connect(lambda top, bottom, _roles: changed.append((top.row(), bottom.row(), bottom.column())))
    assert model.data(model.index(row, 0)) == PLACEHOLDER  # not waited for
    assert model.data(model.index(row, 1)) == ""
    assert model.data(model.index(row, 0), Qt.ItemDataRole.UserRole) is None
    qtbot.waitUntil(lambda: model.is_loaded(row), timeout=10_000)
    assert any(top <= row <= bottom and col == len(COLUMNS) - 1 for top, bottom, col in changed)
    assert model.data(model.index(row, 0)) == want[row]
    # the page ahead is asked for when reading near a page's edge, before the view gets there
    edge = (row // 30) * 30 + 29
    model.data(model.index(edge, 0))
    qtbot.waitUntil(lambda: model.is_loaded(edge + 1), timeout=10_000)
    wait_idle(qtbot, desk)


def test_a_page_that_scrolled_away_before_a_worker_took_it_is_dropped(qtbot, desk):
    model = CaseTableModel(desk, page_size=10)
    reopened(qtbot, model, model.reopen)
    read: list[int] = []
    real = model_module.listing_rows

    def spy(ctx, listing, offset, limit):
        read.append(offset // limit)
        return real(ctx, listing, offset, limit)

    try:
        model_module.listing_rows = spy
        for row in range(10, model.rowCount() - 10, 10):  # one event-loop turn asks for ~25 pages
            model.data(model.index(row, 0))
        wait_idle(qtbot, desk)
        QTest.qWait(50)
        wait_idle(qtbot, desk)
    finally:
        model_module.listing_rows = real
    assert 0 < len(read) <= model_module.MAX_INFLIGHT


def test_roles(qtbot, desk):
    with desk.ctx.db.write() as s:
        s.execute(update(Case).where(Case.applicant_name == "诸葛亮").values(risk_level="red"))
    model = CaseTableModel(desk, case_filter=CaseFilter(query="诸葛亮"))
    reopened(qtbot, model, model.reopen)
    assert model.rowCount() == 1
    risk = model.index(0, COLUMN_OF["risk"])
    assert model.data(risk) == "红色"
    assert model.data(risk, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(risk, Qt.ItemDataRole.ForegroundRole).color().name() == "#b91c1c"
    assert model.data(model.index(0, COLUMN_OF["window"])) == "诉讼服务"
    assert model.data(model.index(0, COLUMN_OF["applicant"])) == "诸葛亮"
    assert (
        model.data(model.index(0, COLUMN_OF["received"]), Qt.ItemDataRole.TextAlignmentRole)
        & Qt.AlignmentFlag.AlignHCenter
    )
    assert "回车" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "案件编号"
    assert model.headerData(COLUMN_OF["applicant"], Qt.Orientation.Horizontal) == "申请人"
    assert model.headerData(COLUMN_OF["due"], Qt.Orientation.Horizontal) == "办理期限"
    # overdue: the old case's deadline has passed
    model.set_filter(CaseFilter(overdue=True))
    wait_opened(qtbot, model)
    rows = [model.row(r) for r in range(model.rowCount())]
    assert "欧阳修远" in [r.applicant_name for r in rows]
    row = next(i for i, r in enumerate(rows) if r.applicant_name == "欧阳修远")
    due = model.index(row, COLUMN_OF["due"])
    assert model.data(due).endswith("逾期")
    assert model.data(due, Qt.ItemDataRole.ForegroundRole).color().name() == "#b91c1c"
    assert model.data(due, Qt.ItemDataRole.FontRole).bold()
    assert "已过" in model.data(due, Qt.ItemDataRole.ToolTipRole)


def test_english_headers(qtbot, ctx, settings):
    d = make_desk(ctx, settings, lang="en")
    try:
        model = CaseTableModel(d)
        assert model.headerData(0, Qt.Orientation.Horizontal) == "Case number"
        assert model.headerData(COLUMN_OF["status"], Qt.Orientation.Horizontal) == "Status"
        reopened(qtbot, model, model.reopen)
        assert model.data(model.index(0, COLUMN_OF["window"])) in {
            "Litigation service",
            "Procuratorial service (12309)",
            "Legal aid",
            "Petition reception",
            "People's mediation",
            "Consultation",
        }
    finally:
        d.runner.shutdown(wait=True)


def test_opening_runs_off_the_gui_thread(qtbot, desk, monkeypatch):
    threads = []
    real = model_module.open_listing

    def spy(*a, **k):
        threads.append(threading.current_thread())
        return real(*a, **k)

    monkeypatch.setattr(model_module, "open_listing", spy)
    model = CaseTableModel(desk, case_filter=CaseFilter(query="鹦鹉"))
    reopened(qtbot, model, model.reopen)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert model.rowCount() == 1


# -- the page: filters ----------------------------------------------------------------------------


def test_opens_on_the_last_30_days_newest_first(page, desk):
    f = page.model.filter
    assert f == last30()
    assert page.period.currentData() == "30" and page.date_from.isEnabled()
    want = [r.case_no for r in case_rows(desk.ctx, last30(), limit=1000)]
    assert page.model.rowCount() == len(want)
    assert page.count_label.text() == f"共 {len(want)} 件"
    assert page.model.data(page.model.index(0, 0)) == want[0]
    assert page.table.verticalHeader().sectionResizeMode(0).name == "Fixed"
    assert "欧阳修远" not in shown(page.model, "applicant")  # 50 days old


def test_filter_widgets_drive_the_query(qtbot, page, desk):
    def pick(box, code):
        reopened(qtbot, page, lambda: box.setCurrentIndex(box.findData(code)))

    reopened(qtbot, page, lambda: page.period.setCurrentIndex(page.period.findData("all")))
    assert not page.date_from.isEnabled()
    assert page.model.filter.date_from is None
    assert page.model.rowCount() == count_cases(desk.ctx)
    pick(page.window_box, "petition")
    assert set(shown(page.model, "window")) == {"信访接待"}
    assert page.model.rowCount() == count_cases(desk.ctx, CaseFilter(window="petition"))
    pick(page.status_box, "routed")
    assert set(shown(page.model, "status")) == {"已分流"}
    pick(page.risk_box, "yellow")
    f = CaseFilter(window="petition", status="routed", risk="yellow")
    assert page.model.filter == f
    assert shown(page.model, "case_no") == [r.case_no for r in case_rows(desk.ctx, f, limit=1000)]
    reopened(qtbot, page, page.reset_filters)
    assert page.model.filter == last30()
    pick(page.department_box, "court")
    assert set(shown(page.model, "department")) <= {"区人民法院", desk.ctx.config.department_label("court")}
    assert page.model.rowCount() == count_cases(desk.ctx, CaseFilter(date_from=last30().date_from, department="court"))
    reopened(qtbot, page, page.reset_filters)
    reopened(qtbot, page, lambda: page.period.setCurrentIndex(page.period.findData("all")))
    reopened(qtbot, page, lambda: page.overdue_box.setChecked(True))
    assert "欧阳修远" in shown(page.model, "applicant")
    assert all(page.model.row(r).overdue for r in range(page.model.rowCount()))


def test_custom_dates(qtbot, page, desk):
    day = TODAY - timedelta(days=1)
    reopened(qtbot, page, lambda: page.date_from.setDate(day))
    assert page.period.currentData() == "custom"
    reopened(qtbot, page, lambda: page.date_to.setDate(day))
    f = page.model.filter
    assert (f.date_from, f.date_to) == (day, day)
    assert {page.model.row(r).received_at.date() for r in range(page.model.rowCount())} == {day}
    assert "诸葛亮" in shown(page.model, "applicant")


# -- the page: search -----------------------------------------------------------------------------


def search(qtbot, page, text: str, *, chinese: bool = False) -> None:
    page.search.clear()
    if chinese:
        type_text(page.search, text)
    else:
        page.search.setFocus()
        QTest.keyClicks(page.search, text)
    assert page.search.text() == text
    reopened(qtbot, page, lambda: QTest.keyClick(page.search, Qt.Key.Key_Return))


def test_search_by_name_typed_in_chinese(qtbot, page, desk):
    QTest.qWait(FILTER_WAIT)
    before = page.model.rowCount()
    type_text(page.search, "诸葛")
    QTest.qWait(FILTER_WAIT)
    assert page.model.rowCount() == before and not page.model.loading  # typing alone asks nothing
    type_text(page.search, "亮")
    assert page.search.text() == "诸葛亮"
    reopened(qtbot, page, lambda: QTest.keyClick(page.search, Qt.Key.Key_Return))
    assert shown(page.model, "applicant") == ["诸葛亮"]
    assert page.count_label.text() == "共 1 件"


FILTER_WAIT = 250


def test_search_by_id_phone_case_number_and_words(qtbot, page, desk):
    (zhuge,) = case_rows(desk.ctx, CaseFilter(query="诸葛亮"))
    search(qtbot, page, ZHUGE_ID)
    assert shown(page.model, "case_no") == [zhuge.case_no]
    search(qtbot, page, "136 9876 5432")
    assert shown(page.model, "case_no") == [zhuge.case_no]
    search(qtbot, page, zhuge.case_no.lower())
    assert shown(page.model, "case_no") == [zhuge.case_no]
    search(qtbot, page, "鹦鹉", chinese=True)
    assert shown(page.model, "case_no") == [zhuge.case_no]
    # the search combines with the filters: the 50-day-old case is outside the last 30 days
    search(qtbot, page, "110105199003071239")
    assert page.model.rowCount() == 0 and page.status_label.text() == "没有符合条件的案件"
    reopened(qtbot, page, lambda: page.period.setCurrentIndex(page.period.findData("all")))
    assert shown(page.model, "applicant") == ["欧阳修远"]
    # clearing the box goes back to the filters alone
    reopened(qtbot, page, page.search.clear)
    assert page.model.filter.query == "" and page.model.rowCount() == count_cases(desk.ctx)


def test_a_refused_filter_says_which_field(qtbot, page):
    reopened_or_failed = qtbot.waitSignal(page.model.failed, timeout=10_000)
    with reopened_or_failed:
        page.model.set_filter(CaseFilter(window="kitchen"))
    assert page.status_label.text() == "受理窗口：没有“kitchen”这一项"
    assert page.status_label.property("tone") == "error"


# -- the page: keys, sorting, columns ------------------------------------------------------------


def focus_table(qtbot, page) -> None:
    """Give the table the focus: its first row becomes current and selected."""
    page.table.setFocus()
    qtbot.waitUntil(lambda: page.table.selectionModel().hasSelection(), timeout=2000)


def test_enter_and_double_click_open_the_case(qtbot, page, desk):
    focus_table(qtbot, page)
    assert page.table.currentIndex().row() == 0
    assert page.table.selectionModel().isRowSelected(0)
    first = page.model.case_no(0)
    with qtbot.waitSignal(desk.open_case, timeout=2000) as sig:
        QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert sig.args == [first]
    QTest.keyClick(page.table, Qt.Key.Key_Down)
    second = page.model.case_no(1)
    with qtbot.waitSignal(desk.open_case, timeout=2000) as sig:
        QTest.keyClick(page.table, Qt.Key.Key_Enter)
    assert sig.args == [second]
    rect = page.table.visualRect(page.model.index(2, 1))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(desk.open_case, timeout=2000) as sig:
        QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [page.model.case_no(2)]


def test_search_box_keys(qtbot, page):
    focus_table(qtbot, page)
    QTest.keyClick(page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    QTest.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus() and page.table.currentIndex().row() == 0


def test_end_and_home_jump_to_the_last_and_first_case(qtbot, page, desk):
    reopened(qtbot, page, lambda: page.period.setCurrentIndex(page.period.findData("all")))
    n = page.model.rowCount()
    focus_table(qtbot, page)
    QTest.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert page.table.currentIndex().row() == n - 1
    assert page.model.is_loaded(n - 1)  # read with the opening: no placeholder at the end
    oldest = case_rows(desk.ctx, CaseFilter(), descending=False, limit=1)[0]
    assert page.current_case_no() == oldest.case_no
    assert page.table.rowAt(page.table.viewport().height() - 2) in (n - 1, -1)  # scrolled to the bottom
    QTest.keyClick(page.table, Qt.Key.Key_Home)
    assert page.table.currentIndex().row() == 0
    QTest.keyClick(page.table, Qt.Key.Key_End)
    assert page.table.currentIndex().row() == n - 1


def header_click(page, column: str) -> None:
    hh = page.table.horizontalHeader()
    section = COLUMN_OF[column]
    x = hh.sectionViewportPosition(section) + hh.sectionSize(section) // 2
    QTest.mouseClick(hh.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, hh.height() // 2))


def test_sorting_by_header_click_runs_in_sql(qtbot, page, desk):
    reopened(qtbot, page, lambda: header_click(page, "applicant"))
    assert (page.model.sort_key, page.model.descending) == ("applicant", False)
    want = [r.applicant_name for r in case_rows(desk.ctx, last30(), "applicant", False, limit=1000)]
    assert shown(page.model, "applicant") == want == sorted(want)
    hh = page.table.horizontalHeader()
    assert hh.sortIndicatorSection() == COLUMN_OF["applicant"]
    reopened(qtbot, page, lambda: header_click(page, "applicant"))
    assert page.model.descending and shown(page.model, "applicant") == want[::-1]
    reopened(qtbot, page, lambda: header_click(page, "risk"))
    risks = [page.model.row(r).risk_level for r in range(page.model.rowCount())]
    assert risks[0] == "red" and risks == sorted(risks, key=["red", "orange", "yellow", "blue", None].index)
    # a column without a sort order in SQL: nothing changes, the indicator stays
    header_click(page, "channel")
    QTest.qWait(50)
    assert not page.model.loading and page.model.sort_key == "risk"
    assert hh.sortIndicatorSection() == COLUMN_OF["risk"]
    reopened(qtbot, page, lambda: header_click(page, "received"))
    assert (page.model.sort_key, page.model.descending) == ("received", True)


def test_header_state_is_remembered(qtbot, page, desk, settings):
    hh = page.table.horizontalHeader()
    hh.resizeSection(COLUMN_OF["applicant"], 233)
    hh.moveSection(COLUMN_OF["status"], 1)
    reopened(qtbot, page, lambda: header_click(page, "case_no"))
    page.save_header()
    assert settings.value(state.CASE_COLUMNS) is not None
    again = CasesPage(desk)
    qtbot.addWidget(again)
    wait_opened(qtbot, again.model)
    h2 = again.table.horizontalHeader()
    assert h2.sectionSize(COLUMN_OF["applicant"]) == 233
    assert h2.visualIndex(COLUMN_OF["status"]) == 1
    assert (again.model.sort_key, again.model.descending) == ("case_no", False)
    assert h2.sortIndicatorSection() == COLUMN_OF["case_no"]


def test_refreshes_after_a_case_is_saved_and_keeps_the_selection(qtbot, page, desk):
    focus_table(qtbot, page)
    QTest.keyClick(page.table, Qt.Key.Key_Down)
    QTest.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 2
    chosen = page.current_case_no()
    before = page.model.rowCount()
    # received now: the demo cases of today were received up to two hours ago (before 17:30 hall time,
    # today's demo cases are moved to the last two hours, and base_case's default is an hour ago)
    doc = base_case(desk.ctx.config, "mediation", received_at=datetime.now(TZ).replace(microsecond=0).isoformat())
    doc["applicants"][0].update(name="上官婉儿")
    new = register_case(desk.ctx, doc).case_no
    reopened(qtbot, page, lambda: desk.case_saved.emit(new))
    assert page.model.rowCount() == before + 1
    assert page.model.case_no(0) == new  # newest first
    assert page.current_case_no() == chosen
    # F5 on the window calls refresh()
    reopened(qtbot, page, page.refresh)
    assert page.model.rowCount() == before + 1


def test_a_hidden_page_refreshes_when_shown_again(qtbot, page, desk):
    page.hide()
    before = page.model.rowCount()
    new = register_case(desk.ctx, base_case(desk.ctx.config)).case_no
    desk.case_changed.emit(new)
    QTest.qWait(50)
    assert page.model.rowCount() == before and not page.model.loading
    reopened(qtbot, page, page.show)
    assert page.model.rowCount() == before + 1
