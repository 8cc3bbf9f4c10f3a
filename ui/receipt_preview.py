"""Receipt preview (回执预览): see the receipt, print it on the workstation's printer, or save it as PDF.

``show_receipt(desk, case_no)`` opens a non-modal :class:`ReceiptPreviewDialog` at once and renders the
receipt in the background (``reception.receipts.render_receipt(..., record=False)``): the preview
records nothing. Printing and saving as PDF go through the core again with ``record=True``, which
writes the ``ReceiptPrint`` row and the audit record (the core decides whether it is the original or
a reprint, 补打) and returns the exact PDF that is then printed or saved.

How the paper is made:

- a PDF-format ``QPrinter`` with an output file (Qt's "print to file") gets the receipt's own PDF
  bytes, written in the worker: vector text, searchable, byte-identical to the recorded sha256;
- any other printer gets each page rendered by ``QPdfDocument.render`` (in the worker, at the
  printer's resolution, capped at :data:`MAX_DPI`, on a white background — the rendered images are
  transparent) and painted with a ``QPainter`` on the ``QPrinter`` on the GUI thread, which owns it.

A character no font can draw (:class:`reception.receipts.MissingGlyphs`) still gets a preview (with
``allow_missing=True``) and a warning naming the characters; printing and saving are refused.

Tests replace :attr:`ReceiptPreviewDialog.choose_printer` and :attr:`ReceiptPreviewDialog.ask_save_path`
so that no blocking dialog opens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSize,
    QSizeF,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.errors import ReceptionError
from reception.labels import enum_label
from ui import state

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # pyside6-lupdate reads translate("Context", "…")

#: Pages are rasterised at the printer's resolution, but never above this (an A4 page at 1200 dpi
#: would be a 550 MB image; receipt printers are 203 dpi, office printers print text well at 300).
MAX_DPI = 300
#: Layouts the workstation remembers (the transfer slip is chosen per case, never remembered).
REMEMBERED_LAYOUTS = ("a4", "slip")


# -- work done off the GUI thread ---------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What the worker hands back for the preview of one layout."""

    case_no: str
    layout: str
    pdf: bytes
    pages: int
    #: the next recorded print of this layout will be a reprint (补打)
    reprint: bool
    #: characters no font has; printing is refused while this is not empty
    missing: str
    #: the core's MissingGlyphs error (names the characters and their fields), or None
    missing_error: ReceptionError | None
    warnings: tuple[str, ...]
    #: the case has a lead transfer, so a transfer slip (转办单) can be printed
    has_transfer: bool


def render_preview(ctx, case_no: str, layout: str, user: str | None) -> Preview:
    """Render a preview (nothing recorded). Runs in a worker: imports the receipts module lazily."""
    from reception.queries import case_document
    from reception.receipts import MissingGlyphs, render_receipt

    doc = case_document(ctx, case_no)
    has_transfer = any(t.get("role") == "lead" for t in doc.get("transfers") or [])
    if layout == "transfer" and not has_transfer:
        layout = "a4"
    problem: ReceptionError | None = None
    try:
        r = render_receipt(ctx, doc["case_no"], layout, user=user, record=False)
    except MissingGlyphs as exc:
        problem = exc
        r = render_receipt(ctx, doc["case_no"], layout, user=user, record=False, allow_missing=True)
    return Preview(
        case_no=doc["case_no"],
        layout=layout,
        pdf=r.pdf,
        pages=r.pages,
        reprint=r.reprint,
        missing=r.missing,
        missing_error=problem,
        warnings=tuple(r.warnings),
        has_transfer=has_transfer,
    )


@dataclass(frozen=True)
class Issued:
    """A recorded print (or save): the PDF exactly as recorded, and the pages to paint, if any."""

    layout: str
    pdf: bytes
    reprint: bool
    sha256: str
    pages: tuple[tuple[QImage, QSizeF], ...] = ()
    path: str | None = None


def issue_receipt(
    ctx, case_no: str, layout: str, user: str | None, *, pdf_file: str | None = None, raster_dpi: int | None = None
) -> Issued:
    """Record the print through the core, then write the PDF to ``pdf_file`` or rasterise it for a printer.

    Runs in a worker. Raises ``MissingGlyphs`` (nothing recorded) when the receipt has characters no
    font can draw."""
    from reception.receipts import render_receipt

    r = render_receipt(ctx, case_no, layout, user=user, record=True)
    pages: tuple[tuple[QImage, QSizeF], ...] = ()
    if pdf_file:
        Path(pdf_file).write_bytes(r.pdf)
    elif raster_dpi:
        pages = tuple(rasterize(r.pdf, raster_dpi))
    return Issued(layout=layout, pdf=r.pdf, reprint=r.reprint, sha256=r.sha256, pages=pages, path=pdf_file)


