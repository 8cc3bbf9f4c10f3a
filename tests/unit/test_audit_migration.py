"""Revision 0007: a database at 0006 with audit records and closed days is upgraded; the records are chained
in ``id`` order (in batches), the head is set, each closed day gets the head of its ``day.close`` record, and
the table becomes append-only. On SQLite here; ``tests/integration/test_audit_postgres.py`` runs the same
on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import JSON, BigInteger, Date, Integer, String, column, insert, inspect, select, table, text
from sqlalchemy.exc import DBAPIError

from reception import audit
from reception.context import open_context
from reception.export import export_register
from reception.intake import register_case
from reception.storage import migrate
from reception.storage.db import Database
from reception.storage.models import AuditRecord, DayClose, UtcDateTime
from tests.factories import base_case
from tests.unit.test_audit import assert_chained

OLD_AUDIT = table(
    "audit_log",
    column("id", BigInteger()),
    column("at", UtcDateTime()),
    column("user", String()),
    column("workstation", String()),
    column("action", String()),
    column("object_type", String()),
    column("object_id", String()),
    column("result", String()),
    column("detail", JSON()),
)
OLD_CLOSES = table(
    "day_closes",
    column("id", Integer()),
    column("day", Date()),
    column("workstation", String()),
    column("closed_at", UtcDateTime()),
    column("closed_by", String()),
    column("case_count", Integer()),
    column("snapshot", JSON()),
    column("manifest", JSON()),
)
T0 = datetime(2025, 6, 2, 1, 30, 0, 123456, tzinfo=UTC)
DAY = date(2025, 6, 2)
CLOSED_MANIFEST = {"format": 1, "snapshot_sha256": "ab" * 32, "counts": {"window": {"petition": 1}}}


def empty_snapshot(day: date) -> dict:
    """A closed day's stored register without cases, as ``close_day`` stores it (export format 1)."""
    from zoneinfo import ZoneInfo

    from reception.config import load_config
    from reception.export.register import COLUMNS, KEYS
    from reception.export.summary import SummaryBuilder

    cfg = load_config()
    ws = cfg.workstation.code
    summary = SummaryBuilder(cfg, ZoneInfo(cfg.centre.timezone)).build(
        start=day, end=day, workstation=ws, overdue=0, due_soon=0, as_of=day
    )
    return {
        "format": 1,
        "schema_version": "1.0",
        "day": day.isoformat(),
        "workstation": ws,
        "keys": list(KEYS),
        "headers": [c.header for c in COLUMNS],
        "rows": [],
        "summary": summary.to_json(),
    }


def at_0006_with_audit_rows(url: str, *, bulk: int) -> list[int]:
    """A database made by the release with revision 0006: audit records as it wrote them (ids with gaps,
    a time without microseconds, no detail, non-ASCII detail, ``bulk`` more), two closed days of which one
    has its ``day.close`` record. Returns the audit ids in order."""
    old = Database(url)
    try:
        cfg = migrate._config()
        with old.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
        assert migrate.current_revision(old) == "0006"
        rows = [
            dict(id=3, at=T0, user="王丽", workstation="W01", action="case.create", object_type="case",
                 object_id="ZZ-150304-W01-2025-000001", result="ok",
                 detail={"window": "petition", "department": "hrss", "status": "routed"}),
            dict(id=7, at=T0.replace(microsecond=0) + timedelta(minutes=5), user=None, workstation="W01",
                 action="transfer.push", object_type="transfer", object_id="5f0c2b1e-aaaa-4cde-9876-1234567890ab",
                 result="ok", detail=None),
            dict(id=8, at=T0 + timedelta(minutes=6), user="dispatcher", workstation="W01", action="transfer.dead",
                 object_type="transfer", object_id="5f0c2b1e-bbbb-4cde-9876-1234567890ab", result="ok",
                 detail={"case": "ZZ-150304-W01-2025-000001", "status": 422, "credentials": False, "说明": "材料"}),
            dict(id=9, at=T0 + timedelta(hours=9), user="王丽", workstation="W01", action="day.close",
                 object_type="day", object_id="W01/2025-06-02", result="ok",
                 detail={"case_count": 0, "snapshot_sha256": "ab" * 32, "amount": 2345.5}),
        ]  # fmt: skip
        rows += [
            dict(id=100 + i, at=T0 + timedelta(days=1, seconds=i), user="王丽", workstation="W01",
                 action="case.note", object_type="case", object_id=f"ZZ-150304-W01-2025-{i:06d}", result="ok",
                 detail={"chars": i % 50})
            for i in range(bulk)
        ]  # fmt: skip
        with old.write() as s:
            s.execute(insert(OLD_AUDIT), rows)
            s.execute(
                insert(OLD_CLOSES),
                [
                    dict(id=1, day=DAY - timedelta(days=1), workstation="W01", closed_at=T0, closed_by="王丽",
                         case_count=0, snapshot=empty_snapshot(DAY - timedelta(days=1)),
                         manifest=dict(CLOSED_MANIFEST)),
                    dict(id=2, day=DAY, workstation="W01", closed_at=T0 + timedelta(hours=9), closed_by="王丽",
                         case_count=0, snapshot=empty_snapshot(DAY), manifest=dict(CLOSED_MANIFEST)),
                ],
            )  # fmt: skip
            if old.dialect == "postgresql":  # ids given above: the sequences go on after them, as they would have
                for name in ("audit_log", "day_closes"):
                    s.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                    )
    finally:
        old.dispose()
    return [r["id"] for r in rows]


