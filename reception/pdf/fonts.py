"""The Chinese TrueType font embedded in every PDF, and fallback fonts for rare characters.

Choosing the main font, first usable wins:

1. the hall's ``[receipts] font`` (optional ``font_index`` for a ``.ttc``), source ``"config"``;
2. Windows system fonts in ``%WINDIR%\\Fonts``: ``simsun.ttc``, ``msyh.ttc``, ``simhei.ttf`` (``"system"``);
3. WenQuanYi Micro Hei shipped in ``resources/fonts/`` with its licence (``"shipped"``).

A character the main font lacks (生僻字; CJK Extension A/B such as 䶮 U+4DAE or 𠮷 U+20BB7) is drawn
from the first fallback font that has it (source ``"fallback"``): the hall's
``[receipts] fallback_fonts`` (``"path"`` or ``"path#index"`` for a ``.ttc``), Windows
``simsunb.ttf`` (SimSun-ExtB), ``msyh.ttc``, ``simsun.ttc``, then fonts found under
``/usr/share/fonts`` and the other Linux font folders (``HanaMinA.ttf``, ``HanaMinB.ttf`` from
fonts-hanazono, ``wqy-zenhei.ttc``, ``BabelStoneHan.ttf``), then the shipped font. Fallbacks are loaded
only when a character needs them (each costs ~0.1–0.2 s and tens of MB).

:meth:`FontSet.missing` names the characters no font can draw: callers refuse to print rather than
print an empty box (``receipt.missing_glyphs``).

Two reportlab details handled here:

- **ToUnicode of supplementary-plane characters.** reportlab's ``ttfonts.makeToUnicodeCMap`` writes
  every code point as ``<%04X>``; for U+20BB7 that is the five-digit ``<20BB7>``, which is not valid
  UTF-16BE, so text extraction (copy and paste, search, pdftotext, pdfplumber, pypdf) gives garbage
  such as "₻" instead of 𠮷. On import this module installs a corrected ``makeToUnicodeCMap`` that
  writes such characters as UTF-16BE surrogate pairs (``<D842DFB7>``), as the PDF reference requires.
- **Registration cost.** Loading a TrueType font takes ~0.1 s, so every font is registered with
  reportlab once per process (cached by file and index) and a :class:`FontSet` is cached per font
  settings; a receipt never registers a font.

A reportlab ``TTFont`` keeps per-document subset state keyed by the document object, so one
registered font serves any number of documents, one after the other or in parallel threads.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from reception.errors import ReceptionError
from reception.paths import resource_path

if TYPE_CHECKING:  # pragma: no cover
    from reception.config import HallConfig

log = logging.getLogger(__name__)

SHIPPED_FONT = "wqy-microhei.ttc"
WINDOWS_PRIMARY = ("simsun.ttc", "msyh.ttc", "simhei.ttf")
WINDOWS_FALLBACKS = ("simsunb.ttf", "msyh.ttc", "simsun.ttc")
LINUX_FALLBACKS = ("HanaMinA.ttf", "HanaMinB.ttf", "wqy-zenhei.ttc", "BabelStoneHan.ttf")


# -- the ToUnicode fix --------------------------------------------------------------------------


def _utf16_hex(code: int) -> str:
    """``4E2D`` for U+4E2D; ``D842DFB7`` (a surrogate pair) for U+20BB7."""
    if code > 0xFFFF:
        return chr(code).encode("utf-16-be").hex().upper()
    return f"{code:04X}"


def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ``makeToUnicodeCMap`` with UTF-16BE destinations (surrogate pairs above U+FFFF)."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


ttfonts.makeToUnicodeCMap = make_to_unicode_cmap

# Page content streams are Flate-compressed binary, not additionally ASCII85-encoded (reportlab's
# default, meant for 7-bit channels): PDFs are ~20% smaller and a receipt builds several ms faster
# (reportlab's pure-Python ASCII85 encoder). Both are valid PDF.
rl_config.useA85 = 0


# -- zero-copy glyf table ----------------------------------------------------------------------


class _TableView:
    """A table of the font file, sliced on demand: ``view[a:b]`` gives those bytes only."""

    __slots__ = ("_mv",)

    def __init__(self, data: bytes, pos: int, length: int):
        self._mv = memoryview(data)[pos : pos + length]

    def __getitem__(self, key: slice) -> bytes:
        return bytes(self._mv[key])

    def __len__(self) -> int:
        return len(self._mv)


def _get_table_lazy_glyf(face, tag: str):
    """``TTFontFile.get_table`` that does not copy the ``glyf`` table.

    reportlab's ``makeSubset`` (its only reader of ``glyf``) takes the whole table with
    ``get_table('glyf')`` and then slices out the few glyphs a document uses. For a CJK font that is a
    copy of 5 MB (WenQuanYi Micro Hei) to 22 MB (HanaMinA) per document and font: ~17 ms for
    HanaMinA on the build machine, more than the rest of a receipt. A view slices the same bytes."""
    if tag == "glyf":
        pos, length = face.get_table_pos(tag)
        return _TableView(face._ttf_data, pos, length)
    return ttfonts.TTFontFile.get_table(face, tag)


# -- fonts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontChoice:
    name: str  #: the name the font is registered under with reportlab
    path: Path
    subfont_index: int
    source: str  #: "config" | "system" | "shipped" | "fallback"


_lock = threading.RLock()
_registered: dict[tuple[str, int], TTFont] = {}
_failed: dict[tuple[str, int], str] = {}


def _key(path: Path, index: int) -> tuple[str, int]:
    return (os.path.normcase(str(Path(path).resolve())), index)


def font_name(path: Path, index: int = 0) -> str:
    """The reportlab name a font file is registered under: stable and unique per file and index."""
    k = _key(path, index)
    digest = hashlib.sha1(f"{k[0]}|{index}".encode()).hexdigest()[:8]
    stem = re.sub(r"[^A-Za-z0-9]+", "", Path(path).stem)[:24] or "font"
    return f"RD-{stem}-{index}-{digest}"


def _choice(path: Path, index: int, source: str) -> FontChoice:
    return FontChoice(font_name(path, index), Path(path), index, source)


def _load(choice: FontChoice) -> TTFont | None:
    """Register ``choice`` with reportlab once per process; ``None`` if the file cannot be used."""
    k = _key(choice.path, choice.subfont_index)
    with _lock:
        font = _registered.get(k)
        if font is not None:
            return font
        if k in _failed:
            return None
        try:
            font = TTFont(choice.name, str(choice.path), subfontIndex=choice.subfont_index)
        except (TTFError, OSError, ValueError) as exc:
            # e.g. "postscript outlines are not supported" (CFF/OTF fonts), a bad .ttc index
            _failed[k] = str(exc)
            log.warning("font %s#%d cannot be used: %s", choice.path, choice.subfont_index, exc)
            return None
        font.face.get_table = _get_table_lazy_glyf.__get__(font.face)
        pdfmetrics.registerFont(font)
        # CJK fonts have no bold/italic faces: <b>/<i> in a Paragraph keep the same face
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(choice.name, bold, italic, choice.name)
        _registered[k] = font
        return font


def _has_glyph(font: TTFont, code: int) -> bool:
    return bool(font.face.charToGlyph.get(code))


_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF), (0x180B, 0x180D))
_TEXT, _SPACE, _IGNORABLE = 0, 1, 2


@cache
def _kind(ch: str) -> int:
    """``_IGNORABLE`` for control and format characters and variation selectors (never drawn, never
    "missing"), ``_SPACE`` for white space, else ``_TEXT``."""
    code = ord(ch)
    if any(lo <= code <= hi for lo, hi in _VARIATION_SELECTORS):
        return _IGNORABLE
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
        return _IGNORABLE
    return _SPACE if ch.isspace() else _TEXT


class FontSet:
    """The main font and its fallbacks. Names it hands out (``runs``, ``markup``) are registered."""

    def __init__(self, primary: FontChoice, fallbacks: Iterable[FontChoice] = (), warnings: Iterable[str] = ()):
        self.primary = primary
        self.fallbacks: tuple[FontChoice, ...] = tuple(fallbacks)
        #: problems met while choosing (a configured font that could not be loaded); for the log/CLI
        self.warnings: tuple[str, ...] = tuple(warnings)
        self._primary_font = _load(primary)
        if self._primary_font is None:  # pragma: no cover - font_set only builds loadable primaries
            raise ValueError(f"font {primary.path} cannot be loaded")
        self._for_char: dict[str, str | None] = {}

    def font_for(self, ch: str) -> str | None:
        """The registered name of the first font that can draw ``ch``, or ``None``."""
        try:
            return self._for_char[ch]
        except KeyError:
            pass
        code = ord(ch)
        found: str | None = None
        if _has_glyph(self._primary_font, code):
            found = self.primary.name
        else:
            for fb in self.fallbacks:
                font = _load(fb)
                if font is not None and _has_glyph(font, code):
                    found = fb.name
                    break
        self._for_char[ch] = found
        return found

    def missing(self, text: str) -> str:
        """The characters of ``text`` no font can draw, each once, in order ("" when all can be drawn).

        Whitespace, control and format characters and variation selectors are ignored."""
        out: list[str] = []
        for ch in set(text or ""):
            if _kind(ch) == _TEXT and self.font_for(ch) is None:
                out.append(ch)
        if len(out) > 1:
            first = {ch: text.index(ch) for ch in out}
            out.sort(key=first.__getitem__)
        return "".join(out)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into ``(font name, text)`` runs, the main font preferred.

        Control/format characters and variation selectors are dropped; whitespace stays in the current
        run. A character no font has is left to the main font (it would print as a box: check
        :meth:`missing` first)."""
        out: list[tuple[str, str]] = []
        name = self.primary.name
        buf: list[str] = []
        for ch in text or "":
            kind = _kind(ch)
            if kind == _IGNORABLE:
                continue
            if kind == _SPACE:
                if not _has_glyph(_load_name(name), ord(ch)):
                    ch = " "
                want = name
            else:
                want = self.font_for(ch) or self.primary.name
            if want != name and buf:
                out.append((name, "".join(buf)))
                buf = []
            name = want
            buf.append(ch)
        if buf:
            out.append((name, "".join(buf)))
        return out

    def markup(self, text: str) -> str:
        """XML-escaped ``text`` for a platypus ``Paragraph`` whose style uses the main font, with
        ``<font name="...">`` around the runs that need a fallback font."""
        parts = []
        for name, run in self.runs(text):
            esc = escape(run)
            parts.append(esc if name == self.primary.name else f'<font name="{name}">{esc}</font>')
        return "".join(parts)

    def string_width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(run, name, size) for name, run in self.runs(text))

    def draw_string(self, canvas, x: float, y: float, text: str, size: float) -> float:
        """Draw ``text`` with its baseline at ``(x, y)``, run by run, in one PDF text object (so text
        extraction keeps a name like 龚䶮 in one piece); returns the width drawn. The canvas's own
        font setting is left as it was."""
        t = canvas.beginText(x, y)
        width = 0.0
        for name, run in self.runs(text):
            t.setFont(name, size)
            t.textOut(run)
            width += pdfmetrics.stringWidth(run, name, size)
        canvas.drawText(t)
        current = getattr(canvas, "_fontname", None)
        if current and not getattr(pdfmetrics.getFont(current), "_dynamicFont", False):
            canvas.setFont(current, canvas._fontsize)  # re-issue Tf for fonts that rely on it
        return width


