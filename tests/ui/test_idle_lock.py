"""The idle lock (ui/idle_lock.py) on the real main window: it locks after the idle time (short here, by
the test hook) or on Ctrl+L, covers every window, keeps the form being filled exactly as it was, shows
the core's message for a wrong password, locks the account after 5 wrong ones, and 切换用户 signs out
keeping an unsaved form as a draft. ``[accounts] idle_lock_minutes`` comes from the hall file."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox, QVBoxLayout

from reception import drafts
from reception.config import example_path, load_config
from reception.errors import ConfigError
from reception.intake import register_case
from reception.security.accounts import LOCK_AFTER
from tests.factories import base_case
from tests.ui import test_translations
from tests.ui.conftest import PASSWORD, make_desk, type_text, wait_idle
from tests.ui.shell_support import OFFSCREEN, missing_pages_stubbed  # noqa: F401
from ui.idle_lock import Cover

english = test_translations.english  # the English translator on the application

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def window(qtbot, desk, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    w = MainWindow(desk)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    wait_idle(qtbot, desk)


def fill_some(qtbot, page) -> dict:
    """A visitor half typed in: the window, a name, an ID number and the facts; focus in the facts."""
    page.set_window("petition")
    a = page.applicants.people[0]
    type_text(a.name.editor, "张秀兰")
    type_text(a.id_number.editor, "110105194912310021")
    type_text(page.matter.facts.editor, "邻居装修噪音扰民，多次协商未果。")
    qtbot.waitUntil(lambda: page.dirty, timeout=5000)
    return page.to_document()


def unlock_with(qtbot, desk, lock, password: str) -> None:
    screen = lock.screen
    screen.password.setText(password)
    QTest.keyClick(screen.password, Qt.Key.Key_Return)
    wait_idle(qtbot, desk)


def covered(lock, w) -> bool:
    cover = lock.covers.get(w)
    return cover is not None and cover.isVisible() and cover.geometry() == w.rect()


def audit_actions(desk) -> list[tuple[str, str | None]]:
    from sqlalchemy import select

    from reception.storage.models import AuditRecord

    with desk.ctx.db.read() as s:
        return [tuple(r) for r in s.execute(select(AuditRecord.action, AuditRecord.user).order_by(AuditRecord.seq))]


def test_idle_time_locks_and_the_form_survives(qtbot, window, desk):
    page = window.pages["intake"]
    before = fill_some(qtbot, page)
    facts = page.matter.facts.editor
    facts.setFocus()
    lock = window.idle_lock
    assert lock.timeout_ms == 15 * 60_000  # [accounts] idle_lock_minutes, default 15
    lock.set_timeout_ms(150)  # the test hook
    qtbot.waitUntil(lambda: lock.is_locked, timeout=5000)

    screen = lock.screen
    assert screen.isVisible() and screen.isModal()
    assert screen.geometry() == window.geometry()
    assert covered(lock, window)  # the form is hidden under an opaque panel
    assert screen.who.text() == "当前用户：李晓梅（lixiaomei，窗口受理员）"
    assert QApplication.activeModalWidget() is screen

    unlock_with(qtbot, desk, lock, "Wrong-Pass-2026")
    assert lock.is_locked
    assert screen.message.text() == "用户名或密码错误"  # the core's message
    assert screen.password.text() == ""

    lock.set_timeout_ms(15 * 60_000)
    unlock_with(qtbot, desk, lock, PASSWORD)
    qtbot.waitUntil(lambda: not lock.is_locked, timeout=5000)
    assert not screen.isVisible() and not lock.covers
    qtbot.waitUntil(lambda: not window.findChildren(Cover), timeout=5000)
    assert page.to_document() == before  # exactly as it was
    assert page.applicants.people[0].name.editor.text() == "张秀兰"
    assert QApplication.focusWidget() is facts  # the clerk goes on where they were
    wait_idle(qtbot, desk)
    actions = [a for a in audit_actions(desk) if a[0] in ("session.lock", "session.unlock", "session.unlock.failed")]
    assert actions == [
        ("session.lock", "lixiaomei"),
        ("session.unlock.failed", "lixiaomei"),
        ("session.unlock", "lixiaomei"),
    ]


def test_five_wrong_passwords_lock_the_account(qtbot, window, desk):
    lock = window.idle_lock
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # at once
    assert lock.is_locked
    for n in range(1, LOCK_AFTER + 1):
        unlock_with(qtbot, desk, lock, f"Wrong-Pass-{n:04d}")
    text = lock.screen.message.text()
    assert text.startswith("密码错误次数过多，账户已锁定") and "锁定至 " in text
    unlock_with(qtbot, desk, lock, PASSWORD)  # the right password: still locked (15 minutes)
    assert lock.is_locked and lock.screen.message.text().startswith("密码错误次数过多，账户已锁定")


def test_every_window_is_covered_also_one_opening_while_locked(qtbot, window, desk):
    ctx = desk.ctx
    case_no = register_case(ctx, base_case(ctx.config)).case_no
    desk.open_case.emit(case_no)
    dialog = window.case_dialogs[case_no]
    qtbot.waitExposed(dialog)
    window.lock_button.click()
    lock = window.idle_lock
    assert lock.is_locked and covered(lock, window) and covered(lock, dialog)

    late = QDialog(window)  # e.g. a receipt preview whose save finished after the lock
    QVBoxLayout(late).addWidget(QLabel("110105194912310021"))
    late.resize(400, 300)
    late.show()
    qtbot.waitExposed(late)
    assert covered(lock, late)
    late.resize(500, 350)
    assert covered(lock, late)  # the panel follows the window's size

    unlock_with(qtbot, desk, lock, PASSWORD)
    qtbot.waitUntil(lambda: not lock.is_locked, timeout=5000)
    assert dialog.isVisible() and late.isVisible()  # nothing was closed
    late.close()


def test_a_question_waiting_for_an_answer_stays_and_the_lock_still_takes_the_password(qtbot, window, desk):
    page = window.pages["intake"]
    fill_some(qtbot, page)
    lock = window.idle_lock
    box = QMessageBox(QMessageBox.Icon.Question, "清空", "清空表单？", QMessageBox.StandardButton.Yes, window)
    box.setWindowModality(Qt.WindowModality.ApplicationModal)
    box.open()
    qtbot.waitExposed(box)
    lock.lock()
    assert QApplication.activeModalWidget() is lock.screen and covered(lock, box)
    unlock_with(qtbot, desk, lock, PASSWORD)
    qtbot.waitUntil(lambda: not lock.is_locked, timeout=5000)
    assert box.isVisible()  # still waiting for its answer
    box.reject()


def test_input_restarts_the_idle_time_and_other_events_do_not(qtbot, window, desk):
    lock = window.idle_lock
    lock.set_timeout_ms(60_000)
    lock._last = stamp = time.monotonic() - 30
    window.update()
    QApplication.processEvents()  # paint and timer events: nobody is here
    assert lock._last == stamp
    editor = window.pages["intake"].selector
    QApplication.sendEvent(editor, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a"))
    assert lock._last > stamp
    stamp = lock._last
    QTest.mouseMove(window, QPoint(200, 200))
    QTest.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert lock._last >= stamp and not lock.is_locked
    lock._last = time.monotonic() - 61  # a minute without input
    lock._check()
    assert lock.is_locked
    unlock_with(qtbot, desk, lock, PASSWORD)
    qtbot.waitUntil(lambda: not lock.is_locked, timeout=5000)


def test_switch_user_keeps_the_unsaved_form_as_a_draft(qtbot, window, desk):
    page = window.pages["intake"]
    before = fill_some(qtbot, page)
    lock = window.idle_lock
    lock.lock()
    lock.screen.switch_button.click()
    box = lock.confirm_box
    assert box is not None and box.isVisible()
    assert box.text() == "受理登记表单中有尚未保存的内容。"
    assert "保存为草稿" in box.informativeText()
    box.reject()  # 取消: still locked, nothing lost
    assert lock.is_locked and window.isVisible()

    lock.screen.switch_button.click()
    with qtbot.waitSignal(window.signed_out, timeout=5000):
        lock.confirm_box.buttons()[0].click()  # 切换用户
    assert not window.isVisible() and not lock.is_locked
    draft = drafts.load_draft("intake")
    assert draft is not None and draft.document["applicants"] == before["applicants"]
    assert draft.document["facts"] == before["facts"]


def test_switch_user_without_unsaved_input_asks_nothing(qtbot, window, desk):
    lock = window.idle_lock
    lock.lock()
    with qtbot.waitSignal(window.signed_out, timeout=5000):
        lock.screen.switch_button.click()
    assert lock.confirm_box is None and not window.isVisible()
    wait_idle(qtbot, desk)
    assert ("logout", "lixiaomei") in audit_actions(desk)


def test_idle_minutes_from_the_hall_file(qtbot, qapp, settings, db_url, tmp_path, missing_pages_stubbed):  # noqa: F811
    from reception.context import open_context
    from ui.main_window import MainWindow

    text = example_path().read_text(encoding="utf-8")
    hall = tmp_path / "hall.toml"
    hall.write_text(text + "\n[accounts]\nidle_lock_minutes = 5\n", encoding="utf-8")
    desk = make_desk(open_context(db_url, hall), settings)
    try:
        w = MainWindow(desk)
        qtbot.addWidget(w)
        assert w.idle_lock.timeout_ms == 5 * 60_000
        w.close()
    finally:
        desk.close()

    for value, message in (("0", "应不小于 1"), ("500", "应不大于 120"), ('"soon"', "类型错误")):
        hall.write_text(text + f"\n[accounts]\nidle_lock_minutes = {value}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            load_config(hall)
        (problem,) = err.value.problems
        assert problem.key == "accounts.idle_lock_minutes" and message in problem.text("zh")
    hall.write_text(text + "\n[accounts]\nidle_minutes = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(hall)
    assert err.value.problems[0].key == "accounts.idle_minutes"  # a misspelt key is refused


def test_english_lock_screen(qtbot, english, ctx, settings, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    chinese_left = test_translations.chinese_left
    desk = make_desk(ctx, settings, lang="en", display_name="Li Xiaomei")
    try:
        w = MainWindow(desk)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        assert w.lock_button.text() == "Lock" and "Ctrl+L" in w.lock_button.toolTip()
        w.idle_lock.lock()
        unlock_with(qtbot, desk, w.idle_lock, "Wrong-Pass-2026")
        screen = w.idle_lock.screen
        assert screen.title.text() == "The desk is locked"
        assert screen.message.text() == "wrong user name or password"
        left = chinese_left(screen, desk)
        assert not left, "Chinese in the English lock screen:\n" + "\n".join(left)
        w.pages["intake"].set_window("petition")
        type_text(w.pages["intake"].applicants.people[0].name.editor, "Zhang")
        screen.switch_button.click()
        left = chinese_left(w.idle_lock.confirm_box, desk)
        assert not left, "Chinese in the English switch-user question:\n" + "\n".join(left)
        w.idle_lock.confirm_box.reject()
        unlock_with(qtbot, desk, w.idle_lock, PASSWORD)
        qtbot.waitUntil(lambda: not w.idle_lock.is_locked, timeout=5000)
        wait_idle(qtbot, desk)
        w.close()
    finally:
        desk.runner.shutdown(wait=True)
        QApplication.processEvents()
