"""The idle lock: after ``[accounts] idle_lock_minutes`` (default 15) without keyboard or mouse input, or
at once on Ctrl+L, the desk locks.

Locked, every window of the desk is covered by an opaque panel (nothing personal stays on screen, also
in a case dialog or a receipt preview left open, or in one that opens while locked), and the lock screen
— an application-modal window over the main window, so it takes the keyboard even while a question box
of a page waits for an answer — asks for the same person's password (``accounts.confirm_password`` in
the runner: wrong passwords count towards the account's lock like at sign-in, and the core's message is
shown), or offers 切换用户: sign out (an unsaved intake form is kept as a draft, offered back at the next
sign-in on this workstation; the person is told so first). Nothing under the covers changes: the form
being filled, its focus and any open dialog are exactly as they were after unlocking.

Input is noticed by an event filter on the application (a time stamp per key press or mouse event, no
timer restarts); a single-shot timer looks at that time stamp when the idle time could be over.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.errors import ReceptionError

log = logging.getLogger(__name__)

#: what counts as someone at the desk
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.InputMethod,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
    }
)
COVER_COLOUR = "#1f2937"


class Cover(QWidget):
    """An opaque panel over all of a window's contents while the desk is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(COVER_COLOUR))
        self.setPalette(pal)
        self.setGeometry(window.rect())
        self.show()
        self.raise_()


