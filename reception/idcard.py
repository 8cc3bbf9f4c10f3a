"""Identity documents: the resident ID number (GB 11643-1999) and the other ID types of the case form.

See ``domain.md`` §4. The resident ID number is a 6-digit address code (GB/T 2260), the birth date
``YYYYMMDD``, a 3-digit sequence (odd = male) and an ISO 7064 MOD 11-2 check character. HK/Macao/
Taiwan residence permits use the same algorithm with the prefixes 810000/820000/830000, the 2023
foreigner's permanent-residence ID has 18 digits starting with 9 and the same check.

:func:`validate_id` stops at the first error, in the order of domain.md §4; warnings (legacy
15-digit number, unknown county, sex or birth date differing from what was typed) never block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

from reception.errors import FieldError, field_error, messages
from reception.text import is_cjk, normalize_code

Sex = Literal["male", "female"]

#: ID-type code used in the case JSON -> (zh label, en label)
ID_TYPES: dict[str, tuple[str, str]] = {
    "resident_id": ("居民身份证", "Resident ID card"),
    "residence_permit_hmt": ("港澳台居民居住证", "Residence permit for Hong Kong, Macao and Taiwan residents"),
    "foreign_permanent": ("外国人永久居留身份证", "Foreign permanent resident ID card"),
    "passport": ("护照", "Passport"),
    "hk_macao_pass": ("港澳居民来往内地通行证", "Mainland travel permit for Hong Kong and Macao residents"),
    "taiwan_pass": ("台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents"),
    "officer_id": ("军官证", "Military officer's ID"),
    "other": ("其他", "Other"),
}

#: Numeric ID-type codes of the provincial petition / governance platforms.
#: Only ``resident_id`` -> "111" is confirmed (domain.md §1, [S19]). The others are UNVERIFIED guesses
#: after the usual public-security certificate code list; ``None`` = no guess. Override per hall with
#: :func:`platform_id_code`'s ``overrides`` (from the hall configuration) before sending anything.
PLATFORM_ID_CODES: dict[str, str | None] = {
    "resident_id": "111",
    "residence_permit_hmt": None,  # UNVERIFIED: unknown
    "foreign_permanent": "553",  # UNVERIFIED
    "passport": "414",  # UNVERIFIED (ordinary passport)
    "hk_macao_pass": "516",  # UNVERIFIED
    "taiwan_pass": "511",  # UNVERIFIED
    "officer_id": "114",  # UNVERIFIED
    "other": "990",  # UNVERIFIED
}
#: The entries of :data:`PLATFORM_ID_CODES` confirmed by a source.
VERIFIED_PLATFORM_ID_CODES: frozenset[str] = frozenset({"resident_id"})


def platform_id_code(id_type: str, overrides: dict[str, str] | None = None) -> str | None:
    """The platform's numeric code for ``id_type``; ``overrides`` (hall configuration) wins."""
    if overrides and id_type in overrides:
        return overrides[id_type]
    return PLATFORM_ID_CODES.get(id_type)


#: Valid province codes of resident ID numbers (domain.md §4).
PROVINCES: frozenset[str] = frozenset(
    f"{n:02d}" for lo, hi in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65)) for n in range(lo, hi + 1)
)
#: Residence-permit prefixes -> region name.
HMT_PREFIXES: dict[str, tuple[str, str]] = {
    "810000": ("香港特别行政区", "Hong Kong SAR"),
    "820000": ("澳门特别行政区", "Macao SAR"),
    "830000": ("台湾地区", "Taiwan"),
}

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

#: Length bounds of the free-form ID types.
PASSPORT_MIN, PASSPORT_MAX = 5, 20
OTHER_MIN, OTHER_MAX = 2, 30

