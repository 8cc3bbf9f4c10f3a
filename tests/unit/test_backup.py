"""Backups and restore on real SQLite files: the copy, its manifest, the checks that refuse a bad backup
(and leave everything as it was), the lock that refuses a restore while another process has the database
open, the rotation of the backup folder (real files, ``now`` passed in) and the ``[backup]`` settings."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from reception import backup as bk
from reception.config import BackupSettings, example_path, load_config
from reception.context import open_context
from reception.demo import generate_cases
from reception.errors import ConfigError, NotFound
from reception.intake import register_many
from reception.storage.db import schema_head

ROOT = Path(__file__).resolve().parents[2]
CST = ZoneInfo("Asia/Shanghai")


def db_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def count_cases(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()


def case_numbers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT case_no FROM cases")}
    finally:
        conn.close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def add_cases(ctx, n: int, seed: int) -> list[str]:
    return [r.case_no for r in register_many(ctx, generate_cases(ctx.config, n, seed=seed))]


@pytest.fixture
def filled(ctx):
    add_cases(ctx, 12, seed=3)
    return ctx


# -- backup ---------------------------------------------------------------------------------------


def test_backup_is_a_checked_copy_with_its_manifest(filled, tmp_path):
    from reception import audit

    before = audit.head(filled)
    out = tmp_path / "saved" / "hall-backup.sqlite3"
    info = bk.backup(filled, out, user="王芳")

    assert out.is_file() and info.path == out
    assert listing(out.parent) == ["hall-backup.sqlite3", "hall-backup.sqlite3.json"]  # no temporary file left
    head = out.read_bytes()[:100]
    assert head.startswith(bk.SQLITE_MAGIC) and head[18:20] == b"\x01\x01"  # rollback journal: one file
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == schema_head()
    conn.close()
    assert info.case_count == count_cases(out) == 12

    manifest = json.loads(info.manifest.read_text(encoding="utf-8"))
    assert manifest["sha256"] == sha(out) == info.sha256
    assert manifest["size"] == out.stat().st_size
    assert manifest["case_count"] == 12 and manifest["schema_revision"] == schema_head()
    assert manifest["source"] == str(db_file(filled.db.url))
    assert manifest["audit_chain_head"] == {"seq": before[0], "hash": before[1]}
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    from reception import __version__

    assert manifest["app_version"] == __version__

    # the backup is itself in the audit trail of the live database, after the head the copy holds
    rows = audit.records(filled, action="backup.create")
    assert [(r.user, r.object_id) for r in rows] == [("王芳", "hall-backup.sqlite3")]
    assert audit.head(filled)[0] == before[0] + 1


def test_backup_never_overwrites(filled, tmp_path):
    out = tmp_path / "b.sqlite3"
    out.write_text("a file that is not ours", encoding="utf-8")
    with pytest.raises(bk.BackupRefused) as info:
        bk.backup(filled, out)
    assert "已存在" in info.value.message("zh") and str(out) in info.value.message("en")
    assert out.read_text(encoding="utf-8") == "a file that is not ours"
    assert listing(tmp_path).count("b.sqlite3.json") == 0


def test_backup_of_a_missing_database_file_is_named(tmp_path):
    with pytest.raises(NotFound) as info:
        bk.backup_database(tmp_path / "gone.sqlite3", tmp_path / "out.sqlite3")
    assert "gone.sqlite3" in info.value.message("zh")
    assert not (tmp_path / "out.sqlite3").exists()


def test_sqlite_path():
    assert bk.sqlite_path("sqlite:////srv/hall/reception.sqlite3") == Path("/srv/hall/reception.sqlite3")
    assert bk.sqlite_path("postgresql+psycopg://desk@db.example/hall") is None
    with pytest.raises(bk.BackupUnsupported):
        bk.sqlite_path("sqlite:///:memory:")


# -- restore ---------------------------------------------------------------------------------------


def test_restore_round_trip_keeps_a_safety_copy(filled, db_url, tmp_path):
    early = bk.backup(filled, tmp_path / "early.sqlite3")
    kept = case_numbers(early.path)
    later = set(add_cases(filled, 5, seed=4))
    filled.close()

    folder = tmp_path / "backups"
    now = datetime(2025, 3, 3, 9, 30, tzinfo=CST)
    info = bk.restore(db_url, early.path, now=now, folder=folder)

    db = db_file(db_url)
    assert case_numbers(db) == kept and not (later & case_numbers(db))
    assert info.safety_backup == folder / "reception-20250303-093000-pre-restore.sqlite3"
    assert case_numbers(info.safety_backup) == kept | later  # the cases written after the backup are there
    safety_manifest = json.loads(bk.manifest_path(info.safety_backup).read_text(encoding="utf-8"))
    assert safety_manifest["sha256"] == sha(info.safety_backup) and safety_manifest["case_count"] == 17
    assert (info.revision_restored, info.revision_now, info.case_count) == (schema_head(), schema_head(), 12)
    assert [line.en for line in info.checks][2:4] == ["integrity check: ok", bk.MESSAGES["backup.check.tables"][1]]
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) == []  # no temporary file

    # the restored database is a working one: the desk opens it, writes to it, records the restore
    ctx = open_context(db_url)
    try:
        bk.record_restore(ctx, info, "王芳")
        from reception import audit

        assert [r.object_id for r in audit.records(ctx, action="database.restore")] == ["early.sqlite3"]
        assert audit.verify(ctx).intact
        add_cases(ctx, 1, seed=5)
        with ctx.db.read() as s:
            assert s.execute(text("SELECT count(*) FROM cases")).scalar() == 13
    finally:
        ctx.close()


CRASHING_WRITER = textwrap.dedent(
    """
    import os, sys
    from reception.context import open_context
    from reception.demo import generate_cases
    from reception.intake import register_many
    ctx = open_context(sys.argv[1])
    nos = [r.case_no for r in register_many(ctx, generate_cases(ctx.config, 4, seed=11))]
    print(",".join(nos), flush=True)
    os._exit(0)  # killed: nobody closes the database, so its WAL (under 1000 pages) is never checkpointed
    """
)


def test_restore_never_mixes_the_old_wal_into_the_restored_file(filled, db_url, tmp_path):
    early = bk.backup(filled, tmp_path / "early.sqlite3")
    kept = case_numbers(early.path)
    filled.close()
    r = subprocess.run(
        [sys.executable, "-c", CRASHING_WRITER, db_url], capture_output=True, text=True, cwd=ROOT, check=True
    )
    in_wal = set(r.stdout.strip().split(","))
    db = db_file(db_url)
    wal = db.with_name(db.name + "-wal")
    assert len(in_wal) == 4 and wal.is_file() and wal.stat().st_size > 0  # the old database's WAL, not merged

    info = bk.restore(db_url, early.path, folder=tmp_path / "backups")
    assert case_numbers(db) == kept  # none of the WAL's frames replayed into the restored file
    assert in_wal <= case_numbers(info.safety_backup)  # the safety copy read through the WAL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


def test_restore_over_a_damaged_database_keeps_its_bytes(filled, db_url, tmp_path):
    early = bk.backup(filled, tmp_path / "early.sqlite3")
    filled.close()
    db = db_file(db_url)
    damaged = b"\x00" * 4096 + db.read_bytes()[4096:]  # page 1 (header, schema) overwritten
    db.write_bytes(damaged)
    leftover = db.with_name(f".{db.name}.restore-0a1b2c3d")  # from a restore that was cut off
    leftover.write_bytes(b"half a copy")

    info = bk.restore(db_url, early.path, folder=tmp_path / "backups")
    assert case_numbers(db) == case_numbers(early.path)
    assert info.safety_backup.read_bytes() == damaged  # what SQLite cannot read is kept byte for byte
    manifest = json.loads(bk.manifest_path(info.safety_backup).read_text(encoding="utf-8"))
    assert manifest["note"].startswith("byte copy of a damaged database") and manifest["case_count"] is None
    assert not leftover.exists()


def test_restore_onto_a_new_computer(filled, tmp_path):
    early = bk.backup(filled, tmp_path / "early.sqlite3")
    target = tmp_path / "new-pc" / "data" / "reception.sqlite3"
    info = bk.restore(str(target), early.path, folder=tmp_path / "backups")
    assert info.safety_backup is None and not (tmp_path / "backups").exists()
    assert case_numbers(target) == case_numbers(early.path)


def test_restore_of_an_older_schema_migrates_it(tmp_path, db_url):
    from alembic import command

    from reception.storage.migrate import _config

    old = tmp_path / "old.sqlite3"
    cfg = _config()
    with sqlite3.connect(old):
        pass
    from sqlalchemy import create_engine

    engine = create_engine("sqlite:///" + old.as_posix())
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    engine.dispose()
    checked = bk.check_backup(old)
    assert checked.schema_revision == "0006"
    assert "恢复后将自动升级" in checked.lines[-2].zh or "恢复后将自动升级" in checked.lines[-3].zh

    info = bk.restore(db_url, old, folder=tmp_path / "backups")
    assert (info.revision_restored, info.revision_now) == ("0006", schema_head())


# -- refused backups: nothing replaced, nothing left behind -------------------------------------------


def _flip(path: Path, offset: int, n: int = 16) -> None:
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + n):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _btree_page_in_the_middle(path: Path) -> tuple[int, int]:
    """(offset, page size) of the b-tree root page nearest the middle of the file."""
    conn = sqlite3.connect(path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [r[0] for r in conn.execute("SELECT rootpage FROM sqlite_master WHERE rootpage > 1")]
    conn.close()
    page = min(roots, key=lambda p: abs(p - pages // 2))
    return (page - 1) * page_size, page_size


def corrupt_middle_with_manifest(src: Path, tmp: Path) -> Path:
    _flip(src, src.stat().st_size // 2)
    return src


def corrupt_btree_without_manifest(src: Path, tmp: Path) -> Path:
    bk.manifest_path(src).unlink()
    offset, _ = _btree_page_in_the_middle(src)
    _flip(src, offset, 8)  # the page header: an invalid page type, bad cell counts
    return src


def truncated(src: Path, tmp: Path) -> Path:
    data = src.read_bytes()
    src.write_bytes(data[: len(data) // 2 + 100])
    return src


def not_sqlite(src: Path, tmp: Path) -> Path:
    p = tmp / "notes.sqlite3"
    p.write_text("受理台备份清单\n2025-03-03 已备份\n" * 100, encoding="utf-8")
    return p


def foreign_sqlite(src: Path, tmp: Path) -> Path:
    p = tmp / "other-app.sqlite3"
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE contacts(name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('a', 'b')")
    conn.commit()
    conn.close()
    return p


def newer_schema(src: Path, tmp: Path) -> Path:
    bk.manifest_path(src).unlink()
    conn = sqlite3.connect(src)
    conn.execute("UPDATE alembic_version SET version_num = '0042'")
    conn.commit()
    conn.close()
    return src


BAD = [
    (corrupt_middle_with_manifest, "backup.sha_mismatch", "SHA-256"),
    (corrupt_btree_without_manifest, "backup.corrupt", "integrity check failed"),
    (truncated, "backup.truncated", "truncated"),
    (not_sqlite, "backup.not_sqlite", "not an SQLite database file"),
    (foreign_sqlite, "backup.not_reception", "missing tables: alembic_version, cases"),
    (newer_schema, "backup.newer", "schema revision 0042, newer than this program knows"),
]


@pytest.mark.parametrize(("spoil", "code", "words"), BAD, ids=[b[1] for b in BAD])
def test_a_bad_backup_is_refused_and_nothing_is_touched(filled, db_url, tmp_path, spoil, code, words):
    good = bk.backup(filled, tmp_path / "made" / "b.sqlite3")
    bad = spoil(good.path, tmp_path / "made")
    filled.close()
    db = db_file(db_url)
    before = (sha(db), listing(db.parent), listing(bk.default_backup_folder()))

    with pytest.raises(bk.BackupRefused) as info:
        bk.check_backup(bad)
    assert info.value.code == code
    assert words in info.value.message("en") and str(bad) in info.value.message("zh")
    with pytest.raises(bk.BackupRefused) as again:
        bk.restore(db_url, bad)
    assert again.value.code == code
    assert (sha(db), listing(db.parent), listing(bk.default_backup_folder())) == before


def test_a_missing_backup_file_is_named(db_url, tmp_path):
    with pytest.raises(NotFound) as info:
        bk.restore(db_url, tmp_path / "nowhere.sqlite3")
    assert "nowhere.sqlite3" in info.value.message("zh")


def test_restoring_the_database_onto_itself_is_refused(filled, db_url):
    filled.close()
    with pytest.raises(bk.BackupRefused) as info:
        bk.restore(db_url, db_file(db_url))
    assert info.value.code == "backup.same_file"


HOLDER = textwrap.dedent(
    """
    import sys
    from reception.context import open_context
    ctx = open_context(sys.argv[1])
    with ctx.db.read() as s:  # a desk that has read something and sits idle, its connection pooled
        s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM cases")).scalar()
    print("open", flush=True)
    sys.stdin.readline()
    ctx.close()
    """
)


def test_restore_while_another_process_has_the_database_open_is_refused(filled, db_url, tmp_path):
    good = bk.backup(filled, tmp_path / "b.sqlite3")
    add_cases(filled, 2, seed=9)
    filled.close()
    db = db_file(db_url)
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "open"
            before = (sha(db), listing(db.parent))
            with pytest.raises(bk.DatabaseInUse) as info:
                bk.restore(db_url, good.path, folder=tmp_path / "backups")
            assert "请先关闭受理台" in info.value.message("zh") and "Close the desk" in info.value.message("en")
            assert (sha(db), listing(db.parent)) == before and not (tmp_path / "backups").exists()
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
    info = bk.restore(db_url, good.path, folder=tmp_path / "backups")  # closed now: it goes through
    assert count_cases(db) == 12 and count_cases(info.safety_backup) == 14


# -- the backup folder: daily backup and rotation ---------------------------------------------------


def hall_with_backup(tmp_path: Path, body: str) -> Path:
    hall = tmp_path / "hall" / "hall.toml"
    hall.parent.mkdir(parents=True, exist_ok=True)
    hall.write_text(example_path().read_text(encoding="utf-8") + "\n[backup]\n" + body + "\n", encoding="utf-8")
    return hall


def test_daily_backup_once_a_day_named_in_hall_time(db_url, tmp_path):
    hall = hall_with_backup(tmp_path, 'folder = "../nightly"')
    ctx = open_context(db_url, hall)
    try:
        folder = bk.backup_folder(ctx)
        assert folder == tmp_path / "hall" / ".." / "nightly"
        add_cases(ctx, 3, seed=1)
        evening = datetime(2025, 3, 3, 17, 30, tzinfo=UTC)  # 01:30 on 4 March in the hall
        assert bk.backup_due(ctx, evening)
        first = bk.run_daily(ctx, evening, user="夜间任务")
        assert first.path.name == "reception-20250304-013000.sqlite3"
        assert not bk.backup_due(ctx, evening + timedelta(hours=20))  # still 4 March in the hall
        assert bk.run_daily(ctx, evening + timedelta(hours=20)) is None
        second = bk.run_daily(ctx, evening + timedelta(hours=23))  # 5 March
        assert second.path.name == "reception-20250305-003000.sqlite3"
        entries = bk.list_backups(folder, "Asia/Shanghai")
        assert [(e.kind, e.manifest["case_count"]) for e in entries] == [("daily", 3), ("daily", 3)]
        assert bk.last_backup(ctx).path == second.path
        manual = bk.backup_now(ctx, evening + timedelta(hours=23))  # same second as the daily one
        assert manual.path.name == "reception-20250305-003000-manual.sqlite3"
        again = bk.backup_now(ctx, evening + timedelta(hours=23))
        assert again.path.name == "reception-20250305-003000-manual-2.sqlite3"
        from reception import audit

        made = [(r.user, r.object_id, r.detail["kind"]) for r in audit.records(ctx, action="backup.create")]
        assert made[::-1] == [
            ("夜间任务", first.path.name, "daily"),
            (bk.AUTO_ACTOR, second.path.name, "daily"),
            (None, manual.path.name, "manual"),
            (None, again.path.name, "manual"),
        ]
    finally:
        ctx.close()


def test_a_manual_backup_counts_as_todays(ctx):
    now = datetime(2025, 6, 1, 2, 0, tzinfo=UTC)
    bk.backup_now(ctx, now)
    assert not bk.backup_due(ctx, now)
    assert bk.run_daily(ctx, now) is None


def _touch_backups(folder: Path, stamps: list[str], kind: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for s in stamps:
        p = folder / f"reception-{s}{kind}.sqlite3"
        p.write_bytes(bk.SQLITE_MAGIC + b"\0" * 84)
        bk.manifest_path(p).write_text("{}", encoding="utf-8")
        made.append(p)
    return made


def test_rotation_keeps_what_the_settings_say_and_deletes_only_its_own_files(db_url, tmp_path):
    hall = hall_with_backup(tmp_path, 'folder = "bk"\nkeep_days = 7\nkeep_months = 3')
    ctx = open_context(db_url, hall)
    folder = tmp_path / "hall" / "bk"
    days = [date(2025, 1, d) for d in (2, 15)] + [date(2025, 2, d) for d in (1, 10, 27)]
    days += [date(2025, 3, d) for d in (1, 2, 5, 8, 9, 10)]
    _touch_backups(folder, [f"{d:%Y%m%d}-020000" for d in days])
    _touch_backups(folder, ["20250303-101500"], "-manual")
    _touch_backups(folder, ["20241220-020000"], "-pre-restore")
    foreign = [
        folder / "notes.txt",
        folder / "reception.sqlite3",
        folder / "reception-old.sqlite3",
        folder / "mydb-20250101-020000.sqlite3",
    ]
    for f in foreign:
        f.write_text("not ours", encoding="utf-8")
    stale = folder / ".reception-20250301-020000.sqlite3.part-0a1b2c3d"
    fresh = folder / ".reception-20250310-020000.sqlite3.part-9f8e7d6c"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    try:
        now = datetime(2025, 3, 10, 12, 0, tzinfo=CST)
        removed = bk.rotate(ctx, now)
    finally:
        ctx.close()
    left = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sqlite3") and p.name.startswith("reception-"))
    assert left == [
        # keep_months = 3: the first backups of January, February and March
        "reception-20250102-020000.sqlite3",
        "reception-20250201-020000.sqlite3",
        "reception-20250301-020000.sqlite3",
        # keep_days = 7: 4 March onwards
        "reception-20250305-020000.sqlite3",
        "reception-20250308-020000.sqlite3",
        "reception-20250309-020000.sqlite3",
        "reception-20250310-020000.sqlite3",
        "reception-old.sqlite3",  # not a name rotation makes: left alone
    ]
    assert all(f.read_text(encoding="utf-8") == "not ours" for f in foreign)
    assert not stale.exists() and fresh.exists()
    gone = {p.name for p in removed}
    assert (
        "reception-20250303-101500-manual.sqlite3" in gone and "reception-20241220-020000-pre-restore.sqlite3" in gone
    )
    for p in removed:  # each with its manifest
        assert not p.exists() and not bk.manifest_path(p).exists()


def test_rotation_plan_edges():
    tz = CST

    def entry(y, m, d, hh=2):
        at = datetime(y, m, d, hh, tzinfo=tz)
        return bk.BackupEntry(Path(bk.backup_name(at)), "daily", at, 0, None)

    old = [entry(2024, 1, 5), entry(2024, 1, 20)]
    # keep_months = 0: nothing beyond keep_days, except that the newest backup is never deleted
    assert bk.rotation_plan(old, date(2025, 3, 10), 30, 0) == old[:1]
    # default settings: January 2024 is more than 12 months back
    assert bk.rotation_plan([*old, entry(2025, 3, 9)], date(2025, 3, 10), 30, 12) == old
    # the 12th month back still has its first backup kept
    march = [entry(2024, 4, 1), entry(2024, 4, 2), entry(2025, 3, 9)]
    assert bk.rotation_plan(march, date(2025, 3, 10), 30, 12) == [march[1]]
    assert bk.rotation_plan([], date(2025, 3, 10), 30, 12) == []


def test_list_backups_reads_names_and_manifests(tmp_path):
    made = _touch_backups(tmp_path, ["20250303-020000", "20250302-020000"])
    bk.manifest_path(made[0]).write_text(json.dumps({"case_count": 7}), encoding="utf-8")
    (tmp_path / "reception-20251340-020000.sqlite3").write_bytes(b"")  # no such month: not ours
    entries = bk.list_backups(tmp_path, "Asia/Shanghai")
    assert [e.path.name for e in entries] == ["reception-20250302-020000.sqlite3", "reception-20250303-020000.sqlite3"]
    assert entries[1].manifest == {"case_count": 7} and entries[0].manifest == {}
    assert entries[0].taken_at == datetime(2025, 3, 2, 2, 0, tzinfo=CST)
    assert bk.list_backups(tmp_path / "missing") == []


# -- [backup] in the hall file --------------------------------------------------------------------------


def test_backup_settings_defaults_and_values(tmp_path):
    assert load_config().backup == BackupSettings() == BackupSettings(None, 30, 12)
    hall = hall_with_backup(tmp_path, 'folder = "D:/备份"\nkeep_days = 14\nkeep_months = 0')
    cfg = load_config(hall)
    assert cfg.backup.keep_days == 14 and cfg.backup.keep_months == 0
    assert cfg.backup.folder == (Path("D:/备份") if Path("D:/备份").is_absolute() else hall.parent / "D:/备份")


def test_backup_settings_errors_name_file_line_and_key(tmp_path):
    (tmp_path / "hall" / "a-file").parent.mkdir(parents=True)
    (tmp_path / "hall" / "a-file").write_text("x", encoding="utf-8")
    hall = hall_with_backup(tmp_path, 'folder = "a-file"\nkeep_days = 0\nkeep_months = "twelve"\nkeep_weeks = 4')
    with pytest.raises(ConfigError) as info:
        load_config(hall)
    found = {p.key: p for p in info.value.problems}
    assert set(found) == {"backup.folder", "backup.keep_days", "backup.keep_months", "backup.keep_weeks"}
    lines = hall.read_text(encoding="utf-8").splitlines()
    for key, problem in found.items():
        assert problem.file == str(hall)
        assert lines[problem.line - 1].startswith(key.split(".")[1])
    assert "不是文件夹" in found["backup.folder"].text("zh")
    assert "must be at least 1" in found["backup.keep_days"].text("en")
    assert "整数" in found["backup.keep_months"].text("zh")
    assert "keep_days" in found["backup.keep_weeks"].text("en")


def test_defaults_file_documents_the_backup_section():
    from reception.config import defaults_path

    text = defaults_path().read_text(encoding="utf-8")
    section = text.split("\n[backup]\n", 1)[1]
    for key in ("folder", "keep_days", "keep_months"):
        assert f"\n{key} = " in "\n" + section


# -- where the database lives ------------------------------------------------------------------------

MOUNTS = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime,size=8123456k,nr_inodes=2030864,mode=755,inode64 0 0
/dev/nvme0n1p2 / ext4 rw,relatime,errors=remount-ro 0 0
/dev/nvme0n1p1 /boot/efi vfat rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=iso8859-1 0 0
tmpfs /run tmpfs rw,nosuid,nodev,noexec,relatime,size=1631512k,mode=755,inode64 0 0
fileserver:/export/hall /srv/hall nfs4 rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.0.0.5,local_lock=none,addr=10.0.0.2 0 0
//nas.hall.local/受理台 /mnt/share cifs rw,relatime,vers=3.1.1,cache=strict,username=desk,uid=1000,forceuid,gid=1000,forcegid,addr=10.0.0.3,file_mode=0755,dir_mode=0755,soft,nounix,serverino,mapposix,rsize=4194304,wsize=4194304,bsize=1048576,echo_interval=60,actimeo=1,closetimeo=1 0 0
/dev/sdb1 /media/desk/KINGSTON vfat rw,nosuid,nodev,relatime,uid=1000,gid=1000,fmask=0022,dmask=0022,codepage=437,iocharset=iso8859-1,shortname=mixed,showexec,utf8,flush,errors=remount-ro 0 0
/dev/sdc1 /media/desk/My\\040Passport ntfs3 rw,nosuid,nodev,relatime,uid=1000,gid=1000,iocharset=utf8 0 0
/dev/sda1 /data ext4 rw,relatime 0 0
desk@backup.hall.local:/srv /home/desk/remote fuse.sshfs rw,nosuid,nodev,relatime,user_id=1000,group_id=1000 0 0
"""  # noqa: E501 (real /proc/self/mounts lines)


