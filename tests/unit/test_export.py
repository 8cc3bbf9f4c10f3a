"""End-of-day export (日结): the register read back as Excel, a CSV reader and an auditor would, the
summary PDF checked against the database, masking by role, closed days and their byte-identical
re-export, cancellation and progress."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

import reception.export.register as register_module
from reception.cli import main
from reception.demo import generate_cases
from reception.errors import ReceptionError
from reception.export import (
    COLUMNS,
    DayAlreadyClosed,
    ExportCancelled,
    close_day,
    closed_day,
    day_summary,
    export_register,
)
from reception.export.masking import Disclosure, mask_address, mask_name, render_cell
from reception.export.writers import csv_safe
from reception.idcard import mask_id, synthesize_resident_id
from reception.intake import register_many
from reception.phone import mask_phone
from reception.security import PermissionDenied, UnknownRole
from reception.storage.models import AuditRecord, Case, DayClose, Party
from tests.factories import base_case
from tests.pdfcheck import squeeze, text_pdfplumber, unembedded_fonts

DAY = date(2025, 3, 3)  # a Monday
EARLIER = date(2025, 2, 10)  # deadlines long past due on DAY
RECENT = date(2025, 2, 26)  # 7-day deadlines due on 2025-03-05: within 3 days of DAY
CLOSE_TIME = datetime(2025, 3, 3, 10, 5, tzinfo=UTC)  # 18:05 in the hall

AGENT_ID = synthesize_resident_id("150304", date(1980, 5, 6), 17)
REP_ID = synthesize_resident_id("150302", date(1975, 1, 2), 33)
PARTICIPANT_ID = synthesize_resident_id("150303", date(1990, 7, 8), 44)
CP_ID = synthesize_resident_id("640104", date(1968, 9, 10), 55)
RARE_NAME = "吉𠮷"
HEALTH = "慢性肾病需长期透析"
PROPERTY = "自住房一套约六十平方米"
INCOME = 2345.5


def rich_case(config) -> dict:
    """A legal-aid group visit that fills every tagged field: agent, representatives, participants, a
    counter-party person with ID/phone/address, health, income and property; red risk."""
    data = base_case(config, "legal_aid", received_at="2025-03-03T10:15:00+08:00")
    a = data["applicants"][0]
    a["name"] = RARE_NAME
    a["health"] = HEALTH
    a["residence"] = "内蒙古自治区乌海市乌达区新达街道幸福路3号"
    data["agent"] = {
        "type": "entrusted",
        "name": "王律师",
        "id_number": AGENT_ID,
        "phone": "13600001111",
        "relationship": "律师",
        "organisation": "内蒙古某某律师事务所",
        "power_of_attorney": True,
    }
    data["group"] = {
        "headcount": 6,
        "representatives": [{"name": "李代表", "id_number": REP_ID, "phone": "13700002222"}],
        "participants": [{"name": "赵参与", "id_number": PARTICIPANT_ID, "phone": "13500003333"}],
    }
    data["counterparties"] = [
        {
            "kind": "person",
            "name": "钱对方",
            "sex": "male",
            "id_number": CP_ID,
            "phone": "13300004444",
            "address": "乌海市乌达区某某路99号3单元",
        }
    ]
    data["legal_aid"] = {
        "legal_position": "applicant",
        "aid_form": "representation_civil",
        "household_size": 3,
        "household_income": INCOME,
        "property": PROPERTY,
    }
    data["risk"] = {"level": "red", "flags": ["group"]}
    data["facts"] = "=1+1 申请人与钱对方因工资发生纠纷。"
    data["department_numbers"] = {"legal_aid": "(2025)乌援申字第12号"}
    return data


@pytest.fixture
def hall(ctx, config):
    """60 demo cases on DAY plus the rich case; 20 on EARLIER (overdue on DAY) and 10 on RECENT."""
    register_many(ctx, generate_cases(config, 20, seed=5, end=EARLIER, days=1))
    register_many(ctx, generate_cases(config, 10, seed=6, end=RECENT, days=1))
    register_many(ctx, [*generate_cases(config, 60, seed=7, end=DAY, days=1), rich_case(config)])
    return ctx


def sql(ctx, query: str, **params):
    with ctx.db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def day_case_nos(ctx, day: date = DAY) -> list[str]:
    rows = sql(
        ctx,
        "SELECT case_no FROM cases WHERE received_date = :d AND workstation = 'W01' ORDER BY year, serial",
        d=day.isoformat(),
    )
    return [r[0] for r in rows]


def personal_values(ctx, day: date = DAY) -> set[str]:
    """Every ID number and phone of the day's people, straight from the parties table."""
    rows = sql(
        ctx,
        "SELECT p.id_number, p.phone FROM parties p JOIN cases c ON c.id = p.case_id WHERE c.received_date = :d",
        d=day.isoformat(),
    )
    return {v for row in rows for v in row if v}


