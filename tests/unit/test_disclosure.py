"""On screen: numbers masked and sensitive data hidden by role; full numbers only with the permission and
a reason, audited (reception.disclosure)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reception import intake
from reception.disclosure import HIDDEN, case_view, reveal_case
from reception.errors import ValidationFailed
from reception.security import PermissionDenied, Principal
from reception.storage.models import AuditRecord
from tests.factories import base_case

CLERK = Principal("lixiaomei", "李晓梅", "clerk")
AUDITOR = Principal("chenjing", "陈静", "auditor")
LEGAL_AID = Principal("sunli", "孙丽", "legal_aid")


@pytest.fixture
def case_no(ctx) -> str:
    doc = base_case(ctx.config)
    doc["applicants"][0]["health"] = "高血压"
    return intake.register_case(ctx, doc, user=CLERK).case_no


def views(ctx) -> int:
    with ctx.db.read() as s:
        return s.scalar(select(func.count()).where(AuditRecord.action == "case.view_full"))


def test_numbers_masked_and_sensitive_hidden_by_default(ctx, case_no):
    a = case_view(ctx, case_no, CLERK)["applicants"][0]
    assert (a["id_number"], a["phone"], a["health"]) == ("110105********1239", "138****5678", HIDDEN)
    assert case_view(ctx, case_no, LEGAL_AID)["applicants"][0]["health"] == "高血压"
    assert views(ctx) == 0  # a default view is not a full view


def test_full_numbers_need_the_permission_and_a_reason(ctx, case_no):
    with pytest.raises(PermissionDenied):
        reveal_case(ctx, case_no, AUDITOR, "审计抽查")
    for reason, code in (("", "disclosure.reason_required"), ("x", "disclosure.reason_required")):
        with pytest.raises(ValidationFailed) as info:
            reveal_case(ctx, case_no, CLERK, reason)
        assert [(e.field, e.code) for e in info.value.errors] == [("reason", code)]
    with pytest.raises(ValidationFailed) as info:
        reveal_case(ctx, case_no, CLERK, "核对 110105199003071239")
    assert info.value.errors[0].code == "disclosure.reason_personal"
    assert views(ctx) == 0

    a = reveal_case(ctx, case_no, CLERK, "申请人来电，核对身份")["applicants"][0]
    assert (a["id_number"], a["phone"], a["health"]) == ("110105199003071239", "13812345678", HIDDEN)
    with ctx.db.read() as s:
        (row,) = s.scalars(select(AuditRecord).where(AuditRecord.action == "case.view_full")).all()
    assert (row.user, row.object_id, row.detail) == ("lixiaomei", case_no, {"reason": "申请人来电，核对身份"})
    assert reveal_case(ctx, case_no, LEGAL_AID, "法律援助审查")["applicants"][0]["health"] == "高血压"