@pytest.fixture
def sys_root(tmp_path):
    """A folder shaped like /sys: sda is an internal SATA disk, sdb a USB stick (removable 1), sdc a USB
    hard disk (removable 0, but it hangs off USB), nvme0n1 the system disk."""
    root = tmp_path / "sys"
    devices = {
        "sda": ("devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda", "0"),
        "sdb": ("devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdb", "1"),
        "sdc": ("devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host7/target7:0:0/7:0:0:0/block/sdc", "0"),
        "nvme0n1": ("devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", "0"),
    }
    (root / "block").mkdir(parents=True)
    for name, (path, removable) in devices.items():
        d = root / path
        d.mkdir(parents=True)
        (d / "removable").write_text(removable + "\n", encoding="ascii")
        (root / "block" / name).symlink_to(d)
    return root


@pytest.mark.parametrize(
    ("path", "kind", "detail"),
    [
        ("/srv/hall/reception.sqlite3", "network", "nfs4 fileserver:/export/hall"),
        ("/mnt/share/数据/reception.sqlite3", "network", "cifs //nas.hall.local/受理台"),
        ("/home/desk/remote/r.sqlite3", "network", "fuse.sshfs desk@backup.hall.local:/srv"),
        ("/media/desk/KINGSTON/reception.sqlite3", "removable", "/dev/sdb1 /media/desk/KINGSTON"),
        ("/media/desk/My Passport/r.sqlite3", "removable", "/dev/sdc1 /media/desk/My Passport"),
        ("/home/desk/.local/share/reception-desk/reception.sqlite3", None, None),
        ("/data/reception.sqlite3", None, None),
        ("/boot/efi/r.sqlite3", None, None),
        ("/srv/hallmark/reception.sqlite3", None, None),  # /srv/hall is a mount, /srv/hallmark is not in it
    ],
)
def test_linux_mount_table(sys_root, path, kind, detail):
    risk = bk.linux_storage_risk(path, MOUNTS, sys_root)
    assert (risk.kind, risk.detail) == (kind, detail) if kind else risk is None


