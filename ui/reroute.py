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

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from reception.errors import FieldError, ReceptionError, ValidationFailed
from reception.labels import enum_label
from ui.field_dialog import FieldDialog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeadTransfer:
    """The transfer a clerk acts on: which case, which department, and why it failed."""

    transfer_id: str
    case_no: str
    department: str
    role: str
    reason: str | None = None
    #: the department returned it (退回) rather than the dispatcher giving up on it
    returned: bool = False


# -- work done off the GUI thread -------------------------------------------------------------------------


def retry_transfer(ctx, transfer_id: str, user: str) -> None:
    from reception.dispatch import retry_dead

    retry_dead(ctx, transfer_id, user)


def reroute_transfer(ctx, transfer_id: str, department: str, reason: str, user: str) -> str:
    from reception.dispatch import reroute

    return reroute(ctx, transfer_id, department, reason, user)


# -- the re-route dialog ----------------------------------------------------------------------------------


class RerouteDialog(FieldDialog):
    """改派: another department and the reason; the core checks them, errors appear under their fields."""

    succeeded = Signal(str, str)  # the new transfer's id, the department it went to

    def __init__(self, desk, target: DeadTransfer, parent: QWidget | None = None):
        super().__init__(desk, parent, ok_text=self.tr("改派"), min_width=520)
        self.target = target
        self.new_transfer_id: str | None = None
        self._submitted: dict = {}
        lang = desk.lang
        config = desk.ctx.config
        self.setWindowTitle(self.tr("改派 — 案件 {0}").format(target.case_no))

        current = self.tr("{department}（{role}）").format(
            department=config.department_label(target.department, lang),
            role=enum_label("transfer_role", target.role, lang),
        )
        self.about_label = QLabel(self.tr("现转办部门：{0}").format(current))
        self.about_label.setWordWrap(True)
        self.root.insertWidget(0, self.about_label)
        if target.reason:
            shown = self.tr("部门退回理由：{0}") if target.returned else self.tr("推送失败原因：{0}")
            self.reason_shown = QLabel(shown.format(target.reason))
            self.reason_shown.setWordWrap(True)
            self.reason_shown.setObjectName("hint")
            self.reason_shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.root.insertWidget(1, self.reason_shown)

        self.department_box = QComboBox()
        for dept in config.departments.values():
            if dept.code != target.department:
                self.department_box.addItem(dept.label(lang), dept.code)
        self.department_box.setPlaceholderText(self.tr("请选择部门"))
        self.department_box.setCurrentIndex(-1)
        self.add_field("department", self.tr("改派到(&D)："), self.department_box)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setMaximumHeight(110)
        self.reason_edit.setPlaceholderText(self.tr("例如：该部门系统拒收，经与司法局沟通改由其办理"))
        self.add_field("reason", self.tr("改派理由(&R)："), self.reason_edit)
        self.setTabOrder(self.department_box, self.reason_edit)
        self.setTabOrder(self.reason_edit, self.buttons)
        self.department_box.setFocus()

    def field_message(self, error: FieldError) -> str:
        if error.field == "department" and not self.department_box.currentData():
            return self.tr("请选择改派的部门")
        return super().field_message(error)

    # -- submitting -------------------------------------------------------------------------------
    def values(self) -> dict:
        return {"department": self.department_box.currentData() or "", "reason": self.reason_edit.toPlainText()}

    def submit(self) -> None:
        if self.busy:
            return
        v = self._submitted = self.values()
        self.run_checked(
            reroute_transfer,
            self.desk.ctx,
            self.target.transfer_id,
            v["department"],
            v["reason"],
            self.desk.principal,
            name="transfer-reroute",
        )

    def succeeded_with(self, new_id: str) -> None:
        self.new_transfer_id = new_id
        self.succeeded.emit(new_id, self._submitted.get("department", ""))

    def done_after(self, result) -> None:
        self.desk.case_changed.emit(self.target.case_no)

    def failed_with(self, exc: BaseException) -> None:
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
            self.desk.principal,
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
