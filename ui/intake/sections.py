"""The sections of the intake form, in the order of the paper form (domain.md §1, case-format.md §5).

Each section writes its keys of the case document (``contribute``), reads them back (``load``),
lists its error targets in form order (``targets``) and shows or hides itself for a window
(``set_window``). With ``patched=True`` a section fills the keys the JSON Schema requires but the
clerk has not typed yet (``""`` or a neutral code) so that the live check can run every other rule,
and reports their paths in ``filled`` — the form shows ``必填`` there itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from reception.config import HallConfig
from reception.labels import field_label
from reception.vocab import CHANNELS, PURPOSES, RISK_FLAGS, RISK_LEVELS
from ui.hooks import require_hooks
from ui.intake.fields import (
    CheckField,
    ChoiceField,
    DateField,
    DateTimeField,
    Field,
    FormGrid,
    LineField,
    LinesField,
    MultiCheckField,
    NumberField,
    Target,
    TextField,
    hint_label,
)
from ui.intake.people import CounterpartyItem, ParticipantItem, PersonItem
from ui.intake.pickers import CategoryPicker, PlacePicker, enum_items, id_type_items
from ui.intake.repeat import RepeatItem, RepeatList

translate = QCoreApplication.translate  # lupdate reads translate("IntakeForm", "…")


# Which windows use which optional parts (domain.md §1: "–" = not used by that window).
GROUP_WINDOWS = ("procuratorate", "legal_aid", "petition", "mediation")
LEGAL_AID_WINDOWS = ("legal_aid",)
PERSON_EXTRA_WINDOWS = ("procuratorate", "legal_aid", "petition", "mediation")


class Prefix:
    """An owner for fields under a fixed object key (``group`` → ``group.representatives[0]``)."""

    def __init__(self, path: str):
        self.path = path
        self.pattern = path


def list_value(lst: RepeatList, patched: bool, filled: list[str]) -> list[Any]:
    out = []
    for item in lst.kept_items():
        value = item.value()
        if patched:
            filled += item.filled(value)
        out.append(value)
    return out


def put(target: dict, key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty."""
    if value not in (None, "", [], {}):
        target[key] = value


class Section(QFrame):
    """A titled block of the form."""

    changed = Signal()
    structure_changed = Signal()

    def __init__(self, title: str, *, lang: str = "zh"):
        super().__init__()
        self.lang = lang
        self.setProperty("role", "section")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(8, 2, 8, 8)
        self.layout_.setSpacing(4)
        self.header = QLabel(title)
        self.header.setProperty("role", "section-title")
        self.layout_.addWidget(self.header)
        self.grid = FormGrid()
        self.layout_.addWidget(self.grid)
        self._fields: list[Field] = []

    def add(self, field: Field, *, wide: bool = False) -> Field:
        self.grid.add(field, wide=wide)
        self.watch(field)
        return field

    def watch(self, *fields: Field) -> None:
        for f in fields:
            self._fields.append(f)
            f.changed.connect(self.changed)

    def add_list(self, lst: RepeatList, *, titled: bool = False) -> RepeatList:
        """Add a repeatable list; ``titled``: the list is the whole section and carries its title."""
        if titled:
            self.header.hide()
            self.grid.hide()
            lst.set_title(self.header.text())
        self.layout_.addWidget(lst)
        lst.changed.connect(self.changed)
        lst.structure_changed.connect(self.structure_changed)
        return lst

    def targets(self) -> list[Target]:
        return list(self._fields)

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        for t in self.targets():
            if isinstance(t, Field):
                out += t.focus_widgets()
            elif isinstance(t, RepeatList):
                out.append(t.add_button)
        return out

    def __init_subclass__(cls, **kwargs):  # each section defines contribute(doc, *, patched, filled)
        super().__init_subclass__(**kwargs)
        require_hooks(cls, Section, ("contribute", "load"))

    def clear(self) -> None:
        for f in self._fields:
            f.clear()

    def set_window(self, window: str | None) -> None:
        """Show or hide parts for the chosen window (default: always shown)."""

    @property
    def in_use(self) -> bool:
        return not self.isHidden()


