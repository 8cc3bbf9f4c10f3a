"""The main window: pages by Ctrl+N (built on first visit), F5, layout restored, the status bar, open cases."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reception.intake import register_case
from tests.factories import base_case
from tests.ui.conftest import make_desk, wait_idle
from tests.ui.shell_support import OFFSCREEN, StubCaseDialog, missing_pages_stubbed  # noqa: F401
from ui import state

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def window(qtbot, desk, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    w = MainWindow(desk)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    wait_idle(qtbot, desk)


def test_title_nav_and_intake_first(window, desk):
    assert window.windowTitle() == f"一站式受理台 — {desk.ctx.config.centre.name}"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "受理登记",
        "案件查询",
        "推送状态",
        "日结",
        "设置",
    ]
    # only the intake page is built at start; the others wait for their first visit
    assert list(window.pages) == ["intake"]
    assert window.current_key == "intake"
    assert window.nav.currentRow() == 0


def test_ctrl_number_switches_pages(qtbot, window, desk):
    for n, key in enumerate(["intake", "cases", "queues", "dayclose", "settings"], start=1):
        QTest.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.current_key == key
        assert window.nav.currentRow() == n - 1
        assert window.stack.currentWidget() is window.pages[key]
    built = dict(window.pages)
    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.pages["queues"] is built["queues"]  # built once, reused
    wait_idle(qtbot, desk)


def test_nav_click_builds_page_once(qtbot, window, desk):
    window.nav.setCurrentRow(4)
    assert window.current_key == "settings"
    page = window.pages["settings"]
    window.nav.setCurrentRow(0)
    window.nav.setCurrentRow(4)
    assert window.pages["settings"] is page


def test_f5_refreshes_current_page(qtbot, window, desk):
    queues = window.show_page("queues")
    wait_idle(qtbot, desk)
    loads = queues.loads
    QTest.keyClick(window, Qt.Key.Key_F5)
    wait_idle(qtbot, desk)
    assert queues.loads == loads + 1


def test_geometry_and_last_page_restored(qtbot, desk, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    first = MainWindow(desk)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(760, 540)  # the pages' minimum width may make it wider; the height is ours
    size = first.size()
    assert size.height() == 540
    first.show_page("dayclose")
    wait_idle(qtbot, desk)
    first.close()
    assert state.text(desk.settings, state.LAST_PAGE) == "dayclose"

    second = MainWindow(desk)
    qtbot.addWidget(second)
    assert second.current_key == "dayclose"
    assert second.nav.currentRow() == 3
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == size
    wait_idle(qtbot, desk)


def test_status_bar_counts_pending_pushes(qtbot, window, desk):
    ctx = desk.ctx
    qtbot.waitUntil(lambda: window.status is not None, timeout=5000)
    assert window.pending_label.text() == "待推送：0"
    assert window.queue_label.text() == "部门队列：未配置推送地址"  # honest: nothing claims reachability
    assert window.db_label.toolTip() == ctx.db.display_url

    r = register_case(ctx, base_case(ctx.config))
    register_case(ctx, base_case(ctx.config, "litigation"))
    transfers = 2 * (1 + len(r.routing["also"]))
    desk.case_saved.emit(r.case_no)
    qtbot.waitUntil(lambda: window.pending_label.text() == f"待推送：{transfers}", timeout=5000)
    assert "2 件案件" in window.pending_label.toolTip()


def test_status_refresh_requests_coalesce(qtbot, window, desk):
    wait_idle(qtbot, desk)
    for _ in range(5):
        window.refresh_status()
    wait_idle(qtbot, desk)
    assert not window._status_busy and not window._status_again


@pytest.mark.postgres
def test_status_bar_never_shows_the_password(qtbot, qapp, settings, pg_url, missing_pages_stubbed):  # noqa: F811
    from reception.context import open_context
    from ui.main_window import MainWindow

    # the throwaway server trusts local connections, so a password in the URL is accepted and ignored
    url = pg_url.replace("postgres@", "postgres:Geheim-1234@")
    ctx = open_context(url)
    desk = make_desk(ctx, settings)
    try:
        w = MainWindow(desk)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.status is not None, timeout=10_000)
        shown = " ".join([w.db_label.text(), w.db_label.toolTip(), w.status.db_url])
        assert "Geheim-1234" not in shown
        assert "postgresql" in shown and "***" in shown
        settings_page = w.show_page("settings")
        assert "Geheim-1234" not in settings_page.db_value.text()
        w.close()
    finally:
        desk.close()


def test_open_case_one_dialog_per_case(qtbot, window, desk, missing_pages_stubbed):  # noqa: F811
    ctx = desk.ctx
    a = register_case(ctx, base_case(ctx.config)).case_no
    b = register_case(ctx, base_case(ctx.config)).case_no
    desk.open_case.emit(a)
    first = window.case_dialogs[a]
    assert first.isVisible() and not first.isModal()
    desk.open_case.emit(a)
    assert window.case_dialogs[a] is first  # raised again, not opened twice
    desk.open_case.emit(b)
    assert set(window.case_dialogs) == {a, b}
    if "case_detail" in missing_pages_stubbed:
        assert StubCaseDialog.opened == [a, b]
    first.close()
    qtbot.waitUntil(lambda: a not in window.case_dialogs, timeout=5000)
    wait_idle(qtbot, desk)
    window.close()  # closing the window closes the case dialogs too
    assert not window.case_dialogs.get(b) or not window.case_dialogs[b].isVisible()
