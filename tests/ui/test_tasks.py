"""The background runner: results, errors and progress arrive on the GUI thread; cancelled work is silent."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread

from tests.ui.conftest import wait_idle
from ui.tasks import TaskRunner


@pytest.fixture
def runner(qapp):
    r = TaskRunner()
    yield r
    r.shutdown()


def test_result_arrives_on_gui_thread(qtbot, runner):
    got = []
    worker_threads = []

    def work(x):
        worker_threads.append(threading.current_thread())
        return x * 2

    runner.run(work, 21, on_done=lambda r: got.append((r, QThread.currentThread() is qtbot_main_thread())))
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got == [(42, True)]
    assert worker_threads[0] is not threading.main_thread()


def qtbot_main_thread():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance().thread()


def test_error_goes_to_on_error_or_unhandled(qtbot, runner):
    errors, unhandled = [], []
    runner.unhandled.connect(unhandled.append)

    def boom():
        raise ValueError("bad")

    runner.run(boom, on_error=errors.append)
    runner.run(boom)
    qtbot.waitUntil(runner.idle, timeout=5000)
    qtbot.waitUntil(lambda: len(errors) == 1 and len(unhandled) == 1, timeout=5000)
    assert isinstance(errors[0], ValueError)
    assert isinstance(unhandled[0], ValueError)


def test_progress_and_cancel(qtbot, runner):
    seen, done = [], []
    started = threading.Event()

    def long(progress, should_cancel):
        for i in range(1000):
            progress(i, 1000)
            started.set()
            if should_cancel():
                return "stopped"
            time.sleep(0.001)
        return "finished"

    task = runner.run(long, on_progress=lambda d, t: seen.append(d), on_done=done.append)
    started.wait(5)
    task.cancel()
    qtbot.waitUntil(runner.idle, timeout=5000)
    assert done == []  # a cancelled task's callback is not delivered
    assert runner.pending == 0


def test_busy_signal(qtbot, runner):
    states = []
    runner.busy_changed.connect(states.append)
    runner.run(lambda: None)
    qtbot.waitUntil(runner.idle, timeout=5000)
    assert states == [True, False]


def test_wait_idle_helper(qtbot, desk):
    desk.runner.run(lambda: 1)
    wait_idle(qtbot, desk)
    assert desk.runner.idle()


def test_callback_never_runs_inside_run(qtbot, runner):
    """Even a task that is finished before run() returns calls back later, from the event loop."""
    order = []
    task = runner.run(lambda: None, on_done=lambda r: order.append("done"))
    task.future.result(timeout=5)  # finished now, callback still pending
    order.append("after run")
    qtbot.waitUntil(runner.idle, timeout=5000)
    assert order == ["after run", "done"]
