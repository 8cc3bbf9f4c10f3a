from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reception.errors import MESSAGES
from reception.text import (
    TextCheck,
    bigrams,
    clean_name,
    clean_text,
    is_cjk,
    normalize_code,
    query_bigrams,
)

FIELD = "matter.facts"


def codes(r: TextCheck) -> list[str]:
    return [e.code for e in r.errors]


# --------------------------------------------------------------------------- normalize_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１１０１０５", "110105"),
        ("  ＡＢ　１２  ", "AB 12"),
        ("a \t b\n c", "a b c"),
        ("ZZ－320106－2025", "ZZ-320106-2025"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected


# --------------------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  拖欠工资  ", "拖欠工资"),
        ("ＡＢＣ公司欠款１２３元", "ABC公司欠款123元"),
        ("ａｂｃ", "abc"),
        ("你好，世界。（测试）：是；好！吗？", "你好，世界。（测试）：是；好！吗？"),
        ("全角＠＃％保留", "全角＠＃％保留"),
        ("a\u3000b", "a b"),
        ("a   b \u3000 c", "a b c"),
        ("a\u00a0b", "a b"),
        ("\u3000\u3000开头空格", "开头空格"),
        ("trailing newline\n", "trailing newline"),
        ("\t\r\n lead", "lead"),
        ("", ""),
    ],
)
def test_clean_text_single_line(raw, expected):
    r = clean_text(raw, FIELD, max_len=100)
    assert r.errors == []
    assert r.value == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("第一行\r\n第二行", "第一行\n第二行"),
        ("a\rb", "a\nb"),
        ("a\tb\n\nc", "a\tb\n\nc"),
        ("  a   b  ", "a   b"),
        ("\n\n事实\n\n", "事实"),
    ],
)
def test_clean_text_multiline(raw, expected):
    r = clean_text(raw, FIELD, max_len=100, multiline=True)
    assert r.errors == []
    assert r.value == expected


@pytest.mark.parametrize(
    ("raw", "position", "codepoint"),
    [
        ("a\x00b", 2, "U+0000"),
        ("ab\x07", 3, "U+0007"),
        ("a\x1bb", 2, "U+001B"),
        ("a\x7fb", 2, "U+007F"),
        ("a\x85b", 2, "U+0085"),
        ("a\x9fb", 2, "U+009F"),
        ("a\u2028b", 2, "U+2028"),
        ("a\u2029b", 2, "U+2029"),
        ("a\u200bb", 2, "U+200B"),
        ("a\u200db", 2, "U+200D"),
        ("a\u200fb", 2, "U+200F"),
        ("a\u202eb", 2, "U+202E"),
        ("a\u202ab", 2, "U+202A"),
        ("a\u2066b", 2, "U+2066"),
        ("a\u2069b", 2, "U+2069"),
        ("a\ufeffb", 2, "U+FEFF"),
        ("a\ud800b", 2, "U+D800"),
        ("a\udfffb", 2, "U+DFFF"),
        ("a\ufdd0b", 2, "U+FDD0"),
        ("a\ufffeb", 2, "U+FFFE"),
        ("a\U0001ffffb", 2, "U+1FFFF"),
        ("  张\x01三", 4, "U+0001"),
        ("a\nb", 2, "U+000A"),
        ("a\tb", 2, "U+0009"),
        ("a\r\nb", 2, "U+000D"),
    ],
)
def test_control_characters_refused(raw, position, codepoint):
    r = clean_text(raw, FIELD, max_len=100)
    assert codes(r) == ["text.control_char"]
    assert r.value is None
    err = r.errors[0]
    assert err.params == {"position": position, "codepoint": codepoint}
    assert str(position) in err.message_zh and codepoint in err.message_zh
    assert str(position) in err.message_en


@pytest.mark.parametrize("raw", ["a\x00b", "a\u2028b", "a\u202eb", "a\x0bb", "a\x0cb"])
def test_control_characters_refused_in_multiline_too(raw):
    assert codes(clean_text(raw, FIELD, max_len=100, multiline=True)) == ["text.control_char"]


