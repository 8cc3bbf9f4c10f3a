"""Folder and manual transports, departments without a transport, and the PostgreSQL claim (SKIP LOCKED).

The HTTP transport and the command line are tested against the reference receiver in
``tests/integration/test_dispatch_http.py``."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from reception.context import open_context
from reception.dispatch import Dispatcher
from reception.dispatch.outbox import claim
from reception.dispatch.transports import write_atomic
from reception.intake import register_case
from reception.storage.models import Case, OutboxEntry, Transfer
from reception.tracking import case_tracking
from tests.dispatch_helpers import hall_with
from tests.factories import base_case
from tests.folder_consumer import FolderConsumer


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
    # the rename fails (a folder is in the way): no temporary file is left behind
    (folder / "b.json").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomic(folder, "b.json", b"{}")
    assert sorted(os.listdir(folder)) == ["a.json", "b.json"] and (folder / "b.json").is_dir()


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
        # the department (the reference consumer) takes the file and answers with a status file
        dept = FolderConsumer(inbox, tmp_path / "dept.sqlite3", outbox=hall.parent / "hrss" / "out")
        assert dept.sweep() == 1 and os.listdir(inbox) == []
        (kept,) = dept.received()
        assert (kept.transfer_id, kept.count) == (t["hrss"].id, 1) and dept.payload(kept.transfer_id) == body
        assert t["hrss"].queue_ref == f"{t['hrss'].id}.json"
        dept.set_status(t["hrss"].id, "accepted", department_case_no="人社12号")
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


def test_the_reference_folder_consumer_keeps_each_transfer_once(tmp_path):
    """tests/folder_consumer.py: files being written are left alone, a resend (same name, same bytes) is
    dropped, a resend with other bytes or a torn file is set aside, and with dedupe off every file is a row."""
    import uuid

    inbox = tmp_path / "in"

    def transfer(tid: str, facts: str = "拖欠工资") -> bytes:
        return json.dumps({"transfer": {"id": tid}, "case": {"facts": facts}}, ensure_ascii=False).encode()

    a, b, c = (str(uuid.uuid4()) for _ in range(3))
    dept = FolderConsumer(inbox, tmp_path / "dept.sqlite3")
    write_atomic(inbox, f"{a}.json", transfer(a))
    (inbox / ".tmp-abc123.part").write_bytes(b'{"transfer": {"id"')  # the hall is still writing this one
    (inbox / "notes.txt").write_text("not a transfer", encoding="utf-8")
    assert dept.sweep() == 1
    write_atomic(inbox, f"{a}.json", transfer(a))  # written again after a crash: the same bytes
    write_atomic(inbox, f"{b}.json", transfer(b))
    (inbox / f"{c}.json").write_bytes(b'{"transfer": {"id": "')  # not written atomically: torn
    assert dept.sweep() == 3 and dept.taken == 4
    assert [(x.transfer_id, x.count) for x in dept.received()] == [(a, 1), (b, 1)]
    assert dept.payload(b) == json.loads(transfer(b))
    write_atomic(inbox, f"{a}.json", transfer(a, "别的内容"))  # never done by the hall: set aside
    dept.sweep()
    assert [p.split(":")[0] for p in dept.problems] == [f"{c}.json", f"{a}.json"]
    assert "not JSON" in dept.problems[0] and "different bytes" in dept.problems[1]
    assert sorted(p.name for p in inbox.iterdir()) == [".tmp-abc123.part", "notes.txt"]
    # a file taken by a consumer that stopped before storing it is stored at the next start
    write_atomic(dept.work, f"{c}.json", transfer(c))
    again = FolderConsumer(inbox, tmp_path / "dept.sqlite3")
    assert again.sweep() == 0 and {x.transfer_id for x in again.received()} == {a, b, c}
    # dedupe off: every file taken is a row of its own
    broken = FolderConsumer(tmp_path / "in2", tmp_path / "broken.sqlite3", dedupe=False).start()
    try:
        for _ in range(3):
            write_atomic(broken.inbox, f"{a}.json", transfer(a))
            deadline = time.monotonic() + 10
            while (broken.inbox / f"{a}.json").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        broken.stop()
    broken.sweep()
    assert [(x.transfer_id, x.count) for x in broken.received()] == [(a, broken.taken)] and broken.taken == 3


def test_a_killed_dispatchers_old_temporary_files_are_cleared(tmp_path, db_url):
    """A dispatcher killed mid-write leaves ``.tmp-*.part`` in the inbox; the next one removes those older
    than an hour (a write in progress is milliseconds old and stays)."""
    hall = hall_with(tmp_path, {"hrss": 'kind = "folder"\ninbox = "hrss/in"'})
    inbox = hall.parent / "hrss" / "in"
    inbox.mkdir(parents=True)
    old, fresh, other = inbox / ".tmp-abc.part", inbox / ".tmp-def.part", inbox / "notes.txt"
    for p in (old, fresh, other):
        p.write_bytes(b"{")
    hour_ago = time.time() - 3700
    os.utime(old, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    ctx = open_context(db_url, hall)
    try:
        register_case(ctx, base_case(ctx.config))
        with Dispatcher(ctx, departments=["hrss"]) as d:
            assert d.run_once()["hrss"].delivered == 1
    finally:
        ctx.close()
    left = sorted(p.name for p in inbox.iterdir())
    assert ".tmp-abc.part" not in left and ".tmp-def.part" in left and "notes.txt" in left
