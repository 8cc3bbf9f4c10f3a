"""End-of-day export (日结): the register as XLSX and CSV, a PDF summary, a manifest, and closing a day.

Public API::

    export_register(ctx, *, start, end, out_dir, role="clerk", user=None, progress=None,
                    should_cancel=None) -> ExportResult
    close_day(ctx, day, *, user) -> DayCloseRecord
    closed_day(ctx, day) -> DayCloseRecord | None
    day_summary(ctx, day) -> Summary

See :mod:`reception.export.core` for what is written and how a closed day stays reproducible,
:mod:`reception.export.register` for the columns, :mod:`reception.export.summary` for the figures
and :mod:`reception.export.masking` for what each role sees.
"""

from reception.export.core import (
    DayAlreadyClosed,
    DayCloseRecord,
    ExportCancelled,
    ExportResult,
    close_day,
    closed_day,
    day_summary,
    export_register,
)
from reception.export.masking import Disclosure
from reception.export.register import COLUMNS
from reception.export.summary import Breakdown, BreakdownRow, ExportInconsistent, Summary

__all__ = [
    "COLUMNS",
    "Breakdown",
    "BreakdownRow",
    "DayAlreadyClosed",
    "DayCloseRecord",
    "Disclosure",
    "ExportCancelled",
    "ExportInconsistent",
    "ExportResult",
    "Summary",
    "close_day",
    "closed_day",
    "day_summary",
    "export_register",
]
