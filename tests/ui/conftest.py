"""Fixtures for the desk tests: a real SQLite file, a real Desk signed in as a clerk (real accounts in
the test database, signed in through the core), state in a temporary INI file.

Qt runs offscreen (``QT_QPA_PLATFORM=offscreen``, set in tests/conftest.py); pytest-qt fails a test on
any Qt warning (``qt_log_level_fail`` in pyproject.toml).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

import ui  # noqa: F401  (first: applies the PySide6 work-around of ui/_compat.py before any Qt call)
from tests.accounts import ADMIN, CLERK, PASSWORD, sign_in


@pytest.fixture(autouse=True)
def _collect_on_gui_thread():
    """As in the desk (ui/gcollect.py): no automatic cyclic GC, which could delete a widget on a worker
    thread; cycles are collected here, on the GUI thread, after each test."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    yield
    gc.collect()
    if enabled:
        gc.enable()


@pytest.fixture
def settings(tmp_path):
    from ui.state import open_settings

    s = open_settings(tmp_path / "desk-state.ini")
    yield s
    s.sync()


def make_desk(ctx, settings, *, lang: str = "zh", principal=None, **account):
    """A Desk on ``ctx`` signed in as ``principal`` (default: a new clerk account, see :func:`sign_in`)."""
    from ui.desk import Desk

    return Desk(ctx, settings, lang=lang, principal=principal or sign_in(ctx, **account))


@pytest.fixture
def desk(qapp, ctx, settings):
    d = make_desk(ctx, settings)
    yield d
    d.runner.shutdown(wait=True)
    # deliver what the workers posted before the runner went away
    QApplication.processEvents()


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` the way a Chinese input method does: one committed string.

    ``qtbot.keyClicks`` only maps ASCII keys (Chinese aborts the process); an IME sends a
    QInputMethodEvent whose commit string is what the clerk chose."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    ev = QInputMethodEvent("", [])
    ev.setCommitString(text)
    QApplication.sendEvent(widget, ev)


def wait_idle(qtbot, desk, timeout: int = 10_000) -> None:
    """Wait until every background task of the desk has finished and delivered its callback."""
    qtbot.waitUntil(desk.runner.idle, timeout=timeout)


__all__ = ["ADMIN", "CLERK", "PASSWORD", "QEvent", "make_desk", "sign_in", "type_text", "wait_idle"]
