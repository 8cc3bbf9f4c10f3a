"""Starting the desk: main() end to end (signing in, the first start), configuration errors, the error
dialog, the log, languages."""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from reception.config import example_path
from reception.errors import ReceptionError
from reception.intake import register_case
from reception.paths import log_dir
from tests.factories import base_case
from tests.ui.conftest import CLERK, PASSWORD, sign_in, wait_idle
from tests.ui.shell_support import OFFSCREEN, missing_pages_stubbed  # noqa: F401
from ui import app as desk_app
from ui import state

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


def _head() -> str:
    from reception.storage.db import schema_head

    return schema_head()


@pytest.fixture
def shown(monkeypatch):
    """Records what the main window looked like when main() showed it."""
    from ui.main_window import MainWindow

    seen: dict = {}
    original = MainWindow.show

    def show(self):
        seen["title"] = self.windowTitle()
        seen["nav"] = [self.nav.item(i).text() for i in range(self.nav.count())]
        seen["db"] = self.db_label.text()
        original(self)

    monkeypatch.setattr(MainWindow, "show", show)
    return seen


@pytest.fixture
def clerk_in(monkeypatch):
    """Accounts in the database at ``url`` (None: the default one) and the clerk's password in
    ``RECEPTION_PASSWORD``: the arguments of an unattended start as that clerk."""

    def make(url: str | None) -> list[str]:
        from reception.context import open_context
        from reception.security.accounts import change_password

        ctx = open_context(url)
        try:  # the first password, given by the administrator, is changed once (else no unattended start)
            change_password(ctx, sign_in(ctx, password="First-Pass-2026!"), "First-Pass-2026!", PASSWORD)
        finally:
            ctx.close()
        monkeypatch.setenv("RECEPTION_PASSWORD", PASSWORD)
        return ["--user", CLERK[0]]

    return make


