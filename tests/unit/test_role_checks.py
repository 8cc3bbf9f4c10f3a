"""The core refuses by role: every function a role limits, called with a signed-in ``Principal`` that
lacks the permission, raises PermissionDenied and writes nothing; with the permission it works and the
audit trail names the account. (A plain name is the command line's and the scheduled services' way
in; see ``reception.security.roles.acting``.)"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from reception import backup, export, intake, receipts, tracking
from reception.dispatch.outbox import reroute, retry_dead
from reception.security import PermissionDenied, Principal
from reception.storage.models import AuditRecord, Case, Transfer
from tests.factories import base_case

CLERK = Principal("lixiaomei", "李晓梅", "clerk")
AUDITOR = Principal("chenjing", "陈静", "auditor")
LIAISON = Principal("liu.hrss", "刘建国", "liaison", department="hrss")
ADMIN = Principal("admin", "王管理", "admin")


@pytest.fixture
def case_no(ctx) -> str:
    return intake.register_case(ctx, base_case(ctx.config), user=CLERK).case_no


def audit_count(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditRecord))


def hrss_transfer(ctx, case_no) -> str:
    with ctx.db.read() as s:
        return s.scalar(
            select(Transfer.id)
            .join(Case, Case.id == Transfer.case_id)
            .where(Case.case_no == case_no, Transfer.department == "hrss")
        )


CALLS = {
    "register": (
        AUDITOR,
        "case.register",
        lambda ctx, c, p, tmp: intake.register_case(ctx, base_case(ctx.config), user=p),
    ),
    "note": (AUDITOR, "case.track", lambda ctx, c, p, tmp: tracking.add_note(ctx, c, "备注", user=p)),
    "answer": (
        AUDITOR,
        "case.track",
        lambda ctx, c, p, tmp: tracking.record_answer(ctx, c, department="hrss", kind="accepted", text="", user=p),
    ),
    "close": (
        LIAISON,
        "case.close",
        lambda ctx, c, p, tmp: tracking.close_case(ctx, c, outcome="resolved", satisfaction="satisfied", user=p),
    ),
    "retry": (LIAISON, "routing.override", lambda ctx, c, p, tmp: retry_dead(ctx, hrss_transfer(ctx, c), p)),
    "reroute": (
        AUDITOR,
        "routing.override",
        lambda ctx, c, p, tmp: reroute(ctx, hrss_transfer(ctx, c), "labour_arbitration", "改由仲裁院办理", p),
    ),
    "print": (ADMIN, "receipt.print", lambda ctx, c, p, tmp: receipts.render_receipt(ctx, c, "a4", user=p)),
    "close_day": (LIAISON, "day.close", lambda ctx, c, p, tmp: export.close_day(ctx, date(2026, 3, 1), user=p)),
    "export": (
        LIAISON,
        "export.register",
        lambda ctx, c, p, tmp: export.export_register(
            ctx, start=date(2026, 3, 1), end=date(2026, 3, 1), out_dir=tmp, user=p
        ),
    ),
    "backup": (LIAISON, "backup.create", lambda ctx, c, p, tmp: backup.backup(ctx, tmp / "b.sqlite3", user=p)),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_role_without_the_permission_is_refused_and_nothing_is_written(ctx, case_no, tmp_path, name):
    who, permission, call = CALLS[name]
    before = audit_count(ctx)
    with pytest.raises(PermissionDenied) as info:
        call(ctx, case_no, who, tmp_path / "out")
    assert info.value.permission == permission and info.value.role == who.role
    assert audit_count(ctx) == before
    assert not (tmp_path / "out").exists()


def test_a_restore_needs_the_administrator(ctx, tmp_path):
    with pytest.raises(PermissionDenied):
        backup.restore(ctx.db.url, tmp_path / "none.sqlite3", user=CLERK)


def test_with_the_permission_the_audit_trail_names_the_account(ctx, case_no):
    tracking.add_note(ctx, case_no, "申请人来电询问", user=LIAISON)
    tracking.close_case(ctx, case_no, outcome="resolved", satisfaction="satisfied", user=CLERK)
    with ctx.db.read() as s:
        rows = s.execute(select(AuditRecord.action, AuditRecord.user).order_by(AuditRecord.seq)).all()
    assert (
        ("case.create", "lixiaomei") in rows
        and ("case.note", "liu.hrss") in rows
        and ("case.close", "lixiaomei") in rows
    )


def test_an_export_by_a_signed_in_person_uses_their_role(ctx, case_no, tmp_path):
    import json

    day = datetime.now(UTC).date()
    leader = Principal("zhaoqiang", "赵强", "duty_leader")
    done = export.export_register(ctx, start=day, end=day, out_dir=tmp_path / "x", user=leader, role="clerk")
    manifest = json.loads(done.manifest.read_text(encoding="utf-8"))
    assert manifest["exported_by"]["role"] == "duty_leader" and manifest["exported_by"]["user"] == "zhaoqiang"
