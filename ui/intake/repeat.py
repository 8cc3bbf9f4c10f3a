"""Repeatable parts of the intake form (applicants, counter-parties, representatives, materials, …).

A :class:`RepeatList` holds :class:`RepeatItem` widgets; item ``i`` of the list at ``applicants`` has
the path ``applicants[i]`` and the pattern ``applicants[*]``, so its fields map onto the core's error
paths and required-field tables. The list itself is an error target too (``counterparties: 必填``,
``group.representatives[5]``) with its own message line and required marker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui import style
from ui.hooks import require_hooks
from ui.intake.fields import REQUIRED_MARK, Field, Target, join_path

translate = QCoreApplication.translate  # lupdate reads translate("IntakeForm", "…")


class RepeatItem(QFrame):
    """One entry of a repeatable list. Subclasses add fields with ``owner=self`` and implement
    :meth:`value` / :meth:`load` / :meth:`targets`."""

    changed = Signal()

    def __init__(self, owner_list: RepeatList):
        super().__init__()
        self.owner_list = owner_list
        self.lang = owner_list.lang
        self.setProperty("role", "item")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 6)
        outer.setSpacing(2)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setProperty("role", "item-title")
        head.addWidget(self.title)
        head.addStretch(1)
        self.remove_button = QPushButton(translate("IntakeForm", "删除"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.remove_button.clicked.connect(lambda: self.owner_list.remove_item(self))
        head.addWidget(self.remove_button)
        outer.addLayout(head)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.body)

    @property
    def index(self) -> int:
        return self.owner_list.items.index(self)

    @property
    def path(self) -> str:
        return f"{self.owner_list.path}[{self.index}]"

    @property
    def pattern(self) -> str:
        return f"{self.owner_list.pattern}[*]"

    def watch(self, *fields: Field) -> None:
        for f in fields:
            f.changed.connect(self.changed)

    # -- each item kind defines value(), load(data) and targets() (every field and nested list, in
    # form order); require_hooks checks it when the subclass is defined
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        require_hooks(cls, RepeatItem, ("value", "load", "targets"))

    def is_blank(self) -> bool:
        return all(t.is_blank() for t in self.targets() if isinstance(t, Field))

    def reset(self) -> None:
        """Empty again, as if just added (reused when the form is cleared for the next visitor)."""
        self.load({})
        for t in self.targets():
            if isinstance(t, Field):
                t.touched = False
            t.show_messages([])

    def filled(self, value: dict) -> list[str]:
        """Fill the keys the schema requires into ``value`` for the live check; return their paths."""
        return []

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        for t in self.targets():
            if isinstance(t, Field | RepeatList):
                out += t.focus_widgets()
        return out


class RepeatList(QWidget, Target):
    """A titled list of items with 添加/删除. ``min_items`` items always exist (an empty first applicant)."""

    changed = Signal()
    structure_changed = Signal()  # items were added or removed (tab order, required markers)

    def __init__(
        self,
        key: str,
        factory: Callable[[RepeatList], RepeatItem],
        *,
        title: str,
        item_title: str,
        add_text: str,
        owner=None,
        lang: str = "zh",
        min_items: int = 0,
        initial_items: int = 0,
        max_items: int | None = None,
        limit_hint: str = "",
    ):
        super().__init__()
        self.key = key
        self.owner = owner
        self.factory = factory
        self.lang = lang
        self.item_title = item_title
        self.min_items = min_items
        self.initial_items = max(min_items, initial_items)
        self.max_items = max_items
        self.limit_hint = limit_hint
        self.items: list[RepeatItem] = []
        self._touched = False
        self.required = False
        self._title = title
        self._messages: tuple[tuple[str, str], ...] = ()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 2, 0, 2)
        outer.setSpacing(4)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.title_label)
        head.addStretch(1)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        head.addWidget(self.hint)
        self.add_button = QPushButton(add_text)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_item(focus=True, by_user=True))
        head.addWidget(self.add_button)
        outer.addLayout(head)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setProperty("role", "message-error")
        self.message.hide()
        outer.addWidget(self.message)
        self.box = QVBoxLayout()
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(4)
        outer.addLayout(self.box)
        self._render_title()
        for _ in range(self.initial_items):
            self._append()
        self._renumber()

    # -- paths -----------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return join_path(self.owner.path if self.owner else "", self.key)

    @property
    def pattern(self) -> str:
        return join_path(self.owner.pattern if self.owner else "", self.key)

    # -- items -----------------------------------------------------------------------------------
    def add_item(self, data: Any = None, *, focus: bool = False, by_user: bool = False) -> RepeatItem | None:
        if self.max_items is not None and len(self.items) >= self.max_items and data is None:
            return None
        item = self._append(data)
        if by_user:
            self._touched = True
        self._renumber()
        self.structure_changed.emit()
        self.changed.emit()
        if focus:
            widgets = item.focus_widgets()
            if widgets:
                widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
        return item

    def remove_item(self, item: RepeatItem) -> None:
        if len(self.items) <= self.min_items:
            return
        index = self.items.index(item)
        self.items.remove(item)
        self.box.removeWidget(item)
        item.hide()
        item.deleteLater()
        self._touched = True
        self._renumber()
        self.structure_changed.emit()
        self.changed.emit()
        if self.items:
            widgets = self.items[min(index, len(self.items) - 1)].focus_widgets()
            if widgets:
                widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _append(self, data: Any = None) -> RepeatItem:
        item = self.factory(self)
        self.items.append(item)
        self.box.addWidget(item)
        item.show()  # now, not when the layout gets round to it: the clerk tabs into it at once
        item.changed.connect(self.changed)
        if data is not None:
            item.load(data)
        return item

    def _drop_all(self) -> None:
        for item in list(self.items):
            self.items.remove(item)
            self.box.removeWidget(item)
            item.hide()
            item.deleteLater()

    def clear(self) -> None:
        """Back to the list of a fresh form (``initial_items`` empty items; the first ones are reused)."""
        for item in self.items[self.initial_items :]:
            self.items.remove(item)
            self.box.removeWidget(item)
            item.hide()
            item.deleteLater()
        for item in self.items:
            item.reset()
        while len(self.items) < self.initial_items:
            self._append()
        self._touched = False
        self._renumber()
        self.structure_changed.emit()
        self.changed.emit()

    def load(self, values: Sequence[Any] | None) -> None:
        self._drop_all()
        for data in values or []:
            self._append(data)
        while len(self.items) < self.min_items:
            self._append()
        self._touched = False
        self._renumber()
        self.structure_changed.emit()
        self.changed.emit()

    @property
    def touched(self) -> bool:
        """Items were added or removed by the clerk, or one of their fields was touched."""
        if self._touched:
            return True
        return any(getattr(t, "touched", False) for item in self.items for t in item.targets())

    @touched.setter
    def touched(self, value: bool) -> None:
        self._touched = value

    def _renumber(self) -> None:
        for i, item in enumerate(self.items):
            item.title.setText(self.item_title.format(n=i + 1))
            item.remove_button.setVisible(len(self.items) > self.min_items)
        full = self.max_items is not None and len(self.items) >= self.max_items
        self.add_button.setEnabled(not full)
        self.hint.setText(self.limit_hint if full else "")

    def value(self) -> list[Any]:
        """The items' values, leaving out items the clerk left completely empty."""
        return [item.value() for item in self.kept_items()]

    def kept_items(self) -> list[RepeatItem]:
        return [item for i, item in enumerate(self.items) if i < self.min_items or not item.is_blank()]

    def is_blank(self) -> bool:
        return not self.kept_items()

    # -- Target ----------------------------------------------------------------------------------
    def targets(self) -> list[Target]:
        out: list[Target] = [self]
        for item in self.items:
            out += item.targets()
        return out

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        for item in self.items:
            out += item.focus_widgets()
        out.append(self.add_button)
        return out

    def set_title(self, title: str) -> None:
        self._title = title
        self._render_title()

    def set_required(self, required: bool) -> None:
        if required != self.required:
            self.required = required
            self._render_title()

    def _render_title(self) -> None:
        text = self._title.replace("&", "&amp;").replace("<", "&lt;")
        self.title_label.setText(f"<b style='color:#24415f'>{text}</b>" + (REQUIRED_MARK if self.required else ""))

    def show_messages(self, messages: Sequence[tuple[str, str]]) -> None:
        messages = tuple(messages)
        if messages == self._messages:
            return
        self._messages = messages
        if not messages:
            self.message.clear()
            self.message.hide()
            return
        state = "error" if any(sev == "error" for sev, _ in messages) else "warning"
        self.message.setText("\n".join(text for _, text in messages))
        self.message.setProperty("role", f"message-{state}")
        style.repolish(self.message)
        self.message.show()

    @property
    def messages(self) -> tuple[tuple[str, str], ...]:
        return self._messages

    def shown_in(self, page: QWidget) -> bool:
        return self.isVisibleTo(page)

    def focus(self) -> None:
        widgets = self.focus_widgets()
        widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
