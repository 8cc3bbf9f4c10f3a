"""PySide6 6.12.0 loses a reference to None on every void Qt call (CPython 3.11); ui/_compat.py cures it."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOOP = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
if {cure}:
    import ui  # applies the work-around
from PySide6.QtCore import QObject
o = QObject()
for i in range(200_000):
    o.setObjectName("x")
print("survived")
"""


def run(cure: bool) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LOOP.format(cure=cure)], capture_output=True, text=True, timeout=120)


def test_many_void_calls_survive_with_the_desk_imported():
    out = run(cure=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "survived" in out.stdout


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_the_bug_is_still_there_without_the_cure():
    """When this starts failing, PySide6 has fixed the bug: remove ui/_compat.py."""
    import PySide6

    out = run(cure=False)
    if out.returncode == 0:
        pytest.fail(f"PySide6 {PySide6.__version__} no longer loses references to None: remove ui/_compat.py")
    assert "none_dealloc" in out.stderr
