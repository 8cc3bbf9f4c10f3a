"""Work-around for a PySide6 6.12.0 reference-count bug on CPython 3.11.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7): every call to a Qt method that returns
nothing (``setText``, ``processEvents``, …) takes one reference from ``None`` without having given it
one. ``None`` starts with a few thousand references, so after a few thousand such calls the
interpreter aborts with "Fatal Python error: none_dealloc" — a desk left open for a morning would
crash. CPython 3.12 made ``None`` immortal (PEP 683), so there the lost references do not matter;
PySide6 6.11.3 does not have the bug, but ``PySide6-Pdf`` (the receipt preview) exists only for 6.12.

``None`` is never freed in a healthy process, so lending it a very large reference count once at
start makes the lost references harmless: 2**40 void calls is centuries of use. This runs when the
``ui`` package is imported, before any window exists. Remove it once PySide6 fixes the bug or the
project requires Python 3.12 (``tests/ui/test_compat.py`` shows the bug and the cure).
"""

from __future__ import annotations

import ctypes
import sys

NONE_REFERENCE_PAD = 1 << 40


def pad_none_refcount() -> bool:
    """Give ``None`` a very large reference count on CPython < 3.12. Returns True when applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if getattr(sys, "_reception_none_padded", False):
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += NONE_REFERENCE_PAD
    sys._reception_none_padded = True  # type: ignore[attr-defined]
    return True