def test_length_counts_code_points_after_normalisation():
    assert clean_text("𠮷" * 5, FIELD, max_len=5).value == "𠮷" * 5
    r = clean_text("𠮷" * 6, FIELD, max_len=5)
    assert codes(r) == ["text.too_long"]
    assert r.value is None
    assert "5" in r.errors[0].message_zh and "6" in r.errors[0].message_zh
    assert r.errors[0].params == {"max_len": 5, "length": 6}
    # collapsed spaces and stripped ends do not count
    assert clean_text("  a     b  ", FIELD, max_len=3).value == "a b"
    # CRLF counts as one character
    assert clean_text("a\r\nb", FIELD, max_len=3, multiline=True).value == "a\nb"


def test_required():
    for raw in ("", "   ", "\u3000", None):
        r = clean_text(raw, FIELD, max_len=10, required=True)
        assert codes(r) == ["text.required"]
        assert r.value is None
        assert clean_text(raw, FIELD, max_len=10) == TextCheck("", [])
    assert clean_text("x", FIELD, max_len=10, required=True).value == "x"


def test_messages_have_both_languages():
    for c in ("text.control_char", "text.too_long", "text.required", "name.charset", "name.format"):
        zh, en = MESSAGES[c]
        assert zh and en


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        (" 欧阳 娜娜 ", "欧阳 娜娜"),
        ("䶮", "䶮"),  # U+4DAE, Extension A
        ("刘䶮", "刘䶮"),
        ("𠮷田", "𠮷田"),  # U+20BB7, Extension B
        ("王\U0002a700", "王\U0002a700"),  # Extension C
        ("李\U0002b740", "李\U0002b740"),  # Extension D
        ("赵\U0002b820", "赵\U0002b820"),  # Extension E
        ("钱\U0002ceb0", "钱\U0002ceb0"),  # Extension F
        ("孙\U00030000", "孙\U00030000"),  # Extension G
        ("周\U00031350", "周\U00031350"),  # Extension H
        ("吴\uf900", "吴\uf900"),  # compatibility ideograph kept as typed
        ("郑\U0002f800", "郑\U0002f800"),  # compatibility supplement
        ("王〇", "王〇"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),  # U+30FB
        ("买买提•艾力", "买买提·艾力"),  # U+2022
        ("买买提．艾力", "买买提·艾力"),  # U+FF0E
        ("买买提‧艾力", "买买提·艾力"),  # U+2027
        ("买买提･艾力", "买买提·艾力"),  # U+FF65
        ("买买提∙艾力", "买买提·艾力"),  # U+2219
        ("买买提⋅艾力", "买买提·艾力"),  # U+22C5
        ("买买提 · 艾力", "买买提·艾力"),
        ("阿卜杜热合曼·买买提·艾力", "阿卜杜热合曼·买买提·艾力"),
        ("John Smith", "John Smith"),
        ("Mary-Jane O'Brien", "Mary-Jane O'Brien"),
        ("O’Brien", "O'Brien"),
        ("John F. Kennedy Jr.", "John F. Kennedy Jr."),
        ("Müller", "Müller"),
        ("José Núñez", "José Núñez"),
        ("Jose\u0301", "Jose\u0301"),
        ("ＪＯＨＮ　ＳＭＩＴＨ", "JOHN SMITH"),
        ("John   Smith", "John Smith"),
        ("", ""),
    ],
)
def test_good_names(raw, expected):
    r = clean_name(raw, "applicants[0].name")
    assert r.errors == []
    assert r.value == expected


@pytest.mark.parametrize(
    ("raw", "char"),
    [
        ("张三3", "3"),
        ("张三３", "3"),
        ("王@", "@"),
        ("李（四）", "（"),
        ("赵,钱", ","),
        ("张三！", "！"),
        ("Smith_J", "_"),
        ("张😀", "😀"),
        ("さくら", "さ"),
        ("Иван", "И"),
    ],
)
def test_bad_names(raw, char):
    r = clean_name(raw, "applicants[0].name")
    assert codes(r) == ["name.charset"]
    assert r.value is None
    assert r.errors[0].params["char"] == char
    assert char in r.errors[0].message_zh


def test_name_needs_a_letter_and_honours_text_rules():
    assert codes(clean_name("··", "n")) == ["name.format"]
    assert codes(clean_name("- '", "n")) == ["name.format"]
    assert codes(clean_name("张\u200b三", "n")) == ["text.control_char"]
    assert codes(clean_name("张" * 51, "n")) == ["text.too_long"]
    assert clean_name("张" * 50, "n").value == "张" * 50
    assert codes(clean_name("张三丰", "n", max_len=2)) == ["text.too_long"]


