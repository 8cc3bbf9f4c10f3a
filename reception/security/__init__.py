"""Who may do what: roles and their permissions (accounts and sign-in arrive in a later version).

Until accounts exist, callers pass a role code (``"clerk"``, ``"duty_leader"``, …) to the core
functions that need one; the command line acts as ``clerk``.
"""

from reception.security.roles import (
    PERMISSIONS,
    ROLES,
    PermissionDenied,
    Principal,
    Role,
    UnknownRole,
    acting,
    check_role,
    may,
    require,
    role_label,
)

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "PermissionDenied",
    "Principal",
    "Role",
    "UnknownRole",
    "acting",
    "check_role",
    "may",
    "require",
    "role_label",
]
