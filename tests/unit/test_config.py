"""The hall configuration: defaults + hall file, the example hall, and problems naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from reception.config import (
    TRACKS,
    TomlLocator,
    defaults_path,
    example_path,
    load_config,
    write_example,
)
from reception.errors import ConfigError
from reception.paths import config_dir

EXAMPLE = example_path().read_text(encoding="utf-8")

L1_CODES = [
    "marriage_family",
    "neighbour",
    "housing_homestead",
    "contract",
    "business",
    "damages",
    "forest_land",
    "requisition",
    "pollution",
    "labour",
    "consumer",
    "medical",
    "traffic",
    "property_mgmt",
    "litigation_related",
    "report_officials",
    "suggestion",
    "social_assistance",
    "public_order",
    "other",
]
REQUIRED_SUBS = {
    "marriage_family": {"divorce", "support", "inheritance", "domestic_violence"},
    "contract": {"lending", "sale", "lease", "construction"},
    "damages": {"personal_injury", "property_damage"},
    "labour": {"unpaid_wages", "dismissal", "work_injury", "social_insurance"},
    "forest_land": {"collective_ownership", "land_contract"},
    "requisition": {"compensation", "legality"},
    "litigation_related": {
        "judgment",
        "enforcement",
        "police_decision",
        "procuratorate_decision",
        "private_prosecution",
    },
    "report_officials": {"official_misconduct", "judicial_staff_crime"},
    "social_assistance": {"hardship", "judicial_assistance"},
    "public_order": {"violence_risk"},
}
DEPARTMENTS = {
    "court": "litigation",
    "procuratorate": "procuratorate",
    "legal_aid": "legal_aid",
    "justice_bureau": "mediation",
    "petition_bureau": "petition",
    "hrss": "administrative",
    "labour_arbitration": "administrative",
    "housing": "administrative",
    "natural_resources": "administrative",
    "police": "police",
    "police_legal": "police",
    "traffic_police": "police",
    "market_regulation": "administrative",
    "health": "administrative",
    "medical_mediation": "mediation",
    "discipline": "discipline",
    "womens_federation": "other",
    "civil_affairs": "administrative",
    "district_mediation": "mediation",
    "government": "administrative",
}

MINIMAL = """\
[centre]
name = "测试综治中心"
code = "150304"

[[department]]
code = "court"
name = "法院"
track = "litigation"

[network]

[[network.town]]
code = "T1"
name = "一号街道"

[[network.community]]
code = "C1"
name = "一号社区"
town = "T1"

