"""Backup benchmark: time and size of a backup, of checking it and of restoring it, for a large database.
Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_backup.py                    # 100,000 cases (built once, cached)
    .venv/bin/python benchmarks/bench_backup.py --cases 20000      # smaller
    .venv/bin/python benchmarks/bench_backup.py --writer           # also: a backup while another process writes

The database is filled with bench_core.py's bulk path (same tables and tokeniser as intake) once and kept
(``bench-backup-<cases>.sqlite3`` in the benchmark folder). Then, with the real functions of ``reception.backup``:
``backup`` (online backup API in steps, integrity check of the copy, fsync, SHA-256, manifest),
``check_backup`` (what ``reception restore`` checks before asking), ``restore`` onto a new file (no safety
copy) and onto an existing one (safety copy first). With ``--writer``, a second process registers cases
in a loop during a backup: the time, and how often the stepped copy had to begin again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import bulk_fill

from reception import backup as bk
from reception.context import open_context
from reception.storage.maintenance import tidy

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reception.context import open_context
    from reception.demo import generate_cases
    from reception.intake import register_case
    ctx = open_context(sys.argv[1])
    stop = Path(sys.argv[2])
    docs = generate_cases(ctx.config, 50, seed=5)
    n = 0
    print("writing", flush=True)
    while not stop.exists():
        register_case(ctx, docs[n % len(docs)])
        n += 1
    ctx.close()
    print(n, flush=True)
    """
)


def mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def timed(fn):
    t = time.perf_counter()
    result = fn()
    s = time.perf_counter() - t
    return result, s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "reception-bench"))
    ap.add_argument("--writer", action="store_true", help="also back up while another process writes cases")
    args = ap.parse_args()

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-backup-{args.cases}.sqlite3"
    url = "sqlite:///" + path.as_posix()
    fresh = not path.exists()
    ctx = open_context(url)
    if fresh:
        print(f"building {args.cases:,} cases in {path} ...", file=sys.stderr)
        bulk_fill(ctx, args.cases)
        tidy(ctx.db, merge_pages=100_000)
    with ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    on_disk = sum(p.stat().st_size for p in folder.glob(path.name + "*") if not p.name.endswith(".bak"))

    work = Path(tempfile.mkdtemp(prefix="reception-bench-backup-"))
    try:
        out = work / "backup.sqlite3"
        info, s = timed(lambda: bk.backup(ctx, out, user="bench"))
        print(f"database: {info.case_count:,} cases, {mb(on_disk)} on disk")
        print(
            f"backup (online API, {bk.STEP_PAGES} pages a step, integrity check, fsync, SHA-256): {s:6.2f} s  "
            f"{mb(info.size)}  {info.size / 1e6 / s:6.1f} MB/s  restarts={info.restarts}"
        )
        _, s = timed(lambda: bk.check_backup(out))
        print(f"check_backup (header, SHA-256, integrity check, tables, revision):      {s:6.2f} s")
        target = work / "restored" / "reception.sqlite3"
        r, s = timed(lambda: bk.restore(str(target), out, folder=work / "backups"))
        print(f"restore onto a new file (check, copy, fsync, replace, migrate):         {s:6.2f} s")
        r, s = timed(lambda: bk.restore(str(target), out, folder=work / "backups"))
        print(f"restore onto an existing database (+ safety copy of it first):           {s:6.2f} s")
        assert r.safety_backup is not None

        if args.writer:
            stop = work / "stop"
            with subprocess.Popen(
                [sys.executable, "-c", WRITER, url, str(stop)],
                stdout=subprocess.PIPE,
                text=True,
                cwd=Path(__file__).resolve().parents[1],
            ) as writer:
                writer.stdout.readline()
                time.sleep(1.0)
                try:
                    info, s = timed(lambda: bk.backup(ctx, work / "live.sqlite3", user="bench"))
                finally:
                    stop.touch()
                    written = int(writer.stdout.readline().strip() or 0)
                    writer.wait()
            print(
                f"backup while another process writes cases:                           {s:6.2f} s  "
                f"restarts={info.restarts}{' (then the rest in one step)' if info.restarts > bk.MAX_RESTARTS else ''}  "
                f"{written} cases written meanwhile"
            )
    finally:
        ctx.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