def xlsx_rows(path: Path, sheet: str = "登记簿") -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=False)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def xlsx_text(path: Path) -> str:
    """All XML text of the workbook (every sheet, the properties)."""
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist())


def csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def export(ctx, out: Path, **kw):
    kw.setdefault("start", DAY)
    kw.setdefault("end", DAY)
    return export_register(ctx, out_dir=out, **kw)


# -- the register ---------------------------------------------------------------------------------


def test_xlsx_and_csv_parse_back_to_the_same_rows(hall, tmp_path):
    result = export(hall, tmp_path / "out", user="李晓梅")
    expected_nos = day_case_nos(hall)
    assert len(expected_nos) == 61

    rows = xlsx_rows(result.files["xlsx"])
    header, body = rows[0], rows[1:]
    assert header == ("序号", *(c.header for c in COLUMNS))
    assert len(body) == len(expected_nos)
    assert [r[1] for r in body] == expected_nos  # one row per case, by case number
    assert [r[0] for r in body] == list(range(1, len(body) + 1))

    c_rows = csv_rows(result.files["csv"])
    assert c_rows[0] == list(header)
    assert len(c_rows) == len(rows)
    money = {i + 1 for i, c in enumerate(COLUMNS) if c.kind == "money"}  # Excel reads 25200.0 back as 25200
    as_text = [[csv_safe(float(v) if i in money and isinstance(v, int) else v) for i, v in enumerate(r)] for r in body]
    assert c_rows[1:] == as_text

    # the header row and the first two columns are frozen; the autofilter covers the table
    wb = openpyxl.load_workbook(result.files["xlsx"])
    ws = wb["登记簿"]
    assert ws.freeze_panes == "C2"
    last_col = openpyxl.utils.get_column_letter(len(header))
    assert ws.auto_filter.ref == f"A1:{last_col}{len(rows)}"
    assert ws.column_dimensions["B"].width > 20  # case number column is wide enough
    assert wb.sheetnames == ["登记簿", "汇总", "说明"]
    wb.close()


def test_register_row_has_every_field_of_the_rich_case(hall, tmp_path):
    result = export(hall, tmp_path / "out", role="legal_aid")
    rows = xlsx_rows(result.files["xlsx"])
    header = rows[0]
    rich = next(r for r in rows[1:] if r[header.index("申请人姓名")] == RARE_NAME)
    cell = dict(zip(header, rich, strict=True))
    assert cell["受理窗口"] == "法律援助"
    assert cell["证件号码"] == "110105199003071239"
    assert cell["健康状况"] == HEALTH
    assert cell["家庭月收入（元）"] == INCOME
    assert cell["家庭财产"] == PROPERTY
    assert "王律师" in cell["代理人"] and "律师事务所" in cell["代理人"]
    assert AGENT_ID in cell["代理人证件号码"]
    assert cell["集体访人数"] == 6
    assert "李代表" in cell["集体访代表"] and REP_ID in cell["集体访代表"]
    assert "共 1 人" in cell["参与人员"] and PARTICIPANT_ID in cell["参与人员"]
    assert "钱对方" in cell["被申请人/对方当事人"] and CP_ID in cell["对方证件号码/统一社会信用代码"]
    assert cell["对方地址"] == "乌海市乌达区某某路99号3单元"
    assert cell["事项类别"] == "劳动争议" and cell["事项子类"] == "欠薪"
    assert cell["涉及金额（元）"] == 30000
    assert cell["风险等级"] == "红色" and cell["风险标记"] == "群体性"
    assert cell["集体访"] == "是"
    assert cell["承办部门"] and cell["分流规则"] and cell["法定期限"]
    assert "(2025)乌援申字第12号" in cell["部门案号"]
    assert cell["诉讼地位"] == "申请人" and cell["援助形式"] == "民事代理"
    assert cell["收到材料"].startswith("工资欠条")


