"""Writing the register as XLSX and CSV, row by row, with bounded memory.

XLSX: XlsxWriter in ``constant_memory`` mode (each row goes to a temporary file as soon as the next
one starts), Chinese headers, set column widths, the header row and the first two columns frozen,
an autofilter over the whole table; then a 汇总 sheet with the figures and a 说明 sheet with what the
file is. The workbook's creation time is the export time given (for a closed day, the time it was
closed) and XlsxWriter stamps every zip entry with a fixed date, so the same content gives the
same bytes.

CSV: UTF-8 with a byte-order mark (Excel on Windows then reads it as UTF-8), comma-separated,
CRLF line ends, the same header and rows as the XLSX's first sheet. A text cell that begins with
``= + - @`` or a tab gets a leading ``'`` so that a spreadsheet never runs it as a formula (CSV
injection); the XLSX stores text as text and needs no such guard.
"""

from __future__ import annotations

import contextlib
import csv
import re
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from reception.export.register import COLUMN_BY_KEY, SEQ_HEADER, Column
from reception.export.summary import DUE_SOON_DAYS, Summary

REGISTER_SHEET = "登记簿"
SUMMARY_SHEET = "汇总"
INFO_SHEET = "说明"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile("[&<>_\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def _escape(text: str) -> str:
    """XlsxWriter's escaping of an inline string: ``_xHHHH_`` for control characters (and such
    literal sequences escaped themselves), then XML's ``& < >``."""
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def csv_safe(value) -> str:
    """The CSV text of a rendered cell."""
    if value is None:
        return ""
    if isinstance(value, bool):  # pragma: no cover - the register has no booleans
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def column_for(key: str) -> Column:
    return COLUMN_BY_KEY.get(key) or Column(key, key, 16)


class RegisterWriter:
    """Writes the XLSX and the CSV side by side; :meth:`row` takes the rendered cells of one case."""

    def __init__(
        self,
        xlsx_path: Path,
        csv_path: Path,
        keys: list[str],
        headers: list[str],
        *,
        tmpdir: Path,
        created: datetime,
        title: str,
        author: str,
        fast: bool = True,
    ):
        self.keys = keys
        self.kinds = [column_for(k).kind for k in keys]
        self.rows = 0
        created_utc = created.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        self.wb = xlsxwriter.Workbook(
            str(xlsx_path),
            {
                "constant_memory": True,
                "tmpdir": str(tmpdir),
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.wb.set_properties(
            {
                "title": title,
                "subject": title,
                "author": author,
                "company": author,
                "created": created_utc,
                "comments": "一站式受理台导出",
            }
        )
        f = self.wb.add_format
        self.fmt_header = f(
            {
                "bold": True,
                "bg_color": "#DCE6F1",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
            }
        )
        self.fmt_money = f({"num_format": "#,##0.00"})
        self.fmt_int = f({"num_format": "0"})
        self.fmt_title = f({"bold": True, "font_size": 14})
        self.fmt_bold = f({"bold": True})
        self.fmt_pct = f({"num_format": "0.0%"})
        self.ws = self.wb.add_worksheet(REGISTER_SHEET)
        ws = self.ws
        ws.set_column(0, 0, 6)
        for i, k in enumerate(keys, start=1):
            ws.set_column(i, i, column_for(k).width)
        ws.set_row(0, 30)
        ws.write_string(0, 0, SEQ_HEADER, self.fmt_header)
        for i, h in enumerate(headers, start=1):
            ws.write_string(0, i, h, self.fmt_header)
        ws.freeze_panes(1, 2)
        self.fast = fast and self.fast_rows_supported(ws)
        self._styles: dict[str, str] = {}
        self._letters = [xl_col_to_name(i) for i in range(len(keys) + 1)]
        self._csv_file = open(csv_path, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed in close()
        self.csv = csv.writer(self._csv_file)
        self.csv.writerow([SEQ_HEADER, *headers])

    def row(self, cells: list) -> None:
        self.rows += 1
        r = self.rows
        if self.fast:
            self._fast_row(r, cells)
        else:
            ws = self.ws
            ws.write_number(r, 0, r)
            for c, (value, kind) in enumerate(zip(cells, self.kinds, strict=True), start=1):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value, self.fmt_money if kind == "money" else self.fmt_int)
        self.csv.writerow([r, *map(csv_safe, cells)])

    # The register sheet's rows, written as XlsxWriter itself writes them in constant-memory mode
    # (``Worksheet._write_single_row``/``_write_cell``: the same XML, byte for byte — a test checks it),
    # one string per row instead of a dozen calls per cell: the export of a busy month takes half the
    # time. It uses XlsxWriter internals (pinned < 4); without them the public per-cell calls are used.

    @staticmethod
    def fast_rows_supported(ws) -> bool:
        return bool(
            getattr(ws, "constant_memory", False)
            and getattr(ws, "row_data_fh", None) is not None
            and callable(getattr(ws, "_write_single_row", None))
            and callable(getattr(ws, "_check_dimensions", None))
        )

    def _number_style(self, kind: str) -> str:
        attr = self._styles.get(kind)
        if attr is None:
            fmt = self.fmt_money if kind == "money" else self.fmt_int
            attr = self._styles[kind] = f' s="{fmt._get_xf_index()}"'
        return attr

    def _fast_row(self, r: int, cells: list) -> None:
        ws = self.ws
        ws._check_dimensions(r, 0)
        if r > ws.previous_row:
            ws._write_single_row(r)  # flushes the header row (and resets XlsxWriter's row table)
        n = str(r + 1)
        parts = [f'<row r="{n}"><c r="A{n}"><v>{r}</v></c>']
        letters = self._letters
        for c, (value, kind) in enumerate(zip(cells, self.kinds, strict=True), start=1):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                if _NEEDS_ESCAPE.search(value):
                    value = _escape(value)
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                parts.append(f'<c r="{letters[c]}{n}" t="inlineStr"><is><t{space}>{value}</t></is></c>')
            else:
                parts.append(f'<c r="{letters[c]}{n}"{self._number_style(kind)}><v>{value:.16G}</v></c>')
        parts.append("</row>")
        ws.fh.write("".join(parts))

    def close(self, summary: Summary, info: list[tuple[str, str]]) -> None:
        self.ws.autofilter(0, 0, max(self.rows, 1), len(self.keys))
        self._summary_sheet(summary)
        self._info_sheet(info)
        self.wb.close()
        self._csv_file.close()

    def abort(self) -> None:
        """Close the files without finishing them (the caller removes them)."""
        try:
            self._csv_file.close()
        finally:
            with contextlib.suppress(Exception):  # best effort on the way out
                self.wb.close()

    def _summary_sheet(self, s: Summary) -> None:
        ws = self.wb.add_worksheet(SUMMARY_SHEET)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 2, 12)
        ws.write_string(0, 0, "受理情况汇总", self.fmt_title)
        r = 2
        for label, value in key_figures(s):
            ws.write_string(r, 0, label)
            ws.write_number(r, 1, value, self.fmt_int)
            r += 1
        ws.write_string(r, 0, f"各项分类合计均为 {s.total} 件", self.fmt_bold)
        r += 2
        for b in s.breakdowns:
            ws.write_string(r, 0, b.title, self.fmt_header)
            ws.write_string(r, 1, "件数", self.fmt_header)
            ws.write_string(r, 2, "占比", self.fmt_header)
            r += 1
            for row in b.rows:
                ws.write_string(r, 0, row.label)
                ws.write_number(r, 1, row.count, self.fmt_int)
                if s.total:
                    ws.write_number(r, 2, row.count / s.total, self.fmt_pct)
                r += 1
            ws.write_string(r, 0, "合计", self.fmt_bold)
            ws.write_number(r, 1, b.total, self.fmt_int)
            r += 2

    def _info_sheet(self, info: list[tuple[str, str]]) -> None:
        ws = self.wb.add_worksheet(INFO_SHEET)
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, 70)
        for r, (k, v) in enumerate(info):
            ws.write_string(r, 0, k, self.fmt_bold)
            ws.write_string(r, 1, v)


def key_figures(s: Summary, *, short: bool = False) -> list[tuple[str, int]]:
    """The headline figures, in the order the summary prints them (``short``: tile labels)."""
    scope = "" if short else f"（截至 {s.as_of.isoformat()}，全部在办案件）"
    return [
        ("受理案件", s.total),
        ("来访人次", s.person_visits),
        ("当场化解/答复", s.resolved_on_spot),
        ("分流转办", s.routed),
        ("集体访", s.group_visits),
        ("重复访", s.repeat_visits),
        ("红色风险", s.red),
        ("橙色风险", s.orange),
        (f"逾期未办{scope}", s.overdue),
        (f"{DUE_SOON_DAYS}日内到期{scope}", s.due_soon),
    ]
