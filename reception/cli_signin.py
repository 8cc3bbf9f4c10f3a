"""Who acts on the command line: a signed-in person, or the workstation's own jobs.

Everything a person does at the desk, they do on the command line signed in, as themselves:

    reception note 15030-2026-000123 "已电话告知" --as lixiaomei     # asks for lixiaomei's password

* **Who:** ``--as NAME``, else the environment variable ``RECEPTION_USER``. The operating system's login
  name is *not* taken for an account: a shared hall workstation is often signed in to Windows as one
  user for everyone.
* **The password:** ``RECEPTION_PASSWORD`` if set (for a script run by the IT clerk; like the desk's
  unattended ``--user``), else asked for at a terminal without echo, else the first line of standard
  input (before anything else the command reads there). Never an argument: it would land in the shell's
  history and the process list.
* The core then checks the person's role exactly as for the desk (``reception.security.acting``), and the
  audit trail names them. Each run is one sign-in, audited like the desk's (``login``, wrong passwords
  counting towards the lock).

What the workstation does on its own needs no person: ``init`` (create or migrate the database), ``about``,
``dispatch`` (the push service), ``backup --auto`` (the scheduled daily backup), ``status`` and
``departments`` (queue health, no personal data), ``verify`` (a receipt's code, which the visitor may have
checked anywhere), ``audit verify`` (positions and record ids only; it must work when the chain is too
damaged for a sign-in to be recorded), ``secret`` (the Windows account's own keyring: the database password
must be there before the database, and so any account, can be opened), and ``user setup`` / ``user passwd``
(which are the sign-in).

Exit code 3: nobody signed in (no name, a wrong password, a locked or disabled account, a password the
administrator reset and not yet changed) or the person's role may not do it.
"""

from __future__ import annotations

import os
import sys

from reception.errors import ReceptionError
from reception.security.roles import Principal

USER_ENV = "RECEPTION_USER"
PASSWORD_ENV = "RECEPTION_PASSWORD"


class NotSignedIn(ReceptionError):
    code = "auth.not_signed_in"


def _no_name() -> NotSignedIn:
    return NotSignedIn(
        f"请用 --as 用户名 登录（或设置环境变量 {USER_ENV}），随后输入密码",
        f"sign in with --as USERNAME (or set {USER_ENV}); the password is asked for",
    )


def _no_accounts() -> NotSignedIn:
    return NotSignedIn(
        "还没有用户账户：请先用 reception user setup 创建管理员，再由管理员添加账户",
        "no accounts yet: create the administrator with `reception user setup`, who then adds the accounts",
    )


def _must_change(name: str) -> NotSignedIn:
    return NotSignedIn(
        f"管理员重置了 {name} 的密码：请先用 reception user passwd {name} 设置新密码",
        f"an administrator reset {name}'s password: set a new one first with `reception user passwd {name}`",
    )


def read_password(prompt: str, *, environment: bool = True) -> str:
    """A password: ``RECEPTION_PASSWORD`` (if ``environment``), else typed at the terminal without echo,
    else one line of standard input."""
    if environment and (value := os.environ.get(PASSWORD_ENV)) is not None:
        return value
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt, stream=sys.stderr)
    return sys.stdin.readline().rstrip("\r\n")


def username(args) -> str | None:
    """The name given with ``--as``, else ``RECEPTION_USER``; None if neither."""
    name = (getattr(args, "as_user", None) or os.environ.get(USER_ENV) or "").strip()
    return name or None


def sign_in(ctx, args) -> Principal:
    """The person named by ``args`` (see the module's docstring), signed in through
    ``reception.security.accounts.authenticate``; :class:`NotSignedIn` or the sign-in's own refusal
    (wrong password, locked, disabled) otherwise."""
    from reception.security.accounts import authenticate, has_accounts

    name = username(args)
    if name is None:
        raise _no_name()
    if not has_accounts(ctx):
        raise _no_accounts()
    principal = authenticate(ctx, name, read_password(f"{name} 的密码 / password: "))
    if principal.must_change_password:
        raise _must_change(principal.username)
    return principal


#: the refusals that make the command line exit with 3 (see the module's docstring)
def refusals() -> tuple[type[ReceptionError], ...]:
    from reception.security.accounts import AccountInactive, AccountLocked, LoginFailed
    from reception.security.roles import PermissionDenied

    return (NotSignedIn, LoginFailed, AccountLocked, AccountInactive, PermissionDenied)
