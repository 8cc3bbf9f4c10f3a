"""The summary PDF (受理情况日结报表): A4, one page per section, for the centre's files.

1. 概况 — the headline figures, the reconciliation (every breakdown adds up to the same total), the
   disposal split;
2. 受理窗口与来源渠道 — tables and a bar chart;
3. 事项类别 — a bar chart and the table;
4. 问题属地与风险等级 — tables and a pie in the risk colours;
5. 承办部门 — the table;
6. 红色、橙色风险案件 — the list (names and phones masked unless the role may see them).

Every text is in the embedded font set (:mod:`reception.pdf.fonts`), charts included; the document is
built with reportlab's ``invariant`` so the same figures give the same bytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reception.export.masking import Disclosure, render_cell
from reception.export.summary import DUE_SOON_DAYS, Breakdown, Summary
from reception.export.writers import key_figures
from reception.pdf.fonts import FontSet
from reception.pdf.styles import GREY, INK, RULE, SHADE, doc_kwargs, numbered_canvas, paragraph_styles

ACCENT = colors.Color(0.18, 0.33, 0.55)
BAR = colors.Color(0.29, 0.47, 0.71)
RISK_COLOURS = {
    "red": colors.Color(0.85, 0.20, 0.17),
    "orange": colors.Color(0.94, 0.55, 0.0),
    "yellow": colors.Color(0.90, 0.76, 0.0),
    "blue": colors.Color(0.18, 0.44, 0.82),
    "": colors.Color(0.6, 0.6, 0.6),
}
RISK_TINTS = {"red": colors.Color(0.98, 0.86, 0.85), "orange": colors.Color(1.0, 0.92, 0.80)}
WIDTH = 174 * mm
ALERT_ROWS_PER_TABLE = 38


@dataclass(frozen=True)
class ReportInfo:
    centre: str
    workstation: str
    period: str  #: "2025-03-03" or "2025-03-01 至 2025-03-31"
    #: when the figures were taken (the close time of a closed day), hall time, for the footer
    data_time: str
    status_line: str  #: 已日结（…）/ 未日结 …
    disclosure: Disclosure
    group_threshold: int = 5


class _Heading(Flowable):
    """A section heading: a coloured bar on the left, the title, a rule under it."""

    def __init__(self, fonts: FontSet, text: str, size: float = 14):
        super().__init__()
        self.fonts, self.text, self.size = fonts, text, size

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.size + 4 * mm

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(ACCENT)
        c.rect(0, 2.6 * mm, 1.6 * mm, self.size + 0.5, stroke=0, fill=1)
        c.setFillColor(INK)
        self.fonts.draw_string(c, 3.5 * mm, 3.2 * mm, self.text, self.size)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(0, 1 * mm, self.width, 1 * mm)
        c.restoreState()


class _Report:
    def __init__(self, s: Summary, info: ReportInfo, fonts: FontSet):
        self.s, self.info, self.f = s, info, fonts
        self.font = fonts.primary.name
        self.st = paragraph_styles(fonts, base=9.5)
        self.st["big"] = ParagraphStyle(
            "big", parent=self.st["body"], fontSize=20, leading=24, alignment=TA_CENTER, textColor=ACCENT
        )
        self.st["tile"] = ParagraphStyle(
            "tile", parent=self.st["body"], fontSize=8.5, leading=11, alignment=TA_CENTER, textColor=GREY
        )
        self.st["cell7"] = ParagraphStyle("cell7", parent=self.st["body"], fontSize=7.5, leading=9.5)
        self.st["note"] = ParagraphStyle("note", parent=self.st["small"], textColor=GREY)

    # -- helpers --

    def p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(self.f.markup(text), self.st[style])

    def cell(self, text: str, style: str = "cell7"):
        """A plain string when the main font has every character (fast); a Paragraph otherwise."""
        runs = self.f.runs(text)
        if all(name == self.font for name, _ in runs):
            return text
        return self.p(text, style)

    def lines(self, items: list[str], width: float, size: float = 7.5):
        """A cell of several lines, each wrapped to ``width`` (cell padding included): a plain string
        with line breaks when the main font has every character — ten times faster to lay out than a
        Paragraph, which matters for a month's list of a thousand cases — else a Paragraph."""
        items = [x for x in items if x]
        text = "".join(items)
        if any(name != self.font for name, _ in self.f.runs(text)):
            return Paragraph("<br/>".join(self.f.markup(x) for x in items), self.st["cell7"])
        room = width - 12  # the table's default left and right padding
        out: list[str] = []
        for item in items:
            out += _wrap(item, self.font, size, room)
        return "\n".join(out)

    def table(self, rows, widths, *, header: bool = True, total_row: bool = False, size: float = 9, extra=()):
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
        cmds = [
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), size * 1.3),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.Color(0.8, 0.8, 0.8)),
        ]
        if header:
            cmds += [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
            ]
        if total_row:
            cmds += [("LINEABOVE", (0, -1), (-1, -1), 0.8, RULE), ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE)]
        cmds += list(extra)
        t.setStyle(TableStyle(cmds))
        return t

    def breakdown_table(self, b: Breakdown, width: float = WIDTH):
        total = self.s.total
        rows: list[list] = [[b.title.removeprefix("按"), "件数", "占比"]]
        for r in b.rows:
            rows.append([self.cell(r.label, "cell"), str(r.count), _pct(r.count, total)])
        rows.append(["合计", str(b.total), _pct(b.total, total) if total else "—"])
        w = [width - 50 * mm, 25 * mm, 25 * mm]
        return self.table(
            rows,
            w,
            total_row=True,
            extra=[("ALIGN", (1, 0), (-1, -1), "RIGHT")],
        )

    def bar_chart(self, b: Breakdown, *, width: float = WIDTH, max_bars: int = 25) -> Drawing | Paragraph:
        rows = [r for r in b.rows if r.count > 0][:max_bars]
        if not rows:
            return self.p("（无数据）", "note")
        bar_h = 5.2 * mm if len(rows) > 8 else 6.5 * mm
        label_w = 40 * mm
        height = len(rows) * bar_h + 14 * mm
        d = Drawing(width, height, initialFontName=self.font)
        ch = HorizontalBarChart()
        ch.x, ch.y = label_w, 8 * mm
        ch.width, ch.height = width - label_w - 14 * mm, len(rows) * bar_h
        ch.data = [[r.count for r in reversed(rows)]]
        ch.categoryAxis.categoryNames = [_short(r.label, 14) for r in reversed(rows)]
        ch.categoryAxis.labels.fontName = self.font
        ch.categoryAxis.labels.fontSize = 8
        ch.categoryAxis.labels.dx = -2
        ch.categoryAxis.strokeColor = RULE
        ch.categoryAxis.tickLeft = 0
        vmax = max(r.count for r in rows)
        step = _nice_step(vmax)
        ch.valueAxis.valueMin = 0
        ch.valueAxis.valueMax = step * math.ceil(vmax / step) if vmax else step
        ch.valueAxis.valueStep = step
        ch.valueAxis.labelTextFormat = "%d"
        ch.valueAxis.labels.fontName = self.font
        ch.valueAxis.labels.fontSize = 7.5
        ch.valueAxis.strokeColor = RULE
        ch.valueAxis.visibleGrid = 1
        ch.valueAxis.gridStrokeColor = colors.Color(0.88, 0.88, 0.88)
        ch.valueAxis.gridStrokeWidth = 0.4
        ch.bars[0].fillColor = BAR
        ch.bars[0].strokeColor = None
        ch.barWidth = bar_h * 0.62
        ch.groupSpacing = bar_h * 0.38
        ch.barLabelFormat = "%d"
        ch.barLabels.fontName = self.font
        ch.barLabels.fontSize = 7.5
        ch.barLabels.nudge = 8
        d.add(ch)
        return d

    def risk_pie(self, b: Breakdown, *, width: float = 80 * mm) -> Drawing | Paragraph:
        rows = [r for r in b.rows if r.count > 0]
        if not rows:
            return self.p("（无数据）", "note")
        size = 46 * mm
        d = Drawing(width, size + 8 * mm, initialFontName=self.font)
        pie = Pie()
        pie.x, pie.y = (width - size) / 2, 4 * mm
        pie.width = pie.height = size
        pie.data = [r.count for r in rows]
        pie.labels = [f"{r.label} {r.count}" for r in rows]
        pie.sideLabels = 1
        pie.simpleLabels = 1
        pie.startAngle = 90
        pie.direction = "clockwise"
        pie.slices.fontName = self.font
        pie.slices.fontSize = 8
        pie.slices.strokeColor = colors.white
        pie.slices.strokeWidth = 0.8
        for i, r in enumerate(rows):
            pie.slices[i].fillColor = RISK_COLOURS.get(r.code, RISK_COLOURS[""])
        d.add(pie)
        return d

    # -- sections --

    def overview(self) -> list:
        s, info = self.s, self.info
        out: list = [
            Spacer(1, 4 * mm),
            self.p(info.centre, "subtitle"),
            self.p("受理情况日结报表", "title"),
            self.p(info.period, "subtitle"),
            Spacer(1, 5 * mm),
        ]
        meta = [
            ["工作站", info.workstation, "个人信息", self.p(_disclosure_text(info.disclosure), "cell")],
            ["案件编号", self.p(_case_range(s), "cell"), "", ""],
            ["状态", self.p(info.status_line, "cell"), "", ""],
        ]
        out.append(
            self.table(
                meta,
                [20 * mm, 67 * mm, 20 * mm, 67 * mm],
                header=False,
                extra=[
                    ("TEXTCOLOR", (0, 0), (0, -1), GREY),
                    ("TEXTCOLOR", (2, 0), (2, 0), GREY),
                    ("SPAN", (1, 1), (3, 1)),
                    ("SPAN", (1, 2), (3, 2)),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
                ],
            )
        )
        out.append(Spacer(1, 6 * mm))
        out.append(_Heading(self.f, "一、概况"))
        out.append(Spacer(1, 2 * mm))
        tiles = key_figures(s, short=True)
        grid = []
        for i in range(0, len(tiles), 5):
            grid.append([self.p(f"{n}", "big") for _, n in tiles[i : i + 5]])
            grid.append([self.p(label, "tile") for label, _ in tiles[i : i + 5]])
        out.append(
            self.table(
                grid,
                [WIDTH / 5] * 5,
                header=False,
                extra=[
                    ("LINEBELOW", (0, 0), (-1, -1), 0, colors.white),
                    ("BOX", (0, 0), (-1, 1), 0.5, RULE),
                    ("BOX", (0, 2), (-1, 3), 0.5, RULE),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.97, 0.98, 1.0)),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                ],
            )
        )
        out.append(Spacer(1, 1.5 * mm))
        out.append(
            self.p(
                f"逾期未办、{DUE_SOON_DAYS}日内到期：截至 {s.as_of.isoformat()}，"
                "本工作站全部在办案件中有未完成法定期限的件数（按案件计）。"
                f"集体访：来访 {self.info.group_threshold} 人以上或标记群体性；"
                "重复访：标记重复访，或申请人（代表）此前在本中心登记过案件。",
                "note",
            )
        )
        out.append(Spacer(1, 5 * mm))
        out.append(
            self.table(
                [[self.p(f"核对：各项分类合计均为 {s.total} 件", "heading")]],
                [WIDTH],
                header=False,
                extra=[
                    ("BOX", (0, 0), (-1, -1), 0.8, ACCENT),
                    ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.93, 0.96, 1.0)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ],
            )
        )
        out.append(Spacer(1, 2 * mm))
        rec = [["分类", "合计件数", "与受理总数"]]
        for b in s.breakdowns:
            rec.append([b.title, str(b.total), "一致" if b.total == s.total else "不一致"])
        out.append(self.table(rec, [WIDTH - 60 * mm, 30 * mm, 30 * mm], extra=[("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
        out.append(Spacer(1, 5 * mm))
        out.append(self.breakdown_table(s.breakdown("disposal")))
        out.append(Spacer(1, 14 * mm))
        sign = [["制表人：", "", "审核（值班领导）：", "", "日期：", ""]]
        out.append(
            self.table(
                sign,
                [16 * mm, 36 * mm, 30 * mm, 36 * mm, 12 * mm, 44 * mm],
                header=False,
                extra=[
                    ("LINEBELOW", (0, 0), (-1, -1), 0, colors.white),
                    ("LINEBELOW", (1, 0), (1, 0), 0.5, RULE),
                    ("LINEBELOW", (3, 0), (3, 0), 0.5, RULE),
                    ("LINEBELOW", (5, 0), (5, 0), 0.5, RULE),
                    ("ALIGN", (0, 0), (0, 0), "RIGHT"),
                    ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                    ("ALIGN", (4, 0), (4, 0), "RIGHT"),
                ],
            )
        )
        return out

    def windows(self) -> list:
        s = self.s
        return [
            _Heading(self.f, "二、受理窗口与来源渠道"),
            Spacer(1, 3 * mm),
            self.breakdown_table(s.breakdown("window")),
            Spacer(1, 3 * mm),
            self.bar_chart(s.breakdown("window")),
            Spacer(1, 5 * mm),
            self.breakdown_table(s.breakdown("channel")),
        ]

    def categories(self) -> list:
        s = self.s
        return [
            _Heading(self.f, "三、事项类别"),
            Spacer(1, 3 * mm),
            self.bar_chart(s.breakdown("category")),
            Spacer(1, 4 * mm),
            self.breakdown_table(s.breakdown("category")),
        ]

    def places_and_risk(self) -> list:
        s = self.s
        risk = s.breakdown("risk")
        side = Table(
            [[self.breakdown_table(risk, width=92 * mm), self.risk_pie(risk)]],
            colWidths=[94 * mm, 80 * mm],
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("FONTNAME", (0, 0), (-1, -1), self.font),
                ]
            ),
        )
        return [
            _Heading(self.f, "四、问题属地与风险等级"),
            Spacer(1, 3 * mm),
            self.breakdown_table(s.breakdown("town")),
            Spacer(1, 6 * mm),
            side,
        ]

    def departments(self) -> list:
        s = self.s
        return [
            _Heading(self.f, "五、承办部门"),
            Spacer(1, 3 * mm),
            self.breakdown_table(s.breakdown("department")),
            Spacer(1, 1.5 * mm),
            self.p("承办部门为主办部门；当场化解/答复的案件不转办，单列一行。", "note"),
        ]

    def alerts(self) -> list:
        s, d = self.s, self.info.disclosure
        out: list = [_Heading(self.f, "六、红色、橙色风险案件"), Spacer(1, 3 * mm)]
        if not s.alerts:
            out.append(self.p("本期无红色、橙色风险案件。", "body"))
            return out
        listed = len(s.alerts)
        note = f"共 {s.alerts_total} 件（红色 {s.red} 件，橙色 {s.orange} 件）"
        if listed < s.alerts_total:
            note += f"，此处列出前 {listed} 件，完整名单见登记簿（按“风险等级”筛选）"
        out.append(self.p(note + "。", "small"))
        out.append(Spacer(1, 2 * mm))
        header = ["序号", "案件编号", "受理时间", "窗口 / 事项类别", "风险", "申请人", "联系电话", "承办部门"]
        widths = [7 * mm, 33 * mm, 17 * mm, 26 * mm, 20 * mm, 15 * mm, 19 * mm, 37 * mm]
        rows: list[list] = []
        tints: list[tuple] = []
        for i, a in enumerate(s.alerts, start=1):
            level = "红色" if a["risk"] == "red" else "橙色"
            risk_text = level + (f"\n{a['flags']}" if a.get("flags") else "")
            name = render_cell(a.get("name"), d) or ""
            phone = render_cell(a.get("phone"), d) or ""
            rows.append(
                [
                    str(i),
                    a["case_no"],
                    a["received_at"],
                    self.lines([a["window"], a["category"]], widths[3]),
                    self.lines(risk_text.split("\n"), widths[4]),
                    self.lines([name], widths[5]),
                    phone,
                    self.lines([a["department"]], widths[7]),
                ]
            )
            tints.append(a["risk"])
        for start in range(0, len(rows), ALERT_ROWS_PER_TABLE):
            chunk = rows[start : start + ALERT_ROWS_PER_TABLE]
            extra: list[tuple] = [("FONTSIZE", (1, 1), (1, -1), 6.8)]
            for i, level in enumerate(tints[start : start + ALERT_ROWS_PER_TABLE], start=1):
                extra.append(("BACKGROUND", (4, i), (4, i), RISK_TINTS[level]))
            # tables of a bounded size: reportlab splits one huge table in quadratic time
            out.append(self.table([header, *chunk], widths, size=7.5, extra=extra))
        return out

    def build(self) -> bytes:
        buf = io.BytesIO()
        info = self.info
        doc = BaseDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=20 * mm,
            bottomMargin=18 * mm,
            title=f"受理情况日结报表 {info.period}",
            author=info.centre,
            creator="reception-desk",
            subject=f"{info.centre} {info.workstation} {info.period}",
            **doc_kwargs(self.f),
        )
        frame = Frame(
            doc.leftMargin, doc.bottomMargin, doc.width, doc.height, leftPadding=0, rightPadding=0, topPadding=0
        )
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        story: list = []
        for i, section in enumerate(
            (self.overview, self.windows, self.categories, self.places_and_risk, self.departments, self.alerts)
        ):
            if i:
                story.append(PageBreak())
            story += section()
        doc.build(story, canvasmaker=numbered_canvas(self.decorate))
        return buf.getvalue()

    def decorate(self, c: Canvas, page: int, pages: int) -> None:
        info, f = self.info, self.f
        w, h = A4
        c.saveState()
        c.setFillColor(GREY)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        top = h - 13 * mm
        f.draw_string(c, 18 * mm, top, f"{info.centre} · 受理情况日结报表", 8)
        right = f"{info.period} · 工作站 {info.workstation}"
        f.draw_string(c, w - 18 * mm - f.string_width(right, 8), top, right, 8)
        c.line(18 * mm, top - 2 * mm, w - 18 * mm, top - 2 * mm)
        bottom = 10 * mm
        c.line(18 * mm, bottom + 4 * mm, w - 18 * mm, bottom + 4 * mm)
        f.draw_string(c, 18 * mm, bottom, info.data_time, 7.5)
        mid = f"第 {page} 页 / 共 {pages} 页"
        f.draw_string(c, (w - f.string_width(mid, 7.5)) / 2, bottom, mid, 7.5)
        tag = _disclosure_text(info.disclosure)
        f.draw_string(c, w - 18 * mm - f.string_width(tag, 7.5), bottom, tag, 7.5)
        c.restoreState()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (character by character, as Chinese wraps)."""
    if stringWidth(text, font, size) <= width:
        return [text]
    lines, line, w = [], "", 0.0
    for ch in text:
        cw = stringWidth(ch, font, size)
        if line and w + cw > width:
            lines.append(line)
            line, w = "", 0.0
        line += ch
        w += cw
    if line:
        lines.append(line)
    return lines


def _pct(n: int, total: int) -> str:
    return f"{n / total * 100:.1f}%" if total else "—"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nice_step(vmax: int, ticks: int = 6) -> int:
    """An integer axis step (1, 2, 5, 10, 20, 50, …) giving at most about ``ticks`` gridlines."""
    raw = max(vmax / ticks, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return int(m * mag)
    return int(10 * mag)  # pragma: no cover


def _case_range(s: Summary) -> str:
    if not s.first_case_no:
        return "（无）"
    if s.first_case_no == s.last_case_no:
        return s.first_case_no
    return f"{s.first_case_no} 至 {s.last_case_no}"


def _disclosure_text(d: Disclosure) -> str:
    if d.personal and d.sensitive:
        return "含完整个人信息和敏感信息 · 内部资料 注意保密"
    if d.personal:
        return "含完整个人信息 · 内部资料 注意保密"
    return "个人信息已脱敏"


def render_summary_pdf(summary: Summary, info: ReportInfo, fonts: FontSet) -> bytes:
    return _Report(summary, info, fonts).build()


__all__ = ["ReportInfo", "render_summary_pdf"]
