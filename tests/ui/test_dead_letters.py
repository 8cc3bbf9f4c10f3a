"""Dead letters and push attempts on the desk: the real dispatcher pushes to reference department receivers
on 127.0.0.1 (``tests/push_fixtures.py``); the clerk retries or re-routes what failed from the 推送状态 page
and from the case dialog, and sees every attempt on the case and the departments' reachability."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select

from reception.storage.models import CaseEvent, OutboxEntry, Transfer
from tests import push_fixtures
from tests.ui import test_translations
from tests.ui.conftest import make_desk, type_text, wait_idle
from tests.ui.shell_support import OFFSCREEN
from ui.cases.detail import CaseDetailDialog
from ui.queues import QueuesPage
from ui.reroute import RerouteDialog

department_receiver = push_fixtures.department_receiver  # the fixtures
pushing_hall = push_fixtures.pushing_hall
english = test_translations.english  # the English translator on the application

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)

HRSS = "乌达区人力资源和社会保障局"
LEGAL_AID = "乌达区法律援助中心"
JUSTICE = "乌达区司法局"
REFUSED = "缺少申请人身份证明"


@pytest.fixture
def desk(qapp, settings, pushing_hall):
    d = make_desk(pushing_hall.ctx, settings, lang="zh")
    yield d
    d.runner.shutdown(wait=True)
    QApplication.processEvents()


@pytest.fixture
def page(qtbot, desk):
    p = QueuesPage(desk)
    qtbot.addWidget(p)
    p.resize(1300, 800)
    p.show()
    wait_idle(qtbot, desk)
    yield p
    wait_idle(qtbot, desk)


def dead_case(h) -> str:
    """A labour case whose lead transfer (hrss) the department refused: a dead letter."""
    h.refuse("hrss", REFUSED)
    case_no = h.case()
    h.push()
    return case_no


def cell(page: QueuesPage, code: str, col: str) -> str:
    row = page.row_of(code)
    assert row >= 0, code
    return page.table.item(row, QueuesPage.COLUMNS.index(col)).text()


def dead_rows(page: QueuesPage) -> list[list[str]]:
    t = page.dead_table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def answer(qtbot, desk, box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)


def outbox_states(desk) -> dict[str, str]:
    with desk.ctx.db.read() as s:
        return dict(s.execute(select(OutboxEntry.department, OutboxEntry.state)).all())


def counts(desk) -> tuple[int, int, int]:
    with desk.ctx.db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Transfer)),
            s.scalar(select(func.count()).select_from(OutboxEntry)),
            s.scalar(select(func.count()).select_from(CaseEvent)),
        )


def test_dead_letter_listed_and_retried_from_the_queues_page(qtbot, page, desk, pushing_hall):
    h = pushing_hall
    case_no = dead_case(h)
    page.refresh()
    wait_idle(qtbot, desk)

    [row] = dead_rows(page)
    assert row[:3] == [case_no, HRSS, "主办"]
    assert REFUSED in row[3] and row[3].startswith("HTTP 422")
    assert row[4] == "1" and row[5]
    assert page.dead_count.text() == "共 1 条，需要人工处理"
    assert cell(page, "hrss", "failed") == "1"
    assert cell(page, "hrss", "last_push").startswith("最近一次推送失败：HTTP 422")
    assert cell(page, "legal_aid", "last_push").startswith("最近一次推送于 ") and "送达" in cell(
        page, "legal_aid", "last_push"
    )
    assert cell(page, "court", "last_push") == "—"  # no transport: it never pushes
    # the first dead letter is chosen: its actions are one key away
    assert page.retry_button.isEnabled() and page.reroute_button.isEnabled() and page.open_button.isEnabled()

    # asked first: cancelling changes nothing
    box = page.retry_selected()
    assert box.isVisible() and case_no in box.text() and HRSS in box.text()
    answer(qtbot, desk, box, "取消")
    assert outbox_states(desk)["hrss"] == "dead" and len(dead_rows(page)) == 1

    changed: list[str] = []
    desk.case_changed.connect(changed.append)
    box = page.retry_selected()
    answer(qtbot, desk, box, "重新推送")
    wait_idle(qtbot, desk)
    assert changed == [case_no]
    assert outbox_states(desk)["hrss"] == "pending"  # back in the queue, same transfer id
    assert dead_rows(page) == [] and page.dead_count.text() == "没有推送失败的转办"
    assert cell(page, "hrss", "pending") == "1" and cell(page, "hrss", "failed") == "0"
    assert page.message.text() == f"已重新排队：案件 {case_no} → {HRSS}"
    assert not page.retry_button.isEnabled()

    # the department accepts it now: the next push reaches it, and the page says when
    h.receivers["hrss"].refuse_payloads(None)
    h.push()
    page.refresh()
    wait_idle(qtbot, desk)
    assert outbox_states(desk)["hrss"] == "delivered"
    text = cell(page, "hrss", "last_push")
    assert text.startswith("最近一次推送于 ") and text.endswith(" 送达")
    [got] = h.receivers["hrss"].received()
    with desk.ctx.db.read() as s:
        hrss_id = s.scalar(select(Transfer.id).where(Transfer.department == "hrss"))
    assert (got.idempotency_key, got.count) == (hrss_id, 1)


def test_reroute_without_a_reason_shows_the_field_error_and_changes_nothing(qtbot, page, desk, pushing_hall):
    dead_case(pushing_hall)
    page.refresh()
    wait_idle(qtbot, desk)
    before = counts(desk)

    dlg = page.reroute_selected()
    assert isinstance(dlg, RerouteDialog) and dlg.isVisible() and dlg.isModal()
    box = dlg.department_box
    assert box.findData("hrss") == -1  # not the department it failed at
    assert box.count() == len(desk.ctx.config.departments) - 1
    assert box.currentIndex() == -1 and dlg.focusWidget() is box

    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)  # nothing chosen, nothing written
    wait_idle(qtbot, desk)
    assert dlg.isVisible()
    assert dlg.error_text("department") == "请选择改派的部门"
    assert dlg.error_text("reason") == "请写明改派理由（至少 2 个字）"

    box.setCurrentIndex(box.findData("justice_bureau"))
    type_text(dlg.reason_edit, "  ")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)
    assert dlg.isVisible()
    assert dlg.error_text("department") == ""
    assert dlg.error_text("reason") == "请写明改派理由（至少 2 个字）"
    assert dlg.focusWidget() is dlg.reason_edit
    assert counts(desk) == before
    assert outbox_states(desk)["hrss"] == "dead"
    dlg.reject()
    wait_idle(qtbot, desk)
    assert len(dead_rows(page)) == 1


def test_reroute_succeeds_from_the_queues_page(qtbot, page, desk, pushing_hall):
    case_no = dead_case(pushing_hall)
    page.refresh()
    wait_idle(qtbot, desk)

    dlg = page.reroute_selected()
    dlg.department_box.setCurrentIndex(dlg.department_box.findData("justice_bureau"))
    type_text(dlg.reason_edit, "人社局系统拒收，经与司法局沟通改由其办理")
    with qtbot.waitSignal(desk.case_changed, timeout=10_000) as changed:
        qtbot.keyClick(dlg.reason_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter
    wait_idle(qtbot, desk)
    assert changed.args == [case_no]
    with desk.ctx.db.read() as s:
        transfers = {(t.department, t.status, t.role) for t in s.scalars(select(Transfer))}
        events = list(s.scalars(select(CaseEvent.kind).order_by(CaseEvent.id)))
    assert ("hrss", "cancelled", "lead") in transfers and ("justice_bureau", "requested", "lead") in transfers
    assert events[-1] == "rerouted"
    assert outbox_states(desk)["justice_bureau"] == "pending"
    assert dead_rows(page) == []
    assert page.message.text() == f"已改派：案件 {case_no} 改由{JUSTICE}办理"
    assert cell(page, "justice_bureau", "pending") == "1"


def test_filter_by_department_and_open_the_case(qtbot, page, desk, pushing_hall):
    h = pushing_hall
    h.refuse("legal_aid", "不属于本中心受理范围")
    first = dead_case(h)  # hrss and legal_aid both refuse
    page.refresh()
    wait_idle(qtbot, desk)
    assert sorted(r[1] for r in dead_rows(page)) == sorted([HRSS, LEGAL_AID])
    assert page.dead_filter.currentText() == "全部部门（2）"

    page.table.selectRow(page.row_of("legal_aid"))  # choosing a department shows its dead letters
    assert page.dead_filter.currentData() == "legal_aid"
    assert [r[:2] for r in dead_rows(page)] == [[first, LEGAL_AID]]
    assert page.dead_count.text() == "1 条（全部部门共 2 条）"
    page.refresh()  # the choice survives a refresh
    wait_idle(qtbot, desk)
    assert page.dead_filter.currentData() == "legal_aid" and len(dead_rows(page)) == 1
    page.set_department_filter(None)
    assert len(dead_rows(page)) == 2

    page.dead_table.setFocus()
    with qtbot.waitSignal(desk.open_case, timeout=5000) as opened:
        qtbot.keyClick(page.dead_table, Qt.Key.Key_Return)
    assert opened.args == [first]
    with qtbot.waitSignal(desk.open_case, timeout=5000) as opened:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [first]


def test_keyboard_order_of_the_queues_page(qtbot, page, desk, pushing_hall):
    dead_case(pushing_hall)
    page.refresh()
    wait_idle(qtbot, desk)
    chain = [page.table]
    page.table.setFocus()
    for _ in range(5):
        w = chain[-1].nextInFocusChain()
        while not (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus):
            w = w.nextInFocusChain()
        chain.append(w)
    assert chain[1:] == [page.dead_filter, page.dead_table, page.retry_button, page.reroute_button, page.open_button]


def open_detail(qtbot, desk, case_no) -> CaseDetailDialog:
    dlg = CaseDetailDialog(desk, case_no)
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        dlg.show()
    wait_idle(qtbot, desk)
    return dlg


def test_case_shows_its_push_attempts_and_acts_on_its_dead_letter(qtbot, desk, pushing_hall):
    h = pushing_hall
    h.receivers["legal_aid"].refuse()  # legal aid's system is down
    case_no = dead_case(h)  # hrss refuses
    h.push_again()  # legal aid: a second failed attempt

    dlg = open_detail(qtbot, desk, case_no)
    tabs = [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]
    assert tabs == ["案件信息", "时间线", "转办", "推送记录"]
    rows = dlg.attempt_rows()
    assert len(rows) == 3
    assert rows[0][1] == LEGAL_AID  # newest first: the second round pushed legal aid only
    assert sorted(r[1] for r in rows[1:]) == sorted([HRSS, LEGAL_AID])  # the first round's lanes ran side by side
    assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True)
    assert rows[0][2:4] == ["协办", "未送达，将重试"] and rows[0][4] == "" and rows[0][6].startswith("network:")
    [hrss] = [r for r in rows if r[1] == HRSS]
    assert hrss[2:5] == ["主办", "推送失败", "422"] and REFUSED in hrss[6]
    assert all(r[5].endswith(" 毫秒") for r in rows)
    assert dlg.attempts_hint.text() == "共 3 次推送，其中 3 次未送达（最新的在最上面）"

    # the dead letter is chosen in the 转办 tab; the one still being retried takes no action
    dlg.tabs.setCurrentIndex(2)
    table = dlg.transfer_table
    hrss_row = dlg.row_of_transfer("hrss")
    assert table.item(hrss_row, 2).text() == "发送失败"
    assert table.item(hrss_row, 4).text().startswith("推送失败：HTTP 422") and REFUSED in table.item(hrss_row, 4).text()
    assert table.currentRow() == hrss_row or dlg.selected_transfer() == table.item(hrss_row, 0).data(
        Qt.ItemDataRole.UserRole
    )
    assert dlg.retry_transfer_button.isEnabled() and dlg.reroute_transfer_button.isEnabled()
    table.selectRow(dlg.row_of_transfer("legal_aid"))
    assert not dlg.retry_transfer_button.isEnabled() and not dlg.reroute_transfer_button.isEnabled()
    assert dlg.retry_transfer() is None
    table.selectRow(hrss_row)

    # 重新推送 from the case
    box = dlg.retry_transfer()
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        answer(qtbot, desk, box, "重新推送")
    wait_idle(qtbot, desk)
    assert table.item(dlg.row_of_transfer("hrss"), 2).text() == "已转办"
    assert not dlg.retry_transfer_button.isEnabled()
    assert dlg.transfer_message.text() == f"已重新排队：案件 {case_no} → {HRSS}"
    assert "push_retried" in dlg.timeline_kinds()

    # refused again; 改派 from the case
    h.push()
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        dlg.reload()
    wait_idle(qtbot, desk)
    assert [r[3] for r in dlg.attempt_rows() if r[1] == HRSS] == ["推送失败", "推送失败"]
    table.selectRow(dlg.row_of_transfer("hrss"))
    reroute = dlg.reroute_transfer()
    assert REFUSED in reroute.reason_shown.text()
    reroute.department_box.setCurrentIndex(reroute.department_box.findData("justice_bureau"))
    type_text(reroute.reason_edit, "人社局系统拒收，改由司法局办理")
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        qtbot.mouseClick(reroute.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)
    shown = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert shown[HRSS] == "已撤回" and shown[JUSTICE] == "已转办"
    assert dlg.timeline_kinds()[-1] == "rerouted"
    assert dlg.transfer_message.text() == f"已改派：案件 {case_no} 改由{JUSTICE}办理"


def test_a_case_never_pushed_says_so(qtbot, desk, pushing_hall):
    case_no = pushing_hall.case()
    dlg = open_detail(qtbot, desk, case_no)
    assert dlg.attempt_rows() == []
    assert dlg.attempts_hint.text().startswith("尚无推送记录")
    assert not dlg.retry_transfer_button.isEnabled() and not dlg.reroute_transfer_button.isEnabled()


def test_status_bar_shows_the_last_push(qtbot, desk, pushing_hall):
    from ui.main_window import MainWindow

    h = pushing_hall
    w = MainWindow(desk)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.status is not None, timeout=10_000)
    assert w.queue_label.text() == "部门队列：已配置 2 个 — 尚未推送"
    assert w.queue_label.property("state") == "unknown"

    dead_case(h)
    w.refresh_status()
    qtbot.waitUntil(lambda: w.status.queues == "failing", timeout=10_000)
    wait_idle(qtbot, desk)
    assert w.queue_label.text().startswith("部门队列：1 个部门推送失败 — 最近一次推送失败：HTTP 422")
    assert f"{HRSS}：最近一次推送失败：HTTP 422" in w.queue_label.toolTip()
    assert w.queue_label.property("state") == "failing"

    h.receivers["hrss"].refuse_payloads(None)
    h.case()
    h.push()
    w.refresh_status()
    qtbot.waitUntil(lambda: w.status.queues == "reachable", timeout=10_000)
    wait_idle(qtbot, desk)
    text = w.queue_label.text()
    assert text.startswith("部门队列：2 个部门均已送达 — 最近一次推送于 ") and text.endswith(" 送达")
    assert all(f"{name}：最近一次推送于 " in w.queue_label.toolTip() for name in (HRSS, LEGAL_AID))
    wait_idle(qtbot, desk)


def test_english_dead_letters_and_reroute_dialog(qtbot, qapp, settings, pushing_hall, english):
    chinese_left = test_translations.chinese_left
    h = pushing_hall
    h.refuse("hrss", "missing proof of identity")
    case_no = h.case()
    h.push()
    en = make_desk(h.ctx, settings, lang="en", username="lixm", display_name="Li Xiaomei")
    try:
        page = QueuesPage(en)
        qtbot.addWidget(page)
        page.show()
        wait_idle(qtbot, en)
        assert page.dead_count.text() == "1 in all, waiting for a person"
        assert cell(page, "hrss", "last_push").startswith("Last push failed: HTTP 422")
        assert dead_rows(page)[0][:3] == [case_no, "Wuda District Human Resources and Social Security Bureau", "Lead"]
        left = chinese_left(page, en)
        assert not left, "Chinese in the English queues page:\n" + "\n".join(left)
        box = page.retry_selected()
        assert box.text().startswith(f"Put the transfer of case {case_no} to ")
        left = chinese_left(box, en)
        assert not left, "Chinese in the English question:\n" + "\n".join(left)
        answer(qtbot, en, box, "Cancel")
        dlg = page.reroute_selected()
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, en)
        assert dlg.error_text("department") == "choose the department to re-route to"
        assert dlg.error_text("reason") == "give the reason for re-routing (2+ characters)"
        left = chinese_left(dlg, en)
        assert not left, "Chinese in the English re-route dialog:\n" + "\n".join(left)
        dlg.reject()
    finally:
        en.runner.shutdown(wait=True)
        QApplication.processEvents()


def test_a_transfer_the_department_returned_is_rerouted_from_the_case(qtbot, desk, pushing_hall):
    """退回 goes back to the clerk: the returned transfer can be re-routed (not retried) from the case."""
    from reception.tracking import record_answer

    h = pushing_hall
    case_no = h.case()
    h.push()
    record_answer(desk.ctx, case_no, department="hrss", kind="returned", text="不属于本部门职责", user="联络员")
    dlg = open_detail(qtbot, desk, case_no)
    dlg.tabs.setCurrentIndex(2)
    table = dlg.transfer_table
    table.selectRow(dlg.row_of_transfer("hrss"))
    assert not dlg.retry_transfer_button.isEnabled() and dlg.reroute_transfer_button.isEnabled()
    assert dlg.retry_transfer() is None
    reroute = dlg.reroute_transfer()
    assert reroute.reason_shown.text() == "部门退回理由：不属于本部门职责"
    reroute.department_box.setCurrentIndex(reroute.department_box.findData("labour_arbitration"))
    type_text(reroute.reason_edit, "人社局退回，改由劳动仲裁院办理")
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        qtbot.mouseClick(reroute.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)
    shown = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert shown[HRSS] == "已撤回" and "已转办" in shown.values()
    assert dlg.info.status == "routed"  # the lead's re-routing takes the returned case back to routed