[[network.grid]]
code = "G1"
name = "一号社区第1网格"
community = "C1"
"""


# -- helpers ---------------------------------------------------------------------------------------


def write_hall(tmp_path: Path, text: str, name: str = "hall.toml") -> Path:
    p = tmp_path / "hall" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def line_no(text: str, needle: str, occurrence: int = 0) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence]


def block_start(text: str, header: str, index: int) -> int:
    """0-based line index of the ``index``-th ``header`` line."""
    lines = text.splitlines()
    return [i for i, line in enumerate(lines) if line.strip() == header][index]


def edit_in_block(text: str, header: str, index: int, key: str, new_line: str | None) -> tuple[str, int]:
    """Replace (or, with ``new_line`` None, delete) ``key = ...`` inside the index-th block; returns
    the new text and the 1-based line of the edit."""
    lines = text.splitlines()
    i = block_start(text, header, index) + 1
    while not lines[i].startswith(f"{key} ="):
        i += 1
    if new_line is None:
        del lines[i]
    else:
        lines[i] = new_line
    return "\n".join(lines) + "\n", i + 1


def insert_after_header(text: str, header: str, index: int, new_line: str) -> tuple[str, int]:
    lines = text.splitlines()
    i = block_start(text, header, index) + 1
    lines.insert(i, new_line)
    return "\n".join(lines) + "\n", i + 1


def problems_of(path: Path) -> list:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value.problems


def only(problems: list, key: str):
    found = [p for p in problems if p.key == key]
    assert found, f"no problem for {key}; got {[(p.key, p.message_en) for p in problems]}"
    return found[0]


# -- the example hall --------------------------------------------------------------------------------


def test_fresh_install_loads_the_example_hall(config):
    assert config.centre.name == "乌达区综治中心"
    assert config.centre.code == "150304"
    assert config.centre.case_no_prefix == "ZZ"
    assert config.centre.timezone == "Asia/Shanghai"
    assert config.workstation.code == "W01"
    assert config.source_files == (defaults_path(), example_path())


def test_example_hall_is_1_8_22_148(config):
    net = config.network
    assert [d for d in config.departments.values() if d.code == "district_mediation" and d.level == "district"]
    assert len(net.towns) == 8
    assert len(net.communities) == 22
    assert len(net.grids) == 148
    assert {t.name for t in net.towns.values()} == {
        "三道坎街道",
        "五虎山街道",
        "梁家沟街道",
        "滨河街道",
        "新达街道",
        "巴音赛街道",
        "苏海图街道",
        "乌兰淖尔镇",
    }
    village_town = next(t for t in net.towns.values() if t.name == "乌兰淖尔镇")
    assert all(c.name.endswith("村") for c in net.communities_in(village_town.code))


def test_example_hall_references_are_consistent(config):
    net = config.network
    for town in net.towns.values():
        assert net.communities_in(town.code), f"{town.name} has no community station"
    for c in net.communities.values():
        assert c.town in net.towns
        assert net.grids_in(c.code), f"{c.name} has no grid"
    for g in net.grids.values():
        assert g.community in net.communities
        assert g.name.startswith(net.communities[g.community].name)
        assert net.validate_place(net.town_of(g.community), g.community, g.code) == []
    codes = [*net.towns, *net.communities, *net.grids]
    assert len(codes) == len(set(codes))


def test_example_hall_departments(config):
    assert {code: d.track for code, d in config.departments.items()} == DEPARTMENTS
    for d in config.departments.values():
        assert d.track in TRACKS
        assert d.contact.phone and d.contact.phone.startswith("0473-")
        assert d.contact.address and d.name and d.name_en
    assert config.departments["court"].name == "乌达区人民法院诉讼服务中心"
    assert config.departments["district_mediation"].level == "district"


def test_category_catalogue(config):
    assert list(config.categories) == L1_CODES
    for cat, subs in REQUIRED_SUBS.items():
        assert subs <= set(config.categories[cat].subs), cat
    assert config.category_label("neighbour") == "邻里纠纷"
    assert config.category_label("labour", "en") == "Labour"
    assert config.subcategory_label("labour", "unpaid_wages") == "欠薪"
    assert config.subcategory_label("litigation_related", "judgment", "en") == "Challenge to an effective judgment"
    assert config.category_label("nope") == "nope"
    assert config.subcategory_label("labour", "nope") == "nope"


def test_intake_defaults_and_files(config):
    assert config.intake.group_visit_threshold == 5
    assert config.intake.max_representatives == 5
    assert config.intake.grid_amount_limit < config.intake.town_amount_threshold
    assert config.routing_rules_path.name == "routing.toml" and config.routing_rules_path.is_file()
    assert config.deadline_rules_path.name == "deadlines.toml" and config.deadline_rules_path.is_file()
    assert config.calendar_dirs == ()


def test_defaults_file_comments_every_key():
    """Every key line of defaults.toml has a comment right above it (or is a catalogue entry)."""
    lines = defaults_path().read_text(encoding="utf-8").splitlines()
    in_catalogue = False
    for i, line in enumerate(lines):
        if line.startswith("[[category"):
            in_catalogue = True
        if in_catalogue or not line or line.startswith(("#", "[")):
            continue
        assert lines[i - 1].startswith("#"), f"defaults.toml line {i + 1} has no comment: {line}"


# -- hall.toml in the user config folder, write_example ------------------------------------------------


def test_write_example_then_load_from_the_config_folder():
    hall = config_dir() / "hall.toml"
    write_example(hall)
    assert hall.read_text(encoding="utf-8") == EXAMPLE
    with pytest.raises(FileExistsError):
        write_example(hall)
    hall.write_text(EXAMPLE.replace('code = "W01"', 'code = "W07"'), encoding="utf-8")
    cfg = load_config()
    assert cfg.workstation.code == "W07"
    assert cfg.source_files[-1] == hall


def test_minimal_hall_takes_defaults_and_replaces_lists(tmp_path):
    cfg = load_config(write_hall(tmp_path, MINIMAL))
    assert cfg.centre.name == "测试综治中心"
    assert cfg.centre.case_no_prefix == "ZZ"  # from defaults.toml
    assert cfg.workstation.code == "W01"
    assert list(cfg.departments) == ["court"]
    assert cfg.departments["court"].name_en == "法院"  # name_en defaults to name
    assert cfg.departments["court"].level == "district"
    assert list(cfg.categories) == L1_CODES  # from defaults.toml
    assert cfg.network.station_name("T1") == "一号街道"


def test_hall_routing_file_next_to_hall_wins(tmp_path):
    hall = write_hall(tmp_path, MINIMAL)
    (hall.parent / "routing.toml").write_text("version = 1\n", encoding="utf-8")
    cfg = load_config(hall)
    assert cfg.routing_rules_path == hall.parent / "routing.toml"
    assert cfg.deadline_rules_path.parent.name == "rules"  # shipped


def test_calendars_dir_relative_to_hall(tmp_path):
    hall = write_hall(tmp_path, MINIMAL + '\n[files]\ncalendars_dir = "cal"\n')
    problem = only(problems_of(hall), "files.calendars_dir")
    assert problem.line == line_no(hall.read_text(encoding="utf-8"), "calendars_dir")
    (hall.parent / "cal").mkdir()
    assert load_config(hall).calendar_dirs == (hall.parent / "cal",)


def test_transport_parsed_by_kind(tmp_path):
    """Full checks of [department.transport] and [dispatch] are in tests/unit/test_dispatch_config.py."""
    text = EXAMPLE.replace(
        '# [department.transport]\n# kind = "http"',
        '[department.transport]\nkind = "folder"\ninbox = "in"',
    )
    hall = write_hall(tmp_path, text)
    court = load_config(hall).departments["court"].transport
    assert (court.kind, court.configured, court.inbox) == ("folder", True, hall.parent / "in")
    assert load_config(hall).departments["procuratorate"].transport.kind == "manual"
    assert not load_config(hall).departments["procuratorate"].transport


# -- validate_place ----------------------------------------------------------------------------------


def test_validate_place(config):
    net = config.network
    grid = next(iter(net.grids.values()))
    community = net.communities[grid.community]
    other_town = next(t for t in net.towns if t != community.town)
    other_community = next(c for c in net.communities if c != community.code)
    assert net.validate_place(community.town, community.code, grid.code) == []
    assert net.validate_place(None, None, None) == []
    assert net.validate_place(community.town, None, None) == []

    errs = net.validate_place("nowhere", None, None)
    assert [(e.code, e.field) for e in errs] == [("place.unknown_town", "place.town")]
    errs = net.validate_place(other_town, community.code, None)
    assert [(e.code, e.field) for e in errs] == [("place.community_not_in_town", "place.community")]
    errs = net.validate_place(None, other_community, grid.code)
    assert [(e.code, e.field) for e in errs] == [("place.grid_not_in_community", "place.grid")]
    errs = net.validate_place(other_town, None, grid.code)
    assert [(e.code, e.field) for e in errs] == [("place.grid_not_in_town", "place.grid")]
    errs = net.validate_place(community.town, "x", "y", prefix="applicants[0].address_place")
    assert [e.field for e in errs] == ["applicants[0].address_place.community", "applicants[0].address_place.grid"]
    assert "不存在" in errs[0].message("zh") and "unknown" in errs[0].message("en")


def test_network_helpers(config):
    net = config.network
    grid = next(iter(net.grids.values()))
    community = net.communities[grid.community]
    assert net.community_of(grid.code) == community.code
    assert net.town_of(community.code) == community.town
    assert net.level_of(grid.code) == "grid"
    assert net.level_of(community.code) == "community"
    assert net.level_of(community.town) == "town"
    assert net.level_of("nope") is None
    assert net.node_name(community.code) == community.name
    assert net.station_name(community.town).endswith("综治中心")
    assert net.town_of(None) is None and net.community_of("nope") is None


# -- broken hall files: every problem names the file, the line and the key ------------------------------


def test_syntax_error_names_the_line(tmp_path):
    text, line = edit_in_block(EXAMPLE, "[[department]]", 2, "name", 'name = "法律援助中心')
    hall = write_hall(tmp_path, text)
    [problem] = problems_of(hall)
    assert problem.file == str(hall)
    assert problem.line == line
    assert "TOML" in problem.message_en


def test_unknown_key_is_refused_with_its_line(tmp_path):
    text, line = insert_after_header(EXAMPLE, "[centre]", 0, 'colour = "red"')
    problem = only(problems_of(write_hall(tmp_path, text)), "centre.colour")
    assert problem.line == line
    assert "colour" in problem.message_zh and "colour" in problem.message_en


def test_unknown_key_in_a_department(tmp_path):
    text, line = insert_after_header(EXAMPLE, "[[department]]", 3, 'fax = "0473-1"')
    problem = only(problems_of(write_hall(tmp_path, text)), "department[3].fax")
    assert problem.line == line


def test_unknown_key_in_an_inline_contact_maps_to_its_line(tmp_path):
    text = EXAMPLE.replace('contact = { phone = "0473-2012301",', 'contact = { fax = "1", phone = "0473-2012301",')
    problem = only(problems_of(write_hall(tmp_path, text)), "department[0].contact.fax")
    assert problem.line == line_no(text, 'fax = "1"')


def test_unknown_top_level_table(tmp_path):
    text = EXAMPLE.replace("[workstation]", "[workstaton]")
    problem = only(problems_of(write_hall(tmp_path, text)), "workstaton")
    assert problem.line == line_no(text, "[workstaton]")


def test_bad_reference_names_grid_and_line(tmp_path):
    text, line = edit_in_block(EXAMPLE, "[[network.grid]]", 17, "community", 'community = "999999"')
    problem = only(problems_of(write_hall(tmp_path, text)), "network.grid[17].community")
    assert problem.line == line
    assert "999999" in problem.message_zh


def test_bad_community_town_reference(tmp_path):
    text, line = edit_in_block(EXAMPLE, "[[network.community]]", 5, "town", 'town = "nowhere"')
    problem = only(problems_of(write_hall(tmp_path, text)), "network.community[5].town")
    assert problem.line == line


def test_duplicate_department_code(tmp_path):
    text, line = edit_in_block(EXAMPLE, "[[department]]", 5, "code", 'code = "court"')
    problem = only(problems_of(write_hall(tmp_path, text)), "department[5].code")
    assert problem.line == line
    assert "department[0]" in problem.message_en


def test_duplicate_node_code_across_levels(tmp_path):
    text, line = edit_in_block(EXAMPLE, "[[network.grid]]", 3, "code", 'code = "150304001"')
    problems = problems_of(write_hall(tmp_path, text))
    assert only(problems, "network.grid[3].code").line == line


@pytest.mark.parametrize("bad", ["W 01", "W-01", "WORKSTATION9", "窗口1", ""])
def test_bad_workstation_code(tmp_path, bad):
    text = EXAMPLE.replace('code = "W01"', f'code = "{bad}"')
    problem = only(problems_of(write_hall(tmp_path, text)), "workstation.code")
    assert problem.line == line_no(text, f'code = "{bad}"')


def test_bad_enumeration_and_missing_key(tmp_path):
    text, track_line = edit_in_block(EXAMPLE, "[[department]]", 2, "track", 'track = "lawyers"')
    text, _ = edit_in_block(text, "[[department]]", 4, "track", None)
    problems = problems_of(write_hall(tmp_path, text))
    bad = only(problems, "department[2].track")
    assert bad.line == track_line and "lawyers" in bad.message_en
    missing = only(problems, "department[4].track")
    assert missing.line == block_start(text, "[[department]]", 4) + 1


def test_wrong_types(tmp_path):
    text = EXAMPLE.replace("group_visit_threshold = 5", 'group_visit_threshold = "five"')
    text = text.replace('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"')
    problems = problems_of(write_hall(tmp_path, text))
    assert only(problems, "intake.group_visit_threshold").line == line_no(text, "group_visit_threshold")
    assert only(problems, "centre.timezone").line == line_no(text, "Mars/Olympus")


def test_all_problems_are_reported_at_once(tmp_path):
    text = EXAMPLE.replace('code = "W01"', 'code = "W 1"').replace('code = "150304"', 'code = "1503"')
    text, _ = edit_in_block(text, "[[network.grid]]", 100, "community", 'community = "x"')
    problems = problems_of(write_hall(tmp_path, text))
    assert {"workstation.code", "centre.code", "network.grid[100].community"} <= {p.key for p in problems}
    text_all = ConfigError(problems).message("en")
    assert "workstation.code" in text_all and "hall.toml:" in text_all


def test_problem_in_a_default_value_names_defaults_toml(tmp_path):
    """A hall raising grid_amount_limit above the default town threshold: the problem is reported at
    the town threshold's line in defaults.toml, where that value comes from."""
    hall = write_hall(tmp_path, MINIMAL + "\n[intake]\ngrid_amount_limit = 500000\n")
    problem = only(problems_of(hall), "intake.town_amount_threshold")
    assert problem.file == str(defaults_path())
    assert problem.line == line_no(defaults_path().read_text(encoding="utf-8"), "town_amount_threshold =")


