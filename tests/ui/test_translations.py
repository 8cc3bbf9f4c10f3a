"""The English catalogue is complete and current, every UI string goes through tr()/translate(), and
the English UI shows no Chinese outside data.

The source strings of the UI are Simplified Chinese; English is ``resources/translations/desk_en.ts``
compiled to ``desk_en.qm``. After adding or changing a UI string::

    python -m ui.i18n --no-obsolete   # lupdate over ui/**/*.py into desk_en.ts, lrelease into desk_en.qm

then translate the new (unfinished) entries of ``desk_en.ts`` (Qt Linguist:
``pyside6-linguist resources/translations/desk_en.ts``, or by hand) and run ``python -m ui.i18n`` again
so that ``desk_en.qm`` is current.

How the context of a string is found (what ``pyside6-lupdate`` does, and what PySide6 does at run time):

* ``self.tr("…")`` / ``QT_TR_NOOP("…")``: the name of the enclosing class (PySide6's ``tr()`` also
  tries the base classes, so a string of a base class is found from a subclass);
* ``translate("Ctx", "…")``, ``QCoreApplication.translate("Ctx", "…")``, ``QT_TRANSLATE_NOOP("Ctx", "…")``:
  the literal first argument.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

from reception.intake import register_case
from tests.factories import base_case
from tests.ui.conftest import make_desk, wait_idle
from tests.ui.shell_support import OFFSCREEN
from ui import i18n

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN)

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "desk_en.ts"
QM = ROOT / "resources" / "translations" / "desk_en.qm"
UPDATE = (
    "run `python -m ui.i18n --no-obsolete`, translate the unfinished entries of "
    "resources/translations/desk_en.ts (pyside6-linguist or by hand), then run `python -m ui.i18n` again"
)

#: Chinese characters and the full-width punctuation that goes with them (、，：；（）“” …)
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
CJK_RUN = re.compile(CJK.pattern + "+")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\d+|%n")
SHORTCUT = re.compile(r"(?:(?:Ctrl|Alt|Shift)\+)+\w+|\bF\d{1,2}\b|\bEsc\b")

TR_FUNCS = {"tr", "QT_TR_NOOP"}  # context: the enclosing class
TRANSLATE_FUNCS = {"translate", "QT_TRANSLATE_NOOP"}  # context: the first argument

# -- what reaches the user without tr()/translate(), on purpose -----------------------------------

#: Chinese literals inside these definitions (file, module-level name or function) are not UI text.
ALLOWED_SCOPES: dict[tuple[str, str], str] = {
    ("ui/app.py", "parse_args"): "command-line --help text, bilingual on purpose (no Qt translator yet)",
    ("ui/cases/page.py", "SAMPLES"): "typical cell values, only measured to size the columns; never shown",
    ("ui/dayclose.py", "default_export_dir"): "the default folder name on disk, the same in both languages",
    ("ui/intake/pickers.py", "ETHNICITIES"): "suggested values, stored as typed (GB/T 3304 names): data",
    ("ui/intake/pickers.py", "EDUCATION"): "suggested values, stored as typed (legal-aid form wording): data",
    ("ui/intake/pickers.py", "HEALTH"): "suggested values, stored as typed (legal-aid form wording): data",
    ("ui/smoke.py", "SmokeRun"): "the smoke test's report is (zh, en) pairs like the core's (reception.selfcheck)",
    ("ui/smoke.py", "CHECK_TITLES"): "the smoke test's report is (zh, en) pairs like the core's (reception.selfcheck)",
}
#: Single Chinese literals that are right as they are.
ALLOWED_LITERALS: dict[tuple[str, str], str] = {
    ("ui/settings_page.py", "中文（简体）"): "the language picker names each language in that language",
    ("ui/intake/form.py", "张"): "a probe case given to the core to ask whether consent is required; never shown",
}
#: Calls that carry a message in both languages, ``Call("中文", "English")``, shown in ``desk.lang``
#: (``ReceptionError.message(lang)``).
BILINGUAL_CALLS = {"ReceptionError", "PrintFailed"}
#: Calls whose arguments are for the log or the developer, not for the clerk.
LOG_RECEIVERS = {"log", "logger", "logging"}
#: A conditional expression whose test reads one of these picks the text by language itself
#: (``"、" if zh else ", "``, ``", " if desk.lang == "en" else "，"``).
LANGUAGE_NAMES = {"zh", "en", "lang"}


# -- the catalogue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    context: str
    source: str
    comment: str
    kind: str | None  # the translation's type: None when finished
    texts: tuple[str, ...]  # the translation (one text, or one per numerus form)


def catalogue() -> list[Entry]:
    entries = []
    for ctx in ET.parse(TS).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            tr = m.find("translation")
            assert tr is not None, (name, m.findtext("source"))
            forms = tr.findall("numerusform")
            texts = tuple(f.text or "" for f in forms) if forms else (tr.text or "",)
            entries.append(Entry(name, m.findtext("source") or "", m.findtext("comment") or "", tr.get("type"), texts))
    return entries


# -- the UI sources -------------------------------------------------------------------------------


def ui_files() -> list[Path]:
    return sorted(p for p in (ROOT / "ui").rglob("*.py") if "__pycache__" not in p.parts)


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _str(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@dataclass(frozen=True)
class Call:
    """One tr()/translate() call (or QT_*_NOOP marker) of ui/**/*.py."""

    where: str
    func: str
    cls: str | None  # the enclosing class
    node: ast.Call
    in_fstring: bool

    @property
    def context(self) -> str | None:
        if self.func in TR_FUNCS:
            return self.cls
        return _str(self.node.args[0]) if self.node.args else None

    @property
    def source(self) -> str | None:
        i = 0 if self.func in TR_FUNCS else 1
        return _str(self.node.args[i]) if len(self.node.args) > i else None

    @property
    def comment(self) -> str:
        i = 1 if self.func in TR_FUNCS else 2
        return (_str(self.node.args[i]) or "") if len(self.node.args) > i else ""


def translation_calls() -> Iterator[Call]:
    for path in ui_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

        def visit(node: ast.AST, cls: str | None, in_fstring: bool, path: Path = path) -> Iterator[Call]:
            if isinstance(node, ast.ClassDef):
                cls = node.name
            if isinstance(node, ast.JoinedStr):
                in_fstring = True
            if isinstance(node, ast.Call) and _name(node.func) in TR_FUNCS | TRANSLATE_FUNCS:
                yield Call(f"{rel(path)}:{node.lineno}", _name(node.func), cls, node, in_fstring)
            for child in ast.iter_child_nodes(node):
                yield from visit(child, cls, in_fstring)

        yield from visit(tree, None, False)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and _str(first.value) is not None:
                out.add(id(first.value))
    return out


def _reads_language(test: ast.expr) -> bool:
    for n in ast.walk(test):
        if isinstance(n, ast.Name) and n.id in LANGUAGE_NAMES:
            return True
        if isinstance(n, ast.Attribute) and n.attr in LANGUAGE_NAMES:
            return True
    return False


def untranslated_chinese() -> list[str]:
    """Chinese string literals of ui/**/*.py that reach the user without tr()/translate()."""
    found = []
    for path in ui_files():
        where = rel(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skip = _docstrings(tree)

        def visit(node: ast.AST, scopes: tuple[str, ...], ok: bool, where: str = where, skip: set = skip) -> None:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                scopes = (*scopes, node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                scopes = (*scopes, *(t.id for t in targets if isinstance(t, ast.Name)))
            if any((where, s) in ALLOWED_SCOPES for s in scopes):
                ok = True
            if isinstance(node, ast.Call):
                name = _name(node.func)
                receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
                if name in TR_FUNCS | TRANSLATE_FUNCS or (
                    isinstance(receiver, ast.Name) and receiver.id in LOG_RECEIVERS
                ):
                    ok = True
                elif name in BILINGUAL_CALLS and len(node.args) >= 2:
                    english = _str(node.args[1])
                    ok = ok or (english is not None and not CJK.search(english))
            if isinstance(node, ast.IfExp) and _reads_language(node.test):
                ok = True
            value = _str(node) if isinstance(node, ast.Constant) else None
            if (
                value is not None
                and CJK.search(value)
                and not ok
                and id(node) not in skip
                and (where, value) not in ALLOWED_LITERALS
            ):
                found.append(f"{where}:{node.lineno}: {value!r}")
            for child in ast.iter_child_nodes(node):
                visit(child, scopes, ok)

        visit(tree, (), False)
    return found


# -- (a) the catalogue has no gaps ---------------------------------------------------------------


def test_catalogue_has_no_unfinished_empty_or_obsolete_entries():
    entries = catalogue()
    assert entries
    problems = [
        f"[{e.context}] {e.source!r}: {e.kind or 'empty'}"
        for e in entries
        if e.kind is not None or not all(t.strip() for t in e.texts)
    ]
    assert not problems, f"{len(problems)} entries of desk_en.ts need work ({UPDATE}):\n" + "\n".join(problems)
    empty_contexts = [e.source for e in entries if not e.context.strip()]
    assert not empty_contexts, (
        "strings with an empty context can never be found at run time; call translate() with a literal "
        f"context, or self.tr() inside the class: {empty_contexts}"
    )
    keys = [(e.context, e.source, e.comment) for e in entries]
    assert len(keys) == len(set(keys))


def test_translations_keep_placeholders_accelerators_and_shortcuts():
    problems = []
    for e in catalogue():
        for text in e.texts:
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.source)):
                problems.append(f"[{e.context}] {e.source!r} -> {text!r}: placeholders differ")
            if e.source.replace("&&", "").count("&") != text.replace("&&", "").count("&"):
                problems.append(f"[{e.context}] {e.source!r} -> {text!r}: accelerator (&) lost or added")
            missing = set(SHORTCUT.findall(e.source)) - set(SHORTCUT.findall(text))
            if missing:
                problems.append(f"[{e.context}] {e.source!r} -> {text!r}: shortcut {sorted(missing)} lost")
            # Chinese is left only where the source quotes data (an example of a department's case number)
            left = [run for run in CJK_RUN.findall(text) if run not in e.source]
            if left:
                problems.append(f"[{e.context}] {e.source!r} -> {text!r}: Chinese {left} in the English text")
    assert not problems, "\n".join(problems)


# -- (b) every string of the code is in the catalogue, translated --------------------------------


def test_translation_calls_are_seen_by_lupdate():
    """lupdate reads literals only: the context and the text must be string literals, tr() must be
    ``self.tr()`` inside a class, and no call may sit inside an f-string (lupdate skips those)."""
    calls = list(translation_calls())
    assert len(calls) > 300
    noop_contexts = {c.context for c in calls if c.func == "QT_TRANSLATE_NOOP"}
    problems = []
    for c in calls:
        text = ast.unparse(c.node)
        if c.in_fstring:
            problems.append(f"{c.where}: {text} is inside an f-string: assign it to a variable first")
        if c.context is None:
            problems.append(f"{c.where}: {text} has no literal context (empty context in desk_en.ts)")
        if c.func == "tr" and not (isinstance(c.node.func, ast.Attribute) and _name(c.node.func.value) == "self"):
            problems.append(f"{c.where}: {text}: call self.tr(), whose context is the enclosing class")
        if c.source is None and not (c.func == "translate" and c.context in noop_contexts):
            # translate("Ctx", variable) is fine when the texts are marked with QT_TRANSLATE_NOOP("Ctx", "…")
            problems.append(f"{c.where}: {text}: the text must be a string literal")
    assert not problems, "\n".join(problems)


def test_every_ui_string_has_a_finished_translation():
    finished = {(e.context, e.source, e.comment) for e in catalogue() if e.kind is None and all(e.texts)}
    missing = sorted(
        {
            f"{c.where}: [{c.context}] {c.source!r}"
            for c in translation_calls()
            if c.source is not None and c.context and (c.context, c.source, c.comment) not in finished
        }
    )
    assert not missing, f"{len(missing)} UI strings have no English translation yet ({UPDATE}):\n" + "\n".join(missing)


def test_lupdate_finds_nothing_new(tmp_path):
    """What lupdate itself extracts (not only what the AST scan above sees) is all translated."""
    ts = tmp_path / TS.name
    ts.write_bytes(TS.read_bytes())
    cmd = [str(i18n.find_tool("pyside6-lupdate")), "-source-language", "zh_CN", "-target-language", "en"]
    cmd += [str(p) for p in i18n.ui_sources(ROOT)] + ["-ts", str(ts)]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    stale = [
        f"[{ctx.findtext('name')}] {m.findtext('source')!r}: {m.find('translation').get('type')}"
        for ctx in ET.parse(ts).getroot().iter("context")
        for m in ctx.iter("message")
        if m.find("translation").get("type") is not None
    ]
    assert not stale, f"desk_en.ts is behind the code ({UPDATE}):\n" + "\n".join(stale)


# -- (c) the compiled catalogue is the one of the .ts ---------------------------------------------


def test_committed_qm_is_current(tmp_path):
    out = tmp_path / QM.name
    subprocess.run([str(i18n.find_tool("pyside6-lrelease")), str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == QM.read_bytes(), f"desk_en.qm is out of date: run `python -m ui.i18n` ({UPDATE})"


# -- (d) no Chinese literal reaches the user untranslated ----------------------------------------


def test_no_chinese_literal_bypasses_translation():
    found = untranslated_chinese()
    assert not found, (
        "Chinese text shown without self.tr()/translate(): wrap it (then "
        f"{UPDATE}), or, if it is data and not UI text, add it to ALLOWED_SCOPES/ALLOWED_LITERALS "
        "of tests/ui/test_translations.py with the reason:\n" + "\n".join(found)
    )


def test_the_scanner_sees_untranslated_text(tmp_path, monkeypatch):
    """The check above is not vacuous: a Chinese label set directly is reported, a wrapped one is not."""
    ui = tmp_path / "ui"
    ui.mkdir()
    (ui / "page.py").write_text(
        "class Page:\n"
        "    def build(self, lang):\n"
        "        QLabel('受理登记')\n"
        "        QLabel(self.tr('案件查询'))\n"
        "        log.info('日志 %s', 1)\n"
        "        sep = '、' if lang == 'zh' else ', '\n"
        "        print(f'{self.tr(\"日结\")}')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert untranslated_chinese() == ["ui/page.py:3: '受理登记'"]
    calls = list(translation_calls())
    assert [(c.context, c.source, c.in_fstring) for c in calls] == [("Page", "案件查询", False), ("Page", "日结", True)]


# -- (e) the English UI ---------------------------------------------------------------------------


@pytest.fixture
def english(qapp):
    """The English translator on the application (as ``main(["--lang", "en"])`` does), removed after."""
    previous = QLocale()
    translators = i18n.install_translators(qapp, "en")
    assert translators, "desk_en.qm did not load"
    yield
    i18n.remove_translators(qapp, translators)
    QLocale.setDefault(previous)


@pytest.fixture
def en_desk(english, ctx, settings):
    d = make_desk(ctx, settings, lang="en", display_name="Li Xiaomei")
    yield d
    d.runner.shutdown(wait=True)
    QApplication.processEvents()


def data_texts(desk) -> list[str]:
    """Chinese that an English UI shows as it is: the hall's own names and stored vocabularies."""
    from ui.intake.pickers import EDUCATION, ETHNICITIES, HEALTH

    cfg = desk.ctx.config
    net = cfg.network
    names = [cfg.centre.name, "中文（简体）", *ETHNICITIES, *EDUCATION, *HEALTH]
    # Chinese that a translation quotes from its source: an example of a department's case number
    names += [run for e in catalogue() for t in e.texts for run in CJK_RUN.findall(t)]
    for town in net.towns.values():
        names.append(town.name)
        for community in net.communities_in(town.code):
            names.append(community.name)
            names += [g.name for g in net.grids_in(community.code)]
    return sorted(set(names), key=len, reverse=True)


