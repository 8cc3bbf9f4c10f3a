"""The shipped Alembic migrations, the pre-migration backup and the SQLite connection settings."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from reception.storage import migrate
from reception.storage.db import Database, open_database
from reception.storage.engine import BUSY_TIMEOUT_MS
from reception.storage.models import Base


def _not_search_index(name, type_, parent_names) -> bool:
    """The full-text index is created by raw DDL in the migration and has no ORM model."""
    if type_ == "table":
        return name != "case_search" and name != "case_fts" and not (name or "").startswith("case_fts_")
    return True


def schema_diff(db: Database) -> list:
    """What autogenerate would change to make the migrated schema match the ORM models."""
    with db.engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": _not_search_index})
        return compare_metadata(mc, Base.metadata)


@pytest.fixture
def db(db_url):
    d = open_database(db_url)
    yield d
    d.dispose()


def test_fresh_file_is_migrated_to_head(db, tmp_path):
    assert migrate.head_revision()
    assert migrate.current_revision(db) == migrate.head_revision()
    with db.engine.connect() as conn:
        tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
    assert {"cases", "parties", "case_serials", "transfers", "outbox", "case_events", "audit_log"} <= tables
    assert {"alembic_version", "case_fts"} <= tables
    assert not list(tmp_path.glob("*.bak"))  # nothing to back up in an empty file


def test_opening_again_does_nothing_and_makes_no_backup(db, db_url, tmp_path):
    assert migrate.upgrade(db) is None
    again = open_database(db_url)
    try:
        assert migrate.current_revision(again) == migrate.head_revision()
    finally:
        again.dispose()
    assert not list(tmp_path.glob("*.bak"))


def test_orm_models_match_the_migrated_schema(db):
    assert schema_diff(db) == []
    # and the comparison does see a difference when there is one
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_parties_phone")
    assert [(d[0], d[1].name) for d in schema_diff(db)] == [("add_index", "ix_parties_phone")]


def test_upgrade_from_the_first_revision_backs_up_first_and_keeps_the_data(db_url, tmp_path):
    script = ScriptDirectory.from_config(migrate._config())
    first, head = script.get_base(), script.get_current_head()
    if first == head:
        pytest.skip("only one revision ships; see the next test")
    old = Database(db_url)
    try:
        cfg = migrate._config()
        with old.engine.begin() as conn:  # a database made by the first release
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, first)
        with old.write() as s:
            s.execute(
                text("INSERT INTO audit_log (id, at, action, result) VALUES (7, '2025-01-01 00:00:00', 'x', 'ok')")
            )
        assert migrate.current_revision(old) == first
        made = migrate.upgrade(old)
        assert migrate.current_revision(old) == head
        with old.read() as s:
            assert s.execute(text("SELECT id FROM audit_log")).scalars().all() == [7]
    finally:
        old.dispose()
    assert made is not None and made.parent == tmp_path
    assert made.name.startswith(f"hall.sqlite3.pre-{first}-") and made.suffix == ".bak"
    conn = sqlite3.connect(made)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(first,)]
        assert conn.execute("SELECT id FROM audit_log").fetchall() == [(7,)]
    finally:
        conn.close()


def test_upgrade_of_an_older_schema_backs_up_before_migrating(db, tmp_path, monkeypatch):
    """Pretend the file is older than every shipped revision and check the order of the steps."""
    steps: list[str] = []
    real_backup = migrate.backup_sqlite

    def backup(d, tag):
        steps.append(f"backup {tag}")
        return real_backup(d, tag)

    monkeypatch.setattr(migrate, "current_revision", lambda d: "0000")
    monkeypatch.setattr(migrate, "backup_sqlite", backup)
    monkeypatch.setattr(migrate.command, "upgrade", lambda cfg, rev: steps.append(f"upgrade {rev}"))
    made = migrate.upgrade(db)
    assert steps == ["backup pre-0000", "upgrade head"]
    assert made is not None and made.parent == tmp_path
    assert made.name.startswith("hall.sqlite3.pre-0000-") and made.suffix == ".bak"
    assert migrate.upgrade(db, backup=False) is None  # no backup asked: none made
    assert steps[-1] == "upgrade head" and len(list(tmp_path.glob("*.bak"))) == 1


def test_backup_of_a_live_database_is_consistent(db, tmp_path):
    """Rows keep arriving from another connection while the backup runs."""
    path = Path(db.url.removeprefix("sqlite:///"))
    first_batch = threading.Event()
    stop = threading.Event()
    written: list[int] = []
    failure: list[BaseException] = []

    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("CREATE TABLE scratch_rows (id INTEGER PRIMARY KEY)")  # audit_log is append-only, chained
    setup.close()

    def writer():
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            i = 0
            while not stop.is_set() and i < 100_000:
                i += 1
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO scratch_rows (id) VALUES (?)", (i,))
                conn.execute("COMMIT")
                written.append(i)
                if i == 50:
                    first_batch.set()
        except BaseException as exc:  # reported by the test thread
            failure.append(exc)
            first_batch.set()
        finally:
            conn.close()

    t = threading.Thread(target=writer)
    t.start()
    try:
        assert first_batch.wait(60)
        backup = migrate.backup_sqlite(db, "test")
    finally:
        stop.set()
        t.join()
    assert not failure, failure
    assert backup is not None and backup.is_file()
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = [r[0] for r in conn.execute("SELECT id FROM scratch_rows ORDER BY id")]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.head_revision(),)]
    finally:
        conn.close()
    # a consistent snapshot: every committed row up to some point, nothing torn
    assert len(ids) >= 50
    assert ids == list(range(1, len(ids) + 1))
    assert len(ids) <= len(written)


def test_backup_of_a_database_without_a_file_is_skipped(tmp_path):
    d = Database("sqlite:///:memory:")
    try:
        assert migrate.backup_sqlite(d, "x") is None
    finally:
        d.dispose()


def _pragmas(conn) -> dict[str, object]:
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }


EXPECTED_PRAGMAS = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_MS}


def test_sqlite_pragmas_are_set_on_every_connection(db):
    assert BUSY_TIMEOUT_MS == 30_000
    # several connections open at once, so the pool hands out distinct DBAPI connections
    conns = [db.engine.connect() for _ in range(3)]
    try:
        assert len({id(c.connection.dbapi_connection) for c in conns}) == 3
        for c in conns:
            assert _pragmas(c) == EXPECTED_PRAGMAS
    finally:
        for c in conns:
            c.close()
    db.engine.dispose()  # brand-new connections after the pool is emptied
    with db.engine.connect() as c:
        assert _pragmas(c) == EXPECTED_PRAGMAS
    for unit in (db.read, db.write):
        with unit() as session:
            assert _pragmas(session.connection()) == EXPECTED_PRAGMAS


def test_foreign_keys_are_enforced(db):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.write() as s:
        s.execute(text("INSERT INTO parties (case_id, role, position, name) VALUES (424242, 'applicant', 0, '张三')"))


def test_schema_head_without_alembic_agrees_with_alembic():
    from reception.storage.db import schema_head
    from reception.storage.migrate import head_revision

    assert schema_head() == head_revision()


def test_open_database_skips_alembic_when_at_head(tmp_path):
    """The desk starts on an up-to-date database without importing Alembic (it costs ~0.2 s)."""
    import subprocess
    import sys

    url = "sqlite:///" + (tmp_path / "h.sqlite3").as_posix()
    code = (
        "import sys\n"
        "from reception.storage.db import open_database\n"
        f"open_database({url!r}).dispose()\n"
        "first = 'alembic' in sys.modules\n"
        "for m in [m for m in sys.modules if m.startswith('alembic') or m == 'reception.storage.migrate']:\n"
        "    del sys.modules[m]\n"
        f"open_database({url!r}).dispose()\n"
        "print(first, 'alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
