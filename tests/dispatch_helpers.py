"""Helpers shared by the dispatch tests: hall files with ``[department.transport]`` tables, and the
departments' secrets in the test keyring (the in-memory one of ``tests/conftest.py``).

The departments themselves are real: the reference receiver (``tests/department_receiver.py``, fixture
``tests/receiver_fixtures.py``) for http, a folder and the reference consumer
(``tests/folder_consumer.py``) for folder. The secrets stored here are the receiver fixture's.
"""

from __future__ import annotations

import json
from pathlib import Path

from reception.config import example_path
from reception.secrets import set_secret
from tests.receiver_fixtures import SIGNING_KEY, TOKEN


def hall_with(tmp_path: Path, transports: dict[str, str], extra: str = "") -> Path:
    """The example hall with ``[department.transport]`` tables (TOML body text) for the given departments,
    and ``extra`` (raw TOML, e.g. a ``[dispatch]`` table, valid or not) at the end; written to
    ``tmp_path/hall/hall.toml``."""
    text = example_path().read_text(encoding="utf-8")
    head, *blocks = text.split("\n[[department]]\n")
    out = [head]
    for block in blocks:
        code = block.split('code = "', 1)[1].split('"', 1)[0]
        if code in transports:
            # before the next top-level table that follows the department's block (if any)
            cut = block.find("\n[network]")
            body = f"\n[department.transport]\n{transports[code].strip()}\n"
            block = block + body if cut < 0 else block[:cut] + body + block[cut:]
        out.append(block)
    hall = tmp_path / "hall" / "hall.toml"
    hall.parent.mkdir(parents=True, exist_ok=True)
    hall.write_text("\n[[department]]\n".join(out) + "\n" + extra, encoding="utf-8")
    return hall


def http_transport(url: str, **extra) -> str:
    """A ``[department.transport]`` body for the department-queue API at ``url`` (``timeout_s = 2`` unless
    given; other keys as given)."""
    lines = ['kind = "http"', f'base_url = "{url}"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in {"timeout_s": 2, **extra}.items()]
    return "\n".join(lines)


def store_secrets(*codes: str, token: str = TOKEN, signing_key: str = SIGNING_KEY) -> None:
    """Each department's token and signing key (``dept-<code>-token``, ``dept-<code>-signing-key``)."""
    for code in codes:
        set_secret(f"dept-{code}-token", token)
        set_secret(f"dept-{code}-signing-key", signing_key)


__all__ = ["hall_with", "http_transport", "store_secrets"]
