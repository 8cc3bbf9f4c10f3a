"""账户管理 (administrators: permission ``user.manage``): the accounts of this hall's database and what an
administrator does with them — 新建账户, 重置密码, 修改角色, 停用/启用, 解锁.

Every action is a core function of ``reception.security.accounts`` run in the desk's runner with the
signed-in administrator as the actor (the core checks the permission and audits the change, in one
transaction). Forms are :class:`~ui.field_dialog.FieldDialog`: the core's message under each field; the
password policy is shown and checked as it is typed (``ui.signin.PasswordInput``). A new account and a
reset password are first passwords: the person chooses their own at the next sign-in.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.errors import ReceptionError, ValidationFailed
from reception.security.roles import ROLES, role_label
from ui import style
from ui.desk import Desk
from ui.field_dialog import FieldDialog
from ui.signin import NewPasswordFields, policy_text
from ui.tables import row_table
from ui.tasks import Reload

log = logging.getLogger(__name__)

translate = QCoreApplication.translate  # lupdate reads translate("AccountsPage", "…")


def load_accounts(ctx, actor) -> list:
    from reception.security.accounts import list_users

    return list_users(ctx, actor)


def _role_box(desk, current: str | None = None) -> QComboBox:
    box = QComboBox()
    for code in ROLES:
        box.addItem(role_label(code, desk.lang), code)
    box.setCurrentIndex(max(0, box.findData(current or "clerk")))
    return box


class _DepartmentField(QComboBox):
    """The department of a liaison (部门联络员); only a liaison has one."""

    def __init__(self, desk, roles: QComboBox, current: str | None = None):
        super().__init__()
        self.roles = roles
        self.addItem(self.tr("（无）"), "")
        for dept in desk.ctx.config.departments.values():
            self.addItem(dept.label(desk.lang), dept.code)
        self.setCurrentIndex(max(0, self.findData(current or "")))
        roles.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def _role_changed(self, *_args) -> None:
        liaison = self.roles.currentData() == "liaison"
        self.setEnabled(liaison)
        if not liaison:
            self.setCurrentIndex(0)

    def value(self) -> str | None:
        return self.currentData() or None


def _fail(dialog: FieldDialog, exc: BaseException, what: str) -> None:
    if isinstance(exc, ValidationFailed):
        dialog.show_errors(exc.errors)
    elif isinstance(exc, ReceptionError):
        dialog.show_general(exc.message(dialog.desk.lang))
    else:
        log.error("%s failed", what, exc_info=exc)
        dialog.show_general(translate("AccountsPage", "出现意外错误：{0}").format(type(exc).__name__))
        dialog.desk.error.emit(exc)


class NewAccountDialog(NewPasswordFields, FieldDialog):
    """新建账户: user name, name, role, department (a liaison), first password twice."""

    created = Signal(object)  # the new Account

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(desk, parent, ok_text=self.tr("创建账户"), min_width=520)
        self.setObjectName("newAccountDialog")
        self.setWindowTitle(self.tr("新建账户"))
        self.username_edit = QLineEdit()
        self.username_edit.setMaxLength(32)
        self.username_edit.setPlaceholderText(self.tr("小写字母、数字，如工号或姓名拼音"))
        self.add_field("username", self.tr("用户名(&U)："), self.username_edit)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(50)
        self.add_field("display_name", self.tr("姓名(&N)："), self.name_edit)
        self.role_box = _role_box(desk)
        self.add_field("role", self.tr("角色(&R)："), self.role_box)
        self.department_box = _DepartmentField(desk, self.role_box)
        self.add_field("department", self.tr("所属部门(&D)："), self.department_box)
        note = QLabel(self.tr("首次登录时，本人须修改这个初始密码。") + " " + policy_text())
        note.setObjectName("policy")
        note.setWordWrap(True)
        self.form.addRow("", note)
        self.add_new_password(desk, self.tr("初始密码(&P)："), lambda: self.username_edit.text().strip().lower())
        self.username_edit.textChanged.connect(self.password.check)
        self.username_edit.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.repeat_differs():
            return
        from reception.security.accounts import add_user

        self.run_checked(
            add_user,
            self.desk.ctx,
            self.desk.principal,
            self.username_edit.text(),
            self.name_edit.text(),
            self.role_box.currentData(),
            self.password.text(),
            department=self.department_box.value(),
            name="account-add",
        )

    def succeeded_with(self, account) -> None:
        self.created.emit(account)

    def failed_with(self, exc: BaseException) -> None:
        _fail(self, exc, "creating an account")


class ResetPasswordDialog(NewPasswordFields, FieldDialog):
    """重置密码: a new first password, twice; the person changes it at the next sign-in (also unlocks)."""

    done_for = Signal(str)  # the user name

    def __init__(self, desk, account, parent: QWidget | None = None):
        super().__init__(desk, parent, ok_text=self.tr("重置密码"), min_width=500)
        self.setObjectName("resetPasswordDialog")
        self.account = account
        self.setWindowTitle(self.tr("重置密码 — {0}（{1}）").format(account.display_name, account.username))
        note = QLabel(
            self.tr("设置一个初始密码交给本人；本人下次登录时须修改。账户如被锁定，同时解锁。") + " " + policy_text()
        )
        note.setObjectName("policy")
        note.setWordWrap(True)
        self.root.insertWidget(0, note)
        self.add_new_password(desk, self.tr("新密码(&P)："), lambda: account.username)
        self.password.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.repeat_differs():
            return
        from reception.security.accounts import reset_password

        self.run_checked(
            reset_password,
            self.desk.ctx,
            self.desk.principal,
            self.account.username,
            self.password.text(),
            name="account-reset",
        )

    def succeeded_with(self, _result) -> None:
        self.done_for.emit(self.account.username)

    def failed_with(self, exc: BaseException) -> None:
        _fail(self, exc, "resetting a password")


class RoleDialog(FieldDialog):
    """修改角色: the role and, for a liaison, the department."""

    changed = Signal(object)  # the Account after the change

    def __init__(self, desk, account, parent: QWidget | None = None):
        super().__init__(desk, parent, ok_text=self.tr("保存"), min_width=460)
        self.setObjectName("roleDialog")
        self.account = account
        self.setWindowTitle(self.tr("修改角色 — {0}（{1}）").format(account.display_name, account.username))
        self.role_box = _role_box(desk, account.role)
        self.add_field("role", self.tr("角色(&R)："), self.role_box)
        self.department_box = _DepartmentField(desk, self.role_box, account.department)
        self.add_field("department", self.tr("所属部门(&D)："), self.department_box)
        self.role_box.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        from reception.security.accounts import set_role

        self.run_checked(
            set_role,
            self.desk.ctx,
            self.desk.principal,
            self.account.username,
            self.role_box.currentData(),
            department=self.department_box.value(),
            name="account-role",
        )

    def succeeded_with(self, account) -> None:
        self.changed.emit(account)

    def failed_with(self, exc: BaseException) -> None:
        _fail(self, exc, "changing a role")


class AccountsPage(QWidget):
    """The list of accounts and the administrator's actions on the one chosen."""

    COLUMNS = ("username", "display_name", "role", "department", "active", "locked_until", "must_change", "last_login")

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.accounts: list = []
        self.loads = 0
        self.loader = Reload(
            desk.runner,
            lambda: (load_accounts, (desk.ctx, desk.principal)),
            self._loaded,
            self._load_failed,
            name="accounts",
            alive=lambda: shiboken6.isValid(self),
        )
        self._keep: str | None = None  # the account to choose again after the next load
        self.dialog: FieldDialog | None = None
        self.confirm_box: QMessageBox | None = None
        style.apply(self)

        title = QLabel(self.tr("账户管理"))
        title.setProperty("role", "heading")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setToolTip(self.tr("重新读取账户列表（F5）"))
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.refresh_button)
        note = QLabel(
            self.tr(
                "每位工作人员使用自己的账户登录，审计日志记录到人。新账户和重置后的密码为初始密码，"
                "本人首次登录时须修改。连续输错 5 次密码，账户锁定 15 分钟，可在此解锁。"
            )
        )
        note.setObjectName("hint")
        note.setWordWrap(True)

        headers = [
            self.tr("用户名"),
            self.tr("姓名"),
            self.tr("角色"),
            self.tr("所属部门"),
            self.tr("状态"),
            self.tr("锁定至"),
            self.tr("须修改密码"),
            self.tr("上次登录"),
        ]
        self.table = row_table("accountsTable", headers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.change_role())

        self.new_button = QPushButton(self.tr("新建账户(&N)…"))
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_account)
        self.reset_button = QPushButton(self.tr("重置密码(&R)…"))
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button = QPushButton(self.tr("修改角色(&O)…"))
        self.role_button.clicked.connect(self.change_role)
        self.active_button = QPushButton(self.tr("停用(&D)"))
        self.active_button.clicked.connect(self.toggle_active)
        self.unlock_button = QPushButton(self.tr("解锁(&U)"))
        self.unlock_button.clicked.connect(self.unlock)
        actions = QHBoxLayout()
        actions.addWidget(self.new_button)
        actions.addSpacing(16)
        for b in (self.reset_button, self.role_button, self.active_button, self.unlock_button):
            actions.addWidget(b)
        actions.addStretch(1)

        self.message = QLabel()
        self.message.setObjectName("accountsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addWidget(note)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self._selection_changed()
        self.refresh()

    # -- loading ----------------------------------------------------------------------------------
    def focus_first(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def refresh(self) -> None:
        self.loader.request()

    def _loaded(self, accounts: list) -> None:
        chosen = self.selected()
        keep = self._keep or (chosen.username if chosen else None)
        self._keep = None
        self.accounts = accounts
        self.loads += 1
        self._fill(keep)

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ReceptionError):
            self.show_message(exc.message(self.desk.lang), "error")
        else:
            log.error("reading the accounts failed", exc_info=exc)
            self.show_message(self.tr("无法读取账户列表：{0}").format(type(exc).__name__), "error")

    def _when(self, at: datetime | None) -> str:
        if at is None:
            return "—"
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return at.astimezone(ZoneInfo(self.desk.ctx.config.centre.timezone)).strftime("%Y-%m-%d %H:%M")

    def row_texts(self, account) -> list[str]:
        lang = self.desk.lang
        now = datetime.now(UTC)
        locked = account.locked(now) if account.locked_until is not None else False
        return [
            account.username,
            account.display_name,
            role_label(account.role, lang),
            self.desk.ctx.config.department_label(account.department, lang) if account.department else "—",
            self.tr("启用") if account.active else self.tr("已停用"),
            self._when(account.locked_until) if locked else "—",
            self.tr("是") if account.must_change_password else self.tr("否"),
            self._when(account.last_login_at),
        ]

    def _fill(self, keep: str | None) -> None:
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(self.accounts))
        again = -1
        for r, account in enumerate(self.accounts):
            for c, text in enumerate(self.row_texts(account)):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, account.username)
                if c == 4 and not account.active:
                    item.setForeground(Qt.GlobalColor.darkGray)
                if c == 5 and text != "—":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
            if account.username == keep:
                again = r
        if again >= 0:
            self.table.selectRow(again)
        self._selection_changed()

    # -- the chosen account ---------------------------------------------------------------------------
    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        name = item.data(Qt.ItemDataRole.UserRole) if item else None
        return next((a for a in self.accounts if a.username == name), None)

    def select(self, username: str) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == username:
                self.table.selectRow(r)
                return

    def _selection_changed(self) -> None:
        account = self.selected()
        for b in (self.reset_button, self.role_button, self.active_button):
            b.setEnabled(account is not None)
        self.active_button.setText(
            self.tr("启用(&E)") if account is not None and not account.active else self.tr("停用(&D)")
        )
        self.unlock_button.setEnabled(account is not None and account.locked())

    def show_message(self, text: str, tone: str = "ok") -> None:
        self.message.setText(text)
        self.message.setProperty("tone", tone)
        style.repolish(self.message)

    # -- actions ----------------------------------------------------------------------------------
    def _open(self, dialog: FieldDialog) -> FieldDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def new_account(self) -> NewAccountDialog:
        dialog = NewAccountDialog(self.desk, self)

        def created(account) -> None:
            self.show_message(
                self.tr("已创建账户 {0}（{1}，{2}）。请把初始密码交给本人，首次登录时须修改。").format(
                    account.username, account.display_name, role_label(account.role, self.desk.lang)
                )
            )
            self._after(account.username)

        dialog.created.connect(created)
        return self._open(dialog)

    @Slot()
    def reset_password(self) -> ResetPasswordDialog | None:
        account = self.selected()
        if account is None:
            return None
        dialog = ResetPasswordDialog(self.desk, account, self)

        def done(username: str) -> None:
            self.show_message(self.tr("已重置 {0} 的密码；本人下次登录时须修改。").format(username))
            self._after(username)

        dialog.done_for.connect(done)
        return self._open(dialog)

    @Slot()
    def change_role(self) -> RoleDialog | None:
        account = self.selected()
        if account is None:
            return None
        dialog = RoleDialog(self.desk, account, self)

        def changed(acc) -> None:
            self.show_message(
                self.tr("{0} 的角色已改为{1}。").format(acc.username, role_label(acc.role, self.desk.lang))
            )
            self._after(acc.username)

        dialog.changed.connect(changed)
        return self._open(dialog)

    @Slot()
    def toggle_active(self) -> QMessageBox | None:
        """停用 (asked first: the person can no longer sign in) or 启用 the chosen account."""
        account = self.selected()
        if account is None:
            return None
        activate = not account.active
        if activate:
            self._set_active(account.username, True)
            return None
        box = QMessageBox(self)
        box.setObjectName("deactivateQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("停用账户"))
        box.setText(
            self.tr("停用账户 {0}（{1}）？停用后本人无法再登录；账户和审计记录保留，可随时启用。").format(
                account.username, account.display_name
            )
        )
        yes = box.addButton(self.tr("停用"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def answered(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is yes:
                self._set_active(account.username, False)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
        return box

    def _set_active(self, username: str, active: bool) -> None:
        from reception.security.accounts import set_active

        def done(acc) -> None:
            text = self.tr("已启用账户 {0}。") if acc.active else self.tr("已停用账户 {0}。")
            self.show_message(text.format(acc.username))
            self._after(acc.username)

        self._run(set_active, username, active, on_done=done, name="account-active")

    @Slot()
    def unlock(self) -> None:
        account = self.selected()
        if account is None:
            return
        from reception.security.accounts import unlock

        def done(acc) -> None:
            self.show_message(self.tr("已解锁账户 {0}。").format(acc.username))
            self._after(acc.username)

        self._run(unlock, account.username, on_done=done, name="account-unlock")

    def _run(self, fn, *args, on_done, name: str) -> None:
        def failed(exc: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            if isinstance(exc, ValidationFailed):
                self.show_message("\n".join(e.message(self.desk.lang) for e in exc.errors), "error")
            elif isinstance(exc, ReceptionError):
                self.show_message(exc.message(self.desk.lang), "error")
            else:
                log.error("%s failed", name, exc_info=exc)
                self.show_message(self.tr("出现意外错误：{0}").format(type(exc).__name__), "error")
                self.desk.error.emit(exc)
            self.refresh()

        def done(result) -> None:
            if shiboken6.isValid(self):
                on_done(result)

        self.desk.runner.run(fn, self.desk.ctx, self.desk.principal, *args, on_done=done, on_error=failed, name=name)

    def _after(self, username: str) -> None:
        """After a change: read the list again and keep the account chosen."""
        self._keep = username
        self.refresh()


__all__ = ["AccountsPage", "NewAccountDialog", "ResetPasswordDialog", "RoleDialog", "load_accounts"]
