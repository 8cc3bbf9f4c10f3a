"""Two OS processes writing audited changes at once leave one intact chain: numbered without gaps, each
record linked to the one before, the head on the last. SQLite file here; ``test_audit_postgres.py`` runs
the same writers against PostgreSQL (where the head row is taken with ``SELECT … FOR UPDATE``)."""

from __future__ import annotations

from pathlib import Path

from reception.context import open_context
from tests.released_workers import run_released
from tests.unit.test_audit import assert_chained

#: each worker registers a case and adds a note to it, ``count`` times: two write sites interleaved
WORKER = r"""
import json, sys, time
from pathlib import Path

from reception.context import open_context
from reception.intake import register_case
from reception.tracking import add_note
from tests.factories import base_case

url, barrier, name, count = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ctx = open_context(url)
try:
    (barrier / f"{name}.ready").touch()
    while not (barrier / "go").exists():
        time.sleep(0.002)
    numbers = []
    for i in range(count):
        doc = base_case(ctx.config, received_at="2025-06-02T09:30:00+08:00")
        no = register_case(ctx, doc, user=name).case_no
        add_note(ctx, no, f"{name} 第{i}次", user=name)
        numbers.append(no)
    print(json.dumps(numbers))
finally:
    ctx.close()
"""


def run_audited_writers(url: str, tmp_path: Path, *, processes: int = 2, count: int = 20) -> list[list[str]]:
    """Start ``processes`` writers, release them together, return each one's case numbers."""
    return run_released(WORKER, url, tmp_path, processes, str(count), what="writer")


def check_interleaved_chain(ctx, per_worker: list[list[str]]) -> None:
    rows = assert_chained(ctx)
    expected = sum(len(nos) for nos in per_worker) * 2
    assert len(rows) == expected
    # every case has its create and note record, the create first
    by_case: dict[str, list[str]] = {}
    for r in rows:
        by_case.setdefault(r.object_id, []).append(r.action)
    assert set(by_case) == {n for nos in per_worker for n in nos}
    assert all(actions == ["case.create", "case.note"] for actions in by_case.values())


def test_two_processes_writing_to_one_sqlite_file_leave_an_intact_chain(db_url, tmp_path):
    ctx = open_context(db_url)  # `reception init` first
    try:
        per_worker = run_audited_writers(db_url, tmp_path, processes=2, count=20)
        check_interleaved_chain(ctx, per_worker)
    finally:
        ctx.close()
