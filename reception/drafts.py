"""Unsaved intake forms kept as drafts, so that a crash or a power cut never loses a visitor's data.

The desk writes the form's case document here every few seconds while the clerk types, reads it
back at start, and discards it after a successful save or a confirmed clear. A draft is one JSON
file per name in ``<data dir>/drafts/``; every write goes to a temporary file in the same folder,
is flushed to disk, then atomically renamed over the old one, so a draft on disk is always either
the previous complete version or the new complete version — never half of one.

Drafts hold personal data: they live in the user's data folder only, and nothing here logs their
content. No Qt here (the core never imports it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reception.paths import data_dir

log = logging.getLogger(__name__)

DRAFT_VERSION = 1
DEFAULT_NAME = "intake"
_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class Draft:
    """A saved draft: the case document as the form had it, when it was written, and extra UI state."""

    document: dict[str, Any]
    saved_at: datetime
    extra: dict[str, Any]


def drafts_dir() -> Path:
    d = data_dir() / "drafts"
    d.mkdir(parents=True, exist_ok=True)
    return d


def draft_path(name: str = DEFAULT_NAME) -> Path:
    if not _NAME_RE.match(name) or name.startswith("."):
        raise ValueError(f"invalid draft name {name!r}")
    return drafts_dir() / f"{name}.json"


def save_draft(
    document: dict[str, Any],
    name: str = DEFAULT_NAME,
    *,
    extra: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Path:
    """Write ``document`` (a JSON-compatible dict) as the draft ``name``, atomically. Returns the path."""
    if not isinstance(document, dict):
        raise TypeError("a draft document must be a dict")
    path = draft_path(name)
    payload = {
        "draft_version": DRAFT_VERSION,
        "saved_at": (now or datetime.now(UTC)).isoformat(),
        "document": document,
        "extra": extra or {},
    }
    data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_dir(path.parent)
    return path


def load_draft(name: str = DEFAULT_NAME) -> Draft | None:
    """The draft ``name``, or ``None`` if there is none or it cannot be read (an unreadable file is kept
    aside as ``<name>.json.bad`` so that it is not offered again but can still be looked at)."""
    path = draft_path(name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        payload = json.loads(raw.decode("utf-8"))
        document = payload["document"]
        if not isinstance(document, dict):
            raise ValueError("document is not an object")
        saved_at = datetime.fromisoformat(payload["saved_at"])
        extra = payload.get("extra") or {}
        if not isinstance(extra, dict):
            extra = {}
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        log.warning("draft %s is unreadable; moved aside", name)
        os.replace(path, path.with_name(path.name + ".bad"))
        return None
    return Draft(document=document, saved_at=saved_at, extra=extra)


def list_drafts(prefix: str = "") -> list[str]:
    """Names of the drafts on disk that start with ``prefix``, oldest first."""
    found = [p for p in drafts_dir().glob("*.json") if p.stem.startswith(prefix) and _NAME_RE.match(p.stem)]
    return [p.stem for p in sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.stem))]


def rename_draft(name: str, new_name: str) -> bool:
    """Keep the draft ``name`` under ``new_name`` (atomically; an existing ``new_name`` is replaced).
    Returns whether there was a draft to rename."""
    source, target = draft_path(name), draft_path(new_name)
    try:
        os.replace(source, target)
    except FileNotFoundError:
        return False
    _sync_dir(target.parent)
    return True


def has_draft(name: str = DEFAULT_NAME) -> bool:
    return draft_path(name).is_file()


def discard_draft(name: str = DEFAULT_NAME) -> bool:
    """Delete the draft ``name``. Returns whether there was one."""
    try:
        draft_path(name).unlink()
    except FileNotFoundError:
        return False
    _sync_dir(drafts_dir())
    return True


def _sync_dir(folder: Path) -> None:
    """Make a rename or unlink durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = [
    "DEFAULT_NAME",
    "Draft",
    "discard_draft",
    "draft_path",
    "drafts_dir",
    "has_draft",
    "list_drafts",
    "load_draft",
    "rename_draft",
    "save_draft",
]
