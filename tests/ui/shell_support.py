"""Helpers for the shell tests (main window, app): stand-ins for pages whose module does not exist yet.

The main window lists its pages in ``ui.main_window.PAGES``. While the intake form, the case list or
the case dialog are still being written, ``missing_pages_stubbed`` replaces only the entries whose
module cannot be found with a plain page; once the real modules exist the tests run on them.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta
from typing import ClassVar

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

#: offscreen Qt warns when a shown window's size constraints change or a window is raised (a real
#: platform does not): ``pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)``
OFFSCREEN = (r"This plugin does not support propagateSizeHints\(\)", r"This plugin does not support raise\(\)")


class StubPage(QWidget):
    def __init__(self, desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.refreshed = 0
        self.focused = 0
        QVBoxLayout(self).addWidget(QLabel("stand-in page"))

    def refresh(self) -> None:
        self.refreshed += 1

    def focus_first(self) -> None:
        self.focused += 1


class StubCaseDialog(QDialog):
    opened: ClassVar[list[str]] = []

    def __init__(self, desk, case_no, parent=None):
        super().__init__(parent)
        self.case_no = case_no
        StubCaseDialog.opened.append(case_no)
        QVBoxLayout(self).addWidget(QLabel(case_no))


def _missing(target) -> bool:
    if not isinstance(target, str):
        return False
    module = target.partition(":")[0]
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:
        return True


@pytest.fixture
def missing_pages_stubbed(monkeypatch):
    """Replace the pages (and the case dialog) whose module is not written yet; returns the stubbed keys."""
    from ui import main_window

    pages, stubbed = [], []
    for spec in main_window.PAGES:
        if _missing(spec.factory):
            pages.append(main_window.PageSpec(spec.key, spec.title, StubPage, spec.eager))
            stubbed.append(spec.key)
        else:
            pages.append(spec)
    monkeypatch.setattr(main_window, "PAGES", pages)
    if _missing(main_window.CASE_DETAIL):
        monkeypatch.setattr(main_window, "CASE_DETAIL", StubCaseDialog)
        stubbed.append("case_detail")
    StubCaseDialog.opened = []
    return stubbed


def received_now() -> tuple[str, object]:
    """A ``received_at`` a minute ago in hall time (+08:00) and its date."""
    from tests.factories import CST

    at = (datetime.now(CST) - timedelta(minutes=1)).replace(microsecond=0)
    return at.isoformat(), at.date()
