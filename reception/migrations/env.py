"""Alembic environment. Always run through ``reception.storage.migrate`` with a live connection."""

from __future__ import annotations

from alembic import context

from reception.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable when someone runs plain `alembic`
    raise SystemExit("run migrations with `reception init` (or reception.storage.migrate.upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