messages(
    {
        "id.legacy_15": ("15位旧证号已升级为18位", "legacy 15-digit number upgraded"),
        "id.length": (
            "证件号码应为18位（现为{length}位）",
            "must have 18 characters (got {length})",
        ),
        "id.format": (
            "前17位应为数字，最后一位为数字或X",
            "the first 17 characters must be digits and the last a digit or X",
        ),
        "id.province": (
            "省级代码{province}不存在",
            "province code {province} does not exist",
        ),
        "id.date_invalid": (
            "出生日期{date}无效（{reason_zh}）",
            "birth date {date} is invalid ({reason_en})",
        ),
        "id.date_future": (
            "出生日期{date}晚于今天",
            "birth date {date} is in the future",
        ),
        "id.checksum": ("校验位错误", "wrong check character (expected {expected})"),
        "id.hmt_needs_permit": (
            "以{prefix}开头的是港澳台居民的号码，证件类型请选择“港澳台居民居住证”",
            "numbers starting with {prefix} belong to Hong Kong, Macao or Taiwan residents: "
            "choose the ID type “residence permit for Hong Kong, Macao and Taiwan residents”",
        ),
        "id.permit_prefix": (
            "港澳台居民居住证号码应以810000、820000或830000开头",
            "a Hong Kong/Macao/Taiwan residence permit number starts with 810000, 820000 or 830000",
        ),
        "id.foreign_format": (
            "外国人永久居留身份证号码应为以9开头的18位号码，或3位字母加12位数字",
            "a foreign permanent resident ID has 18 digits starting with 9, or 3 letters and 12 digits",
        ),
        "id.passport_format": (
            "护照号码应为{min}–{max}位字母或数字",
            "a passport number has {min} to {max} letters or digits",
        ),
        "id.pass_format": (
            "通行证号码应为{expected_zh}",
            "a travel permit number is {expected_en}",
        ),
        "id.other_format": (
            "证件号码应为{min}–{max}位汉字、字母或数字",
            "an ID number has {min} to {max} Chinese characters, letters or digits",
        ),
        "id.type_unknown": ("未知的证件类型“{id_type}”", "unknown ID type “{id_type}”"),
        "id.region_unknown": (
            "地址码{region}不在行政区划代码表中，请核对（已撤销的代码仍可能有效）",
            "region code {region} is not in the GB/T 2260 table; please check "
            "(abolished codes stay valid on old cards)",
        ),
        "id.sex_mismatch": (
            "证件号码显示性别为{derived_zh}，与填写的{typed_zh}不一致",
            "the ID number says {derived_en}, but {typed_en} was entered",
        ),
        "id.birth_mismatch": (
            "证件号码中的出生日期为{derived}，与填写的{typed}不一致",
            "the ID number gives birth date {derived}, but {typed} was entered",
        ),
    }
)

_SEX_WORDS = {
    "male": "male",
    "m": "male",
    "男": "male",
    "female": "female",
    "f": "female",
    "女": "female",
}
_SEX_LABELS = {"male": ("男", "male"), "female": ("女", "female")}


@dataclass(frozen=True)
class IdCheck:
    """Result of :func:`validate_id`. ``normalized`` is ``None`` when refused (or empty input)."""

    normalized: str | None
    sex: Sex | None = None
    birth_date: date | None = None
    region_code: str | None = None
    region_name: str | None = None
    upgraded_from_15: bool = False
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(e.severity == "error" for e in self.errors)

    @property
    def warnings(self) -> list[FieldError]:
        return [e for e in self.errors if e.severity == "warning"]


# --------------------------------------------------------------------------- algorithm


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits: ``"11010519491231002"`` -> ``"X"``."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    s = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[s % 11]


def upgrade_15(number15: str) -> str:
    """Legacy 15-digit number -> 18 digits: insert ``19`` before the year, append the check."""
    n = normalize_code(number15).replace(" ", "")
    if len(n) != 15 or not n.isascii() or not n.isdigit():
        raise ValueError(f"need 15 digits, got {number15!r}")
    first17 = n[:6] + "19" + n[6:]
    return first17 + check_digit(first17)