def _load_pdf(pdf: bytes) -> tuple[QPdfDocument, QBuffer]:
    doc = QPdfDocument()
    buf = QBuffer()
    buf.setData(QByteArray(pdf))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)  # synchronous for an in-memory buffer
    return doc, buf


def rasterize(pdf: bytes, dpi: int) -> list[tuple[QImage, QSizeF]]:
    """Every page of ``pdf`` as an opaque image at ``dpi`` (≤ :data:`MAX_DPI`), with its size in points.

    QPdfDocument renders on a transparent background; the page is filled white first, so that a
    printer that does not know transparency gets white paper, not black."""
    dpi = max(72, min(int(dpi), MAX_DPI))
    doc, buf = _load_pdf(pdf)
    try:
        if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
            raise ReceptionError("回执 PDF 无法读取，未能打印", "the receipt PDF cannot be read: nothing printed")
        out: list[tuple[QImage, QSizeF]] = []
        for i in range(doc.pageCount()):
            points = doc.pagePointSize(i)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            rendered = doc.render(i, size)
            page = QImage(size, QImage.Format.Format_RGB32)
            page.fill(QColor(Qt.GlobalColor.white))
            dots_per_metre = round(dpi / 0.0254)
            page.setDotsPerMeterX(dots_per_metre)
            page.setDotsPerMeterY(dots_per_metre)
            painter = QPainter(page)
            painter.drawImage(0, 0, rendered)
            painter.end()
            out.append((page, points))
        return out
    finally:
        doc.close()
        buf.close()


class PrintFailed(ReceptionError):
    code = "print.failed"


def paint_pages(printer: QPrinter, pages: list[tuple[QImage, QSizeF]] | tuple[tuple[QImage, QSizeF], ...]) -> None:
    """Paint page images on ``printer``, one paper page each, the paper sized like the PDF's page.

    Must run in the thread that owns ``printer`` (the GUI thread for a real printer)."""
    painter = QPainter()
    try:
        for i, (image, points) in enumerate(pages):
            orientation = (
                QPageLayout.Orientation.Landscape
                if points.width() > points.height()
                else QPageLayout.Orientation.Portrait
            )
            size = QPageSize(
                QSizeF(min(points.width(), points.height()), max(points.width(), points.height())),
                QPageSize.Unit.Point,
                "",
                QPageSize.SizeMatchPolicy.FuzzyMatch,
            )
            layout = QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))
            if i == 0:
                printer.setFullPage(True)
                printer.setPageLayout(layout)
                if not painter.begin(printer):
                    raise PrintFailed(
                        "打印机无法开始打印，请检查打印机是否连接、是否缺纸",
                        "the printer cannot start printing: check that it is connected and has paper",
                    )
            else:
                printer.setPageLayout(layout)
                if not printer.newPage():
                    raise PrintFailed("打印机无法换页", "the printer cannot start a new page")
            area = QRectF(0, 0, printer.width(), printer.height())
            scale = min(area.width() / image.width(), area.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            target = QRectF(area.left() + (area.width() - w) / 2, area.top(), w, h)
            painter.drawImage(target, image)
    finally:
        if painter.isActive():
            painter.end()


def is_file_printer(printer: QPrinter) -> bool:
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(printer.outputFileName())


# -- the dialog ---------------------------------------------------------------------------------------


def _ask_printer(parent: QWidget) -> QPrinter | None:
    """Qt's print dialog (blocking; tests replace it)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(translate("ReceiptPreviewDialog", "选择打印机"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def _ask_save_path(parent: QWidget, suggested: str) -> str | None:
    """Qt's save-file dialog (blocking; tests replace it)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(
        parent,
        translate("ReceiptPreviewDialog", "另存为 PDF"),
        str(Path(folder) / suggested),
        translate("ReceiptPreviewDialog", "PDF 文件 (*.pdf)"),
    )
    return path or None


