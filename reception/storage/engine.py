"""Engine factory. Never create an engine at import time.

SQLite gets WAL, ``synchronous=FULL``, foreign keys and a busy timeout on every connection, and
transactions are begun explicitly so that a writer can ask for ``BEGIN IMMEDIATE`` (take the write
lock up front, so two processes never deadlock upgrading a read lock).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from reception.paths import default_db_url

BUSY_TIMEOUT_MS = 30_000


def resolve_url(url: str | None = None) -> str:
    """``--db`` first, then ``RECEPTION_DB``, then the SQLite file in the user data folder.

    A bare path is taken as a SQLite file.
    """
    url = url or os.environ.get("RECEPTION_DB") or default_db_url()
    if "://" not in url:
        url = "sqlite:///" + Path(url).expanduser().resolve().as_posix()
    return url


def make_engine(url: str | None = None, *, echo: bool = False) -> Engine:
    url = resolve_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_setup(engine)
        return engine
    if u.get_backend_name() == "postgresql" and u.drivername == "postgresql":
        url = u.set(drivername="postgresql+psycopg")
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


#: query parameters of a database URL that carry secrets (libpq also accepts ``?password=``)
_SECRET_PARAMS = re.compile(r"pass|secret|token|key", re.IGNORECASE)


def redacted(url: str) -> str:
    """The URL for logs and screens: the password shown as ``***``, and so is any query parameter that
    carries a secret (``?password=``, ``sslpassword``, ``sslkey``…)."""
    u = make_url(url)
    hidden = "HIDDEN0SECRET"  # rendered as is (letters and digits), then shown as ***
    if u.query:
        u = u.set(query={k: (hidden if _SECRET_PARAMS.search(k) else v) for k, v in u.query.items()})
    return u.render_as_string(hide_password=True).replace(hidden, "***")
