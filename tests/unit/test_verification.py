"""Verification codes: HMAC-SHA256, 40 bits, Crockford base32, checked against the case."""

from __future__ import annotations

import base64
import hmac
import re
from datetime import UTC, datetime, timedelta, timezone
from hashlib import sha256

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backends import fail

from reception.cli import main
from reception.intake import register_case
from reception.secrets import SERVICE, SecretUnavailable, get_secret, set_secret
from reception.verification import (
    SIGNING_KEY,
    canonical_time,
    code_for_case,
    normalize_code,
    parse_qr_payload,
    qr_payload,
    verification_code,
    verify,
)
from reception.verification import signing_key as get_signing_key
from tests.factories import base_case

CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_code(key: str, case_no: str, received: str) -> str:
    """Independent computation: 5 bytes are exactly 8 base32 digits; map RFC 4648's alphabet to Crockford's."""
    mac = hmac.new(key.encode(), f"{case_no}|{received}".encode(), sha256).digest()[:5]
    b32 = base64.b32encode(mac).decode().translate(str.maketrans(_B32, _CROCKFORD))
    return f"{b32[:4]}-{b32[4:]}"


@given(key=st.text(min_size=1, max_size=60), case_no=st.from_regex(r"ZZ-\d{6}-W\d{2}-20\d\d-\d{6}", fullmatch=True))
def test_code_is_truncated_hmac_in_crockford_base32(key, case_no):
    received = "2025-03-03T02:30:00Z"
    code = verification_code(key, case_no, received)
    assert CODE_RE.match(code)
    assert code == reference_code(key, case_no, received)


def test_code_depends_on_key_case_and_time():
    base = verification_code("k", "ZZ-150304-W01-2025-000001", "2025-03-03T02:30:00Z")
    assert base != verification_code("k2", "ZZ-150304-W01-2025-000001", "2025-03-03T02:30:00Z")
    assert base != verification_code("k", "ZZ-150304-W01-2025-000002", "2025-03-03T02:30:00Z")
    assert base != verification_code("k", "ZZ-150304-W01-2025-000001", "2025-03-03T02:30:01Z")


def test_canonical_time_is_utc_seconds():
    cst = timezone(timedelta(hours=8))
    assert canonical_time(datetime(2025, 3, 3, 10, 30, 5, 999, tzinfo=cst)) == "2025-03-03T02:30:05Z"


def test_normalize_code_accepts_lower_case_no_hyphen_and_look_alikes():
    assert normalize_code("abcd-efgh") == "ABCDEFGH"
    assert normalize_code(" o1il-2345 ") == "0111" + "2345"


def test_qr_payload_round_trip():
    p = qr_payload("ZZ-150304-W01-2025-000001", "ABCD-EFGH")
    assert p == "RCPT1|ZZ-150304-W01-2025-000001|ABCD-EFGH"
    assert parse_qr_payload(p) == ("ZZ-150304-W01-2025-000001", "ABCD-EFGH")
    assert parse_qr_payload("RCPT2|x|y") is None
    assert parse_qr_payload("hello") is None


def test_key_is_created_on_first_use_and_kept():
    assert get_secret(SIGNING_KEY) is None
    key = get_signing_key()
    assert len(base64.urlsafe_b64decode(key)) == 32
    assert keyring.get_keyring().store[(SERVICE, SIGNING_KEY)] == key
    assert get_signing_key() == key
    assert get_signing_key(create=False) == key


@pytest.fixture
def case(ctx):
    r = register_case(ctx, base_case(ctx.config))
    with ctx.db.read() as s:
        from sqlalchemy import select

        from reception.storage.models import Case

        received = s.execute(select(Case.received_utc).where(Case.case_no == r.case_no)).scalar_one()
    return r.case_no, received


def test_verify_accepts_the_issued_code_and_refuses_others(ctx, case):
    case_no, received = case
    code = code_for_case(case_no, received)
    assert code == reference_code(get_secret(SIGNING_KEY), case_no, canonical_time(received))
    assert verify(ctx, case_no, code)
    assert verify(ctx, case_no.lower(), code.lower().replace("-", ""))
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert not verify(ctx, case_no, tampered)
    assert not verify(ctx, case_no.replace("000001", "000002"), code)  # no such case
    assert not verify(ctx, case_no, "")
    assert not verify(ctx, case_no, "ABCD-EFG!")
    assert not verify(ctx, case_no, code + "X")


def test_verify_without_any_key_is_false(ctx, case):
    case_no, _ = case
    assert get_secret(SIGNING_KEY) is None
    assert not verify(ctx, case_no, "ABCD-EFGH")
    assert get_secret(SIGNING_KEY) is None  # verify never creates a key


def test_workstations_sharing_the_key_agree(ctx, case):
    case_no, received = case
    set_secret(SIGNING_KEY, "hall-wide-key-installed-on-every-workstation")
    code = code_for_case(case_no, received)
    assert code == verification_code("hall-wide-key-installed-on-every-workstation", case_no, canonical_time(received))
    assert verify(ctx, case_no, code)


def test_verify_needs_a_secure_keyring(ctx, case):
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretUnavailable):
        verify(ctx, case[0], "ABCD-EFGH")


def test_cli_verify_exit_codes(ctx, case, db_url, capsys):
    case_no, received = case
    code = code_for_case(case_no, received)
    assert main(["--db", db_url, "verify", case_no, code]) == 0
    assert "核验通过" in capsys.readouterr().out
    assert main(["--db", db_url, "verify", case_no, "0000-0000"]) == 1
    assert "核验未通过" in capsys.readouterr().out
    assert main(["--db", db_url, "--lang", "en", "verify", case_no, code.lower()]) == 0
    assert capsys.readouterr().out.startswith("valid")


def test_received_time_is_utc_in_the_database(case):
    assert case[1].tzinfo is not None and case[1].utcoffset() == UTC.utcoffset(None)
