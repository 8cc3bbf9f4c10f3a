"""Roles and the permission table (accounts come later; the table already decides exports)."""

from __future__ import annotations

import pytest

from reception.security import PERMISSIONS, ROLES, PermissionDenied, UnknownRole, may, require, role_label


def test_the_six_roles_of_the_hall():
    assert {code: r.name for code, r in ROLES.items()} == {
        "clerk": "窗口受理员",
        "duty_leader": "值班领导",
        "liaison": "部门联络员",
        "auditor": "审计员",
        "admin": "管理员",
        "legal_aid": "法律援助审查员",
    }
    assert role_label("auditor", "en") == "Auditor"


@pytest.mark.parametrize(
    ("role", "full", "sensitive", "export"),
    [
        ("clerk", False, False, True),
        ("duty_leader", True, False, True),
        ("liaison", False, False, False),
        ("auditor", False, False, True),
        ("admin", False, False, True),
        ("legal_aid", True, True, True),
    ],
)
def test_export_permissions(role, full, sensitive, export):
    assert may(role, "export.full_personal_data") is full
    assert may(role, "view.sensitive") is sensitive
    assert may(role, "export.register") is export


def test_only_the_legal_aid_reviewer_sees_sensitive_data():
    assert [r for r in ROLES if may(r, "view.sensitive")] == ["legal_aid"]


def test_every_permission_is_described_and_checked():
    for perm, (zh, en) in PERMISSIONS.items():
        assert zh and en
        assert isinstance(may("admin", perm), bool)
    with pytest.raises(ValueError):
        may("clerk", "export.everything")
    with pytest.raises(UnknownRole) as info:
        may("director", "case.view")
    assert info.value.code == "security.unknown_role" and "clerk" in info.value.message("en")


def test_require_names_role_and_permission():
    require("clerk", "day.close")
    with pytest.raises(PermissionDenied) as info:
        require("liaison", "export.register")
    assert info.value.code == "security.denied"
    assert "部门联络员" in info.value.message("zh") and "导出" in info.value.message("zh")
