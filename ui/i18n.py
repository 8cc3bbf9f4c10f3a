"""Translations: Qt's own Chinese catalogues, and our English one.

The desk's source strings are Simplified Chinese (``self.tr("受理登记")``); English is a translation,
``resources/translations/desk_en.ts`` compiled to ``desk_en.qm``. For Chinese, Qt's own catalogues
(``qt_zh_CN.qm``, ``qtbase_zh_CN.qm``) translate the buttons and dialogs Qt draws itself.

Developer command, after adding or changing UI strings::

    python -m ui.i18n            # pyside6-lupdate over ui/**/*.py -> desk_en.ts, then lrelease -> desk_en.qm

lupdate keeps the translations already in the ``.ts`` file; new strings come in as unfinished, to be
translated in Qt Linguist (``pyside6-linguist resources/translations/desk_en.ts``) or by hand.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from reception.paths import resource_path

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")
CATALOGUE = "desk_en"
QT_CATALOGUES_ZH = ("qt_zh_CN", "qtbase_zh_CN")
ROOT = Path(__file__).resolve().parent.parent


def normalize(lang: str | None) -> str:
    """``en``, ``en_US``, ``English`` -> ``en``; anything else -> ``zh``."""
    return "en" if (lang or "").lower().startswith("en") else "zh"


def locale_for(lang: str) -> QLocale:
    if normalize(lang) == "en":
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install the translators for ``lang`` on ``app`` and make its locale the default (dates, numbers).

    Returns the translators installed (keep them: a translator that is garbage-collected stops
    translating); :func:`remove_translators` takes them off again."""
    lang = normalize(lang)
    installed: list[QTranslator] = []
    if lang == "zh":
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in QT_CATALOGUES_ZH:
            t = QTranslator(app)
            if t.load(name, qt_dir):
                app.installTranslator(t)
                installed.append(t)
            else:  # qt_zh_CN pulls in catalogues of modules we do not ship; qtbase_zh_CN is the one that matters
                log.debug("Qt catalogue %s not loaded from %s", name, qt_dir)
    else:
        path = resource_path("translations", CATALOGUE + ".qm")
        t = QTranslator(app)
        if path.is_file() and t.load(str(path)):
            app.installTranslator(t)
            installed.append(t)
        else:
            log.warning("English catalogue missing or unreadable: %s", path)
    QLocale.setDefault(locale_for(lang))
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for t in translators:
        app.removeTranslator(t)
        t.deleteLater()
    translators.clear()


# -- developer command ------------------------------------------------------------------------------


def find_tool(name: str) -> Path:
    """``pyside6-lupdate`` / ``pyside6-lrelease``: next to the running interpreter (the venv), else on PATH."""
    exe = name + (".exe" if os.name == "nt" else "")
    here = Path(sys.executable).parent / exe
    if here.is_file():
        return here
    found = shutil.which(name)
    if found:
        return Path(found)
    raise FileNotFoundError(f"{name} not found next to {sys.executable} or on PATH (pip install PySide6-Essentials)")


def ui_sources(root: Path = ROOT) -> list[Path]:
    """Every ``ui/**/*.py`` file, relative to ``root`` (lupdate records locations relative to the .ts)."""
    return sorted(p.relative_to(root) for p in (root / "ui").rglob("*.py") if "__pycache__" not in p.parts)


def update_catalogue(*, root: Path = ROOT, release: bool = True, no_obsolete: bool = False) -> tuple[Path, Path]:
    """Run lupdate over the UI sources into ``desk_en.ts`` (keeping existing translations), then
    lrelease into ``desk_en.qm``. Returns both paths."""
    out_dir = root / "resources" / "translations"
    out_dir.mkdir(parents=True, exist_ok=True)
    ts = out_dir / (CATALOGUE + ".ts")
    qm = out_dir / (CATALOGUE + ".qm")
    cmd = [str(find_tool("pyside6-lupdate"))]
    if no_obsolete:
        cmd.append("-no-obsolete")
    cmd += ["-source-language", "zh_CN", "-target-language", "en", *map(str, ui_sources(root))]
    cmd += ["-ts", str(ts.relative_to(root))]
    subprocess.run(cmd, cwd=root, check=True)
    if release:
        subprocess.run([str(find_tool("pyside6-lrelease")), str(ts), "-qm", str(qm)], cwd=root, check=True)
    return ts, qm


def _main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m ui.i18n", description="update desk_en.ts from ui/**/*.py and compile it"
    )
    p.add_argument("--no-release", action="store_true", help="only update the .ts file")
    p.add_argument("--no-obsolete", action="store_true", help="drop translations of strings no longer in the code")
    args = p.parse_args(argv)
    ts, qm = update_catalogue(release=not args.no_release, no_obsolete=args.no_obsolete)
    sys.stdout.write(f"{ts}\n" + ("" if args.no_release else f"{qm}\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
