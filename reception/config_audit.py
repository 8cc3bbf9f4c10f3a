"""The configuration a workstation runs with, in the audit trail (``config.changed``).

The hall's configuration lives in files, edited outside the program: ``hall.toml`` (departments, network,
thresholds, dispatch addresses), the routing and deadline rules, the holiday calendars and the receipt
wording, over the shipped defaults. A change to any of them changes what the desk does (where a case is
routed, when it is due), so the audit trail says when a workstation first ran with a changed set:
:func:`note_configuration` compares a fingerprint of each file with the one in this workstation's latest
``config.changed`` record and appends a new record, naming the files that changed, when they differ. The
desk does it in the background at each start (signed-in person as the user); ``reception init`` does it too.

The fingerprints are 16 characters of base32 of each file's SHA-256: letters and the digits 2–7 only, so
they can never look like an ID or phone number (``reception.audit`` refuses those in details). Files are
named by their file name (shipped ones as ``resources/…``), never by a full path, which may hold a
Windows user name.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from reception import audit
from reception.paths import hall_receipt_template_path, receipt_template_path, resource_path, resources_dir
from reception.storage.models import AuditRecord

if TYPE_CHECKING:
    from reception.config import HallConfig
    from reception.context import Context

ACTION = "config.changed"
MISSING = "-"


def _label(path: Path) -> str:
    try:
        return "resources/" + path.resolve().relative_to(resources_dir().resolve()).as_posix()
    except ValueError:
        return path.name


def configuration_files(config: HallConfig) -> list[Path]:
    """Every file the configuration was made from, and the rule files it points to."""
    files = [*config.source_files, config.routing_rules_path, config.deadline_rules_path, receipt_template_path()]
    if hall_receipt_template_path().exists():
        files.append(hall_receipt_template_path())
    for folder in [resource_path("calendars"), *config.calendar_dirs]:
        if Path(folder).is_dir():
            files += sorted(Path(folder).glob("cn-*.toml"))
    return files


def _digest(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError:
        return MISSING
    return base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")[:16].lower()


def fingerprint(config: HallConfig) -> dict[str, str]:
    """``{file label: fingerprint}`` of :func:`configuration_files` (``-`` for a file that cannot be read)."""
    out: dict[str, str] = {}
    for path in configuration_files(config):
        label, digest = _label(Path(path)), _digest(path)
        if out.get(label, digest) != digest:  # the same name in two folders: keep both
            label = f"{label}@{len(out)}"
        out[label] = digest
    return dict(sorted(out.items()))


def last_fingerprint(ctx: Context) -> dict[str, str] | None:
    """The files of this workstation's latest ``config.changed`` record; None if there is none."""
    t = AuditRecord
    with ctx.db.read() as session:
        detail = session.execute(
            select(t.detail)
            .where(t.action == ACTION, t.workstation == ctx.config.workstation.code)
            .order_by(t.seq.desc())
            .limit(1)
        ).scalar()
    return None if detail is None else dict(detail.get("files") or {})


def note_configuration(ctx: Context, user: str | None = None, *, now: datetime | None = None) -> list[str] | None:
    """Append a ``config.changed`` record if this workstation's configuration files differ from its latest
    record (or there is none yet). Returns the labels of the files that changed (every file the first
    time), or None if nothing changed."""
    current = fingerprint(ctx.config)
    previous = last_fingerprint(ctx)
    if previous == current:
        return None
    before = previous or {}
    changed = sorted(k for k in current.keys() | before.keys() if current.get(k) != before.get(k))
    with ctx.db.write() as session:
        audit.append(
            session,
            ctx,
            [
                {
                    "at": now or datetime.now(UTC),
                    "user": user,
                    "action": ACTION,
                    "object_type": "config",
                    "object_id": ctx.config.workstation.code,
                    "detail": {"files": current, "changed": changed, "first": previous is None},
                }
            ],
        )
    return changed


__all__ = ["ACTION", "configuration_files", "fingerprint", "last_fingerprint", "note_configuration"]
