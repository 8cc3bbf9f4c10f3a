"""Showing a case on screen: personal data masked by default, in full only for a reason, audited.

domain.md §5 and 个人信息保护法: on screen, as on receipts and in exports, ID numbers and phones are shown
masked (``110105********1239``, ``138****5678``) and the sensitive data (health; a legal-aid
application's household income, property and size) hidden, unless the role may see them
(``view.sensitive``). Seeing the numbers in full is a deliberate act: :func:`reveal_case` needs the
permission ``case.view_personal`` and a reason, and writes a ``case.view_full`` audit record with the
reason (checked to hold no ID or phone number; never the numbers themselves).

:func:`case_view` is what the case dialog loads; :func:`reveal_case` what its 显示完整号码 asks for.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime

from reception import audit
from reception.context import Context
from reception.errors import FieldError, ValidationFailed, field_error, messages
from reception.idcard import mask_id
from reception.phone import mask_phone
from reception.queries import case_document
from reception.security.roles import Principal, acting, may
from reception.text import clean_text

HIDDEN = "***"
#: person keys holding numbers that are masked; sensitive keys that are hidden
_NUMBERS = {"id_number": mask_id, "phone": mask_phone}
_SENSITIVE_PERSON = ("health",)
_SENSITIVE_LEGAL_AID = ("household_income", "property", "household_size")
_LOOKS_PERSONAL = re.compile(r"\d{15}|\d{17}[\dXx]|1[3-9]\d{9}")

messages(
    {
        "disclosure.reason_required": (
            "请写明查看完整号码的事由（至少 2 个字）",
            "give the reason for seeing the full numbers (2+ characters)",
        ),
        "disclosure.reason_personal": (
            "事由中不要写证件号码或电话号码",
            "do not put ID or phone numbers in the reason",
        ),
    }
)


def _people(doc: dict) -> list[dict]:
    people = [p for p in doc.get("applicants") or [] if isinstance(p, dict)]
    if isinstance(doc.get("agent"), dict):
        people.append(doc["agent"])
    group = doc.get("group") or {}
    for key in ("representatives", "participants"):
        people.extend(p for p in group.get(key) or [] if isinstance(p, dict))
    people.extend(p for p in doc.get("counterparties") or [] if isinstance(p, dict))
    return people


def masked_document(doc: dict, role: str | None) -> dict:
    """A copy of the case document as ``role`` sees it by default: numbers masked; the sensitive data
    hidden unless the role has ``view.sensitive`` (no role: hidden)."""
    out = copy.deepcopy(doc)
    sensitive = role is not None and may(role, "view.sensitive")
    for person in _people(out):
        for key, mask in _NUMBERS.items():
            if person.get(key):
                person[key] = mask(person[key])
        if not sensitive:
            for key in _SENSITIVE_PERSON:
                if person.get(key):
                    person[key] = HIDDEN
    legal_aid = out.get("legal_aid")
    if isinstance(legal_aid, dict) and not sensitive:
        for key in _SENSITIVE_LEGAL_AID:
            if legal_aid.get(key) not in (None, "", []):
                legal_aid[key] = HIDDEN
    return out


def _role(user: Principal | str | None) -> str | None:
    return user.role if isinstance(user, Principal) else None


def case_view(ctx: Context, case_no: str, user: Principal | str | None) -> dict:
    """The case document as shown on screen by default (see :func:`masked_document`). A signed-in
    ``user`` needs ``case.view``."""
    acting(user, "case.view")
    return masked_document(case_document(ctx, case_no), _role(user))


def reveal_case(
    ctx: Context, case_no: str, user: Principal | str | None, reason: str, *, now: datetime | None = None
) -> dict:
    """The case document with the numbers in full (sensitive data still only for ``view.sensitive``),
    for ``reason``; audited as ``case.view_full``. Needs ``case.view_personal``."""
    name = acting(user, "case.view_personal")
    now = now or datetime.now(UTC)
    errors: list[FieldError] = []
    check = clean_text(reason, "reason", max_len=200, multiline=False)
    errors.extend(check.errors)
    text = check.value or ""
    if check.ok and len(text) < 2:
        errors.append(field_error("disclosure.reason_required", "reason"))
    elif _LOOKS_PERSONAL.search(text):
        errors.append(field_error("disclosure.reason_personal", "reason"))
    if errors:
        raise ValidationFailed(errors)
    doc = case_document(ctx, case_no)
    with ctx.db.write() as session:
        audit.append(
            session,
            ctx,
            [
                {
                    "at": now,
                    "user": name,
                    "action": "case.view_full",
                    "object_type": "case",
                    "object_id": doc["case_no"],
                    "detail": {"reason": text},
                }
            ],
        )
    if _role(user) is not None and may(_role(user), "view.sensitive"):
        return doc
    full = masked_document(doc, _role(user))
    for mine, theirs in zip(_people(full), _people(doc), strict=True):
        for key in _NUMBERS:
            if theirs.get(key):
                mine[key] = theirs[key]
    return full


__all__ = ["HIDDEN", "case_view", "masked_document", "reveal_case"]
