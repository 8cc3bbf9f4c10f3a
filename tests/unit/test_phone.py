from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reception.errors import MESSAGES
from reception.phone import PhoneCheck, mask_phone, validate_phone

FIELD = "applicants[0].phone"


def codes(r: PhoneCheck) -> list[str]:
    return [e.code for e in r.errors]


def to_fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in s)


GOOD = [
    # raw, normalized, kind
    ("13812345678", "13812345678", "mobile"),
    ("138 1234 5678", "13812345678", "mobile"),
    ("138-1234-5678", "13812345678", "mobile"),
    ("+86 138 1234 5678", "13812345678", "mobile"),
    ("+8613812345678", "13812345678", "mobile"),
    ("0086-13812345678", "13812345678", "mobile"),
    ("(+86) 13812345678", "13812345678", "mobile"),
    ("8613812345678", "13812345678", "mobile"),
    ("86 138 1234 5678", "13812345678", "mobile"),
    ("１３８１２３４５６７８", "13812345678", "mobile"),
    ("013812345678", "13812345678", "mobile"),
    ("19912345678", "19912345678", "mobile"),
    ("0473-1234567", "0473-1234567", "landline"),
    ("04731234567", "0473-1234567", "landline"),
    ("(0473)1234567", "0473-1234567", "landline"),
    ("0473 123 4567", "0473-1234567", "landline"),
    ("0473-1234567-123", "0473-1234567-123", "landline"),
    ("0473-1234567转123", "0473-1234567-123", "landline"),
    ("0473-1234567 分机 8", "0473-1234567-8", "landline"),
    ("021 6123 4567 ext. 88", "021-61234567-88", "landline"),
    ("010-12345678", "010-12345678", "landline"),
    ("010-1234-5678", "010-12345678", "landline"),
    ("01012345678", "010-12345678", "landline"),
    ("020-87654321", "020-87654321", "landline"),
    ("0755-8765432", "0755-8765432", "landline"),
    ("+86 10 12345678", "010-12345678", "landline"),
    ("+86 (0)473 1234567", "0473-1234567", "landline"),
    ("+86-473-1234567", "0473-1234567", "landline"),
    ("０４７３－１２３４５６７", "0473-1234567", "landline"),
    ("95588", "95588", "service"),
    ("96345", "96345", "service"),
    ("12345", "12345", "service"),
    ("12309", "12309", "service"),
    ("10086", "10086", "service"),
    ("400-123-4567", "400-123-4567", "service"),
    ("4001234567", "400-123-4567", "service"),
    ("800 123 4567", "800-123-4567", "service"),
]


@pytest.mark.parametrize(("raw", "normalized", "kind"), GOOD)
def test_good_numbers(raw, normalized, kind):
    r = validate_phone(raw, FIELD)
    assert r.errors == []
    assert r.ok
    assert r.normalized == normalized
    assert r.kind == kind


@pytest.mark.parametrize(("raw", "normalized", "kind"), GOOD)
def test_fullwidth_forms_validate_the_same(raw, normalized, kind):
    r = validate_phone(to_fullwidth(raw), FIELD)
    assert (r.normalized, r.kind) == (normalized, kind)


BAD = [
    ("1381234567", "phone.mobile_length"),
    ("138123456789", "phone.mobile_length"),
    ("110", "phone.mobile_length"),
    ("12812345678", "phone.mobile_prefix"),
    ("10812345678", "phone.mobile_prefix"),
    ("13812345678转12", "phone.extension"),
    ("95588-12345", "phone.invalid"),
    ("0473-123456", "phone.landline_length"),
    ("0473-123456789", "phone.landline_length"),
    ("010-1234567890", "phone.landline_length"),
    ("0473-0234567", "phone.landline_format"),
    ("2345678", "phone.area_code_missing"),
    ("87654321", "phone.area_code_missing"),
    ("abc", "phone.charset"),
    ("138l2345678", "phone.charset"),
    ("138*1234*5678", "phone.charset"),
    ("0", "phone.invalid"),
    ("---", "phone.invalid"),
    ("555", "phone.invalid"),
    ("4001234", "phone.area_code_missing"),
    ("400123456", "phone.invalid"),
]


@pytest.mark.parametrize(("raw", "code"), BAD)
def test_bad_numbers(raw, code):
    r = validate_phone(raw, FIELD)
    assert codes(r) == [code]
    assert r.normalized is None and r.kind is None
    assert r.errors[0].field == FIELD
    assert not r.ok


@pytest.mark.parametrize("raw", ["", "   ", "\u3000", None])
def test_empty(raw):
    assert validate_phone(raw, FIELD) == PhoneCheck(None, None, [])


def test_messages_have_both_languages():
    phone_codes = [c for c in MESSAGES if c.startswith("phone.")]
    assert {"phone.invalid", "phone.mobile_length"} <= set(phone_codes)
    for c in phone_codes:
        zh, en = MESSAGES[c]
        assert zh and en
    assert "11" in validate_phone("1381234567", FIELD).errors[0].message_zh
    assert "10" in validate_phone("1381234567", FIELD).errors[0].message_en


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0473-1234567") == "0473-*****67"
    assert mask_phone("010-12345678") == "010-******78"
    assert mask_phone("0473-1234567-123") == "0473-*****67-***"
    assert mask_phone("95588") == "95588"
    assert mask_phone("400-123-4567") == "400-123-4567"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""
    assert mask_phone("12") == "**"
    assert mask_phone("not a phone") == "*******ne"


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9), st.data())
def test_mobiles_in_any_notation(second, rest, data):
    number = "1" + second + rest
    prefix = data.draw(st.sampled_from(["", "+86", "+86 ", "0086", "86", "(+86)"]))
    body = data.draw(
        st.sampled_from(
            [number, f"{number[:3]} {number[3:7]} {number[7:]}", f"{number[:3]}-{number[3:7]}-{number[7:]}"]
        )
    )
    raw = prefix + body
    if data.draw(st.booleans()):
        raw = to_fullwidth(raw)
    r = validate_phone(raw, FIELD)
    assert (r.normalized, r.kind) == (number, "mobile")
    assert mask_phone(raw) == f"{number[:3]}****{number[-4:]}"


@given(
    st.sampled_from(["010", "021", "020", "0473", "0755", "0571", "0991"]),
    st.sampled_from("23456789"),
    st.text(alphabet="0123456789", min_size=6, max_size=7),
    st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=6)),
)
def test_landlines_round_trip(area, first, rest, ext):
    sub = first + rest
    expected = f"{area}-{sub}" + (f"-{ext}" if ext else "")
    r = validate_phone(expected, FIELD)
    assert (r.normalized, r.kind) == (expected, "landline")
    # normalisation is idempotent and the extension may be written with 转
    assert validate_phone(r.normalized, FIELD).normalized == expected
    if ext:
        assert validate_phone(f"{area}{sub}转{ext}", FIELD).normalized == expected
    masked = mask_phone(expected)
    assert masked.startswith(area + "-")
    assert masked[len(area) + 1 :].startswith("*")
    assert sub[-2:] in masked


@given(st.text(max_size=30))
def test_never_crashes(raw):
    r = validate_phone(raw, FIELD)
    if r.errors:
        assert r.normalized is None
    if r.normalized is not None:
        assert r.kind in ("mobile", "landline", "service")
        assert validate_phone(r.normalized, FIELD).normalized == r.normalized
    mask_phone(raw)
