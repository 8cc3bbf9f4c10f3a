"""账户管理 (ui/accounts_page.py): only for ``user.manage`` (a clerk's window has no such page), the list,
新建账户 with the core's messages under the fields, 重置密码, 修改角色, 停用/启用 (the last administrator
stays), 解锁; a role's pages in the window; the English page."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt

from reception.security.accounts import AccountInactive, LoginFailed, authenticate
from reception.security.roles import PermissionDenied
from tests.ui import test_translations
from tests.ui.conftest import ADMIN, PASSWORD, make_desk, sign_in, wait_idle
from tests.ui.shell_support import OFFSCREEN, missing_pages_stubbed  # noqa: F401
from ui.accounts_page import AccountsPage, NewAccountDialog, ResetPasswordDialog, RoleDialog

english = test_translations.english  # the English translator on the application

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def admin_desk(qapp, ctx, settings):
    d = make_desk(ctx, settings, role="admin")
    yield d
    d.runner.shutdown(wait=True)


@pytest.fixture
def page(qtbot, admin_desk):
    p = AccountsPage(admin_desk)
    qtbot.addWidget(p)
    p.resize(1200, 600)
    p.show()
    wait_idle(qtbot, admin_desk)
    return p


def column(page, name: str) -> list[str]:
    c = AccountsPage.COLUMNS.index(name)
    return [page.table.item(r, c).text() for r in range(page.table.rowCount())]


def row_of(page, username: str) -> list[str]:
    r = column(page, "username").index(username)
    return [page.table.item(r, c).text() for c in range(page.table.columnCount())]


def submitted(qtbot, desk, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)


# -- who sees it ------------------------------------------------------------------------------------


def test_a_clerk_has_no_accounts_page(qtbot, desk, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    w = MainWindow(desk)
    qtbot.addWidget(w)
    titles = [w.nav.item(i).text() for i in range(w.nav.count())]
    assert "账户管理" not in titles and len(titles) == 5
    with pytest.raises(KeyError):
        w.show_page("accounts")
    # and the core refuses on its own, whatever the UI shows
    from reception.security.accounts import list_users

    with pytest.raises(PermissionDenied):
        list_users(desk.ctx, desk.principal)
    p = AccountsPage(desk)
    qtbot.addWidget(p)
    wait_idle(qtbot, desk)
    assert p.message.text() == "窗口受理员无权管理用户账户" and p.table.rowCount() == 0


def test_the_administrators_window(qtbot, admin_desk, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    w = MainWindow(admin_desk)
    qtbot.addWidget(w)
    w.show()
    titles = [w.nav.item(i).text() for i in range(w.nav.count())]
    assert titles == ["受理登记", "案件查询", "推送状态", "日结", "设置", "账户管理", "审计日志"]
    intake = w.nav.item(0)
    assert not intake.flags() & Qt.ItemFlag.ItemIsEnabled and intake.toolTip() == "管理员无权受理登记"
    assert "intake" not in w.pages and w.current_key != "intake"  # not built, not shown
    with pytest.raises(PermissionDenied):
        w.show_page("intake")
    w.show_page("accounts")
    assert isinstance(w.pages["accounts"], AccountsPage)
    assert w.user_label.text() == "用户：王管理（管理员）"
    wait_idle(qtbot, admin_desk)
    w.close()


def test_a_liaison_cannot_register_nor_close_the_day(qtbot, ctx, settings, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    desk = make_desk(ctx, settings, role="liaison", username="hrss-liu", display_name="刘联络", department="hrss")
    try:
        w = MainWindow(desk)
        qtbot.addWidget(w)
        enabled = {
            w.nav.item(i).text(): bool(w.nav.item(i).flags() & Qt.ItemFlag.ItemIsEnabled) for i in range(w.nav.count())
        }
        assert enabled == {"受理登记": False, "案件查询": True, "推送状态": True, "日结": False, "设置": True}
        assert w.current_key == "cases"
        wait_idle(qtbot, desk)
        w.close()
    finally:
        desk.runner.shutdown(wait=True)


# -- the page ---------------------------------------------------------------------------------------


def test_list_and_new_account_with_errors_under_fields(qtbot, page, admin_desk):
    assert column(page, "username") == ["admin"]
    assert row_of(page, "admin")[1:5] == ["王管理", "管理员", "—", "启用"]

    dialog = page.new_account()
    qtbot.waitExposed(dialog)
    submitted(qtbot, admin_desk, dialog)  # nothing typed
    assert dialog.error_text("username") == "请输入用户名"
    assert dialog.error_text("display_name") == "请输入姓名"
    assert dialog.error_text("password") == "请输入密码"

    assert not dialog.department_box.isEnabled()  # only a liaison has a department
    dialog.username_edit.setText("admin")
    dialog.name_edit.setText("刘联络")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("liaison"))
    assert dialog.department_box.isEnabled()
    dialog.password.edit.setText("short")
    assert "至少 10 个字符" in dialog.password.hint.text()
    dialog.password.edit.setText("Liu-First-2026")
    dialog.password2.edit.setText("Liu-First-2026")
    submitted(qtbot, admin_desk, dialog)
    assert dialog.error_text("username") == "用户名“admin”已被使用"
    assert dialog.error_text("department") == "部门联络员须指定所属部门"
    assert dialog.isVisible()

    dialog.username_edit.setText("hrss-liu")
    dialog.department_box.setCurrentIndex(dialog.department_box.findData("hrss"))
    submitted(qtbot, admin_desk, dialog)
    qtbot.waitUntil(lambda: "hrss-liu" in column(page, "username"), timeout=10_000)
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # closed (and deleted)
    row = row_of(page, "hrss-liu")
    assert row[1:7] == ["刘联络", "部门联络员", admin_desk.ctx.config.departments["hrss"].name, "启用", "—", "是"]
    assert "首次登录时须修改" in page.message.text()
    assert page.selected().username == "hrss-liu"
    assert authenticate(admin_desk.ctx, "hrss-liu", "Liu-First-2026").must_change_password


def test_reset_role_deactivate_enable_and_unlock(qtbot, page, admin_desk):
    ctx = admin_desk.ctx
    sign_in(ctx, username="zhangsan", display_name="张三")
    page.refresh()
    wait_idle(qtbot, admin_desk)
    page.select("zhangsan")

    # 解锁: five wrong passwords lock the account; the page shows until when and unlocks it
    for n in range(5):
        with pytest.raises(Exception):  # noqa: B017  (LoginFailed, then AccountLocked)
            authenticate(ctx, "zhangsan", f"Wrong-Pass-{n:04d}")
    page.refresh()
    wait_idle(qtbot, admin_desk)
    assert row_of(page, "zhangsan")[5] != "—" and page.unlock_button.isEnabled()
    page.unlock_button.click()
    wait_idle(qtbot, admin_desk)
    qtbot.waitUntil(lambda: row_of(page, "zhangsan")[5] == "—", timeout=5000)
    assert page.message.text() == "已解锁账户 zhangsan。"
    assert authenticate(ctx, "zhangsan", PASSWORD).username == "zhangsan"

    # 重置密码
    reset = page.reset_password()
    assert isinstance(reset, ResetPasswordDialog)
    reset.password.edit.setText("zhangsan-Pass1")
    reset.password2.edit.setText("zhangsan-Pass1")
    submitted(qtbot, admin_desk, reset)
    assert reset.error_text("password") == "密码不能包含用户名"
    reset.password.edit.setText("Reset-Pass-2026")
    reset.password2.edit.setText("Reset-Pass-2026")
    submitted(qtbot, admin_desk, reset)
    qtbot.waitUntil(lambda: "已重置 zhangsan 的密码" in page.message.text(), timeout=5000)
    assert authenticate(ctx, "zhangsan", "Reset-Pass-2026").must_change_password

    # 修改角色: a liaison needs the department
    role = page.change_role()
    assert isinstance(role, RoleDialog) and role.role_box.currentData() == "clerk"
    role.role_box.setCurrentIndex(role.role_box.findData("liaison"))
    submitted(qtbot, admin_desk, role)
    assert role.error_text("department") == "部门联络员须指定所属部门"
    role.department_box.setCurrentIndex(role.department_box.findData("court"))
    submitted(qtbot, admin_desk, role)
    qtbot.waitUntil(lambda: row_of(page, "zhangsan")[2] == "部门联络员", timeout=5000)

    # 停用 (asked first), then 启用
    page.select("zhangsan")
    box = page.toggle_active()
    assert "停用后本人无法再登录" in box.text()
    box.buttons()[0].click()  # 停用
    wait_idle(qtbot, admin_desk)
    qtbot.waitUntil(lambda: row_of(page, "zhangsan")[4] == "已停用", timeout=5000)
    assert page.active_button.text() == "启用(&E)"
    with pytest.raises(AccountInactive):
        authenticate(ctx, "zhangsan", "Reset-Pass-2026")
    assert page.toggle_active() is None  # 启用 asks nothing
    wait_idle(qtbot, admin_desk)
    qtbot.waitUntil(lambda: row_of(page, "zhangsan")[4] == "启用", timeout=5000)


def test_the_last_administrator_stays(qtbot, page, admin_desk):
    page.select(ADMIN[0])
    box = page.toggle_active()
    box.buttons()[0].click()
    wait_idle(qtbot, admin_desk)
    qtbot.waitUntil(lambda: page.message.text() != "", timeout=5000)
    assert page.message.text() == "不能停用或改变最后一个管理员的角色"
    assert page.message.property("tone") == "error"
    assert row_of(page, ADMIN[0])[4] == "启用"
    role = page.change_role()
    role.role_box.setCurrentIndex(role.role_box.findData("clerk"))
    submitted(qtbot, admin_desk, role)
    assert role.error_text("role") == "不能停用或改变最后一个管理员的角色"
    role.reject()


def test_a_new_accounts_first_password_must_differ_from_its_name(qtbot, page, admin_desk):
    dialog = page.new_account()
    assert isinstance(dialog, NewAccountDialog)
    dialog.username_edit.setText("wangfang")
    dialog.name_edit.setText("王芳")
    dialog.password.edit.setText("wangfang-2026")
    assert "密码不能包含用户名" in dialog.password.hint.text()  # live, before anything is sent
    dialog.reject()
    with pytest.raises(LoginFailed):
        authenticate(admin_desk.ctx, "wangfang", "wangfang-2026")


def test_english_accounts_page(qtbot, english, ctx, settings):
    chinese_left = test_translations.chinese_left
    desk = make_desk(ctx, settings, lang="en", role="admin")
    try:
        p = AccountsPage(desk)
        qtbot.addWidget(p)
        p.show()
        wait_idle(qtbot, desk)
        p.select(ADMIN[0])
        assert p.table.model().headerData(0, Qt.Orientation.Horizontal) == "User name"
        texts = ["王管理"]  # the administrator's name is data
        left = [t for t in chinese_left(p, desk) if not any(x in t for x in texts)]
        assert not left, "Chinese in the English accounts page:\n" + "\n".join(left)
        for open_dialog in (p.new_account, p.reset_password, p.change_role):
            dialog = open_dialog()
            if isinstance(dialog, RoleDialog):  # a liaison without a department: refused, the dialog stays
                dialog.role_box.setCurrentIndex(dialog.role_box.findData("liaison"))
            dialog.submit()
            wait_idle(qtbot, desk)
            left = [t for t in chinese_left(dialog, desk) if not any(x in t for x in texts)]
            assert not left, f"Chinese in the English {type(dialog).__name__}:\n" + "\n".join(left)
            dialog.reject()
    finally:
        desk.runner.shutdown(wait=True)
