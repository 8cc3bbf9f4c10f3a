"""Case numbers: ``<prefix>-<centre>-<workstation>-<year>-<serial>``, e.g. ``ZZ-150304-W01-2025-000123``.

The serial is per workstation and year, bumped inside the transaction that writes the case: a
rolled-back intake gives its serial back (no gaps), a committed one is never handed out again, and
concurrent writers serialise on the counter row (SQLite ``BEGIN IMMEDIATE``; PostgreSQL row lock of
the upsert). Each workstation has its own code, so workstations that keep their own local database
never collide and need no central counter.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

CASE_NO_RE = re.compile(
    r"^(?P<prefix>[A-Z]{1,6})-(?P<centre>\d{6})-(?P<ws>[A-Z0-9]{1,8})-(?P<year>\d{4})-(?P<serial>\d{6,})$"
)


def next_serial(session: Session, workstation: str, year: int) -> int:
    row = session.execute(
        text(
            "INSERT INTO case_serials (workstation, year, last) VALUES (:ws, :year, 1) "
            "ON CONFLICT (workstation, year) DO UPDATE SET last = case_serials.last + 1 "
            "RETURNING last"
        ),
        {"ws": workstation, "year": year},
    ).one()
    return int(row[0])


def format_case_no(prefix: str, centre: str, workstation: str, year: int, serial: int) -> str:
    return f"{prefix}-{centre}-{workstation}-{year:04d}-{serial:06d}"


def looks_like_case_no(value: str) -> bool:
    return bool(CASE_NO_RE.match(value.strip().upper()))
