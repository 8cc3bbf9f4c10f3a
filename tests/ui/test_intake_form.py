"""The intake form (受理登记) driven as a clerk drives it: real widgets offscreen, Chinese typed through
input-method events, ASCII through key clicks, saved with Ctrl+S into a real SQLite file, the receipt
rendered by the real preview dialog and read back from the PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QMessageBox, QPlainTextEdit
from sqlalchemy import func, select

from reception import drafts
from reception.intake import register_case
from reception.queries import case_document
from reception.storage.models import Case, ReceiptPrint
from tests.factories import base_case
from tests.pdfcheck import squeeze, text_pdfplumber
from tests.ui.conftest import make_desk, type_text, wait_idle
from ui import state
from ui.intake.fields import ChoiceField, Field
from ui.intake.form import IntakePage, parent_path
from ui.receipt_preview import ReceiptPreviewDialog

# Showing a window on the offscreen platform makes Qt warn that it cannot propagate size hints or raise.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support propagateSizeHints\(\)", r"This plugin does not support raise\(\)"
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
FEMALE_ID = "11010519491231002x"  # domain.md §4: female, born 1949-12-31 (stored as …002X)
MALE_ID = "110105199003071239"
BAD_CHECKSUM_ID = "110105199003071238"


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def page(qtbot, desk):
    def settle(p):
        """Before pytest-qt closes the page: background work done, receipt previews closed."""
        wait_idle(qtbot, desk)
        for dialog in p.findChildren(ReceiptPreviewDialog):
            dialog.close()
        wait_idle(qtbot, desk)

    p = IntakePage(desk)
    qtbot.addWidget(p, before_close_func=settle)
    p.resize(1400, 900)
    p.show()
    qtbot.waitExposed(p)
    p.activateWindow()
    return p


@pytest.fixture
def pdf_printer(monkeypatch, tmp_path):
    """The workstation's printer is a PDF file (Qt's print-to-file); no blocking dialog opens."""
    target = tmp_path / "printed.pdf"

    def choose(_parent):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    monkeypatch.setattr(ReceiptPreviewDialog, "choose_printer", staticmethod(choose))
    return target


def strip_nulls(value):
    """The same document without keys whose value is null (left out and null mean the same)."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def count_cases(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(Case))


