"""Folder and manual transports, the PostgreSQL claim (SKIP LOCKED) and the command line."""

from __future__ import annotations

import io
import json
import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from reception.cli import main
from reception.context import open_context
from reception.dispatch import Dispatcher
from reception.dispatch.outbox import claim
from reception.dispatch.transports import write_atomic
from reception.intake import register_case
from reception.storage.models import Case, OutboxEntry, Transfer
from reception.tracking import case_tracking
from tests.factories import base_case
from tests.unit.dispatch_support import DeptServer, hall_with, http_transport, store_secrets


def transfers(ctx, case_no) -> dict[str, Transfer]:
    with ctx.db.read() as s:
        cid = s.execute(select(Case.id).where(Case.case_no == case_no)).scalar_one()
        return {t.department: t for t in s.scalars(select(Transfer).where(Transfer.case_id == cid))}


def states(ctx) -> dict[str, str]:
    with ctx.db.read() as s:
        return {o.department: o.state for o in s.scalars(select(OutboxEntry))}


def test_write_atomic_leaves_no_partial_file(tmp_path):
    folder = tmp_path / "inbox"
    write_atomic(folder, "a.json", b'{"x":1}')
    write_atomic(folder, "a.json", b'{"x":1}')  # a resend replaces the file with the same bytes
    assert sorted(os.listdir(folder)) == ["a.json"] and (folder / "a.json").read_bytes() == b'{"x":1}'

    class Boom(Exception):
        pass

    real = os.replace

    def failing_replace(src, dst):
        raise Boom

    os.replace = failing_replace
    try:
        with pytest.raises(Boom):
            write_atomic(folder, "b.json", b"{}")
    finally:
        os.replace = real
    assert sorted(os.listdir(folder)) == ["a.json"]  # no temporary file left behind, no b.json


def test_folder_transport_writes_and_reads_status_files(tmp_path, db_url):
    hall = hall_with(
        tmp_path, {"hrss": 'kind = "folder"\ninbox = "hrss/in"\noutbox = "hrss/out"', "legal_aid": 'kind = "manual"'}
    )
    ctx = open_context(db_url, hall)
    try:
        case_no = register_case(ctx, base_case(ctx.config)).case_no
        with Dispatcher(ctx) as d:
            figures = d.run_once()
        assert figures["hrss"].delivered == 1 and figures["legal_aid"].manual == 1
        t = transfers(ctx, case_no)
        inbox = hall.parent / "hrss" / "in"
        assert sorted(os.listdir(inbox)) == [f"{t['hrss'].id}.json"]
        body = json.loads((inbox / f"{t['hrss'].id}.json").read_bytes())
        assert body["transfer"]["id"] == t["hrss"].id and body["case_no"] == case_no
        assert states(ctx) == {"hrss": "delivered", "legal_aid": "manual"}
        # the manual department: nothing pushed, no pushed event for it
        kinds = [(e.kind, (e.detail or {}).get("department")) for e in case_tracking(ctx, case_no).timeline]
        assert ("pushed", "hrss") in kinds and ("pushed", "legal_aid") not in kinds
        # the department drops a status file
        out = hall.parent / "hrss" / "out"
        status = {"queue_ref": t["hrss"].queue_ref, "status": "accepted", "department_case_no": "人社12号"}
        write_atomic(out, f"{t['hrss'].id}.status.json", json.dumps(status).encode())
        with ctx.db.write() as s:
            s.execute(update(Transfer).values(next_poll_at=datetime.now(UTC) - timedelta(seconds=1)))
        with Dispatcher(ctx) as d:
            assert d.run_once()["hrss"].answers == 1
            with ctx.db.write() as s:
                s.execute(
                    update(Transfer)
                    .where(Transfer.next_poll_at.is_not(None))
                    .values(next_poll_at=datetime.now(UTC) - timedelta(seconds=1))
                )
            assert d.run_once()["hrss"].answers == 0
        t = transfers(ctx, case_no)
        assert (t["hrss"].status, t["hrss"].department_case_no) == ("accepted", "人社12号")
    finally:
        ctx.close()


