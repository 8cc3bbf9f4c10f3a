"""Shared fixtures: temporary user folders, an in-memory keyring, a real SQLite file per test, and a
throwaway PostgreSQL server started once per session for the tests marked ``postgres``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(KeyringBackend):
    """The OS keyring stand-in for tests (no Windows Credential Manager here)."""

    priority = 10

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def get_password(self, service, username):
        return self.store.get((service, username))

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


@pytest.fixture(scope="session", autouse=True)
def _no_personal_data_in_logs(tmp_path_factory):
    """After the whole run: no full ID number or phone in any log file the tests left (``tests/log_scan``)."""
    yield
    from tests.log_scan import scan

    found = scan(tmp_path_factory.getbasetemp())
    assert not found, "personal data in log files:\n" + "\n".join(str(f) for f in found[:20])


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Every test gets its own data, config and log folders and an in-memory keyring."""
    for name in ("DATA", "CONFIG", "LOG"):
        d = tmp_path / f"user-{name.lower()}"
        d.mkdir()
        monkeypatch.setenv(f"RECEPTION_{name}_DIR", str(d))
    for name in ("RECEPTION_DB", "RECEPTION_USER", "RECEPTION_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def config():
    from reception.config import load_config

    return load_config()


@pytest.fixture
def db_url(tmp_path) -> str:
    return "sqlite:///" + (tmp_path / "hall.sqlite3").as_posix()


@pytest.fixture
def ctx(db_url):
    from reception.context import open_context

    c = open_context(db_url)
    yield c
    c.close()


@pytest.fixture
def cli(db_url, capsys):
    """``cli(*args)``: ``reception --db <db_url> *args`` in this process: (exit code, stdout, stderr)."""
    from reception.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def cli_as(db_url, monkeypatch):
    """``cli_as(role="clerk", username=…, db=…)``: an account of ``role`` in the test database ``db``
    (default ``db_url``; see ``tests.accounts.sign_in``), and the command line signed in as it through
    ``RECEPTION_USER`` and ``RECEPTION_PASSWORD``. Returns the ``Principal``."""
    from reception.context import open_context
    from tests.accounts import CLERK, password_of, sign_in

    def sign(role: str = "clerk", username: str = CLERK[0], *, db: str | None = None, **kw):
        c = open_context(db or db_url)
        try:
            principal = sign_in(c, role, username, changed_first_password=True, **kw)
        finally:
            c.close()
        monkeypatch.setenv("RECEPTION_USER", principal.username)
        monkeypatch.setenv("RECEPTION_PASSWORD", password_of(principal))
        return principal

    return sign


# -- PostgreSQL -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        for version in sorted(root.iterdir(), reverse=True):
            if (version / "bin" / "initdb").exists():
                return version / "bin"
    return None


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server on 127.0.0.1, started for this test session and stopped after."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.fail("PostgreSQL server binaries not found; .ci/run installs the postgresql package")
    base = Path(tempfile.mkdtemp(prefix="reception-pg-"))
    data = base / "data"
    port = _free_port()
    as_postgres = os.geteuid() == 0
    if as_postgres:
        shutil.chown(base, "postgres", "postgres")
        os.chmod(base, 0o755)

    def run(*cmd):
        full = ["runuser", "-u", "postgres", "--", *cmd] if as_postgres else list(cmd)
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(base / "log"),
        "-w",
        "-o",
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's PostgreSQL server."""
    import uuid

    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(pg_server + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield f"{pg_server}/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
