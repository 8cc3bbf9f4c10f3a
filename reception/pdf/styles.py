"""Shared drawing helpers: paragraph styles on a :class:`~reception.pdf.fonts.FontSet`, document and
canvas settings that keep every font embedded and the output reproducible, QR codes, the cut line,
the seal area, and masked personal data.

Every font in our PDFs must be embedded. reportlab otherwise slips in the unembedded standard
Helvetica in three places: a ``Canvas`` created without ``initialFontName``, a ``ParagraphStyle``
left on its default font, and a ``Table`` cell holding a plain string (``TableStyle`` ``FONTNAME``).
Use :func:`doc_kwargs`/:func:`canvas_kwargs`, :func:`paragraph_styles` and :func:`table_font_style`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from reception.idcard import mask_id
from reception.pdf.fonts import FontSet
from reception.phone import mask_phone

INK = colors.Color(0.1, 0.1, 0.1)
GREY = colors.Color(0.45, 0.45, 0.45)
RULE = colors.Color(0.25, 0.25, 0.25)
SEAL = colors.Color(0.55, 0.55, 0.55)
REPRINT = colors.Color(0.75, 0.1, 0.1)
SHADE = colors.Color(0.94, 0.94, 0.94)


def doc_kwargs(fonts: FontSet, **extra) -> dict:
    """Keyword arguments for a platypus ``DocTemplate``: embedded initial font, reproducible output."""
    out = {"initialFontName": fonts.primary.name, "invariant": 1, "pageCompression": 1}
    out.update(extra)
    return out


def canvas_kwargs(fonts: FontSet, **extra) -> dict:
    """Keyword arguments for a ``reportlab.pdfgen.canvas.Canvas``; same rules as :func:`doc_kwargs`."""
    out = {"initialFontName": fonts.primary.name, "invariant": 1, "pageCompression": 1}
    out.update(extra)
    return out


def table_font_style(fonts: FontSet, size: float = 9) -> list[tuple]:
    """``TableStyle`` commands that put plain-string cells in the embedded font."""
    return [("FONTNAME", (0, 0), (-1, -1), fonts.primary.name), ("FONTSIZE", (0, 0), (-1, -1), size)]


def paragraph_styles(fonts: FontSet, base: float = 9.5) -> dict[str, ParagraphStyle]:
    """Named styles, all on the font set's main font: ``body``, ``small``, ``tiny``, ``label``,
    ``cell``, ``centre``, ``title``, ``subtitle``, ``heading``, ``right``, ``mono``."""
    f = fonts.primary.name
    body = ParagraphStyle("body", fontName=f, fontSize=base, leading=base * 1.45, textColor=INK, wordWrap="CJK")
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=base * 0.85, leading=base * 0.85 * 1.45),
        "tiny": ParagraphStyle("tiny", parent=body, fontSize=base * 0.75, leading=base * 0.75 * 1.4, textColor=GREY),
        "label": ParagraphStyle("label", parent=body, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=body, alignment=TA_LEFT),
        "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", parent=body, fontSize=base * 2.3, leading=base * 2.9, alignment=TA_CENTER, spaceAfter=2
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=base * 1.35, leading=base * 1.8, alignment=TA_CENTER
        ),
        "heading": ParagraphStyle("heading", parent=body, fontSize=base * 1.15, leading=base * 1.6),
        "mono": ParagraphStyle("mono", parent=body, fontSize=base * 1.05),
    }


def para(fonts: FontSet, text: str, style: ParagraphStyle, *, raw: str = "") -> Paragraph:
    """A ``Paragraph`` of plain ``text`` (escaped, rare characters in their fallback font); ``raw`` is
    trusted markup appended as is."""
    return Paragraph(fonts.markup(text) + raw, style)


def spaced(text: str) -> str:
    """``受 理 回 执``: the letter-spaced look of document titles (plain spaces)."""
    return " ".join(text)


# -- QR codes -----------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def qr_modules(payload: str, level: str = "M") -> tuple[tuple[bool, ...], ...]:
    """The QR code of ``payload`` as rows of dark (True) / light modules, quiet zone not included.

    Encoding takes ~6 ms (reportlab tries all eight masks in pure Python); the result is cached, so
    the preview, the print and a reprint of one receipt encode once."""
    qr = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    qr.addData(payload)
    qr.make()
    return tuple(tuple(bool(m) for m in row) for row in qr.modules)


def draw_qr(canvas, payload: str, x: float, y: float, size: float, *, level: str = "M", border: int = 4) -> None:
    """Draw the QR code of ``payload`` as a ``size`` square (quiet zone of ``border`` modules included)
    with its lower-left corner at ``(x, y)``: one filled path, a rectangle per run of dark modules.

    Much faster than reportlab's ``QrCodeWidget`` (which encodes twice and builds a shape per run)
    and it sets no font."""
    _draw_modules(canvas, qr_modules(payload, level), x, y, size, border)


def _draw_modules(canvas, modules: tuple[tuple[bool, ...], ...], x: float, y: float, size: float, border: int) -> None:
    n = len(modules)
    box = size / (n + 2 * border)
    # In module units after the transform, so every rectangle has small integer coordinates; written as
    # raw path operators, since reportlab's float formatting of ~1000 numbers costs ~10 ms per code.
    ops: list[str] = []
    for r, row in enumerate(modules):
        bottom = n + border - 1 - r
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start + border} {bottom} {c - start} 1 re")
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.transform(box, 0, 0, box, x, y)
    canvas._code.append("\n".join(ops) + "\nf")
    canvas.restoreState()


class QrFlowable(Flowable):
    """A QR code as a platypus flowable (``size`` square, quiet zone included)."""

    def __init__(self, payload: str, size: float, *, level: str = "M", border: int = 4, h_align: str = "CENTER"):
        super().__init__()
        self.payload, self.size, self.level, self.border = payload, size, level, border
        self.width = self.height = size
        self.hAlign = h_align

    def wrap(self, avail_width, avail_height):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.payload, 0, 0, self.size, level=self.level, border=self.border)


def qr_drawing(payload: str, size: float, fonts: FontSet, *, level: str = "M", border: int = 4) -> Drawing:
    """The QR code as a reportlab graphics ``Drawing`` (for use inside other drawings; prefer
    :class:`QrFlowable` or :func:`draw_qr`, which are about ten times faster).

    ``fonts`` gives the drawing's initial font: reportlab's graphics renderer otherwise sets the
    unembedded Times-Roman, even though a QR code draws no text."""
    w = QrCodeWidget(payload, barLevel=level, barBorder=border)
    x0, y0, x1, y1 = w.getBounds()
    d = Drawing(size, size, initialFontName=fonts.primary.name)
    d.add(w)
    d.scale(size / (x1 - x0), size / (y1 - y0))
    d.width = d.height = size
    return d


# -- masked personal data -----------------------------------------------------------------------


@dataclass(frozen=True)
class MaskedPerson:
    name: str
    id_number: str  #: masked, ``110105********1239``; "" when none
    phone: str  #: masked, ``138****5678``; "" when none

    def line(self, *, id_label: str = "证件号码", phone_label: str = "电话") -> str:
        bits = [self.name]
        if self.id_number:
            bits.append(f"{id_label} {self.id_number}")
        if self.phone:
            bits.append(f"{phone_label} {self.phone}")
        return "　".join(bits)


def masked_person(person: dict | None) -> MaskedPerson:
    """Name with ID number and phone masked (domain §5). Addresses are never included."""
    p = person or {}
    return MaskedPerson(
        name=p.get("name") or "", id_number=mask_id(p.get("id_number")), phone=mask_phone(p.get("phone"))
    )


# -- flowables ----------------------------------------------------------------------------------


class CutLine(Flowable):
    """``- - - - 裁剪线 - - - -`` across the frame: a dashed rule with the word in the middle."""

    def __init__(self, fonts: FontSet, text: str = "裁剪线", *, size: float = 8, space: float = 4 * mm):
        super().__init__()
        self.fonts, self.text, self.size, self.space = fonts, text, size, space

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.space * 2 + self.size

    def draw(self):
        c = self.canv
        label = f"- - - {self.text} - - -"
        w = self.fonts.string_width(label, self.size)
        mid_y = self.space + self.size / 2
        c.saveState()
        c.setStrokeColor(GREY)
        c.setFillColor(GREY)
        c.setLineWidth(0.6)
        c.setDash(3, 2)
        gap = 3 * mm
        left = (self.width - w) / 2 - gap
        c.line(0, mid_y, max(left, 0), mid_y)
        c.line(min(self.width - left, self.width), mid_y, self.width, mid_y)
        self.fonts.draw_string(c, (self.width - w) / 2, mid_y - self.size * 0.35, label, self.size)
        c.restoreState()


def draw_seal_area(
    canvas, fonts: FontSet, cx: float, cy: float, radius: float, text: str, subtitle: str = "", hint: str = ""
) -> None:
    """The place for the seal: a thin circle, ``text`` along its upper arc, ``subtitle`` across the
    lower part, a star in the middle, ``hint`` (e.g. 盖章处) under the star — drawn in grey so the
    real red seal stamped over it stays readable."""
    c = canvas
    c.saveState()
    c.setStrokeColor(SEAL)
    c.setFillColor(SEAL)
    c.setLineWidth(1.2)
    c.circle(cx, cy, radius, stroke=1, fill=0)
    chars = [ch for ch in text if not ch.isspace()]
    if chars:
        size = min(radius * 0.30, 2 * math.pi * radius * 0.62 / max(len(chars), 1) * 0.78)
        r_text = radius - size * 0.95
        span = min(240.0, len(chars) * (size * 1.15) / (2 * math.pi * r_text) * 360)
        start = 90 + span / 2
        step = span / max(len(chars) - 1, 1) if len(chars) > 1 else 0
        for i, ch in enumerate(chars):
            angle = start - i * step if len(chars) > 1 else 90
            rad = math.radians(angle)
            c.saveState()
            c.translate(cx + r_text * math.cos(rad), cy + r_text * math.sin(rad))
            c.rotate(angle - 90)
            w = fonts.string_width(ch, size)
            fonts.draw_string(c, -w / 2, -size * 0.35, ch, size)
            c.restoreState()
    _star(c, cx, cy + radius * 0.05, radius * 0.22)
    if subtitle:
        size = min(radius * 0.2, radius * 1.3 / max(len(subtitle), 1))
        w = fonts.string_width(subtitle, size)
        fonts.draw_string(c, cx - w / 2, cy - radius * 0.52, subtitle, size)
    if hint:
        size = radius * 0.16
        w = fonts.string_width(hint, size)
        fonts.draw_string(c, cx - w / 2, cy - radius * 0.28, hint, size)
    c.restoreState()


def _star(c, cx: float, cy: float, r: float) -> None:
    p = c.beginPath()
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.4
        a = math.radians(90 + i * 36)
        x, y = cx + rr * math.cos(a), cy + rr * math.sin(a)
        if i == 0:
            p.moveTo(x, y)
        else:
            p.lineTo(x, y)
    p.close()
    c.drawPath(p, stroke=0, fill=1)


def numbered_canvas(decorate):
    """A canvas that knows the page count when it finishes: pages are kept until ``save``."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                decorate(self, self._pageNumber, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas
