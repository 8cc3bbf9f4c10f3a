"""The case detail dialog on a real SQLite file: all tabs filled, notes typed in Chinese, a department's
answer, closing, the timeline in order, a reprint recorded as 补打, errors shown next to their fields."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from reception.intake import register_case
from reception.storage.models import Case, CaseEvent, ReceiptPrint
from reception.tracking import record_answer
from tests.factories import CST, base_case
from tests.pdfcheck import squeeze, text_pdfplumber
from tests.ui.conftest import type_text, wait_idle
from ui.cases.detail import CaseDetailDialog, case_html

# Showing any window on the offscreen platform makes Qt warn that it cannot propagate size hints.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


@pytest.fixture
def case_no(desk) -> str:
    return register_case(desk.ctx, base_case(desk.ctx.config)).case_no


def open_detail(qtbot, desk, case_no) -> CaseDetailDialog:
    dlg = CaseDetailDialog(desk, case_no)
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        dlg.show()
    wait_idle(qtbot, desk)
    return dlg


def submit_and_reload(qtbot, desk, dlg, action) -> None:
    """Click 保存 in an action dialog and wait until the detail dialog has reloaded."""
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)


def submit_and_fail(qtbot, desk, action) -> None:
    qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)


def event_count(desk) -> int:
    with desk.ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(CaseEvent))


def test_all_tabs_are_filled(qtbot, desk, case_no):
    dlg = open_detail(qtbot, desk, case_no)
    assert not dlg.isModal()
    assert dlg.case_no_label.text() == case_no
    flags = dlg.case_no_label.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    dlg.copy_case_no()
    assert QApplication.clipboard().text() == case_no
    assert dlg.status_label.text() == "已分流"
    assert "信访接待" in dlg.window_label.text()
    assert dlg.risk_label.text() == "风险：黄色"
    assert dlg.deadline_label.text().startswith("下一期限：") and "还有" in dlg.deadline_label.text()
    assert not dlg.deadline_label.property("overdue")

    info = dlg.info_view.toPlainText()
    for expected in (
        "张三",
        "110105********1239",  # masked until 显示完整号码
        "138****5678",
        "乌海市乌达区团结路1号",
        "证件号码",
        "居民身份证",
        "乌海市鑫达建筑工程有限公司",
        "包工头拖欠工资三万元",
        "支付拖欠工资30000元",
        "30,000.00 元",
        "求决",
        "工资欠条（复印件，1 页）",
        "黄色",
        "同意调解",
        "乌达区人力资源和社会保障局",
        "乌达区法律援助中心",
        "欠薪",  # the routing rule's name
        "登记并转送、交办",  # a deadline
        "《信访工作条例》第二十二条",
    ):
        assert expected in info, expected

    assert "110105199003071239" not in info and "13812345678" not in info
    assert dlg.timeline_kinds() == ["received", "routed"]
    item = dlg.timeline_view.topLevelItem(1)
    assert item.text(1) == "分流转办" and "主办：乌达区人力资源和社会保障局" in item.text(3)
    assert item.text(2) == "李晓梅" and not item.icon(1).isNull()

    table = dlg.transfer_table
    assert table.rowCount() == 2
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert rows[0][:3] == ["乌达区人力资源和社会保障局", "主办", "已转办"]
    assert rows[1][:3] == ["乌达区法律援助中心", "协办", "已转办"]
    assert all(b.isEnabled() for b in (dlg.reprint_button, dlg.note_button, dlg.answer_button, dlg.close_case_button))


def test_note_answer_close_and_the_timeline(qtbot, desk, case_no):
    dlg = open_detail(qtbot, desk, case_no)
    changed: list[str] = []
    desk.case_changed.connect(changed.append)

    # a note, typed in Chinese as an input method does
    note = dlg.add_note()
    assert note.isVisible() and note.isModal()
    type_text(note.text_edit, "申请人来电询问进展，已告知正在办理")
    submit_and_reload(qtbot, desk, dlg, note)
    assert not note.isVisible()
    assert changed == [case_no]
    assert dlg.timeline_kinds() == ["received", "routed", "note"]
    assert dlg.timeline_view.topLevelItem(2).text(3) == "申请人来电询问进展，已告知正在办理"

    # the assisting department returns the case: the reason is required, shown next to its field
    answer = dlg.record_answer()
    answer.department_box.setCurrentIndex(answer.department_box.findData("legal_aid"))
    answer.kind_box.setCurrentIndex(answer.kind_box.findData("returned"))
    assert answer.text_caption.text() == "退回理由(&T)："
    before = event_count(desk)
    submit_and_fail(qtbot, desk, answer)
    assert answer.isVisible()
    assert answer.error_text("text") == "退回须写明部门退回的理由"
    assert answer.error_text("department") == ""
    assert event_count(desk) == before  # nothing written
    type_text(answer.text_edit, "申请人未提交经济困难证明")
    submit_and_reload(qtbot, desk, dlg, answer)
    assert dlg.timeline_kinds()[-1] == "returned"

    # the lead department accepts, with its own case number
    answer = dlg.record_answer()
    assert answer.department_box.currentData() == "hrss"
    answer.kind_box.setCurrentIndex(answer.kind_box.findData("accepted"))
    qtbot.keyClicks(answer.number_edit, "WRS-2025-12")
    submit_and_reload(qtbot, desk, dlg, answer)
    assert dlg.status_label.text() == "办理中"
    table = dlg.transfer_table
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(6)] for r in range(table.rowCount())}
    assert rows["乌达区人力资源和社会保障局"][2:4] == ["已受理", "WRS-2025-12"]
    assert rows["乌达区法律援助中心"][2] == "已退回" and rows["乌达区法律援助中心"][4] == "申请人未提交经济困难证明"
    assert "WRS-2025-12" in dlg.info_view.toPlainText()  # under 部门案号

    # closing: outcome and satisfaction must be chosen
    close = dlg.close_case()
    assert close.outcome_box.currentIndex() == -1
    submit_and_fail(qtbot, desk, close)
    assert close.error_text("outcome") == "必填" and close.error_text("satisfaction") == "必填"
    close.outcome_box.setCurrentIndex(close.outcome_box.findData("resolved"))
    close.satisfaction_box.setCurrentIndex(close.satisfaction_box.findData("satisfied"))
    type_text(close.note_edit, "工资已全额支付，电话回访满意")
    submit_and_reload(qtbot, desk, dlg, close)
    assert dlg.status_label.text() == "已办结"
    assert dlg.deadline_label.text().startswith("已于") and "化解成功" in dlg.deadline_label.text()
    assert not dlg.answer_button.isEnabled() and not dlg.close_case_button.isEnabled()
    assert dlg.note_button.isEnabled()
    assert dlg.record_answer() is None and dlg.close_case() is None

    assert dlg.timeline_kinds() == ["received", "routed", "note", "returned", "acknowledged", "closed"]
    labels = [dlg.timeline_view.topLevelItem(i).text(1) for i in range(dlg.timeline_view.topLevelItemCount())]
    assert labels == ["受理登记", "分流转办", "备注", "部门退回", "部门受理", "案件办结"]
    assert "工资已全额支付" in dlg.timeline_view.topLevelItem(5).text(3)
    info = dlg.info_view.toPlainText()
    assert "化解成功" in info and "按期办结" in info
    with desk.ctx.db.read() as s:
        c = s.execute(select(Case).where(Case.case_no == case_no)).scalar_one()
        assert (c.status, c.outcome, c.satisfaction) == ("closed", "resolved", "satisfied")
    assert changed == [case_no] * 4


def test_reprint_from_the_detail_records_a_reprint(qtbot, desk, case_no, tmp_path):
    from reception.receipts import render_receipt

    render_receipt(desk.ctx, case_no, "a4", user="李晓梅")  # the original, printed at intake
    dlg = open_detail(qtbot, desk, case_no)
    assert dlg.timeline_kinds() == ["received", "routed", "receipt_print"]
    preview = dlg.reprint_receipt()
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.preview is not None, timeout=15_000)
    wait_idle(qtbot, desk)
    assert "补打" in preview.windowTitle() and "补打" in preview.status_label.text()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "reprint.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(dlg.loaded, timeout=15_000), qtbot.waitSignal(preview.printed, timeout=15_000) as sig:
        preview.print_receipt(printer)
    wait_idle(qtbot, desk)
    assert sig.args == ["a4", True]
    text = squeeze(text_pdfplumber(out.read_bytes()))
    assert case_no in text and "补打" in text
    with desk.ctx.db.read() as s:
        assert list(s.scalars(select(ReceiptPrint.reprint).order_by(ReceiptPrint.id))) == [False, True]
    assert dlg.timeline_kinds() == ["received", "routed", "receipt_print", "receipt_reprint"]
    assert dlg.timeline_view.topLevelItem(3).text(1) == "补打回执"


def test_a_change_by_someone_else_is_not_overwritten(qtbot, desk, case_no):
    dlg = open_detail(qtbot, desk, case_no)
    close = dlg.close_case()
    # another workstation records an answer meanwhile (no signal reaches this desk)
    record_answer(desk.ctx, case_no, department="hrss", kind="accepted", text=None, user="另一位")
    close.outcome_box.setCurrentIndex(0)
    close.satisfaction_box.setCurrentIndex(0)
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        qtbot.mouseClick(close.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)
    assert close.isVisible() and "已被他人修改" in close.general_error.text()
    assert dlg.status_label.text() == "办理中"  # reloaded: the other clerk's answer is shown
    assert dlg.timeline_kinds()[-1] == "acknowledged"
    # trying again with the fresh version works
    submit_and_reload(qtbot, desk, dlg, close)
    assert dlg.status_label.text() == "已办结"


def test_overdue_deadline_is_highlighted(qtbot, desk):
    received = (datetime.now(CST) - timedelta(days=40)).replace(microsecond=0).isoformat()
    case_no = register_case(desk.ctx, base_case(desk.ctx.config, received_at=received)).case_no
    dlg = open_detail(qtbot, desk, case_no)
    assert dlg.deadline_label.property("overdue") is True
    assert "已逾期" in dlg.deadline_label.text()
    assert "background" in dlg.deadline_label.styleSheet()


def test_resolved_case_takes_no_answer_and_unknown_case_shows_an_error(qtbot, desk):
    data = base_case(desk.ctx.config)
    data["disposal"] = {**data["disposal"], "resolved_on_spot": True, "answer": "已当场答复"}
    case_no = register_case(desk.ctx, data).case_no
    dlg = open_detail(qtbot, desk, case_no)
    assert dlg.status_label.text() == "当场办结"
    assert dlg.transfer_table.rowCount() == 0
    assert not dlg.answer_button.isEnabled() and dlg.close_case_button.isEnabled()
    assert dlg.timeline_kinds() == ["received", "resolved"]

    missing = CaseDetailDialog(desk, "ZZ-150304-W01-2025-999999")
    qtbot.addWidget(missing)
    with qtbot.waitSignal(missing.load_failed, timeout=15_000):
        missing.show()
    wait_idle(qtbot, desk)
    assert "没有找到案件" in missing.error_label.text()
    assert not missing.note_button.isEnabled()


def test_keyboard_escape_closes_and_cancel_writes_nothing(qtbot, desk, case_no):
    dlg = open_detail(qtbot, desk, case_no)
    note = dlg.add_note()
    type_text(note.text_edit, "不保存的备注")
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    assert not note.isVisible()
    wait_idle(qtbot, desk)
    assert dlg.timeline_kinds() == ["received", "routed"]
    note = dlg.add_note()
    type_text(note.text_edit, "用快捷键保存")
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        qtbot.keyClick(note.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, desk)
    assert dlg.timeline_kinds() == ["received", "routed", "note"]
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_case_html_in_english(desk, case_no):
    from reception.queries import case_document
    from reception.tracking import case_tracking

    text = case_html(case_document(desk.ctx, case_no), case_tracking(desk.ctx, case_no), desk.ctx.config, "en")
    for expected in ("ID number", "Resident ID card", "Petition reception", "Facts and reasons", "Yellow"):
        assert expected in text, expected


def test_full_numbers_need_a_reason_and_are_audited(qtbot, desk, case_no):
    from sqlalchemy import select

    from reception.storage.models import AuditRecord

    dlg = open_detail(qtbot, desk, case_no)
    assert dlg.reveal_button.isEnabled() and "已部分隐藏" in dlg.disclosure_label.text()
    reveal = dlg.reveal()
    qtbot.mouseClick(reveal.ok_button, Qt.MouseButton.LeftButton)  # no reason
    qtbot.waitUntil(lambda: bool(reveal.error_text("reason")), timeout=10_000)
    assert "事由" in reveal.error_text("reason") and "110105199003071239" not in dlg.info_view.toPlainText()
    type_text(reveal.reason_edit, "申请人来电，核对身份")
    with qtbot.waitSignal(reveal.revealed_doc, timeout=10_000):
        qtbot.mouseClick(reveal.ok_button, Qt.MouseButton.LeftButton)
    info = dlg.info_view.toPlainText()
    assert "110105199003071239" in info and "13812345678" in info
    assert not dlg.reveal_button.isEnabled() and "已记入审计日志" in dlg.disclosure_label.text()
    with desk.ctx.db.read() as s:
        (row,) = s.scalars(select(AuditRecord).where(AuditRecord.action == "case.view_full")).all()
    assert (row.user, row.object_id, row.detail) == ("lixiaomei", case_no, {"reason": "申请人来电，核对身份"})
    # the next load masks again
    with qtbot.waitSignal(dlg.loaded, timeout=10_000):
        dlg.reload()
    assert "110105199003071239" not in dlg.info_view.toPlainText() and dlg.reveal_button.isEnabled()
