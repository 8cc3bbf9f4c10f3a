"""What the About dialog (帮助 → 关于) shows: the version, where the data are, and the licences of what ships.

* :func:`about_info` — the version, the database in use (a password or key in its URL is never shown),
  the data, config and log folders, the hall file, and :func:`components`.
* :func:`components` — the shipped font (WenQuanYi Micro Hei), the Python runtime, and every library the
  program ships: the dependency tree of the ``reception-desk`` distribution read from
  ``importlib.metadata`` (plus the PostgreSQL driver), each with its version, its licence as its own
  metadata states it (``License-Expression``, else a short ``License``, else the licence classifiers) and
  the licence files of its ``.dist-info``. Libraries whose wheel carries no licence text (PySide6 and
  shiboken6 say ``LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only`` only in their metadata) get the texts in
  ``resources/licenses/``.
* :func:`shipped_distributions` — the same list of distributions; ``build_installer.py`` copies their
  metadata into the bundle so that the installed program can read it too.

No Qt here: the command line can print the same (:func:`about_text`).
"""

from __future__ import annotations

import platform
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from reception.paths import config_dir, data_dir, log_dir, resource_path

DISTRIBUTION = "reception-desk"
#: shipped with the program although not a dependency of the ``reception-desk`` distribution: the
#: PostgreSQL driver (the ``postgres`` extra; ``build_installer.py`` bundles it for halls that share one
#: database)
EXTRA_DISTRIBUTIONS = ("psycopg", "psycopg-binary")
_LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
#: licence texts shipped in resources/licenses for a licence named in metadata only
_TEXTS_FOR = (
    ("LGPL-3.0", ("LGPL-3.0.txt", "GPL-3.0.txt")),  # the LGPLv3 is a set of permissions added to the GPLv3
    ("GPL-3.0", ("GPL-3.0.txt",)),
)


@dataclass(frozen=True)
class Component:
    """Something the program ships, and under which licence."""

    name: str
    version: str
    #: as the component states it (an SPDX expression where it gives one)
    licence: str
    #: "font" | "runtime" | "library" (a dependency of the program) | "dependency" (of a library)
    kind: str
    url: str | None = None
    #: the licence texts (files in the bundle or the installation)
    licence_files: tuple[Path, ...] = ()
    #: (zh, en): what else to know about it
    note: tuple[str, str] | None = None

    def note_text(self, lang: str = "zh") -> str:
        if not self.note:
            return ""
        return self.note[1] if lang.startswith("en") else self.note[0]


@dataclass(frozen=True)
class AboutInfo:
    version: str
    python: str
    platform: str
    #: running from the installed bundle (PyInstaller) rather than from Python
    frozen: bool
    #: the folder of the program (the installation folder of the bundle)
    program_dir: Path
    #: the database in use, its password and keys hidden
    database: str
    #: the SQLite file, or None for a database server
    database_file: Path | None
    data_dir: Path
    config_dir: Path
    log_dir: Path
    #: the hall's own configuration file, or None while the shipped example is in use
    hall_file: Path | None
    components: tuple[Component, ...] = field(default=())


# -- version ------------------------------------------------------------------------------------


def app_version() -> str:
    """The program's version (the installed distribution's metadata; the bundle carries a copy)."""
    import reception

    return reception.__version__


# -- the database, without secrets -------------------------------------------------------------


def safe_database_url(url: str) -> str:
    """``url`` for display: the password replaced by ``***``, and so is any query parameter that
    carries a secret (``?password=``, ``sslpassword``, ``sslkey``…); see ``storage.engine.redacted``."""
    from reception.storage.engine import redacted, resolve_url

    return redacted(resolve_url(url))


