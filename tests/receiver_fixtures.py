"""Pytest fixture factory for the reference department receiver (``tests/department_receiver.py``).

Import it into a test module (``from tests.receiver_fixtures import department_receiver  # noqa: F401``)
and ask for ``department_receiver``: calling it starts a receiver on a free port of 127.0.0.1 with
its store in the test's tmp folder; every receiver made is stopped (threads joined, sockets closed)
when the test ends.
"""

from __future__ import annotations

import threading

import pytest

from tests.department_receiver import DepartmentReceiver

TOKEN = "test-token-3f9a"
SIGNING_KEY = "test-signing-key-51c2"


@pytest.fixture
def department_receiver(tmp_path):
    made: list[DepartmentReceiver] = []
    before = set(threading.enumerate())

    def make(name: str = "dept", *, token: str = TOKEN, signing_key: str = SIGNING_KEY, **kwargs) -> DepartmentReceiver:
        r = DepartmentReceiver(tmp_path / f"receiver-{name}.sqlite3", token=token, signing_key=signing_key, **kwargs)
        made.append(r)
        return r.start()

    yield make
    for r in made:
        r.stop()
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"receiver threads still running after stop(): {leaked}"
