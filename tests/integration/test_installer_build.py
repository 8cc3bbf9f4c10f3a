"""``build_installer.py`` on this system: the PyInstaller bundle is built, pruned and smoke-tested; the
Inno Setup script and the Windows version information are written (the installer itself needs Windows).

The build runs once for the module, as a real process, with its output folders inside the test's temporary
folder (nothing lands in the working tree) and nothing downloaded: PyInstaller comes with ``.[test]``.
Then the built program is used as an installed one would be: its smoke test runs again on the same data
folder (an upgrade keeps the database) and on a database of an older version (migrated, not replaced).
"""

from __future__ import annotations

import ast
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pdfplumber
import pytest
from alembic import command

import build_installer
from reception.about import shipped_distributions
from reception.storage import migrate
from reception.storage.db import Database
from reception.storage.migrate import head_revision

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXE = ".exe" if sys.platform == "win32" else ""


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECEPTION_", "PYTEST", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


def tree_state(path: Path):
    return sorted((str(p), p.stat().st_mtime_ns) for p in path.rglob("*")) if path.exists() else None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("release")
    dist, work = base / "dist", base / "work"
    before = {name: tree_state(ROOT / name) for name in ("build", "dist")}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--dist", str(dist), "--work", str(work)],
        cwd=base,
        env=clean_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=1800,
        check=False,
    )
    took = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    assert {name: tree_state(ROOT / name) for name in ("build", "dist")} == before  # nothing in the tree
    print(f"\nbuild_installer.py took {took:.1f} s:\n{proc.stdout[-1500:]}")
    return dist, work, proc.stdout


def bundle(built) -> Path:
    return built[0] / "reception-desk"


