"""设置: what this workstation remembers (clerk name, language, receipt layout, printer), saved as soon
as it changes, and read-only facts a clerk or technician needs (database, hall configuration files,
log folder, keyring).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.labels import enum_label
from reception.paths import log_dir
from ui import state, style
from ui.desk import Desk

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

        # -- this workstation --
        self.clerk_edit = QLineEdit(state.text(s, state.CLERK))
        self.clerk_edit.setObjectName("clerkEdit")
        self.clerk_edit.setMaxLength(50)
        self.clerk_edit.setMaximumWidth(320)
        self.clerk_edit.setPlaceholderText(self.tr("受理人姓名，打印在回执上"))
        self.clerk_edit.textChanged.connect(self._clerk_changed)
        self.clerk_edit.editingFinished.connect(desk.settings.sync)

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
        form.addRow(self._buddy(self.tr("受理人(&N)"), self.clerk_edit), self.clerk_edit)
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(mine)
        layout.addWidget(info)
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
        self.clerk_edit.setFocus(Qt.FocusReason.OtherFocusReason)

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

    @Slot(str)
    def _clerk_changed(self, text: str) -> None:
        self._save(state.CLERK, text.strip(), sync=False)  # written to disk when editing finishes

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

    def refresh(self) -> None:
        """F5: look for printers again (one may have been installed) and re-check the keyring."""
        self.printer_combo.blockSignals(True)
        self._fill_printers()
        self.printer_combo.blockSignals(False)
        self._show_keyring()
