"""``reception user …``: accounts from the command line (``reception.security.accounts``).

Passwords are never arguments (they would land in the shell's history and the process list): at a
terminal they are asked for without echo (a new one twice); otherwise they are read from standard
input, one per line, in the order the command asks for them — for example, ``reception user add``
reads the administrator's own password, then the new account's first password.

    reception user setup admin --name 王管理                 # the first administrator (once)
    reception user add zhangsan --name 张三 --role clerk --as admin
    reception user list --as admin
    reception user reset zhangsan --as admin                  # a new password, changed at next sign-in
    reception user role lisi --role liaison --department hrss --as admin
    reception user unlock|disable|enable zhangsan --as admin
    reception user passwd zhangsan                            # one's own password (current, then new)
"""

from __future__ import annotations

import argparse
import json
import sys

from reception.errors import ValidationFailed, field_error


def _lang(args) -> str:
    return "en" if (getattr(args, "lang", None) or "zh").startswith("en") else "zh"


def _ask(prompt: str, *, twice: bool = False, field: str = "password") -> str:
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(prompt, stream=sys.stderr)
        if twice and getpass.getpass(prompt.rstrip(": ：") + "（再输一次）: ", stream=sys.stderr) != value:
            raise ValidationFailed([field_error("password.mismatch", field)])
        return value
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _context(args):
    from reception.cli import _context as context

    return context(args)


def _actor(ctx, args):
    from reception.cli_signin import sign_in

    return sign_in(ctx, args)


def cmd_user(args) -> int:
    from reception.security import accounts as acc
    from reception.security.roles import role_label

    zh = _lang(args) == "zh"
    ctx = _context(args)
    try:
        if args.action == "setup":
            password = _ask("管理员密码 / administrator's password: ", twice=True)
            p = acc.create_first_admin(ctx, args.username, args.name or "", password)
            print(f"已创建管理员 {p.username}" if zh else f"administrator {p.username} created")
            return 0
        if args.action == "passwd":
            old = _ask("当前密码 / current password: ")
            me = acc.authenticate(ctx, args.username, old)
            acc.change_password(ctx, me, old, _ask("新密码 / new password: ", twice=True))
            print("密码已更改" if zh else "password changed")
            return 0
        if not args.as_user:
            raise ValidationFailed([field_error("account.as_required", "as")])
        actor = _actor(ctx, args)
        if args.action == "list":
            accounts = acc.list_users(ctx, actor)
            if args.json:
                print(json.dumps([_account_dict(a) for a in accounts], ensure_ascii=False, indent=2))
                return 0
            for a in accounts:
                state = [] if a.active else ["停用" if zh else "inactive"]
                if a.locked():
                    state.append("已锁定" if zh else "locked")
                if a.must_change_password:
                    state.append("待改密码" if zh else "must change password")
                role = role_label(a.role, "zh" if zh else "en") + (f"/{a.department}" if a.department else "")
                print(f"{a.username}\t{a.display_name}\t{role}\t{', '.join(state)}")
            return 0
        if args.action == "add":
            password = _ask(f"{args.username} 的初始密码 / first password: ", twice=True)
            a = acc.add_user(
                ctx, actor, args.username, args.name or "", args.role or "", password, department=args.department
            )
            print(
                f"已创建账户 {a.username}（{role_label(a.role)}）" if zh else f"account {a.username} created ({a.role})"
            )
            return 0
        if args.action == "reset":
            password = _ask(f"{args.username} 的新密码 / new password: ", twice=True)
            acc.reset_password(ctx, actor, args.username, password)
        elif args.action == "role":
            acc.set_role(ctx, actor, args.username, args.role or "", department=args.department)
        elif args.action in ("disable", "enable"):
            acc.set_active(ctx, actor, args.username, args.action == "enable")
        elif args.action == "unlock":
            acc.unlock(ctx, actor, args.username)
        print("完成" if zh else "done")
        return 0
    finally:
        ctx.close()


def _account_dict(a) -> dict:
    return {
        "username": a.username,
        "display_name": a.display_name,
        "role": a.role,
        "department": a.department,
        "active": a.active,
        "locked_until": a.locked_until.isoformat() if a.locked_until else None,
        "must_change_password": a.must_change_password,
        "last_login_at": a.last_login_at.isoformat() if a.last_login_at else None,
    }


def add_parser(sub) -> None:
    s = sub.add_parser(
        "user",
        help="accounts: the first administrator, add, list, reset, role, lock, unlock, own password",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("action", choices=["setup", "add", "list", "reset", "role", "disable", "enable", "unlock", "passwd"])
    s.add_argument("username", nargs="?", default="", help="the account (not for list)")
    s.add_argument("--name", help="the person's name (setup, add)")
    s.add_argument("--role", help="for add and role: clerk, duty_leader, liaison, auditor, admin, legal_aid")
    s.add_argument("--department", help="a liaison's department (its code)")
    s.add_argument("--as", dest="as_user", help="the administrator doing it (asked for their password)")
    s.add_argument("--json", action="store_true", help="for list")
    s.set_defaults(func=cmd_user)