def test_unconfigured_departments_get_no_lane(ctx):
    register_case(ctx, base_case(ctx.config))
    with Dispatcher(ctx) as d:
        assert d.lanes == [] and d.run_once() == {}
    assert set(states(ctx).values()) == {"pending"}


@pytest.mark.postgres
def test_postgresql_claim_skips_locked_entries(pg_url, tmp_path):
    ctx = open_context(pg_url, hall_with(tmp_path, {"hrss": 'kind = "folder"\ninbox = "in"'}))
    try:
        for _ in range(4):
            register_case(ctx, base_case(ctx.config))
        held = threading.Event()
        release = threading.Event()
        locked: list[int] = []

        def hold():
            with ctx.db.write() as s:
                ids = s.scalars(
                    select(OutboxEntry.id)
                    .where(OutboxEntry.department == "hrss")
                    .order_by(OutboxEntry.id)
                    .limit(2)
                    .with_for_update()
                ).all()
                locked.extend(ids)
                held.set()
                release.wait(10)

        t = threading.Thread(target=hold)
        t.start()
        try:
            assert held.wait(10)
            claims = claim(ctx, "hrss", "w2", limit=10, now=datetime.now(UTC))  # does not wait for the lock
            assert len(claims) == 2 and not {c.outbox_id for c in claims} & set(locked)
        finally:
            release.set()
            t.join()
        with Dispatcher(ctx) as d:
            assert d.run_once()["hrss"].delivered == 2  # the two that were locked
        with ctx.db.read() as s:
            by_state = [o.state for o in s.scalars(select(OutboxEntry).where(OutboxEntry.department == "hrss"))]
        assert sorted(by_state) == ["delivered", "delivered", "in_flight", "in_flight"]
    finally:
        ctx.close()


def test_cli_dispatch_departments_deadletters_retry_reroute(tmp_path, db_url, capsys, monkeypatch):
    server = DeptServer()
    try:
        hall = hall_with(tmp_path, {"hrss": http_transport(server.url), "legal_aid": http_transport(server.url)})
        base = ["--db", db_url, "--config", str(hall), "--lang", "en"]
        # only the token is stored (read from standard input): the signing key is missing
        monkeypatch.setattr("sys.stdin", io.StringIO("test-token-123\n"))
        assert main([*base, "secret", "set", "dept-hrss-token"]) == 0
        store_secrets("legal_aid")
        ctx = open_context(db_url, hall)
        try:
            case_no = register_case(ctx, base_case(ctx.config)).case_no
        finally:
            ctx.close()
        capsys.readouterr()
        assert main([*base, "dispatch", "--once", "--json"]) == 0
        figures = json.loads(capsys.readouterr().out)
        assert figures["legal_aid"]["delivered"] == 1 and figures["hrss"]["dead"] == 1  # no signing key
        assert main([*base, "departments", "--json"]) == 0
        rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
        assert rows["hrss"]["transport"] == "http" and rows["hrss"]["dead_letters"] == 1
        assert "dept-hrss-signing-key" in rows["hrss"]["last_error"]
        assert rows["court"]["transport"] == "manual" and not rows["court"]["configured"]
        assert main([*base, "departments"]) == 0
        assert "not configured" in capsys.readouterr().out
        assert main([*base, "deadletters", "--json"]) == 0
        (letter,) = json.loads(capsys.readouterr().out)
        assert letter["case_no"] == case_no and letter["department"] == "hrss"
        monkeypatch.setattr("sys.stdin", io.StringIO("test-signing-key-456\n"))
        assert main([*base, "secret", "set", "dept-hrss-signing-key"]) == 0
        assert main([*base, "retry", letter["transfer_id"], "--user", "李晓梅"]) == 0
        assert main([*base, "dispatch"]) == 0
        assert letter["transfer_id"] in server.accepted
        capsys.readouterr()
        assert main([*base, "retry", letter["transfer_id"]]) == 1
        assert "not a dead letter" in capsys.readouterr().err
        code = main([*base, "reroute", letter["transfer_id"], "--department", "nope", "--reason", "理由充分"])
        assert code == 2
        code = main(
            [*base, "reroute", letter["transfer_id"], "--department", "labour_arbitration", "--reason", "改派仲裁"]
        )
        assert code == 0 and "new transfer" in capsys.readouterr().out
    finally:
        server.stop()
