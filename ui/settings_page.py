"""设置: who is signed in (修改密码), what this workstation remembers (language, receipt layout, printer), saved as soon
as it changes, read-only facts a clerk or technician needs (database, hall configuration files, log
folder, keyring), and the backups: the folder, the last backup and 立即备份 (``reception.backup``, run in
the desk's runner).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.labels import enum_label
from reception.paths import log_dir
from ui import state, style
from ui.desk import Desk

log = logging.getLogger(__name__)

LAYOUTS = ("a4", "slip")
DEFAULT_LAYOUT = "a4"


def available_printers() -> tuple[list[str], str]:
    """``(printer names, default printer name)`` of this computer."""
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames()), QPrinterInfo.defaultPrinterName()


class SettingsPage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        s = desk.settings
        lang = desk.lang
        style.apply(self)

        title = QLabel(self.tr("设置"))
        title.setProperty("role", "heading")

        # -- the signed-in person (受理人 on forms and receipts) --
        self.user_value = self._value("", "userValue")
        self.password_button = QPushButton(self.tr("修改密码(&W)…"))
        self.password_button.setObjectName("changePassword")
        self.password_button.clicked.connect(self.change_password)
        self.password_dialog = None
        user_row = QHBoxLayout()
        user_row.addWidget(self.user_value)
        user_row.addWidget(self.password_button)
        user_row.addStretch(1)
        self._show_user(desk.principal)
        desk.principal_changed.connect(self._show_user)

        # -- this workstation --

        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem("中文（简体）", "zh")
        self.language_combo.addItem("English", "en")
        current_lang = state.text(s, state.LANGUAGE) or desk.lang
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current_lang)))
        self.language_combo.setMinimumWidth(160)
        self.language_combo.currentIndexChanged.connect(self._language_changed)
        self.language_note = QLabel(self.tr("语言在下次启动时生效。"))
        self.language_note.setObjectName("hint")
        lang_row = QHBoxLayout()
        lang_row.addWidget(self.language_combo)
        lang_row.addWidget(self.language_note, 1)

        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("layoutCombo")
        for code in LAYOUTS:
            self.layout_combo.addItem(enum_label("layout", code, lang), code)
        saved_layout = state.text(s, state.LAYOUT) or DEFAULT_LAYOUT
        self.layout_combo.setCurrentIndex(max(0, self.layout_combo.findData(saved_layout)))
        self.layout_combo.currentIndexChanged.connect(self._layout_changed)
        self.layout_combo.setMinimumWidth(160)
        layout_row = QHBoxLayout()
        layout_row.addWidget(self.layout_combo)
        layout_row.addStretch(1)

        self.printer_combo = QComboBox()
        self.printer_combo.setObjectName("printerCombo")
        self.printer_combo.setMinimumWidth(260)
        self.printer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.printer_note = QLabel()
        self.printer_note.setObjectName("hint")
        self.printer_note.setWordWrap(True)
        printer_row = QHBoxLayout()
        printer_row.addWidget(self.printer_combo)
        printer_row.addWidget(self.printer_note, 1)
        self._fill_printers()
        self.printer_combo.currentIndexChanged.connect(self._printer_changed)

        mine = QGroupBox(self.tr("本工作站"))
        form = QFormLayout(mine)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("当前用户"), user_row)
        form.addRow(self._buddy(self.tr("界面语言(&L)"), self.language_combo), lang_row)
        form.addRow(self._buddy(self.tr("回执格式(&R)"), self.layout_combo), layout_row)
        form.addRow(self._buddy(self.tr("打印机(&P)"), self.printer_combo), printer_row)

        # -- read-only facts --
        cfg = desk.ctx.config
        info = QGroupBox(self.tr("运行信息"))
        facts = QFormLayout(info)
        self.db_value = self._value(desk.ctx.db.display_url, "dbValue")
        facts.addRow(self.tr("数据库"), self.db_value)
        self.centre_value = self._value(
            self.tr("{0}（区划代码 {1}，工作站 {2}）").format(cfg.centre.name, cfg.centre.code, cfg.workstation.code),
            "centreValue",
        )
        facts.addRow(self.tr("本厅"), self.centre_value)
        files = "\n".join(str(p) for p in cfg.source_files)
        self.config_value = self._value(files, "configValue")
        self.config_value.setToolTip(self.tr("默认值在前，本厅配置文件在后，后者覆盖前者"))
        facts.addRow(self.tr("配置文件"), self.config_value)
        self.log_value = self._value(str(log_dir()), "logValue")
        open_logs = QPushButton(self.tr("打开"))
        open_logs.clicked.connect(self.open_log_folder)
        log_row = QHBoxLayout()
        log_row.addWidget(self.log_value, 1)
        log_row.addWidget(open_logs)
        facts.addRow(self.tr("日志文件夹"), log_row)
        self.keyring_value = self._value("", "keyringValue")
        self.keyring_value.setWordWrap(True)
        facts.addRow(self.tr("密钥存储"), self.keyring_value)
        self._show_keyring()

        # -- backups --
        backups = QGroupBox(self.tr("备份"))
        rows = QFormLayout(backups)
        self.sqlite = desk.ctx.db.dialect == "sqlite"
        from reception.backup import backup_folder

        self.backup_folder = backup_folder(desk.ctx)
        self.backup_folder_value = self._value(str(self.backup_folder), "backupFolderValue")
        self.backup_folder_value.setWordWrap(True)
        open_backups = QPushButton(self.tr("打开"))
        open_backups.setObjectName("openBackupFolder")
        open_backups.clicked.connect(self.open_backup_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder_value, 1)
        folder_row.addWidget(open_backups)
        rows.addRow(self.tr("备份文件夹"), folder_row)
        self.last_backup_value = self._value("…", "lastBackupValue")
        rows.addRow(self.tr("上次备份"), self.last_backup_value)
        self.backup_button = QPushButton(self.tr("立即备份(&B)"))
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_message = QLabel()
        self.backup_message.setObjectName("backupMessage")
        self.backup_message.setWordWrap(True)
        self.backup_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        action_row = QHBoxLayout()
        action_row.addWidget(self.backup_button)
        action_row.addWidget(self.backup_message, 1)
        rows.addRow("", action_row)
        if not self.sqlite:
            self.backup_folder_value.setText(self.tr("由数据库服务器备份（pg_dump），受理台不备份 PostgreSQL 数据库"))
            open_backups.setEnabled(False)
            self.backup_button.setEnabled(False)
            self.last_backup_value.setText("—")
        else:
            self._load_last_backup()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(mine)
        layout.addWidget(info)
        layout.addWidget(backups)
        layout.addStretch(1)

    # -- helpers ----------------------------------------------------------------------------------
    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def _value(self, text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def focus_first(self) -> None:
        self.language_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the signed-in person ---------------------------------------------------------------------
    def _show_user(self, principal) -> None:
        if principal is None:
            return
        from reception.security.roles import role_label

        self.user_value.setText(
            self.tr("{0}（{1}）").format(principal.display_name, role_label(principal.role, self.desk.lang))
        )
        self.user_value.setToolTip(self.tr("用户名：{0}").format(principal.username))

    @Slot()
    def change_password(self):
        """修改密码 (``ui.signin.ChangePasswordDialog``): the current password, then the new one twice."""
        from ui.signin import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.desk, self.desk.principal, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.changed.connect(self.desk.sign_in)
        self.password_dialog = dialog
        dialog.open()
        return dialog

    def _fill_printers(self) -> None:
        names, default = available_printers()
        saved = state.text(self.desk.settings, state.PRINTER)
        self.printer_combo.clear()
        if not names:
            self.printer_combo.addItem(self.tr("（无）"), "")
            self.printer_combo.setEnabled(False)
            self.printer_note.setText(self.tr("未找到打印机，将另存为 PDF"))
            return
        self.printer_combo.setEnabled(True)
        label = self.tr("系统默认打印机")
        self.printer_combo.addItem(self.tr("{0}（{1}）").format(label, default) if default else label, "")
        for name in names:
            self.printer_combo.addItem(name, name)
        index = self.printer_combo.findData(saved) if saved else 0
        if index < 0:
            self.printer_note.setText(self.tr("之前选择的打印机“{0}”已找不到，将使用系统默认打印机").format(saved))
            index = 0
        else:
            self.printer_note.setText("")
        self.printer_combo.setCurrentIndex(index)

    def _show_keyring(self) -> None:
        from reception.secrets import keyring_status

        secure, backend = keyring_status()
        if secure:
            text = self.tr("{0}（安全）").format(backend)
        else:
            text = self.tr("{0}（不安全：回执将不含核验码，部门推送的密钥也无法保存）").format(backend)
        self.keyring_value.setText(text)
        self.keyring_value.setProperty("tone", "ok" if secure else "warn")
        self.keyring_secure = secure

    # -- saving -----------------------------------------------------------------------------------
    def _save(self, key: str, value: str, *, sync: bool = True) -> None:
        self.desk.settings.setValue(key, value)
        if sync:
            self.desk.settings.sync()

    @Slot(int)
    def _language_changed(self, _index: int) -> None:
        self._save(state.LANGUAGE, self.language_combo.currentData())
        self.language_note.setText(self.tr("已保存，重新启动受理台后生效。"))

    @Slot(int)
    def _layout_changed(self, _index: int) -> None:
        self._save(state.LAYOUT, self.layout_combo.currentData())

    @Slot(int)
    def _printer_changed(self, _index: int) -> None:
        if self.printer_combo.isEnabled():
            self._save(state.PRINTER, self.printer_combo.currentData() or "")

    @Slot()
    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir())))

    # -- backups ----------------------------------------------------------------------------------
    def _load_last_backup(self) -> None:
        """Read the backup folder in the runner (it may be on another disk or computer)."""
        from reception.backup import last_backup

        self.desk.runner.run(
            last_backup, self.desk.ctx, on_done=self._show_last_backup, on_error=self._last_backup_failed
        )

    def _show_last_backup(self, entry) -> None:
        if entry is None:
            self.last_backup_value.setText(self.tr("尚未备份"))
            return
        kinds = {"daily": self.tr("每日自动"), "manual": self.tr("手动"), "pre-restore": self.tr("恢复前")}
        cases = (entry.manifest or {}).get("case_count")
        text = self.tr("{0}（{1}）").format(
            entry.taken_at.strftime("%Y-%m-%d %H:%M"), kinds.get(entry.kind, entry.kind)
        )
        if cases is not None:
            text += self.tr("，{0} 件案件").format(cases)
        self.last_backup_value.setText(text)
        self.last_backup_value.setToolTip(str(entry.path))

    def _last_backup_failed(self, exc: BaseException) -> None:
        self.last_backup_value.setText(self.tr("无法读取备份文件夹：{0}").format(exc))

    @Slot()
    def backup_now(self) -> None:
        """立即备份: ``reception.backup.backup_now`` in the runner; the result is shown beside the button."""
        from reception.backup import backup_now

        self.backup_button.setEnabled(False)
        self.backup_message.setText(self.tr("正在备份…"))
        self.backup_message.setProperty("tone", "")
        style.repolish(self.backup_message)
        self.desk.runner.run(
            backup_now,
            self.desk.ctx,
            datetime.now(UTC),
            user=self.desk.principal,
            on_done=self._backed_up,
            on_error=self._backup_failed,
            name="backup-now",
        )

    def _backed_up(self, info) -> None:
        self.backup_button.setEnabled(True)
        self.backup_message.setText(
            self.tr("已备份：{0}（{1} 件案件，{2:.1f} MB，用时 {3:.1f} 秒）").format(
                info.path.name, info.case_count, info.size / 1e6, info.seconds
            )
        )
        self.backup_message.setToolTip(str(info.path))
        self.backup_message.setProperty("tone", "ok")
        style.repolish(self.backup_message)
        self._load_last_backup()

    def _backup_failed(self, exc: BaseException) -> None:
        from reception.errors import ReceptionError

        self.backup_button.setEnabled(True)
        if isinstance(exc, ReceptionError):
            reason = exc.message(self.desk.lang)
        else:
            log.warning("backup failed", exc_info=exc)
            reason = f"{type(exc).__name__}: {exc}"
        self.backup_message.setText(self.tr("备份失败：{0}").format(reason))
        self.backup_message.setToolTip("")
        self.backup_message.setProperty("tone", "error")
        style.repolish(self.backup_message)

    @Slot()
    def open_backup_folder(self) -> None:
        self.backup_folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.backup_folder)))

    def refresh(self) -> None:
        """F5: look for printers again (one may have been installed), re-check the keyring and the last
        backup."""
        self.printer_combo.blockSignals(True)
        self._fill_printers()
        self.printer_combo.blockSignals(False)
        self._show_keyring()
        if self.sqlite:
            self._load_last_backup()