def _database_file(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    from reception.storage.engine import resolve_url

    u = make_url(resolve_url(url))
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


# -- what ships --------------------------------------------------------------------------------


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(req: str) -> str | None:
    """The distribution a requirement names, or None for one that only an extra asks for."""
    spec, _, marker = req.partition(";")
    if "extra" in marker and re.search(r"\bextra\s*==", marker):
        return None
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return m.group(1) if m else None


def shipped_distributions() -> list[metadata.Distribution]:
    """``reception-desk`` and every installed distribution it depends on (its dependencies' too, extras
    left out), then the PostgreSQL driver: direct dependencies in the order pyproject lists them, then the
    rest by name. A dependency for another system (``pywin32-ctypes`` on Linux) is not installed and so not
    listed."""
    try:
        root = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return []
    seen: dict[str, metadata.Distribution] = {_normal(DISTRIBUTION): root}
    direct: list[str] = []
    queue = [(root, True)]
    while queue:
        dist, is_root = queue.pop(0)
        for req in dist.requires or []:
            name = _requirement_name(req)
            if name is None or _normal(name) in seen:
                continue
            try:
                found = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
            seen[_normal(name)] = found
            if is_root:
                direct.append(_normal(name))
            queue.append((found, False))
    for name in EXTRA_DISTRIBUTIONS:
        if _normal(name) not in seen:
            try:
                seen[_normal(name)] = metadata.distribution(name)
            except metadata.PackageNotFoundError:
                continue
            direct.append(_normal(name))
    rest = sorted(k for k in seen if k not in direct and k != _normal(DISTRIBUTION))
    return [seen[_normal(DISTRIBUTION)]] + [seen[k] for k in direct] + [seen[k] for k in rest]


def metadata_licence(meta) -> str:
    """A distribution's licence as its metadata states it."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) <= 80 and text.upper() != "UNKNOWN":
        return text
    classifiers = [c.split(" :: ")[-1] for c in (meta.get_all("Classifier") or []) if c.startswith("License ::")]
    if classifiers:
        return "; ".join(classifiers)
    if text and text.upper() != "UNKNOWN":
        return text.splitlines()[0][:80]
    return "?"


def _dist_licence_files(dist: metadata.Distribution) -> list[Path]:
    out: list[Path] = []
    for f in dist.files or ():
        parts = f.parts
        if len(parts) < 2 or not parts[0].endswith(".dist-info"):
            continue
        if "licenses" in parts[1:-1] or _LICENCE_FILE.match(parts[-1]):
            path = Path(dist.locate_file(f))
            if path.is_file():
                out.append(path)
    return sorted(set(out))


def _shipped_texts(licence: str) -> list[Path]:
    for key, names in _TEXTS_FOR:
        if key in licence:
            return [resource_path("licenses", n) for n in names]
    return []


def _url(meta) -> str | None:
    home = meta.get("Home-page")
    if home:
        return home
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository", "documentation"):
            return url.strip()
    return None


_QT_NOTE = (
    "含 Qt 6 程序库（LGPLv3，以独立的动态库文件随程序安装，可自行替换；源代码见 https://download.qt.io）。"
    "Qt 内含的第三方组件（Qt PDF 中的 PDFium、FreeType、HarfBuzz、libpng、zlib 等）的许可证见 "
    "https://doc.qt.io/qt-6/licenses-used-in-qt.html",
    "Includes the Qt 6 libraries (LGPLv3; installed as separate shared libraries that can be replaced; "
    "source at https://download.qt.io). Third-party parts of Qt (PDFium in Qt PDF, FreeType, HarfBuzz, libpng, "
    "zlib, …) and their licences: https://doc.qt.io/qt-6/licenses-used-in-qt.html",
)
_LIBPQ_NOTE = (
    "含 PostgreSQL 客户端库 libpq（PostgreSQL 许可证）及其依赖的程序库（OpenSSL 等），清单见其 SBOM。",
    "Includes the PostgreSQL client library libpq (PostgreSQL Licence) and the libraries it needs "
    "(OpenSSL, …), listed in the wheel's SBOM.",
)
_NOTES = {"pyside6-essentials": _QT_NOTE, "pyside6-pdf": _QT_NOTE, "psycopg-binary": _LIBPQ_NOTE}


def _fonts() -> list[Component]:
    return [
        Component(
            name="WenQuanYi Micro Hei 文泉驿微米黑",
            version="0.2.0-beta",
            licence="Apache-2.0 OR GPL-3.0-or-later WITH Font-exception-2.0",
            kind="font",
            url="http://wenq.org/wqy2/index.cgi?MicroHei",
            licence_files=(resource_path("fonts", "LICENSE-wqy-microhei.txt"),),
            note=(
                "嵌入回执等 PDF 的中文字体（resources/fonts/wqy-microhei.ttc），依 Apache License 2.0 再分发。",
                "The Chinese font embedded in receipts and other PDFs (resources/fonts/wqy-microhei.ttc), "
                "redistributed under the Apache License 2.0.",
            ),
        )
    ]


def _python() -> Component:
    return Component(
        name="Python",
        version=platform.python_version(),
        licence="PSF-2.0",
        kind="runtime",
        url="https://www.python.org",
        licence_files=(resource_path("licenses", "Python-LICENSE.txt"),),
    )


@cache
def components() -> tuple[Component, ...]:
    """The font, the Python runtime and the libraries (see the module's docstring)."""
    out = [*_fonts(), _python()]
    dists = shipped_distributions()
    direct = set()
    root = dists[0] if dists else None
    if root is not None:
        direct = {_normal(n) for n in (_requirement_name(r) for r in root.requires or []) if n}
        direct |= {_normal(n) for n in EXTRA_DISTRIBUTIONS}
    for dist in dists[1:]:
        meta = dist.metadata
        name = meta["Name"]
        licence = metadata_licence(meta)
        files = _dist_licence_files(dist) or _shipped_texts(licence)
        out.append(
            Component(
                name=name,
                version=dist.version,
                licence=licence,
                kind="library" if _normal(name) in direct else "dependency",
                url=_url(meta),
                licence_files=tuple(files),
                note=_NOTES.get(_normal(name)),
            )
        )
    return tuple(out)


def licence_text(component: Component) -> str:
    """The component's licence texts, one after the other, each under its file name."""
    parts = []
    for path in component.licence_files:
        try:
            body = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            body = f"({type(exc).__name__}: {path})"
        parts.append(f"==> {path.name} <==\n{body.rstrip()}\n")
    return "\n".join(parts)


# -- everything at once ------------------------------------------------------------------------


def program_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def about_info(db_url: str | None = None, *, hall_file: Path | None = None) -> AboutInfo:
    """Everything the About dialog shows, for the database ``db_url`` (None: the one the program would
    open: ``RECEPTION_DB``, else the SQLite file in the data folder). ``hall_file``: the hall configuration
    in use (None: ``hall.toml`` in the config folder when there is one)."""
    from reception.storage.engine import resolve_url

    url = resolve_url(db_url)
    if hall_file is None:
        candidate = config_dir() / "hall.toml"
        hall_file = candidate if candidate.is_file() else None
    return AboutInfo(
        version=app_version(),
        python=platform.python_version(),
        platform=platform.platform(),
        frozen=bool(getattr(sys, "frozen", False)),
        program_dir=program_dir(),
        database=safe_database_url(url),
        database_file=_database_file(url),
        data_dir=data_dir(),
        config_dir=config_dir(),
        log_dir=log_dir(),
        hall_file=hall_file,
        components=components(),
    )


def hall_file_of(config) -> Path | None:
    """The hall's own file among a loaded configuration's sources (None: the shipped example only)."""
    shipped = resource_path("config").resolve()
    for path in reversed(getattr(config, "source_files", ()) or ()):
        p = Path(path).resolve()
        if not p.is_relative_to(shipped):
            return p
    return None


_LABELS = {
    "version": ("版本", "Version"),
    "program": ("程序位置", "Program folder"),
    "database": ("数据库", "Database"),
    "database_file": ("数据库文件", "Database file"),
    "data": ("数据文件夹", "Data folder"),
    "config": ("配置文件夹", "Configuration folder"),
    "log": ("日志文件夹", "Log folder"),
    "hall": ("本厅配置文件", "Hall configuration"),
    "example": ("（示例配置，尚未生成 hall.toml）", "(the example; no hall.toml yet)"),
    "runtime": ("运行环境", "Runtime"),
    "licences": ("随附的字体和程序库及其许可证", "Shipped fonts and libraries, and their licences"),
}


def label(key: str, lang: str = "zh") -> str:
    zh, en = _LABELS[key]
    return en if lang.startswith("en") else zh


def about_text(info: AboutInfo, lang: str = "zh", *, qt: str | None = None) -> str:
    """The About information as plain text (the dialog's 复制 button; the command line). ``qt``: the Qt
    version, which only the desk knows (the core does not import Qt)."""
    sep = ": " if lang.startswith("en") else "："
    runtime = ", ".join(x for x in (f"Python {info.python}", qt, info.platform) if x)
    lines = [
        f"{label('version', lang)}{sep}{info.version}",
        f"{label('runtime', lang)}{sep}{runtime}",
        f"{label('program', lang)}{sep}{info.program_dir}",
        f"{label('database', lang)}{sep}{info.database}",
    ]
    if info.database_file is not None:
        lines.append(f"{label('database_file', lang)}{sep}{info.database_file}")
    lines += [
        f"{label('data', lang)}{sep}{info.data_dir}",
        f"{label('config', lang)}{sep}{info.config_dir}",
        f"{label('log', lang)}{sep}{info.log_dir}",
        f"{label('hall', lang)}{sep}{info.hall_file if info.hall_file else label('example', lang)}",
        "",
        label("licences", lang) + sep,
    ]
    for c in info.components:
        lines.append(f"  {c.name} {c.version} — {c.licence}")
    return "\n".join(lines) + "\n"
