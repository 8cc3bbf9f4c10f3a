"""``reception-desk --smoke-test`` from the source tree, as a real process (the bundle's own run is in
tests/integration/test_installer_build.py): its folders, its report, its exit codes, and that it never
writes to a hall's database."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path


def smoke(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m ui --smoke-test ARGS`` with only the variables given (plus the system's)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RECEPTION_", "PYTEST", "QT_QPA"))}
    base["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "ui", "--smoke-test", *args],
        cwd=tmp_path,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def test_smoke_test_in_a_given_data_folder(tmp_path):
    data = tmp_path / "data"
    proc = smoke(tmp_path, "--lang", "en", env={"RECEPTION_DATA_DIR": str(data)})
    assert proc.returncode == 0, proc.stderr
    report = (data / "smoke-test" / "report.txt").read_text(encoding="utf-8")
    assert report.startswith("smoke test passed\n")
    assert report in proc.stderr
    titles = re.findall(r"^\[ok  \] ([^:]+):", report, re.MULTILINE)
    assert titles == [
        "program files",
        "data folder",
        "database",
        "time zone data",
        "system keyring",
        "password hashing",
        "PostgreSQL driver",
        "intake",
        "receipt",
        "day export",
        "translations",
        "Qt platform plugin",
        "PDF view and print",
        "desk window",
        "program modules",
    ]
    assert "running offscreen" in report  # offscreen unless QT_QPA_PLATFORM says otherwise
    out = data / "smoke-test"
    for name in ("window.png", "about.png", "printed.pdf"):
        assert (out / name).stat().st_size > 1000
    assert len(list(out.glob("receipt-ZZ-*.pdf"))) == 1
    # its config and log folders are inside the data folder: nothing of the user's is touched
    assert (data / "config" / "desk-state.ini").is_file()
    log = (data / "logs" / "desk.log").read_text(encoding="utf-8")
    assert "smoke test passed" in log
    assert not (tmp_path / "tmp").exists() or not any((tmp_path / "tmp").iterdir())


def test_without_a_data_folder_a_temporary_one_is_used_and_removed(tmp_path):
    proc = smoke(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("冒烟测试通过\n[通过] 程序文件：源代码；")
    report = re.search(r"报告：(\S+report\.txt)", proc.stderr).group(1)
    assert Path(report).is_relative_to(tmp_path / "tmp")
    assert not any((tmp_path / "tmp").iterdir())  # removed after a run that passed


def test_the_hall_database_is_never_used(tmp_path):
    """Neither ``--db`` nor ``RECEPTION_DB`` leads the smoke test to the hall's database."""
    refused = smoke(tmp_path, "--db", str(tmp_path / "hall.sqlite3"))
    assert refused.returncode == 2
    assert "--smoke-test uses a data folder of its own" in refused.stderr
    hall = tmp_path / "hall.sqlite3"
    data = tmp_path / "data"
    proc = smoke(tmp_path, env={"RECEPTION_DB": "sqlite:///" + hall.as_posix(), "RECEPTION_DATA_DIR": str(data)})
    assert proc.returncode == 0, proc.stderr
    assert not hall.exists()
    assert (data / "reception.sqlite3").is_file()


def test_a_data_folder_with_the_halls_cases_is_refused(tmp_path):
    data = tmp_path / "hall-data"
    env = {"RECEPTION_DATA_DIR": str(data)}
    # the hall's database, with a case a clerk registered
    from reception.context import open_context
    from reception.demo import generate_cases
    from reception.intake import register_case

    data.mkdir()
    ctx = open_context("sqlite:///" + (data / "reception.sqlite3").as_posix())
    try:
        register_case(ctx, generate_cases(ctx.config, 1, seed=5)[0], user="lixiaomei")
    finally:
        ctx.close()
    database = data / "reception.sqlite3"
    before = database.read_bytes()
    proc = smoke(tmp_path, "--lang", "en", env=env)
    assert proc.returncode == 1
    assert "smoke test FAILED\n[ok  ] program files:" in proc.stderr
    assert "[FAIL] data folder: the database" in proc.stderr
    assert "holds 1 case(s) the smoke test did not register" in proc.stderr
    assert "desk window" not in proc.stderr  # the first failure ends the run
    assert database.read_bytes() == before
    con = sqlite3.connect(database)
    try:
        assert con.execute("SELECT COUNT(*) FROM cases").fetchone() == (1,)
    finally:
        con.close()
