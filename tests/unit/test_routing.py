"""Routing: one case per row of the routing table (domain.md §2), level routing, overrides, rule files."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reception.config import example_path, load_config
from reception.errors import ConfigError, ValidationFailed
from reception.paths import resource_path
from reception.routing import (
    PRIOR_FORMS,
    PURPOSES,
    RISK_FLAGS,
    RISK_LEVELS,
    WINDOWS,
    load_rules,
    network_level,
    parse_rules,
    route,
)
from tests.factories import base_case

CONFIG = load_config(example_path())
RULES = load_rules(None, CONFIG)
RULES_TEXT = resource_path("rules", "routing.toml").read_text(encoding="utf-8")
NET = CONFIG.network
GRID = next(iter(NET.grids.values()))
COMMUNITY = NET.communities[GRID.community]
TOWN = NET.towns[COMMUNITY.town]


def make(category: str = "neighbour", subcategory: str | None = None, window: str = "petition", **changes) -> dict:
    """A valid case at the first grid point, blue risk, small amount, mediation agreed."""
    doc = base_case(CONFIG, window, category=category, subcategory=subcategory)
    doc["amount"] = 2000
    doc["risk"] = {"level": "blue", "flags": []}
    doc["place"] = {"town": TOWN.code, "community": COMMUNITY.code, "grid": GRID.code, "cross": "none"}
    for key, value in changes.items():
        if key in ("place", "risk", "disposal", "group") and isinstance(value, dict) and key in doc:
            doc[key] = {**doc[key], **value}
        else:
            doc[key] = value
    return copy.deepcopy(doc)


# -- one case per row of the routing table ----------------------------------------------------------

ROWS = [
    # (row, case, department, also, level, rule)
    ("ordinary civil: neighbours", make("neighbour", "noise"), "district_mediation", (), "grid", "civil_network"),
    ("ordinary civil: family", make("marriage_family", "support"), "district_mediation", (), "grid", "civil_network"),
    (
        "ordinary civil: small debt",
        make("contract", "lending", amount=5000),
        "district_mediation",
        (),
        "grid",
        "civil_network",
    ),
    (
        "ordinary civil: damages across villages",
        make("damages", "property_damage", place={"cross": "cross_community"}),
        "district_mediation",
        (),
        "town",
        "civil_network",
    ),
    (
        "mediation refused",
        make("neighbour", disposal={"mediation_consent": "no"}),
        "court",
        ("legal_aid",),
        "district",
        "mediation_refused",
    ),
    (
        "mediation failed",
        make("damages", prior_handling=[{"body": "团结社区人民调解委员会", "form": "mediation"}]),
        "court",
        ("legal_aid",),
        "district",
        "mediation_refused",
    ),
    ("contract / lending", make("contract", "lending", amount=50000), "court", (), "district", "contract_court"),
    ("labour", make("labour", "dismissal"), "labour_arbitration", (), "district", "labour"),
    (
        "labour refused mediation still goes to arbitration",
        make("labour", "dismissal", disposal={"mediation_consent": "no"}),
        "labour_arbitration",
        (),
        "district",
        "labour",
    ),
    ("unpaid wages", make("labour", "unpaid_wages"), "hrss", ("legal_aid",), "district", "unpaid_wages"),
    (
        "work injury",
        make("labour", "work_injury"),
        "hrss",
        ("labour_arbitration", "legal_aid"),
        "district",
        "work_injury",
    ),
    (
        "domestic violence",
        make("marriage_family", "domestic_violence"),
        "police",
        ("court", "legal_aid", "womens_federation"),
        "district",
        "domestic_violence",
    ),
    (
        "land between collectives",
        make("forest_land", "collective_ownership"),
        "government",
        ("natural_resources",),
        "district",
        "land_ownership",
    ),
    ("land contracting", make("forest_land", "land_contract"), "district_mediation", (), "town", "land_contract"),
    (
        "land contracting, mediation refused",
        make("forest_land", "land_contract", disposal={"mediation_consent": "no"}),
        "court",
        ("legal_aid",),
        "district",
        "mediation_refused",
    ),
    (
        "requisition compensation",
        make("requisition", "compensation"),
        "government",
        ("natural_resources", "housing"),
        "district",
        "requisition",
    ),
    ("requisition legality", make("requisition", "legality"), "government", (), "district", "requisition_legality"),
    ("property management", make("property_mgmt", "maintenance"), "district_mediation", (), "town", "property_mgmt"),
    ("medical", make("medical", "malpractice"), "medical_mediation", ("health",), "district", "medical"),
    ("traffic", make("traffic", "injury"), "traffic_police", (), "district", "traffic"),
    ("consumer", make("consumer", "prepaid_card"), "market_regulation", (), "district", "consumer"),
    ("pollution", make("pollution", "air"), "district_mediation", (), "town", "pollution"),
    ("涉法涉诉: judgment", make("litigation_related", "judgment"), "court", (), "district", "litigation_judgment"),
    (
        "涉法涉诉: enforcement",
        make("litigation_related", "enforcement"),
        "court",
        (),
        "district",
        "litigation_enforcement",
    ),
    (
        "涉法涉诉: private prosecution",
        make("litigation_related", "private_prosecution"),
        "court",
        (),
        "district",
        "litigation_private_prosecution",
    ),
    (
        "涉法涉诉: police decision",
        make("litigation_related", "police_decision"),
        "police_legal",
        ("procuratorate",),
        "district",
        "litigation_police_decision",
    ),
    (
        "涉法涉诉: procuratorate decision",
        make("litigation_related", "procuratorate_decision"),
        "procuratorate",
        (),
        "district",
        "litigation_procuratorate_decision",
    ),
    (
        "涉法涉诉: supervision at the 12309 window",
        make("litigation_related", "judgment", window="procuratorate"),
        "procuratorate",
        (),
        "district",
        "litigation_supervision",
    ),
    (
        "涉法涉诉: anything else",
        make("litigation_related", None),
        "court",
        ("procuratorate",),
        "district",
        "litigation_other",
    ),
    (
        "reports against officials",
        make("report_officials", "official_misconduct"),
        "discipline",
        (),
        "district",
        "report_officials",
    ),
    (
        "crimes by judicial staff",
        make("report_officials", "judicial_staff_crime"),
        "procuratorate",
        (),
        "district",
        "report_judicial_staff",
    ),
    ("suggestions", make("suggestion", "policy", purpose="suggestion"), "government", (), "district", "suggestion"),
    (
        "suggestion purpose on another matter",
        make("other", purpose="suggestion"),
        "government",
        (),
        "district",
        "suggestion_purpose",
    ),
    (
        "violence risk",
        make("public_order", "violence_risk", risk={"level": "red"}),
        "police",
        (),
        "district",
        "violence_risk",
    ),
    (
        "civil dispute turning criminal",
        make("neighbour", risk={"flags": ["civil_to_criminal"]}),
        "police",
        ("district_mediation",),
        "district",
        "violence_flag",
    ),
    (
        "threat of extreme acts over wages",
        make("labour", "unpaid_wages", risk={"flags": ["extreme_act_threat"]}),
        "police",
        ("hrss", "legal_aid"),
        "district",
        "violence_flag",
    ),
    (
        "domestic violence with violence flag",
        make("marriage_family", "domestic_violence", risk={"flags": ["civil_to_criminal"]}),
        "police",
        ("court", "legal_aid", "womens_federation"),
        "district",
        "violence_flag",
    ),
    ("public order", make("public_order", "nuisance"), "police", (), "district", "public_order"),
    ("financial hardship", make("social_assistance", "hardship"), "civil_affairs", (), "district", "hardship"),
    (
        "judicial assistance",
        make("social_assistance", "judicial_assistance"),
        "court",
        (),
        "district",
        "judicial_assistance",
    ),
    (
        "challenge to an arbitral award",
        make(
            "labour",
            "dismissal",
            purpose="appeal",
            prior_handling=[{"body": "劳动人事争议仲裁院", "form": "arbitration", "final": True}],
        ),
        "court",
        (),
        "district",
        "legal_process_appeal",
    ),
    (
        "objection to a petition decision",
        make(
            "housing_homestead",
            purpose="appeal",
            prior_handling=[{"body": "区信访局", "form": "petition", "stage": "first"}],
        ),
        "petition_bureau",
        (),
        "district",
        "petition_review",
    ),
    ("no statutory channel", make("other"), "petition_bureau", (), "district", "petition_fallback"),
    ("window default: litigation", make("other", window="litigation"), "court", (), "district", "window_litigation"),
    (
        "window default: procuratorate",
        make("other", window="procuratorate"),
        "procuratorate",
        (),
        "district",
        "window_procuratorate",
    ),
    ("window default: legal aid", make("other", window="legal_aid"), "legal_aid", (), "district", "window_legal_aid"),
    (
        "window default: mediation",
        make("other", window="mediation"),
        "district_mediation",
        (),
        "grid",
        "window_mediation",
    ),
    (
        "window default: consultation",
        make("other", window="consultation"),
        "district_mediation",
        (),
        "district",
        "window_consultation",
    ),
]


@pytest.mark.parametrize(("row", "case", "department", "also", "level", "rule"), ROWS, ids=[r[0] for r in ROWS])
def test_routing_table_row(row, case, department, also, level, rule):
    d = route(case, CONFIG, RULES)
    assert (d.department, d.also, d.level, d.rule_id) == (department, also, level, rule)
    assert d.department_name == CONFIG.departments[department].name
    assert d.track == CONFIG.departments[department].track
    assert d.basis and d.rule_name
    assert not d.overridden and d.suggested is None
    if d.department == RULES.network_department and level != "district":
        assert d.node is not None and NET.level_of(d.node) == level
        assert d.node_name == NET.station_name(d.node)
    else:
        assert d.node is None and d.node_name is None


def test_every_rule_is_exercised_by_the_table():
    assert {r[5] for r in ROWS} == {r.id for r in RULES.rules}


def test_every_rule_cites_a_basis_and_names_itself_in_both_languages():
    for r in RULES.rules:
        assert r.basis and r.name and r.name_en and r.name != r.name_en, r.id
        assert r.line and RULES_TEXT.splitlines()[r.line - 1] == "[[rule]]"


# -- level routing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({}, "grid"),
        ({"amount": None}, "grid"),
        ({"amount": 9999.99}, "grid"),
        ({"risk": {"level": "yellow"}}, "grid"),
        ({"amount": 10000}, "community"),  # at the grid limit
        ({"place": {"cross": "cross_grid"}}, "community"),
        ({"category": "business", "subcategory": None}, "community"),  # not a grid category
        ({"place": {"grid": None}}, "community"),
        ({"amount": 99999}, "community"),
        ({"amount": 100000}, "town"),  # at the town threshold
        ({"people_affected": 9}, "grid"),
        ({"people_affected": 10}, "town"),
        ({"place": {"cross": "cross_community"}}, "town"),
        ({"risk": {"level": "orange"}}, "town"),  # orange goes at least to the town
        ({"place": {"cross": "cross_town"}}, "district"),
        ({"risk": {"level": "red"}}, "district"),
        ({"group": {"headcount": 4}}, "grid"),
        ({"group": {"headcount": 5}}, "district"),  # group visit
        ({"risk": {"flags": ["group"]}}, "district"),
        ({"category": "litigation_related"}, "district"),
    ],
)
def test_network_level_boundaries(changes, level):
    case = make("neighbour")
    for key, value in changes.items():
        case[key] = {**case[key], **value} if isinstance(value, dict) and isinstance(case.get(key), dict) else value
    assert network_level(case, CONFIG) == level


def test_several_departments_keep_it_at_district():
    assert network_level(make("neighbour"), CONFIG, several_departments=True) == "district"


@pytest.mark.parametrize(
    ("changes", "level", "node"),
    [
        ({}, "grid", GRID.code),
        ({"amount": 20000}, "community", COMMUNITY.code),
        ({"risk": {"level": "orange"}}, "town", TOWN.code),
        ({"risk": {"level": "red"}}, "district", None),
        # a code missing from the place: derived from the one below, or the level moves up
        ({"amount": 20000, "place": {"community": None}}, "community", COMMUNITY.code),
        ({"risk": {"level": "orange"}, "place": {"town": None, "community": None}}, "town", TOWN.code),
        ({"place": {"grid": None, "community": None}}, "town", TOWN.code),
        ({"place": {"town": None, "community": None, "grid": None}}, "district", None),
    ],
)
def test_network_route_names_the_node(changes, level, node):
    d = route(make("neighbour", **changes), CONFIG, RULES)
    assert (d.department, d.level, d.node) == ("district_mediation", level, node)


def test_rule_level_is_a_floor():
    assert route(make("property_mgmt"), CONFIG, RULES).level == "town"
    assert route(make("property_mgmt", risk={"level": "red"}), CONFIG, RULES).level == "district"


def test_thresholds_come_from_the_config(tmp_path):
    text = example_path().read_text(encoding="utf-8").replace("grid_amount_limit = 10000", "grid_amount_limit = 500")
    hall = tmp_path / "hall.toml"
    hall.write_text(text, encoding="utf-8")
    cfg = load_config(hall)
    assert network_level(make("neighbour", amount=600), cfg) == "community"
    assert network_level(make("neighbour", amount=600), CONFIG) == "grid"


# -- overrides ----------------------------------------------------------------------------------------


def override(case: dict, **o) -> dict:
    case = copy.deepcopy(case)
    case["disposal"]["route_override"] = o
    return case


def test_override_with_reason():
    case = override(make("neighbour"), department="court", reason="当事人要求直接起诉")
    d = route(case, CONFIG, RULES)
    assert d.overridden and d.department == "court" and d.level == "district"
    assert d.override_reason == "当事人要求直接起诉"
    assert d.rule_id == "override"
    assert d.suggested is not None and d.suggested.department == "district_mediation"
    assert d.suggested.rule_id == "civil_network"
    assert d.track == "litigation"


def test_override_keeps_assisting_departments():
    case = override(make("labour", "unpaid_wages"), department="labour_arbitration", reason="已有劳动合同争议")
    d = route(case, CONFIG, RULES)
    assert d.department == "labour_arbitration" and d.also == ("legal_aid",)


def test_override_to_the_network_at_a_level():
    case = override(
        make("labour", "unpaid_wages"), department="district_mediation", level="community", reason="先行调解"
    )
    d = route(case, CONFIG, RULES)
    assert (d.department, d.level, d.node) == ("district_mediation", "community", COMMUNITY.code)


@pytest.mark.parametrize("reason", [None, "", "   ", "改派", "abc"])
def test_override_without_a_reason_is_refused(reason):
    case = override(make("neighbour"), department="court", reason=reason)
    with pytest.raises(ValidationFailed) as info:
        route(case, CONFIG, RULES)
    [err] = info.value.errors
    assert (err.code, err.field) == ("routing.override_reason", "disposal.route_override.reason")


def test_override_to_an_unknown_department():
    case = override(make("neighbour"), department="ministry_of_magic", reason="当事人要求")
    with pytest.raises(ValidationFailed) as info:
        route(case, CONFIG, RULES)
    [err] = info.value.errors
    assert (err.code, err.field) == ("routing.unknown_department", "disposal.route_override.department")


def test_override_problems_are_reported_together():
    case = override(make("neighbour"), department="nope", reason="x", level="galaxy")
    with pytest.raises(ValidationFailed) as info:
        route(case, CONFIG, RULES)
    assert {e.field for e in info.value.errors} == {
        "disposal.route_override.department",
        "disposal.route_override.reason",
        "disposal.route_override.level",
    }


@pytest.mark.parametrize("sub", ["judgment", "enforcement", "police_decision", None])
def test_litigation_related_override_to_petition_is_refused(sub):
    case = override(make("litigation_related", sub), department="petition_bureau", reason="当事人坚持走信访")
    with pytest.raises(ValidationFailed) as info:
        route(case, CONFIG, RULES)
    [err] = info.value.errors
    assert (err.code, err.field) == ("routing.litigation_not_petition", "disposal.route_override.department")
    assert err.message("zh") == "涉法涉诉事项应依法通过法定途径处理，不得导入信访程序"
    assert "petition" in err.message("en")


def test_other_matters_may_be_overridden_to_petition():
    case = override(make("neighbour"), department="petition_bureau", reason="当事人要求信访办理")
    assert route(case, CONFIG, RULES).department == "petition_bureau"


def test_empty_override_is_ignored():
    case = make("neighbour")
    case["disposal"]["route_override"] = None
    assert not route(case, CONFIG, RULES).overridden


# -- 涉法涉诉 never reaches the petition track -----------------------------------------------------------

LIT_SUBS = [None, *CONFIG.categories["litigation_related"].subs]


@settings(max_examples=300, deadline=None)
@given(
    sub=st.sampled_from(LIT_SUBS),
    window=st.sampled_from(WINDOWS),
    purpose=st.sampled_from([None, *PURPOSES]),
    risk=st.sampled_from(RISK_LEVELS),
    flags=st.lists(st.sampled_from(RISK_FLAGS), unique=True, max_size=3),
    consent=st.sampled_from(["yes", "no", "not_asked"]),
    forms=st.lists(st.sampled_from(PRIOR_FORMS), unique=True, max_size=3),
    amount=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_litigation_related_never_routed_to_petition(sub, window, purpose, risk, flags, consent, forms, amount):
    case = make(
        "litigation_related",
        sub,
        window=window,
        purpose=purpose,
        risk={"level": risk, "flags": flags},
        disposal={"mediation_consent": consent},
        prior_handling=[{"body": "某机关", "form": f} for f in forms],
        amount=amount,
    )
    d = route(case, CONFIG, RULES)
    assert d.track != "petition"
    assert all(CONFIG.departments[a].track != "petition" for a in d.also)
    assert d.level == "district"


@settings(max_examples=300, deadline=None)
@given(
    cat=st.sampled_from(sorted(CONFIG.categories)),
    window=st.sampled_from(WINDOWS),
    purpose=st.sampled_from([None, *PURPOSES]),
    risk=st.sampled_from(RISK_LEVELS),
    flags=st.lists(st.sampled_from(RISK_FLAGS), unique=True, max_size=3),
    cross=st.sampled_from(["none", "cross_grid", "cross_community", "cross_town"]),
)
def test_every_case_gets_a_known_department_and_level(cat, window, purpose, risk, flags, cross):
    case = make(cat, window=window, purpose=purpose, risk={"level": risk, "flags": flags}, place={"cross": cross})
    d = route(case, CONFIG, RULES)
    assert d.department in CONFIG.departments
    assert d.level in ("grid", "community", "town", "district")
    assert set(d.also) <= set(CONFIG.departments) and d.department not in d.also


# -- the rules file is checked against the configuration --------------------------------------------------


def replace_rule(text: str, rule_id: str, new_block: str | None) -> str:
    """Replace (None: delete) the [[rule]] block whose id is ``rule_id``."""
    pattern = re.compile(r"\[\[rule\]\]\nid = \"" + re.escape(rule_id) + r"\"\n.*?(?=\n\[\[rule\]\]|\n# ---|\Z)", re.S)
    assert pattern.search(text), rule_id
    return pattern.sub(new_block or "", text, count=1)


def problems(text: str) -> list:
    with pytest.raises(ConfigError) as info:
        parse_rules(text, CONFIG, "routing.toml")
    return info.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_shipped_rules_load():
    assert RULES.network_department == "district_mediation"
    assert RULES.rules[0].id == "violence_flag"  # violence comes first
    assert RULES.rules[-1].id == "petition_fallback" and RULES.rules[-1].when.is_empty()
    assert RULES.rule("domestic_violence").also == ("court", "legal_aid", "womens_federation")


def test_rule_sending_litigation_related_to_petition_is_refused():
    bad = (
        '[[rule]]\nid = "lit_petition"\nname = "涉法涉诉走信访"\nbasis = "无"\n'
        'when = { category = ["litigation_related"], subcategory = ["judgment"] }\nto = "petition_bureau"\n\n'
    )
    text = RULES_TEXT.replace(
        '[[rule]]\nid = "litigation_supervision"', bad + '[[rule]]\nid = "litigation_supervision"'
    )
    [p] = problems(text)
    assert p.key.endswith(".to") and p.line == line_of(text, 'to = "petition_bureau"')
    assert "不得导入信访程序" in p.message_zh


def test_rule_notifying_petition_about_litigation_related_is_refused():
    text = replace_rule(
        RULES_TEXT,
        "litigation_enforcement",
        '[[rule]]\nid = "litigation_enforcement"\nname = "执行"\nbasis = "x"\n'
        'when = { category = ["litigation_related"], subcategory = ["enforcement"] }\nto = "court"\n'
        'also = ["petition_bureau"]\n',
    )
    [p] = problems(text)
    assert re.fullmatch(r"rule\[\d+\]\.also\[0\]", p.key)


def test_catch_all_to_petition_without_a_litigation_rule_is_refused():
    text = replace_rule(RULES_TEXT, "litigation_other", None)
    found = problems(text)
    keys = {p.key for p in found}
    last = len(RULES.rules) - 2  # the catch-all's index once litigation_other is gone
    assert f"rule[{last}].to" in keys
    assert all("不得导入信访程序" in p.message_zh for p in found)


def test_a_rules_file_that_only_routes_by_window_is_refused():
    text = (
        'version = 1\n[network]\ndepartment = "district_mediation"\n'
        '[[rule]]\nid = "w"\nname = "诉讼窗口"\nbasis = "x"\nwhen = { window = ["petition"] }\nto = "petition_bureau"\n'
        '[[rule]]\nid = "all"\nname = "兜底"\nbasis = "x"\nto = "court"\n'
    )
    [p] = problems(text)
    assert p.key == "rule[0].to" and p.line == line_of(text, 'to = "petition_bureau"')


def test_unknown_department_category_and_key_are_refused_with_lines():
    text = replace_rule(
        RULES_TEXT,
        "traffic",
        '[[rule]]\nid = "traffic"\nname = "交通"\nbasis = "x"\ncolour = "red"\n'
        'when = { category = ["trafic"], subcategory = ["nope"], windows = ["x"] }\n'
        'to = "traffic_cops"\nalso = ["network"]\n',
    )
    found = {p.key: p for p in problems(text)}
    idx = [r.id for r in RULES.rules].index("traffic")
    base = f"rule[{idx}]"
    assert found[f"{base}.to"].line == line_of(text, 'to = "traffic_cops"')
    assert found[f"{base}.colour"].line == line_of(text, 'colour = "red"')
    assert found[f"{base}.when.category[0]"].line == line_of(text, '"trafic"')
    assert f"{base}.when.subcategory[0]" in found
    assert f"{base}.when.windows" in found
    assert f"{base}.also[0]" in found
    assert "traffic_cops" in found[f"{base}.to"].message_zh


def test_enumerations_in_when_are_checked():
    text = replace_rule(
        RULES_TEXT,
        "consumer",
        '[[rule]]\nid = "consumer"\nname = "消费"\nbasis = "x"\n'
        'when = { category = ["consumer"], risk = ["purple"], flags_any = ["angry"], purpose = ["x"] }\n'
        'to = "market_regulation"\nlevel = "province"\n',
    )
    keys = {p.key for p in problems(text)}
    idx = [r.id for r in RULES.rules].index("consumer")
    assert {
        f"rule[{idx}].when.risk[0]",
        f"rule[{idx}].when.flags_any[0]",
        f"rule[{idx}].when.purpose[0]",
        f"rule[{idx}].level",
    } <= keys


def test_catch_all_must_be_last_and_present():
    no_fallback = replace_rule(RULES_TEXT, "petition_fallback", None)
    [p] = problems(no_fallback)
    assert p.key == f"rule[{len(RULES.rules) - 2}]" and "catch-all" in p.message_en
    early = RULES_TEXT + '\n[[rule]]\nid = "late"\nname = "迟到"\nbasis = "x"\nto = "court"\n'
    [p] = problems(early)
    assert p.key == f"rule[{len(RULES.rules)}]" and "petition_fallback" in p.message_en


def test_duplicate_rule_id():
    text = RULES_TEXT.replace('id = "consumer"', 'id = "traffic"')
    [p] = problems(text)
    hits = [i for i, line in enumerate(text.splitlines(), 1) if line == 'id = "traffic"']
    assert p.line == hits[1] and p.key.endswith(".id")
    assert "traffic" in p.message_en


def test_unknown_network_department():
    text = RULES_TEXT.replace('department = "district_mediation"', 'department = "mediation_hq"')
    [p] = problems(text)
    assert p.key == "network.department" and p.line == line_of(text, "mediation_hq")


def test_syntax_error_in_rules_file(tmp_path):
    path = tmp_path / "routing.toml"
    path.write_text(RULES_TEXT.replace('to = "traffic_police"', 'to = "traffic_police'), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path, CONFIG)
    [p] = info.value.problems
    assert p.file == str(path) and p.line == line_of(RULES_TEXT, 'to = "traffic_police"')


def test_rules_are_checked_against_the_hall_departments(tmp_path):
    """A hall without a women's federation cannot use the shipped domestic-violence rule."""
    text = example_path().read_text(encoding="utf-8")
    text = replace_block(text, "womens_federation")
    hall = tmp_path / "hall.toml"
    hall.write_text(text, encoding="utf-8")
    cfg = load_config(hall)
    with pytest.raises(ConfigError) as info:
        load_rules(None, cfg)
    [p] = info.value.problems
    idx = [r.id for r in RULES.rules].index("domestic_violence")
    assert p.key == f"rule[{idx}].also[2]"
    assert p.file == str(cfg.routing_rules_path)


def replace_block(text: str, dept_code: str) -> str:
    pattern = re.compile(r"\[\[department\]\]\ncode = \"" + dept_code + r"\"\n.*?(?=\n\n)", re.S)
    assert pattern.search(text)
    return pattern.sub("", text, count=1)