def test_csv_defuses_formulas_and_xlsx_keeps_them_as_text(hall, tmp_path):
    result = export(hall, tmp_path / "out")
    c_rows = csv_rows(result.files["csv"])
    facts = c_rows[0].index("事实与理由")
    assert any(r[facts].startswith("'=1+1") for r in c_rows[1:])
    wb = openpyxl.load_workbook(result.files["xlsx"])
    ws = wb["登记簿"]
    col = c_rows[0].index("事实与理由") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]
    target = next(c for c in cells if str(c.value).startswith("=1+1"))
    assert target.data_type == "s"  # a string, never a formula
    wb.close()


# -- the summary ----------------------------------------------------------------------------------


def test_summary_pdf_reconciles_with_the_database(hall, tmp_path):
    result = export(hall, tmp_path / "out")
    s = result.summary
    (total,) = sql(hall, "SELECT COUNT(*) FROM cases WHERE received_date = '2025-03-03' AND workstation = 'W01'")[0]
    assert s.total == total == 61
    for b in s.breakdowns:
        assert b.total == total, b.key
    by_window = dict(sql(hall, "SELECT window, COUNT(*) FROM cases WHERE received_date = '2025-03-03' GROUP BY 1"))
    assert {r.code: r.count for r in s.breakdown("window").rows if r.count} == by_window
    by_risk = dict(
        sql(hall, "SELECT COALESCE(risk_level, ''), COUNT(*) FROM cases WHERE received_date = '2025-03-03' GROUP BY 1")
    )
    assert {r.code: r.count for r in s.breakdown("risk").rows if r.count} == by_risk
    by_dept = dict(
        sql(hall, "SELECT COALESCE(department, ''), COUNT(*) FROM cases WHERE received_date = '2025-03-03' GROUP BY 1")
    )
    assert {r.code: r.count for r in s.breakdown("department").rows} == by_dept
    (resolved,) = sql(hall, "SELECT COUNT(*) FROM cases WHERE received_date = '2025-03-03' AND resolved_on_spot")[0]
    assert s.resolved_on_spot == resolved
    assert s.routed + s.resolved_on_spot == total
    (person_visits,) = sql(hall, "SELECT SUM(headcount) FROM cases WHERE received_date = '2025-03-03'")[0]
    assert s.person_visits == person_visits
    open_deadlines = (
        "SELECT COUNT(DISTINCT d.case_id) FROM deadlines d JOIN cases c ON c.id = d.case_id "
        "WHERE c.received_date <= '2025-03-03' AND c.status NOT IN ('resolved', 'closed') AND d.status = 'open' AND "
    )
    (overdue,) = sql(hall, open_deadlines + "d.due < '2025-03-03'")[0]
    (soon,) = sql(hall, open_deadlines + "d.due BETWEEN '2025-03-03' AND '2025-03-06'")[0]
    assert s.overdue == overdue > 0
    assert s.due_soon == soon > 0
    assert s.group_visits >= 1 and s.red >= 1

    pdf = result.files["pdf"].read_bytes()
    flat = squeeze(text_pdfplumber(pdf))
    assert f"各项分类合计均为{total}件" in flat
    for b in s.breakdowns:
        assert f"{b.title.removeprefix('按')}件数占比" in flat
        assert f"合计{total}100.0%" in flat
        for r in b.rows:
            assert f"{squeeze(r.label)}{r.count}" in flat, (b.key, r.label)
    tiles = (s.total, s.person_visits, s.resolved_on_spot, s.routed, s.group_visits)
    assert "".join(map(str, tiles)) in flat
    assert f"{s.repeat_visits}{s.red}{s.orange}{overdue}{soon}" in flat
    summary_sheet = dict((r[0], r[1]) for r in xlsx_rows(result.files["xlsx"], "汇总") if r[0])
    assert summary_sheet["逾期未办（截至 2025-03-03，全部在办案件）"] == overdue
    assert summary_sheet["受理案件"] == total
    assert "受理情况日结报表" in flat and "第1页/共" in flat
    assert unembedded_fonts(pdf) == []


