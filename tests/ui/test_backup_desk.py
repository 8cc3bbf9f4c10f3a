"""The desk's side of backups: the daily backup in the housekeeping (in the runner, once a day), and the
start-up notice when the database file is on a network share or a removable drive."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel, QMainWindow

from reception import backup as bk
from tests.ui.conftest import wait_idle
from tests.ui.shell_support import OFFSCREEN
from ui import app as desk_app

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


def test_housekeeping_makes_the_daily_backup_once(qtbot, desk):
    hk = desk_app.Housekeeping(desk)
    hk.backup()
    wait_idle(qtbot, desk)
    made = bk.list_backups(bk.backup_folder(desk.ctx))
    assert [e.kind for e in made] == ["daily"] and hk.backups_made == 1 and hk.last_backup.path == made[0].path
    hk.backup()  # the same day: nothing more
    wait_idle(qtbot, desk)
    assert len(bk.list_backups(bk.backup_folder(desk.ctx))) == 1 and hk.backups_made == 1

    hk.start()
    assert hk.backup_timer.isActive() and hk.backup_timer.interval() == desk_app.BACKUP_EVERY_MS
    assert hk._backup_first.isActive() and hk._backup_first.interval() == desk_app.BACKUP_FIRST_MS
    hk.stop()
    assert not hk.backup_timer.isActive() and not hk._backup_first.isActive()
    wait_idle(qtbot, desk)


def test_the_daily_backup_waits_while_other_work_runs(qtbot, desk):
    gate = threading.Event()
    hk = desk_app.Housekeeping(desk)
    desk.runner.run(gate.wait, 10)
    hk.backup()
    assert hk._backup_first.isActive() and hk.backups_made == 0  # postponed, not queued behind the clerk
    gate.set()
    wait_idle(qtbot, desk)
    assert bk.list_backups(bk.backup_folder(desk.ctx)) == []
    hk.stop()


def test_a_failed_daily_backup_becomes_a_notice(qtbot, desk, tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the backup folder's parent should be", encoding="utf-8")
    monkeypatch.setenv("RECEPTION_DATA_DIR", str(blocker / "data"))  # the default folder cannot be made
    hk = desk_app.Housekeeping(desk)
    notices = []
    hk.notice.connect(lambda key, text: notices.append((key, text)))
    hk.backup()
    wait_idle(qtbot, desk)
    assert hk.backups_made == 0 and not hk._backup_busy
    assert len(notices) == 1 and notices[0][0] == "backup"
    assert notices[0][1].startswith("今天的自动备份没有完成：") and "立即备份" in notices[0][1]


def test_storage_check_on_a_local_disk_says_nothing(qtbot, desk):
    hk = desk_app.Housekeeping(desk)
    notices = []
    hk.notice.connect(lambda key, text: notices.append((key, text)))
    hk.check_storage()
    wait_idle(qtbot, desk)
    assert notices == []


def test_a_notice_shows_in_the_status_bar_without_blocking(qtbot):
    window = QMainWindow()
    window.statusBar()  # as the desk's window: its status bar exists before it is shown
    qtbot.addWidget(window)
    window.show()
    mounts = "//nas.hall.local/hall /mnt/hall cifs rw,relatime,vers=3.1.1,addr=10.0.0.3 0 0\n"
    text = bk.linux_storage_risk("/mnt/hall/reception.sqlite3", mounts).message("zh")
    label = desk_app.show_notice(window, "storage", text)
    assert label.isVisible() and label.text() == text and label.property("tone") == "warn"
    assert "网络共享" in label.text() and "//nas.hall.local/hall" in label.text()
    again = desk_app.show_notice(window, "storage", text)  # once per kind
    assert again is label and len(window.statusBar().findChildren(QLabel, "notice-storage")) == 1
    other = desk_app.show_notice(window, "backup", "今天的自动备份没有完成")
    assert other is not label and other.isVisible()
