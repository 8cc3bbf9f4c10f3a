"""Backup of a live database while another process keeps registering cases, and restore round trips.

The writer is a real process (``register_case`` in a loop on the same SQLite file); the backups are taken
with the online backup API at the same time and must each be one consistent snapshot: integrity ok, every
case with its parties, deadlines, transfers, outbox entries, timeline and audit record, the serials
gap-free, the audit chain intact. A restore is refused while the writer has the database open, and goes
through once it has stopped: the cases written after the backup are gone from the database and kept in
the safety copy. PostgreSQL: backups are the server's job (exit 2)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reception import backup as bk
from reception.cli import main
from reception.context import open_context
from reception.demo import generate_cases
from reception.intake import register_many

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reception.context import open_context
    from reception.demo import generate_cases
    from reception.intake import register_case
    ctx = open_context(sys.argv[1])
    stop = Path(sys.argv[2])
    docs = generate_cases(ctx.config, 40, seed=21)
    n = 0
    while not stop.exists():
        register_case(ctx, docs[n % len(docs)], user="writer")
        n += 1
        if n == 5:
            print("writing", flush=True)
    ctx.close()
    print(n, flush=True)
    """
)


def cases_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()


def assert_consistent_snapshot(path: Path, work: Path) -> int:
    """Everything a case is written with is in the copy with it; returns the number of cases."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        n = conn.execute("SELECT count(*) FROM cases").fetchone()[0]

        def missing(sql: str) -> list:
            return conn.execute(sql).fetchall()

        assert (
            missing("SELECT case_no FROM cases c WHERE NOT EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id)")
            == []
        )
        assert (
            missing(
                "SELECT case_no FROM cases c WHERE NOT EXISTS "
                "(SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'received')"
            )
            == []
        )
        assert (
            missing(
                "SELECT case_no FROM cases c WHERE c.status = 'routed' AND NOT EXISTS "
                "(SELECT 1 FROM transfers t WHERE t.case_id = c.id AND t.role = 'lead' AND t.department = c.department)"
            )
            == []
        )
        assert (
            missing("SELECT t.id FROM transfers t WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.transfer_id = t.id)")
            == []
        )
        assert (
            missing(
                "SELECT case_no FROM cases c WHERE NOT EXISTS "
                "(SELECT 1 FROM audit_log a WHERE a.action = 'case.create' AND a.object_id = c.case_no)"
            )
            == []
        )
        assert (
            missing(
                "SELECT a.object_id FROM audit_log a WHERE a.action = 'case.create' AND NOT EXISTS "
                "(SELECT 1 FROM cases c WHERE c.case_no = a.object_id)"
            )
            == []
        )
        # serials: gap-free per workstation and year, and the counter where the cases end
        for ws, year, last in conn.execute("SELECT workstation, year, last FROM case_serials"):
            serials = [
                r[0]
                for r in conn.execute(
                    "SELECT serial FROM cases WHERE workstation = ? AND year = ? ORDER BY serial", (ws, year)
                )
            ]
            assert serials == list(range(1, last + 1))
    finally:
        conn.close()
    # the audit chain of the copy is intact (opened on a copy of the copy: opening switches it to WAL)
    probe = work / f"probe-{path.name}"
    shutil.copyfile(path, probe)
    from reception import audit

    ctx = open_context("sqlite:///" + probe.as_posix())
    try:
        report = audit.verify(ctx)
        assert report.intact, [p.as_dict() for p in report.problems]
        assert report.records >= n
    finally:
        ctx.close()
    return n


def test_backup_and_restore_while_another_process_writes_cases(ctx, db_url, tmp_path, monkeypatch, cli_as):
    db = Path(db_url.removeprefix("sqlite:///"))
    cli_as()  # the command-line backup below is a clerk's (RECEPTION_USER / RECEPTION_PASSWORD)
    for seed in (1, 2, 3):
        register_many(ctx, generate_cases(ctx.config, 50, seed=seed))
    # small steps with a pause between them: the writer gets in between steps, so SQLite restarts the copy
    monkeypatch.setattr(bk, "STEP_PAGES", 8)
    monkeypatch.setattr(bk, "STEP_SLEEP_S", 0.01)

    stop = tmp_path / "stop"
    infos = []
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, str(stop)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    ) as writer:
        try:
            assert writer.stdout.readline().strip() == "writing"
            for i in range(3):
                infos.append(bk.backup(ctx, tmp_path / f"live-{i}.sqlite3", user="test"))
                time.sleep(0.2)
            # a command-line backup in a third process, at the same time
            r = subprocess.run(
                [sys.executable, "-m", "reception", "--db", db_url, "backup", "--out", str(tmp_path / "cli.sqlite3")],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=120,
            )
            assert r.returncode == 0, r.stderr
            assert r.stdout.strip() == str(tmp_path / "cli.sqlite3") and "SHA-256" in r.stderr

            # restore while the writer has the database open: refused, nothing changed
            ctx.close()
            before = sorted(p.name for p in db.parent.iterdir() if not p.name.endswith(("-wal", "-shm")))
            with pytest.raises(bk.DatabaseInUse):
                bk.restore(db_url, infos[0].path, folder=tmp_path / "backups")
            assert not (tmp_path / "backups").exists()
            assert sorted(p.name for p in db.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))) == before
        finally:
            stop.touch()
            written = int(writer.stdout.readline().strip())
            writer.wait(timeout=60)
    assert writer.returncode == 0

    counts = [assert_consistent_snapshot(i.path, tmp_path) for i in infos]
    counts.append(assert_consistent_snapshot(tmp_path / "cli.sqlite3", tmp_path))
    assert counts[0] >= 150 and counts == sorted(counts) and counts[-1] > counts[0]  # the writer went on
    assert [i.case_count for i in infos] == counts[:3]
    assert any(i.restarts for i in infos)  # writes landed between steps: the copy began again
    total = cases_in(db)
    assert total == 150 + written

    # the writer has stopped: restore the first backup
    info = bk.restore(db_url, infos[0].path, folder=tmp_path / "backups")
    assert cases_in(db) == counts[0] < total
    assert cases_in(info.safety_backup) == total  # what was written after the backup is kept there
    assert_consistent_snapshot(info.safety_backup, tmp_path)
    assert_consistent_snapshot(db, tmp_path)


@pytest.mark.postgres
def test_postgres_backups_are_the_servers_job(pg_url, tmp_path, capsys):
    ctx = open_context(pg_url)
    try:
        with pytest.raises(bk.BackupUnsupported) as info:
            bk.backup(ctx, tmp_path / "pg.sqlite3")
        assert "pg_dump" in info.value.message("zh") and "pg_dump" in info.value.message("en")
        assert not bk.backup_due(ctx, datetime.now(UTC))
        assert bk.run_daily(ctx) is None
    finally:
        ctx.close()
    assert main(["--db", pg_url, "backup", "--out", str(tmp_path / "pg.sqlite3")]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert main(["--db", pg_url, "--lang", "en", "backup", "--auto"]) == 2
    assert "database server's job" in capsys.readouterr().err
    (tmp_path / "x.sqlite3").write_bytes(b"")
    assert main(["--db", pg_url, "restore", str(tmp_path / "x.sqlite3"), "--yes"]) == 2
    assert "pg_restore" in capsys.readouterr().err
    assert not (tmp_path / "pg.sqlite3").exists()
