"""audit trail: append-only and hash-chained; the chain head; day closes record the head

``audit_log`` gains ``seq`` (1, 2, 3 … without gaps, unique), ``prev_hash`` and ``hash`` (hex SHA-256 of the
previous record's hash and this record's content, in the form ``reception.audit`` documents). The rows that
exist are chained here in ``id`` order, in batches. ``audit_chain`` holds the head (last ``seq``, last
``hash``, ``updated_at``) in one row; from now on records are written only through
``reception.audit.append``, which moves the head in the same transaction.

The database keeps the table append-only: on SQLite ``BEFORE UPDATE`` / ``BEFORE DELETE`` triggers that
``RAISE(ABORT, 'audit_log is append-only')``; on PostgreSQL trigger functions that raise, also on
``TRUNCATE`` (which skips row triggers). The head may only move forward: lowering its ``seq``, changing the
hash of the same ``seq`` or deleting it is refused the same way.

Each closed day (``day_closes.manifest``) gets ``audit_head``: the ``seq`` and ``hash`` of its ``day.close``
record, which is what ``close_day`` stores from now on; ``reception audit verify`` checks that each stored
head is still in the chain.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from reception.audit import GENESIS, record_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5000

_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.BigInteger()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user", sa.String()),
    sa.column("workstation", sa.String()),
    sa.column("action", sa.String()),
    sa.column("object_type", sa.String()),
    sa.column("object_id", sa.String()),
    sa.column("result", sa.String()),
    sa.column("detail", sa.JSON()),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_CLOSES = sa.table(
    "day_closes",
    sa.column("id", sa.BigInteger()),
    sa.column("day", sa.Date()),
    sa.column("workstation", sa.String()),
    sa.column("manifest", sa.JSON()),
)

SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_chain_forward BEFORE UPDATE ON audit_chain
    WHEN NEW.id <> OLD.id OR NEW.seq < OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)
    BEGIN SELECT RAISE(ABORT, 'audit_chain only moves forward'); END""",
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
    BEGIN SELECT RAISE(ABORT, 'audit_chain only moves forward'); END""",
)
SQLITE_DROP = ("audit_log_no_update", "audit_log_no_delete", "audit_chain_forward", "audit_chain_no_delete")

POSTGRES_TRIGGERS = (
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
    END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE FUNCTION audit_chain_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.id = OLD.id
           AND (NEW.seq > OLD.seq OR (NEW.seq = OLD.seq AND NEW.hash = OLD.hash)) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_chain only moves forward';
    END $$""",
    """CREATE TRIGGER audit_chain_forward BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_forward()""",
    """CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_forward()""",
)
POSTGRES_DROP = (
    "DROP TRIGGER IF EXISTS audit_chain_no_truncate ON audit_chain",
    "DROP TRIGGER IF EXISTS audit_chain_forward ON audit_chain",
    "DROP FUNCTION IF EXISTS audit_chain_forward()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
)


def _chain_existing(conn) -> tuple[int, str]:
    """Number and hash the rows that exist, in ``id`` order, a batch at a time. Returns the head."""
    seq, prev, last_id = 0, GENESIS, None
    a = _AUDIT.c
    update = (
        sa.update(_AUDIT)
        .where(a.id == sa.bindparam("b_id"))
        .values(seq=sa.bindparam("b_seq"), prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash"))
    )
    while True:
        stmt = sa.select(
            a.id, a.at, a.user, a.workstation, a.action, a.object_type, a.object_id, a.result, a.detail
        ).order_by(a.id)
        if last_id is not None:
            stmt = stmt.where(a.id > last_id)
        rows = conn.execute(stmt.limit(BATCH)).all()
        if not rows:
            return seq, prev
        params = []
        for r in rows:
            seq += 1
            h = record_hash(
                prev,
                seq=seq,
                at=r.at,
                user=r.user,
                workstation=r.workstation,
                action=r.action,
                object_type=r.object_type,
                object_id=r.object_id,
                result=r.result,
                detail=r.detail,
            )
            params.append({"b_id": r.id, "b_seq": seq, "b_prev": prev, "b_hash": h})
            prev = h
        conn.execute(update, params)
        last_id = rows[-1].id


def _anchor_day_closes(conn) -> None:
    """Each closed day's ``audit_head``: its ``day.close`` record's place in the chain."""
    a, d = _AUDIT.c, _CLOSES.c
    for close_id, day, ws, manifest in conn.execute(sa.select(d.id, d.day, d.workstation, d.manifest)).all():
        if not isinstance(manifest, dict) or "audit_head" in manifest:
            continue
        found = conn.execute(
            sa.select(a.seq, a.hash)
            .where(a.action == "day.close", a.object_id == f"{ws}/{day.isoformat()}")
            .order_by(a.seq)
            .limit(1)
        ).first()
        if found is None:
            continue
        manifest = {**manifest, "audit_head": {"seq": found.seq, "hash": found.hash}}
        conn.execute(sa.update(_CLOSES).where(d.id == close_id).values(manifest=manifest))


def upgrade() -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    # nullable first (ADD COLUMN in place), filled below, then NOT NULL and unique
    op.add_column("audit_log", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    seq, head = _chain_existing(conn)
    conn.execute(
        sa.text("INSERT INTO audit_chain (id, seq, hash, updated_at) VALUES (1, :seq, :hash, CURRENT_TIMESTAMP)"),
        {"seq": seq, "hash": head},
    )
    _anchor_day_closes(conn)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])
    for ddl in POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(ddl)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for ddl in POSTGRES_DROP:
            op.execute(ddl)
    else:
        for name in SQLITE_DROP:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
