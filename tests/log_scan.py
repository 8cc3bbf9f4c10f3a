"""The scan of the log files a test run leaves behind: no resident ID number and no mobile phone number
in any of them (issue 6: nothing personal is written to logs or crash reports).

``scan(folder)`` reads every ``*.log`` file below ``folder`` (``desk.log`` and its rotated copies
``desk.log.1`` …, and any other log a test run writes) and returns where a full ID number (18 characters
with a valid GB 11643 check digit) or a mainland mobile number (11 digits, 1[3-9]…) appears. Masked
forms (``110105********1239``, ``138****5678``) are not personal data and do not count.

``tests/conftest.py`` runs it over the whole run's temporary folder when the session ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reception.idcard import check_digit

ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    kind: str  # "id" | "phone"

    def __str__(self) -> str:  # never prints the number itself
        return f"{self.path}:{self.line}: a full {'ID number' if self.kind == 'id' else 'phone number'}"


def log_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.log*") if p.is_file() and re.search(r"\.log(\.\d+)?$", p.name))


def scan_text(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        for m in ID_RE.finditer(line):
            number = m.group(1).upper()
            if check_digit(number[:17]) == number[17]:
                found.append((n, "id"))
        found.extend((n, "phone") for _ in PHONE_RE.finditer(line))
    return found


def scan(folder: Path) -> list[Finding]:
    out: list[Finding] = []
    for path in log_files(folder):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        out.extend(Finding(path, n, kind) for n, kind in scan_text(text))
    return out