class ReceiptPreviewDialog(QDialog):
    """Preview of a case's receipt with print / save-as-PDF. Non-modal; closes with Esc."""

    rendered = Signal(str)  # layout shown
    printed = Signal(str, bool)  # layout, reprint
    saved = Signal(str)  # path written
    failed = Signal(str)  # message shown to the clerk

    #: ``(parent) -> QPrinter | None``: asks for a printer when none is remembered (tests replace it)
    choose_printer: Callable[[QWidget], QPrinter | None] = staticmethod(_ask_printer)
    #: ``(parent, suggested file name) -> path | None`` (tests replace it)
    ask_save_path: Callable[[QWidget, str], str | None] = staticmethod(_ask_save_path)

    def __init__(self, desk, case_no: str, parent: QWidget | None = None, *, reprint: bool = False):
        super().__init__(parent)
        self.desk = desk
        self.case_no = case_no.strip().upper()
        self.reprint_requested = reprint
        self.preview: Preview | None = None
        self._task = None
        self._busy = False
        self._closed = False
        self._doc: QPdfDocument | None = None
        self._buf: QBuffer | None = None
        self._printer: QPrinter | None = None
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        title = self.tr("补打回执") if reprint else self.tr("受理回执")
        self.setWindowTitle(f"{title} {self.case_no}")
        self.resize(760, 900)
        self._build()
        layout = state.text(desk.settings, state.LAYOUT, "a4")
        self._select_layout(layout if layout in REMEMBERED_LAYOUTS else "a4")
        self.layout_box.currentIndexChanged.connect(self._layout_changed)
        self._show_printer()
        self._render()

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        lang = self.desk.lang
        root = QVBoxLayout(self)

        top = QHBoxLayout()
        self.title_label = QLabel(self.windowTitle())
        f = self.title_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)
        f.setBold(True)
        self.title_label.setFont(f)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.title_label, 1)
        layout_label = QLabel(self.tr("版式(&L)："))
        self.layout_box = QComboBox()
        for code in ("a4", "slip"):
            self.layout_box.addItem(enum_label("layout", code, lang), code)
        layout_label.setBuddy(self.layout_box)
        top.addWidget(layout_label)
        top.addWidget(self.layout_box)
        root.addLayout(top)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet("QLabel { color: #a4262c; background: #fde7e9; padding: 6px; }")
        self.error_label.hide()
        root.addWidget(self.error_label)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("QLabel { color: #7a5b00; background: #fff4ce; padding: 6px; }")
        self.warning_label.hide()
        root.addWidget(self.warning_label)

        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        root.addWidget(self.view, 1)

        self.status_label = QLabel(self.tr("正在生成回执……"))
        self.status_label.setWordWrap(True)
        root.addWidget(self.status_label)

        printer_row = QHBoxLayout()
        self.printer_label = QLabel()
        printer_row.addWidget(self.printer_label, 1)
        self.choose_button = QPushButton(self.tr("选择打印机(&R)…"))
        self.choose_button.clicked.connect(self.select_printer)
        printer_row.addWidget(self.choose_button)
        root.addLayout(printer_row)

        buttons = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        buttons.addWidget(self.progress)
        buttons.addStretch(1)
        self.print_button = QPushButton(self.tr("打印(&P)"))
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip(self.tr("打印到本工作站的打印机（Ctrl+P）"))
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(lambda: self.print_receipt())
        self.save_button = QPushButton(self.tr("另存为PDF(&S)…"))
        self.save_button.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setToolTip(self.tr("关闭（Esc）"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        for b in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(b)
        root.addLayout(buttons)

        self.setTabOrder(self.print_button, self.save_button)
        self.setTabOrder(self.save_button, self.close_button)
        self.setTabOrder(self.close_button, self.layout_box)
        self.setTabOrder(self.layout_box, self.choose_button)
        self.setTabOrder(self.choose_button, self.view)
        self._set_actions_enabled(False)

    # -- state ----------------------------------------------------------------------------------
    @property
    def layout_code(self) -> str:
        return self.layout_box.currentData() or "a4"

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def document(self) -> QPdfDocument | None:
        return self._doc

    def _select_layout(self, code: str) -> None:
        i = self.layout_box.findData(code)
        self.layout_box.blockSignals(True)
        self.layout_box.setCurrentIndex(max(i, 0))
        self.layout_box.blockSignals(False)

    def _set_busy(self, busy: bool, text: str | None = None) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()
        if text is not None:
            self.status_label.setText(text)
        self._set_actions_enabled(not busy and self._printable())
        self.layout_box.setEnabled(not busy)
        self.choose_button.setEnabled(not busy)

    def _printable(self) -> bool:
        return self.preview is not None and not self.preview.missing

    def _set_actions_enabled(self, enabled: bool) -> None:
        self.print_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        if text:
            self.failed.emit(text)

    def _alive(self) -> bool:
        return not self._closed and shiboken6.isValid(self)

    def _message(self, exc: BaseException) -> str:
        if isinstance(exc, ReceptionError):
            return exc.message(self.desk.lang)
        log.error("receipt task failed", exc_info=exc)
        return self.tr("出现意外错误：{error}").format(error=type(exc).__name__)

    def _show_printer(self) -> None:
        name = state.text(self.desk.settings, state.PRINTER)
        if name:
            self.printer_label.setText(self.tr("打印机：{name}").format(name=name))
        else:
            self.printer_label.setText(self.tr("打印机：未选择（打印时选择）"))

    # -- preview --------------------------------------------------------------------------------
    def _layout_changed(self) -> None:
        code = self.layout_code
        if code in REMEMBERED_LAYOUTS:
            self.desk.settings.setValue(state.LAYOUT, code)
        self._render()

    def _render(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self.preview = None
        self._show_error("")
        self._set_busy(True, self.tr("正在生成回执……"))
        self._task = self.desk.runner.run(
            render_preview,
            self.desk.ctx,
            self.case_no,
            self.layout_code,
            self.desk.principal,
            on_done=self._rendered,
            on_error=self._render_failed,
            name="receipt-preview",
        )

    def _rendered(self, p: Preview) -> None:
        if not self._alive():
            return
        self._task = None
        self.preview = p
        if p.has_transfer and self.layout_box.findData("transfer") < 0:
            self.layout_box.blockSignals(True)
            self.layout_box.addItem(enum_label("layout", "transfer", self.desk.lang), "transfer")
            self.layout_box.blockSignals(False)
        if p.layout != self.layout_code:
            self._select_layout(p.layout)
        self._load_into_view(p.pdf)
        warnings = list(p.warnings)
        if p.missing_error is not None:
            self._show_error(
                self.tr("此回执不能打印：{problem}").format(problem=p.missing_error.message(self.desk.lang))
            )
        self.warning_label.setText("\n".join(warnings))
        self.warning_label.setVisible(bool(warnings))
        if p.missing:
            status = self.tr("预览中缺字处显示为空白，请先修改案件中的这些字，再打印。")
        elif p.reprint:
            status = self.tr("此回执已打印过，再次打印将标注“补打”并记录为补打。")
        else:
            status = self.tr("尚未打印。打印或另存为 PDF 后记录为首次打印。")
        self._set_busy(False, status)
        if self._printable():
            self.print_button.setFocus()
        self.rendered.emit(p.layout)

    def _render_failed(self, exc: BaseException) -> None:
        if not self._alive():
            return
        self._task = None
        self._set_busy(False, "")
        self._show_error(self._message(exc))

    def _load_into_view(self, pdf: bytes) -> None:
        old_doc, old_buf = self._doc, self._buf
        self._doc, self._buf = _load_pdf(pdf)
        self._doc.setParent(self)
        self._buf.setParent(self)
        self.view.setDocument(self._doc)
        if old_doc is not None:
            old_doc.close()
            old_doc.deleteLater()
        if old_buf is not None:
            old_buf.close()
            old_buf.deleteLater()

    # -- printer ----------------------------------------------------------------------------------
    def select_printer(self) -> QPrinter | None:
        """Ask for a printer (Qt's print dialog) and remember it for this workstation."""
        printer = self.choose_printer(self)
        if printer is not None and printer.outputFormat() == QPrinter.OutputFormat.NativeFormat:
            name = printer.printerName()
            if name:
                self.desk.settings.setValue(state.PRINTER, name)
                self._show_printer()
        return printer

    def _workstation_printer(self) -> QPrinter | None:
        name = state.text(self.desk.settings, state.PRINTER)
        if name and name in QPrinterInfo.availablePrinterNames():
            return QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
        return self.select_printer()

    # -- print / save -------------------------------------------------------------------------------
    def print_receipt(self, printer: QPrinter | None = None) -> bool:
        """Record the print through the core and print it. Returns False when nothing was started."""
        if self._busy or not self._refuse_if_unprintable():
            return False
        if printer is None:
            printer = self._workstation_printer()
            if printer is None:
                self.status_label.setText(self.tr("未选择打印机，未打印。"))
                return False
        to_file = is_file_printer(printer)
        if not to_file and not printer.isValid():
            self._show_error(self.tr("打印机“{name}”不可用，未打印。").format(name=printer.printerName()))
            return False
        self._printer = printer  # keep it alive while the worker runs
        self._show_error("")
        self._set_busy(True, self.tr("正在打印……"))
        self.desk.runner.run(
            issue_receipt,
            self.desk.ctx,
            self.case_no,
            self.layout_code,
            self.desk.principal,
            pdf_file=printer.outputFileName() if to_file else None,
            raster_dpi=None if to_file else printer.resolution(),
            on_done=self._issued_for_print,
            on_error=self._issue_failed,
            name="receipt-print",
        )
        return True

    def _issued_for_print(self, issued: Issued) -> None:
        printer = self._printer
        self._printer = None
        if issued.pages and printer is not None:
            try:
                paint_pages(printer, issued.pages)
            except ReceptionError as exc:
                log.warning("receipt of a case recorded but the printer failed: %s", exc.message("en"))
                if self._alive():
                    self._set_busy(False, "")
                    self._show_error(
                        self.tr("{problem}。本次打印已记录，重新打印时将标注“补打”。").format(
                            problem=exc.message(self.desk.lang)
                        )
                    )
                self.desk.case_changed.emit(self.case_no)
                return
        self._after_issue(issued)
        if self._alive():
            what = self.tr("已补打") if issued.reprint else self.tr("已打印")
            self._set_busy(False, self.tr("{what}（{layout}）。").format(what=what, layout=self._layout_label(issued)))
        self.printed.emit(issued.layout, issued.reprint)

    def save_pdf(self, path: str | None = None) -> bool:
        """Record the receipt through the core and write it to a PDF file."""
        if self._busy or not self._refuse_if_unprintable():
            return False
        if path is None:
            path = self.ask_save_path(self, f"{self.case_no}-{self.layout_code}.pdf")
            if not path:
                return False
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self._show_error("")
        self._set_busy(True, self.tr("正在保存……"))
        self.desk.runner.run(
            issue_receipt,
            self.desk.ctx,
            self.case_no,
            self.layout_code,
            self.desk.principal,
            pdf_file=path,
            on_done=self._issued_for_save,
            on_error=self._issue_failed,
            name="receipt-save",
        )
        return True

    def _issued_for_save(self, issued: Issued) -> None:
        self._after_issue(issued)
        if self._alive():
            self._set_busy(False, self.tr("已保存到 {path}").format(path=issued.path))
        self.saved.emit(issued.path or "")

    def _after_issue(self, issued: Issued) -> None:
        """After a recorded print: show what was printed (补打 included), tell the other pages."""
        if self._alive() and self.preview is not None and issued.layout == self.preview.layout:
            self._load_into_view(issued.pdf)
            p = self.preview
            self.preview = Preview(p.case_no, p.layout, issued.pdf, p.pages, True, "", None, p.warnings, p.has_transfer)
        self.desk.case_changed.emit(self.case_no)

    def _issue_failed(self, exc: BaseException) -> None:
        self._printer = None
        if not self._alive():
            return
        self._set_busy(False, "")
        self._show_error(self._message(exc))

    def _refuse_if_unprintable(self) -> bool:
        if self.preview is None:
            return False
        if self.preview.missing:
            problem = self.preview.missing_error.message(self.desk.lang) if self.preview.missing_error else ""
            self._show_error(self.tr("此回执不能打印：{problem}").format(problem=problem))
            return False
        return True

    def _layout_label(self, issued: Issued) -> str:
        return enum_label("layout", issued.layout, self.desk.lang)

    # -- closing ----------------------------------------------------------------------------------
    def done(self, result: int) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            self._task = None
        super().done(result)

    def closeEvent(self, event: Any) -> None:
        self._closed = True
        super().closeEvent(event)


_open: set[ReceiptPreviewDialog] = set()


def show_receipt(desk, case_no: str, parent: QWidget | None = None, *, reprint: bool = False) -> ReceiptPreviewDialog:
    """Open the receipt preview of ``case_no`` (non-modal) and return it; rendering starts at once."""
    dialog = ReceiptPreviewDialog(desk, case_no, parent, reprint=reprint)
    _open.add(dialog)  # a non-modal dialog without parent must not be garbage-collected while shown
    dialog.finished.connect(lambda _result: _open.discard(dialog))
    dialog.show()
    if QGuiApplication.platformName() not in ("offscreen", "minimal"):  # they cannot raise a window
        dialog.raise_()
        dialog.activateWindow()
    return dialog


__all__ = [
    "MAX_DPI",
    "Issued",
    "Preview",
    "ReceiptPreviewDialog",
    "issue_receipt",
    "paint_pages",
    "rasterize",
    "render_preview",
    "show_receipt",
]