def press(qtbot, page, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key press where the clerk's focus is (shortcuts included)."""
    target = QApplication.focusWidget() or page
    qtbot.keyClick(target, key, modifier)


def choose(field: ChoiceField, code) -> None:
    combo = field.combo
    index = combo.findData(code)
    assert index >= 0, code
    combo.setCurrentIndex(index)


def keys(qtbot, field: Field, text: str) -> None:
    """ASCII typed into a line edit, as on the keyboard."""
    field.editor.setFocus()
    qtbot.keyClicks(field.editor, text)


def chinese(field: Field, text: str) -> None:
    """Chinese typed through the input method into the field's text editor."""
    editor = field.editor
    if isinstance(editor, QComboBox):
        editor = editor.lineEdit()
    type_text(editor, text)


def tick(qtbot, box) -> None:
    """A check box ticked from the keyboard (Space)."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def tab_out(qtbot, field: Field) -> None:
    field.focus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def checked(qtbot, page) -> None:
    """Wait for the live check (250 ms after the last change) to have run."""
    with qtbot.waitSignal(page.checked, timeout=3000):
        page._schedule_check()


def fill_petition(qtbot, page, config, *, id_number: str = FEMALE_ID) -> None:
    qtbot.mouseClick(page.selector.buttons["petition"], Qt.MouseButton.LeftButton)
    a = page.applicants.people[0]
    chinese(a.name, "王秀英")
    keys(qtbot, a.id_number, id_number)
    keys(qtbot, a.phone, "13812345678")
    chinese(a.address, "乌海市乌达区三道坎街道团结路8号")
    m = page.matter
    choose(m.categories.category, "labour")
    choose(m.categories.subcategory, "unpaid_wages")
    grid = next(iter(config.network.grids.values()))
    community = config.network.communities[grid.community]
    choose(m.place.town, community.town)
    choose(m.place.community, community.code)
    choose(m.place.grid, grid.code)
    chinese(m.facts, "申请人在工地务工，包工头拖欠工资三万元至今未付。")
    chinese(m.requests, "支付拖欠工资三万元")
    keys(qtbot, m.amount, "30000")
    choose(m.purpose, "claim")
    choose(page.risk.level, "yellow")
    tick(qtbot, page.disposal.privacy_consent.box)


def save_with_ctrl_s(qtbot, page) -> str:
    with qtbot.waitSignal(page.desk.case_saved, timeout=10_000) as sig:
        press(qtbot, page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return sig.args[0]


def wait_receipt(qtbot, page, desk):
    dialog = page.preview
    assert isinstance(dialog, ReceiptPreviewDialog)
    qtbot.waitUntil(lambda: dialog.preview is not None or dialog.error_label.isVisible(), timeout=20_000)
    wait_idle(qtbot, desk)
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    return dialog


# --------------------------------------------------------------------------- tests


def test_parent_path():
    assert parent_path("applicants[0].id_number") == "applicants[0]"
    assert parent_path("applicants[0]") == "applicants"
    assert parent_path("group.representatives[5]") == "group.representatives"
    assert parent_path("place") == ""


def test_petition_typed_by_a_clerk_is_saved_and_its_receipt_rendered(qtbot, page, desk, config):
    fill_petition(qtbot, page, config)
    a = page.applicants.people[0]
    # the ID number filled sex and birth date as soon as it was valid
    assert a.sex.value() == "female" and a.sex.combo.currentText() == "女"
    assert a.birth_date.value() == "1949-12-31"
    checked(qtbot, page)
    assert [e for e in page.problems if e.severity == "error"] == []
    # routing is shown before saving: department, rule, deadlines
    routing = page.routing.summary.text()
    assert "乌达区人力资源和社会保障局" in routing and "unpaid_wages" in routing
    assert "书面告知信访人" in page.routing.deadlines.text()
    before = count_cases(desk.ctx)

    case_no = save_with_ctrl_s(qtbot, page)

    assert count_cases(desk.ctx) == before + 1
    assert page.saved_banner.isVisible() and page.saved_banner.case_no.text() == case_no
    doc = case_document(desk.ctx, case_no)
    assert doc["window"] == "petition" and doc["clerk"] == "李晓梅"
    applicant = doc["applicants"][0]
    assert applicant["name"] == "王秀英"
    assert applicant["id_number"] == "11010519491231002X"
    assert applicant["sex"] == "female" and applicant["birth_date"] == "1949-12-31"
    assert applicant["phone"] == "13812345678"
    assert doc["facts"] == "申请人在工地务工，包工头拖欠工资三万元至今未付。"
    assert doc["requests"] == ["支付拖欠工资三万元"]
    assert doc["amount"] == 30000 and doc["purpose"] == "claim"
    assert doc["routing"]["department"] == "hrss"
    # the real receipt preview opened and rendered the receipt PDF
    dialog = wait_receipt(qtbot, page, desk)
    assert dialog.case_no == case_no
    text = squeeze(text_pdfplumber(dialog.preview.pdf))
    assert case_no in text and "王秀英" in text
    # the form is blank for the next visitor; window, channel and clerk stay
    assert page.window_code == "petition"
    assert page.applicants.people[0].name.value() is None
    assert page.receipt.clerk.value() == "李晓梅"
    assert not page.dirty
    assert not drafts.has_draft()
    # copy button puts the number on the clipboard
    page.saved_banner.copy_button.click()
    assert QApplication.clipboard().text() == case_no


def test_legal_aid_with_agent_counterparty_and_materials_saved_then_printed_with_ctrl_p(
    qtbot, page, desk, config, pdf_printer
):
    press(qtbot, page, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)  # Alt+3 = 法律援助
    assert page.window_code == "legal_aid"
    assert state.text(desk.settings, state.WINDOW) == "legal_aid"
    assert page.legal_aid.isVisibleTo(page)
    a = page.applicants.people[0]
    chinese(a.name, "乌云其其格")
    chinese(a.ethnicity, "蒙古族")
    keys(qtbot, a.id_number, "150304198511020486")
    keys(qtbot, a.phone, "15947390418")
    chinese(a.address, "乌海市乌达区梁家沟街道建设社区建设路8号")
    chinese(a.occupation, "仓库搬运工")
    tick(qtbot, a.population_groups.boxes["migrant_worker"])
    chinese(a.education, "初中")
    assert a.sex.value() == "female" and a.birth_date.value() == "1985-11-02"
    # agent: tick, then the fields appear
    tick(qtbot, page.agent.enabled.box)
    choose(page.agent.type, "relative")
    chinese(page.agent.name, "其木格")
    chinese(page.agent.relationship, "妹妹")
    tick(qtbot, page.agent.power_of_attorney.box)
    # counter-party: an organisation with its unified social credit code
    cp = page.counterparties.list.items[0]
    choose(cp.kind, "organisation")
    assert cp.uscc.shown_in(page) and not cp.id_number.shown_in(page)
    chinese(cp.name, "乌海市恒通物流有限公司")
    keys(qtbot, cp.uscc, "91150304MA0N7K3X2Q")
    m = page.matter
    choose(m.categories.category, "labour")
    choose(m.categories.subcategory, "work_injury")
    choose(m.place.town, "150304003")
    chinese(m.facts, "申请人搬运货物时右手骨折，公司拒绝申请工伤认定。")
    chinese(m.requests, "申请法律援助，代理工伤认定及劳动仲裁\n确认劳动关系并要求支付工伤待遇")
    la = page.legal_aid
    choose(la.legal_position, "applicant")
    choose(la.aid_form, "arbitration")
    keys(qtbot, la.household_size, "3")
    keys(qtbot, la.household_income, "2600")
    chinese(la.hardship_exempt, "农民工请求工伤赔偿，免予核查经济困难状况")
    mat = page.materials.list.items[0]
    chinese(mat.name, "身份证复印件")
    choose(mat.original, "copy")
    keys(qtbot, mat.pages, "1")
    choose(page.risk.level, "yellow")
    choose(page.disposal.mediation_consent, "no")
    tick(qtbot, page.disposal.privacy_consent.box)

    case_no = save_with_ctrl_s(qtbot, page)

    doc = case_document(desk.ctx, case_no)
    assert doc["window"] == "legal_aid"
    assert doc["applicants"][0]["ethnicity"] == "蒙古族"
    assert doc["applicants"][0]["population_groups"] == ["migrant_worker"]
    assert doc["agent"]["type"] == "relative" and doc["agent"]["name"] == "其木格"
    assert doc["agent"]["power_of_attorney"] is True
    assert strip_nulls(doc["counterparties"]) == [
        {"kind": "organisation", "name": "乌海市恒通物流有限公司", "uscc": "91150304MA0N7K3X2Q"}
    ]
    assert doc["requests"] == ["申请法律援助，代理工伤认定及劳动仲裁", "确认劳动关系并要求支付工伤待遇"]
    assert doc["legal_aid"]["aid_form"] == "arbitration" and doc["legal_aid"]["household_income"] == 2600
    assert doc["materials"] == [{"name": "身份证复印件", "original": False, "pages": 1, "returned": False}]
    assert any(d["kind"] == "legal_aid_decision" for d in doc["deadlines"])
    wait_receipt(qtbot, page, desk)

    # Ctrl+P on the blank form prints the receipt of the case just saved, to the workstation's printer
    page.applicants.people[0].name.focus()
    press(qtbot, page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pdf_printer.exists() and pdf_printer.stat().st_size > 0, timeout=20_000)
    wait_idle(qtbot, desk)
    assert case_no in squeeze(text_pdfplumber(pdf_printer.read_bytes()))
    with desk.ctx.db.read() as s:
        assert len(s.scalars(select(ReceiptPrint)).all()) == 1


def test_ctrl_p_on_an_unsaved_form_saves_first_then_prints(qtbot, page, desk, config, pdf_printer):
    fill_petition(qtbot, page, config, id_number=MALE_ID)
    with qtbot.waitSignal(desk.case_saved, timeout=10_000) as sig:
        press(qtbot, page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pdf_printer.exists() and pdf_printer.stat().st_size > 0, timeout=20_000)
    wait_idle(qtbot, desk)
    assert sig.args[0] in squeeze(text_pdfplumber(pdf_printer.read_bytes()))


def test_bad_id_checksum_blocks_saving_names_the_field_and_writes_nothing(qtbot, page, desk, config):
    fill_petition(qtbot, page, config, id_number=BAD_CHECKSUM_ID)
    a = page.applicants.people[0]
    assert a.sex.value() is None  # an invalid number fills nothing
    before = count_cases(desk.ctx)
    page.matter.facts.focus()
    press(qtbot, page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, desk)
    assert count_cases(desk.ctx) == before
    assert a.id_number.message.isVisible()
    assert a.id_number.message.text() == "证件号码：校验位错误"
    assert a.id_number.editor.property("msg") == "error"
    assert QApplication.focusWidget() is a.id_number.editor  # focus returns to the field
    assert "证件号码：校验位错误" in page.status.text()
    assert page.last_case_no is None and not page.saved_banner.isVisible()
    # corrected: the message goes, and the case saves
    a.id_number.line.clear()
    keys(qtbot, a.id_number, MALE_ID)
    checked(qtbot, page)
    assert not a.id_number.message.isVisible()
    save_with_ctrl_s(qtbot, page)
    assert count_cases(desk.ctx) == before + 1


def test_empty_form_is_not_painted_red_until_touched_or_saved(qtbot, page, desk):
    qtbot.mouseClick(page.selector.buttons["litigation"], Qt.MouseButton.LeftButton)
    checked(qtbot, page)
    assert any(e.code == "required" for e in page.problems)  # the core knows ...
    assert all(not t.messages for t in page.targets())  # ... but nothing is shown yet
    name = page.applicants.people[0].name
    tab_out(qtbot, name)
    checked(qtbot, page)
    assert name.messages == (("error", "姓名：必填"),)
    assert not page.matter.facts.messages
    # a save attempt shows every required field, nothing is written
    press(qtbot, page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert count_cases(desk.ctx) == 0
    assert page.matter.facts.messages == (("error", "事实与理由：必填"),)
    assert page.counterparties.list.messages == (("error", "被申请人/对方当事人：必填"),)
    assert page.disposal.privacy_consent.messages[0][1].startswith("个人信息告知同意：")
    assert QApplication.focusWidget() is name.editor  # the first problem in form order


def test_switching_window_changes_required_markers_and_sections(qtbot, page):
    a = page.applicants.people[0]
    page.set_window("litigation")
    assert a.id_number.required and a.ethnicity.required and not a.occupation.required
    assert page.counterparties.list.required and page.materials.list.required
    assert not page.matter.purpose.required and not page.risk.level.required
    assert not page.group.isVisibleTo(page) and not page.legal_aid.isVisibleTo(page)
    assert not a.population_groups.shown_in(page)
    assert "*" in a.id_number.label.text()
    # a letter carries no ID card: the ID number is no longer required
    choose(page.receipt.channel, "letter")
    assert not a.id_number.required
    choose(page.receipt.channel, "visit")
    assert a.id_number.required

    page.set_window("legal_aid")
    assert a.occupation.required and page.legal_aid.legal_position.required
    assert page.legal_aid.isVisibleTo(page) and page.group.isVisibleTo(page)
    assert a.population_groups.shown_in(page)
    assert page.disposal.mediation_consent.required

    page.set_window("petition")
    assert not a.id_number.required and page.matter.purpose.required and page.risk.level.required
    assert not page.counterparties.list.required
    assert page.group.isVisibleTo(page) and not page.legal_aid.isVisibleTo(page)
    assert "*" not in a.id_number.label.text()

    page.set_window("consultation")
    assert not page.disposal.privacy_consent.required and not page.matter.requests.required
    assert not page.group.isVisibleTo(page)
    # the same tables as the core's
    from reception.record import REQUIRED

    page.set_window("mediation")
    marked = {t.pattern for t in page.targets() if t.required}
    assert marked == set(REQUIRED["mediation"]) | {"disposal.privacy_consent"}


def test_window_is_remembered_per_workstation(qtbot, desk):
    first = IntakePage(desk)
    qtbot.addWidget(first)
    assert first.window_code is None and not first.content.isEnabled()
    first.selector.buttons["mediation"].click()
    assert first.window_code == "mediation" and first.content.isEnabled()
    second = IntakePage(desk)
    qtbot.addWidget(second)
    assert second.window_code == "mediation"
    assert second.selector.buttons["mediation"].isChecked()


def test_repeat_visitor_panel_finds_earlier_cases_and_warns_after_second_review(qtbot, page, desk, config):
    earlier = base_case(
        config,
        "petition",
        prior_handling=[{"body": "乌达区人民政府", "form": "petition", "stage": "second_review", "final": True}],
        disposal={"privacy_consent": True, "leader_override": "经值班领导批准受理"},
    )
    closed_no = register_case(desk.ctx, earlier).case_no
    other_no = register_case(desk.ctx, base_case(config, "mediation")).case_no
    page.set_window("petition")
    a = page.applicants.people[0]
    opened = []
    desk.open_case.connect(opened.append)

    keys(qtbot, a.id_number, MALE_ID)  # the number of both earlier cases
    qtbot.waitUntil(lambda: page.visitors.list.count() == 2, timeout=5000)
    wait_idle(qtbot, desk)
    assert set(page.visitors.case_numbers()) == {closed_no, other_no}
    assert "2 次" in page.visitors.status.text()
    assert page.visitors.alarm.isVisible()
    assert "不再受理" in page.visitors.alarm_text.text() and closed_no in page.visitors.alarm_text.text()
    # clicking a case asks the window to open it
    item = page.visitors.list.item(0)
    rect = page.visitors.list.visualItemRect(item)
    qtbot.mouseClick(page.visitors.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [item.data(Qt.ItemDataRole.UserRole)]
    # the warning points to the duty leader's approval
    page.visitors.alarm_button.click()
    assert QApplication.focusWidget() is page.disposal.leader_override.editor
    # a stale answer (the clerk typed on) is ignored
    stale = page._lookup_seq - 1
    from reception.queries import VisitorHistory

    page._lookup_done(stale, VisitorHistory((), 0, None, ()))
    assert page.visitors.list.count() == 2
    # a new visitor: by phone only, no earlier cases
    a.id_number.line.clear()
    keys(qtbot, a.phone, "13900001111")
    qtbot.waitUntil(lambda: "首次来访" in page.visitors.status.text(), timeout=5000)
    assert not page.visitors.alarm.isVisible() and page.visitors.list.count() == 0


def test_repeat_petition_after_second_review_needs_the_leader_override(qtbot, page, desk, config):
    fill_petition(qtbot, page, config, id_number=MALE_ID)
    page.prior.list.add_item(focus=True, by_user=True)
    prior = page.prior.list.items[0]
    chinese(prior.body_, "乌达区人民政府")
    choose(prior.form, "petition")
    choose(prior.stage, "second_review")
    press(qtbot, page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert count_cases(desk.ctx) == 0
    assert "不再受理" in page.prior.list.messages[0][1]
    chinese(page.disposal.leader_override, "值班领导张主任批准受理")
    case_no = save_with_ctrl_s(qtbot, page)
    assert "复核终结后经值班领导批准受理" in page.saved_banner.notes.text()
    assert case_document(desk.ctx, case_no)["disposal"]["leader_override"] == "值班领导张主任批准受理"


def test_routing_override_needs_a_reason(qtbot, page, desk, config):
    fill_petition(qtbot, page, config, id_number=MALE_ID)
    r = page.routing
    assert not r.department.shown_in(page)
    tick(qtbot, r.enabled.box)
    assert r.department.shown_in(page) and r.reason.shown_in(page)
    choose(r.department, "court")
    keys(qtbot, r.reason, "ab")
    press(qtbot, page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert count_cases(desk.ctx) == 0
    assert r.reason.messages and r.reason.messages[0][0] == "error"
    assert r.reason.messages[0][1].startswith("理由：")
    assert QApplication.focusWidget() is r.reason.editor
    # the rules' suggestion stays in view while the override is being corrected
    assert "乌达区人力资源和社会保障局" in r.summary.text() and "改派信息有误" in r.stale.text()
    r.reason.line.clear()
    chinese(r.reason, "当事人已起诉，改由法院处理")
    checked(qtbot, page)
    assert not r.reason.messages
    assert "已改派" in r.summary.text() and "原建议" in r.summary.text()
    case_no = save_with_ctrl_s(qtbot, page)
    routing = case_document(desk.ctx, case_no)["routing"]
    assert routing["department"] == "court" and routing["overridden"] is True
    assert routing["override_reason"] == "当事人已起诉，改由法院处理"
    assert routing["suggested"]["department"] == "hrss"


def _answer_box(qtbot, page, attribute, button):
    """Answer the page's question box (``page.<attribute>``) as soon as it is open."""

    def answer():
        box = getattr(page, attribute)
        if box is None:
            QTimer.singleShot(20, answer)
            return
        box.button(button).click()

    QTimer.singleShot(0, answer)


def _answer_clear_box(qtbot, page, button):
    _answer_box(qtbot, page, "clear_box", button)


def test_esc_asks_before_clearing(qtbot, page, desk):
    page.set_window("petition")
    name = page.applicants.people[0].name
    chinese(name, "赵四")
    assert page.autosave() and drafts.has_draft()
    _answer_clear_box(qtbot, page, QMessageBox.StandardButton.No)
    press(qtbot, page, Qt.Key.Key_Escape)
    assert name.value() == "赵四" and drafts.has_draft()  # nothing cleared on No
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name.editor, timeout=2000)  # back where the clerk was
    _answer_clear_box(qtbot, page, QMessageBox.StandardButton.Yes)
    press(qtbot, page, Qt.Key.Key_Escape)
    assert page.applicants.people[0].name.value() is None and not drafts.has_draft()
    assert page.window_code == "petition"
    # an empty form has nothing to clear: no question
    assert page.ask_clear() is False


