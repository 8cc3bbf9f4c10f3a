"""``reception-desk --smoke-test``: does the installed program work? (after a build, after installing)

It runs offscreen (``QT_QPA_PLATFORM=offscreen`` unless set otherwise) in a data folder of its own:
``RECEPTION_DATA_DIR`` when set (the build and the tests point it at a folder they inspect afterwards;
``RECEPTION_CONFIG_DIR`` and ``RECEPTION_LOG_DIR`` then default to its ``config`` and ``logs``
subfolders), else a new temporary folder that is removed after a run that passed. It never opens the
hall's database: ``RECEPTION_DB`` is ignored, ``--db``/``--config``/``--user`` are refused, and a data
folder whose database holds cases the smoke test did not register is refused
(``reception.selfcheck.NotASmokeFolder``).

First the core's checks (``reception.selfcheck``: resources and migrations, the database created or
migrated, time zones, keyring, argon2, the PostgreSQL driver, a case registered through the core, its
receipt with the shipped font, the day's export), then the desk's:

- ``translations`` — the English catalogue and Qt's own Chinese one load and translate;
- ``qt`` — the platform plugin in use, and that the system's own plugin (``qwindows`` on Windows, ``qxcb``
  on Linux) is in the program, as pruning the bundle must leave it;
- ``pdf`` — Qt PDF renders the receipt and Qt's printing prints it into a PDF file (the path a real
  printer takes);
- ``window`` — the main window of a clerk (an in-memory principal ``smoke-test``; no account is added)
  is built and shown, every page the role may use is opened, the case dialog, the receipt preview and the
  About dialog load, and a picture of the window is saved;
- ``modules`` — every module of ``reception`` and ``ui`` imports (pages are imported by name, which a
  bundler cannot see).

The report goes to standard error (when there is one: a windowed program on Windows has none) and to
``<data folder>/smoke-test/report.txt``. Exit code 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QLibraryInfo, QSize, QTranslator
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from reception.selfcheck import SMOKE_CLERK, SMOKE_USER, SmokeTest, SmokeTestFailed, titles

log = logging.getLogger(__name__)

#: the longest any one wait of the smoke test may take (a page loading, a receipt rendering)
WAIT_S = 60

#: the desk's checks, (zh, en) like the core's: the report is in the language of ``--lang``
CHECK_TITLES = {
    "translations": ("界面翻译", "translations"),
    "qt": ("Qt 平台插件", "Qt platform plugin"),
    "pdf": ("PDF 显示与打印", "PDF view and print"),
    "window": ("受理台窗口", "desk window"),
    "modules": ("程序模块", "program modules"),
}
titles(CHECK_TITLES)

#: the system's own platform plugin, which an installed desk needs (offscreen is only for tests)
NATIVE_PLATFORM_PLUGIN = {
    "win32": "qwindows.dll",
    "linux": "libqxcb.so",
    "darwin": "libqcocoa.dylib",
}


class SmokeRun:
    """One smoke test: :meth:`prepare` (folders, before the log opens), :meth:`run`, :meth:`cleanup`."""

    def __init__(self, folder: Path, *, temporary: bool, lang: str):
        self.folder = folder
        self.temporary = temporary
        self.lang = "en" if lang.startswith("en") else "zh"
        self.core = SmokeTest(folder)
        self.screenshot: Path | None = None

    @classmethod
    def prepare(cls, args: argparse.Namespace) -> SmokeRun:
        """Choose the data folder and point the user folders at it (see the module's docstring)."""
        given = os.environ.get("RECEPTION_DATA_DIR")
        if given:
            folder = Path(given).resolve()
            os.environ.setdefault("RECEPTION_CONFIG_DIR", str(folder / "config"))
            os.environ.setdefault("RECEPTION_LOG_DIR", str(folder / "logs"))
        else:
            folder = Path(tempfile.mkdtemp(prefix="reception-smoke-"))
            os.environ["RECEPTION_CONFIG_DIR"] = str(folder / "config")
            os.environ["RECEPTION_LOG_DIR"] = str(folder / "logs")
        os.environ["RECEPTION_DATA_DIR"] = str(folder)
        os.environ.pop("RECEPTION_DB", None)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return cls(folder, temporary=not given, lang=args.lang or "zh")

    # -- running ------------------------------------------------------------------------------------
    def run(self) -> int:
        from ui.app import _application, _write_stderr
        from ui.gcollect import GuiThreadGarbageCollector
        from ui.i18n import install_translators, remove_translators

        app = _application()
        translators = install_translators(app, self.lang)
        collector = GuiThreadGarbageCollector(app)
        collector.start()
        core = self.core
        started = time.monotonic()
        try:
            ok = core.run_core()
            ok = ok and core.step("translations", lambda: self.check_translations(translators))
            ok = ok and core.step("qt", self.check_qt)
            ok = ok and core.step("pdf", self.check_pdf)
            ok = ok and core.step("window", self.check_window)
            ok = ok and core.step("modules", self.check_modules)
        finally:
            core.close()
            collector.stop()
            remove_translators(app, translators)
        path = core.write_report(self.lang)
        took = time.monotonic() - started
        tail = f"report: {path} ({took:.1f} s)" if self.lang == "en" else f"报告：{path}（用时 {took:.1f} 秒）"
        if not core.ok and self.temporary:
            tail += (
                f"\nthe smoke test's folder is kept for inspection: {self.folder}"
                if self.lang == "en"
                else f"\n冒烟测试的文件夹已保留以便检查：{self.folder}"
            )
        _write_stderr(core.report(self.lang) + tail)
        log.info("smoke test %s in %.1f s", "passed" if core.ok else "failed", took)
        return 0 if core.ok else 1

    def cleanup(self) -> None:
        """Remove the temporary folder after a run that passed (after the log was closed)."""
        if self.temporary and self.core.ok:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- the desk's checks --------------------------------------------------------------------------
    def check_translations(self, installed: list[QTranslator]) -> tuple[str, str]:
        from reception.paths import resource_path

        # looked up through a variable: these are probes of the catalogues, not strings of the desk for lupdate
        context, source, expected = "MainWindow", "受理登记", "Intake"
        english = QTranslator()
        path = resource_path("translations", "desk_en.qm")
        lookup = english.translate
        if not english.load(str(path)) or lookup(context, source) != expected:
            raise SmokeTestFailed(f"英文界面翻译无法使用：{path}", f"the English catalogue cannot be used: {path}")
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        chinese = QTranslator()
        context, source = "QPlatformTheme", "Cancel"
        lookup = chinese.translate
        if not chinese.load("qtbase_zh_CN", qt_dir) or not lookup(context, source):
            raise SmokeTestFailed(
                f"Qt 的中文翻译无法使用：{qt_dir}/qtbase_zh_CN.qm", f"Qt's Chinese catalogue cannot be used: {qt_dir}"
            )
        return (
            f"{path.name}、qtbase_zh_CN.qm；界面语言 {self.lang}（已装入 {len(installed)} 个）",
            f"{path.name}, qtbase_zh_CN.qm; language {self.lang} ({len(installed)} installed)",
        )

    def check_qt(self) -> tuple[str, str]:
        from PySide6.QtCore import qVersion

        plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
        native = NATIVE_PLATFORM_PLUGIN.get(sys.platform)
        if native and not (plugins / "platforms" / native).is_file():
            raise SmokeTestFailed(
                f"缺少本系统的 Qt 平台插件：{plugins / 'platforms' / native}",
                f"the system's Qt platform plugin is missing: {plugins / 'platforms' / native}",
            )
        folders = ", ".join(sorted(p.name for p in plugins.iterdir() if p.is_dir())) if plugins.is_dir() else "—"
        platform = QGuiApplication.platformName()
        return (
            f"Qt {qVersion()}，当前 {platform}，{native or '—'} 在；插件：{folders}",
            f"Qt {qVersion()}, running {platform}, {native or '—'} present; plugins: {folders}",
        )

    def check_pdf(self) -> tuple[str, str]:
        from PySide6.QtGui import QPainter
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrinter

        receipt = self.core.receipt
        doc = QPdfDocument()
        try:
            doc.load(str(receipt))
            if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
                raise SmokeTestFailed(
                    f"Qt PDF 无法打开回执：{doc.error()}", f"Qt PDF cannot open the receipt: {doc.error()}"
                )
            pages = doc.pageCount()
            points = doc.pagePointSize(0)
            image = on_white(doc.render(0, QSize(round(points.width() * 100 / 72), round(points.height() * 100 / 72))))
            inked = _inked_share(image)
            if inked < 0.005:
                raise SmokeTestFailed("回执渲染出来是空白的", "the receipt rendered blank")
            printed = self.core.out / "printed.pdf"
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))
            painter = QPainter()
            if not painter.begin(printer):
                raise SmokeTestFailed("Qt 打印无法开始", "Qt printing could not start")
            try:
                page = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
                painter.drawImage(page, on_white(doc.render(0, page.size())))
            finally:
                painter.end()
        finally:
            doc.close()
        if not printed.is_file() or printed.stat().st_size < 1000:
            raise SmokeTestFailed("Qt 打印没有输出", "Qt printing wrote nothing")
        return (
            f"{pages} 页，墨迹 {inked:.1%}；打印到 {printed.name}",
            f"{pages} page(s), {inked:.1%} inked; printed to {printed.name}",
        )

    def check_window(self) -> tuple[str, str]:
        from reception.security.roles import Principal
        from ui import state
        from ui.desk import Desk
        from ui.main_window import MainWindow
        from ui.receipt_preview import ReceiptPreviewDialog

        ctx = self.core.ctx
        settings = state.open_settings()
        principal = Principal(username=SMOKE_USER, display_name=SMOKE_CLERK, role="clerk")
        desk = Desk(ctx, settings, lang=self.lang, principal=principal)
        errors: list[BaseException] = []
        desk.error.connect(errors.append)
        window = None
        opened: list[str] = []
        try:
            window = MainWindow(desk)
            window.show()
            self._wait(desk, errors, "window")
            for spec in window.specs:
                if window.allowed(spec):
                    window.show_page(spec.key)
                    self._wait(desk, errors, spec.key)
                    opened.append(QCoreApplication.translate("MainWindow", spec.title))
            dialog = window.open_case(self.core.case_no)
            self._wait(desk, errors, "case")
            dialog.close()
            failures: list[str] = []
            preview = ReceiptPreviewDialog(desk, self.core.case_no, window)
            preview.failed.connect(failures.append)
            preview.show()
            self._wait(desk, errors, "receipt preview", until=lambda: preview.document is not None or failures)
            if failures or preview.document is None or preview.document.pageCount() < 1:
                raise SmokeTestFailed(
                    f"回执预览失败：{'; '.join(failures)}", f"the receipt preview failed: {'; '.join(failures)}"
                )
            preview.close()
            about = window.show_about()
            self._wait(desk, errors, "about", until=lambda: about.info is not None)
            components = about.table.rowCount()
            if components < 3:
                raise SmokeTestFailed("关于对话框没有列出许可证", "the About dialog lists no licences")
            self.core.out.mkdir(parents=True, exist_ok=True)
            about.grab().save(str(self.core.out / "about.png"))
            about.close()
            window.show_page(window.specs[0].key)
            self._wait(desk, errors, "window")
            self.screenshot = self.core.out / "window.png"
            if not window.grab().save(str(self.screenshot)):
                raise SmokeTestFailed("无法保存窗口截图", "could not save the window's picture")
        finally:
            if window is not None:
                window.close()
                QApplication.processEvents()
                window.deleteLater()
            desk.close()  # waits for the runner, closes the database
            self.core.ctx = None
            QApplication.processEvents()
        if errors:
            raise errors[0]
        pages = "、".join(opened)
        return (
            f"{QGuiApplication.platformName()}：{pages}；案件详情、回执预览、关于（{components} 个组件）；"
            f"截图 {self.screenshot}",
            f"{QGuiApplication.platformName()}: {', '.join(opened)}; case dialog, receipt preview, About "
            f"({components} components); picture {self.screenshot}",
        )

    def _wait(self, desk, errors: list, what: str, *, until: Callable[[], object] | None = None) -> None:
        """Process events until the desk's background work is done (and ``until()`` is true)."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            if errors:
                raise errors[0]
            if desk.runner.idle() and (until is None or until()):
                return
            time.sleep(0.01)
        raise SmokeTestFailed(f"等待“{what}”超过 {WAIT_S} 秒", f"waited more than {WAIT_S} s for {what}")

    def check_modules(self) -> tuple[str, str]:
        names = import_all()
        return f"{len(names)} 个模块均可导入", f"all {len(names)} modules import"


def import_all() -> list[str]:
    """Import every module of ``reception`` and ``ui`` (but the ``__main__`` scripts and the Alembic
    scripts, which Alembic loads from their files); returns their names."""
    names = []
    for top in ("reception", "ui"):
        package = importlib.import_module(top)
        for info in pkgutil.walk_packages(package.__path__, top + "."):
            if info.name.endswith(".__main__") or ".migrations" in info.name:
                continue
            importlib.import_module(info.name)
            names.append(info.name)
    return names


def on_white(image: QImage) -> QImage:
    """Qt PDF renders on a transparent background: put the page on white paper."""
    from PySide6.QtGui import QColor, QPainter

    paper = QImage(image.size(), QImage.Format.Format_RGB32)
    paper.fill(QColor("white"))
    painter = QPainter(paper)
    painter.drawImage(0, 0, image)
    painter.end()
    return paper


def _inked_share(image: QImage) -> float:
    """The share of pixels clearly darker than the paper (every third pixel of every third row)."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(gray.constBits())
    width, per_line = gray.width(), gray.bytesPerLine()
    inked = total = 0
    for y in range(0, gray.height(), 3):
        row = data[y * per_line : y * per_line + width : 3]
        total += len(row)
        inked += sum(1 for b in row if b < 128)
    return inked / total if total else 0.0