def run_smoke(built, data: Path) -> tuple[subprocess.CompletedProcess, str]:
    proc = subprocess.run(
        [str(bundle(built) / f"reception-desk{EXE}"), "--smoke-test", "--lang", "en"],
        cwd=data.parent,
        env=clean_env(RECEPTION_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    report = data / "smoke-test" / "report.txt"
    return proc, report.read_text(encoding="utf-8") if report.is_file() else proc.stderr


def detail(report: str, title: str) -> str:
    return re.search(rf"^\[(?:ok  |FAIL)\] {re.escape(title)}: (.*)$", report, re.MULTILINE).group(1)


def test_the_build_makes_and_smoke_tests_the_bundle(built):
    _, work, out = built
    assert "smoke test passed" in out
    assert re.search(r"bundle: .+reception-desk \(\d+\.\d MB, \d+ files; pruning left out \d+ files, [\d.]+ MB\)", out)
    assert re.search(r"^built in \d+\.\d s \(", out, re.MULTILINE)
    if sys.platform != "win32":
        assert "the installer step needs Windows" in out
    for exe in ("reception-desk", "reception"):
        path = bundle(built) / f"{exe}{EXE}"
        assert path.is_file() and os.access(path, os.X_OK)
    report = (work / "smoke-test" / "data" / "smoke-test" / "report.txt").read_text(encoding="utf-8")
    assert report.startswith("smoke test passed\n")
    # the built program found its resources and migrations inside the bundle, not in this checkout
    internal = bundle(built) / "_internal"
    assert detail(report, "program files").startswith(f"bundle; resources {internal / 'resources'}; ")
    assert f"newest {head_revision()}" in detail(report, "program files")
    assert "PostgreSQL driver" in report and "libpq" in detail(report, "PostgreSQL driver")
    # the About dialog of the bundle lists what the source lists: the metadata were copied
    about = re.search(r"About \((\d+) components\)", detail(report, "desk window")).group(1)
    assert int(about) == len(shipped_distributions()) + 1


def test_the_receipt_of_the_bundle_embeds_the_shipped_font(built):
    receipts = list((built[1] / "smoke-test" / "data" / "smoke-test").glob("receipt-ZZ-*.pdf"))
    assert len(receipts) == 1
    with pdfplumber.open(receipts[0]) as pdf:
        page = pdf.pages[0]
        text = page.extract_text().replace(" ", "")
        fonts = {ch["fontname"] for ch in page.chars}
    assert receipts[0].stem.removeprefix("receipt-") in text
    assert "受理回执" in text
    assert fonts and all("WenQuanYi" in f for f in fonts), fonts


def test_the_bundle_holds_resources_migrations_and_metadata(built):
    internal = bundle(built) / "_internal"
    resources = internal / "resources"
    for rel in (
        "fonts/wqy-microhei.ttc",
        "fonts/LICENSE-wqy-microhei.txt",
        "licenses/LGPL-3.0.txt",
        "licenses/GPL-3.0.txt",
        "licenses/Python-LICENSE.txt",
        "icons/desk.png",
        "icons/desk.ico",
        "config/defaults.toml",
        "config/example-hall.toml",
        "schema/case-1.json",
        "receipts/template.toml",
        "rules/routing.toml",
        "rules/deadlines.toml",
        "api/department-queue-1.json",
        "qss/desk.qss",
    ):
        assert (resources / rel).is_file(), rel
    calendars = sorted(p.name for p in (resources / "calendars").iterdir())
    assert calendars == sorted(p.name for p in (ROOT / "resources" / "calendars").iterdir())
    # the translations were compiled for this build; their source is not shipped
    assert sorted(p.name for p in (resources / "translations").iterdir()) == ["desk_en.qm"]
    assert (resources / "translations" / "desk_en.qm").read_bytes() == (
        built[1] / "translations" / "desk_en.qm"
    ).read_bytes()
    migrations = internal / "reception" / "migrations"
    assert (migrations / "env.py").is_file() and (migrations / "script.py.mako").is_file()
    shipped = sorted(p.name for p in (migrations / "versions").glob("[0-9]*.py"))
    assert shipped == sorted(p.name for p in (ROOT / "reception" / "migrations" / "versions").glob("[0-9]*.py"))

    # the metadata (and licence files) of every shipped distribution, for the About dialog: the installed
    # distribution's, not the checkout's egg-info
    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    infos = {normal(p.name.removesuffix(".dist-info").rsplit("-", 1)[0]) for p in internal.glob("*.dist-info")}
    assert {normal(d.metadata["Name"]) for d in shipped_distributions()} <= infos
    assert not list(internal.glob("*.egg-info"))


def test_unused_qt_parts_were_left_out(built):
    internal = bundle(built) / "_internal"
    qt = next(p for p in internal.rglob("plugins") if p.parent.name in ("Qt", "PySide6"))
    plugins = {p.parent.name + "/" + p.name for p in qt.rglob("*") if p.is_file()}
    assert any(p.startswith("platforms/") and "qoffscreen" in p for p in plugins)
    if sys.platform == "linux":
        assert "platforms/libqxcb.so" in plugins
    for gone in ("wayland", "eglfs", "vnc", "networkinformation", "tls/", "qtiff", "qwebp", "iconengines/", "gtk3"):
        assert not [p for p in plugins if gone in p], gone
    translations = {p.name for p in internal.rglob("*.qm") if "translations" in p.parts and "PySide6" in p.parts}
    assert translations == build_installer.QT_TRANSLATIONS_KEPT
    assert not list(internal.rglob("QtNetwork*.so")) + list(internal.rglob("QtNetwork*.pyd"))
    removed = json.loads((built[1] / "prune.json").read_text(encoding="utf-8"))
    assert removed["bytes"] > 5_000_000
    names = [Path(dest).name for dest, _ in removed["removed"]]
    if sys.platform == "linux":
        # libraries only the removed plugins needed went with them
        assert "libQt6WaylandClient.so.6" in names
        assert not (internal / "libgtk-3.so.0").exists()


def test_the_inno_setup_script_and_version_information(built):
    work = built[1]
    iss = (work / "reception-desk.iss").read_bytes()
    assert iss.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Inno Setup reads the Chinese right
    text = iss.decode("utf-8-sig")
    version = build_installer.project_version()
    assert f"AppId={{{build_installer.APP_GUID}\n" in text  # fixed: an upgrade replaces the installed version
    assert f"AppVersion={version}\n" in text
    assert "PrivilegesRequired=admin\n" in text and "DefaultDirName={autopf}\\OneStopReception\\ReceptionDesk" in text
    assert "UsePreviousAppDir=yes" in text and "CloseApplications=yes" in text
    assert 'Name: "{autoprograms}\\一站式受理台"; Filename: "{app}\\reception-desk.exe"' in text
    assert f'Source: "{bundle(built)}\\*"; DestDir: "{{app}}"' in text
    assert "[InstallDelete]\n; an upgrade replaces the program files whole" in text
    assert 'Type: filesandordirs; Name: "{app}\\_internal"' in text
    assert "[UninstallDelete]\n" not in text  # the hall's data are kept
    assert "ChineseSimplified.isl" in text and "compiler:Default.isl" in text
    assert f"OutputBaseFilename=reception-desk-{version}-setup" in text
    assert not re.search(r"\$[a-z_]+", text)  # every placeholder filled in

    # PyInstaller reads the version files only on Windows (its reader needs the Windows API): here their
    # text is checked as the Python expression PyInstaller evaluates
    numbers = build_installer.version_numbers(version)
    for key, exe, description in (
        ("desk", "reception-desk.exe", "One-Stop Reception Desk"),
        ("cli", "reception.exe", "One-Stop Reception Desk command line"),
    ):
        tree = ast.parse((work / f"version-{key}.txt").read_text(encoding="utf-8"), mode="eval")
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        assert {n.func.id for n in calls} == {
            "VSVersionInfo",
            "FixedFileInfo",
            "StringFileInfo",
            "StringTable",
            "StringStruct",
            "VarFileInfo",
            "VarStruct",
        }
        fixed = next(n for n in calls if n.func.id == "FixedFileInfo")
        versions = {kw.arg: ast.literal_eval(kw.value) for kw in fixed.keywords if kw.arg in ("filevers", "prodvers")}
        assert versions == {"filevers": numbers, "prodvers": numbers}
        tables = {
            ast.literal_eval(t.args[0]): dict(ast.literal_eval(ast.Tuple(st.args, ast.Load())) for st in t.args[1].elts)
            for t in calls
            if t.func.id == "StringTable"
        }
        assert set(tables) == {"080404B0", "040904B0"}  # Chinese (PRC) and English (US), Unicode
        assert tables["080404B0"]["ProductName"] == "一站式受理台"
        assert tables["040904B0"]["FileDescription"] == description
        for strings in tables.values():
            assert strings["OriginalFilename"] == exe
            assert strings["ProductVersion"] == strings["FileVersion"] == version


def test_no_link_in_the_bundle_points_nowhere(built):
    assert [p for p in bundle(built).rglob("*") if p.is_symlink() and not p.exists()] == []


def test_the_command_line_program_runs(built):
    proc = subprocess.run(
        [str(bundle(built) / f"reception{EXE}"), "--version"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"reception {build_installer.project_version()}"


def test_an_upgrade_keeps_and_migrates_the_database(built, tmp_path):
    """The installed program on the data of an earlier run (same schema: kept), then on a database an older
    version left (schema 0006: migrated in place, with the backup copy beside it)."""
    data = tmp_path / "data"
    first, report = run_smoke(built, data)
    assert first.returncode == 0, report
    database = data / "reception.sqlite3"
    assert detail(report, "database") == f"created {database}, schema {head_revision()}"
    first_case = detail(report, "intake").split()[0]

    again, report = run_smoke(built, data)
    assert again.returncode == 0, report
    assert detail(report, "database") == f"{database} already at schema {head_revision()}, 1 case(s) kept"

    db = Database("sqlite:///" + database.as_posix())
    try:
        cfg = migrate._config()
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
    finally:
        db.dispose()
    upgraded, report = run_smoke(built, data)
    assert upgraded.returncode == 0, report
    said = detail(report, "database")
    assert said.startswith(f"{database} migrated from schema 0006 to {head_revision()}, 2 case(s) kept")
    backups = list(data.glob("reception.sqlite3.pre-0006-*.bak"))
    assert len(backups) == 1 and backups[0].name in said
    con = sqlite3.connect(database)
    try:
        cases = [r[0] for r in con.execute("SELECT case_no FROM cases ORDER BY id")]
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
    finally:
        con.close()
    assert len(cases) == 3 and cases[0] == first_case


def test_the_installed_program_keeps_its_data_in_the_users_folders(built, tmp_path):
    """Without any RECEPTION_* folder set, as on a hall workstation: the database and the hall file go to the
    user's data and config folders (platformdirs; %LOCALAPPDATA% on Windows), never beside the program or in
    the working folder."""
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    env = clean_env(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        APPDATA=str(home / "AppData" / "Roaming"),
    )
    program = bundle(built)
    before = tree_state(program)
    proc = subprocess.run(
        [str(program / f"reception{EXE}"), "init"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    databases = list(home.rglob("reception.sqlite3"))
    halls = list(home.rglob("hall.toml"))
    assert len(databases) == 1 and len(halls) == 1, sorted(map(str, home.rglob("*")))
    assert "reception-desk" in databases[0].parts and "reception-desk" in halls[0].parts
    assert str(databases[0]) in proc.stdout or databases[0].as_posix() in proc.stdout
    assert tree_state(program) == before  # nothing written beside the program
    assert not list(work.iterdir())
