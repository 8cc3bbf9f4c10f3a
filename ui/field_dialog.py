"""A small window-modal form whose input the core checks: each field has a line under it for the core's
message about that field, a line at the bottom for anything else, OK/Cancel (Ctrl+Enter saves, also from
inside a text box), and one submission at a time run in the desk's runner.

Subclasses add their fields with :meth:`FieldDialog.add_field`, start the core call with
:meth:`FieldDialog.run_checked` from ``submit()`` and decide what success and failure mean in
``succeeded_with(result)`` and ``failed_with(exc)`` (:meth:`show_errors` puts a ``ValidationFailed``'s
messages under their fields).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from reception.errors import FieldError
from ui.hooks import require_hooks

ERROR_COLOUR = "#a4262c"


class FieldDialog(QDialog):
    def __init__(self, desk, parent: QWidget | None, *, ok_text: str, min_width: int = 480):
        super().__init__(parent)
        self.desk = desk
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(min_width)
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._busy = False
        self.root = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.root.addLayout(self.form)
        self.general_error = self._error_label()
        self.root.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.set_ok_text(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.root.addWidget(self.buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.submit)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        require_hooks(cls, FieldDialog, ("submit", "succeeded_with", "failed_with"))

    def set_ok_text(self, text: str) -> None:
        self.ok_button.setText(text)
        self.ok_button.setToolTip(self.tr("{0}（Ctrl+Enter）").format(text))

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(f"QLabel {{ color: {ERROR_COLOUR}; }}")
        label.hide()
        return label

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Ctrl+Enter saves from inside a text box too (the shortcut needs an active window; a key press
        # the text box receives directly would otherwise become a line break)
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    def add_field(self, key: str, label: str, widget: QWidget) -> QLabel:
        """A row: caption (its mnemonic focuses ``widget``), the widget, and the line for its message."""
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        widget.installEventFilter(self)
        err = self._error_label()
        lay.addWidget(err)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.form.addRow(caption, box)
        self._errors[key] = err
        self._fields[key] = widget
        return caption

    # -- messages ---------------------------------------------------------------------------------
    def error_text(self, key: str) -> str:
        """The message shown under the field ``key`` ("" when none)."""
        label = self._errors.get(key)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()
        self.general_error.clear()
        self.general_error.hide()

    def field_message(self, error: FieldError) -> str:
        """The text shown under a field for ``error`` (a subclass may say it in the form's own words)."""
        return error.message(self.desk.lang)

    def show_errors(self, errors: list[FieldError]) -> None:
        """Each message under its field (the first such field gets the focus); the rest at the bottom."""
        general: list[str] = []
        first: QWidget | None = None
        for e in errors:
            label = self._errors.get(e.field)
            if label is None:
                general.append(e.text(self.desk.lang))
                continue
            label.setText((label.text() + "\n" if label.text() else "") + self.field_message(e))
            label.show()
            if first is None:
                first = self._fields[e.field]
        if general:
            self.show_general("\n".join(general))
        if first is not None:
            first.setFocus()

    def show_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.show()

    # -- submitting -------------------------------------------------------------------------------
    def run_checked(self, fn: Callable[..., Any], *args: Any, name: str, **kwargs: Any) -> None:
        """Run the core call ``fn`` in the runner, once at a time; then ``succeeded_with`` or ``failed_with``
        (not called when the dialog is gone meanwhile — see :meth:`done_after`)."""
        if self._busy:
            return
        self.clear_errors()
        self._busy = True
        self.ok_button.setEnabled(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.desk.runner.run(fn, *args, **kwargs, on_done=self._done, on_error=self._failed, name=name)

    @property
    def busy(self) -> bool:
        return self._busy

    def _idle(self) -> bool:
        self._busy = False
        if not shiboken6.isValid(self):
            return False
        self.ok_button.setEnabled(True)
        self.unsetCursor()
        return True

    def _done(self, result: Any) -> None:
        alive = self._idle()
        if alive:
            self.accept()
            self.succeeded_with(result)
        self.done_after(result)

    def _failed(self, exc: BaseException) -> None:
        if self._idle():
            self.failed_with(exc)

    def done_after(self, result: Any) -> None:
        """After a success, whether or not the dialog is still there (e.g. tell the pages to reload)."""
