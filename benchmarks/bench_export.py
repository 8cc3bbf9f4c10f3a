"""End-of-day export benchmark: export time and peak memory for a month and a year. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_export.py                    # 5,000 cases (a month) and 50,000 (a year)
    .venv/bin/python benchmarks/bench_export.py --cases 5000       # one size
    .venv/bin/python benchmarks/bench_export.py --tracemalloc      # also the Python heap peak (slower run)

The database (cached in the temp folder) is filled through a bulk path: a pool of 1,500 demo cases
validated, routed and given deadlines by the real intake code (``reception.intake.prepare``), then
copied row by row with fresh names, ID numbers and phones onto the days of the range, with their
parties, deadlines (shifted with the received date) and transfers, 5,000 rows per transaction. The
intake path itself would take ~10 minutes for 50,000 cases.

Each export runs in a fresh child process (``--run``) so that its peak resident set size
(``ru_maxrss``) is the export's own; the baseline is the same process after imports and the font
registration. Target on the 2-core build machine: 5,000 cases in at most 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from reception.context import open_context
from reception.demo import _Gen, generate_cases
from reception.idcard import synthesize_resident_id
from reception.intake import _parties, prepare, routing_dict
from reception.numbering import format_case_no
from reception.storage.models import Case, CaseDeadline, Party, Transfer

#: cases -> (first day, last day)
RANGES = {5000: (date(2025, 3, 1), date(2025, 3, 31)), 50000: (date(2025, 1, 1), date(2025, 12, 31))}


def span_for(n: int) -> tuple[date, date]:
    if n in RANGES:
        return RANGES[n]
    return (date(2025, 3, 1), date(2025, 3, 31)) if n <= 10_000 else (date(2025, 1, 1), date(2025, 12, 31))


def _rss_mb() -> float:
    # Linux reports kilobytes, macOS bytes
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def bulk_fill(ctx, n: int, start: date, end: date, seed: int = 11) -> None:
    cfg = ctx.config
    rng = random.Random(seed)
    gen = _Gen(cfg, rng)
    pool = []
    for doc in generate_cases(cfg, 1500, seed=seed, end=date(2025, 6, 30), days=200):
        p = prepare(ctx, doc, now=datetime(2025, 7, 1, tzinfo=UTC))
        pool.append(p)
    ws = cfg.workstation.code
    days = (end - start).days + 1
    serial = 0
    cases, parties, deadlines, transfers = [], [], [], []
    t0 = time.perf_counter()
    for i in range(n):
        p = rng.choice(pool)
        doc = json.loads(json.dumps(p.case.document, ensure_ascii=False))
        day = start + timedelta(days=i * days // n)
        shift = day - p.case.received_date
        received = gen.received_at(day)
        doc["received_at"] = received.isoformat()
        a = doc["applicants"][0]
        birth = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
        a["name"] = gen.name()
        a["id_number"] = synthesize_resident_id(rng.choice(("150304", "150302", "640104")), birth, rng.randrange(1000))
        a["birth_date"] = birth.isoformat()
        a["phone"] = gen.mobile()
        serial += 1
        case_id = i + 1
        resolved = bool(doc.get("disposal", {}).get("resolved_on_spot"))
        decision = p.decision
        department = None if resolved or decision is None else decision.department
        cases.append(
            {
                "id": case_id,
                "case_no": format_case_no(cfg.centre.case_no_prefix, cfg.centre.code, ws, day.year, serial),
                "centre_code": cfg.centre.code,
                "workstation": ws,
                "year": day.year,
                "serial": serial,
                "schema_version": "1.0",
                "window": doc["window"],
                "channel": doc["channel"],
                "received_utc": received,
                "received_date": day,
                "clerk": doc.get("clerk"),
                "status": "resolved" if resolved else "routed",
                "category": doc.get("category"),
                "subcategory": doc.get("subcategory"),
                "town": doc["place"].get("town"),
                "community": doc["place"].get("community"),
                "grid": doc["place"].get("grid"),
                "risk_level": doc["risk"].get("level"),
                "department": department,
                "level": None if decision is None else decision.level,
                "resolved_on_spot": resolved,
                "headcount": (doc.get("group") or {}).get("headcount") or len(doc["applicants"]),
                "amount": doc.get("amount"),
                "applicant_name": a["name"],
                "document": doc,
                "routing": routing_dict(decision),
                "created_at": received,
                "updated_at": received,
                "version": 1,
            }
        )
        parties += [{"case_id": case_id, **x} for x in _parties(doc)]
        for d in p.deadlines:
            deadlines.append(
                {
                    "case_id": case_id,
                    "kind": d.kind,
                    "label_zh": d.label_zh,
                    "label_en": d.label_en,
                    "start": d.start + shift,
                    "due": d.due + shift,
                    "rolled_from": d.rolled_from + shift if d.rolled_from else None,
                    "calendar_missing": d.calendar_missing,
                    "unit": d.unit,
                    "basis": d.basis,
                    "status": "open",
                }
            )
        if department:
            for role, dept in [("lead", department), *(("assist", x) for x in decision.also)]:
                transfers.append(
                    {
                        "id": str(uuid.UUID(int=rng.getrandbits(128))),
                        "case_id": case_id,
                        "department": dept,
                        "role": role,
                        "level": decision.level if role == "lead" else None,
                        "node": decision.node if role == "lead" else None,
                        "rule_id": decision.rule_id,
                        "status": "requested",
                        "created_at": received,
                        "updated_at": received,
                    }
                )
        if len(cases) >= 5000 or i == n - 1:
            with ctx.db.write() as s:
                s.execute(insert(Case), cases)
                s.execute(insert(Party), parties)
                if deadlines:
                    s.execute(insert(CaseDeadline), deadlines)
                if transfers:
                    s.execute(insert(Transfer), transfers)
            cases, parties, deadlines, transfers = [], [], [], []
            rate = (i + 1) / (time.perf_counter() - t0)
            print(f"\r  filled {i + 1:,}/{n:,} ({rate:,.0f} cases/s)", end="", file=sys.stderr, flush=True)
    with ctx.db.write() as s:
        s.execute(
            text("INSERT INTO case_serials(workstation, year, last) VALUES (:w, :y, :l)"),
            {"w": ws, "y": start.year, "l": serial},
        )
    print(file=sys.stderr)


def run_export(db: str, start: date, end: date, use_tracemalloc: bool) -> dict:
    """In the child process: one export, timed, with its memory figures."""
    from reception.export import export_register
    from reception.pdf.fonts import font_set

    ctx = open_context("sqlite:///" + db)
    font_set(ctx.config)  # registered once per process, as on the desk
    baseline = _rss_mb()
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    out = Path(tempfile.mkdtemp(prefix="bench-export-"))
    calls = []
    t = time.perf_counter()
    result = export_register(
        ctx, start=start, end=end, out_dir=out, progress=lambda d, n: calls.append(d), user="bench"
    )
    seconds = time.perf_counter() - t
    heap = None
    if use_tracemalloc:
        heap = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    figures = {
        "cases": result.counts["total"],
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_mb": _rss_mb(),
        "heap_peak_mb": heap,
        "progress_calls": len(calls),
        "sizes_mb": {k: p.stat().st_size / 1e6 for k, p in result.files.items()},
    }
    ctx.close()
    for p in out.iterdir():
        p.unlink()
    out.rmdir()
    return figures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, action="append", help="database size (repeatable; default 5000 and 50000)")
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "reception-bench"))
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap peak (slower)")
    ap.add_argument("--run", nargs=3, metavar=("DB", "START", "END"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.run:
        db, start, end = args.run
        figures = run_export(db, date.fromisoformat(start), date.fromisoformat(end), args.tracemalloc)
        print(json.dumps(figures))
        return 0

    # the data, config and log folders of a throwaway hall
    work = Path(tempfile.mkdtemp(prefix="reception-bench-home-"))
    for name in ("DATA", "CONFIG", "LOG"):
        os.environ[f"RECEPTION_{name}_DIR"] = str(work / name.lower())
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    for n in args.cases or [5000, 50000]:
        start, end = span_for(n)
        path = folder / f"bench-export-{n}.sqlite3"
        if args.rebuild and path.exists():
            for p in folder.glob(path.name + "*"):
                p.unlink()
        if not path.exists():
            print(f"building {n:,} cases from {start} to {end} in {path} ...", file=sys.stderr)
            t = time.perf_counter()
            ctx = open_context("sqlite:///" + path.as_posix())
            try:
                bulk_fill(ctx, n, start, end)
            finally:
                ctx.close()
            print(f"  built in {time.perf_counter() - t:,.0f} s", file=sys.stderr)
        runs = [False, True] if args.tracemalloc else [False]
        for traced in runs:
            cmd = [sys.executable, __file__, "--run", str(path), start.isoformat(), end.isoformat()]
            if traced:
                cmd.append("--tracemalloc")
            proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ, check=True)
            f = json.loads(proc.stdout.strip().splitlines()[-1])
            sizes = ", ".join(f"{k} {v:,.1f} MB" for k, v in f["sizes_mb"].items())
            if traced:
                print(f"{n:>7,} cases  Python heap peak {f['heap_peak_mb']:,.1f} MB (tracemalloc run, slower)")
            else:
                print(
                    f"{n:>7,} cases {start}..{end}: export {f['seconds']:6.2f} s "
                    f"({f['cases'] / f['seconds']:,.0f} cases/s); peak RSS {f['peak_mb']:,.0f} MB "
                    f"(baseline {f['baseline_mb']:,.0f} MB after imports and fonts); "
                    f"{f['progress_calls']} progress calls; {sizes}"
                )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