def test_missing_departments_and_network(tmp_path):
    hall = write_hall(tmp_path, '[centre]\nname = "x"\ncode = "150304"\n')
    keys = {p.key for p in problems_of(hall)}
    assert {"department", "network"} <= keys


def test_missing_rules_file(tmp_path):
    hall = write_hall(tmp_path, MINIMAL + '\n[files]\nrouting_rules = "nope.toml"\n')
    problem = only(problems_of(hall), "files.routing_rules")
    assert problem.line == line_no(hall.read_text(encoding="utf-8"), "nope.toml")


def test_unreadable_hall_file(tmp_path):
    [problem] = problems_of(tmp_path / "missing.toml")
    assert problem.line is None and problem.file.endswith("missing.toml")


def test_grid_categories_must_exist(tmp_path):
    hall = write_hall(tmp_path, MINIMAL + '\n[intake]\ngrid_categories = ["neighbour", "astrology"]\n')
    assert only(problems_of(hall), "intake.grid_categories[1]").line == line_no(
        hall.read_text(encoding="utf-8"), "grid_categories"
    )


# -- the locator ------------------------------------------------------------------------------------------


def test_locator_maps_nested_arrays_inline_tables_and_multiline_values():
    text = """\
# comment [[not.a.header]]
title = "x"
[a]
b = 1
c = [
  "[[fake]]",
  "k = 2",
]
d = \"\"\"
e = not a key
\"\"\"
[[cat]]
code = "one"
[[cat.sub]]
code = "s0"
[[cat.sub]]
code = "s1"
[[cat]]
code = "two"
[[cat.sub]]
code = "t0"
  [ "quoted" . key ]
inline = { x = 1, y = [1, 2] }
"dotted.name" = 3
after = true
"""
    loc = TomlLocator(text)
    assert loc.line("title") == 2
    assert loc.line("a") == 3
    assert loc.line("a.b") == 4
    assert loc.line("a.c") == 5
    assert loc.line("a.d") == 9
    assert loc.line("a.e") is None
    assert loc.line("fake") is None
    assert loc.line("cat[0]") == 12
    assert loc.line("cat[0].sub[1].code") == 17
    assert loc.line("cat[1].code") == 19
    assert loc.line("cat[1].sub[0].code") == 21
    assert loc.line("quoted.key") == 22
    assert loc.line("quoted.key.inline") == 23
    assert loc.nearest("quoted.key.inline.y[1]") == 23
    assert loc.line("quoted.key.dotted.name") == 24
    assert loc.line("quoted.key.after") == 25
    assert loc.nearest("cat[1].sub[0].missing") == 20
    assert loc.nearest("nothing.here") is None
