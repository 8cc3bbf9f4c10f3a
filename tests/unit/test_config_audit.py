"""``config.changed``: the configuration files a workstation runs with, in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from reception import audit
from reception.config_audit import ACTION, fingerprint, note_configuration
from reception.context import open_context
from reception.paths import resource_path


def _hall(folder, workstation: str = "W07"):
    """The example hall as this workstation's ``hall.toml``."""
    text = resource_path("config", "example-hall.toml").read_text(encoding="utf-8")
    assert text.count('code = "W01"') == 1
    hall = folder / "hall.toml"
    hall.write_text(text.replace('code = "W01"', f'code = "{workstation}"'), encoding="utf-8")
    return hall


def test_the_first_start_records_every_file_and_an_unchanged_one_nothing(tmp_path, db_url):
    ctx = open_context(db_url, _hall(tmp_path))
    try:
        changed = note_configuration(ctx, "lixiaomei", now=datetime(2026, 3, 2, 1, tzinfo=UTC))
        files = fingerprint(ctx.config)
        assert changed == sorted(files)
        assert {"hall.toml", "resources/config/defaults.toml", "resources/rules/routing.toml"} <= set(files)
        assert "resources/calendars/cn-2026.toml" in files
        assert all(len(v) == 16 and v.isalnum() for v in files.values())
        assert note_configuration(ctx, "lixiaomei") is None  # nothing changed: no record
        (rec,) = audit.records(ctx, action=ACTION)
        assert (rec.user, rec.workstation, rec.object_id) == ("lixiaomei", "W07", "W07")
        assert rec.detail["files"] == files and rec.detail["first"] is True
    finally:
        ctx.close()


def test_an_edited_hall_file_is_recorded_with_what_changed(tmp_path, db_url):
    hall = _hall(tmp_path)
    ctx = open_context(db_url, hall)
    note_configuration(ctx)
    ctx.close()
    hall.write_text(hall.read_text(encoding="utf-8") + "\n[accounts]\nidle_lock_minutes = 5\n", encoding="utf-8")
    template = tmp_path / "user-config" / "receipt-template.toml"  # the hall's receipt wording, added
    template.write_text('[receipt]\ncentre_phone = "0473-1234567"\n', encoding="utf-8")
    ctx = open_context(db_url, hall)
    try:
        assert note_configuration(ctx) == ["hall.toml", "receipt-template.toml"]
        latest = audit.records(ctx, action=ACTION)[0]
        assert latest.detail["changed"] == ["hall.toml", "receipt-template.toml"] and latest.detail["first"] is False
        assert latest.user is None  # ``reception init`` / a service: nobody in particular
        assert audit.verify(ctx).intact
    finally:
        ctx.close()


def test_each_workstation_has_its_own_record(tmp_path, db_url):
    """Two workstations on one hall database: each compares with its own latest record."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _hall(tmp_path / "a")
    b = _hall(tmp_path / "b", "W08")
    for hall in (a, b, a, b):
        ctx = open_context(db_url, hall)
        try:
            note_configuration(ctx)
        finally:
            ctx.close()
    ctx = open_context(db_url, a)
    try:
        assert sorted(r.workstation for r in audit.records(ctx, action=ACTION)) == ["W07", "W08"]
    finally:
        ctx.close()


def test_init_records_the_configuration(cli):
    code, out, _ = cli("init")
    assert code == 0 and "已在审计日志中记录配置文件：" in out
    code, out, _ = cli("init")
    assert code == 0 and "记录配置文件" not in out
