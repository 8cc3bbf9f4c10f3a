"""The body sent to a department: the case's JSON form, limited to what that department needs.

The payload is built only from what never changes after intake (the stored case document, the case
number, the routing decision, the transfer's own fields and the deadlines' dates), never from the case's
status, timeline or other transfers, so that resending the same transfer — after a crash, a lease that ran
out or a retry by the clerk — gives byte-identical JSON (the receiver answers 422 to "same
Idempotency-Key, different payload").

What a department does not receive (个人信息保护法 第六条: no more than the purpose needs):

- the means test of a legal-aid application (``legal_aid.household_income``, ``legal_aid.property``,
  ``legal_aid.household_size``) and everybody's ``health`` — only a department whose track is
  ``legal_aid`` receives these;
- the centre's internal notes (``disposal.notes``);
- other departments' own case numbers (``department_numbers`` keeps only this department's key).

Bytes: UTF-8 JSON with sorted keys and no spaces (``canonical_json``).
"""

from __future__ import annotations

import copy
import json
from typing import Any
from zoneinfo import ZoneInfo

from reception.config import Department, HallConfig

PAYLOAD_VERSION = "1"

#: ``legal_aid`` keys only a legal-aid department receives
LEGAL_AID_MEANS = ("household_income", "property", "household_size")
#: person keys only a legal-aid department receives
SENSITIVE_PERSON_KEYS = ("health",)


def canonical_json(data: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, UTF-8, no spaces."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _people(doc: dict) -> list[dict]:
    people = list(doc.get("applicants") or [])
    if isinstance(doc.get("agent"), dict):
        people.append(doc["agent"])
    group = doc.get("group") or {}
    for key in ("representatives", "participants"):
        people.extend(p for p in group.get(key) or [] if isinstance(p, dict))
    people.extend(p for p in doc.get("counterparties") or [] if isinstance(p, dict))
    return people


def limit_document(doc: dict, department: Department | None, code: str) -> dict:
    """A copy of the case document with what ``department`` must not receive taken out."""
    out = copy.deepcopy(doc)
    legal_aid = department is not None and department.track == "legal_aid"
    if not legal_aid:
        if isinstance(out.get("legal_aid"), dict):
            for key in LEGAL_AID_MEANS:
                out["legal_aid"].pop(key, None)
        for person in _people(out):
            for key in SENSITIVE_PERSON_KEYS:
                person.pop(key, None)
    if isinstance(out.get("disposal"), dict):
        out["disposal"].pop("notes", None)
    numbers = out.get("department_numbers")
    if isinstance(numbers, dict):
        out["department_numbers"] = {k: v for k, v in numbers.items() if k == code}
    for key in ("status", "events", "transfers", "warnings"):
        out.pop(key, None)
    return out


def build_payload(config: HallConfig, case: Any, transfer: Any, deadlines: list[Any]) -> dict:
    """The payload of one transfer as a dict (``case``, ``transfer``, ``deadlines`` are storage rows)."""
    tz = ZoneInfo(config.centre.timezone)
    department = config.departments.get(transfer.department)
    doc = limit_document(case.document or {}, department, transfer.department)
    return {
        "payload_version": PAYLOAD_VERSION,
        "schema_version": case.schema_version,
        "centre_code": case.centre_code,
        "centre_name": config.centre.name,
        "case_no": case.case_no,
        "workstation": case.workstation,
        "created_at": case.created_at.astimezone(tz).isoformat(),
        "transfer": {
            "id": transfer.id,
            "department": transfer.department,
            "role": transfer.role,
            "level": transfer.level,
            "node": transfer.node,
            "rule": transfer.rule_id,
            "created_at": transfer.created_at.astimezone(tz).isoformat(),
        },
        "routing": case.routing,
        "deadlines": [
            {"kind": d.kind, "start": d.start.isoformat(), "due": d.due.isoformat(), "unit": d.unit}
            for d in sorted(deadlines, key=lambda d: d.id)
        ],
        "case": doc,
    }


def payload_bytes(config: HallConfig, case: Any, transfer: Any, deadlines: list[Any]) -> bytes:
    return canonical_json(build_payload(config, case, transfer, deadlines))


__all__ = ["PAYLOAD_VERSION", "build_payload", "canonical_json", "limit_document", "payload_bytes"]
