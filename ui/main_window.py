"""The main window: navigation on the left, one page at a time on the right, the status bar below.

:data:`PAGES` is the one place that lists the pages: key, title, where the class lives, and whether it
is built at start. The intake page is built at start (it is what the clerk sees first); the others on
their first visit, which keeps the start fast. Ctrl+1…Ctrl+5 switch pages, F5 refreshes the current
page when it has ``refresh()``. The menu bar has 帮助 → 关于… (``ui.about``: version, database, folders,
licences).

Pages open a case with ``desk.open_case.emit(case_no)``; the window shows the case's
:data:`CASE_DETAIL` dialog (non-modal, one per case: asking again raises the open one).

Who is signed in (``desk.principal``) decides what the window offers: a page whose permission the role
lacks is disabled in the navigation with a tool tip saying why, or left out altogether (账户管理 for anyone
without ``user.manage``); the core refuses on its own in any case. The status bar names the person and
role. The idle lock (``ui.idle_lock``; Ctrl+L or the 锁定 button at once) covers the window after
``[accounts] idle_lock_minutes`` without input; its 切换用户 signs out: the window closes (an unsaved intake
form is kept as a draft) and emits ``signed_out`` instead of ``closed``.

The status bar shows the database in use (password hidden), the transfers waiting to be pushed, and
the state of the department queues as the departments' last push attempts show it (``reception.overview``:
not configured, a push failed with its error, every department reached and when, or not pushed yet),
refreshed in the background every 15 s and after a case is saved or changed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from ui import state, style
from ui.desk import Desk
from ui.idle_lock import IdleLock, close_modal_dialogs

log = logging.getLogger(__name__)

PageFactory = Callable[[Desk, QWidget | None], QWidget]

STATUS_EVERY_MS = 15_000
#: the text of a page the role may not use
DISABLED_COLOUR = "#9aa3af"


@dataclass(frozen=True)
class PageSpec:
    key: str
    #: source text (Chinese), translated in the context "MainWindow"
    title: str
    #: ``"module:Class"`` imported on first use, or a callable ``(desk, parent) -> QWidget``
    factory: str | PageFactory
    #: build at start instead of on the first visit
    eager: bool = False
    #: the permission (``reception.security.roles``) the page is for; None: everyone signed in
    permission: str | None = None
    #: without the permission the page is left out of the window (else shown disabled, with the reason)
    hidden_without: bool = False


PAGES: list[PageSpec] = [
    PageSpec(
        "intake",
        QT_TRANSLATE_NOOP("MainWindow", "受理登记"),
        "ui.intake.form:IntakePage",
        eager=True,
        permission="case.register",
    ),
    PageSpec("cases", QT_TRANSLATE_NOOP("MainWindow", "案件查询"), "ui.cases.page:CasesPage", permission="case.view"),
    PageSpec("queues", QT_TRANSLATE_NOOP("MainWindow", "推送状态"), "ui.queues:QueuesPage", permission="case.view"),
    PageSpec(
        "dayclose", QT_TRANSLATE_NOOP("MainWindow", "日结"), "ui.dayclose:DayClosePage", permission="export.register"
    ),
    PageSpec("settings", QT_TRANSLATE_NOOP("MainWindow", "设置"), "ui.settings_page:SettingsPage"),
    PageSpec(
        "accounts",
        QT_TRANSLATE_NOOP("MainWindow", "账户管理"),
        "ui.accounts_page:AccountsPage",
        permission="user.manage",
        hidden_without=True,
    ),
    PageSpec(
        "audit",
        QT_TRANSLATE_NOOP("MainWindow", "审计日志"),
        "ui.audit_page:AuditPage",
        permission="audit.view",
        hidden_without=True,
    ),
]

#: the case dialog: ``"module:Class"`` or a callable ``(desk, case_no, parent) -> QDialog``
CASE_DETAIL: str | Callable = "ui.cases.detail:CaseDetailDialog"


def resolve(target: str | Callable) -> Callable:
    if callable(target):
        return target
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _alive(obj) -> bool:
    from shiboken6 import isValid

    return obj is not None and isValid(obj)


def elide_middle(text: str, limit: int = 64) -> str:
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return text[:keep] + "…" + text[-(limit - 1 - keep) :]


class MainWindow(QMainWindow):
    closed = Signal()  # the window was closed (the application quits)
    signed_out = Signal()  # the window closed for 切换用户 (the desk asks who signs in next)
    page_changed = Signal(str)  # key of the page now shown

    def __init__(self, desk: Desk, parent: QWidget | None = None):
        super().__init__(parent)
        if desk.principal is None:
            raise RuntimeError("the main window needs a signed-in person (desk.sign_in)")
        self.desk = desk
        self.setObjectName("mainWindow")
        self.specs: list[PageSpec] = [s for s in PAGES if not (s.hidden_without and not self.allowed(s))]
        self.pages: dict[str, QWidget] = {}
        self.case_dialogs: dict[str, QWidget] = {}
        self._signing_out = False
        self.setWindowTitle(self.tr("一站式受理台 — {0}").format(desk.ctx.config.centre.name))

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.nav.setUniformItemSizes(True)
        for n, spec in enumerate(self.specs, start=1):
            item = QListWidgetItem(QCoreApplication.translate("MainWindow", spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"Ctrl+{n}")
            if not self.allowed(spec):
                item.setFlags(item.flags() & ~(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable))
                item.setToolTip(self.refusal(spec))
            self.nav.addItem(item)
        style.apply(self.nav)
        # a page the role may not use is greyed (the desk's sheet colours every item alike)
        self.nav.setStyleSheet(
            self.nav.styleSheet() + f"\nQListWidget#nav::item:disabled {{ color: {DISABLED_COLOUR}; }}"
        )
        self.nav.setFixedWidth(max(132, self.nav.sizeHintForColumn(0) + 36))
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        for n in range(1, min(9, len(self.specs)) + 1):
            sc = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda n=n: self._shortcut_page(n - 1))
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WindowShortcut)
        refresh.activated.connect(self.refresh_current)

        self.idle_lock = IdleLock(desk, self, desk.ctx.config.accounts.idle_lock_minutes, unsaved=self._intake_unsaved)
        self.idle_lock.sign_out_requested.connect(self.sign_out)
        lock = QShortcut(QKeySequence("Ctrl+L"), self)
        lock.setContext(Qt.ShortcutContext.ApplicationShortcut)  # from a case dialog too
        lock.activated.connect(self.idle_lock.lock)

        self._build_status_bar()
        self._build_help_menu()
        desk.open_case.connect(self.open_case)
        desk.case_saved.connect(self.refresh_status)
        desk.case_changed.connect(self.refresh_status)
        desk.principal_changed.connect(self._show_user)

        for spec in self.specs:
            if spec.eager and self.allowed(spec):
                self._page(spec)
        self._restore()
        self.nav.currentRowChanged.connect(self._nav_changed)

    # -- who is signed in -------------------------------------------------------------------------
    def allowed(self, spec: PageSpec) -> bool:
        """Whether the signed-in person's role may use the page (the core checks again on its own)."""
        return spec.permission is None or self.desk.may(spec.permission)

    def refusal(self, spec: PageSpec) -> str:
        """Why the page is not available: the core's own words (``PermissionDenied``)."""
        from reception.security.roles import PermissionDenied

        role = self.desk.principal.role if self.desk.principal else "clerk"
        return PermissionDenied(role, spec.permission or "case.view").message(self.desk.lang)

    def _intake_unsaved(self) -> bool:
        page = self.pages.get("intake")
        return bool(page is not None and getattr(page, "dirty", False))

    @Slot()
    def sign_out(self) -> None:
        """切换用户: answer the dialogs still waiting (as cancelled), then close; the intake page keeps an
        unsaved form as a draft (``can_close``); ``signed_out`` is emitted instead of ``closed``."""
        log.info("signing out %s", self.desk.clerk)
        self.idle_lock.audit_event("logout")
        self._signing_out = True
        self.idle_lock.release()
        close_modal_dialogs()
        # after the dialogs' own event loops have returned
        QTimer.singleShot(0, self.close)

    # -- pages ------------------------------------------------------------------------------------
    def _index(self, key: str) -> int:
        for i, spec in enumerate(self.specs):
            if spec.key == key:
                return i
        raise KeyError(key)

    def _page(self, spec: PageSpec) -> QWidget:
        page = self.pages.get(spec.key)
        if page is None:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                page = resolve(spec.factory)(self.desk, self.stack)  # built in place: no re-polish on addWidget
            finally:
                QGuiApplication.restoreOverrideCursor()
            page.setObjectName(page.objectName() or f"page_{spec.key}")
            self.pages[spec.key] = page
            self.stack.addWidget(page)
        return page

    @property
    def current_key(self) -> str | None:
        w = self.stack.currentWidget()
        for key, page in self.pages.items():
            if page is w:
                return key
        return None

    def page(self, key: str) -> QWidget:
        """The page ``key`` (built now if it was not yet), without showing it."""
        return self._page(self.specs[self._index(key)])

    def _shortcut_page(self, index: int) -> None:
        if self.allowed(self.specs[index]):
            self.show_page(index)

    def show_page(self, which: int | str) -> QWidget:
        """Show a page by index or key, building it on its first visit. A page the role may not use is
        refused (``PermissionDenied``)."""
        index = which if isinstance(which, int) else self._index(which)
        spec = self.specs[index]
        if not self.allowed(spec):
            from reception.security.roles import PermissionDenied

            raise PermissionDenied(self.desk.principal.role, spec.permission)
        before = self.nav.currentRow()
        try:
            page = self._page(spec)
        except Exception:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(before)
            self.nav.blockSignals(False)
            raise
        self.stack.setCurrentWidget(page)
        if self.nav.currentRow() != index:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(index)
            self.nav.blockSignals(False)
        focus_first = getattr(page, "focus_first", None)
        if callable(focus_first):
            focus_first()
        self.page_changed.emit(spec.key)
        return page

    @Slot(int)
    def _nav_changed(self, row: int) -> None:
        if row >= 0:
            self.show_page(row)

    @Slot()
    def refresh_current(self) -> None:
        page = self.stack.currentWidget()
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
        self.refresh_status()

    # -- cases ------------------------------------------------------------------------------------
    @Slot(str)
    def open_case(self, case_no: str):
        """Show the case's dialog (non-modal); a case already open is raised instead of opened twice."""
        dialog = self.case_dialogs.get(case_no)
        if _alive(dialog):
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        dialog = resolve(CASE_DETAIL)(self.desk, case_no, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        if hasattr(dialog, "setModal"):
            dialog.setModal(False)

        def forget(*_args, case_no=case_no, dialog=dialog) -> None:
            if self.case_dialogs.get(case_no) is dialog:
                del self.case_dialogs[case_no]

        if hasattr(dialog, "finished"):
            dialog.finished.connect(forget)
        dialog.destroyed.connect(forget)
        self.case_dialogs[case_no] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    # -- help ---------------------------------------------------------------------------------------
    def _build_help_menu(self) -> None:
        """帮助 → 关于… (``ui.about``: version, database, folders, licences)."""
        menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        menu.setObjectName("helpMenu")
        self.about_action = menu.addAction(self.tr("关于(&A)…"))
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.show_about)

    @Slot()
    def show_about(self):
        """The About dialog (non-modal, one at a time: asking again raises the open one)."""
        dialog = getattr(self, "_about", None)
        if not _alive(dialog):
            from ui.about import AboutDialog

            dialog = self._about = AboutDialog(self.desk, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    # -- status bar -------------------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        bar.setSizeGripEnabled(True)
        style.apply(bar)
        self.user_label = QLabel()
        self.user_label.setObjectName("statusUser")
        self.lock_button = QToolButton()
        self.lock_button.setObjectName("lockButton")
        self.lock_button.setText(self.tr("锁定"))
        self.lock_button.setToolTip(self.tr("锁定受理台，离开时使用（Ctrl+L）"))
        self.lock_button.setAutoRaise(True)
        self.lock_button.clicked.connect(self.idle_lock.lock)
        self._show_user(self.desk.principal)
        self.db_label = QLabel()
        self.db_label.setObjectName("statusDatabase")
        url = self.desk.ctx.db.display_url
        self.db_label.setText(self.tr("数据库：{0}").format(elide_middle(url)))
        self.db_label.setToolTip(url)
        self.pending_label = QLabel(self.tr("待推送：…"))
        self.pending_label.setObjectName("statusPending")
        self.queue_label = QLabel(self.tr("部门队列：…"))
        self.queue_label.setObjectName("statusQueues")
        for w in (self.user_label, self.lock_button, self.db_label, self.pending_label, self.queue_label):
            bar.addPermanentWidget(w)
        self.status = None
        # a flag, not the task handle: the runner may deliver a quick task's result before run() returns
        self._status_busy = False
        self._status_again = False
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(STATUS_EVERY_MS)
        self.status_timer.timeout.connect(self.refresh_status)  # started when the window shows

    def _show_user(self, principal) -> None:
        if principal is None:
            return
        from reception.security.roles import role_label

        self.user_label.setText(
            self.tr("用户：{0}（{1}）").format(principal.display_name, role_label(principal.role, self.desk.lang))
        )
        self.user_label.setToolTip(self.tr("用户名：{0}").format(principal.username))

    def refresh_status(self, *_args) -> None:
        """Read the status figures in the runner; a request while one is running runs once after it.
        Nothing is read while the window is hidden (closed)."""
        if not self.isVisible():
            return
        if self._status_busy:
            self._status_again = True
            return
        from reception.overview import desk_status

        self._status_busy = True
        self._status_again = False
        self.desk.runner.run(
            desk_status, self.desk.ctx, on_done=self._show_status, on_error=self._status_failed, name="desk-status"
        )

    def _status_finished(self) -> None:
        self._status_busy = False
        if self._status_again:
            self.refresh_status()

    def _show_status(self, st) -> None:
        self.status = st
        text = self.tr("待推送：{0}").format(st.pending_pushes)
        if st.failed_pushes:
            text += self.tr("（失败 {0}）").format(st.failed_pushes)
        self.pending_label.setText(text)
        self.pending_label.setToolTip(
            self.tr("{0} 件案件的 {1} 条转办尚未送达部门；{2} 条推送失败，需要人工处理").format(
                st.pending_cases, st.pending_pushes, st.failed_pushes
            )
        )
        self._show_queues_state(st)
        self.queue_label.setProperty("state", st.queues)
        style.repolish(self.queue_label)  # the colour follows the state
        self._status_finished()

    def _show_queues_state(self, st) -> None:
        """Department queues as the last push attempts show them: not configured, failing (with the
        error), reached (with when), or not known yet (never pushed). Each department in the tool tip."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from ui.queues import last_push_text

        config = self.desk.ctx.config
        now = datetime.now(ZoneInfo(config.centre.timezone))
        last = st.last_attempt
        if st.queues == "not_configured":
            self.queue_label.setText(self.tr("部门队列：未配置推送地址"))
            self.queue_label.setToolTip(
                self.tr("各部门均未在本厅配置文件中配置推送方式，转办保存在待推送队列中，不会自动送达。")
            )
            return
        if not st.departments_pushing:
            self.queue_label.setText(
                self.tr("部门队列：已配置 {0} 个，均为纸质转办").format(len(st.departments_with_transport))
            )
            self.queue_label.setToolTip(self.tr("这些部门凭打印的转办单转办，答复须手工录入；不自动推送。"))
            return
        attempts = {a.department: a for a in st.last_attempts}
        lines = [
            self.tr("{0}：{1}").format(
                config.department_label(code, self.desk.lang),
                last_push_text(attempts.get(code), pushes=True, now=now, limit=120),
            )
            for code in st.departments_pushing
        ]
        self.queue_label.setToolTip("\n".join(lines))
        if st.queues == "failing":
            failing = [a for a in st.last_attempts if a.failed]
            newest = max(failing, key=lambda a: (a.at, a.id))
            self.queue_label.setText(
                self.tr("部门队列：{0} 个部门推送失败 — {1}").format(
                    len(failing), last_push_text(newest, pushes=True, now=now, limit=48)
                )
            )
        elif st.queues == "reachable":
            self.queue_label.setText(
                self.tr("部门队列：{0} 个部门均已送达 — {1}").format(
                    len(st.departments_pushing), last_push_text(last, pushes=True, now=now)
                )
            )
        elif last is None:
            self.queue_label.setText(self.tr("部门队列：已配置 {0} 个 — 尚未推送").format(len(st.departments_pushing)))
        else:
            self.queue_label.setText(
                self.tr("部门队列：{0} 个部门尚未推送 — {1}").format(
                    len(st.departments_untried), last_push_text(last, pushes=True, now=now)
                )
            )

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("status bar figures unavailable: %s", type(exc).__name__, exc_info=exc)
        self.pending_label.setText(self.tr("待推送：无法读取"))
        self.pending_label.setToolTip(self.tr("读取数据库失败：{0}").format(type(exc).__name__))
        self._status_finished()

    # -- state ------------------------------------------------------------------------------------
    def _restore(self) -> None:
        s = self.desk.settings
        geometry = s.value(state.GEOMETRY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        window_state = s.value(state.WINDOW_STATE)
        if isinstance(window_state, QByteArray) and not window_state.isEmpty():
            self.restoreState(window_state)
        last = state.text(s, state.LAST_PAGE)
        keys = [spec.key for spec in self.specs if self.allowed(spec)]
        first = next((spec.key for spec in self.specs if spec.eager and spec.key in keys), keys[0])
        self.show_page(last if last in keys else first)

    def save_state(self) -> None:
        s = self.desk.settings
        s.setValue(state.GEOMETRY, self.saveGeometry())
        s.setValue(state.WINDOW_STATE, self.saveState())
        if self.current_key:
            s.setValue(state.LAST_PAGE, self.current_key)
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.status_timer.isActive():
            self.status_timer.start()
            QTimer.singleShot(0, self.refresh_status)
        self.idle_lock.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages.values():
            can_close = getattr(page, "can_close", None)
            if callable(can_close) and not can_close():
                self._signing_out = False
                event.ignore()
                return
        self.idle_lock.stop()
        self.save_state()
        self.status_timer.stop()
        for dialog in list(self.case_dialogs.values()):
            if _alive(dialog):
                dialog.close()
        super().closeEvent(event)
        if self._signing_out:
            self._signing_out = False
            self.signed_out.emit()
        else:
            self.closed.emit()
