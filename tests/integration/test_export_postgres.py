"""End-of-day export on PostgreSQL 15: the same register, summary and closed-day reproducibility as
on SQLite (JSON snapshot column, date comparisons, the repeat-visit and deadline queries)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from reception.context import open_context
from reception.demo import generate_cases
from reception.export import close_day, day_summary, export_register
from reception.intake import register_many

pytestmark = pytest.mark.postgres

DAY = date(2025, 3, 3)


@pytest.fixture
def pg(pg_url):
    c = open_context(pg_url)
    yield c
    c.close()


def test_export_close_and_reexport_on_postgres(pg, tmp_path):
    register_many(pg, generate_cases(pg.config, 12, seed=3, end=date(2025, 2, 10), days=1))
    register_many(pg, generate_cases(pg.config, 40, seed=4, end=DAY, days=1))
    live = export_register(pg, start=DAY, end=DAY, out_dir=tmp_path / "live")
    assert live.summary.total == 40 and live.summary.overdue > 0
    rows = list(csv.reader(io.StringIO(live.files["csv"].read_text(encoding="utf-8-sig"))))
    assert len(rows) == 41
    close_day(pg, DAY, user="王丽", now=datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    a = export_register(pg, start=DAY, end=DAY, out_dir=tmp_path / "a")
    register_many(pg, generate_cases(pg.config, 2, seed=5, end=DAY, days=1))
    b = export_register(pg, start=DAY, end=DAY, out_dir=tmp_path / "b")
    for kind in ("xlsx", "csv", "pdf"):
        assert a.files[kind].read_bytes() == b.files[kind].read_bytes()
    assert a.manifest.read_bytes() == b.manifest.read_bytes()
    assert b.warnings and day_summary(pg, DAY).closed
    assert a.summary.breakdowns == live.summary.breakdowns
