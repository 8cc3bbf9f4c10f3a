"""The department dispatcher in the background of the desk.

The same core as ``reception dispatch --watch`` (``reception.dispatch.Dispatcher``): one lane (thread)
per department with a transport configured, draining the outbox and polling the departments'
answers. Departments without a transport are left to the printed transfer slip; with none configured
nothing starts (the status bar says so). Several desks and a scheduled ``reception dispatch`` may run
at once: entries are claimed with a lease, so each is pushed by one of them.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject

log = logging.getLogger(__name__)


class BackgroundDispatcher(QObject):
    def __init__(self, ctx, parent: QObject | None = None, *, interval_s: float = 5.0):
        super().__init__(parent)
        self.ctx = ctx
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lanes: list[str] = []

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start the lanes; False when no department has a transport configured."""
        if self.running:
            return True
        from reception.dispatch.dispatcher import Dispatcher

        dispatcher = Dispatcher(self.ctx)
        self.lanes = [lane.department.code for lane in dispatcher.lanes]
        if not self.lanes:
            dispatcher.close()
            log.info("no department has a transport configured: the desk pushes nothing")
            return False
        self._stop.clear()

        def run() -> None:
            try:
                dispatcher.run_forever(self._stop, self.interval_s)
            except Exception:  # the desk keeps working; the outbox waits for the next start
                log.exception("the background dispatcher stopped")
            finally:
                dispatcher.close()

        self._thread = threading.Thread(target=run, name="desk-dispatcher", daemon=True)
        self._thread.start()
        log.info("background dispatcher started: %d lane(s)", len(self.lanes))
        return True

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the lanes to stop and wait for them (a push in flight finishes or its lease expires)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("background dispatcher still busy after %.0f s; its leases will expire", timeout)
            self._thread = None
