"""关于 (帮助 → 关于…): the version, where the data are, and the licences of the shipped fonts and libraries.

Everything shown comes from the core (``reception.about``), read in the desk's runner (the libraries'
metadata take ~0.1 s): the database as a URL with its password and keys hidden, the data, config and log
folders, the hall file, and one row per shipped component with its version and licence as its own metadata
states it; choosing a row shows the licence texts below. 复制 copies the same information as plain text
(for a support request). Qt's own version comes from Qt here (the core does not import Qt).
"""

from __future__ import annotations

import logging

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.paths import resource_path

log = logging.getLogger(__name__)

ICON_SIZE = 64


def load_about(db_url: str, config):
    """The core's About information for the desk's database and hall configuration (in the runner)."""
    from reception.about import about_info, hall_file_of

    return about_info(db_url, hall_file=hall_file_of(config))


class AboutDialog(QDialog):
    """Non-modal; closes with Esc or 关闭."""

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.info = None
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("关于一站式受理台"))
        self.setModal(False)
        self.resize(820, 720)
        self._build()
        self.desk.runner.run(
            load_about,
            desk.ctx.db.url,
            desk.ctx.config,
            on_done=self._show_info,
            on_error=self._failed,
            name="about",
        )

    # -- building -----------------------------------------------------------------------------------
    def _build(self) -> None:
        root = QVBoxLayout(self)

        head = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(QIcon(str(resource_path("icons", "desk.png"))).pixmap(ICON_SIZE, ICON_SIZE))
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        title = QLabel(self.tr("一站式受理台"))
        title.setProperty("role", "heading")
        f = title.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        title.setFont(f)
        titles.addWidget(title)
        self.version_label = QLabel(self.tr("版本 …"))
        self.version_label.setObjectName("aboutVersion")
        titles.addWidget(self.version_label)
        subtitle = QLabel(self.tr("综治中心统一受理、分流转办、跟踪督办"))
        subtitle.setObjectName("hint")
        titles.addWidget(subtitle)
        titles.addStretch(1)
        head.addLayout(titles, 1)
        root.addLayout(head)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for key, text in (
            ("runtime", self.tr("运行环境：")),
            ("program", self.tr("程序位置：")),
            ("database", self.tr("数据库：")),
            ("database_file", self.tr("数据库文件：")),
            ("data", self.tr("数据文件夹：")),
            ("config", self.tr("配置文件夹：")),
            ("log", self.tr("日志文件夹：")),
            ("hall", self.tr("本厅配置文件：")),
        ):
            value = QLabel("…")
            value.setObjectName(f"about_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(text, value)
            self.fields[key] = value
        root.addLayout(self.form)

        heading = QLabel(self.tr("随附的字体和程序库及其许可证"))
        heading.setProperty("role", "heading")
        f = heading.font()
        f.setBold(True)
        heading.setFont(f)
        root.addWidget(heading)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("licenceTable")
        self.table.setHorizontalHeaderLabels([self.tr("名称"), self.tr("版本"), self.tr("许可证"), self.tr("类别")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.currentCellChanged.connect(self._row_changed)
        splitter.addWidget(self.table)
        self.licence_view = QPlainTextEdit()
        self.licence_view.setObjectName("licenceText")
        self.licence_view.setReadOnly(True)
        self.licence_view.setPlaceholderText(self.tr("选择一行以查看许可证全文"))
        splitter.addWidget(self.licence_view)
        splitter.setSizes([260, 200])
        root.addWidget(splitter, 1)

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(self.tr("复制(&C)"))
        self.copy_button.setToolTip(self.tr("复制以上信息（不含许可证全文），便于报告问题"))
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        root.addWidget(buttons)

    # -- filling ------------------------------------------------------------------------------------
    def runtime_text(self, info) -> str:
        return self.tr("Python {0} · Qt {1}（PySide6 {2}）· {3}").format(
            info.python, qVersion(), PySide6.__version__, info.platform
        )

    def _show_info(self, info) -> None:
        from reception.about import label

        self.info = info
        lang = self.desk.lang
        self.version_label.setText(self.tr("版本 {0}").format(info.version))
        self.fields["runtime"].setText(self.runtime_text(info))
        self.fields["program"].setText(str(info.program_dir))
        self.fields["database"].setText(info.database)
        self.fields["database_file"].setText(str(info.database_file) if info.database_file else "—")
        self.fields["data"].setText(str(info.data_dir))
        self.fields["config"].setText(str(info.config_dir))
        self.fields["log"].setText(str(info.log_dir))
        self.fields["hall"].setText(str(info.hall_file) if info.hall_file else label("example", lang))
        kinds = {
            "font": self.tr("字体"),
            "runtime": self.tr("运行环境"),
            "library": self.tr("程序库"),
            "dependency": self.tr("依赖库"),
        }
        self.table.setRowCount(len(info.components))
        for row, c in enumerate(info.components):
            for col, text in enumerate((c.name, c.version, c.licence, kinds.get(c.kind, c.kind))):
                item = QTableWidgetItem(text)
                item.setToolTip(c.note_text(lang) or c.url or "")
                self.table.setItem(row, col, item)
        self.copy_button.setEnabled(True)
        if info.components:
            self.table.setCurrentCell(0, 0)

    def _failed(self, exc: BaseException) -> None:
        log.warning("about: information unavailable: %s", type(exc).__name__, exc_info=exc)
        self.version_label.setText(self.tr("无法读取程序信息：{0}").format(type(exc).__name__))

    def _row_changed(self, row: int, *_args) -> None:
        if self.info is None or not 0 <= row < len(self.info.components):
            return
        from reception.about import licence_text

        c = self.info.components[row]
        lines = [f"{c.name} {c.version} — {c.licence}"]
        if c.url:
            lines.append(c.url)
        if c.note_text(self.desk.lang):
            lines.append(c.note_text(self.desk.lang))
        lines.append("")
        text = licence_text(c) if c.licence_files else self.tr("（此组件未附许可证全文）")
        self.licence_view.setPlainText("\n".join(lines) + "\n" + text)

    def copy(self) -> str:
        """Put the About information on the clipboard (and return it)."""
        from reception.about import about_text

        if self.info is None:
            return ""
        text = about_text(self.info, self.desk.lang, qt=f"Qt {qVersion()} (PySide6 {PySide6.__version__})")
        QGuiApplication.clipboard().setText(text)
        return text
