from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from reception.errors import MESSAGES
from reception.idcard import (
    ID_TYPES,
    PLATFORM_ID_CODES,
    IdCheck,
    check_digit,
    equivalent_forms,
    mask_id,
    platform_id_code,
    region_name,
    synthesize_resident_id,
    upgrade_15,
    validate_id,
)

TODAY = date(2025, 6, 1)
FIELD = "applicants[0].id_number"


def check(number: str, id_type: str = "resident_id", **kw) -> IdCheck:
    return validate_id(id_type, number, FIELD, today=TODAY, **kw)


def codes(result: IdCheck, severity: str = "error") -> list[str]:
    return [e.code for e in result.errors if e.severity == severity]


def to_fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in s)


# --------------------------------------------------------------------------- domain.md §4 examples

VALID = [
    # number, normalized, sex, birth
    ("11010519491231002X", "11010519491231002X", "female", date(1949, 12, 31)),
    ("11010519491231002x", "11010519491231002X", "female", date(1949, 12, 31)),
    ("110105199003071239", "110105199003071239", "male", date(1990, 3, 7)),
    ("440305200102284566", "440305200102284566", "female", date(2001, 2, 28)),
    ("320106200002290086", "320106200002290086", "female", date(2000, 2, 29)),
    (" 110105 19900307 1239 ", "110105199003071239", "male", date(1990, 3, 7)),
    ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", "female", date(1949, 12, 31)),
]


@pytest.mark.parametrize(("number", "normalized", "sex", "birth"), VALID)
def test_valid_examples(number, normalized, sex, birth):
    r = check(number)
    assert r.ok, r.errors
    assert r.errors == []
    assert r.normalized == normalized
    assert r.sex == sex
    assert r.birth_date == birth
    assert r.region_code == normalized[:6]
    assert r.upgraded_from_15 is False


def test_example_regions():
    assert check("110105199003071239").region_name == "北京市朝阳区"
    assert check("440305200102284566").region_name == "广东省深圳市南山区"
    assert check("320106200002290086").region_name == "江苏省南京市鼓楼区"


INVALID = [
    ("110105199003071238", "id.checksum"),
    ("11010519900307123X", "id.checksum"),
    ("110101199001010011", "id.checksum"),
    ("110105199002301231", "id.date_invalid"),
    ("110105190002291239", "id.date_invalid"),
    ("990105199003071232", "id.province"),
    ("110105209901011234", "id.date_future"),
    ("11010519900307123", "id.length"),
    ("1101051990030712399", "id.length"),
    ("1234", "id.length"),
    ("1101051990030712A9", "id.format"),
    ("X10105199003071239", "id.format"),
    ("11010519900307123Y", "id.format"),
    ("110105-19900307-1239", "id.length"),
    ("11010590030712A", "id.format"),  # 15 characters but not digits
    ("710105199003071239", "id.province"),  # Taiwan province code is not a resident code
    ("100105199003071239", "id.province"),
    ("660105199003071239", "id.province"),
    ("910105199003071239", "id.province"),
    ("110105189912311234", "id.date_invalid"),  # before 1900
    ("110105199013011234", "id.date_invalid"),
    ("110105199000001234", "id.date_invalid"),
    ("110105110229123", "id.date_invalid"),  # 15-digit 1911-02-29
    ("810000199003071237", "id.hmt_needs_permit"),
    ("820000199003071231", "id.hmt_needs_permit"),
    ("830000199003071232", "id.hmt_needs_permit"),
]


@pytest.mark.parametrize(("number", "code"), INVALID)
def test_invalid_examples(number, code):
    r = check(number)
    assert codes(r) == [code]
    assert r.normalized is None
    assert r.sex is None and r.birth_date is None
    assert not r.ok


def test_checksum_message_and_expected_character():
    (err,) = check("110105199003071238").errors
    assert err.code == "id.checksum"
    assert err.field == FIELD
    assert err.message_zh == "校验位错误"
    assert "expected 9" in err.message_en
    assert err.params["expected"] == "9"
    assert check("11010519900307123X").errors[0].params["expected"] == "9"
    assert check("110101199001010011").errors[0].params["expected"] == "5"


def test_checksums_of_domain_examples_are_right_where_documented():
    # the "bad date" / "bad province" / "future" examples have correct check characters
    for n in ("110105199002301231", "110105190002291239", "990105199003071232", "110105209901011234"):
        assert check_digit(n[:17]) == n[17]


def test_stored_uppercase_x():
    r = check("11010519491231002x")
    assert r.normalized.endswith("002X")
    assert r.sex == "female"
    assert r.birth_date == date(1949, 12, 31)