class ListSection(Section):
    """A section that is one repeatable list (``self.list``) stored under the list's key."""

    list: RepeatList

    def targets(self) -> list[Target]:
        return self.list.targets()

    def focus_widgets(self) -> list[QWidget]:
        return self.list.focus_widgets()

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        doc[self.list.key] = list_value(self.list, patched, filled)

    def load(self, doc: dict) -> None:
        values = doc.get(self.list.key) or []
        self.list.load(values)
        if not values:
            self.list.clear()

    def clear(self) -> None:
        self.list.clear()


# --------------------------------------------------------------------------- A


class ReceiptSection(Section):
    """A 受理信息: channel, time received, clerk (the window is chosen above the form)."""

    def __init__(self, config: HallConfig, clerk: str, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "一、受理信息"), lang=lang)
        kw = {"lang": lang}
        self.default_clerk = clerk
        self.channel = self.add(
            ChoiceField("channel", enum_items("channel", lang), blank=None, default=CHANNELS[0], **kw)
        )
        self.received_at = self.add(DateTimeField("received_at", timezone=config.centre.timezone, **kw))
        self.clerk = self.add(LineField("clerk", max_length=50, **kw))
        self.clerk.set_value(clerk)
        self.received_at.set_now()

    def set_default_clerk(self, clerk: str) -> None:
        """A new clerk name from the settings: shown unless the clerk typed another one here."""
        if self.clerk.value() in (None, self.default_clerk):
            self.clerk.set_value(clerk)
        self.default_clerk = clerk

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        doc["channel"] = self.channel.value()
        doc["received_at"] = self.received_at.value()
        put(doc, "clerk", self.clerk.value())

    def load(self, doc: dict) -> None:
        self.channel.set_value(doc.get("channel"))
        self.received_at.set_value(doc.get("received_at"))
        self.clerk.set_value(doc.get("clerk") or self.default_clerk)

    def clear(self) -> None:
        """A new visitor: keep channel and clerk, the time starts again."""
        self.received_at.clear()
        for f in (self.channel, self.clerk):
            f.touched = False


# --------------------------------------------------------------------------- B


class ApplicantsSection(Section):
    """B 申请人 (repeatable)."""

    def __init__(self, config: HallConfig, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "二、申请人"), lang=lang)
        self.config = config
        self.extras = True
        self.list = self.add_list(
            RepeatList(
                "applicants",
                lambda lst: PersonItem(lst, config, full=True, extras=self.extras),
                title=field_label("applicants", lang),
                item_title=translate("IntakeForm", "申请人 {n}"),
                add_text=translate("IntakeForm", "添加申请人"),
                lang=lang,
                min_items=1,
                max_items=200,
            ),
            titled=True,
        )

    def targets(self) -> list[Target]:
        return self.list.targets()

    def focus_widgets(self) -> list[QWidget]:
        return self.list.focus_widgets()

    @property
    def people(self) -> list[PersonItem]:
        return list(self.list.items)  # type: ignore[arg-type]

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        doc["applicants"] = list_value(self.list, patched, filled)

    def load(self, doc: dict) -> None:
        self.list.load(doc.get("applicants") or [])

    def clear(self) -> None:
        self.list.clear()

    def set_window(self, window: str | None) -> None:
        self.extras = window in PERSON_EXTRA_WINDOWS
        for item in self.people:
            item.set_extras_shown(self.extras)


# --------------------------------------------------------------------------- C


