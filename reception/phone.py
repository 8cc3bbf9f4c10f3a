"""Chinese phone numbers: mobiles, landlines with area code (and extension), service numbers.

Normalised forms:

* mobile: 11 digits, ``13812345678``;
* landline: ``0473-1234567`` or ``0473-1234567-123`` (area code ``0`` + 2 digits for 010 and 02x,
  ``0`` + 3 digits otherwise; subscriber number 7–8 digits not starting with 0; extension 1–6 digits,
  written ``-123``, ``转123``, ``分机123``, ``ext 123``, ``x123`` or ``#123``);
* service: ``95xxx``/``96xxx`` (5–8 digits), ``12xxx``, ``100xx``, ``400-123-4567``, ``800-123-4567``.

A country prefix ``+86`` / ``0086`` / ``86`` is removed; international landline notation drops the
trunk ``0`` (``+86 473 1234567``), which is put back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from reception.errors import FieldError, field_error, messages

PhoneKind = Literal["mobile", "landline", "service"]

messages(
    {
        "phone.invalid": ("电话号码格式不正确", "not a valid phone number"),
        "phone.charset": (
            "电话号码中不能有“{char}”",
            "a phone number may not contain “{char}”",
        ),
        "phone.mobile_length": (
            "手机号码应为11位（现为{length}位）",
            "a mobile number has 11 digits (got {length})",
        ),
        "phone.mobile_prefix": (
            "手机号码应以13–19开头",
            "a mobile number starts with 13 to 19",
        ),
        "phone.landline_length": (
            "固定电话区号后应为7–8位号码（现为{length}位）",
            "a landline number has 7 or 8 digits after the area code (got {length})",
        ),
        "phone.landline_format": (
            "固定电话号码区号后不能以0开头",
            "a landline number may not start with 0 after the area code",
        ),
        "phone.area_code_missing": (
            "固定电话请加区号，如0473-1234567",
            "add the area code to a landline number, e.g. 0473-1234567",
        ),
        "phone.extension": (
            "只有固定电话可以带分机号",
            "only a landline number can have an extension",
        ),
    }
)


@dataclass(frozen=True)
class PhoneCheck:
    """``normalized`` is ``None`` when refused or empty; ``errors`` holds errors and warnings."""

    normalized: str | None
    kind: PhoneKind | None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(e.severity == "error" for e in self.errors)


_EXT = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
_COUNTRY = re.compile(r"^\(?\s*(?:\+|00)\s*86\s*\)?")
_SEPARATORS = " -()\u2010\u2011\u2012\u2013\u2014\u2212"
_MOBILE = re.compile(r"1[3-9]\d{9}")


def _fail(field_path: str, code: str, **params) -> PhoneCheck:
    return PhoneCheck(None, None, [field_error(code, field_path, **params)])


def _split_groups(s: str) -> list[str]:
    groups, buf = [], []
    for ch in s:
        if ch in _SEPARATORS:
            if buf:
                groups.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
    if buf:
        groups.append("".join(buf))
    return groups


def _area_len(digits: str) -> int:
    """Length of the area code, trunk 0 included: 3 for 010 and 02x, 4 otherwise."""
    return 3 if digits[1] in "12" else 4


def validate_phone(raw: str | None, field: str) -> PhoneCheck:
    """Validate and normalise one phone number; an empty input gives ``(None, None, [])``."""
    s = unicodedata.normalize("NFKC", raw or "").strip()
    if not s:
        return PhoneCheck(None, None, [])
    ext: str | None = None
    m = _EXT.search(s)
    if m:
        ext = m.group(1)
        s = s[: m.start()].rstrip(_SEPARATORS)
    international = False
    m = _COUNTRY.match(s)
    if m:
        s = s[m.end() :].lstrip(_SEPARATORS)
        international = True
    # "(0)" in "+86 (0)473 1234567"
    s = re.sub(r"^\(0\)", "0", s)
    for ch in s:
        if not (ch.isdigit() or ch in _SEPARATORS):
            return _fail(field, "phone.charset", char=ch)
    groups = _split_groups(s)
    if not groups:
        return _fail(field, "phone.invalid")
    digits = "".join(groups)
    if not digits.isascii():
        return _fail(field, "phone.invalid")
    # a bare "86" prefix: only when what follows is a mobile number
    if not international and len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
        groups = [digits]
        international = True
    if international and not digits.startswith("0") and not _MOBILE.fullmatch(digits):
        digits = "0" + digits  # +86 473 1234567 -> 0473 1234567
        groups = ["0" + groups[0], *groups[1:]]
    # "0473-1234567-123": area, subscriber, extension written as three groups
    if (
        ext is None
        and len(groups) == 3
        and groups[0].startswith("0")
        and len(groups[0]) >= 3
        and len(groups[0]) == _area_len(groups[0])
        and 7 <= len(groups[1]) <= 8
        and len(groups[2]) <= 6
    ):
        ext = groups[2]
        digits = groups[0] + groups[1]

    # mobiles (and the old habit of dialling 0 before a mobile)
    if re.fullmatch(r"01[3-9]\d{9}", digits):
        digits = digits[1:]
    if digits.startswith("1"):
        if re.fullmatch(r"12\d{3}|100\d{2}", digits):
            return _service(field, digits, ext)
        if len(digits) != 11:
            return _fail(field, "phone.mobile_length", length=len(digits))
        if not _MOBILE.fullmatch(digits):
            return _fail(field, "phone.mobile_prefix")
        if ext:
            return _fail(field, "phone.extension")
        return PhoneCheck(digits, "mobile", [])
    if re.fullmatch(r"9[56]\d{3,6}", digits) or re.fullmatch(r"[48]00\d{7}", digits):
        return _service(field, digits, ext)
    if digits.startswith("0"):
        if len(digits) < 4:
            return _fail(field, "phone.invalid")
        n = _area_len(digits)
        area, sub = digits[:n], digits[n:]
        if not 7 <= len(sub) <= 8:
            return _fail(field, "phone.landline_length", length=len(sub))
        if sub[0] == "0":
            return _fail(field, "phone.landline_format")
        normalized = f"{area}-{sub}" + (f"-{ext}" if ext else "")
        return PhoneCheck(normalized, "landline", [])
    if 7 <= len(digits) <= 8:
        return _fail(field, "phone.area_code_missing")
    return _fail(field, "phone.invalid")


def _service(field_path: str, digits: str, ext: str | None) -> PhoneCheck:
    if ext:
        return _fail(field_path, "phone.extension")
    if digits[:3] in ("400", "800"):
        return PhoneCheck(f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", "service", [])
    return PhoneCheck(digits, "service", [])


def mask_phone(number: str | None) -> str:
    """``138****5678`` for mobiles; landlines keep the area code and the last 2 digits
    (``0473-*****67``, an extension is masked too); service numbers are not personal and stay whole.
    Anything unparseable keeps only its last 2 characters."""
    if not number:
        return ""
    check = validate_phone(number, "")
    n = check.normalized
    if n is None:
        s = "".join(number.split())
        return "*" * max(len(s) - 2, 0) + s[-2:] if len(s) > 2 else "*" * len(s)
    if check.kind == "mobile":
        return f"{n[:3]}****{n[-4:]}"
    if check.kind == "landline":
        parts = n.split("-")
        area, sub = parts[0], parts[1]
        out = f"{area}-{'*' * (len(sub) - 2)}{sub[-2:]}"
        if len(parts) > 2:
            out += "-" + "*" * len(parts[2])
        return out
    return n