def test_day_summary_is_the_export_summary(hall, tmp_path):
    s = day_summary(hall, DAY)
    assert s == export(hall, tmp_path / "out").summary
    assert not s.closed


def test_empty_day_exports_headers_and_zero(ctx, tmp_path):
    result = export(ctx, tmp_path / "out")
    assert result.counts["total"] == 0 and result.first_case_no is None
    assert len(xlsx_rows(result.files["xlsx"])) == 1
    assert len(csv_rows(result.files["csv"])) == 1
    assert "各项分类合计均为0件" in squeeze(text_pdfplumber(result.files["pdf"].read_bytes()))


# -- masking --------------------------------------------------------------------------------------


def all_output_text(result) -> str:
    return "\n".join(
        [
            xlsx_text(result.files["xlsx"]),
            result.files["csv"].read_text(encoding="utf-8-sig"),
            text_pdfplumber(result.files["pdf"].read_bytes()),
            result.manifest.read_text(encoding="utf-8"),
        ]
    )


def test_masked_by_default_and_no_unmasked_id_or_phone_anywhere(hall, tmp_path):
    result = export(hall, tmp_path / "out")
    assert result.masked
    out = all_output_text(result)
    secrets = personal_values(hall)
    assert len(secrets) > 100
    leaked = sorted(v for v in secrets if v in out)
    assert leaked == []
    for sensitive in (HEALTH, PROPERTY, "2345.5", "2345.50", "某某路99号"):
        assert sensitive not in out
    assert mask_id("110105199003071239") in out and mask_phone("13812345678") in out
    assert mask_id(CP_ID) in out and mask_id(PARTICIPANT_ID) in out
    assert "吉某" in out  # the red case's applicant in the summary's list
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["masked"] is True and manifest["personal_data"] == "masked"
    assert manifest["exported_by"] == {"user": None, "role": "clerk", "role_name": "窗口受理员"}


@pytest.mark.parametrize(
    ("role", "personal", "sensitive"),
    [("legal_aid", True, True), ("duty_leader", True, False), ("auditor", False, False), ("admin", False, False)],
)
def test_full_data_only_for_a_role_that_may(hall, tmp_path, role, personal, sensitive):
    result = export(hall, tmp_path / role, role=role)
    out = all_output_text(result)
    secrets = personal_values(hall)
    shown = {v for v in secrets if v in out}
    assert (shown == secrets) if personal else not shown
    assert (HEALTH in out and PROPERTY in out) is sensitive
    assert ("某某路99号" in out) is personal
    assert (RARE_NAME in text_pdfplumber(result.files["pdf"].read_bytes())) is personal
    assert result.masked is not (personal and sensitive)
    assert unembedded_fonts(result.files["pdf"].read_bytes()) == []


