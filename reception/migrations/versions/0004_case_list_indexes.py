"""case list: one covering index per sort order of the list (案件查询)

Each index starts with the column the list sorts by (for window, status, risk and department then the
received date, time and ``id``: newest first inside each value), then every column the list filters on
(received date, window, status, risk, department), so that any combination of filters in any sort order
is answered by walking one index, reading the table only for the rows shown.
``ix_cases_department`` is dropped: ``ix_cases_list_department`` starts with the same column.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES: dict[str, list[str]] = {
    "ix_cases_list_received": ["received_date", "received_utc", "id", "window", "status", "risk_level", "department"],
    "ix_cases_list_case_no": ["case_no", "id", "received_date", "window", "status", "risk_level", "department"],
    "ix_cases_list_applicant": [
        "applicant_name",
        "id",
        "received_date",
        "window",
        "status",
        "risk_level",
        "department",
    ],
    # enumerations: newest first inside each value, and a date range is a range inside each value
    "ix_cases_list_window": ["window", "received_date", "received_utc", "id", "status", "risk_level", "department"],
    "ix_cases_list_status": ["status", "received_date", "received_utc", "id", "window", "risk_level", "department"],
    "ix_cases_list_risk": ["risk_level", "received_date", "received_utc", "id", "window", "status", "department"],
    "ix_cases_list_department": [
        "department",
        "received_date",
        "received_utc",
        "id",
        "window",
        "status",
        "risk_level",
    ],
}


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): SQLite builds an index in place; batch mode could copy the table.
    for name, columns in INDEXES.items():
        op.create_index(name, "cases", columns, unique=False)
    op.drop_index("ix_cases_department", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_department", "cases", ["department"], unique=False)
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="cases")