def equivalent_forms(number: str) -> list[str]:
    """Every stored form of the same resident ID number, to search by either.

    For an 18-digit number with a resident province, born 1900–1999 and a correct check character,
    ``[number18, number15]``; for a 15-digit number ``[upgrade_15(n), n]``; otherwise ``[number]``
    (normalised: half-width, upper case, no spaces), or ``[]`` for an empty input.
    """
    n = normalize_code(number).replace(" ", "").upper()
    if not n:
        return []
    if len(n) == 15 and n.isascii() and n.isdigit():
        return [upgrade_15(n), n]
    if (
        len(n) == 18
        and n[:17].isascii()
        and n[:17].isdigit()
        and n[:2] in PROVINCES
        and n[6:8] == "19"
        and check_digit(n[:17]) == n[17]
    ):
        return [n, n[:6] + n[8:17]]
    return [n]


def mask_id(number: str | None) -> str:
    """``110105********1239``: first 6 and last 4 characters shown, the rest ``*``.

    Numbers shorter than 14 characters show a quarter of their length at each end (``E1*****78``
    for 9 characters); 3 characters or fewer are masked completely.
    """
    n = "".join((number or "").split())
    if len(n) >= 14:
        head, tail = 6, 4
    else:
        head = tail = len(n) // 4
    if not n:
        return ""
    return n[:head] + "*" * (len(n) - head - tail) + (n[len(n) - tail :] if tail else "")


def synthesize_resident_id(region: str, birth: date, seq: int) -> str:
    """A valid synthetic resident ID number: region (6 digits) + birth date + ``seq`` (0–999) + check.

    Odd ``seq`` = male. For test data and the demo generator only.
    """
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError(f"region must be 6 digits, got {region!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be 0..999, got {seq}")
    if not 1000 <= birth.year <= 9999:
        raise ValueError("birth year must have 4 digits")
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


# --------------------------------------------------------------------------- regions


@lru_cache(maxsize=4096)
def _county(code: str, year: int | None) -> tuple[str | None, str | None]:
    """(province, county) for a 6-digit code in stdnum's GB/T 2260 table; county ``None`` if unknown."""
    from stdnum import numdb

    info = numdb.get("cn/loc").info(code)
    props: dict[str, str] = {}
    for _part, p in info:
        props.update(p)
    province = props.get("province")
    county = props.get("county")
    if county is None:
        return province, None
    # "[1983-1989]南头区办事处,[1990-]南山区": pick the name current in ``year``, else the latest
    names = county.split(",")
    chosen = None
    for entry in names:
        m = re.fullmatch(r"\[(\d*)-(\d*)\](.*)", entry)
        if not m:
            chosen = entry
            break
        start, end, name = m.groups()
        if year is not None and (not start or year >= int(start)) and (not end or year <= int(end)):
            chosen = name
            break
    if chosen is None:
        last = names[-1]
        m = re.fullmatch(r"\[(\d*)-(\d*)\](.*)", last)
        chosen = m.group(3) if m else last
    return province, chosen


def region_name(code: str, year: int | None = None) -> str | None:
    """``"110105"`` -> ``"北京市朝阳区"``; ``"150303"`` -> ``"内蒙古自治区乌海市海南区"``.

    ``year`` (usually the birth year) picks among names a code had over time. ``None`` when the code
    is not in the table shipped with python-stdnum (which may lag behind GB/T 2260).
    """
    if code in HMT_PREFIXES:
        return HMT_PREFIXES[code][0]
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    province, county = _county(code, year)
    if county is None or province is None:
        return None
    parts = [province]
    if code[4:] != "00" and code[2:4] != "00":
        _, prefecture = _county(code[:4] + "00", year)
        if prefecture and prefecture not in ("市辖区", "县") and "直辖" not in prefecture:
            parts.append(prefecture)
    if county not in parts and county not in ("市辖区", "县"):
        parts.append(county)
    return "".join(parts)


# --------------------------------------------------------------------------- validation


def _today() -> date:
    # Asia/Shanghai has had no daylight saving since 1991; a fixed offset needs no tz database.
    return datetime.now(timezone(timedelta(hours=8))).date()


