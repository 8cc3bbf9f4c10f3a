"""Per-workstation UI state (window layout, column widths, printer choice, language) in QSettings.

Deployment settings live in the hall TOML file (``reception.config``), secrets only in the keyring;
this file holds only what a workstation remembers about how its clerk likes the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from reception.paths import config_dir

STATE_FILE = "desk-state.ini"

# Keys, declared once so that a typo is an AttributeError rather than a silently new setting.
LANGUAGE = "ui/language"  # "zh" | "en"
LAST_USER = "signin/user"  # the user name last signed in here, offered at the next sign-in
WINDOW = "intake/window"  # the last window chosen at intake
GEOMETRY = "main/geometry"
WINDOW_STATE = "main/state"
LAST_PAGE = "main/page"
PRINTER = "print/printer"  # printer name
LAYOUT = "print/layout"  # "a4" | "slip"
CASE_COLUMNS = "cases/header"
EXPORT_DIR = "dayclose/folder"


def open_settings(path: Path | None = None) -> QSettings:
    """The workstation's state file (an INI file in the user config folder, the same on every OS)."""
    path = path or (config_dir() / STATE_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def text(settings: QSettings, key: str, default: str = "") -> str:
    value = settings.value(key, default)
    return value if isinstance(value, str) else default