def test_unattended_start_signs_in_and_quits(qapp, db_url, clerk_in, missing_pages_stubbed, shown):  # noqa: F811
    hooks = (sys.excepthook, threading.excepthook)
    assert desk_app.main(["--db", db_url, "--quit-after-start", *clerk_in(db_url)]) == 0
    import os

    assert "RECEPTION_PASSWORD" not in os.environ  # read once, not handed on to child processes
    assert shown["title"].startswith("一站式受理台 — ")
    assert shown["nav"][0] == "受理登记"
    log = (log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "desk starting" in log and "desk closed" in log
    assert (sys.excepthook, threading.excepthook) == hooks  # put back after main() returns
    assert QApplication.instance().applicationName() == "reception-desk"


def test_first_start_creates_the_administrator_and_opens_the_window(qapp, tmp_path, missing_pages_stubbed):  # noqa: F811
    """A fresh database: the 首次启动 dialog creates the administrator, who is signed in; the window opens
    with the administrator's pages (账户管理, 审计日志; no intake)."""
    from ui.main_window import MainWindow
    from ui.signin import FirstStartDialog

    db = tmp_path / "new" / "hall.sqlite3"
    hooks = (sys.excepthook, threading.excepthook)
    seen: dict = {}

    def answer() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, FirstStartDialog) and w.isVisible() and "dialog" not in seen:
                seen["dialog"] = w.windowTitle()
                w.username_edit.setText("admin")
                w.name_edit.setText("王管理")
                w.password.edit.setText("Hall-Pass-2026!")
                w.password2.edit.setText("Hall-Pass-2026!")
                w.submit()
            elif isinstance(w, MainWindow) and w.isVisible() and "nav" not in seen:
                seen["nav"] = [w.nav.item(i).text() for i in range(w.nav.count())]
                seen["user"] = w.user_label.text()
                seen["intake"] = w.nav.item(0).toolTip()
                w.close()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer)
    timer.start()
    try:
        assert desk_app.main(["--db", f"sqlite:///{db.as_posix()}"]) == 0
    finally:
        timer.stop()
    assert db.is_file()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == _head()
        assert conn.execute("SELECT username, role, must_change_password FROM users").fetchall() == [
            ("admin", "admin", 0)
        ]
    conn.close()
    assert seen["dialog"] == "首次启动 — 创建管理员账户"
    assert seen["nav"] == ["受理登记", "案件查询", "推送状态", "日结", "设置", "账户管理", "审计日志"]
    assert seen["intake"] == "管理员无权受理登记"  # shown, disabled, with the reason
    assert seen["user"] == "用户：王管理（管理员）"
    log = (log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "desk starting" in log and "desk closed" in log and "Hall-Pass-2026!" not in log
    assert (sys.excepthook, threading.excepthook) == hooks  # put back after main() returns
    assert QApplication.instance().applicationName() == "reception-desk"


def test_default_database_and_saved_language(qapp, clerk_in, missing_pages_stubbed, shown):  # noqa: F811
    from reception.paths import data_dir

    s = state.open_settings()
    s.setValue(state.LANGUAGE, "en")
    s.sync()
    del s
    user = clerk_in(None)
    assert (data_dir() / "reception.sqlite3").is_file()
    assert desk_app.main(["--quit-after-start", *user]) == 0
    assert shown["title"].startswith("One-stop reception desk — ")


def test_english(qapp, db_url, clerk_in, missing_pages_stubbed, shown):  # noqa: F811
    assert desk_app.main(["--db", db_url, "--lang", "en", "--quit-after-start", *clerk_in(db_url)]) == 0
    assert shown["title"] == "One-stop reception desk — 乌达区综治中心"
    assert shown["nav"] == ["Intake", "Cases", "Department queues", "Day close", "Settings"]
    assert shown["db"].startswith("Database: sqlite:///")
    # the translator is taken off again: the next window is Chinese
    assert QApplication.translate("MainWindow", "受理登记") == "受理登记"


def _bad_hall(tmp_path) -> tuple[Path, int]:
    text = example_path().read_text(encoding="utf-8")
    text = text.replace('case_no_prefix = "ZZ"', 'case_no_prefix = "ZZ"\ncolour = "red"', 1)
    line = text.splitlines().index('colour = "red"') + 1
    p = tmp_path / "hall.toml"
    p.write_text(text, encoding="utf-8")
    return p, line


def test_config_error_shows_file_line_key_and_exits_2(qapp, tmp_path, db_url, monkeypatch):
    hall, line = _bad_hall(tmp_path)
    shown = []

    def exec_(box):
        shown.append((box.windowTitle(), box.text(), box.icon()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    assert desk_app.main(["--db", db_url, "--config", str(hall)]) == 2
    assert len(shown) == 1
    title, text, icon = shown[0]
    assert title == "配置文件有误"
    assert f"{hall}:{line}: centre.colour" in text
    assert "colour" in text and "Traceback" not in text
    assert icon == QMessageBox.Icon.Critical
    assert not Path(db_url.removeprefix("sqlite:///")).exists()  # nothing was opened


def test_config_error_with_quit_after_start_does_not_wait(qapp, tmp_path, db_url, capsys):
    hall, line = _bad_hall(tmp_path)
    assert desk_app.main(["--db", db_url, "--config", str(hall), "--quit-after-start", "--lang", "en"]) == 2
    assert f"{hall}:{line}: centre.colour" in capsys.readouterr().err
    log = (log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "configuration refused: 1 problem(s)" in log


def test_unusable_database_exits_1(qapp, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    url = "sqlite:///" + (blocker / "hall.sqlite3").as_posix()
    assert desk_app.main(["--db", url, "--quit-after-start"]) == 1
    assert "无法打开数据库" in capsys.readouterr().err
    assert "the database could not be opened" in (log_dir() / "desk.log").read_text(encoding="utf-8")


# -- the error handler ------------------------------------------------------------------------------


@pytest.fixture
def logs():
    setup = desk_app.setup_logging()
    yield setup
    setup.close()


@pytest.fixture
def reporter(qapp, logs):
    from ui.errors import ErrorReporter

    r = ErrorReporter(lang="zh", log_file=logs.path)
    r.install()
    yield r
    r.uninstall()
    for d in r.dialogs:
        if d.isVisible():
            d.close()


def _raise_deep():
    def inner_failure():
        raise ValueError("a bug in the desk")

    inner_failure()


def test_excepthook_logs_traceback_and_shows_copyable_details(qtbot, reporter, logs):
    try:
        _raise_deep()
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert len(reporter.dialogs) == 1
    dialog = reporter.dialogs[0]
    qtbot.waitExposed(dialog)
    assert "ValueError：a bug in the desk" in dialog.summary_label.text()
    assert not dialog.details_view.isVisible()
    dialog.toggle.click()
    assert dialog.details_view.isVisible() and dialog.details_view.isReadOnly()
    details = dialog.details_view.toPlainText()
    assert "Traceback (most recent call last)" in details and "inner_failure" in details
    assert str(logs.path) in dialog.log_label.text()

    dialog.copy_button.click()
    clip = QGuiApplication.clipboard().text()
    assert "a bug in the desk" in clip and "inner_failure" in clip and str(logs.path) in clip

    logs.handler.flush()
    text = logs.path.read_text(encoding="utf-8")
    assert "unhandled exception" in text and "inner_failure" in text and "ValueError: a bug in the desk" in text

    # the same error again raises the open dialog instead of stacking a second one; another one opens
    err = sys.last_value if hasattr(sys, "last_value") else None
    assert reporter.show_exception(_caught(_raise_deep)) is not None
    assert err is None or err is not dialog
    visible = [d for d in reporter.dialogs if d.isVisible()]
    assert len(visible) == 2  # the message is the same but the traceback differs (raised elsewhere)
    assert reporter.show_exception(_caught(_raise_deep)) is visible[-1]


def _caught(fn) -> BaseException:
    try:
        fn()
    except Exception as exc:
        return exc
    raise AssertionError("no exception")


def test_core_error_shows_message_without_traceback(qtbot, reporter, logs):
    exc = ReceptionError("2025-03-03 已日结（工作站 W01），不能重复日结", "already closed", code="export.day_closed")
    try:
        raise exc
    except ReceptionError:
        sys.excepthook(*sys.exc_info())
    dialog = reporter.dialogs[-1]
    assert dialog.summary_label.text() == exc.message_zh
    assert dialog.windowTitle() == "提示"
    assert not dialog.toggle.isVisible() and dialog.details == ""
    logs.handler.flush()
    text = logs.path.read_text(encoding="utf-8")
    assert "export.day_closed" in text and "Traceback" not in text and "已日结" not in text


def test_worker_thread_exception_reaches_the_dialog(qtbot, reporter, logs):
    def boom():
        raise RuntimeError("failure in a thread")

    t = threading.Thread(target=boom, name="worker-x")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=5000)
    assert "failure in a thread" in reporter.dialogs[0].summary_label.text()
    logs.handler.flush()
    assert "in thread worker-x" in logs.path.read_text(encoding="utf-8")


def test_too_many_errors_do_not_bury_the_window(qtbot, reporter):
    from ui.errors import MAX_OPEN

    for n in range(MAX_OPEN + 3):
        reporter.show_exception(RuntimeError(f"error {n}"))
    assert len([d for d in reporter.dialogs if d.isVisible()]) == MAX_OPEN


def test_desk_error_signal_shows_the_dialog(qtbot, desk, reporter):
    desk.error.connect(reporter.report)
    desk.runner.run(_raise_deep)  # no on_error: the runner hands it to desk.error
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=5000)
    assert "inner_failure" in reporter.dialogs[0].details


def test_exception_in_a_slot_during_main_is_logged(qapp, db_url, clerk_in, missing_pages_stubbed, monkeypatch):  # noqa: F811
    from ui.errors import ErrorReporter

    shown = []
    monkeypatch.setattr(ErrorReporter, "show_exception", lambda self, exc: shown.append(exc))

    def slot_with_bug():
        raise KeyError("slot-bug")

    user = clerk_in(db_url)
    QTimer.singleShot(0, slot_with_bug)  # fires inside main()'s event loop, before the window closes
    assert desk_app.main(["--db", db_url, "--quit-after-start", *user]) == 0
    assert [type(e) for e in shown] == [KeyError]
    text = (log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "slot_with_bug" in text and "KeyError: 'slot-bug'" in text


# -- logging ----------------------------------------------------------------------------------------


def test_log_is_rotating_in_the_log_folder(logs):
    from logging.handlers import RotatingFileHandler

    assert logs.path == log_dir() / "desk.log"
    assert isinstance(logs.handler, RotatingFileHandler)
    assert logs.handler.maxBytes == desk_app.LOG_BYTES and logs.handler.backupCount == desk_app.LOG_BACKUPS


def test_qt_messages_go_to_the_log(logs):
    from PySide6.QtCore import qInfo

    qInfo("a Qt message for the log")
    logs.handler.flush()
    assert "INFO    MainThread qt: default: a Qt message for the log" in logs.path.read_text(encoding="utf-8")


def test_redaction_safety_net(logs):
    logging.getLogger("reception.test").warning("value %s and %s", "110105199003071239", "13812345678")
    logs.handler.flush()
    text = logs.path.read_text(encoding="utf-8")
    assert "110105199003071239" not in text and "13812345678" not in text
    assert "110***************" in text
    assert desk_app.redact("ZZ-150304-W01-2026-000001") == "ZZ-150304-W01-2026-000001"


def test_no_personal_data_in_the_log_after_intake(qtbot, qapp, desk, logs, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.show()
    doc = base_case(desk.ctx.config)
    r = register_case(desk.ctx, doc)
    desk.case_saved.emit(r.case_no)
    window.show_page("dayclose")
    window.show_page("queues")
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: window.status is not None and window.status.pending_pushes > 0, timeout=5000)
    window.close()
    logs.handler.flush()
    text = logs.path.read_text(encoding="utf-8")
    assert r.case_no in text  # the log works and names the case by its number
    a = doc["applicants"][0]
    for personal in (a["name"], a["id_number"], a["phone"], a["address"], doc["counterparties"][0]["name"]):
        assert personal not in text


# -- background work after the window shows ---------------------------------------------------------


def test_housekeeping_warms_up_and_tidies(qtbot, desk):
    hk = desk_app.Housekeeping(desk)
    hk.warm_up()
    wait_idle(qtbot, desk, timeout=30_000)
    assert hk.warmed and "reception.receipts" in sys.modules
    register_case(desk.ctx, base_case(desk.ctx.config))
    hk.tidy()
    wait_idle(qtbot, desk)
    assert hk.tidy_runs == 1
    hk.start()
    assert hk.timer.isActive() and hk.timer.interval() == desk_app.TIDY_EVERY_MS
    hk.stop()
    wait_idle(qtbot, desk)
    # the start recorded the configuration this workstation runs with, in the clerk's name (once)
    from reception import audit

    assert "resources/rules/routing.toml" in hk.configuration_changed
    (noted,) = audit.records(desk.ctx, action="config.changed")
    assert noted.user == desk.clerk and noted.detail["first"] is True
    hk.check_configuration()
    wait_idle(qtbot, desk)
    assert hk.configuration_changed is None and len(audit.records(desk.ctx, action="config.changed")) == 1


def test_tidy_waits_while_other_work_runs(qtbot, desk):
    gate = threading.Event()
    hk = desk_app.Housekeeping(desk)
    desk.runner.run(gate.wait, 10)
    hk.tidy()
    assert hk._first.isActive() and hk.tidy_runs == 0  # postponed, not queued behind the clerk's work
    gate.set()
    wait_idle(qtbot, desk)
    hk.stop()


def test_a_bug_while_building_the_window_is_logged_and_exits_1(qapp, db_url, clerk_in, monkeypatch, capsys):
    from ui import main_window

    def broken(desk, parent=None):
        raise RuntimeError("page constructor bug")

    pages = [main_window.PageSpec("intake", "受理登记", broken, eager=True), *main_window.PAGES[1:]]
    monkeypatch.setattr(main_window, "PAGES", pages)
    hooks = (sys.excepthook, threading.excepthook)
    assert desk_app.main(["--db", db_url, "--quit-after-start", *clerk_in(db_url)]) == 1
    assert "page constructor bug" in capsys.readouterr().err
    text = (log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "the desk could not start" in text and "RuntimeError: page constructor bug" in text
    assert (sys.excepthook, threading.excepthook) == hooks


# -- 切换用户 ----------------------------------------------------------------------------------------


def test_switch_user_signs_in_the_next_person_in_a_new_window(qapp, db_url, clerk_in, missing_pages_stubbed):  # noqa: F811
    """The clerk locks the desk and switches user; the administrator signs in and gets a window of their
    own; closing it ends the desk."""
    from tests.ui.conftest import ADMIN
    from ui.main_window import MainWindow
    from ui.signin import SignInDialog

    user = clerk_in(db_url)
    seen: list = []

    def answer() -> None:
        for w in QApplication.topLevelWidgets():
            if not w.isVisible():
                continue
            if isinstance(w, MainWindow) and w.desk.principal is not None:
                who = w.desk.principal.username
                if who not in [s[0] for s in seen]:
                    seen.append((who, [w.nav.item(i).text() for i in range(w.nav.count())]))
                    if who == CLERK[0]:
                        w.idle_lock.lock()
                        w.idle_lock.screen.switch_button.click()  # nothing typed: no question
                    else:
                        w.close()
            elif (
                isinstance(w, SignInDialog) and not w.busy and w.principal is None and not w.username_edit.isReadOnly()
            ):
                w.username_edit.setReadOnly(True)  # typed once
                w.username_edit.setText(ADMIN[0])
                w.password_edit.setText(ADMIN[2])
                w.submit()

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer)
    timer.start()
    try:
        assert desk_app.main(["--db", db_url, *user]) == 0
    finally:
        timer.stop()
    assert [who for who, _nav in seen] == [CLERK[0], ADMIN[0]]
    assert "账户管理" not in seen[0][1] and "账户管理" in seen[1][1]
    log = (log_dir() / "desk.log").read_text(encoding="utf-8")
    assert "signed out" in log and "signed in as admin" in log


def test_cancelling_the_sign_in_after_a_switch_closes_the_desk(qapp, db_url, clerk_in, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow
    from ui.signin import SignInDialog

    user = clerk_in(db_url)
    done: dict = {}

    def answer() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, MainWindow) and w.isVisible() and "locked" not in done:
                done["locked"] = True
                w.idle_lock.lock()
                w.idle_lock.screen.switch_button.click()
            elif isinstance(w, SignInDialog) and w.isVisible() and "cancelled" not in done:
                done["cancelled"] = True
                w.reject()  # 退出

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(answer)
    timer.start()
    try:
        assert desk_app.main(["--db", db_url, *user]) == 0
    finally:
        timer.stop()
    assert done == {"locked": True, "cancelled": True}
    assert "sign-in cancelled after a sign-out" in (log_dir() / "desk.log").read_text(encoding="utf-8")