class AgentSection(Section):
    """C 代理人 (one, optional)."""

    def __init__(self, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "三、代理人"), lang=lang)
        kw = {"lang": lang}
        self.enabled = self.add(CheckField("agent", translate("IntakeForm", "有代理人或代表人"), **kw))
        self.grid.skip()
        self.type = self.add(ChoiceField("agent.type", enum_items("agent_type", lang), blank="", **kw))
        self.name = self.add(LineField("agent.name", max_length=50, **kw))
        self.id_type = self.add(
            ChoiceField("agent.id_type", id_type_items(lang), blank=None, default="resident_id", **kw)
        )
        self.id_number = self.add(LineField("agent.id_number", max_length=40, **kw))
        self.phone = self.add(LineField("agent.phone", max_length=40, **kw))
        self.relationship = self.add(LineField("agent.relationship", max_length=50, **kw))
        self.organisation = self.add(LineField("agent.organisation", max_length=200, **kw))
        self.power_of_attorney = self.add(
            CheckField("agent.power_of_attorney", translate("IntakeForm", "已收到授权委托书"), **kw)
        )
        self.enabled.changed.connect(self._toggle)
        self._toggle()

    def _toggle(self) -> None:
        """The agent's fields appear when the box is ticked (Space on it, then Tab on)."""
        on = self.enabled.value()
        for f in self._fields[1:]:
            f.set_shown(on)

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        if not (self.in_use and self.enabled.value()):
            doc["agent"] = None
            return
        agent: dict[str, Any] = {}
        put(agent, "type", self.type.value())
        put(agent, "name", self.name.value())
        if self.id_number.value():
            agent["id_type"] = self.id_type.value()
            agent["id_number"] = self.id_number.value()
        put(agent, "phone", self.phone.value())
        put(agent, "relationship", self.relationship.value())
        put(agent, "organisation", self.organisation.value())
        agent["power_of_attorney"] = self.power_of_attorney.value()
        if patched:
            if "type" not in agent:
                agent = {"type": "entrusted", **agent}
                filled.append("agent.type")
            if "name" not in agent:
                agent["name"] = ""
                filled.append("agent.name")
        doc["agent"] = agent

    def load(self, doc: dict) -> None:
        agent = doc.get("agent")
        self.enabled.set_value(isinstance(agent, dict))
        agent = agent if isinstance(agent, dict) else {}
        self.type.set_value(agent.get("type"))
        self.name.set_value(agent.get("name"))
        self.id_type.set_value(agent.get("id_type"))
        self.id_number.set_value(agent.get("id_number"))
        self.phone.set_value(agent.get("phone"))
        self.relationship.set_value(agent.get("relationship"))
        self.organisation.set_value(agent.get("organisation"))
        self.power_of_attorney.set_value(agent.get("power_of_attorney"))
        self._toggle()


# --------------------------------------------------------------------------- group visit


