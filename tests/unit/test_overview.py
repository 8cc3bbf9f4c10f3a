"""The desk's overview: pushes waiting, failed, per-department queues, and ``reception status``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from reception.cli import main as cli_main
from reception.config import example_path
from reception.context import open_context
from reception.intake import register_case
from reception.overview import desk_status, format_age, queue_overview
from reception.storage.models import OutboxEntry
from tests.factories import base_case


def test_empty_database(ctx):
    st = desk_status(ctx)
    assert st.pending_pushes == st.failed_pushes == st.pending_cases == 0
    assert st.oldest_pending_at is None
    assert st.db_url == ctx.db.display_url and st.dialect == "sqlite"
    assert st.departments == len(ctx.config.departments)
    # the example hall configures no transport: nothing may claim a queue is reachable
    assert st.departments_with_transport == ()
    assert st.queues == "not_configured"
    queues = queue_overview(ctx)
    assert [q.code for q in queues] == list(ctx.config.departments)
    assert all(not q.configured and q.pending == 0 and q.oldest_pending_age is None for q in queues)


def test_pending_failed_and_delivered(ctx):
    # a routed case writes one outbox entry per transfer (lead + assisting departments)
    r1 = register_case(ctx, base_case(ctx.config))
    r2 = register_case(ctx, base_case(ctx.config))
    depts = [r1.routing["department"], *r1.routing["also"]]
    st = desk_status(ctx)
    assert st.pending_pushes == 2 * len(depts)
    assert st.pending_cases == 2
    assert st.oldest_pending_at is not None

    with ctx.db.write() as s:
        ids = s.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id)).all()
        s.execute(update(OutboxEntry).where(OutboxEntry.id == ids[0]).values(state="delivered"))
        s.execute(
            update(OutboxEntry).where(OutboxEntry.id == ids[1]).values(state="dead", last_error="HTTP 422: refused")
        )
        s.execute(update(OutboxEntry).where(OutboxEntry.id == ids[2]).values(attempts=3, last_error="timeout"))
    st = desk_status(ctx)
    assert st.pending_pushes == 2 * len(depts) - 2
    assert st.failed_pushes == 1
    # "failing" comes from each pushing department's last recorded attempt (dispatch_attempts; see
    # tests/unit/test_push_history.py): errors on outbox rows, with no transport configured, say nothing of it
    assert st.departments_failing == () and st.queues == "not_configured"
    queues = {q.code: q for q in queue_overview(ctx)}
    total = sum(q.pending for q in queues.values())
    assert total == st.pending_pushes
    assert sum(q.failed for q in queues.values()) == 1
    assert sum(q.delivered for q in queues.values()) == 1
    lead = queues[r2.routing["department"]]
    assert lead.transfers.get("requested", 0) >= 1
    assert lead.oldest_pending_age is not None and lead.oldest_pending_age >= timedelta(0)
    with ctx.db.read() as s:
        dept_of = dict(s.execute(select(OutboxEntry.id, OutboxEntry.department)).all())
    assert queues[dept_of[ids[2]]].last_error == "timeout"
    assert queues[dept_of[ids[1]]].last_error == "HTTP 422: refused"


def test_department_only_in_old_rows_is_listed(ctx):
    register_case(ctx, base_case(ctx.config))
    with ctx.db.write() as s:
        first = s.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id)).first()
        s.execute(update(OutboxEntry).where(OutboxEntry.id == first).values(department="gone_dept"))
    queues = queue_overview(ctx)
    gone = [q for q in queues if q.code == "gone_dept"]
    assert len(gone) == 1 and not gone[0].in_config and gone[0].pending == 1


@pytest.fixture
def transport_config(tmp_path):
    text = example_path().read_text(encoding="utf-8")
    marker = '# [department.transport]\n# kind = "http"'
    assert marker in text
    text = text.replace(marker, '[department.transport]\nkind = "http"\nbase_url = "https://court.example.invalid/q"')
    p = tmp_path / "hall.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_configured_transport_is_not_called_reachable(db_url, transport_config):
    ctx = open_context(db_url, transport_config)
    try:
        st = desk_status(ctx)
        assert st.departments_with_transport == ("court",)
        assert st.queues == "unknown"  # configured, but nothing has pushed: reachability is not known
        court = next(q for q in queue_overview(ctx) if q.code == "court")
        assert court.configured and court.transport == "http"
    finally:
        ctx.close()


def test_format_age():
    assert format_age(None) == ""
    assert format_age(timedelta(minutes=5)) == "5 分钟"
    assert format_age(timedelta(hours=2, minutes=3), "en") == "2 h 3 min"
    assert format_age(timedelta(days=3, hours=4)) == "3 天 4 小时"


def test_cli_status(db_url, capsys, config):
    ctx = open_context(db_url)
    try:
        register_case(ctx, base_case(config))
    finally:
        ctx.close()
    assert cli_main(["--db", db_url, "status"]) == 0
    out = capsys.readouterr().out
    assert "待推送：2 条转办（1 件案件）" in out
    assert "部门队列：未配置推送地址" in out
    assert cli_main(["--db", db_url, "--lang", "en", "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pending_pushes"] == 2 and data["queues"] == "not_configured"
    assert sum(d["pending"] for d in data["departments"]) == 2
