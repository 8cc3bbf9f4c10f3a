"""The core part of the smoke test (``reception.selfcheck``), run from the source tree on real files: a
real SQLite database in the test's data folder, a real receipt, a real export, real migrations."""

from __future__ import annotations

import sqlite3

import keyring
import pdfplumber
import pytest
from alembic import command

from reception.paths import data_dir, default_db_url
from reception.selfcheck import SMOKE_CLERK, SMOKE_USER, NotASmokeFolder, SmokeTest
from reception.storage import migrate
from reception.storage.db import Database
from reception.storage.migrate import head_revision


def run(folder=None) -> SmokeTest:
    smoke = SmokeTest(folder or data_dir())
    try:
        smoke.run_core()
    finally:
        smoke.close()
    return smoke


def db_file():
    return default_db_url().removeprefix("sqlite:///")


def cases_in_db() -> list[tuple[str, str]]:
    con = sqlite3.connect(db_file())
    try:
        return con.execute("SELECT case_no, clerk FROM cases ORDER BY id").fetchall()
    finally:
        con.close()


def test_a_fresh_data_folder_passes_every_check():
    previous = keyring.get_keyring()
    smoke = run()
    assert smoke.ok, smoke.report("en")
    assert [c.key for c in smoke.checks] == [
        "bundle",
        "folder",
        "database",
        "timezone",
        "keyring",
        "passwords",
        "postgres",
        "intake",
        "receipt",
        "export",
    ]
    database = smoke.checks[2]
    assert database.en == f"created {db_file()}, schema {head_revision()}"
    assert smoke.checks[0].en.startswith("source; ")  # not frozen
    # the case went through the core, registered by the smoke-test service
    assert cases_in_db() == [(smoke.case_no, SMOKE_CLERK)]
    con = sqlite3.connect(db_file())
    try:
        users = con.execute("SELECT \"user\" FROM audit_log WHERE action = 'case.create'").fetchall()
    finally:
        con.close()
    assert users == [(SMOKE_USER,)]
    # the receipt: the shipped font embedded, the case number printed, kept to look at
    assert smoke.receipt == data_dir() / "smoke-test" / f"receipt-{smoke.case_no}.pdf"
    with pdfplumber.open(smoke.receipt) as pdf:
        text = pdf.pages[0].extract_text()
        fonts = {ch["fontname"] for ch in pdf.pages[0].chars}
    assert smoke.case_no in text and "受理回执" in text.replace(" ", "")
    assert fonts and all("WenQuanYi" in f or "wqy" in f.lower() for f in fonts), fonts
    exported = data_dir() / "smoke-test" / f"export-{smoke.case_no}"
    assert {p.suffix for p in exported.iterdir()} == {".xlsx", ".csv", ".pdf", ".json"}
    # the workstation's keyring is back as it was, and the signing key never reached it
    assert keyring.get_keyring() is previous
    assert previous.store == {}
    assert smoke.report("zh").startswith("冒烟测试通过\n[通过] 程序文件：源代码；")


def test_running_again_keeps_the_database_and_its_cases():
    first = run()
    second = run()
    assert first.ok and second.ok, second.report("en")
    assert second.checks[1].en.endswith("(a smoke-test database with 1 smoke-test case(s))")
    assert second.checks[2].en == f"{db_file()} already at schema {head_revision()}, 1 case(s) kept"
    assert [no for no, _ in cases_in_db()] == [first.case_no, second.case_no]
    assert int(second.case_no.rsplit("-", 1)[1]) == int(first.case_no.rsplit("-", 1)[1]) + 1


def test_an_older_database_is_migrated_in_place_with_a_backup():
    """An upgrade: the database of an older version (its schema at 0006, before accounts and the audit chain)
    with a case in it is migrated, not replaced; the migration's backup copy lies beside it."""
    first = run()
    db = Database(default_db_url())
    try:
        cfg = migrate._config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
    finally:
        db.dispose()
    again = run()
    assert again.ok, again.report("en")
    detail = again.checks[2].en
    assert detail.startswith(f"{db_file()} migrated from schema 0006 to {head_revision()}, 1 case(s) kept")
    backups = list(data_dir().glob("reception.sqlite3.pre-0006-*.bak"))
    assert len(backups) == 1 and backups[0].name in detail
    assert [no for no, _ in cases_in_db()] == [first.case_no, again.case_no]
    # the backup is the database as it was before: the old case, schema 0006
    con = sqlite3.connect(backups[0])
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006",)
        assert con.execute("SELECT case_no FROM cases").fetchall() == [(first.case_no,)]
    finally:
        con.close()


def test_a_hall_database_is_refused_and_left_untouched():
    """A data folder whose database holds the hall's own cases is never written to."""
    from reception.context import open_context
    from reception.demo import generate_cases
    from reception.intake import register_case

    real = open_context(default_db_url())
    try:
        registered = register_case(real, generate_cases(real.config, 1, seed=3)[0], user="lixiaomei")
    finally:
        real.close()
    before = cases_in_db()
    smoke = run()
    assert not smoke.ok
    assert [(c.key, c.ok) for c in smoke.checks] == [("bundle", True), ("folder", False)]
    assert "1 case(s) the smoke test did not register" in smoke.checks[1].en
    assert "RECEPTION_DATA_DIR" in smoke.checks[1].zh
    assert smoke.report("en").startswith("smoke test FAILED\n")
    assert "[FAIL] data folder:" in smoke.report("en")
    assert cases_in_db() == before == [(registered.case_no, before[0][1])]
    with pytest.raises(NotASmokeFolder):
        SmokeTest(data_dir()).check_folder()


def test_the_report_is_written_beside_what_the_smoke_test_left():
    smoke = run()
    path = smoke.write_report("en")
    assert path == data_dir() / "smoke-test" / "report.txt"
    assert path.read_text(encoding="utf-8") == smoke.report("en")
    assert path.read_text(encoding="utf-8").count("[ok  ]") == len(smoke.checks)


def test_nothing_has_passed_before_the_first_check():
    assert not SmokeTest(data_dir()).ok