def test_mount_table_parsing():
    mounts = bk.parse_mounts(MOUNTS)
    assert bk.Mount("/dev/sdc1", "/media/desk/My Passport", "ntfs3") in mounts
    assert bk.mount_for("/", mounts).fstype == "ext4"
    assert [bk.disk_of(d) for d in ("/dev/sdb1", "/dev/nvme0n1p2", "/dev/mmcblk0p1", "/dev/vda", "tmpfs")] == [
        "sdb",
        "nvme0n1",
        "mmcblk0",
        "vda",
        None,
    ]
    assert bk.disk_of("/dev/mapper/vg-root") is None


def test_this_machine_has_its_database_on_a_local_disk(tmp_path):
    assert bk.storage_warning(tmp_path / "reception.sqlite3") is None


MAC_MOUNT = """\
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
devfs on /dev (devfs, local, nobrowse)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect)
//desk@nas._smb._tcp.local/hall on /Volumes/hall (smbfs, nodev, nosuid, mounted by desk)
/dev/disk4s1 on /Volumes/KINGSTON (msdos, local, nodev, nosuid, noowners, noatime)
"""


def test_macos_mount_output():
    mounts = bk.parse_bsd_mounts(MAC_MOUNT)
    assert bk.mount_for("/Volumes/hall/r.sqlite3", mounts).fstype == "smbfs"
    assert bk.mount_for("/Users/desk/r.sqlite3", mounts).fstype == "apfs"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (r"\\fileserver\hall\reception.sqlite3", ("unc", r"\\fileserver\hall")),
        ("//fileserver/hall/reception.sqlite3", ("unc", r"\\fileserver\hall")),
        (r"\\?\UNC\fileserver\hall\reception.sqlite3", ("unc", r"\\fileserver\hall")),
        (r"C:\Users\desk\AppData\Local\reception.sqlite3", ("drive", "C:\\")),
        (r"\\?\e:\hall\reception.sqlite3", ("drive", "E:\\")),
        ("relative/reception.sqlite3", ("other", "relative/reception.sqlite3")),
    ],
)
def test_windows_paths(path, expected):
    assert bk.windows_location(path) == expected


