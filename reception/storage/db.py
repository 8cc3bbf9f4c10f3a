"""The database handle: one engine, short sessions per unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
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


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Open (and by default migrate) the database at ``url``."""
    db = Database(url)
    if migrate:
        from reception.storage.migrate import upgrade

        upgrade(db)
    return db
