"""Verification codes: proof that a receipt was issued by this centre.

The code is ``HMAC-SHA256(key, "<case_no>|<received_at>")`` truncated to its first 40 bits and written
in Crockford base32 as 8 characters, shown ``ABCD-EFGH``. ``received_at`` is the case's receipt time in
UTC as ``YYYY-MM-DDTHH:MM:SSZ``. The same code is the receipt's query code (查询码).

The key is the secret ``receipt-signing-key`` in the system keyring (``reception.secrets``): 32 random
bytes, URL-safe base64, created on first use when the keyring is secure. The HMAC key is that text's
UTF-8 bytes, so a hall with several workstations installs the same text on each with
``reception secret set receipt-signing-key`` (value on standard input; make one with
``python -c "import secrets; print(secrets.token_urlsafe(32))"``). Codes printed before a key is
replaced no longer verify.

The receipt's QR code carries ``RCPT1|<case_no>|<code>`` (``RCPT1`` = version 1 of this payload;
fields separated by ``|``; the code with its hyphen). Scanning it at any counter of the hall and
running ``reception verify CASE_NO CODE`` (or the desk's check) tells a genuine receipt from a copy
made up elsewhere. 40 bits make guessing a valid code for a given case a one-in-a-trillion chance.
"""

from __future__ import annotations

import base64
import hmac
import logging
import os
from datetime import UTC, datetime
from hashlib import sha256

from sqlalchemy import select

from reception.context import Context
from reception.secrets import get_secret, set_secret
from reception.storage.models import Case

log = logging.getLogger(__name__)

SIGNING_KEY = "receipt-signing-key"
QR_PREFIX = "RCPT1"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def signing_key(*, create: bool = True) -> str | None:
    """The hall's receipt signing key; created on first use if ``create``.

    Raises :class:`reception.secrets.SecretUnavailable` when the keyring is not secure."""
    key = get_secret(SIGNING_KEY)
    if key is None and create:
        key = new_key()
        set_secret(SIGNING_KEY, key)
        log.warning(
            "created a new %s in this computer's keyring; a hall with several workstations installs one "
            "shared key on each with `reception secret set %s`",
            SIGNING_KEY,
            SIGNING_KEY,
        )
    return key


def canonical_time(received_at: datetime) -> str:
    return received_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _crockford(value: int, length: int) -> str:
    return "".join(_CROCKFORD[(value >> (5 * (length - 1 - i))) & 31] for i in range(length))


def verification_code(key: str, case_no: str, received_at_iso: str) -> str:
    """``ABCD-EFGH``: HMAC-SHA256 of ``case_no|received_at_iso``, 40 bits, Crockford base32."""
    mac = hmac.new(key.encode("utf-8"), f"{case_no}|{received_at_iso}".encode(), sha256).digest()
    code = _crockford(int.from_bytes(mac[:5], "big"), 8)
    return f"{code[:4]}-{code[4:]}"


def normalize_code(code: str) -> str:
    """Upper case, without hyphens or spaces, Crockford look-alikes (O, I, L) read as 0 and 1."""
    return "".join(ch for ch in (code or "").upper() if ch not in "- \t").translate(_DECODE_ALIASES)


def qr_payload(case_no: str, code: str) -> str:
    return f"{QR_PREFIX}|{case_no}|{code}"


def parse_qr_payload(payload: str) -> tuple[str, str] | None:
    """``(case_no, code)`` from a scanned receipt QR code, or ``None`` if it is not one."""
    parts = (payload or "").strip().split("|")
    if len(parts) != 3 or parts[0] != QR_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def code_for_case(case_no: str, received_at: datetime, *, create: bool = True) -> str | None:
    """The code of a case, or ``None`` when no key exists (and ``create`` is false)."""
    key = signing_key(create=create)
    if key is None:
        return None
    return verification_code(key, case_no, canonical_time(received_at))


def verify(ctx: Context, case_no: str, code: str) -> bool:
    """Whether ``code`` is the verification code of the existing case ``case_no``.

    Case-insensitive, hyphen optional, compared in constant time. Raises
    :class:`reception.secrets.SecretUnavailable` when the keyring is not secure."""
    given = normalize_code(code)
    if len(given) != 8 or any(ch not in _CROCKFORD for ch in given):
        return False
    number = (case_no or "").strip().upper()
    with ctx.db.read() as session:
        received = session.execute(select(Case.received_utc).where(Case.case_no == number)).scalar_one_or_none()
    if received is None:
        return False
    expected = code_for_case(number, received, create=False)
    if expected is None:
        return False
    return hmac.compare_digest(normalize_code(expected), given)
