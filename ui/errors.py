"""Errors the clerk sees: one dialog with a plain summary, copyable details and where the log is.

:class:`ErrorReporter` is installed as ``sys.excepthook`` and ``threading.excepthook`` by
``ui.app.main``, and the desk's ``error`` signal is connected to it. An unexpected exception is
logged with its traceback and shown with the traceback under "详细信息"; an error the core raises on
purpose (:class:`reception.errors.ReceptionError`) shows its translated message only, without a
traceback alarm, and is logged by its code (its text may quote what the clerk typed).
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reception.errors import ReceptionError

log = logging.getLogger(__name__)

#: at most this many error dialogs are open at once (a fault in a timer must not bury the window)
MAX_OPEN = 3


class ErrorDialog(QDialog):
    """Summary text, an expandable read-only "详细信息" text (the traceback), 复制 and the log file path."""

    def __init__(
        self,
        summary: str,
        details: str = "",
        *,
        log_file: Path | str | None = None,
        expected: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(self.tr("提示") if expected else self.tr("出错了"))
        self.setModal(False)
        self.setMinimumWidth(480)
        self.summary = summary
        self.details = details
        self.log_file = str(log_file) if log_file else ""

        icon = QLabel()
        pixmap = QStyle.StandardPixmap.SP_MessageBoxWarning if expected else QStyle.StandardPixmap.SP_MessageBoxCritical
        icon.setPixmap(self.style().standardIcon(pixmap).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary_label = QLabel(summary)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setMinimumWidth(360)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.summary_label, 1)

        self.toggle = QToolButton()
        self.toggle.setText(self.tr("详细信息"))
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._show_details)
        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_view.setMinimumHeight(200)
        self.details_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details_view.setVisible(False)
        self.toggle.setVisible(bool(details))

        self.log_label = QLabel(self.tr("日志文件：{0}").format(self.log_file))
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setWordWrap(True)
        self.log_label.setObjectName("hint")
        self.log_label.setVisible(bool(self.log_file) and not expected)

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(self.tr("复制"))
        self.copy_button.setToolTip(self.tr("把错误信息复制到剪贴板，便于转给技术人员"))
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(self.log_label)
        layout.addWidget(buttons)

    @Slot(bool)
    def _show_details(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.details_view.setVisible(on)
        self.adjustSize()

    def report(self) -> str:
        """What 复制 puts on the clipboard: summary, details, log file, versions."""
        from PySide6 import __version__ as pyside_version

        parts = [self.summary]
        if self.details:
            parts += ["", self.details.rstrip()]
        if self.log_file:
            parts += ["", self.tr("日志文件：{0}").format(self.log_file)]
        parts += [
            "",
            f"Python {platform.python_version()} · PySide6 {pyside_version} · {platform.platform(terse=True)}",
        ]
        return "\n".join(parts)

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report())
        self.copy_button.setText(self.tr("已复制"))


def describe(exc: BaseException, lang: str = "zh") -> tuple[str, str, bool]:
    """``(summary, details, expected)`` of an exception for the dialog."""
    if isinstance(exc, ReceptionError):
        return exc.message(lang), "", True
    summary = QApplication.translate(
        "ErrorReporter", "程序出现了意外错误，刚才的操作可能没有完成。已保存的数据不受影响。\n\n{0}：{1}"
    ).format(type(exc).__name__, str(exc) or "—")
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return summary, details, False


class ErrorReporter(QObject):
    """Logs unhandled exceptions (any thread) and shows them in an :class:`ErrorDialog` on the GUI thread."""

    _from_thread = Signal(object)

    def __init__(self, *, lang: str = "zh", log_file: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.lang = lang
        self.log_file = log_file
        self.dialogs: list[ErrorDialog] = []
        self.parent_widget: QWidget | None = None
        self._previous: tuple | None = None
        self._from_thread.connect(self.show_exception, Qt.ConnectionType.QueuedConnection)

    # -- hooks ------------------------------------------------------------------------------------
    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        if exc is not None and exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        self._log(exc, tb)
        if threading.current_thread() is threading.main_thread():
            self.show_exception(exc)
        else:
            self._from_thread.emit(exc)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self._log(args.exc_value, args.exc_traceback, thread=args.thread.name if args.thread else "?")
        self._from_thread.emit(args.exc_value)

    def _log(self, exc: BaseException, tb: TracebackType | None, *, thread: str | None = None) -> None:
        where = f" in thread {thread}" if thread else ""
        if isinstance(exc, ReceptionError):
            log.warning("unhandled %s (%s)%s", type(exc).__name__, exc.code, where)
        else:
            log.error("unhandled exception%s", where, exc_info=(type(exc), exc, tb or exc.__traceback__))

    # -- showing ----------------------------------------------------------------------------------
    @Slot(object)
    def report(self, exc: BaseException) -> ErrorDialog | None:
        """For ``desk.error``: log (if not logged yet) and show."""
        self._log(exc, exc.__traceback__)
        return self.show_exception(exc)

    @Slot(object)
    def show_exception(self, exc: BaseException) -> ErrorDialog | None:
        if QApplication.instance() is None:
            return None
        summary, details, expected = describe(exc, self.lang)
        self.dialogs = [d for d in self.dialogs if _alive(d) and d.isVisible()]
        for d in self.dialogs:
            if d.summary == summary and d.details == details:
                d.raise_()
                return d
        if len(self.dialogs) >= MAX_OPEN:
            log.warning("error dialog not shown: %d already open", len(self.dialogs))
            return None
        parent = self.parent_widget if self.parent_widget is not None and _alive(self.parent_widget) else None
        dialog = ErrorDialog(summary, details, log_file=self.log_file, expected=expected, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialogs.append(dialog)
        dialog.show()
        dialog.raise_()
        return dialog


def _alive(obj: QObject) -> bool:
    from shiboken6 import isValid

    return isValid(obj)
