"""Where things live: shipped resources, and the user's data, config and log folders.

One helper finds ``resources/`` whether we run from a source checkout (``<repo>/resources``), an
installed wheel (``site-packages/reception/resources``, mapped in pyproject) or a PyInstaller bundle
(``sys._MEIPASS/resources``).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import platformdirs

APP_NAME = "reception-desk"
APP_AUTHOR = "OneStopReception"
_MARKER = Path("config") / "defaults.toml"


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates += [here.parent / "resources", here / "resources"]
    for c in candidates:
        if (c / _MARKER).is_file():
            return c
    raise FileNotFoundError("resources/ not found; looked in " + ", ".join(map(str, candidates)))


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource file, e.g. ``resource_path("rules", "routing.toml")``."""
    return resources_dir().joinpath(*parts)


def data_dir() -> Path:
    override = os.environ.get("RECEPTION_DATA_DIR")
    p = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    p.mkdir(parents=True, exist_ok=True)
    return p


def config_dir() -> Path:
    override = os.environ.get("RECEPTION_CONFIG_DIR")
    p = Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    p.mkdir(parents=True, exist_ok=True)
    return p


def log_dir() -> Path:
    override = os.environ.get("RECEPTION_LOG_DIR")
    p = Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    p.mkdir(parents=True, exist_ok=True)
    return p


def default_db_url() -> str:
    return "sqlite:///" + (data_dir() / "reception.sqlite3").as_posix()


#: the hall's receipt wording, beside its hall.toml (overrides the shipped template key by key)
RECEIPT_TEMPLATE_FILE = "receipt-template.toml"


def receipt_template_path() -> Path:
    """The shipped receipt wording (``reception.receipts``)."""
    return resource_path("receipts", "template.toml")


def hall_receipt_template_path() -> Path:
    """The hall's own receipt wording, if it has one: ``receipt-template.toml`` in the user config folder."""
    return config_dir() / RECEIPT_TEMPLATE_FILE