def _load_name(name: str) -> TTFont:
    return pdfmetrics.getFont(name)


# -- where fonts are looked for -----------------------------------------------------------------


def windows_font_dirs() -> list[Path]:
    """``%WINDIR%\\Fonts`` and the per-user font folder, on Windows only."""
    if sys.platform != "win32":
        return []
    out = [Path(os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows") / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        out.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return out


def linux_font_dirs() -> list[Path]:
    if sys.platform == "win32":
        return []
    home = Path.home()
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local" / "share" / "fonts",
        home / ".fonts",
    ]


@cache
def _linux_font_index(dirs: tuple[Path, ...], names: tuple[str, ...]) -> dict[str, Path]:
    """First file with each wanted name under ``dirs`` (walked once per process)."""
    wanted = {n.lower(): n for n in names}
    found: dict[str, Path] = {}
    for d in dirs:
        if not d.is_dir():
            continue
        for root, _dirs, files in os.walk(d):
            for f in files:
                n = wanted.get(f.lower())
                if n and n not in found:
                    found[n] = Path(root) / f
            if len(found) == len(wanted):
                return found
    return found


def _in_dirs(dirs: list[Path], name: str) -> Path | None:
    for d in dirs:
        p = d / name
        if p.is_file():
            return p
    return None


def parse_font_spec(spec: str) -> tuple[Path, int]:
    """``"C:/Fonts/x.ttc#1"`` -> (path, 1); without ``#n`` the index is 0."""
    m = re.match(r"^(.*)#(\d+)$", spec.strip())
    if m:
        return Path(m.group(1)).expanduser(), int(m.group(2))
    return Path(spec.strip()).expanduser(), 0


def shipped_font_path() -> Path:
    return resource_path("fonts", SHIPPED_FONT)


# -- the cached font sets -----------------------------------------------------------------------

_sets: dict[tuple, FontSet] = {}


def _settings(config: HallConfig | None) -> tuple[str | None, int, tuple[str, ...]]:
    r = getattr(config, "receipts", None) if config is not None else None
    if r is None:
        return None, 0, ()
    font = str(r.font) if getattr(r, "font", None) else None
    return font, int(getattr(r, "font_index", 0) or 0), tuple(str(f) for f in getattr(r, "fallback_fonts", ()) or ())


def font_set(config: HallConfig | None = None) -> FontSet:
    """The font set for the hall's ``[receipts]`` font settings (defaults when ``config`` is None).

    Cached per settings: the fonts are registered with reportlab once per process."""
    settings = _settings(config)
    key = (*settings, tuple(map(str, windows_font_dirs())), tuple(map(str, linux_font_dirs())))
    with _lock:
        fs = _sets.get(key)
        if fs is None:
            fs = _sets[key] = _build(*settings)
        return fs


def _build(font: str | None, font_index: int, fallback_specs: tuple[str, ...]) -> FontSet:
    warnings: list[str] = []
    candidates: list[FontChoice] = []
    if font:
        candidates.append(_choice(Path(font).expanduser(), font_index, "config"))
    win = windows_font_dirs()
    for name in WINDOWS_PRIMARY:
        p = _in_dirs(win, name)
        if p:
            candidates.append(_choice(p, 0, "system"))
    shipped = shipped_font_path()
    candidates.append(_choice(shipped, 0, "shipped"))
    primary: FontChoice | None = None
    for c in candidates:
        if c.path.is_file() and _load(c) is not None:
            primary = c
            break
        if c.source == "config":
            why = _failed.get(_key(c.path, c.subfont_index), "file not found")
            warnings.append(f"[receipts] font {c.path} (index {c.subfont_index}) cannot be used: {why}")
            log.warning(warnings[-1])
    if primary is None:
        raise ReceptionError(
            f"找不到可嵌入的中文字体（已查找：{', '.join(str(c.path) for c in candidates)}）",
            f"no embeddable Chinese font found (looked for: {', '.join(str(c.path) for c in candidates)})",
            code="receipt.no_font",
        )
    fallback_paths: list[tuple[Path, int]] = [parse_font_spec(s) for s in fallback_specs]
    for name in WINDOWS_FALLBACKS:
        p = _in_dirs(win, name)
        if p:
            fallback_paths.append((p, 0))
    dirs = tuple(linux_font_dirs())
    if dirs:
        index = _linux_font_index(dirs, LINUX_FALLBACKS)
        fallback_paths += [(index[n], 0) for n in LINUX_FALLBACKS if n in index]
    fallback_paths.append((shipped, 0))
    seen = {_key(primary.path, primary.subfont_index)}
    fallbacks: list[FontChoice] = []
    for path, idx in fallback_paths:
        k = _key(path, idx)
        if k in seen or not path.is_file():
            continue
        seen.add(k)
        fallbacks.append(_choice(path, idx, "fallback"))
    return FontSet(primary, fallbacks, warnings)