def test_draft_is_restored_after_a_crash(qtbot, desk, config):
    first = IntakePage(desk)  # not handed to qtbot: it will "crash"
    first.set_window("petition")
    a = first.applicants.people[0]
    chinese(a.name, "钱七")
    keys(qtbot, a.id_number, MALE_ID)
    chinese(first.matter.facts, "邻居装修噪音扰民。")
    # the autosave timer writes the draft a few seconds after the changes
    qtbot.waitUntil(drafts.has_draft, timeout=6000)
    saved = drafts.load_draft()
    assert saved.document["applicants"][0]["name"] == "钱七"
    # crash: the page goes away without being asked to close
    first.deleteLater()
    qtbot.wait(10)

    second = IntakePage(desk)
    qtbot.addWidget(second)
    assert second.draft_banner.isVisibleTo(second)
    assert "钱七" in second.draft_banner.text.text()
    assert second.applicants.people[0].name.value() is None
    second.draft_banner.restore_button.click()
    assert not second.draft_banner.isVisibleTo(second) and not second.draft_offered
    b = second.applicants.people[0]
    assert b.name.value() == "钱七" and b.id_number.value() == MALE_ID
    assert b.sex.value() == "male" and b.birth_date.value() == "1990-03-07"
    assert second.matter.facts.value() == "邻居装修噪音扰民。"
    assert second.window_code == "petition"
    assert second.to_document() == {**saved.document, "received_at": second.to_document()["received_at"]}