class GroupSection(Section):
    """集体访: headcount, representatives (at most ``max_representatives``), participants."""

    def __init__(self, config: HallConfig, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "四、集体访"), lang=lang)
        kw = {"lang": lang}
        limit = config.intake.max_representatives
        threshold = config.intake.group_visit_threshold
        self.enabled = self.add(CheckField("group", translate("IntakeForm", "集体访（多人同来反映同一事项）"), **kw))
        self.headcount = self.add(NumberField("group.headcount", integer=True, **kw))
        self.hint = hint_label(
            translate(
                "IntakeForm", "{threshold} 人及以上的集体访须推选 1 至 {limit} 名代表（信访工作条例第二十条）"
            ).format(threshold=threshold, limit=limit)
        )
        self.grid.add_widget(self.hint)
        owner = Prefix("group")
        self.representatives = self.add_list(
            RepeatList(
                "representatives",
                lambda lst: PersonItem(lst, config, full=False),
                owner=owner,
                title=field_label("representatives", lang),
                item_title=translate("IntakeForm", "代表 {n}"),
                add_text=translate("IntakeForm", "添加代表"),
                lang=lang,
                max_items=limit,
                limit_hint=translate("IntakeForm", "已达上限 {limit} 名").format(limit=limit),
            )
        )
        self.participants = self.add_list(
            RepeatList(
                "participants",
                ParticipantItem,
                owner=owner,
                title=field_label("participants", lang),
                item_title=translate("IntakeForm", "参与人员 {n}"),
                add_text=translate("IntakeForm", "添加参与人员"),
                lang=lang,
                max_items=2000,
            )
        )
        self.enabled.changed.connect(self._toggle)
        self._toggle()

    def _toggle(self) -> None:
        on = self.enabled.value()
        self.headcount.set_shown(on)
        self.hint.setVisible(on)
        self.representatives.setVisible(on)
        self.participants.setVisible(on)

    def targets(self) -> list[Target]:
        return [self.enabled, self.headcount, *self.representatives.targets(), *self.participants.targets()]

    def focus_widgets(self) -> list[QWidget]:
        return [
            *self.enabled.focus_widgets(),
            *self.headcount.focus_widgets(),
            *self.representatives.focus_widgets(),
            *self.participants.focus_widgets(),
        ]

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        if not (self.in_use and self.enabled.value()):
            doc["group"] = None
            return
        reps = list_value(self.representatives, patched, filled)
        parts = list_value(self.participants, patched, filled)
        group: dict[str, Any] = {}
        headcount = self.headcount.value()
        if headcount is not None:
            group["headcount"] = headcount
        elif patched:
            group["headcount"] = max(1, len(reps), len(parts))
            filled.append("group.headcount")
        group["representatives"] = reps
        group["participants"] = parts
        doc["group"] = group

    def load(self, doc: dict) -> None:
        group = doc.get("group")
        self.enabled.set_value(isinstance(group, dict))
        group = group if isinstance(group, dict) else {}
        self.headcount.set_value(group.get("headcount"))
        self.representatives.load(group.get("representatives") or [])
        self.participants.load(group.get("participants") or [])
        self._toggle()

    def clear(self) -> None:
        super().clear()
        self.representatives.clear()
        self.participants.clear()
        self.enabled.set_value(False)
        self._toggle()

    def set_window(self, window: str | None) -> None:
        self.setVisible(window in GROUP_WINDOWS)


# --------------------------------------------------------------------------- D


class CounterpartiesSection(ListSection):
    """D 被申请人/对方当事人 (repeatable)."""

    def __init__(self, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "五、被申请人/对方当事人"), lang=lang)
        self.list = self.add_list(
            RepeatList(
                "counterparties",
                CounterpartyItem,
                title=field_label("counterparties", lang),
                item_title=translate("IntakeForm", "对方当事人 {n}"),
                add_text=translate("IntakeForm", "添加对方当事人"),
                lang=lang,
                initial_items=1,
                max_items=100,
            ),
            titled=True,
        )


# --------------------------------------------------------------------------- E


