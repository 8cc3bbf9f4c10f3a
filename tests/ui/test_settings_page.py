"""设置 page: the signed-in person and 修改密码; language, layout and printer saved on change; read-only facts
shown truthfully."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt

from reception.paths import log_dir
from tests.ui.conftest import PASSWORD, wait_idle
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


def test_signed_in_person_shown_and_password_changed(qtbot, page, desk):
    from reception.security.accounts import authenticate

    assert page.user_value.text() == "李晓梅（窗口受理员）"
    assert page.user_value.toolTip() == "用户名：lixiaomei"
    dialog = page.change_password()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "修改密码 — 李晓梅（lixiaomei）"
    dialog.old_edit.setText("Wrong-Pass-1234")
    qtbot.keyClicks(dialog.password.edit, "short")
    assert "至少 10 个字符" in dialog.password.hint.text()  # the policy, checked as it is typed
    dialog.password.edit.setText("Neue-Kasse-2026")
    dialog.password2.edit.setText("Neue-Kasse-2026")
    assert dialog.password.hint.text() == "✓ 符合密码要求"
    dialog.submit()
    wait_idle(qtbot, desk)
    assert dialog.error_text("old_password") == "原密码不正确"  # the core's message, under its field
    dialog.old_edit.setText(PASSWORD)
    with qtbot.waitSignal(desk.principal_changed, timeout=10_000):
        dialog.submit()
    wait_idle(qtbot, desk)
    assert not desk.principal.must_change_password
    assert authenticate(desk.ctx, "lixiaomei", "Neue-Kasse-2026").username == "lixiaomei"


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


# -- backups ----------------------------------------------------------------------------------------


def test_backup_section_and_backup_now(qtbot, page, desk):
    from reception.backup import backup_folder, list_backups

    folder = backup_folder(desk.ctx)
    assert page.backup_folder_value.text() == str(folder)
    qtbot.waitUntil(lambda: page.last_backup_value.text() == "尚未备份")
    assert page.backup_button.isEnabled() and page.backup_button.text() == "立即备份(&B)"

    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert not page.backup_button.isEnabled() and page.backup_message.text() == "正在备份…"
    wait_idle(qtbot, desk)
    made = list_backups(folder)
    assert [e.kind for e in made] == ["manual"]
    assert page.backup_button.isEnabled()
    assert page.backup_message.text().startswith(f"已备份：{made[0].path.name}（0 件案件，")
    assert page.backup_message.property("tone") == "ok"
    assert page.last_backup_value.text() == made[0].taken_at.strftime("%Y-%m-%d %H:%M") + "（手动），0 件案件"
    assert page.last_backup_value.toolTip() == str(made[0].path)

    from reception import audit

    assert [r.user for r in audit.records(desk.ctx, action="backup.create")] == [desk.clerk]


def test_backup_failure_is_shown_beside_the_button(qtbot, qapp, settings, db_url, tmp_path):
    from reception.config import example_path
    from reception.context import open_context
    from ui.desk import Desk

    hall = tmp_path / "hall" / "hall.toml"
    hall.parent.mkdir()
    hall.write_text(example_path().read_text(encoding="utf-8") + '\n[backup]\nfolder = "blocker/sub"\n', "utf-8")
    (hall.parent / "blocker").write_text("a file where the backup folder's parent should be", encoding="utf-8")
    desk = Desk(open_context(db_url, hall), settings, lang="zh")
    try:
        p = SettingsPage(desk)
        qtbot.addWidget(p)
        wait_idle(qtbot, desk)
        assert p.backup_folder_value.text() == str(hall.parent / "blocker" / "sub")
        assert p.last_backup_value.text() == "尚未备份"
        p.backup_now()
        wait_idle(qtbot, desk)
        assert p.backup_message.text().startswith("备份失败：")
        assert p.backup_message.property("tone") == "error" and p.backup_button.isEnabled()
    finally:
        desk.close()
