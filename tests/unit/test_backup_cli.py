"""``reception backup`` and ``reception restore``: exit codes, messages in both languages, confirmation."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from reception import backup as bk
from reception.cli import main
from reception.demo import generate_cases
from reception.intake import register_many


@pytest.fixture(autouse=True)
def _signed_in(cli_as):
    """The command line signed in as a clerk (``RECEPTION_USER``/``RECEPTION_PASSWORD``)."""
    cli_as()


@pytest.fixture
def cases(ctx):
    register_many(ctx, generate_cases(ctx.config, 6, seed=2))
    ctx.close()


def count(db_url: str) -> int:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()


def test_backup_out(cli, cases, tmp_path):
    out = tmp_path / "copy.sqlite3"
    code, stdout, err = cli("backup", "--out", str(out))
    assert code == 0 and stdout.strip() == str(out)
    assert "已备份：6 件案件" in err and "SHA-256" in err and "copy.sqlite3.json" in err
    assert json.loads((tmp_path / "copy.sqlite3.json").read_text(encoding="utf-8"))["case_count"] == 6

    code, stdout, err = cli("--lang", "en", "backup", "--out", str(out))
    assert code == 2 and stdout == ""
    assert f'the file "{out}" exists' in err


def test_backup_needs_one_mode(cli, capsys):
    with pytest.raises(SystemExit) as info:
        main(["backup"])
    assert info.value.code == 2
    assert "one of the arguments --out --auto --list is required" in capsys.readouterr().err


def test_backup_auto_and_list(cli, cases):
    code, stdout, err = cli("backup", "--auto")
    assert code == 0
    made = Path(stdout.strip())
    assert made.parent == bk.default_backup_folder() and bk.parse_backup_name(made.name, bk.ZoneInfo("Asia/Shanghai"))
    code, stdout, err = cli("backup", "--auto")  # same day: nothing more
    assert code == 0 and stdout == "" and f"今天已有备份（{made.name}）" in err

    code, stdout, err = cli("backup", "--list")
    assert code == 0
    header, row = stdout.strip().splitlines()
    assert header.split("\t") == ["时间", "类型", "大小", "案件", "文件"]
    assert row.split("\t")[1:] == ["每日", f"{made.stat().st_size / 1e6:,.1f} MB", "6", str(made)]
    assert "共 1 份" in err
    code, stdout, _ = cli("--lang", "en", "backup", "--list", "--json")
    listed = json.loads(stdout)
    assert listed["folder"] == str(bk.default_backup_folder())
    assert [(b["kind"], b["case_count"], b["file"]) for b in listed["backups"]] == [("daily", 6, str(made))]


def test_restore_asks_and_can_be_declined(cli, cli_as, cases, tmp_path, monkeypatch):
    backup = tmp_path / "b.sqlite3"
    assert cli("backup", "--out", str(backup))[0] == 0
    cli_as("admin")
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, stdout, err = cli("restore", str(backup))
    assert code == 1
    assert stdout.splitlines()[0] == f"已检查备份文件 {backup}："
    assert "  ✓ 完整性检查（integrity_check）：通过" in stdout.splitlines()
    assert "  ✓ 案件 6 件" in stdout.splitlines()
    assert "继续吗？[y/N]" in err and "已取消，数据库未改变" in err
    assert not bk.default_backup_folder().exists()


def test_restore_yes(cli, cli_as, cases, db_url, tmp_path, monkeypatch):
    backup = tmp_path / "b.sqlite3"
    assert cli("backup", "--out", str(backup))[0] == 0
    from reception.context import open_context

    ctx = open_context(db_url)
    register_many(ctx, generate_cases(ctx.config, 3, seed=8))
    ctx.close()
    assert count(db_url) == 9

    monkeypatch.setattr("sys.stdin", io.StringIO("是\n"))
    cli_as("admin")  # database.restore
    code, stdout, err = cli("restore", str(backup))
    assert code == 0, err
    lines = stdout.splitlines()
    assert lines[-2].startswith(f"已恢复：{db_url.removeprefix('sqlite:///')}（6 件案件，结构版本 ")
    safety = Path(lines[-1].split("：", 1)[1])
    assert safety.parent == bk.default_backup_folder() and safety.name.endswith("-pre-restore.sqlite3")
    assert count(db_url) == 6 and count("sqlite:///" + safety.as_posix()) == 9

    ctx = open_context(db_url)
    try:
        from reception import audit

        restored = audit.records(ctx, action="database.restore")
        assert [(r.user, r.object_id, r.detail["safety_backup"]) for r in restored] == [
            ("admin", "b.sqlite3", safety.name)
        ]
    finally:
        ctx.close()


def test_restore_refusals_and_exit_codes(cli, cases, db_url, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("这不是数据库", encoding="utf-8")
    code, stdout, err = cli("restore", str(junk), "--yes")
    assert code == 2 and stdout == ""
    assert f"“{junk}”不是 SQLite 数据库文件" in err
    code, _, err = cli("--lang", "en", "restore", str(tmp_path / "missing.sqlite3"), "--yes")
    assert code == 1 and "does not exist" in err
    assert count(db_url) == 6 and not bk.default_backup_folder().exists()


def test_restore_refused_while_the_database_is_open(cli, cli_as, cases, db_url, tmp_path):
    backup = tmp_path / "b.sqlite3"
    assert cli("backup", "--out", str(backup))[0] == 0
    cli_as("admin")
    from reception.context import open_context

    ctx = open_context(db_url)  # a desk in this very process
    try:
        code, stdout, err = cli("--lang", "en", "restore", str(backup), "--yes")
    finally:
        ctx.close()
    assert code == 1
    assert "checked the backup file" in stdout and "is open in another program" in err


def test_restore_is_for_those_allowed_and_asks_them_only(cli, cases, db_url, tmp_path, monkeypatch):
    """A clerk may back up but not restore: refused (exit 3) after the check, before the question."""
    backup = tmp_path / "b.sqlite3"
    assert cli("backup", "--out", str(backup))[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, stdout, err = cli("restore", str(backup))
    assert code == 3 and err.strip() == "窗口受理员无权从备份恢复数据库"
    assert "已检查备份文件" in stdout and "继续吗" not in err
    assert not bk.default_backup_folder().exists()


def test_restore_over_a_broken_database_signs_in_against_the_backup(cli, cli_as, cases, db_url, tmp_path):
    """The current database cannot be opened (the case a restore is for): the administrator signs in
    with the accounts the backup holds."""
    backup = tmp_path / "b.sqlite3"
    assert cli("backup", "--out", str(backup))[0] == 0
    cli_as("admin")
    db = Path(db_url.removeprefix("sqlite:///"))
    for extra in db.parent.glob(db.name + "-*"):
        extra.unlink()
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a header, then garbage
    code, _, err = cli("restore", str(backup), "--yes")
    assert code == 0, err
    assert count(db_url) == 6
    from reception import audit
    from reception.context import open_context

    ctx = open_context(db_url)
    try:
        assert [r.user for r in audit.records(ctx, action="database.restore")] == ["admin"]
    finally:
        ctx.close()

    monkeypatch = pytest.MonkeyPatch()
    try:
        monkeypatch.setenv("RECEPTION_PASSWORD", "wrong-password")
        db.write_bytes(b"junk")
        code, _, err = cli("restore", str(backup), "--yes")
        assert code == 3 and "用户名或密码错误" in err
        assert db.read_bytes() == b"junk"  # nothing replaced
    finally:
        monkeypatch.undo()
