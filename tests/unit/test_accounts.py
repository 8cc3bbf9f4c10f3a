"""Accounts at the core: the password policy, argon2id, the first administrator, sign-in and lock-out
timing, the idle re-check, role checks at the core (a clerk calling an administrator's function is
refused), and an audit record for every sign-in, failed sign-in, lock and account change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reception.errors import NotFound, ValidationFailed
from reception.security import PermissionDenied
from reception.security.accounts import (
    LOCK_AFTER,
    LOCK_MINUTES,
    AccountInactive,
    AccountLocked,
    AlreadySetUp,
    LoginFailed,
    Principal,
    add_user,
    authenticate,
    change_password,
    confirm_password,
    create_first_admin,
    has_accounts,
    list_users,
    reset_password,
    set_active,
    set_role,
    unlock,
)
from reception.security.passwords import HASHER, character_classes, check_password
from reception.storage.models import AuditRecord, User

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ADMIN_PW = "Hall-Pass-2026!"
CLERK_PW = "Clerk#Start2026"


def fields(exc: ValidationFailed) -> list[str]:
    return [e.field for e in exc.errors]


def audits(ctx, action: str | None = None) -> list[AuditRecord]:
    with ctx.db.read() as s:
        stmt = select(AuditRecord).where(AuditRecord.object_type == "user").order_by(AuditRecord.id)
        if action:
            stmt = stmt.where(AuditRecord.action == action)
        return list(s.scalars(stmt))


def stored(ctx, username: str) -> User:
    with ctx.db.read() as s:
        return s.scalars(select(User).where(User.username == username)).one()


@pytest.fixture
def admin(ctx) -> Principal:
    return create_first_admin(ctx, "admin", "王管理", ADMIN_PW, now=T0)


@pytest.fixture
def clerk(ctx, admin) -> Principal:
    add_user(ctx, admin, "zhangsan", "张三", "clerk", CLERK_PW, now=T0)
    return authenticate(ctx, "zhangsan", CLERK_PW, now=T0)


# -- the policy and the hash ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("", ["password.required"]),
        ("Ab1!", ["password.too_short"]),
        ("abcdefghijk", ["password.classes"]),
        ("abcdefghij1", ["password.classes"]),
        ("abcdefgh1!X", []),
        ("受理台密码abc123", []),  # Chinese characters count as "other"
        ("zhangsan-Pw1", ["password.contains_name"]),
        ("x" * 129 + "A1!", ["password.too_long"]),
    ],
)
def test_password_policy_names_the_field(password, codes):
    errors = check_password(password, username="zhangsan")
    assert [e.code for e in errors] == codes
    assert all(e.field == "password" for e in errors)


def test_character_classes():
    assert character_classes("abc") == 1 and character_classes("aB3") == 3 and character_classes("aB3 ") == 4


def test_hash_is_argon2id_with_owasp_parameters(ctx, admin):
    h = stored(ctx, "admin").password_hash
    assert h.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert ADMIN_PW not in h and not HASHER.check_needs_rehash(h)


# -- first start ----------------------------------------------------------------------------------------


def test_first_admin_once_with_a_chosen_password(ctx):
    assert not has_accounts(ctx)
    with pytest.raises(ValidationFailed) as info:
        create_first_admin(ctx, "A B", "", "short")
    assert fields(info.value) == ["username", "display_name", "password", "password"]
    assert not has_accounts(ctx)  # nothing half-written
    admin = create_first_admin(ctx, "Admin", "王管理", ADMIN_PW, now=T0)
    assert (admin.username, admin.role, admin.must_change_password) == ("admin", "admin", False)
    assert has_accounts(ctx)
    with pytest.raises(AlreadySetUp):
        create_first_admin(ctx, "second", "李", ADMIN_PW)
    (a,) = audits(ctx, "account.create")
    assert a.detail == {"role": "admin", "first": True} and a.object_id == "admin"


# -- signing in and locking -------------------------------------------------------------------------------


def test_sign_in_is_audited_and_names_no_password(ctx, admin):
    p = authenticate(ctx, " ADMIN ", ADMIN_PW, now=T0)
    assert p == admin
    assert stored(ctx, "admin").last_login_at == T0
    (a,) = audits(ctx, "login")
    assert (a.user, a.result, a.at) == ("admin", "ok", T0)
    assert all(ADMIN_PW not in str(x.detail) for x in audits(ctx))


def test_a_wrong_name_and_a_wrong_password_get_the_same_answer(ctx, admin):
    with pytest.raises(LoginFailed) as a:
        authenticate(ctx, "nobody", ADMIN_PW, now=T0)
    with pytest.raises(LoginFailed) as b:
        authenticate(ctx, "admin", "Wrong-pass-2026", now=T0)
    assert a.value.message_zh == b.value.message_zh == "用户名或密码错误"
    failed = audits(ctx, "login.failed")
    assert [(x.user, x.object_id, x.result) for x in failed] == [(None, "-", "denied"), ("admin", "admin", "denied")]
    assert failed[0].detail == {"reason": "unknown_user"}  # the typed name is not kept (a password, perhaps)


def test_five_wrong_passwords_lock_for_fifteen_minutes(ctx, admin):
    for i in range(LOCK_AFTER - 1):
        with pytest.raises(LoginFailed):
            authenticate(ctx, "admin", f"Wrong-pass-{i}x", now=T0 + timedelta(seconds=i))
    assert stored(ctx, "admin").failed_count == LOCK_AFTER - 1
    with pytest.raises(AccountLocked) as info:
        authenticate(ctx, "admin", "Wrong-pass-last", now=T0 + timedelta(seconds=10))
    until = T0 + timedelta(seconds=10, minutes=LOCK_MINUTES)
    assert info.value.until == until and "15 分钟" in info.value.message_zh
    assert len(audits(ctx, "account.locked")) == 1
    # locked: even the right password is refused until then
    with pytest.raises(AccountLocked):
        authenticate(ctx, "admin", ADMIN_PW, now=until - timedelta(seconds=1))
    assert audits(ctx, "login.refused")[-1].detail == {"reason": "locked"}
    # then it opens again, with a fresh count
    assert authenticate(ctx, "admin", ADMIN_PW, now=until).username == "admin"
    u = stored(ctx, "admin")
    assert (u.failed_count, u.locked_until) == (0, None)


def test_the_warning_before_the_lock(ctx, admin):
    messages = []
    for i in range(LOCK_AFTER - 1):
        with pytest.raises(LoginFailed) as info:
            authenticate(ctx, "admin", f"Wrong-pass-{i}x", now=T0)
        messages.append(info.value.left)
    assert messages == [4, 3, 2, 1]


def test_a_right_password_resets_the_count(ctx, admin):
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(LoginFailed):
            authenticate(ctx, "admin", "Wrong-pass-2026", now=T0)
    authenticate(ctx, "admin", ADMIN_PW, now=T0)
    with pytest.raises(LoginFailed):
        authenticate(ctx, "admin", "Wrong-pass-2026", now=T0)
    assert stored(ctx, "admin").failed_count == 1


def test_the_idle_lock_asks_again_and_counts_towards_the_lock(ctx, admin, clerk):
    confirm_password(ctx, clerk, CLERK_PW, now=T0)
    assert audits(ctx, "session.unlock")[-1].user == "zhangsan"
    for _ in range(LOCK_AFTER - 1):
        with pytest.raises(LoginFailed):
            confirm_password(ctx, clerk, "Wrong-pass-2026", now=T0)
    with pytest.raises(AccountLocked):
        confirm_password(ctx, clerk, "Wrong-pass-2026", now=T0)
    with pytest.raises(AccountLocked):
        authenticate(ctx, "zhangsan", CLERK_PW, now=T0 + timedelta(minutes=1))


def test_an_inactive_account_cannot_sign_in(ctx, admin, clerk):
    set_active(ctx, admin, "zhangsan", False, now=T0)
    with pytest.raises(AccountInactive):
        authenticate(ctx, "zhangsan", CLERK_PW, now=T0)
    with pytest.raises(LoginFailed):  # a wrong password says nothing about the account
        authenticate(ctx, "zhangsan", "Wrong-pass-2026", now=T0)


# -- the role checks are the core's ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda ctx, p: add_user(ctx, p, "lisi", "李四", "clerk", CLERK_PW),
        lambda ctx, p: reset_password(ctx, p, "admin", "New-Admin-2026"),
        lambda ctx, p: set_role(ctx, p, "zhangsan", "admin"),
        lambda ctx, p: set_active(ctx, p, "admin", False),
        lambda ctx, p: unlock(ctx, p, "admin"),
        lambda ctx, p: list_users(ctx, p),
    ],
)
def test_a_clerk_calling_an_administrators_function_is_refused(ctx, clerk, call):
    before = len(audits(ctx))
    with pytest.raises(PermissionDenied) as info:
        call(ctx, clerk)
    assert info.value.permission == "user.manage" and "窗口受理员无权" in info.value.message_zh
    assert len(audits(ctx)) == before


def test_administrator_manages_accounts(ctx, admin):
    acc = add_user(ctx, admin, "Li.Si", "李四", "liaison", CLERK_PW, department="hrss", now=T0)
    assert (acc.username, acc.role, acc.department, acc.must_change_password) == ("li.si", "liaison", "hrss", True)
    with pytest.raises(ValidationFailed) as info:
        add_user(ctx, admin, "li.si", "李四", "liaison", CLERK_PW)
    assert fields(info.value) == ["username", "department"]
    with pytest.raises(ValidationFailed) as info:
        add_user(ctx, admin, "wangwu", "王五", "janitor", "weak")
    assert fields(info.value) == ["role", "password", "password"]
    # the new person must choose their own password first
    p = authenticate(ctx, "li.si", CLERK_PW, now=T0)
    assert p.must_change_password
    with pytest.raises(ValidationFailed) as info:
        change_password(ctx, p, "wrong", "Own-Choice-2026")
    assert fields(info.value) == ["old_password"]
    with pytest.raises(ValidationFailed) as info:
        change_password(ctx, p, CLERK_PW, CLERK_PW)
    assert fields(info.value) == ["password"]
    p = change_password(ctx, p, CLERK_PW, "Own-Choice-2026", now=T0)
    assert not p.must_change_password
    assert authenticate(ctx, "li.si", "Own-Choice-2026", now=T0).username == "li.si"
    # role, lock, unlock, reset
    assert set_role(ctx, admin, "li.si", "clerk").role == "clerk"
    for _ in range(LOCK_AFTER):
        with pytest.raises((LoginFailed, AccountLocked)):
            authenticate(ctx, "li.si", "Wrong-pass-2026", now=T0)
    assert next(a for a in list_users(ctx, admin) if a.username == "li.si").locked(T0)
    unlock(ctx, admin, "li.si", now=T0)
    assert authenticate(ctx, "li.si", "Own-Choice-2026", now=T0).username == "li.si"
    reset_password(ctx, admin, "li.si", "Reset-By-Admin-1", now=T0)
    assert authenticate(ctx, "li.si", "Reset-By-Admin-1", now=T0).must_change_password
    actions = [a.action for a in audits(ctx) if a.object_id == "li.si" and a.user == "admin"]
    assert actions == ["account.create", "account.role", "account.unlock", "account.password_reset"]
    with pytest.raises(NotFound):
        unlock(ctx, admin, "nobody")


def test_the_last_administrator_stays(ctx, admin):
    with pytest.raises(ValidationFailed) as info:
        set_active(ctx, admin, "admin", False)
    assert fields(info.value) == ["active"]
    with pytest.raises(ValidationFailed) as info:
        set_role(ctx, admin, "admin", "clerk")
    assert fields(info.value) == ["role"]
    add_user(ctx, admin, "admin2", "赵管理", "admin", ADMIN_PW)
    assert not set_active(ctx, admin, "admin", False).active


def test_locking_and_signing_out_are_audited(ctx, clerk):
    from reception.security.accounts import record_session

    record_session(ctx, clerk, "session.lock", now=T0)
    record_session(ctx, clerk, "logout", now=T0)
    assert [(a.action, a.user) for a in audits(ctx)][-2:] == [("session.lock", "zhangsan"), ("logout", "zhangsan")]
    with pytest.raises(ValueError):
        record_session(ctx, clerk, "coffee")
