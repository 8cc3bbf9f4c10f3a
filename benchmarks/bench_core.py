"""Core benchmark: save, lookup and search latency with a large database. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_core.py                 # 1,000,000 cases (built once, cached)
    .venv/bin/python benchmarks/bench_core.py --cases 100000  # smaller run

The database is filled through a bulk path (the same tables and the same tokeniser as intake, in
batches of 10,000 rows, from a pool of demo cases varied per row with fresh names, ID numbers and
phones). Then the real core functions are timed: ``register_case`` (save), ``search`` by ID number
and by case number (lookup), and ``search`` by words of the facts (free text).
Targets on the 2-core build machine: save p99 <= 20 ms, lookup p99 <= 5 ms, search p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from reception.context import open_context
from reception.demo import _Gen, generate_cases
from reception.idcard import synthesize_resident_id
from reception.intake import _parties, register_case
from reception.numbering import format_case_no
from reception.record import normalize_case
from reception.search_index import document_grams
from reception.storage.maintenance import tidy
from reception.storage.models import Case, Party

WORDS = ("工资", "拖欠工资", "物业", "电梯", "宅基地", "借款", "噪音", "赔偿", "补偿", "判决", "家庭暴力", "低保")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def fmt(name: str, samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"{name:<28} n={len(ms):<5} p50={pct(ms, 50):7.2f} ms  p99={pct(ms, 99):7.2f} ms  max={max(ms):7.2f} ms"


def bulk_fill(ctx, n: int, seed: int = 7) -> None:
    """Fill the database with ``n`` cases quickly (same tables and tokeniser as intake)."""
    rng = random.Random(seed)
    cfg = ctx.config
    today = datetime.now(UTC).date()
    pool = []
    for d in generate_cases(cfg, 2000, seed=seed, end=today, days=200):
        pool.append(normalize_case(d, cfg).document)
    gen = _Gen(cfg, rng)
    ws = "BK"  # a workstation code of its own, so bulk rows never collide with timed saves
    per_year: dict[int, int] = {}
    batch_cases, batch_parties, batch_fts = [], [], []
    t0 = time.perf_counter()
    next_id = 1
    start_day = today - timedelta(days=3 * 365)
    for i in range(n):
        doc = json.loads(json.dumps(rng.choice(pool), ensure_ascii=False))
        day = start_day + timedelta(days=int(i * (3 * 365) / n))
        received = gen.received_at(day)
        doc["received_at"] = received.isoformat()
        a = doc["applicants"][0]
        birth = date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28))
        a["name"] = gen.name()
        a["id_number"] = synthesize_resident_id(rng.choice(("150304", "150302", "640104")), birth, rng.randrange(1000))
        a["birth_date"] = birth.isoformat()
        a["phone"] = gen.mobile()
        year = day.year
        serial = per_year[year] = per_year.get(year, 0) + 1
        case_id = next_id
        next_id += 1
        batch_cases.append(
            {
                "id": case_id,
                "case_no": format_case_no(cfg.centre.case_no_prefix, cfg.centre.code, ws, year, serial),
                "centre_code": cfg.centre.code,
                "workstation": ws,
                "year": year,
                "serial": serial,
                "schema_version": "1.0",
                "window": doc["window"],
                "channel": doc["channel"],
                "received_utc": received,
                "received_date": day,
                "clerk": doc.get("clerk"),
                "status": "routed",
                "category": doc.get("category"),
                "subcategory": doc.get("subcategory"),
                "town": doc["place"].get("town"),
                "community": doc["place"].get("community"),
                "grid": doc["place"].get("grid"),
                "risk_level": doc["risk"].get("level"),
                "department": None,
                "level": None,
                "resolved_on_spot": False,
                "headcount": 1,
                "amount": doc.get("amount"),
                "applicant_name": a["name"],
                "document": doc,
                "routing": None,
                "created_at": received,
                "updated_at": received,
                "version": 1,
            }
        )
        for p in _parties(doc):
            batch_parties.append({"case_id": case_id, **p})
        batch_fts.append({"id": case_id, "g": document_grams(doc)})
        if len(batch_cases) >= 10_000 or i == n - 1:
            with ctx.db.write() as s:
                s.execute(insert(Case), batch_cases)
                s.execute(insert(Party), batch_parties)
                s.execute(text("INSERT INTO case_fts(rowid, grams) VALUES (:id, :g)"), batch_fts)
            batch_cases, batch_parties, batch_fts = [], [], []
            done = i + 1
            rate = done / (time.perf_counter() - t0)
            print(f"\r  filled {done:,}/{n:,} ({rate:,.0f} cases/s)", end="", file=sys.stderr, flush=True)
    with ctx.db.write() as s:
        for year, last in per_year.items():
            s.execute(
                text("INSERT INTO case_serials(workstation, year, last) VALUES (:w, :y, :l)"),
                {"w": ws, "y": year, "l": last},
            )
    print(file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--samples", type=int, default=300)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "reception-bench"))
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-{args.cases}.sqlite3"
    if args.rebuild and path.exists():
        for p in folder.glob(path.name + "*"):
            p.unlink()
    url = "sqlite:///" + path.as_posix()
    fresh = not path.exists()
    ctx = open_context(url)
    try:
        if fresh:
            print(f"building {args.cases:,} cases in {path} ...", file=sys.stderr)
            t = time.perf_counter()
            bulk_fill(ctx, args.cases)
            print(f"  built in {time.perf_counter() - t:,.0f} s", file=sys.stderr)
        t = time.perf_counter()
        tidy(ctx.db, merge_pages=100_000)
        print(f"  index merged in {time.perf_counter() - t:,.1f} s", file=sys.stderr)
        with ctx.db.read() as s:
            total = s.execute(text("SELECT count(*) FROM cases")).scalar()
            sample = s.execute(
                text(
                    "SELECT c.case_no, p.id_number, p.phone FROM cases c JOIN parties p ON p.case_id = c.id "
                    "WHERE p.role = 'applicant' AND c.id IN (SELECT abs(random()) % :n + 1 FROM cases LIMIT :k)"
                ),
                {"n": total, "k": args.samples * 3},
            ).all()
        size_mb = sum(p.stat().st_size for p in folder.glob(path.name + "*")) / 1e6
        print(f"database: {total:,} cases, {size_mb:,.0f} MB on disk (SQLite, WAL, synchronous=FULL)")

        from reception.queries import search

        rng = random.Random(1)
        pool = generate_cases(ctx.config, 50, seed=99)
        save = []
        for i in range(args.samples):
            doc = pool[i % len(pool)]
            t = time.perf_counter()
            register_case(ctx, doc)
            save.append(time.perf_counter() - t)
        print(fmt("save (register_case)", save))
        t = time.perf_counter()
        tidy(ctx.db)
        print(f"{'tidy after the saves (idle)':<28} {1000 * (time.perf_counter() - t):.1f} ms")

        by_id, by_no, by_phone = [], [], []
        for case_no, id_number, phone in sample[: args.samples]:
            t = time.perf_counter()
            r = search(ctx, id_number)
            by_id.append(time.perf_counter() - t)
            assert r, id_number
            t = time.perf_counter()
            r = search(ctx, case_no)
            by_no.append(time.perf_counter() - t)
            assert r and r[0].case_no == case_no
            t = time.perf_counter()
            search(ctx, phone)
            by_phone.append(time.perf_counter() - t)
        print(fmt("lookup by ID number", by_id))
        print(fmt("lookup by case number", by_no))
        print(fmt("lookup by phone", by_phone))

        free = []
        hits = []
        for i in range(args.samples):
            q = WORDS[i % len(WORDS)] if i % 3 else rng.choice(WORDS) + " " + rng.choice(WORDS)
            t = time.perf_counter()
            r = search(ctx, q, limit=200)
            free.append(time.perf_counter() - t)
            hits.append(len(r))
        print(fmt("free-text search (200 rows)", free) + f"  mean hits={statistics.mean(hits):.0f}")
    finally:
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
