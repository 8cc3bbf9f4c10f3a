"""docs/case-format.md and docs/examples/: the examples are accepted for real, the page matches the code."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from reception.intake import register_case, register_many
from reception.numbering import looks_like_case_no
from reception.queries import case_document
from reception.record import ID_OPTIONAL_CHANNELS, READ_ONLY, REQUIRED, case_schema
from reception.text import normalize_code
from reception.vocab import WINDOWS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FORMAT_DOC = DOCS / "case-format.md"
EXAMPLES = DOCS / "examples"
SINGLE_EXAMPLES = ("petition-unpaid-wages.json", "group-visit.json", "legal-aid.json")


def load_example(name: str):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def doc_text() -> str:
    return FORMAT_DOC.read_text(encoding="utf-8")


def mentioned(text: str, name: str) -> bool:
    return f"`{name}`" in text


# -- the examples register for real ---------------------------------------------------------------


@pytest.mark.parametrize("name", SINGLE_EXAMPLES)
def test_single_example_is_accepted(ctx, name):
    data = load_example(name)
    assert isinstance(data, dict)
    r = register_case(ctx, data)
    assert looks_like_case_no(r.case_no)
    assert r.status == "routed"
    assert r.routing is not None and r.routing["department"] in ctx.config.departments
    assert r.deadlines
    assert r.warnings == ()
    stored = case_document(ctx, r.case_no)
    assert stored["schema_version"] == "1.0"
    assert stored["window"] == data["window"]
    assert stored["applicants"][0]["name"] == data["applicants"][0]["name"]
    assert stored["received_at"].startswith("2025-")


def test_batch_example_is_accepted_all_together(ctx):
    data = load_example("batch.json")
    assert isinstance(data, list) and [d["window"] for d in data] == ["litigation", "mediation"]
    results = register_many(ctx, data)
    assert len(results) == 2
    assert all(looks_like_case_no(r.case_no) and r.status == "routed" for r in results)
    assert all(r.warnings == () for r in results)
    assert [case_document(ctx, r.case_no)["window"] for r in results] == ["litigation", "mediation"]


def test_every_example_file_is_covered():
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted((*SINGLE_EXAMPLES, "batch.json"))


def test_examples_are_what_the_page_says(ctx):
    group = load_example("group-visit.json")
    assert group["window"] == "petition"
    assert group["group"]["headcount"] == 12 and len(group["group"]["representatives"]) == 3

    aid = load_example("legal-aid.json")
    assert aid["window"] == "legal_aid" and aid["limitation_ends_on"]
    orgs = [c for c in aid["counterparties"] if c["kind"] == "organisation"]
    from stdnum.cn import uscc

    assert orgs and all(uscc.is_valid(c["uscc"]) for c in orgs)

    every = [load_example(n) for n in SINGLE_EXAMPLES] + load_example("batch.json")
    assert all(d["received_at"].startswith("2025-") for d in every)
    net = ctx.config.network
    for d in every:
        place = d["place"]
        assert place["town"] in net.towns
        assert place.get("community") in (None, *net.communities)
        assert place.get("grid") in (None, *net.grids)


def test_output_of_an_example_can_be_fed_back_without_events(ctx):
    r = register_case(ctx, load_example("petition-unpaid-wages.json"))
    out = case_document(ctx, r.case_no)
    again = register_case(ctx, {k: v for k, v in out.items() if k != "events"})
    assert again.case_no != r.case_no


# -- the page matches the schema and the code ------------------------------------------------------


def test_every_top_level_schema_property_is_documented(doc_text):
    missing = [name for name in case_schema()["properties"] if not mentioned(doc_text, name)]
    assert missing == []


def test_every_nested_schema_property_is_documented(doc_text):
    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(case_schema())
    assert sorted(n for n in names if not mentioned(doc_text, n)) == []


def test_every_enum_value_of_the_schema_is_documented(doc_text):
    values: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            values.update(v for v in node.get("enum", []) if isinstance(v, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(case_schema())
    assert sorted(v for v in values if not mentioned(doc_text, v)) == []


def test_read_only_keys_and_output_keys_are_documented(ctx, doc_text):
    assert [k for k in READ_ONLY if not mentioned(doc_text, k)] == []
    r = register_case(ctx, load_example("petition-unpaid-wages.json"))
    out = case_document(ctx, r.case_no)
    assert [k for k in out if not mentioned(doc_text, k)] == []
    for key in ("routing", "transfers", "deadlines", "events"):
        value = out[key]
        items = value if isinstance(value, list) else [value]
        keys = {k for item in items for k in item}
        assert sorted(k for k in keys if not mentioned(doc_text, k)) == [], key


def _required_tables(text: str) -> dict[str, set[str]]:
    """{path: windows marked ●} from every table headed ``| Required path | <the six windows> |``."""
    header = "| Required path | " + " | ".join(WINDOWS) + " |"
    found: dict[str, set[str]] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != header:
            continue
        for row in lines[i + 2 :]:
            if not row.startswith("|"):
                break
            cells = [c.strip() for c in row.strip().strip("|").split("|")]
            path = cells[0].strip("`")
            assert path not in found, f"{path} listed twice"
            assert len(cells) == 1 + len(WINDOWS), row
            found[path] = {w for w, mark in zip(WINDOWS, cells[1:], strict=True) if mark.startswith("●")}
    return found


def test_requirement_tables_match_record_required_exactly(doc_text):
    expected: dict[str, set[str]] = {}
    for window, paths in REQUIRED.items():
        for path in paths:
            expected.setdefault(path, set()).add(window)
    assert _required_tables(doc_text) == expected


def test_id_optional_channels_are_documented(doc_text):
    assert "ID_OPTIONAL_CHANNELS" in doc_text
    for channel in ID_OPTIONAL_CHANNELS:
        assert mentioned(doc_text, channel)
    marked = [row for row in doc_text.splitlines() if row.startswith("| `") and "●¹" in row]
    assert marked and all(".id_number`" in row for row in marked)


def test_category_codes_of_defaults_toml_are_all_in_the_table(doc_text):
    defaults = tomllib.loads((ROOT / "resources" / "config" / "defaults.toml").read_text(encoding="utf-8"))
    section = doc_text.split("\n## 9. ", 1)[1].split("\n## 10. ", 1)[0]
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"^\| `([a-z_]+)` \| [^|]+ \| [^|]+ \| [^\n]*\|$", section, re.MULTILINE)
    }
    rows.pop("category", None)  # the header row
    assert len(rows) == len(defaults["category"])
    for cat in defaults["category"]:
        assert cat["code"] in rows, cat["code"]
        row = rows[cat["code"]]
        assert f"| {cat['name']} | {cat['name_en']} |" in row
        for sub in cat.get("sub", []):
            assert f"`{sub['code']}` {sub['name']}" in row, (cat["code"], sub["code"])


def test_documented_example_values_are_the_real_normalisation():
    from reception.idcard import upgrade_15, validate_id
    from reception.phone import validate_phone

    assert upgrade_15("110105900307123") == "110105199003071239"
    check = validate_id("resident_id", "11010519491231002x", "f")
    assert check.normalized == "11010519491231002X" and check.sex == "female"
    assert str(check.birth_date) == "1949-12-31"
    assert validate_phone("+86 473 1234567", "p").normalized == "0473-1234567"
    assert validate_phone("4001234567", "p").normalized == "400-123-4567"
    assert validate_phone("0473-1234567转123", "p").normalized == "0473-1234567-123"
    assert normalize_code("（２０２５）内０３０４民初１２３号") == "(2025)内0304民初123号"
