"""Passwords: the policy a new password must meet, and argon2id hashing.

Policy (网络安全等级保护 level 3 practice): at least :data:`MIN_LENGTH` characters from at least three of
four classes — lower-case letters, upper-case letters, digits, and anything else (punctuation, spaces,
Chinese characters); not containing the account's own name. A problem is a
:class:`~reception.errors.FieldError` on the field the caller names (``password`` by default).

Hashing: argon2id with the OWASP Password Storage Cheat Sheet's parameters (m = 19 MiB, t = 2, p = 1;
a 16-byte salt, a 32-byte tag), through ``argon2-cffi``. The encoded hash carries its parameters, so a
hash made with weaker ones is noticed at the next sign-in (:func:`needs_rehash`) and replaced.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from reception.errors import FieldError, field_error, messages

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_CLASSES = 3

#: OWASP: argon2id, m=19456 KiB, t=2, p=1
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

messages(
    {
        "password.required": ("请输入密码", "enter a password"),
        "password.too_short": (
            "密码至少 {min} 个字符（现有 {length} 个）",
            "a password needs at least {min} characters (this one has {length})",
        ),
        "password.too_long": ("密码不能超过 {max} 个字符", "a password may have at most {max} characters"),
        "password.classes": (
            "密码须包含小写字母、大写字母、数字、其他符号中的至少 {min} 类（现有 {count} 类）",
            "a password needs characters of at least {min} kinds out of lower-case, upper-case, digits and "
            "others (this one has {count})",
        ),
        "password.contains_name": ("密码不能包含用户名", "a password may not contain the user name"),
        "password.mismatch": ("两次输入的密码不一致", "the two passwords differ"),
    }
)


def character_classes(password: str) -> int:
    """How many of the four classes (lower, upper, digit, other) ``password`` uses."""
    lower = any(ch.islower() and ch.isascii() for ch in password)
    upper = any(ch.isupper() and ch.isascii() for ch in password)
    digit = any(ch.isdigit() and ch.isascii() for ch in password)
    other = any(not (ch.isascii() and ch.isalnum()) for ch in password)
    return lower + upper + digit + other


def check_password(password: str | None, *, username: str | None = None, field: str = "password") -> list[FieldError]:
    """The policy's problems with ``password`` (empty: it may be used)."""
    if not password:
        return [field_error("password.required", field)]
    errors: list[FieldError] = []
    if len(password) < MIN_LENGTH:
        errors.append(field_error("password.too_short", field, min=MIN_LENGTH, length=len(password)))
    if len(password) > MAX_LENGTH:
        errors.append(field_error("password.too_long", field, max=MAX_LENGTH))
    count = character_classes(password)
    if count < MIN_CLASSES:
        errors.append(field_error("password.classes", field, min=MIN_CLASSES, count=count))
    if username and len(username) >= 3 and username.casefold() in password.casefold():
        errors.append(field_error("password.contains_name", field))
    return errors


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(encoded: str, password: str) -> bool:
    """Whether ``password`` matches the argon2 hash ``encoded`` (False for a malformed hash too)."""
    try:
        return HASHER.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    try:
        return HASHER.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


@functools.cache
def dummy_hash() -> str:
    """Verified against when the user name is unknown, so that a wrong name takes as long as a wrong
    password (made on first use: hashing takes a noticeable moment)."""
    return HASHER.hash("reception-desk: no such account")


__all__ = [
    "HASHER",
    "MIN_CLASSES",
    "MIN_LENGTH",
    "character_classes",
    "check_password",
    "dummy_hash",
    "hash_password",
    "needs_rehash",
    "verify_password",
]