class LockScreen(QWidget):
    """What a locked desk shows: who is signed in, the password box, 解锁 and 切换用户."""

    unlock_requested = Signal(str)  # the password typed
    switch_requested = Signal()

    def __init__(self, desk, parent: QWidget):
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.desk = desk
        self.setObjectName("lockScreen")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle(self.tr("受理台已锁定"))
        self.setAutoFillBackground(True)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(COVER_COLOUR))
        self.setPalette(pal)
        self.allow_close = False

        panel = QFrame()
        panel.setObjectName("lockPanel")
        panel.setStyleSheet(
            "QFrame#lockPanel { background: #ffffff; border-radius: 8px; }"
            "QLabel#lockTitle { font-size: 16pt; font-weight: 600; color: #1f2937; }"
            "QLabel#lockMessage { color: #b91c1c; }"
        )
        panel.setFixedWidth(440)
        self.title = QLabel(self.tr("受理台已锁定"))
        self.title.setObjectName("lockTitle")
        self.who = QLabel()
        self.who.setObjectName("lockUser")
        self.who.setWordWrap(True)
        self.note = QLabel(self.tr("为保护个人信息，窗口内容已隐藏。请输入密码继续，正在填写的表单原样保留。"))
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(256)
        self.password.setPlaceholderText(self.tr("密码"))
        self.password.returnPressed.connect(self._unlock_clicked)
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.unlock_button = QPushButton(self.tr("解锁(&U)"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock_clicked)
        self.switch_button = QPushButton(self.tr("切换用户(&S)"))
        self.switch_button.setObjectName("switchUserButton")
        self.switch_button.clicked.connect(self.switch_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)

        inner = QVBoxLayout(panel)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.who)
        inner.addWidget(self.note)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        inner.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def prepare(self) -> None:
        """A fresh lock: who is signed in, an empty password box, no message."""
        p = self.desk.principal
        if p is not None:
            from reception.security.roles import role_label

            self.who.setText(
                self.tr("当前用户：{0}（{1}，{2}）").format(
                    p.display_name, p.username, role_label(p.role, self.desk.lang)
                )
            )
        self.password.clear()
        self.message.clear()
        self.message.hide()
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        for w in (self.password, self.unlock_button, self.switch_button):
            w.setEnabled(not busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _unlock_clicked(self) -> None:
        if not self.password.isEnabled():
            return
        if not self.password.text():
            self.show_message(self.tr("请输入密码"))
            self.password.setFocus()
            return
        self.unlock_requested.emit(self.password.text())

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            event.accept()  # Esc does not unlock
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        if self.allow_close:
            super().closeEvent(event)
        else:
            event.ignore()  # Alt+F4 does not unlock either


class IdleLock(QObject):
    """Locks ``window`` (and covers every other window of the desk) after ``minutes`` without input.

    ``set_timeout_ms`` changes the idle time (a test hook; the desk uses the hall configuration)."""

    locked = Signal()
    unlocked = Signal()
    #: 切换用户 was confirmed on the lock screen: the window signs out (the lock is already released)
    sign_out_requested = Signal()

    def __init__(self, desk, window: QWidget, minutes: float, *, unsaved: Callable[[], bool] | None = None):
        super().__init__(window)
        self.desk = desk
        self.window = window
        self.unsaved = unsaved or (lambda: False)
        self.timeout_ms = max(1, round(minutes * 60_000))
        self.is_locked = False
        self.active = False
        self.screen: LockScreen | None = None
        self.covers: dict[QWidget, Cover] = {}
        self.confirm_box: QMessageBox | None = None
        self._focus: QWidget | None = None
        self._last = time.monotonic()
        self._checking = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._check)

    # -- watching ---------------------------------------------------------------------------------
    def start(self) -> None:
        if self.active:
            return
        self.active = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.touch()

    def stop(self) -> None:
        """Stop watching (the window closes): the lock screen goes too."""
        self.active = False
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.release()

    def touch(self) -> None:
        """Someone is here: the idle time starts again."""
        self._last = time.monotonic()
        if self.active and not self.is_locked:
            self.timer.start(self.timeout_ms)

    def set_timeout_ms(self, ms: int) -> None:
        self.timeout_ms = max(1, int(ms))
        if self.active and not self.is_locked:
            self._check()

    def idle_ms(self) -> float:
        return (time.monotonic() - self._last) * 1000

    def _check(self) -> None:
        if not self.active or self.is_locked:
            return
        left = self.timeout_ms - self.idle_ms()
        if left <= 0:
            self.lock()
        else:
            self.timer.start(max(1, int(left) + 1))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.is_locked:
            if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
                self._cover(watched)  # a window opening while locked (a receipt preview, an error)
            elif kind == QEvent.Type.Resize and watched in self.covers:
                self.covers[watched].setGeometry(watched.rect())
        elif kind in INPUT_EVENTS:
            self._last = time.monotonic()
        return False

    # -- locking ----------------------------------------------------------------------------------
    def lock(self) -> None:
        """Cover every window and show the lock screen (Ctrl+L, or the idle time is over)."""
        if self.is_locked or not self.active or not self.window.isVisible():
            return
        self.is_locked = True
        self.timer.stop()
        self._focus = QApplication.focusWidget()  # given back after unlocking
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        if self.screen is None:
            self.screen = LockScreen(self.desk, self.window)
            self.screen.unlock_requested.connect(self._unlock_requested)
            self.screen.switch_requested.connect(self._switch_requested)
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and w is not self.screen:
                self._cover(w)
        self.screen.prepare()
        self.screen.allow_close = False
        self.screen.setGeometry(self.window.geometry())
        self.screen.show()
        self.screen.activateWindow()
        self.screen.password.setFocus(Qt.FocusReason.OtherFocusReason)
        log.info("desk locked")
        self.audit_event("session.lock")
        self.locked.emit()

    def audit_event(self, action: str) -> None:
        """The lock (or sign-out) in the audit trail, in the runner; a failure is logged, never shown."""
        from reception.security.accounts import record_session

        principal = self.desk.principal
        if principal is None:
            return
        self.desk.runner.run(
            record_session,
            self.desk.ctx,
            principal,
            action,
            on_error=lambda exc: log.warning("recording %s failed: %s", action, type(exc).__name__),
            name=f"audit-{action}",
        )

    def _cover(self, w: QWidget) -> None:
        if w is self.screen or w in self.covers or isinstance(w, Cover):
            return
        if w.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            w.hide()
            return
        self.covers[w] = Cover(w)

    def release(self) -> None:
        """Take the covers and the lock screen away (after the password, or to sign out)."""
        if not self.is_locked:
            return
        self.is_locked = False
        if self.confirm_box is not None and shiboken6.isValid(self.confirm_box):
            self.confirm_box.close()
        self.confirm_box = None
        for cover in list(self.covers.values()):
            if shiboken6.isValid(cover):
                cover.hide()
                cover.deleteLater()
        self.covers.clear()
        if self.screen is not None and shiboken6.isValid(self.screen):
            self.screen.allow_close = True
            self.screen.password.clear()
            self.screen.hide()

    def unlock(self) -> None:
        self.release()
        focus, self._focus = self._focus, None
        self.window.activateWindow()
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.touch()
        log.info("desk unlocked")
        self.unlocked.emit()

    # -- the lock screen's buttons ------------------------------------------------------------------
    def _unlock_requested(self, password: str) -> None:
        from reception.security.accounts import confirm_password

        principal = self.desk.principal
        if principal is None or self.screen is None:
            return
        self.screen.set_busy(True)
        self.screen.message.hide()
        self.desk.runner.run(
            confirm_password,
            self.desk.ctx,
            principal,
            password,
            on_done=self._confirmed,
            on_error=self._refused,
            name="unlock",
        )

    def _confirmed(self, _result) -> None:
        if self.is_locked:
            self.unlock()

    def _refused(self, exc: BaseException) -> None:
        from ui.signin import refusal_text

        if self.screen is None or not shiboken6.isValid(self.screen):
            return
        self.screen.set_busy(False)
        self.screen.password.clear()
        self.screen.password.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(exc, ReceptionError):
            self.screen.show_message(refusal_text(self.desk, exc))
        else:
            log.error("unlocking failed", exc_info=exc)
            self.screen.show_message(self.tr("出现意外错误：{0}").format(type(exc).__name__))
            self.desk.error.emit(exc)

    def _switch_requested(self) -> None:
        if not self.unsaved():
            self._sign_out()
            return
        box = QMessageBox(self.screen)
        box.setObjectName("switchUserQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("切换用户"))
        box.setText(self.tr("受理登记表单中有尚未保存的内容。"))
        box.setInformativeText(
            self.tr("切换用户后，这些内容保存为草稿，下次在本工作站登录时可以恢复。确定切换用户吗？")
        )
        yes = box.addButton(self.tr("切换用户"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setWindowModality(Qt.WindowModality.ApplicationModal)

        def answered(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is yes:
                self._sign_out()
            elif self.screen is not None:
                self.screen.password.setFocus(Qt.FocusReason.OtherFocusReason)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def _sign_out(self) -> None:
        self._focus = None
        self.release()
        self.sign_out_requested.emit()


def close_modal_dialogs(limit: int = 20) -> None:
    """Close the dialogs waiting for an answer (before the window closes for a sign-out): each is
    rejected, so the page that asked goes on as if the person had cancelled."""
    for _ in range(limit):
        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        if isinstance(modal, QDialog):
            modal.reject()
        else:
            modal.close()
        if QApplication.activeModalWidget() is modal and modal.isVisible():
            modal.hide()


__all__ = ["INPUT_EVENTS", "Cover", "IdleLock", "LockScreen", "close_modal_dialogs"]
