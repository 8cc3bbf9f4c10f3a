"""受理登记: the one intake form for all six windows.

The clerk picks the window first (big buttons at the top, remembered per workstation); the form then
marks the window's required fields (``reception.record.REQUIRED``) and shows only the sections that
window uses. Everything the clerk types is checked 250 ms after the last keystroke by the core's own
``reception.intake.prepare`` and the problems are shown under the fields they concern, in the core's
words; "required" is only shown for fields the clerk has been through, or after a save attempt.

Saving runs ``reception.intake.register_case`` (one transaction) in the background, shows the new case
number, opens the receipt preview and clears the form for the next visitor. Until then the form is
kept as a draft on disk every few seconds (``reception.drafts``) and offered back after a crash.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reception import drafts
from reception.errors import FieldError, ReceptionError, ValidationFailed, field_error
from reception.intake import Prepared, prepare, register_case
from reception.queries import VisitorHistory, earlier_cases
from reception.record import ID_OPTIONAL_CHANNELS, REQUIRED, SCHEMA_VERSION, normalize_case
from reception.routing import check_override
from reception.vocab import WINDOWS
from ui import state
from ui.intake.fields import STYLE, Field, Target
from ui.intake.panels import DraftBanner, RoutingPanel, SavedBanner, VisitorPanel, WindowSelector
from ui.intake.people import PersonItem
from ui.intake.sections import (
    AgentSection,
    ApplicantsSection,
    CounterpartiesSection,
    DisposalSection,
    GroupSection,
    LegalAidSection,
    MaterialsSection,
    MatterSection,
    PriorSection,
    ReceiptSection,
    RiskSection,
    Section,
)

log = logging.getLogger(__name__)

translate = QCoreApplication.translate  # lupdate reads translate("IntakeForm", "…")

CHECK_DELAY_MS = 250
LOOKUP_DELAY_MS = 150
DRAFT_EVERY_MS = 3000
DRAFT_NAME = drafts.DEFAULT_NAME
OFFERED_PREFIX = DRAFT_NAME + "-offered-"  # drafts of earlier sessions waiting for the clerk's answer

#: key order of the case document (case-format.md §5.0)
TOP_KEYS = (
    "schema_version",
    "window",
    "channel",
    "received_at",
    "clerk",
    "applicants",
    "agent",
    "group",
    "counterparties",
    "category",
    "subcategory",
    "place",
    "occurred_on",
    "facts",
    "requests",
    "amount",
    "people_affected",
    "purpose",
    "limitation_ends_on",
    "prior_handling",
    "legal_aid",
    "materials",
    "risk",
    "disposal",
    "department_numbers",
)
DISPOSAL_KEYS = (
    "resolved_on_spot",
    "answer",
    "route_override",
    "mediation_consent",
    "privacy_consent",
    "leader_override",
    "notes",
)

#: problems that mean "not filled in yet": shown only once the clerk has been through the field
REQUIRED_LIKE = frozenset({"required", "consent.privacy_required", "group.representatives_required"})
LOCAL_CODE = "form.number"

_PATH_TAIL = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def parent_path(path: str) -> str:
    """``applicants[0].id_number`` -> ``applicants[0]`` -> ``applicants`` -> ``""``."""
    return _PATH_TAIL.sub("", path) if _PATH_TAIL.search(path) else ""


def lookup_history(ctx, keys: tuple[tuple[str | None, str | None], ...]) -> VisitorHistory:
    """Earlier cases of every applicant (by ID number and phone), merged. Runs in a worker."""
    cases: dict[str, Any] = {}
    closed: set[str] = set()
    for id_number, phone in keys:
        history = earlier_cases(ctx, id_number=id_number, phone=phone)
        for case in history.cases:
            cases.setdefault(case.case_no, case)
        closed.update(history.closed_after_review)
    ordered = sorted(cases.values(), key=lambda c: c.received_at, reverse=True)
    last = max((c.received_at for c in ordered), default=None)
    return VisitorHistory(tuple(ordered), len(ordered), last, tuple(sorted(closed)))


class IntakePage(QWidget):
    """The intake form page (``IntakePage(desk, parent=None)``)."""

    saved = Signal(str)  # case number of a case just registered here
    checked = Signal()  # the live check ran and its messages are on screen (tests wait for it)

    def __init__(self, desk, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.lang = desk.lang
        self.config = desk.ctx.config
        self.setObjectName("intakePage")
        self.setStyleSheet(STYLE)
        self.window_code: str | None = None
        self.last_case_no: str | None = None
        self.preview: Any = None
        self.problems: list[FieldError] = []
        self.prepared: Prepared | None = None
        self.suggestion: Prepared | None = None
        self._loading = False
        self._dirty = False
        self._fresh = True
        self._save_attempted = False
        self._saving = False
        self._print_after_save = False
        self._department_numbers: dict[str, str] = {}
        self._privacy: dict[str, bool] = {}
        self._lookup_seq = 0
        self._lookup_keys: tuple | None = None
        self._draft_offer: tuple[str, drafts.Draft] | None = None
        self._offers: list[str] = []
        self.clear_box: QMessageBox | None = None
        self.restore_box: QMessageBox | None = None
        self._warmed = False

        self._build()
        self._connect()
        remembered = state.text(desk.settings, state.WINDOW)
        if remembered in WINDOWS:
            self.set_window(remembered, remember=False)
        else:
            self._apply_window(None)
        self._on_structure()
        self._offer_draft()

    # ================================================================== building
    def _build(self) -> None:
        lang, config = self.lang, self.config
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 8, 8, 8)
        root.setSpacing(6)

        top = QHBoxLayout()
        title = QLabel(translate("IntakeForm", "受理登记"))
        font = title.font()
        font.setBold(True)
        if font.pointSize() > 0:
            font.setPointSize(font.pointSize() + 4)
        title.setFont(font)
        top.addWidget(title)
        top.addSpacing(16)
        self.selector = WindowSelector(lang)
        top.addWidget(self.selector, 1)
        root.addLayout(top)
        self.window_hint = QLabel(
            translate("IntakeForm", "请先选择受理窗口（Alt+1 … Alt+6），表单将按窗口显示必填项。")
        )
        self.window_hint.setStyleSheet("color: #8e1b12;")
        root.addWidget(self.window_hint)

        self.draft_banner = DraftBanner()
        root.addWidget(self.draft_banner)
        self.saved_banner = SavedBanner()
        root.addWidget(self.saved_banner)

        self.receipt = ReceiptSection(config, self.desk.clerk_name, lang=lang)
        self.applicants = ApplicantsSection(config, lang=lang)
        self.agent = AgentSection(lang=lang)
        self.group = GroupSection(config, lang=lang)
        self.counterparties = CounterpartiesSection(lang=lang)
        self.matter = MatterSection(config, lang=lang)
        self.prior = PriorSection(lang=lang)
        self.legal_aid = LegalAidSection(lang=lang)
        self.materials = MaterialsSection(lang=lang)
        self.risk = RiskSection(lang=lang)
        self.disposal = DisposalSection(lang=lang)
        self.sections: list[Section] = [
            self.receipt,
            self.applicants,
            self.agent,
            self.group,
            self.counterparties,
            self.matter,
            self.prior,
            self.legal_aid,
            self.materials,
            self.risk,
            self.disposal,
        ]
        self.content = QWidget()
        self.content.setObjectName("intakeContent")
        column = QVBoxLayout(self.content)
        column.setContentsMargins(2, 2, 6, 2)
        column.setSpacing(8)
        for s in self.sections:
            column.addWidget(s)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setWidget(self.content)

        self.visitors = VisitorPanel(config, lang)
        self.routing = RoutingPanel(config, lang)
        side = QWidget()
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        side_lay.addWidget(self.visitors)
        side_lay.addWidget(self.routing, 1)
        self.side_scroll = QScrollArea()
        self.side_scroll.setWidgetResizable(True)
        self.side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.side_scroll.setWidget(side)
        self.side_scroll.setMinimumWidth(320)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.scroll)
        splitter.addWidget(self.side_scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        root.addWidget(splitter, 1)

        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.clear_button = QPushButton(translate("IntakeForm", "清空 (Esc)"))
        self.print_button = QPushButton(translate("IntakeForm", "打印回执 (Ctrl+P)"))
        self.save_button = QPushButton(translate("IntakeForm", "保存 (Ctrl+S)"))
        self.save_button.setDefault(True)
        for b in (self.clear_button, self.print_button, self.save_button):
            b.setAutoDefault(False)
            b.setMinimumHeight(32)
            bottom.addWidget(b)
        root.addLayout(bottom)

        self.shortcuts: dict[str, QShortcut] = {}
        self._shortcut("save", QKeySequence(QKeySequence.StandardKey.Save), self.save)
        self._shortcut("print", QKeySequence(QKeySequence.StandardKey.Print), self.print_receipt)
        self._shortcut("clear", QKeySequence(Qt.Key.Key_Escape), self.ask_clear)
        for i, code in enumerate(WINDOWS, start=1):
            self._shortcut(f"window-{code}", QKeySequence(f"Alt+{i}"), lambda c=code: self._choose_window(c))

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.revalidate)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_EVERY_MS)
        self._draft_timer.timeout.connect(self.autosave)
        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self._lookup_visitors)

    def _shortcut(self, name: str, keys: QKeySequence, slot) -> None:
        shortcut = QShortcut(keys, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        self.shortcuts[name] = shortcut

    def _connect(self) -> None:
        for s in self.sections:
            s.changed.connect(self._on_changed)
            s.structure_changed.connect(self._on_structure)
        self.receipt.channel.changed.connect(self._apply_required)
        for f in self.routing.fields:
            f.changed.connect(self._on_changed)
        self.selector.chosen.connect(self.set_window)
        self.visitors.open_case.connect(self.desk.open_case)
        self.visitors.go_leader_override.connect(self.focus_leader_override)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_receipt)
        self.clear_button.clicked.connect(self.ask_clear)
        self.draft_banner.restore.connect(self.restore_draft)
        self.draft_banner.discard.connect(self.discard_offered_draft)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._warmed:
            self._warmed = True
            # the first check builds the core's schema validator and rule caches: do it while the
            # clerk is still reading the screen, not on the first keystroke or the first save
            QTimer.singleShot(300, self._warm_up)

    def _warm_up(self) -> None:
        if shiboken6.isValid(self) and self.window_code is not None and not self._dirty:
            try:
                self.check()
            except Exception as exc:
                log.error("warming up the intake check failed (%s)", type(exc).__name__)

    # ================================================================== window
    def set_window(self, code: str, *, remember: bool = True) -> None:
        """Choose the window (受理窗口); the form adapts. Remembered for this workstation."""
        if code not in WINDOWS:
            raise ValueError(code)
        self._apply_window(code)
        if remember:
            self.desk.settings.setValue(state.WINDOW, code)
        if not self._loading:
            self._schedule_check()
            if self._dirty:
                self._schedule_draft()

    def _choose_window(self, code: str) -> None:
        self.selector.choose(code)

    def _apply_window(self, code: str | None) -> None:
        self.window_code = code
        self.selector.set_window(code)
        self.window_hint.setVisible(code is None)
        self.content.setEnabled(code is not None)
        for s in self.sections:
            s.set_window(code)
        self._apply_required()
        self._fix_tab_order()

    def required_paths(self) -> set[str]:
        """Required paths (patterns with ``[*]``) for the chosen window and channel, from the core."""
        window = self.window_code
        if window is None:
            return set()
        required = set(REQUIRED.get(window, ()))
        if self.receipt.channel.value() in ID_OPTIONAL_CHANNELS:
            required = {p for p in required if not p.endswith("id_number")}
        if self._privacy_required(window):
            required.add("disposal.privacy_consent")
        return required

    def _privacy_required(self, window: str) -> bool:
        """Whether the core refuses this window's cases without privacy consent (asked once per window)."""
        if window not in self._privacy:
            probe = {
                "window": window,
                "channel": "visit",
                "received_at": datetime.now(UTC).isoformat(),
                "applicants": [{"name": "张"}],
            }
            try:
                normalize_case(probe, self.config)
                needed = False
            except ValidationFailed as exc:
                needed = any(e.code == "consent.privacy_required" for e in exc.errors)
            self._privacy[window] = needed
        return self._privacy[window]

    def _apply_required(self) -> None:
        required = self.required_paths()
        for t in self.targets():
            t.set_required(t.pattern in required)

    # ================================================================== structure
    def targets(self) -> list[Target]:
        """Every field and list of the form, in the order of the paper form."""
        out: list[Target] = []
        for s in self.sections:
            out += s.targets()
        out += self.routing.targets()
        return out

    def field(self, path: str) -> Target | None:
        """The field (or list) at a concrete path, e.g. ``applicants[0].id_number``."""
        for t in self.targets():
            if t.path == path:
                return t
        return None

    def _on_structure(self) -> None:
        for t in self.targets():
            if isinstance(t, Field) and not getattr(t, "_page_hooked", False):
                t._page_hooked = True
                t.left.connect(self._schedule_check)
        for item in self.applicants.people:
            if not getattr(item, "_page_hooked", False):
                item._page_hooked = True
                item.identity_changed.connect(self._identity_changed)
        self._apply_required()
        self._fix_tab_order()
        if not self._loading:
            self._identity_changed()

    def _fix_tab_order(self) -> None:
        """Tab follows the paper form: window, A … I, then the override, then the buttons."""
        chain: list[QWidget] = list(self.selector.focus_widgets())
        for s in self.sections:
            chain += s.focus_widgets()
        chain += self.routing.focus_widgets()
        chain += [self.save_button, self.print_button, self.clear_button]
        chain = [w for w in chain if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not shiboken6.isValid(self) or not shiboken6.isValid(new):
            return
        if self.content.isAncestorOf(new):
            self.scroll.ensureWidgetVisible(new, 40, 60)

    def focus_first(self) -> None:
        """Where the clerk starts: the window buttons if none is chosen, else the first applicant's name."""
        if self.window_code is None:
            next(iter(self.selector.buttons.values())).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.applicants.people[0].name.focus()

    def focus_leader_override(self) -> None:
        self.disposal.leader_override.focus()

    # ================================================================== document
    def _build_document(self, *, patched: bool) -> tuple[dict[str, Any], list[str]]:
        doc: dict[str, Any] = {}
        filled: list[str] = []
        for s in self.sections:
            s.contribute(doc, patched=patched, filled=filled)
        doc["schema_version"] = SCHEMA_VERSION
        doc["window"] = self.window_code
        override = self.routing.override(patched=patched, filled=filled)
        disposal = doc.get("disposal") or {}
        if override is not None:
            disposal["route_override"] = override
        doc["disposal"] = {k: disposal[k] for k in DISPOSAL_KEYS if k in disposal}
        doc["department_numbers"] = dict(self._department_numbers)
        return {k: doc[k] for k in TOP_KEYS if k in doc}, filled

    def to_document(self) -> dict[str, Any]:
        """The form as a case document (docs/case-format.md), exactly what saving sends to the core."""
        return self._build_document(patched=False)[0]

    def load_document(self, doc: dict[str, Any]) -> None:
        """Fill the form from a case document (a draft, a test, a ``show --json`` output)."""
        self._loading = True
        try:
            window = doc.get("window")
            if window in WINDOWS:
                self._apply_window(window)
            for s in self.sections:
                s.load(doc)
            self.routing.load_override((doc.get("disposal") or {}).get("route_override"))
            numbers = doc.get("department_numbers")
            self._department_numbers = dict(numbers) if isinstance(numbers, dict) else {}
            if window in WINDOWS:
                self._apply_window(window)
        finally:
            self._loading = False
        self._fresh = False
        self._dirty = True
        self._on_structure()
        self._schedule_check()

    @property
    def dirty(self) -> bool:
        """The form holds something the clerk typed that is not saved yet."""
        return self._dirty

    # ================================================================== changes
    def _on_changed(self) -> None:
        if self._loading:
            return
        if self._fresh:
            # the visitor has arrived: the time received is now, unless the clerk set it
            self._fresh = False
            if not self.receipt.received_at.touched:
                self._loading = True
                try:
                    self.receipt.received_at.set_now()
                finally:
                    self._loading = False
        self._dirty = True
        self._schedule_check()
        self._schedule_draft()

    def _schedule_check(self) -> None:
        self._check_timer.start()

    def _schedule_draft(self) -> None:
        if not self._draft_timer.isActive():
            self._draft_timer.start()

    # ================================================================== checking
    def check(self) -> tuple[list[FieldError], Prepared | None]:
        """Every problem the core finds with the form as it is, and the routing preview if it is valid.

        Keys the schema requires but the clerk has not typed are filled in for the check (and reported
        as required here), and values the schema refuses are taken out and reported, so that one
        missing name never hides all the other problems."""
        doc, filled = self._build_document(patched=True)
        self.suggestion = None
        problems: list[FieldError] = [field_error("required", p) for p in filled]
        removed: set[str] = set()
        prepared: Prepared | None = None
        for _ in range(8):
            try:
                prepared = prepare(self.desk.ctx, doc)
                problems += prepared.warnings
                break
            except ValidationFailed as exc:
                structural = [e for e in exc.errors if e.code.startswith("schema.")]
                if structural and _drop(doc, [e.field for e in structural], removed):
                    problems += structural
                    continue
                problems += exc.errors + exc.warnings
                if all(e.code.startswith("routing.") for e in exc.errors):
                    self.suggestion = self._suggest_without_override(doc)
                break
            except ReceptionError as exc:
                problems.append(FieldError("form.core", "", exc.message_zh, exc.message_en))
                break
            except Exception as exc:  # a bug: never stop the clerk typing; no personal data in the log
                log.error("live check of the intake form failed (%s)", type(exc).__name__)
                break
        try:
            problems += check_override(doc, self.config)
        except Exception as exc:
            log.error("override check failed (%s)", type(exc).__name__)
        for t in self.targets():
            if isinstance(t, Field) and t.shown_in(self):
                message = t.local_error()
                if message:
                    problems.append(FieldError(LOCAL_CODE, t.path, message, message))
        seen: set[tuple[str, str, str]] = set()
        out: list[FieldError] = []
        for e in problems:
            key = (e.code, e.field, e.severity)
            if key in seen:
                continue
            if e.field in removed and not e.code.startswith("schema."):
                continue
            seen.add(key)
            out.append(e)
        return out, prepared

    def _suggest_without_override(self, doc: dict) -> Prepared | None:
        """The rules' suggestion while only the override (改派) is wrong: the clerk still sees it."""
        plain = dict(doc)
        plain["disposal"] = {k: v for k, v in (doc.get("disposal") or {}).items() if k != "route_override"}
        try:
            return prepare(self.desk.ctx, plain)
        except Exception:
            return None

    def revalidate(self) -> list[FieldError]:
        """Run the check now and show its messages. Returns every problem (shown or not)."""
        self._check_timer.stop()
        if self.window_code is None:
            return []
        problems, prepared = self.check()
        self.problems = problems
        self.prepared = prepared
        self._show(problems)
        errors = [e for e in problems if e.severity == "error"]
        if prepared is None and self.suggestion is not None:
            self.routing.show_prepared(self.suggestion)
            self.routing.stale.setText(translate("IntakeForm", "改派信息有误，尚未生效；以上为按规则的建议。"))
        else:
            self.routing.show_prepared(prepared, problems=len(errors))
        self.checked.emit()
        return problems

    def _visible(self, e: FieldError, target: Target | None) -> bool:
        if e.severity == "warning" or e.code not in REQUIRED_LIKE:
            return True
        return self._save_attempted or (target is not None and bool(target.touched))

    def _target_for(self, path: str, shown: dict[str, Target]) -> Target | None:
        p = path
        while p:
            if p in shown:
                return shown[p]
            p = parent_path(p)
        return None

    def _show(self, problems: list[FieldError]) -> None:
        targets = self.targets()
        shown = {t.path: t for t in targets if t.shown_in(self)}
        per_target: dict[int, list[tuple[str, str]]] = defaultdict(list)
        loose: list[str] = []
        for e in sorted(problems, key=lambda e: e.severity != "error"):
            if e.field.startswith("deadlines"):
                continue  # the routing panel shows deadlines computed without a holiday calendar
            target = self._target_for(e.field, shown)
            if not self._visible(e, target):
                continue
            text = e.text(self.lang)
            if target is None:
                loose.append(text)
            else:
                per_target[id(target)].append((e.severity, text))
        for t in targets:
            t.show_messages(per_target.get(id(t), []))
        if not self._saving:
            self.status.setText("\n".join(loose))

    def _focus_first_error(self) -> None:
        for t in self.targets():
            if t.shown_in(self) and any(sev == "error" for sev, _ in t.messages):
                t.focus()
                widget = QApplication.focusWidget()
                if widget is not None and self.content.isAncestorOf(widget):
                    self.scroll.ensureWidgetVisible(widget, 40, 80)
                return

    # ================================================================== saving
    def save(self) -> bool:
        """Ctrl+S: check, then register the case in the background. Returns whether saving started."""
        if self._saving:
            return False
        if self.window_code is None:
            self.status.setText(translate("IntakeForm", "请先选择受理窗口。"))
            self.focus_first()
            return False
        self._save_attempted = True
        problems = self.revalidate()
        errors = [e for e in problems if e.severity == "error"]
        if errors:
            self._print_after_save = False
            self._focus_first_error()
            self.status.setText(
                translate("IntakeForm", "未保存：有 {n} 处需要补充或更正（已标红）。").format(n=len(errors))
                + "\n"
                + errors[0].text(self.lang)
            )
            return False
        doc = self.to_document()
        self._set_saving(True)
        try:
            self.desk.runner.run(
                register_case,
                self.desk.ctx,
                doc,
                user=self.desk.principal,
                on_done=self._saved,
                on_error=self._save_failed,
                name="register_case",
            )
        except RuntimeError as exc:  # the desk is shutting down: keep the form as a draft
            self._save_failed(exc)
            return False
        return True

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.content.setEnabled(not saving and self.window_code is not None)
        self.save_button.setEnabled(not saving)
        self.print_button.setEnabled(not saving)
        self.clear_button.setEnabled(not saving)
        if saving:
            self.status.setText(translate("IntakeForm", "正在保存…"))

    def _saved(self, registered: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_saving(False)
        case_no = registered.case_no
        self.last_case_no = case_no
        drafts.discard_draft(DRAFT_NAME)
        notes = [w.text(self.lang) for w in registered.warnings]
        self.saved_banner.show_case(case_no, notes)
        print_now = self._print_after_save
        self._print_after_save = False
        # the receipt first (the visitor is waiting for it), then a blank form for the next one
        self.open_receipt(case_no, print_when_ready=print_now)
        self.reset()
        self.status.setText(translate("IntakeForm", "案件 {no} 已保存。").format(no=case_no))
        self.saved.emit(case_no)
        self.desk.case_saved.emit(case_no)

    def _save_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_saving(False)
        self._print_after_save = False
        if isinstance(exc, ValidationFailed):
            problems = list(exc.errors) + list(exc.warnings)
            self.problems = problems
            self._show(problems)
            self._focus_first_error()
            self.status.setText(
                translate("IntakeForm", "未保存：有 {n} 处需要补充或更正（已标红）。").format(n=len(exc.errors))
                + "\n"
                + (exc.errors[0].text(self.lang) if exc.errors else "")
            )
            return
        log.error("saving a case failed (%s); the form and its draft are kept", type(exc).__name__)
        message = exc.message(self.lang) if isinstance(exc, ReceptionError) else type(exc).__name__
        self.status.setText(translate("IntakeForm", "保存失败，表单内容未丢失：{error}").format(error=message))
        self.autosave(force=True)
        self.desk.error.emit(exc)

    def open_receipt(self, case_no: str, *, print_when_ready: bool = False) -> Any:
        """Open the receipt preview of ``case_no`` (rendered in the background); print it once shown."""
        from ui.receipt_preview import show_receipt

        dialog = show_receipt(self.desk, case_no, self)
        self.preview = dialog
        if print_when_ready:
            dialog.rendered.connect(lambda _layout, d=dialog: self._print_once(d))
        return dialog

    def _print_once(self, dialog: Any) -> None:
        if getattr(dialog, "_intake_printed", False):
            return
        dialog._intake_printed = True
        dialog.print_receipt()

    def print_receipt(self) -> None:
        """Ctrl+P: print the receipt of the last saved case; an unsaved form is saved first."""
        if self._saving:
            return
        if self._dirty:
            self._print_after_save = True
            if not self.save():
                self._print_after_save = False
            return
        if not self.last_case_no:
            self.status.setText(translate("IntakeForm", "还没有保存案件，没有可打印的回执。"))
            return
        dialog = self.preview
        if (
            dialog is not None
            and shiboken6.isValid(dialog)
            and dialog.isVisible()
            and dialog.case_no == self.last_case_no
        ):
            dialog.raise_()
            if dialog.preview is not None and not dialog.busy:
                dialog.print_receipt()
            else:
                dialog.rendered.connect(lambda _layout, d=dialog: self._print_once(d))
            return
        self.open_receipt(self.last_case_no, print_when_ready=True)

    # ================================================================== clearing
    def ask_clear(self) -> bool:
        """Esc: ask, then clear the form for the next visitor (the draft goes too). Returns whether cleared."""
        if self._saving or not self._dirty:
            return False
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(translate("IntakeForm", "清空表单"))
        box.setText(translate("IntakeForm", "清空当前登记表？尚未保存的内容将丢失。"))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(translate("IntakeForm", "清空"))
        box.button(QMessageBox.StandardButton.No).setText(translate("IntakeForm", "不清空"))
        self.clear_box = box
        where = QApplication.focusWidget()
        answer = box.exec()
        self.clear_box = None
        self.activateWindow()
        if answer != QMessageBox.StandardButton.Yes:
            if where is not None and shiboken6.isValid(where):
                where.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        drafts.discard_draft(DRAFT_NAME)
        self.reset()
        self.status.setText(translate("IntakeForm", "表单已清空。"))
        return True

    def reset(self) -> None:
        """A blank form for the next visitor; the window, channel and clerk stay."""
        self.receipt.set_default_clerk(self.desk.clerk_name)  # the signed-in person's name
        self._loading = True
        try:
            for s in self.sections:
                s.clear()
            self.routing.clear()
            self._department_numbers = {}
        finally:
            self._loading = False
        self._dirty = False
        self._fresh = True
        self._save_attempted = False
        self._check_timer.stop()
        self._draft_timer.stop()
        self._lookup_timer.stop()
        self._lookup_seq += 1
        self._lookup_keys = None
        self.visitors.reset()
        self.problems = []
        self.prepared = None
        self.routing.decision = None
        self.routing.show_prepared(None)
        self._on_structure()
        for t in self.targets():
            t.show_messages([])
        self.focus_first()

    # ================================================================== drafts
    def autosave(self, *, force: bool = False) -> bool:
        """Write the unsaved form as the draft. Returns whether a draft was written."""
        self._draft_timer.stop()
        if not (self._dirty or force) or self.window_code is None:
            return False
        try:
            drafts.save_draft(
                self.to_document(), DRAFT_NAME, extra={"clerk": self.desk.clerk, "window": self.window_code}
            )
        except OSError as exc:
            log.error("could not write the intake draft: %s", type(exc).__name__)
            self.status.setText(translate("IntakeForm", "草稿无法保存到磁盘，请尽快保存案件。"))
            return False
        return True

    def _offer_draft(self) -> None:
        """At start: what was left unsaved last time is offered back (newest first).

        The old draft is first set aside under another name, so that what the clerk types before
        answering is kept as the draft too; nothing is lost whichever way the clerk answers."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        drafts.rename_draft(DRAFT_NAME, OFFERED_PREFIX + stamp)
        self._offers = list(reversed(drafts.list_drafts(OFFERED_PREFIX)))
        self._next_offer()

    def _next_offer(self) -> None:
        while self._offers:
            name = self._offers[0]
            draft = drafts.load_draft(name)
            if draft is None:
                self._offers.pop(0)
                continue
            self._draft_offer = (name, draft)
            zone = ZoneInfo(self.config.centre.timezone)
            when = draft.saved_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            who = ""
            applicants = draft.document.get("applicants") or []
            if applicants and isinstance(applicants[0], dict):
                who = str(applicants[0].get("name") or "")
            self.draft_banner.offer(when, who)
            return
        self._draft_offer = None
        self.draft_banner.hide()

    @property
    def draft_offered(self) -> bool:
        return self._draft_offer is not None

    def restore_draft(self) -> bool:
        """Fill the form with the draft on offer (asking first if the form already holds something)."""
        if self._draft_offer is None:
            return False
        name, draft = self._draft_offer
        if self._dirty:
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle(translate("IntakeForm", "恢复草稿"))
            box.setText(translate("IntakeForm", "用草稿替换当前表单中的内容？当前内容仍保留为另一份草稿。"))
            box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            box.setDefaultButton(QMessageBox.StandardButton.No)
            self.restore_box = box
            answer = box.exec()
            self.restore_box = None
            self.activateWindow()
            if answer != QMessageBox.StandardButton.Yes:
                return False
            # what the clerk had typed stays on disk, offered again at the next start
            self.autosave()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            drafts.rename_draft(DRAFT_NAME, OFFERED_PREFIX + stamp)
        self.load_document(draft.document)
        drafts.discard_draft(name)
        self._offers.remove(name)
        self._next_offer()
        self._schedule_draft()
        self.status.setText(translate("IntakeForm", "已恢复未保存的草稿，请核对后保存。"))
        self.focus_first()
        return True

    def discard_offered_draft(self) -> None:
        if self._draft_offer is None:
            return
        name, _draft = self._draft_offer
        drafts.discard_draft(name)
        self._offers.remove(name)
        self._next_offer()

    def can_close(self) -> bool:
        """Called by the main window before it closes: the unsaved form is kept as a draft."""
        if self._dirty:
            self.autosave()
        return True

    # ================================================================== repeat visitors
    def _identity_changed(self) -> None:
        if not self._loading:
            self._lookup_timer.start()

    def visitor_keys(self) -> tuple[tuple[str | None, str | None], ...]:
        keys = []
        for item in self.applicants.people:
            if not isinstance(item, PersonItem):
                continue
            id_number, phone = item.valid_id(), item.valid_phone()
            if id_number or phone:
                keys.append((id_number, phone))
        return tuple(keys)

    def _lookup_visitors(self) -> None:
        keys = self.visitor_keys()
        if keys == self._lookup_keys:
            return
        self._lookup_keys = keys
        self._lookup_seq += 1
        seq = self._lookup_seq
        if not keys:
            self.visitors.reset()
            return
        self.visitors.searching()
        try:
            self.desk.runner.run(
                lookup_history,
                self.desk.ctx,
                keys,
                on_done=lambda history: self._lookup_done(seq, history),
                on_error=lambda exc: self._lookup_failed(seq, exc),
                name="earlier_cases",
            )
        except RuntimeError:  # the desk is shutting down
            self._lookup_keys = None

    def _lookup_done(self, seq: int, history: VisitorHistory) -> None:
        if seq != self._lookup_seq or not shiboken6.isValid(self):
            return  # the clerk typed on: an older answer
        self.visitors.show_history(history)

    def _lookup_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._lookup_seq or not shiboken6.isValid(self):
            return
        log.error("repeat-visitor look-up failed (%s)", type(exc).__name__)
        self._lookup_keys = None
        self.visitors.failed()


def _drop(doc: dict, paths: list[str], removed: set[str]) -> bool:
    """Take the values the schema refused out of the check's copy: texts become ``""``, the rest go."""
    changed = False
    for path in sorted(set(paths), key=len, reverse=True):
        if not path or path in removed:
            continue
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
        node: Any = doc
        try:
            for part in parts[:-1]:
                node = node[int(part[1:-1])] if part.startswith("[") else node[part]
        except (KeyError, IndexError, TypeError, ValueError):
            continue
        last = parts[-1]
        if last.startswith("["):
            index = int(last[1:-1])
            if isinstance(node, list) and index < len(node) and isinstance(node[index], str):
                node[index] = ""  # a text of a list (诉求): emptied, then dropped by the core
                removed.add(path)
                changed = True
            continue
        if not isinstance(node, dict) or last not in node:
            continue
        value = node[last]
        if isinstance(value, str):
            node[last] = ""
        elif last == "headcount":
            node[last] = 1
        else:
            del node[last]
        removed.add(path)
        changed = True
    return changed