def test_draft_can_be_discarded(qtbot, desk):
    drafts.save_draft({"window": "petition", "applicants": [{"name": "孙八"}]})
    p = IntakePage(desk)
    qtbot.addWidget(p)
    p.draft_banner.discard_button.click()
    assert not p.draft_banner.isVisibleTo(p) and not p.draft_offered
    assert drafts.list_drafts() == [] and p.applicants.people[0].name.value() is None


def test_typing_before_answering_the_draft_offer_loses_nothing(qtbot, desk):
    drafts.save_draft({"window": "petition", "applicants": [{"name": "孙八"}]})
    p = IntakePage(desk)  # not handed to qtbot: it will "crash"
    assert p.draft_offered
    p.set_window("mediation")
    chinese(p.applicants.people[0].name, "周九")  # a new visitor, the clerk ignores the banner
    assert p.autosave()
    assert len(drafts.list_drafts()) == 2  # the new work and the offered draft, side by side
    # crash again: both are offered, the newest first
    p.deleteLater()
    qtbot.wait(10)
    q = IntakePage(desk)
    qtbot.addWidget(q)
    assert "周九" in q.draft_banner.text.text()
    q.draft_banner.restore_button.click()
    assert q.applicants.people[0].name.value() == "周九" and q.window_code == "mediation"
    assert "孙八" in q.draft_banner.text.text()  # then the older one
    # restoring it over the form asks first; the current content stays as a draft
    _answer_box(qtbot, q, "restore_box", QMessageBox.StandardButton.Yes)
    q.draft_banner.restore_button.click()
    assert q.applicants.people[0].name.value() == "孙八"
    assert not q.draft_offered
    kept = [drafts.load_draft(n).document["applicants"][0]["name"] for n in drafts.list_drafts("intake-offered-")]
    assert kept == ["周九"]


