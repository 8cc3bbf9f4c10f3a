"""Python's cyclic garbage collector runs on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate when a threshold is crossed — often
a worker of ``ui.tasks``. A widget caught in a reference cycle (a lambda connected to a signal that
refers to its own widget, say) would then be deleted on that worker thread, and Qt crashes when a
widget is deleted outside the GUI thread (seen as a segfault in the day-close tests). So automatic
collection is switched off and this timer collects on the GUI thread instead, with the same
generation thresholds (the way qutebrowser does it). Reference counting still frees everything that
is not in a cycle at once, on whatever thread; only cycles wait for the timer.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 500):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def check(self) -> int:
        """Collect the oldest generation whose threshold is crossed; returns what was collected."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return 0
        generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
        return gc.collect(generation)
