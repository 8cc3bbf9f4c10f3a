"""audit trail: an index on (action, seq), for the latest record of one kind and ``audit list --action``

The desk asks at each start for this workstation's latest ``config.changed`` record
(``reception.config_audit``); without the index that reads the whole trail backwards.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_action_seq", "audit_log", ["action", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_seq", table_name="audit_log")