def test_to_document_and_load_document_round_trip(qtbot, page, desk, config):
    doc = json.loads((EXAMPLES / "legal-aid.json").read_text(encoding="utf-8"))
    page.load_document(doc)
    out = page.to_document()
    assert strip_nulls(out) == strip_nulls(doc)
    group = json.loads((EXAMPLES / "group-visit.json").read_text(encoding="utf-8"))
    page.load_document(group)
    out = page.to_document()
    assert out["group"]["headcount"] == group["group"]["headcount"]
    assert out["group"]["representatives"] == group["group"]["representatives"]
    assert strip_nulls(out["group"]["participants"]) == strip_nulls(group["group"]["participants"])
    assert out["applicants"] == group["applicants"]


def test_group_visit_representatives_are_limited(qtbot, page, desk, config):
    page.set_window("petition")
    g = page.group
    assert not g.headcount.shown_in(page)
    tick(qtbot, g.enabled.box)
    assert g.headcount.shown_in(page)
    keys(qtbot, g.headcount, "6")
    press(qtbot, page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert g.representatives.messages[0][1] == "代表：6 人集体访须推选 1 至 5 名代表"
    for _ in range(5):
        g.representatives.add_button.click()
    assert len(g.representatives.items) == 5
    assert not g.representatives.add_button.isEnabled() and "上限" in g.representatives.hint.text()
    assert g.representatives.add_item(focus=False, by_user=True) is None


def test_every_text_field_accepts_chinese_through_the_input_method(qtbot, page):
    page.set_window("legal_aid")
    page.agent.enabled.set_value(True)
    page.group.enabled.set_value(True)
    page.group.representatives.add_button.click()
    page.group.participants.add_button.click()
    page.prior.list.add_button.click()
    tick(qtbot, page.routing.enabled.box)
    editors = [
        w
        for w in page.findChildren(QLineEdit) + page.findChildren(QPlainTextEdit)
        if w.isVisibleTo(page) and not isinstance(w.parent(), QAbstractSpinBox)
    ]
    assert len(editors) > 40
    for w in editors:
        assert w.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
        if isinstance(w, QLineEdit):
            assert w.validator() is None and not w.inputMask()
        assert not (w.inputMethodHints() & Qt.InputMethodHint.ImhDigitsOnly)
        assert not (w.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly)
        type_text(w, "中文")
        text = w.text() if isinstance(w, QLineEdit) else w.toPlainText()
        assert "中文" in text, w
    # a pre-edit string (the input method still composing) does not disturb the field either
    name = page.applicants.people[0].name.line
    ev = QInputMethodEvent("zhong", [])
    QApplication.sendEvent(name, ev)
    ev = QInputMethodEvent("", [])
    ev.setCommitString("钟")
    QApplication.sendEvent(name, ev)
    assert name.text().endswith("钟")


def test_full_width_digits_are_accepted(qtbot, page, desk, config):
    fill_petition(qtbot, page, config, id_number=MALE_ID)
    a = page.applicants.people[0]
    a.phone.line.clear()
    type_text(a.phone.line, "１３８１２３４５６７８")  # typed in full-width mode
    page.matter.amount.line.clear()
    type_text(page.matter.amount.line, "３００００")
    checked(qtbot, page)
    assert [e for e in page.problems if e.severity == "error"] == []
    case_no = save_with_ctrl_s(qtbot, page)
    doc = case_document(desk.ctx, case_no)
    assert doc["applicants"][0]["phone"] == "13812345678" and doc["amount"] == 30000


def test_a_number_field_with_text_names_the_field(qtbot, page, config):
    fill_petition(qtbot, page, config, id_number=MALE_ID)
    page.matter.amount.line.clear()
    chinese(page.matter.amount, "三万元")
    checked(qtbot, page)
    assert page.matter.amount.messages == (("error", "涉及金额：请输入数字"),)
    assert "amount" in page.to_document() and page.to_document()["amount"] is None


def test_tab_order_follows_the_paper_form(qtbot, page):
    page.set_window("litigation")
    # from the window buttons through section A: Tab leaves the time field in one step
    page.selector.buttons["litigation"].setFocus()
    seen = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    r = page.receipt
    assert seen == [r.channel.editor, r.received_at.editor, r.clerk.editor, page.applicants.people[0].name.editor]
    a = page.applicants.people[0]
    a.name.focus()
    seen = [QApplication.focusWidget()]
    for _ in range(7):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    expected = [a.name, a.sex, a.ethnicity, a.birth_date, a.id_type, a.id_number, a.phone, a.residence]
    assert seen == [f.editor for f in expected]
    # a new applicant's fields come right after the first one's, before the add button
    page.applicants.list.add_button.click()
    b = page.applicants.people[1]
    assert QApplication.focusWidget() is b.name.editor
    assert not a.health.shown_in(page)  # not used by this window: skipped
    a.employer.focus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is b.name.editor


def test_save_failure_keeps_the_form_and_the_draft(qtbot, page, desk, config, monkeypatch):
    fill_petition(qtbot, page, config, id_number=MALE_ID)
    errors = []
    desk.error.connect(errors.append)

    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("ui.intake.form.register_case", broken)
    press(qtbot, page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, desk)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], OSError)
    assert page.applicants.people[0].name.value() == "王秀英" and page.dirty
    assert drafts.has_draft() and drafts.load_draft().document["applicants"][0]["name"] == "王秀英"
    assert "保存失败" in page.status.text()


