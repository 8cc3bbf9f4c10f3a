"""Accounts: who signs in at the desk, with which role; sign-in, lock-out and account management.

- **First start:** :func:`create_first_admin` makes the administrator with the password chosen then
  (there is no default password); it refuses once any account exists.
- **Sign-in** (:func:`authenticate`): user name and password. :data:`LOCK_AFTER` wrong passwords in a row
  lock the account for :data:`LOCK_MINUTES` minutes (a locked account refuses even the right password
  until then; an administrator can unlock it). A wrong name and a wrong password get the same answer and
  take the same time. Every sign-in, failed sign-in and lock is audited, in the transaction that counts it.
- **The desk locked after idle minutes** asks for the password again: :func:`confirm_password` (counts
  towards the lock like a sign-in).
- **Management** (permission ``user.manage``, the administrator): :func:`add_user`, :func:`reset_password`
  (the user must choose a new one at the next sign-in), :func:`set_role`, :func:`set_active`,
  :func:`unlock`, :func:`list_users`. Each is checked at the core against the acting
  :class:`Principal` — a clerk calling them is refused (``PermissionDenied``) — and audited.
- **Own password:** :func:`change_password` (the old one first).

User names: 2–32 characters, lower-case letters, digits, ``.``, ``_`` and ``-`` (a 工号 or pinyin), compared
in lower case. Passwords: :mod:`reception.security.passwords`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reception import audit
from reception.context import Context
from reception.errors import FieldError, NotFound, ReceptionError, ValidationFailed, field_error, messages
from reception.security.passwords import (
    check_password,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from reception.security.roles import ROLES, Principal
from reception.storage.models import User
from reception.text import clean_text

log = logging.getLogger(__name__)

#: wrong passwords in a row that lock an account
LOCK_AFTER = 5
#: minutes a locked account stays locked
LOCK_MINUTES = 15

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")

messages(
    {
        "account.username_required": ("请输入用户名", "enter a user name"),
        "account.username_format": (
            "用户名为 2–32 个小写字母、数字、“.”“_”“-”，以字母或数字开头",
            'a user name is 2–32 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
        ),
        "account.username_taken": ("用户名“{value}”已被使用", 'the user name "{value}" is taken'),
        "account.display_name_required": ("请输入姓名", "enter the person's name"),
        "account.role_unknown": (
            "未知的角色“{value}”（可选：{choices}）",
            'unknown role "{value}" (choices: {choices})',
        ),
        "account.department_required": (
            "部门联络员须指定所属部门",
            "a department liaison needs the department",
        ),
        "account.department_unknown": (
            "部门“{value}”不在本厅配置中",
            'department "{value}" is not in the hall configuration',
        ),
        "account.as_required": (
            "请用 --as 指明执行操作的管理员（随后输入其密码）",
            "name the administrator doing this with --as (their password is asked for)",
        ),
        "account.old_password_wrong": ("原密码不正确", "the current password is wrong"),
        "account.password_reused": ("新密码不能与原密码相同", "the new password must differ from the current one"),
        "account.last_admin": (
            "不能停用或改变最后一个管理员的角色",
            "the last active administrator cannot be made inactive or given another role",
        ),
    }
)


class LoginFailed(ReceptionError):
    """A wrong user name or password (the same answer for both)."""

    code = "auth.failed"

    def __init__(self, left: int | None = None):
        zh = "用户名或密码错误"
        en = "wrong user name or password"
        if left is not None and 0 < left <= 2:
            zh += f"；再错 {left} 次账户将被锁定 {LOCK_MINUTES} 分钟"
            en += f"; {left} more wrong and the account is locked for {LOCK_MINUTES} minutes"
        super().__init__(zh, en)
        self.left = left


class AccountLocked(ReceptionError):
    code = "auth.locked"

    def __init__(self, until: datetime, now: datetime):
        minutes = max(1, int((until - now).total_seconds() + 59) // 60)
        super().__init__(
            f"密码错误次数过多，账户已锁定，请 {minutes} 分钟后再试，或请管理员解锁",
            f"too many wrong passwords: the account is locked; try again in {minutes} min or ask an administrator",
        )
        self.until = until


class AccountInactive(ReceptionError):
    code = "auth.inactive"

    def __init__(self) -> None:
        super().__init__("该账户已停用，请联系管理员", "this account is no longer active; ask an administrator")


class AlreadySetUp(ReceptionError):
    code = "auth.already_set_up"

    def __init__(self) -> None:
        super().__init__(
            "已有用户账户：首个管理员只能在首次启动时创建", "accounts exist: the first administrator is made once"
        )


@dataclass(frozen=True)
class Account:
    """What ``list_users`` shows (never the hash)."""

    username: str
    display_name: str
    role: str
    department: str | None
    active: bool
    locked_until: datetime | None
    failed_count: int
    must_change_password: bool
    last_login_at: datetime | None
    created_at: datetime

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or datetime.now(UTC))


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def normalize_username(username: str | None) -> str:
    return (username or "").strip().lower()


def _principal(u: User) -> Principal:
    return Principal(
        username=u.username,
        display_name=u.display_name,
        role=u.role,
        user_id=u.id,
        department=u.department,
        must_change_password=u.must_change_password,
    )


def _audit(session: Session, ctx: Context, action: str, user: str | None, target: str, at: datetime, **detail):
    result = detail.pop("result", "ok")
    audit.append(
        session,
        ctx,
        [
            {
                "at": at,
                "user": user,
                "action": action,
                "object_type": "user",
                "object_id": target[:48],
                "result": result,
                "detail": detail or None,
            }
        ],
    )


def _check_fields(
    ctx: Context,
    session: Session,
    *,
    username: str | None = None,
    display_name: str | None = None,
    role: str | None = None,
    department: str | None = None,
    password: str | None = None,
    check_username: bool = True,
) -> tuple[list[FieldError], dict]:
    errors: list[FieldError] = []
    values: dict = {}
    if check_username:
        name = normalize_username(username)
        if not name:
            errors.append(field_error("account.username_required", "username"))
        elif not USERNAME_RE.match(name):
            errors.append(field_error("account.username_format", "username"))
        elif session.scalar(select(func.count()).select_from(User).where(User.username == name)):
            errors.append(field_error("account.username_taken", "username", value=name))
        values["username"] = name
    if display_name is not None or check_username:
        check = clean_text(display_name, "display_name", max_len=50)
        errors.extend(check.errors)
        if check.ok and not check.value:
            errors.append(field_error("account.display_name_required", "display_name"))
        values["display_name"] = check.value
    if role is not None:
        code = role.strip().lower()
        if code not in ROLES:
            errors.append(field_error("account.role_unknown", "role", value=role, choices=", ".join(ROLES)))
        values["role"] = code
        dept = (department or "").strip().lower() or None
        if code == "liaison" and not dept:
            errors.append(field_error("account.department_required", "department"))
        if dept and dept not in ctx.config.departments:
            errors.append(field_error("account.department_unknown", "department", value=department))
        values["department"] = dept
    if password is not None or check_username:
        errors.extend(check_password(password, username=values.get("username") or username))
    return errors, values


# -- first start ----------------------------------------------------------------------------------------


def has_accounts(ctx: Context) -> bool:
    with ctx.db.read() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def create_first_admin(
    ctx: Context, username: str, display_name: str, password: str, *, now: datetime | None = None
) -> Principal:
    """The administrator, made at the first start with the password chosen then. Refused
    (:class:`AlreadySetUp`) once any account exists."""
    now = _now(now)
    new_hash = hash_password(password) if not check_password(password) else None
    with ctx.db.write() as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise AlreadySetUp()
        errors, v = _check_fields(ctx, session, username=username, display_name=display_name, password=password)
        if errors:
            raise ValidationFailed(errors)
        user = User(
            username=v["username"],
            display_name=v["display_name"],
            role="admin",
            password_hash=new_hash,
            active=True,
            failed_count=0,
            must_change_password=False,
            password_changed_at=now,
            created_at=now,
            created_by=None,
        )
        session.add(user)
        session.flush()
        _audit(session, ctx, "account.create", v["username"], v["username"], now, role="admin", first=True)
        principal = _principal(user)
    log.info("first administrator %s created", principal.username)
    return principal


# -- signing in -----------------------------------------------------------------------------------------


def authenticate(ctx: Context, username: str, password: str, *, now: datetime | None = None) -> Principal:
    """Sign in. Raises :class:`LoginFailed`, :class:`AccountLocked` or :class:`AccountInactive`; each
    attempt is audited (``login``, ``login.failed``, ``account.locked``, ``login.refused``)."""
    now = _now(now)
    name = normalize_username(username)
    stored = _stored_hash(ctx, name) if name else None
    if stored is None:
        verify_password(dummy_hash(), password or "")  # the same time as a wrong password
        with ctx.db.write() as session:
            # the typed name is not kept: it may be a password typed into the wrong field
            _audit(session, ctx, "login.failed", None, "-", now, result="denied", reason="unknown_user")
        raise LoginFailed()
    principal = _count_attempt(ctx, name, stored, _verified(stored, password), password, now, action="login")
    assert principal is not None
    return principal


def confirm_password(ctx: Context, principal: Principal, password: str, *, now: datetime | None = None) -> None:
    """The signed-in person proves it is still them (the desk locked after idle minutes). Wrong passwords
    count towards the lock like at sign-in; raises like :func:`authenticate`."""
    now = _now(now)
    stored = _stored_hash(ctx, principal.username)
    if stored is None:
        raise NotFound(f"没有用户 {principal.username}", f"no user {principal.username}")
    _count_attempt(ctx, principal.username, stored, _verified(stored, password), password, now, action="session.unlock")


def _stored_hash(ctx: Context, username: str) -> str | None:
    with ctx.db.read() as session:
        return session.scalar(select(User.password_hash).where(User.username == username))


def _verified(stored: str, password: str) -> bool:
    """The argon2 check (tens of milliseconds), made outside any write transaction."""
    return verify_password(stored, password or "")


def _count_attempt(
    ctx: Context, username: str, stored: str, right: bool, password: str, now: datetime, *, action: str
) -> Principal | None:
    """Record the attempt on the account in one short write transaction — the password was checked
    against ``stored`` before it began — and raise the refusal after it commits (so that the count and its
    audit record are kept). Returns the principal when the account may go on."""
    new_hash = hash_password(password) if right and needs_rehash(stored) else None
    failed: ReceptionError | None = None
    with ctx.db.write() as session:
        user = _user(session, username)
        if user.password_hash != stored:  # changed meanwhile (a reset): this attempt proves nothing
            right = False
        if user.locked_until is not None and user.locked_until > now:
            who = user.username
            _audit(session, ctx, f"{action}.refused", who, who, now, result="denied", reason="locked")
            failed = AccountLocked(user.locked_until, now)
        elif not right:
            user.failed_count = (user.failed_count or 0) + 1
            _audit(
                session,
                ctx,
                f"{action}.failed",
                user.username,
                user.username,
                now,
                result="denied",
                count=user.failed_count,
            )
            if user.failed_count >= LOCK_AFTER:
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                user.failed_count = 0
                _audit(session, ctx, "account.locked", user.username, user.username, now, minutes=LOCK_MINUTES)
                log.warning(
                    "account %s locked for %d minutes after %d wrong passwords", user.username, LOCK_MINUTES, LOCK_AFTER
                )
                failed = AccountLocked(user.locked_until, now)
            else:
                failed = LoginFailed(LOCK_AFTER - user.failed_count)
        elif not user.active:
            who = user.username
            _audit(session, ctx, f"{action}.refused", who, who, now, result="denied", reason="inactive")
            failed = AccountInactive()
        else:
            user.failed_count = 0
            user.locked_until = None
            if action == "login":
                user.last_login_at = now
            if new_hash is not None:
                user.password_hash = new_hash
            _audit(session, ctx, action, user.username, user.username, now)
            principal = _principal(user)
    if failed is not None:
        raise failed
    return principal


#: what :func:`record_session` records
SESSION_EVENTS = ("session.lock", "logout")


def record_session(ctx: Context, principal: Principal, action: str, *, now: datetime | None = None) -> None:
    """Audit the desk locking itself (``session.lock``: idle time over, or Ctrl+L) or the person signing
    out (``logout``). An unlock is audited by :func:`confirm_password`, a sign-in by :func:`authenticate`."""
    if action not in SESSION_EVENTS:
        raise ValueError(f"unknown session event {action!r}")
    now = _now(now)
    with ctx.db.write() as session:
        _audit(session, ctx, action, principal.username, principal.username, now)


# -- the account's own password ---------------------------------------------------------------------------


def change_password(
    ctx: Context, principal: Principal, old_password: str, new_password: str, *, now: datetime | None = None
) -> Principal:
    """The signed-in person's new password (the current one first). Returns the principal without
    ``must_change_password``. The argon2 work is done before the write transaction begins."""
    now = _now(now)
    stored = _stored_hash(ctx, principal.username)
    if stored is None:
        raise NotFound(f"没有用户 {principal.username}", f"no user {principal.username}")
    if not _verified(stored, old_password):
        raise ValidationFailed([field_error("account.old_password_wrong", "old_password")])
    errors = check_password(new_password, username=principal.username)
    if not errors and _verified(stored, new_password):
        errors.append(field_error("account.password_reused", "password"))
    if errors:
        raise ValidationFailed(errors)
    new_hash = hash_password(new_password)
    with ctx.db.write() as session:
        user = _user(session, principal.username)
        if user.password_hash != stored:  # changed meanwhile: the current password was checked against another
            raise ValidationFailed([field_error("account.old_password_wrong", "old_password")])
        user.password_hash = new_hash
        user.password_changed_at = now
        user.must_change_password = False
        _audit(session, ctx, "account.password_changed", user.username, user.username, now)
        return _principal(user)


# -- management (administrator) --------------------------------------------------------------------------


def _user(session: Session, username: str) -> User:
    name = normalize_username(username)
    user = session.scalars(select(User).where(User.username == name)).first()
    if user is None:
        raise NotFound(f"没有用户 {name}", f"no user {name}")
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True)))


def add_user(
    ctx: Context,
    actor: Principal,
    username: str,
    display_name: str,
    role: str,
    password: str,
    *,
    department: str | None = None,
    now: datetime | None = None,
) -> Account:
    """A new account with a first password the person must change at the first sign-in."""
    actor.require("user.manage")
    now = _now(now)
    new_hash = hash_password(password) if not check_password(password) else None
    with ctx.db.write() as session:
        errors, v = _check_fields(
            ctx,
            session,
            username=username,
            display_name=display_name,
            role=role,
            department=department,
            password=password,
        )
        if errors:
            raise ValidationFailed(errors)
        user = User(
            username=v["username"],
            display_name=v["display_name"],
            role=v["role"],
            department=v["department"],
            password_hash=new_hash,
            active=True,
            failed_count=0,
            must_change_password=True,
            password_changed_at=now,
            created_at=now,
            created_by=actor.username,
        )
        session.add(user)
        session.flush()
        _audit(
            session,
            ctx,
            "account.create",
            actor.username,
            user.username,
            now,
            role=user.role,
            department=user.department,
        )
        return _account(user)


def reset_password(
    ctx: Context, actor: Principal, username: str, new_password: str, *, now: datetime | None = None
) -> None:
    """An administrator sets a new password (the person must change it at the next sign-in); unlocks."""
    actor.require("user.manage")
    now = _now(now)
    new_hash = hash_password(new_password) if not check_password(new_password) else None
    with ctx.db.write() as session:
        user = _user(session, username)
        errors = check_password(new_password, username=user.username)
        if errors:
            raise ValidationFailed(errors)
        user.password_hash = new_hash
        user.password_changed_at = now
        user.must_change_password = True
        user.failed_count = 0
        user.locked_until = None
        _audit(session, ctx, "account.password_reset", actor.username, user.username, now)


def set_role(
    ctx: Context,
    actor: Principal,
    username: str,
    role: str,
    *,
    department: str | None = None,
    now: datetime | None = None,
) -> Account:
    actor.require("user.manage")
    now = _now(now)
    with ctx.db.write() as session:
        user = _user(session, username)
        errors, v = _check_fields(ctx, session, role=role, department=department, check_username=False)
        if errors:
            raise ValidationFailed(errors)
        if user.role == "admin" and v["role"] != "admin" and user.active and _active_admins(session) <= 1:
            raise ValidationFailed([field_error("account.last_admin", "role")])
        before = user.role
        user.role = v["role"]
        user.department = v["department"]
        _audit(session, ctx, "account.role", actor.username, user.username, now, role=user.role, previous=before)
        return _account(user)


def set_active(ctx: Context, actor: Principal, username: str, active: bool, *, now: datetime | None = None) -> Account:
    actor.require("user.manage")
    now = _now(now)
    with ctx.db.write() as session:
        user = _user(session, username)
        if not active and user.role == "admin" and user.active and _active_admins(session) <= 1:
            raise ValidationFailed([field_error("account.last_admin", "active")])
        user.active = active
        _audit(session, ctx, "account.activate" if active else "account.deactivate", actor.username, user.username, now)
        return _account(user)


def unlock(ctx: Context, actor: Principal, username: str, *, now: datetime | None = None) -> Account:
    actor.require("user.manage")
    now = _now(now)
    with ctx.db.write() as session:
        user = _user(session, username)
        user.failed_count = 0
        user.locked_until = None
        _audit(session, ctx, "account.unlock", actor.username, user.username, now)
        return _account(user)


def _account(u: User) -> Account:
    return Account(
        username=u.username,
        display_name=u.display_name,
        role=u.role,
        department=u.department,
        active=u.active,
        locked_until=u.locked_until,
        failed_count=u.failed_count,
        must_change_password=u.must_change_password,
        last_login_at=u.last_login_at,
        created_at=u.created_at,
    )


def list_users(ctx: Context, actor: Principal) -> list[Account]:
    if not (actor.may("user.manage") or actor.may("audit.view")):
        actor.require("user.manage")
    with ctx.db.read() as session:
        return [_account(u) for u in session.scalars(select(User).order_by(User.username))]


__all__ = [
    "LOCK_AFTER",
    "LOCK_MINUTES",
    "Account",
    "AccountInactive",
    "AccountLocked",
    "AlreadySetUp",
    "LoginFailed",
    "Principal",
    "add_user",
    "authenticate",
    "change_password",
    "confirm_password",
    "create_first_admin",
    "has_accounts",
    "list_users",
    "normalize_username",
    "record_session",
    "reset_password",
    "set_active",
    "set_role",
    "unlock",
]
