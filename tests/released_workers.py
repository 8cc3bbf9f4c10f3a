"""Processes that start together: each opens its context, says it is ready, waits for the others, then works.

The worker scripts (``python -c SCRIPT url barrier name …``) touch ``<barrier>/<name>.ready`` when they
are ready, wait for ``<barrier>/go``, and print their result as JSON on the last line of their output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_released(script: str, url: str, tmp_path: Path, processes: int, *args: str, what: str = "worker") -> list:
    """Start ``processes`` copies of ``script`` (arguments: ``url``, the barrier folder, ``p0``, ``p1``, …,
    then ``args``), release them together once all are ready, and return each one's JSON result."""
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, url, str(barrier), f"p{i}", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for i in range(processes)
    ]
    try:
        # wait until every worker has opened its context (or one of them died trying)
        while len(list(barrier.glob("*.ready"))) < processes:
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.01)
        (barrier / "go").touch()
        results = [p.communicate(timeout=600) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    for i, (p, (_, err)) in enumerate(zip(procs, results, strict=True)):
        assert p.returncode == 0, f"{what} p{i} failed (exit {p.returncode}):\n{err}"
    return [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
