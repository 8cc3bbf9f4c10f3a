"""Pickers fed by the hall configuration: town → community → grid, category → sub-category, and the
suggestion lists of free-text fields (民族, 文化程度, 健康状况)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from reception.config import HallConfig
from reception.idcard import ID_TYPES
from reception.labels import ENUMS, enum_label
from ui.intake.fields import ChoiceField, EditableChoiceField, LineField

translate = QCoreApplication.translate  # lupdate reads translate("IntakeForm", "…")

#: The 56 ethnic groups in GB/T 3304 order (the values are stored as typed: 汉族, 蒙古族, …).
ETHNICITIES: tuple[str, ...] = (
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "其他",
    "外国血统中国籍人士",
)

#: Education levels as printed on the legal-aid application form (free text, suggestions only).
EDUCATION: tuple[str, ...] = (
    "研究生",
    "大学本科",
    "大学专科",
    "中专/中技",
    "高中",
    "初中",
    "小学",
    "文盲或半文盲",
)


HEALTH: tuple[str, ...] = ("健康", "一般", "较差", "患有疾病", "残疾", "丧失劳动能力")


def enum_items(kind: str, lang: str) -> list[tuple[str, str]]:
    """``(label, code)`` of an enumeration of ``reception.labels.ENUMS``, in its declared order."""
    return [(enum_label(kind, code, lang), code) for code in ENUMS[kind]]


def id_type_items(lang: str) -> list[tuple[str, str]]:
    i = 1 if lang.startswith("en") else 0
    return [(labels[i], code) for code, labels in ID_TYPES.items()]


def sex_field(key: str = "sex", **kw) -> ChoiceField:
    return ChoiceField(key, enum_items("sex", kw.get("lang", "zh")), **kw)


def ethnicity_field(key: str = "ethnicity", **kw) -> EditableChoiceField:
    return EditableChoiceField(key, ETHNICITIES, **kw)


class PlacePicker(QObject):
    """镇/街道 → 村/社区 → 网格, each list narrowed by the one before (the hall's mediation network).

    ``base`` is the object key (``place`` or ``address_place``); the three fields have the keys
    ``<base>.town`` etc., so ``place.town: 必填`` lands on the town picker. ``with_detail`` adds 跨区域
    and 详细地点 (the matter's place has them, an address does not).
    """

    changed = Signal()

    def __init__(self, config: HallConfig, base: str, *, owner=None, lang: str = "zh", with_detail: bool = False):
        super().__init__()
        self.config = config
        self.base = base
        self.lang = lang
        network = config.network
        self.town = ChoiceField(
            f"{base}.town",
            [(t.name, t.code) for t in network.towns.values()],
            blank=translate("IntakeForm", "（请选择）"),
            owner=owner,
            lang=lang,
        )
        self.community = ChoiceField(
            f"{base}.community", [], blank=translate("IntakeForm", "（不限）"), owner=owner, lang=lang
        )
        self.grid = ChoiceField(f"{base}.grid", [], blank=translate("IntakeForm", "（不限）"), owner=owner, lang=lang)
        self.fields = [self.town, self.community, self.grid]
        self.cross: ChoiceField | None = None
        self.detail: LineField | None = None
        if with_detail:
            self.cross = ChoiceField(f"{base}.cross", enum_items("cross", lang), blank="", owner=owner, lang=lang)
            self.detail = LineField(f"{base}.detail", owner=owner, lang=lang, max_length=200)
            self.fields += [self.cross, self.detail]
        self.town.changed.connect(self._town_changed)
        self.community.changed.connect(self._community_changed)
        for f in self.fields:
            f.changed.connect(self.changed)
        self._town_changed()

    def _town_changed(self) -> None:
        town = self.town.value()
        communities = self.config.network.communities_in(town) if town else []
        self.community.set_items([(c.name, c.code) for c in communities])
        self.community.set_enabled(bool(communities))
        self._community_changed()

    def _community_changed(self) -> None:
        community = self.community.value()
        grids = self.config.network.grids_in(community) if community else []
        self.grid.set_items([(g.name, g.code) for g in grids])
        self.grid.set_enabled(bool(grids))

    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, f in (("town", self.town), ("community", self.community), ("grid", self.grid)):
            if f.value():
                out[key] = f.value()
        if self.cross is not None and self.cross.value():
            out["cross"] = self.cross.value()
        if self.detail is not None and self.detail.value():
            out["detail"] = self.detail.value()
        return out

    def load(self, place: dict | None) -> None:
        place = place or {}
        # a community or grid without its town: find the town, so that the lists can show them
        grid = place.get("grid")
        community = place.get("community") or (self.config.network.community_of(grid) if grid else None)
        town = place.get("town") or (self.config.network.town_of(community) if community else None)
        self.town.set_value(town)
        self._town_changed()
        self.community.set_value(community)
        self._community_changed()
        self.grid.set_value(grid)
        if self.cross is not None:
            self.cross.set_value(place.get("cross"))
        if self.detail is not None:
            self.detail.set_value(place.get("detail"))

    def clear(self) -> None:
        self.load(None)
        for f in self.fields:
            f.touched = False

    def is_blank(self) -> bool:
        return not self.value()


class CategoryPicker(QObject):
    """事项类别 → 事项子类, from the hall's category catalogue."""

    changed = Signal()

    def __init__(self, config: HallConfig, *, lang: str = "zh"):
        super().__init__()
        self.config = config
        self.lang = lang
        self.category = ChoiceField(
            "category",
            [(c.label(lang), c.code) for c in config.categories.values()],
            blank=translate("IntakeForm", "（请选择）"),
            lang=lang,
        )
        self.subcategory = ChoiceField("subcategory", [], blank=translate("IntakeForm", "（不细分）"), lang=lang)
        self.category.changed.connect(self._category_changed)
        self.category.changed.connect(self.changed)
        self.subcategory.changed.connect(self.changed)

    def _category_changed(self) -> None:
        cat = self.config.categories.get(self.category.value() or "")
        subs = [(s.label(self.lang), s.code) for s in cat.subs.values()] if cat else []
        self.subcategory.set_items(subs)
        self.subcategory.set_enabled(bool(subs))

    def load(self, category: str | None, subcategory: str | None) -> None:
        self.category.set_value(category)
        self._category_changed()
        self.subcategory.set_value(subcategory)
