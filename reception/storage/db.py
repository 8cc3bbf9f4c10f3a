"""The database handle: one engine, short sessions per unit of work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from reception.storage.engine import make_engine, redacted, resolve_url


class Database:
    """Owns the engine. ``write()`` and ``read()`` hand out short sessions.

    ``write()`` commits on success and rolls back on any exception, so a unit of work is all or
    nothing. On SQLite it begins with ``BEGIN IMMEDIATE``.
    """

    def __init__(self, url: str | None = None, *, engine: Engine | None = None):
        self.url = resolve_url(url) if engine is None else str(engine.url)
        self.engine = engine or make_engine(self.url)
        self._writer = sessionmaker(self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return redacted(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


_REVISION_RE = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w.-]+|None)['\"]?", re.MULTILINE)


def schema_head() -> str | None:
    """The newest migration's revision id, read from the shipped revision files without importing Alembic.

    Alembic costs ~0.2 s to import; the desk opens an up-to-date database at every start, so the check
    "already at head?" is done here and Alembic is loaded only when there is something to migrate.
    ``tests/unit/test_migrations.py`` checks this agrees with Alembic's own answer."""
    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    revisions: set[str] = set()
    parents: set[str] = set()
    for f in versions.glob("*.py"):
        found = dict((k, v) for k, v in _REVISION_RE.findall(f.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if found.get("down_revision") not in (None, "None"):
                parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision(db: Database) -> str | None:
    """The revision recorded in the database (``alembic_version``), or None for a new database."""
    try:
        with db.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except DBAPIError:
        return None


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default migrate) the database at ``url``."""
    db = Database(url)
    if migrate:
        head = schema_head()
        if head is None or stored_revision(db) != head:
            from reception.storage.migrate import upgrade

            upgrade(db)
    return db
