"""Housekeeping kept off the save path.

The full-text index is an FTS5 table whose automatic merging is switched off (migration 0001):
merging segments inside the clerk's save made one save in a hundred take 50+ ms on a database of a
million cases. Instead :func:`tidy` merges a bounded amount of the index and checkpoints the WAL;
the desk runs it when idle, the command line after each writing command. FTS5's own crisis merge
(16 segments on one level) still bounds the index's fragmentation if tidy never runs.
"""

from __future__ import annotations

import logging

from sqlalchemy import text

from reception.storage.db import Database

log = logging.getLogger(__name__)


def tidy(db: Database, *, merge_pages: int = 500) -> None:
    if db.dialect != "sqlite":
        return  # PostgreSQL: autovacuum keeps the GIN index and tables in shape
    with db.write() as session:
        session.execute(text("INSERT INTO case_fts(case_fts, rank) VALUES ('merge', :n)"), {"n": merge_pages})
    with db.engine.connect() as conn:
        _busy, log_pages, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        conn.rollback()
    log.debug("tidy: wal %s pages, %s checkpointed", log_pages, done)
