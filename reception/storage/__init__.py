"""Storage: engine factory, ORM models, unit of work and migrations."""

from reception.storage.db import Database, open_database

__all__ = ["Database", "open_database"]
