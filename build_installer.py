"""Build the release: the PyInstaller bundle, its smoke test, and on Windows the installer and a zip.

    .venv/bin/pip install -e ".[build]"        # PyInstaller and the PostgreSQL driver the bundle ships
    .venv/bin/python build_installer.py        # → dist/reception-desk/ (+ on Windows dist/*-setup.exe, *.zip)

Steps, each printed with its time:

1. **Translations** — a copy of ``resources/translations/desk_en.ts`` brought up to date with the UI
   sources (``pyside6-lupdate``) and compiled (``pyside6-lrelease``) in the build folder (the working tree
   is not touched); a string without a finished English translation stops the build.
2. **Version** — the version of ``pyproject.toml``, which must be the one installed (the bundle carries the
   installed metadata: ``pip install -e .`` again after changing it); written as Windows version information
   for both programs (``installer/version_info.txt.in``).
3. **Bundle** — PyInstaller, one folder, from a generated spec: ``reception-desk`` (windowed, the desk) and
   ``reception`` (console, the command line: ``reception secret set``, ``backup``, …) sharing one
   ``_internal`` folder, with the icon (``resources/icons/desk.ico``), ``resources/`` (fonts, templates,
   translations, configuration defaults, schema, licences), the Alembic migrations (``env.py``,
   ``script.py.mako``, ``versions/``), every module of ``reception`` and ``ui`` (pages are imported by name),
   the PostgreSQL driver, and the metadata (licences) of every shipped distribution for the About dialog.
4. **Pruning** — what the desk does not use is left out: Python modules (QtNetwork, QtDBus, QML, … as Python
   modules; Pillow's AVIF/WebP/colour-management codecs), Qt's translations other than Chinese, Qt plugins
   (Wayland, EGL, VNC, network information, TLS, SVG icons, most image formats, the GTK theme, …) and
   Windows' software OpenGL. Then every shared library that only the removed files needed is left out too
   (their link-time imports are read, :func:`prune_toc`). ``--no-prune`` builds without, to compare sizes.
5. **Smoke test** — the built ``reception-desk --smoke-test`` (``ui.smoke``) in a fresh data folder
   inside the build folder, and ``reception --version``; a failure stops the build with the report.
6. **Installer** (Windows) — ``installer/reception-desk.iss.in`` filled in as ``<build>/reception-desk.iss``
   and compiled with Inno Setup's ``ISCC.exe`` (``--iscc``, ``ISCC`` in the environment, ``PATH`` or the
   usual install folders), and a zip of the bundle. Elsewhere the ``.iss`` is still written (to inspect),
   and the build says that the installer step needs Windows.

The output folder (``--dist``, default ``dist/``) and the build folder (``--work``, default ``build/``)
can be anywhere; the tests build inside a temporary folder. At the end the bundle's size and the build's
time are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import string
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent
INSTALLER = ROOT / "installer"

#: Inno Setup's AppId: never change it, or an installer no longer upgrades the installed version
APP_GUID = "{B4E9D6E0-1F4B-4C8E-9497-C568B4CFFA33}"
NAME_ZH = "一站式受理台"
NAME_EN = "One-Stop Reception Desk"
AUTHOR = "OneStopReception"  # reception.paths.APP_AUTHOR: the per-user folders' parent
APP_NAME = "reception-desk"  # reception.paths.APP_NAME
BUNDLE = "reception-desk"
DESK = "reception-desk"
CLI = "reception"
ENTRY_SCRIPTS = {DESK: INSTALLER / "reception_desk.py", CLI: INSTALLER / "reception_cli.py"}

#: Python modules the desk never imports at run time, though something it ships mentions them
EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "PySide6.QtNetwork",
    "PySide6.QtDBus",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
    "PySide6.QtTest",
    "PySide6.QtSql",
    "PySide6.QtXml",
    "PySide6.QtHelp",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtConcurrent",
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL.ImageQt",
    "pytest",
    "hypothesis",
    "IPython",
    "setuptools",
    "pip",
]
#: imported by name at run time (SQLAlchemy's dialects from the database URL)
HIDDEN_IMPORTS = ["sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql.psycopg", "psycopg", "psycopg_binary"]
#: packages whose modules are imported by name at run time, all of them (reportlab's barcode widgets are
#: imported with ``exec`` when the receipt's QR code is drawn)
COLLECT_SUBMODULES = ["reportlab.graphics.barcode"]

#: Qt translations kept (the desk's English is its own catalogue; Chinese is Qt's)
QT_TRANSLATIONS_KEPT = {"qt_zh_CN.qm", "qtbase_zh_CN.qm"}
#: Qt plugin folders left out whole
QT_PLUGIN_DIRS_DROPPED = {
    "designer",
    "egldeviceintegrations",
    "generic",
    "iconengines",
    "networkinformation",
    "qmltooling",
    "sqldrivers",
    "tls",
    "vectorimageformats",
    "wayland-decoration-client",
    "wayland-graphics-integration-client",
    "wayland-graphics-integration-server",
    "wayland-shell-integration",
}
#: Qt plugins kept of the folders that are thinned (by the plugin's name without ``lib`` and suffix)
QT_PLUGINS_KEPT = {
    "platforms": {"qwindows", "qdirect2d", "qoffscreen", "qminimal", "qxcb", "qcocoa"},
    "imageformats": {"qico", "qjpeg", "qgif"},
    "platformthemes": {"qxdgdesktopportal"},
}
#: other files left out by name: Windows' software OpenGL and shader compiler (the desk draws with
#: QPainter, never OpenGL), the ANGLE libraries
FILES_DROPPED = {"opengl32sw.dll", "d3dcompiler_47.dll", "libegl.dll", "libglesv2.dll"}


# -- the version ---------------------------------------------------------------------------------------------


def project_version(root: Path = ROOT) -> str:
    """The version in pyproject.toml; the installed metadata must say the same (the bundle copies it)."""
    from importlib.metadata import PackageNotFoundError, version

    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    try:
        installed = version(APP_NAME)
    except PackageNotFoundError:
        raise BuildError(f'{APP_NAME} is not installed in this environment: pip install -e ".[build]"') from None
    if installed != declared:
        raise BuildError(
            f'pyproject.toml says {declared} but {installed} is installed: pip install -e ".[build]" again'
        )
    return declared


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` → (0, 1, 0, 0); ``1.2rc1`` → (1, 2, 0, 0): Windows wants four numbers."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    numbers = [int(n) for n in release.group(0).split(".")] if release else []
    return tuple([*numbers, 0, 0, 0, 0][:4])  # type: ignore[return-value]


def _publisher(root: Path = ROOT) -> str:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    authors = project.get("authors") or [{}]
    return authors[0].get("name") or AUTHOR


def version_info_text(version: str, exe: str, description: tuple[str, str]) -> str:
    template = string.Template((INSTALLER / "version_info.txt.in").read_text(encoding="utf-8"))
    publisher = _publisher()
    return template.substitute(
        version=version,
        numbers=repr(version_numbers(version)),
        publisher=publisher,
        copyright=f"© {time.gmtime().tm_year} {publisher}",
        exe=exe,
        internal=Path(exe).stem,
        description_zh=description[0],
        description_en=description[1],
        name_zh=NAME_ZH,
        name_en=NAME_EN,
    )


# -- translations --------------------------------------------------------------------------------------------


def compile_translations(out_dir: Path) -> Path:
    """The desk's English catalogue for this build, in ``out_dir``: a copy of ``desk_en.ts`` brought up to
    date with the UI sources by this environment's lupdate, compiled by its lrelease. A string of the code
    that has no finished translation stops the build (the working tree is not touched)."""
    from ui.i18n import CATALOGUE, find_tool, ui_sources

    out_dir.mkdir(parents=True, exist_ok=True)
    ts = out_dir / (CATALOGUE + ".ts")
    shutil.copyfile(ROOT / "resources" / "translations" / ts.name, ts)
    qm = out_dir / (CATALOGUE + ".qm")
    lupdate = [str(find_tool("pyside6-lupdate")), "-source-language", "zh_CN", "-target-language", "en"]
    said = ""
    for cmd in (
        [*lupdate, *map(str, ui_sources(ROOT)), "-ts", str(ts)],
        [str(find_tool("pyside6-lrelease")), str(ts), "-qm", str(qm)],
    ):
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", errors="replace", check=False
        )
        said = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0:
            raise BuildError(f"{Path(cmd[0]).name} failed ({proc.returncode}): {said}")
    if not qm.is_file():
        raise BuildError(f"lrelease wrote no {qm}: {said}")
    unfinished = re.search(r"(\d+) unfinished", said)
    untranslated = re.search(r"Ignored (\d+) untranslated", said)
    missing = (int(unfinished.group(1)) if unfinished else 0) + (int(untranslated.group(1)) if untranslated else 0)
    if missing:
        raise BuildError(
            f"{missing} UI string(s) have no finished English translation ({said}): run `python -m ui.i18n`, "
            "translate the unfinished entries of resources/translations/desk_en.ts, then build again"
        )
    return qm


# -- the spec ------------------------------------------------------------------------------------------------


def resource_datas(qm: Path) -> list[tuple[str, str]]:
    """(source file, folder in the bundle) of everything in resources/ but the translation sources and the
    committed .qm (the freshly compiled ``qm`` takes its place)."""
    out = []
    base = ROOT / "resources"
    for path in sorted(base.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        rel = path.relative_to(base)
        if rel.parts[0] == "translations" and path.suffix in (".ts", ".qm"):
            continue
        out.append((str(path), str(PurePosixPath("resources", *rel.parent.parts))))
    out.append((str(qm), "resources/translations"))
    return out


def migration_datas() -> list[tuple[str, str]]:
    """The Alembic scripts as files (Alembic reads them from the folder ``reception/migrations``)."""
    base = ROOT / "reception" / "migrations"
    out = []
    for path in sorted(base.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".mako"):
            rel = path.relative_to(ROOT)
            out.append((str(path), str(PurePosixPath(*rel.parent.parts))))
    return out


def app_modules() -> list[str]:
    """Every module of ``reception`` and ``ui`` (the desk imports its pages by name)."""
    out = []
    for top in ("reception", "ui"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out.append(".".join(parts))
    return out


def shipped_metadata() -> list[str]:
    """The distributions whose metadata (version, licence files) the bundle carries: the About dialog's."""
    from reception.about import shipped_distributions

    return [d.metadata["Name"] for d in shipped_distributions()]