def _normalize(raw: str) -> str:
    return normalize_code(raw).replace(" ", "").upper()


class _Refused(Exception):
    def __init__(self, err: FieldError):
        self.err = err


def _check_18(n: str, field_path: str, id_type: str, today: date) -> date:
    """Steps 2–6 of domain.md §4 on a resident ID or residence-permit number; returns the birth date."""
    if len(n) != 18:
        raise _Refused(field_error("id.length", field_path, length=len(n)))
    if not (n[:17].isascii() and n[:17].isdigit() and (n[17] == "X" or (n[17].isascii() and n[17].isdigit()))):
        raise _Refused(field_error("id.format", field_path))
    province = n[:2]
    if id_type == "residence_permit_hmt":
        if n[:6] not in HMT_PREFIXES:
            raise _Refused(field_error("id.permit_prefix", field_path))
    elif province in ("81", "82", "83"):
        raise _Refused(field_error("id.hmt_needs_permit", field_path, prefix=n[:6]))
    elif province not in PROVINCES:
        raise _Refused(field_error("id.province", field_path, province=province))
    ymd = n[6:14]
    try:
        birth = date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
    except ValueError:
        raise _Refused(
            field_error(
                "id.date_invalid",
                field_path,
                date=ymd,
                reason_zh="不是真实的日期",
                reason_en="not a real calendar date",
            )
        ) from None
    if birth.year < 1900:
        raise _Refused(
            field_error(
                "id.date_invalid",
                field_path,
                date=ymd,
                reason_zh="早于1900年",
                reason_en="before 1900",
            )
        )
    if birth > today:
        raise _Refused(field_error("id.date_future", field_path, date=birth.isoformat()))
    expected = check_digit(n[:17])
    if n[17] != expected:
        raise _Refused(field_error("id.checksum", field_path, expected=expected, found=n[17]))
    return birth


def _typed_warnings(
    field_path: str, sex: Sex, birth: date, typed_sex: str | None, typed_birth: date | None
) -> list[FieldError]:
    out = []
    if typed_sex:
        typed = _SEX_WORDS.get(typed_sex.strip().lower())
        if typed and typed != sex:
            out.append(
                field_error(
                    "id.sex_mismatch",
                    field_path,
                    "warning",
                    derived_zh=_SEX_LABELS[sex][0],
                    derived_en=_SEX_LABELS[sex][1],
                    typed_zh=_SEX_LABELS[typed][0],
                    typed_en=_SEX_LABELS[typed][1],
                )
            )
    if typed_birth is not None and typed_birth != birth:
        out.append(
            field_error(
                "id.birth_mismatch",
                field_path,
                "warning",
                derived=birth.isoformat(),
                typed=typed_birth.isoformat(),
            )
        )
    return out


def validate_id(
    id_type: str,
    raw: str | None,
    field: str,
    *,
    today: date | None = None,
    typed_sex: str | None = None,
    typed_birth: date | None = None,
) -> IdCheck:
    """Validate an ID number of type ``id_type`` (a key of :data:`ID_TYPES`).

    The input is normalised first (full-width -> half-width, ``x`` -> ``X``, spaces removed). An empty
    input gives ``IdCheck(None)`` without errors (the caller checks required fields). Otherwise the
    first error found refuses the number (``normalized`` is ``None``); warnings come with a valid one.

    ``today`` defaults to today's date in Asia/Shanghai. ``typed_sex`` (``male``/``female``/男/女) and
    ``typed_birth`` are what the form says; a difference from the number is a warning.
    """
    n = _normalize(raw or "")
    if not n:
        return IdCheck(None)
    if id_type not in ID_TYPES:
        return IdCheck(None, errors=[field_error("id.type_unknown", field, id_type=id_type)])
    today = today or _today()
    try:
        if id_type in ("resident_id", "residence_permit_hmt"):
            return _validate_resident(id_type, n, field, today, typed_sex, typed_birth)
        if id_type == "foreign_permanent":
            return _validate_foreign(n, field)
        if id_type == "passport":
            if not (PASSPORT_MIN <= len(n) <= PASSPORT_MAX and re.fullmatch(r"[A-Z0-9]+", n)):
                raise _Refused(field_error("id.passport_format", field, min=PASSPORT_MIN, max=PASSPORT_MAX))
            return IdCheck(n)
        if id_type in ("hk_macao_pass", "taiwan_pass"):
            return _validate_pass(id_type, n, field)
        return _validate_other(id_type, normalize_code(raw).replace(" ", ""), n, field)
    except _Refused as r:
        return IdCheck(None, errors=[r.err])