def test_roles_without_export_permission_are_refused(hall, tmp_path):
    with pytest.raises(PermissionDenied):
        export(hall, tmp_path / "x", role="liaison")
    with pytest.raises(UnknownRole):
        export(hall, tmp_path / "y", role="director")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_mask_helpers():
    assert mask_address("乌海市乌达区团结路1号") == "乌海市乌达区****"
    assert mask_address("内蒙古自治区乌海市乌达区") == "内蒙古自治区乌海市乌达区"
    assert mask_address("团结路1号") == "****"
    assert mask_address(None) == ""
    assert mask_name("张三") == "张某" and mask_name("") == ""
    cell = ["张三（", ["id", "110105199003071239"], "，", ["phone", "13812345678"], "）"]
    assert render_cell(cell, Disclosure()) == "张三（110105********1239，138****5678）"
    assert render_cell(cell, Disclosure(personal=True)) == "张三（110105199003071239，13812345678）"
    assert render_cell([["sens", 2000.0]], Disclosure()) == "***"
    assert render_cell([["sens", 2000.0]], Disclosure(sensitive=True)) == 2000.0
    long = "字" * 40_000
    assert len(render_cell([long, ""], Disclosure())) == 32_767
    astral = "𠮷" * 20_000  # two UTF-16 units each: Excel's limit counts units
    cut = render_cell([astral, ""], Disclosure())
    assert len(cut.encode("utf-16-le")) // 2 <= 32_767 and cut.endswith("字）")


# -- manifest, closed days, reproducibility --------------------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_names_the_files_with_their_hashes(hall, tmp_path):
    result = export(hall, tmp_path / "out", user="李晓梅")
    m = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert {f["kind"] for f in m["files"]} == {"xlsx", "csv", "pdf"}
    for f in m["files"]:
        path = tmp_path / "out" / f["name"]
        assert path == result.files[f["kind"]]
        assert f["sha256"] == sha(path) and f["bytes"] == path.stat().st_size
    nos = day_case_nos(hall)
    assert (m["first_case_no"], m["last_case_no"]) == (nos[0], nos[-1]) == (result.first_case_no, result.last_case_no)
    assert m["case_count"] == m["counts"]["total"] == 61
    assert m["day"] == "2025-03-03" and m["range"] == {"from": "2025-03-03", "to": "2025-03-03"}
    assert m["schema_version"] == "1.0" and m["closed"] is False
    assert m["exported_by"]["user"] == "李晓梅"
    assert sum(m["counts"]["window"].values()) == 61
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        ["manifest.json", *(p.name for p in result.files.values())]
    )


def change_a_case_and_add_a_late_one(ctx, config) -> None:
    with ctx.db.write() as session:
        case = session.execute(select(Case).where(Case.received_date == DAY).order_by(Case.id).limit(1)).scalar_one()
        doc = dict(case.document)
        doc["facts"] = "日结后修改的事实"
        doc["risk"] = {"level": "red", "flags": ["repeat_visit"]}
        case.document = doc
        case.risk_level = "red"
        case.status = "closed"
    register_many(ctx, generate_cases(config, 1, seed=99, end=DAY, days=1))


def test_closed_day_re_export_is_byte_identical_after_a_change(hall, config, tmp_path):
    record = close_day(hall, DAY, user="王丽", now=CLOSE_TIME)
    assert record.case_count == 61 and record.closed_by == "王丽"
    first = export(hall, tmp_path / "a", user="王丽")
    assert first.from_snapshot and first.warnings == ()
    change_a_case_and_add_a_late_one(hall, config)
    second = export(hall, tmp_path / "b", user="王丽")
    for kind in ("xlsx", "csv", "pdf"):
        assert first.files[kind].read_bytes() == second.files[kind].read_bytes(), kind
    assert first.manifest.read_bytes() == second.manifest.read_bytes()
    m = json.loads(second.manifest.read_text(encoding="utf-8"))
    assert m["closed"] is True and m["exported_at"] == "2025-03-03T18:05:00+08:00"
    assert {f["kind"]: f["sha256"] for f in m["files"]} == {k: sha(p) for k, p in second.files.items()}
    assert len(second.warnings) == 1 and "日结后又登记" in second.warnings[0]
    assert "日结后修改的事实" not in second.files["csv"].read_text(encoding="utf-8-sig")

    # the snapshot keeps the tags: a role that may see everything gets it, from the same snapshot
    full = export(hall, tmp_path / "full", role="legal_aid")
    assert "110105199003071239" in full.files["csv"].read_text(encoding="utf-8-sig")
    # an open day's export does reflect the change
    live = export(hall, tmp_path / "live", start=DAY - timedelta(days=1), end=DAY)
    assert not live.from_snapshot and live.summary.total == 61  # the day before has no cases, not closed
    assert "部分日期已日结" in squeeze(text_pdfplumber(live.files["pdf"].read_bytes()))


