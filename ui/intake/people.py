"""People on the intake form: applicants and group representatives, group participants, counter-parties.

Each is one item of a :class:`~ui.intake.repeat.RepeatList`. An applicant's resident ID number fills
sex and birth date as soon as it is valid (``reception.idcard``); if the clerk had typed something
else, the core's ``id.sex_mismatch`` / ``id.birth_mismatch`` warning appears under the number.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from reception.config import HallConfig
from reception.idcard import validate_id
from reception.phone import validate_phone
from ui.intake.fields import (
    CheckField,
    ChoiceField,
    DateField,
    EditableChoiceField,
    Field,
    FormGrid,
    LineField,
    MultiCheckField,
    Target,
)
from ui.intake.pickers import (
    EDUCATION,
    HEALTH,
    PlacePicker,
    enum_items,
    ethnicity_field,
    id_type_items,
    sex_field,
)
from ui.intake.repeat import RepeatItem, RepeatList

# person keys in the order of the schema (and of the paper form)
PERSON_KEYS = (
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_type",
    "id_number",
    "phone",
    "residence",
    "address",
    "address_place",
    "occupation",
    "employer",
    "population_groups",
    "education",
    "health",
)

#: the fields of the short form (group representatives)
SHORT_KEYS = ("name", "sex", "ethnicity", "birth_date", "id_type", "id_number", "phone", "address")


class PersonItem(RepeatItem):
    """An applicant (``full``) or a group representative (the short form)."""

    identity_changed = Signal()  # the ID number or the phone changed (repeat-visitor look-up)

    def __init__(self, owner_list: RepeatList, config: HallConfig, *, full: bool = True, extras: bool = True):
        super().__init__(owner_list)
        lang = self.lang
        self.full = full
        self._auto_sex: str | None = None
        self._auto_birth: str | None = None
        self._kept: dict[str, Any] = {}
        self._loading = False
        kw = {"owner": self, "lang": lang}
        self.name = LineField("name", max_length=50, **kw)
        self.sex = sex_field(**kw)
        self.ethnicity = ethnicity_field(**kw)
        self.birth_date = DateField("birth_date", **kw)
        self.id_type = ChoiceField("id_type", id_type_items(lang), blank=None, default="resident_id", **kw)
        self.id_number = LineField("id_number", max_length=40, **kw)
        self.phone = LineField("phone", max_length=40, **kw)
        self.residence = LineField("residence", max_length=200, **kw) if full else None
        self.address = LineField("address", max_length=200, **kw)
        self.place = PlacePicker(config, "address_place", owner=self, lang=lang) if full else None
        self.occupation = LineField("occupation", max_length=50, **kw) if full else None
        self.employer = LineField("employer", max_length=200, **kw) if full else None
        self.population_groups = (
            MultiCheckField("population_groups", enum_items("population_group", lang), **kw) if full else None
        )
        self.education = EditableChoiceField("education", EDUCATION, **kw) if full else None
        self.health = EditableChoiceField("health", HEALTH, **kw) if full else None

        grid = FormGrid()
        if full:
            grid.add(self.name)
            grid.add(self.sex)
            grid.add(self.ethnicity)
            grid.add(self.birth_date)
            grid.add(self.id_type)
            grid.add(self.id_number)
            grid.add(self.phone)
            grid.add(self.residence)
            grid.add(self.address, wide=True)
            grid.add(self.place.town)
            grid.add(self.place.community)
            grid.add(self.place.grid)
            grid.skip()
            grid.add(self.occupation)
            grid.add(self.employer)
            grid.add(self.population_groups, wide=True)
            grid.add(self.education)
            grid.add(self.health)
        else:
            grid.add(self.name)
            grid.add(self.sex)
            grid.add(self.ethnicity)
            grid.add(self.birth_date)
            grid.add(self.id_type)
            grid.add(self.id_number)
            grid.add(self.phone)
            grid.add(self.address)
        self.body.addWidget(grid)
        self.watch(*self._fields())
        self.id_number.changed.connect(self._derive)
        self.id_type.changed.connect(self._derive)
        self.id_number.changed.connect(self.identity_changed)
        self.id_type.changed.connect(self.identity_changed)
        self.phone.changed.connect(self.identity_changed)
        self.set_extras_shown(extras)

    def _fields(self) -> list[Field]:
        out: list[Field | None] = [
            self.name,
            self.sex,
            self.ethnicity,
            self.birth_date,
            self.id_type,
            self.id_number,
            self.phone,
            self.residence,
            self.address,
        ]
        if self.place is not None:
            out += self.place.fields
        out += [self.occupation, self.employer, self.population_groups, self.education, self.health]
        return [f for f in out if f is not None]

    def targets(self) -> list[Target]:
        return list(self._fields())

    def set_extras_shown(self, shown: bool) -> None:
        """人群类别, 文化程度, 健康状况: only for the windows that use them."""
        self.extras = shown
        for f in (self.population_groups, self.education, self.health):
            if f is not None:
                f.set_shown(shown)

    # -- ID number -> sex and birth date -----------------------------------------------------------
    def _derive(self) -> None:
        if self._loading:
            return  # a loaded document is shown as it is
        check = validate_id(self.id_type.value() or "resident_id", self.id_number.text(), self.id_number.path)
        if not (check.ok and check.normalized):
            return
        if check.sex:
            current = self.sex.value()
            if current is None or current == self._auto_sex:
                self._auto_sex = check.sex
                self.sex.set_value(check.sex)
        if check.birth_date:
            birth = check.birth_date.isoformat()
            current = self.birth_date.value()
            if current is None or current == self._auto_birth:
                self._auto_birth = birth
                self.birth_date.set_value(birth)

    def valid_id(self) -> str | None:
        check = validate_id(self.id_type.value() or "resident_id", self.id_number.text(), self.id_number.path)
        return check.normalized if check.ok else None

    def valid_phone(self) -> str | None:
        check = validate_phone(self.phone.text(), self.phone.path)
        return check.normalized if check.ok else None

    # -- value -----------------------------------------------------------------------------------
    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        by_key: dict[str, Any] = {
            **self._kept,
            "name": self.name.value(),
            "sex": self.sex.value(),
            "ethnicity": self.ethnicity.value(),
            "birth_date": self.birth_date.value(),
            "id_number": self.id_number.value(),
            "phone": self.phone.value(),
            "address": self.address.value(),
        }
        if by_key["id_number"]:
            by_key["id_type"] = self.id_type.value()
        if self.full:
            by_key.update(
                {
                    "residence": self.residence.value(),
                    "address_place": self.place.value() or None,
                    "occupation": self.occupation.value(),
                    "employer": self.employer.value(),
                }
            )
            if self.extras:
                by_key["population_groups"] = self.population_groups.value() or None
                by_key["education"] = self.education.value()
                by_key["health"] = self.health.value()
        for key in PERSON_KEYS:
            if by_key.get(key) not in (None, "", []):
                out[key] = by_key[key]
        return out

    def filled(self, value: dict) -> list[str]:
        if "name" not in value:
            value["name"] = ""
            return [self.name.path]
        return []

    def is_blank(self) -> bool:
        return not self.value()

    def load(self, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        self._loading = True
        try:
            self._load(data)
        finally:
            self._loading = False

    def _load(self, data: dict) -> None:
        shown = set(PERSON_KEYS) if self.full else set(SHORT_KEYS)
        # what the short form has no field for (a representative's 户籍地, say) is kept as it was
        self._kept = {k: v for k, v in data.items() if k in PERSON_KEYS and k not in shown}
        self.name.set_value(data.get("name"))
        self.sex.set_value(data.get("sex"))
        self.ethnicity.set_value(data.get("ethnicity"))
        self.birth_date.set_value(data.get("birth_date"))
        self.id_type.set_value(data.get("id_type"))
        self.id_number.set_value(data.get("id_number"))
        self.phone.set_value(data.get("phone"))
        self.address.set_value(data.get("address"))
        if self.full:
            self.residence.set_value(data.get("residence"))
            self.place.load(data.get("address_place"))
            self.occupation.set_value(data.get("occupation"))
            self.employer.set_value(data.get("employer"))
            self.population_groups.set_value(data.get("population_groups"))
            self.education.set_value(data.get("education"))
            self.health.set_value(data.get("health"))
        # what was loaded counts as typed: an ID number does not overwrite it
        self._auto_sex = self._auto_birth = None


class ParticipantItem(RepeatItem):
    """One more member of a group visit: name, ID number (resident ID), phone."""

    def __init__(self, owner_list: RepeatList):
        super().__init__(owner_list)
        kw = {"owner": self, "lang": self.lang}
        self.name = LineField("name", max_length=50, **kw)
        self.id_number = LineField("id_number", max_length=40, **kw)
        self.phone = LineField("phone", max_length=40, **kw)
        grid = FormGrid(columns=3)
        grid.add(self.name)
        grid.add(self.id_number)
        grid.add(self.phone)
        self.body.addWidget(grid)
        self.watch(self.name, self.id_number, self.phone)

    def targets(self) -> list[Target]:
        return [self.name, self.id_number, self.phone]

    def value(self) -> dict[str, Any]:
        out = {}
        for key, f in (("name", self.name), ("id_number", self.id_number), ("phone", self.phone)):
            if f.value():
                out[key] = f.value()
        return out

    def filled(self, value: dict) -> list[str]:
        if "name" not in value:
            value["name"] = ""
            return [self.name.path]
        return []

    def load(self, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        self.name.set_value(data.get("name"))
        self.id_number.set_value(data.get("id_number"))
        self.phone.set_value(data.get("phone"))


class CounterpartyItem(RepeatItem):
    """被申请人/对方当事人: a person or an organisation (统一社会信用代码, 法定代表人)."""

    def __init__(self, owner_list: RepeatList):
        super().__init__(owner_list)
        kw = {"owner": self, "lang": self.lang}
        self.kind = ChoiceField("kind", enum_items("counterparty_kind", self.lang), blank=None, default="person", **kw)
        self.name = LineField("name", max_length=100, **kw)
        self.sex = sex_field(**kw)
        self.id_type = ChoiceField("id_type", id_type_items(self.lang), blank=None, default="resident_id", **kw)
        self.id_number = LineField("id_number", max_length=40, **kw)
        self.uscc = LineField("uscc", max_length=40, **kw)
        self.legal_representative = LineField("legal_representative", max_length=50, **kw)
        self.phone = LineField("phone", max_length=40, **kw)
        self.address = LineField("address", max_length=200, **kw)
        grid = FormGrid()
        grid.add(self.kind)
        grid.add(self.name)
        grid.add(self.sex)
        grid.skip()
        grid.add(self.id_type)
        grid.add(self.id_number)
        grid.add(self.uscc)
        grid.add(self.legal_representative)
        grid.add(self.phone)
        grid.add(self.address)
        self.body.addWidget(grid)
        self.watch(*self._fields())
        self.kind.changed.connect(self._kind_changed)
        self._kind_changed()

    def _fields(self) -> list[Field]:
        return [
            self.kind,
            self.name,
            self.sex,
            self.id_type,
            self.id_number,
            self.uscc,
            self.legal_representative,
            self.phone,
            self.address,
        ]

    def targets(self) -> list[Target]:
        return list(self._fields())

    @property
    def is_organisation(self) -> bool:
        return self.kind.value() == "organisation"

    def _kind_changed(self) -> None:
        org = self.is_organisation
        for f in (self.sex, self.id_type, self.id_number):
            f.set_shown(not org)
        for f in (self.uscc, self.legal_representative):
            f.set_shown(org)

    def value(self) -> dict[str, Any]:
        org = self.is_organisation
        out: dict[str, Any] = {"kind": self.kind.value()}
        if self.name.value():
            out["name"] = self.name.value()
        if not org:
            if self.sex.value():
                out["sex"] = self.sex.value()
            if self.id_number.value():
                out["id_type"] = self.id_type.value()
                out["id_number"] = self.id_number.value()
        else:
            for key, f in (("uscc", self.uscc), ("legal_representative", self.legal_representative)):
                if f.value():
                    out[key] = f.value()
        for key, f in (("phone", self.phone), ("address", self.address)):
            if f.value():
                out[key] = f.value()
        return out

    def is_blank(self) -> bool:
        return set(self.value()) == {"kind"}

    def filled(self, value: dict) -> list[str]:
        if "name" not in value:
            value["name"] = ""
            return [self.name.path]
        return []

    def load(self, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        self.kind.set_value(data.get("kind"))
        self.name.set_value(data.get("name"))
        self.sex.set_value(data.get("sex"))
        self.id_type.set_value(data.get("id_type"))
        self.id_number.set_value(data.get("id_number"))
        self.uscc.set_value(data.get("uscc"))
        self.legal_representative.set_value(data.get("legal_representative"))
        self.phone.set_value(data.get("phone"))
        self.address.set_value(data.get("address"))
        self._kind_changed()


__all__ = ["CheckField", "CounterpartyItem", "ParticipantItem", "PersonItem"]
