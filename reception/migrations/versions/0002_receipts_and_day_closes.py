"""receipt prints and closed days

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_prints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("layout", sa.String(length=12), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=50), nullable=True),
        sa.Column("workstation", sa.String(length=8), nullable=True),
        sa.Column("reprint", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_receipt_prints_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_prints")),
    )
    with op.batch_alter_table("receipt_prints", schema=None) as batch_op:
        batch_op.create_index("ix_receipt_prints_case", ["case_id"], unique=False)
    op.create_table(
        "day_closes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workstation", sa.String(length=8), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(length=50), nullable=True),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("first_case_no", sa.String(length=48), nullable=True),
        sa.Column("last_case_no", sa.String(length=48), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_closes")),
        sa.UniqueConstraint("day", "workstation", name=op.f("uq_day_closes_day_workstation")),
    )


def downgrade() -> None:
    op.drop_table("day_closes")
    with op.batch_alter_table("receipt_prints", schema=None) as batch_op:
        batch_op.drop_index("ix_receipt_prints_case")
    op.drop_table("receipt_prints")