def test_close_day_is_stored_once_with_an_audit_record(hall):
    record = close_day(hall, DAY, user="王丽", now=CLOSE_TIME)
    with pytest.raises(DayAlreadyClosed):
        close_day(hall, DAY, user="张建军", now=CLOSE_TIME)
    with pytest.raises(ReceptionError) as info:
        close_day(hall, date(2025, 3, 5), user="王丽", now=CLOSE_TIME)
    assert info.value.code == "export.day_future"
    assert closed_day(hall, DAY) == record
    assert closed_day(hall, EARLIER) is None
    with hall.db.read() as session:
        row = session.execute(select(DayClose)).scalar_one()
        assert (row.first_case_no, row.last_case_no) == (day_case_nos(hall)[0], day_case_nos(hall)[-1])
        assert len(row.snapshot["rows"]) == 61
        assert row.manifest["snapshot_sha256"] == record.snapshot_sha256
        audits = session.execute(select(AuditRecord).where(AuditRecord.action == "day.close")).scalars().all()
        assert len(audits) == 1 and audits[0].user == "王丽" and audits[0].object_id == "W01/2025-03-03"
    s = day_summary(hall, DAY)
    assert s.closed and s.total == 61 and s.closed_by == "王丽"


def test_range_merges_closed_and_open_days(hall, tmp_path):
    close_day(hall, RECENT, user="王丽", now=CLOSE_TIME)
    result = export(hall, tmp_path / "month", start=date(2025, 2, 1), end=DAY)
    assert result.summary.total == 91
    rows = xlsx_rows(result.files["xlsx"])[1:]
    assert len(rows) == 91
    received = [r[2][:10] for r in rows]
    assert received == sorted(received)  # by day, the closed day in its place
    m = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert m["day"] is None and m["closed_days"] == ["2025-02-26"] and m["closed"] is False
    assert m["first_case_no"].endswith("-000001") and m["case_count"] == 91


def test_export_is_audited(hall, tmp_path):
    export(hall, tmp_path / "out", user="李晓梅")
    with hall.db.read() as session:
        audit = session.execute(select(AuditRecord).where(AuditRecord.action == "register.export")).scalar_one()
    assert audit.user == "李晓梅" and audit.detail["masked"] is True and audit.detail["case_count"] == 61


# -- streaming: progress and cancel ------------------------------------------------------------------


def test_progress_counts_up_to_the_total(hall, tmp_path, monkeypatch):
    monkeypatch.setattr(register_module, "BATCH", 7)
    calls: list[tuple[int, int]] = []
    export(hall, tmp_path / "out", progress=lambda done, total: calls.append((done, total)))
    assert len(calls) >= 9
    assert all(t == 61 for _, t in calls)
    done = [d for d, _ in calls]
    assert done == sorted(set(done)) and done[0] == 0 and done[-1] == 61


def test_cancel_leaves_no_files(hall, tmp_path, monkeypatch):
    monkeypatch.setattr(register_module, "BATCH", 10)
    asked = []

    def cancel_on_third() -> bool:
        asked.append(1)
        return len(asked) >= 3

    out = tmp_path / "new-folder"
    with pytest.raises(ExportCancelled):
        export(hall, out, should_cancel=cancel_on_third)
    assert not out.exists()

    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine", encoding="utf-8")
    asked.clear()
    with pytest.raises(ExportCancelled):
        export(hall, existing, should_cancel=cancel_on_third)
    assert [p.name for p in existing.iterdir()] == ["keep.txt"]


