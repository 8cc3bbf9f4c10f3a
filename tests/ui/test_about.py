"""帮助 → 关于: the version, the database (never its password), the folders and the licences, in both
languages; 复制 copies the same as text."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication

from reception.about import components
from reception.paths import config_dir, data_dir, log_dir
from tests.ui import test_translations
from tests.ui.conftest import make_desk, wait_idle
from tests.ui.shell_support import OFFSCREEN

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def window(qtbot, desk):
    from ui.main_window import MainWindow

    w = MainWindow(desk)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    wait_idle(qtbot, desk)


def open_about(qtbot, window):
    window.about_action.trigger()
    dialog = window._about
    qtbot.waitUntil(lambda: dialog.info is not None, timeout=10_000)
    return dialog


def row_of(dialog, name: str) -> int:
    for row in range(dialog.table.rowCount()):
        if dialog.table.item(row, 0).text().lower().startswith(name.lower()):
            return row
    raise AssertionError(f"{name} not listed")


def test_help_menu_opens_the_about_dialog(qtbot, window, desk):
    menu = window.menuBar().actions()[0]
    assert menu.text() == "帮助(&H)"
    assert window.about_action.text() == "关于(&A)…"
    dialog = open_about(qtbot, window)
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.windowTitle() == "关于一站式受理台"
    assert dialog.version_label.text() == f"版本 {dialog.info.version}"
    fields = {key: label.text() for key, label in dialog.fields.items()}
    assert fields["database"] == desk.ctx.db.display_url
    assert fields["database_file"] == desk.ctx.db.url.removeprefix("sqlite:///")
    assert fields["data"] == str(data_dir())
    assert fields["config"] == str(config_dir())
    assert fields["log"] == str(log_dir())
    assert fields["hall"] == "（示例配置，尚未生成 hall.toml）"
    assert fields["runtime"].startswith(f"Python {dialog.info.python} · Qt ")
    # asking again raises the same dialog
    window.about_action.trigger()
    assert window._about is dialog
    dialog.close()


def test_every_shipped_component_is_listed_with_its_licence_text(qtbot, window):
    dialog = open_about(qtbot, window)
    expected = components()
    assert dialog.table.rowCount() == len(expected)
    for row, c in enumerate(expected):
        assert [dialog.table.item(row, col).text() for col in range(3)] == [c.name, c.version, c.licence]
    # the first row (the shipped font) is shown at once
    assert dialog.table.currentRow() == 0
    assert dialog.table.item(0, 3).text() == "字体"
    text = dialog.licence_view.toPlainText()
    assert "WenQuanYi Micro Hei" in text and "Apache License" in text
    dialog.table.setCurrentCell(row_of(dialog, "PySide6_Essentials"), 0)
    text = dialog.licence_view.toPlainText()
    assert "LGPL-3.0-only" in text.splitlines()[0]
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text
    assert "licenses-used-in-qt" in text  # Qt's third-party parts
    dialog.table.setCurrentCell(row_of(dialog, "SQLAlchemy"), 0)
    assert "Permission is hereby granted" in dialog.licence_view.toPlainText()
    assert dialog.table.item(row_of(dialog, "SQLAlchemy"), 3).text() == "程序库"
    dialog.close()


def test_copy_puts_the_information_on_the_clipboard(qtbot, window):
    dialog = open_about(qtbot, window)
    text = dialog.copy()
    assert QGuiApplication.clipboard().text() == text
    assert f"版本：{dialog.info.version}" in text
    assert "Qt 6." in text and "PySide6" in text
    assert f"数据文件夹：{data_dir()}" in text
    dialog.close()


def test_the_windows_carry_the_application_icon(qapp):
    from ui.app import _application

    assert _application() is qapp
    icon = qapp.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(256, 256).width() == 256


@pytest.mark.postgres
def test_the_database_password_is_never_shown(qtbot, settings, pg_url):
    from reception.context import open_context
    from ui.about import AboutDialog

    # the throwaway server trusts local connections, so a password in the URL is accepted and ignored
    url = pg_url.replace("postgres@", "postgres:Geheim-1234@") + "?sslmode=disable&password=Geheim-1234"
    ctx = open_context(url)
    desk = make_desk(ctx, settings)
    try:
        dialog = AboutDialog(desk)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.info is not None, timeout=10_000)
        shown = dialog.fields["database"].text()
        assert shown.startswith("postgresql+psycopg://postgres:***@127.0.0.1:")
        assert "password=***" in shown and "sslmode=disable" in shown
        assert dialog.fields["database_file"].text() == "—"
        everything = " ".join(w.text() for w in dialog.fields.values()) + dialog.copy()
        assert "Geheim" not in everything
        dialog.close()
        wait_idle(qtbot, desk)
    finally:
        desk.close()


def test_english_about_dialog(qtbot, english, ctx, settings):
    from ui.about import AboutDialog

    desk = make_desk(ctx, settings, lang="en", display_name="Li Xiaomei")
    try:
        dialog = AboutDialog(desk)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.info is not None, timeout=10_000)
        assert dialog.windowTitle() == "About the One-Stop Reception Desk"
        assert dialog.version_label.text() == f"Version {dialog.info.version}"
        assert dialog.fields["hall"].text() == "(the example; no hall.toml yet)"
        assert dialog.table.item(0, 3).text() == "Font"
        # the font's own name and the words of its licence are data
        font = components()[0]
        licence = dialog.licence_view.toPlainText()
        left = [
            t
            for t in test_translations.chinese_left(dialog, desk)
            if font.name.split()[-1] not in t and not t.startswith("QPlainTextEdit")
        ]
        assert not left, "Chinese in the English About dialog:\n" + "\n".join(left)
        assert "redistributed under the Apache License 2.0" in licence
        assert "Copy the information above" in dialog.copy_button.toolTip()
        assert f"Version: {dialog.info.version}" in dialog.copy()
        dialog.close()
        wait_idle(qtbot, desk)
    finally:
        desk.close()


@pytest.fixture
def english(qapp):
    from PySide6.QtCore import QLocale

    from ui import i18n

    previous = QLocale()
    translators = i18n.install_translators(qapp, "en")
    assert translators
    yield
    i18n.remove_translators(qapp, translators)
    QLocale.setDefault(previous)
