"""The audit trail (``reception.audit``): every write site appends a chained record in its own transaction,
the database refuses UPDATE and DELETE, and ``verify`` (and ``reception audit verify``) detects and locates
an edited, deleted, swapped or truncated record, also when the attacker has the database file: drops the
triggers, changes rows, recreates the triggers. On a real SQLite file; PostgreSQL in
``tests/integration/test_audit_postgres.py``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from reception import audit
from reception.audit import GENESIS, AuditChainBroken, canonical, record_hash, verify
from reception.cli import main
from reception.dispatch.outbox import Sent, claim, record, reroute, retry_dead
from reception.dispatch.transports import SendResult
from reception.export import close_day, export_register
from reception.intake import register_case, register_many
from reception.receipts import render_receipt
from reception.storage.models import AuditChain, AuditRecord, Case, DayClose, OutboxEntry, ReceiptPrint, Transfer
from reception.tracking import add_note, close_case, record_answer
from tests.factories import base_case

RECEIVED = "2025-06-02T09:30:00+08:00"
DAY = date(2025, 6, 2)
#: personal data the cases below carry (tests.factories.base_case): never in an audit record
PERSONAL = ("110105199003071239", "13812345678", "张三", "团结路", "鑫达建筑", "拖欠工资")


# -- helpers shared with the PostgreSQL and concurrency tests ------------------------------------------


def chain_rows(ctx) -> list:
    with ctx.db.read() as s:
        return s.execute(
            select(
                AuditRecord.seq,
                AuditRecord.id,
                AuditRecord.action,
                AuditRecord.object_id,
                AuditRecord.prev_hash,
                AuditRecord.hash,
            ).order_by(AuditRecord.seq)
        ).all()


def assert_chained(ctx) -> list:
    """Numbered 1..n without gaps, each linked to the one before, the head on the last, ``verify`` intact."""
    rows = chain_rows(ctx)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    prev = GENESIS
    for r in rows:
        assert r.prev_hash == prev
        prev = r.hash
    assert audit.head(ctx) == ((rows[-1].seq, rows[-1].hash) if rows else (0, GENESIS))
    report = verify(ctx)
    assert report.intact, [p.line("en") for p in report.problems]
    assert report.records == len(rows)
    return rows


def a_few_records(ctx, n: int = 3) -> list[str]:
    """``n`` cases, each with a note: 2n records (case.create, case.note, case.create, …)."""
    nos = []
    for i in range(n):
        no = register_case(ctx, base_case(ctx.config, received_at=RECEIVED), user="王丽").case_no
        add_note(ctx, no, f"第{i}次备注", user="王丽")
        nos.append(no)
    return nos


def db_file(ctx) -> Path:
    return Path(ctx.db.url.removeprefix("sqlite:///"))


def tamper(ctx, *statements: str, params: list | None = None) -> None:
    """What someone holding the database file can do: save the triggers' SQL, drop them, change rows,
    create the triggers again."""
    ctx.db.dispose()
    conn = sqlite3.connect(db_file(ctx), isolation_level=None)
    try:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        assert {n for n, _ in triggers} >= {"audit_log_no_update", "audit_log_no_delete", "audit_chain_forward"}
        conn.execute("BEGIN IMMEDIATE")
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for i, stmt in enumerate(statements):
            conn.execute(stmt, (params or [()] * len(statements))[i])
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


def problems(report) -> list[tuple[str, int | None, int | None]]:
    return [(p.code, p.seq, p.id) for p in report.problems]


def rehash_from(ctx, first_seq: int) -> None:
    """An attacker who knows the algorithm: recompute every hash from ``first_seq`` on and move the head."""
    rows = []
    with ctx.db.read() as s:
        prev = s.execute(select(AuditRecord.hash).where(AuditRecord.seq == first_seq - 1)).scalar() or GENESIS
        for r in s.execute(select(AuditRecord).where(AuditRecord.seq >= first_seq).order_by(AuditRecord.seq)).scalars():
            h = record_hash(
                prev,
                seq=r.seq,
                at=r.at,
                user=r.user,
                workstation=r.workstation,
                action=r.action,
                object_type=r.object_type,
                object_id=r.object_id,
                result=r.result,
                detail=r.detail,
            )
            rows.append((prev, h, r.id))
            prev = h
        last = s.execute(select(func.max(AuditRecord.seq))).scalar()
    tamper(
        ctx,
        *["UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?"] * len(rows),
        "UPDATE audit_chain SET seq = ?, hash = ?",
        params=[*rows, (last, prev)],
    )


# -- the canonical form ---------------------------------------------------------------------------------


def test_the_hash_is_sha256_of_the_previous_hash_and_the_documented_canonical_json():
    at = datetime(2025, 3, 3, 10, 0, 5, 120, tzinfo=UTC)
    fields = dict(
        seq=7,
        at=at,
        user="王丽",
        workstation="W01",
        action="case.note",
        object_type="case",
        object_id="ZZ-150304-W01-2025-000001",
        result="ok",
        detail={"chars": 12, "a": [1, 2.5, None, True], "名": "值"},
    )
    expected = (
        '[7,"2025-03-03T10:00:05.000120Z","王丽","W01","case.note","case","ZZ-150304-W01-2025-000001","ok",'
        '{"a":[1,2.5,null,true],"chars":12,"名":"值"}]'
    )
    assert canonical(**fields) == expected.encode("utf-8")
    prev = "ab" * 32
    assert record_hash(prev, **fields) == hashlib.sha256((prev + expected).encode("utf-8")).hexdigest()
    # the same instant in another zone, or naive (as SQLite returns UTC), hashes the same
    cst = at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert record_hash(prev, **{**fields, "at": cst}) == record_hash(prev, **fields)
    assert record_hash(prev, **{**fields, "at": at.replace(tzinfo=None)}) == record_hash(prev, **fields)
    # every field counts
    changes = [
        ("seq", 8),
        ("user", "李"),
        ("detail", {"chars": 13}),
        ("result", "denied"),
        ("at", at + timedelta(1e-6)),
    ]
    for key, other in changes:
        assert record_hash(prev, **{**fields, key: other}) != record_hash(prev, **fields), key
    assert record_hash(GENESIS, **fields) != record_hash(prev, **fields)


# -- every write site ------------------------------------------------------------------------------------


def test_every_action_written_anywhere_has_a_label():
    """The audit page names each action (``audit.ACTIONS``); a new action without a label shows its code,
    so every action string the code writes must be listed."""
    import re

    root = Path(__file__).resolve().parents[2]
    written: set[str] = set()
    for path in [*(root / "reception").rglob("*.py"), *(root / "ui").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'"action": "([a-z_]+(?:\.[a-z_]+)+)"', text))
        written |= set(re.findall(r'_audit\(\s*session,\s*ctx,\s*(?:c,\s*)?"([a-z_]+(?:\.[a-z_]+)*)"', text))
    written |= {f"{a}.{r}" for a in ("login", "session.unlock") for r in ("failed", "refused")}
    written |= {"login", "session.unlock", "session.lock", "logout", "config.changed"}
    assert len(written) > 25
    assert written <= set(audit.ACTIONS), sorted(written - set(audit.ACTIONS))
    assert {a.split(".")[0] for a in audit.ACTIONS} == set(audit.ACTION_GROUPS)
    assert audit.action_label("case.create") == "受理登记" and audit.action_label("x.y", "en") == "x.y"


def test_every_write_site_appends_a_chained_record(ctx, tmp_path):
    cfg = ctx.config
    first = register_case(ctx, base_case(cfg, received_at=RECEIVED), user="王丽")
    second, third = register_many(ctx, [base_case(cfg, received_at=RECEIVED)] * 2)  # one transaction
    render_receipt(ctx, first.case_no, "a4")
    render_receipt(ctx, first.case_no, "a4")
    add_note(ctx, first.case_no, "申请人来电询问进展", user="王丽")
    record_answer(ctx, first.case_no, department="hrss", kind="accepted", text="", department_case_no="N1", user="x")
    close_case(ctx, third.case_no, outcome="resolved", satisfaction="satisfied", user="王丽")
    now = datetime.now(UTC)
    pushed = claim(ctx, "hrss", "test", limit=10, now=now)
    assert len(pushed) >= 2
    sent = [Sent(c, SendResult("delivered", 201, queue_ref=f"q{i}"), 5, now) for i, c in enumerate(pushed)]
    assert record(ctx, sent, now=now, poll_after=None)["delivered"] == len(pushed)  # one append for all
    refused = claim(ctx, "legal_aid", "test", limit=1, now=now)
    record(
        ctx, [Sent(refused[0], SendResult("dead", 422, error="HTTP 422: 材料不全"), 5, now)], now=now, poll_after=None
    )
    retry_dead(ctx, refused[0].transfer_id, "王丽")
    reroute(ctx, refused[0].transfer_id, "court", "应由法院处理", "王丽")
    close_day(ctx, DAY, user="王丽")
    export_register(ctx, start=DAY, end=DAY, out_dir=tmp_path / "out", user="王丽")

    rows = assert_chained(ctx)
    assert [r.action for r in rows] == [
        "case.create",
        "case.create",
        "case.create",
        "receipt.print",
        "receipt.reprint",
        "case.note",
        "case.answer",
        "case.close",
        *["transfer.push"] * len(pushed),
        "transfer.dead",
        "transfer.retry",
        "transfer.reroute",
        "day.close",
        "register.export",
    ]
    assert [r.object_id for r in rows[:3]] == [first.case_no, second.case_no, third.case_no]
    # nobody's personal data in any record: details, objects, users
    with ctx.db.read() as s:
        everything = json.dumps(
            [list(r) for r in s.execute(select(AuditRecord.__table__)).all()], ensure_ascii=False, default=str
        )
    assert [p for p in PERSONAL if p in everything] == []


def _state(ctx) -> dict:
    with ctx.db.read() as s:
        out = {
            m.__tablename__: s.scalar(select(func.count()).select_from(m))
            for m in (Case, AuditRecord, ReceiptPrint, DayClose)
        }
        out["events"] = s.execute(text("SELECT count(*) FROM case_events")).scalar()
        out["outbox"] = sorted(s.execute(select(OutboxEntry.state, OutboxEntry.attempts)).all())
        out["transfers"] = sorted(s.execute(select(Transfer.status, Transfer.department)).all())
        out["cases"] = sorted(s.execute(select(Case.status, Case.version)).all())
        out["head"] = s.execute(select(AuditChain.seq, AuditChain.hash)).one()
    return out


def _now() -> datetime:
    return datetime.now(UTC)


SITES = {
    "intake": lambda ctx, no, c: register_case(ctx, base_case(ctx.config, received_at=RECEIVED)),
    "intake_many": lambda ctx, no, c: register_many(ctx, [base_case(ctx.config, received_at=RECEIVED)] * 2),
    "receipt": lambda ctx, no, c: render_receipt(ctx, no, "a4"),
    "note": lambda ctx, no, c: add_note(ctx, no, "备注", user="x"),
    "answer": lambda ctx, no, c: record_answer(
        ctx, no, department="hrss", kind="accepted", text="", department_case_no="N1", user="x"
    ),
    "close": lambda ctx, no, c: close_case(ctx, no, outcome="resolved", satisfaction="satisfied", user="x"),
    "push": lambda ctx, no, c: record(
        ctx, [Sent(c, SendResult("delivered", 201, queue_ref="q"), 5, _now())], now=_now(), poll_after=1
    ),
    "dead": lambda ctx, no, c: record(
        ctx, [Sent(c, SendResult("dead", 422, error="x"), 5, _now())], now=_now(), poll_after=1
    ),
    "reroute": lambda ctx, no, c: reroute(ctx, c.transfer_id, "court", "应由法院处理", "x"),
    "close_day": lambda ctx, no, c: close_day(ctx, DAY, user="x"),
}


def _broken_append(session, ctx, entries):
    raise RuntimeError("audit store down")


@pytest.mark.parametrize("site", sorted(SITES))
def test_a_failing_audit_write_leaves_nothing_at_each_site(ctx, monkeypatch, site):
    """The change and its audit record are one transaction: if appending fails, the change is not there."""
    no = register_case(ctx, base_case(ctx.config, received_at=RECEIVED)).case_no
    (c,) = claim(ctx, "hrss", "test", limit=1, now=datetime.now(UTC))
    before = _state(ctx)
    monkeypatch.setattr(audit, "append", _broken_append)
    with pytest.raises(RuntimeError, match="audit store down"):
        SITES[site](ctx, no, c)
    monkeypatch.undo()
    assert _state(ctx) == before
    SITES[site](ctx, no, c)  # and with the audit trail working, it goes through, chained
    assert _state(ctx) != before
    assert_chained(ctx)


def test_retry_of_a_dead_letter_fails_whole_without_its_audit_record(ctx, monkeypatch):
    no = register_case(ctx, base_case(ctx.config, received_at=RECEIVED)).case_no
    (c,) = claim(ctx, "hrss", "test", limit=1, now=datetime.now(UTC))
    SITES["dead"](ctx, no, c)
    before = _state(ctx)
    monkeypatch.setattr(audit, "append", _broken_append)
    with pytest.raises(RuntimeError):
        retry_dead(ctx, c.transfer_id, "x")
    monkeypatch.undo()
    assert _state(ctx) == before
    retry_dead(ctx, c.transfer_id, "x")
    assert_chained(ctx)


def test_personal_data_in_a_detail_is_refused_and_nothing_is_written(ctx):
    register_case(ctx, base_case(ctx.config, received_at=RECEIVED))
    before = _state(ctx)
    for detail in (
        {"id": "110105199003071239"},
        {"note": "身份证11010519491231002X"},
        {"legacy": "110105900307123"},
        {"phone": "13812345678"},
        {"list": ["+86 13812345678"]},
    ):
        with pytest.raises(ValueError, match="personal data"), ctx.db.write() as s:
            audit.append(s, ctx, [{"action": "test.leak", "detail": detail}])
    assert _state(ctx) == before
    # what audit details do carry is fine: digests, case numbers, transfer ids, counts
    ok = {
        "sha256": hashlib.sha256(b"x").hexdigest(),
        "case": "ZZ-150304-W01-2025-000123",
        "transfer": "5f0c2b1e-1234-4cde-9876-138123456780",
        "bytes": 1381234567,
    }
    with ctx.db.write() as s:
        audit.append(s, ctx, [{"action": "test.ok", "detail": ok}])
    assert_chained(ctx)


def test_append_checks_its_entries(ctx):
    with pytest.raises(ValueError, match="action"), ctx.db.write() as s:
        audit.append(s, ctx, [{"user": "x"}])
    with pytest.raises(ValueError, match="unknown audit field"), ctx.db.write() as s:
        audit.append(s, ctx, [{"action": "x", "who": "x"}])
    with pytest.raises(ValueError, match="naive"), ctx.db.write() as s:
        audit.append(s, ctx, [{"action": "x", "at": datetime(2025, 1, 1)}])
    with ctx.db.write() as s:
        audit.append(s, ctx, [])  # nothing to do
        audit.append(s, ctx, [{"action": "x", "object_id": 42}, {"action": "y", "detail": {"k": (1, 2)}}])
    rows = assert_chained(ctx)
    assert [(r.action, r.object_id) for r in rows] == [("x", "42"), ("y", None)]
    with ctx.db.read() as s:
        x, y = s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars().all()
    assert (x.workstation, x.result, y.detail) == (ctx.config.workstation.code, "ok", {"k": [1, 2]})


# -- the database refuses changes ------------------------------------------------------------------------


def test_update_and_delete_on_the_audit_log_are_refused_by_the_database(ctx):
    a_few_records(ctx, 1)
    for stmt in (
        "UPDATE audit_log SET result = 'denied'",
        "UPDATE audit_log SET detail = NULL WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log",
        # the head only moves forward
        "UPDATE audit_chain SET seq = seq - 1",
        "UPDATE audit_chain SET hash = '" + "0" * 64 + "'",
        "UPDATE audit_chain SET id = 2",
        "DELETE FROM audit_chain",
    ):
        with pytest.raises(DBAPIError, match=r"append-only|only moves forward"), ctx.db.write() as s:
            s.execute(text(stmt))
    with pytest.raises(DBAPIError), ctx.db.write() as s:  # one head only
        s.execute(text("INSERT INTO audit_chain (id, seq, hash, updated_at) VALUES (2, 0, 'x', CURRENT_TIMESTAMP)"))
    # and through a plain sqlite3 connection (no application code in between)
    conn = sqlite3.connect(db_file(ctx))
    try:
        with pytest.raises(sqlite3.IntegrityError, match="audit_log is append-only"):
            conn.execute("DELETE FROM audit_log")
        with pytest.raises(sqlite3.IntegrityError, match="audit_log is append-only"):
            conn.execute("UPDATE audit_log SET user = 'x'")
    finally:
        conn.close()
    assert len(assert_chained(ctx)) == 2
    a_few_records(ctx, 1)  # the chain goes on
    assert len(assert_chained(ctx)) == 4


# -- tampering: detected and located ---------------------------------------------------------------------


def test_an_edited_record_is_located(ctx, cli):
    a_few_records(ctx)
    assert cli("audit", "verify")[0] == 0
    tamper(ctx, """UPDATE audit_log SET detail = '{"chars": 1}' WHERE seq = 4""")
    report = verify(ctx)
    assert problems(report) == [("audit.edited", 4, 4)]
    code, out, err = cli("--lang", "en", "audit", "verify")
    assert code == 1
    assert out.splitlines() == ["seq 4 (id 4): the record's content does not match its hash: the record was changed"]
    assert "NOT intact: 1 problem" in err
    code, out, _ = cli("audit", "verify")
    assert code == 1 and out.splitlines() == ["序号 4（id 4）：记录内容与其哈希不符：记录被修改"]


def test_a_record_whose_hash_was_recomputed_alone_is_located_by_the_next_link(ctx):
    a_few_records(ctx)
    with ctx.db.read() as s:
        r = s.execute(select(AuditRecord).where(AuditRecord.seq == 3)).scalar_one()
    forged = record_hash(
        r.prev_hash,
        seq=3,
        at=r.at,
        user="张建军",
        workstation=r.workstation,
        action=r.action,
        object_type=r.object_type,
        object_id=r.object_id,
        result=r.result,
        detail=r.detail,
    )
    tamper(ctx, "UPDATE audit_log SET user = '张建军', hash = ? WHERE seq = 3", params=[(forged,)])
    report = verify(ctx)
    assert problems(report) == [("audit.link", 4, 4)]
    assert "seq 3 (id 3)" in report.problems[0].message("en")


def test_a_deleted_record_is_located(ctx, cli):
    a_few_records(ctx)
    tamper(ctx, "DELETE FROM audit_log WHERE seq = 3")
    report = verify(ctx)
    assert problems(report) == [("audit.missing", 3, None)]
    code, out, _ = cli("--lang", "en", "audit", "verify")
    assert code == 1
    assert out.splitlines() == ["seq 3: 1 record(s) missing, seq 3–3 (between id 2 and id 4): records were deleted"]


def test_a_deleted_record_with_the_rest_renumbered_is_located_by_the_link(ctx):
    a_few_records(ctx)
    tamper(ctx, "DELETE FROM audit_log WHERE seq = 3", "UPDATE audit_log SET seq = seq - 1 WHERE seq > 3")
    report = verify(ctx)
    codes = problems(report)
    assert codes[0] == ("audit.link", 3, 4)  # the record now at seq 3 was linked to the deleted one
    assert ("audit.edited", 3, 4) in codes  # and its hash covered seq 4
    assert ("audit.truncated", 6, None) in codes  # the head still says 6


def test_two_swapped_records_are_located(ctx, cli):
    a_few_records(ctx)
    # records 2 and 4 change places (each keeps its own hashes)
    tamper(
        ctx,
        "UPDATE audit_log SET seq = -1 WHERE id = 2",
        "UPDATE audit_log SET seq = 2 WHERE id = 4",
        "UPDATE audit_log SET seq = 4 WHERE id = 2",
    )
    report = verify(ctx)
    codes = problems(report)
    assert ("audit.edited", 2, 4) in codes and ("audit.edited", 4, 2) in codes  # each hash covered its seq
    assert ("audit.order", 3, 3) in codes and ("audit.order", 4, 2) in codes  # ids along seq: 1, 4, 3, 2, 5, 6
    assert {seq for _, seq, _ in codes} == {2, 3, 4, 5}  # nothing reported elsewhere
    code, out, _ = cli("--lang", "en", "audit", "verify")
    assert code == 1 and len(out.splitlines()) == len(codes)
    assert "seq 2 (id 4): the record's content does not match its hash: the record was changed" in out
    assert "seq 4 (id 2): out of order: it follows seq 3 (id 3) but has a smaller id" in out


def test_swapped_records_with_the_chain_recomputed_are_located_by_order_and_stored_heads(ctx, tmp_path, cli):
    a_few_records(ctx, 2)
    out = export_register(ctx, start=DAY, end=DAY, out_dir=tmp_path / "out").manifest
    anchored = json.loads(out.read_text(encoding="utf-8"))["audit_head"]
    assert anchored["seq"] == 4
    a_few_records(ctx, 1)
    # swap the contents of records 2 and 3 (so "a note before its case"), renumber, re-hash everything
    tamper(
        ctx,
        "UPDATE audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = -2",
    )
    rehash_from(ctx, 2)
    report = verify(ctx)
    assert problems(report) == [("audit.order", 3, 2)]  # ids along seq: 1, 3, 2, 4, 5, 6, …
    code, out_text, _ = cli("--lang", "en", "audit", "verify", "--manifest", str(out))
    assert code == 1
    lines = out_text.splitlines()
    assert lines[0].startswith("seq 3 (id 2): out of order")
    assert lines[1] == (
        f"seq 4 (id 4): the head recorded by the export manifest {out} does not match the hash of seq 4: "
        "the log was rewritten"
    )


def test_a_truncated_tail_is_located(ctx, cli):
    a_few_records(ctx)
    tamper(ctx, "DELETE FROM audit_log WHERE seq > 4")
    assert problems(verify(ctx)) == [("audit.truncated", 5, None)]
    code, out, _ = cli("--lang", "en", "audit", "verify")
    assert code == 1
    assert out.splitlines() == [
        "seq 5: the head says seq 6 but the log ends at seq 4: the last 2 record(s) were deleted"
    ]


def test_a_truncated_tail_with_the_head_moved_back_is_found_by_the_day_close_and_the_manifest(ctx, tmp_path, cli):
    a_few_records(ctx, 2)
    closed = close_day(ctx, DAY, user="王丽")
    manifest = export_register(ctx, start=DAY, end=DAY, out_dir=tmp_path / "out").manifest
    head = json.loads(manifest.read_text(encoding="utf-8"))["audit_head"]
    with ctx.db.read() as s:
        stored = s.execute(select(DayClose.manifest)).scalar_one()["audit_head"]
        day_close = s.execute(select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.action == "day.close")).one()
    assert head == stored == {"seq": day_close.seq, "hash": day_close.hash} and closed.case_count == 2
    a_few_records(ctx, 1)
    assert cli("audit", "verify", "--manifest", str(manifest))[0] == 0
    # cut everything from the day close on and move the head back to what remains
    with ctx.db.read() as s:
        keep = s.execute(select(AuditRecord.hash).where(AuditRecord.seq == head["seq"] - 1)).scalar_one()
    tamper(
        ctx,
        "DELETE FROM audit_log WHERE seq >= ?",
        "UPDATE audit_chain SET seq = ?, hash = ?",
        params=[(head["seq"],), (head["seq"] - 1, keep)],
    )
    assert problems(verify(ctx)) == [("audit.anchor_missing", head["seq"], None)]
    # the day close's stored head is in the same file: rewrite it too; the exported manifest still tells
    tamper(ctx, "UPDATE day_closes SET manifest = json_remove(manifest, '$.audit_head')")
    assert verify(ctx).intact
    code, out, _ = cli("--lang", "en", "audit", "verify", "--manifest", str(manifest))
    assert code == 1
    assert out.splitlines() == [
        f"seq {head['seq']}: the head recorded by the export manifest {manifest} (seq {head['seq']}) is no longer in "
        "the log: records were deleted or the log was truncated"
    ]


def test_records_outside_the_chain_in_a_rebuilt_table_are_counted(ctx):
    a_few_records(ctx, 2)
    # rebuilt without its constraints, a copy of record 3 added under the same seq, and one without a seq
    tamper(
        ctx,
        "CREATE TABLE loose AS SELECT * FROM audit_log",
        "DROP TABLE audit_log",
        "ALTER TABLE loose RENAME TO audit_log",
        "INSERT INTO audit_log SELECT 100, at, user, workstation, action, object_type, object_id, result, detail, "
        "seq, prev_hash, hash FROM audit_log WHERE seq = 3",
        "INSERT INTO audit_log (id, at, action, result, seq, prev_hash, hash) "
        "VALUES (101, '2025-06-02 01:00:00', 'x', 'ok', NULL, '', '')",
    )
    for batch in (3, 5000):  # the copy right after its original in a batch, or first in the next one
        report = verify(ctx, batch=batch)
        assert problems(report) == [
            ("audit.duplicate", 3, 100),
            ("audit.order", 4, 4),  # it follows the copy (same hash, so linked), whose id is larger
            ("audit.unchained", None, None),
        ], batch
    lines = [p.line("en") for p in report.problems]
    assert lines[0] == "seq 3 (id 100): duplicate seq (the same as id 3): a record was copied or inserted"
    assert lines[-1] == "1 record(s) have no seq (no place in the chain): the table was rebuilt"


def test_records_written_past_the_head_are_located(ctx):
    a_few_records(ctx, 1)
    assert audit.head(ctx)[0] == 2
    prev = audit.head(ctx)[1]
    at = datetime(2025, 6, 2, 1, 0, tzinfo=UTC)
    h = record_hash(
        prev, seq=3, at=at, user="x", workstation="W01", action="case.note", object_type=None, object_id=None,
        result="ok", detail=None,
    )  # fmt: skip
    tamper(
        ctx,
        "INSERT INTO audit_log (at, user, workstation, action, result, seq, prev_hash, hash) "
        "VALUES ('2025-06-02 01:00:00.000000', 'x', 'W01', 'case.note', 'ok', 3, ?, ?)",
        params=[(prev, h)],
    )
    assert problems(verify(ctx)) == [("audit.beyond_head", 3, None)]


def test_a_deleted_head_is_reported_and_stops_audited_writes(ctx, cli, cli_as):
    cli_as()
    a_few_records(ctx, 1)
    tamper(ctx, "DELETE FROM audit_chain")
    assert problems(verify(ctx)) == [("audit.no_head", None, None)]
    before = _state_without_head(ctx)
    with pytest.raises(AuditChainBroken):
        register_case(ctx, base_case(ctx.config, received_at=RECEIVED))
    assert _state_without_head(ctx) == before  # the case was not saved without its audit record
    code, out, err = cli("audit", "verify")
    assert code == 1 and out.strip() == "缺少审计链头（audit_chain）：链头被删除"
    code, _, err = cli("intake", str(_case_file(ctx)))  # not even the sign-in can be recorded
    assert code == 1 and "审计链头缺失" in err


def _state_without_head(ctx) -> tuple:
    with ctx.db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Case)),
            s.scalar(select(func.count()).select_from(AuditRecord)),
        )


def _case_file(ctx) -> Path:
    p = db_file(ctx).parent / "case.json"
    p.write_text(json.dumps(base_case(ctx.config, received_at=RECEIVED), ensure_ascii=False), encoding="utf-8")
    return p


def test_problems_across_batch_boundaries_are_found_the_same(ctx):
    a_few_records(ctx, 5)  # 10 records
    tamper(ctx, "DELETE FROM audit_log WHERE seq IN (4, 5)", """UPDATE audit_log SET result = 'x' WHERE seq = 7""")
    expected = [("audit.missing", 4, None), ("audit.edited", 7, 7)]
    for batch in (1, 2, 3, 4, 5000):
        assert problems(verify(ctx, batch=batch)) == expected, batch


def test_the_problem_list_is_capped_and_the_rest_counted(ctx, cli):
    a_few_records(ctx, 5)
    tamper(ctx, "UPDATE audit_log SET result = 'x'")
    report = verify(ctx, max_problems=3)
    assert len(report.problems) == 3 and report.omitted == 7 and not report.intact
    assert "10 problem(s)" in report.summary("en") and "7 not listed" in report.summary("en")
    assert report.as_dict()["omitted"] == 7


# -- the chain head in exports and day closes ------------------------------------------------------------


def test_exports_record_the_head_and_a_closed_days_re_export_keeps_the_one_of_its_close(ctx, tmp_path, cli):
    a_few_records(ctx, 2)
    live = export_register(ctx, start=DAY, end=DAY, out_dir=tmp_path / "live")
    m = json.loads(live.manifest.read_text(encoding="utf-8"))
    assert m["audit_head"] == {"seq": 4, "hash": chain_rows(ctx)[3].hash}  # before its own register.export
    close_day(ctx, DAY, user="王丽")
    with ctx.db.read() as s:
        close_seq = s.execute(select(AuditRecord.seq).where(AuditRecord.action == "day.close")).scalar_one()
    a = export_register(ctx, start=DAY, end=DAY, out_dir=tmp_path / "a")
    a_few_records(ctx, 1)
    b = export_register(ctx, start=DAY, end=DAY, out_dir=tmp_path / "b")
    assert a.manifest.read_bytes() == b.manifest.read_bytes()  # a closed day exports the same
    assert json.loads(a.manifest.read_text(encoding="utf-8"))["audit_head"]["seq"] == close_seq
    report = verify(ctx, manifests=[live.manifest, a.manifest])
    assert report.intact and report.anchors == 3  # the day close's and the two files'
    code, out, _ = cli(
        "--lang", "en", "audit", "verify", "--manifest", str(live.manifest), "--manifest", str(b.manifest)
    )
    assert code == 0 and out.startswith("audit trail intact: 10 record(s)") and "3 stored head(s)" in out


def test_a_manifest_that_cannot_be_checked_is_bad_input(ctx, tmp_path, cli):
    a_few_records(ctx, 1)
    bad = tmp_path / "manifest.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = cli("--lang", "en", "audit", "verify", "--manifest", str(bad))
    assert code == 2 and err.strip() == f"manifest: cannot read the export manifest {bad}: JSONDecodeError"
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format_version": 1}), encoding="utf-8")
    code, _, err = cli("audit", "verify", "--manifest", str(old))
    assert code == 2 and err.strip() == f"manifest: 导出清单 {old} 没有记载审计链头（0007 之前的导出）"
    code, _, err = cli("audit", "verify", "--manifest", str(tmp_path / "missing.json"))
    assert code == 2 and "无法读取导出清单" in err


# -- reception audit list ---------------------------------------------------------------------------------


def test_audit_list_filters_and_shows_the_detail(ctx, cli, cli_as):
    cli_as("auditor", "shenjiyuan")  # audit.view; the command line signs in as this auditor
    before = len(audit.records(ctx, limit=100_000))
    nos = a_few_records(ctx, 2)
    other = register_case(ctx, base_case(ctx.config, received_at=RECEIVED), user="张建军").case_no
    code, out, err = cli("audit", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("\t") == ["时间", "用户", "工作站", "操作", "对象", "结果", "详情"]
    total = before + 5 + 1  # the listing's own sign-in is recorded first
    assert len(lines) == 1 + total and f"共 {total} 条" in err
    newest, case_created = lines[1].split("\t"), lines[2].split("\t")
    assert newest[1] == "shenjiyuan" and newest[3] == "login"
    assert case_created[1:6] == ["张建军", "W01", "case.create", f"case:{other}", "ok"]
    assert json.loads(case_created[6]) == {"department": "hrss", "status": "routed", "window": "petition"}
    code, out, _ = cli("audit", "list", "--user", "王丽", "--action", "case.note", "--json")
    got = json.loads(out)
    assert [(e["seq"] - before, e["action"], e["object_id"], e["detail"]) for e in got] == [
        (4, "case.note", nos[1], {"chars": 5}),
        (2, "case.note", nos[0], {"chars": 5}),
    ]
    assert set(got[0]) == {
        "seq", "id", "at", "user", "workstation", "action", "object_type", "object_id", "result", "detail", "hash"
    }  # fmt: skip
    code, out, _ = cli("audit", "list", "--action", "case", "--limit", "2", "--json")
    assert [e["seq"] - before for e in json.loads(out)] == [5, 4]
    code, out, _ = cli("audit", "list", "--action", "case_", "--json")  # LIKE wildcards are plain text
    assert json.loads(out) == []
    today = datetime.now(ZoneInfo(ctx.config.centre.timezone)).date()
    code, out, _ = cli("audit", "list", "--action", "case", "--from", (today - timedelta(days=2)).isoformat(), "--json")
    assert len(json.loads(out)) == 5
    code, out, _ = cli("audit", "list", "--to", (today - timedelta(days=2)).isoformat(), "--json")
    assert json.loads(out) == []


def test_audit_list_needs_audit_view_and_a_sign_in(ctx, cli, cli_as, monkeypatch):
    a_few_records(ctx, 1)
    code, out, err = cli("audit", "list")
    assert (code, out) == (3, "") and "请用 --as 用户名 登录" in err
    cli_as("clerk")
    code, out, err = cli("audit", "list")
    assert (code, out) == (3, "") and err.strip() == "窗口受理员无权查看审计日志"
    monkeypatch.setenv("RECEPTION_PASSWORD", "not-the-password")
    code, out, err = cli("audit", "list", "--as", "admin")
    assert (code, out) == (3, "") and "用户名或密码错误" in err
    # verify needs nobody: it must work however damaged the chain is
    monkeypatch.delenv("RECEPTION_USER")
    assert cli("audit", "verify")[0] == 0


def test_audit_list_days_are_hall_days(ctx):
    with ctx.db.write() as s:
        audit.append(
            s,
            ctx,
            [
                {"action": "t.late", "at": datetime(2025, 6, 1, 15, 59, 59, tzinfo=UTC)},  # 23:59:59 in Shanghai
                {"action": "t.early", "at": datetime(2025, 6, 1, 16, 0, 0, tzinfo=UTC)},  # 00:00 on 2 June
            ],
        )
    assert [e.action for e in audit.records(ctx, start=DAY, end=DAY)] == ["t.early"]
    assert [e.action for e in audit.records(ctx, end=DAY - timedelta(days=1))] == ["t.late"]


def test_audit_list_bad_input_names_the_field(cli, cli_as, ctx):
    cli_as("auditor", "shenjiyuan")
    code, _, err = cli("--lang", "en", "audit", "list", "--limit", "0")
    assert code == 2 and err.strip() == "limit: must be a whole number from 1 to 100000"
    code, _, err = cli("audit", "list", "--from", "2025-06-02", "--to", "2025-06-01")
    assert code == 2 and err.strip() == "to: 不能早于起始日期 2025-06-02"
    with pytest.raises(SystemExit):
        main(["audit", "list", "--from", "2025-13-01"])