def test_legacy_15_digit_upgrade():
    r = check("110105900307123")
    assert r.ok
    assert r.normalized == "110105199003071239"
    assert r.upgraded_from_15 is True
    assert codes(r, "warning") == ["id.legacy_15"]
    w = r.warnings[0]
    assert w.message_zh == "15位旧证号已升级为18位"
    assert w.message_en == "legacy 15-digit number upgraded"
    assert r.sex == "male"
    assert r.birth_date == date(1990, 3, 7)


def test_15_digits_only_for_resident_id():
    assert codes(check("110105900307123", "residence_permit_hmt")) == ["id.length"]


def test_empty_input_has_no_errors():
    for raw in ("", "   ", "\u3000", None):
        r = validate_id("resident_id", raw, FIELD)
        assert r.normalized is None
        assert r.errors == []


def test_unknown_type():
    r = check("110105199003071239", "driving_licence")
    assert codes(r) == ["id.type_unknown"]
    assert r.normalized is None


def test_future_relative_to_today():
    born = synthesize_resident_id("110105", date(2025, 6, 2), 11)
    assert codes(check(born)) == ["id.date_future"]
    assert validate_id("resident_id", born, FIELD, today=date(2025, 6, 2)).ok
    # today's newborn is fine
    assert check(synthesize_resident_id("110105", TODAY, 11)).ok


def test_default_today_is_used():
    assert codes(validate_id("resident_id", "110105209901011234", FIELD)) == ["id.date_future"]


# --------------------------------------------------------------------------- HK/Macao/Taiwan permits


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_residence_permit(prefix):
    n = synthesize_resident_id(prefix, date(1990, 3, 7), 123)
    refused = check(n)
    assert codes(refused) == ["id.hmt_needs_permit"]
    assert "港澳台居民居住证" in refused.errors[0].message_zh
    ok = check(n, "residence_permit_hmt")
    assert ok.ok and ok.errors == []
    assert ok.normalized == n
    assert ok.sex == "male"
    assert ok.birth_date == date(1990, 3, 7)
    assert ok.region_name


def test_residence_permit_rules():
    assert codes(check("110105199003071239", "residence_permit_hmt")) == ["id.permit_prefix"]
    assert codes(check(synthesize_resident_id("810100", date(1990, 1, 1), 1), "residence_permit_hmt")) == [
        "id.permit_prefix"
    ]
    bad = synthesize_resident_id("810000", date(1990, 3, 7), 123)[:17] + "0"
    r = check(bad, "residence_permit_hmt")
    assert codes(r) == ["id.checksum"]
    assert codes(check("810000199002301231", "residence_permit_hmt")) == ["id.date_invalid"]


# --------------------------------------------------------------------------- region warnings


def test_unknown_county_is_only_a_warning():
    n = synthesize_resident_id("110199", date(1990, 1, 1), 12)
    r = check(n)
    assert r.ok
    assert r.normalized == n
    assert codes(r, "warning") == ["id.region_unknown"]
    assert r.region_name is None
    assert r.region_code == "110199"


def test_abolished_county_keeps_its_name():
    r = check(synthesize_resident_id("110103", date(1980, 5, 1), 31))  # 崇文区, merged in 2010
    assert r.ok and r.errors == []
    assert r.region_name == "北京市崇文区"


def test_region_name_by_year():
    assert region_name("440305", 1985) == "广东省深圳市南头区办事处"
    assert region_name("440305", 2000) == "广东省深圳市南山区"
    assert region_name("150303") == "内蒙古自治区乌海市海南区"
    assert region_name("110000") == "北京市"
    assert region_name("999999") is None
    assert region_name("abc") is None


# --------------------------------------------------------------------------- typed sex / birth


def test_typed_values_that_agree():
    r = check("11010519491231002X", typed_sex="female", typed_birth=date(1949, 12, 31))
    assert r.errors == []
    assert check("11010519491231002X", typed_sex="女").errors == []


def test_typed_values_that_differ_are_warnings():
    r = check("11010519491231002X", typed_sex="male", typed_birth=date(1949, 12, 30))
    assert r.ok
    assert r.normalized == "11010519491231002X"
    assert codes(r, "warning") == ["id.sex_mismatch", "id.birth_mismatch"]
    assert all(w.severity == "warning" for w in r.errors)
    assert "女" in r.errors[0].message_zh and "男" in r.errors[0].message_zh
    assert "1949-12-31" in r.errors[1].message_en
    assert codes(check("110105199003071239", typed_sex="女"), "warning") == ["id.sex_mismatch"]


# --------------------------------------------------------------------------- other ID types


