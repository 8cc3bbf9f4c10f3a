"""审计日志 (ui/audit_page.py): only for ``audit.view`` (auditors, administrators), the records with their
filters, 校验审计链 on an intact and on a tampered trail, a case's record opens the case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from reception import audit
from reception.intake import register_case
from reception.security.roles import PermissionDenied
from tests.factories import base_case
from tests.ui.conftest import make_desk, wait_idle
from tests.ui.shell_support import OFFSCREEN, missing_pages_stubbed  # noqa: F401
from tests.unit.test_audit import tamper
from ui.audit_page import LIMIT, AuditPage

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)


@pytest.fixture
def auditor_desk(qapp, ctx, settings):
    d = make_desk(ctx, settings, role="auditor", username="shenji", display_name="沈计")
    yield d
    d.runner.shutdown(wait=True)


def open_page(qtbot, desk) -> AuditPage:
    p = AuditPage(desk)
    qtbot.addWidget(p)
    p.resize(1200, 600)
    p.show()
    wait_idle(qtbot, desk)
    return p


def column(page, name: str) -> list[str]:
    c = AuditPage.COLUMNS.index(name)
    return [page.table.item(r, c).text() for r in range(page.table.rowCount())]


def test_an_auditor_sees_the_page_a_clerk_does_not(qtbot, ctx, auditor_desk, desk, missing_pages_stubbed):  # noqa: F811
    from ui.main_window import MainWindow

    w = MainWindow(auditor_desk)
    qtbot.addWidget(w)
    titles = [w.nav.item(i).text() for i in range(w.nav.count())]
    assert "审计日志" in titles and "账户管理" not in titles
    w.show_page("audit")
    assert isinstance(w.pages["audit"], AuditPage)
    wait_idle(qtbot, auditor_desk)

    clerk_window = MainWindow(desk)
    qtbot.addWidget(clerk_window)
    assert "审计日志" not in [clerk_window.nav.item(i).text() for i in range(clerk_window.nav.count())]
    # the core refuses the clerk on its own, whatever the window shows
    with pytest.raises(PermissionDenied):
        audit.records(ctx, viewer=desk.principal)
    page = open_page(qtbot, desk)
    assert page.message.text() == "窗口受理员无权查看审计日志" and page.table.rowCount() == 0


def test_records_newest_first_with_labels_and_filters(qtbot, ctx, auditor_desk):
    case_no = register_case(ctx, base_case(ctx.config), user="wangli").case_no
    page = open_page(qtbot, auditor_desk)
    actions = column(page, "action")
    assert actions[0] == "受理登记" and "登录" in actions and "新建账户" in actions
    assert column(page, "object")[0] == f"case:{case_no}" and column(page, "user")[0] == "wangli"
    assert column(page, "result")[0] == "成功"
    assert page.message.text() == f"共 {len(actions)} 条，最新的在前"
    # one user, one kind of action
    page.user_edit.setText("shenji")
    page.action_box.setCurrentIndex(page.action_box.findData("login"))
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, auditor_desk)
    assert column(page, "action") == ["登录"] and column(page, "user") == ["shenji"]
    # days before any record: nothing
    long_ago = date(2020, 1, 1)
    page.set_filters(long_ago, long_ago + timedelta(days=3))
    page.refresh()
    wait_idle(qtbot, auditor_desk)
    assert page.table.rowCount() == 0 and page.message.text() == "共 0 条，最新的在前"
    # an impossible range: the core's message
    page.set_filters(date(2026, 3, 2), date(2026, 3, 1))
    page.refresh()
    wait_idle(qtbot, auditor_desk)
    assert page.message.text() == "不能早于起始日期 2026-03-02" and page.table.rowCount() == 0


def test_a_case_record_opens_the_case(qtbot, ctx, auditor_desk):
    case_no = register_case(ctx, base_case(ctx.config), user="wangli").case_no
    page = open_page(qtbot, auditor_desk)
    opened = []
    auditor_desk.open_case.connect(opened.append)
    row = column(page, "object").index(f"case:{case_no}")
    page.table.itemDoubleClicked.emit(page.table.item(row, 0))
    login_row = column(page, "action").index("登录")
    page.table.itemDoubleClicked.emit(page.table.item(login_row, 0))
    assert opened == [case_no]


def test_verify_an_intact_trail_then_a_tampered_one(qtbot, ctx, auditor_desk):
    register_case(ctx, base_case(ctx.config), user="wangli")
    page = open_page(qtbot, auditor_desk)
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, auditor_desk)
    assert page.report.intact and page.verify_result.isVisible()
    assert page.verify_result.text().startswith("✓ 审计日志完整") and page.verify_result.property("tone") == "ok"

    seq = audit.records(ctx, action="case.create")[0].seq
    tamper(ctx, f"UPDATE audit_log SET user = 'someone' WHERE seq = {seq}")
    page.verify()
    wait_idle(qtbot, auditor_desk)
    assert not page.report.intact and page.verify_result.property("tone") == "error"
    lines = page.verify_result.text().splitlines()
    assert lines[0].startswith("✗ ") and lines[1].startswith(f"序号 {seq}") and "记录被修改" in lines[1]


def test_a_full_page_says_to_narrow_the_search(qtbot, ctx, auditor_desk, monkeypatch):
    import ui.audit_page

    monkeypatch.setattr(ui.audit_page, "LIMIT", 3)
    page = open_page(qtbot, auditor_desk)
    assert page.table.rowCount() == 3 and "只显示最新的 3 条记录" in page.message.text()
    assert LIMIT == 1000


def test_times_are_hall_times(qtbot, ctx, auditor_desk):
    with ctx.db.write() as s:
        audit.append(s, ctx, [{"action": "config.changed", "at": datetime.now(UTC).replace(microsecond=0)}])
    page = open_page(qtbot, auditor_desk)
    newest = audit.records(ctx, limit=1)[0]
    shown = newest.at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    assert column(page, "at")[0] == shown and column(page, "action")[0] == "配置变更"
