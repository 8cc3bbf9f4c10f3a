"""The intake form's fields: a label, an editor and a message line, bound to a JSON path of the case.

A :class:`Field` knows its key relative to an *owner* (a section, or one item of a repeatable list);
its concrete path (``applicants[0].id_number``) is what the core's ``FieldError.field`` names, and its
pattern (``applicants[*].id_number``) is what the core's required-field tables list. Every editor is a
plain ``QLineEdit`` / ``QPlainTextEdit`` / ``QComboBox`` / ``QCheckBox`` without validators, masks or
input-method hints, so Chinese input methods and full-width characters always work (the core
normalises them). Numbers are typed as text and parsed here; what cannot be parsed is reported next to
the field and left out of the document.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reception.labels import field_label
from ui import style
from ui.hooks import require_hooks

translate = QCoreApplication.translate  # lupdate reads translate("IntakeForm", "…")


ERROR_COLOUR = "#c62828"
WARNING_COLOUR = "#9a5b00"
REQUIRED_MARK = f'<span style="color:{ERROR_COLOUR}">&nbsp;*</span>'

#: Stylesheet of the page: calm grey frames; a red or amber frame when a field has a message.
STYLE = f"""
QLineEdit, QPlainTextEdit, QComboBox, QDateTimeEdit {{
    border: 1px solid #b9c0c8; border-radius: 3px; padding: 2px 4px; background: white;
}}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateTimeEdit:focus {{ border: 1px solid #3b78c4; }}
QLineEdit:disabled, QPlainTextEdit:disabled, QComboBox:disabled {{ background: #f1f3f5; color: #7a828a; }}
*[msg="error"] {{ border: 1px solid {ERROR_COLOUR}; }}
*[msg="warning"] {{ border: 1px solid #d59500; }}
QLabel[role="message-error"] {{ color: {ERROR_COLOUR}; }}
QLabel[role="message-warning"] {{ color: {WARNING_COLOUR}; }}
QLabel[role="section-title"] {{ font-weight: bold; color: #24415f; padding: 4px 0 2px 0; border: none; }}
QFrame[role="section"] {{ background: #fbfcfd; border: 1px solid #e1e5ea; border-radius: 4px; }}
QFrame[role="item"] {{ background: #f5f7f9; border: 1px solid #e4e8ec; border-radius: 3px; }}
QLabel[role="item-title"] {{ color: #52606d; }}
QLabel[role="hint"] {{ color: #66707a; }}
"""


class Owner(Protocol):
    """Something fields hang off: a section (path ``""``) or an item of a list (``applicants[0]``)."""

    @property
    def path(self) -> str: ...

    @property
    def pattern(self) -> str: ...


def join_path(prefix: str, key: str) -> str:
    if not prefix:
        return key
    if not key:
        return prefix
    return f"{prefix}.{key}"


class Target:
    """Anything an error can be shown on: a field or a repeatable list. Subclasses implement these."""

    path: str
    pattern: str
    touched: bool

    def show_messages(self, messages: Sequence[tuple[str, str]]) -> None: ...
    def set_required(self, required: bool) -> None: ...
    def shown_in(self, page: QWidget) -> bool: ...
    def focus(self) -> None: ...


class Field(QObject, Target):
    """One labelled editor of the form. Subclasses wrap one kind of editor."""

    changed = Signal()  # the value changed (typed by the clerk or set by the program)
    edited = Signal()  # the clerk changed it
    left = Signal()  # focus left the editor (the field now counts as touched)

    def __init__(self, key: str, editor: QWidget, *, owner: Owner | None = None, lang: str = "zh", label=None):
        super().__init__(editor)
        self.key = key
        self.owner = owner
        self.editor = editor
        self.lang = lang
        self.touched = False
        self.required = False
        self._label_text = label if label is not None else field_label(key, lang)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setBuddy(editor)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.label.setContentsMargins(0, 4, 0, 0)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setProperty("role", "message-error")
        self.message.hide()
        self.cell = QWidget()
        box = QVBoxLayout(self.cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(editor)
        box.addWidget(self.message)
        self._hidden = False
        self._messages: tuple[tuple[str, str], ...] = ()
        self._render_label()
        for w in self.focus_widgets():
            w.installEventFilter(self)

    # -- paths ---------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        return join_path(self.owner.path if self.owner else "", self.key)

    @property
    def pattern(self) -> str:
        return join_path(self.owner.pattern if self.owner else "", self.key)

    # -- value: each field kind defines value() and set_value(value), checked at definition --------
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        require_hooks(cls, Field, ("value", "set_value"))

    def clear(self) -> None:
        self.set_value(None)
        self.touched = False

    def is_blank(self) -> bool:
        return self.value() in (None, "", [], False)

    def local_error(self) -> str | None:
        """A problem the core cannot see (text that is not a number); ``None`` if fine."""
        return None

    def focus_widgets(self) -> list[QWidget]:
        return [self.editor]

    # -- looks -----------------------------------------------------------------------------------
    @property
    def label_text(self) -> str:
        return self._label_text

    def set_label_text(self, text: str) -> None:
        self._label_text = text
        self._render_label()

    def set_required(self, required: bool) -> None:
        if required != self.required:
            self.required = required
            self._render_label()

    def _render_label(self) -> None:
        text = self._label_text.replace("&", "&amp;").replace("<", "&lt;")
        self.label.setText(text + (REQUIRED_MARK if self.required else ""))
        self.label.setAccessibleName(self._label_text)

    def show_messages(self, messages: Sequence[tuple[str, str]]) -> None:
        """``[(severity, text), …]``; errors first. An empty list clears the field."""
        messages = tuple(messages)
        if messages == self._messages:
            return
        self._messages = messages
        if not messages:
            self.message.clear()
            self.message.hide()
            state = ""
        else:
            state = "error" if any(sev == "error" for sev, _ in messages) else "warning"
            self.message.setText("\n".join(text for _, text in messages))
            self.message.setProperty("role", f"message-{state}")
            style.repolish(self.message)
            self.message.show()
        for w in self.styled_widgets():
            if w.property("msg") != state:
                w.setProperty("msg", state)
                style.repolish(w)

    @property
    def messages(self) -> tuple[tuple[str, str], ...]:
        return self._messages

    def styled_widgets(self) -> list[QWidget]:
        return [self.editor]

    def set_shown(self, shown: bool) -> None:
        self._hidden = not shown
        self.label.setVisible(shown)
        self.cell.setVisible(shown)

    def shown_in(self, page: QWidget) -> bool:
        return not self._hidden and self.cell.isVisibleTo(page)

    def set_enabled(self, enabled: bool) -> None:
        self.editor.setEnabled(enabled)

    def focus(self) -> None:
        widget = self.focus_widgets()[0]
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- events ----------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and not self.touched:
            self.touched = True
            self.left.emit()
        return False

    def _user_edit(self, *_args) -> None:
        self.touched = True
        self.edited.emit()


# --------------------------------------------------------------------------- text editors


class LineField(Field):
    """One line of text (``QLineEdit``, no validator): names, numbers, addresses."""

    def __init__(self, key: str, *, placeholder: str = "", max_length: int | None = None, **kw):
        editor = QLineEdit()
        if placeholder:
            editor.setPlaceholderText(placeholder)
        if max_length:
            # a generous cap; the core reports the real limit with its own message
            editor.setMaxLength(max_length * 2)
        super().__init__(key, editor, **kw)
        editor.textChanged.connect(self.changed)
        editor.textEdited.connect(self._user_edit)

    @property
    def line(self) -> QLineEdit:
        return self.editor  # type: ignore[return-value]

    def text(self) -> str:
        return self.line.text()

    def value(self) -> str | None:
        text = self.line.text().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.line.text() != text:
            self.line.setText(text)


class DateField(LineField):
    """A date typed as text (``2025-03-03``; ``20250303`` and full-width digits work too)."""

    def __init__(self, key: str, **kw):
        super().__init__(key, placeholder=translate("IntakeForm", "年-月-日，如 2025-03-03"), **kw)


class NumberField(LineField):
    """A number typed as text. Full-width digits and thousands separators are accepted."""

    def __init__(self, key: str, *, integer: bool = False, placeholder: str = "", **kw):
        self.integer = integer
        super().__init__(key, placeholder=placeholder, **kw)

    def _parse(self) -> tuple[int | float | None, bool]:
        raw = unicodedata.normalize("NFKC", self.line.text()).strip()
        raw = raw.replace(",", "").replace(" ", "")
        if not raw:
            return None, True
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return None, False
        if not number.is_finite():
            return None, False
        if number == number.to_integral_value():
            return int(number), True
        if self.integer:
            return None, False
        return float(number), True

    def value(self) -> int | float | None:
        return self._parse()[0]

    def local_error(self) -> str | None:
        _value, ok = self._parse()
        if ok:
            return None
        return translate("IntakeForm", "请输入整数") if self.integer else translate("IntakeForm", "请输入数字")

    def is_blank(self) -> bool:
        return not self.line.text().strip()


class TextField(Field):
    """Several lines of text (``QPlainTextEdit``); Tab moves on to the next field."""

    def __init__(self, key: str, *, lines: int = 3, placeholder: str = "", **kw):
        editor = QPlainTextEdit()
        editor.setTabChangesFocus(True)
        editor.setPlaceholderText(placeholder)
        height = editor.fontMetrics().lineSpacing() * lines + 14
        editor.setFixedHeight(height)
        super().__init__(key, editor, **kw)
        editor.textChanged.connect(self.changed)
        editor.textChanged.connect(self._maybe_user_edit)

    @property
    def text_edit(self) -> QPlainTextEdit:
        return self.editor  # type: ignore[return-value]

    def _maybe_user_edit(self) -> None:
        if not getattr(self, "_setting", False):
            self._user_edit()

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def value(self) -> str | None:
        text = self.text_edit.toPlainText().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.text_edit.toPlainText() != text:
            self._setting = True
            try:
                self.text_edit.setPlainText(text)
            finally:
                self._setting = False


class LinesField(TextField):
    """A list of texts, one per line (诉求)."""

    def value(self) -> list[str]:
        return [line.strip() for line in self.text_edit.toPlainText().splitlines() if line.strip()]

    def set_value(self, value: Any) -> None:
        if isinstance(value, str):
            value = [value]
        super().set_value("\n".join(str(v) for v in value or []))


# --------------------------------------------------------------------------- choices


class ChoiceField(Field):
    """A closed list (``QComboBox``): items are ``(label, code)``; an optional blank first item."""

    def __init__(
        self, key: str, items: Iterable[tuple[str, Any]], *, blank: str | None = "", default: Any = None, **kw
    ):
        editor = QComboBox()
        editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        editor.setMinimumContentsLength(6)
        self.blank = blank
        self.default = default
        super().__init__(key, editor, **kw)
        self.set_items(items)
        editor.currentIndexChanged.connect(self.changed)
        editor.activated.connect(self._user_edit)

    @property
    def combo(self) -> QComboBox:
        return self.editor  # type: ignore[return-value]

    def set_items(self, items: Iterable[tuple[str, Any]]) -> None:
        """Replace the items, keeping the current code if it is still there."""
        current = self.value()
        combo = self.combo
        combo.blockSignals(True)
        try:
            combo.clear()
            if self.blank is not None:
                combo.addItem(self.blank, None)
            for label, code in items:
                combo.addItem(label, code)
            index = combo.findData(current) if current is not None else -1
            if index < 0:
                index = combo.findData(self.default) if self.default is not None else -1
            combo.setCurrentIndex(max(index, 0))
        finally:
            combo.blockSignals(False)
        if self.value() != current:
            self.changed.emit()

    def codes(self) -> list[Any]:
        return [self.combo.itemData(i) for i in range(self.combo.count()) if self.combo.itemData(i) is not None]

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        combo = self.combo
        if value is None:
            target = combo.findData(self.default) if self.default is not None else 0
        else:
            target = combo.findData(value)
            if target < 0:  # a code this form does not offer (an older draft): keep it visible
                combo.addItem(str(value), value)
                target = combo.count() - 1
        if combo.currentIndex() != max(target, 0):
            combo.setCurrentIndex(max(target, 0))

    def clear(self) -> None:
        self.set_value(None)
        self.touched = False

    def is_blank(self) -> bool:
        return self.value() in (None, self.default)


class EditableChoiceField(Field):
    """Free text with suggestions (``QComboBox`` editable: 民族, 文化程度): the clerk may type anything."""

    def __init__(self, key: str, suggestions: Iterable[str], **kw):
        editor = QComboBox()
        editor.setEditable(True)
        editor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        editor.addItem("")
        editor.addItems(list(suggestions))
        editor.setCurrentIndex(0)
        completer = editor.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        super().__init__(key, editor, **kw)
        editor.editTextChanged.connect(self.changed)
        line = editor.lineEdit()
        line.textEdited.connect(self._user_edit)
        editor.activated.connect(self._user_edit)

    @property
    def combo(self) -> QComboBox:
        return self.editor  # type: ignore[return-value]

    def focus_widgets(self) -> list[QWidget]:
        return [self.editor, self.editor.lineEdit()]  # type: ignore[attr-defined]

    def value(self) -> str | None:
        text = self.combo.currentText().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.combo.currentText() != text:
            index = self.combo.findText(text) if text else 0
            if index >= 0:
                self.combo.setCurrentIndex(index)
            self.combo.setEditText(text)


class CheckField(Field):
    """A yes/no box. ``value()`` is ``True``/``False``; the section decides how it is written."""

    def __init__(self, key: str, text: str, **kw):
        editor = QCheckBox(text)
        super().__init__(key, editor, **kw)
        editor.toggled.connect(self.changed)
        editor.clicked.connect(self._user_edit)

    @property
    def box(self) -> QCheckBox:
        return self.editor  # type: ignore[return-value]

    def value(self) -> bool:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class MultiCheckField(Field):
    """Several codes chosen from a list (人群类别, 风险标记): a grid of check boxes."""

    def __init__(self, key: str, items: Iterable[tuple[str, str]], *, columns: int = 4, **kw):
        editor = QWidget()
        grid = QGridLayout(editor)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (label, code) in enumerate(items):
            box = QCheckBox(label)
            self.boxes[code] = box
            grid.addWidget(box, i // columns, i % columns)
        super().__init__(key, editor, **kw)
        for box in self.boxes.values():
            box.toggled.connect(self.changed)
            box.clicked.connect(self._user_edit)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.boxes.values())

    def styled_widgets(self) -> list[QWidget]:
        return []

    def value(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for code, box in self.boxes.items():
            box.setChecked(code in chosen)


class _DateTimeEdit(QDateTimeEdit):
    """Tab leaves the editor (to the next field of the form) instead of stepping through its sections;
    the arrow keys move between year, month, day, hour and minute."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class DateTimeField(Field):
    """受理时间: date and time with a calendar pop-up, written as ISO 8601 with the hall's offset.

    The editor shows the hall's wall-clock time (``[centre] timezone``, Asia/Shanghai by default)."""

    def __init__(self, key: str, *, timezone: str = "Asia/Shanghai", **kw):
        editor = _DateTimeEdit()
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.zone = ZoneInfo(timezone)
        self._setting = False
        super().__init__(key, editor, **kw)
        editor.dateTimeChanged.connect(self.changed)
        editor.dateTimeChanged.connect(self._maybe_user_edit)

    @property
    def dt_edit(self) -> QDateTimeEdit:
        return self.editor  # type: ignore[return-value]

    def _maybe_user_edit(self) -> None:
        if not self._setting:
            self._user_edit()

    def set_now(self) -> None:
        self.set_value(None)

    def value(self) -> str:
        qdt = self.dt_edit.dateTime()
        d, t = qdt.date(), qdt.time()
        local = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=self.zone)
        return local.isoformat()

    def set_value(self, value: Any) -> None:
        if not value:
            when = datetime.now(self.zone)
        else:
            try:
                when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            except ValueError:
                return
            when = when.replace(tzinfo=self.zone) if when.tzinfo is None else when.astimezone(self.zone)
        qdt = QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
        self._setting = True
        try:
            self.dt_edit.setDateTime(qdt)
        finally:
            self._setting = False

    def clear(self) -> None:
        self.set_now()
        self.touched = False

    def is_blank(self) -> bool:
        return True


# --------------------------------------------------------------------------- layout


class FormGrid(QWidget):
    """Fields in a compact grid: ``label | editor | label | editor``; wide fields span the row."""

    def __init__(self, parent: QWidget | None = None, *, columns: int = 2):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(4, 2, 4, 2)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(4)
        self.columns = columns
        for c in range(columns):
            self.grid.setColumnStretch(2 * c + 1, 1)
            self.grid.setColumnMinimumWidth(2 * c, 72)
        self._row = 0
        self._col = 0

    def _new_row(self) -> None:
        if self._col:
            self._row += 1
            self._col = 0

    def add(self, field: Field, *, wide: bool = False) -> Field:
        if wide:
            self._new_row()
            self.grid.addWidget(field.label, self._row, 0)
            self.grid.addWidget(field.cell, self._row, 1, 1, 2 * self.columns - 1)
            self._row += 1
            return field
        self.grid.addWidget(field.label, self._row, 2 * self._col)
        self.grid.addWidget(field.cell, self._row, 2 * self._col + 1)
        self._col += 1
        if self._col >= self.columns:
            self._new_row()
        return field

    def add_widget(self, widget: QWidget, *, label: QWidget | None = None) -> QWidget:
        self._new_row()
        if label is not None:
            self.grid.addWidget(label, self._row, 0)
        self.grid.addWidget(widget, self._row, 1, 1, 2 * self.columns - 1)
        self._row += 1
        return widget

    def skip(self) -> None:
        """Leave the current cell empty (the next field starts a column later)."""
        self._col += 1
        if self._col >= self.columns:
            self._new_row()


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(6)
    for w in widgets:
        lay.addWidget(w)
    if stretch:
        lay.addStretch(1)
    box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return box