@pytest.mark.parametrize(
    ("id_type", "raw", "normalized"),
    [
        ("foreign_permanent", synthesize_resident_id("911156", date(1985, 1, 2), 3), None),
        ("foreign_permanent", "USA310685123456", None),
        ("foreign_permanent", "usa110185050011", "USA110185050011"),
        ("passport", "E12345678", "E12345678"),
        ("passport", "ea1234567", "EA1234567"),
        ("passport", "５４６７８９０１２", "546789012"),
        ("passport", "AB 123 456", "AB123456"),
        ("hk_macao_pass", "H12345678", "H12345678"),
        ("hk_macao_pass", "m1234567801", "M1234567801"),
        ("hk_macao_pass", "H12345678(01)", "H1234567801"),
        ("taiwan_pass", "12345678", "12345678"),
        ("taiwan_pass", "1234567801", "1234567801"),
        ("taiwan_pass", "12345678（01）", "1234567801"),
        ("officer_id", "南字第123456号", "南字第123456号"),
        ("officer_id", "政字第0012345号", "政字第0012345号"),
        ("other", "户口簿 A-123", "户口簿A-123"),
        ("other", "ab12", "ab12"),
    ],
)
def test_other_types_valid(id_type, raw, normalized):
    r = check(raw, id_type)
    assert r.ok, r.errors
    assert r.errors == []
    assert r.normalized == (normalized or raw)
    assert r.sex is None and r.region_code is None


@pytest.mark.parametrize(
    ("id_type", "raw", "code"),
    [
        ("foreign_permanent", "911156198501020030", "id.checksum"),
        ("foreign_permanent", "110105199003071239", "id.foreign_format"),
        ("foreign_permanent", "US1110185050011", "id.foreign_format"),
        ("foreign_permanent", "USA11018505001", "id.foreign_format"),
        ("foreign_permanent", "9111561985010200", "id.foreign_format"),
        ("passport", "E123", "id.passport_format"),
        ("passport", "E" + "1" * 20, "id.passport_format"),
        ("passport", "E1234567#", "id.passport_format"),
        ("passport", "张三12345", "id.passport_format"),
        ("hk_macao_pass", "12345678", "id.pass_format"),
        ("hk_macao_pass", "H1234567", "id.pass_format"),
        ("hk_macao_pass", "H123456789", "id.pass_format"),
        ("hk_macao_pass", "T12345678", "id.pass_format"),
        ("taiwan_pass", "1234567", "id.pass_format"),
        ("taiwan_pass", "123456789", "id.pass_format"),
        ("taiwan_pass", "T1234567", "id.pass_format"),
        ("officer_id", "1", "id.other_format"),
        ("officer_id", "南字第#123号", "id.other_format"),
        ("other", "x" * 31, "id.other_format"),
        ("other", "a@b", "id.other_format"),
    ],
)
def test_other_types_invalid(id_type, raw, code):
    r = check(raw, id_type)
    assert codes(r) == [code]
    assert r.normalized is None


def test_foreign_2023_checksum_expected_value():
    good = synthesize_resident_id("911156", date(1985, 1, 2), 3)
    assert check(good, "foreign_permanent").ok
    wrong = "0" if good[-1] != "0" else "1"
    r = check(good[:17] + wrong, "foreign_permanent")
    assert r.errors[0].message_zh == "校验位错误"
    assert r.errors[0].params["expected"] == good[-1]


def test_foreign_number_is_not_a_resident_id():
    good = synthesize_resident_id("911156", date(1985, 1, 2), 3)
    assert codes(check(good)) == ["id.province"]


# --------------------------------------------------------------------------- helpers


def test_check_digit_against_stdnum_and_standard_example():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("11010519900307123") == "9"
    assert check_digit("44030520010228456") == "6"
    assert check_digit("32010620000229008") == "6"
    assert check_digit("11010119900101001") == "5"
    for first17 in ("36042619910101007", "11010519491231002", "65010220230101999"):
        assert check_digit(first17) == ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize(
    "bad", ["", "1234", "1101051949123100X", "１１０１０５１９４９１２３１００２", "110105194912310021"]
)
def test_check_digit_refuses_bad_input(bad):
    with pytest.raises(ValueError):
        check_digit(bad)


def test_upgrade_15():
    assert upgrade_15("110105900307123") == "110105199003071239"
    for bad in ("11010590030712", "11010590030712A", "1101059003071231"):
        with pytest.raises(ValueError):
            upgrade_15(bad)


def test_equivalent_forms():
    assert equivalent_forms("110105199003071239") == ["110105199003071239", "110105900307123"]
    assert equivalent_forms("110105900307123") == ["110105199003071239", "110105900307123"]
    assert equivalent_forms("11010519491231002x") == ["11010519491231002X", "110105491231002"]
    # born 2000+: no 15-digit form
    assert equivalent_forms("440305200102284566") == ["440305200102284566"]
    # wrong check character: the 15-digit form would upgrade to another number
    assert equivalent_forms("110105199003071238") == ["110105199003071238"]
    assert equivalent_forms("E12345678") == ["E12345678"]
    assert equivalent_forms("") == []


