"""Signing in at the desk: the first start, the sign-in dialog, the password change, and the flow that runs
them at start-up (``ui.app``) and after 切换用户 (``ui.idle_lock``).

- **首次启动** (:class:`FirstStartDialog`): while the database has no account yet, the administrator is
  created with a password chosen then (``accounts.create_first_admin``) and is signed in.
- **登录** (:class:`SignInDialog`): user name (the last one signed in on this workstation is offered, from
  ``desk-state.ini``) and password (``accounts.authenticate``). The core's message is shown as it is: a
  wrong password (with the lock warning when few attempts are left), a locked account (and until when),
  an account no longer active.
- **修改密码** (:class:`ChangePasswordDialog`): the current password, then the new one twice. A person whose
  password an administrator reset must choose a new one before the window opens.
- :class:`SignInFlow` runs these in order and ends with the signed-in ``Principal`` (or None: cancelled,
  which quits the desk). Unattended starts (tests, benchmarks, a kiosk under an IT policy) sign in with
  ``--user NAME`` and the password in the environment variable ``RECEPTION_PASSWORD`` — never a
  command-line argument, which other users of the computer can read in the process list.

The password policy (``reception.security.passwords``) is shown and checked as the person types; hashing
and verifying (argon2id, tens of milliseconds) always run in the desk's runner, never on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from reception.errors import FieldError, ReceptionError, ValidationFailed, field_error
from reception.security.passwords import MIN_CLASSES, MIN_LENGTH, check_password
from ui import state
from ui.field_dialog import FieldDialog

log = logging.getLogger(__name__)

#: the environment variable an unattended start (``--user NAME``) reads the password from
PASSWORD_ENV = "RECEPTION_PASSWORD"


translate = QCoreApplication.translate  # lupdate reads translate("SignIn", "…")


def policy_text() -> str:
    """The password policy in one sentence (shown above a new password)."""
    return translate(
        "SignIn", "密码至少 {0} 个字符，包含小写字母、大写字母、数字、其他符号中的至少 {1} 类，且不含用户名。"
    ).format(MIN_LENGTH, MIN_CLASSES)


def local_time(desk, when: datetime) -> str:
    """``when`` in the hall's time zone, to the minute (a lock's end)."""
    zone = ZoneInfo(desk.ctx.config.centre.timezone)
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def refusal_text(desk, exc: BaseException) -> str:
    """What to tell the person about a refused sign-in or unlock: the core's message; for a locked
    account also until when."""
    from reception.security.accounts import AccountLocked

    text = exc.message(desk.lang) if isinstance(exc, ReceptionError) else str(exc)
    if isinstance(exc, AccountLocked):
        text += "\n" + translate("SignIn", "锁定至 {0}。").format(local_time(desk, exc.until))
    return text


class PasswordInput(QWidget):
    """A password box with a line under it that checks the policy as the person types (no hashing: the
    policy is rules on the text). ``username`` gives the account's name for the "not the user name" rule."""

    def __init__(self, desk, *, username: Callable[[], str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.username = username or (lambda: "")
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setMaxLength(256)
        self.hint = QLabel()
        self.hint.setObjectName("passwordHint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.edit)
        lay.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self.check)

    def text(self) -> str:
        return self.edit.text()

    def problems(self) -> list[FieldError]:
        return check_password(self.edit.text(), username=self.username() or None)

    def check(self) -> list[FieldError]:
        """Show the policy's verdict on what is typed (nothing while the box is empty)."""
        if not self.edit.text():
            self.hint.hide()
            return []
        problems = self.problems()
        if problems:
            self.hint.setText("\n".join(p.message(self.desk.lang) for p in problems))
            self.hint.setStyleSheet("QLabel { color: #92400e; }")
        else:
            self.hint.setText(translate("SignIn", "✓ 符合密码要求"))
            self.hint.setStyleSheet("QLabel { color: #166534; }")
        self.hint.show()
        return problems


class RepeatInput(QWidget):
    """The new password again, compared with the first box as the person types."""

    def __init__(self, desk, first: PasswordInput, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.first = first
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setMaxLength(256)
        self.hint = QLabel()
        self.hint.setObjectName("repeatHint")
        self.hint.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.edit)
        lay.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self.check)
        first.edit.textChanged.connect(self.check)

    def text(self) -> str:
        return self.edit.text()

    def mismatch(self) -> list[FieldError]:
        if self.edit.text() != self.first.text():
            return [field_error("password.mismatch", "password2")]
        return []

    def check(self) -> None:
        if not self.edit.text():
            self.hint.hide()
            return
        problems = self.mismatch()
        if problems:
            self.hint.setText(problems[0].message(self.desk.lang))
            self.hint.setStyleSheet("QLabel { color: #92400e; }")
        else:
            self.hint.setText(translate("SignIn", "✓ 两次输入一致"))
            self.hint.setStyleSheet("QLabel { color: #166534; }")
        self.hint.show()


class NewPasswordFields:
    """For a :class:`~ui.field_dialog.FieldDialog` that sets a password: the new one (the policy checked as
    typed) and the same again, as two rows; a difference is shown before anything is sent to the core."""

    password: PasswordInput
    password2: RepeatInput

    def add_new_password(self, desk, label: str, username: Callable[[], str]) -> None:
        self.password = PasswordInput(desk, username=username)
        self.add_field("password", label, self.password)
        self.password2 = RepeatInput(desk, self.password)
        self.add_field("password2", translate("SignIn", "再次输入(&A)："), self.password2)

    def repeat_differs(self) -> bool:
        """Clear the messages; True (with the message under the second box) when the two differ."""
        self.clear_errors()
        mismatch = self.password2.mismatch()
        if mismatch and self.password.text():
            self.show_errors(mismatch)
            return True
        return False


def _intro(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _failed(dialog: FieldDialog, exc: BaseException, what: str) -> None:
    """The common part of ``failed_with``: field errors under their fields, the core's refusals at the
    bottom, anything unexpected logged and reported."""
    if isinstance(exc, ValidationFailed):
        dialog.show_errors(exc.errors)
    elif isinstance(exc, ReceptionError):
        dialog.show_general(refusal_text(dialog.desk, exc))
    else:
        log.error("%s failed", what, exc_info=exc)
        dialog.show_general(translate("SignIn", "出现意外错误：{0}").format(type(exc).__name__))
        dialog.desk.error.emit(exc)


class FirstStartDialog(NewPasswordFields, FieldDialog):
    """首次启动: the database has no account yet; the administrator is made now, with a password chosen
    now (there is no default password), and is signed in."""

    signed_in = Signal(object)  # the administrator's Principal

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(desk, parent, ok_text=self.tr("创建并登录"), min_width=520)
        self.setObjectName("firstStartDialog")
        self.principal = None
        self.setWindowTitle(self.tr("首次启动 — 创建管理员账户"))
        intro = self.tr(
            "这是本受理台第一次启动，还没有任何用户账户。请创建管理员账户：管理员登录后为窗口受理员等"
            "工作人员创建账户。请牢记密码，它不会显示在任何地方，也无法找回。"
        )
        self.root.insertWidget(0, _intro(intro, "intro"))
        self.username_edit = QLineEdit()
        self.username_edit.setMaxLength(32)
        self.username_edit.setPlaceholderText(self.tr("例如 admin 或工号"))
        self.add_field("username", self.tr("用户名(&U)："), self.username_edit)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(50)
        self.add_field("display_name", self.tr("姓名(&N)："), self.name_edit)
        self.policy = _intro(policy_text(), "policy")
        self.form.addRow("", self.policy)
        self.add_new_password(desk, self.tr("密码(&P)："), lambda: self.username_edit.text().strip().lower())
        self.username_edit.textChanged.connect(self.password.check)
        self.username_edit.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.repeat_differs():
            return
        from reception.security.accounts import create_first_admin

        self.run_checked(
            create_first_admin,
            self.desk.ctx,
            self.username_edit.text(),
            self.name_edit.text(),
            self.password.text(),
            name="first-admin",
        )

    def succeeded_with(self, principal) -> None:
        self.principal = principal
        self.signed_in.emit(principal)

    def failed_with(self, exc: BaseException) -> None:
        _failed(self, exc, "creating the first administrator")


class SignInDialog(FieldDialog):
    """登录: user name and password, checked by the core in the runner."""

    signed_in = Signal(object)  # the Principal

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(desk, parent, ok_text=self.tr("登录"), min_width=440)
        self.setObjectName("signInDialog")
        self.principal = None
        self.password_used = ""  # handed to a forced password change, then forgotten
        self.refusal: BaseException | None = None  # the last refusal (tests, the lock warning)
        config = desk.ctx.config
        self.setWindowTitle(self.tr("登录 — 一站式受理台"))
        heading = QLabel(config.centre.name)
        heading.setObjectName("centreName")
        heading.setStyleSheet("QLabel { font-size: 14pt; font-weight: 600; }")
        self.root.insertWidget(0, heading)
        self.root.insertWidget(
            1, _intro(self.tr("工作站 {0}。请用您本人的账户登录。").format(config.workstation.code), "intro")
        )
        self.username_edit = QLineEdit(state.text(desk.settings, state.LAST_USER))
        self.username_edit.setMaxLength(32)
        self.add_field("username", self.tr("用户名(&U)："), self.username_edit)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(256)
        self.add_field("password", self.tr("密码(&P)："), self.password_edit)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        if self.username_edit.text():
            self.password_edit.setFocus()
        else:
            self.username_edit.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        missing = []
        if not self.username_edit.text().strip():
            missing.append(field_error("account.username_required", "username"))
        if not self.password_edit.text():
            missing.append(field_error("password.required", "password"))
        if missing:  # not an attempt: nothing is counted towards the lock
            self.show_errors(missing)
            return
        from reception.security.accounts import authenticate

        self.password_used = self.password_edit.text()
        self.run_checked(authenticate, self.desk.ctx, self.username_edit.text(), self.password_used, name="sign-in")

    def succeeded_with(self, principal) -> None:
        self.principal = principal
        self.refusal = None
        self.desk.settings.setValue(state.LAST_USER, principal.username)
        self.desk.settings.sync()
        self.signed_in.emit(principal)

    def failed_with(self, exc: BaseException) -> None:
        from reception.security.accounts import LoginFailed

        self.password_used = ""
        self.refusal = exc
        self.password_edit.clear()
        _failed(self, exc, "signing in")
        near_lock = isinstance(exc, LoginFailed) and exc.left is not None and exc.left <= 2
        self.general_error.setProperty("near_lock", near_lock)
        self.password_edit.setFocus()


class ChangePasswordDialog(NewPasswordFields, FieldDialog):
    """修改密码: the current password, the new one twice (the policy checked as it is typed).

    ``forced``: an administrator reset the password (``must_change_password``) — the desk opens only
    after a new one is chosen; the password just used to sign in stands for the current one."""

    changed = Signal(object)  # the Principal after the change

    def __init__(self, desk, principal, parent: QWidget | None = None, *, current: str | None = None):
        super().__init__(desk, parent, ok_text=self.tr("修改密码"), min_width=500)
        self.setObjectName("changePasswordDialog")
        self.target = principal
        self.principal = None
        self.current = current
        self.setWindowTitle(self.tr("修改密码 — {0}（{1}）").format(principal.display_name, principal.username))
        if current is not None:
            text = self.tr("管理员为您重设了密码。请设置您自己的新密码，之后才能使用受理台。")
            self.root.insertWidget(0, _intro(text, "intro"))
        self.old_edit = QLineEdit()
        self.old_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.old_edit.setMaxLength(256)
        if current is None:
            self.add_field("old_password", self.tr("当前密码(&O)："), self.old_edit)
        self.policy = _intro(policy_text(), "policy")
        self.form.addRow("", self.policy)
        self.add_new_password(desk, self.tr("新密码(&P)："), lambda: principal.username)
        (self.old_edit if current is None else self.password).setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.repeat_differs():
            return
        from reception.security.accounts import change_password

        old = self.current if self.current is not None else self.old_edit.text()
        self.run_checked(change_password, self.desk.ctx, self.target, old, self.password.text(), name="change-password")

    def succeeded_with(self, principal) -> None:
        self.principal = principal
        if self.current is not None:
            self.current = ""  # the password used to sign in is not kept
        self.changed.emit(principal)

    def failed_with(self, exc: BaseException) -> None:
        _failed(self, exc, "changing the password")


# -- the flow ---------------------------------------------------------------------------------------------


def _unattended(ctx, username: str, password: str):
    """Sign in without a person (``--user``): the account must exist and need no password change."""
    from reception.security.accounts import authenticate, has_accounts

    if not has_accounts(ctx):
        return None
    return authenticate(ctx, username, password)


class SignInFlow(QObject):
    """Who is going to use the desk: the first start, sign-in and a forced password change, in order.

    ``start()`` runs it (dialogs, core calls in the runner) and emits ``finished`` with the Principal, or
    None when the person cancelled or an unattended sign-in failed (``failure`` then says why). ``run()``
    does the same and waits for it (start-up, before the main event loop).

    ``user``/``password``: an unattended sign-in (no dialog). ``wait=False`` (``--quit-after-start``
    without ``--user``): nobody is there to answer a dialog — it is shown and closed at once, and the
    flow ends with a ``failure`` saying how to start unattended."""

    finished = Signal(object)

    def __init__(self, desk, *, user: str | None = None, password: str | None = None, wait: bool = True):
        super().__init__(desk)
        self.desk = desk
        self.user = user
        self._password = password
        self.wait = wait
        self.dialog: FieldDialog | None = None
        self.principal = None
        self.failure: str | None = None
        self._done = False

    # -- running --------------------------------------------------------------------------------
    def start(self) -> None:
        if self.user is not None:
            password, self._password = self._password or "", None
            if not password:  # not an attempt: nothing counts towards the account's lock
                self.failure = translate("SignIn", "无人值守登录须在环境变量 {0} 中给出密码。").format(PASSWORD_ENV)
                QTimer.singleShot(0, lambda: self._end(None))
                return
            self.desk.runner.run(
                _unattended,
                self.desk.ctx,
                self.user,
                password,
                on_done=self._unattended_done,
                on_error=self._failed,
                name="sign-in-unattended",
            )
            return
        from reception.security.accounts import has_accounts

        self.desk.runner.run(has_accounts, self.desk.ctx, on_done=self._ask, on_error=self._failed, name="has-accounts")

    def run(self):
        """Start and wait until the flow ends; returns the Principal or None."""
        if not self._done:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            QTimer.singleShot(0, self.start)
            loop.exec()
        return self.principal

    def _end(self, principal) -> None:
        if self._done:
            return
        self._done = True
        self.principal = principal
        self.dialog = None
        self.finished.emit(principal)

    # -- unattended -----------------------------------------------------------------------------
    def _unattended_done(self, principal) -> None:
        if principal is None:
            self.failure = translate("SignIn", "尚无用户账户：请先由人工启动受理台一次，创建管理员账户。")
            self._end(None)
        elif principal.must_change_password:
            self.failure = translate("SignIn", "账户 {0} 须先修改密码，不能无人值守登录。").format(principal.username)
            self._end(None)
        else:
            log.info("signed in unattended as %s", principal.username)
            self._end(principal)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ReceptionError):
            self.failure = translate("SignIn", "无法登录：{0}").format(refusal_text(self.desk, exc))
        else:
            log.error("sign-in failed", exc_info=exc)
            self.failure = translate("SignIn", "无法登录：{0}").format(type(exc).__name__)
        self._end(None)

    # -- a person -------------------------------------------------------------------------------
    def _ask(self, accounts_exist: bool) -> None:
        if accounts_exist:
            dialog: FieldDialog = SignInDialog(self.desk)
            dialog.signed_in.connect(self._signed_in)
        else:
            dialog = FirstStartDialog(self.desk)
            dialog.signed_in.connect(self._end)
        self._show(dialog)

    def _show(self, dialog: FieldDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.rejected.connect(lambda: self._end(None))
        self.dialog = dialog
        dialog.open()
        if not self.wait:
            self.failure = translate(
                "SignIn", "需要登录。无人值守启动（测试、自助终端）请用 --user 用户名，并在环境变量 {0} 中给出密码。"
            ).format(PASSWORD_ENV)
            QTimer.singleShot(0, dialog.reject)

    def _signed_in(self, principal) -> None:
        dialog = self.dialog
        used = dialog.password_used if isinstance(dialog, SignInDialog) else None
        if isinstance(dialog, SignInDialog):
            dialog.password_used = ""
        log.info("signed in as %s", principal.username)
        if not principal.must_change_password:
            self._end(principal)
            return
        change = ChangePasswordDialog(self.desk, principal, current=used or "")
        change.changed.connect(self._end)
        self._show(change)


__all__ = [
    "PASSWORD_ENV",
    "ChangePasswordDialog",
    "FirstStartDialog",
    "PasswordInput",
    "RepeatInput",
    "SignInDialog",
    "SignInFlow",
    "policy_text",
    "refusal_text",
]
