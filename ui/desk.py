"""The desk: what every page of the window shares (core context, background runner, state, language).

A page gets the ``Desk`` and talks to the core only through ``desk.ctx`` and ``desk.runner``. Pages
tell each other about changes through the desk's signals instead of holding references to each other.
"""

from __future__ import annotations

import getpass

from PySide6.QtCore import QObject, QSettings, Signal

from reception.context import Context
from ui import state
from ui.tasks import TaskRunner


class Desk(QObject):
    case_saved = Signal(str)  # case_no of a newly registered case
    case_changed = Signal(str)  # case_no of a case that got a note, an answer, a close, a reprint
    open_case = Signal(str)  # ask the window to show this case
    error = Signal(object)  # an exception no page handled: the window shows the error dialog

    def __init__(self, ctx: Context, settings: QSettings, *, lang: str = "zh", parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self.lang = "en" if lang.startswith("en") else "zh"
        self.runner = TaskRunner(self)
        self.runner.unhandled.connect(self.error)

    @property
    def clerk(self) -> str:
        """The clerk's name as typed in the settings page (until issue 6 brings sign-in)."""
        return state.text(self.settings, state.CLERK) or getpass.getuser()

    def close(self) -> None:
        """Wait for background work, then release the database."""
        self.runner.shutdown(wait=True)
        self.ctx.close()
