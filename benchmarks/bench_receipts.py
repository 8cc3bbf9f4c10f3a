"""Receipt rendering benchmark: time per page, cold and warm, and PDF sizes. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_receipts.py            # 200 warm renders per layout
    .venv/bin/python benchmarks/bench_receipts.py --n 500

Runs in temporary data/config folders with one petition case (applicant 龚䶮 and counter-party 吉𠮷,
so the fallback fonts for CJK Extension A/B are used too) and an in-memory keyring (so the QR code and
verification code are drawn, as on a Windows workstation).

- cold: the first render of the layout in the process with the font caches emptied first, so it
  includes registering the fonts with reportlab (main font and the fallbacks the case needs);
- warm: ``n`` further renders (``record=False``: no database write), p50/p99 per page; the QR matrix
  cache is emptied before each, so every render encodes its QR code as a first print does (a preview
  followed by the print encodes once: the "warm, QR cached" column);
- recorded: 50 renders with the print recorded (ReceiptPrint + AuditRecord in one transaction).

Target on the 2-core build machine: warm p99 <= 50 ms per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LAYOUTS = ("a4", "slip", "transfer")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def setup():
    tmp = Path(tempfile.mkdtemp(prefix="bench-receipts-"))
    for name in ("DATA", "CONFIG", "LOG"):
        (tmp / name.lower()).mkdir()
        os.environ[f"RECEPTION_{name}_DIR"] = str(tmp / name.lower())
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 10

        def __init__(self):
            super().__init__()
            self.store = {}

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def get_password(self, service, username):
            return self.store.get((service, username))

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    keyring.set_keyring(MemoryKeyring())
    from reception.context import open_context
    from reception.intake import register_case
    from tests.factories import base_case

    ctx = open_context("sqlite:///" + (tmp / "bench.sqlite3").as_posix())
    data = base_case(ctx.config, "petition")
    data["applicants"][0]["name"] = "龚䶮"
    data["counterparties"] = [{"kind": "person", "name": "吉𠮷"}]
    data["materials"] = [
        {"name": "工资欠条", "original": False, "pages": 1},
        {"name": "劳动合同", "original": True, "pages": 3, "returned": True},
    ]
    case_no = register_case(ctx, data).case_no
    return ctx, case_no


def clear_font_caches() -> None:
    from reception import receipts
    from reception.pdf import fonts

    fonts._sets.clear()
    fonts._registered.clear()
    fonts._failed.clear()
    receipts._template_cache.clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="warm renders per layout")
    args = ap.parse_args()
    t0 = time.perf_counter()
    from reception.pdf.styles import qr_modules
    from reception.receipts import render_receipt

    import_s = time.perf_counter() - t0
    ctx, case_no = setup()
    print(f"import reception.receipts: {import_s * 1000:.0f} ms; case {case_no}; python {sys.version.split()[0]}")
    now = datetime.now(UTC)
    print(
        f"{'layout':<9} {'pages':>5} {'size':>8}  {'cold':>9}  {'warm p50/page':>13}  {'warm p99/page':>13}  "
        f"{'warm, QR cached p50':>19}  {'recorded p50':>12}"
    )
    for layout in LAYOUTS:
        clear_font_caches()
        qr_modules.cache_clear()
        t = time.perf_counter()
        first = render_receipt(ctx, case_no, layout, now=now, record=False)
        cold = time.perf_counter() - t
        warm: list[float] = []
        for _ in range(args.n):
            qr_modules.cache_clear()
            t = time.perf_counter()
            r = render_receipt(ctx, case_no, layout, now=now, record=False)
            warm.append((time.perf_counter() - t) / r.pages)
        cached: list[float] = []
        for _ in range(max(args.n // 4, 10)):
            t = time.perf_counter()
            r = render_receipt(ctx, case_no, layout, now=now, record=False)
            cached.append((time.perf_counter() - t) / r.pages)
        recorded: list[float] = []
        for _ in range(50):
            t = time.perf_counter()
            render_receipt(ctx, case_no, layout, now=now)
            recorded.append(time.perf_counter() - t)
        print(
            f"{layout:<9} {first.pages:>5} {len(first.pdf) / 1024:>6.1f}KB  {cold * 1000:>7.1f}ms  "
            f"{pct(warm, 50) * 1000:>11.1f}ms  {pct(warm, 99) * 1000:>11.1f}ms  "
            f"{pct(cached, 50) * 1000:>17.1f}ms  {statistics.median(recorded) * 1000:>10.1f}ms"
        )
    ctx.close()


if __name__ == "__main__":
    main()