def shown_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(what, text) of everything a widget tree says: labels, buttons, titles, tool tips, place holders,
    tabs, list items, combo items and table headers (cell data aside)."""
    for w in [root, *root.findChildren(QWidget)]:
        kind = type(w).__name__
        if w.isWindow():
            yield f"{kind} title", w.windowTitle()
        yield f"{kind} tool tip", w.toolTip()
        if isinstance(w, QLabel):
            yield f"{kind} {w.objectName() or w.property('role') or ''}".rstrip(), w.text()
        elif isinstance(w, QAbstractButton):
            yield f"{kind} text", w.text()
        elif isinstance(w, QLineEdit | QPlainTextEdit):
            yield f"{kind} place holder", w.placeholderText()
        elif isinstance(w, QGroupBox):
            yield f"{kind} title", w.title()
        elif isinstance(w, QTabWidget):
            yield from ((f"{kind} tab", w.tabText(i)) for i in range(w.count()))
        elif isinstance(w, QListWidget):
            yield from ((f"{kind} item", w.item(i).text()) for i in range(w.count()))
        elif isinstance(w, QComboBox):
            yield from ((f"{kind} item", w.itemText(i)) for i in range(w.count()))
        elif isinstance(w, QTableView | QTreeView) and w.model() is not None:
            header = w.horizontalHeader() if isinstance(w, QTableView) else w.header()
            for c in range(header.count()):
                yield f"{kind} header", str(w.model().headerData(c, Qt.Orientation.Horizontal) or "")


def chinese_left(root: QWidget, desk) -> list[str]:
    data = data_texts(desk)
    left = []
    for what, text in shown_texts(root):
        rest = text or ""
        for d in data:
            rest = rest.replace(d, "")
        if CJK.search(rest):
            left.append(f"{what}: {text!r}")
    return left


@pytest.fixture
def en_window(qtbot, en_desk):
    from ui.main_window import MainWindow

    w = MainWindow(en_desk)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    wait_idle(qtbot, en_desk)


def test_english_main_window_and_pages(qtbot, en_window, en_desk):
    w = en_window
    assert w.windowTitle() == f"One-stop reception desk — {en_desk.ctx.config.centre.name}"
    assert [w.nav.item(i).text() for i in range(w.nav.count())] == [
        "Intake",
        "Cases",
        "Department queues",
        "Day close",
        "Settings",
    ]
    for key in ("intake", "cases", "queues", "dayclose", "settings"):
        w.show_page(key)
        wait_idle(qtbot, en_desk)
    intake = w.pages["intake"]
    for window in ("petition", "legal_aid"):  # every section in use once
        intake.set_window(window)
        wait_idle(qtbot, en_desk)
        left = chinese_left(w, en_desk)
        assert not left, f"Chinese in the English UI ({window}):\n" + "\n".join(left)

    assert [s.header.text() for s in intake.sections][:2] == ["1. Intake details", "2. Applicants"]
    assert intake.save_button.text() == "Save (Ctrl+S)"
    cases = w.pages["cases"]
    view = cases.findChild(QTableView)
    assert view.model().headerData(0, Qt.Orientation.Horizontal) == "Case number"
    dayclose = w.pages["dayclose"]
    assert "Day close" in [lb.text() for lb in dayclose.findChildren(QLabel)]
    settings = w.pages["settings"]
    assert "Settings" in [lb.text() for lb in settings.findChildren(QLabel)]


def test_english_case_dialog_and_its_actions(qtbot, en_desk):
    from ui.cases.detail import CaseDetailDialog

    case_no = register_case(en_desk.ctx, base_case(en_desk.ctx.config)).case_no
    dlg = CaseDetailDialog(en_desk, case_no)
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.loaded, timeout=15_000):
        dlg.show()
    wait_idle(qtbot, en_desk)
    assert dlg.windowTitle() == f"Case {case_no}"
    assert dlg.close_case_button.text() == "Clos&e case"
    for open_action in (dlg.add_note, dlg.record_answer, dlg.close_case):
        action = open_action()
        left = chinese_left(action, en_desk)
        assert not left, f"Chinese in the English {type(action).__name__}:\n" + "\n".join(left)
        action.reject()
    left = chinese_left(dlg, en_desk)
    assert not left, "Chinese in the English case dialog:\n" + "\n".join(left)
    wait_idle(qtbot, en_desk)
