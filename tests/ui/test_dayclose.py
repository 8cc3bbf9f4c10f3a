"""日结 page: the day's figures, a real export with progress, cancel leaving nothing, closing a day once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from reception.export import close_day
from reception.intake import register_case
from tests.factories import base_case
from tests.ui.conftest import wait_idle
from tests.ui.shell_support import OFFSCREEN, received_now
from ui import state
from ui.dayclose import DayClosePage

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def cases(desk):
    """Three cases received a minute ago: two petitions (routed) and one litigation; returns their day."""
    at, day = received_now()
    cfg = desk.ctx.config
    nos = [
        register_case(desk.ctx, base_case(cfg, "petition", received_at=at)).case_no,
        register_case(desk.ctx, base_case(cfg, "petition", received_at=at)).case_no,
        register_case(desk.ctx, base_case(cfg, "litigation", received_at=at, channel="phone")).case_no,
    ]
    return day, nos


@pytest.fixture
def page(qtbot, desk, tmp_path, cases):
    day, _ = cases
    p = DayClosePage(desk)
    qtbot.addWidget(p)
    p.set_folder(tmp_path / "exports")
    p.set_day(day)
    p.show()
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: p.summary is not None and p.summary.start == day, timeout=5000)
    yield p
    wait_idle(qtbot, desk)


def test_shows_the_days_figures(page, cases):
    _day, nos = cases
    assert page.figures["total"].text() == "3"
    assert page.figures["routed"].text() == "3"
    assert page.breakdown_counts("window")["petition"] == 2
    assert page.breakdown_counts("window")["litigation"] == 1
    assert page.breakdown_counts("channel") == {**page.breakdown_counts("channel"), "visit": 2, "phone": 1}
    assert nos[0] in page.range_label.text() and nos[-1] in page.range_label.text()
    assert page.state_label.text().startswith("未日结")
    assert page.close_button.isEnabled()


def test_empty_day(qtbot, page, desk, cases):
    day, _ = cases
    page.set_day(day - timedelta(days=400))
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: page.summary.start == day - timedelta(days=400), timeout=5000)
    assert page.figures["total"].text() == "0"
    assert page.range_label.text() == "当天没有受理案件。"


def test_export_writes_real_files_with_progress(qtbot, page, desk, cases, tmp_path):
    day, nos = cases
    seen = []
    page.progress.valueChanged.connect(seen.append)
    page.export_button.click()
    assert page.progress.isVisible() and page.cancel_button.isVisible()
    assert not page.export_button.isEnabled() and not page.close_button.isEnabled()
    wait_idle(qtbot, desk, timeout=30_000)
    assert page.last_result is not None, page.message.text()
    out = tmp_path / "exports" / day.isoformat()
    xlsx = out / f"register-W01-{day.isoformat()}.xlsx"
    assert xlsx.is_file()
    assert (out / f"register-W01-{day.isoformat()}.csv").is_file()
    assert (out / f"summary-W01-{day.isoformat()}.pdf").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["case_count"] == 3 and manifest["exported_by"]["user"] == "lixiaomei"
    wb = load_workbook(xlsx, read_only=True)
    try:
        values = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c]
    finally:
        wb.close()
    assert all(no in values for no in nos)
    assert 3 in seen  # the bar reached 3 of 3
    assert not page.progress.isVisible() and not page.cancel_button.isVisible()
    assert page.export_button.isEnabled()
    assert "已导出 3 件" in page.message.text() and xlsx.name in page.message.text()
    assert state.text(desk.settings, state.EXPORT_DIR) == str(tmp_path / "exports")


def test_cancel_leaves_nothing(qtbot, page, desk, cases, tmp_path):
    day, _ = cases
    page.export_button.click()
    page.cancel_button.click()  # before the worker reaches its next check
    assert page.message.text() == "正在取消导出…"
    qtbot.waitUntil(lambda: page.export_button.isEnabled(), timeout=30_000)
    wait_idle(qtbot, desk)
    assert page.message.text() == "导出已取消，未留下任何文件。"
    assert page.last_result is None
    folder = tmp_path / "exports" / day.isoformat()
    assert not folder.exists() or list(folder.iterdir()) == []
    assert not page.progress.isVisible()


def _confirm(qtbot, page, yes: bool) -> None:
    page.close_button.click()
    box = page.confirm_box
    assert box is not None and box.isVisible()
    assert page.day().isoformat() in box.text()
    button = box.button(QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No)
    button.click()


def test_close_day_after_confirmation(qtbot, page, desk, cases):
    day, _ = cases
    _confirm(qtbot, page, yes=False)
    wait_idle(qtbot, desk)
    assert page.closed is None  # 取消: nothing happened

    _confirm(qtbot, page, yes=True)
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: page.closed is not None, timeout=5000)
    assert page.message.text() == f"{day.isoformat()} 已日结：3 件。"
    assert page.state_label.text().startswith("已日结") and "lixiaomei" in page.state_label.text()
    assert not page.close_button.isEnabled()  # a closed day cannot be closed again from here


def test_closing_a_day_twice_gives_a_clear_message(qtbot, page, desk, cases):
    day, _ = cases
    assert page.close_button.isEnabled()
    close_day(desk.ctx, day, user="王芳")  # another clerk closed it while this page showed it open
    _confirm(qtbot, page, yes=True)
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: "不能重复日结" in page.message.text(), timeout=5000)
    assert page.message.text() == f"{day.isoformat()} 已日结（工作站 W01），不能重复日结"
    assert page.message.property("tone") == "error"
    qtbot.waitUntil(lambda: page.closed is not None, timeout=5000)
    assert "王芳" in page.state_label.text()


def test_export_of_a_closed_day_is_identical(qtbot, page, desk, cases, tmp_path):
    day, _ = cases
    close_day(desk.ctx, day, user="李晓梅")
    page.refresh()
    wait_idle(qtbot, desk)
    hashes = []
    for _ in range(2):
        page.export_button.click()
        wait_idle(qtbot, desk, timeout=30_000)
        assert page.last_result is not None and page.last_result.from_snapshot
        m = json.loads(page.last_result.manifest.read_text(encoding="utf-8"))
        hashes.append({f["name"]: f["sha256"] for f in m["files"]})
    assert hashes[0] == hashes[1]


def test_open_folder(qtbot, page, desk, cases, tmp_path, monkeypatch):
    day, _ = cases
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    page.open_button.click()
    assert opened == [str(tmp_path / "exports")] and (tmp_path / "exports").is_dir()
    page.export_button.click()
    wait_idle(qtbot, desk, timeout=30_000)
    page.open_button.click()
    assert opened[-1] == str(tmp_path / "exports" / day.isoformat())


def test_folder_is_remembered(qtbot, desk, tmp_path, cases):
    desk.settings.setValue(state.EXPORT_DIR, str(tmp_path / "kept"))
    p = DayClosePage(desk)
    qtbot.addWidget(p)
    assert p.folder() == tmp_path / "kept"
    p.folder_edit.clear()
    p.export()
    assert p.message.text() == "请先选择导出文件夹。" and not p.busy
    wait_idle(qtbot, desk)


def test_default_day_is_today_in_hall_time(qtbot, desk):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    p = DayClosePage(desk)
    qtbot.addWidget(p)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert p.day() == today
    assert p.date_edit.maximumDate().toPython() == today
    wait_idle(qtbot, desk)