SPEC = """# Generated by build_installer.py: change build_installer.py, not this file.
import importlib.util, json, sys
from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

# build_installer.py loaded from its file: the checkout is not put on sys.path, where its *.egg-info
# folder would be taken for the installed distribution's metadata
_spec = importlib.util.spec_from_file_location("build_installer", {script!r})
B = sys.modules["build_installer"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(B)

cfg = json.loads(Path({config!r}).read_text(encoding="utf-8"))
datas = [tuple(d) for d in cfg["datas"]]
hidden = list(cfg["hiddenimports"])
for package in cfg["collect_submodules"]:
    hidden += collect_submodules(package)
for name in cfg["metadata"]:
    datas += copy_metadata(name)
try:  # Windows has no time-zone database of its own: zoneinfo reads the tzdata package
    import tzdata  # noqa: F401
    datas += collect_data_files("tzdata")
    hidden += collect_submodules("tzdata")
except ImportError:
    pass

a = Analysis(
    [cfg["scripts"]["desk"], cfg["scripts"]["cli"]],
    pathex=[cfg["root"]],
    datas=datas,
    hiddenimports=hidden,
    excludes=cfg["excludes"],
    noarchive=False,
)
if cfg["prune"]:
    B.prune_analysis(a, Path(cfg["prune_report"]))
pyz = PYZ(a.pure)
desk_name = Path(cfg["scripts"]["desk"]).stem
cli_name = Path(cfg["scripts"]["cli"]).stem
desk = EXE(
    pyz,
    [s for s in a.scripts if s[0] != cli_name],
    [],
    exclude_binaries=True,
    name=cfg["desk"],
    console=False,
    icon=cfg["icon"],
    version=cfg["version_files"]["desk"],
)
cli = EXE(
    pyz,
    [s for s in a.scripts if s[0] != desk_name],
    [],
    exclude_binaries=True,
    name=cfg["cli"],
    console=True,
    icon=cfg["icon"],
    version=cfg["version_files"]["cli"],
)
COLLECT(desk, cli, a.binaries, a.datas, name=cfg["bundle"])
"""


