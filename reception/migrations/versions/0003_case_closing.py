"""closing a case: closed_at, outcome, satisfaction

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("satisfaction", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("satisfaction")
        batch_op.drop_column("outcome")
        batch_op.drop_column("closed_at")
