"""Case numbers under real concurrency: several OS processes writing to one SQLite file.

Every worker is a separate ``python -c`` process with its own :class:`~reception.context.Context`.
The workers wait at a barrier (a "go" file) after opening the database, so their intakes really
contend for the write lock. ``run_workers`` is shared with ``test_postgres.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from reception.context import open_context
from reception.intake import register_case, register_many
from reception.numbering import CASE_NO_RE
from reception.storage.models import AuditRecord, Case, OutboxEntry, Transfer
from tests.factories import base_case
from tests.released_workers import run_released

RECEIVED = "2025-06-02T09:30:00+08:00"  # fixed, so a year boundary can never split the serials

WORKER = r"""
import json, sys, time
from pathlib import Path

from reception.context import open_context
from reception.intake import register_case
from tests.factories import base_case

url, barrier, name, count, received = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
ctx = open_context(url)
try:
    (barrier / f"{name}.ready").touch()
    while not (barrier / "go").exists():
        time.sleep(0.002)
    numbers = []
    for i in range(count):
        doc = base_case(ctx.config, received_at=received, facts=f"{name}号进程第{i}件：包工头拖欠工资。")
        numbers.append(register_case(ctx, doc, user=name).case_no)
    print(json.dumps(numbers))
finally:
    ctx.close()
"""


def run_workers(url: str, tmp_path: Path, *, processes: int = 4, cases: int = 30) -> list[list[str]]:
    """Start ``processes`` workers, release them together, return each worker's case numbers."""
    return run_released(WORKER, url, tmp_path, processes, str(cases), RECEIVED)


def check_numbering(ctx, per_worker: list[list[str]], *, expected: int) -> None:
    """Unique, gap-free numbers; every case has its audit record and an outbox entry per transfer."""
    all_nos = [n for nos in per_worker for n in nos]
    assert len(all_nos) == expected
    assert len(set(all_nos)) == expected
    for nos in per_worker:  # each worker saw its own numbers increase
        serials = [int(CASE_NO_RE.match(n)["serial"]) for n in nos]
        assert serials == sorted(serials)
    with ctx.db.read() as s:
        rows = s.execute(select(Case.case_no, Case.serial, Case.workstation, Case.year)).all()
        assert len(rows) == expected
        assert sorted(r.case_no for r in rows) == sorted(all_nos)
        assert sorted(r.serial for r in rows) == list(range(1, expected + 1))
        assert {(r.workstation, r.year) for r in rows} == {(ctx.config.workstation.code, 2025)}
        assert s.execute(text("SELECT last FROM case_serials")).scalar_one() == expected
        n_transfers = s.scalar(select(func.count()).select_from(Transfer))
        assert n_transfers >= expected
        assert n_transfers == s.scalar(select(func.count()).select_from(OutboxEntry))
        audits = s.execute(select(AuditRecord.object_id).where(AuditRecord.action == "case.create")).scalars().all()
        assert sorted(audits) == sorted(all_nos)
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == expected


@pytest.mark.slow
def test_four_processes_on_one_sqlite_file_get_unique_gap_free_serials(db_url, tmp_path):
    ctx = open_context(db_url)  # `reception init`: the schema exists before the workstations start
    try:
        per_worker = run_workers(db_url, tmp_path, processes=4, cases=30)
        check_numbering(ctx, per_worker, expected=120)
    finally:
        ctx.close()


@pytest.mark.slow
def test_four_processes_opening_a_fresh_sqlite_file_together_all_succeed(db_url, tmp_path):
    """No `reception init` first: the workers race to create the schema, then to number cases."""
    per_worker = run_workers(db_url, tmp_path, processes=4, cases=5)
    ctx = open_context(db_url)
    try:
        check_numbering(ctx, per_worker, expected=20)
    finally:
        ctx.close()


def _hall_file(tmp_path: Path, code: str) -> Path:
    from reception.paths import resource_path

    src = resource_path("config", "example-hall.toml").read_text(encoding="utf-8")
    assert src.count('code = "W01"') == 1
    dest = tmp_path / f"hall-{code}.toml"
    dest.write_text(src.replace('code = "W01"', f'code = "{code}"'), encoding="utf-8")
    return dest


def test_workstations_with_their_own_databases_never_collide(tmp_path):
    numbers: dict[str, list[str]] = {}
    for code in ("W01", "W02"):
        url = "sqlite:///" + (tmp_path / f"{code}.sqlite3").as_posix()
        ctx = open_context(url, _hall_file(tmp_path, code))
        try:
            assert ctx.config.workstation.code == code
            numbers[code] = [register_case(ctx, base_case(ctx.config, received_at=RECEIVED)).case_no for _ in range(3)]
            numbers[code] += [r.case_no for r in register_many(ctx, [base_case(ctx.config, received_at=RECEIVED)] * 2)]
        finally:
            ctx.close()
    assert not set(numbers["W01"]) & set(numbers["W02"])
    for code, nos in numbers.items():
        parsed = [CASE_NO_RE.match(n) for n in nos]
        assert all(m and m["ws"] == code for m in parsed)
        assert [int(m["serial"]) for m in parsed] == [1, 2, 3, 4, 5]  # each workstation counts on its own


def test_a_serial_is_never_handed_out_twice(ctx, monkeypatch):
    """test_intake covers a failed single intake; here a list fails on its *second* case, after the
    first one's serial was taken in the same transaction."""
    import reception.intake as intake

    first = register_case(ctx, base_case(ctx.config, received_at=RECEIVED))
    real_index = intake.index_case
    calls = []

    def fail_second(session, case_id, document):
        calls.append(case_id)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        real_index(session, case_id, document)

    monkeypatch.setattr(intake, "index_case", fail_second)
    with pytest.raises(RuntimeError):
        register_many(ctx, [base_case(ctx.config, received_at=RECEIVED)] * 2)
    monkeypatch.undo()
    with ctx.db.read() as s:
        assert s.execute(select(Case.case_no)).scalars().all() == [first.case_no]
        assert s.execute(text("SELECT last FROM case_serials")).scalar_one() == 1
    again = [register_case(ctx, base_case(ctx.config, received_at=RECEIVED)).case_no for _ in range(2)]
    assert [n[-6:] for n in [first.case_no, *again]] == ["000001", "000002", "000003"]
