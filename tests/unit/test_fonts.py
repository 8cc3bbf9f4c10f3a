"""The embedded Chinese font, fallback fonts for rare characters, and the ToUnicode fix."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from reception.config import load_config
from reception.errors import ConfigError
from reception.paths import resource_path
from reception.pdf import fonts as fonts_mod
from reception.pdf.fonts import FontChoice, FontSet, font_set, make_to_unicode_cmap, shipped_font_path
from reception.pdf.styles import canvas_kwargs, doc_kwargs, paragraph_styles
from tests.pdfcheck import text_pdfplumber, text_pypdf, texts, unembedded_fonts

HANAMIN_A = Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")
RARE = "龚䶮 吉𠮷"  # U+4DAE (Extension A) and U+20BB7 (Extension B): not in WenQuanYi Micro Hei
NO_FONT = "\U00031350\ue000"  # Extension H, and a Private Use Area character


def hall_with(tmp_path, receipts: str) -> Path:
    example = resource_path("config", "example-hall.toml").read_text(encoding="utf-8")
    hall = tmp_path / "hall.toml"
    hall.write_text(example + "\n[receipts]\n" + receipts + "\n", encoding="utf-8")
    return hall


def test_default_is_the_shipped_font_with_its_licence():
    fs = font_set()
    assert isinstance(fs.primary, FontChoice)
    assert fs.primary.source == "shipped"
    assert fs.primary.path == shipped_font_path()
    assert fs.primary.subfont_index == 0
    folder = shipped_font_path().parent
    assert (folder / "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8").count("Apache License") >= 1
    assert "wqy-microhei.ttc" in (folder / "README.md").read_text(encoding="utf-8")
    assert all(f.source == "fallback" for f in fs.fallbacks)


def test_font_set_is_cached_per_settings(config):
    assert font_set() is font_set()
    assert font_set(config) is font_set(config)
    assert font_set(config) is font_set(load_config())  # same settings, another HallConfig object


def test_missing_names_only_characters_no_font_has():
    fs = font_set()
    assert fs.missing("张三 ZZ-150304 （复印件）\n\t" + RARE) == ""
    assert fs.missing(f"王{NO_FONT}五 {NO_FONT}") == NO_FONT
    assert fs.missing("") == ""
    # control/format characters and variation selectors are never "missing"
    assert fs.missing("a\u200d\ufe0f\x07b") == ""


def test_runs_prefer_the_main_font_and_use_fallbacks_for_rare_characters():
    fs = font_set()
    runs = fs.runs("申请人龚䶮，对方吉𠮷")
    assert "".join(t for _, t in runs) == "申请人龚䶮，对方吉𠮷"
    by_char = {t: name for name, text in runs for t in text}
    assert by_char["申"] == by_char["龚"] == fs.primary.name
    assert by_char["䶮"] != fs.primary.name and by_char["𠮷"] != fs.primary.name
    fallback_names = {f.name for f in fs.fallbacks}
    assert {by_char["䶮"], by_char["𠮷"]} <= fallback_names


def test_markup_escapes_and_wraps_fallback_runs():
    fs = font_set()
    m = fs.markup("A&B <x> 龚䶮")
    assert m.startswith("A&amp;B &lt;x&gt; 龚")
    assert '<font name="' in m and m.endswith("䶮</font>")
    assert fs.markup("张三") == "张三"


def test_string_width_matches_draw_string():
    fs = font_set()
    c = Canvas(io.BytesIO(), **canvas_kwargs(fs))
    w = fs.draw_string(c, 10, 10, "龚䶮 ZZ-1", 12)
    assert w == pytest.approx(fs.string_width("龚䶮 ZZ-1", 12))
    assert w > 0


def test_to_unicode_uses_surrogate_pairs_above_the_bmp():
    cmap = make_to_unicode_cmap("F1+0", [0, 0x4E2D, 0x20BB7])
    assert "<01> <4E2D>" in cmap
    assert "<02> <D842DFB7>" in cmap
    from reportlab.pdfbase import ttfonts

    assert ttfonts.makeToUnicodeCMap is make_to_unicode_cmap


def _canvas_pdf(fs: FontSet, text: str) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, **canvas_kwargs(fs))
    fs.draw_string(c, 50, 700, text, 12)
    c.showPage()
    c.save()
    return buf.getvalue()


def _platypus_pdf(fs: FontSet, text: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, **doc_kwargs(fs))
    style = paragraph_styles(fs)["body"]
    doc.build([Paragraph("姓名：" + fs.markup(text), style)])
    return buf.getvalue()


@pytest.mark.parametrize("make", [_canvas_pdf, _platypus_pdf], ids=["canvas", "paragraph"])
def test_rare_characters_are_extracted_exactly_and_fonts_embedded(make):
    fs = font_set()
    pdf = make(fs, "申请人龚䶮 对方吉𠮷")
    for name, text in texts(pdf).items():
        assert "龚䶮" in text, name
        assert "吉𠮷" in text, name
    assert "申请人龚䶮" in text_pdfplumber(pdf)
    assert "𠮷" in text_pypdf(pdf)
    assert unembedded_fonts(pdf) == []


def test_the_embedding_check_catches_reportlabs_default_helvetica():
    buf = io.BytesIO()
    c = Canvas(buf)  # no initialFontName: reportlab adds an unembedded Helvetica
    c.drawString(50, 700, "x")
    c.showPage()
    c.save()
    assert unembedded_fonts(buf.getvalue()) == ["/Helvetica"]


def test_configured_font_comes_first(tmp_path):
    config = load_config(hall_with(tmp_path, f'font = "{HANAMIN_A}"'))
    assert config.receipts.font == HANAMIN_A
    fs = font_set(config)
    assert fs.primary.source == "config"
    assert fs.primary.path == HANAMIN_A
    assert fs.runs("龚䶮") == [(fs.primary.name, "龚䶮")]  # HanaMinA has Extension A itself
    assert all(f.path != HANAMIN_A for f in fs.fallbacks)


def test_configured_fallback_fonts_are_tried_first(tmp_path):
    config = load_config(hall_with(tmp_path, f'fallback_fonts = ["{HANAMIN_A}#0"]'))
    fs = font_set(config)
    assert fs.fallbacks[0].path == HANAMIN_A
    assert fs.runs("䶮")[0][0] == fs.fallbacks[0].name


def test_a_configured_font_that_cannot_be_loaded_falls_back_with_a_warning(tmp_path):
    bogus = tmp_path / "broken.ttf"
    bogus.write_bytes(b"not a font at all" * 10)
    fs = font_set(load_config(hall_with(tmp_path, f'font = "{bogus.as_posix()}"')))
    assert fs.primary.source == "shipped"
    assert any("broken.ttf" in w for w in fs.warnings)


def test_config_errors_name_file_line_and_key(tmp_path):
    hall = hall_with(tmp_path, 'font = "/nowhere/simsun.ttc"\nfont_index = -1\nfallback_font = []')
    with pytest.raises(ConfigError) as exc:
        load_config(hall)
    keys = {p.key for p in exc.value.problems}
    assert keys == {"receipts.font", "receipts.font_index", "receipts.fallback_font"}
    assert all(p.file == str(hall) and p.line for p in exc.value.problems)


def test_windows_system_fonts_come_before_the_shipped_one(tmp_path, monkeypatch):
    fonts_dir = tmp_path / "Windows" / "Fonts"
    fonts_dir.mkdir(parents=True)
    shutil.copyfile(shipped_font_path(), fonts_dir / "msyh.ttc")
    shutil.copyfile(HANAMIN_A, fonts_dir / "simsunb.ttf")
    monkeypatch.setattr(fonts_mod, "windows_font_dirs", lambda: [fonts_dir])
    fs = font_set()
    assert fs.primary.source == "system"
    assert fs.primary.path == fonts_dir / "msyh.ttc"
    assert fs.fallbacks[0].path == fonts_dir / "simsunb.ttf"  # SimSun-ExtB before the Linux fonts
    assert fs.missing(RARE) == ""


def test_qr_helper_draws_a_decodable_code_with_embedded_fonts_only():
    from reception.pdf.styles import draw_qr, masked_person, qr_drawing
    from tests.pdfcheck import decode_qr

    fs = font_set()
    buf = io.BytesIO()
    c = Canvas(buf, **canvas_kwargs(fs))
    draw_qr(c, "RCPT1|ZZ-150304-W01-2025-000001|ABCD-EFGH", 50, 500, 40 * 2.8346)
    p = masked_person({"name": "龚䶮", "id_number": "110105199003071239", "phone": "13812345678", "address": "x"})
    fs.draw_string(c, 50, 450, p.line(), 10)
    c.showPage()
    c.save()
    pdf = buf.getvalue()
    assert decode_qr(pdf) == ["RCPT1|ZZ-150304-W01-2025-000001|ABCD-EFGH"]
    slow = io.BytesIO()
    c = Canvas(slow, **canvas_kwargs(fs))
    qr_drawing("RCPT1|x|y", 100, fs).drawOn(c, 50, 500)
    c.showPage()
    c.save()
    assert decode_qr(slow.getvalue()) == ["RCPT1|x|y"]
    assert unembedded_fonts(slow.getvalue()) == []
    assert unembedded_fonts(pdf) == []
    assert p.line() == "龚䶮　证件号码 110105********1239　电话 138****5678"
    assert "龚䶮证件号码110105********1239电话138****5678" in texts(pdf)["pypdf"]


def test_subsets_from_the_zero_copy_glyf_view_are_byte_identical():
    from reportlab.pdfbase import ttfonts

    fs = font_set()
    fs.runs("䶮𠮷")  # loads the fallback that has them
    for choice in (fs.primary, *(f for f in fs.fallbacks if f.path == HANAMIN_A)):
        face = fonts_mod.pdfmetrics.getFont(choice.name).face
        assert type(face.get_table("glyf")).__name__ == "_TableView"
        codes = [0, 0x20, 0x41, 0x5F20, 0x4DAE, 0x20BB7]
        subset = [c for c in codes if c == 0 or c in face.charToGlyph]
        plain = ttfonts.TTFontFace(str(choice.path), subfontIndex=choice.subfont_index)
        assert face.makeSubset(subset) == plain.makeSubset(subset)