def test_cancel_at_the_very_end_still_leaves_nothing(hall, tmp_path):
    out = tmp_path / "out"

    def late() -> bool:  # yes once every file is built in the temporary folder, before they move
        return any(out.glob(".export-*/manifest.json"))

    with pytest.raises(ExportCancelled):
        export(hall, out, should_cancel=late)
    assert not out.exists()


def test_bad_range_refused(ctx, tmp_path):
    with pytest.raises(ReceptionError) as info:
        export(ctx, tmp_path / "out", start=DAY, end=DAY - timedelta(days=1))
    assert info.value.code == "export.range"


# -- command line -------------------------------------------------------------------------------------


def test_cli_export_close_and_help(hall, db_url, tmp_path, capsys, cli_as):
    out = tmp_path / "cli"
    cli_as()  # a clerk: personal data masked
    assert main(["--db", db_url, "export", "--date", "2025-03-03", "--out", str(out), "--close"]) == 0
    stdout, stderr = capsys.readouterr()
    lines = stdout.split()
    assert len(lines) == 4 and lines[-1].endswith("manifest.json")
    assert "各项分类合计均为 61 件" in stderr and "已日结" in stderr and "脱敏" in stderr
    assert all(Path(p).is_file() for p in lines)
    assert main(["--db", db_url, "export", "--date", "2025-03-03", "--out", str(out), "--close"]) == 1
    assert "已日结" in capsys.readouterr().err
    assert main(["--db", db_url, "export", "--from", "2025-03-01", "--out", str(out)]) == 2
    assert main(["--db", db_url, "export", "--from", "2025-03-01", "--to", "2025-03-03", "--out", str(out)]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "signed-in person's role" in help_text and "masked" in help_text


def test_party_rows_back_the_masking_check(hall):
    """The secrets the masking tests look for are the real ones of the day (a guard on the guard)."""
    with hall.db.read() as session:
        n = session.execute(
            select(Party.id_number).join(Case).where(Case.received_date == DAY, Party.id_number.is_not(None))
        ).all()
    assert len(n) >= 61
    assert {AGENT_ID, REP_ID, PARTICIPANT_ID, CP_ID} <= personal_values(hall)


def test_fast_xlsx_rows_are_exactly_what_xlsxwriter_writes(tmp_path):
    """The register sheet's rows are written as one string per row; the bytes must equal those of
    XlsxWriter's own per-cell calls (escapes, whitespace, numbers, formats included)."""
    from reception.export.summary import SummaryBuilder
    from reception.export.writers import RegisterWriter

    keys = [c.key for c in COLUMNS]
    headers = [c.header for c in COLUMNS]
    samples = [
        "普通文本",
        " 前后空格 ",
        "a & b < c > d \"q\" 'q'",
        "_x0041_ 字面转义",
        "制表\t换行\n第二行",
        "龚䶮 吉𠮷",
        "=1+1",
        "",
        None,
    ]
    rows = []
    for i in range(40):
        row = []
        for j, c in enumerate(COLUMNS):
            if c.kind in ("int", "money"):
                row.append([None, 0, 7, 12345.5, 30000.0, 1e15][(i + j) % 6])
            else:
                row.append(samples[(i + j) % len(samples)])
        rows.append(row)
    from reception.config import load_config

    summary = SummaryBuilder(load_config(), UTC).build(
        start=DAY, end=DAY, workstation="W01", overdue=0, due_soon=0, as_of=DAY
    )
    out = {}
    for fast in (True, False):
        d = tmp_path / str(fast)
        d.mkdir()
        w = RegisterWriter(
            d / "r.xlsx", d / "r.csv", keys, headers, tmpdir=d, created=CLOSE_TIME, title="t", author="a", fast=fast
        )
        assert w.fast is fast
        for row in rows:
            w.row(row)
        w.close(summary, [("k", "v")])
        with zipfile.ZipFile(d / "r.xlsx") as z:
            out[fast] = {n: z.read(n) for n in z.namelist()}
    assert out[True] == out[False]
    assert (tmp_path / "True" / "r.xlsx").read_bytes() == (tmp_path / "False" / "r.xlsx").read_bytes()
