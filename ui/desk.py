"""The desk: what every page of the window shares (core context, background runner, state, language, and
who is signed in).

A page gets the ``Desk`` and talks to the core only through ``desk.ctx`` and ``desk.runner``. Pages
tell each other about changes through the desk's signals instead of holding references to each other.

``desk.principal`` is the signed-in person (``reception.security.accounts.Principal``, set by the
sign-in at start-up, ``ui.signin``); ``desk.clerk`` is that account's user name, which the pages pass as
``user=`` to the core (audit records name the account), and ``desk.clerk_name`` the person's name shown as
受理人 on the form and receipts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal

from reception.context import Context
from ui.tasks import TaskRunner

if TYPE_CHECKING:
    from reception.security.accounts import Principal


class Desk(QObject):
    case_saved = Signal(str)  # case_no of a newly registered case
    case_changed = Signal(str)  # case_no of a case that got a note, an answer, a close, a reprint
    open_case = Signal(str)  # ask the window to show this case
    error = Signal(object)  # an exception no page handled: the window shows the error dialog
    principal_changed = Signal(object)  # the signed-in Principal (None: signed out)

    def __init__(
        self,
        ctx: Context,
        settings: QSettings,
        *,
        lang: str = "zh",
        principal: Principal | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self.lang = "en" if lang.startswith("en") else "zh"
        self.principal: Principal | None = principal
        self.runner = TaskRunner(self)
        self.runner.unhandled.connect(self.error)

    # -- who is signed in -------------------------------------------------------------------------
    def sign_in(self, principal: Principal) -> None:
        """The person who signed in (or the same person after a password change)."""
        self.principal = principal
        self.principal_changed.emit(principal)

    def sign_out(self) -> None:
        self.principal = None
        self.principal_changed.emit(None)

    @property
    def clerk(self) -> str | None:
        """The signed-in account's user name (``user=`` of core calls; audit records name it); None when
        nobody is signed in (between a sign-out and the next sign-in)."""
        return self.principal.username if self.principal is not None else None

    @property
    def clerk_name(self) -> str:
        """The signed-in person's name, shown as 受理人 on the intake form and printed on receipts."""
        return self.principal.display_name if self.principal is not None else ""

    def may(self, permission: str) -> bool:
        """Whether the signed-in person's role has ``permission`` (the core checks again on its own)."""
        return self.principal is not None and self.principal.may(permission)

    def close(self) -> None:
        """Wait for background work, then release the database."""
        self.runner.shutdown(wait=True)
        self.ctx.close()
