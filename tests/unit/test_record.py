"""The unified record: schema, domain rules, required fields per window, normalisation."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jsonschema
import pytest

from reception.errors import ValidationFailed
from reception.record import REQUIRED, case_schema, normalize_case
from reception.vocab import WINDOWS
from tests.factories import base_case


def problems(config, doc) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as info:
        normalize_case(doc, config)
    return {e.field: e.code for e in info.value.errors}


@pytest.mark.parametrize("window", WINDOWS)
def test_a_complete_case_passes_for_every_window(config, window):
    case = normalize_case(base_case(config, window), config)
    assert case.document["schema_version"] == "1.0"
    assert case.document["window"] == window
    jsonschema.validate(case.document, case_schema())


def test_schema_file_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(case_schema())


def test_input_dict_is_not_modified(config):
    doc = base_case(config)
    before = json.dumps(doc, sort_keys=True)
    normalize_case(doc, config)
    assert json.dumps(doc, sort_keys=True) == before


# -- acceptance checks of domain.md §8 ---------------------------------------------------------


def test_wrong_check_character_is_refused_with_the_field_named(config):
    doc = base_case(config)
    doc["applicants"][0]["id_number"] = "110105199003071238"
    with pytest.raises(ValidationFailed) as info:
        normalize_case(doc, config)
    err = next(e for e in info.value.errors if e.field == "applicants[0].id_number")
    assert err.code == "id.checksum"
    assert err.text("zh") == "证件号码：校验位错误"
    assert "ID number" in err.text("en")


def test_lowercase_x_is_stored_upper_and_fills_sex_and_birth(config):
    doc = base_case(config)
    doc["applicants"][0]["id_number"] = "11010519491231002x"
    a = normalize_case(doc, config).document["applicants"][0]
    assert a["id_number"] == "11010519491231002X"
    assert a["sex"] == "female"
    assert a["birth_date"] == "1949-12-31"


@pytest.mark.parametrize("number", ["110105199002301231", "110105190002291239"])
def test_impossible_dates_are_refused_despite_valid_checksums(config, number):
    doc = base_case(config)
    doc["applicants"][0]["id_number"] = number
    assert problems(config, doc)["applicants[0].id_number"] == "id.date_invalid"


def test_15_digit_number_is_stored_as_18(config):
    doc = base_case(config)
    doc["applicants"][0]["id_number"] = "110105900307123"
    case = normalize_case(doc, config)
    assert case.document["applicants"][0]["id_number"] == "110105199003071239"
    assert any(w.code == "id.legacy_15" for w in case.warnings)


def test_hong_kong_number_needs_the_residence_permit_type(config):
    from reception.idcard import check_digit

    first17 = "81000019900307123"
    number = first17 + check_digit(first17)
    doc = base_case(config)
    doc["applicants"][0]["id_number"] = number
    assert problems(config, doc)["applicants[0].id_number"] == "id.hmt_needs_permit"
    doc["applicants"][0]["id_type"] = "residence_permit_hmt"
    assert normalize_case(doc, config).document["applicants"][0]["id_number"] == number


def _rep(i: int) -> dict:
    return {"name": f"代表{'一二三四五六'[i]}", "phone": f"1391234567{i}"}


def test_group_visit_of_six_needs_one_to_five_representatives(config):
    doc = base_case(config)
    doc["group"] = {"headcount": 6, "representatives": []}
    assert problems(config, doc)["group.representatives"] == "group.representatives_required"
    for n in range(1, 6):
        doc["group"]["representatives"] = [_rep(i) for i in range(n)]
        normalize_case(doc, config)
    doc["group"]["representatives"] = [_rep(i) for i in range(6)]
    with pytest.raises(ValidationFailed) as info:
        normalize_case(doc, config)
    err = next(e for e in info.value.errors if e.code == "group.too_many_representatives")
    assert err.field == "group.representatives[5]"
    assert "5" in err.message_zh and "第二十条" in err.message_zh


def test_repeat_petition_after_second_review_needs_leader_override(config):
    doc = base_case(config)
    doc["prior_handling"] = [
        {
            "body": "乌达区人民政府",
            "form": "petition",
            "stage": "second_review",
            "result": "维持",
            "final": True,
        }
    ]
    assert problems(config, doc)["prior_handling"] == "intake.closed_after_review"
    doc["disposal"]["leader_override"] = "值班领导王某批准：有新的事实和证据"
    case = normalize_case(doc, config)
    assert any(w.code == "intake.leader_override_used" for w in case.warnings)


def test_interim_legal_aid_prompt_when_limitation_ends_within_seven_days(config):
    from datetime import date, timedelta

    doc = base_case(config, "legal_aid")
    doc["limitation_ends_on"] = (date.today() + timedelta(days=3)).isoformat()
    case = normalize_case(doc, config)
    assert any(w.code == "legal_aid.interim_aid" for w in case.warnings)
    doc["limitation_ends_on"] = (date.today() + timedelta(days=30)).isoformat()
    assert not any(w.code == "legal_aid.interim_aid" for w in normalize_case(doc, config).warnings)


# -- required fields per window -----------------------------------------------------------------


def _drop(doc: dict, path: str) -> str:
    """Remove the field at ``path`` (``[*]`` means item 0) and return the concrete path."""
    parts = path.replace("[*]", ".0").split(".")
    node = doc
    for p in parts[:-1]:
        node = node[int(p)] if p.isdigit() else node.setdefault(p, {})
    last = parts[-1]
    if isinstance(node, dict):
        node.pop(last, None)
    return path.replace("[*]", "[0]")


CASES = [(w, p) for w, paths in REQUIRED.items() for p in paths if p not in ("channel", "received_at")]


@pytest.mark.parametrize(("window", "path"), CASES, ids=[f"{w}:{p}" for w, p in CASES])
def test_each_required_field_is_enforced(config, window, path):
    doc = base_case(config, window)
    concrete = _drop(doc, path)
    found = problems(config, doc)
    assert found.get(concrete) == "required", found


def test_id_optional_for_letters(config):
    doc = base_case(config, "litigation", channel="letter")
    doc["applicants"][0].pop("id_number")
    normalize_case(doc, config)


def test_privacy_consent_required_except_consultation(config):
    doc = base_case(config)
    doc["disposal"]["privacy_consent"] = False
    assert problems(config, doc)["disposal.privacy_consent"] == "consent.privacy_required"
    doc["window"] = "consultation"
    normalize_case(doc, config)


# -- structure and hygiene ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "field", "code"),
    [
        (lambda d: d.update(window="court"), "window", "schema.enum"),
        (lambda d: d.update(colour="red"), "colour", "schema.unknown_field"),
        (lambda d: d["applicants"][0].update(phone="5551"), "applicants[0].phone", None),
        (lambda d: d.update(applicants=[]), "applicants", "schema.too_few"),
        (lambda d: d.update(amount=-1), "amount", "schema.range"),
        (lambda d: d.update(amount=12.345), "amount", "amount.precision"),
        (lambda d: d.update(received_at="2025-03-03 09:30"), "received_at", "datetime.invalid"),
        (lambda d: d.update(received_at="2999-03-03T09:30:00+08:00"), "received_at", "datetime.future"),
        (lambda d: d.update(category="astrology"), "category", "category.unknown"),
        (lambda d: d.update(subcategory="divorce"), "subcategory", "subcategory.unknown"),
        (lambda d: d["place"].update(town="nowhere"), "place.town", None),
        (lambda d: d.update(facts="拖欠工资\x07三万元"), "facts", "text.control_char"),
        (lambda d: d.update(facts="字" * 5001), "facts", "schema.too_long"),
        (lambda d: d["applicants"][0].update(name="张3"), "applicants[0].name", "name.charset"),
        (
            lambda d: d["applicants"][0].update(birth_date="2990-01-01"),
            "applicants[0].birth_date",
            "date.future",
        ),
        (
            lambda d: d["counterparties"][0].update(uscc="91150304MA0N12345X"),
            "counterparties[0].uscc",
            "uscc.invalid",
        ),
        (lambda d: d.update(occurred_on="2025-13-01"), "occurred_on", "date.invalid"),
        (lambda d: d["risk"].update(flags=["nonsense"]), "risk.flags[0]", "schema.enum"),
        (lambda d: d.update(schema_version="2.0"), "schema_version", "schema.version"),
    ],
)
def test_bad_input_names_the_field(config, mutate, field, code):
    doc = base_case(config)
    mutate(doc)
    found = problems(config, doc)
    assert field in found, found
    if code:
        assert found[field] == code
    # every error carries text in both languages
    with pytest.raises(ValidationFailed) as info:
        normalize_case(doc, config)
    for e in info.value.errors:
        assert e.message_zh and e.message_en


def test_full_width_input_is_normalised(config):
    doc = base_case(config)
    doc["applicants"][0]["id_number"] = "１１０１０５１９９００３０７１２３９"
    doc["applicants"][0]["phone"] = "１３８ １２３４ ５６７８"
    doc["facts"] = "拖欠工资３００００元，ＡＢＣ公司。"
    a = normalize_case(doc, config).document
    assert a["applicants"][0]["id_number"] == "110105199003071239"
    assert a["applicants"][0]["phone"] == "13812345678"
    assert a["facts"] == "拖欠工资30000元，ABC公司。"


def test_rare_characters_in_names_are_kept(config):
    doc = base_case(config)
    doc["applicants"][0]["name"] = "龚䶮"
    doc["counterparties"] = [{"kind": "person", "name": "吉𠮷"}]
    d = normalize_case(doc, config).document
    assert d["applicants"][0]["name"] == "龚䶮"
    assert d["counterparties"][0]["name"] == "吉𠮷"


def test_read_only_fields_are_ignored_on_input(config):
    doc = base_case(config)
    doc.update(case_no="ZZ-000000-X-1999-000001", status="closed", deadlines=[], transfers=[])
    d = normalize_case(doc, config).document
    assert "case_no" not in d and "status" not in d


def test_all_errors_reported_at_once(config):
    doc = base_case(config)
    doc["applicants"][0]["id_number"] = "110105199003071238"
    doc["applicants"][0]["phone"] = "999"
    doc.pop("facts")
    found = problems(config, doc)
    assert {"applicants[0].id_number", "applicants[0].phone", "facts"} <= set(found)


def test_not_an_object(config):
    assert problems(config, ["x"]) == {"": "schema.not_object"}


def test_received_at_keeps_offset_and_local_date(config):
    doc = base_case(config, received_at="2025-03-03T23:30:00+00:00")
    case = normalize_case(doc, config, now=datetime(2025, 3, 10, tzinfo=UTC))
    assert case.received_date.isoformat() == "2025-03-04"  # Beijing time