def test_id_number_that_disagrees_with_typed_sex_and_birth_gets_a_note(qtbot, page):
    page.set_window("petition")
    a = page.applicants.people[0]
    choose(a.sex, "male")
    keys(qtbot, a.birth_date, "1950-01-01")
    keys(qtbot, a.id_number, FEMALE_ID)
    assert a.sex.value() == "male" and a.birth_date.value() == "1950-01-01"  # what the clerk typed stays
    checked(qtbot, page)
    assert {sev for sev, _ in a.id_number.messages} == {"warning"}
    notes = a.id_number.message.text()
    assert "证件号码显示性别为女，与填写的男不一致" in notes
    assert "证件号码中的出生日期为1949-12-31，与填写的1950-01-01不一致" in notes
    assert a.id_number.editor.property("msg") == "warning"
    # a corrected number fills what was filled from the old one
    a.sex.combo.setCurrentIndex(0)  # cleared by the clerk
    a.birth_date.line.clear()
    a.id_number.line.clear()
    keys(qtbot, a.id_number, MALE_ID)
    assert a.sex.value() == "male" and a.birth_date.value() == "1990-03-07"
    a.id_number.line.clear()
    keys(qtbot, a.id_number, FEMALE_ID)
    assert a.sex.value() == "female" and a.birth_date.value() == "1949-12-31"


