"""重新推送 and 改派 of a dead letter (a transfer the dispatcher gave up on), shared by the 推送状态 page and
the case dialog.

- 重新推送 asks first, then puts the transfer back in the queue with the same transfer id (the department's
  ``Idempotency-Key``: it never gets it twice) — ``reception.dispatch.retry_dead``;
- 改派 opens :class:`RerouteDialog`: another department of the hall configuration and the reason (at least
  two characters). The core checks both (``reception.dispatch.reroute``); a problem is shown under its
  field and nothing is written.

Both run in the desk's runner. After either, ``desk.case_changed`` fires with the case number: the pages
showing the case or the queues read them again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reception.errors import FieldError, ReceptionError, ValidationFailed
from reception.labels import enum_label

log = logging.getLogger(__name__)

ERROR_COLOUR = "#a4262c"


@dataclass(frozen=True)
class DeadTransfer:
    """The transfer a clerk acts on: which case, which department, and why it failed."""

    transfer_id: str
    case_no: str
    department: str
    role: str
    reason: str | None = None


# -- work done off the GUI thread -------------------------------------------------------------------------


def retry_transfer(ctx, transfer_id: str, user: str) -> None:
    from reception.dispatch import retry_dead

    retry_dead(ctx, transfer_id, user)


def reroute_transfer(ctx, transfer_id: str, department: str, reason: str, user: str) -> str:
    from reception.dispatch import reroute

    return reroute(ctx, transfer_id, department, reason, user)


# -- the re-route dialog ----------------------------------------------------------------------------------


class RerouteDialog(QDialog):
    """改派: another department and the reason; the core checks them, errors appear under their fields."""

    succeeded = Signal(str, str)  # the new transfer's id, the department it went to

    def __init__(self, desk, target: DeadTransfer, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.target = target
        self.new_transfer_id: str | None = None
        self._busy = False
        self._submitted: dict = {}
        self._errors: dict[str, QLabel] = {}
        lang = desk.lang
        config = desk.ctx.config
        self.setWindowTitle(self.tr("改派 — 案件 {0}").format(target.case_no))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)

        root = QVBoxLayout(self)
        current = self.tr("{department}（{role}）").format(
            department=config.department_label(target.department, lang),
            role=enum_label("transfer_role", target.role, lang),
        )
        self.about_label = QLabel(self.tr("现转办部门：{0}").format(current))
        self.about_label.setWordWrap(True)
        root.addWidget(self.about_label)
        if target.reason:
            self.reason_shown = QLabel(self.tr("推送失败原因：{0}").format(target.reason))
            self.reason_shown.setWordWrap(True)
            self.reason_shown.setObjectName("hint")
            self.reason_shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            root.addWidget(self.reason_shown)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        root.addLayout(self.form)
        self.department_box = QComboBox()
        for dept in config.departments.values():
            if dept.code != target.department:
                self.department_box.addItem(dept.label(lang), dept.code)
        self.department_box.setPlaceholderText(self.tr("请选择部门"))
        self.department_box.setCurrentIndex(-1)
        self._add_field("department", self.tr("改派到(&D)："), self.department_box)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setMaximumHeight(110)
        self.reason_edit.setPlaceholderText(self.tr("例如：该部门系统拒收，经与司法局沟通改由其办理"))
        self._add_field("reason", self.tr("改派理由(&R)："), self.reason_edit)

        self.general_error = QLabel()
        self.general_error.setWordWrap(True)
        self.general_error.setStyleSheet(f"QLabel {{ color: {ERROR_COLOUR}; }}")
        self.general_error.hide()
        root.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("改派"))
        self.ok_button.setToolTip(self.tr("改派（Ctrl+Enter）"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.submit)
        self.setTabOrder(self.department_box, self.reason_edit)
        self.setTabOrder(self.reason_edit, self.buttons)
        self.department_box.setFocus()

    def _add_field(self, key: str, label: str, widget: QWidget) -> None:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        widget.installEventFilter(self)
        err = QLabel()
        err.setWordWrap(True)
        err.setStyleSheet(f"QLabel {{ color: {ERROR_COLOUR}; }}")
        err.hide()
        lay.addWidget(err)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.form.addRow(caption, box)
        self._errors[key] = err

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Ctrl+Enter from inside the reason box submits instead of adding a line break
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    # -- errors -----------------------------------------------------------------------------------
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

    def show_errors(self, errors: list[FieldError]) -> None:
        lang = self.desk.lang
        general: list[str] = []
        first: QWidget | None = None
        for e in errors:
            label = self._errors.get(e.field)
            if label is None:
                general.append(e.text(lang))
                continue
            if e.field == "department" and not self.department_box.currentData():
                text = self.tr("请选择改派的部门")
            else:
                text = e.message(lang)
            label.setText((label.text() + "\n" if label.text() else "") + text)
            label.show()
            if first is None:
                first = self.department_box if e.field == "department" else self.reason_edit
        if general:
            self.show_general("\n".join(general))
        if first is not None:
            first.setFocus()

    def show_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.show()

    # -- submitting -------------------------------------------------------------------------------
    def values(self) -> dict:
        return {"department": self.department_box.currentData() or "", "reason": self.reason_edit.toPlainText()}

    def submit(self) -> None:
        if self._busy:
            return
        self.clear_errors()
        self._busy = True
        self.ok_button.setEnabled(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        v = self._submitted = self.values()
        self.desk.runner.run(
            reroute_transfer,
            self.desk.ctx,
            self.target.transfer_id,
            v["department"],
            v["reason"],
            self.desk.clerk,
            on_done=self._done,
            on_error=self._failed,
            name="transfer-reroute",
        )

    def _idle(self) -> bool:
        self._busy = False
        if not shiboken6.isValid(self):
            return False
        self.ok_button.setEnabled(True)
        self.unsetCursor()
        return True

    def _done(self, new_id: str) -> None:
        alive = self._idle()
        if alive:
            self.new_transfer_id = new_id
            self.accept()
            self.succeeded.emit(new_id, self._submitted.get("department", ""))
        self.desk.case_changed.emit(self.target.case_no)

    def _failed(self, exc: BaseException) -> None:
        if not self._idle():
            return
        if isinstance(exc, ValidationFailed):
            self.show_errors(exc.errors)
        elif isinstance(exc, ReceptionError):
            self.show_general(exc.message(self.desk.lang))
            self.desk.case_changed.emit(self.target.case_no)  # someone else acted on it: show what is now
        else:
            log.error("re-routing a transfer failed", exc_info=exc)
            self.show_general(self.tr("出现意外错误，未改派：{error}").format(error=type(exc).__name__))
            self.desk.error.emit(exc)


# -- both actions, for a page -----------------------------------------------------------------------------


class DeadLetterActions(QObject):
    """重新推送 (asked first) and 改派 of a dead letter, for the page that owns ``parent``.

    ``done(message)`` after either succeeded, ``failed(message)`` when the core refused (for example the
    transfer was retried from another workstation meanwhile); unexpected errors go to ``desk.error``."""

    done = Signal(str)
    failed = Signal(str)

    def __init__(self, desk, parent: QWidget):
        super().__init__(parent)
        self.desk = desk
        self.widget = parent
        self.confirm_box: QMessageBox | None = None
        self.reroute_dialog: RerouteDialog | None = None
        self.busy = False

    def _department(self, code: str) -> str:
        return self.desk.ctx.config.department_label(code, self.desk.lang)

    # -- 重新推送 ----------------------------------------------------------------------------------
    def retry(self, target: DeadTransfer) -> QMessageBox:
        """Ask, then put the transfer back in the queue. Returns the (window-modal) question."""
        box = QMessageBox(self.widget)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("重新推送"))
        box.setText(
            self.tr("把案件 {case_no} 转给{department}的转办重新放回推送队列？").format(
                case_no=target.case_no, department=self._department(target.department)
            )
        )
        box.setInformativeText(
            self.tr("将使用原转办编号重新推送，部门不会收到重复的转办。如部门拒收的原因未解决，请改派。")
        )
        yes = box.addButton(self.tr("重新推送"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def answered(_result: int) -> None:
            if box.clickedButton() is yes:
                self._run_retry(target)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
        return box

    def _run_retry(self, target: DeadTransfer) -> None:
        self.busy = True

        def done(_result) -> None:
            self.busy = False
            self.done.emit(
                self.tr("已重新排队：案件 {case_no} → {department}").format(
                    case_no=target.case_no, department=self._department(target.department)
                )
            )
            self.desk.case_changed.emit(target.case_no)

        def failed(exc: BaseException) -> None:
            self.busy = False
            if isinstance(exc, ReceptionError):
                self.failed.emit(exc.message(self.desk.lang))
                self.desk.case_changed.emit(target.case_no)
            else:
                log.error("retrying a transfer failed", exc_info=exc)
                self.failed.emit(self.tr("出现意外错误，未重新推送：{error}").format(error=type(exc).__name__))
                self.desk.error.emit(exc)

        self.desk.runner.run(
            retry_transfer,
            self.desk.ctx,
            target.transfer_id,
            self.desk.clerk,
            on_done=done,
            on_error=failed,
            name="transfer-retry",
        )

    # -- 改派 --------------------------------------------------------------------------------------
    def reroute(self, target: DeadTransfer) -> RerouteDialog:
        dialog = RerouteDialog(self.desk, target, self.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        def succeeded(_new_id: str, department: str) -> None:
            self.done.emit(
                self.tr("已改派：案件 {case_no} 改由{department}办理").format(
                    case_no=target.case_no, department=self._department(department)
                )
            )

        dialog.succeeded.connect(succeeded)
        self.reroute_dialog = dialog
        dialog.open()
        return dialog


__all__ = ["DeadLetterActions", "DeadTransfer", "RerouteDialog", "reroute_transfer", "retry_transfer"]
