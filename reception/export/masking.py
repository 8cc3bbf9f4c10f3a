"""Register cells with their personal data tagged, and how they are shown to a role.

A cell of the register is ``None``, a number, a string, or a list of *parts*. A part is a plain
string or a tagged value ``[kind, value]``:

- ``"id"`` — an ID number, shown ``110105********1239`` (:func:`reception.idcard.mask_id`);
- ``"phone"`` — a phone, shown ``138****5678`` (:func:`reception.phone.mask_phone`);
- ``"addr"`` — an address, shown with its district prefix only (``乌海市乌达区****``);
- ``"name"`` — a person's name, shown as surname + 某 (used in the summary's list of red/orange cases);
- ``"sens"`` — sensitive data (health, household income and property), shown ``***``.

The tags are kept in the closed day's snapshot, so a closed day can be exported again, masked or in
full, with the same content. Which tags are shown in full depends on the exporting role
(:class:`Disclosure`, from ``reception.security``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from reception.idcard import mask_id
from reception.phone import mask_phone
from reception.security import may

#: what a hidden sensitive value is shown as
HIDDEN = "***"
#: Excel's limit for the text of one cell, in UTF-16 code units (𠮷 counts two); longer cells are
#: cut, in the XLSX and the CSV alike
CELL_LIMIT = 32_767

Cell = Any  # None | int | float | str | list[str | list]


@dataclass(frozen=True)
class Disclosure:
    """What an export shows in full: ID numbers, phones, addresses and names (``personal``);
    health, income, property (``sensitive``)."""

    personal: bool = False
    sensitive: bool = False

    @classmethod
    def for_role(cls, role: str) -> Disclosure:
        return cls(personal=may(role, "export.full_personal_data"), sensitive=may(role, "view.sensitive"))

    @property
    def masked(self) -> bool:
        return not (self.personal and self.sensitive)

    def show(self, kind: str, value: Any) -> Any:
        if kind == "sens":
            return value if self.sensitive else HIDDEN
        if self.personal:
            return value
        if kind == "id":
            return mask_id(value)
        if kind == "phone":
            return mask_phone(value)
        if kind == "addr":
            return mask_address(value)
        if kind == "name":
            return mask_name(value)
        raise ValueError(f"unknown tag {kind!r}")


def render_cell(cell: Cell, disclosure: Disclosure) -> str | int | float | None:
    """The cell as the role may see it: a string, a number or ``None`` (empty)."""
    if not isinstance(cell, list):
        return cell
    if len(cell) == 1 and not isinstance(cell[0], str):
        kind, value = cell[0]
        shown = disclosure.show(kind, value)
        return shown if not isinstance(shown, str) else _limit(shown)
    out = []
    for part in cell:
        if isinstance(part, str):
            out.append(part)
        else:
            shown = disclosure.show(part[0], part[1])
            out.append(shown if isinstance(shown, str) else _number_text(shown))
    return _limit("".join(out))


def _number_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _limit(text: str) -> str:
    if len(text) <= CELL_LIMIT // 2 or _utf16_len(text) <= CELL_LIMIT:
        return text
    note = f"…（已截断，原文 {len(text)} 字）"
    room = CELL_LIMIT - _utf16_len(note)
    cut = text[:room]
    units = _utf16_len(cut)
    while units > room:  # characters beyond U+FFFF take two units: drop at least half the excess
        cut = cut[: len(cut) - max(1, (units - room) // 2)]
        units = _utf16_len(cut)
    return cut + note


_ADMIN_RE = re.compile(
    r"^(?:[^省市区县旗\d]{2,8}?(?:省|自治区|特别行政区))?"
    r"(?:[^省市区县旗\d]{1,8}?(?:市|盟|自治州|地区))?"
    r"(?:[^省市区县旗\d]{1,8}?(?:区|县|旗|市))?"
)


def mask_address(text: str | None) -> str:
    """``乌海市乌达区团结路1号`` → ``乌海市乌达区****``: the province/city/county prefix is kept, the
    rest hidden. Without such a prefix only ``****`` is shown."""
    t = (text or "").strip()
    if not t:
        return ""
    prefix = _ADMIN_RE.match(t).group(0)
    if prefix == t:
        return t  # nothing below county level: e.g. a registered residence 内蒙古自治区乌海市乌达区
    return prefix + "****"


def mask_name(name: str | None) -> str:
    """``张三`` → ``张某`` (surname + 某, as courts publish names)."""
    n = (name or "").strip()
    if not n:
        return ""
    return n[0] + "某"
