"""Revision 0006: a database at 0005 with cases, transfers, outbox entries and push attempts is upgraded;
each attempt gets its department (the outbox entry's, else the transfer's) and the (department, id) index.
On SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text

import reception.audit
from reception.context import open_context
from reception.dispatch.history import last_attempts
from reception.intake import register_case
from reception.storage import migrate
from reception.storage.db import Database
from tests.factories import base_case


@contextlib.contextmanager
def _audit_as_at_0005():
    """Audit records as the 0005 release wrote them: plain rows, before the chain of revision 0007."""
    real = reception.audit.append

    def append(session, ctx, entries):
        for e in entries:
            session.execute(
                text(
                    'INSERT INTO audit_log (at, "user", workstation, action, object_type, object_id, result) '
                    "VALUES (:at, :user, :ws, :action, :ot, :oid, :result)"
                ),
                {
                    "at": (e.get("at") or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                    "user": e.get("user"),
                    "ws": ctx.config.workstation.code,
                    "action": e["action"],
                    "ot": e.get("object_type"),
                    "oid": e.get("object_id"),
                    "result": e.get("result") or "ok",
                },
            )

    reception.audit.append = append
    try:
        yield
    finally:
        reception.audit.append = real


def _at_0005_with_attempts(url: str) -> dict[str, str]:
    """A database made by the release with revision 0005, holding a routed case and three push attempts.
    Returns the transfer ids by department."""
    old = Database(url)
    try:
        cfg = migrate._config()
        with old.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
        assert migrate.current_revision(old) == "0005"
    finally:
        old.dispose()
    ctx = open_context(url, migrate=False)  # intake at 0005 writes what it wrote then
    try:
        with _audit_as_at_0005():
            register_case(ctx, base_case(ctx.config))
        with ctx.db.write() as s:
            entries = dict(s.execute(text("SELECT department, id FROM outbox")).all())
            transfers = dict(s.execute(text("SELECT department, id FROM transfers")).all())
            assert set(entries) == {"hrss", "legal_aid"}
            rows = [
                # (outbox_id, transfer_id, at, outcome, http_status, error)
                (entries["hrss"], transfers["hrss"], "2026-11-30 01:00:00", "retry", None, "timeout: ReadTimeout"),
                (entries["hrss"], transfers["hrss"], "2026-11-30 01:00:05", "delivered", 201, None),
                # an attempt without its outbox entry: the transfer says where it went
                (None, transfers["legal_aid"], "2026-11-30 01:00:06", "dead", 422, "HTTP 422: 材料不全"),
            ]
            for row in rows:
                s.execute(
                    text(
                        "INSERT INTO dispatch_attempts (outbox_id, transfer_id, at, duration_ms, outcome, "
                        "http_status, error) VALUES (:o, :t, :at, 12, :outcome, :status, :error)"
                    ),
                    dict(zip(("o", "t", "at", "outcome", "status", "error"), row, strict=True)),
                )
    finally:
        ctx.close()
    return transfers


def _check_upgraded(db: Database, transfers: dict[str, str]) -> None:
    assert migrate.current_revision(db) == migrate.head_revision()
    with db.read() as s:
        got = s.execute(
            text("SELECT transfer_id, outcome, department, duration_ms FROM dispatch_attempts ORDER BY id")
        ).all()
    assert [tuple(r) for r in got] == [
        (transfers["hrss"], "retry", "hrss", 12),
        (transfers["hrss"], "delivered", "hrss", 12),
        (transfers["legal_aid"], "dead", "legal_aid", 12),
    ]
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("dispatch_attempts")}
    assert indexes["ix_dispatch_attempts_department"] == ["department", "id"]


def _last_attempts(url: str) -> dict:
    ctx = open_context(url)
    try:
        return {code: (a.outcome, a.http_status) for code, a in last_attempts(ctx).items()}
    finally:
        ctx.close()


def test_0006_upgrades_a_sqlite_database_at_0005_with_data(db_url):
    transfers = _at_0005_with_attempts(db_url)
    db = Database(db_url)
    try:
        made = migrate.upgrade(db)
        assert made is not None and made.name.startswith("hall.sqlite3.pre-0005-")  # backed up first
        _check_upgraded(db, transfers)
        with db.engine.connect() as conn:  # a department's last attempt is read from the index
            plan = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM dispatch_attempts WHERE department = 'hrss' "
                    "ORDER BY id DESC LIMIT 1"
                )
            )
        assert "ix_dispatch_attempts_department" in plan and "TEMP B-TREE" not in plan
    finally:
        db.dispose()
    assert _last_attempts(db_url) == {"hrss": ("delivered", 201), "legal_aid": ("dead", 422)}


@pytest.mark.postgres
def test_0006_upgrades_a_postgresql_database_at_0005_with_data(pg_url):
    transfers = _at_0005_with_attempts(pg_url)
    db = Database(pg_url)
    try:
        assert migrate.upgrade(db) is None  # no file to back up
        _check_upgraded(db, transfers)
    finally:
        db.dispose()
    assert _last_attempts(pg_url) == {"hrss": ("delivered", 201), "legal_aid": ("dead", 422)}


def test_0006_downgrades_and_upgrades_again(db_url):
    open_context(db_url).close()
    db = Database(db_url)
    try:
        cfg = migrate._config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
        assert "department" not in {c["name"] for c in inspect(db.engine).get_columns("dispatch_attempts")}
        migrate.upgrade(db, backup=False)
        assert "department" in {c["name"] for c in inspect(db.engine).get_columns("dispatch_attempts")}
    finally:
        db.dispose()
