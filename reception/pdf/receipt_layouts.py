"""The three receipt layouts drawn from a :class:`reception.receipts.ReceiptView`.

``render(view, template, fonts) -> (pdf bytes, pages)``. Everything printed is either a field of the
view (already masked) or wording of the template; the caller has checked that every character can be
drawn. Fonts are embedded (see ``reception.pdf.styles``) and the output is reproducible: the same
view gives the same bytes.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reception.pdf.fonts import FontSet
from reception.pdf.styles import (
    GREY,
    INK,
    REPRINT,
    RULE,
    SHADE,
    CutLine,
    QrFlowable,
    doc_kwargs,
    draw_seal_area,
    numbered_canvas,
    paragraph_styles,
    spaced,
    table_font_style,
)

if TYPE_CHECKING:  # pragma: no cover
    from reception.receipts import ReceiptTemplate, ReceiptView

SLIP_WIDTH = 80 * mm
SLIP_MARGIN = 4 * mm  # 72 mm printable


def render(view: ReceiptView, tmpl: ReceiptTemplate, fonts: FontSet) -> tuple[bytes, int]:
    if view.layout == "slip":
        return _slip(view, tmpl, fonts)
    builder = _A4(view, tmpl, fonts)
    story = builder.receipt() if view.layout == "a4" else builder.transfer()
    return builder.build(story)


# -- shared bits ------------------------------------------------------------------------------------


class _Seal(Flowable):
    def __init__(self, fonts: FontSet, text: str, subtitle: str, hint: str, radius: float):
        super().__init__()
        self.fonts, self.text, self.subtitle, self.hint, self.radius = fonts, text, subtitle, hint, radius

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.radius * 2 + 2

    def draw(self):
        draw_seal_area(
            self.canv, self.fonts, self.width / 2, self.radius + 1, self.radius, self.text, self.subtitle, self.hint
        )


def _page_decorator(view: ReceiptView, tmpl: ReceiptTemplate, fonts: FontSet):
    """Header (补打 mark) and footer (case number, page x of y, print time) of A4 pages."""
    reprint_label = tmpl.text("titles", "reprint")
    reprinted_at = tmpl.text("labels", "reprinted_at")
    printed_at = tmpl.text("labels", "printed_at")
    page_tmpl = tmpl.text("labels", "page")

    def decorate(c: Canvas, page: int, pages: int) -> None:
        w, h = c._pagesize
        c.saveState()
        c.setFillColor(GREY)
        size = 7.5
        y = 8 * mm
        fonts.draw_string(c, 15 * mm, y, view.case_no, size)
        label = (page_tmpl.replace("{page}", str(page)).replace("{pages}", str(pages))) if pages else ""
        if label:
            fonts.draw_string(c, (w - fonts.string_width(label, size)) / 2, y, label, size)
        when = f"{reprinted_at if view.reprint else printed_at}：{view.printed_at}"
        fonts.draw_string(c, w - 15 * mm - fonts.string_width(when, size), y, when, size)
        if view.reprint:
            c.setStrokeColor(REPRINT)
            c.setFillColor(REPRINT)
            c.setLineWidth(1.4)
            box_w, box_h = 20 * mm, 9 * mm
            x0, y0 = w - 15 * mm - box_w, h - 12 * mm - box_h
            c.roundRect(x0, y0, box_w, box_h, 1.5 * mm, stroke=1, fill=0)
            big = 15
            fonts.draw_string(
                c, x0 + (box_w - fonts.string_width(reprint_label, big)) / 2, y0 + 2.6 * mm, reprint_label, big
            )
            small = f"{reprinted_at}：{view.printed_at}"
            fonts.draw_string(c, w - 15 * mm - fonts.string_width(small, 7.5), y0 - 3.6 * mm, small, 7.5)
        c.restoreState()

    return decorate


# -- A4: receipt and transfer slip ------------------------------------------------------------------


class _A4:
    W = 180 * mm

    def __init__(self, view: ReceiptView, tmpl: ReceiptTemplate, fonts: FontSet):
        self.v, self.t, self.f = view, tmpl, fonts
        self.st = paragraph_styles(fonts, base=9)
        self.pages = 0

    # small helpers
    def p(self, text: str, style: str = "cell", raw: str = "") -> Paragraph:
        return Paragraph(self.f.markup(text) + raw, self.st[style])

    def lines(self, items, style: str = "cell") -> Paragraph:
        return Paragraph("<br/>".join(self.f.markup(x) for x in items if x is not None), self.st[style])

    def label(self, key: str) -> Paragraph | str:
        """A label cell: a plain string (drawn in the table's font, centred; much cheaper than a
        paragraph) unless it needs a fallback font."""
        text = self.t.text("labels", key)
        runs = self.f.runs(text)
        if len(runs) <= 1 and (not runs or runs[0][0] == self.f.primary.name):
            return text
        return Paragraph(self.f.markup(text), self.st["label"])

    def tt(self, section: str, key: str) -> str:
        return self.t.text(section, key)

    def grid(self, rows: list[list], widths: list[float], spans: list[int], label_cols=(0, 2)) -> Table:
        """A bordered table; ``spans`` are the row indexes whose value spans columns 1–3."""
        cmds = [
            *table_font_style(self.f, 9),
            ("GRID", (0, 0), (-1, -1), 0.6, RULE),
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("ALIGN", (2, 0), (2, -1), "CENTER"),
            ("BOX", (0, 0), (-1, -1), 1.1, INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        cmds.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
        for r in range(len(rows)):
            if r in spans:
                cmds.append(("SPAN", (1, r), (3, r)))
            else:
                for col in label_cols[1:]:
                    cmds.append(("BACKGROUND", (col, r), (col, r), SHADE))
        return Table(rows, colWidths=widths, style=TableStyle(cmds), hAlign="CENTER")

    def heading(self, title: str, copy: str) -> list[Flowable]:
        return [
            self.p(self.v.centre, "subtitle"),
            Paragraph(self.f.markup(spaced(title)), self.st["title"]),
            self.p(copy, "centre"),
            Spacer(1, 2 * mm),
        ]

    def number_line(self, left: str, right: str) -> Table:
        t = Table(
            [[self.p(left, "mono"), self.p(right, "right")]],
            colWidths=[self.W * 0.6, self.W * 0.4],
            style=TableStyle(
                [
                    *table_font_style(self.f),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            ),
        )
        return t

    def code_text(self) -> str:
        return self.v.code or self.tt("text", "query_code_unavailable")

    def applicant_lines(self) -> list[str]:
        id_label, phone_label = self.tt("labels", "id_number"), self.tt("labels", "phone")
        out = [p.line(id_label=id_label, phone_label=phone_label) for p in self.v.applicants[:3]]
        if self.v.applicant_count > 3:
            out.append(self.t.fill("text", "more_applicants", n=self.v.applicant_count) or "")
        return out

    def deadline_lines(self) -> list[str]:
        if not self.v.deadlines:
            return [self.tt("text", "no_deadline")]
        return [f"{d.label}：{d.due}" + (f"（{d.basis}）" if d.basis else "") + d.note for d in self.v.deadlines]

    def material_lines(self) -> list[str]:
        if not self.v.materials:
            return [self.tt("text", "no_materials")]
        return [f"{i}. {m}" for i, m in enumerate(self.v.materials, 1)]

    def department_cell(self) -> Paragraph:
        v = self.v
        if v.resolved:
            return self.p(self.tt("text", "resolved_on_spot"))
        head = v.department
        if v.assisting:
            head += f"　{self.tt('labels', 'assisting')}：" + "、".join(v.assisting)
        items = [head]
        if v.department_contact:
            items.append(v.department_contact)
        return self.lines(items)

    def matter_cell(self) -> Paragraph:
        items = [self.v.matter]
        if self.v.requests:
            items.append(f"{self.tt('labels', 'requests')}：" + "；".join(self.v.requests))
        return self.lines(items)

    # the visitor's receipt and its stub
    def receipt(self) -> list[Flowable]:
        v = self.v
        lw, vw = 22 * mm, 68 * mm
        widths = [lw, vw, lw, vw]
        story: list[Flowable] = self.heading(self.tt("titles", "receipt"), self.tt("titles", "visitor_copy"))
        story.append(
            self.number_line(
                f"{self.tt('labels', 'case_no')}：{v.case_no}", f"{self.tt('labels', 'query_code')}：{self.code_text()}"
            )
        )
        story.append(self.p(self.tt("text", "intro"), "body"))
        story.append(Spacer(1, 1.5 * mm))
        rows: list[list] = []
        spans: list[int] = []

        def full(key: str, cell) -> None:
            spans.append(len(rows))
            rows.append([self.label(key), cell, "", ""])

        rows.append(
            [
                self.label("received_at"),
                self.p(v.received),
                self.label("window"),
                self.p(f"{v.window}（{v.workstation}）"),
            ]
        )
        rows.append([self.label("clerk"), self.p(v.clerk), self.label("channel"), self.p(v.channel)])
        full("applicant", self.lines(self.applicant_lines()))
        if v.agent:
            full("agent", self.p(v.agent.line(id_label=self.tt("labels", "id_number"))))
        if v.group:
            full("group", self.p(v.group))
        rows.append([self.label("category"), self.p(v.category), self.label("place"), self.p(v.place)])
        full("matter", self.matter_cell())
        full("materials", self.lines(self.material_lines()))
        full("department", self.department_cell())
        full("deadlines", self.lines(self.deadline_lines()))
        full("progress", self.progress_cell(vw * 2 + lw))
        full("rights", self.p(v.rights, "small"))
        story.append(self.grid(rows, widths, spans))
        story.append(Spacer(1, 2 * mm))
        story.append(self.signature_block())
        story.append(self.p(self.tt("text", "disclaimer") + self.tt("text", "masked_note"), "tiny"))
        story.append(KeepTogether([CutLine(self.f, self.tt("titles", "cut_line")), *self.stub()]))
        return story

    def progress_cell(self, width: float) -> Flowable:
        v = self.v
        items = [self.tt("progress", "intro")] + [f"{i}. {x}" for i, x in enumerate(v.progress, 1)]
        if not v.qr:
            items.append(self.tt("text", "verification_unavailable"))
            return self.lines(items)
        qr_size = 25 * mm
        text = self.lines(items)
        qr = QrFlowable(v.qr, qr_size)
        cell = Table(
            [[text, qr]],
            colWidths=[width - qr_size - 10, qr_size + 2],
            style=TableStyle(
                [
                    *table_font_style(self.f),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
        return cell

    def signature_block(self) -> Table:
        v = self.v
        left = [
            Spacer(1, 3 * mm),
            self.p(f"{self.tt('text', 'signature_clerk')}{v.clerk}　____________", "body"),
            Spacer(1, 5 * mm),
            self.p(f"{self.tt('text', 'signature_visitor')}____________________", "body"),
            Spacer(1, 5 * mm),
            self.p(v.centre, "body"),
            self.p(v.received.split(" ")[0], "body"),
        ]
        seal = _Seal(self.f, v.seal_text, v.seal_subtitle, self.tt("text", "seal_hint"), 15 * mm)
        return Table(
            [[left, seal]],
            colWidths=[self.W - 50 * mm, 50 * mm],
            style=TableStyle(
                [*table_font_style(self.f), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2)]
            ),
        )

    def stub(self) -> list[Flowable]:
        v = self.v
        lw, vw = 22 * mm, 68 * mm
        title = f"{self.tt('titles', 'stub')}{self.tt('titles', 'stub_copy')}"
        rows: list[list] = []
        spans: list[int] = []
        rows.append([self.label("case_no"), self.p(v.case_no), self.label("query_code"), self.p(self.code_text())])
        rows.append(
            [
                self.label("received_at"),
                self.p(v.received),
                self.label("window"),
                self.p(f"{v.window}（{v.workstation}）"),
            ]
        )
        spans.append(len(rows))
        rows.append([self.label("applicant"), self.lines(self.applicant_lines()), "", ""])
        dept = self.tt("text", "resolved_on_spot") if v.resolved else v.department
        rows.append([self.label("category"), self.p(v.category), self.label("department"), self.p(dept)])
        spans.append(len(rows))
        mats = self.tt("text", "no_materials")
        if v.materials:
            listed = "；".join(v.materials)
            if len(listed) > 110:
                listed = listed[:108].rstrip("；") + "……"
            mats = (self.t.fill("text", "materials_count", n=len(v.materials)) or "") + listed
        rows.append([self.label("materials"), self.p(mats), "", ""])
        spans.append(len(rows))
        printed = f"{v.printed_at}" + (f"　{self.tt('titles', 'reprint')}" if v.reprint else "")
        rows.append([self.label("reprinted_at" if v.reprint else "printed_at"), self.p(printed), "", ""])
        table = self.grid(rows, [lw, vw, lw, vw], spans)
        sign = self.p(
            f"{self.tt('text', 'stub_signature')}____________________　　"
            f"{self.tt('labels', 'clerk')}：{v.clerk}　　{v.printed_date}",
            "body",
        )
        return [self.p(title, "heading"), Spacer(1, 1 * mm), table, Spacer(1, 2.5 * mm), sign]

    # transfer slip, one per lead transfer
    def transfer(self) -> list[Flowable]:
        story: list[Flowable] = []
        for i, tv in enumerate(self.v.transfers):
            if i:
                story.append(PageBreak())
            story += self.transfer_one(tv)
        return story

    def transfer_one(self, tv) -> list[Flowable]:
        v, t = self.v, self.t
        lw, vw = 22 * mm, 68 * mm
        story: list[Flowable] = self.heading(self.tt("titles", "transfer"), "")
        story.append(
            self.number_line(
                f"{self.tt('labels', 'transfer_no')}：{tv.number}",
                f"{self.tt('labels', 'printed_at')}：{v.printed_date}",
            )
        )
        story.append(self.p(f"{self.tt('labels', 'to')}：{tv.department}", "heading"))
        story.append(Spacer(1, 1.5 * mm))
        rows: list[list] = []
        spans: list[int] = []

        def full(key: str, cell) -> None:
            spans.append(len(rows))
            rows.append([self.label(key), cell, "", ""])

        rows.append([self.label("case_no"), self.p(v.case_no), self.label("received_at"), self.p(v.received)])
        rows.append(
            [self.label("window"), self.p(f"{v.window}（{v.workstation}）"), self.label("channel"), self.p(v.channel)]
        )
        full("applicant", self.lines(self.applicant_lines()))
        if v.agent:
            full("agent", self.p(v.agent.line(id_label=self.tt("labels", "id_number"))))
        if v.group:
            full("group", self.p(v.group))
        if v.report_officials:
            full("counterparty", self.p(self.tt("transfer", "report_officials"), "small"))
        else:
            names = "、".join(v.counterparties) if v.counterparties else self.tt("transfer", "no_counterparty")
            full("counterparty", self.p(names))
        rows.append([self.label("category"), self.p(v.category), self.label("place"), self.p(v.place)])
        full("matter", self.p(v.matter))
        if v.requests:
            full("requests", self.lines([f"{i}. {r}" for i, r in enumerate(v.requests, 1)]))
        full("materials", self.lines(self.material_lines()))
        if v.routing_basis:
            full("routing_basis", self.p(v.routing_basis, "small"))
        if tv.assisting:
            full("assisting", self.p("、".join(tv.assisting)))
        full("request", self.p(self.tt("transfer", "request")))
        full("deadlines", self.lines(self.deadline_lines()))
        rule = (
            t.fill(
                "transfer", "return_rule", return_days=t.number("transfer", "return_days", 5), return_due=tv.return_due
            )
            or ""
        )
        full("return_rule", self.p(rule))
        if v.centre_contact:
            full("contact", self.p(f"{v.centre}　{v.centre_contact}"))
        story.append(self.grid(rows, [lw, vw, lw, vw], spans))
        story.append(Spacer(1, 1.5 * mm))
        story.append(self.p(self.tt("transfer", "confidential"), "tiny"))
        sender = [
            Spacer(1, 4 * mm),
            self.p(f"{self.tt('transfer', 'sender')}{v.centre}", "body"),
            Spacer(1, 4 * mm),
            self.p(f"{self.tt('transfer', 'sender_clerk')}{v.clerk}　____________", "body"),
            Spacer(1, 4 * mm),
            self.p(v.printed_date, "body"),
        ]
        seal = _Seal(self.f, v.seal_text, v.seal_subtitle, self.tt("text", "seal_hint"), 15 * mm)
        story.append(
            Table(
                [[sender, seal]],
                colWidths=[self.W - 50 * mm, 50 * mm],
                style=TableStyle([*table_font_style(self.f), ("VALIGN", (0, 0), (-1, -1), "TOP")]),
            )
        )
        back_rows = [
            [self.p(t.fill("transfer", "back_text", centre=v.centre, case_no=v.case_no) or "", "body")],
            [self.p(self.tt("transfer", "back_accept"), "body")],
            [self.p(self.tt("transfer", "back_return"), "body")],
            [self.p(self.tt("transfer", "back_sign"), "body")],
        ]
        back = Table(
            back_rows,
            colWidths=[self.W],
            style=TableStyle(
                [
                    *table_font_style(self.f),
                    ("BOX", (0, 0), (-1, -1), 1.1, INK),
                    ("TOPPADDING", (0, 0), (-1, -1), 4.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ]
            ),
        )
        title = f"{self.tt('titles', 'transfer_back')}{self.tt('titles', 'transfer_back_copy')}"
        story.append(
            KeepTogether(
                [
                    CutLine(self.f, self.tt("titles", "cut_line")),
                    self.p(title, "heading"),
                    self.p(
                        f"{self.tt('labels', 'transfer_no')}：{tv.number}　{self.tt('labels', 'case_no')}：{v.case_no}",
                        "small",
                    ),
                    Spacer(1, 1.5 * mm),
                    back,
                ]
            )
        )
        return story

    def build(self, story: list[Flowable]) -> tuple[bytes, int]:
        buf = io.BytesIO()
        decorate = _page_decorator(self.v, self.t, self.f)
        top = 12 * mm
        doc = BaseDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=top,
            bottomMargin=13 * mm,
            title=f"{self.t.text('titles', 'transfer' if self.v.layout == 'transfer' else 'receipt')} {self.v.case_no}",
            author=self.v.centre,
            creator="reception-desk",
            subject=self.v.case_no,
            **doc_kwargs(self.f),
        )
        frame = Frame(
            doc.leftMargin,
            doc.bottomMargin,
            doc.width,
            doc.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        doc.build(story, canvasmaker=numbered_canvas(decorate))
        return buf.getvalue(), doc.page


# -- 80 mm slip -------------------------------------------------------------------------------------


def _slip(view: ReceiptView, tmpl: ReceiptTemplate, fonts: FontSet) -> tuple[bytes, int]:
    width = SLIP_WIDTH - 2 * SLIP_MARGIN
    st = paragraph_styles(fonts, base=8.5)
    v = view

    def p(text: str, style: str = "body") -> Paragraph:
        return Paragraph(fonts.markup(text), st[style])

    def kv(key: str, value: str) -> Paragraph:
        return p(f"{tmpl.text('labels', key)}：{value}")

    def rule() -> HRFlowable:
        return HRFlowable(width="100%", thickness=0.6, color=INK, dash=(2, 1.5), spaceBefore=3, spaceAfter=3)

    story: list[Flowable] = [
        p(v.centre, "centre"),
        Paragraph(fonts.markup(spaced(tmpl.text("titles", "slip"))), st["subtitle"]),
    ]
    if v.reprint:
        story.append(
            p(f"【{tmpl.text('titles', 'reprint')}】{tmpl.text('labels', 'reprinted_at')}：{v.printed_at}", "centre")
        )
    story.append(rule())
    story.append(kv("case_no", v.case_no))
    story.append(kv("query_code", v.code or tmpl.text("text", "query_code_unavailable")))
    story.append(kv("received_at", v.received))
    story.append(kv("window", f"{v.window}（{v.workstation}）"))
    story.append(kv("clerk", v.clerk))
    for person in v.applicants[:2]:
        story.append(kv("applicant", person.name))
        if person.id_number:
            story.append(kv("id_number", person.id_number))
        if person.phone:
            story.append(kv("phone", person.phone))
    if v.applicant_count > 2:
        story.append(p(tmpl.fill("text", "more_applicants", n=v.applicant_count) or ""))
    if v.category:
        story.append(kv("category", v.category))
    if v.materials:
        story.append(kv("materials", "；".join(v.materials)))
    story.append(rule())
    if v.resolved:
        story.append(kv("department", tmpl.text("text", "resolved_on_spot")))
    else:
        story.append(kv("department", v.department))
        if v.department_contact:
            story.append(p(v.department_contact, "small"))
    story.append(p(f"{tmpl.text('labels', 'deadlines')}：", "body"))
    if v.deadlines:
        for d in v.deadlines:
            story.append(p(f"· {d.label}：{d.due}{d.note}", "small"))
    else:
        story.append(p(tmpl.text("text", "no_deadline"), "small"))
    story.append(rule())
    if v.qr:
        story.append(QrFlowable(v.qr, 30 * mm))
        story.append(p(tmpl.text("progress", "qr"), "tiny"))
    else:
        story.append(p(tmpl.text("text", "verification_unavailable"), "small"))
    for key in ("phone", "counter"):
        line = tmpl.fill("progress", key, phone=v.centre_phone)
        if line:
            story.append(p(line, "tiny"))
    story.append(Spacer(1, 1.5 * mm))
    story.append(p(f"{tmpl.text('labels', 'rights')}：{v.rights_short}", "small"))
    story.append(Spacer(1, 2 * mm))
    story.append(p(f"{tmpl.text('labels', 'printed_at')}：{v.printed_at}", "tiny"))

    height = 0.0
    for fl in story:
        _w, h = fl.wrap(width, 10_000)
        height += h + fl.getSpaceBefore() + fl.getSpaceAfter()
    page_h = height + 2 * SLIP_MARGIN + 3 * mm  # a little slack for rounding
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=(SLIP_WIDTH, page_h),
        leftMargin=SLIP_MARGIN,
        rightMargin=SLIP_MARGIN,
        topMargin=SLIP_MARGIN,
        bottomMargin=SLIP_MARGIN,
        title=f"{tmpl.text('titles', 'slip')} {v.case_no}",
        author=v.centre,
        creator="reception-desk",
        subject=v.case_no,
        **doc_kwargs(fonts),
    )
    frame = Frame(
        SLIP_MARGIN,
        SLIP_MARGIN,
        width,
        page_h - 2 * SLIP_MARGIN,
        id="slip",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="slip", frames=[frame])])
    doc.build(story)
    return buf.getvalue(), doc.page