class MatterSection(Section):
    """E 事项: category, place, dates, facts, requests, amount, people affected, purpose."""

    def __init__(self, config: HallConfig, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "六、反映事项"), lang=lang)
        kw = {"lang": lang}
        self.categories = CategoryPicker(config, lang=lang)
        self.add(self.categories.category)
        self.add(self.categories.subcategory)
        self.place = PlacePicker(config, "place", lang=lang, with_detail=True)
        self.add(self.place.town)
        self.add(self.place.community)
        self.add(self.place.grid)
        self.add(self.place.cross)
        self.add(self.place.detail, wide=True)
        self.occurred_on = self.add(DateField("occurred_on", **kw))
        self.grid.skip()
        self.facts = self.add(TextField("facts", lines=5, **kw), wide=True)
        self.requests = self.add(
            LinesField("requests", lines=3, placeholder=translate("IntakeForm", "每行写一项诉求"), **kw), wide=True
        )
        self.amount = self.add(NumberField("amount", placeholder=translate("IntakeForm", "元"), **kw))
        self.people_affected = self.add(NumberField("people_affected", integer=True, **kw))
        self.purpose = self.add(ChoiceField("purpose", enum_items("purpose", lang), blank="", **kw))
        self.limitation_ends_on = self.add(DateField("limitation_ends_on", **kw))
        assert tuple(self.purpose.codes()) == PURPOSES

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        put(doc, "category", self.categories.category.value())
        doc["subcategory"] = self.categories.subcategory.value()
        doc["place"] = self.place.value()
        doc["occurred_on"] = self.occurred_on.value()
        put(doc, "facts", self.facts.value())
        doc["requests"] = self.requests.value()
        doc["amount"] = self.amount.value()
        doc["people_affected"] = self.people_affected.value()
        doc["purpose"] = self.purpose.value()
        doc["limitation_ends_on"] = self.limitation_ends_on.value()

    def load(self, doc: dict) -> None:
        self.categories.load(doc.get("category"), doc.get("subcategory"))
        self.place.load(doc.get("place"))
        self.occurred_on.set_value(doc.get("occurred_on"))
        self.facts.set_value(doc.get("facts"))
        self.requests.set_value(doc.get("requests"))
        self.amount.set_value(doc.get("amount"))
        self.people_affected.set_value(doc.get("people_affected"))
        self.purpose.set_value(doc.get("purpose"))
        self.limitation_ends_on.set_value(doc.get("limitation_ends_on"))

    def clear(self) -> None:
        super().clear()
        self.categories.load(None, None)
        self.place.clear()


# --------------------------------------------------------------------------- F


class PriorItem(RepeatItem):
    """One earlier handling of the matter (court, arbitration, review, petition, …)."""

    def __init__(self, owner_list: RepeatList):
        super().__init__(owner_list)
        kw = {"owner": self, "lang": self.lang}
        self.body_ = LineField("body", max_length=100, **kw)
        self.form = ChoiceField("form", enum_items("prior_form", self.lang), blank="", **kw)
        self.stage = ChoiceField("stage", enum_items("prior_stage", self.lang), blank="", **kw)
        self.document_no = LineField("document_no", max_length=50, **kw)
        self.date = DateField("date", **kw)
        self.final = CheckField("final", translate("IntakeForm", "已终结"), **kw)
        self.result = TextField("result", lines=2, **kw)
        grid = FormGrid()
        for f in (self.body_, self.form, self.stage, self.document_no, self.date, self.final):
            grid.add(f)
        grid.add(self.result, wide=True)
        self.body.addWidget(grid)
        self.watch(*self.targets())

    def targets(self) -> list[Target]:
        return [self.body_, self.form, self.stage, self.document_no, self.date, self.final, self.result]

    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        put(out, "body", self.body_.value())
        put(out, "form", self.form.value())
        put(out, "stage", self.stage.value())
        put(out, "document_no", self.document_no.value())
        put(out, "result", self.result.value())
        put(out, "date", self.date.value())
        if self.final.value():
            out["final"] = True
        return out

    def is_blank(self) -> bool:
        return not self.value()

    def filled(self, value: dict) -> list[str]:
        out = []
        if "body" not in value:
            value["body"] = ""
            out.append(self.body_.path)
        if "form" not in value:
            value["form"] = "other"
            out.append(self.form.path)
        return out

    def load(self, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        self.body_.set_value(data.get("body"))
        self.form.set_value(data.get("form"))
        self.stage.set_value(data.get("stage"))
        self.document_no.set_value(data.get("document_no"))
        self.date.set_value(data.get("date"))
        self.final.set_value(data.get("final"))
        self.result.set_value(data.get("result"))


class PriorSection(ListSection):
    """F 既往处理情况 (repeatable)."""

    def __init__(self, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "七、既往处理情况"), lang=lang)
        self.list = self.add_list(
            RepeatList(
                "prior_handling",
                PriorItem,
                title=field_label("prior_handling", lang),
                item_title=translate("IntakeForm", "处理情况 {n}"),
                add_text=translate("IntakeForm", "添加既往处理"),
                lang=lang,
                max_items=30,
            ),
            titled=True,
        )


