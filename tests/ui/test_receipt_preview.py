"""The receipt preview: rendered off the GUI thread, printed to a PDF-format QPrinter, saved as PDF,
every print recorded through the core (first original, then 补打), missing glyphs refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSizeF, Qt
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from reception.intake import register_case
from reception.storage.models import AuditRecord, ReceiptPrint
from tests.factories import base_case
from tests.pdfcheck import squeeze, text_pdfplumber
from tests.ui.conftest import wait_idle
from ui import state
from ui.receipt_preview import (
    MAX_DPI,
    ReceiptPreviewDialog,
    _load_pdf,
    paint_pages,
    rasterize,
    show_receipt,
)

# Showing any window on the offscreen platform makes Qt warn that it cannot propagate size hints.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def prints(ctx) -> list[ReceiptPrint]:
    with ctx.db.read() as s:
        return list(s.scalars(select(ReceiptPrint).order_by(ReceiptPrint.id)))


def audit_actions(ctx) -> list[str]:
    with ctx.db.read() as s:
        return [a.action for a in s.scalars(select(AuditRecord).order_by(AuditRecord.id))]


@pytest.fixture
def case_no(desk):
    return register_case(desk.ctx, base_case(desk.ctx.config)).case_no


@pytest.fixture
def no_dialogs(monkeypatch):
    """Fail the test if a blocking dialog would open."""

    def refuse(*_a, **_k):
        raise AssertionError("a blocking dialog was opened")

    monkeypatch.setattr(ReceiptPreviewDialog, "choose_printer", staticmethod(refuse))
    monkeypatch.setattr(ReceiptPreviewDialog, "ask_save_path", staticmethod(refuse))


def open_preview(qtbot, desk, case_no, **kw) -> ReceiptPreviewDialog:
    dlg = show_receipt(desk, case_no, **kw)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.preview is not None or dlg.error_label.isVisible(), timeout=15_000)
    wait_idle(qtbot, desk)
    return dlg


def test_preview_opens_at_once_renders_in_background_and_records_nothing(qtbot, desk, case_no, no_dialogs):
    dlg = show_receipt(desk, case_no)
    qtbot.addWidget(dlg)
    assert dlg.isVisible() and not dlg.isModal()
    assert dlg.busy and not dlg.print_button.isEnabled()  # still rendering: the window did not wait
    with qtbot.waitSignal(dlg.rendered, timeout=15_000) as sig:
        pass
    assert sig.args == ["a4"]
    wait_idle(qtbot, desk)
    assert dlg.document is not None and dlg.document.pageCount() == 1
    assert dlg.view.document() is dlg.document
    assert case_no in dlg.windowTitle()
    assert "尚未打印" in dlg.status_label.text()
    assert dlg.print_button.isEnabled() and dlg.save_button.isEnabled()
    assert not dlg.error_label.isVisible()
    # the routed case has a transfer: the transfer slip is offered
    assert [dlg.layout_box.itemData(i) for i in range(dlg.layout_box.count())] == ["a4", "slip", "transfer"]
    assert prints(desk.ctx) == [] and "receipt.print" not in audit_actions(desk.ctx)


def test_print_to_pdf_printer_records_original_then_reprint(qtbot, desk, case_no, tmp_path, no_dialogs):
    dlg = open_preview(qtbot, desk, case_no)
    first = tmp_path / "first.pdf"
    dlg.choose_printer = lambda parent: pdf_printer(first)  # no printer remembered: asked once
    changed = []
    desk.case_changed.connect(changed.append)
    dlg.print_button.setFocus()
    with qtbot.waitSignal(dlg.printed, timeout=15_000) as sig:
        qtbot.keyClick(dlg, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # Ctrl+P
    assert sig.args == ["a4", False]
    wait_idle(qtbot, desk)
    data = first.read_bytes()
    assert data.startswith(b"%PDF")
    text = squeeze(text_pdfplumber(data))
    assert case_no in text and "补打" not in text
    rows = prints(desk.ctx)
    assert [(r.layout, r.reprint, r.user) for r in rows] == [("a4", False, "lixiaomei")]  # the account
    import hashlib

    assert rows[0].sha256 == hashlib.sha256(data).hexdigest()  # the paper is exactly what was recorded
    assert changed == [case_no]
    assert "已打印" in dlg.status_label.text()

    second = tmp_path / "second.pdf"
    with qtbot.waitSignal(dlg.printed, timeout=15_000) as sig:
        assert dlg.print_receipt(pdf_printer(second))
    assert sig.args == ["a4", True]
    wait_idle(qtbot, desk)
    text = squeeze(text_pdfplumber(second.read_bytes()))
    assert case_no in text and "补打" in text
    assert [r.reprint for r in prints(desk.ctx)] == [False, True]
    assert audit_actions(desk.ctx).count("receipt.reprint") == 1
    # the preview now shows what was printed and says that the next print is a reprint
    assert dlg.preview.reprint


def test_reprint_dialog_and_slip_layout_remembered(qtbot, desk, case_no, tmp_path, no_dialogs):
    dlg = open_preview(qtbot, desk, case_no, reprint=True)
    assert "补打" in dlg.windowTitle()
    with qtbot.waitSignal(dlg.rendered, timeout=15_000) as sig:
        dlg.layout_box.setCurrentIndex(dlg.layout_box.findData("slip"))
    assert sig.args == ["slip"]
    wait_idle(qtbot, desk)
    assert state.text(desk.settings, state.LAYOUT) == "slip"
    out = tmp_path / "slip.pdf"
    with qtbot.waitSignal(dlg.printed, timeout=15_000) as sig:
        dlg.print_receipt(pdf_printer(out))
    assert sig.args == ["slip", False]  # the first slip of this case is its original
    wait_idle(qtbot, desk)
    assert case_no in squeeze(text_pdfplumber(out.read_bytes()))
    dlg.close()

    again = open_preview(qtbot, desk, case_no)
    assert again.layout_code == "slip"  # remembered per workstation
    assert "补打" in again.status_label.text()
    # the transfer slip is never remembered as the workstation's layout
    with qtbot.waitSignal(again.rendered, timeout=15_000):
        again.layout_box.setCurrentIndex(again.layout_box.findData("transfer"))
    wait_idle(qtbot, desk)
    assert state.text(desk.settings, state.LAYOUT) == "slip"
    assert again.document.pageCount() >= 1


def test_save_as_pdf_records_the_print(qtbot, desk, case_no, tmp_path):
    dlg = open_preview(qtbot, desk, case_no)
    target = tmp_path / "saved"
    asked = []

    def ask(parent, suggested):
        asked.append(suggested)
        return str(target)

    dlg.ask_save_path = ask
    with qtbot.waitSignal(dlg.saved, timeout=15_000) as sig:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, desk)
    assert asked == [f"{case_no}-a4.pdf"]
    assert sig.args == [str(target) + ".pdf"]
    data = (tmp_path / "saved.pdf").read_bytes()
    assert case_no in squeeze(text_pdfplumber(data))
    assert [(r.layout, r.reprint) for r in prints(desk.ctx)] == [("a4", False)]


def test_cancelled_printer_choice_prints_and_records_nothing(qtbot, desk, case_no):
    dlg = open_preview(qtbot, desk, case_no)
    dlg.choose_printer = lambda parent: None
    assert not dlg.print_receipt()
    assert "未选择打印机" in dlg.status_label.text()
    dlg.ask_save_path = lambda parent, suggested: None
    assert not dlg.save_pdf()
    wait_idle(qtbot, desk)
    assert prints(desk.ctx) == []


def test_a_remembered_printer_that_is_gone_asks_again(qtbot, desk, case_no, tmp_path):
    desk.settings.setValue(state.PRINTER, "收发室打印机")
    dlg = open_preview(qtbot, desk, case_no)
    assert "收发室打印机" in dlg.printer_label.text()
    asked = []

    def choose(parent):
        asked.append(parent)
        return pdf_printer(tmp_path / "r.pdf")

    dlg.choose_printer = choose
    with qtbot.waitSignal(dlg.printed, timeout=15_000):
        dlg.print_receipt()
    wait_idle(qtbot, desk)
    assert asked == [dlg]
    # a print-to-file choice is not remembered as the workstation's printer
    assert state.text(desk.settings, state.PRINTER) == "收发室打印机"


def test_missing_glyph_preview_warns_and_refuses_printing(qtbot, desk, tmp_path, no_dialogs):
    data = base_case(desk.ctx.config)
    data["applicants"][0]["name"] = "王\U00031350"
    case_no = register_case(desk.ctx, data).case_no
    failures = []
    dlg = show_receipt(desk, case_no)
    qtbot.addWidget(dlg)
    dlg.failed.connect(failures.append)
    with qtbot.waitSignal(dlg.rendered, timeout=15_000):
        pass
    wait_idle(qtbot, desk)
    assert dlg.document.pageCount() == 1  # the clerk still sees the receipt
    assert dlg.error_label.isVisible()
    shown = dlg.error_label.text()
    assert "\U00031350" in shown and "U+31350" in shown and "申请人" in shown
    assert not dlg.print_button.isEnabled() and not dlg.save_button.isEnabled()
    assert not dlg.print_receipt(pdf_printer(tmp_path / "x.pdf"))
    assert not dlg.save_pdf(str(tmp_path / "x.pdf"))
    wait_idle(qtbot, desk)
    assert failures and not (tmp_path / "x.pdf").exists()
    assert prints(desk.ctx) == []


def test_case_resolved_at_the_counter_has_no_transfer_slip(qtbot, desk, no_dialogs):
    data = base_case(desk.ctx.config)
    data["disposal"] = {**data["disposal"], "resolved_on_spot": True, "answer": "已当场答复"}
    case_no = register_case(desk.ctx, data).case_no
    dlg = open_preview(qtbot, desk, case_no)
    assert dlg.layout_box.findData("transfer") == -1
    assert dlg.print_button.isEnabled()


def test_unknown_case_is_shown_not_raised(qtbot, desk, no_dialogs):
    dlg = open_preview(qtbot, desk, "ZZ-150304-W01-2025-999999")
    assert dlg.error_label.isVisible() and "没有找到案件" in dlg.error_label.text()
    assert not dlg.print_button.isEnabled()


def test_escape_closes(qtbot, desk, case_no, no_dialogs):
    dlg = open_preview(qtbot, desk, case_no)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


# -- the raster path real printers take ------------------------------------------------------------------


def test_pages_are_rasterised_opaque_white_and_painted_on_the_printer(qtbot, desk, case_no, tmp_path):
    from reception.receipts import render_receipt

    pdf = render_receipt(desk.ctx, case_no, "slip", record=False).pdf
    pages = rasterize(pdf, 1200)  # a high-resolution printer: capped
    assert len(pages) == 1
    image, points = pages[0]
    assert image.width() == round(points.width() / 72 * MAX_DPI)
    assert not image.hasAlphaChannel()
    assert image.pixelColor(2, 2) == QColor(Qt.GlobalColor.white)  # background: white, not transparent
    dark = sum(
        1
        for y in range(0, image.height(), 7)
        for x in range(0, image.width(), 7)
        if image.pixelColor(x, y).lightness() < 100
    )
    assert dark > 50  # there is text on it

    out = tmp_path / "raster.pdf"
    printer = pdf_printer(out)
    paint_pages(printer, pages)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    doc, buf = _load_pdf(data)
    try:
        assert doc.pageCount() == 1
        size = doc.pagePointSize(0)
        # the paper is sized like the slip (80 mm wide), not A4
        assert abs(size.width() - points.width()) < 2 and abs(size.height() - points.height()) < 2
        back = doc.render(0, (size * 2).toSize())
        assert back.pixelColor(back.width() // 2, 3).alpha() == 255
    finally:
        doc.close()
        buf.close()
    assert isinstance(points, QSizeF)