# -- pruning (runs inside PyInstaller, from the spec) -------------------------------------------------------


@dataclass
class PruneResult:
    #: (file in the bundle, bytes)
    removed: list[tuple[str, int]] = field(default_factory=list)
    #: (file the rules name, the kept file that links to it)
    kept_anyway: list[tuple[str, str]] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self.removed)


def _base(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).name


def _plugin_name(file: str) -> str:
    stem = file.split(".")[0]
    return stem[3:] if stem.startswith("lib") else stem


def dropped_by_rule(dest: str) -> bool:
    """Whether a file of the bundle (its path inside the bundle) is one the desk does not use."""
    path = PurePosixPath(dest.replace("\\", "/"))
    parts = path.parts
    name = path.name
    if name.lower() in FILES_DROPPED:
        return True
    if "translations" in parts and name.endswith(".qm") and "PySide6" in parts:
        return name not in QT_TRANSLATIONS_KEPT
    if "plugins" in parts and "PySide6" in parts:
        i = parts.index("plugins")
        if len(parts) > i + 2:
            folder = parts[i + 1]
            if folder in QT_PLUGIN_DIRS_DROPPED:
                return True
            kept = QT_PLUGINS_KEPT.get(folder)
            if kept is not None and _plugin_name(name) not in kept:
                return True
    return False


