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


def test_what_a_task_was_given_is_let_go_on_the_gui_thread(qtbot, runner):
    """A widget must never be deleted on a worker thread: the function, its arguments and the callbacks
    (often bound methods of widgets) are released on the GUI thread, whoever drops the task."""
    import gc

    freed_on = []

    class Probe:
        def __del__(self):
            freed_on.append(threading.current_thread() is threading.main_thread())

        def done(self, _result):
            pass

    def slow(_probe):
        time.sleep(0.05)
        return 1

    for _ in range(20):
        probe = Probe()
        runner.run(slow, probe, on_done=probe.done)
        del probe
    qtbot.waitUntil(runner.idle, timeout=10_000)
    gc.collect()
    assert len(freed_on) == 20
    assert all(freed_on)


def test_shutdown_without_waiting_cancels_queued_work(qapp):
    r = TaskRunner(max_workers=1)
    gate = threading.Event()
    r.run(gate.wait, 5)
    r.run(lambda: None)  # queued behind the first, never started
    r.shutdown(wait=False)
    gate.set()


def test_cycles_are_collected_on_the_gui_thread_only(qtbot):
    import gc

    from ui.gcollect import GuiThreadGarbageCollector

    N = gc.get_threshold()[0] * 2
    gc.enable()
    collector = GuiThreadGarbageCollector(interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()
        freed_on = []

        class Cycle:
            def __init__(self):
                self.me = self

            def __del__(self):
                freed_on.append(threading.current_thread() is threading.main_thread())

        def make_garbage():  # more cycles than the first generation's threshold, made on a worker thread
            for _ in range(N):
                Cycle()

        t = threading.Thread(target=make_garbage)
        t.start()
        t.join()
        assert freed_on == []  # nothing collected on the worker thread
        qtbot.waitUntil(lambda: len(freed_on) == N, timeout=5000)
        assert all(freed_on)
    finally:
        collector.stop()
    assert gc.isenabled()


def test_a_reload_asked_while_one_runs_runs_once_more_after_it(qtbot, runner):
    from ui.tasks import Reload

    gate = threading.Event()
    started, done, failed = [], [], []
    state = {"filter": "a", "alive": True}

    def load(f):
        started.append(f)
        gate.wait(5)
        if f == "bad":
            raise ValueError(f)
        return f.upper()

    r = Reload(
        runner,
        lambda: (load, (state["filter"],)),
        done.append,
        failed.append,
        name="test-load",
        alive=lambda: state["alive"],
    )
    r.request()
    state["filter"] = "b"
    r.request()  # while the first runs: once more after it, with the filter of then
    state["filter"] = "bad"
    r.request()  # asked again: still once
    assert r.running
    gate.set()
    qtbot.waitUntil(lambda: not r.running and len(done) + len(failed) == 2, timeout=5000)
    assert started == ["a", "bad"] and done == ["A"] and [str(e) for e in failed] == ["bad"]
    state["alive"] = False  # the page went away: nothing is delivered
    r.request()
    qtbot.waitUntil(lambda: not r.running, timeout=5000)
    assert done == ["A"] and len(started) == 3
