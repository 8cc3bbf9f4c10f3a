"""dispatch attempts: the department each attempt went to, indexed for "each department's last attempt"

``dispatch_attempts.department`` (nullable, as ``outbox.department``) is filled here for the rows that
exist: the outbox entry's department, or, for a row without an entry, its transfer's. The index on
(``department``, ``id``) makes a department's last attempt one index seek (the status bar and the
queues page read it every few seconds). Rows written later without a department (by a dispatcher that
does not fill it yet) are read through their transfer (``reception.dispatch.history``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE dispatch_attempts
SET department = COALESCE(
    (SELECT outbox.department FROM outbox WHERE outbox.id = dispatch_attempts.outbox_id),
    (SELECT transfers.department FROM transfers WHERE transfers.id = dispatch_attempts.transfer_id)
)
WHERE department IS NULL
"""


def upgrade() -> None:
    # ADD COLUMN in place (SQLite and PostgreSQL both can): no copy of a large attempts table
    op.add_column("dispatch_attempts", sa.Column("department", sa.String(length=40), nullable=True))
    op.execute(BACKFILL)
    op.create_index("ix_dispatch_attempts_department", "dispatch_attempts", ["department", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dispatch_attempts_department", table_name="dispatch_attempts")
    with op.batch_alter_table("dispatch_attempts", schema=None) as batch_op:
        batch_op.drop_column("department")
