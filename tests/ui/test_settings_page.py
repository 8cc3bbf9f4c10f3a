"""设置 page: clerk, language, layout and printer saved on change; read-only facts shown truthfully."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reception.paths import log_dir
from tests.ui.conftest import type_text
from tests.ui.shell_support import OFFSCREEN
from ui import state
from ui.settings_page import SettingsPage

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def page(qtbot, desk):
    p = SettingsPage(desk)
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    return p


def _reread(tmp_path):
    return state.open_settings(tmp_path / "desk-state.ini")


def test_clerk_name_typed_in_chinese_is_saved(qtbot, page, desk, tmp_path):
    assert page.clerk_edit.text() == "李晓梅"
    page.clerk_edit.selectAll()
    QTest.keyClick(page.clerk_edit, Qt.Key.Key_Delete)
    type_text(page.clerk_edit, "王芳")
    assert desk.clerk == "王芳"
    QTest.keyClick(page.clerk_edit, Qt.Key.Key_Tab)  # editing finished: written to disk
    assert _reread(tmp_path).value(state.CLERK) == "王芳"


def test_language_layout_saved(qtbot, page, desk, tmp_path):
    assert page.language_combo.currentData() == "zh"
    page.language_combo.setCurrentIndex(page.language_combo.findData("en"))
    assert _reread(tmp_path).value(state.LANGUAGE) == "en"
    assert "下次启动" in page.language_note.text() or "重新启动" in page.language_note.text()

    assert page.layout_combo.currentData() == "a4"
    assert [page.layout_combo.itemText(i) for i in range(page.layout_combo.count())] == ["A4 回执", "80mm 回执条"]
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("slip"))
    assert _reread(tmp_path).value(state.LAYOUT) == "slip"


def test_saved_values_come_back(qtbot, desk):
    desk.settings.setValue(state.LANGUAGE, "en")
    desk.settings.setValue(state.LAYOUT, "slip")
    p = SettingsPage(desk)
    qtbot.addWidget(p)
    assert p.language_combo.currentData() == "en"
    assert p.layout_combo.currentData() == "slip"


def test_no_printer_offscreen(page):
    # the offscreen build machine has no printer: say what will happen instead
    assert not page.printer_combo.isEnabled()
    assert page.printer_note.text() == "未找到打印机，将另存为 PDF"


def test_printer_choice_saved(qtbot, desk, tmp_path, monkeypatch):
    from ui import settings_page

    monkeypatch.setattr(settings_page, "available_printers", lambda: (["柜台打印机", "HP LaserJet"], "HP LaserJet"))
    p = SettingsPage(desk)
    qtbot.addWidget(p)
    assert p.printer_combo.isEnabled()
    assert p.printer_combo.itemText(0) == "系统默认打印机（HP LaserJet）"
    p.printer_combo.setCurrentIndex(p.printer_combo.findData("柜台打印机"))
    assert _reread(tmp_path).value(state.PRINTER) == "柜台打印机"
    again = SettingsPage(desk)
    qtbot.addWidget(again)
    assert again.printer_combo.currentData() == "柜台打印机"

    monkeypatch.setattr(settings_page, "available_printers", lambda: (["HP LaserJet"], "HP LaserJet"))
    gone = SettingsPage(desk)
    qtbot.addWidget(gone)
    assert gone.printer_combo.currentData() == ""
    assert "柜台打印机" in gone.printer_note.text()


def test_read_only_facts(page, desk):
    cfg = desk.ctx.config
    assert page.db_value.text() == desk.ctx.db.display_url
    assert page.config_value.text().splitlines() == [str(p) for p in cfg.source_files]
    assert page.log_value.text() == str(log_dir())
    assert cfg.centre.name in page.centre_value.text() and cfg.workstation.code in page.centre_value.text()
    assert page.keyring_secure and page.keyring_value.text().endswith("（安全）")


def test_insecure_keyring_is_named(page, monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    page.refresh()
    assert not page.keyring_secure
    assert "keyring.backends.fail.Keyring" in page.keyring_value.text()
    assert "不安全" in page.keyring_value.text()
