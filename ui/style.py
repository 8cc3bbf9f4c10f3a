"""The desk's light style sheet (``resources/qss/desk.qss``), applied to the shell's own widgets only.

Not set on the whole application: an application-wide style sheet makes every widget of every page
go through Qt's style-sheet engine, which costs ~0.1 s on building the intake form alone (start-up
budget 1.5 s). The navigation, the status bar and the shell's pages (queues, day close, settings)
set it on themselves; other pages keep the native style or bring their own sheet.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtWidgets import QApplication, QWidget

from reception.paths import resource_path

#: readable default size; Windows defaults to 9 pt
MIN_POINT_SIZE = 10.0
POINT_SIZE = 10.5


@cache
def style_sheet() -> str:
    path = resource_path("qss", "desk.qss")
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def apply(widget: QWidget) -> None:
    """Give ``widget`` (and its children) the desk's style sheet."""
    sheet = style_sheet()
    if sheet:
        widget.setStyleSheet(sheet)


def readable_font(app: QApplication) -> None:
    font = app.font()
    if 0 < font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(POINT_SIZE)
        app.setFont(font)


def repolish(widget: QWidget) -> None:
    """Apply the style sheet again after a dynamic property it selects on (``tone``, ``state``…) changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()
