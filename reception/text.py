"""Text hygiene shared by every text field, personal-name checks and the search tokeniser.

* :func:`normalize_code` — codes and numbers (ID, phone, case numbers): NFKC, strip, one space.
* :func:`clean_text` — free text: refuses control and invisible characters, maps full-width Latin
  letters and digits (and the ideographic space) to ASCII but keeps Chinese full-width punctuation
  such as ``，。（）：；！？``, normalises line ends, strips, checks the length in code points.
* :func:`clean_name` — personal names: Han characters of every CJK block, the middle dot ``·`` for
  minority names, Latin letters and `` -'.`` for foreign names.
* :func:`bigrams` / :func:`query_bigrams` — the tokeniser the storage layer uses for full-text search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from reception.errors import FieldError, field_error, messages

messages(
    {
        "text.control_char": (
            "第{position}个字符是不允许的控制字符或不可见字符（{codepoint}）",
            "character {position} is a control or invisible character ({codepoint}) that is not allowed",
        ),
        "text.too_long": (
            "不能超过{max_len}个字（现为{length}个）",
            "must be at most {max_len} characters (got {length})",
        ),
        "text.required": ("必填", "required"),
        "name.charset": (
            "姓名中不能包含“{char}”（{codepoint}）",
            "a name may not contain “{char}” ({codepoint})",
        ),
        "name.format": (
            "姓名须包含汉字或字母",
            "a name must contain Chinese characters or letters",
        ),
    }
)


@dataclass(frozen=True)
class TextCheck:
    """Result of :func:`clean_text` / :func:`clean_name`.

    ``value`` is the cleaned text, or ``None`` when an error (not a warning) refused the input.
    An empty, optional field gives ``value == ""`` and no errors.
    """

    value: str | None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(e.severity == "error" for e in self.errors)


# --------------------------------------------------------------------------- character classes

#: Han ideograph blocks (inclusive ranges): URO, Extensions A–I, compatibility ideographs.
_HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A (䶮 U+4DAE)
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B (𠮷 U+20BB7)
    (0x2A700, 0x2B73F),  # Extension C
    (0x2B740, 0x2B81F),  # Extension D
    (0x2B820, 0x2CEAF),  # Extension E
    (0x2CEB0, 0x2EBEF),  # Extension F
    (0x2EBF0, 0x2EE5F),  # Extension I
    (0x2F800, 0x2FA1F),  # CJK Compatibility Ideographs Supplement
    (0x30000, 0x3134F),  # Extension G
    (0x31350, 0x323AF),  # Extension H
)


def is_cjk(ch: str) -> bool:
    """True for one Han ideograph of any CJK block (unified, Extensions A–I, compatibility) or 〇.

    Kana, Hangul and CJK punctuation are *not* CJK here. Ranges are hard-coded so characters newer
    than the running Python's Unicode database (Extensions H and I) are still recognised.
    """
    if len(ch) != 1:
        return False
    cp = ord(ch)
    if cp == 0x3007:  # 〇 IDEOGRAPHIC NUMBER ZERO, used in names and place names
        return True
    if cp < 0x3400:
        return False
    return any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


_INVISIBLE = frozenset(
    [
        0x2028,  # LINE SEPARATOR
        0x2029,  # PARAGRAPH SEPARATOR
        0x2060,  # WORD JOINER
        0xFEFF,  # ZERO WIDTH NO-BREAK SPACE / BOM
        *range(0x200B, 0x2010),  # zero-width space/non-joiner/joiner, LRM, RLM
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2066, 0x206A),  # bidi isolates
    ]
)


def _is_forbidden(ch: str, multiline: bool) -> bool:
    cp = ord(ch)
    if cp < 0x20:
        return not (multiline and ch in "\n\t\r")
    if 0x7F <= cp <= 0x9F:  # DEL and C1
        return True
    if cp in _INVISIBLE:
        return True
    if 0xD800 <= cp <= 0xDFFF:  # lone surrogate
        return True
    # noncharacters: U+FDD0..U+FDEF and the last two code points of every plane
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def _codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _fold_width(ch: str) -> str:
    """Full-width Latin letters/digits -> ASCII; any Unicode space (Zs, incl. U+3000) -> ' '."""
    cp = ord(ch)
    if 0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
        return chr(cp - 0xFEE0)
    if ch != " " and unicodedata.category(ch) == "Zs":
        return " "
    return ch


_SPACES = re.compile(r" {2,}")


# --------------------------------------------------------------------------- codes


def normalize_code(s: str | None) -> str:
    """Normalise a code or number: NFKC (full-width -> half-width), strip, collapse whitespace runs.

    ``"１１０１０５ １９９０"`` -> ``"110105 1990"``. Case is left alone; callers upper-case when the
    code is case-insensitive.
    """
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s)
    return " ".join(s.split())


# --------------------------------------------------------------------------- free text


def clean_text(
    raw: str | None,
    field: str,
    *,
    max_len: int,
    multiline: bool = False,
    required: bool = False,
) -> TextCheck:
    """Clean one text field.

    Steps, in order:

    1. Leading and trailing whitespace is stripped (``str.strip``; this silently drops whitespace
       control characters such as a pasted trailing newline).
    2. Any remaining control character (C0/C1 except ``\\n``, ``\\r`` and ``\\t`` in multiline fields),
       U+2028/U+2029, zero-width and bidi characters (U+200B–U+200F, U+202A–U+202E, U+2060,
       U+2066–U+2069, U+FEFF), lone surrogates and noncharacters refuse the field with
       ``text.control_char``; ``position`` is 1-based in ``raw``.
    3. CRLF and lone CR become LF. Full-width Latin letters and digits become ASCII, every Unicode
       space separator (U+3000, U+00A0, …) becomes ``" "``. Other full-width characters — Chinese
       punctuation ``，。（）：；！？`` and the like — are kept.
    4. Single-line fields: runs of spaces collapse to one.
    5. ``text.required`` when required and empty; ``text.too_long`` when longer than ``max_len``
       code points.

    ``value`` is ``None`` whenever an error is returned.
    """
    raw = raw or ""
    lead = len(raw) - len(raw.lstrip())
    end = len(raw.rstrip())
    body = raw[lead:end] if end > lead else ""
    for i, ch in enumerate(body):
        if _is_forbidden(ch, multiline):
            err = field_error("text.control_char", field, position=lead + i + 1, codepoint=_codepoint(ch))
            return TextCheck(None, [err])
    if multiline:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(_fold_width(ch) for ch in body)
    if not multiline:
        value = _SPACES.sub(" ", value)
    value = value.strip()
    if not value:
        if required:
            return TextCheck(None, [field_error("text.required", field)])
        return TextCheck("", [])
    if len(value) > max_len:
        return TextCheck(None, [field_error("text.too_long", field, max_len=max_len, length=len(value))])
    return TextCheck(value, [])


# --------------------------------------------------------------------------- names

#: look-alikes of the middle dot used between the parts of minority and foreign names
MIDDLE_DOT_LOOKALIKES = frozenset(
    "\u30fb"  # ・ KATAKANA MIDDLE DOT
    "\uff65"  # ･ HALFWIDTH KATAKANA MIDDLE DOT
    "\u2022"  # • BULLET
    "\u2027"  # ‧ HYPHENATION POINT
    "\uff0e"  # ． FULLWIDTH FULL STOP
    "\u0387"  # · GREEK ANO TELEIA
    "\u2219"  # ∙ BULLET OPERATOR
    "\u22c5"  # ⋅ DOT OPERATOR
    "\u2e31"  # ⸱ WORD SEPARATOR MIDDLE DOT
    "\u16eb"  # ᛫ RUNIC SINGLE PUNCTUATION
    "\u00b7"  # · MIDDLE DOT itself
)
_NAME_PUNCT_MAP = {
    "\u2019": "'",  # ’
    "\u2018": "'",  # ‘
    "\uff07": "'",  # ＇
    "\u2010": "-",  # ‐
    "\u2011": "-",  # non-breaking hyphen
    "\uff0d": "-",  # －
}
_DOT_SPACES = re.compile(r" ?· ?")


def _is_latin_letter(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha()
    return unicodedata.category(ch).startswith("L") and unicodedata.name(ch, "").startswith("LATIN ")


def clean_name(raw: str | None, field: str, *, max_len: int = 50) -> TextCheck:
    """Clean a personal name.

    After :func:`clean_text` (single line, not required — the caller checks required), middle-dot
    look-alikes (U+30FB, U+FF65, U+2022, U+2027, U+FF0E, …) become ``·`` (U+00B7) with no spaces
    around it; ``’ ‘ ＇`` become ``'`` and ``‐ ‑ －`` become ``-``. Allowed: Han characters of every CJK
    block (:func:`is_cjk`), ``·``, Latin letters (with diacritics and combining marks after them),
    space, ``-``, ``'`` and ``.``. Anything else — digits, other symbols, other scripts — gives
    ``name.charset`` naming the first offending character. A name of only punctuation gives
    ``name.format``.
    """
    base = clean_text(raw, field, max_len=max_len)
    if base.value is None or base.value == "":
        return base
    chars = []
    for ch in base.value:
        if ch in MIDDLE_DOT_LOOKALIKES:
            chars.append("·")
        else:
            chars.append(_NAME_PUNCT_MAP.get(ch, ch))
    value = _DOT_SPACES.sub("·", "".join(chars))
    prev = ""
    has_letter = False
    for ch in value:
        if is_cjk(ch) or _is_latin_letter(ch):
            has_letter = True
        elif ch in " ·-'.":
            pass
        elif unicodedata.category(ch) == "Mn" and _is_latin_letter(prev):
            pass  # combining accent on a Latin letter
        else:
            return TextCheck(None, [field_error("name.charset", field, char=ch, codepoint=_codepoint(ch))])
        if unicodedata.category(ch) != "Mn":
            prev = ch
    if not has_letter:
        return TextCheck(None, [field_error("name.format", field)])
    return TextCheck(value, [])


# --------------------------------------------------------------------------- search tokeniser


def _search_fold(ch: str) -> str:
    cp = ord(ch)
    if 0xFF01 <= cp <= 0xFF5E:  # full-width ASCII
        return chr(cp - 0xFEE0)
    return ch


def _runs(text: str) -> list[tuple[bool, str]]:
    """Split into maximal runs: (True, CJK run) or (False, lower-cased word run)."""
    runs: list[tuple[bool, str]] = []
    kind: bool | None = None
    buf: list[str] = []
    for raw_ch in text or "":
        ch = _search_fold(raw_ch)
        if is_cjk(ch):
            k: bool | None = True
        elif ch.isalnum():
            k = False
        else:
            k = None
        if k != kind and buf:
            runs.append((bool(kind), "".join(buf)))
            buf = []
        kind = k
        if k is not None:
            buf.append(ch)
    if buf:
        runs.append((bool(kind), "".join(buf)))
    return [(cjk, s if cjk else s.lower()) for cjk, s in runs]


def _grams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def bigrams(text: str | None) -> list[str]:
    """Tokens of ``text`` for the full-text index, in order, repeats kept.

    The text is split into runs:

    * a run of Han characters (:func:`is_cjk`) yields its overlapping 2-grams; a run of a single Han
      character yields that character;
    * a run of other letters and digits (``str.isalnum``: ASCII, full-width ASCII folded to ASCII,
      accented Latin, kana, …) yields one lower-cased word. Digits and Latin letters stay together
      (``"G15"`` -> ``"g15"``), but a change between Han and non-Han always ends the run, so
      ``"3万元"`` gives ``"3"`` and ``"万元"``;
    * everything else (spaces, punctuation, symbols, Chinese full-width punctuation) only
      separates runs and never appears in a token.

    Han characters are not otherwise normalised (a compatibility ideograph stays distinct from its
    unified twin). ``bigrams("拖欠工资3万元 ABC公司")`` ->
    ``["拖欠", "欠工", "工资", "3", "万元", "abc", "公司"]``.
    """
    out: list[str] = []
    for cjk, run in _runs(text or ""):
        out.extend(_grams(run) if cjk else [run])
    return out


def query_bigrams(query: str | None) -> list[list[str]]:
    """The query's runs, each as the tokens that must appear consecutively (a phrase).

    Built with the same rules as :func:`bigrams`, so every list is a phrase of the index:
    ``query_bigrams("拖欠工资 ABC")`` -> ``[["拖欠", "欠工", "工资"], ["abc"]]``.

    A run of a single Han character comes back as ``[char]``. The index only holds that token where
    the *stored* text had an isolated Han character, so an FTS match on it misses the character
    inside longer runs: the caller needs a fallback for 1-character runs (e.g. a prefix query
    ``"字*"`` OR a ``LIKE '%字%'`` scan over the candidate rows).
    """
    return [(_grams(run) if cjk else [run]) for cjk, run in _runs(query or "")]