def test_window_buttons_work_from_the_keyboard(qtbot, page, desk):
    buttons = page.selector.buttons
    page.focus_first()
    assert QApplication.focusWidget() is buttons["litigation"]
    qtbot.keyClick(buttons["litigation"], Qt.Key.Key_Space)
    assert page.window_code == "litigation"
    press(qtbot, page, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)
    assert page.window_code == "consultation" and buttons["consultation"].isChecked()
    assert state.text(desk.settings, state.WINDOW) == "consultation"
    page.focus_first()  # a window is chosen: the clerk starts with the applicant's name
    assert QApplication.focusWidget() is page.applicants.people[0].name.editor


def test_english_labels_come_from_the_core(qtbot, ctx, settings):
    desk = make_desk(ctx, settings, lang="en", display_name="Li Xiaomei")
    try:
        p = IntakePage(desk)
        qtbot.addWidget(p)
        p.set_window("litigation")
        a = p.applicants.people[0]
        assert a.id_number.label_text == "ID number"
        assert p.matter.categories.category.combo.itemText(1) == next(iter(ctx.config.categories.values())).name_en
        assert p.selector.buttons["legal_aid"].text() == "3 Legal aid"
        keys(qtbot, a.id_number, BAD_CHECKSUM_ID)
        checked(qtbot, p)
        assert a.id_number.messages == (("error", "ID number: wrong check character (expected 9)"),)
    finally:
        desk.runner.shutdown(wait=True)
