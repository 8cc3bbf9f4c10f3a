"""Signing in at the desk (ui/signin.py): the first start, a wrong password (nothing opens), the lock
after 5 wrong ones (and until when), a password reset by an administrator changed before the window
opens, cancelling, the remembered user name, unattended starts, and the English screens.

Real dialogs, real accounts in a real SQLite file, argon2 in the desk's runner."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from reception.security.accounts import (
    LOCK_AFTER,
    authenticate,
    has_accounts,
    reset_password,
)
from tests.ui import test_translations
from tests.ui.conftest import ADMIN, CLERK, PASSWORD, sign_in, wait_idle
from tests.ui.shell_support import OFFSCREEN
from ui import app as desk_app
from ui import state
from ui.desk import Desk
from ui.signin import ChangePasswordDialog, FirstStartDialog, SignInDialog, SignInFlow

english = test_translations.english  # the English translator on the application

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def nobody(qapp, ctx, settings):
    """A desk on which nobody is signed in yet (what start-up has before the sign-in)."""
    d = Desk(ctx, settings, lang="zh")
    yield d
    d.runner.shutdown(wait=True)
    QApplication.processEvents()


def started(qtbot, desk, **kwargs) -> tuple[SignInFlow, list]:
    """A sign-in flow started on ``desk``: the flow and the list its ``finished`` results go to."""
    flow = SignInFlow(desk, **kwargs)
    results: list = []
    flow.finished.connect(results.append)
    flow.start()
    qtbot.waitUntil(lambda: flow.dialog is not None or bool(results), timeout=10_000)
    return flow, results


def submit(qtbot, desk, dialog) -> None:
    dialog.submit()
    wait_idle(qtbot, desk)


# -- the first start --------------------------------------------------------------------------------


def test_first_start_checks_the_policy_live_and_creates_the_administrator(qtbot, nobody):
    flow, results = started(qtbot, nobody)
    dialog = flow.dialog
    assert isinstance(dialog, FirstStartDialog)
    qtbot.waitExposed(dialog)
    assert "至少 10 个字符" in dialog.policy.text()  # the policy is shown

    submit(qtbot, nobody, dialog)  # nothing typed: each field says what it needs
    assert dialog.error_text("username") == "请输入用户名"
    assert dialog.error_text("display_name") == "请输入姓名"
    assert dialog.error_text("password") == "请输入密码"

    dialog.username_edit.setText("Admin Wang")
    dialog.name_edit.setText("王管理")
    qtbot.keyClicks(dialog.password.edit, "abc")
    assert "至少 10 个字符（现有 3 个）" in dialog.password.hint.text()  # checked as it is typed
    dialog.password.edit.setText("Hall-Pass-2026!")
    assert dialog.password.hint.text() == "✓ 符合密码要求"
    qtbot.keyClicks(dialog.password2.edit, "Hall-Pass")
    assert dialog.password2.hint.text() == "两次输入的密码不一致"
    submit(qtbot, nobody, dialog)
    assert dialog.error_text("password2") == "两次输入的密码不一致"  # not sent to the core
    assert not has_accounts(nobody.ctx)

    dialog.password2.edit.setText("Hall-Pass-2026!")
    assert dialog.password2.hint.text() == "✓ 两次输入一致"
    submit(qtbot, nobody, dialog)
    assert "用户名为 2–32 个小写字母" in dialog.error_text("username")  # the core's message
    assert not results

    dialog.username_edit.setText("admin")
    submit(qtbot, nobody, dialog)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    admin = results[0]
    assert (admin.username, admin.display_name, admin.role) == ("admin", "王管理", "admin")
    assert not admin.must_change_password
    assert authenticate(nobody.ctx, "admin", "Hall-Pass-2026!").role == "admin"


def test_no_accounts_unattended_is_refused(qapp, db_url, monkeypatch, capsys):
    monkeypatch.setenv("RECEPTION_PASSWORD", PASSWORD)
    assert desk_app.main(["--db", db_url, "--quit-after-start", "--user", "admin"]) == desk_app.EXIT_SIGNIN
    assert "尚无用户账户" in capsys.readouterr().err


# -- signing in -------------------------------------------------------------------------------------


def test_wrong_password_shows_the_message_and_nothing_opens(qtbot, nobody):
    from ui.main_window import MainWindow

    sign_in(nobody.ctx)
    flow, results = started(qtbot, nobody)
    dialog = flow.dialog
    assert isinstance(dialog, SignInDialog)
    assert dialog.windowTitle() == "登录 — 一站式受理台"

    submit(qtbot, nobody, dialog)  # empty: not an attempt
    assert dialog.error_text("username") == "请输入用户名"
    assert dialog.error_text("password") == "请输入密码"

    dialog.username_edit.setText(CLERK[0])
    dialog.password_edit.setText("Wrong-Pass-2026")
    submit(qtbot, nobody, dialog)
    assert dialog.general_error.text() == "用户名或密码错误"  # the core's message
    assert dialog.password_edit.text() == ""  # cleared for the next try
    assert not results and nobody.principal is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]

    dialog.username_edit.setText("nobody-here")  # an unknown name gets the same answer
    dialog.password_edit.setText("Wrong-Pass-2026")
    submit(qtbot, nobody, dialog)
    assert dialog.general_error.text() == "用户名或密码错误"
    assert not results
    dialog.reject()
    assert results == [None]  # cancel: the desk quits


def test_five_wrong_passwords_lock_the_account_and_say_until_when(qtbot, nobody):
    sign_in(nobody.ctx)
    flow, results = started(qtbot, nobody)
    dialog = flow.dialog
    dialog.username_edit.setText(CLERK[0])
    for n in range(1, LOCK_AFTER):
        dialog.password_edit.setText(f"Wrong-Pass-{n:04d}")
        submit(qtbot, nobody, dialog)
        left = LOCK_AFTER - n
        if left <= 2:
            assert dialog.general_error.text() == f"用户名或密码错误；再错 {left} 次账户将被锁定 15 分钟"
            assert dialog.general_error.property("near_lock") is True
    dialog.password_edit.setText("Wrong-Pass-0005")
    submit(qtbot, nobody, dialog)
    text = dialog.general_error.text()
    assert text.startswith("密码错误次数过多，账户已锁定，请 15 分钟后再试")
    assert "锁定至 " in text
    dialog.password_edit.setText(PASSWORD)  # the right one: still locked
    submit(qtbot, nobody, dialog)
    assert dialog.general_error.text().startswith("密码错误次数过多，账户已锁定")
    assert not results
    dialog.reject()


def test_the_user_name_is_remembered_on_this_workstation(qtbot, nobody):
    sign_in(nobody.ctx)
    flow, _results = started(qtbot, nobody)
    dialog = flow.dialog
    assert dialog.username_edit.text() == ""
    dialog.username_edit.setText(CLERK[0])
    dialog.password_edit.setText(PASSWORD)
    submit(qtbot, nobody, dialog)
    qtbot.waitUntil(lambda: isinstance(flow.dialog, ChangePasswordDialog), timeout=10_000)
    assert state.text(nobody.settings, state.LAST_USER) == CLERK[0]
    flow.dialog.reject()
    again, _ = started(qtbot, nobody)
    assert again.dialog.username_edit.text() == CLERK[0]
    assert again.dialog.password_edit.hasFocus() or QApplication.focusWidget() in (None, again.dialog.password_edit)
    again.dialog.reject()


def test_a_reset_password_must_be_changed_before_the_window_opens(qtbot, nobody):
    sign_in(nobody.ctx)
    admin = authenticate(nobody.ctx, ADMIN[0], ADMIN[2])
    reset_password(nobody.ctx, admin, CLERK[0], "Reset-Pass-2026")
    flow, results = started(qtbot, nobody)
    flow.dialog.username_edit.setText(CLERK[0])
    flow.dialog.password_edit.setText("Reset-Pass-2026")
    submit(qtbot, nobody, flow.dialog)
    qtbot.waitUntil(lambda: isinstance(flow.dialog, ChangePasswordDialog), timeout=10_000)
    change = flow.dialog
    assert not results  # signed in, but the window waits for a new password
    assert "管理员为您重设了密码" in change.findChild(QLabel, "intro").text()
    assert change.error_text("old_password") == ""  # the password just used stands for the current one

    change.password.edit.setText("Reset-Pass-2026")
    change.password2.edit.setText("Reset-Pass-2026")
    submit(qtbot, nobody, change)
    assert change.error_text("password") == "新密码不能与原密码相同"
    change.password.edit.setText("Mine-Own-2026!")
    change.password2.edit.setText("Mine-Own-2026!")
    submit(qtbot, nobody, change)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results[0].username == CLERK[0] and not results[0].must_change_password
    assert authenticate(nobody.ctx, CLERK[0], "Mine-Own-2026!").must_change_password is False


def test_cancelling_the_password_change_quits(qtbot, nobody):
    sign_in(nobody.ctx)  # a new account: its first password must be changed
    flow, results = started(qtbot, nobody)
    flow.dialog.username_edit.setText(CLERK[0])
    flow.dialog.password_edit.setText(PASSWORD)
    submit(qtbot, nobody, flow.dialog)
    qtbot.waitUntil(lambda: isinstance(flow.dialog, ChangePasswordDialog), timeout=10_000)
    flow.dialog.reject()
    assert results == [None]


# -- unattended -------------------------------------------------------------------------------------


def test_unattended_with_a_wrong_password_exits_3(qapp, db_url, monkeypatch, capsys):
    from reception.context import open_context

    ctx = open_context(db_url)
    sign_in(ctx)
    ctx.close()
    monkeypatch.setenv("RECEPTION_PASSWORD", "Wrong-Pass-2026")
    assert desk_app.main(["--db", db_url, "--quit-after-start", "--user", CLERK[0]]) == desk_app.EXIT_SIGNIN
    assert "无法登录：用户名或密码错误" in capsys.readouterr().err


def test_unattended_without_the_password_variable_counts_no_attempt(qapp, db_url, monkeypatch, capsys):
    from reception.context import open_context
    from reception.security.accounts import list_users

    monkeypatch.delenv("RECEPTION_PASSWORD", raising=False)
    ctx = open_context(db_url)
    sign_in(ctx)
    try:
        assert desk_app.main(["--db", db_url, "--quit-after-start", "--user", CLERK[0]]) == desk_app.EXIT_SIGNIN
        assert "RECEPTION_PASSWORD" in capsys.readouterr().err
        admin = authenticate(ctx, ADMIN[0], ADMIN[2])
        (clerk,) = [a for a in list_users(ctx, admin) if a.username == CLERK[0]]
        assert clerk.failed_count == 0
    finally:
        ctx.close()


def test_quit_after_start_without_a_user_does_not_wait(qapp, db_url, capsys):
    from reception.context import open_context

    ctx = open_context(db_url)
    sign_in(ctx)
    ctx.close()
    assert desk_app.main(["--db", db_url, "--quit-after-start"]) == desk_app.EXIT_SIGNIN
    err = capsys.readouterr().err
    assert "--user" in err and "RECEPTION_PASSWORD" in err


# -- English ----------------------------------------------------------------------------------------


def test_english_sign_in_screens(qtbot, english, ctx, settings):
    chinese_left = test_translations.chinese_left
    desk = Desk(ctx, settings, lang="en")
    try:
        first = FirstStartDialog(desk)
        qtbot.addWidget(first)
        first.show()
        first.submit()
        wait_idle(qtbot, desk)
        first.password.edit.setText("abc")
        first.password2.edit.setText("abd")
        assert first.windowTitle() == "First start — create the administrator account"
        assert first.error_text("username") == "enter a user name"
        left = chinese_left(first, desk)
        assert not left, "Chinese in the English first-start dialog:\n" + "\n".join(left)

        principal = sign_in(ctx, display_name="Li Xiaomei")
        dialog = SignInDialog(desk)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.username_edit.setText(CLERK[0])
        dialog.password_edit.setText("Wrong-Pass-2026")
        dialog.submit()
        wait_idle(qtbot, desk)
        assert dialog.general_error.text() == "wrong user name or password"
        left = chinese_left(dialog, desk)
        assert not left, "Chinese in the English sign-in dialog:\n" + "\n".join(left)

        change = ChangePasswordDialog(desk, principal, current=PASSWORD)
        qtbot.addWidget(change)
        change.show()
        change.password.edit.setText("Short1!")
        left = chinese_left(change, desk)
        assert not left, "Chinese in the English password change:\n" + "\n".join(left)
        for d in (first, dialog, change):
            d.reject()
    finally:
        desk.runner.shutdown(wait=True)
        QApplication.processEvents()