def prune_toc(binaries: list, datas: list, needed: callable) -> tuple[list, list, PruneResult]:
    """``binaries`` and ``datas`` (PyInstaller TOC lists of ``(dest, src, typecode)``) without the files
    :func:`dropped_by_rule` names, nor the shared libraries that only those files needed.

    ``needed(src)`` gives the names a binary imports at link time. A library stays when something kept
    imports it, or when nothing imported it in the first place (an extension module, a plugin, the Python
    library: loaded at run time, not linked). A file the rules name stays all the same when something kept
    links to it (it could not load without it; ``PruneResult.kept_anyway`` says which). Symbolic links stay
    with their targets."""
    result = PruneResult()
    nodes = {dest: (src, kind) for dest, src, kind in binaries if kind != "SYMLINK"}
    by_name: dict[str, list[str]] = {}
    for dest in nodes:
        by_name.setdefault(_base(dest), []).append(dest)
    imports = {dest: {_base(n) for n in needed(src)} for dest, (src, _) in nodes.items()}
    imported = set().union(*imports.values()) if imports else set()
    ruled_out = {dest for dest in nodes if dropped_by_rule(dest)}
    roots = [d for d in nodes if d not in ruled_out and _base(d) not in imported]
    kept: set[str] = set()
    todo = list(roots)
    while todo:
        dest = todo.pop()
        if dest in kept:
            continue
        kept.add(dest)
        for name in imports[dest]:
            for d in by_name.get(name, ()):
                if d in ruled_out:
                    result.kept_anyway.append((d, dest))
                elif d not in kept:
                    todo.append(d)
        if not todo:  # a ruled-out file that something kept links to stays, with what it links to
            linked = {d for d, _ in result.kept_anyway} - kept
            todo.extend(linked)
            ruled_out -= linked

    def size(src: str) -> int:
        try:
            return os.path.getsize(src)
        except OSError:
            return 0

    new_binaries = []
    for dest, src, kind in binaries:
        if kind == "SYMLINK":
            target = os.path.normpath(os.path.join(os.path.dirname(dest), src))
            if target in nodes and target not in kept:
                continue
        elif dest not in kept:
            result.removed.append((dest, size(src)))
            continue
        new_binaries.append((dest, src, kind))
    new_datas = []
    for dest, src, kind in datas:
        if dropped_by_rule(dest):
            result.removed.append((dest, size(src)))
            continue
        new_datas.append((dest, src, kind))
    return new_binaries, new_datas, result