def check_upgraded(url: str, ids: list[int]) -> None:
    ctx = open_context(url)  # migrates to head
    try:
        assert migrate.current_revision(ctx.db) == migrate.head_revision()
        rows = assert_chained(ctx)
        assert [r.id for r in rows] == ids  # chained in id order, numbered 1..n
        with ctx.db.read() as s:
            first = s.execute(select(AuditRecord).where(AuditRecord.id == 3)).scalar_one()
            assert (first.seq, first.prev_hash, first.at, first.detail["department"]) == (1, audit.GENESIS, T0, "hrss")
            close = s.execute(select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.id == 9)).one()
            manifests = dict(s.execute(select(DayClose.day, DayClose.manifest)).all())
        # the closed day with its day.close record got that record's place in the chain; the other did not
        assert manifests[DAY] == {**CLOSED_MANIFEST, "audit_head": {"seq": close.seq, "hash": close.hash}}
        assert manifests[DAY - timedelta(days=1)] == CLOSED_MANIFEST
        report = audit.verify(ctx)
        assert report.intact and report.anchors == 1 and report.records == len(ids)
        # append-only from now on
        with pytest.raises(DBAPIError, match="append-only"), ctx.db.write() as s:
            s.execute(text("UPDATE audit_log SET result = 'x' WHERE id = 3"))
        with pytest.raises(DBAPIError, match="append-only"), ctx.db.write() as s:
            s.execute(text("DELETE FROM audit_log WHERE id = 3"))
        # new records continue the chain
        register_case(ctx, base_case(ctx.config))
        after = assert_chained(ctx)
        assert after[-1].seq == len(ids) + 1 and after[-1].prev_hash == rows[-1].hash
    finally:
        ctx.close()


def test_0007_chains_the_records_of_a_sqlite_database_at_0006(db_url, tmp_path):
    ids = at_0006_with_audit_rows(db_url, bulk=10_050)  # three batches of the migration
    db = Database(db_url)
    try:
        made = migrate.upgrade(db)
        assert made is not None and made.name.startswith("hall.sqlite3.pre-0006-")  # backed up first
        with db.engine.connect() as conn:
            triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        assert triggers >= {
            "audit_log_no_update",
            "audit_log_no_delete",
            "audit_chain_forward",
            "audit_chain_no_delete",
        }
        unique = {tuple(u["column_names"]) for u in inspect(db.engine).get_unique_constraints("audit_log")}
        assert ("seq",) in unique
        nullable = {c["name"]: c["nullable"] for c in inspect(db.engine).get_columns("audit_log")}
        assert (nullable["seq"], nullable["prev_hash"], nullable["hash"]) == (False, False, False)
    finally:
        db.dispose()
    check_upgraded(db_url, ids)


def test_0007_on_an_empty_database_starts_the_chain_at_genesis(ctx):
    assert audit.head(ctx) == (0, audit.GENESIS)
    assert audit.verify(ctx).intact and audit.verify(ctx).records == 0
    with ctx.db.read() as s:
        assert s.execute(text("SELECT count(*) FROM audit_chain")).scalar() == 1


def test_0007_downgrades_and_upgrades_again(db_url, tmp_path):
    ids = at_0006_with_audit_rows(db_url, bulk=20)
    db = Database(db_url)
    try:
        migrate.upgrade(db, backup=False)
        cfg = migrate._config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
        assert "seq" not in {c["name"] for c in inspect(db.engine).get_columns("audit_log")}
        assert "audit_chain" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() == []
            assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() == len(ids)
    finally:
        db.dispose()
    check_upgraded(db_url, ids)


def test_a_closed_day_from_before_the_chain_exports_with_the_head_of_its_close(db_url, tmp_path):
    at_0006_with_audit_rows(db_url, bulk=0)
    ctx = open_context(db_url)
    try:
        result = export_register(ctx, start=DAY, end=DAY, out_dir=tmp_path / "out")
        assert result.from_snapshot
        head = json.loads(result.manifest.read_text(encoding="utf-8"))["audit_head"]
        with ctx.db.read() as s:
            close = s.execute(select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.id == 9)).one()
        assert head == {"seq": close.seq, "hash": close.hash}
        assert audit.verify(ctx, manifests=[result.manifest]).intact
        # the day closed before the chain whose close left no record: no head to record
        older = export_register(ctx, start=DAY - timedelta(days=1), end=DAY - timedelta(days=1), out_dir=tmp_path / "o")
        assert json.loads(older.manifest.read_text(encoding="utf-8"))["audit_head"] is None
    finally:
        ctx.close()
