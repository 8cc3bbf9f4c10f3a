"""Receipts, slips and transfer slips, read back as a visitor, a department and an auditor would."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import keyring
import pytest
from keyring.backends import fail
from reportlab.lib.units import mm
from sqlalchemy import func, select

from reception.cli import main
from reception.errors import ConfigError, NotFound, ReceptionError
from reception.intake import register_case
from reception.paths import config_dir
from reception.queries import case_document
from reception.receipts import MissingGlyphs, RenderedReceipt, load_template, receipt_prints, render_receipt
from reception.storage.models import AuditRecord, ReceiptPrint
from reception.verification import parse_qr_payload, verify
from tests.factories import base_case
from tests.pdfcheck import decode_qr, page_sizes, texts, unembedded_fonts

RECEIVED = "2025-03-03T10:30:00+08:00"  # a Monday
NOW = datetime(2025, 3, 3, 3, 0, tzinfo=UTC)  # 11:00 in the hall
LATER = datetime(2025, 3, 4, 1, 12, tzinfo=UTC)  # 09:12 the next day

APPLICANT_ID = "110105199003071239"
APPLICANT_PHONE = "13812345678"
CP_ID = "110105199001011232"
CP_PHONE = "13900001111"
CP_ADDRESS = "乌达区某某路99号3单元"
NEVER = (APPLICANT_ID, APPLICANT_PHONE, CP_ID, CP_PHONE, CP_ADDRESS, "某某路99号")

CENTRE_PHONE = "0473-2012345"


@pytest.fixture(autouse=True)
def hall_template():
    (config_dir() / "receipt-template.toml").write_text(
        f'[centre]\nphone = "{CENTRE_PHONE}"\naddress = "乌达区人民路1号"\nhours = "工作日 8:30-17:30"\n',
        encoding="utf-8",
    )


def petition(config, **over) -> dict:
    data = base_case(config, "petition", received_at=RECEIVED)
    data["applicants"][0]["name"] = "龚䶮"
    data["counterparties"] = [
        {"kind": "person", "name": "吉𠮷", "id_number": CP_ID, "phone": CP_PHONE, "address": CP_ADDRESS}
    ]
    data["materials"] = [
        {"name": "工资欠条", "original": False, "pages": 1},
        {"name": "劳动合同", "original": True, "pages": 3, "returned": True},
    ]
    data.update(over)
    return data


@pytest.fixture
def case_no(ctx) -> str:
    return register_case(ctx, petition(ctx.config)).case_no


def read(result: RenderedReceipt) -> dict[str, str]:
    return texts(result.pdf)


def assert_contains(result: RenderedReceipt, *expected: str) -> None:
    for extractor, text in read(result).items():
        for s in expected:
            assert s.replace(" ", "") in text, f"{extractor}: {s!r} missing"


def assert_absent(result: RenderedReceipt, *absent: str) -> None:
    for extractor, text in read(result).items():
        for s in absent:
            assert s.replace(" ", "") not in text, f"{extractor}: {s!r} must not appear"


def cn(d: str) -> str:
    x = date.fromisoformat(d)
    return f"{x.year}年{x.month}月{x.day}日"


def prints(ctx) -> list[ReceiptPrint]:
    with ctx.db.read() as s:
        return list(s.scalars(select(ReceiptPrint).order_by(ReceiptPrint.id)))


def audits(ctx, action: str) -> list[AuditRecord]:
    with ctx.db.read() as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)))


# -- content --------------------------------------------------------------------------------------


def test_a4_receipt_shows_what_domain_5_lists(ctx, case_no):
    doc = case_document(ctx, case_no)
    r = render_receipt(ctx, case_no, "a4", now=NOW)
    assert r.layout == "a4" and r.pages == 1 and not r.reprint and r.missing == ""
    dues = [cn(d["due"]) for d in doc["deadlines"]]
    assert dues == ["2025年3月18日", "2025年3月18日", "2025年5月6日"]  # domain worked example
    assert_contains(
        r,
        "乌达区综治中心",
        "受 理 回 执",
        "（来访人联）",
        case_no,
        f"查询码：{r.code}",
        "2025年3月3日 10:30",
        "信访接待（W01）",
        "李晓梅",
        "龚䶮",
        "110105********1239",
        "138****5678",
        "劳动争议 / 欠薪",
        "包工头拖欠工资",
        "工资欠条（复印件，1 页）",
        "劳动合同（原件，3 页，已当场退还）",
        "乌达区人力资源和社会保障局",
        "0473-2012321",
        *dues,
        *(d["label"] for d in doc["deadlines"]),
        "《信访工作条例》第三十五条、第三十六条",
        "复查",
        "复核",
        f"拨打本中心电话 {CENTRE_PHONE}",
        "扫描二维码",
        "受理人（签名）",
        "受理专用章",
        "- - - 裁剪线 - - -",
        "（存根联 · 本中心留存）",
        "打印时间：2025年3月3日 11:00",
    )
    assert_absent(r, *NEVER, "吉𠮷", "补打")


def test_slip_has_the_essentials_on_80mm_paper(ctx, case_no):
    doc = case_document(ctx, case_no)
    r = render_receipt(ctx, case_no, "slip", now=NOW)
    (w, h), *more = page_sizes(r.pdf)
    assert not more
    assert w == pytest.approx(80 * mm, abs=0.01)
    assert 100 * mm < h < 297 * mm  # fitted to the content, not an A4 page
    assert_contains(
        r,
        case_no,
        r.code,
        "乌达区综治中心",
        "龚䶮",
        "110105********1239",
        "138****5678",
        "乌达区人力资源和社会保障局",
        "0473-2012321",
        *(cn(d["due"]) for d in doc["deadlines"]),
        "复查",
        CENTRE_PHONE,
    )
    assert_absent(r, *NEVER, "吉𠮷", "补打")


def test_slip_content_stays_inside_72mm(ctx, case_no):
    import pdfplumber

    r = render_receipt(ctx, case_no, "slip", now=NOW, record=False)
    import io

    with pdfplumber.open(io.BytesIO(r.pdf)) as pdf:
        page = pdf.pages[0]
        xs = [c["x0"] for c in page.chars] + [c["x1"] for c in page.chars]
        assert min(xs) >= 4 * mm - 0.5
        assert max(xs) <= 76 * mm + 0.5
        assert page.chars[-1]["bottom"] <= page.height - 3 * mm  # nothing cut off at the bottom


def test_transfer_slip_for_the_lead_department(ctx, case_no):
    doc = case_document(ctx, case_no)
    r = render_receipt(ctx, case_no, "transfer", now=NOW)
    assert r.pages == 1
    assert_contains(
        r,
        "转 办 单",
        "致：乌达区人力资源和社会保障局",
        f"{case_no}-01",
        "龚䶮",
        "110105********1239",
        "138****5678",
        "对方当事人",
        "吉𠮷",
        "包工头拖欠工资",
        "支付拖欠工资30000元",
        "工资欠条",
        "现将上述事项转请你单位按职责依法办理",
        *(cn(d["due"]) for d in doc["deadlines"]),
        "5个工作日内",
        "2025年3月10日",  # 5 working days after Monday 3 March
        "转办回执",
        "签收人",
        "乌达区法律援助中心",  # the assisting department
    )
    assert_absent(r, *NEVER, "补打")


def test_transfer_slip_hides_the_reported_person_in_a_report_against_officials(ctx):
    data = petition(ctx.config, category="report_officials", subcategory="official_misconduct")
    data["counterparties"] = [{"kind": "person", "name": "吉𠮷", "phone": CP_PHONE}]
    case_no = register_case(ctx, data).case_no
    r = render_receipt(ctx, case_no, "transfer", now=NOW)
    assert_contains(r, "第三十条", "不得将检举控告人")
    assert_absent(r, "吉𠮷", CP_PHONE)


def test_no_transfer_slip_for_a_case_resolved_at_the_counter(ctx):
    data = petition(ctx.config)
    data["disposal"] = {**data["disposal"], "resolved_on_spot": True, "answer": "已当场解释政策"}
    case_no = register_case(ctx, data).case_no
    with pytest.raises(ReceptionError) as exc:
        render_receipt(ctx, case_no, "transfer", now=NOW)
    assert exc.value.code == "receipt.no_transfer"
    assert prints(ctx) == []
    r = render_receipt(ctx, case_no, "a4", now=NOW)
    assert_contains(r, "已当场答复/化解，不再转办")


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("legal_aid", "《法律援助法》第四十九条"),
        ("mediation", "《人民调解法》第二十三条"),
    ],
)
def test_rights_follow_the_window(ctx, window, expected):
    data = base_case(ctx.config, window, received_at=RECEIVED)
    if window == "legal_aid":
        data["counterparties"] = [{"kind": "organisation", "name": "某公司"}]
    case_no = register_case(ctx, data).case_no
    r = render_receipt(ctx, case_no, "a4", now=NOW, record=False)
    assert_contains(r, expected)
    assert_absent(r, "第三十五条")


@pytest.mark.parametrize("layout", ["a4", "slip", "transfer"])
def test_every_font_is_embedded(ctx, case_no, layout):
    r = render_receipt(ctx, case_no, layout, now=NOW, record=False)
    assert unembedded_fonts(r.pdf) == []


@pytest.mark.parametrize("layout", ["a4", "slip", "transfer"])
def test_rendering_is_reproducible(ctx, case_no, layout):
    a = render_receipt(ctx, case_no, layout, now=NOW, record=False)
    b = render_receipt(ctx, case_no, layout, now=NOW, record=False)
    assert a.pdf == b.pdf
    assert a.sha256 == hashlib.sha256(a.pdf).hexdigest()


# -- QR code and verification ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["a4", "slip"])
def test_qr_code_decodes_to_case_number_and_a_valid_code(ctx, case_no, layout):
    r = render_receipt(ctx, case_no, layout, now=NOW, record=False)
    [payload] = decode_qr(r.pdf)
    assert payload == f"RCPT1|{case_no}|{r.code}"
    number, code = parse_qr_payload(payload)
    assert number == case_no
    assert verify(ctx, number, code)
    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert not verify(ctx, number, tampered)


def test_without_a_secure_keyring_the_receipt_prints_without_code(ctx, case_no):
    keyring.set_keyring(fail.Keyring())
    r = render_receipt(ctx, case_no, "a4", now=NOW)
    assert r.code is None
    assert r.warnings and "密钥存储" in r.warnings[0]
    assert_contains(r, "核验码暂不可用", "查询码：暂不可用", case_no, "110105********1239")
    assert_absent(r, "扫描二维码", *NEVER)
    assert decode_qr(r.pdf) == []
    assert [p.reprint for p in prints(ctx)] == [False]
    assert audits(ctx, "receipt.print")[0].detail["verification"] is False


def test_cli_warns_when_the_code_is_unavailable(ctx, case_no, db_url, tmp_path, capsys, cli_as):
    cli_as()
    keyring.set_keyring(fail.Keyring())
    out = tmp_path / "r.pdf"
    assert main(["--db", db_url, "receipt", case_no, "--out", str(out)]) == 0
    assert "核验码不可用" in capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF")


# -- characters no font has ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "char"),
    [("name", "\U00031350"), ("facts", "\ue000")],
    ids=["extension-H-in-name", "private-use-in-facts"],
)
def test_a_character_no_font_has_stops_printing(ctx, field, char):
    data = petition(ctx.config)
    if field == "name":
        data["applicants"][0]["name"] = f"王{char}"
    else:
        data["facts"] = f"申请人称{char}字无法录入，包工头拖欠工资。"
    case_no = register_case(ctx, data).case_no
    for layout in ("a4", "slip", "transfer"):
        with pytest.raises(MissingGlyphs) as exc:
            render_receipt(ctx, case_no, layout, now=NOW)
        err = exc.value
        assert err.code == "receipt.missing_glyphs"
        assert err.chars == char
        assert char in err.message("zh") and f"U+{ord(char):04X}" in err.message("zh")
        assert "以下字符无可用字体" in err.message("zh") and "同音字" in err.message("zh")
        assert "no installed font" in err.message("en")
        assert err.where[char] == ("申请人" if field == "name" else "事项摘要")
    assert prints(ctx) == []
    assert audits(ctx, "receipt.print") == []
    preview = render_receipt(ctx, case_no, "a4", now=NOW, record=False, allow_missing=True)
    assert preview.missing == char
    with pytest.raises(ValueError):
        render_receipt(ctx, case_no, "a4", now=NOW, allow_missing=True)


def test_cli_missing_glyphs_exits_2(ctx, db_url, tmp_path, capsys, cli_as):
    cli_as()
    data = petition(ctx.config)
    data["applicants"][0]["name"] = "王\U00031350"
    case_no = register_case(ctx, data).case_no
    out = tmp_path / "r.pdf"
    assert main(["--db", db_url, "receipt", case_no, "--out", str(out)]) == 2
    assert "以下字符无可用字体" in capsys.readouterr().err
    assert not out.exists()


# -- reprints and the record of prints ---------------------------------------------------------------


def test_first_print_is_original_later_ones_are_reprints(ctx, case_no):
    first = render_receipt(ctx, case_no, "a4", now=NOW, user="clerk-a")
    second = render_receipt(ctx, case_no, "a4", now=LATER, user="clerk-b")
    assert not first.reprint and second.reprint
    assert_absent(first, "补打")
    assert_contains(second, "补打", "补打时间：2025年3月4日 09:12")
    slip = render_receipt(ctx, case_no, "slip", now=LATER)
    assert not slip.reprint  # each layout has its own original
    assert_contains(render_receipt(ctx, case_no, "slip", now=LATER), "【补打】", "2025年3月4日 09:12")

    rows = prints(ctx)
    assert [(p.layout, p.reprint, p.user) for p in rows] == [
        ("a4", False, "clerk-a"),
        ("a4", True, "clerk-b"),
        ("slip", False, "李晓梅"),
        ("slip", True, "李晓梅"),
    ]
    assert rows[0].sha256 == hashlib.sha256(first.pdf).hexdigest()
    assert rows[1].sha256 == second.sha256
    assert rows[0].printed_at == NOW and rows[1].printed_at == LATER
    assert {p.workstation for p in rows} == {"W01"}
    assert [p["reprint"] for p in receipt_prints(ctx, case_no)] == [False, True, False, True]

    printed, reprinted = audits(ctx, "receipt.print"), audits(ctx, "receipt.reprint")
    assert len(printed) == 2 and len(reprinted) == 2
    a = printed[0]
    assert (a.object_type, a.object_id, a.user, a.workstation, a.at) == ("case", case_no, "clerk-a", "W01", NOW)
    assert a.detail == {"layout": "a4", "pages": 1, "sha256": first.sha256, "verification": True}
    blob = json.dumps([x.detail for x in printed + reprinted], ensure_ascii=False)
    for personal in ("龚䶮", APPLICANT_ID, APPLICANT_PHONE, "110105********1239", "138****5678", first.code):
        assert personal not in blob


def test_preview_records_nothing_and_does_not_count(ctx, case_no):
    preview = render_receipt(ctx, case_no, "a4", now=NOW, record=False)
    assert not preview.reprint
    assert prints(ctx) == [] and audits(ctx, "receipt.print") == []
    assert not render_receipt(ctx, case_no, "a4", now=NOW).reprint
    assert render_receipt(ctx, case_no, "a4", now=NOW, record=False).reprint  # preview of a reprint


def test_print_row_and_audit_are_written_together(ctx, case_no, monkeypatch):
    """If the audit record cannot be written, no print is recorded either."""
    import reception.audit

    def boom(session, ctx, entries):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(reception.audit, "append", boom)
    with pytest.raises(RuntimeError):
        render_receipt(ctx, case_no, "a4", now=NOW)
    with ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ReceiptPrint)) == 0


def test_unknown_case_and_layout(ctx):
    with pytest.raises(NotFound):
        render_receipt(ctx, "ZZ-150304-W01-2025-999999", "a4")
    with pytest.raises(ValueError):
        render_receipt(ctx, "ZZ-150304-W01-2025-999999", "letter")


# -- the wording template -------------------------------------------------------------------------------


def test_hall_template_overrides_wording_centre_and_seal(ctx, case_no):
    (config_dir() / "receipt-template.toml").write_text(
        "\n".join(
            [
                "[centre]",
                'name = "乌海市乌达区社会治安综合治理中心"',
                'seal_text = "乌达区矛盾纠纷多元化解中心"',
                'phone = "0473-9999999"',
                "[titles]",
                'visitor_copy = "（当事人联）"',
                "[rights]",
                'petition = "本厅自定的权利告知文字。"',
                "[transfer]",
                "return_days = 3",
            ]
        ),
        encoding="utf-8",
    )
    r = render_receipt(ctx, case_no, "a4", now=NOW, record=False)
    assert_contains(r, "乌海市乌达区社会治安综合治理中心", "（当事人联）", "本厅自定的权利告知文字。", "0473-9999999")
    assert_absent(r, "（来访人联）", "第三十五条")
    t = render_receipt(ctx, case_no, "transfer", now=NOW, record=False)
    assert_contains(t, "3个工作日内", "2025年3月6日")


def test_without_a_hall_template_the_shipped_wording_is_used(ctx, case_no):
    (config_dir() / "receipt-template.toml").unlink()
    tmpl = load_template()
    assert tmpl.text("centre", "phone") == ""
    r = render_receipt(ctx, case_no, "a4", now=NOW, record=False)
    assert_contains(r, "乌达区综治中心", "到本中心受理窗口")
    assert_absent(r, "拨打本中心电话")  # the line needs a phone number: left out


def test_hall_template_errors_name_file_line_and_key():
    path = config_dir() / "receipt-template.toml"
    path.write_text('[centre]\nphone = "1"\nfax = "2"\n\n[transfer]\nreturn_days = "five"\n[extra]\n', "utf-8")
    with pytest.raises(ConfigError) as exc:
        load_template()
    got = {(p.key, p.line) for p in exc.value.problems}
    assert got == {("centre.fax", 3), ("transfer.return_days", 6), ("extra", 7)}
    assert all(p.file == str(path) for p in exc.value.problems)


def test_cli_receipt_layouts_and_preview(ctx, case_no, db_url, tmp_path, capsys, cli_as):
    cli_as()
    for layout in ("a4", "slip", "transfer"):
        out = tmp_path / f"{layout}.pdf"
        assert main(["--db", db_url, "receipt", case_no, "--out", str(out), "--layout", layout]) == 0
        assert out.read_bytes().startswith(b"%PDF")
    assert "首次打印" in capsys.readouterr().out
    assert main(["--db", db_url, "receipt", case_no, "--out", str(tmp_path / "p.pdf"), "--preview"]) == 0
    assert "预览" in capsys.readouterr().out
    assert len(prints(ctx)) == 3
    assert main(["--db", db_url, "receipt", case_no, "--out", str(tmp_path / "again.pdf")]) == 0
    assert "补打" in capsys.readouterr().out
    assert main(["--db", db_url, "receipt", "ZZ-150304-W01-2025-999999", "--out", str(tmp_path / "x.pdf")]) == 1


def test_a_long_case_flows_onto_a_second_page_with_page_numbers(ctx):
    from reception.idcard import synthesize_resident_id

    data = petition(ctx.config)
    data["applicants"] = [
        dict(data["applicants"][0], name=name, id_number=synthesize_resident_id("110105", date(1980, 1, 1 + i), 10 + i))
        for i, name in enumerate(["张某某", "李某某", "王某某", "赵某某", "钱某某"])
    ]
    data["materials"] = [
        {"name": f"证据材料（第{'一二三四五六七八九十'[i % 10]}组）", "pages": i + 1} for i in range(14)
    ]
    data["facts"] = "申请人称对方长期拖欠工资，多次协商未果。" * 30
    case_no = register_case(ctx, data).case_no
    r = render_receipt(ctx, case_no, "a4", now=NOW)
    assert r.pages == 2
    assert_contains(r, "第 1 页 共 2 页", "第 2 页 共 2 页", "等 5 人", "共 14 件：", "14. 证据材料（第四组）（14 页）")
    assert_contains(r, "张某某", "李某某", "王某某")  # the first three applicants by name
    assert_absent(r, "赵某某")
    t = render_receipt(ctx, case_no, "transfer", now=NOW)
    assert t.pages == 2
    assert_contains(t, "转办回执")


def test_warm_up_renders_in_memory_and_writes_nothing(ctx, config):
    """The desk's background warm-up: works on an empty database and on a full one, writes no row."""
    from sqlalchemy import func, select

    from reception.intake import register_case
    from reception.receipts import warm_up
    from reception.storage.models import AuditRecord, ReceiptPrint
    from tests.factories import base_case

    warm_up(ctx)  # empty database
    register_case(ctx, base_case(config))

    def counts():
        with ctx.db.read() as s:
            return (
                s.scalar(select(func.count()).select_from(ReceiptPrint)),
                s.scalar(select(func.count()).select_from(AuditRecord)),
            )

    before = counts()
    warm_up(ctx)
    assert counts() == before