def test_is_cjk():
    for ch in "中䶮𠮷〇\uf900\U0002f800\U00030000\U00031350\U0002ebf0":
        assert is_cjk(ch), hex(ord(ch))
    for ch in ["a", "1", "，", "。", "·", "あ", "한", "\u3000", "", "中文"]:
        assert not is_cjk(ch), ch


# --------------------------------------------------------------------------- search tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("拖欠工资3万元 ABC公司", ["拖欠", "欠工", "工资", "3", "万元", "abc", "公司"]),
        ("工资", ["工资"]),
        ("资", ["资"]),
        ("欠 资", ["欠", "资"]),
        ("王某某", ["王某", "某某"]),
        ("G15高速", ["g15", "高速"]),
        ("ＡＢＣ１２３公司", ["abc123", "公司"]),
        ("张三，李四。", ["张三", "李四"]),
        ("2025年3月3日", ["2025", "年", "3", "月", "3", "日"]),
        ("Hello, World!", ["hello", "world"]),
        ("e-mail", ["e", "mail"]),
        ("𠮷野家", ["𠮷野", "野家"]),
        ("", []),
        ("，。！", []),
        (None, []),
    ],
)
def test_bigrams(text, tokens):
    assert bigrams(text) == tokens


def test_query_bigrams():
    assert query_bigrams("拖欠工资") == [["拖欠", "欠工", "工资"]]
    assert query_bigrams("拖欠工资 ABC") == [["拖欠", "欠工", "工资"], ["abc"]]
    assert query_bigrams("3万元") == [["3"], ["万元"]]
    assert query_bigrams("王") == [["王"]]
    assert query_bigrams("  ") == []


cjk_chars = st.sampled_from("拖欠工资万元公司王某张三李四䶮𠮷〇\uf900")
mixed_text = st.text(
    alphabet=st.one_of(cjk_chars, st.sampled_from("ab12 ，。-AＢ３\u3000\n"), st.characters()),
    max_size=40,
)


@given(mixed_text)
def test_bigrams_contain_every_cjk_pair(text):
    tokens = set(bigrams(text))
    for i in range(len(text) - 1):
        pair = text[i : i + 2]
        if is_cjk(pair[0]) and is_cjk(pair[1]):
            assert pair in tokens
    for i, ch in enumerate(text):
        if is_cjk(ch):
            isolated = not (i > 0 and is_cjk(text[i - 1])) and not (i + 1 < len(text) and is_cjk(text[i + 1]))
            if isolated:
                assert ch in tokens


@given(mixed_text)
def test_query_phrases_are_found_in_the_text_tokens(text):
    """Every phrase of a query made from a text appears consecutively in that text's tokens."""
    tokens = bigrams(text)
    for phrase in query_bigrams(text):
        n = len(phrase)
        assert any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))
    assert [t for p in query_bigrams(text) for t in p] == tokens


@given(st.text(max_size=60), st.booleans())
def test_clean_text_never_returns_a_control_character(raw, multiline):
    r = clean_text(raw, FIELD, max_len=1000, multiline=multiline)
    if r.value is None:
        assert r.errors
        return
    allowed = "\n\t" if multiline else ""
    for ch in r.value:
        cp = ord(ch)
        assert ch in allowed or not (cp < 0x20 or 0x7F <= cp <= 0x9F), repr(r.value)
        assert not (0x200B <= cp <= 0x200F or 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069)
        assert cp not in (0x2028, 0x2029, 0xFEFF)
        assert not 0xD800 <= cp <= 0xDFFF
        assert not (0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE)
        assert not (0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A)
        assert ch != "\u3000"
    assert "\r" not in r.value
    assert r.value == r.value.strip()
    if not multiline:
        assert "  " not in r.value
    # cleaning is idempotent
    assert clean_text(r.value, FIELD, max_len=1000, multiline=multiline).value == r.value


@given(st.text(alphabet=st.sampled_from("张三买买提·艾力JohnSmith '-."), max_size=20))
def test_fullwidth_and_lookalike_names_clean_the_same(name):
    plain = clean_name(name, "n")
    folded = name.translate({ord(c): ord(c) + 0xFEE0 for c in "JohnSmit"}).replace("·", "・")
    assert clean_name(folded, "n").value == plain.value
