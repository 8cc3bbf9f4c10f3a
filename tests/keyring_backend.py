"""A file-backed keyring backend FOR TESTS ONLY — INSECURE: secrets are stored in plain JSON.

The dispatcher runs as a subprocess in the crash tests and benchmarks; it cannot see the parent's
in-memory test keyring (``tests/conftest.py``). The parent writes the department secrets with
:func:`write_secrets` into a file in the test's tmp folder and starts the subprocess with::

    PYTHON_KEYRING_BACKEND=tests.keyring_backend.TestFileKeyring
    RECEPTION_TEST_KEYRING=<that file>
    PYTHONPATH=<repository root>

``priority`` is 1 so that ``reception.secrets`` accepts it like a real OS keyring. Never configure
this backend outside a test: the product's rule is that secrets live only in the OS keyring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV = "RECEPTION_TEST_KEYRING"
BACKEND = "tests.keyring_backend.TestFileKeyring"


class TestFileKeyring(KeyringBackend):
    """Plain JSON file named by ``$RECEPTION_TEST_KEYRING``; tests only."""

    __test__ = False  # not a pytest test class
    priority = 1

    def _path(self) -> Path:
        name = os.environ.get(ENV)
        if not name:
            raise RuntimeError(f"{ENV} is not set: the test keyring backend needs a file")
        return Path(name)

    def _load(self) -> dict[str, dict[str, str]]:
        p = self._path()
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}

    def _save(self, data: dict) -> None:
        p = self._path()
        tmp = p.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, p)

    def get_password(self, service, username):
        return self._load().get(service, {}).get(username)

    def set_password(self, service, username, password):
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service, username):
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError(username)
        del data[service][username]
        self._save(data)


def write_secrets(path: Path, secrets: dict[str, str], service: str = "reception-desk") -> dict[str, str]:
    """Write ``secrets`` for ``service`` into ``path``; return the environment a subprocess needs."""
    path.write_text(json.dumps({service: dict(secrets)}), encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    return {"PYTHON_KEYRING_BACKEND": BACKEND, ENV: str(path), "PYTHONPATH": str(root)}