def prune_analysis(analysis, report: Path) -> PruneResult:
    """Prune a PyInstaller ``Analysis`` in place (called from the generated spec); the list of what was
    removed goes to ``report`` (JSON)."""
    from PyInstaller.depend.bindepend import get_imports

    def needed(src: str) -> list[str]:
        try:
            return [name for name, _ in get_imports(src)]
        except Exception:  # not a binary it can read: it imports nothing we know of
            return []

    binaries, datas, result = prune_toc(list(analysis.binaries), list(analysis.datas), needed)
    analysis.binaries[:] = binaries
    analysis.datas[:] = datas
    report.write_text(
        json.dumps(
            {"bytes": result.bytes, "removed": sorted(result.removed), "kept_anyway": sorted(set(result.kept_anyway))},
            indent=1,
        ),
        encoding="utf-8",
    )
    return result


# -- running -------------------------------------------------------------------------------------------------


class BuildError(Exception):
    pass


@dataclass
class Build:
    dist: Path
    work: Path
    prune: bool = True
    smoke_test: bool = True
    installer: bool = True
    iscc: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def bundle(self) -> Path:
        return self.dist / BUNDLE

    def exe(self, name: str) -> Path:
        return self.bundle / (name + (".exe" if sys.platform == "win32" else ""))

    def timed(self, what: str, fn, *args):
        say(f"— {what} …")
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.timings[what] = time.perf_counter() - t0
            say(f"  {what}: {self.timings[what]:.1f} s")

    # -- steps --
    def write_spec(self, version: str, qm: Path) -> Path:
        self.work.mkdir(parents=True, exist_ok=True)
        version_files = {}
        for key, exe, description in (
            ("desk", DESK + ".exe", (NAME_ZH, NAME_EN)),
            ("cli", CLI + ".exe", (NAME_ZH + "命令行", NAME_EN + " command line")),
        ):
            path = self.work / f"version-{key}.txt"
            path.write_text(version_info_text(version, exe, description), encoding="utf-8")
            version_files[key] = str(path) if sys.platform == "win32" else None
        config = {
            "root": str(ROOT),
            "scripts": {"desk": str(ENTRY_SCRIPTS[DESK]), "cli": str(ENTRY_SCRIPTS[CLI])},
            "desk": DESK,
            "cli": CLI,
            "bundle": BUNDLE,
            "icon": str(ROOT / "resources" / "icons" / "desk.ico"),
            "version_files": version_files,
            "datas": resource_datas(qm) + migration_datas(),
            "hiddenimports": app_modules() + HIDDEN_IMPORTS,
            "collect_submodules": COLLECT_SUBMODULES,
            "excludes": EXCLUDED_MODULES if self.prune else [],
            "metadata": shipped_metadata(),
            "prune": self.prune,
            "prune_report": str(self.work / "prune.json"),
        }
        config_path = self.work / "build-config.json"
        config_path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
        spec = self.work / f"{BUNDLE}.spec"
        spec.write_text(SPEC.format(script=str(Path(__file__).resolve()), config=str(config_path)), encoding="utf-8")
        return spec

    def run_pyinstaller(self, spec: Path) -> None:
        log_file = self.work / "pyinstaller.log"
        cmd = [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(self.dist),
            "--workpath",
            str(self.work / "pyinstaller"),
            str(spec),
        ]
        with log_file.open("w", encoding="utf-8") as out:
            proc = subprocess.run(cmd, cwd=self.work, stdout=out, stderr=subprocess.STDOUT, check=False)
        if proc.returncode != 0:
            tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
            raise BuildError(f"PyInstaller failed ({proc.returncode}); {log_file}:\n" + "\n".join(tail))
        for name in (DESK, CLI):
            if not self.exe(name).is_file():
                raise BuildError(f"PyInstaller made no {self.exe(name)}")

    def run_smoke_test(self) -> str:
        """The bundle's own smoke test in a fresh folder, and the command line's ``--version``."""
        folder = self.work / "smoke-test"
        shutil.rmtree(folder, ignore_errors=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RECEPTION_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(
            {
                "RECEPTION_DATA_DIR": str(folder / "data"),
                "RECEPTION_CONFIG_DIR": str(folder / "config"),
                "RECEPTION_LOG_DIR": str(folder / "logs"),
                "QT_QPA_PLATFORM": "offscreen",
            }
        )
        proc = subprocess.run(
            [str(self.exe(DESK)), "--smoke-test", "--lang", "en"],
            cwd=folder.parent,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=600,
            check=False,
        )
        report_file = folder / "data" / "smoke-test" / "report.txt"
        report = report_file.read_text(encoding="utf-8") if report_file.is_file() else proc.stderr[-4000:]
        if proc.returncode != 0:
            raise BuildError(
                f"the bundle's smoke test failed (exit {proc.returncode}):\n{report}\n"
                f"log: {folder / 'logs' / 'desk.log'}"
            )
        cli = subprocess.run(
            [str(self.exe(CLI)), "--version"], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        if cli.returncode != 0 or not cli.stdout.strip().startswith(CLI):
            raise BuildError(f"{self.exe(CLI)} --version failed ({cli.returncode}): {cli.stdout}{cli.stderr}")
        return report + cli.stdout

    def write_iss(self, version: str) -> Path:
        template = string.Template((INSTALLER / "reception-desk.iss.in").read_text(encoding="utf-8"))
        text = template.substitute(
            version=version,
            version4=".".join(map(str, version_numbers(version))),
            app_id=APP_GUID,
            name_zh=NAME_ZH,
            name_en=NAME_EN,
            publisher=_publisher(),
            copyright=f"© {time.gmtime().tm_year} {_publisher()}",
            author=AUTHOR,
            app_name=APP_NAME,
            icon=str(ROOT / "resources" / "icons" / "desk.ico"),
            desk_exe=DESK + ".exe",
            bundle=str(self.bundle),
            output_dir=str(self.dist),
            setup_name=f"{BUNDLE}-{version}-setup",
        )
        iss = self.work / f"{BUNDLE}.iss"
        iss.write_text(text, encoding="utf-8-sig")  # Inno Setup reads UTF-8 with a byte-order mark
        return iss

    def make_zip(self, version: str) -> Path:
        base = self.dist / f"{BUNDLE}-{version}-win64"
        return Path(shutil.make_archive(str(base), "zip", root_dir=self.dist, base_dir=BUNDLE))

    def compile_installer(self, iss: Path, iscc: Path) -> Path:
        proc = subprocess.run([str(iscc), "/Q", str(iss)], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise BuildError(f"ISCC failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        found = sorted(self.dist.glob(f"{BUNDLE}-*-setup.exe"), key=lambda p: p.stat().st_mtime)
        if not found:
            raise BuildError(f"ISCC made no installer in {self.dist}")
        return found[-1]


def find_iscc(given: str | None = None) -> Path | None:
    """Inno Setup's compiler: ``given``, ``ISCC`` in the environment, on ``PATH``, or where its installer puts
    it (for all users or, with winget, for this user)."""
    candidates = [given, os.environ.get("ISCC"), shutil.which("ISCC"), shutil.which("iscc")]
    for var in ("ProgramFiles(x86)", "ProgramFiles"):
        if os.environ.get(var):
            candidates.append(str(Path(os.environ[var]) / "Inno Setup 6" / "ISCC.exe"))
    if os.environ.get("LOCALAPPDATA"):
        candidates.append(str(Path(os.environ["LOCALAPPDATA"]) / "Programs" / "Inno Setup 6" / "ISCC.exe"))
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def drop_dangling_links(folder: Path) -> list[Path]:
    """Remove the symbolic links in ``folder`` whose target is gone (PyInstaller links some libraries into
    ``_internal`` from where the package keeps them; pruning can take the target away). Returns them."""
    gone = [p for p in sorted(folder.rglob("*")) if p.is_symlink() and not p.exists()]
    for p in gone:
        p.unlink()
    return gone


def tree_size(path: Path) -> tuple[int, int]:
    """(bytes, files) of a folder, symbolic links not followed."""
    total = files = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
            files += 1
    return total, files


def say(text: str) -> None:
    print(text, flush=True)


def mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def check_environment() -> None:
    """What the build needs besides the desk's own dependencies: ``pip install -e ".[build]"``."""
    import importlib.util

    missing = [name for name in ("PyInstaller", "psycopg") if importlib.util.find_spec(name) is None]
    if missing:
        raise BuildError(f'{", ".join(missing)} not installed in {sys.prefix}: pip install -e ".[build]"')


def run(build: Build) -> int:
    started = time.perf_counter()
    check_environment()
    version = build.timed("version", project_version)
    say(f"  {APP_NAME} {version}")
    qm = build.timed("translations", compile_translations, build.work / "translations")
    spec = build.timed("spec", build.write_spec, version, qm)
    build.timed("PyInstaller", build.run_pyinstaller, spec)
    dangling = drop_dangling_links(build.bundle)
    if dangling:
        say(f"  removed {len(dangling)} link(s) to pruned libraries: " + ", ".join(p.name for p in dangling))
    size, files = tree_size(build.bundle)
    pruned = ""
    report = build.work / "prune.json"
    if build.prune and report.is_file():
        removed = json.loads(report.read_text(encoding="utf-8"))
        pruned = f"; pruning left out {len(removed['removed'])} files, {mb(removed['bytes'])}"
    say(f"  bundle: {build.bundle} ({mb(size)}, {files} files{pruned})")
    if build.smoke_test:
        say(build.timed("smoke test", build.run_smoke_test).rstrip())
    iss = build.write_iss(version)
    say(f"  Inno Setup script: {iss}")
    outcome = 0
    if sys.platform == "win32":
        archive = build.timed("zip", build.make_zip, version)
        say(f"  zip: {archive}")
        if build.installer:
            iscc = find_iscc(build.iscc)
            if iscc is None:
                say(
                    "  the installer was not built: Inno Setup 6 (ISCC.exe) not found. Install it from "
                    "https://jrsoftware.org/isdl.php (or `winget install JRSoftware.InnoSetup`), or pass "
                    f"--iscc PATH; then run again, or compile {iss} yourself."
                )
                outcome = 3
            else:
                setup = build.timed("installer", build.compile_installer, iss, iscc)
                say(f"  installer: {setup}")
    else:
        say(
            "  the installer step needs Windows: the bundle above was built and smoke-tested for this system "
            f"({sys.platform}); the Windows installer (Inno Setup) and zip are built by running this script on "
            "Windows. The .iss above is written so that it can be inspected."
        )
    total = time.perf_counter() - started
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in build.timings.items())
    say(f"built in {total:.1f} s ({steps}); bundle {mb(size)} in {files} files")
    return outcome


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="build the bundle, smoke-test it, and on Windows the installer")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="build folder (default: build/)")
    p.add_argument(
        "--no-prune", action="store_true", help="no module excludes, no pruning (to measure what pruning saves)"
    )
    p.add_argument("--no-smoke-test", action="store_true", help="skip the bundle's smoke test (not for a release)")
    p.add_argument("--no-installer", action="store_true", help="on Windows: the bundle and zip only")
    p.add_argument("--iscc", help="Inno Setup's ISCC.exe (default: ISCC in the environment, PATH, Program Files)")
    args = p.parse_args(argv)
    build = Build(
        dist=args.dist.resolve(),
        work=args.work.resolve(),
        prune=not args.no_prune,
        smoke_test=not args.no_smoke_test,
        installer=not args.no_installer,
        iscc=args.iscc,
    )
    try:
        return run(build)
    except BuildError as exc:
        say(f"build failed: {exc}")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
