"""Test accounts: real accounts in the test database, made and signed in through the core.

Shared by the desk tests (``tests/ui/conftest.py``) and the command-line tests (the ``cli_as`` fixture of
``tests/conftest.py``, which signs the command line in through ``RECEPTION_USER`` and
``RECEPTION_PASSWORD``, as a script run by the IT clerk would).
"""

from __future__ import annotations

#: the administrator every test database gets first (``create_first_admin``): user name, name, password
ADMIN = ("admin", "王管理", "Hall-Pass-2026!")
#: the clerk the ``desk`` fixture and ``cli_as()`` sign in as
CLERK = ("lixiaomei", "李晓梅")
#: the password of every other test account
PASSWORD = "Desk-Pass-2026!"


def sign_in(
    ctx,
    role: str = "clerk",
    username: str = CLERK[0],
    display_name: str = CLERK[1],
    *,
    password: str = PASSWORD,
    department: str | None = None,
    changed_first_password: bool = False,
):
    """An account of ``role`` in the test database (made by the administrator, who is made first if the
    database has no account yet), signed in through the core (``authenticate``): the ``Principal``.
    ``role="admin"`` with the default name signs in as that administrator. An account that exists already
    is signed in, not made again. A new account's first password must be changed before the command line
    lets it act: ``changed_first_password`` does that (the first password is then ``password`` too)."""
    from reception.security.accounts import (
        add_user,
        authenticate,
        change_password,
        create_first_admin,
        has_accounts,
        list_users,
    )

    admin_name, admin_display, admin_password = ADMIN
    if not has_accounts(ctx):
        admin = create_first_admin(ctx, admin_name, admin_display, admin_password)
    else:
        admin = authenticate(ctx, admin_name, admin_password)
    if role == "admin" and username == CLERK[0]:
        return admin
    if username not in {a.username for a in list_users(ctx, admin)}:
        first = "First-" + password if changed_first_password else password
        add_user(ctx, admin, username, display_name, role, first, department=department)
        if changed_first_password:
            change_password(ctx, authenticate(ctx, username, first), first, password)
    return authenticate(ctx, username, password)


def password_of(principal) -> str:
    return ADMIN[2] if principal.username == ADMIN[0] else PASSWORD


__all__ = ["ADMIN", "CLERK", "PASSWORD", "password_of", "sign_in"]