def test_windows_drive_types():
    assert bk.drive_type_risk(bk.DRIVE_REMOTE, "Z:\\") == bk.StorageRisk("network", "Z:\\")
    assert bk.drive_type_risk(bk.DRIVE_REMOVABLE, "E:\\") == bk.StorageRisk("removable", "E:\\")
    for fixed_or_other in (0, 1, 3, 5, 6):  # unknown, no root, fixed, CD-ROM, RAM disk
        assert bk.drive_type_risk(fixed_or_other, "C:\\") is None
    # a UNC path never needs the Windows call; a drive letter asks GetDriveTypeW (Windows only: stood in here)
    assert bk.windows_storage_risk(r"\\fileserver\hall\r.sqlite3").kind == "network"
    asked = []
    risk = bk.windows_storage_risk(r"E:\hall\r.sqlite3", lambda root: asked.append(root) or bk.DRIVE_REMOVABLE)
    assert asked == ["E:\\"] and risk.kind == "removable"


def test_storage_messages_in_both_languages():
    risk = bk.StorageRisk("network", r"\\fileserver\hall")
    assert "网络共享" in risk.message("zh") and r"\\fileserver\hall" in risk.message("zh")
    assert "network share" in risk.message("en") and "PostgreSQL" in risk.message("en")
    removable = bk.StorageRisk("removable", "E:\\")
    assert "可移动磁盘" in removable.message("zh") and "removable drive" in removable.message("en")


def test_known_revisions_agree_with_alembic():
    from alembic.script import ScriptDirectory

    from reception.storage.migrate import MIGRATIONS

    alembic = {s.revision for s in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    assert bk.known_revisions() == alembic and schema_head() in alembic