def test_mask_id():
    assert mask_id("110105199003071239") == "110105********1239"
    assert mask_id("110105900307123") == "110105*****7123"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_id("USA110185050011") == "USA110*****0011"
    assert mask_id("H1234567801") == "H1*******01"
    assert mask_id("1234") == "1**4"
    assert mask_id("123") == "***"
    assert mask_id("") == ""
    assert mask_id(None) == ""
    for n in ("110105199003071239", "E12345678", "1234567", "ab"):
        masked = mask_id(n)
        assert len(masked) == len(n)
        assert "*" in masked


def test_synthesize_rejects_bad_arguments():
    with pytest.raises(ValueError):
        synthesize_resident_id("11010", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        synthesize_resident_id("110105", date(1990, 1, 1), 1000)
    with pytest.raises(ValueError):
        synthesize_resident_id("110105", date(1990, 1, 1), -1)


def test_tables_and_messages():
    assert set(ID_TYPES) == {
        "resident_id",
        "residence_permit_hmt",
        "foreign_permanent",
        "passport",
        "hk_macao_pass",
        "taiwan_pass",
        "officer_id",
        "other",
    }
    assert ID_TYPES["resident_id"][0] == "居民身份证"
    assert ID_TYPES["residence_permit_hmt"][0] == "港澳台居民居住证"
    assert set(PLATFORM_ID_CODES) == set(ID_TYPES)
    assert platform_id_code("resident_id") == "111"
    assert platform_id_code("passport", {"passport": "414X"}) == "414X"
    id_codes = [c for c in MESSAGES if c.startswith("id.")]
    assert len(id_codes) >= 17
    for c in id_codes:
        zh, en = MESSAGES[c]
        assert zh and en
    assert MESSAGES["id.checksum"][0] == "校验位错误"


def test_result_is_frozen():
    r = check("110105199003071239")
    with pytest.raises(FrozenInstanceError):
        r.normalized = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------- properties

REGIONS = ["110105", "110108", "150303", "150304", "320106", "440305", "650102", "540102", "110103"]
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(min_value=0, max_value=999)


@given(st.sampled_from(REGIONS), births, seqs)
def test_synthesized_ids_validate_and_round_trip(region, birth, seq):
    n = synthesize_resident_id(region, birth, seq)
    r = check(n)
    assert r.ok
    assert r.errors == []
    assert r.normalized == n
    assert r.birth_date == birth
    assert r.sex == ("male" if seq % 2 else "female")
    assert r.region_code == region
    assert ric.calc_check_digit(n) == n[-1]


@given(st.sampled_from(REGIONS), births, seqs, st.integers(min_value=0, max_value=17), st.data())
def test_any_single_character_change_is_detected(region, birth, seq, pos, data):
    n = synthesize_resident_id(region, birth, seq)
    choices = [c for c in "0123456789X" if c != n[pos] and (pos == 17 or c != "X")]
    c = data.draw(st.sampled_from(choices))
    changed = n[:pos] + c + n[pos + 1 :]
    r = check(changed)
    assert not r.ok
    assert r.normalized is None


@given(st.sampled_from(REGIONS), st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), seqs)
def test_15_digit_upgrade_and_equivalent_forms(region, birth, seq):
    n15 = f"{region}{birth:%y%m%d}{seq:03d}"
    n18 = upgrade_15(n15)
    assert n18 == synthesize_resident_id(region, birth, seq)
    assert n15 in equivalent_forms(n18)
    assert set(equivalent_forms(n15)) == set(equivalent_forms(n18)) == {n15, n18}
    r = check(n15)
    assert r.normalized == n18
    assert r.upgraded_from_15


@given(st.sampled_from(REGIONS), births, seqs, st.booleans())
def test_fullwidth_input_gives_same_result(region, birth, seq, lower_x):
    n = synthesize_resident_id(region, birth, seq)
    typed = n.lower() if lower_x else n
    r = check(to_fullwidth(typed))
    assert r.ok
    assert r.normalized == n


@given(st.sampled_from(["810000", "820000", "830000"]), births, seqs)
def test_permits_only_under_their_type(prefix, birth, seq):
    n = synthesize_resident_id(prefix, birth, seq)
    assert check(n, "residence_permit_hmt").normalized == n
    assert check(to_fullwidth(n), "residence_permit_hmt").normalized == n
    assert codes(check(n)) == ["id.hmt_needs_permit"]


@given(st.text(max_size=25), st.sampled_from(sorted(ID_TYPES)))
def test_never_crashes_and_refusals_have_no_value(raw, id_type):
    r = check(raw, id_type)
    if not r.ok:
        assert r.normalized is None
    for e in r.errors:
        assert e.message_zh and e.message_en