def _validate_resident(
    id_type: str, n: str, field_path: str, today: date, typed_sex: str | None, typed_birth: date | None
) -> IdCheck:
    errors: list[FieldError] = []
    upgraded = False
    if id_type == "resident_id" and len(n) == 15:
        if not (n.isascii() and n.isdigit()):
            raise _Refused(field_error("id.format", field_path))
        n = upgrade_15(n)
        upgraded = True
        errors.append(field_error("id.legacy_15", field_path, "warning"))
    birth = _check_18(n, field_path, id_type, today)
    sex: Sex = "male" if int(n[16]) % 2 else "female"
    region = n[:6]
    name = region_name(region, birth.year)
    if name is None:
        errors.append(field_error("id.region_unknown", field_path, "warning", region=region))
    errors += _typed_warnings(field_path, sex, birth, typed_sex, typed_birth)
    return IdCheck(
        normalized=n,
        sex=sex,
        birth_date=birth,
        region_code=region,
        region_name=name,
        upgraded_from_15=upgraded,
        errors=errors,
    )


def _validate_foreign(n: str, field_path: str) -> IdCheck:
    # 2023 form: 18 characters, "9" + 16 digits + MOD 11-2 check.
    if len(n) == 18 and n[0] == "9" and n[:17].isascii() and n[:17].isdigit():
        if not (n[17] == "X" or (n[17].isascii() and n[17].isdigit())):
            raise _Refused(field_error("id.foreign_format", field_path))
        expected = check_digit(n[:17])
        if n[17] != expected:
            raise _Refused(field_error("id.checksum", field_path, expected=expected, found=n[17]))
        return IdCheck(n)
    # 2017 (and 2004) form: 3-letter nationality code + 12 digits, no check character.
    if re.fullmatch(r"[A-Z]{3}[0-9]{12}", n):
        return IdCheck(n)
    raise _Refused(field_error("id.foreign_format", field_path))


def _validate_pass(id_type: str, n: str, field_path: str) -> IdCheck:
    n = n.replace("(", "").replace(")", "")  # older cards print the issue count as "(01)"
    if id_type == "hk_macao_pass":
        if re.fullmatch(r"[HM](?:\d{8}|\d{10})", n):
            return IdCheck(n)
        raise _Refused(
            field_error(
                "id.pass_format",
                field_path,
                expected_zh="H或M加8位或10位数字",
                expected_en="H or M followed by 8 or 10 digits",
            )
        )
    if re.fullmatch(r"\d{8}|\d{10}", n):
        return IdCheck(n)
    raise _Refused(
        field_error(
            "id.pass_format",
            field_path,
            expected_zh="8位数字（旧证10位）",
            expected_en="8 digits (10 on older permits)",
        )
    )


def _validate_other(id_type: str, as_typed: str, n: str, field_path: str) -> IdCheck:
    """``officer_id`` and ``other``: Chinese characters, letters and digits only (``南字第123456号``)."""
    value = n if id_type == "officer_id" else as_typed
    ok = OTHER_MIN <= len(value) <= OTHER_MAX and all(
        is_cjk(ch) or (ch.isascii() and ch.isalnum()) or ch in "-()" for ch in value
    )
    if not ok:
        raise _Refused(field_error("id.other_format", field_path, min=OTHER_MIN, max=OTHER_MAX))
    return IdCheck(value)
