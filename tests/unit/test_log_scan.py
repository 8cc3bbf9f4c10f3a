"""The log scan finds full ID numbers and phones, not masked ones or other numbers."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from reception.idcard import synthesize_resident_id
from tests.log_scan import scan, scan_text


def test_full_numbers_are_found_masked_ones_are_not():
    # outside the run's temporary folder, which the end-of-run scan reads
    with tempfile.TemporaryDirectory() as folder:
        _planted_and_found(Path(folder))


def _planted_and_found(tmp_path: Path) -> None:
    real_id = synthesize_resident_id("150304", date(1980, 5, 17), 12)
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "desk.log").write_text(
        f"INFO saved case for 150304********{real_id[-4:]} (138****5678)\nERROR boom id={real_id}\n", encoding="utf-8"
    )
    (logs / "desk.log.1").write_text("WARNING caller 13812345678 in a message\n", encoding="utf-8")
    (logs / "notes.txt").write_text(real_id, encoding="utf-8")  # not a log file
    found = scan(tmp_path)
    assert [(f.path.name, f.line, f.kind) for f in found] == [("desk.log", 2, "id"), ("desk.log.1", 1, "phone")]
    assert real_id not in str(found[0]) and "13812345678" not in str(found[1])


def test_other_numbers_are_not_personal_data():
    assert scan_text("took 1732871234567 ns; pid 12345; case ZZ-150304-W01-2026-000123; 123456789012345678") == []
