"""The audit trail on PostgreSQL 15: the migration chains a 0006 database's records; the trigger functions
refuse UPDATE, DELETE and TRUNCATE and keep the head moving forward; tampering by someone with the
database's owner rights (disable the triggers, change rows, enable them again) is detected and located;
two processes writing at once leave an intact chain (the head row is taken with ``SELECT … FOR UPDATE``).

Every test gets a fresh, empty database on the throwaway server started by ``pg_server``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from reception.audit import verify
from reception.cli import main
from reception.context import open_context
from reception.storage import migrate
from reception.storage.db import Database
from reception.storage.models import AuditRecord
from tests.integration.test_audit_concurrency import check_interleaved_chain, run_audited_writers
from tests.unit.test_audit import a_few_records, assert_chained, chain_rows, problems
from tests.unit.test_audit_migration import at_0006_with_audit_rows, check_upgraded
from tests.unit.test_migrations import schema_diff

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_url):
    c = open_context(pg_url)
    yield c
    c.close()


def tamper_pg(url: str, *statements: str) -> None:
    """The database owner: switch the triggers off, change rows, switch them on again, in one transaction."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            conn.exec_driver_sql("ALTER TABLE audit_chain DISABLE TRIGGER USER")
            for stmt in statements:
                conn.exec_driver_sql(stmt)
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
            conn.exec_driver_sql("ALTER TABLE audit_chain ENABLE TRIGGER USER")
    finally:
        engine.dispose()


def test_0007_chains_the_records_of_a_postgresql_database_at_0006(pg_url):
    ids = at_0006_with_audit_rows(pg_url, bulk=5003)  # two batches of the migration
    db = Database(pg_url)
    try:
        assert migrate.upgrade(db) is None  # no file to back up
        assert schema_diff(db) == []
        with db.engine.connect() as conn:
            triggers = set(
                conn.exec_driver_sql(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                    "('audit_log'::regclass, 'audit_chain'::regclass)"
                ).scalars()
            )
        assert triggers == {
            "audit_log_append_only",
            "audit_log_no_truncate",
            "audit_chain_forward",
            "audit_chain_no_truncate",
        }
    finally:
        db.dispose()
    check_upgraded(pg_url, ids)


def test_0007_downgrades_on_postgresql(pg_url):
    ids = at_0006_with_audit_rows(pg_url, bulk=10)
    db = Database(pg_url)
    try:
        migrate.upgrade(db)
        from alembic import command

        cfg = migrate._config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() == len(ids)
            assert conn.exec_driver_sql("SELECT to_regclass('audit_chain')").scalar() is None
            functions = "SELECT count(*) FROM pg_proc WHERE proname IN ('audit_log_append_only', 'audit_chain_forward')"
            assert conn.exec_driver_sql(functions).scalar() == 0
    finally:
        db.dispose()
    check_upgraded(pg_url, ids)


def test_update_delete_and_truncate_are_refused_on_postgresql(pg):
    a_few_records(pg, 1)
    for stmt in (
        "UPDATE audit_log SET result = 'denied'",
        "DELETE FROM audit_log WHERE seq = 2",
        "TRUNCATE audit_log",
        "UPDATE audit_chain SET seq = seq - 1",
        "UPDATE audit_chain SET hash = repeat('0', 64)",
        "DELETE FROM audit_chain",
        "TRUNCATE audit_chain",
    ):
        with pytest.raises(DBAPIError, match=r"append-only|only moves forward"), pg.db.write() as s:
            s.execute(text(stmt))
    assert len(assert_chained(pg)) == 2
    a_few_records(pg, 1)
    assert len(assert_chained(pg)) == 4


@pytest.mark.parametrize(
    ("kind", "statements", "expected"),
    [
        ("edit", ["UPDATE audit_log SET detail = '{\"chars\": 1}' WHERE seq = 4"], [("audit.edited", 4, "seq4")]),
        ("delete", ["DELETE FROM audit_log WHERE seq = 3"], [("audit.missing", 3, None)]),
        (
            "swap",
            [
                "UPDATE audit_log SET seq = -1 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = -1",
            ],
            [("audit.edited", 2, "seq4"), ("audit.edited", 4, "seq2")],
        ),
        ("truncate", ["DELETE FROM audit_log WHERE seq > 4"], [("audit.truncated", 5, None)]),
    ],
)
def test_tampering_on_postgresql_is_detected_and_located(pg, pg_url, capsys, kind, statements, expected):
    a_few_records(pg)
    ids = {f"seq{r.seq}": r.id for r in chain_rows(pg)}
    tamper_pg(pg_url, *statements)
    found = problems(verify(pg))
    for code, seq, id_ in expected:
        assert (code, seq, ids.get(id_)) in found, found
    assert main(["--db", pg_url, "--lang", "en", "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert len(out.splitlines()) == len(found) and all(line.startswith("seq ") for line in out.splitlines())


def test_two_processes_writing_to_postgresql_leave_an_intact_chain(pg, pg_url, tmp_path):
    per_worker = run_audited_writers(pg_url, tmp_path, processes=2, count=20)
    check_interleaved_chain(pg, per_worker)
    with pg.db.read() as s:
        assert s.execute(select(sa.func.count()).select_from(AuditRecord)).scalar() == 80
