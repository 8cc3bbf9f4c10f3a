"""department queues: outbox leases and dead letters, transfer queue references, dispatch attempts

The dispatcher (``reception.dispatch``) claims an outbox entry with a lease (``lease_until``,
``claimed_by``), records ``delivered_at`` or a ``dead_reason``; a transfer keeps the department's
``queue_ref``, the last status read back (``remote_status``) and when to poll again (``next_poll_at``).
``dispatch_attempts`` holds one row per attempt (time, duration, outcome, HTTP status, error).
``transfers.reason`` already exists (revision 0001).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("dead_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue_ref", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("remote_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_transfers_department_next_poll_at", ["department", "next_poll_at"], unique=False)
    op.create_table(
        "dispatch_attempts",
        _id(),
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("transfer_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_dispatch_attempts_outbox_id_outbox", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"], ["transfers.id"], name="fk_dispatch_attempts_transfer_id_transfers", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_dispatch_attempts"),
    )
    op.create_index("ix_dispatch_attempts_transfer", "dispatch_attempts", ["transfer_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dispatch_attempts_transfer", table_name="dispatch_attempts")
    op.drop_table("dispatch_attempts")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_department_next_poll_at")
        batch_op.drop_column("next_poll_at")
        batch_op.drop_column("remote_status")
        batch_op.drop_column("queue_ref")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("dead_reason")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("lease_until")
