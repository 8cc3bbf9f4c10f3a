"""Roles of the reception hall (domain.md §7) and what each may do.

The table below is the single place that says who may see or take out which data. Personal data
follow domain.md §5: ID numbers and phones are shown masked (``110105********1239``,
``138****5678``) unless a role may see them in full; income, health, bank data and household
property (个人信息保护法第二十八条, sensitive) only for the legal-aid reviewer.

Who is signed in, with which role: ``reception.security.accounts``; the desk passes the signed-in
:class:`Principal`, and so does the command line (``reception.cli_signin``). The core checks it with
:func:`acting`.
"""

from __future__ import annotations

from dataclasses import dataclass

from reception.errors import ReceptionError


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    name_en: str

    def label(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name


ROLES: dict[str, Role] = {
    r.code: r
    for r in (
        Role("clerk", "窗口受理员", "Intake clerk"),
        Role("duty_leader", "值班领导", "Duty leader"),
        Role("liaison", "部门联络员", "Department liaison"),
        Role("auditor", "审计员", "Auditor"),
        Role("admin", "管理员", "Administrator"),
        Role("legal_aid", "法律援助审查员", "Legal-aid reviewer"),
    )
}

#: permission code -> (zh, en) description
PERMISSIONS: dict[str, tuple[str, str]] = {
    "case.register": ("受理登记", "register cases"),
    "case.view": ("查看案件", "view cases"),
    "case.view_personal": (
        "查看完整的证件号码、电话和住址",
        "see ID numbers, phones and addresses in full",
    ),
    "view.sensitive": (
        "查看敏感个人信息（收入、健康、银行、家庭财产）",
        "see sensitive personal data (income, health, bank, household property)",
    ),
    "receipt.print": ("打印回执和转办单", "print receipts and transfer slips"),
    "routing.override": ("改派承办部门", "override the routing"),
    "intake.leader_override": ("批准受理复核终结的信访事项", "approve a petition closed after 复核"),
    "transfer.handle": ("签收、反馈转办事项", "accept and answer transfers"),
    "export.register": ("导出登记簿和日结报表", "export the register and the day summary"),
    "export.full_personal_data": (
        "导出不脱敏的个人信息",
        "export personal data unmasked",
    ),
    "day.close": ("日结", "close a day"),
    "audit.view": ("查看审计日志", "view the audit log"),
    "config.manage": ("管理本厅配置", "manage the hall configuration"),
    "secret.manage": ("管理密钥", "manage secrets"),
    "user.manage": ("管理用户账户", "manage user accounts"),
    "case.track": ("记录案件备注和部门答复", "add notes and record departments' answers"),
    "case.close": ("办结案件", "close cases"),
    "backup.create": ("备份数据库", "back up the database"),
    "database.restore": ("从备份恢复数据库", "restore the database from a backup"),
}

_GRANTS: dict[str, frozenset[str]] = {
    "clerk": frozenset(
        {
            "case.register",
            "case.track",
            "case.close",
            "backup.create",
            "case.view",
            "case.view_personal",
            "receipt.print",
            "routing.override",
            "export.register",
            "day.close",
        }
    ),
    "duty_leader": frozenset(
        {
            "case.register",
            "case.track",
            "case.close",
            "backup.create",
            "case.view",
            "case.view_personal",
            "receipt.print",
            "routing.override",
            "intake.leader_override",
            "export.register",
            "export.full_personal_data",
            "day.close",
        }
    ),
    "liaison": frozenset({"case.view", "case.view_personal", "transfer.handle", "case.track"}),
    "auditor": frozenset({"case.view", "audit.view", "export.register"}),
    "admin": frozenset(
        {
            "case.view",
            "audit.view",
            "config.manage",
            "secret.manage",
            "export.register",
            "user.manage",
            "backup.create",
            "database.restore",
        }
    ),
    "legal_aid": frozenset(
        {
            "case.view",
            "case.view_personal",
            "view.sensitive",
            "export.register",
            "export.full_personal_data",
        }
    ),
}

assert set(_GRANTS) == set(ROLES)
assert all(p in PERMISSIONS for grants in _GRANTS.values() for p in grants)


class UnknownRole(ReceptionError):
    code = "security.unknown_role"

    def __init__(self, role: str):
        choices = ", ".join(ROLES)
        super().__init__(f"未知的角色“{role}”（可选：{choices}）", f'unknown role "{role}" (choices: {choices})')
        self.role = role


class PermissionDenied(ReceptionError):
    code = "security.denied"

    def __init__(self, role: str, permission: str):
        r = ROLES[role]
        zh, en = PERMISSIONS[permission]
        super().__init__(f"{r.name}无权{zh}", f"a {r.name_en.lower()} may not {en}")
        self.role = role
        self.permission = permission


def check_role(role: str) -> Role:
    """The role of that code; :class:`UnknownRole` otherwise."""
    try:
        return ROLES[role]
    except KeyError:
        raise UnknownRole(role) from None


def may(role: str, permission: str) -> bool:
    """Whether ``role`` has ``permission``. An unknown permission is a programming error (``ValueError``);
    an unknown role raises :class:`UnknownRole`."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    check_role(role)
    return permission in _GRANTS[role]


def require(role: str, permission: str) -> None:
    """Raise :class:`PermissionDenied` unless ``role`` has ``permission``."""
    if not may(role, permission):
        raise PermissionDenied(role, permission)


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in person (``reception.security.accounts``)."""

    username: str
    display_name: str
    role: str
    user_id: int | None = None
    department: str | None = None
    #: an administrator reset the password: choose a new one before anything else
    must_change_password: bool = False

    def may(self, permission: str) -> bool:
        return may(self.role, permission)

    def require(self, permission: str) -> None:
        require(self.role, permission)

    def label(self) -> str:
        return f"{self.display_name}（{self.username}）"


def acting(user: Principal | str | None, permission: str) -> str | None:
    """The name the audit trail records for ``user``, after the role check.

    A signed-in :class:`Principal` (what the desk passes) must hold ``permission``, else
    :class:`PermissionDenied` — the core refuses, whatever the screens show. A plain name is a caller
    that has done its own checking: the command line (which does not sign in yet) and the scheduled
    services (``dispatcher``, ``daily-backup``)."""
    if isinstance(user, Principal):
        user.require(permission)
        return user.username
    return user


def role_label(role: str, lang: str = "zh") -> str:
    r = ROLES.get(role)
    return r.label(lang) if r else role
