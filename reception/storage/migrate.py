"""Apply the Alembic migrations shipped inside the package.

Before upgrading an existing SQLite database, a copy is taken with SQLite's online backup API
(never a plain file copy of a live database) next to the file: ``<name>.pre-<rev>-<time>.bak``.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from reception.storage.db import Database

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_PG_MIGRATION_LOCK = 0x72656365  # advisory lock key ("rece") held while migrating PostgreSQL


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, *, backup: bool = True) -> Path | None:
    """Bring the schema to the newest revision. Returns the backup file made, if any."""
    head = head_revision()
    current = current_revision(db)
    if current == head:
        return None
    made = None
    if backup and current is not None and db.dialect == "sqlite":
        made = backup_sqlite(db, f"pre-{current}")
    cfg = _config()
    # Several workstations may open a fresh database at the same moment: take the write lock before
    # Alembic reads the version table, so the others wait and then find the schema at head.
    with db.engine.execution_options(sqlite_immediate=True).begin() as conn:
        if db.dialect == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("database migrated from %s to %s", current or "empty", head)
    return made


def backup_sqlite(db: Database, tag: str) -> Path | None:
    path = make_url(db.url).database
    if not path or path == ":memory:" or not Path(path).exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    dest = Path(path).with_name(f"{Path(path).name}.{tag}-{stamp}.bak")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    log.info("database backed up before migration to %s", dest.name)
    return dest
