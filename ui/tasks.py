"""Background work for the desk: core functions run on worker threads, results come back on the GUI thread.

The window never waits for the database, a PDF or a file. A page asks the runner to run a core
function; the runner calls ``on_done(result)``, ``on_error(exc)`` or ``on_progress(...)`` later, on the
GUI thread, through a queued Qt signal. Nothing here knows about widgets.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries a closure from any thread to the thread this object lives in (the GUI thread)."""

    call = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        # Always queued: a task that finishes before ``run()`` returns must not call back into the
        # caller from inside ``run()`` (the caller may not have stored the Task yet).
        self.call.connect(self._invoke, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _invoke(self, fn: Callable[[], None]) -> None:
        fn()


class Cancelled(Exception):
    """Raised inside a task by ``Task.check()`` once the task was cancelled."""


class Task:
    """Handle on one piece of background work: cancel it, or ask whether it is finished."""

    def __init__(self, name: str):
        self.name = name
        self._cancel = threading.Event()
        self.future: Future | None = None

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled(self.name)

    def done(self) -> bool:
        return self.future is not None and self.future.done()


class _Job:
    """What one ``run()`` call was given; released on the GUI thread once its callback has run."""

    __slots__ = ("args", "fn", "kwargs", "on_done", "on_error", "on_progress")

    def __init__(self, fn, args, kwargs, on_done, on_error, on_progress):
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress

    def call(self) -> Any:
        return self.fn(*self.args, **self.kwargs)

    def progress(self, task: Task, values: tuple) -> None:
        if self.on_progress is not None and not task.cancelled:
            self.on_progress(*values)

    def release(self) -> None:
        self.fn = self.args = self.on_done = self.on_error = self.on_progress = None
        self.kwargs = {}


class TaskRunner(QObject):
    """A small thread pool whose callbacks are delivered on the GUI thread.

    ``run(fn, *args, on_done=..., on_error=..., on_progress=..., **kwargs)``: when ``on_progress`` is
    given, ``fn`` is also passed ``progress=callable`` (call it from the worker with any arguments) and
    ``should_cancel=callable``. Errors without an ``on_error`` go to ``unhandled`` (the desk shows them).
    A callback whose task was cancelled is not called.
    """

    unhandled = Signal(object)  # exception
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, max_workers: int = 4):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="desk-task")
        self._relay = _Relay(self)
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False

    # -- state ----------------------------------------------------------------------------------
    def idle(self) -> bool:
        with self._lock:
            return self._pending == 0

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def _post(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the GUI thread (safe from any thread)."""
        self._relay.call.emit(fn)

    # -- running --------------------------------------------------------------------------------
    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[..., None] | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> Task:
        if self._closed:
            raise RuntimeError("task runner is shut down")
        task = Task(name or getattr(fn, "__name__", "task"))
        # Everything the caller handed over (the function, its arguments, the callbacks — often bound
        # methods of widgets) lives in ``job`` and is let go on the GUI thread, in ``deliver``. Were the
        # last reference to a widget dropped on a worker thread, Qt would delete the widget there and
        # crash; the worker's own closures therefore hold only ``job``.
        job = _Job(fn, args, kwargs, on_done, on_error, on_progress)
        if on_progress is not None:

            def progress(*p: Any) -> None:
                if not task.cancelled:
                    self._post(lambda: job.progress(task, p))

            job.kwargs["progress"] = progress
            job.kwargs["should_cancel"] = lambda: task.cancelled

        def work() -> Any:
            return job.call()

        def finished(fut: Future) -> None:
            if fut.cancelled():  # shut down before it started
                exc: BaseException | None = Cancelled(task.name)
                result = None
            else:
                exc = fut.exception()
                result = None if exc is not None else fut.result()

            def deliver() -> None:
                try:
                    if task.cancelled or isinstance(exc, Cancelled):
                        return
                    if exc is not None:
                        if job.on_error is not None:
                            job.on_error(exc)
                        else:
                            log.error("background task %s failed", task.name, exc_info=exc)
                            self.unhandled.emit(exc)
                    elif job.on_done is not None:
                        job.on_done(result)
                finally:
                    job.release()
                    self._finish()

            self._post(deliver)

        with self._lock:
            self._pending += 1
            first = self._pending == 1
        if first:
            self.busy_changed.emit(True)
        task.future = self._pool.submit(work)
        task.future.add_done_callback(finished)
        return task

    def _finish(self) -> None:
        with self._lock:
            self._pending -= 1
            now_idle = self._pending == 0
        if now_idle:
            self.busy_changed.emit(False)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work; by default wait for running tasks (a save in progress is never cut off)."""
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


class Reload:
    """A load a page asks for again and again (F5, a filter, a saved case): one at a time. Asked while one
    runs, it runs once more when that one ends, with what ``start()`` gives then: ``(fn, args)``.
    ``done(result)`` / ``failed(exc)`` are called on the GUI thread, unless ``alive()`` says the page that
    asked is gone."""

    def __init__(
        self,
        runner: TaskRunner,
        start: Callable[[], tuple[Callable[..., Any], tuple]],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        *,
        name: str,
        alive: Callable[[], bool] = lambda: True,
    ):
        self.runner = runner
        self.start = start
        self.done = done
        self.failed = failed
        self.name = name
        self.alive = alive
        self.running = False
        self._again = False

    def request(self) -> None:
        if self.running:
            self._again = True
            return
        self.running = True
        self._again = False
        fn, args = self.start()
        self.runner.run(
            fn,
            *args,
            on_done=lambda result: self._end(self.done, result),
            on_error=lambda exc: self._end(self.failed, exc),
            name=self.name,
        )

    def _end(self, callback: Callable[[Any], None], value: Any) -> None:
        self.running = False
        if not self.alive():
            return
        if self._again:
            self.request()
        callback(value)