# --------------------------------------------------------------------------- legal aid


class LegalAidSection(Section):
    """法律援助 extras (legal-aid window only). Income and property are sensitive (PIPL Art 28)."""

    def __init__(self, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "八、法律援助申请事项"), lang=lang)
        kw = {"lang": lang}
        self.legal_position = self.add(
            ChoiceField("legal_aid.legal_position", enum_items("legal_position", lang), blank="", **kw)
        )
        self.aid_form = self.add(ChoiceField("legal_aid.aid_form", enum_items("aid_form", lang), blank="", **kw))
        self.case_stage = self.add(LineField("legal_aid.case_stage", max_length=50, **kw))
        self.previous_applications = self.add(NumberField("legal_aid.previous_applications", integer=True, **kw))
        self.household_size = self.add(NumberField("legal_aid.household_size", integer=True, **kw))
        self.household_income = self.add(
            NumberField("legal_aid.household_income", placeholder=translate("IntakeForm", "元/月"), **kw)
        )
        self.property = self.add(TextField("legal_aid.property", lines=2, **kw), wide=True)
        self.hardship_exempt = self.add(LineField("legal_aid.hardship_exempt", max_length=100, **kw), wide=True)

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        if not self.in_use:
            doc["legal_aid"] = None
            return
        la: dict[str, Any] = {}
        for f in self._fields:
            put(la, f.key.split(".", 1)[1], f.value())
        doc["legal_aid"] = la

    def load(self, doc: dict) -> None:
        la = doc.get("legal_aid") if isinstance(doc.get("legal_aid"), dict) else {}
        for f in self._fields:
            f.set_value(la.get(f.key.split(".", 1)[1]))

    def set_window(self, window: str | None) -> None:
        self.setVisible(window in LEGAL_AID_WINDOWS)


# --------------------------------------------------------------------------- G


class MaterialItem(RepeatItem):
    """One document received: name, original or copy, pages, copies, given back."""

    def __init__(self, owner_list: RepeatList):
        super().__init__(owner_list)
        kw = {"owner": self, "lang": self.lang}
        self.name = LineField("name", max_length=100, **kw)
        self.name.set_label_text(translate("IntakeForm", "材料名称"))
        self.original = ChoiceField(
            "original",
            [(translate("IntakeForm", "原件"), "original"), (translate("IntakeForm", "复印件"), "copy")],
            blank="",
            **kw,
        )
        self.original.set_label_text(translate("IntakeForm", "原件/复印件"))
        self.pages = NumberField("pages", integer=True, **kw)
        self.copies = NumberField("copies", integer=True, **kw)
        self.returned = CheckField("returned", translate("IntakeForm", "已退还当事人"), **kw)
        grid = FormGrid(columns=3)
        for f in (self.name, self.original, self.pages, self.copies, self.returned):
            grid.add(f)
        self.body.addWidget(grid)
        self.watch(*self.targets())

    def targets(self) -> list[Target]:
        return [self.name, self.original, self.pages, self.copies, self.returned]

    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        put(out, "name", self.name.value())
        if self.original.value():
            out["original"] = self.original.value() == "original"
        put(out, "pages", self.pages.value())
        put(out, "copies", self.copies.value())
        out["returned"] = self.returned.value()
        return out

    def is_blank(self) -> bool:
        return set(self.value()) == {"returned"} and not self.returned.value()

    def filled(self, value: dict) -> list[str]:
        if "name" not in value:
            value["name"] = ""
            return [self.name.path]
        return []

    def load(self, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        self.name.set_value(data.get("name"))
        original = data.get("original")
        self.original.set_value(None if original is None else ("original" if original else "copy"))
        self.pages.set_value(data.get("pages"))
        self.copies.set_value(data.get("copies"))
        self.returned.set_value(data.get("returned"))


class MaterialsSection(ListSection):
    """G 收到材料 (repeatable; printed on the receipt)."""

    def __init__(self, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "九、收到材料"), lang=lang)
        self.list = self.add_list(
            RepeatList(
                "materials",
                MaterialItem,
                title=field_label("materials", lang),
                item_title=translate("IntakeForm", "材料 {n}"),
                add_text=translate("IntakeForm", "添加材料"),
                lang=lang,
                initial_items=1,
                max_items=100,
            ),
            titled=True,
        )


