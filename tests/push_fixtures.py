"""A hall that pushes for real: the example hall with ``hrss`` and ``legal_aid`` (a labour case's lead and
assisting departments) behind reference department receivers (``tests/department_receiver.py``) on
127.0.0.1, their secrets in the in-memory keyring of tests/conftest.py, and the real dispatcher
(``reception.dispatch.Dispatcher``) run in this process.

Make the fixtures visible in a test module::

    from tests import push_fixtures

    department_receiver = push_fixtures.department_receiver
    pushing_hall = push_fixtures.pushing_hall
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest

from reception.context import Context, open_context
from reception.dispatch import Dispatcher
from reception.intake import register_case
from tests import receiver_fixtures
from tests.department_receiver import DepartmentReceiver
from tests.factories import base_case
from tests.integration.test_dispatch_crash import PUSHED, hall_toml, http_transport
from tests.receiver_fixtures import SIGNING_KEY, TOKEN

department_receiver = receiver_fixtures.department_receiver  # the fixture

#: fast retries (the first backoff is at most 0.05 s), no polling of answers during a test
FAST = {"backoff_base_s": 0.05, "backoff_cap_s": 0.2, "lease_s": 1.0, "poll_interval_s": 3600}


@dataclass
class PushingHall:
    ctx: Context
    hall: Path
    db_url: str
    receivers: dict[str, DepartmentReceiver]

    def push(self) -> dict:
        """One ``reception dispatch --once`` round, in this process."""
        with Dispatcher(self.ctx) as d:
            return d.run_once()

    def push_again(self) -> dict:
        """A round after the retries of the previous one are due (the backoff is at most 0.2 s)."""
        time.sleep(0.25)
        return self.push()

    def case(self, **overrides) -> str:
        """A labour case (unpaid wages): lead ``hrss``, assisting ``legal_aid``."""
        return register_case(self.ctx, base_case(self.ctx.config, **overrides)).case_no

    def refuse(self, code: str, reason: str) -> None:
        """The department's system refuses every payload (422 with ``reason``): a dead letter."""
        self.receivers[code].refuse_payloads(lambda _payload: reason)


@pytest.fixture
def pushing_hall(tmp_path, department_receiver):
    receivers = {code: department_receiver(code) for code in PUSHED}
    hall = hall_toml(tmp_path, {c: http_transport(r.url) for c, r in receivers.items()}, dispatch=FAST)
    for code in PUSHED:  # the in-memory keyring of tests/conftest.py, as Credential Manager on the desk
        keyring.set_password("reception-desk", f"dept-{code}-token", TOKEN)
        keyring.set_password("reception-desk", f"dept-{code}-signing-key", SIGNING_KEY)
    db_url = "sqlite:///" + (tmp_path / "hall.sqlite3").as_posix()
    ctx = open_context(db_url, hall)
    try:
        yield PushingHall(ctx, hall, db_url, receivers)
    finally:
        ctx.close()


__all__ = ["FAST", "PUSHED", "PushingHall", "department_receiver", "pushing_hall"]