# --------------------------------------------------------------------------- H


class RiskSection(Section):
    """H 风险: level, flags, note."""

    def __init__(self, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "十、风险研判"), lang=lang)
        kw = {"lang": lang}
        self.level = self.add(ChoiceField("risk.level", enum_items("risk", lang), blank="", **kw))
        self.note = self.add(LineField("risk.note", max_length=200, **kw))
        self.flags = self.add(MultiCheckField("risk.flags", enum_items("flag", lang), columns=3, **kw), wide=True)
        assert tuple(self.level.codes()) == RISK_LEVELS and tuple(self.flags.boxes) == RISK_FLAGS

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        risk: dict[str, Any] = {}
        put(risk, "level", self.level.value())
        risk["flags"] = self.flags.value()
        put(risk, "note", self.note.value())
        doc["risk"] = risk

    def load(self, doc: dict) -> None:
        risk = doc.get("risk") if isinstance(doc.get("risk"), dict) else {}
        self.level.set_value(risk.get("level"))
        self.flags.set_value(risk.get("flags"))
        self.note.set_value(risk.get("note"))


# --------------------------------------------------------------------------- I


class DisposalSection(Section):
    """I 处置: answered on the spot, mediation consent, privacy consent, duty leader's approval, notes.

    The routing override (改派) is in the routing panel beside the form; the page adds it to
    ``disposal.route_override``."""

    def __init__(self, *, lang: str = "zh"):
        super().__init__(translate("IntakeForm", "十一、处置"), lang=lang)
        kw = {"lang": lang}
        self.resolved_on_spot = self.add(
            CheckField("disposal.resolved_on_spot", translate("IntakeForm", "当场答复/化解，不再转办"), **kw)
        )
        self.mediation_consent = self.add(
            ChoiceField("disposal.mediation_consent", enum_items("consent", lang), blank="", **kw)
        )
        self.answer = self.add(TextField("disposal.answer", lines=2, **kw), wide=True)
        self.privacy_consent = self.add(
            CheckField("disposal.privacy_consent", translate("IntakeForm", "已告知个人信息处理规则，当事人同意"), **kw),
            wide=True,
        )
        self.leader_override = self.add(TextField("disposal.leader_override", lines=2, **kw), wide=True)
        self.notes = self.add(TextField("disposal.notes", lines=2, **kw), wide=True)

    def contribute(self, doc: dict, *, patched: bool, filled: list[str]) -> None:
        disposal: dict[str, Any] = {"resolved_on_spot": self.resolved_on_spot.value()}
        put(disposal, "answer", self.answer.value())
        put(disposal, "mediation_consent", self.mediation_consent.value())
        disposal["privacy_consent"] = self.privacy_consent.value()
        put(disposal, "leader_override", self.leader_override.value())
        put(disposal, "notes", self.notes.value())
        doc["disposal"] = disposal

    def load(self, doc: dict) -> None:
        disposal = doc.get("disposal") if isinstance(doc.get("disposal"), dict) else {}
        self.resolved_on_spot.set_value(disposal.get("resolved_on_spot"))
        self.answer.set_value(disposal.get("answer"))
        self.mediation_consent.set_value(disposal.get("mediation_consent"))
        self.privacy_consent.set_value(disposal.get("privacy_consent"))
        self.leader_override.set_value(disposal.get("leader_override"))
        self.notes.set_value(disposal.get("notes"))
